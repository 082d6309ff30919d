"""Classical families on time series: the tabular models over extracted features.

Linear, random forest, LightGBM and XGBoost read the ``series_features`` input: per channel, global
statistics, lag autocorrelations, rolling-window statistics and a piecewise shape summary
(:class:`advisor.models.series.features.SeriesFeatures`). Their search spaces and defaults are the
tabular ones.
"""

from __future__ import annotations

from dataclasses import replace

from advisor.models import forest, gbm, linear
from advisor.models.registry import register

__all__ = ["SERIES_CLASSICAL"]

SERIES_CLASSICAL = tuple(
    register(replace(spec, modalities=("timeseries",), view="series_features"))
    for spec in (linear.LINEAR, forest.RANDOM_FOREST, gbm.LIGHTGBM, gbm.XGBOOST)
)

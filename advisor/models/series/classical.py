"""Classical families on time series: the tabular models over extracted features.

Linear, random forest, LightGBM and XGBoost read the ``series_features`` input: per channel, global
statistics, lag autocorrelations, rolling-window statistics and a piecewise shape summary
(:class:`advisor.models.series.features.SeriesFeatures`). Their search spaces and defaults are the
tabular ones.
"""

from __future__ import annotations

from dataclasses import replace

from advisor.models import forest, gbm, linear

__all__ = ["SERIES_FOREST", "SERIES_LIGHTGBM", "SERIES_LINEAR", "SERIES_XGBOOST"]

SERIES_LINEAR = replace(linear.LINEAR, view="series_features")
SERIES_FOREST = replace(forest.RANDOM_FOREST, view="series_features")
SERIES_LIGHTGBM = replace(gbm.LIGHTGBM, view="series_features")
SERIES_XGBOOST = replace(gbm.XGBOOST, view="series_features")

"""Classical families on images, and the embeddings + XGBoost hybrid.

- ``linear`` and ``lightgbm`` read the ``pixels`` input: downsampled pixel intensities plus histograms of
  gradient orientations (:class:`advisor.models.vision.features.PixelFeatures`), the classical baseline.
- ``embedding_xgboost`` reads frozen EfficientNet-Lite0 embeddings (``image_embedding``), computed once per
  dataset and cached in the run folder, and learns the task with XGBoost.

Search spaces and defaults are the tabular ones.
"""

from __future__ import annotations

from dataclasses import replace

from advisor.models import gbm, linear

__all__ = ["EMBEDDING_XGBOOST", "IMAGE_LIGHTGBM", "IMAGE_LINEAR"]

IMAGE_LINEAR = replace(linear.LINEAR, view="pixels")
IMAGE_LIGHTGBM = replace(gbm.LIGHTGBM, view="pixels")
EMBEDDING_XGBOOST = replace(
    gbm.XGBOOST,
    default_params=gbm.xgboost_embedding_default,
    label="EfficientNet-Lite0 embeddings + XGBoost",
    view="image_embedding",
)

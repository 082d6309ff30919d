"""PyTorch model families as scikit-learn estimators (the MLP for tables).

Importing this package is cheap: torch loads only when an estimator is first used.

>>> from advisor.models.torch import MLPClassifier    # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["MLPClassifier", "MLPRegressor"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("advisor.models.torch.mlp"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""PyTorch model families as scikit-learn estimators (the MLP for tables).

Importing this package is cheap: torch loads only when an estimator is first used.

>>> from advisor.models.torch import MLPClassifier    # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor.lazy import attach

__all__ = ["MLPClassifier", "MLPRegressor"]

if TYPE_CHECKING:
    from advisor.models.torch.mlp import MLPClassifier, MLPRegressor

__getattr__, __dir__ = attach(__name__, dict.fromkeys(__all__, "advisor.models.torch.mlp"))

"""Linear models: logistic regression (classification) and ridge (regression) on one-hot features.

Numeric columns are median-imputed and standardized, categorical ones most-frequent-imputed and
one-hot encoded (:class:`~advisor.models.preprocessing.TabularPreprocessor`, ``encoding='onehot'``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression, Ridge

from advisor.models.preprocessing import PreprocessedClassifier, PreprocessedRegressor
from advisor.models.spec import FitContext, ModelSpec

__all__ = ["LinearClassifier", "LinearRegressor"]


class LinearClassifier(PreprocessedClassifier):
    """L2-regularized logistic regression (lbfgs; multinomial for more than two classes)."""

    _encoding = "onehot"

    def __init__(
        self,
        *,
        C: float = 1.0,
        class_weight: str | dict | None = None,
        max_iter: int = 1000,
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.random_state = random_state

    def _make_model(self) -> LogisticRegression:
        return LogisticRegression(
            C=self.C, class_weight=self.class_weight, max_iter=self.max_iter, random_state=self.random_state
        )

    def fit(self, X: Any, y: Any, eval_set: Any = None, progress: Any = None) -> LinearClassifier:
        super().fit(X, y, eval_set=eval_set, progress=progress)
        self.n_iter_ = np.asarray(self.model_.n_iter_)
        return self


class LinearRegressor(PreprocessedRegressor):
    """Ridge regression."""

    _encoding = "onehot"

    def __init__(self, *, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def _make_model(self) -> Ridge:
        return Ridge(alpha=self.alpha)


def search_space(trial: Any, ctx: FitContext) -> dict[str, Any]:
    if ctx.is_classification:
        return {
            "C": trial.suggest_float("C", 1e-4, 1e2, log=True),
            "class_weight": trial.suggest_categorical("class_weight", [None, "balanced"]),
        }
    return {"alpha": trial.suggest_float("alpha", 1e-3, 1e3, log=True)}


def default_params(ctx: FitContext) -> dict[str, Any]:
    if ctx.is_classification:
        return {"C": 1.0, "class_weight": "balanced" if ctx.class_weight else None}
    return {"alpha": 1.0}


def build(params: dict[str, Any], ctx: FitContext) -> LinearClassifier | LinearRegressor:
    if ctx.is_classification:
        return LinearClassifier(**params, random_state=ctx.seed)
    return LinearRegressor(**params)


LINEAR = ModelSpec("Logistic / ridge regression", search_space, default_params, build)

"""Random forests on ordinal-encoded features.

Numeric columns are median-imputed; categorical ones become integer codes (-1 unseen, -2 missing),
see :class:`~advisor.models.preprocessing.TabularPreprocessor` with ``encoding='ordinal'``.
"""

from __future__ import annotations

import math
import time
from typing import Any, ClassVar

import numpy as np
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.utils.class_weight import compute_class_weight

from advisor.models.params import estimator_params
from advisor.models.preprocessing import PreprocessedClassifier, PreprocessedRegressor
from advisor.models.spec import FitContext, ModelSpec

__all__ = ["ForestClassifier", "ForestRegressor"]

MAX_FEATURES = ("sqrt", "log2", 0.33, 0.5, 0.7, 1.0)
MAX_DEPTHS = (None, 4, 6, 8, 12, 16, 24, 32)


#: Trees grown between two ``progress`` calls (a deadline can stop the forest between chunks): at most
#: CHUNK, fewer on large data, so that a chunk takes about CHUNK_SECONDS (measured on the first trees).
CHUNK = 25
CHUNK_SECONDS = 1.0


@estimator_params
class _Forest:
    """Grows the forest in chunks of trees when given ``progress``, so a deadline can stop it.

    ``best_iteration_`` is the number of trees grown minus one (all of them unless stopped), so the
    runner refits with the same number of trees. Growing in chunks with ``warm_start`` gives the same
    trees as one fit (scikit-learn advances the random state for the trees already grown).
    """

    n_estimators: int = 200
    max_features: str | float | None = "sqrt"
    min_samples_leaf: int = 1
    max_depth: int | None = None
    n_jobs: int | None = None
    random_state: int | np.random.RandomState | None = None

    _encoding = "ordinal"
    #: The scikit-learn forest the classifier and the regressor grow.
    _forest: ClassVar[type[RandomForestClassifier] | type[RandomForestRegressor]]

    def _make_model(self) -> Any:
        """The unfitted scikit-learn forest, with this estimator's parameters (and the subclass's own)."""
        return self._forest(**self._forest_params(), **self._own_params())

    def _own_params(self) -> dict[str, Any]:
        return {}

    def _fit_model(self, data: Any, target: np.ndarray, progress: Any) -> Any:
        model = self._make_model()
        if progress is None:
            self.best_iteration_ = self.n_estimators - 1
            return model.fit(data, target)
        model.set_params(warm_start=True)
        if getattr(self, "class_weight", None) == "balanced":  # explicit weights: same result, no warm-start warning
            classes = np.unique(target)
            weights = compute_class_weight("balanced", classes=classes, y=target)
            model.set_params(class_weight=dict(zip(classes.tolist(), weights.tolist(), strict=True)))
        grown, chunk = 0, max(1, min(CHUNK, abs(self.n_jobs or 1)))  # the first chunk measures a tree's time
        while grown < self.n_estimators:
            start = time.perf_counter()
            step = min(chunk, self.n_estimators - grown)
            grown += step
            model.set_params(n_estimators=grown)
            model.fit(data, target)
            per_tree = (time.perf_counter() - start) / step
            chunk = int(min(CHUNK, max(1, CHUNK_SECONDS / per_tree))) if per_tree > 0 else CHUNK
            if progress(grown - 1, math.nan):
                break
        self.best_iteration_ = grown - 1
        return model

    def _forest_params(self) -> dict[str, Any]:
        return {
            "n_estimators": self.n_estimators,
            "max_features": self.max_features,
            "min_samples_leaf": self.min_samples_leaf,
            "max_depth": self.max_depth,
            "n_jobs": self.n_jobs,
            "random_state": self.random_state,
        }


@estimator_params
class ForestClassifier(_Forest, PreprocessedClassifier):
    """Random forest classifier."""

    class_weight: str | dict | None = None
    _forest = RandomForestClassifier

    def _own_params(self) -> dict[str, Any]:
        return {"class_weight": self.class_weight}


@estimator_params
class ForestRegressor(_Forest, PreprocessedRegressor):
    """Random forest regressor."""

    max_features: str | float | None = 1.0
    _forest = RandomForestRegressor


def search_space(trial: Any, ctx: FitContext) -> dict[str, Any]:
    return {
        "n_estimators": trial.suggest_int("n_estimators", 100, 500, step=50),
        "max_features": trial.suggest_categorical("max_features", MAX_FEATURES),
        "min_samples_leaf": trial.suggest_int("min_samples_leaf", 1, 32, log=True),
        "max_depth": trial.suggest_categorical("max_depth", MAX_DEPTHS),
    }


def default_params(ctx: FitContext) -> dict[str, Any]:
    return {
        "n_estimators": 200,
        "max_features": "sqrt" if ctx.is_classification else 1.0,
        "min_samples_leaf": 1,
        "max_depth": None,
    }


def build(params: dict[str, Any], ctx: FitContext) -> ForestClassifier | ForestRegressor:
    if ctx.is_classification:
        return ForestClassifier(
            **params, class_weight="balanced" if ctx.class_weight else None, **ctx.placement(device=False)
        )
    return ForestRegressor(**params, **ctx.placement(device=False))


RANDOM_FOREST = ModelSpec("Random forest", search_space, default_params, build, steps="trees")

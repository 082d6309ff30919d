"""AveragingEnsemble: the average of a deep model and a gradient-boosted model ("dl_gbm_ensemble").

The benchmark runner combines the best fitted models of the families in the spec's ``requires``
with :meth:`AveragingEnsemble.from_fitted`, without refitting them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone, is_classifier, is_regressor
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils import ClassifierTags, RegressorTags, get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from advisor.models import gbm
from advisor.models.registry import register
from advisor.models.spec import FitContext, ModelSpec

__all__ = ["AveragingEnsemble", "default_members"]

MLP_MODULE = "advisor.models.torch.mlp"


class AveragingEnsemble(BaseEstimator):
    """Weighted average of member estimators' ``predict_proba`` (classifiers) or ``predict`` (regressors).

    Parameters
    ----------
    estimators : sequence of estimators
        All classifiers or all regressors. ``fit`` fits a clone of each on the same data;
        :meth:`from_fitted` uses already-fitted ones as they are.
    weights : sequence of float or None
        One non-negative weight per member (normalized to sum to 1); None averages equally.

    Attributes
    ----------
    estimators_ : list
        The fitted members.
    classes_ : ndarray
        The class labels (classifiers; every member must have the same ``classes_``).
    """

    def __init__(self, estimators: Sequence[Any], weights: Sequence[float] | None = None) -> None:
        self.estimators = estimators
        self.weights = weights

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_fitted(cls, members: Sequence[Any], weights: Sequence[float] | None = None) -> AveragingEnsemble:
        """An ensemble of already-fitted members, ready to predict (nothing is refitted)."""
        ensemble = cls(estimators=list(members), weights=weights)
        ensemble._check_members()
        for member in members:
            check_is_fitted(member)
        ensemble._adopt(list(members))
        return ensemble

    def _is_classifier(self) -> bool:
        return bool(self.estimators) and all(is_classifier(e) for e in self.estimators)

    def _check_members(self) -> None:
        members = list(self.estimators) if self.estimators is not None else []
        if not members:
            raise ValueError("AveragingEnsemble needs at least one estimator.")
        if not (all(is_classifier(e) for e in members) or all(is_regressor(e) for e in members)):
            raise ValueError("AveragingEnsemble members must be all classifiers or all regressors.")
        if self.weights is not None:
            weights = np.asarray(self.weights, dtype=np.float64)
            if weights.shape != (len(members),) or (weights < 0).any() or weights.sum() <= 0:
                raise ValueError(
                    f"weights must be {len(members)} non-negative numbers with a positive sum, got {self.weights!r}."
                )

    def _adopt(self, fitted: list[Any]) -> None:
        """Take fitted members: check they agree and copy their shared fitted attributes."""
        if self._is_classifier():
            classes = fitted[0].classes_
            for member in fitted[1:]:
                if not np.array_equal(member.classes_, classes):
                    raise ValueError(f"Members disagree on the classes: {list(classes)} vs {list(member.classes_)}.")
            self.classes_ = np.asarray(classes)
        if hasattr(fitted[0], "n_features_in_"):
            self.n_features_in_ = fitted[0].n_features_in_
        if hasattr(fitted[0], "feature_names_in_"):
            self.feature_names_in_ = fitted[0].feature_names_in_
        weights = np.ones(len(fitted)) if self.weights is None else np.asarray(self.weights, dtype=np.float64)
        self.weights_ = weights / weights.sum()
        self.estimators_ = fitted

    # ------------------------------------------------------------------ fit
    def fit(
        self, X: Any, y: Any, eval_set: Any = None, progress: Callable[[int, float], bool] | None = None
    ) -> AveragingEnsemble:
        """Fit a clone of each member on (X, y), passing ``eval_set`` on.

        ``progress`` is passed to each member with its steps numbered on from the previous member's,
        so the steps keep increasing; once it has returned True, later members get a ``progress`` that
        stops them after their first step. Exceptions from it propagate.
        """
        self._check_members()
        state = {"offset": 0, "last": -1, "stop": False}

        def member_progress(step: int, value: float) -> bool:
            state["last"] = state["offset"] + step
            if state["stop"]:
                return True
            state["stop"] = bool(progress(state["last"], value))
            return state["stop"]

        fitted = []
        for member in self.estimators:
            estimator = clone(member)
            estimator.fit(X, y, eval_set=eval_set, progress=member_progress if progress is not None else None)
            state["offset"] = state["last"] + 1
            fitted.append(estimator)
        self._adopt(fitted)
        return self

    # ------------------------------------------------------------------ predict
    @available_if(lambda self: self._is_classifier())
    def predict_proba(self, X: Any) -> np.ndarray:
        """Weighted mean of the members' class probabilities (classifier members only)."""
        check_is_fitted(self, "estimators_")
        return sum(w * m.predict_proba(X) for w, m in zip(self.weights_, self.estimators_, strict=True))

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "estimators_")
        if hasattr(self, "classes_"):
            return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
        return sum(
            w * np.asarray(m.predict(X), dtype=np.float64) for w, m in zip(self.weights_, self.estimators_, strict=True)
        )

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy (classifiers) or R² (regressors)."""
        scorer = accuracy_score if self._is_classifier() else r2_score
        return float(scorer(y, self.predict(X), sample_weight=sample_weight))

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        members = list(self.estimators or [])
        member_tags = [get_tags(m) for m in members]
        tags.input_tags.allow_nan = bool(member_tags) and all(t.input_tags.allow_nan for t in member_tags)
        tags.input_tags.categorical = bool(member_tags) and all(t.input_tags.categorical for t in member_tags)
        if self._is_classifier():
            tags.estimator_type = "classifier"
            tags.classifier_tags = ClassifierTags()
            tags.target_tags.required = True
        elif members and all(is_regressor(m) for m in members):
            tags.estimator_type = "regressor"
            tags.regressor_tags = RegressorTags()
            tags.target_tags.required = True
        return tags


# ---------------------------------------------------------------------------------------- spec
def _default_mlp(ctx: FitContext) -> Any | None:
    """A default MLP from the torch spec, or None when that module or spec is not available."""
    try:
        importlib.import_module(MLP_MODULE)
    except ImportError:
        return None
    from advisor.models.registry import registry

    try:
        spec = registry().get("mlp")
    except ImportError:
        return None
    if spec is None or spec.build is None or spec.default_params is None:
        return None
    return spec.build(spec.default_params(ctx), ctx)


def default_members(ctx: FitContext, *, include_mlp: bool = True) -> list[Any]:
    """Default LightGBM and default MLP; default LightGBM and XGBoost when the MLP is unavailable."""
    members = [gbm.LIGHTGBM.build(gbm.lightgbm_default(ctx), ctx)]
    mlp = _default_mlp(ctx) if include_mlp else None
    members.append(mlp if mlp is not None else gbm.XGBOOST.build(gbm.xgboost_default(ctx), ctx))
    return members


def default_params(ctx: FitContext) -> dict[str, Any]:
    return {}


def build(params: dict[str, Any], ctx: FitContext) -> AveragingEnsemble:
    return AveragingEnsemble(estimators=default_members(ctx), **params)


DL_GBM_ENSEMBLE = register(
    ModelSpec(
        name="dl_gbm_ensemble",
        label="Network + gradient boosting average",
        modalities=("tabular", "image", "text", "timeseries"),
        allow_nan=True,
        native_categorical=True,
        uses_gpu=True,
        iterative=False,
        search_space=None,
        default_params=default_params,
        build=build,
        requires=("gbm", "mlp"),
        notes=(
            "requires=('gbm', 'mlp'): the runner averages the best fitted boosted-tree model (lightgbm, xgboost or "
            "embedding_xgboost) and the best fitted network (mlp, cnn, rnn or transformer), each on its own input "
            "(advisor.benchmarking.ensemble_step.InputAverage; no refit, no search).",
            "Classification averages predict_proba (members must share classes_); regression averages predict.",
            "build() gives default LightGBM + default MLP (default LightGBM + XGBoost without the torch MLP).",
        ),
    )
)

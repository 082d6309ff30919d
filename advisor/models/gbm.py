"""Gradient-boosted trees: LightGBM and XGBoost as scikit-learn estimators with per-round progress.

Both take a DataFrame whose categorical columns (pandas ``category``; ``object``, ``string`` and
``bool`` columns are converted) are split on natively, or a plain numeric array; NaN is allowed.
The categories seen in fit are remembered, so a category unseen in fit is treated as missing later.
float32 columns stay float32 (both libraries bin their values alike); LightGBM reads the prepared columns as
an Arrow table, without copying them into one matrix (8.5M x 50 rows: 14 s to prepare and bin, 39 s through
a DataFrame).

``fit(X, y, eval_set=(X_val, y_val), progress=callable)`` evaluates the validation loss after
every boosting round (log loss for classification, RMSE for regression), calls
``progress(round_index, loss)`` and stops when it returns True or when the loss has not improved
for ``early_stopping_rounds`` rounds; the model then predicts with its best round,
``best_iteration_`` (0-based). ``n_rounds_`` is the number of rounds the fitted model uses
(``best_iteration_ + 1``): set ``n_estimators`` to it to refit on all the data without an eval set.
Exceptions raised by ``progress`` (``optuna.TrialPruned``) propagate out of ``fit``. Without an
eval set there is no early stopping, and ``progress`` (if given) receives NaN each round (so a caller
can still stop training at a deadline without paying for a loss evaluation).

LightGBM also takes ``fit(X, y, pace=Pace(deadline, scale))`` (:mod:`advisor.models.pace`): it trains its
``n_estimators`` rounds on every row by the deadline, each round drawing a share of the rows (bagging) that is
lowered as the rounds are timed; ``pace_`` then says which shares it drew and how many rounds it trained.
(XGBoost's CPU ``hist`` method does not get faster with ``subsample``, so it is not paced.)
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, TypeVar

import lightgbm as lgb
import numpy as np
import pandas as pd
import pyarrow as pa
import xgboost as xgb
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import check_is_fitted

from advisor.models.common import (
    TabularInputTags,
    category_codes,
    encode_classes,
    is_categorical_dtype,
    n_threads,
    regression_target,
    seed_from,
    validate_features,
)
from advisor.models.pace import Pace, Pacer
from advisor.models.params import estimator_params
from advisor.models.spec import EvalSet, FitContext, ModelSpec, Progress

__all__ = [
    "MAX_ROUNDS",
    "LightGBMClassifier",
    "LightGBMRegressor",
    "XGBoostClassifier",
    "XGBoostRegressor",
]

B = TypeVar("B", bound="_Boosting")

MAX_ROUNDS = 2000  # boosting rounds in a search; early stopping picks the number actually used
EARLY_STOPPING_ROUNDS = 50


class _Rounds:
    """Follows the loss per round: best round, early stopping, the caller's ``progress``."""

    def __init__(
        self,
        progress: Callable[[int, float], bool] | None,
        patience: int | None,
        pick_best: bool,
        pacer: Pacer | None = None,
    ) -> None:
        self.progress = progress
        self.pacer = pacer
        self.patience = patience if patience and patience > 0 else None
        self.pick_best = pick_best
        self.best_index = -1
        self.best_value = math.inf
        self.rounds = 0

    def update(self, index: int, value: float) -> bool:
        """Record round ``index``'s loss; True means stop training now."""
        self.rounds = index + 1
        if not self.pick_best:
            self.best_index = index
        elif value < self.best_value or self.best_index < 0:
            self.best_index, self.best_value = index, value
        stop = bool(self.progress(index, float(value))) if self.progress is not None else False
        if self.pick_best and self.patience is not None and index - self.best_index >= self.patience:
            stop = True
        return stop

    def pace(self, index: int) -> float | None:
        """Round ``index`` has ended: the new share of rows per round for a paced fit, when it changes."""
        return self.pacer.after_round(index) if self.pacer is not None else None

    @property
    def watched(self) -> bool:
        """Whether anything needs a callback after each round without an eval set (deadline, pacing)."""
        return self.progress is not None or self.pacer is not None


#: Each library's (objective, validation metric) for a multiclass, binary and regression target.
_LIGHTGBM_OBJECTIVES = {
    "multiclass": ("multiclass", "multi_logloss"),
    "binary": ("binary", "binary_logloss"),
    "regression": ("regression", "rmse"),
}
_XGBOOST_OBJECTIVES = {
    "multiclass": ("multi:softprob", "mlogloss"),
    "binary": ("binary:logistic", "logloss"),
    "regression": ("reg:squarederror", "rmse"),
}


def _target_kind(n_classes: int) -> str:
    """'multiclass', 'binary' or 'regression' (``n_classes`` is 0 for regression)."""
    return "multiclass" if n_classes > 2 else "binary" if n_classes == 2 else "regression"


def _plain_number(dtype: Any) -> bool:
    return (
        pd.api.types.is_numeric_dtype(dtype)
        and not is_categorical_dtype(dtype)
        and not pd.api.types.is_bool_dtype(dtype)
    )


def _recode(column: pd.Series, categories: pd.Index) -> pd.Categorical:
    """The column as a Categorical over ``categories``; values outside them (unseen in fit) become missing."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        if column.cat.categories.equals(categories):
            return column.array
        mapping = np.append(categories.get_indexer(column.cat.categories), -1)
        codes = mapping[column.cat.codes.to_numpy()]  # code -1 (missing) picks the appended -1
    else:
        codes = category_codes(column, categories)
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories))


def _codes_or_values(column: np.ndarray | pd.Categorical) -> np.ndarray:
    """A categorical column's codes as floats (NaN: missing), exact in float32 up to 2**24 categories; a
    numeric column as it is."""
    if not isinstance(column, pd.Categorical):
        return column
    codes = column.codes
    values = codes.astype(np.float32 if len(column.categories) < 2**24 else np.float64)
    values[codes < 0] = np.nan
    return values


def _numbers(column: pd.Series) -> np.ndarray:
    """A numeric column as floats with NaN for missing: float32 stays float32 (both libraries bin its values
    alike, at half the memory), anything else becomes float64."""
    values = pd.to_numeric(column, errors="raise")
    dtype = np.float32 if values.dtype == np.float32 else np.float64
    return values.to_numpy(dtype=dtype, na_value=np.nan)


@estimator_params
class _Boosting(TabularInputTags, BaseEstimator, ABC):
    """What the four boosting estimators share: input preparation, fit flow, checks, tags."""

    n_estimators: int = 100
    subsample: float = 1.0
    colsample_bytree: float = 1.0
    reg_alpha: float = 0.0
    class_weight: str | dict | None = None
    early_stopping_rounds: int | None = EARLY_STOPPING_ROUNDS
    n_jobs: int | None = None
    random_state: int | np.random.RandomState | None = None

    _classifier = False
    _paced = False  # whether fit takes ``pace`` (a round's time falls with its share of rows)
    _pace_ceiling = 1.0  # the largest share of rows a paced round draws

    # ------------------------------------------------------------------ to implement
    @abstractmethod
    def _train(
        self,
        X: Any,
        y: np.ndarray,
        weight: np.ndarray | None,
        valid: tuple[Any, np.ndarray] | None,
        rounds: _Rounds,
        n_classes: int,
    ) -> Any: ...

    @abstractmethod
    def _raw_predict(self, X: Any) -> np.ndarray: ...

    # ------------------------------------------------------------------ input
    def _prepare(self, X: Any, *, reset: bool) -> pd.DataFrame | np.ndarray:
        """Validate X; a DataFrame becomes numeric float64 columns and categoricals with the fit's categories."""
        X = validate_features(self, X, reset=reset)
        if reset:
            self.categories_: dict[int, pd.Index] = {}
        if not isinstance(X, pd.DataFrame):
            if not reset and self.categories_:
                raise ValueError(
                    f"{type(self).__name__} was fitted on a DataFrame with categorical columns; "
                    "pass a DataFrame with the same columns."
                )
            return X
        if not self.categories_ and all(_plain_number(dtype) for dtype in X.dtypes):
            # all numbers (e.g. embeddings): one conversion instead of one per column (1,280 columns: 100x faster)
            values = X.to_numpy(dtype=np.float64, na_value=np.nan)
            return pd.DataFrame(values, columns=[f"f{i}" for i in range(X.shape[1])])
        columns: dict[str, Any] = {}
        for i in range(X.shape[1]):
            column = X.iloc[:, i]
            if reset and is_categorical_dtype(column.dtype):
                if isinstance(column.dtype, pd.CategoricalDtype):
                    self.categories_[i] = column.cat.categories
                else:
                    self.categories_[i] = pd.Index(pd.unique(column.dropna()))
            if i in self.categories_:
                columns[f"f{i}"] = _recode(column, self.categories_[i])
            else:
                columns[f"f{i}"] = _numbers(column)
        return self._assemble(columns)

    def _assemble(self, columns: dict[str, np.ndarray | pd.Categorical]) -> Any:
        """The prepared columns in the form the library trains and predicts on (here: a DataFrame)."""
        return pd.DataFrame(columns)

    def _check_params(self) -> None:
        if not (isinstance(self.n_estimators, int | np.integer) and self.n_estimators >= 1):
            raise ValueError(f"n_estimators must be a positive integer, got {self.n_estimators!r}.")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {self.learning_rate!r}.")
        for name in ("subsample", "colsample_bytree"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                raise ValueError(f"{name} must be in (0, 1], got {value!r}.")
        if self.early_stopping_rounds is not None and self.early_stopping_rounds < 0:
            raise ValueError(f"early_stopping_rounds must be None or >= 0, got {self.early_stopping_rounds!r}.")

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        X: Any,
        y: Any,
        eval_set: EvalSet | None = None,
        progress: Progress | None = None,
        pace: Pace | None = None,
    ) -> _Boosting:
        """Fit; with ``eval_set`` report the validation loss each round and stop early; with ``pace`` (LightGBM,
        no eval set) end the rounds by its deadline by drawing fewer rows per round (module docstring)."""
        self._check_params()
        if pace is not None and (not self._paced or eval_set is not None):
            raise ValueError(f"{type(self).__name__} cannot pace its rounds{' with an eval set' * self._paced}.")
        data = self._prepare(X, reset=True)
        if data.shape[0] < 2:
            raise ValueError(f"{type(self).__name__} got 1 sample; boosting needs at least 2.")
        target = self._fit_target(y, data.shape[0])
        weight = None
        if self._classifier and self.class_weight is not None:
            weight = compute_sample_weight(self.class_weight, self.classes_[target.astype(np.intp)])
        valid = None
        if eval_set is not None:
            X_val, y_val = eval_set
            valid_data = self._prepare(X_val, reset=False)
            valid = (valid_data, self._eval_target(y_val, valid_data.shape[0]))
        pacer = None
        if pace is not None:
            pacer = Pacer(pace, self.n_estimators, self.subsample, self._pace_ceiling)
        rounds = _Rounds(progress, self.early_stopping_rounds, pick_best=valid is not None, pacer=pacer)
        n_classes = len(self.classes_) if self._classifier else 0
        self.booster_ = self._train(data, target, weight, valid, rounds, n_classes)
        self.n_rounds_trained_ = rounds.rounds if rounds.rounds else self.n_estimators
        self.best_iteration_ = rounds.best_index if rounds.best_index >= 0 else self.n_rounds_trained_ - 1
        self.n_rounds_ = self.best_iteration_ + 1
        self.best_score_ = rounds.best_value if valid is not None else None
        self.pace_ = pacer.summary() if pacer is not None else None
        return self

    def _fit_target(self, y: Any, n: int) -> np.ndarray:
        if self._classifier:
            codes, encoder = encode_classes(y, n)
            self.classes_ = encoder.classes_
            return codes.astype(np.float64)
        return regression_target(y, n)

    def _eval_target(self, y: Any, n: int) -> np.ndarray:
        if not self._classifier:
            return regression_target(y, n)
        y = np.asarray(y).ravel()
        if len(y) != n:
            raise ValueError(f"eval_set has {n} rows but {len(y)} labels.")
        codes = np.searchsorted(self.classes_, y)
        codes = np.clip(codes, 0, len(self.classes_) - 1)
        unknown = self.classes_[codes] != y
        if unknown.any():
            raise ValueError(f"eval_set has labels not seen in fit: {sorted(set(y[unknown].tolist()))[:5]}.")
        return codes.astype(np.float64)

    # ------------------------------------------------------------------ predict
    def _predict_raw(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "booster_")
        return self._raw_predict(self._prepare(X, reset=False))


class _BoostingClassifier(ClassifierMixin, _Boosting):
    _classifier = True

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        raw = self._predict_raw(X)
        if raw.ndim == 1:
            return np.column_stack([1.0 - raw, raw])
        return raw

    def predict(self, X: Any) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class _BoostingRegressor(RegressorMixin, _Boosting):
    def predict(self, X: Any) -> np.ndarray:
        return self._predict_raw(X).astype(np.float64)


# ---------------------------------------------------------------------------------------- LightGBM
@estimator_params
class _LightGBM(_Boosting):
    learning_rate: float = 0.1
    num_leaves: int = 31
    max_depth: int = -1
    min_child_samples: int = 20
    reg_lambda: float = 0.0

    _paced = True
    # LightGBM bags into a subset of the data at a share of at most 0.5, and a share changed across 0.5 during
    # training fails its split checks (LightGBM 4.7: "Check failed: (best_split_info.left_count) > (0)")
    _pace_ceiling = 0.5

    def _assemble(self, columns: dict[str, np.ndarray | pd.Categorical]) -> pa.Table:
        """An Arrow table (LightGBM reads its columns without a copy; 8.5M x 50 rows: 1.8 s + 12 s to bin,
        against 21 s + 18 s through a DataFrame); a categorical column becomes its codes, NaN for missing."""
        return pa.table({name: pa.array(_codes_or_values(column)) for name, column in columns.items()})

    def _train(
        self,
        X: Any,
        y: np.ndarray,
        weight: np.ndarray | None,
        valid: tuple[Any, np.ndarray] | None,
        rounds: _Rounds,
        n_classes: int,
    ) -> Any:
        objective, metric = _LIGHTGBM_OBJECTIVES[_target_kind(n_classes)]
        params: dict[str, Any] = {
            "objective": objective,
            "metric": metric,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "max_depth": self.max_depth,
            "min_data_in_leaf": self.min_child_samples,
            "bagging_fraction": rounds.pacer.fraction if rounds.pacer else self.subsample,
            "bagging_freq": 1 if self.subsample < 1 or rounds.pacer else 0,
            "feature_fraction": self.colsample_bytree,
            "lambda_l1": self.reg_alpha,
            "lambda_l2": self.reg_lambda,
            "num_threads": n_threads(self.n_jobs),
            "seed": seed_from(self.random_state),
            "deterministic": True,
            "force_col_wise": True,
            "verbosity": -1,
        }
        if n_classes > 2:
            params["num_class"] = n_classes
        train_set = lgb.Dataset(
            X,
            y,
            weight=weight,
            categorical_feature=sorted(self.categories_),
            params={"verbosity": -1},
            free_raw_data=True,
        )
        valid_sets = None
        if valid is not None:
            valid_sets = [lgb.Dataset(valid[0], valid[1], reference=train_set)]
        callbacks = []
        if valid_sets is None and rounds.watched:

            def tick(env: Any) -> None:  # no eval set: no loss to compute, only the caller's deadline and pace
                share = rounds.pace(env.iteration - env.begin_iteration)
                if share is not None:
                    env.model.reset_parameter({"bagging_fraction": share, "bagging_freq": 1})
                if rounds.update(env.iteration - env.begin_iteration, math.nan):
                    raise lgb.callback.EarlyStopException(env.iteration, [])

            callbacks.append(tick)
        if valid_sets is not None:

            def report(env: Any) -> None:
                value = env.evaluation_result_list[-1][2]
                if rounds.update(env.iteration - env.begin_iteration, value):
                    raise lgb.callback.EarlyStopException(rounds.best_index, env.evaluation_result_list)

            callbacks.append(report)
        return lgb.train(
            params,
            train_set,
            num_boost_round=self.n_estimators,
            valid_sets=valid_sets,
            valid_names=["valid"] if valid_sets else None,
            callbacks=callbacks,
        )

    def _raw_predict(self, X: Any) -> np.ndarray:
        return np.asarray(self.booster_.predict(X, num_iteration=self.n_rounds_, num_threads=n_threads(self.n_jobs)))


class LightGBMClassifier(_BoostingClassifier, _LightGBM):
    """LightGBM classifier (binary or multiclass) with native categorical splits and per-round progress."""


class LightGBMRegressor(_BoostingRegressor, _LightGBM):
    """LightGBM regressor (L2 loss; progress reports validation RMSE) with native categorical splits."""


# ---------------------------------------------------------------------------------------- XGBoost
@estimator_params
class _XGBoost(_Boosting):
    learning_rate: float = 0.3
    max_depth: int = 6
    min_child_weight: float = 1.0
    reg_lambda: float = 1.0
    max_bin: int = 256
    device: str = "cpu"

    def _check_params(self) -> None:
        super()._check_params()
        if self.device not in ("cpu", "cuda") and not str(self.device).startswith("cuda:"):
            raise ValueError(f"device must be 'cpu' or 'cuda', got {self.device!r}.")

    def _train(
        self,
        X: Any,
        y: np.ndarray,
        weight: np.ndarray | None,
        valid: tuple[Any, np.ndarray] | None,
        rounds: _Rounds,
        n_classes: int,
    ) -> Any:
        objective, metric = _XGBOOST_OBJECTIVES[_target_kind(n_classes)]
        threads = n_threads(self.n_jobs)
        params: dict[str, Any] = {
            "objective": objective,
            "eval_metric": metric,
            "learning_rate": self.learning_rate,
            "max_depth": self.max_depth,
            "min_child_weight": self.min_child_weight,
            "subsample": self.subsample,
            "colsample_bytree": self.colsample_bytree,
            "alpha": self.reg_alpha,
            "lambda": self.reg_lambda,
            "max_bin": self.max_bin,
            "tree_method": "hist",
            "device": self.device,
            "nthread": threads,
            "seed": seed_from(self.random_state),
            "verbosity": 0,
        }
        if n_classes > 2:
            params["num_class"] = n_classes
        dtrain = xgb.QuantileDMatrix(
            X, y, weight=weight, enable_categorical=True, nthread=threads, max_bin=self.max_bin
        )
        evals: list[tuple[Any, str]] = []
        if valid is not None:
            evals = [
                (xgb.QuantileDMatrix(valid[0], valid[1], ref=dtrain, enable_categorical=True, nthread=threads), "valid")
            ]
        callbacks = [_XGBoostReport(rounds, metric)] if (evals or rounds.progress is not None) else None
        return xgb.train(
            params, dtrain, num_boost_round=self.n_estimators, evals=evals, callbacks=callbacks, verbose_eval=False
        )

    def _raw_predict(self, X: Any) -> np.ndarray:
        data = xgb.DMatrix(X, enable_categorical=True, nthread=n_threads(self.n_jobs))
        return np.asarray(self.booster_.predict(data, iteration_range=(0, self.n_rounds_)))


class _XGBoostReport(xgb.callback.TrainingCallback):
    """Passes each round's validation loss to ``_Rounds``; True from it stops training."""

    def __init__(self, rounds: _Rounds, metric: str) -> None:
        super().__init__()
        self.rounds = rounds
        self.metric = metric

    def after_iteration(self, model: Any, epoch: int, evals_log: dict) -> bool:
        log = evals_log.get("valid", {}).get(self.metric)
        return self.rounds.update(epoch, log[-1] if log else math.nan)  # no eval set: deadline checks only


class XGBoostClassifier(_BoostingClassifier, _XGBoost):
    """XGBoost classifier (hist, native categorical splits, optional CUDA) with per-round progress."""


class XGBoostRegressor(_BoostingRegressor, _XGBoost):
    """XGBoost regressor (squared error; progress reports validation RMSE), hist, native categoricals."""


# ---------------------------------------------------------------------------------------- specs
def class_weight_of(ctx: FitContext) -> str | None:
    """The boosting estimators' ``class_weight`` for this context: 'balanced' when the rules ask for it."""
    return "balanced" if ctx.is_classification and ctx.class_weight else None


#: The default of the shared sampling and L1 parameters (a point of :func:`_sampling_and_regularization`; each
#: library keeps its own L2 default).
_SAMPLING_DEFAULT = {"subsample": 0.8, "colsample_bytree": 0.8, "reg_alpha": 1e-8}


def _sampling_and_regularization(trial: Any) -> dict[str, Any]:
    """The part of the LightGBM and XGBoost spaces they share (suggested after the library-specific part)."""
    return {
        "subsample": trial.suggest_float("subsample", 0.5, 1.0),
        "colsample_bytree": trial.suggest_float("colsample_bytree", 0.5, 1.0),
        "reg_alpha": trial.suggest_float("reg_alpha", 1e-8, 10.0, log=True),
        "reg_lambda": trial.suggest_float("reg_lambda", 1e-8, 10.0, log=True),
        "n_estimators": MAX_ROUNDS,
    }


def lightgbm_space(trial: Any, ctx: FitContext) -> dict[str, Any]:
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
        "num_leaves": trial.suggest_int("num_leaves", 8, 256, log=True),
        "min_child_samples": trial.suggest_int("min_child_samples", 1, 100, log=True),
        **_sampling_and_regularization(trial),
    }


def lightgbm_default(ctx: FitContext) -> dict[str, Any]:
    return {"learning_rate": 0.05, "num_leaves": 31, "min_child_samples": 20, **_SAMPLING_DEFAULT, "reg_lambda": 1e-8}


def _build(classifier: type[B], regressor: type[B], params: dict[str, Any], ctx: FitContext, **extra: Any) -> B:
    """Up to MAX_ROUNDS rounds (early stopping picks how many), class weights from the context, its placement."""
    params = {"n_estimators": MAX_ROUNDS, **params, **ctx.placement(device=False), **extra}
    if ctx.is_classification:
        return classifier(**params, class_weight=class_weight_of(ctx))
    return regressor(**params)


def lightgbm_build(params: dict[str, Any], ctx: FitContext) -> _LightGBM:
    return _build(LightGBMClassifier, LightGBMRegressor, params, ctx)


def xgboost_space(trial: Any, ctx: FitContext) -> dict[str, Any]:
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
        "max_depth": trial.suggest_int("max_depth", 3, 10),
        "min_child_weight": trial.suggest_float("min_child_weight", 1.0, 100.0, log=True),
        **_sampling_and_regularization(trial),
    }


def xgboost_default(ctx: FitContext) -> dict[str, Any]:
    return {"learning_rate": 0.05, "max_depth": 6, "min_child_weight": 1.0, **_SAMPLING_DEFAULT, "reg_lambda": 1.0}


def xgboost_embedding_default(ctx: FitContext) -> dict[str, Any]:
    """The default on frozen embeddings (hundreds of dense columns): a faster rate, shallower trees and half the
    columns per tree, so a round costs less and fewer rounds are needed (a point of :func:`xgboost_space`)."""
    return {**xgboost_default(ctx), "learning_rate": 0.1, "max_depth": 4, "colsample_bytree": 0.5}


def xgboost_build(params: dict[str, Any], ctx: FitContext) -> _XGBoost:
    device = "cuda" if str(ctx.device).startswith("cuda") else "cpu"
    return _build(XGBoostClassifier, XGBoostRegressor, params, ctx, device=device)


_NOTES = (
    f"n_estimators is fixed at {MAX_ROUNDS} in the search; early stopping after {EARLY_STOPPING_ROUNDS} rounds "
    "without improvement on the eval set picks the rounds used (n_rounds_, for refitting without an eval set).",
    "Class imbalance (ctx.class_weight): balanced sample weights.",
)

LIGHTGBM = ModelSpec("LightGBM", lightgbm_space, lightgbm_default, lightgbm_build, steps="rounds", paced=True)

XGBOOST = ModelSpec("XGBoost", xgboost_space, xgboost_default, xgboost_build, steps="rounds")

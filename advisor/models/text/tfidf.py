"""TF-IDF features of the text with a linear, LightGBM or XGBoost head, as scikit-learn estimators.

:class:`TfidfClassifier` and :class:`TfidfRegressor` take one text per row (a pandas Series of ``str``,
a 1-D array or a list; see :func:`advisor.models.text.inputs.as_texts`) and follow the project's fit
protocol ``fit(X, y, eval_set=None, progress=None)``. The vectorizer (word 1-2 grams, sublinear term
frequency, ``min_df`` documents, the ``max_features`` most frequent terms; optionally character 2-5
grams within word boundaries as well) is fitted on the training texts only; ``eval_set`` texts are
transformed with it. Texts longer than ``max_chars`` characters are truncated first.

Heads (``head``):

- ``'linear_model'``: logistic regression (``C``; liblinear for two classes, multinomial lbfgs for more) or
  ridge regression (``alpha``). Not iterative: ``eval_set`` and ``progress`` are accepted and unused.
- ``'lgbm'`` / ``'xgb'``: the project's boosting estimators (:mod:`advisor.models.gbm`) on the
  sparse CSR float32 matrix, with their per-round ``progress``, early stopping on ``eval_set`` and
  ``best_iteration_`` (set ``n_estimators`` to ``best_iteration_ + 1`` to refit without an eval set).

The functions at the end (``linear_space``, ``linear_default``, ``lightgbm_space``, ...,
:func:`build_tfidf`) are the search spaces, defaults and builders of the text ``linear``, ``lightgbm``
and ``xgboost`` families; :mod:`advisor.models.text.classical` registers them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.utils.validation import check_is_fitted

from advisor.models.common import TextInputTags
from advisor.models.gbm import (
    MAX_ROUNDS,
    LightGBMClassifier,
    LightGBMRegressor,
    XGBoostClassifier,
    XGBoostRegressor,
)
from advisor.models.params import estimator_params
from advisor.models.spec import EvalSet, FitContext, ModelSpec, Progress, Steps
from advisor.models.text.inputs import as_texts

__all__ = [
    "HEADS",
    "INPUTS",
    "NOTES",
    "TfidfClassifier",
    "TfidfRegressor",
    "build_tfidf",
    "lightgbm_default",
    "lightgbm_space",
    "linear_default",
    "linear_space",
    "xgboost_default",
    "xgboost_space",
]

HEADS = ("linear_model", "lgbm", "xgb")
MAX_FEATURES = (20_000, 50_000)
EARLY_STOPPING_ROUNDS = 50
INPUTS = "TF-IDF of the text (word 1-2 grams; optionally character 2-5 grams), fitted on the training texts"
NOTES = (
    "TfidfVectorizer: word 1-2 grams, sublinear tf, min_df=2, the max_features most frequent terms; fitted on the "
    "training texts only. Texts are truncated to max_chars (20,000) characters.",
    f"Boosted heads: n_estimators is fixed at {MAX_ROUNDS} in the search; early stopping after "
    f"{EARLY_STOPPING_ROUNDS} rounds without improvement picks the rounds used.",
)


# ---------------------------------------------------------------------------------------- sparse boosting
class _SparseInput:
    """Mixin for the boosting estimators: a scipy sparse matrix passes through as CSR float32.

    The boosting estimators validate dense frames and arrays in ``_prepare``; LightGBM and XGBoost both
    train and predict on CSR matrices directly, so sparse input skips that validation.
    """

    def _prepare(self, X: Any, *, reset: bool) -> Any:
        if not sp.issparse(X):
            return super()._prepare(X, reset=reset)  # type: ignore[misc]
        X = sp.csr_matrix(X, dtype=np.float32)
        if reset:
            self.categories_: dict[int, Any] = {}
            self.n_features_in_ = X.shape[1]
        elif X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but the model was fitted with {self.n_features_in_}.")
        return X


class _SparseLightGBMClassifier(_SparseInput, LightGBMClassifier):
    """LightGBMClassifier that also takes a scipy sparse matrix."""


class _SparseLightGBMRegressor(_SparseInput, LightGBMRegressor):
    """LightGBMRegressor that also takes a scipy sparse matrix."""


class _SparseXGBoostClassifier(_SparseInput, XGBoostClassifier):
    """XGBoostClassifier that also takes a scipy sparse matrix."""


class _SparseXGBoostRegressor(_SparseInput, XGBoostRegressor):
    """XGBoostRegressor that also takes a scipy sparse matrix."""


# ---------------------------------------------------------------------------------------- estimators
@estimator_params
class _TfidfModel(TextInputTags, BaseEstimator, ABC):
    """The vectorizer and the head; subclasses list their parameters and make the head."""

    head: str = "linear_model"
    max_features: int = 50_000
    min_df: int = 2
    char_ngrams: bool = False
    max_chars: int = 20_000
    n_estimators: int = 500
    learning_rate: float = 0.1
    num_leaves: int = 31
    max_depth: int | None = None
    min_child_samples: int = 20
    min_child_weight: float = 1.0
    subsample: float = 1.0
    colsample_bytree: float = 1.0
    reg_alpha: float = 0.0
    reg_lambda: float = 1.0
    early_stopping_rounds: int | None = EARLY_STOPPING_ROUNDS
    n_jobs: int | None = None
    random_state: int | np.random.RandomState | None = None
    device: str = "cpu"

    _classifier = False

    # ------------------------------------------------------------------ vectorizer
    def _vectorizers(self, min_df: int) -> list[TfidfVectorizer]:
        common = {"sublinear_tf": True, "min_df": min_df, "max_features": self.max_features, "dtype": np.float32}
        word = TfidfVectorizer(ngram_range=(1, 2), strip_accents="unicode", **common)
        if not self.char_ngrams:
            return [word]
        return [word, TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common)]

    def _fit_vectorizer(self, texts: list[str]) -> sp.csr_matrix:
        """Fit the vectorizer(s) on the training texts; a training set too small for ``min_df`` uses 1."""
        for min_df in dict.fromkeys((self.min_df, 1)):
            vectorizers = self._vectorizers(min_df)
            try:
                matrices = [v.fit_transform(texts) for v in vectorizers]
            except ValueError as error:
                if not any(m in str(error) for m in ("empty vocabulary", "no terms remain", "max_df corresponds")):
                    raise
                continue
            self.word_vectorizer_ = vectorizers[0]
            self.char_vectorizer_ = vectorizers[1] if len(vectorizers) > 1 else None
            return _stack(matrices)
        raise ValueError("The training texts contain no words (all empty or too short); TF-IDF has no features.")

    def _transform(self, X: Any) -> sp.csr_matrix:
        check_is_fitted(self, "word_vectorizer_")
        texts = as_texts(X, self.max_chars)
        vectorizers = [self.word_vectorizer_] + ([self.char_vectorizer_] if self.char_vectorizer_ else [])
        return _stack([v.transform(texts) for v in vectorizers])

    @property
    def vocabulary_(self) -> dict[str, int]:
        """The word n-gram vocabulary learned from the training texts (term -> column)."""
        check_is_fitted(self, "word_vectorizer_")
        return self.word_vectorizer_.vocabulary_

    # ------------------------------------------------------------------ head
    def _check_params(self) -> None:
        if self.head not in HEADS:
            raise ValueError(f"head must be one of {HEADS}, got {self.head!r}.")
        if not (isinstance(self.max_features, int | np.integer) and self.max_features >= 1):
            raise ValueError(f"max_features must be a positive integer, got {self.max_features!r}.")
        if not (isinstance(self.max_chars, int | np.integer) and self.max_chars >= 1):
            raise ValueError(f"max_chars must be a positive integer, got {self.max_chars!r}.")

    def _boosting_params(self) -> dict[str, Any]:
        """Parameters of the LightGBM / XGBoost head (``max_depth=None`` keeps the library's default)."""
        common: dict[str, Any] = {
            "n_estimators": self.n_estimators,
            "learning_rate": self.learning_rate,
            "subsample": self.subsample,
            "colsample_bytree": self.colsample_bytree,
            "reg_alpha": self.reg_alpha,
            "reg_lambda": self.reg_lambda,
            "early_stopping_rounds": self.early_stopping_rounds,
            "n_jobs": self.n_jobs,
            "random_state": self.random_state,
        }
        if self._classifier:
            common["class_weight"] = self.class_weight
        specific: dict[str, Any]
        if self.head == "lgbm":
            specific = {"num_leaves": self.num_leaves, "min_child_samples": self.min_child_samples}
        else:
            specific = {"min_child_weight": self.min_child_weight, "device": self.device}
        if self.max_depth is not None:
            specific["max_depth"] = self.max_depth
        return {**common, **specific}

    @abstractmethod
    def _make_head(self, y: np.ndarray) -> Any:
        """The unfitted head for targets ``y``."""

    # ------------------------------------------------------------------ fit / predict
    def fit(self, X: Any, y: Any, eval_set: EvalSet | None = None, progress: Progress | None = None) -> _TfidfModel:
        """Fit the vectorizer on ``X``'s texts, then the head.

        Parameters
        ----------
        X : pandas.Series, numpy.ndarray or list of str
            One text per row.
        y : array-like
            Class labels (classifier) or numbers (regressor).
        eval_set : (X_val, y_val), optional
            Validation texts and targets: the boosted heads report their loss per round and stop early.
        progress : callable, optional
            ``progress(round, val_loss) -> bool`` (boosted heads only; True stops training).

        Returns
        -------
        self
        """
        self._check_params()
        texts = as_texts(X, self.max_chars)
        y = np.asarray(y)
        if len(texts) != len(y):
            raise ValueError(f"X has {len(texts)} texts but y has {len(y)} values.")
        features = self._fit_vectorizer(texts)
        self.n_features_ = features.shape[1]
        self.model_ = self._make_head(y)
        if self.head == "linear_model":
            self.model_.fit(features, y)
            self.best_iteration_ = None
        else:
            valid = None if eval_set is None else (self._transform(eval_set[0]), np.asarray(eval_set[1]))
            self.model_.fit(features, y, eval_set=valid, progress=progress)
            self.best_iteration_ = self.model_.best_iteration_
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted class labels (classifier) or values (regressor)."""
        return self.model_.predict(self._transform(X))


def _stack(matrices: list[sp.spmatrix]) -> sp.csr_matrix:
    if len(matrices) == 1:
        return sp.csr_matrix(matrices[0], dtype=np.float32)
    return sp.hstack(matrices, format="csr", dtype=np.float32)


@estimator_params
class TfidfClassifier(ClassifierMixin, _TfidfModel):
    """TF-IDF of the text + logistic regression, LightGBM or XGBoost (binary or multiclass).

    Parameters
    ----------
    head : {'linear_model', 'lgbm', 'xgb'}
        The model on the TF-IDF features.
    max_features : int
        Terms kept per vectorizer (the most frequent in the training texts).
    min_df : int
        A term must appear in this many training texts (1 when the training set is too small for it).
    char_ngrams : bool
        Add character 2-5 grams within word boundaries (their own ``max_features`` terms).
    max_chars : int
        Texts are truncated to this many characters.
    C : float
        Inverse L2 regularization strength of the logistic regression (``head='linear_model'``).
    n_estimators, learning_rate, subsample, colsample_bytree, reg_alpha, reg_lambda, early_stopping_rounds
        Boosting parameters (both boosted heads).
    num_leaves, min_child_samples
        LightGBM only.
    max_depth : int or None
        Tree depth limit of the boosted heads; None keeps the library's default (LightGBM none, XGBoost 6).
    min_child_weight, device
        XGBoost only (``device`` 'cpu' or 'cuda').
    class_weight : {'balanced', None} or dict
        Class weights of the loss (every head).
    n_jobs, random_state
        Threads and seed.
    """

    _classifier = True

    C: float = 1.0
    class_weight: str | dict | None = None

    def fit(self, X: Any, y: Any, eval_set: EvalSet | None = None, progress: Progress | None = None) -> TfidfClassifier:
        super().fit(X, y, eval_set=eval_set, progress=progress)
        self.classes_ = self.model_.classes_
        return self

    def _make_head(self, y: np.ndarray) -> Any:
        if self.head == "linear_model":  # liblinear (fast on sparse rows) for two classes; multinomial lbfgs beyond
            solver = "liblinear" if len(np.unique(y)) <= 2 else "lbfgs"
            return LogisticRegression(
                C=self.C, class_weight=self.class_weight, solver=solver, max_iter=1000, random_state=self.random_state
            )
        cls = _SparseLightGBMClassifier if self.head == "lgbm" else _SparseXGBoostClassifier
        return cls(**self._boosting_params())

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        return self.model_.predict_proba(self._transform(X))


@estimator_params
class TfidfRegressor(RegressorMixin, _TfidfModel):
    """TF-IDF of the text + ridge regression, LightGBM or XGBoost (squared error).

    Parameters are those of :class:`TfidfClassifier` except ``alpha`` (the ridge penalty of
    ``head='linear_model'``) in place of ``C``, and no ``class_weight``.
    """

    alpha: float = 1.0

    def _make_head(self, y: np.ndarray) -> Any:
        if self.head == "linear_model":
            return Ridge(alpha=self.alpha)
        cls = _SparseLightGBMRegressor if self.head == "lgbm" else _SparseXGBoostRegressor
        return cls(**self._boosting_params())

    def predict(self, X: Any) -> np.ndarray:
        """Predicted values (float64)."""
        return np.asarray(super().predict(X), dtype=np.float64)


# ---------------------------------------------------------------------------------------- family specs
def linear_space(trial: Any, ctx: FitContext) -> dict[str, Any]:
    """The text ``linear`` family: the penalty (C, or ridge alpha) and whether to add character n-grams."""
    penalty = (
        {"C": trial.suggest_float("C", 0.1, 100.0, log=True)}
        if ctx.is_classification
        else {"alpha": trial.suggest_float("alpha", 0.01, 100.0, log=True)}
    )
    return {**penalty, "char_ngrams": trial.suggest_categorical("char_ngrams", [False, True])}


def linear_default(ctx: FitContext) -> dict[str, Any]:
    """C=10 (TF-IDF rows are unit-norm, so little regularization suits them) / alpha=1; words only."""
    penalty = {"C": 10.0} if ctx.is_classification else {"alpha": 1.0}
    return {**penalty, "char_ngrams": False}


#: The default of the boosting heads' shared parameters (a point of :func:`_boosting_common`): a fast rate,
#: half the vocabulary per tree, the smaller vocabulary.
_BOOSTING_DEFAULT = {"learning_rate": 0.1, "subsample": 0.8, "colsample_bytree": 0.5, "max_features": 20_000}


def _boosting_common(trial: Any) -> dict[str, Any]:
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.02, 0.3, log=True),
        "subsample": trial.suggest_float("subsample", 0.5, 1.0),
        "colsample_bytree": trial.suggest_float("colsample_bytree", 0.2, 1.0),
        "max_features": trial.suggest_categorical("max_features", MAX_FEATURES),
        "n_estimators": MAX_ROUNDS,
    }


def lightgbm_space(trial: Any, ctx: FitContext) -> dict[str, Any]:
    """The text ``lightgbm`` family: leaves, minimum leaf size, rate, sampling and vocabulary size."""
    return {
        "num_leaves": trial.suggest_int("num_leaves", 8, 128, log=True),
        "min_child_samples": trial.suggest_int("min_child_samples", 2, 50, log=True),
        **_boosting_common(trial),
    }


def lightgbm_default(ctx: FitContext) -> dict[str, Any]:
    return {"num_leaves": 31, "min_child_samples": 10, **_BOOSTING_DEFAULT}


def xgboost_space(trial: Any, ctx: FitContext) -> dict[str, Any]:
    """The text ``xgboost`` family: depth, minimum child weight, rate, sampling and vocabulary size."""
    return {
        "max_depth": trial.suggest_int("max_depth", 3, 10),
        "min_child_weight": trial.suggest_float("min_child_weight", 0.5, 20.0, log=True),
        **_boosting_common(trial),
    }


def xgboost_default(ctx: FitContext) -> dict[str, Any]:
    return {"max_depth": 6, "min_child_weight": 1.0, **_BOOSTING_DEFAULT}


def build_tfidf(head: str) -> Callable[[dict[str, Any], FitContext], TfidfClassifier | TfidfRegressor]:
    """The builder of the text family with this head: ``build(params, ctx)`` -> an unfitted estimator.

    Classification builds :class:`TfidfClassifier` (balanced class weights when ``ctx.class_weight``),
    regression :class:`TfidfRegressor`; threads and seed come from the context, and the XGBoost head
    runs on CUDA when ``ctx.device`` is a CUDA device.
    """
    if head not in HEADS:
        raise ValueError(f"head must be one of {HEADS}, got {head!r}.")

    def build(params: dict[str, Any], ctx: FitContext) -> TfidfClassifier | TfidfRegressor:
        settings: dict[str, Any] = {"head": head, "n_jobs": ctx.n_jobs, "random_state": ctx.seed, **params}
        if head != "linear_model":
            settings.setdefault("n_estimators", MAX_ROUNDS)
        if head == "xgb":
            settings["device"] = "cuda" if str(ctx.device).startswith("cuda") else "cpu"
        if ctx.is_classification:
            return TfidfClassifier(class_weight="balanced" if ctx.class_weight else None, **settings)
        return TfidfRegressor(**settings)

    build.__name__ = build.__qualname__ = f"build_tfidf_{head}"
    return build


#: What the TF-IDF families read, in words.
TFIDF = "TF-IDF of the text (word 1-2 grams)"


def tfidf_spec(head: str) -> ModelSpec:
    """The spec of the text family with this head (``HEADS``): TF-IDF of the texts, then the head."""
    heads: dict[str, tuple[str, Any, Any, Steps | None]] = {
        "linear_model": ("logistic / ridge regression", linear_space, linear_default, None),
        "lgbm": ("LightGBM", lightgbm_space, lightgbm_default, "rounds"),
        "xgb": ("XGBoost", xgboost_space, xgboost_default, "rounds"),
    }
    label, space, default, steps = heads[head]
    return ModelSpec(f"TF-IDF + {label}", space, default, build_tfidf(head), steps=steps, view="texts", inputs=TFIDF)

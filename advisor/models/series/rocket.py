"""MiniRocket and MultiRocket: random convolution kernels from ``aeon`` with a linear head.

The classical state of the art on time-series classification (Dempster et al. 2021, MiniRocket; Tan et al.
2022, MultiRocket; both near the top of the UCR/UEA bake-offs, Middlehurst et al. 2024): thousands of fixed
random dilated kernels turn each series into a feature vector (the proportion of positive values of each
convolution, and for MultiRocket three more pooling statistics over the first differences too), and a linear
model learns the task from those features. The transforms are ``aeon``'s
(:class:`aeon.transformations.collection.convolution_based.MiniRocket` and ``MultiRocket``); the heads are
scikit-learn's, on standardized features:

- ``head='ridge'``: :class:`~sklearn.linear_model.RidgeClassifierCV` over the papers' alphas (1e-3 .. 1e3),
  chosen by efficient leave-one-out; class probabilities are a softmax of its scores with one temperature
  fitted to held-out scores (3-fold cross-validation at the chosen alpha: rows the model did not see);
- ``head='logistic'``: :class:`~sklearn.linear_model.LogisticRegression` (the papers' choice on large data).

Regression uses :class:`~sklearn.linear_model.RidgeCV` over the same alphas.

Series as ``aeon`` takes them: univariate or multivariate (every channel through the same kernels, channels
combined per kernel as the papers do). The kernels need equal lengths, so series of different lengths, and
series at predict time whose length differs from training, are **resized** to the longest training length
by linear interpolation (``aeon``'s ``Resizer``: stretched, never padded or truncated); series shorter than
9 points (the kernel length) are stretched to 9. Missing values (NaN) are filled with their channel's mean.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> t = np.arange(40)
>>> X = [np.sin(t / (3 + k))[None] + rng.normal(0, 0.1, 40) for k in (0, 1) for _ in range(10)]
>>> clf = RocketClassifier(n_kernels=84 * 4, random_state=0).fit(X, [0] * 10 + [1] * 10)
>>> clf.predict(X[:1]), clf.predict_proba(X).shape
(array([0]), (20, 2))
"""

from __future__ import annotations

import time
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.linalg import LinAlgWarning
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
from sklearn.linear_model import LogisticRegression, RidgeClassifier, RidgeClassifierCV, RidgeCV
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from advisor.errors import InvalidArgumentError
from advisor.models.params import estimator_params
from advisor.models.series.inputs import channel_stats, same_channels, series_list
from advisor.models.spec import FitContext, ModelSpec

if TYPE_CHECKING:
    import optuna

__all__ = [
    "MINIROCKET",
    "MIN_KERNELS",
    "MULTIROCKET",
    "RocketClassifier",
    "RocketFeatures",
    "RocketRegressor",
    "default_kernels",
    "size",
]

KINDS = ("minirocket", "multirocket")
HEADS = ("ridge", "logistic")
#: The papers' ridge penalties (RidgeClassifierCV(alphas=np.logspace(-3, 3, 10))).
ALPHAS = tuple(float(a) for a in np.logspace(-3, 3, 10))
#: Folds of the cross-validation whose held-out ridge scores fit the probabilities' temperature.
CALIBRATION_FOLDS = 3
#: MiniRocket's kernel length: shorter series are stretched to it.
MIN_LENGTH = 9
#: The papers' kernel counts; both round to a multiple of 84 (MiniRocket's fixed kernels).
DEFAULT_KERNELS = {"minirocket": 10_000, "multirocket": 6_250}
#: Features (floats) per trial the defaults allow: rows x features stays under about 2 GB of float32.
MAX_FEATURE_VALUES = 500_000_000
#: Above this many training series the default head is logistic regression (the ridge's leave-one-out works on
#: a rows x rows matrix), as the papers advise for large data.
RIDGE_MAX_ROWS = 5_000
LABELS = {"minirocket": "MiniRocket", "multirocket": "MultiRocket"}
#: A first trial's features (fit + transform of its training and validation series) may take this share of its
#: time; the head, the scoring and the refit need the rest.
TRANSFORM_SHARE = 0.4
#: The fewest kernels a sized run uses, and the probe's series and kernels.
MIN_KERNELS = 84 * 4
PROBE_SERIES, PROBE_KERNELS = 32, 84 * 4
#: Validation series per training series a trial transforms besides its training series.
VALIDATION_SHARE = 0.25
#: Features per kernel: MiniRocket one (PPV); MultiRocket four pooling operators over the series and its differences.
FEATURES_PER_KERNEL = {"minirocket": 1, "multirocket": 8}


def _transform_class(kind: str) -> type:
    from aeon.transformations.collection.convolution_based import MiniRocket, MultiRocket

    return {"minirocket": MiniRocket, "multirocket": MultiRocket}[kind]


@estimator_params
class RocketFeatures(TransformerMixin, BaseEstimator):
    """The MiniRocket or MultiRocket features of each series (see the module docstring for lengths and NaN).

    Attributes
    ----------
    n_channels_, length_ : int
        The channel count seen in ``fit`` and the length every series is resized to.
    fill_ : ndarray of shape (n_channels_,)
        Each channel's mean, which fills missing values.
    resized_ : bool
        Whether the training series had to be resized (unequal lengths or shorter than 9 points).
    transform_ : aeon transformer
        The fitted MiniRocket / MultiRocket.
    """

    kind: str = "minirocket"
    n_kernels: int = 10_000
    n_jobs: int | None = 1
    random_state: int | None = None

    def fit(self, X: Any, y: Any = None) -> RocketFeatures:
        if self.kind not in KINDS:
            raise InvalidArgumentError(f"kind={self.kind!r} is not a random-kernel transform.", f"Use one of {KINDS}.")
        items = series_list(X)
        self.n_channels_ = same_channels(items)
        lengths = {s.shape[1] for s in items}
        self.length_ = max(MIN_LENGTH, *lengths)
        self.resized_ = len(lengths) > 1 or self.length_ not in lengths
        self.fill_, _ = channel_stats(items)
        kernels = max(84, int(self.n_kernels))
        threads = -1 if self.n_jobs is None else int(self.n_jobs)
        self.transform_ = _transform_class(self.kind)(n_kernels=kernels, n_jobs=threads, random_state=self.random_state)
        self.transform_.fit(self._array(items))
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "transform_")
        items = series_list(X)
        same_channels([*items, np.zeros((self.n_channels_, 1), np.float32)])
        return np.asarray(self.transform_.transform(self._array(items)), dtype=np.float32)

    def _array(self, items: list[np.ndarray]) -> np.ndarray:
        """(n, channels, length_) float64 with NaN filled, resized where a length differs."""
        filled = [np.where(np.isnan(s), self.fill_[:, None], s).astype(np.float64) for s in items]
        if all(s.shape[1] == self.length_ for s in filled):
            return np.stack(filled)
        from aeon.transformations.collection.unequal_length import Resizer

        return np.asarray(Resizer(resized_length=self.length_).fit_transform(filled), dtype=np.float64)


@estimator_params
class _RocketModel(BaseEstimator):
    """What the classifier and the regressor share: the features, then standardization."""

    kind: str = "minirocket"
    n_kernels: int = 10_000
    n_jobs: int | None = 1
    random_state: int | None = None

    def _features(self, X: Any, *, fit: bool) -> np.ndarray:
        if fit:
            self.features_ = RocketFeatures(
                kind=self.kind, n_kernels=self.n_kernels, n_jobs=self.n_jobs, random_state=self.random_state
            ).fit(X)
            F = self.features_.transform(X)
            self.scaler_ = StandardScaler().fit(F)
        else:
            check_is_fitted(self, "scaler_")
            F = self.features_.transform(X)
        return self.scaler_.transform(F)


@estimator_params
class RocketClassifier(ClassifierMixin, _RocketModel):
    """MiniRocket / MultiRocket features, standardized, then a ridge (leave-one-out alpha, temperature-scaled
    probabilities) or logistic-regression head.

    Parameters
    ----------
    kind : {'minirocket', 'multirocket'}
    n_kernels : int
        Random kernels (rounded by ``aeon`` to a multiple of 84).
    head : {'ridge', 'logistic'}
    C : float
        Inverse regularization of the logistic head.
    n_jobs, random_state
        Threads of the transform; its seed.
    """

    head: str = "ridge"
    C: float = 1.0

    def fit(self, X: Any, y: Any, eval_set: Any = None, progress: Any = None) -> RocketClassifier:
        """Fit on every row (``eval_set`` and ``progress`` are accepted for the fit protocol and not needed)."""
        if self.head not in HEADS:
            raise InvalidArgumentError(f"head={self.head!r} is not supported.", f"Use one of {HEADS}.")
        y = np.asarray(y).reshape(-1)
        self.classes_, codes = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"RocketClassifier needs at least 2 classes; got {len(self.classes_)}.")
        Z = self._features(X, fit=True)
        with warnings.catch_warnings():  # few rows, many features: an ill-conditioned dual solve is expected
            warnings.simplefilter("ignore", (LinAlgWarning, UserWarning))
            self._fit_head(Z, codes)
        return self

    def _fit_head(self, Z: np.ndarray, codes: np.ndarray) -> None:
        if self.head == "ridge":
            self.model_ = RidgeClassifierCV(alphas=ALPHAS).fit(Z, codes)
            self.temperature_ = _temperature(_held_out_scores(Z, codes, float(self.model_.alpha_)), codes)
        else:
            self.model_ = LogisticRegression(C=self.C, max_iter=1000).fit(Z, codes)
            self.temperature_ = 1.0

    def predict_proba(self, X: Any) -> np.ndarray:
        Z = self._features(X, fit=False)
        if self.head == "ridge":
            return softmax(self.temperature_ * _scores(self.model_.decision_function(Z)), axis=1)
        return self.model_.predict_proba(Z)

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


@estimator_params
class RocketRegressor(RegressorMixin, _RocketModel):
    """MiniRocket / MultiRocket features, standardized, then ridge regression (leave-one-out alpha)."""

    def fit(self, X: Any, y: Any, eval_set: Any = None, progress: Any = None) -> RocketRegressor:
        Z = self._features(X, fit=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", (LinAlgWarning, UserWarning))
            self.model_ = RidgeCV(alphas=ALPHAS).fit(Z, np.asarray(y, dtype=np.float64))
        return self

    def predict(self, X: Any) -> np.ndarray:
        return np.asarray(self.model_.predict(self._features(X, fit=False)), dtype=np.float64).ravel()


def _held_out_scores(Z: np.ndarray, codes: np.ndarray, alpha: float) -> np.ndarray | None:
    """Decision values of the chosen ridge on rows it did not see (stratified 3-fold cross-validation), or None
    when a class has a single row."""
    folds = min(CALIBRATION_FOLDS, int(np.bincount(codes).min()))
    if folds < 2:
        return None
    cv = StratifiedKFold(folds, shuffle=True, random_state=0)
    return cross_val_predict(RidgeClassifier(alpha=alpha), Z, codes, cv=cv, method="decision_function")


def _scores(decision: np.ndarray) -> np.ndarray:
    """Per-class scores: two classes' single decision value d becomes (-d, d)."""
    decision = np.asarray(decision, dtype=np.float64)
    return np.stack([-decision, decision], axis=1) if decision.ndim == 1 else decision


def _temperature(held_out: np.ndarray | None, codes: np.ndarray) -> float:
    """The softmax temperature minimizing the cross-entropy of held-out scores (searched on a log scale); 1
    without held-out scores."""
    if held_out is None:
        return 1.0
    scores = _scores(held_out)

    def loss(log_t: float) -> float:
        return float(-log_softmax(np.exp(log_t) * scores, axis=1)[np.arange(len(codes)), codes].mean())

    return float(np.exp(minimize_scalar(loss, bounds=(-6.0, 6.0), method="bounded").x))


# ---------------------------------------------------------------------- the families
def default_kernels(kind: str, rows: int) -> int:
    """The paper's kernel count, fewer when rows x features would pass :data:`MAX_FEATURE_VALUES`."""
    per_kernel = FEATURES_PER_KERNEL[kind]
    fit = MAX_FEATURE_VALUES // max(rows * per_kernel, 1)
    return int(max(MIN_KERNELS, min(DEFAULT_KERNELS[kind], fit // 84 * 84)))


def _family(kind: str) -> ModelSpec:
    label = LABELS[kind]

    def default_params(ctx: FitContext) -> dict[str, Any]:
        params: dict[str, Any] = {"n_kernels": _planned_kernels(kind, ctx)}
        if ctx.is_classification:
            params["head"] = "ridge" if ctx.profile.rows <= RIDGE_MAX_ROWS else "logistic"
        return params

    def search_space(trial: optuna.Trial, ctx: FitContext) -> dict[str, Any]:
        base = _planned_kernels(kind, ctx)
        params: dict[str, Any] = {"n_kernels": trial.suggest_categorical("n_kernels", _kernel_choices(base))}
        if ctx.is_classification:
            head = trial.suggest_categorical("head", HEADS)
            params["head"] = head
            if head == "logistic":
                params["C"] = trial.suggest_float("C", 1e-4, 10.0, log=True)
        return params

    def build(params: dict[str, Any], ctx: FitContext) -> BaseEstimator:
        cls: type[_RocketModel] = RocketClassifier if ctx.is_classification else RocketRegressor
        return cls(kind=kind, **params, n_jobs=ctx.n_jobs, random_state=ctx.seed)

    return ModelSpec(
        label,
        search_space,
        default_params,
        build,
        view="series",
        inputs=f"{label} features of the series (aeon; unequal lengths resized)",
        size=lambda ctx, seconds, rows: size(kind, ctx, seconds, rows),
    )


def _planned_kernels(kind: str, ctx: FitContext) -> int:
    """The kernels the benchmark sized for this machine and time (:func:`size`), else :func:`default_kernels`."""
    if ctx.sizing and "n_kernels" in ctx.sizing:
        return int(ctx.sizing["n_kernels"])
    return default_kernels(kind, ctx.profile.rows)


def size(kind: str, ctx: FitContext, seconds: float | None, rows: int) -> dict[str, Any]:
    """Kernels for this machine and the first trial's ``seconds``: the paper's count (fewer on large data) unless
    a probe -- the transform timed on random series of the data's shape -- says its features for the trial's
    rows (and its validation rows) would take more than :data:`TRANSFORM_SHARE` of the time; then as many as
    fit, at least :data:`MIN_KERNELS`. The reason says which, in words."""
    base = default_kernels(kind, ctx.profile.rows)
    label = LABELS[kind]
    if seconds is None:
        return {"n_kernels": base, "why": f"{label}: {base:,} kernels, the paper's count (no time budget)"}
    per = _probe_s(kind, ctx)  # seconds per series and kernel
    series = max(rows, 1) * (1 + VALIDATION_SHARE)
    fit = int(TRANSFORM_SHARE * seconds / (per * series)) // 84 * 84
    kernels = max(MIN_KERNELS, min(base, fit))
    took = per * series * kernels
    if kernels == base:
        why = f"{label}: {kernels:,} kernels (the paper's count); a probe puts their features at about {took:.1f}s"
    elif kernels > MIN_KERNELS:
        why = (
            f"{label}: {kernels:,} kernels, not the paper's {base:,}: a probe measured {per * 1e6:.2f} us per series "
            f"and kernel here, so about {took:.1f}s of features fit the first trial's {seconds:.0f}s"
        )
    else:
        why = (
            f"{label}: {kernels:,} kernels, the fewest it runs with; even so its features need about {took:.0f}s "
            f"of the first trial's {seconds:.0f}s: give it a longer budget for the paper's {base:,}"
        )
    return {"n_kernels": kernels, "why": why, "us_per_series_kernel": round(per * 1e6, 4)}


def _probe_s(kind: str, ctx: FitContext) -> float:
    """Seconds per series and kernel of the fit + transform, timed on random series of the profile's shape (after
    a first call on a tiny input: numba's compilation is not part of the rate)."""
    stats = ctx.profile.series
    channels = stats.channels if stats is not None else 1
    length = max(MIN_LENGTH, int(stats.max_length) if stats is not None else 100)
    rng = np.random.default_rng(0)
    transform = _transform_class(kind)
    tiny = rng.normal(size=(4, channels, MIN_LENGTH))
    transform(n_kernels=84, random_state=0).fit(tiny).transform(tiny)
    x = rng.normal(size=(PROBE_SERIES, channels, length))
    threads = -1 if ctx.n_jobs is None else int(ctx.n_jobs)
    start = time.perf_counter()
    transform(n_kernels=PROBE_KERNELS, n_jobs=threads, random_state=0).fit(x).transform(x)
    return (time.perf_counter() - start) / (PROBE_SERIES * PROBE_KERNELS)


def _kernel_choices(base: int) -> list[int]:
    """The default kernel count, half and double it (the papers find accuracy flat past 10,000)."""
    return sorted({max(MIN_KERNELS, base // 2 // 84 * 84), base, base * 2})


MINIROCKET: ModelSpec = _family("minirocket")
MULTIROCKET: ModelSpec = _family("multirocket")

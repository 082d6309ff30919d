"""Scores of a model's predictions, the metrics a user may choose, and which one each task optimizes.

Optuna minimizes a smooth objective (:func:`objective_metric`: log loss for classification, RMSE
for regression); the user's metric (``metric=``, checked by :func:`resolve_metric`), else the plan's
(:func:`primary_metric`), is the one the leaderboard, the verdict and the final choice use. Built in:
accuracy, balanced accuracy, F1, ROC-AUC, log loss (classification); RMSE, MAE, R2 (regression). Any
other scikit-learn scorer name (``matthews_corrcoef``, ``f1_weighted``, ``neg_mean_absolute_percentage_error``,
...) works too: it is computed with :func:`sklearn.metrics.get_scorer` and, as scikit-learn scorers are,
higher is better.

>>> m = compute_metrics("binary", [0, 0, 1, 1], [0, 1, 1, 1], [[0.9, 0.1], [0.4, 0.6], [0.3, 0.7], [0.2, 0.8]])
>>> m["accuracy"], round(m["f1"], 4), m["roc_auc"]
(0.75, 0.8, 1.0)
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from advisor.errors import InvalidArgumentError
from advisor.numbers import finite_or_none

__all__ = [
    "METRICS_BY_TASK",
    "compute_metrics",
    "direction",
    "objective_metric",
    "primary_metric",
    "resolve_metric",
]

_CLASSIFICATION = ("accuracy", "balanced_accuracy", "f1", "roc_auc", "log_loss")
#: The metrics :func:`compute_metrics` reports per task (some may be missing, e.g. roc_auc on one class).
METRICS_BY_TASK: dict[str, tuple[str, ...]] = {
    "binary": _CLASSIFICATION,
    "multiclass": _CLASSIFICATION,
    "classification": _CLASSIFICATION,
    "regression": ("rmse", "mae", "r2"),
}
_MAXIMIZE = frozenset({"accuracy", "balanced_accuracy", "f1", "roc_auc", "r2"})
_MINIMIZE = frozenset({"log_loss", "rmse", "mae"})
#: Probabilities are clipped to [EPS, 1 - EPS] before the log loss.
EPS = 1e-15
#: Other spellings users write, mapped to the built-in names (scikit-learn's scorer names included).
ALIASES = {
    "acc": "accuracy",
    "balanced_acc": "balanced_accuracy",
    "bacc": "balanced_accuracy",
    "auc": "roc_auc",
    "rocauc": "roc_auc",
    "roc_auc_score": "roc_auc",
    "logloss": "log_loss",
    "neg_log_loss": "log_loss",
    "cross_entropy": "log_loss",
    "f1_score": "f1",
    "root_mean_squared_error": "rmse",
    "neg_root_mean_squared_error": "rmse",
    "mean_absolute_error": "mae",
    "neg_mean_absolute_error": "mae",
    "r2_score": "r2",
}


def _check_task(task: str) -> None:
    if task not in METRICS_BY_TASK:
        raise InvalidArgumentError(
            f"Unknown task {task!r}.", "Use 'binary', 'multiclass', 'classification' or 'regression'."
        )


def objective_metric(task: str) -> str:
    """What Optuna optimizes: 'log_loss' for classification, 'rmse' for regression."""
    _check_task(task)
    return "rmse" if task == "regression" else "log_loss"


def direction(metric: str) -> str:
    """'maximize' or 'minimize', as Optuna spells it (scikit-learn scorers are maximized)."""
    if metric in _MAXIMIZE:
        return "maximize"
    if metric in _MINIMIZE:
        return "minimize"
    if _is_scorer(metric):
        return "maximize"
    raise InvalidArgumentError(f"Unknown metric {metric!r}.", f"Use one of {_choices()}.")


def primary_metric(task: str, plan_metric: str | None) -> str:
    """The metric results are ranked by: the plan's (or user's) when it applies to ``task``, else accuracy / rmse."""
    _check_task(task)
    if plan_metric is not None and (plan_metric in METRICS_BY_TASK[task] or _is_scorer(plan_metric)):
        return plan_metric
    return "rmse" if task == "regression" else "accuracy"


def resolve_metric(metric: str | None, task: str | None = None) -> str | None:
    """The canonical name of a user's metric, checked against the task when it is known.

    >>> resolve_metric("AUC", "binary"), resolve_metric("neg_mean_absolute_error", "regression")
    ('roc_auc', 'mae')
    >>> resolve_metric("matthews_corrcoef", "binary")
    'matthews_corrcoef'
    """
    if metric is None:
        return None
    if not isinstance(metric, str) or not metric.strip():
        raise InvalidArgumentError(f"metric must be a name, not {metric!r}.", f"Use one of {_choices()}.")
    name = metric.strip().lower().replace("-", "_").replace(" ", "_")
    name = ALIASES.get(name, name)
    if name not in _MAXIMIZE | _MINIMIZE and not _is_scorer(name):
        import difflib

        close = difflib.get_close_matches(name, list(dict.fromkeys([*_MAXIMIZE, *_MINIMIZE, *_scorer_names()])), n=3)
        hint = f"Did you mean {', '.join(repr(c) for c in close)}? " if close else ""
        raise InvalidArgumentError(f"Unknown metric {metric!r}.", f"{hint}Use one of {_choices()}.")
    if task is not None:
        _check_metric_task(name, task)
    return name


def _choices() -> str:
    return (
        "accuracy, balanced_accuracy, roc_auc, log_loss, f1 (classification), rmse, mae, r2 (regression), "
        "or a scikit-learn scorer name (sklearn.metrics.get_scorer_names())"
    )


def _scorer_names() -> list[str]:
    from sklearn.metrics import get_scorer_names

    return list(get_scorer_names())


def _is_scorer(name: str) -> bool:
    return name not in _MAXIMIZE | _MINIMIZE and name in _scorer_names()


def _check_metric_task(name: str, task: str) -> None:
    """A built-in metric must belong to the task; a scorer must compute on a small problem of that task."""
    _check_task(task)
    regression = task == "regression"
    if name in _MAXIMIZE | _MINIMIZE:
        if name not in METRICS_BY_TASK[task]:
            kind = "regression" if regression else "classification"
            raise InvalidArgumentError(
                f"Metric {name!r} does not apply to a {task} task.",
                f"Use one of {', '.join(METRICS_BY_TASK[task])} for {kind}, or state the task with task=.",
            )
        return
    y = np.array([0.5, 1.5, 2.5, 3.5, 1.0, 2.0]) if regression else np.array([0, 1, 0, 1, 1, 0])
    if task == "multiclass":
        y = np.array([0, 1, 2, 0, 1, 2])
    n_classes = len(np.unique(y))
    proba = None if regression else np.full((len(y), n_classes), 1.0 / n_classes)
    if proba is not None:
        proba[np.arange(len(y)), y.astype(int)] += 0.2
        proba /= proba.sum(axis=1, keepdims=True)
    pred = y + 0.1 if regression else y
    try:
        value = scorer_value(name, task, y, pred, proba, np.arange(n_classes) if not regression else None)
    except Exception as exc:
        raise InvalidArgumentError(
            f"The scikit-learn scorer {name!r} cannot score a {task} task ({type(exc).__name__}: {exc}).",
            "Choose a scorer made for this task.",
        ) from None
    if value is None:
        raise InvalidArgumentError(f"The scorer {name!r} gives no value on a {task} task.", "Choose another metric.")


def scorer_value(
    name: str, task: str, y_true: np.ndarray, y_pred: np.ndarray, y_proba: np.ndarray | None, labels: Any
) -> float | None:
    """A scikit-learn scorer's value for fixed predictions (``greater is better``, as scikit-learn returns it)."""
    from sklearn.metrics import get_scorer

    scorer = get_scorer(name)
    rows = np.arange(len(y_true)).reshape(-1, 1)
    fixed = _FixedRegressor(y_pred) if task == "regression" else _FixedClassifier(y_pred, y_proba, labels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = float(scorer(fixed, rows, y_true))
    return finite_or_none(value)


def compute_metrics(
    task: str, y_true: Any, y_pred: Any, y_proba: Any = None, labels: Any = None, extra: tuple[str, ...] = ()
) -> dict[str, float]:
    """Every metric of ``task`` that is defined for these predictions; non-finite ones are left out.

    ``extra`` names scikit-learn scorers to add (a user's own metric); a scorer that fails is left out.

    Classification: ``labels`` is the class order of ``y_proba``'s columns (pass the model's
    ``classes_``); without it, the sorted classes of ``y_true`` and ``y_pred``. The positive class of
    a binary task is the second label; ``y_proba`` may then also be the positive class's column alone.
    f1 is the positive class's (binary) or the macro average (multiclass); roc_auc is one-vs-rest
    macro for multiclass and is left out when a class is absent from ``y_true``.
    Regression: rmse, mae, r2 (r2 left out when ``y_true`` is constant).
    """
    _check_task(task)
    y_true = np.asarray(y_true).reshape(-1)
    y_pred = np.asarray(y_pred).reshape(-1)
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} rows, y_pred {len(y_pred)}.")
    if len(y_true) == 0:
        return {}
    if task == "regression":
        out = _regression(y_true, y_pred)
    else:
        out = _classification(task, y_true, y_pred, y_proba, labels)
    for name in extra:
        if name not in out and _is_scorer(name):
            score = _safe_scorer(name, task, y_true, y_pred, y_proba, labels)
            if score is not None:
                out[name] = score
    return {k: float(v) for k, v in out.items() if v is not None and math.isfinite(v)}


def _safe_scorer(
    name: str, task: str, y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any
) -> float | None:
    proba = None
    if y_proba is not None and task != "regression":
        n_labels = len(labels) if labels is not None else len(np.unique(np.concatenate([y_true, y_pred])))
        proba = _proba_matrix(y_proba, n_labels, len(y_true))
    try:
        return scorer_value(name, task, y_true, y_pred, proba, labels)
    except Exception:  # e.g. a class missing from a small validation fold: the metric is undefined there
        return None


def _regression(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    t = y_true.astype(float)
    p = y_pred.astype(float)
    err = p - t
    ss_tot = float(np.sum((t - t.mean()) ** 2))
    with np.errstate(all="ignore"):
        out = {
            "rmse": float(np.sqrt(np.mean(err**2))),
            "mae": float(np.mean(np.abs(err))),
            "r2": 1.0 - float(np.sum(err**2)) / ss_tot if ss_tot > 0 else math.nan,
        }
    return out


def _classification(task: str, y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> dict[str, float]:
    """Accuracy, balanced accuracy and F1 (as scikit-learn defines them), computed with numpy: trials score
    thousands of predictions, and scikit-learn's input checks would cost more than the arithmetic."""
    labels = np.unique(np.concatenate([y_true, y_pred])) if labels is None else np.asarray(labels).reshape(-1)
    binary = task == "binary" or (task == "classification" and len(labels) <= 2)
    out: dict[str, float] = {"accuracy": float(np.mean(y_true == y_pred))}
    out["balanced_accuracy"] = _balanced_accuracy(y_true, y_pred)
    if binary and len(labels) == 2:
        out["f1"] = _f1(y_true, y_pred, labels[1])
    elif not binary:
        out["f1"] = float(np.mean([_f1(y_true, y_pred, label) for label in labels]))
    if y_proba is not None:
        proba = _proba_matrix(y_proba, len(labels), len(y_true))
        if proba is not None:
            out.update(_proba_metrics(y_true, proba, labels, binary))
    return out


def _balanced_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean recall over the classes present in ``y_true`` (scikit-learn's ``balanced_accuracy_score``)."""
    codes, _ = pd.factorize(pd.Series(np.concatenate([y_true, y_pred]).tolist()))
    true, pred = codes[: len(y_true)], codes[len(y_true) :]
    support = np.bincount(true, minlength=codes.max() + 1)
    correct = np.bincount(true[true == pred], minlength=codes.max() + 1)
    present = support > 0
    return float(np.mean(correct[present] / support[present]))


def _f1(y_true: np.ndarray, y_pred: np.ndarray, label: Any) -> float:
    """F1 of one class (0 when it is neither predicted nor present), as scikit-learn with zero_division=0."""
    is_true, is_pred = y_true == label, y_pred == label
    tp = float(np.sum(is_true & is_pred))
    denominator = 2 * tp + float(np.sum(is_pred & ~is_true)) + float(np.sum(is_true & ~is_pred))
    return 2 * tp / denominator if denominator > 0 else 0.0


def _binary_auc(positive: np.ndarray, scores: np.ndarray) -> float:
    """ROC-AUC from ranks (the Mann-Whitney U statistic, ties at their mean rank), as scikit-learn computes it."""
    from scipy.stats import rankdata

    ranks = rankdata(scores)
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _proba_matrix(y_proba: Any, n_labels: int, n_rows: int) -> np.ndarray | None:
    """``y_proba`` as an (n_rows, n_labels) array; None if it holds non-finite values."""
    p = np.asarray(y_proba, dtype=float)
    if p.ndim == 1 and n_labels == 2:
        p = np.column_stack([1.0 - p, p])
    elif p.ndim == 2 and p.shape[1] == 1 and n_labels == 2:
        p = np.column_stack([1.0 - p[:, 0], p[:, 0]])
    elif p.ndim == 1:
        p = p.reshape(-1, 1)
    if p.ndim != 2 or p.shape != (n_rows, n_labels):
        raise ValueError(
            f"y_proba has shape {p.shape}, expected ({n_rows}, {n_labels}) for labels in column order: "
            "pass labels=model.classes_."
        )
    if not np.isfinite(p).all():
        return None
    return p


def _proba_metrics(y_true: np.ndarray, proba: np.ndarray, labels: np.ndarray, binary: bool) -> dict[str, float]:
    out: dict[str, float] = {}
    position = {label: i for i, label in enumerate(labels.tolist())}
    idx = np.array([position.get(v, -1) for v in y_true.tolist()])
    if (idx < 0).any():  # a true class the model does not know: no probability for it
        return out
    clipped = np.clip(proba, EPS, 1.0 - EPS)
    clipped = clipped / clipped.sum(axis=1, keepdims=True)
    out["log_loss"] = float(-np.mean(np.log(clipped[np.arange(len(idx)), idx])))
    present = np.unique(idx)
    if binary:
        if len(present) == 2:
            out["roc_auc"] = _binary_auc(idx == 1, proba[:, 1])
    elif len(present) == len(labels) >= 3:  # one-vs-rest, macro average
        out["roc_auc"] = float(np.mean([_binary_auc(idx == k, clipped[:, k]) for k in range(len(labels))]))
    return out


class _FixedClassifier(ClassifierMixin, BaseEstimator):
    """Class predictions already made, served to a scikit-learn scorer by row position (``X`` = row index)."""

    def __init__(self, pred: np.ndarray, proba: np.ndarray | None = None, classes: Any = None) -> None:
        self.pred, self.proba, self.classes = pred, proba, classes
        self.classes_ = np.asarray(classes) if classes is not None else np.unique(pred)

    def predict(self, X: Any) -> np.ndarray:
        return np.asarray(self.pred)[np.asarray(X).reshape(-1)]

    def predict_proba(self, X: Any) -> np.ndarray:
        if self.proba is None:
            raise AttributeError("these predictions have no class probabilities")
        return np.asarray(self.proba)[np.asarray(X).reshape(-1)]


class _FixedRegressor(RegressorMixin, BaseEstimator):
    """Regression predictions already made, served to a scikit-learn scorer by row position."""

    def __init__(self, pred: np.ndarray) -> None:
        self.pred = pred

    def predict(self, X: Any) -> np.ndarray:
        return np.asarray(self.pred, dtype=float)[np.asarray(X).reshape(-1)]

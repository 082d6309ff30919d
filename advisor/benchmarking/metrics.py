"""Scores of a model's predictions, and which metric each task optimizes and reports.

Optuna minimizes a smooth objective (:func:`objective_metric`: log loss for classification, RMSE
for regression); the plan's metric (:func:`primary_metric`) is the one the report ranks models by.

>>> m = compute_metrics("binary", [0, 0, 1, 1], [0, 1, 1, 1], [[0.9, 0.1], [0.4, 0.6], [0.3, 0.7], [0.2, 0.8]])
>>> m["accuracy"], round(m["f1"], 4), m["roc_auc"]
(0.75, 0.8, 1.0)
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, roc_auc_score

from advisor.errors import InvalidArgumentError

__all__ = [
    "METRICS_BY_TASK",
    "compute_metrics",
    "direction",
    "objective_metric",
    "primary_metric",
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
    """'maximize' or 'minimize', as Optuna spells it."""
    if metric in _MAXIMIZE:
        return "maximize"
    if metric in _MINIMIZE:
        return "minimize"
    raise InvalidArgumentError(f"Unknown metric {metric!r}.", f"Use one of {sorted(_MAXIMIZE | _MINIMIZE)}.")


def primary_metric(task: str, plan_metric: str | None) -> str:
    """The metric results are ranked by: the plan's when it applies to ``task``, else accuracy / rmse."""
    _check_task(task)
    if plan_metric is not None and plan_metric in METRICS_BY_TASK[task]:
        return plan_metric
    return "rmse" if task == "regression" else "accuracy"


def compute_metrics(task: str, y_true: Any, y_pred: Any, y_proba: Any = None, labels: Any = None) -> dict[str, float]:
    """Every metric of ``task`` that is defined for these predictions; non-finite ones are left out.

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
    return {k: float(v) for k, v in out.items() if v is not None and math.isfinite(v)}


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
    labels = np.unique(np.concatenate([y_true, y_pred])) if labels is None else np.asarray(labels).reshape(-1)
    binary = task == "binary" or (task == "classification" and len(labels) <= 2)
    out: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "y_pred contains classes not in y_true", ill-defined f1, ...
        out["accuracy"] = accuracy_score(y_true, y_pred)
        out["balanced_accuracy"] = balanced_accuracy_score(y_true, y_pred)
        if binary and len(labels) == 2:
            out["f1"] = f1_score(y_true, y_pred, labels=labels, pos_label=labels[1], average="binary", zero_division=0)
        elif not binary:
            out["f1"] = f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
    if y_proba is not None:
        proba = _proba_matrix(y_proba, len(labels), len(y_true))
        if proba is not None:
            out.update(_proba_metrics(y_true, proba, labels, binary))
    return out


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
            out["roc_auc"] = float(roc_auc_score(idx == 1, proba[:, 1]))
    elif len(present) == len(labels) >= 3:
        out["roc_auc"] = float(roc_auc_score(idx, clipped, multi_class="ovr", average="macro"))
    return out

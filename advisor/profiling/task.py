"""Task detection (binary / multiclass / regression) and target statistics."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from advisor.errors import InvalidArgumentError

__all__ = ["TargetSummary", "summarize_target"]

#: A numeric target with at most this many distinct integer values is treated as classes.
MAX_INTEGER_CLASSES = 20
#: Classes kept by name in a profile; the rest are summarized by the counts.
MAX_CLASSES_LISTED = 50


@dataclass(frozen=True)
class TargetSummary:
    """The task and the target's shape."""

    task: str | None
    reason: str
    n_classes: int | None = None
    class_counts: dict[str, int] = field(default_factory=dict)
    imbalance_ratio: float | None = None
    min_class_count: int | None = None
    samples_per_class: float | None = None
    skewness: float | None = None


def summarize_target(y: pd.Series | None, task: str | None = None) -> TargetSummary:
    """Detect the task from the target's values (or check a given one) and summarize it.

    >>> summarize_target(pd.Series(["a", "b", "a"])).task
    'binary'
    >>> summarize_target(pd.Series([0.5, 1.7, 2.25, 3.0])).task
    'regression'
    """
    if y is None:
        return TargetSummary(None, "no target given: pass one to get a task")
    y = y.dropna()
    if task is not None and task not in ("binary", "multiclass", "regression", "classification"):
        raise InvalidArgumentError(
            f"Unknown task {task!r}.", "Use 'binary', 'multiclass', 'classification' or 'regression'."
        )
    detected, reason = _detect(y) if task is None else (task, "given by the user")
    if detected == "classification":
        detected = "binary" if y.nunique() <= 2 else "multiclass"
    if detected == "regression":
        return TargetSummary("regression", reason, skewness=_skew(y))
    return _class_summary(y, detected, reason)


def _detect(y: pd.Series) -> tuple[str, str]:
    name = f"target '{y.name}'" if y.name is not None else "the target"
    n_unique = int(y.nunique())
    if not pd.api.types.is_numeric_dtype(y) or pd.api.types.is_bool_dtype(y):
        sample = ", ".join(repr(str(v)) for v in y.unique()[:3])
        kind = "binary" if n_unique <= 2 else "multiclass"
        return kind, f"{name} holds {n_unique} labels ({sample}{', ...' if n_unique > 3 else ''})"
    values = y.to_numpy(dtype=float)
    integral = bool(np.all(np.isclose(values, np.round(values))))
    if n_unique <= 2:
        return "binary", f"{name} takes 2 numeric values ({', '.join(map(str, sorted(y.unique())))})"
    if integral and n_unique <= MAX_INTEGER_CLASSES:
        return "multiclass", (
            f"{name} takes {n_unique} distinct integer values "
            f"({int(values.min())}..{int(values.max())}); treated as classes"
        )
    why = "non-integer values" if not integral else f"{n_unique} distinct integer values"
    return "regression", f"{name} is numeric with {why}"


def _class_summary(y: pd.Series, task: str, reason: str) -> TargetSummary:
    counts = y.astype(str).value_counts()
    n_classes = len(counts)
    listed = {str(k): int(v) for k, v in counts.head(MAX_CLASSES_LISTED).items()}
    smallest = int(counts.min()) if n_classes else 0
    return TargetSummary(
        task=task,
        reason=reason,
        n_classes=n_classes,
        class_counts=listed,
        imbalance_ratio=float(counts.max() / smallest) if smallest else None,
        min_class_count=smallest,
        samples_per_class=float(len(y) / n_classes) if n_classes else None,
    )


def _skew(y: pd.Series) -> float | None:
    values = pd.to_numeric(y, errors="coerce").dropna().to_numpy(dtype=float)
    if values.size < 3 or np.std(values) == 0:
        return None
    from scipy.stats import skew

    return float(skew(values))

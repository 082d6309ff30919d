"""Task detection (binary / multiclass / regression), its ambiguity, and target statistics.

The task is detected from the target's values unless the user states it (``task=`` in
:func:`advisor.load`, :func:`advisor.profile`, :func:`advisor.recommend`, :func:`advisor.benchmark`;
``--task`` in the CLI). A numeric table target with a few whole-number levels (a 1-5 rating, a 0-100
score in steps of 10) could be either: it is read as classes and flagged as *ambiguous*, with the
override in the reason. Labels of images, texts and series are class labels unless the user says
otherwise (an ``.npz`` of faces labelled 0..39 is 40 classes, not a number to regress).

>>> summarize_target(pd.Series([1, 2, 3, 4, 5] * 4)).ambiguous
True
>>> summarize_target(pd.Series(list(range(40)) * 10), modality="image").task
'multiclass'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from advisor.errors import InvalidArgumentError

__all__ = [
    "TASKS",
    "TargetSummary",
    "Task",
    "TaskInput",
    "check_task",
    "looks_like_classes",
    "summarize_target",
]

#: The task a profile, a plan and every model work on (saved as these strings in profiles and results).
Task = Literal["binary", "multiclass", "regression"]
#: What a user may state: a task, or 'classification' (binary or multiclass by class count).
TaskInput = Literal["binary", "multiclass", "regression", "classification"]
#: Tasks a profile can hold; users may also say 'classification' (binary or multiclass by class count).
TASKS: tuple[Task, ...] = ("binary", "multiclass", "regression")
TASK_INPUTS: tuple[TaskInput, ...] = (*TASKS, "classification")
#: A numeric table target with at most this many distinct integer values is read as classes.
MAX_INTEGER_CLASSES = 20
#: Integer targets with more levels than MAX_INTEGER_CLASSES are still flagged as possibly classes when each
#: level repeats at least this often (class codes 0..39 with ten rows each, say).
CLASS_CODE_REPEATS = 5
#: Classes kept by name in a profile; the rest are summarized by the counts.
MAX_CLASSES_LISTED = 50


@dataclass(frozen=True)
class TargetSummary:
    """The task, why, whether it could be read the other way, and the target's shape."""

    task: Task | None
    reason: str
    n_classes: int | None = None
    class_counts: dict[str, int] = field(default_factory=dict)
    imbalance_ratio: float | None = None
    min_class_count: int | None = None
    samples_per_class: float | None = None
    skewness: float | None = None
    ambiguous: bool = False


def check_task(task: str | None) -> TaskInput | None:
    """``task`` normalized (lower case, stripped), or an error naming the allowed values."""
    if task is None:
        return None
    value = str(task).strip().lower() if isinstance(task, str) else task
    if value not in TASK_INPUTS:
        raise InvalidArgumentError(
            f"Unknown task {task!r}.", "Use 'binary', 'multiclass', 'classification' or 'regression'."
        )
    return value


def looks_like_classes(y: pd.Series, modality: str = "tabular") -> bool:
    """True when the task detected for ``y`` (without a user-stated task) is a classification."""
    return _detect(y.dropna(), modality)[0] != "regression"


def summarize_target(y: pd.Series | None, task: str | None = None, modality: str = "tabular") -> TargetSummary:
    """Detect the task from the target's values (or check a given one) and summarize it.

    >>> summarize_target(pd.Series(["a", "b", "a"])).task
    'binary'
    >>> summarize_target(pd.Series([0.5, 1.7, 2.25, 3.0])).task
    'regression'
    """
    task = check_task(task)
    if y is None:
        return TargetSummary(None, "no target given: pass one to get a task")
    y = y.dropna()
    detected: TaskInput
    if task is None:
        detected, reason = _detect(y, modality)
        ambiguous = _ambiguous(y, detected, modality)
        if ambiguous:
            reason += "; " + _override_hint(detected)
    else:
        detected, reason, ambiguous = task, "given by the user", False
        _check_given(y, task)
    if detected == "classification":
        detected = "binary" if y.nunique() <= 2 else "multiclass"
    if detected == "regression":
        return TargetSummary("regression", reason, skewness=_skew(y), ambiguous=ambiguous)
    return _class_summary(y, detected, reason, ambiguous)


def _name(y: pd.Series) -> str:
    return f"target '{y.name}'" if y.name is not None else "the target"


def _numeric(y: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(y.dtype) and not pd.api.types.is_bool_dtype(y.dtype)


def _integral(values: np.ndarray) -> bool:
    return bool(np.all(np.isclose(values, np.round(values))))


def _detect(y: pd.Series, modality: str) -> tuple[Task, str]:
    name, n_unique = _name(y), int(y.nunique())
    if not _numeric(y):
        sample = ", ".join(repr(str(v)) for v in y.unique()[:3])
        kind: Task = "binary" if n_unique <= 2 else "multiclass"
        return kind, f"{name} holds {n_unique} labels ({sample}{', ...' if n_unique > 3 else ''})"
    values = y.to_numpy(dtype=float)
    integral = _integral(values)
    if n_unique == 2 or (n_unique == 1 and integral):  # one non-integer value is a constant, not a class
        return "binary", f"{name} takes 2 numeric values ({', '.join(map(str, sorted(y.unique())))})"
    span = f"({int(values.min())}..{int(values.max())})" if integral else ""
    if integral and modality != "tabular":
        return "multiclass", f"{name} takes {n_unique} integer values {span}: {modality} labels are read as classes"
    if integral and n_unique <= MAX_INTEGER_CLASSES:
        return "multiclass", f"{name} takes {n_unique} distinct integer values {span}; treated as classes"
    why = "non-integer values" if not integral else f"{n_unique} distinct integer values"
    return "regression", f"{name} is numeric with {why}"


def _ambiguous(y: pd.Series, detected: str, modality: str) -> bool:
    """A numeric, whole-number target with several levels: classes or a number, only the user knows."""
    if not _numeric(y) or y.nunique() <= 2:
        return False
    values = y.to_numpy(dtype=float)
    if not _integral(values):
        return False
    if detected != "regression":  # read as classes: flag levels that may be a score (tables), or many codes
        return modality == "tabular" or y.nunique() > MAX_INTEGER_CLASSES
    return len(y) >= CLASS_CODE_REPEATS * y.nunique()  # read as a number, yet every level repeats


def _override_hint(detected: str) -> str:
    if detected == "regression":
        return "if these are class codes, not amounts, pass task='multiclass' (CLI: --task multiclass)"
    return "if they are a score or a count rather than categories, pass task='regression' (CLI: --task regression)"


def _check_given(y: pd.Series, task: str) -> None:
    if task == "regression" and not _numeric(y):
        sample = ", ".join(repr(str(v)) for v in y.unique()[:3])
        raise InvalidArgumentError(
            f"task='regression' needs a numeric target, but {_name(y)} holds labels ({sample}).",
            "Pass task='classification', or a numeric target column.",
        )
    if task == "binary" and y.nunique() > 2:
        raise InvalidArgumentError(
            f"task='binary' needs two classes, but {_name(y)} has {y.nunique()}.",
            "Pass task='multiclass' (or 'classification').",
        )


def _class_summary(y: pd.Series, task: Task, reason: str, ambiguous: bool) -> TargetSummary:
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
        ambiguous=ambiguous,
    )


def _skew(y: pd.Series) -> float | None:
    values = pd.to_numeric(y, errors="coerce").dropna().to_numpy(dtype=float)
    if values.size < 3 or np.std(values) == 0:
        return None
    from scipy.stats import skew

    return float(skew(values))

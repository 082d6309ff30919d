"""Target columns: resolve the one the user named, or propose one (CLI only)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from advisor.data.text import is_string_column
from advisor.errors import TargetNotFoundError

__all__ = ["TargetSuggestion", "resolve_target", "suggest_target"]

TARGET_NAMES = (
    "target",
    "label",
    "labels",
    "class",
    "y",
    "outcome",
    "income",
    "churn",
    "diagnosis",
    "species",
    "survived",
    "default",
    "fraud",
    "is_fraud",
    "response",
    "result",
    "category",
    "sentiment",
    "status",
    "price",
    "quality",
    "recommended ind",
    "rating",
)
MAX_LABEL_VALUES = 20


@dataclass(frozen=True)
class TargetSuggestion:
    """A proposed target column and the readable reason for it."""

    column: str
    reason: str


def _show(columns: Sequence[str], limit: int = 30) -> str:
    shown = ", ".join(f"'{c}'" for c in columns[:limit])
    return shown + (f" ... ({len(columns)} in all)" if len(columns) > limit else "")


def resolve_target(columns: Sequence[str], target: str, where: str) -> str:
    """Return ``target`` if it is one of ``columns``; else raise with close matches."""
    columns = [str(c) for c in columns]
    if target in columns:
        return target
    lowered = {c.lower(): c for c in columns}
    close = difflib.get_close_matches(target, columns, n=3, cutoff=0.6)
    if target.lower() in lowered and lowered[target.lower()] not in close:
        close.insert(0, lowered[target.lower()])
    hint = f"Did you mean {_show(close)}? " if close else ""
    raise TargetNotFoundError(
        f"Target column '{target}' is not in {where}.",
        f"{hint}Available columns: {_show(columns)}.",
    )


def _is_id_like(column: pd.Series, name: str) -> bool:
    lowered = name.lower()
    if lowered == "id" or lowered.endswith(("_id", " id")):
        return True
    values = column.dropna()
    return pd.api.types.is_integer_dtype(values.dtype) and values.is_unique and values.is_monotonic_increasing


def _few_values(column: pd.Series, n_values: int) -> bool:
    """Label-like: 2 to 20 distinct values, repeated (at most half as many values as rows)."""
    return 1 < n_values <= MAX_LABEL_VALUES and n_values <= max(2, column.notna().sum() // 2)


def suggest_target(frame: pd.DataFrame) -> TargetSuggestion | None:
    """Propose a target column for ``frame`` (for the CLI to ask about; ``load`` never uses it).

    A column with a conventional name wins (``target``, ``label``, ``class``, ``income``...);
    otherwise the last column when it has few values or is numeric and not an id; otherwise a
    first column of few text labels (the ``label<TAB>text`` layout).
    """
    if frame.shape[1] == 0:
        return None
    names = {str(c).strip().lower(): str(c) for c in frame.columns}
    for known in TARGET_NAMES:
        if known in names:
            return TargetSuggestion(names[known], f"column '{names[known]}' has a name commonly used for the target")
    last = str(frame.columns[-1])
    column = frame.iloc[:, -1]
    n_values = column.nunique()
    if frame.shape[1] > 1 and _few_values(column, n_values):
        return TargetSuggestion(last, f"the last column '{last}' has {n_values} distinct values, typical of a label")
    if (
        frame.shape[1] > 1
        and pd.api.types.is_numeric_dtype(column.dtype)
        and not pd.api.types.is_bool_dtype(column.dtype)
        and n_values > 1
        and not _is_id_like(column, last)
    ):
        return TargetSuggestion(last, f"the last column '{last}' is numeric and not an id (a regression target?)")
    first = str(frame.columns[0])
    column = frame.iloc[:, 0]
    n_values = column.nunique()
    if frame.shape[1] > 1 and is_string_column(column) and _few_values(column, n_values):
        return TargetSuggestion(
            first,
            f"the first column '{first}' has {n_values} distinct text values, typical of a label",
        )
    return None

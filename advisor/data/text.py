"""Free-text columns: find them, describe them, and spot empty ones."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "TextColumn",
    "blank_text_columns",
    "find_text_columns",
    "is_string_column",
    "text_stats",
]

SAMPLE_ROWS = 5000
MIN_MEAN_CHARS = 30.0
MIN_MEAN_WORDS = 5.0
MIN_UNIQUE_RATIO = 0.5
TEXT_NAMES = frozenset(
    {
        "text",
        "texts",
        "review",
        "reviews",
        "review text",
        "review_text",
        "comment",
        "comments",
        "message",
        "messages",
        "body",
        "content",
        "sentence",
        "tweet",
        "document",
        "description",
        "abstract",
        "sms",
    }
)


@dataclass(frozen=True)
class TextColumn:
    """A column judged to hold free text, with the figures behind the judgement."""

    name: str
    mean_chars: float
    mean_words: float
    unique_ratio: float

    @property
    def is_free_text(self) -> bool:
        """Long enough and varied enough to be prose rather than a category."""
        long_enough = self.mean_chars >= MIN_MEAN_CHARS or self.mean_words >= MIN_MEAN_WORDS
        return long_enough and self.unique_ratio >= MIN_UNIQUE_RATIO

    def reason(self) -> str:
        """One readable clause, e.g. ``column 'text' holds free text (mean 78 characters, ...)``."""
        return (
            f"column '{self.name}' holds free text (mean {self.mean_chars:.0f} characters, "
            f"{self.unique_ratio:.0%} unique values)"
        )


def _spread_sample(column: pd.Series, size: int = SAMPLE_ROWS) -> pd.Series:
    """Up to ``size`` non-missing values taken evenly through the column."""
    if len(column) > size * 4:
        column = column.iloc[np.linspace(0, len(column) - 1, size * 4).astype(np.int64)]
    column = column.dropna()
    if len(column) > size:
        column = column.iloc[np.linspace(0, len(column) - 1, size).astype(np.int64)]
    return column


def is_string_column(column: pd.Series) -> bool:
    """True for string dtypes, and object columns whose values are mostly ``str``."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return False
    if pd.api.types.is_string_dtype(column.dtype) and column.dtype != object:
        return True
    if column.dtype != object:
        return False
    sample = _spread_sample(column, 500)
    return len(sample) > 0 and sum(isinstance(v, str) for v in sample) >= 0.9 * len(sample)


def text_stats(column: pd.Series, name: str) -> TextColumn | None:
    """Length and uniqueness figures of a string column (``None`` when it has no values)."""
    sample = _spread_sample(column).astype(str)
    if sample.empty:
        return None
    lengths = sample.str.len()
    words = sample.str.split().str.len()
    return TextColumn(
        name=name,
        mean_chars=float(lengths.mean()),
        mean_words=float(words.mean()),
        unique_ratio=float(sample.nunique() / len(sample)),
    )


def find_text_columns(features: pd.DataFrame) -> list[TextColumn]:
    """Every free-text column of ``features``, in column order."""
    found = []
    for name in features.columns:
        column = features[name]
        if not is_string_column(column):
            continue
        stats = text_stats(column, str(name))
        if stats is not None and stats.is_free_text:
            found.append(stats)
    return found


def blank_text_columns(features: pd.DataFrame) -> list[str]:
    """Columns named like text (``text``, ``review``...) that hold no text at all."""
    blank = []
    for name in features.columns:
        if str(name).strip().lower() not in TEXT_NAMES:
            continue
        column = features[name]
        values = column.dropna()
        if values.empty or (is_string_column(column) and values.astype(str).str.strip().eq("").all()):
            blank.append(str(name))
    return blank

"""Text inputs as the text families take them: one string per row.

The runner passes a pandas Series of ``str`` (several text columns already joined, missing values as
""); a 1-D numpy array or a list of strings is accepted too, and so is a DataFrame (its columns are
joined with a space per row, missing cells skipped).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["as_texts", "n_rows"]


def _text(value: Any, max_chars: int | None) -> str:
    """One cell as a string: missing (None, NaN, pd.NA) is ""; longer than ``max_chars`` is cut."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = value if isinstance(value, str) else str(value)
    return text[:max_chars] if max_chars is not None else text


def _join_frame(frame: pd.DataFrame) -> list[str]:
    parts = [[_text(v, None) for v in frame[c].tolist()] for c in frame.columns]
    return [" ".join(p for p in row if p) for row in zip(*parts, strict=True)] if parts else []


def as_texts(X: Any, max_chars: int | None = None) -> list[str]:
    """The rows of ``X`` as a list of strings.

    Parameters
    ----------
    X : pandas.Series, pandas.DataFrame, numpy.ndarray or sequence of str
        One text per row (a 2-D array or frame has its columns joined with a space).
    max_chars : int or None
        Texts longer than this many characters are truncated.

    Returns
    -------
    list of str
    """
    if isinstance(X, pd.DataFrame):
        texts = _join_frame(X)
        return [t[:max_chars] for t in texts] if max_chars is not None else texts
    if isinstance(X, pd.Series):
        values: Sequence[Any] = X.tolist()
    elif isinstance(X, np.ndarray):
        if X.ndim == 2:
            return as_texts(pd.DataFrame(X), max_chars)
        if X.ndim != 1:
            raise ValueError(f"Expected one text per row (a 1-D array); got an array of shape {X.shape}.")
        values = X.tolist()
    elif isinstance(X, str):
        raise ValueError("Expected a sequence of texts (one per row), got a single string; wrap it in a list.")
    elif isinstance(X, Sequence):
        values = X
    else:
        values = list(X)
    return [_text(v, max_chars) for v in values]


def n_rows(X: Any) -> int:
    """The number of rows (texts) of ``X``."""
    return X.shape[0] if hasattr(X, "shape") else len(X)

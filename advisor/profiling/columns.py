"""Column roles: numeric, categorical (with cardinality), text, datetime, id-like, constant, empty.

Roles are decided on a seeded row sample (at most ``SAMPLE_ROWS``) so a million-row table profiles
in well under a second per column; missing shares are exact.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from advisor.profiling.profile import ColumnProfile

__all__ = ["SAMPLE_ROWS", "column_profiles", "sample_frame"]

SAMPLE_ROWS = 100_000
_ID_NAME = re.compile(r"(^|_)(id|uuid|guid|key|index)$|^(id|uuid)_", re.IGNORECASE)
#: A string column whose values average at least this many characters (or words) reads as text.
TEXT_MIN_CHARS = 30
TEXT_MIN_WORDS = 5


def sample_frame(frame: pd.DataFrame, rows: int = SAMPLE_ROWS, seed: int = 0) -> pd.DataFrame:
    """A seeded random sample of at most ``rows`` rows (the frame itself when it is small)."""
    if len(frame) <= rows:
        return frame
    return frame.sample(n=rows, random_state=seed)


def column_profiles(
    frame: pd.DataFrame, sample: pd.DataFrame, text_columns: tuple[str, ...] = ()
) -> tuple[ColumnProfile, ...]:
    """Profile every column of ``frame``; ``sample`` is a row sample of it used for costly stats."""
    missing = frame.isna().mean()
    return tuple(_profile_column(sample[col], float(missing[col]), col in text_columns) for col in frame.columns)


def _profile_column(values: pd.Series, missing_share: float, is_text: bool) -> ColumnProfile:
    name, dtype = str(values.name), str(values.dtype)
    present = values.dropna()
    if present.empty:
        return ColumnProfile(name, "empty", dtype, missing_share, 0)
    cardinality = int(present.nunique())
    if cardinality <= 1:
        return ColumnProfile(name, "constant", dtype, missing_share, cardinality)
    role = "text" if is_text else _role(present, cardinality)
    skew = kurt = None
    if role == "numeric":
        skew, kurt = _moments(present)
    return ColumnProfile(name, role, dtype, missing_share, cardinality, skew, kurt)


def _role(present: pd.Series, cardinality: int) -> str:
    if pd.api.types.is_bool_dtype(present):
        return "categorical"
    if pd.api.types.is_datetime64_any_dtype(present) or isinstance(present.dtype, pd.PeriodDtype):
        return "datetime"
    unique_share = cardinality / len(present)
    if pd.api.types.is_numeric_dtype(present):
        return "id" if _is_integer_id(present, unique_share) else "numeric"
    if isinstance(present.dtype, pd.CategoricalDtype):
        return "categorical"
    return _string_role(present.astype(str), unique_share)


def _is_integer_id(present: pd.Series, unique_share: float) -> bool:
    if not pd.api.types.is_integer_dtype(present) or unique_share < 0.99 or len(present) < 50:
        return False
    named = bool(_ID_NAME.search(str(present.name)))
    span = float(present.max()) - float(present.min()) + 1
    sequential = span <= 1.05 * len(present) and present.is_monotonic_increasing
    return named or sequential


def _string_role(text: pd.Series, unique_share: float) -> str:
    head = text.head(2_000)  # the sample is already random: its head is a random subsample
    if unique_share > 0.5:
        lengths = head.str.len()
        words = head.str.count(r"\s+") + 1
        if lengths.mean() >= TEXT_MIN_CHARS or words.mean() >= TEXT_MIN_WORDS:
            return "text"
        if (
            unique_share >= 0.99
            and len(text) >= 50
            and (_ID_NAME.search(str(text.name)) or words.max() == 1)
            and not _looks_like_dates(text)
        ):
            return "id"
    if _looks_like_dates(text):
        return "datetime"
    return "categorical"


def _looks_like_dates(text: pd.Series) -> bool:
    head = text.head(50)
    if not head.str.contains(r"\d", regex=True).all() or head.str.len().max() > 40:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(head, errors="coerce", format="mixed")
    return bool(parsed.notna().mean() >= 0.9) and not pd.to_numeric(head, errors="coerce").notna().all()


def _moments(present: pd.Series) -> tuple[float | None, float | None]:
    values = present.to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    if values.size < 3:
        return None, None
    mean = values.mean()
    centered = values - mean
    var = float(np.mean(centered**2))
    if var <= 0:
        return None, None
    skew = float(np.mean(centered**3) / var**1.5)
    kurt = float(np.mean(centered**4) / var**2 - 3.0)
    return skew, kurt

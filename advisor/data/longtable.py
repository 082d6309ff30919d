"""Time series in a long table: one row per (series id, time step), one column per channel."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from advisor.errors import InvalidArgumentError, ModalityError

__all__ = ["LongSeries", "find_long_columns", "long_to_series", "wide_to_series"]

ID_NAMES = frozenset(
    {
        "id",
        "series_id",
        "seriesid",
        "series",
        "case",
        "case_id",
        "sample_id",
        "sequence_id",
        "seq_id",
        "instance",
        "instance_id",
        "unit",
        "unit_id",
        "subject",
        "subject_id",
        "ts_id",
    }
)
TIME_NAMES = frozenset(
    {
        "time",
        "timestamp",
        "t",
        "step",
        "time_step",
        "timestep",
        "time_idx",
        "date",
        "datetime",
        "tick",
        "frame",
        "cycle",
        "ds",
    }
)
MIN_ROWS_PER_ID = 2


@dataclass
class LongSeries:
    """Series built from a table, with the per-series target and read facts."""

    series: list[np.ndarray]
    y: pd.Series | None
    channels: list[str]
    reason: str
    ignored: list[str]


def find_long_columns(frame: pd.DataFrame, target: str | None) -> tuple[str, str] | None:
    """The ``(id, time)`` columns when names and repeats say the table is long-format."""
    names = {str(c).strip().lower(): str(c) for c in frame.columns if str(c) != target}
    id_col = next((names[n] for n in names if n in ID_NAMES), None)
    time_col = next((names[n] for n in names if n in TIME_NAMES), None)
    if id_col is None or time_col is None:
        return None
    if frame[id_col].nunique() * MIN_ROWS_PER_ID > len(frame):
        return None
    return id_col, time_col


def _time_key(column: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_datetime64_any_dtype(column.dtype):
        return column
    parsed = pd.to_datetime(column, errors="coerce", format="mixed")
    return parsed if parsed.notna().mean() > 0.9 else column.astype(str)


def long_to_series(frame: pd.DataFrame, id_col: str, time_col: str, target: str | None) -> LongSeries:
    """Group rows by ``id_col``, sorted by ``time_col``: a ``(channels, length)`` array per id."""
    frame = frame[frame[id_col].notna()].reset_index(drop=True)
    skip = {id_col, time_col, target}
    others = [str(c) for c in frame.columns if str(c) not in skip]
    channels = [
        c
        for c in others
        if pd.api.types.is_numeric_dtype(frame[c].dtype) and not pd.api.types.is_bool_dtype(frame[c].dtype)
    ]
    if not channels:
        raise ModalityError(
            f"The long table (id '{id_col}', time '{time_col}') has no numeric value column.",
            "Add at least one numeric column holding the measurements.",
        )
    keys = pd.DataFrame({"id": frame[id_col], "t": _time_key(frame[time_col])})
    order = keys.sort_values(["id", "t"], kind="mergesort").index.to_numpy()
    ids = frame[id_col].to_numpy()[order]
    codes, uniques = pd.factorize(ids)
    bounds = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    values = frame[channels].to_numpy(dtype=np.float32)[order]
    series = [np.ascontiguousarray(chunk.T) for chunk in np.split(values, bounds)]
    y = None
    if target is not None:
        grouped = frame.groupby(id_col, sort=False)[target]
        varying = grouped.nunique(dropna=True)
        if (varying > 1).any():
            example = varying.index[varying.to_numpy() > 1][0]
            raise InvalidArgumentError(
                f"Target '{target}' changes within series: {int((varying > 1).sum())} ids "
                f"(e.g. {id_col}={example!r}) have several values.",
                f"In a long table the target must be constant within each '{id_col}'; pick a "
                "per-series column, or pass modality='tabular' to predict per row.",
            )
        y = grouped.first().reindex(uniques).reset_index(drop=True).rename(target)
    lengths = [s.shape[1] for s in series]
    span = f"{min(lengths)}" if min(lengths) == max(lengths) else f"{min(lengths)} to {max(lengths)}"
    reason = (
        f"columns '{id_col}' and '{time_col}' give a long-format table of {len(series)} series "
        f"({len(channels)} value column{'s' if len(channels) > 1 else ''}, length {span})"
    )
    ignored = [c for c in others if c not in channels]
    return LongSeries(series, y, channels, reason, ignored)


def wide_to_series(features: pd.DataFrame) -> list[np.ndarray]:
    """Each row of an all-numeric table becomes one univariate series ``(1, n_columns)``."""
    values = features.to_numpy(dtype=np.float32)
    return list(values[:, None, :])

"""Reading a collection of series: one ``(channels, length)`` float32 array per item.

Every series family takes the same inputs: a list (or object array, or pandas Series) of arrays of shape
``(channels, length)`` with one channel count and possibly different lengths, NaN for missing values.
A 1-D array is one channel; a 3-D numeric array ``(n, channels, length)`` and a 2-D numeric array
``(n, length)`` (one channel) are accepted as well.

>>> import numpy as np
>>> X = [np.zeros((2, 5), np.float32), np.ones((2, 3), np.float32)]
>>> n_items(X), series_at(X, 1).shape, same_channels(series_list(X))
(2, (2, 3), 2)
>>> downsample(np.arange(6, dtype=np.float32)[None], 3)
array([[0.5, 2.5, 4.5]], dtype=float32)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from advisor.errors import EmptyDataError, WrongTypeError

__all__ = [
    "as_series",
    "channel_stats",
    "downsample",
    "n_items",
    "same_channels",
    "segment_means",
    "series_at",
    "series_list",
]


def n_items(X: Any) -> int:
    """How many series ``X`` holds."""
    return len(X)


def series_at(X: Any, i: int) -> np.ndarray:
    """Series ``i`` (by position) as a float32 array of shape (channels, length)."""
    item = X.iloc[int(i)] if isinstance(X, pd.Series | pd.DataFrame) else X[int(i)]
    return as_series(item)


def as_series(item: Any) -> np.ndarray:
    """One series as float32 (channels, length); 1-D input is one channel."""
    try:
        arr = np.asarray(item, dtype=np.float32)
    except (TypeError, ValueError):
        raise WrongTypeError(
            f"A series is a {type(item).__name__}, not an array of numbers.",
            "Give each series as a float array of shape (channels, length).",
        ) from None
    if arr.ndim == 1:
        return arr[None, :]
    if arr.ndim != 2:
        raise WrongTypeError(
            f"A series has {arr.ndim} dimensions (shape {arr.shape}).",
            "Give each series as a float array of shape (channels, length), or 1-D for one channel.",
        )
    return arr


def series_list(X: Any) -> list[np.ndarray]:
    """Every series of ``X`` as float32 (channels, length) arrays, in order."""
    if isinstance(X, np.ndarray) and X.dtype != object and X.ndim == 3:
        return list(X.astype(np.float32, copy=False))
    items = [series_at(X, i) for i in range(n_items(X))]
    if not items:
        raise EmptyDataError("There are no series.", "Pass at least one series.")
    return items


def same_channels(items: list[np.ndarray]) -> int:
    """The channel count shared by every series; raises :class:`WrongTypeError` if they disagree."""
    counts = sorted({s.shape[0] for s in items})
    if len(counts) != 1:
        raise WrongTypeError(
            f"The series have different channel counts: {counts}.",
            "Give every series the same channels (lengths may differ).",
        )
    return counts[0]


def channel_stats(items: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and standard deviation over every observed (non-NaN) point of every series.

    A channel with no values gets mean 0 and scale 1; a constant channel gets scale 1.
    """
    n_channels = items[0].shape[0]
    total = np.zeros(n_channels)
    total_sq = np.zeros(n_channels)
    count = np.zeros(n_channels)
    for s in items:
        values = s.astype(np.float64)
        valid = ~np.isnan(values)
        total += np.where(valid, values, 0.0).sum(axis=1)
        count += valid.sum(axis=1)
    mean = np.divide(total, count, out=np.zeros(n_channels), where=count > 0)
    for s in items:  # second pass: centered squares (stable for large offsets)
        centered = s.astype(np.float64) - mean[:, None]
        total_sq += np.nansum(centered**2, axis=1)
    var = np.divide(total_sq, count, out=np.zeros(n_channels), where=count > 0)
    std = np.sqrt(var)
    scale = np.where(std > 1e-8 * np.maximum(np.abs(mean), 1.0), std, 1.0)
    return mean.astype(np.float32), scale.astype(np.float32)


def downsample(series: np.ndarray, max_length: int) -> np.ndarray:
    """Shorten a (channels, length) series to ``max_length`` points by averaging equal spans of time.

    Each output point is the mean of the input over one of ``max_length`` equal stretches of the series
    (piecewise aggregate approximation, with fractional overlaps weighted exactly; NaN ignored). A series
    no longer than ``max_length`` is returned unchanged.
    """
    length = series.shape[1]
    if length <= max_length:
        return series
    return segment_means(series[None].astype(np.float64), np.array([length]), max_length)[0].astype(np.float32)


def segment_means(x: np.ndarray, lengths: np.ndarray, n_segments: int) -> np.ndarray:
    """Piecewise aggregate approximation of NaN-padded series.

    Parameters
    ----------
    x : ndarray of shape (n, channels, width)
        Series padded with NaN past their lengths (NaN inside a series is a missing value).
    lengths : ndarray of shape (n,)
        The true length of each series.
    n_segments : int
        Segments per series; segment ``j`` covers time ``[j * L / S, (j + 1) * L / S)``, each sample
        ``t`` covering ``[t, t + 1)``, so lengths that ``S`` does not divide are weighted exactly.

    Returns
    -------
    ndarray of shape (n, channels, n_segments)
        The mean of each segment's observed values (NaN where a segment has none).
    """
    n, c, width = x.shape
    valid = ~np.isnan(x)
    values = np.where(valid, x, 0.0)
    zeros = np.zeros((n, c, 1))
    cum_values = np.concatenate([zeros, np.cumsum(values, axis=-1)], axis=-1)
    cum_count = np.concatenate([zeros, np.cumsum(valid, axis=-1, dtype=np.float64)], axis=-1)
    bounds = np.arange(n_segments + 1)[None, :] * lengths[:, None] / n_segments  # (n, S+1)
    whole = np.floor(bounds).astype(np.int64)
    frac = (bounds - whole)[:, None, :]
    at = np.broadcast_to(np.minimum(whole, width - 1)[:, None, :], (n, c, n_segments + 1)) if width else None
    start = np.broadcast_to(whole[:, None, :], (n, c, n_segments + 1))

    def integral(cum: np.ndarray, point: np.ndarray) -> np.ndarray:
        base = np.take_along_axis(cum, start, axis=-1)
        if at is None:
            return base
        return base + frac * np.take_along_axis(point, at, axis=-1)

    mass = np.diff(integral(cum_values, values), axis=-1)
    weight = np.diff(integral(cum_count, valid.astype(np.float64)), axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weight > 1e-12, mass / np.where(weight > 1e-12, weight, 1.0), np.nan)

"""SeriesFeatures: a fixed, deterministic feature vector per series, the input of the classical families.

Nothing is learned from the data (``fit`` records the channel count only), so a row's features depend on
its own series and nothing else: the transform cannot leak across a train/test split.

Per channel ``c{j}`` (NaN values are ignored; a series shorter than a lag gives NaN for that lag):

- global statistics: ``mean std min max median q10 q25 q75 q90 skew kurtosis slope nan_share
  argmax_pos argmin_pos mean_abs_change mean_crossings``
- autocorrelation ``acf{k}`` at lags 1, 2, 3, 5, 10
- rolling windows of 10% and 25% of the length (at least 2 points): ``roll10_mean_max``,
  ``roll10_mean_min``, ``roll10_std_mean``, ``roll10_std_max`` (and ``roll25_*``)
- first differences: ``diff_mean diff_std diff_max_abs``
- shape: ``paa0`` .. ``paa7``, the piecewise aggregate approximation of the z-normalized channel

then one ``length`` column, and for 2 to 12 channels ``corr_c{a}_c{b}``, the Pearson correlation of each
pair of channels over the time points where both are observed.

Degenerate cases: a constant channel has skew, kurtosis, autocorrelations and correlations 0 (there is no
variation to describe); a channel with no observed value has NaN everywhere except ``nan_share`` (1).

>>> import numpy as np
>>> t = np.arange(100, dtype=np.float32)
>>> X = [np.stack([np.sin(t / 5), np.cos(t / 5)]), np.stack([t[:60], -t[:60]])]
>>> F = SeriesFeatures().fit(X).transform(X)
>>> F.shape, F.loc[1, "corr_c0_c1"], F.loc[1, "length"]
((2, 84), np.float32(-1.0), np.float32(60.0))
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from advisor.errors import InvalidArgumentError, WrongTypeError
from advisor.models.series.inputs import same_channels, segment_means, series_list

__all__ = ["SeriesFeatures"]

GLOBAL = (
    "mean",
    "std",
    "min",
    "max",
    "median",
    "q10",
    "q25",
    "q75",
    "q90",
    "skew",
    "kurtosis",
    "slope",
    "nan_share",
    "argmax_pos",
    "argmin_pos",
    "mean_abs_change",
    "mean_crossings",
)
QUANTILES = {"median": 0.5, "q10": 0.1, "q25": 0.25, "q75": 0.75, "q90": 0.9}
DIFFS = ("diff_mean", "diff_std", "diff_max_abs")
ROLLING = ("mean_max", "mean_min", "std_mean", "std_max")
#: Values per block of series processed at once (float64 temporaries stay in the tens of megabytes).
BLOCK_VALUES = 1 << 20


class SeriesFeatures(TransformerMixin, BaseEstimator):
    """Statistics, autocorrelations, rolling-window, difference and shape features of each series.

    Parameters
    ----------
    lags : tuple of int
        Autocorrelation lags.
    windows : tuple of float
        Rolling-window sizes as fractions of each series' length (at least 2 points).
    n_segments : int
        Piecewise aggregate approximation segments per channel.
    max_correlation_channels : int
        Channel-pair correlations are added for 2 up to this many channels (the pairs grow quadratically).

    Attributes
    ----------
    n_channels_ : int
        The channel count seen in ``fit``; ``transform`` requires the same.
    """

    def __init__(
        self,
        *,
        lags: tuple[int, ...] = (1, 2, 3, 5, 10),
        windows: tuple[float, ...] = (0.10, 0.25),
        n_segments: int = 8,
        max_correlation_channels: int = 12,
    ) -> None:
        self.lags = lags
        self.windows = windows
        self.n_segments = n_segments
        self.max_correlation_channels = max_correlation_channels

    # ------------------------------------------------------------------ public API
    def fit(self, series: Any, y: Any = None) -> SeriesFeatures:
        """Record the channel count (nothing else is learned)."""
        self._check_params()
        items = series_list(series)
        self.n_channels_ = same_channels(items)
        return self

    def transform(self, series: Any) -> pd.DataFrame:
        """One float32 row of features per series, columns as in :attr:`columns`."""
        check_is_fitted(self, "n_channels_")
        items = series_list(series)
        found = same_channels(items)
        if found != self.n_channels_:
            raise WrongTypeError(
                f"The series have {found} channel{'s' if found != 1 else ''}, but the features were fitted on "
                f"{self.n_channels_}.",
                f"Give series with {self.n_channels_} channels, or fit the features again on this data.",
            )
        lengths = np.array([s.shape[1] for s in items], dtype=np.int64)
        out = np.empty((len(items), len(self.columns)), dtype=np.float32)
        for rows in _blocks(lengths, self.n_channels_):
            block = _padded(items, rows, self.n_channels_, int(lengths[rows].max()))
            out[rows] = self._features(block, lengths[rows])
        index = series.index if isinstance(series, pd.Series) else None
        return pd.DataFrame(out, columns=self.columns, index=index)

    @property
    def columns(self) -> list[str]:
        """The feature names, in column order."""
        check_is_fitted(self, "n_channels_")
        per_channel = self._channel_feature_names()
        names = [f"c{j}_{name}" for j in range(self.n_channels_) for name in per_channel]
        return [*names, "length", *(f"corr_c{a}_c{b}" for a, b in self._pairs())]

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray(self.columns, dtype=object)

    # ------------------------------------------------------------------ names and checks
    def _channel_feature_names(self) -> list[str]:
        rolling = [f"roll{_percent(f)}_{stat}" for f in self.windows for stat in ROLLING]
        paa = [f"paa{i}" for i in range(self.n_segments)]
        return [*GLOBAL, *(f"acf{k}" for k in self.lags), *rolling, *DIFFS, *paa]

    def _pairs(self) -> list[tuple[int, int]]:
        c = self.n_channels_
        if not 2 <= c <= self.max_correlation_channels:
            return []
        return [(a, b) for a in range(c) for b in range(a + 1, c)]

    def _check_params(self) -> None:
        if not all(isinstance(k, int | np.integer) and k >= 1 for k in self.lags):
            raise InvalidArgumentError(f"lags={self.lags!r} is not allowed.", "Use positive integers.")
        if not all(0.0 < float(f) <= 1.0 for f in self.windows):
            raise InvalidArgumentError(f"windows={self.windows!r} is not allowed.", "Use fractions in (0, 1].")
        if len({_percent(f) for f in self.windows}) != len(self.windows):
            raise InvalidArgumentError(f"windows={self.windows!r} repeats a size.", "Give distinct window sizes.")
        if not isinstance(self.n_segments, int | np.integer) or self.n_segments < 1:
            raise InvalidArgumentError(f"n_segments={self.n_segments!r} is not allowed.", "Use an integer >= 1.")

    # ------------------------------------------------------------------ computation
    def _features(self, x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Features of one NaN-padded block ``x`` of shape (n, channels, width), float64."""
        with np.errstate(invalid="ignore", divide="ignore"):
            s = _Summary(x, lengths)
            groups = [
                _global_stats(s),
                _autocorrelations(s, self.lags),
                *(_rolling(s, f) for f in self.windows),
                _differences(x),
                _shape(s, self.n_segments),
            ]
            per_channel = np.concatenate(groups, axis=-1)  # (n, channels, features)
            empty = s.count == 0
            nan_share = GLOBAL.index("nan_share")
            keep = per_channel[..., nan_share].copy()
            per_channel[empty] = np.nan
            per_channel[..., nan_share] = keep
            correlations = _correlations(s, self._pairs())
        n = x.shape[0]
        return np.concatenate([per_channel.reshape(n, -1), lengths[:, None].astype(np.float64), correlations], axis=1)


class _Summary:
    """Shared intermediate values of one block: validity, counts, moments, centered values."""

    def __init__(self, x: np.ndarray, lengths: np.ndarray) -> None:
        self.x = x
        self.lengths = lengths
        self.valid = ~np.isnan(x)
        self.count = self.valid.sum(axis=-1)
        self.mean = np.where(self.valid, x, 0.0).sum(axis=-1) / self.count
        self.centered = np.where(self.valid, x - self.mean[..., None], 0.0)  # 0 where missing
        self.var = (self.centered**2).sum(axis=-1) / self.count
        self.std = np.sqrt(self.var)
        self.low = np.where(self.valid, x, np.inf).min(axis=-1, initial=np.inf)
        self.high = np.where(self.valid, x, -np.inf).max(axis=-1, initial=-np.inf)
        self.flat = self.high == self.low  # constant channels (exact, unlike a threshold on the variance)

    @functools.cached_property
    def cumulative(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Running sums (with a leading 0) of the centered values, their squares and the observed count."""
        n, c, _ = self.x.shape
        zeros = np.zeros((n, c, 1))
        parts = (self.centered, self.centered * self.centered, self.valid.astype(np.float64))
        return tuple(np.concatenate([zeros, np.cumsum(a, axis=-1)], axis=-1) for a in parts)  # type: ignore[return-value]


def _global_stats(s: _Summary) -> np.ndarray:
    n, c, width = s.x.shape
    empty = s.count == 0
    low, high = np.where(empty, np.nan, s.low), np.where(empty, np.nan, s.high)
    quantiles = _quantiles(s, tuple(QUANTILES.values()))
    squared = s.centered * s.centered
    m3 = (squared * s.centered).sum(axis=-1) / s.count
    m4 = (squared * squared).sum(axis=-1) / s.count
    skew = np.where(s.flat, 0.0, m3 / s.var**1.5)
    kurtosis = np.where(s.flat, 0.0, m4 / s.var**2 - 3.0)
    span = np.maximum(s.lengths - 1, 1)[:, None]
    argmax = np.where(s.valid, s.x, -np.inf).argmax(axis=-1) / span if width else np.full((n, c), np.nan)
    argmin = np.where(s.valid, s.x, np.inf).argmin(axis=-1) / span if width else np.full((n, c), np.nan)
    inside = np.arange(width)[None, None, :] < s.lengths[:, None, None]
    nan_share = (inside & ~s.valid).sum(axis=-1) / s.lengths[:, None]
    both = s.valid[..., 1:] & s.valid[..., :-1]
    above = s.centered > 0
    crossings = ((above[..., 1:] != above[..., :-1]) & both).sum(axis=-1).astype(np.float64)
    abs_change = np.abs(np.diff(s.x, axis=-1))
    mean_abs_change = np.where(both, abs_change, 0.0).sum(axis=-1) / both.sum(axis=-1)
    columns = {
        "mean": s.mean,
        "std": s.std,
        "min": low,
        "max": high,
        **dict(zip(QUANTILES, quantiles, strict=True)),
        "skew": skew,
        "kurtosis": kurtosis,
        "slope": _slope(s),
        "nan_share": nan_share,
        "argmax_pos": argmax,
        "argmin_pos": argmin,
        "mean_abs_change": mean_abs_change,
        "mean_crossings": crossings,
    }
    return np.stack([columns[name] for name in GLOBAL], axis=-1)


def _quantiles(s: _Summary, qs: tuple[float, ...]) -> list[np.ndarray]:
    """Linear-interpolation quantiles (numpy's default) of the observed values, from one sort."""
    ordered = np.sort(s.x, axis=-1)  # NaN sorts last
    top = np.maximum(s.count - 1, 0)
    result = []
    for q in qs:
        position = q * top
        lo = np.floor(position).astype(np.int64)
        hi = np.minimum(lo + 1, top)
        a = np.take_along_axis(ordered, lo[..., None], axis=-1)[..., 0] if ordered.shape[-1] else position * np.nan
        b = np.take_along_axis(ordered, hi[..., None], axis=-1)[..., 0] if ordered.shape[-1] else position * np.nan
        value = a + (position - lo) * (b - a)
        result.append(np.where(s.count > 0, value, np.nan))
    return result


def _slope(s: _Summary) -> np.ndarray:
    """Least-squares slope of value against time step, over the observed points."""
    t = np.broadcast_to(np.arange(s.x.shape[-1], dtype=np.float64), s.x.shape)
    t_mean = np.where(s.valid, t, 0.0).sum(axis=-1) / s.count
    dt = np.where(s.valid, t - t_mean[..., None], 0.0)
    return np.where(s.count >= 2, (dt * s.centered).sum(axis=-1) / (dt**2).sum(axis=-1), np.nan)


def _autocorrelations(s: _Summary, lags: tuple[int, ...]) -> np.ndarray:
    """Mean of ``(x_t - m)(x_{t+k} - m)`` over observed pairs, divided by the variance (NaN without pairs)."""
    n, c, width = s.x.shape
    out = np.full((n, c, len(lags)), np.nan)
    for i, k in enumerate(lags):
        if k >= width:
            continue
        pairs = (s.valid[..., k:] & s.valid[..., :-k]).sum(axis=-1)
        product = (s.centered[..., k:] * s.centered[..., :-k]).sum(axis=-1)
        acf = np.where(s.flat, 0.0, product / pairs / s.var)
        out[..., i] = np.where(pairs > 0, acf, np.nan)
    return out


def _rolling(s: _Summary, fraction: float) -> np.ndarray:
    """Max and min of the rolling mean, mean and max of the rolling (population) standard deviation."""
    n, c, width = s.x.shape
    window = np.maximum(2, np.floor(fraction * s.lengths + 0.5).astype(np.int64))  # (n,)
    cum, cum_sq, cum_n = s.cumulative
    if (window == window[0]).all() and (s.lengths == s.lengths[0]).all():  # one window: slices, no gathers
        w = int(window[0])
        if w > width:
            return np.full((n, c, len(ROLLING)), np.nan)
        count, total, total_sq = (a[..., w:] - a[..., :-w] for a in (cum_n, cum, cum_sq))
        use = count > 0.5
    else:
        end = np.arange(width)[None, :] + window[:, None]
        end3 = np.broadcast_to(np.minimum(end, width)[:, None, :], (n, c, width))
        count, total, total_sq = (np.take_along_axis(a, end3, axis=-1) - a[..., :width] for a in (cum_n, cum, cum_sq))
        use = (end <= s.lengths[:, None])[:, None, :] & (count > 0.5)  # windows wholly inside the series
    safe_count = np.where(use, count, 1.0)
    mean = total / safe_count
    std = np.sqrt(np.maximum(total_sq / safe_count - mean * mean, 0.0))
    mean_max = np.where(use, mean, -np.inf).max(axis=-1, initial=-np.inf) + s.mean
    mean_min = np.where(use, mean, np.inf).min(axis=-1, initial=np.inf) + s.mean
    std_mean = np.where(use, std, 0.0).sum(axis=-1) / use.sum(axis=-1)
    std_max = np.where(use, std, -np.inf).max(axis=-1, initial=-np.inf)
    stats = np.stack([mean_max, mean_min, std_mean, std_max], axis=-1)
    return np.where(use.any(axis=-1)[..., None], stats, np.nan)


def _differences(x: np.ndarray) -> np.ndarray:
    """Mean, standard deviation and largest absolute value of the first differences (observed pairs)."""
    d = np.diff(x, axis=-1)
    valid = ~np.isnan(d)
    count = valid.sum(axis=-1)
    mean = np.where(valid, d, 0.0).sum(axis=-1) / count
    std = np.sqrt((np.where(valid, d - mean[..., None], 0.0) ** 2).sum(axis=-1) / count)
    max_abs = np.where(valid, np.abs(d), -np.inf).max(axis=-1, initial=-np.inf)
    return np.where((count > 0)[..., None], np.stack([mean, std, max_abs], axis=-1), np.nan)


def _shape(s: _Summary, n_segments: int) -> np.ndarray:
    """Piecewise aggregate approximation of the z-normalized channel (a constant channel is all 0)."""
    scale = np.where(s.flat | ~(s.std > 0), 1.0, s.std)[..., None]
    z = np.where(s.valid, s.centered / scale, np.nan)
    return segment_means(z, s.lengths, n_segments)


def _correlations(s: _Summary, pairs: list[tuple[int, int]]) -> np.ndarray:
    """Pearson correlation of each channel pair over their jointly observed points (0 if one is constant)."""
    n = s.x.shape[0]
    out = np.full((n, len(pairs)), np.nan)
    for i, (a, b) in enumerate(pairs):
        both = s.valid[:, a] & s.valid[:, b]
        count = both.sum(axis=-1)
        xa = np.where(both, s.x[:, a], 0.0)
        xb = np.where(both, s.x[:, b], 0.0)
        da = np.where(both, xa - (xa.sum(axis=-1) / count)[:, None], 0.0)
        db = np.where(both, xb - (xb.sum(axis=-1) / count)[:, None], 0.0)
        denominator = np.sqrt((da**2).sum(axis=-1) * (db**2).sum(axis=-1))
        r = np.where(denominator > 0, (da * db).sum(axis=-1) / np.where(denominator > 0, denominator, 1.0), 0.0)
        out[:, i] = np.where(count > 0, np.clip(r, -1.0, 1.0), np.nan)
    return out


# ---------------------------------------------------------------------- blocks of series
def _blocks(lengths: np.ndarray, n_channels: int) -> Iterator[np.ndarray]:
    """Rows in order of length, cut so a block's padded array stays near ``BLOCK_VALUES`` values."""
    order = np.argsort(lengths, kind="stable")
    start = 0
    while start < len(order):
        stop = start + 1
        while stop < len(order) and (stop + 1 - start) * n_channels * max(int(lengths[order[stop]]), 1) <= BLOCK_VALUES:
            stop += 1
        yield order[start:stop]
        start = stop


def _padded(items: list[np.ndarray], rows: np.ndarray, n_channels: int, width: int) -> np.ndarray:
    """A float64 array (rows, channels, width) of these series, NaN past each one's end."""
    block = np.full((len(rows), n_channels, width), np.nan)
    for i, row in enumerate(rows):
        series = items[int(row)]
        block[i, :, : series.shape[1]] = series
    return block


def _percent(fraction: float) -> int:
    return round(float(fraction) * 100)

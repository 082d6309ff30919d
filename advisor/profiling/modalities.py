"""Statistics specific to images, text and time series."""

from __future__ import annotations

import numpy as np
import pandas as pd

from advisor.profiling.profile import ImageStats, SeriesStats, TextStats

__all__ = ["image_stats", "series_stats", "text_stats"]

#: Texts used to estimate vocabulary size and lengths on large tables.
TEXT_SAMPLE = 20_000


def image_stats(images: np.ndarray, meta: dict) -> ImageStats:
    """Count, size and channels of an ``(n, h, w, c)`` image array."""
    n, height, width, channels = images.shape
    sizes = meta.get("original_sizes") or {}
    return ImageStats(
        count=int(n),
        height=int(height),
        width=int(width),
        channels=int(channels),
        original_min_side=_int_or_none(sizes.get("min_side")),
        original_max_side=_int_or_none(sizes.get("max_side")),
    )


def text_stats(frame: pd.DataFrame, columns: tuple[str, ...]) -> TextStats:
    """Lengths (characters, words) and vocabulary size of the text columns, joined per row."""
    sample = frame[list(columns)].head(TEXT_SAMPLE) if len(frame) > TEXT_SAMPLE else frame[list(columns)]
    joined = sample.fillna("").astype(str).agg(" ".join, axis=1).str.strip()
    lengths = joined.str.len()
    tokens = joined.str.lower().str.findall(r"\w+")
    vocabulary = set().union(*tokens.map(set)) if len(tokens) else set()
    return TextStats(
        columns=tuple(columns),
        mean_chars=float(lengths.mean()) if len(lengths) else 0.0,
        median_chars=float(lengths.median()) if len(lengths) else 0.0,
        max_chars=int(lengths.max()) if len(lengths) else 0,
        mean_words=float(tokens.map(len).mean()) if len(tokens) else 0.0,
        vocabulary_size=len(vocabulary),
        empty_share=float((lengths == 0).mean()) if len(lengths) else 1.0,
    )


def series_stats(series: list[np.ndarray]) -> SeriesStats:
    """Count, channels and length range of a list of ``(channels, length)`` arrays."""
    lengths = np.array([s.shape[-1] for s in series])
    channels = max((s.shape[0] if s.ndim == 2 else 1) for s in series)
    return SeriesStats(
        count=len(series),
        channels=int(channels),
        min_length=int(lengths.min()),
        max_length=int(lengths.max()),
        mean_length=float(lengths.mean()),
        equal_length=bool(lengths.min() == lengths.max()),
    )


def _int_or_none(value: object) -> int | None:
    return int(value) if isinstance(value, (int, float, np.integer)) else None

"""Profiling: pure functions from a :class:`~advisor.data.Dataset` to a frozen DatasetProfile."""

from advisor.profiling.profile import (
    ColumnProfile,
    DatasetProfile,
    ImageStats,
    SeriesStats,
    TextStats,
)
from advisor.profiling.profiler import profile

__all__ = [
    "ColumnProfile",
    "DatasetProfile",
    "ImageStats",
    "SeriesStats",
    "TextStats",
    "profile",
]

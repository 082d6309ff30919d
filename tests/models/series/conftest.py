"""Shared pieces of the series tests: the bundled series data sets, split as published, and fit contexts."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from advisor import datasets
from advisor.models.spec import FitContext
from advisor.profiling.profile import DatasetProfile


@cache
def official_split(name: str) -> tuple[list[np.ndarray], np.ndarray, list[np.ndarray], np.ndarray]:
    """``(X_train, y_train, X_test, y_test)``: the data set's predefined train/test split."""
    ds = datasets.load(name)
    n = ds.meta["predefined_split"]["train"]
    X, y = list(ds.X), np.asarray(ds.y)
    return X[:n], y[:n], X[n:], y[n:]


def series_context(task: str = "binary", rows: int = 50, **fields) -> FitContext:
    profile = DatasetProfile.from_summary(rows=rows, features=1, modality="timeseries", task=task, series_length=150)
    return FitContext(task=task, profile=profile, **fields)


@pytest.fixture(scope="session")
def gunpoint():
    return official_split("gunpoint")


@pytest.fixture(scope="session")
def vowels():
    return official_split("japanesevowels")

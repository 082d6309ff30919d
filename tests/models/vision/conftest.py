"""Shared data for the vision tests: the bundled digits (8x8x1, pixels 0..16) in a fixed random order."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from advisor import datasets
from advisor.models.spec import FitContext
from advisor.profiling.profile import DatasetProfile


@cache
def _digits() -> tuple[np.ndarray, np.ndarray]:
    ds = datasets.load("digits")
    order = np.random.default_rng(0).permutation(len(ds.y))
    return ds.X[order], ds.y.to_numpy()[order]


@pytest.fixture(name="digits", scope="session")
def _digits_fixture() -> tuple[np.ndarray, np.ndarray]:
    """(X, y): 1797 digit images (n, 8, 8, 1) uint8 and their int64 labels, shuffled with seed 0."""
    return _digits()


def image_context(task: str = "multiclass", **kwargs) -> FitContext:
    """A FitContext for image data (summary profile) with the given fields."""
    profile = DatasetProfile.from_summary(rows=1797, features=64, task=task)
    return FitContext(task=task, profile=profile, **kwargs)


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """One torch thread in these tests: on a small, shared machine oversubscribed threads are far slower."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)

"""Shared data for the text-family tests: SMS spam as the runner passes it (a Series of str, int codes)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from advisor import datasets


class Recorder:
    """A progress callback that records (step, value) and asks to stop at a step (or at its first call)."""

    def __init__(self, stop_at: int | None = None, stop_first: bool = False) -> None:
        self.calls: list[tuple[int, float]] = []
        self.stop_at, self.stop_first = stop_at, stop_first

    def __call__(self, step: int, value: float) -> bool:
        self.calls.append((step, value))
        return self.stop_first or step == self.stop_at

    @property
    def steps(self) -> list[int]:
        return [s for s, _ in self.calls]


@pytest.fixture(scope="session")
def sms() -> dict[str, tuple[pd.Series, np.ndarray]]:
    """Disjoint random parts of sms_spam: 1,500 train, 300 valid, 1,000 test; labels 0 (ham) / 1 (spam)."""
    ds = datasets.load("sms_spam")
    texts = ds.X["text"]
    codes = (ds.y == "spam").to_numpy().astype(np.int64)
    index = np.random.default_rng(0).permutation(len(texts))
    parts, start = {}, 0
    for name, size in (("train", 1500), ("valid", 300), ("test", 1000)):
        rows = index[start : start + size]
        parts[name] = (texts.iloc[rows].reset_index(drop=True), codes[rows])
        start += size
    return parts

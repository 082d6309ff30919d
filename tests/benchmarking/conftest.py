"""Shared fixtures: small real datasets for runner tests."""

from __future__ import annotations

import pytest

import advisor
from advisor.data.dataset import Dataset


@pytest.fixture(scope="session")
def diabetes() -> Dataset:
    """768 rows: small enough for k-fold cross-validation."""
    return advisor.datasets.load("diabetes")


@pytest.fixture(scope="session")
def adult_small() -> Dataset:
    """3,000 rows of Adult with raw string categoricals: train / validation / test split."""
    full = advisor.datasets.load("adult")
    X = full.X.sample(n=3000, random_state=0)
    return Dataset(X=X, y=full.y.loc[X.index], modality="tabular", name="adult-3k", target=full.target)

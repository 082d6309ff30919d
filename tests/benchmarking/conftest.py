"""Shared fixtures: small real datasets for runner tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
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


def subset(dataset: Dataset, n: int, seed: int = 0) -> Dataset:
    """A seeded random subset of ``n`` rows of any modality (the predefined split is dropped)."""
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(dataset.n_rows, size=n, replace=False))
    X = dataset.X
    if isinstance(X, pd.DataFrame):
        X = X.iloc[rows].reset_index(drop=True)
    elif isinstance(X, np.ndarray):
        X = X[rows]
    else:
        X = [X[int(i)] for i in rows]
    meta = {k: v for k, v in dataset.meta.items() if k != "predefined_split"}
    return Dataset(
        X=X,
        y=dataset.y.iloc[rows].reset_index(drop=True),
        modality=dataset.modality,
        name=f"{dataset.name}-{n}",
        target=dataset.target,
        text_columns=dataset.text_columns,
        meta=meta,
    )


@pytest.fixture(scope="session")
def sms_small() -> Dataset:
    return subset(advisor.datasets.load("sms_spam"), 400)


@pytest.fixture(scope="session")
def reviews_small() -> Dataset:
    """Women's clothing reviews: the text column beside 8 tabular columns."""
    return subset(advisor.datasets.load("womens_clothing_reviews"), 500)


@pytest.fixture(scope="session")
def digits_small() -> Dataset:
    return subset(advisor.datasets.load("digits"), 400)


@pytest.fixture(scope="session")
def gunpoint() -> Dataset:
    return advisor.datasets.load("gunpoint")

"""The autoencoder hybrid: the compressor learns the data's structure, the hybrid learns the task from the code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from advisor.models.torch.autoencoder import (
    AutoencoderFeatures,
    AutoencoderGBMClassifier,
    AutoencoderGBMRegressor,
)

FAST = {"n_jobs": 1, "random_state": 0, "device": "cpu"}


def _low_rank(n: int = 1_500, width: int = 60, rank: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``width`` redundant columns driven by ``rank`` hidden factors (the case the hybrid is for)."""
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(n, rank))
    X = factors @ rng.normal(size=(rank, width)) + 0.05 * rng.normal(size=(n, width))
    return X, factors


def test_the_code_keeps_what_the_columns_share():
    X, factors = _low_rank()
    features = AutoencoderFeatures(code_size=4, hidden_size=64, noise=0.0, max_epochs=60, **FAST).fit(X[:1_200])
    held_out = torch.from_numpy(features.encoder_.transform(X[1_200:]).numeric)
    with torch.inference_mode():
        error = float(torch.nn.functional.mse_loss(features.module_(held_out), held_out))
    assert error < 0.2  # columns are standardized: a code that kept nothing would leave an error near 1
    code = features.transform(X[1_200:])
    assert code.shape == (300, 4)
    fit = np.linalg.lstsq(np.c_[code, np.ones(300)], factors[1_200:], rcond=None)[0]
    explained = 1 - ((np.c_[code, np.ones(300)] @ fit - factors[1_200:]) ** 2).sum() / (factors[1_200:] ** 2).sum()
    assert explained > 0.9  # the code spans the hidden factors


def test_the_hybrid_learns_a_task_from_the_code_and_keeps_categories():
    X, factors = _low_rank()
    frame = pd.DataFrame(X, columns=[f"c{i}" for i in range(X.shape[1])])
    frame["shop"] = pd.Series(np.where(factors[:, 1] > 0, "north", "south"), dtype="category")
    y = np.where(factors[:, 0] + (frame["shop"] == "north") > 0.5, "yes", "no")
    clf = AutoencoderGBMClassifier(code_size=8, ae_max_epochs=40, n_estimators=300, **FAST)
    clf.fit(frame[:1_000], y[:1_000], eval_set=(frame[1_000:1_250], y[1_000:1_250]))
    assert clf.score(frame[1_250:], y[1_250:]) > 0.85
    assert list(clf.classes_) == ["no", "yes"] and clf.predict_proba(frame[1_250:]).shape == (250, 2)
    assert clf._features(frame[:5]).shape[1] == 8 + 1  # the code and the categorical column
    assert 0 <= clf.best_iteration_ < 300


def test_keep_raw_gives_lightgbm_the_columns_beside_the_code():
    X, factors = _low_rank(n=600, width=30)
    y = factors[:, 0] * 3 + 1
    reg = AutoencoderGBMRegressor(code_size=4, ae_max_epochs=20, keep_raw=True, n_estimators=200, **FAST).fit(X, y)
    assert reg._features(X[:3]).shape == (3, 4 + 30)
    assert np.corrcoef(reg.predict(X), y)[0, 1] > 0.95


def test_a_deadline_stops_the_autoencoder_and_nothing_is_reported_for_it():
    X, _ = _low_rank(n=400, width=20)
    seen: list[tuple[int, float]] = []

    def progress(step: int, value: float) -> bool:
        seen.append((step, value))
        return True  # the deadline has passed

    features = AutoencoderFeatures(code_size=4, max_epochs=50, **FAST).fit(X, progress=progress)
    assert features.outcome_.n_epochs == 1
    assert seen and all(np.isnan(value) for _, value in seen)


def test_needs_a_numeric_column():
    frame = pd.DataFrame({"a": pd.Series(["x", "y"] * 10, dtype="category")})
    with pytest.raises(ValueError, match="numeric column"):
        AutoencoderFeatures(**FAST).fit(frame)

"""DeepClassifier: the shared loop behind the image, text and series networks, on a tiny subclass."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
import torch
from torch import nn

from advisor.models.torch.deep import DeepClassifier


class TinyNet(DeepClassifier):
    """A one-hidden-layer network over plain float rows: enough to exercise every hook of the base."""

    def __init__(
        self,
        *,
        learning_rate: float = 0.05,
        weight_decay: float = 0.0,
        batch_size: int = 32,
        max_epochs: int = 30,
        patience: int = 5,
        schedule: str = "none",
        class_weight: str | None = None,
        validation_fraction: float | None = 0.2,
        device: str = "cpu",
        n_jobs: int | None = 1,
        random_state: int | None = 0,
    ) -> None:
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.patience = patience
        self.schedule = schedule
        self.class_weight = class_weight
        self.validation_fraction = validation_fraction
        self.device = device
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _prepare(self, X_train: np.ndarray) -> None:
        self.mean_ = X_train.mean(axis=0)

    def _build_module(self, n_classes: int) -> nn.Module:
        return nn.Sequential(nn.Linear(self.mean_.shape[0], 16), nn.ReLU(), nn.Linear(16, n_classes))

    def _batch(self, X: np.ndarray, rows: np.ndarray, *, train: bool, generator: torch.Generator):
        return (torch.as_tensor(X[rows] - self.mean_, dtype=torch.float32),)


def blobs(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = rng.normal(size=(n, 4)) + np.eye(3, 4)[y] * 3
    return X, np.array(["a", "b", "c"])[y]


def test_learns_and_returns_the_original_labels() -> None:
    X, y = blobs()
    model = TinyNet().fit(X[:200], y[:200])
    assert list(model.classes_) == ["a", "b", "c"]
    assert (model.predict(X[200:]) == y[200:]).mean() > 0.9
    proba = model.predict_proba(X[200:])
    assert proba.shape == (100, 3) and np.allclose(proba.sum(axis=1), 1.0)


def test_early_stopping_keeps_the_best_epoch() -> None:
    X, y = blobs()
    model = TinyNet(learning_rate=0.3, max_epochs=40, patience=3).fit(X[:200], y[:200], eval_set=(X[200:], y[200:]))
    losses = [h["val_loss"] for h in model.history_]
    assert model.best_val_loss_ == pytest.approx(min(losses))
    assert model.n_epochs_ <= model.best_epoch_ + 1 + 3
    codes = np.searchsorted(model.classes_, y[200:])
    log_loss = -np.mean(np.log(model.predict_proba(X[200:])[np.arange(100), codes]))
    assert log_loss == pytest.approx(min(losses), rel=1e-5)


def test_progress_sees_every_epoch_and_can_stop() -> None:
    X, y = blobs()
    seen: list[tuple[int, float]] = []

    def stop_at_two(epoch: int, value: float) -> bool:
        seen.append((epoch, value))
        return epoch == 2

    model = TinyNet(max_epochs=20).fit(X, y, progress=stop_at_two)
    finite = [e for e, v in seen if math.isfinite(v)]
    assert finite == [0, 1, 2] and model.n_epochs_ == 3


def test_same_seed_same_model_and_pickle_round_trip() -> None:
    X, y = blobs()
    a = TinyNet(max_epochs=5).fit(X, y)
    b = TinyNet(max_epochs=5).fit(X, y)
    assert np.array_equal(a.predict_proba(X), b.predict_proba(X))
    c = pickle.loads(pickle.dumps(a))
    assert np.array_equal(a.predict_proba(X), c.predict_proba(X))


def test_without_validation_runs_every_epoch() -> None:
    X, y = blobs()
    model = TinyNet(validation_fraction=None, max_epochs=4).fit(X, y)
    assert model.n_epochs_ == 4 and all(h["val_loss"] is None for h in model.history_)


def test_balanced_class_weights_raise_the_rare_class_recall() -> None:
    rng = np.random.default_rng(1)
    y = (rng.random(600) < 0.1).astype(int)
    X = rng.normal(size=(600, 4)) + y[:, None] * 1.0
    plain = TinyNet(max_epochs=15, validation_fraction=None).fit(X, y)
    weighted = TinyNet(max_epochs=15, validation_fraction=None, class_weight="balanced").fit(X, y)
    assert (weighted.predict(X)[y == 1] == 1).mean() > (plain.predict(X)[y == 1] == 1).mean()


def test_one_class_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 2 classes"):
        TinyNet().fit(np.zeros((10, 4)), np.zeros(10))

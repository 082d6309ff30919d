"""The CNN from scratch: it learns digits, keeps the best epoch, stops on a deadline, is seeded and pickles."""

from __future__ import annotations

import math
import pickle
import time

import numpy as np
import optuna
import pytest
import torch
from sklearn.metrics import log_loss

from advisor.errors import WrongTypeError
from advisor.families import get_family, implementation
from advisor.models.vision import cnn
from advisor.models.vision.cnn import CNNClassifier, ConvNet
from advisor.models.vision.images import augment, target_size
from tests.models.vision.conftest import image_context

FAST = {"n_jobs": 1, "random_state": 0}


@pytest.fixture(scope="module")
def trained(digits) -> tuple[CNNClassifier, float]:
    """The default CNN fitted for 6 epochs on 600 digits (early stopping on 200 more); (model, seconds)."""
    X, y = digits
    start = time.perf_counter()
    clf = CNNClassifier(max_epochs=6, **FAST).fit(X[:600], y[:600], eval_set=(X[600:800], y[600:800]))
    return clf, time.perf_counter() - start


def test_learns_digits(trained, digits):
    clf, seconds = trained
    X, y = digits
    accuracy = float((clf.predict(X[800:1300]) == y[800:1300]).mean())
    assert accuracy > 0.85, accuracy  # chance is 0.1; 0.98 measured after 6 epochs
    assert clf.input_size_ == (16, 16) and clf.pixel_scale_ == 16.0 and clf.image_shape_ == (8, 8, 1)
    assert clf.n_epochs_ == 6 and len(clf.history_) == 6
    assert seconds < 60


def test_probabilities(trained, digits):
    clf, _ = trained
    X, _ = digits
    proba = clf.predict_proba(X[1300:1400])
    assert proba.shape == (100, 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-9)
    np.testing.assert_array_equal(clf.predict(X[1300:1400]), clf.classes_[proba.argmax(axis=1)])


def test_early_stopping_restores_the_best_epoch(digits):
    X, y = digits
    # shuffled validation labels: learning the real ones makes the validation loss worse, so training stops
    y_val = np.random.default_rng(1).permutation(y[300:500])
    clf = CNNClassifier(max_epochs=10, patience=2, augment=False, **FAST).fit(
        X[:300], y[:300], eval_set=(X[300:500], y_val)
    )
    val_losses = [h["val_loss"] for h in clf.history_]
    assert clf.n_epochs_ < 10 and clf.best_epoch_ == clf.n_epochs_ - 3
    assert clf.best_val_loss_ == pytest.approx(min(val_losses))
    assert val_losses[-1] > clf.best_val_loss_
    restored = log_loss(y_val, clf.predict_proba(X[300:500]), labels=clf.classes_)
    assert restored == pytest.approx(clf.best_val_loss_, rel=1e-5)


def test_deadline_stops_after_the_first_call(digits):
    X, y = digits
    calls: list[tuple[int, float]] = []

    def deadline(epoch: int, value: float) -> bool:
        calls.append((epoch, value))
        return True

    clf = CNNClassifier(max_epochs=5, **FAST).fit(X[:200], y[:200], progress=deadline)
    assert len(calls) == 1 and calls[0][0] == 0 and clf.n_epochs_ == 1


def test_pruning_propagates(digits):
    X, y = digits

    def prune(epoch: int, value: float) -> bool:
        raise optuna.TrialPruned()

    with pytest.raises(optuna.TrialPruned):
        CNNClassifier(max_epochs=3, **FAST).fit(X[:100], y[:100], progress=prune)


def test_augmentation_is_seeded(digits):
    X, y = digits
    params = {"max_epochs": 2, "augment": True, "width": 16, "n_jobs": 1}
    first = CNNClassifier(**params, random_state=3).fit(X[:200], y[:200]).predict_proba(X[200:260])
    again = CNNClassifier(**params, random_state=3).fit(X[:200], y[:200]).predict_proba(X[200:260])
    other = CNNClassifier(**params, random_state=4).fit(X[:200], y[:200]).predict_proba(X[200:260])
    np.testing.assert_array_equal(first, again)
    assert np.abs(first - other).max() > 1e-4


def test_augment_crops_and_flips_with_the_generator():
    batch = torch.arange(2 * 16 * 16, dtype=torch.float32).reshape(2, 1, 16, 16)
    a = augment(batch, torch.Generator().manual_seed(0), flip=True)
    b = augment(batch, torch.Generator().manual_seed(0), flip=True)
    assert a.shape == batch.shape and torch.equal(a, b)
    assert not torch.equal(a, batch)
    assert set(a.unique().tolist()) <= set(batch.unique().tolist())  # crops of the (reflect-)padded pixels


def test_pickle_round_trip(trained, digits):
    clf, _ = trained
    X, _ = digits
    clone = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(clone.predict_proba(X[:50]), clf.predict_proba(X[:50]))


def test_binary_rgb_and_resizing():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, size=(60, 100, 80, 3), dtype=np.uint8)
    y = np.arange(60) % 2
    X[y == 1, :50] = 255  # a bright top half marks class 1
    clf = CNNClassifier(n_blocks=2, width=8, max_epochs=3, learning_rate=1e-2, **FAST).fit(X, y)
    assert clf.input_size_ == (64, 51) and clf.pixel_scale_ == 255.0
    assert clf.predict_proba(X[:4]).shape == (4, 2)
    with pytest.raises(WrongTypeError, match="channel"):
        clf.predict(X[:4, :, :, :1])


def test_target_size():
    assert target_size(8, 8, min_size=16, max_size=64) == (16, 16)
    assert target_size(28, 28, min_size=16, max_size=64) == (28, 28)
    assert target_size(256, 128, min_size=16, max_size=64) == (64, 32)
    assert target_size(10, 400, min_size=16, max_size=64) == (16, 64)


def test_network_shapes():
    net = ConvNet(3, 5, n_blocks=4, width=8, double_conv=True, dropout=0.1)
    assert net(torch.zeros(2, 3, 17, 23)).shape == (2, 5)


def test_spec_default_is_a_point_of_the_space():
    ctx = image_context(seed=7, n_jobs=1, class_weight=True)
    default = cnn.default_params(ctx)
    assert cnn.search_space(optuna.trial.FixedTrial(default), ctx) == default
    model = cnn.build(default, ctx)
    assert isinstance(model, CNNClassifier)
    assert model.random_state == 7 and model.class_weight == "balanced" and model.max_epochs == 30
    assert implementation("cnn", "image") is cnn.SPEC
    assert cnn.SPEC.view_for(ctx) == "images" and get_family("cnn").supports("image", "binary")


def test_spec_reads_the_recipe_with_an_epoch_cap():
    from advisor.rules.recipe import recipe_for

    ctx = image_context()
    recipe = recipe_for(get_family("cnn"), ctx.profile, gpu=False)  # small data: 300 epochs, patience 20
    params = cnn.default_params(image_context(recipe=recipe))
    assert params["max_epochs"] == min(recipe.max_epochs, 60) and params["patience"] == recipe.patience


def test_history_is_finite(trained):
    clf, _ = trained
    assert all(math.isfinite(h["train_loss"]) and math.isfinite(h["val_loss"]) for h in clf.history_)

"""The 1-D CNN and the GRU / LSTM: learning real series, exact masking of padding, the fit protocol.

Each network is fitted once per data set (session fixtures) on the official training series with an
internal validation split for early stopping; the official test series are only predicted.
"""

from __future__ import annotations

import math
import pickle
import time

import numpy as np
import pytest
import torch
from sklearn.base import clone

from advisor.errors import WrongTypeError
from advisor.models.series import cnn1d
from advisor.models.series.cnn1d import MaskedBatchNorm1d, MeanProbabilities, SeriesCNNClassifier
from advisor.models.series.inputs import downsample
from advisor.models.series.nets import ARCHITECTURES, build_network, inception_kernels
from advisor.models.series.rnn import SeriesRNNClassifier

from .conftest import series_context

NETWORKS = {"cnn": SeriesCNNClassifier, "rnn": SeriesRNNClassifier}
SMALL = {"cnn": {"width": 16, "n_blocks": 2}, "rnn": {"hidden_size": 16}}


def make(kind: str, **params) -> SeriesCNNClassifier | SeriesRNNClassifier:
    return NETWORKS[kind](batch_size=16, random_state=0, n_jobs=1, device="cpu", **params)


def accuracy(model, X, y) -> float:
    return float((model.predict(X) == y).mean())


@pytest.fixture(scope="session")
def fitted_gunpoint(gunpoint):
    """Both networks on GunPoint's 50 training series (up to 100 epochs, patience 15): (model, seconds)."""
    X_train, y_train, _, _ = gunpoint
    fitted = {}
    for kind in NETWORKS:
        start = time.perf_counter()
        fitted[kind] = (make(kind, max_epochs=100, patience=15).fit(X_train, y_train), time.perf_counter() - start)
    return fitted


@pytest.fixture(scope="session")
def fitted_vowels(vowels):
    """Both networks on JapaneseVowels' 270 training series (12 channels, lengths 7 to 29), 20 epochs."""
    X_train, y_train, _, _ = vowels
    return {kind: make(kind, max_epochs=20, patience=10).fit(X_train, y_train) for kind in NETWORKS}


@pytest.mark.parametrize(("kind", "minimum"), [("cnn", 0.85), ("rnn", 0.75)])
def test_learns_gunpoint(kind, minimum, fitted_gunpoint, gunpoint) -> None:
    _, _, X_test, y_test = gunpoint
    model, seconds = fitted_gunpoint[kind]
    assert accuracy(model, X_test, y_test) >= minimum  # chance is 0.5
    assert list(model.classes_) == ["1", "2"] and 1 <= model.n_epochs_ <= 100
    assert model.best_val_loss_ == pytest.approx(min(h["val_loss"] for h in model.history_))
    proba = model.predict_proba(X_test)
    assert proba.shape == (150, 2) and np.allclose(proba.sum(axis=1), 1.0) and (proba >= 0).all()
    assert seconds < 60


@pytest.mark.parametrize("kind", NETWORKS)
def test_learns_japanese_vowels(kind, fitted_vowels, vowels) -> None:
    _, _, X_test, y_test = vowels
    model = fitted_vowels[kind]
    assert accuracy(model, X_test, y_test) >= 0.9  # 9 classes: chance is about 0.11
    assert np.allclose(model.predict_proba(X_test[:50]).sum(axis=1), 1.0)


@pytest.mark.parametrize("kind", NETWORKS)
def test_padding_never_changes_a_prediction(kind, fitted_vowels, vowels) -> None:
    """A short series gives the same probabilities alone as in a batch padded to much longer series."""
    X_train, _, X_test, _ = vowels
    model = fitted_vowels[kind]
    X = X_train + X_test
    lengths = np.array([s.shape[1] for s in X])
    shortest = np.flatnonzero(lengths == lengths.min())[:3]
    batched = model.predict_proba(X)  # batches of 256 series, padded to the longest of each (29 points)
    for i in shortest:
        alone = model.predict_proba([X[i]])
        assert np.allclose(alone[0], batched[i], atol=1e-6, rtol=0)
    assert lengths.min() == 7 and lengths.max() == 29


def test_masked_batchnorm_ignores_padded_steps() -> None:
    torch.manual_seed(0)
    norm = MaskedBatchNorm1d(3).train()
    x = torch.randn(2, 3, 10)
    mask = torch.ones(2, 10, dtype=torch.bool)
    mask[1, 6:] = False
    garbage = x.clone()
    garbage[1, :, 6:] = 1e6  # whatever sits in the padding
    out = norm(garbage, mask)
    real = torch.cat([x[0], x[1, :, :6]], dim=1)  # (channels, real steps)
    expected = (real - real.mean(dim=1, keepdim=True)) / torch.sqrt(
        real.var(dim=1, unbiased=False, keepdim=True) + 1e-5
    )
    assert torch.allclose(out[0], expected[:, :10], atol=1e-5)
    assert torch.allclose(out[1, :, :6], expected[:, 10:], atol=1e-5)


@pytest.mark.parametrize("kind", NETWORKS)
def test_progress_stops_training(kind, gunpoint) -> None:
    X_train, y_train, X_test, _ = gunpoint
    seen: list[tuple[int, float]] = []

    def stop_at_one(epoch: int, value: float) -> bool:
        seen.append((epoch, value))
        return epoch >= 1

    model = make(kind, max_epochs=50, **SMALL[kind]).fit(X_train, y_train, progress=stop_at_one)
    assert [e for e, v in seen if math.isfinite(v)] == [0, 1] and model.n_epochs_ == 2
    deadline = make(kind, max_epochs=50, **SMALL[kind]).fit(X_train, y_train, progress=lambda epoch, value: True)
    assert deadline.n_epochs_ == 1
    assert deadline.predict(X_test).shape == (150,)


@pytest.mark.parametrize("kind", NETWORKS)
def test_pickle_round_trip_and_clone(kind, fitted_gunpoint, gunpoint) -> None:
    _, _, X_test, _ = gunpoint
    model = fitted_gunpoint[kind][0]
    restored = pickle.loads(pickle.dumps(model))
    assert np.array_equal(restored.predict_proba(X_test), model.predict_proba(X_test))
    assert clone(model).get_params() == model.get_params()


@pytest.mark.parametrize("kind", NETWORKS)
def test_same_seed_same_model_with_augmentation_and_missing_values(kind) -> None:
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 20)
    X = [(rng.normal(size=(2, 25 + i % 7)) + y[i]).astype(np.float32) for i in range(40)]
    X[3][0, 4:9] = np.nan
    params = {"max_epochs": 3, "validation_fraction": None, **SMALL[kind]}
    if kind == "cnn":
        params["augment"] = True
    a, b = make(kind, **params).fit(X, y), make(kind, **params).fit(X, y)
    assert np.array_equal(a.predict_proba(X), b.predict_proba(X))
    assert np.isfinite(a.predict_proba(X)).all() and a.n_epochs_ == 3


@pytest.mark.parametrize(("kind", "max_length"), [("cnn", 2000), ("rnn", 512)])
def test_long_series_are_downsampled(kind, max_length) -> None:
    rng = np.random.default_rng(1)
    X = [rng.normal(size=(1, 60)).astype(np.float32) + (i % 2) for i in range(20)]
    model = make(kind, max_epochs=1, validation_fraction=None, **SMALL[kind]).fit(X, np.arange(20) % 2)
    assert model.max_length == max_length
    long = rng.normal(size=(1, 2 * max_length + 7)).astype(np.float32)
    assert np.allclose(model.predict_proba([long]), model.predict_proba([downsample(long, max_length)]), atol=1e-6)


@pytest.mark.parametrize("kind", NETWORKS)
def test_wrong_channel_count_at_predict(kind, gunpoint) -> None:
    X_train, y_train, _, _ = gunpoint
    model = make(kind, max_epochs=1, **SMALL[kind]).fit(X_train, y_train)
    with pytest.raises(WrongTypeError, match="trained on 1"):
        model.predict([np.zeros((3, 150), np.float32)])


def test_rnn_reads_frames_of_consecutive_points(gunpoint, vowels) -> None:
    X_train, y_train, _, _ = gunpoint
    model = make("rnn", max_epochs=1, hidden_size=8).fit(X_train, y_train)
    assert model.frame_ == 3 and model.module_.rnn.input_size == 3  # 150 points in 50 steps of 3
    assert not any(p._backward_hooks for p in model.module_.parameters())  # clipping hooks gone after fit
    X_v, y_v, _, _ = vowels
    assert make("rnn", max_epochs=1, hidden_size=8).fit(X_v, y_v).frame_ == 1
    lstm = make("rnn", max_epochs=1, cell="lstm", n_layers=2, bidirectional=False, frame=5).fit(X_train, y_train)
    assert lstm.module_.rnn.input_size == 5 and lstm.module_.rnn.num_layers == 2


# ---------------------------------------------------------------------- FCN, ResNet, InceptionTime; ensembles
@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_each_architecture_ignores_padding(architecture) -> None:
    """In evaluation mode a short series' logits are the same alone as beside a longer (padded) one."""
    torch.manual_seed(0)
    net = build_network(architecture, 3, 4, width=8, n_blocks=3, dropout=0.0, momentum=0.1, max_length=40).eval()
    short, long = torch.randn(1, 3, 12), torch.randn(1, 3, 40)
    alone = net(short, torch.tensor([12]))
    padded = torch.zeros(2, 3, 40)
    padded[0, :, :12], padded[1] = short[0], long[0]
    together = net(padded, torch.tensor([12, 40]))
    assert together.shape == (2, 4) and torch.allclose(alone[0], together[0], atol=1e-5)


def test_inception_kernels_fit_short_series() -> None:
    assert inception_kernels(None) == (39, 19, 9) == inception_kernels(500)
    assert inception_kernels(24) == (23, 19, 9) and inception_kernels(10) == (9,) and inception_kernels(4) == (3,)


def test_an_ensemble_averages_its_networks_and_stops_at_the_deadline(gunpoint) -> None:
    X_train, y_train, X_test, _ = gunpoint
    params = {"architecture": "fcn", "width": 8, "n_blocks": 2, "max_epochs": 3, "patience": 3}
    three = make("cnn", n_networks=3, **params).fit(X_train, y_train)
    assert three.n_networks_ == 3 and len(three.member_epochs_) == 3 and isinstance(three.module_, MeanProbabilities)
    members = [torch.softmax(m(*three._batch(X_test, np.arange(5), train=False, generator=torch.Generator())), 1)
               for m in three.module_.members]  # fmt: skip
    assert np.allclose(three.predict_proba(X_test[:5]), torch.stack(members).mean(0).detach().numpy(), atol=1e-5)
    calls: list[tuple[int, float]] = []

    def deadline_after_first(epoch: int, value: float) -> bool:
        calls.append((epoch, value))
        return len([v for _, v in calls if math.isfinite(v)]) >= 3 and not math.isfinite(value)

    one = make("cnn", n_networks=3, **params).fit(X_train, y_train, progress=deadline_after_first)
    assert one.n_networks_ == 1 and one.n_epochs_ == 3  # the deadline passed before a second network started
    assert [e for e, v in calls if math.isfinite(v)] == [0, 1, 2]  # only the first network's losses are reported


def test_sizing_plans_architecture_networks_and_epochs_from_measured_time() -> None:
    ctx = series_context("binary", rows=50)
    roomy = cnn1d.size(ctx, 5_000.0, 50)
    assert roomy["architecture"] == "inception" and roomy["n_networks"] > 1 and roomy["max_epochs"] >= cnn1d.MIN_EPOCHS
    assert "probed seconds per epoch" in roomy["why"] and roomy["fair_epochs"] == cnn1d.MIN_EPOCHS
    tight = cnn1d.size(ctx, 0.5, 50)
    assert tight["n_networks"] == 1 and tight["max_epochs"] < cnn1d.MIN_EPOCHS and "or a GPU" in tight["why"]
    assert (tight["architecture"], tight["width"]) in cnn1d.LADDER
    paper = cnn1d.size(ctx, None, 50)
    assert (paper["architecture"], paper["n_networks"], paper["max_epochs"]) == ("inception", 5, 1500)
    sized = series_context("binary", rows=50, sizing=roomy)
    params = cnn1d.default_params(sized)
    assert (params["architecture"], params["n_networks"], params["max_epochs"]) == (
        roomy["architecture"], roomy["n_networks"], roomy["max_epochs"],
    )  # fmt: skip
    assert params["normalize"] == "series"  # one channel: z-normalized, as the papers do

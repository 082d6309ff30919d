"""EfficientNet-Lite0 transfer learning: gradual unfreezing, layer-wise rates, frozen BatchNorm, the spec."""

from __future__ import annotations

import pickle

import numpy as np
import optuna
import pandas as pd
import pytest
import torch

from advisor.families import implementation
from advisor.models.torch.mlp import MLPClassifier
from advisor.models.vision import transfer
from advisor.models.vision.pretrained import ImageEncoder, load_efficientnet
from advisor.models.vision.transfer import EfficientNetFineTuner, FineTuneNet
from tests.models.vision.conftest import image_context

TINY = {"image_size": 32, "batch_size": 32, "n_jobs": 1, "random_state": 0}


@pytest.fixture(scope="module")
def net() -> FineTuneNet:
    return FineTuneNet(4)


def _trainable_counts(strategy: str, net: FineTuneNet, epochs: int = 12) -> tuple[list[int], list[bool]]:
    tuner = EfficientNetFineTuner(strategy=strategy)
    tuner._prepare(np.zeros((2, 8, 8, 1), dtype=np.uint8))
    counts, stem = [], []
    for epoch in range(epochs):
        tuner._on_epoch_start(epoch, net)
        counts.append(sum(p.numel() for p in net.parameters() if p.requires_grad))
        stem.append(net.net._conv_stem.weight.requires_grad)
    return counts, stem


def test_units_cover_the_network_top_first(net):
    units = net.units()
    assert [len(u) for u in units] == [2, 2, 1, 4, 3, 3, 2, 2, 1, 2]  # fc+dropout, head conv, 7 stages, stem
    assert units[0][0] is net.net._fc and units[-1][0] is net.net._conv_stem
    in_units = {id(p) for unit in units for layer in unit for p in layer.parameters()}
    assert in_units == {id(p) for p in net.parameters()}


def test_partial_unfreezing_grows_and_never_reaches_the_stem(net):
    counts, stem = _trainable_counts("partial_fine_tuning", net)
    assert counts[0] == net.net._fc.weight.numel() + net.net._fc.bias.numel()  # epoch 0: the new head only
    assert counts[:5] == sorted(counts[:5]) and len(set(counts[:5])) == 5  # one more unit per epoch
    assert counts[4:] == [counts[4]] * 8  # then it stops: top half of the blocks
    assert not any(stem)
    trainable_blocks = [any(p.requires_grad for p in block.parameters()) for block in net.net._blocks]
    assert trainable_blocks == [False] * 8 + [True] * 8  # the top half of the 16 MBConv blocks


def test_full_unfreezing_reaches_the_stem(net):
    counts, stem = _trainable_counts("full_fine_tuning", net)
    assert counts == sorted(counts) and len(set(counts)) == 10
    assert counts[-1] == sum(p.numel() for p in net.parameters())
    assert stem.index(True) == 9 and all(stem[9:])


def test_unfreeze_every_spaces_the_steps(net):
    tuner = EfficientNetFineTuner(strategy="full_fine_tuning", unfreeze_every=3)
    tuner._prepare(np.zeros((2, 8, 8, 1), dtype=np.uint8))
    for epoch in range(7):
        tuner._on_epoch_start(epoch, net)
    assert tuner.unfrozen_units_ == [1, 1, 1, 2, 2, 2, 3]


def test_frozen_units_keep_batchnorm_in_eval_mode(net):
    net.set_trainable_units(3)  # classifier, head convolution, last stage
    net.train()
    assert net.net._dropout.training and net.net._bn1.training and net.net._blocks[-1]._bn2.training
    assert not net.net._bn0.training and not net.net._blocks[0]._bn1.training and not net.net._blocks[-2].training
    net.set_trainable_units(10)
    assert all(m.training for m in net.modules())
    net.eval()
    assert not any(m.training for m in net.modules())


def test_layerwise_learning_rates_decrease_downwards(net):
    groups = EfficientNetFineTuner(learning_rate=1e-3, layer_decay=0.5, weight_decay=0.01)._param_groups(net)
    assert groups[0]["params"] == [net.net._fc.weight] and groups[0]["lr"] == 1e-3
    by_depth = {g["depth"]: g["lr"] for g in groups}
    assert list(by_depth) == list(range(10))
    assert by_depth == pytest.approx({d: 1e-3 * 0.5**d for d in range(10)})
    assert all(g["weight_decay"] == (0.01 if g["params"][0].dim() >= 2 else 0.0) for g in groups)
    assert sum(len(g["params"]) for g in groups) == len(list(net.parameters()))


@pytest.fixture(scope="module")
def tuned(digits) -> EfficientNetFineTuner:
    X, y = digits
    model = EfficientNetFineTuner(strategy="full_fine_tuning", max_epochs=2, **TINY)
    return model.fit(X[:100], y[:100], eval_set=(X[100:160], y[100:160]))


def test_short_fit_and_predictions(tuned, digits):
    X, _ = digits
    assert tuned.unfrozen_units_ == [1, 2] and tuned.n_epochs_ == 2
    assert tuned.pixel_scale_ == 16.0
    proba = tuned.predict_proba(X[200:240])
    assert proba.shape == (40, 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-9)
    assert np.isfinite([h["val_loss"] for h in tuned.history_]).all()
    clone = pickle.loads(pickle.dumps(tuned))
    np.testing.assert_array_equal(clone.predict_proba(X[200:240]), proba)


def test_frozen_units_are_untouched_by_training(tuned):
    pretrained = load_efficientnet()
    trained = tuned.module_.net
    # two epochs: units 0-1 trained; everything below the head convolution kept its ImageNet state
    assert torch.equal(trained._conv_stem.weight, pretrained._conv_stem.weight)
    assert torch.equal(trained._bn0.running_mean, pretrained._bn0.running_mean)
    assert torch.equal(trained._blocks[-1]._project_conv.weight, pretrained._blocks[-1]._project_conv.weight)
    assert not torch.equal(trained._conv_head.weight, pretrained._conv_head.weight)


def test_fine_tuning_learns_a_simple_binary_task():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 60, size=(96, 24, 24, 3), dtype=np.uint8)
    y = np.arange(96) % 2
    X[y == 1, 6:18, 6:18] = 255  # a bright square
    model = EfficientNetFineTuner(max_epochs=3, learning_rate=3e-3, augment=False, **TINY).fit(X[:64], y[:64])
    assert (model.predict(X[64:]) == y[64:]).mean() >= 0.9


def test_spec_branches_on_the_transfer_strategy():
    assert implementation("transformer", "image") is transfer.SPEC
    for strategy, view in (
        ("feature_extraction", "image_embedding"),
        ("partial_fine_tuning", "images"),
        (None, "images"),
    ):
        ctx = image_context(transfer=strategy, class_weight=True, seed=3)
        default = transfer.default_params(ctx)
        assert transfer.search_space(optuna.trial.FixedTrial(default), ctx) == default
        assert transfer.SPEC.view_for(ctx) == view
        model = transfer.build(default, ctx)
        assert model.class_weight == "balanced" and model.random_state == 3
        if strategy == "feature_extraction":
            assert isinstance(model, MLPClassifier) and model.n_layers == 1
            assert "frozen" in transfer.SPEC.inputs_for(ctx)
        else:
            assert isinstance(model, EfficientNetFineTuner) and model.strategy == "partial_fine_tuning"
            assert model.image_size == 96 and "fine-tuned" in transfer.SPEC.inputs_for(ctx)
    full = transfer.build(transfer.default_params(image_context(transfer="full_fine_tuning")), image_context())
    assert full.strategy == "full_fine_tuning"


def test_feature_extraction_head_learns_from_embeddings(digits):
    X, y = digits
    embeddings = ImageEncoder(size=64, n_jobs=1).encode(X[:300], pixel_scale=16)
    table = pd.DataFrame(embeddings, columns=[f"emb_{i}" for i in range(1280)])
    ctx = image_context(transfer="feature_extraction", n_jobs=1)
    head = transfer.build({**transfer.default_params(ctx), "max_epochs": 30}, ctx)
    head.fit(table.iloc[:200], y[:200], eval_set=(table.iloc[200:250], y[200:250]))
    assert (head.predict(table.iloc[250:300]) == y[250:300]).mean() > 0.7  # chance 0.1

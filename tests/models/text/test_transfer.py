"""MiniLM fine-tuning: freezing, layer-wise rates, a short fit, pickling; the transformer spec's two branches."""

from __future__ import annotations

import itertools
import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score

from advisor.models.text import transfer
from advisor.models.text.encoder import TextEncoder
from advisor.models.text.transfer import MiniLMFineTuner
from advisor.models.torch.mlp import MLPClassifier

FAST = {"device": "cpu", "n_jobs": 1, "random_state": 0}


def _module(strategy: str, **params):
    model = MiniLMFineTuner(strategy=strategy, **params, **FAST)
    model._prepare(["x"])
    return model, model._build_module(2)


def _trainable(module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def test_partial_fine_tuning_freezes_the_lower_layers():
    _, partial = _module("partial_fine_tuning", n_unfrozen=2)
    _, full = _module("full_fine_tuning")
    layers = partial.layers()
    assert _trainable(partial) < _trainable(full)
    assert not any(p.requires_grad for p in partial.encoder.embeddings.parameters())
    assert [any(p.requires_grad for p in layer.parameters()) for layer in layers] == [False] * 4 + [True] * 2
    assert all(p.requires_grad for p in full.encoder.embeddings.parameters())
    assert not any(p.requires_grad for p in full.encoder.pooler.parameters())  # unused with mean pooling
    assert _trainable(full) == sum(p.numel() for p in full.parameters()) - sum(
        p.numel() for p in full.encoder.pooler.parameters()
    )
    _, everything = _module("partial_fine_tuning", n_unfrozen=10)  # more than the 6 layers: every layer trains
    assert all(p.requires_grad for layer in everything.layers() for p in layer.parameters())
    _, head_only = _module("partial_fine_tuning", n_unfrozen=0)
    assert _trainable(head_only) == sum(p.numel() for p in head_only.head.parameters())
    partial.train()
    assert partial.head.training and layers[-1].training
    assert not layers[0].training and not partial.encoder.embeddings.training  # frozen parts: no dropout


def test_layer_wise_learning_rates_decrease_downwards():
    model, module = _module("full_fine_tuning", learning_rate=1e-4, layer_decay=0.5, head_lr_scale=10.0)
    groups = model._param_groups(module)
    rates = {}
    for group in groups:
        for p in group["params"]:
            rates[id(p)] = group["lr"]
        assert group["weight_decay"] == (model.weight_decay if group["params"][0].dim() >= 2 else 0.0)
    head = rates[id(module.head.weight)]
    per_layer = [rates[id(next(layer.parameters()))] for layer in module.layers()]
    embeddings = rates[id(module.encoder.embeddings.word_embeddings.weight)]
    assert head == pytest.approx(1e-3)
    assert per_layer[-1] == pytest.approx(1e-4)
    assert all(low < high for low, high in itertools.pairwise(per_layer))
    assert per_layer[0] == pytest.approx(1e-4 * 0.5**5) and embeddings == pytest.approx(1e-4 * 0.5**6)
    assert sum(len(g["params"]) for g in groups) == sum(1 for p in module.parameters() if p.requires_grad)
    partial, partial_module = _module("partial_fine_tuning")
    assert sum(len(g["params"]) for g in partial._param_groups(partial_module)) == sum(
        1 for p in partial_module.parameters() if p.requires_grad
    )


def test_short_fit_predicts_probabilities_and_pickles(sms):
    X, y = sms["train"]
    X, y = X.iloc[:64], y[:64]
    X = X.str.slice(0, 60)  # short texts keep the test fast
    model = MiniLMFineTuner(max_epochs=1, batch_size=16, max_tokens=32, **FAST).fit(
        X, y, eval_set=(X.iloc[:16], y[:16])
    )
    assert model.n_epochs_ == 1 and np.isfinite(model.history_[0]["train_loss"])
    assert model.history_[0]["lr"] < model.learning_rate * model.head_lr_scale  # warmup then decay: below peak
    texts = [*sms["test"][0].iloc[:20].tolist(), ""]
    proba = model.predict_proba(texts)
    assert proba.shape == (21, 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert set(model.predict(texts)) <= {0, 1}
    clone = pickle.loads(pickle.dumps(model))
    assert np.allclose(clone.predict_proba(texts), proba, atol=1e-6)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="strategy"):
        MiniLMFineTuner(strategy="feature_extraction", **FAST).fit(["a", "b"], [0, 1])
    with pytest.raises(ValueError, match="max_tokens"):
        MiniLMFineTuner(max_tokens=4096, **FAST).fit(["a", "b"], [0, 1])


# ---------------------------------------------------------------------------------------- the spec
@pytest.mark.parametrize("transfer_strategy", [None, "partial_fine_tuning", "full_fine_tuning", "feature_extraction"])
@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_default_is_a_point_of_the_space(task, transfer_strategy, context, default_point):
    ctx = context(task, transfer=transfer_strategy)
    params = default_point(transfer.SPEC, ctx)
    est = transfer.SPEC.build(params, ctx)
    if transfer_strategy == "feature_extraction":
        assert isinstance(est, MLPClassifier) and transfer.SPEC.view_for(ctx) == "text_embedding"
        assert "frozen MiniLM" in transfer.SPEC.inputs_for(ctx)
    else:
        assert isinstance(est, MiniLMFineTuner) and transfer.SPEC.view_for(ctx) == "texts"
        assert est.strategy == (transfer_strategy or "partial_fine_tuning")
        assert est.max_epochs == 4 and est.patience == 2 and est.schedule == "warmup_cosine"
    assert est.random_state == ctx.seed and est.n_jobs == ctx.n_jobs


def test_mixed_inputs_are_described(context):
    ctx = context("binary", transfer="feature_extraction", mixed=True)
    assert transfer.SPEC.inputs_for(ctx).endswith("and the tabular columns")


def test_feature_extraction_head_learns_from_embeddings(sms, context):
    X, y = sms["train"]
    X_te, y_te = sms["test"]
    encoder = TextEncoder(max_tokens=32)
    frame = lambda texts: pd.DataFrame(encoder.encode(texts), columns=[f"emb_{i}" for i in range(384)])  # noqa: E731
    train, test = frame(X.iloc[:200].str.slice(0, 120)), frame(X_te.iloc[:100].str.slice(0, 120))
    ctx = context("binary", transfer="feature_extraction")
    est = transfer.SPEC.build({**transfer.SPEC.default_params(ctx), "max_epochs": 30}, ctx)
    est.set_params(device="cpu", n_jobs=1)
    est.fit(train, y[:200])
    assert accuracy_score(y_te[:100], est.predict(test)) > 0.9

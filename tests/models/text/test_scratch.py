"""TextRNNClassifier: tokens and vocabulary, both architectures learn SMS spam, deadlines, the rnn spec."""

from __future__ import annotations

import pickle

import numpy as np
import optuna
import pytest
import torch
from sklearn.metrics import accuracy_score

from advisor.families import get_family, implementation
from advisor.models.text import scratch
from advisor.models.text.scratch import UNKNOWN, TextRNNClassifier, build_vocabulary, tokenize
from tests.models.text.conftest import Recorder

FAST = {"device": "cpu", "n_jobs": 1, "random_state": 0}


def test_tokenize_and_vocabulary():
    assert tokenize("Call NOW!!! Win £1000, txt WIN") == ["call", "now", "!!!", "win", "£", "1000", ",", "txt", "win"]
    vocabulary = build_vocabulary([["b", "a", "a"], ["b", "c", "a"]], min_freq=2, max_vocab=10)
    assert vocabulary == {"a": 2, "b": 3}  # most frequent first; 0 is padding, 1 unknown
    assert build_vocabulary([["b", "a", "a"], ["b", "c", "a"]], min_freq=1, max_vocab=1) == {"a": 2}


def test_unknown_words_map_to_one_and_texts_are_truncated():
    model = TextRNNClassifier(max_tokens=3, max_epochs=1, validation_fraction=None, **FAST)
    model.fit(["free prize now", "free prize today", "see you soon", "see you later"], [1, 1, 0, 0])
    assert set(model.vocabulary_) == {"free", "prize", "see", "you"}  # seen twice; 'now', 'soon'... once
    assert model.encode(["FREE unseenword you extra words"]) == [
        [model.vocabulary_["free"], UNKNOWN, model.vocabulary_["you"]]
    ]
    ids, lengths = model._batch(["free", "", "see you prize"], np.arange(3), train=False, generator=torch.Generator())
    assert model.vocabulary_ == {"free": 2, "prize": 3, "see": 4, "you": 5}  # ties in alphabetical order
    assert ids.tolist() == [[2, 0, 0], [0, 0, 0], [4, 5, 3]] and lengths.tolist() == [1, 0, 3]


@pytest.mark.parametrize(
    ("arch", "params"),
    [
        ("embedding_bag", {"max_epochs": 6}),
        ("gru", {"max_epochs": 3, "embedding_dim": 32, "hidden_size": 32, "max_tokens": 50}),
    ],
)
def test_both_architectures_learn_sms_spam(arch, params, sms):
    X, y = sms["train"]
    X_te, y_te = sms["test"]
    model = TextRNNClassifier(arch=arch, learning_rate=1e-2, **params, **FAST).fit(X, y)
    assert model.n_epochs_ == params["max_epochs"] and 0 <= model.best_epoch_ < model.n_epochs_
    assert model.history_[-1]["val_loss"] < model.history_[0]["val_loss"]
    proba = model.predict_proba(X_te)
    assert proba.shape == (len(X_te), 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert accuracy_score(y_te, model.predict(X_te)) > 0.94  # majority class (ham): 0.87
    with_empty = model.predict_proba(["", "free entry!!!"])
    assert np.isfinite(with_empty).all()
    clone = pickle.loads(pickle.dumps(model))
    assert np.allclose(clone.predict_proba(X_te.iloc[:50]), proba[:50])


def test_progress_can_stop_training_and_pruning_propagates(sms):
    X, y = sms["train"]
    recorder = Recorder(stop_first=True)
    model = TextRNNClassifier(max_epochs=5, **FAST).fit(X.iloc[:300], y[:300], progress=recorder)
    assert model.n_epochs_ == 1 and len(recorder.calls) == 1

    def prune(step: int, value: float) -> bool:
        raise optuna.TrialPruned()

    with pytest.raises(optuna.TrialPruned):
        TextRNNClassifier(max_epochs=5, **FAST).fit(X.iloc[:300], y[:300], progress=prune)


def test_eval_set_drives_early_stopping(sms):
    X, y = sms["train"]
    recorder = Recorder()
    model = TextRNNClassifier(max_epochs=3, **FAST).fit(X.iloc[:500], y[:500], eval_set=sms["valid"], progress=recorder)
    epochs = [(step, value) for step, value in recorder.calls if np.isfinite(value)]  # NaN: mid-epoch checks
    assert epochs == [(h["epoch"], h["val_loss"]) for h in model.history_] and len(epochs) == 3


def test_bad_arch_is_refused():
    with pytest.raises(ValueError, match="arch must be one of"):
        TextRNNClassifier(arch="lstm", **FAST).fit(["a b", "a c", "a d", "b c"], [0, 1, 0, 1])


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_default_is_a_point_of_the_space(task, context, default_point):
    ctx = context(task, class_weight=True)
    params = default_point(scratch.SPEC, ctx)
    assert params["arch"] == "embedding_bag" and params["class_weight"] == "balanced"
    est = scratch.SPEC.build(params, ctx)
    assert isinstance(est, TextRNNClassifier) and est.n_jobs == ctx.n_jobs and est.random_state == ctx.seed
    assert scratch.SPEC.view_for(ctx) == "texts" and "vocabulary" in scratch.SPEC.inputs_for(ctx)
    family = get_family("rnn")
    assert family.supports("text", task) and not family.supports("text", "regression")
    assert implementation("rnn", "text") is scratch.SPEC and scratch.SPEC.steps == "epochs"

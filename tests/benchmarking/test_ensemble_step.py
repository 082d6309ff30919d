"""Greedy weighted ensemble selection (Caruana et al., 2004) and the weighted average it deploys."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from advisor.benchmarking.ensemble_step import SELECTION_ROUNDS, InputAverage, select_weights, weighted_average
from advisor.metrics import compute_metrics

RNG = np.random.default_rng(0)
Y = RNG.integers(0, 3, 600)


def _proba(skill: float, seed: int) -> np.ndarray:
    """Class probabilities that put ``skill`` extra mass on the true class, with independent noise."""
    noise = np.random.default_rng(seed).dirichlet(np.ones(3), size=len(Y))
    onehot = np.eye(3)[Y]
    return (1 - skill) * noise + skill * onehot


def log_loss(values: np.ndarray) -> float:
    return compute_metrics("multiclass", Y, values.argmax(axis=1), values, labels=[0, 1, 2])["log_loss"]


def test_complementary_models_share_the_weight_and_a_useless_one_gets_none():
    candidates = {"tabm": _proba(0.5, 1), "lightgbm": _proba(0.5, 2), "noise": _proba(0.0, 3)}
    weights = select_weights(candidates, log_loss)
    assert set(weights) == {"tabm", "lightgbm"}
    assert sum(weights.values()) == pytest.approx(1.0)
    assert all(abs(w * SELECTION_ROUNDS - round(w * SELECTION_ROUNDS)) < 1e-9 for w in weights.values())
    averaged = weighted_average([candidates[m] for m in weights], list(weights.values()))
    assert log_loss(averaged) < min(log_loss(candidates["tabm"]), log_loss(candidates["lightgbm"]))


def test_a_dominant_model_takes_most_of_the_weight():
    weights = select_weights({"strong": _proba(0.8, 4), "weak": _proba(0.2, 5)}, log_loss)
    assert next(iter(weights)) == "strong" and weights["strong"] >= 0.6


class _Member:
    """A stand-in member: a fixed preparer and estimator returning the given probabilities."""

    def __init__(self, proba: np.ndarray) -> None:
        self.preparer = self
        self.estimator = self
        self.task = "multiclass"
        self.proba = proba

    def transform(self, X: np.ndarray) -> np.ndarray:
        return X

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return self.proba[X]


def test_input_average_uses_the_weights_and_old_pickles_default_to_equal():
    a, b = _proba(0.6, 6), _proba(0.3, 7)
    rows = np.arange(10)
    model = InputAverage([_Member(a), _Member(b)], [0.8, 0.2])  # type: ignore[list-item]
    assert np.allclose(model.predict_proba(rows), 0.8 * a[rows] + 0.2 * b[rows])
    old = InputAverage([_Member(a), _Member(b)])  # type: ignore[list-item]
    del old.__dict__["weights"]  # as pickled before weights existed
    restored = pickle.loads(pickle.dumps(old))
    assert restored.weights == [0.5, 0.5]

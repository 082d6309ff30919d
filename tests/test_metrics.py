"""Metrics against hand-computed values and scikit-learn."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn import metrics as skm

from advisor.errors import InvalidArgumentError
from advisor.metrics import (
    EPS,
    METRICS_BY_TASK,
    compute_metrics,
    direction,
    objective_metric,
    primary_metric,
)


def test_binary_by_hand():
    y_true = [0, 0, 1, 1]
    y_pred = [0, 1, 1, 1]
    proba = [[0.9, 0.1], [0.4, 0.6], [0.3, 0.7], [0.2, 0.8]]
    m = compute_metrics("binary", y_true, y_pred, proba)
    assert m["accuracy"] == pytest.approx(0.75)
    assert m["balanced_accuracy"] == pytest.approx((0.5 + 1.0) / 2)
    assert m["f1"] == pytest.approx(0.8)  # precision 2/3, recall 1
    assert m["roc_auc"] == pytest.approx(1.0)  # both positives above both negatives
    expected = -(math.log(0.9) + math.log(0.4) + math.log(0.7) + math.log(0.8)) / 4
    assert m["log_loss"] == pytest.approx(expected)
    assert set(m) == set(METRICS_BY_TASK["binary"])


def test_binary_positive_is_second_label_and_1d_proba():
    y_true = np.array(["no", "yes", "yes", "no", "yes"])
    y_pred = np.array(["no", "yes", "no", "no", "yes"])
    p_yes = np.array([0.2, 0.9, 0.4, 0.3, 0.6])
    m = compute_metrics("binary", y_true, y_pred, p_yes, labels=["no", "yes"])
    assert m["f1"] == pytest.approx(skm.f1_score(y_true, y_pred, pos_label="yes"))
    assert m["roc_auc"] == pytest.approx(skm.roc_auc_score(y_true == "yes", p_yes))
    two_cols = np.column_stack([1 - p_yes, p_yes])
    assert m["log_loss"] == pytest.approx(skm.log_loss(y_true, two_cols, labels=["no", "yes"]))
    assert compute_metrics("binary", y_true, y_pred, two_cols, labels=["no", "yes"]) == m


def test_binary_one_class_in_truth_drops_roc_auc():
    m = compute_metrics("binary", [1, 1, 1], [1, 0, 1], [[0.1, 0.9], [0.6, 0.4], [0.2, 0.8]], labels=[0, 1])
    assert "roc_auc" not in m
    assert m["accuracy"] == pytest.approx(2 / 3)
    assert "log_loss" in m


def test_multiclass_matches_sklearn():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 4, size=200)
    proba = rng.dirichlet(np.ones(4), size=200)
    proba[np.arange(200), y_true] += 0.5
    proba /= proba.sum(axis=1, keepdims=True)
    y_pred = proba.argmax(axis=1)
    m = compute_metrics("multiclass", y_true, y_pred, proba, labels=[0, 1, 2, 3])
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(y_true, y_pred))
    assert m["balanced_accuracy"] == pytest.approx(skm.balanced_accuracy_score(y_true, y_pred))
    assert m["f1"] == pytest.approx(skm.f1_score(y_true, y_pred, average="macro"))
    assert m["roc_auc"] == pytest.approx(skm.roc_auc_score(y_true, proba, multi_class="ovr", average="macro"))
    assert m["log_loss"] == pytest.approx(skm.log_loss(y_true, proba, labels=[0, 1, 2, 3]))


def test_multiclass_absent_class_omits_roc_auc_but_keeps_log_loss():
    y_true = ["a", "b", "a", "b"]
    proba = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.5, 0.3, 0.2], [0.3, 0.3, 0.4]]
    m = compute_metrics("multiclass", y_true, ["a", "b", "a", "c"], proba, labels=["a", "b", "c"])
    assert "roc_auc" not in m
    expected = -(math.log(0.7) + math.log(0.8) + math.log(0.5) + math.log(0.3)) / 4
    assert m["log_loss"] == pytest.approx(expected)


def test_log_loss_is_clipped():
    m = compute_metrics("binary", [0, 1], [1, 1], [[0.0, 1.0], [0.0, 1.0]], labels=[0, 1])
    assert math.isfinite(m["log_loss"]) and m["log_loss"] > 10


def test_non_finite_proba_drops_proba_metrics():
    m = compute_metrics("binary", [0, 1], [0, 1], [[np.nan, np.nan], [0.1, 0.9]], labels=[0, 1])
    assert "log_loss" not in m and "roc_auc" not in m and m["accuracy"] == 1.0


def test_proba_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="labels"):
        compute_metrics("multiclass", [0, 1, 1], [0, 1, 1], np.full((3, 3), 1 / 3))


def test_regression_by_hand_and_sklearn():
    y_true = np.array([1.0, 2.0, 3.0, 4.0])
    y_pred = np.array([1.0, 2.0, 3.0, 6.0])
    m = compute_metrics("regression", y_true, y_pred)
    assert m["rmse"] == pytest.approx(1.0)  # sqrt(4 / 4)
    assert m["mae"] == pytest.approx(0.5)
    assert m["r2"] == pytest.approx(1 - 4 / 5)
    assert m["r2"] == pytest.approx(skm.r2_score(y_true, y_pred))
    assert m["rmse"] == pytest.approx(skm.root_mean_squared_error(y_true, y_pred))


def test_regression_non_finite_values_are_dropped():
    assert "r2" not in compute_metrics("regression", [2.0, 2.0], [1.0, 3.0])  # constant truth
    assert compute_metrics("regression", [1.0, 2.0], [np.nan, 2.0]) == {}
    assert compute_metrics("regression", [], []) == {}


def test_objective_direction_primary():
    assert objective_metric("binary") == objective_metric("multiclass") == "log_loss"
    assert objective_metric("regression") == "rmse"
    assert direction("roc_auc") == direction("r2") == "maximize"
    assert direction("log_loss") == direction("rmse") == direction("mae") == "minimize"
    assert primary_metric("binary", "roc_auc") == "roc_auc"
    assert primary_metric("multiclass", "balanced_accuracy") == "balanced_accuracy"
    assert primary_metric("regression", "roc_auc") == "rmse"
    assert primary_metric("binary", None) == "accuracy"
    assert primary_metric("binary", "rmse") == "accuracy"
    for task, names in METRICS_BY_TASK.items():
        assert all(direction(n) in ("maximize", "minimize") for n in names), task
    with pytest.raises(InvalidArgumentError):
        direction("auc")
    with pytest.raises(InvalidArgumentError):
        objective_metric("ranking")


@pytest.mark.parametrize("seed", range(6))
def test_fast_metrics_equal_scikit_learn_on_random_predictions(seed):
    rng = np.random.default_rng(seed)
    k = 2 + seed % 3
    names = np.array(["ant", "bee", "cat", "dog"][:k], dtype=object)
    y_true = names[rng.integers(0, k, 120)]
    proba = rng.dirichlet(np.ones(k), size=120)
    proba[rng.random(120) < 0.5] = np.round(proba[rng.random(120) < 0.5][:1], 1)  # ties in the scores
    proba /= proba.sum(axis=1, keepdims=True)
    y_pred = names[proba.argmax(axis=1)]
    task = "binary" if k == 2 else "multiclass"
    m = compute_metrics(task, y_true, y_pred, proba, labels=names)
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(y_true, y_pred))
    assert m["balanced_accuracy"] == pytest.approx(skm.balanced_accuracy_score(y_true, y_pred))
    if k == 2:
        assert m["f1"] == pytest.approx(skm.f1_score(y_true, y_pred, pos_label=names[1]))
        assert m["roc_auc"] == pytest.approx(skm.roc_auc_score(y_true == names[1], proba[:, 1]))
    else:
        assert m["f1"] == pytest.approx(skm.f1_score(y_true, y_pred, labels=names, average="macro", zero_division=0))
        clipped = np.clip(proba, EPS, 1 - EPS)
        clipped /= clipped.sum(axis=1, keepdims=True)
        expected = skm.roc_auc_score(y_true, clipped, labels=names, multi_class="ovr", average="macro")
        assert m["roc_auc"] == pytest.approx(expected)

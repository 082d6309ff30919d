"""The "linear" family: logistic regression / ridge behind one-hot preprocessing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import recall_score

from advisor.families import implementation
from advisor.models import linear
from advisor.models.linear import LinearClassifier, LinearRegressor


def test_adult_classification_beats_majority(adult, context):
    X, y, _, _, X_te, y_te = adult
    ctx = context("binary", X)
    model = linear.LINEAR.build(linear.LINEAR.default_params(ctx), ctx).fit(X, y)
    assert isinstance(model, LinearClassifier)
    assert list(model.classes_) == ["<=50K", ">50K"]
    majority = (y_te == "<=50K").mean()
    assert model.score(X_te, y_te) > max(0.8, majority + 0.05)
    proba = model.predict_proba(X_te)
    assert proba.shape == (len(X_te), 2) and np.allclose(proba.sum(axis=1), 1)


def test_balanced_class_weight_raises_minority_recall(adult):
    X, y, _, _, X_te, y_te = adult
    plain = LinearClassifier().fit(X, y)
    balanced = LinearClassifier(class_weight="balanced").fit(X, y)
    recall = [recall_score(y_te, m.predict(X_te), pos_label=">50K") for m in (plain, balanced)]
    assert recall[1] > recall[0] + 0.1


def test_cpu_act_regression(cpu_act, context):
    X, y, _, _, X_te, y_te = cpu_act
    ctx = context("regression", X)
    model = linear.LINEAR.build(linear.LINEAR.default_params(ctx), ctx)
    assert isinstance(model, LinearRegressor) and model.alpha == 1.0
    assert model.fit(X, y).score(X_te, y_te) > 0.6  # a constant scores 0


def test_missing_values_and_unseen_categories(adult):
    X, y, _, _, X_te, y_te = adult
    X = X.copy()
    X.loc[::10, "age"] = np.nan
    X.loc[::7, "occupation"] = np.nan
    model = LinearClassifier().fit(X, y)
    X_te = X_te.copy()
    X_te["occupation"] = pd.Categorical(["Astronaut"] * len(X_te))
    assert model.score(X_te, y_te) > 0.75


def test_numpy_input(cancer):
    X, y, _, _, X_te, y_te = cancer
    model = LinearClassifier().fit(X.to_numpy(), y.to_numpy())
    assert model.score(X_te.to_numpy(), y_te.to_numpy()) > 0.93


def test_search_space_and_default(adult, cpu_act, context, run_study, default_point):
    X, y, X_va, y_va, _, _ = adult
    ctx = context("binary", X, class_weight=True)
    assert linear.LINEAR.default_params(ctx) == {"C": 1.0, "class_weight": "balanced"}
    default_point(linear.LINEAR, ctx)
    assert max(run_study(linear.LINEAR, ctx, X[:1000], y[:1000], X_va, y_va)) > 0.8
    X, y, X_va, y_va, _, _ = cpu_act
    ctx = context("regression", X)
    assert default_point(linear.LINEAR, ctx) == {"alpha": 1.0}
    assert max(run_study(linear.LINEAR, ctx, X, y, X_va, y_va)) > 0.6


def test_spec_flags():
    spec = linear.LINEAR
    assert implementation("linear", "tabular") is spec and not spec.iterative and spec.steps is None


@pytest.mark.parametrize("task", ["binary", "regression"])
def test_eval_set_and_progress_are_accepted(task, cancer, context):
    X, y, X_va, y_va, _, _ = cancer
    calls = []
    est = linear.LINEAR.build(linear.LINEAR.default_params(context(task, X)), context(task, X))
    est.fit(
        X, y.astype(float) if task == "regression" else y, eval_set=(X_va, y_va), progress=lambda s, v: calls.append(s)
    )
    assert calls == []  # not iterative: nothing to report

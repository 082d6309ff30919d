"""The "random_forest" family on ordinal-encoded features."""

from __future__ import annotations

import itertools

import numpy as np

from advisor.models import forest
from advisor.models.forest import CHUNK, ForestClassifier, ForestRegressor


def test_adult_classification(adult, context):
    X, y, _, _, X_te, y_te = adult
    ctx = context("binary", X, n_jobs=2, seed=3)
    model = forest.RANDOM_FOREST.build(forest.RANDOM_FOREST.default_params(ctx), ctx)
    assert isinstance(model, ForestClassifier)
    assert (model.n_estimators, model.n_jobs, model.random_state, model.max_features) == (200, 2, 3, "sqrt")
    model.set_params(n_estimators=100).fit(X, y)
    assert model.score(X_te, y_te) > 0.82
    assert model.model_.n_jobs == 2 and model.model_.random_state == 3


def test_cpu_act_regression(cpu_act, context):
    X, y, _, _, X_te, y_te = cpu_act
    ctx = context("regression", X)
    model = forest.RANDOM_FOREST.build(forest.RANDOM_FOREST.default_params(ctx), ctx)
    assert isinstance(model, ForestRegressor) and model.max_features == 1.0
    assert model.set_params(n_estimators=60).fit(X, y).score(X_te, y_te) > 0.95


def test_seed_makes_it_reproducible_and_nan_is_allowed(cancer):
    X, y, _, _, X_te, _ = cancer
    X = X.to_numpy().copy()
    X[::5, 3] = np.nan
    a = ForestClassifier(n_estimators=30, random_state=0).fit(X, y).predict_proba(X_te.to_numpy())
    b = ForestClassifier(n_estimators=30, random_state=0).fit(X, y).predict_proba(X_te.to_numpy())
    np.testing.assert_array_equal(a, b)


def test_class_weight_from_context(cancer, context):
    X, _, _, _, _, _ = cancer
    ctx = context("binary", X, class_weight=True)
    assert forest.RANDOM_FOREST.build(forest.RANDOM_FOREST.default_params(ctx), ctx).class_weight == "balanced"


def test_search_space_and_default(cancer, cpu_act, context, run_study, default_point):
    X, y, X_va, y_va, _, _ = cancer
    ctx = context("binary", X)
    default_point(forest.RANDOM_FOREST, ctx)

    def shrink(est):
        est.set_params(n_estimators=min(est.n_estimators, 40))

    assert min(run_study(forest.RANDOM_FOREST, ctx, X, y, X_va, y_va, prepare=shrink)) > 0.85
    X, y, X_va, y_va, _, _ = cpu_act
    ctx = context("regression", X)
    default_point(forest.RANDOM_FOREST, ctx)
    assert max(run_study(forest.RANDOM_FOREST, ctx, X[:800], y[:800], X_va, y_va, prepare=shrink)) > 0.9


def test_forest_grows_in_chunks_and_stops_when_progress_says_so(cancer) -> None:
    X, y, _, _, X_te, _ = cancer
    whole = ForestClassifier(n_estimators=60, random_state=0).fit(X, y)
    steps: list[int] = []
    chunked = ForestClassifier(n_estimators=60, random_state=0).fit(
        X, y, progress=lambda s, v: steps.append(s) or False
    )
    # the first chunk is one tree per thread (it measures a tree's time), then chunks of up to CHUNK trees
    assert steps[0] == 0 and steps[-1] == 59 and steps == sorted(steps) and chunked.best_iteration_ == 59
    assert max(b - a for a, b in itertools.pairwise(steps)) <= CHUNK
    np.testing.assert_allclose(chunked.predict_proba(X_te), whole.predict_proba(X_te))  # same trees
    stopped = ForestClassifier(n_estimators=200, random_state=0).fit(X, y, progress=lambda s, v: s >= 49)
    grown = len(stopped.model_.estimators_)
    assert 50 <= grown <= 50 + CHUNK and stopped.best_iteration_ == grown - 1

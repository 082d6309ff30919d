"""Shared helpers for the model tests: bundled datasets as the runner sees them, and fit contexts."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

from advisor import datasets
from advisor.models.spec import FitContext
from advisor.profiling.profile import DatasetProfile


@cache
def _table(name: str) -> tuple[pd.DataFrame, pd.Series]:
    ds = datasets.load(name)
    X = ds.X.copy()
    for column in X.columns:  # the runner's preparation: text columns become pandas categories
        if not pd.api.types.is_numeric_dtype(X[column]):
            X[column] = X[column].astype("category")
    return X, ds.y


def split(name: str, n_train: int, n_valid: int = 0, n_test: int = 1000, seed: int = 0) -> list:
    """Disjoint random train / (valid) / test parts: [X_tr, y_tr, (X_va, y_va,) X_te, y_te]."""
    X, y = _table(name)
    index = np.random.default_rng(seed).permutation(len(X))
    parts, start = [], 0
    for size in (n_train, n_valid, n_test):
        if size:
            rows = index[start : start + size]
            parts += [X.iloc[rows].reset_index(drop=True), y.iloc[rows].reset_index(drop=True)]
            start += size
    return parts


def context(task: str, X: pd.DataFrame | np.ndarray | None = None, **kwargs) -> FitContext:
    rows, features = (len(X), X.shape[1]) if X is not None else (100, 5)
    profile = DatasetProfile.from_summary(rows=rows, features=features, task=task)
    return FitContext(task=task, profile=profile, n_jobs=kwargs.pop("n_jobs", 1), **kwargs)


@pytest.fixture(name="context", scope="session")
def _context_fixture():
    """``context(task, X=None, **FitContext fields)``: a FitContext with a summary profile of X."""
    return context


@pytest.fixture(name="run_study", scope="session")
def _run_study_fixture():
    return run_study


@pytest.fixture(name="default_point", scope="session")
def _default_point_fixture():
    return check_default_is_a_point


@pytest.fixture(scope="session")
def adult():
    """3,000 training, 1,500 validation and 1,500 test rows of adult (8 categorical columns)."""
    return split("adult", 3000, 1500, 1500)


@pytest.fixture(scope="session")
def cpu_act():
    """2,000 training, 1,000 validation and 1,500 test rows of cpu_act (regression)."""
    return split("cpu_act", 2000, 1000, 1500)


@pytest.fixture(scope="session")
def cancer():
    """breast_cancer_wisconsin: 300 training, 100 validation, 169 test rows (binary, numeric)."""
    return split("breast_cancer_wisconsin", 300, 100, 169)


def run_study(spec, ctx: FitContext, X, y, X_val, y_val, n_trials: int = 3, prepare=None) -> list[float]:
    """A real in-memory Optuna study over the spec's space, its default enqueued first as the runner does.

    Each trial builds and fits the estimator (``prepare(est)`` may shrink it) and scores it on the
    validation part; returns the trials' values (all finite).
    """
    import optuna

    def objective(trial: optuna.Trial) -> float:
        params = spec.search_space(trial, ctx)
        est = spec.build(params, ctx)
        if prepare is not None:
            prepare(est)
        est.fit(X, y, eval_set=(X_val, y_val), progress=None)
        return est.score(X_val, y_val)

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=0))
    study.enqueue_trial(spec.default_params(ctx))
    study.optimize(objective, n_trials=n_trials)
    values = [t.value for t in study.trials]
    assert len(values) == n_trials and all(np.isfinite(values))
    assert study.trials[0].params == spec.default_params(ctx)  # the enqueued default was used as given
    return values


def check_default_is_a_point(spec, ctx: FitContext) -> dict:
    """default_params(ctx) replays through search_space (FixedTrial) to the same parameters."""
    import optuna

    default = spec.default_params(ctx)
    params = spec.search_space(optuna.trial.FixedTrial(default), ctx)
    assert {k: params[k] for k in default} == default
    # build() from the default and from the space's output give the same estimator
    assert spec.build(default, ctx).get_params() == spec.build(params, ctx).get_params()
    return params

"""scikit-learn's estimator checks on every estimator the classical families' tabular models build.

The families are read from their declarations (every classical family with a tabular model), so a new one is
checked without an edit here; the networks run their own checks (tests/models/torch, vision, text, series).
Each model is built for classification and for regression with its default parameters; the tree ensembles
get fewer trees / rounds so the checks stay fast.
"""

from __future__ import annotations

from typing import Any

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from advisor.families import Kind, families
from advisor.models.spec import FitContext
from advisor.profiling.profile import DatasetProfile

pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")  # inside sklearn

SPECS = {
    f.id: f.implementation("tabular")
    for f in families().values()
    if f.kind is Kind.CLASSICAL and "tabular" in f.implementations
}
TASKS = ("binary", "regression")
SMALL = {"random_forest": {"n_estimators": 10}, "lightgbm": {"n_estimators": 30}, "xgboost": {"n_estimators": 30}}

# check name -> why it cannot pass, per estimator class. Every check passes today; add entries here
# (with a reason) rather than skipping checks.
EXPECTED_FAILED_CHECKS: dict[str, dict[str, str]] = {}


def _shrink(est: Any) -> Any:
    for name, params in SMALL.items():
        if type(est).__name__.lower().startswith(name.replace("_", "")) or (
            name == "random_forest" and type(est).__name__.startswith("Forest")
        ):
            est.set_params(**params)
    return est


def _build(spec, task: str) -> Any:
    ctx = FitContext(task=task, profile=DatasetProfile.from_summary(rows=100, features=5, task=task), seed=0)
    return _shrink(spec.build(spec.default_params(ctx), ctx))


ESTIMATORS = [_build(spec, task) for spec in SPECS.values() for task in TASKS]


def test_every_spec_and_task_is_checked():
    assert len(ESTIMATORS) == len(SPECS) * len(TASKS) == 8
    names = {type(e).__name__ for e in ESTIMATORS}
    assert names == {
        "LinearClassifier",
        "LinearRegressor",
        "ForestClassifier",
        "ForestRegressor",
        "LightGBMClassifier",
        "LightGBMRegressor",
        "XGBoostClassifier",
        "XGBoostRegressor",
    }
    assert all(e.get_params().get("n_estimators", 0) <= 30 for e in ESTIMATORS)


@parametrize_with_checks(
    ESTIMATORS, expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS.get(type(est).__name__, {})
)
def test_sklearn_compatible(estimator, check):
    check(estimator)

"""scikit-learn's estimator checks on every estimator the classical specs build.

The specs come from the modules themselves (linear, forest, gbm, ensemble), not from the registry,
so these checks do not depend on the torch MLP; that family runs its own checks. Each spec is built
for classification and for regression with its default parameters; the tree ensembles get fewer
trees / rounds so the checks stay fast. The ensemble is checked as default LightGBM + XGBoost (the
build without the MLP): its build with the MLP is fitted in test_ensemble.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from advisor.models import ensemble, forest, gbm, linear
from advisor.models.ensemble import AveragingEnsemble
from advisor.models.spec import FitContext
from advisor.profiling.profile import DatasetProfile

pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")  # inside sklearn

SPECS = (linear.LINEAR, forest.RANDOM_FOREST, gbm.LIGHTGBM, gbm.XGBOOST, ensemble.DL_GBM_ENSEMBLE)
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
    if spec.name == "dl_gbm_ensemble":
        return AveragingEnsemble([_shrink(m) for m in ensemble.default_members(ctx, include_mlp=False)])
    return _shrink(spec.build(spec.default_params(ctx), ctx))


ESTIMATORS = [_build(spec, task) for spec in SPECS for task in TASKS]


def test_every_spec_and_task_is_checked():
    assert len(ESTIMATORS) == len(SPECS) * len(TASKS) == 10
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
        "AveragingEnsemble",
    }
    assert all(e.get_params().get("n_estimators", 0) <= 30 for e in ESTIMATORS)


@parametrize_with_checks(
    ESTIMATORS, expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS.get(type(est).__name__, {})
)
def test_sklearn_compatible(estimator, check):
    check(estimator)

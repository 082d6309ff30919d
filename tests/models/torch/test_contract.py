"""scikit-learn's estimator contract (``parametrize_with_checks``) for both MLP estimators.

Small networks and few epochs keep it fast; a higher learning rate lets 20 epochs reach the accuracy
and R² that ``check_classifiers_train`` / ``check_regressors_train`` ask for. The checks run on the CPU,
where a fixed ``random_state`` makes fits bit-for-bit reproducible (``check_fit_idempotent``).
"""

from __future__ import annotations

from collections.abc import Callable

from sklearn.base import BaseEstimator
from sklearn.utils.estimator_checks import parametrize_with_checks

from advisor.models.torch.mlp import MLPClassifier, MLPRegressor

SMALL = {
    "hidden_size": 16,
    "n_layers": 1,
    "max_epochs": 20,
    "batch_size": 32,
    "learning_rate": 1e-2,
    "device": "cpu",
    "n_jobs": 1,
}

#: Checks each estimator cannot pass, with the reason. None: both pass every check that applies
#: (sample-weight checks are not run: ``fit`` takes no ``sample_weight``).
EXPECTED_FAILED_CHECKS: dict[str, dict[str, str]] = {"MLPClassifier": {}, "MLPRegressor": {}}


def _expected_failed(estimator: BaseEstimator) -> dict[str, str]:
    return EXPECTED_FAILED_CHECKS[type(estimator).__name__]


@parametrize_with_checks([MLPClassifier(**SMALL), MLPRegressor(**SMALL)], expected_failed_checks=_expected_failed)
def test_sklearn_contract(estimator: BaseEstimator, check: Callable[[BaseEstimator], None]) -> None:
    check(estimator)

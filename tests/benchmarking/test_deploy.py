"""The deployment step's time holds: what a large table's refit on every row holds back, and when."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from advisor.benchmarking.deploy import DeploySteps
from advisor.benchmarking.policy import LARGE_REFIT_SHARE, TimePolicy


def _searched_lightgbm(budget: float) -> DeploySteps:
    """A large table's run after LightGBM's search (100,000 rows, 30 s to fit) with XGBoost still planned."""
    run = DeploySteps.__new__(DeploySteps)  # the step alone, on the state it reads
    costs = {"fit_wall_s": 30.0}
    result = SimpleNamespace(val_metrics={"accuracy": 0.8}, test_metrics={}, costs=costs, train_rows=100_000)
    run.finals = {"lightgbm": (None, result)}  # type: ignore[dict-item]
    run.metric, run.higher_is_better = "accuracy", True
    run.splits = SimpleNamespace(train_val=np.arange(850_000), n_rows=1_000_000)  # type: ignore[assignment]
    run.rec = SimpleNamespace(plan=SimpleNamespace(families=["lightgbm", "xgboost"]))  # type: ignore[assignment]
    run.policy = TimePolicy(budget, large=True)
    return run


def test_a_large_tables_full_refit_is_held_back_only_once_every_family_has_had_its_window() -> None:
    run = _searched_lightgbm(600.0)
    held = run.policy.reserve_s
    assert held >= LARGE_REFIT_SHARE * 600.0
    run.update_deploy_estimate(families_left=1)  # XGBoost still to search: its window is not charged
    assert run.policy.large_refit_estimate_s == 0.0 and run.policy.reserve_s == held
    run.update_deploy_estimate(families_left=0)  # now the refit on 850,000 rows (about 255 s) is held back
    assert run.policy.large_refit_estimate_s == pytest.approx(30.0 * 8.5)
    assert run.policy.reserve_s > held

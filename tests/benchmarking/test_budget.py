"""Budgets: seconds and/or trials, and how trials are shared by the plan."""

from __future__ import annotations

import pytest

from advisor.benchmarking.budget import Budget, split_trials
from advisor.errors import InvalidArgumentError


def test_coerce_forms() -> None:
    assert Budget.coerce(60) == Budget(seconds=60.0)
    assert Budget.coerce({"trials": 5}) == Budget(trials=5)
    assert Budget.coerce(Budget(seconds=1, trials=2)).trials == 2


@pytest.mark.parametrize("bad", [0, -1, float("nan"), None, True, "60", {}])
def test_bad_budgets_are_clear_errors(bad: object) -> None:
    with pytest.raises(InvalidArgumentError):
        Budget.coerce(bad)  # type: ignore[arg-type]


def test_split_trials_follows_shares_with_one_each() -> None:
    counts = split_trials(20, {"linear": 0.05, "lightgbm": 0.6, "mlp": 0.35})
    assert sum(counts.values()) == 20
    assert counts["linear"] >= 1 and counts["lightgbm"] > counts["mlp"] > counts["linear"]
    assert split_trials(2, {"a": 0.5, "b": 0.3, "c": 0.2}) == {"a": 1, "b": 1, "c": 1}  # the defaults always run

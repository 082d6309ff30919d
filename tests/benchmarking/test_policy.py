"""TimePolicy alone: the budget's fixed points, windows, trial and refit deadlines, the deployment refit."""

from __future__ import annotations

import time

import pytest

from advisor.benchmarking.policy import (
    ESTIMATE_MARGIN,
    FIRST_TRIAL_WINDOW_SHARE,
    LARGE_REFIT_MAX_SHARE,
    LARGE_REFIT_SHARE,
    REFIT_OVERRUN_SHARE,
    RESERVE_MIN_S,
    TimePolicy,
)
from advisor.benchmarking.search import NETWORK_FIRST_TRIAL_SHARE, first_trial_share


def _policy(seconds: float | None, elapsed: float = 0.0) -> TimePolicy:
    """A policy whose call started ``elapsed`` seconds ago."""
    return TimePolicy(seconds=seconds, t0=time.monotonic() - elapsed)


def test_no_budget_means_no_deadlines() -> None:
    policy = _policy(None)
    assert policy.end is None and policy.search_end is None and policy.left() == float("inf")
    assert policy.window_end(0.5, 1.0) is None and policy.trial_deadline(None, [], 0, True) is None
    assert policy.refit_deadline(None, 1e9) is None and policy.deploy_fits(1e9)
    assert policy.search_rows(10_000_000, 20) is None


def test_the_search_ends_before_the_call_by_the_reserve_and_the_deployment_refit() -> None:
    policy = _policy(60.0)
    assert policy.end - policy.search_end == pytest.approx(max(0.03 * 60, RESERVE_MIN_S))
    policy.deploy_estimate_s = 5.0  # a refit on all rows of about 5 s is held back for, with a margin
    assert policy.end - policy.search_end == pytest.approx(1.8 + 1.2 * 5.0)
    policy.deploy_estimate_s = 100.0  # one that could never fit is not held back for
    assert policy.end - policy.search_end == pytest.approx(1.8)


def test_windows_are_shares_of_what_is_left() -> None:
    policy = _policy(100.0, elapsed=10.0)
    now, search_end = time.monotonic(), policy.search_end
    assert policy.window_end(1.0, 4.0) - now == pytest.approx((search_end - now) / 4, abs=0.05)
    assert policy.window_end(3.0, 3.0) == pytest.approx(search_end, abs=0.05)


def test_first_trial_takes_half_its_window_and_later_ones_only_if_they_fit() -> None:
    policy = _policy(100.0)
    now = time.monotonic()
    window_end = now + 40.0
    first = policy.trial_deadline(window_end, [], 0, iterative=False)
    assert first - now == pytest.approx(FIRST_TRIAL_WINDOW_SHARE * 40.0, abs=0.05)
    later = policy.trial_deadline(window_end, [10.0], 1, iterative=False)
    assert later == pytest.approx(window_end - 13.0, abs=0.05)  # room kept for the refit (1.3 trials)
    assert policy.trial_deadline(window_end, [20.0], 1, iterative=False) is False  # 20 s would not fit
    assert policy.trial_deadline(window_end, [20.0], 1, iterative=True) is not False  # stops itself in time
    network_first = policy.trial_deadline(window_end, [], 0, iterative=True, first_share=NETWORK_FIRST_TRIAL_SHARE)
    assert network_first - now == pytest.approx(NETWORK_FIRST_TRIAL_SHARE * 40.0, abs=0.05)


def test_a_networks_first_trial_may_take_most_of_its_window() -> None:
    from advisor.families import implementation

    assert first_trial_share(implementation("tabm", "tabular")) == NETWORK_FIRST_TRIAL_SHARE > 0.5
    assert first_trial_share(implementation("lightgbm", "tabular")) == FIRST_TRIAL_WINDOW_SHARE


def test_no_family_starts_at_the_very_end() -> None:
    policy = _policy(10.0, elapsed=9.6)  # the search ends at 9.7 s: 0.1 s left
    assert policy.trial_deadline(policy.search_end, [], 0, iterative=True) is False
    late = _policy(10.0, elapsed=20.0)
    assert late.trial_deadline(late.search_end, [1.0], 1, iterative=True) is False


def test_refits_may_overrun_their_window_a_little_and_otherwise_are_refused() -> None:
    policy = _policy(100.0)
    now = time.monotonic()
    window_end = now + 5.0
    assert policy.refit_deadline(window_end, 3.0) == pytest.approx(window_end, abs=0.05)
    overrun = policy.refit_deadline(window_end, 10.0)  # 12 s with the margin: past the window, within 10%
    assert overrun is not False and overrun - window_end <= REFIT_OVERRUN_SHARE * 100.0 + 0.05
    assert policy.refit_deadline(window_end, 60.0) is False
    assert policy.affordable_rows(0.001, window_end) == pytest.approx((5.0 + 10.0) / 1.2 / 0.001, rel=0.02)


def test_the_deployment_refit_must_fit_before_the_end() -> None:
    policy = _policy(60.0, elapsed=50.0)
    assert policy.deploy_fits(5.0) and not policy.deploy_fits(9.0)


def test_large_tables_are_searched_on_a_subsample_sized_to_the_budget_and_memory() -> None:
    policy = _policy(60.0)
    assert policy.search_rows(50_000, 20) is None and policy.search_rows(120_000, 20) is None
    rows = policy.search_rows(1_000_000, 20)
    assert rows == int((1 - LARGE_REFIT_SHARE) * 120_000)  # the search's part of the budget, 2,000 rows a second
    assert policy.search_rows(1_000_000, 80) < rows
    # 0.5 GB of memory, 1 KB a row: a trial's copies must fit a quarter of it
    assert policy.search_rows(1_000_000, 20, row_bytes=1024, memory_bytes=2**29) == 2**29 * 0.25 // (4 * 1024) < rows


def test_a_large_table_holds_back_time_for_the_final_refit() -> None:
    policy = _policy(600.0)
    before = policy.reserve_s
    policy.large = True
    assert policy.reserve_s == pytest.approx(before + LARGE_REFIT_SHARE * 600.0)
    policy.large_refit_estimate_s = 280.0  # the best family's refit on every row: held back, up to a cap
    assert ESTIMATE_MARGIN * 280.0 > LARGE_REFIT_SHARE * 600.0
    assert policy.reserve_s == pytest.approx(before + ESTIMATE_MARGIN * 280.0)
    policy.large_refit_estimate_s = 1000.0
    assert policy.reserve_s == pytest.approx(before + LARGE_REFIT_MAX_SHARE * 600.0)

"""The search step: a network that its window cuts before it converges is reported plainly."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import advisor
from advisor.benchmarking.policy import TimePolicy
from advisor.benchmarking.search import PACED_MIN_SHARE, SearchSteps


def test_a_starved_network_says_what_a_fair_run_needs(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30_000, 20))
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(20)])
    frame["y"] = (X[:, 0] * X[:, 1] + np.sin(X[:, 2]) + 0.3 * rng.normal(size=len(X)) > 0).astype(int)
    result = advisor.benchmark(frame, target="y", families=["tabm"], budget=12, seed=0, run_dir=tmp_path)
    tabm = result.family("tabm")
    assert tabm.status == "ok", tabm.reason
    assert "tabm needs about" in tabm.reason and "s per epoch here" in tabm.reason
    needed = float(tabm.reason.split("a budget of at least ")[1].split("s")[0].replace(",", ""))
    assert needed > 12  # more than it had
    assert tabm.reason in result.notes
    assert result.wall_s <= 12 * 1.05


def test_a_series_network_is_planned_from_measured_epochs_and_a_short_plan_is_said(tmp_path: Path) -> None:
    """At 12 s a series CNN gets fewer epochs than a fair run needs: the plan says so and, unless early stopping
    ended it well before its planned epochs, its result is marked starved; a verdict it lost holds at this
    budget only."""
    from advisor.benchmarking.search import STARVED
    from advisor.models.series.cnn1d import LADDER, MIN_EPOCHS

    data = advisor.datasets.load("gunpoint")
    result = advisor.benchmark(data, families=["minirocket", "cnn"], budget=12, seed=0, run_dir=tmp_path)
    cnn, rocket = result.family("cnn"), result.family("minirocket")
    assert cnn.status == rocket.status == "ok"
    plan = cnn.sizing
    assert (plan["architecture"], plan["width"]) in LADDER and plan["fair_epochs"] == MIN_EPOCHS
    assert plan["max_epochs"] < MIN_EPOCHS and "or a GPU for a fair run" in plan["why"]
    assert any(n.startswith("cnn: ") and "probed seconds per epoch" in n for n in result.notes)
    assert rocket.test_metrics["accuracy"] >= 0.95  # published MiniRocket on GunPoint: 0.99
    best = min((t for t in result.trials if t.family == "cnn" and t.value is not None), key=lambda t: t.value)
    cut = best.costs.get("stopped_by_deadline") or best.costs["n_steps"] + plan["patience"] >= plan["max_epochs"]
    assert (STARVED in cnn.reason) == bool(cut)
    comparison = result.comparison
    if comparison is not None and comparison.call == "classical" and cut:
        assert "at this budget only" in comparison.summary
    assert result.wall_s <= 12 * 1.05


def _refit_state(rows: int, budget: float = 100.0) -> SearchSteps:
    """The part of a run a refit's plan reads: the policy, the train + validation rows and their targets."""
    state = SearchSteps.__new__(SearchSteps)  # the steps, without a dataset to run on
    state.policy, state.splits = TimePolicy(budget), SimpleNamespace(train_val=np.arange(rows))  # type: ignore[assignment]
    state.y, state.task, state.seed, state.notes = np.arange(rows) % 2, "binary", 0, []
    return state


def test_a_final_refit_that_does_not_fit_paces_a_paced_model_over_every_row() -> None:
    state = _refit_state(10_000)  # a refit may take 10 s here (REFIT_OVERRUN_SHARE of 100 s, no window)
    # cheap enough for every row: all of them, no pace
    rows, deadline, pace = state._refit_rows(None, 1e-5, 1_000, paced=True)
    assert len(rows) == 10_000 and isinstance(deadline, float) and pace is None
    # half the rows fit: a paced model keeps every row, each round drawing about half of what it would
    per_row = 10.0 / (1.2 * 5_000)
    rows, deadline, pace = state._refit_rows(None, per_row, 1_000, paced=True)
    assert len(rows) == 10_000 and pace is not None and pace.deadline == deadline
    assert 0.45 <= pace.scale <= 0.5
    # ...another model is refit on a stratified half
    rows, _, pace = state._refit_rows(None, per_row, 1_000, paced=False)
    assert 4_500 <= len(rows) <= 5_000 and pace is None and np.bincount(state.y[rows]).min() >= len(rows) // 2 - 1
    # the same through the plan of a large table's final refit (the runner's path)
    planned = state._refit_plan("lightgbm", None, 1_000, per_row, None, True, paced=True)
    assert planned is not None and len(planned[0]) == 10_000 and planned[2] is not None and not state.notes
    # the time left is a third of the estimate on every row: paced, its first rounds drawing a quarter (the pacer
    # raises the share while the rounds run ahead of the deadline)
    rows, _, pace = state._refit_rows(None, 10.0 / (0.32 * 10_000), 1_000, paced=True)
    assert len(rows) == 10_000 and pace is not None and 0.2 < pace.scale < PACED_MIN_SHARE
    # a tenth fits: too few to pace (each round's work on every row would dominate): a subsample
    rows, _, pace = state._refit_rows(None, 10.0 / (1.2 * 1_000), 100, paced=True)
    assert len(rows) < 1_000 and pace is None and PACED_MIN_SHARE > 0.1


def test_a_final_refit_holds_back_the_scoring_of_its_own_family_not_the_slowest() -> None:
    """After the search of a large table, what is left after a family's final refit is scoring that family's
    model: a network's slow scoring (30 s here) no longer shortens LightGBM's refit (1 s to score)."""
    from advisor.data.dataset import Modality

    state = _refit_state(10_000, budget=600.0)
    state.modality = Modality.TABULAR
    searched = SimpleNamespace(train_rows=1_000, best_trial=3)
    state.finals = {"lightgbm": (None, searched), "tabm": (None, searched)}  # type: ignore[dict-item]
    state.studies = {n: SimpleNamespace(get_trials=lambda: [SimpleNamespace(number=3)]) for n in state.finals}  # type: ignore[misc]
    state.scoring_s = {"lightgbm": 1.0, "tabm": 30.0}
    state.policy.scoring_estimate_s = 30.0  # the slowest scoring so far: held back during the search
    search_end = state.policy.search_end
    seen: list[tuple[str, float]] = []
    state.context = lambda name: None  # type: ignore[method-assign, assignment, return-value]
    state.data_for = lambda view, name: None  # type: ignore[method-assign, assignment, return-value]
    state._refit = lambda name, *args, **kwargs: seen.append((name, state.policy.search_end))  # type: ignore[method-assign, assignment, return-value]
    for name in ("lightgbm", "tabm"):
        state.refit_on_all_rows(name)
    assert [name for name, _ in seen] == ["lightgbm", "tabm"]
    assert seen[0][1] == pytest.approx(search_end + 1.2 * 29.0)  # 29 s more for LightGBM's refit
    assert seen[1][1] == pytest.approx(search_end)

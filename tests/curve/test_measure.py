"""learning_curve: nested stratified samples on one test split, within the budget, on tables and series."""

from __future__ import annotations

import time

import numpy as np
import pytest

import advisor
from advisor.curve import LearningCurve, default_sizes, learning_curve
from advisor.curve.measure import _stratified_order
from advisor.errors import AdvisorError


def test_default_sizes_double_up_to_the_pool() -> None:
    assert default_sizes(1600) == [100, 200, 400, 800, 1600]
    small = default_sizes(200)  # doubling would start below the smallest sample: geometric from it instead
    assert len(small) == 5 and small[0] == 40 and small[-1] == 200
    with pytest.raises(AdvisorError, match="at least"):
        default_sizes(60)


def test_every_prefix_of_the_order_keeps_the_class_shares() -> None:
    y = np.array([0] * 900 + [1] * 100)
    order = _stratified_order(y, "binary", seed=0)
    assert sorted(order) == list(range(1000))
    for n in (50, 100, 400):
        assert abs(y[order[:n]].mean() - 0.1) <= 1.5 / n + 1e-9


def test_take_keeps_a_test_split_for_the_benchmark() -> None:
    data = advisor.datasets.load("diabetes")
    part = data.take(np.arange(10, 60), test_from=30)
    assert part.n_rows == 50 and part.meta["predefined_split"] == {"train": 30, "test": 20}
    assert part.y.tolist() == data.y.iloc[10:60].tolist()


@pytest.mark.parametrize(
    ("sizes", "match"),
    [([50, 100], "needs 5"), ([10, 50, 100, 200, 400], "outside"), ([50, 100, 200, 400, 9999], "outside")],
)
def test_bad_sizes_are_refused_before_any_training(sizes: list[int], match: str) -> None:
    start = time.monotonic()
    with pytest.raises(AdvisorError, match=match):
        learning_curve("diabetes", sizes=sizes, budget=30)
    assert time.monotonic() - start < 20


def test_a_bad_budget_is_refused() -> None:
    with pytest.raises(AdvisorError, match="budget"):
        learning_curve("diabetes", budget=0)


def test_a_table_curve_within_its_budget(tmp_path) -> None:  # type: ignore[no-untyped-def]
    budget = 25.0
    start = time.monotonic()
    curve = learning_curve("diabetes", budget=budget, run_dir=tmp_path)
    assert time.monotonic() - start <= budget * 1.05 + 1.0
    assert len(curve.sizes) == 5 and curve.sizes[-1] == 768 - curve.test_rows
    fams = advisor.families.families()
    measured = {p.family for p in curve.points}
    assert {fams[f].kind.value for f in measured} == {"classical", "deep"}
    assert curve.classical in measured and curve.deep in measured
    assert len(curve.scores(curve.classical)) >= 3 and curve.classical in curve.fits
    assert curve.crossover is not None and curve.crossover.call in ("already_ahead", "crossover", "not_within_10x")
    assert curve.crossover.summary == curve.summary
    # every size was scored on the same test rows: each run's comparison says how many
    measured_sizes = sorted({p.rows for p in curve.points if p.status == "ok"})
    assert len(measured_sizes) >= 3
    skipped = [p for p in curve.points if p.rows not in measured_sizes]
    assert all(p.status == "skipped" and "no time left" in p.reason for p in skipped)
    for n in measured_sizes:
        result = advisor.BenchmarkResult.load(tmp_path / f"rows-{n}" / "result.json")
        assert result.comparison is None or result.comparison.test_rows == curve.test_rows
    assert LearningCurve.from_dict(curve.to_dict()) == curve


def test_a_series_curve() -> None:
    curve = learning_curve("gunpoint", budget=20)
    assert curve.modality == "timeseries" and len(curve.sizes) == 5
    kinds = {p.kind for p in curve.points if p.status == "ok"}
    assert "deep" in kinds and "classical" in kinds
    assert curve.fits and curve.summary


def test_data_without_a_target_is_refused() -> None:
    data = advisor.datasets.load("diabetes")
    with pytest.raises(AdvisorError, match="target"):
        learning_curve(advisor.Dataset(data.X, None, "tabular", name="no-target"), budget=30)


def test_a_starved_or_flat_curve_is_said_to_describe_the_budget() -> None:
    from advisor.curve import CurvePoint, PowerLaw
    from advisor.curve.measure import _caveats

    starved = "transformer needs about 10s per epoch ... before early stopping: its score is not a fair measure."
    points = [CurvePoint("transformer", "deep", n, 0.6, 9.0, "ok", starved if n > 100 else "") for n in (100, 200, 400)]
    rising = PowerLaw.fit([100, 200, 400], [0.3, 0.35, 0.4])
    notes = _caveats("transformer", rising, points)
    assert len(notes) == 2 and "2 of 3 sizes" in notes[0] and "did not fall" in notes[1]
    assert _caveats("xgboost", PowerLaw.fit([100, 200, 400], [0.3, 0.2, 0.15]), points[:1]) == []

"""Deep vs classical: the paired bootstrap, the call, the practical pick, and the run's comparison end to end."""

from __future__ import annotations

import numpy as np
import pytest

import advisor
from advisor.benchmarking import Budget
from advisor.benchmarking.comparison import DeepVsClassical, Side, compare_sides, paired_bootstrap
from advisor.benchmarking.results import BenchmarkResult
from advisor.reporting.console import render_benchmark

RNG = np.random.default_rng(0)
Y = RNG.integers(0, 2, 2_000)


def _predictions(accuracy: float, seed: int) -> np.ndarray:
    """Labels that are right on about ``accuracy`` of the rows (independent errors per seed)."""
    right = np.random.default_rng(seed).random(len(Y)) < accuracy
    return np.where(right, Y, 1 - Y)


def accuracy(pred: np.ndarray, rows: np.ndarray) -> float:
    return float((pred[rows] == Y[rows]).mean())


def test_identical_models_have_a_zero_interval_and_a_clear_gap_excludes_zero():
    same = _predictions(0.8, 1)
    assert paired_bootstrap(same, same, accuracy, len(Y), seed=0)[:2] == (0.0, 0.0)
    low, high, n = paired_bootstrap(_predictions(0.95, 2), _predictions(0.75, 3), accuracy, len(Y), seed=0)
    assert 0.15 < low < high < 0.25 and n == 1_000


def test_the_interval_is_paired_narrower_than_the_scores_own_noise():
    """The same rows are drawn for both models, so a shared hard row does not widen the interval."""
    base = _predictions(0.85, 4)
    better = base.copy()
    flips = np.flatnonzero(better != Y)[:30]  # the better model fixes 30 of the base model's errors
    better[flips] = Y[flips]
    low, high, _ = paired_bootstrap(better, base, accuracy, len(Y), seed=0)
    assert low > 0  # 1.5 points better on 2,000 rows: clear when paired
    single_low, single_high = np.percentile(
        [accuracy(base, RNG.integers(0, len(Y), len(Y))) for _ in range(300)], [2.5, 97.5]
    )
    assert high - low < single_high - single_low


def _side(name: str, val: float, test: float, acc: float, seed: int, fit_s: float) -> Side:
    return Side(name, val, test, _predictions(acc, seed), fit_s)


def test_each_side_is_represented_by_its_best_on_validation_and_close_calls_pick_the_cheaper():
    deep = [_side("mlp", 0.80, 0.86, 0.86, 5, 30.0), _side("tabm", 0.82, 0.84, 0.84, 6, 60.0)]
    classical = [_side("lightgbm", 0.81, 0.845, 0.845, 7, 2.0)]
    result = compare_sides(deep, classical, accuracy, metric="accuracy", higher_is_better=True, n_rows=len(Y), seed=0)
    assert result is not None and result.deep == "tabm"  # best on validation, not on test
    assert result.call == "too_close" and result.practical == "lightgbm"
    assert result.low < 0 < result.high and result.difference == pytest.approx(0.84 - 0.845)
    assert (
        "too close to call" in result.summary
        and "lightgbm, the cheaper (tabm 60s vs lightgbm 2s to train)" in result.summary
    )


def test_a_clear_winner_is_called_with_lower_is_better_metrics_signed_for_the_network():
    deep = [_side("tabm", 0.30, 0.25, 0.95, 8, 60.0)]
    classical = [_side("xgboost", 0.40, 0.45, 0.75, 9, 2.0)]

    def error(pred: np.ndarray, rows: np.ndarray) -> float:  # lower is better
        return 1.0 - accuracy(pred, rows)

    result = compare_sides(deep, classical, error, metric="error", higher_is_better=False, n_rows=len(Y), seed=0)
    assert result is not None and result.call == "deep" and result.practical == "tabm"
    assert result.difference == pytest.approx(0.20) and result.low > 0
    assert "deep learning wins" in result.summary
    assert compare_sides(deep, [], error, metric="error", higher_is_better=False, n_rows=len(Y), seed=0) is None


def test_a_benchmark_compares_the_sides_and_every_report_shows_it(tmp_path):
    result = advisor.benchmark(
        "diabetes", families=["lightgbm", "tabm"], budget=Budget(seconds=60, trials=2), seed=0, run_dir=tmp_path
    )
    c = result.comparison
    assert isinstance(c, DeepVsClassical) and (c.deep, c.classical) == ("tabm", "lightgbm")
    scores = {f.family: f.test_metrics[result.metric] for f in result.families}
    assert c.deep_score == pytest.approx(scores["tabm"], abs=1e-6)
    assert c.difference == pytest.approx(scores["tabm"] - scores["lightgbm"], abs=1e-6)
    assert c.low <= c.difference <= c.high and c.test_rows > 100
    assert c.practical in ("tabm", "lightgbm") and c.resamples >= 20
    assert BenchmarkResult.load(tmp_path / "result.json").comparison == c
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(render_benchmark(result))
    assert "Deep vs classical:" in console.export_text()
    tabm = result.family("tabm")
    assert tabm.status == "ok" and tabm.costs["fit_wall_s"] > 0


def test_the_odds_are_checked_against_the_measured_side() -> None:
    from advisor.benchmarking.comparison import DeepVsClassical, odds_check
    from advisor.rules.odds import DeepOdds

    def measured(call: str) -> DeepVsClassical:
        return DeepVsClassical("accuracy", "tabm", "xgboost", 0.8, 0.82, -0.02, -0.04, -0.01, 1000, 500, call,
                               "xgboost", "")  # type: ignore[arg-type]  # fmt: skip

    trees = DeepOdds(0.2, "classical", "short_run", "measured runs", "measured", "tabm", "reason", "source")
    assert "called the winning side" in str(odds_check(trees, measured("classical")))
    assert "losing side" in str(odds_check(trees, measured("deep")))
    assert "not contradicted" in str(odds_check(trees, measured("too_close")))
    assert "20%" in str(odds_check(trees, measured("classical"))) and odds_check(None, measured("deep")) is None


def test_a_starved_network_that_lost_is_said_to_have_lost_at_this_budget_only() -> None:
    fair = [_side("cnn", 0.70, 0.70, 0.70, 10, 20.0)]
    starved = [Side("cnn", 0.70, 0.70, _predictions(0.70, 10), 20.0, starved=True)]
    classical = [_side("minirocket", 0.90, 0.90, 0.90, 11, 1.0)]
    args = {"metric": "accuracy", "higher_is_better": True, "n_rows": len(Y), "seed": 0}
    plain = compare_sides(fair, classical, accuracy, **args)
    said = compare_sides(starved, classical, accuracy, **args)
    assert plain is not None and said is not None and plain.call == said.call == "classical"
    assert "at this budget only" not in plain.summary
    assert "at this budget only: cnn was stopped by its time window before it converged" in said.summary


def test_the_odds_check_names_the_classical_opponent_of_series() -> None:
    from advisor.benchmarking.comparison import odds_check
    from advisor.rules.odds import DeepOdds

    measured = DeepVsClassical("accuracy", "cnn", "minirocket", 0.8, 0.9, -0.1, -0.15, -0.05, 1000, 500,
                               "classical", "minirocket", "")  # fmt: skip
    odds = DeepOdds(0.3, "classical", "series_short_run", "runs", "measured", "cnn", "r", "s",
                    classical_family="minirocket", classical_label="random-kernel classifier (MiniRocket)")  # fmt: skip
    text = str(odds_check(odds, measured))
    assert "beats the best random-kernel classifier (MiniRocket)" in text and "called the winning side" in text

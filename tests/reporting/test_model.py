"""The report model: summary rows, regret and agreement against the results, round trips, edge cases."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import replace

import pytest

from advisor.benchmarking import BenchmarkResult
from advisor.benchmarking.results import FamilyResult, Verdict
from advisor.reporting.model import SCHEMA_VERSION, SuiteReport, build_report, dataset_report, pareto_families
from tests.reporting.conftest import PRICE


def _expected_row(result: BenchmarkResult) -> dict[str, object]:
    """Regret and agreement computed straight from a result (independently of the report code)."""
    scores = {f.family: f.test_metrics[result.metric] for f in result.families if f.status == "ok"}
    top = result.recommendation["ranking"][0]["family"]
    best = result.verdict.winner
    if top not in scores:
        return {"recommended": top, "best": best, "agreed": None, "regret": None}
    sign = 1.0 if result.higher_is_better else -1.0
    regret = 0.0 if top == best else sign * (scores[best] - scores[top])
    return {"recommended": top, "best": best, "agreed": top == best, "regret": regret}


def test_summary_rows_match_the_results(suite_results: list[BenchmarkResult], suite_report: SuiteReport) -> None:
    assert [r.dataset for r in suite_report.summary] == [r.dataset for r in suite_results]
    for result, row in zip(suite_results, suite_report.summary, strict=True):
        expected = _expected_row(result)
        assert (row.recommended, row.best, row.agreed) == (
            expected["recommended"],
            expected["best"],
            expected["agreed"],
        )
        assert row.regret == expected["regret"]
        best = result.family(row.best)
        assert row.best_score == best.test_metrics[result.metric]
        assert row.best_fit_wall_s == best.costs["fit_wall_s"]
        assert row.best_latency_p50_ms == best.costs["latency_p50_ms"]
        assert row.wall_s == result.wall_s
        if result.price_per_hour is None:
            assert row.money is None and row.price_per_hour is None
        else:
            assert row.money == pytest.approx(result.wall_s / 3600 * PRICE)


def test_the_three_cases_are_covered(suite_report: SuiteReport) -> None:
    """One disagreement or agreement per measured pick, and credit_g without the rules' top family."""
    diabetes, cpu_act, credit = suite_report.summary
    assert credit.recommended == "xgboost" and credit.agreed is None and credit.regret is None
    assert credit.recommended_score is None and credit.money is None
    for row in (diabetes, cpu_act):
        assert row.agreed is not None and row.regret is not None and row.regret >= 0.0
        assert (row.regret == 0.0) if row.agreed else (row.regret > 0.0 or row.best_score == row.recommended_score)


def test_agreement_rate_counts_only_datasets_that_measured_the_pick(
    suite_results: list[BenchmarkResult], suite_report: SuiteReport
) -> None:
    rows = [_expected_row(r) for r in suite_results]
    compared = [r for r in rows if r["agreed"] is not None]
    agreed = sum(1 for r in compared if r["agreed"])
    assert (suite_report.compared, suite_report.agreed) == (len(compared), agreed)
    assert suite_report.agreement_rate == agreed / len(compared)


def test_dataset_report_carries_everything_the_reports_show(
    suite_results: list[BenchmarkResult], suite_report: SuiteReport
) -> None:
    for result, d in zip(suite_results, suite_report.datasets, strict=True):
        assert d.profile == result.profile and d.profile["rows"] > 0
        assert [r["family"] for r in d.leaderboard] == list(result.leaderboard()["family"])
        assert d.verdict["summary"] == result.verdict.summary
        assert d.versions == result.hardware["versions"] and "versions" not in d.hardware
        assert (d.seed, d.budget, d.started, d.finished) == (
            result.seed,
            result.budget,
            result.started,
            result.finished,
        )
        assert all(r["reason"] and r["source"] for r in d.recommendation["fired"])
        for cost in ("fit_wall_s", "latency_p50_ms"):
            assert d.pareto[cost] == list(result.pareto(cost)["family"])


def test_history_is_best_so_far_per_family(suite_results: list[BenchmarkResult], suite_report: SuiteReport) -> None:
    for result, d in zip(suite_results, suite_report.datasets, strict=True):
        assert len(d.history) == len(result.trials)
        for family in {h["family"] for h in d.history}:
            rows = [h for h in d.history if h["family"] == family]
            assert [h["trial"] for h in rows] == sorted(h["trial"] for h in rows)
            done = [h["value"] for h in rows if h["state"] == "COMPLETE"]
            bests = [h["best_so_far"] for h in rows if h["state"] == "COMPLETE"]
            assert bests == [min(done[: i + 1]) for i in range(len(done))]


def test_money_only_with_a_price(suite_report: SuiteReport) -> None:
    diabetes, _, credit = suite_report.datasets
    assert diabetes.price_per_hour == PRICE
    assert diabetes.run_money == pytest.approx(diabetes.wall_s / 3600 * PRICE)
    assert all(
        r["costs"]["money"] == pytest.approx(r["costs"]["fit_wall_s"] / 3600 * PRICE) for r in diabetes.leaderboard
    )
    assert credit.price_per_hour is None and credit.run_money is None
    assert all(r["costs"]["money"] is None for r in credit.leaderboard)


def test_round_trip_through_json(suite_report: SuiteReport) -> None:
    data = json.loads(json.dumps(suite_report.to_dict(), allow_nan=False))
    again = SuiteReport.from_dict(data)
    assert again == suite_report
    assert again.to_dict() == data
    assert data["schema_version"] == SCHEMA_VERSION


# --------------------------------------------------------------------------------------- synthetic edge cases
def _variant(result: BenchmarkResult, **changes: object) -> BenchmarkResult:
    return replace(result, **changes)


def test_lower_is_better_regret_is_positive(suite_results: list[BenchmarkResult]) -> None:
    base = suite_results[1]
    fams = (
        FamilyResult("a", "A", "classical", "ok", test_metrics={"rmse": 1.0}, costs={"fit_wall_s": 1.0}),
        FamilyResult("b", "B", "deep", "ok", test_metrics={"rmse": 1.5}, costs={"fit_wall_s": 0.5}),
    )
    rec = {**base.recommendation, "ranking": [{"family": "b"}, {"family": "a"}]}
    result = _variant(
        base,
        dataset="synthetic",
        metric="rmse",
        higher_is_better=False,
        families=fams,
        trials=(),
        recommendation=rec,
        verdict=Verdict("rmse", "b", "a", False, 2, 0.5, "The rules picked b but a won."),
    )
    row = build_report([result]).summary[0]
    assert (row.recommended, row.best, row.agreed, row.regret) == ("b", "a", False, 0.5)
    assert dataset_report(result).pareto["fit_wall_s"] == ["b", "a"]


def test_nothing_measured_and_duplicate_names(suite_results: list[BenchmarkResult]) -> None:
    base = suite_results[2]
    failed = tuple(replace(f, status="failed", reason="boom") for f in base.families)
    empty = _variant(base, families=failed, verdict=Verdict(base.metric, None, None, False, None, None, "Nothing."))
    report = build_report([base, empty])
    assert [d.key for d in report.datasets] == ["credit-g", "credit-g-2"]
    row = report.summary[1]
    assert (row.best, row.agreed, row.regret, row.best_fit_wall_s) == (None, None, None, None)
    assert report.datasets[1].leaderboard == () and len(report.datasets[1].not_measured) == len(failed)


def test_non_finite_numbers_become_null(suite_results: list[BenchmarkResult]) -> None:
    base = suite_results[0]
    fams = tuple(replace(f, best_value=math.nan) for f in base.families)
    data = build_report([_variant(base, families=fams)]).to_dict()
    json.dumps(data, allow_nan=False)
    assert all(r["best_value"] is None for r in data["datasets"][0]["leaderboard"])


def test_pareto_families_matches_the_result_rule() -> None:
    rows = [
        {"family": "a", "score": 0.9, "costs": {"c": 10.0}},
        {"family": "b", "score": 0.8, "costs": {"c": 1.0}},
        {"family": "c", "score": 0.85, "costs": {"c": 20.0}},
        {"family": "d", "score": 0.95, "costs": {"c": None}},
    ]
    assert pareto_families(rows, "c", higher=True) == ["b", "a"]
    assert pareto_families(rows, "c", higher=False) == ["b"]


def test_importing_reporting_stays_light() -> None:
    code = (
        "import sys, advisor, advisor.reporting, advisor.reporting.model, advisor.reporting.write; "
        "import advisor.reporting.charts, advisor.reporting.html, advisor.reporting.markdown; "
        "print([m for m in ('plotly', 'matplotlib', 'torch', 'optuna') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

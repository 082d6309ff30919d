"""The odds model: stored as data, chosen by the constraints, followed by the ranking, true to its evidence."""

from __future__ import annotations

import importlib.util
import math
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from advisor.families import Role, families
from advisor.hardware import Hardware
from advisor.profiling.profile import DatasetProfile
from advisor.rules import Constraints, Recommendation, catalog, run_engine
from advisor.rules.odds import ODDS_FILE, deep_odds, odds_models

REPO = Path(__file__).resolve().parents[2]
EVIDENCE = ODDS_FILE.with_name("evidence")
CPU = Hardware(cores=2, memory_gb=8.0)
GPU_HOURS = Constraints(gpu=True, compute_budget="high")


def _fit_odds_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("fit_odds", REPO / "benchmarks" / "fit_odds.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fit_odds"] = module
    spec.loader.exec_module(module)
    return module


def _table(rows: int, **changes: float) -> DatasetProfile:
    return DatasetProfile.from_summary(rows=rows, features=20, task="binary", n_classes=2, **changes)


@pytest.mark.parametrize(
    ("constraints", "model"),
    [
        (Constraints(gpu=True, compute_budget="high"), "large_budget"),
        (Constraints(gpu=True, compute_budget="high", time_budget_s=60), "short_run"),
        (Constraints(gpu=True, compute_budget="medium"), "gpu_medium"),
        (Constraints(gpu=False, compute_budget="high"), "cpu_hours"),
        (Constraints(gpu=False), "small_budget"),
        (Constraints(gpu=True, compute_budget="low"), "small_budget"),
    ],
)
def test_the_constraints_choose_the_evidence(constraints: Constraints, model: str) -> None:
    rec = run_engine(_table(3000), CPU, constraints)
    assert rec.odds is not None and rec.odds.model == model
    assert rec.odds.source and rec.odds.model_label in rec.odds.reason


def test_every_model_is_data_with_known_facts_and_transforms() -> None:
    document = tomllib.loads(ODDS_FILE.read_text(encoding="utf-8"))
    ids = {m["id"] for m in document["model"]}
    fitted = [m for m in odds_models() if not m.mix]
    assert {m.id for m in fitted} == {"large_budget", "small_budget", "series_published"}
    for model in fitted:
        assert model.terms and model.fit["datasets"] >= 20
        assert all(t.low <= t.default <= t.high for t in model.terms)
    for model in odds_models():
        assert set(model.mix) <= ids and model.deep_family in families()
    assert [str(c) for c in odds_models()[-1].when] == ["modality == tabular"]  # every other table falls here


@pytest.mark.parametrize("model_id", ["large_budget", "small_budget", "series_published"])
def test_the_stored_model_is_what_the_script_fits_on_the_shipped_table(model_id: str) -> None:
    script = _fit_odds_script()
    if model_id == "series_published":
        table = script.published_series_table()
    else:
        table = pd.read_csv(script.PUBLISHED if model_id == "large_budget" else script.MEASURED)
    table = table[table["budget_s"] == table["budget_s"].min()].reset_index(drop=True) if "budget_s" in table else table
    terms = script.MODEL_TERMS[model_id]
    intercept, weights = script.fit(script.design(table, terms), table["deep_better"].to_numpy())
    stored = next(m for m in odds_models() if m.id == model_id)
    assert stored.intercept == pytest.approx(intercept, abs=1e-3)
    assert [t.weight for t in stored.terms] == pytest.approx(list(weights), abs=1e-3)
    assert [t.fact for t in stored.terms] == [fact for fact, _ in terms]


def test_published_odds_fall_with_rows_as_the_evidence_says() -> None:
    rows = [300, 3_000, 30_000, 300_000]
    facts = [run_engine(_table(n), CPU, GPU_HOURS).odds for n in rows]
    p = [f.p_deep for f in facts if f is not None]
    assert p == sorted(p, reverse=True) and p[0] > 0.5 > p[-1]


@pytest.mark.parametrize("rows", [200, 800, 3_000, 20_000, 200_000, 2_000_000])
@pytest.mark.parametrize(
    "constraints", [GPU_HOURS, Constraints(gpu=False, time_budget_s=60), Constraints(gpu=True, compute_budget="medium")]
)
def test_the_ranking_follows_the_odds(rows: int, constraints: Constraints) -> None:
    rec = run_engine(_table(rows, kurtosis_mean=0.5, skewness_mean=0.3), CPU, constraints)
    assert rec.odds is not None
    if rec.odds.p_deep > 0.5:
        assert rec.top.family == rec.odds.deep_family and "odds.deep_vs_gbdt" in rec.top.rules
    else:
        first_side = next(r for r in rec.ranking if r.kind in ("deep", "classical"))
        assert first_side.kind == "classical", rec.families
        best_tree = next(r for r in rec.ranking if families()[r.family].role is Role.BOOSTED_TREES)
        assert all(r.score < best_tree.score for r in rec.ranking if r.kind == "deep")
    odds_rule = next(r for r in rec.fired if r.id == "odds.deep_vs_gbdt")
    assert f"{rec.odds.p_deep:.0%}" in odds_rule.reason


def test_a_deep_answer_exists_for_tables() -> None:
    """The advisor is not a lookup table: some tables get a network first, others trees."""
    small = run_engine(_table(400), CPU, GPU_HOURS)
    large = run_engine(_table(400_000, skewness_mean=3.0), CPU, GPU_HOURS)
    assert small.top.kind == "deep" and small.verdict == "deep"
    assert large.top.kind == "classical"
    assert "Odds that the best network beats the best boosted trees here" in small.summary


def test_interpretability_keeps_networks_off_the_top_and_says_why() -> None:
    rec = run_engine(_table(400), CPU, GPU_HOURS.with_changes(interpretability=True))
    assert rec.odds is not None and rec.odds.p_deep > 0.5
    assert rec.top.kind == "classical"
    rule = next(r for r in rec.fired if r.id == "odds.deep_vs_gbdt")
    assert rule.effects == {} and "interpretability" in rule.reason


def test_odds_are_for_tables_and_series_and_survive_json() -> None:
    rec = run_engine(_table(1500), CPU, GPU_HOURS)
    assert Recommendation.from_json(rec.to_json()) == rec
    assert deep_odds({"modality": "image", "rows": 1000}) is None and deep_odds({"modality": "text"}) is None
    series = run_engine(_series(100), CPU, GPU_HOURS)
    assert Recommendation.from_json(series.to_json()) == series and series.odds is not None


def test_an_unknown_fact_is_taken_as_typical_and_said() -> None:
    facts = {"modality": "tabular", "rows": 2000, "gpu": True, "compute_budget": "high", "skewness_mean": None}
    odds = deep_odds(facts)
    assert odds is not None and 0 < odds.p_deep < 1 and math.isfinite(odds.p_deep)


# ------------------------------------------------- the framework's thresholds, tested against the evidence
def _gbdt_share(low: float, high: float) -> float:
    table = pd.read_csv(EVIDENCE / "published_tabzilla.csv")
    part = table[(table["rows"] >= low) & (table["rows"] < high)]
    return float(1 - part["deep_better"].mean())


@pytest.mark.parametrize(
    ("rule_id", "low", "high", "side"),
    [
        ("size.tabular_small_medium", 5_000, 100_000, "gbdt"),
        ("size.tabular_small_medium", 5_000, 20_000, "gbdt"),
        ("size.tabular_small_medium", 20_000, math.inf, "gbdt"),
        ("size.tabular_small_disputed", 0, 5_000, "network"),
        ("size.tabular_small_disputed", 0, 1_000, "network"),
        ("size.tabular_small_disputed", 1_000, 5_000, "network"),
        ("size.tabular_large", 20_000, math.inf, "gbdt"),
        ("size.tabular_large", 100_000, math.inf, "gbdt"),
    ],
)
def test_the_size_rules_quote_the_published_evidence_truly(rule_id: str, low: float, high: float, side: str) -> None:
    share = _gbdt_share(low, high) if side == "gbdt" else 1 - _gbdt_share(low, high)
    rule = next(r for r in catalog() if r.id == rule_id)
    assert share > 0.5, (rule_id, low, high, share)  # the side the rule says wins does win most
    assert f"{share:.0%}" in rule.source, (rule_id, f"{share:.0%}")


def test_the_100k_rule_of_thumb_is_stated_as_disputed_for_tables() -> None:
    large = next(r for r in catalog() if r.id == "size.tabular_large")
    assert "disagrees" in large.reason and "Framework" in large.source and "TabZilla" in large.source
    assert _gbdt_share(100_000, math.inf) > 0.5  # the evidence: trees win the large published tables


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"terms": [{"fact": "colour", "transform": "log10"}]}, "unknown fact"),
        ({"terms": [{"fact": "rows", "transform": "cube"}]}, "unknown transform"),
        ({"mix": {"nowhere": 1.0}}, "unknown models"),
        ({"deep_family": "quantum"}, "unknown family"),
        ({"classical_family": "abacus"}, "unknown family 'abacus' as classical_family"),
        ({"terms": [], "mix": {}}, "neither terms nor a mix"),
    ],
)
def test_a_bad_odds_model_is_refused_with_the_fix(change: dict[str, object], match: str) -> None:
    from advisor.errors import InvalidArgumentError
    from advisor.rules.odds import _check_model

    entry = {"id": "m", "deep_family": "tabm", "classical_family": "lightgbm", **change}
    entry.setdefault("terms", [{"fact": "rows", "transform": "log10"}])

    def refuse(problem: str, fix: str) -> InvalidArgumentError:
        return InvalidArgumentError(problem, fix)

    with pytest.raises(InvalidArgumentError, match=match):
        _check_model(entry, {"m", "other"}, set(families()), refuse)


def _series(rows: int, length: int = 150, channels: int = 1) -> DatasetProfile:
    return DatasetProfile.from_summary(
        rows=rows, features=1, modality="timeseries", task="multiclass", n_classes=3, series_length=length,
        series_channels=channels,
    )  # fmt: skip


def test_series_odds_compare_networks_with_minirocket_from_the_ucr_evidence() -> None:
    rec = run_engine(_series(300), CPU, GPU_HOURS)
    assert rec.odds is not None and rec.odds.model == "series_published"
    assert (rec.odds.deep_family, rec.odds.classical_family) == ("cnn", "minirocket")
    assert "random-kernel classifier (MiniRocket)" in rec.odds.reason and "published_ucr.csv" in rec.odds.source
    assert rec.odds.favours == "too_close"  # InceptionTime beat MiniRocket on 49 of 112 UCR sets: a coin flip
    fit = next(m for m in odds_models() if m.id == "series_published").fit
    assert fit["datasets"] == 112 and fit["deep_wins"] == 49
    short = run_engine(_series(300), CPU, Constraints(gpu=False, time_budget_s=60))
    assert short.odds is not None and short.odds.model == "series_short_run"
    assert short.odds.p_deep < rec.odds.p_deep  # a 60 s CPU run starves the networks: measured


def test_series_rank_minirocket_first_on_small_data_and_networks_gain_with_data_and_a_gpu() -> None:
    small = run_engine(_series(200), CPU, Constraints(gpu=False))
    assert small.top.family == "minirocket" and small.top.kind == "classical"
    assert {"evidence.series_rocket", "odds.deep_vs_gbdt"} <= set(small.top.rules)
    score = {r.family: r.score for r in small.ranking}
    large = {r.family: r.score for r in run_engine(_series(50_000), CPU, GPU_HOURS).ranking}
    assert large["cnn"] - large["minirocket"] > score["cnn"] - score["minirocket"]
    long = {r.family: r.score for r in run_engine(_series(200, length=5_000), CPU, Constraints(gpu=False)).ranking}
    assert long["rnn"] < score["rnn"]  # recurrent networks on very long series: slow and forgetful
    multi = run_engine(_series(200, channels=6), CPU, Constraints(gpu=False))
    assert any(r.id == "size.series_multichannel" for r in multi.fired)
    plain = run_engine(_series(200), CPU, Constraints(gpu=False, interpretability=True))
    assert plain.top.family not in ("minirocket", "multirocket", "cnn")


def test_the_short_run_series_shift_is_what_the_script_measures_on_the_shipped_runs() -> None:
    script = _fit_odds_script()
    measured = pd.read_csv(script.MEASURED_SERIES)
    block = script.series_shift(script.published_series_table(), measured)
    stored = next(m for m in odds_models() if m.id == "series_short_run")
    assert f"intercept = {stored.intercept:.4f}" in block and stored.intercept < 0  # the CPU run starves networks
    assert stored.fit["datasets"] == len(measured) and set(measured["budget_s"]) == {60}

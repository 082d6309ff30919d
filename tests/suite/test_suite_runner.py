"""benchmark_suite: one run folder per dataset, suite.json after every step, failures recorded, reruns resume.

Real Optuna SQLite storage, real datasets, tiny trial budgets on the linear family.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import advisor
from advisor.benchmarking import BenchmarkResult
from advisor.errors import InvalidArgumentError
from advisor.suite import SuiteEvent

TINY = advisor.Budget(seconds=120, trials=2)


def _state(out: Path) -> dict[str, dict]:
    data = json.loads((out / "suite.json").read_text(encoding="utf-8"))
    return {e["name"]: e for e in data["entries"]}


def test_sequential_suite_records_failures_and_goes_on(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    no_target = tmp_path / "ids.csv"
    no_target.write_text("id,value\n1,0.5\n2,0.7\n3,0.1\n", encoding="utf-8")
    events: list[SuiteEvent] = []
    out = tmp_path / "out"
    result = advisor.benchmark_suite(
        [str(empty), "diabetes", str(no_target), "gunpoint"],
        out_dir=out,
        budget=TINY,
        families=["linear"],
        reports=None,
        on_progress=events.append,
    )
    assert [d.status for d in result.datasets] == ["failed", "done", "failed", "done"]
    assert "empty" in result.dataset("empty").error and result.dataset("empty").error_kind == "input"
    assert "no target" in result.dataset("ids").error
    assert [r.dataset for r in result.results] == ["diabetes", "gunpoint"]
    for name in ("diabetes", "gunpoint"):
        saved = BenchmarkResult.load(out / name / "result.json")
        assert saved.family("linear").trials_complete == 2 and (out / name / "optuna.db").exists()
    state = _state(out)
    assert state["diabetes"]["status"] == "done" and state["diabetes"]["target"] == "target"
    assert state["gunpoint"]["target"] == "label"  # the loader's own target
    assert state["empty"]["status"] == "failed" and "empty" in state["empty"]["error"]
    assert all(e["pid"] and e["wall_s"] is not None for e in state.values())
    kinds = [(e.kind, e.dataset) for e in events]
    assert kinds[:4] == [("pending", n) for n in ("empty", "diabetes", "ids", "gunpoint")]
    assert ("failed", "empty") in kinds and ("done", "gunpoint") in kinds
    assert any(e.kind == "progress" and e.dataset == "diabetes" for e in events)
    summary = result.summary()
    assert list(summary["status"]) == ["failed", "done", "failed", "done"]
    assert summary.loc[1, "recommended"] and summary.loc[1, "best"] == "linear" and summary.loc[1, "regret"] == 0


def test_rerun_skips_finished_and_resumes_unfinished(tmp_path: Path) -> None:
    suite_file = tmp_path / "suite.toml"
    entry = '[[datasets]]\npath = "{}"\ntrials = {}\n'
    header = 'families = ["linear"]\nbudget = 120\n\n'
    suite_file.write_text(header + entry.format("diabetes", 2) + entry.format("credit_g", 2), encoding="utf-8")
    out = tmp_path / "out"
    first = advisor.benchmark_suite(suite_file, out_dir=out, reports=None)
    assert [d.status for d in first.datasets] == ["done", "done"]
    finished = out / "diabetes" / "result.json"
    mtime = finished.stat().st_mtime_ns
    earlier = [(t.number, t.params, t.value) for t in first.dataset("credit_g").result.trials]
    assert len(earlier) == 2

    # credit_g was cut short: its result.json is gone but its optuna.db stays; and it gets 2 more trials.
    (out / "credit_g" / "result.json").unlink()
    suite_file.write_text(header + entry.format("diabetes", 2) + entry.format("credit_g", 4), encoding="utf-8")
    events: list[SuiteEvent] = []
    second = advisor.benchmark_suite(suite_file, out_dir=out, reports=None, on_progress=events.append)

    assert second.dataset("diabetes").status == "skipped" and second.dataset("diabetes").reused
    assert finished.stat().st_mtime_ns == mtime  # not re-run
    assert not any(e.kind == "start" and e.dataset == "diabetes" for e in events)
    assert second.summary().loc[0, "status"] == "skipped"
    resumed = second.dataset("credit_g")
    assert resumed.status == "done" and resumed.result.family("linear").trials_complete == 4
    assert [(t.number, t.params, t.value) for t in resumed.result.trials][:2] == earlier  # earlier trials kept
    state = _state(out)
    assert state["diabetes"]["status"] == "skipped" and state["diabetes"]["runs"] == 1
    assert state["credit_g"]["status"] == "done" and state["credit_g"]["runs"] == 2
    assert len(second.results) == 2  # reused results still reach the reports


def test_task_metric_and_refit_full_reach_each_dataset_and_decide_reuse(tmp_path: Path) -> None:
    suite_file = tmp_path / "suite.yaml"
    suite_file.write_text(
        "families: [linear]\ntrials: 2\nrefit_full: false\n"
        "datasets:\n  - path: diabetes\n    task: classification\n    metric: f1\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    first = advisor.benchmark_suite(suite_file, out_dir=out, reports=None).dataset("diabetes")
    assert first.status == "done", first.error
    result = first.result
    assert (result.task, result.metric, result.verdict.metric) == ("binary", "f1", "f1")
    assert result.deployed["note"] == "refit on all rows turned off (refit_full=False)"
    identity = _state(out)["diabetes"]["identity"]
    assert (identity["task"], identity["metric"], identity["refit_full"]) == ("classification", "f1", False)

    same = advisor.benchmark_suite(suite_file, out_dir=out, reports=None).dataset("diabetes")
    assert same.status == "skipped"  # nothing changed: the finished result is reused

    other = advisor.benchmark_suite(suite_file, out_dir=out, reports=None, metric="accuracy").dataset("diabetes")
    assert other.status == "skipped"  # the entry's own metric wins over the caller's

    refit = advisor.benchmark_suite(suite_file, out_dir=out, reports=None, refit_full=True).dataset("diabetes")
    assert refit.status == "done"  # refit_full changed: benchmarked again (the studies resume)
    assert "note" not in refit.result.deployed and refit.result.deployed["rows"] == 768
    assert refit.result.family("linear").trials_complete == 2  # resumed, not repeated

    suite_file.write_text(suite_file.read_text(encoding="utf-8").replace("metric: f1", "metric: mcc"), encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="Unknown metric 'mcc'"):
        advisor.benchmark_suite(suite_file, out_dir=out, reports=None)
    suite_file.write_text(
        suite_file.read_text(encoding="utf-8").replace("metric: mcc", "metric: matthews_corrcoef"), encoding="utf-8"
    )
    scorer = advisor.benchmark_suite(suite_file, out_dir=out, reports=None, refit_full=True).dataset("diabetes")
    assert scorer.status == "done" and scorer.result.metric == "matthews_corrcoef"  # a new metric: run again
    assert scorer.result.family("linear").test_metrics["matthews_corrcoef"] is not None

"""`advisor benchmark` with several datasets: parallel worker processes, bars on stderr, summary, reports."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "advisor.cli", "benchmark", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_parallel_suite_end_to_end_then_rerun_reuses(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ("diabetes", "breast_cancer_wisconsin", "--trials", "2", "--families", "linear", "--jobs", "2")
    proc = _cli(*args, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    stderr = " ".join(proc.stderr.split())
    assert "diabetes done" in stderr and "breast_cancer_wisconsin done" in stderr  # per-dataset lines
    assert "suite" in stderr and "2/2 finished: 2 done" in stderr  # the overall bar
    stdout = " ".join(proc.stdout.split())
    assert "Suite:" in stdout and "diabetes" in stdout and "breast_cancer_wisc" in stdout
    assert f"suite state: {out / 'suite.json'}" in stdout

    state = json.loads((out / "suite.json").read_text(encoding="utf-8"))
    entries = {e["name"]: e for e in state["entries"]}
    assert {e["status"] for e in entries.values()} == {"done"}
    pids = {e["pid"] for e in entries.values()}
    assert len(pids) == 2 and all(pids)  # two worker processes
    for name in entries:
        assert (out / name / "result.json").exists() and (out / name / "optuna.db").exists()

    if importlib.util.find_spec("advisor.reporting.write") is not None:
        assert set(state["reports"]) == {"html", "md", "json"}
        assert all(Path(p).exists() for p in state["reports"].values())
        assert "html report:" in stdout
    else:
        assert "no reports written" in stderr

    mtimes = {name: (out / name / "result.json").stat().st_mtime_ns for name in entries}
    again = _cli(*args, "--out", str(out), "--report", "none")
    assert again.returncode == 0, again.stderr
    summary = " ".join(again.stdout.split())
    assert summary.count(" skipped ") == 2 and "reused the result of an earlier run" in summary
    assert mtimes == {name: (out / name / "result.json").stat().st_mtime_ns for name in entries}


def test_suite_file_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    suite = tmp_path / "suite.yaml"
    suite.write_text("datasets:\n  - path: diabetes\n    budget: -1\n", encoding="utf-8")
    proc = _cli("--suite", str(suite), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "budget must be a positive number" in proc.stderr
    bad = _cli("diabetes", "credit_g", "--run-dir", str(tmp_path / "r"))
    assert bad.returncode == 2 and "--out" in bad.stderr


def test_suite_options_task_metric_and_no_refit_full_reach_every_dataset(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ("diabetes", "--out", str(out), "--trials", "2", "--families", "linear", "--report", "none")
    proc = _cli(*args, "--task", "binary", "--metric", "AUC", "--no-refit-full", "--json")
    assert proc.returncode == 0, proc.stderr
    (row,) = json.loads(proc.stdout)["datasets"]
    assert (row["status"], row["metric"], row["chosen"]) == ("done", "roc_auc", "linear")
    saved = json.loads((out / "diabetes" / "result.json").read_text(encoding="utf-8"))
    assert saved["deployed"]["note"] == "refit on all rows turned off (refit_full=False)"
    identity = json.loads((out / "suite.json").read_text(encoding="utf-8"))["entries"][0]["identity"]
    assert (identity["task"], identity["metric"], identity["refit_full"]) == ("binary", "roc_auc", False)
    bad = _cli(*args, "--metric", "rmse")
    assert bad.returncode == 2 and "does not apply to a binary task" in " ".join(bad.stdout.split())

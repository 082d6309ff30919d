"""`advisor benchmark`: a progress bar, a readable leaderboard, JSON, and resumable run folders."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from advisor.benchmarking import BenchmarkResult
from advisor.cli import app

runner = CliRunner()


def test_benchmark_prints_leaderboard_and_verdict(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "advisor.cli",
            "benchmark",
            "diabetes",
            "--trials",
            "4",
            "--budget",
            "120",
            "--run-dir",
            str(tmp_path / "run"),
            "--families",
            "linear,lightgbm",
            "--price-per-hour",
            "3.0",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    out = " ".join(proc.stdout.split())
    assert "Leaderboard: diabetes" in out and "Pareto front" in out
    assert "linear" in out and "lightgbm" in out
    assert "The rules" in out  # the rules-vs-measured verdict
    assert "trials" in proc.stderr and "best loss" in proc.stderr  # the live progress bar
    assert (tmp_path / "run" / "models" / "lightgbm.pkl").exists()


def test_benchmark_json_and_resume(tmp_path: Path) -> None:
    args = [
        "benchmark",
        "diabetes",
        "--trials",
        "3",
        "--run-dir",
        str(tmp_path / "r"),
        "--families",
        "linear",
        "--json",
    ]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    result = BenchmarkResult.from_dict(json.loads(first.stdout))
    assert result.family("linear").trials_complete == 3
    second = BenchmarkResult.from_dict(json.loads(runner.invoke(app, args).stdout))
    assert second.family("linear").trials_complete == 3  # resumed: nothing repeated, nothing added


def test_benchmark_help_and_bad_budget() -> None:
    assert "--budget" in runner.invoke(app, ["benchmark", "--help"]).output
    proc = subprocess.run(
        [sys.executable, "-m", "advisor.cli", "benchmark", "diabetes", "--budget", "0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr

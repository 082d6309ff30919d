"""The CLI: readable output, JSON for machines, --help, and bad input as a message (exit 2), never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from advisor.cli import app
from advisor.profiling import DatasetProfile
from advisor.rules import Recommendation

runner = CliRunner()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real entry point in a subprocess (as a user would)."""
    return subprocess.run([sys.executable, "-m", "advisor.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def churn_csv(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    n = 600
    frame = pd.DataFrame(
        {
            "tenure": rng.integers(1, 72, n),
            "monthly": rng.normal(70, 20, n).round(2),
            "contract": rng.choice(["month", "year", "two-year"], n),
            "churn": rng.choice(["yes", "no"], n, p=[0.3, 0.7]),
        }
    )
    path = tmp_path / "churn.csv"
    frame.to_csv(path, index=False)
    return path


def test_recommend_readable_output(churn_csv: Path) -> None:
    result = runner.invoke(app, ["recommend", str(churn_csv), "--target", "churn"])
    assert result.exit_code == 0, result.output
    assert "Ranked model families" in result.output
    assert "Why:" in result.output and "source:" in result.output
    assert "Benchmark plan" in result.output


def test_recommend_json_round_trips(churn_csv: Path) -> None:
    result = runner.invoke(app, ["recommend", str(churn_csv), "-t", "churn", "--json", "--interpretable"])
    assert result.exit_code == 0, result.output
    rec = Recommendation.from_dict(json.loads(result.stdout))
    assert rec.task == "binary" and rec.verdict == "classical" and rec.constraints.interpretability


def test_profile_json(churn_csv: Path) -> None:
    result = runner.invoke(app, ["profile", str(churn_csv), "--target", "churn", "--json"])
    assert result.exit_code == 0, result.output
    prof = DatasetProfile.from_dict(json.loads(result.stdout))
    assert (prof.rows, prof.features, prof.task) == (600, 3, "binary")


def test_missing_target_is_proposed_with_reason(churn_csv: Path) -> None:
    proc = _cli("recommend", str(churn_csv), "--json")
    assert proc.returncode == 0, proc.stderr
    assert "using 'churn'" in proc.stderr and "--target" in proc.stderr
    assert json.loads(proc.stdout)["task"] == "binary"


def test_constraints_change_the_answer(churn_csv: Path) -> None:
    fast = json.loads(
        runner.invoke(
            app,
            [
                "recommend",
                str(churn_csv),
                "-t",
                "churn",
                "--json",
                "--latency-ms",
                "1",
                "--urgency",
                "high",
                "--no-gpu",
            ],
        ).stdout
    )
    assert fast["gpu"] is False and fast["constraints"]["latency_ms"] == 1.0
    assert "deploy.urgent" in {r["id"] for r in fast["fired"]}


@pytest.mark.parametrize("command", ["profile", "recommend", "datasets", "hardware", "trials"])
def test_help_documents_each_command(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output and len(result.output) > 200


def test_bad_path_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    proc = _cli("recommend", str(tmp_path / "nope.csv"), "--target", "y")
    assert proc.returncode == 2
    assert "error:" in proc.stderr and "nope.csv" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_unknown_target_is_a_clear_error(churn_csv: Path) -> None:
    proc = _cli("recommend", str(churn_csv), "--target", "chrun")
    assert proc.returncode == 2 and "churn" in proc.stderr and "Traceback" not in proc.stderr


def test_constant_target_and_empty_file(tmp_path: Path) -> None:
    const = tmp_path / "const.csv"
    pd.DataFrame({"x": range(50), "y": ["a"] * 50}).to_csv(const, index=False)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    for path in (const, empty):
        proc = _cli("recommend", str(path), "--target", "y")
        assert proc.returncode == 2, proc.stderr
        assert "error:" in proc.stderr and "Traceback" not in proc.stderr


def test_bundled_dataset_by_name() -> None:
    result = runner.invoke(app, ["recommend", "sms_spam", "--json"])
    assert result.exit_code == 0, result.output
    rec = json.loads(result.stdout)
    assert rec["modality"] == "text" and rec["ranking"][0]["family"] == "embedding_xgboost"
    # 5,574 messages in 2 classes: about 2,787 per class -> fine-tune the top layers (framework §6)
    assert rec["transfer"]["strategy"] == "partial_fine_tuning"


def test_datasets_lists_bundled() -> None:
    result = runner.invoke(app, ["datasets"])
    assert result.exit_code == 0 and "adult" in result.output and "gunpoint" in result.output

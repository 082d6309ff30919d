"""`--task`, `--metric` and `--refit-full/--no-refit-full` in the CLI: stated, checked, and seen in the output;
data no model can be scored on is refused with one clear message (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from advisor.benchmarking import BenchmarkResult
from advisor.cli import app
from advisor.profiling import DatasetProfile

runner = CliRunner()
ROWS = 60


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real entry point in a subprocess (AdvisorErrors become exit 2 there)."""
    return subprocess.run(
        [sys.executable, "-m", "advisor.cli", *args], capture_output=True, text=True, timeout=180, cwd=cwd
    )


def _flat(text: str) -> str:
    """Output on one line, without the frame of rich's error panel (rich wraps at the terminal width)."""
    return " ".join(text.replace("│", " ").split())


@pytest.fixture
def ratings_csv(tmp_path: Path) -> Path:
    """A 1-5 rating to predict from two numbers: read as 5 classes, flagged as ambiguous."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=ROWS)
    rating = np.clip(np.round(3 + 1.2 * x + rng.normal(scale=0.5, size=ROWS)), 1, 5).astype(int)
    path = tmp_path / "ratings.csv"
    pd.DataFrame({"x": x, "z": rng.normal(size=ROWS), "rating": rating}).to_csv(path, index=False)
    return path


@pytest.fixture
def two_rows_csv(tmp_path: Path) -> Path:
    path = tmp_path / "two.csv"
    path.write_text("a,b,y\n1,2,0\n3,4,1\n", encoding="utf-8")
    return path


@pytest.fixture
def ids_csv(tmp_path: Path) -> Path:
    """A table whose 'name' column is an identifier: every value differs."""
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {"x": rng.normal(size=ROWS), "y": rng.integers(0, 2, ROWS), "name": [f"n{i}" for i in range(ROWS)]}
    )
    path = tmp_path / "people.csv"
    frame.to_csv(path, index=False)
    return path


# ------------------------------------------------------------------------------------------- profile
def test_profile_warns_about_an_ambiguous_rating_and_task_overrides_it(ratings_csv: Path) -> None:
    shown = runner.invoke(app, ["profile", str(ratings_csv), "--target", "rating"])
    assert shown.exit_code == 0, shown.output
    text = _flat(shown.output)
    assert "warning: the task (multiclass) is a guess" in text
    assert "--task regression" in text

    as_json = runner.invoke(app, ["profile", str(ratings_csv), "-t", "rating", "--json"])
    flagged = DatasetProfile.from_dict(json.loads(as_json.stdout))
    assert (flagged.task, flagged.task_ambiguous, flagged.n_classes) == ("multiclass", True, 5)

    stated = runner.invoke(app, ["profile", str(ratings_csv), "-t", "rating", "--task", "regression", "--json"])
    assert stated.exit_code == 0, stated.output
    prof = DatasetProfile.from_dict(json.loads(stated.stdout))
    assert (prof.task, prof.task_ambiguous, prof.n_classes, prof.metric) == ("regression", False, None, None)
    assert prof.task_reason == "given by the user"

    readable = runner.invoke(
        app, ["profile", str(ratings_csv), "-t", "rating", "--task", "regression", "--metric", "MAE"]
    )
    text = _flat(readable.output)
    assert "metric mae (stated by the user)" in text and "is a guess" not in text


def test_an_unknown_task_is_refused_by_the_option() -> None:
    result = runner.invoke(app, ["profile", "diabetes", "--task", "ranking"])
    assert result.exit_code == 2
    assert "ranking" in result.output and "regression" in result.output


# ------------------------------------------------------------------------------------------- recommend
def test_recommend_plans_with_the_stated_metric(ratings_csv: Path) -> None:
    result = runner.invoke(
        app, ["recommend", str(ratings_csv), "-t", "rating", "--task", "regression", "--metric", "mae", "--json"]
    )
    assert result.exit_code == 0, result.output
    rec = json.loads(result.stdout)
    assert (rec["task"], rec["plan"]["metric"]) == ("regression", "mae")
    alias = json.loads(runner.invoke(app, ["recommend", "diabetes", "--metric", "auc", "--json"]).stdout)
    assert alias["plan"]["metric"] == "roc_auc"  # an alias, written the canonical way
    scorer = json.loads(runner.invoke(app, ["recommend", "diabetes", "--metric", "matthews_corrcoef", "--json"]).stdout)
    assert scorer["plan"]["metric"] == "matthews_corrcoef"  # any scikit-learn scorer


def test_recommend_readable_output_says_the_task_is_a_guess(ratings_csv: Path) -> None:
    result = runner.invoke(app, ["recommend", str(ratings_csv), "-t", "rating"])
    assert result.exit_code == 0, result.output
    assert "warning: The task (multiclass) is a reading of the target" in _flat(result.output)


def test_a_bad_metric_exits_2_with_the_choices(ratings_csv: Path) -> None:
    typo = _cli("recommend", str(ratings_csv), "-t", "rating", "--metric", "acuracy")
    assert typo.returncode == 2, typo.stdout
    message = _flat(typo.stderr)
    assert "Invalid value for '--metric': Unknown metric 'acuracy'" in message
    assert "Did you mean 'accuracy'" in message and "rmse, mae, r2" in message
    assert "Traceback" not in typo.stderr

    wrong_task = _cli("recommend", str(ratings_csv), "-t", "rating", "--metric", "rmse")
    assert wrong_task.returncode == 2
    message = _flat(wrong_task.stderr)
    assert message.startswith("error: Metric 'rmse' does not apply to a multiclass task.")
    assert "state the task" in message and "Traceback" not in wrong_task.stderr


def test_help_explains_the_options() -> None:
    def shown(command: str) -> str:
        return _flat(runner.invoke(app, [command, "--help"], env={"COLUMNS": "240"}).output)

    text = shown("benchmark")
    for option in ("--task", "--metric", "--refit-full", "--no-refit-full"):
        assert option in text
    assert "balanced_accuracy, roc_auc, log_loss, f1 (classification); rmse, mae, r2 (regression)" in text
    assert "trials still minimize log loss (classification) or RMSE (regression)" in text
    assert "models/best.pkl, the model to deploy [default: refit-full]" in text
    assert "--metric" in shown("recommend") and "--task" in shown("profile")


# ------------------------------------------------------------------------------------------- refused data
@pytest.mark.parametrize("command", ["recommend", "benchmark"])
@pytest.mark.parametrize(
    ("data", "target", "message"),
    [
        ("two_rows_csv", "y", "The data has 2 labelled rows (2 samples): too few to train, validate and test a model"),
        ("ids_csv", "name", "Every one of the 60 values of target 'name' is different: it looks like an identifier"),
    ],
    ids=["two rows", "identifier target"],
)
def test_data_no_model_can_be_scored_on_is_refused(
    command: str, data: str, target: str, message: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    path: Path = request.getfixturevalue(data)
    extra = ["--run-dir", str(tmp_path / "run"), "--trials", "2"] if command == "benchmark" else []
    proc = _cli(command, str(path), "--target", target, *extra)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    text = _flat(proc.stderr)
    assert f"error: {message}" in text
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not (tmp_path / "run").exists()  # refused before a run folder is made


# ------------------------------------------------------------------------------------------- benchmark
def _benchmark(path: Path, run_dir: Path, *extra: str) -> BenchmarkResult:
    args = ["benchmark", str(path), "-t", "rating", "--task", "regression", "--metric", "mae"]
    args += ["--families", "linear", "--trials", "2", "--run-dir", str(run_dir), "--json", *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return BenchmarkResult.from_dict(json.loads(result.stdout))


def test_benchmark_ranks_by_the_metric_and_refits_the_choice_on_all_rows(ratings_csv: Path, tmp_path: Path) -> None:
    result = _benchmark(ratings_csv, tmp_path / "full")
    assert (result.task, result.metric, result.higher_is_better) == ("regression", "mae", False)
    assert list(result.leaderboard().columns[:6]) == ["rank", "family", "label", "kind", "inputs", "mae"]
    assert result.verdict.metric == "mae"
    assert result.best_family == "linear" and result.choice.startswith("best validation mae")
    deployed = result.deployed
    assert deployed["path"] == str(tmp_path / "full" / "models" / "best.pkl")
    assert Path(deployed["path"]).is_file()
    assert deployed["rows"] == ROWS and "note" not in deployed  # refit on every row, test rows included
    assert deployed["trained_on"].startswith("all rows")


def test_no_refit_full_keeps_the_model_scored_on_test(ratings_csv: Path, tmp_path: Path) -> None:
    result = _benchmark(ratings_csv, tmp_path / "kept", "--no-refit-full")
    deployed = result.deployed
    assert deployed["note"] == "refit on all rows turned off (refit_full=False)"
    assert deployed["rows"] == result.family("linear").train_rows < ROWS
    assert deployed["trained_on"] == result.family("linear").trained_on
    assert Path(deployed["path"]).is_file()


def test_benchmark_readable_output_names_the_model_to_deploy(ratings_csv: Path, tmp_path: Path) -> None:
    args = ["benchmark", str(ratings_csv), "-t", "rating", "--task", "regression", "--metric", "mae"]
    result = runner.invoke(app, [*args, "--families", "linear", "--trials", "2", "--run-dir", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    text = _flat(result.output)
    assert "Leaderboard: ratings (regression, test mae" in text
    assert "Chosen model: linear (best validation mae" in text
    assert "Model to deploy:" in text and "best.pkl" in text and "trained on all rows" in text

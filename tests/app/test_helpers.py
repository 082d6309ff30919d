"""The dashboard's plain helpers: uploads, run folders, jobs (start, kill, status), downloads, launching."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

import advisor
from advisor.app import jobs, launch
from advisor.app.runs import past_runs, run_folder, slug
from advisor.app.uploads import MAX_UPLOAD_MB, UPLOADS_DIR, safe_name, save_uploads
from advisor.errors import FileTooLargeError, InvalidArgumentError
from tests.app.conftest import REPO, Benchmarked


# ------------------------------------------------------------------------------------------- uploads
def test_safe_name_keeps_only_the_file_name() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\me\\My Data (1).csv") == "My_Data_1_.csv"
    assert safe_name("...") == "upload"


def test_one_upload_is_saved_once_by_content(tmp_path: Path) -> None:
    first = save_uploads([("churn.csv", b"a,b\n1,2\n")], tmp_path)
    again = save_uploads([("churn.csv", b"a,b\n1,2\n")], tmp_path)
    other = save_uploads([("churn.csv", b"a,b\n3,4\n")], tmp_path)
    assert first == again != other
    assert first.name == "churn.csv" and first.parent.parent == tmp_path / UPLOADS_DIR
    assert first.read_bytes() == b"a,b\n1,2\n"


def test_ts_files_go_into_one_folder_named_after_the_problem(tmp_path: Path) -> None:
    folder = save_uploads([("GunPoint_TRAIN.ts", b"x"), ("GunPoint_TEST.ts", b"y")], tmp_path)
    assert folder.name == "GunPoint" and {p.name for p in folder.iterdir()} == {"GunPoint_TRAIN.ts", "GunPoint_TEST.ts"}


def test_upload_limits_and_combinations_are_checked(tmp_path: Path) -> None:
    with pytest.raises(FileTooLargeError, match="over the dashboard's limit"):
        save_uploads([("big.csv", b"x" * 101)], tmp_path, max_bytes=100)
    with pytest.raises(InvalidArgumentError, match="2 files were uploaded"):
        save_uploads([("a.csv", b"1"), ("b.csv", b"2")], tmp_path)
    with pytest.raises(InvalidArgumentError, match="same name"):
        save_uploads([("X_TRAIN.ts", b"1"), ("X_TRAIN.ts", b"2")], tmp_path)
    with pytest.raises(InvalidArgumentError, match="No file"):
        save_uploads([], tmp_path)


# ------------------------------------------------------------------------------------------- runs
def test_run_folder_names() -> None:
    assert run_folder("runs", "adult", "income") == Path("runs/adult-income")
    assert run_folder("runs", "reviews", "Recommended IND", seed=3, tag="ab12") == Path(
        "runs/reviews-Recommended-IND-seed3-ab12"
    )
    assert slug("../x y") == "x-y"
    assert run_folder("runs", "ratings", "stars", task="regression") == Path("runs/ratings-stars-regression")


def test_past_runs_skip_uploads_and_unreadable_results(tmp_path: Path, benchmarked: Benchmarked) -> None:
    good = json.loads((benchmarked.run_dir / "result.json").read_text())
    for folder in ("one", "suite/two", ".uploads/three"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "result.json").write_text(json.dumps(good))
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "result.json").write_text("{not json")
    found = past_runs(tmp_path)
    assert sorted(r.path.name for r in found) == ["one", "two"]
    assert found[0].dataset == "diabetes" and found[0].winner == good["verdict"]["winner"]
    assert found[0].label.startswith(f"diabetes · {good['verdict']['winner']} ")
    assert past_runs(tmp_path / "missing") == []


# ------------------------------------------------------------------------------------------- jobs
def test_events_skip_a_half_written_line(tmp_path: Path) -> None:
    jobs.append_event(tmp_path, {"phase": "search", "family": "linear", "best": {}})
    with open(tmp_path / jobs.PROGRESS_FILE, "a") as fh:
        fh.write('{"phase": "sea')
    events = jobs.read_events(tmp_path)
    assert [e["phase"] for e in events] == ["search"] and "time" in events[0]
    assert jobs.job_status(tmp_path).state == "idle"


def test_a_killed_worker_reads_as_interrupted_and_a_bad_input_as_failed(tmp_path: Path) -> None:
    spec = jobs.JobSpec("diabetes", "target", None, str(tmp_path / "killed"), seconds=60)
    status = jobs.start_job(spec)
    assert status.running and status.pid
    with pytest.raises(InvalidArgumentError, match="already running"):
        jobs.start_job(spec)
    os.killpg(status.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while jobs.job_status(status.run_dir).running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert jobs.job_status(status.run_dir).state == "interrupted"

    bad = jobs.start_job(jobs.JobSpec("diabetes", "no_such_column", None, str(tmp_path / "bad"), seconds=5))
    deadline = time.monotonic() + 60
    while (status := jobs.job_status(bad.run_dir)).running and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status.state == "failed"
    assert "no_such_column" in status.problem and status.fix
    assert "Traceback" not in jobs.log_tail(bad.run_dir)


def test_stopping_nothing_is_harmless(tmp_path: Path) -> None:
    assert jobs.stop_job(tmp_path).state == "idle"


# ------------------------------------------------------------------------------------------- launching
def test_streamlit_settings_match_the_repository_config() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB == int(launch.STREAMLIT_OPTIONS["server.maxUploadSize"])
    assert config["client"]["showErrorDetails"] == launch.STREAMLIT_OPTIONS["client.showErrorDetails"] == "none"
    command = launch.streamlit_command(port=8599, headless=True)
    assert command[:5] == [sys.executable, "-m", "streamlit", "run", str(launch.script_path())]
    assert launch.script_path().is_file()
    assert command[command.index("--server.port") :][:2] == ["--server.port", "8599"]
    assert "--server.headless" in command


def test_cli_app_runs_streamlit_on_the_packaged_script(monkeypatch: pytest.MonkeyPatch) -> None:
    from advisor import cli

    calls: list[list[str]] = []
    monkeypatch.setattr(subprocess, "call", lambda command: calls.append(command) or 0)
    outcome = CliRunner().invoke(cli.app, ["app", "--port", "8600", "--headless"])
    assert outcome.exit_code == 0, outcome.output
    assert calls == [launch.streamlit_command(port=8600, headless=True)]


def test_import_advisor_stays_light() -> None:
    code = "import sys, advisor, advisor.app, advisor.app.jobs; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_worker_on_a_folder_without_a_job_is_a_clear_error(tmp_path, capsys) -> None:
    from advisor.app.worker import main

    assert main([str(tmp_path / "nothing")]) == 2
    assert "holds no dashboard job" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------- the worker
def _linear_only(data: advisor.Dataset) -> dict:
    """A recommendation whose plan measures the linear family alone (fast)."""
    rec = advisor.recommend(data, {"gpu": False})
    plan = dataclasses.replace(rec.plan, items=tuple(i for i in rec.plan.items if i.family == "linear"))
    return dataclasses.replace(rec, plan=plan).to_dict()


def test_the_worker_benchmarks_with_the_stated_task_metric_and_refit(tmp_path: Path) -> None:
    from advisor.app.worker import run

    data = advisor.load("diabetes", target="target", task="binary", metric="f1")
    spec = jobs.JobSpec(
        "diabetes", "target", None, str(tmp_path / "run"), seconds=60, trials=2,
        recommendation=_linear_only(data), task="binary", metric="f1", refit_full=False, sampler="random",
        pruner="none",
    )  # fmt: skip
    carried = jobs.JobSpec.from_dict(json.loads(json.dumps(spec.to_dict())))  # as job.json carries it
    assert (carried.task, carried.metric, carried.refit_full) == ("binary", "f1", False)
    assert (carried.sampler, carried.pruner) == ("random", "none")
    result = run(spec, lambda event: None)
    assert (result.task, result.metric, result.best_family) == ("binary", "f1", "linear")
    assert (result.settings["sampler"], result.settings["pruner"]) == ("random", "none")
    assert result.deployed["note"] == "refit on all rows turned off (refit_full=False)"
    assert (tmp_path / "run" / "models" / "best.pkl").is_file()


def test_the_worker_reports_data_too_small_to_score_as_problem_and_fix(tmp_path: Path) -> None:
    from advisor.app.worker import main

    data = tmp_path / "two.csv"
    data.write_text("a,b,y\n1,2,0\n3,4,1\n", encoding="utf-8")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    spec = jobs.JobSpec(str(data), "y", None, str(run_dir), seconds=5)
    (run_dir / jobs.JOB_FILE).write_text(json.dumps({"spec": spec.to_dict(), "pid": None}), encoding="utf-8")
    assert main([str(run_dir)]) == 2
    status = jobs.job_status(run_dir)
    assert status.state == "failed"
    assert status.problem.startswith("The data has 2 labelled rows") and status.fix.startswith("Add labelled rows")

"""Several workers on one benchmark over a real PostgreSQL: trials shared, never lost or repeated, a killed
worker's trial found by Optuna's heartbeat and run again once, a worker joining late, the budget kept.

Needs PostgreSQL (the ``postgres`` fixture: skipped without one, except in CI)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import optuna
import pytest

import advisor
from advisor.benchmarking.objective import UNUSED_ATTR
from advisor.benchmarking.results import BenchmarkResult
from advisor.errors import InvalidArgumentError

TrialState = optuna.trial.TrialState


@pytest.fixture(scope="module")
def credit_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """credit_g as a file every worker can load (workers share data by path and SHA-256)."""
    path = tmp_path_factory.mktemp("data") / "credit_g.csv"
    data = advisor.datasets.load("credit_g")
    data.X.assign(target=data.y).to_csv(path, index=False)
    return path


def _trials(url: str, run: str) -> dict[str, list[optuna.trial.FrozenTrial]]:
    names = [n for n in optuna.get_all_study_names(storage=url) if n.startswith(f"{run}/")]
    return {n.split("/", 1)[1]: optuna.load_study(study_name=n, storage=url).get_trials() for n in names}


def _in_background(**kwargs: Any) -> tuple[threading.Thread, dict[str, Any]]:
    out: dict[str, Any] = {}

    def run() -> None:
        start = time.monotonic()
        try:
            out["result"] = advisor.benchmark(**kwargs)
        except BaseException as exc:  # reported by the test
            out["error"] = exc
        out["wall"] = time.monotonic() - start

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def _check_none_lost_or_repeated(trials: dict[str, list[optuna.trial.FrozenTrial]]) -> None:
    for family, studied in trials.items():
        numbers = [t.number for t in studied]
        assert numbers == list(range(len(studied))), family  # numbered once each by the storage
        assert all(t.state.is_finished() for t in studied), Counter(t.state.name for t in studied)
        ran = [t for t in studied if "failed_trial" not in t.system_attrs and UNUSED_ATTR not in t.user_attrs]
        drawn = [tuple(sorted(t.params.items())) for t in ran]
        assert len(drawn) == len(set(drawn)), f"{family}: two workers ran the same parameters"


def test_three_workers_share_one_benchmark_within_its_budget_and_trial_count(
    postgres: str, credit_file: Path, tmp_path: Path
) -> None:
    kwargs = {"target": "target", "families": ["linear", "lightgbm"], "seed": 0}
    budget = {"seconds": 45, "trials": 24}
    start = time.monotonic()
    shared = advisor.benchmark(
        str(credit_file), budget=budget, storage=postgres, workers=3, run_dir=tmp_path / "shared", **kwargs
    )
    wall = time.monotonic() - start
    assert wall <= 45 * 1.05
    trials = _trials(postgres, "shared")
    _check_none_lost_or_repeated(trials)
    ran = [t for studied in trials.values() for t in studied if UNUSED_ATTR not in t.user_attrs]
    assert len(ran) == len(shared.trials) <= 24  # the trial budget holds for all workers together
    unused = [t for studied in trials.values() for t in studied if UNUSED_ATTR in t.user_attrs]
    assert all(t.state == TrialState.FAIL and "metrics" not in t.user_attrs for t in unused)  # asked, never run
    workers = Counter(t.user_attrs["worker"] for studied in trials.values() for t in studied)
    assert len(workers) == 3, workers
    # the refits, the test score and the models happen once, in the first worker's run folder
    assert sorted(p.name for p in (tmp_path / "shared" / "models").glob("*.pkl")) == [
        "best.pkl", "lightgbm.pkl", "linear.pkl"
    ]  # fmt: skip
    assert not list((tmp_path / "shared" / "workers").rglob("*.pkl"))
    one = advisor.benchmark(str(credit_file), budget=budget, run_dir=tmp_path / "one", **kwargs)
    assert {f.family for f in shared.families} == {f.family for f in one.families}
    best = min(f.best_value for f in shared.families if f.best_value is not None)
    assert best <= min(f.best_value for f in one.families if f.best_value is not None) + 0.02
    # a worker with other data is refused, by hash
    other = tmp_path / "other.csv"
    lines = credit_file.read_text().splitlines(keepends=True)
    other.write_text("".join([*lines, lines[-1]]))  # one row more
    with pytest.raises(InvalidArgumentError, match="differs from the data the benchmark 'shared' started with"):
        advisor.join_benchmark(postgres, "shared", data=other)


def test_a_sigkilled_worker_loses_no_trial_and_its_trial_runs_again_once(
    postgres: str, credit_file: Path, tmp_path: Path
) -> None:
    budget = 40.0
    thread, out = _in_background(
        dataset=str(credit_file), target="target", families=["mlp"], budget=budget, storage=postgres, workers=3,
        run_dir=tmp_path / "killed", seed=0,
    )  # fmt: skip
    killed = _kill_a_worker_mid_trial(postgres, "killed", until=time.monotonic() + 20)
    thread.join(120)
    assert "error" not in out, out.get("error")
    assert out["wall"] <= budget * 1.05
    trials = _trials(postgres, "killed")["mlp"]
    _check_none_lost_or_repeated({"mlp": trials})
    by_number = {t.number: t for t in trials}
    assert by_number[killed].state == TrialState.FAIL and "error" not in by_number[killed].user_attrs
    retries = [t for t in trials if t.system_attrs.get("failed_trial") == killed]
    assert len(retries) == 1 and retries[0].state in (TrialState.COMPLETE, TrialState.PRUNED)
    assert retries[0].params == by_number[killed].params
    result: BenchmarkResult = out["result"]
    assert next(f for f in result.families if f.family == "mlp").status == "ok"
    assert any(r.error == "interrupted" and r.number == killed for r in result.trials)


def _kill_a_worker_mid_trial(url: str, run: str, until: float) -> int:
    """SIGKILL a local worker (not this process) while it runs a trial; return that trial's number."""
    while time.monotonic() < until:
        for trials in _trials(url, run).values():
            for t in trials:
                pid = int(str(t.user_attrs.get("worker", ":0")).rsplit(":", 1)[1])
                training = t.state == TrialState.RUNNING and t.intermediate_values  # epochs reported: mid-training
                if training and pid not in (0, os.getpid()) and t.number >= 2:
                    os.kill(pid, signal.SIGKILL)
                    return t.number
        time.sleep(0.1)
    pytest.fail("no worker ran a trial to kill")


def test_a_worker_joins_late_from_the_command_line(postgres: str, credit_file: Path, tmp_path: Path) -> None:
    thread, out = _in_background(
        dataset=str(credit_file), target="target", families=["lightgbm"], budget=35.0, storage=postgres,
        run_name="late", run_dir=tmp_path / "first", seed=0,
    )  # fmt: skip
    while not _trials(postgres, "late") and thread.is_alive():
        time.sleep(0.2)
    time.sleep(3)  # the first worker has been searching alone for a while
    copy = tmp_path / "copy.csv"
    shutil.copy(credit_file, copy)  # another machine's copy, at another path
    cli = Path(sys.executable).parent / "advisor"
    joined = subprocess.run(
        [str(cli), "worker", "--storage", postgres, "--run", "late", "--data", str(copy), "--threads", "1"],
        capture_output=True, text=True, timeout=90,
    )  # fmt: skip
    thread.join(90)
    assert joined.returncode == 0, joined.stderr
    assert "error" not in out, out.get("error")
    trials = _trials(postgres, "late")["lightgbm"]
    _check_none_lost_or_repeated({"lightgbm": trials})
    workers = Counter(t.user_attrs["worker"] for t in trials)
    assert len(workers) == 2, workers  # the first worker and the one that joined
    assert (
        f"ran {min(workers.values())} trials of 'late'" in joined.stdout
        or f"ran {max(workers.values())} trials" in joined.stdout
    )
    assert out["result"].best_family == "lightgbm"


def test_workers_on_sqlite_are_refused_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgumentError, match="Optuna advises against SQLite") as caught:
        advisor.benchmark("credit_g", budget=5, storage=f"sqlite:///{tmp_path}/x.db", workers=2, run_dir=tmp_path)
    assert "postgresql://" in caught.value.fix
    with pytest.raises(InvalidArgumentError, match="database server"):
        advisor.benchmark("credit_g", budget=5, workers=2, run_dir=tmp_path)


def test_joining_a_run_that_is_not_there_names_the_runs_that_are(postgres: str) -> None:
    with pytest.raises(InvalidArgumentError, match="holds no benchmark named 'nope'"):
        advisor.join_benchmark(postgres, "nope")


def test_the_cli_refuses_workers_on_sqlite_with_the_fix(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "advisor.cli", "benchmark", "diabetes", "--budget", "5", "--workers", "2"]
    proc = subprocess.run([*command, "--run-dir", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    text = " ".join(proc.stderr.split())
    assert "database server" in text and "postgresql://" in text and "Traceback" not in text

"""Killing a benchmark (SIGKILL) mid-run and rerunning it loses no finished trial."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import optuna

import advisor
from advisor.benchmarking import Budget

SCRIPT = """
import sys, advisor
from advisor.benchmarking import Budget
advisor.benchmark(advisor.datasets.load("diabetes"), budget=Budget(trials=int(sys.argv[2])),
                  run_dir=sys.argv[1], families=["lightgbm"])
"""


def _finished(storage: str) -> dict[int, tuple[dict, float | None]]:
    try:
        study = optuna.load_study(study_name="lightgbm", storage=storage)
    except KeyError:
        return {}
    return {t.number: (t.params, t.value) for t in study.get_trials() if t.state == optuna.trial.TrialState.COMPLETE}


def _complete_while_running(db: Path) -> int:
    """Finished trials, read without Optuna: opening the storage would also create its schema, racing the child
    that is creating it (both insert alembic_version; the loser crashes). Read-only SQLite never writes."""
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as con:
            return int(con.execute("SELECT COUNT(*) FROM trials WHERE state = 'COMPLETE'").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_sigkill_then_rerun_keeps_every_finished_trial(tmp_path: Path) -> None:
    run_dir = tmp_path / "killed"
    storage = f"sqlite:///{run_dir / 'optuna.db'}"
    target = 14
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(run_dir), str(target)])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if (run_dir / "optuna.db").exists() and _complete_while_running(run_dir / "optuna.db") >= 3:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    before = _finished(storage)
    assert 3 <= len(before) < target

    advisor.benchmark(
        advisor.datasets.load("diabetes"), budget=Budget(trials=target), run_dir=run_dir, families=["lightgbm"]
    )
    study = optuna.load_study(study_name="lightgbm", storage=storage)
    after = _finished(storage)
    assert all(after[n] == before[n] for n in before), "a finished trial changed or vanished"
    states = [t.state for t in study.trials]
    assert optuna.trial.TrialState.RUNNING not in states
    counted = [t for t in study.trials if t.state.is_finished() and "interrupted" not in t.user_attrs]
    assert len(counted) == target
    params_seen = [tuple(sorted(t.params.items())) for t in counted if t.state == optuna.trial.TrialState.COMPLETE]
    assert len(params_seen) == len(set(params_seen)), "a finished configuration was run twice"

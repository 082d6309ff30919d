"""Run folders for the `advisor trials` tests, built in a fraction of a second with Optuna's public API.

A benchmark writes one study per model family (named after it) into ``<run folder>/optuna.db``, trials
with ``costs`` and ``metrics`` user attributes, and ``result.json`` with the storage URL; these folders
have the same shape without training anything.
"""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path
from typing import Any

import optuna
import sqlalchemy
from optuna.trial import TrialState

#: family -> (complete, pruned, failed) trials
FAMILIES = {"lightgbm": (4, 1, 1), "mlp": (2, 0, 0)}


def make_storage(path: Path, families: dict[str, tuple[int, int, int]] = FAMILIES) -> Path:
    """A SQLite Optuna storage at ``path`` with one study per family, as a benchmark leaves it."""
    rdb = optuna.storages.RDBStorage(f"sqlite:///{path.resolve()}")
    sqlalchemy.event.listen(rdb.engine, "connect", _no_sync)
    rdb.engine.dispose()
    for name, counts in families.items():
        _fill(optuna.create_study(study_name=name, storage=rdb, direction="minimize"), *counts)
    rdb.engine.dispose()
    return path


def make_run_folder(folder: Path, template: Path, storage_file: Path | None = None) -> str:
    """A run folder holding a copy of the ``template`` storage (built once by :func:`make_storage`): as its own
    ``optuna.db``, or at ``storage_file`` as if the benchmark ran with ``--storage``. Returns the storage URL."""
    folder.mkdir(parents=True, exist_ok=True)
    target = storage_file or folder / "optuna.db"
    shutil.copyfile(template, target)
    url = f"sqlite:///{target.resolve()}"
    (folder / "run.json").write_text(json.dumps({"dataset": "toy", "seed": 0}), encoding="utf-8")
    (folder / "result.json").write_text(json.dumps({"dataset": "toy", "storage": url}), encoding="utf-8")
    return url


def _no_sync(connection: Any, _record: Any) -> None:
    """No fsync per commit: a test storage need not survive a power cut."""
    connection.execute("PRAGMA synchronous=OFF")


def _fill(study: optuna.Study, complete: int, pruned: int, failed: int) -> None:
    for i in range(complete + pruned + failed):
        trial = study.ask()
        lr = trial.suggest_float("learning_rate", 1e-3, 1.0, log=True)
        trial.set_user_attr("costs", {"fit_wall_s": 0.01 * (i + 1), "device": "cpu"})
        if i < complete:
            trial.set_user_attr("metrics", {"accuracy": 0.5 + 0.01 * i})
            study.tell(trial, 0.7 - 0.1 * i + lr / 100)
        elif i < complete + pruned:
            trial.report(0.9, step=1)
            study.tell(trial, state=TrialState.PRUNED)
        else:
            trial.set_user_attr("error", "ValueError: boom")
            study.tell(trial, state=TrialState.FAIL)


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def served_trial_counts(base_url: str) -> dict[str, int]:
    """What optuna-dashboard's JSON API serves: study name -> number of trials."""
    studies = get_json(f"{base_url}api/studies")["study_summaries"]
    return {s["study_name"]: len(get_json(f"{base_url}api/studies/{s['study_id']}")["trials"]) for s in studies}

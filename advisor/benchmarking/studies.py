"""Optuna studies: one per family in one storage (SQLite by default), resumable, seeded."""

from __future__ import annotations

import warnings
import zlib
from typing import Any

import optuna
import sqlalchemy

from advisor.benchmarking.objective import warmup_steps
from advisor.benchmarking.results import TrialRecord
from advisor.models.spec import FitContext, ModelSpec

__all__ = ["open_study", "trial_records"]

optuna.logging.set_verbosity(optuna.logging.WARNING)


_STORAGES: dict[str, optuna.storages.BaseStorage] = {}


def _storage(storage: str | optuna.storages.BaseStorage) -> optuna.storages.BaseStorage | str:
    """One storage object per URL and process (creating an RDB storage checks its schema: ~0.1 s)."""
    if not isinstance(storage, str):
        return storage
    if storage not in _STORAGES:
        sqlite = storage.startswith("sqlite")
        # SQLite: wait for the lock instead of failing when a second worker writes
        rdb = optuna.storages.RDBStorage(storage, engine_kwargs={"connect_args": {"timeout": 60}} if sqlite else {})
        if sqlite:
            sqlalchemy.event.listen(rdb.engine, "connect", _sqlite_pragmas)
            rdb.engine.dispose()  # reconnect with the pragmas
        _STORAGES[storage] = rdb
    return _STORAGES[storage]


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """Write-ahead log + NORMAL sync: each trial write costs half as much, and a committed trial still
    survives the process being killed (only a power cut can lose the last transactions)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def open_study(storage: Any, name: str, seed: int, spec: ModelSpec, ctx: FitContext) -> optuna.Study:
    """Create or resume the family's study; enqueue the good default as trial 0 of a new study.

    Trials left RUNNING by a killed process are marked failed ('interrupted'), so a rerun neither
    loses finished trials nor counts the interrupted ones. The TPE seed is derived from the run seed,
    the family and the number of trials already in the study, so a resumed study does not replay
    the random start-up proposals it already tried.
    """
    probe = optuna.create_study(study_name=name, storage=_storage(storage), direction="minimize", load_if_exists=True)
    existing = probe.get_trials(deepcopy=False)
    for trial in existing:
        if trial.state == optuna.trial.TrialState.RUNNING:
            probe._storage.set_trial_user_attr(trial._trial_id, "interrupted", True)
            probe._storage.set_trial_state_values(trial._trial_id, optuna.trial.TrialState.FAIL)
    with warnings.catch_warnings():  # multivariate TPE announces itself as experimental
        warnings.simplefilter("ignore")
        sampler = optuna.samplers.TPESampler(
            seed=_seed(seed, name, len(existing)), n_startup_trials=5, multivariate=True
        )
    pruner = optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=warmup_steps(spec.name))
    study = optuna.load_study(study_name=name, storage=_storage(storage), sampler=sampler, pruner=pruner)
    if not existing and spec.default_params is not None:
        study.enqueue_trial(spec.default_params(ctx), user_attrs={"default": True})
    return study


def _seed(seed: int, name: str, offset: int) -> int:
    return (seed * 1_000_003 + zlib.crc32(name.encode()) + offset) % (2**31)


def trial_records(storage: Any, families: list[str]) -> list[TrialRecord]:
    """Every trial of the given families' studies, as plain records."""
    records = []
    for name in families:
        try:
            study = optuna.load_study(study_name=name, storage=_storage(storage))
        except KeyError:
            continue
        for t in study.get_trials(deepcopy=False):
            attrs = t.user_attrs
            error = attrs.get("error") or ("interrupted" if attrs.get("interrupted") else None) or attrs.get("pruned")
            records.append(
                TrialRecord(
                    family=name,
                    number=t.number,
                    state=t.state.name,
                    value=t.value,
                    params=dict(t.params),
                    duration_s=t.duration.total_seconds() if t.duration else None,
                    costs=dict(attrs.get("costs", {})),
                    metrics=dict(attrs.get("metrics", {})),
                    error=error,
                )
            )
    return records

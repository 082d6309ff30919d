"""Optuna studies: one per family in one storage (SQLite by default), resumable, seeded.

The search runs on an in-memory copy of each family's study (:class:`FamilyStudy`): asking, reporting
intermediate values and pruning cost microseconds instead of storage round trips. Each finished trial is
written, whole, to the run's storage by a :class:`TrialWriter` thread while the next trial trains (one
``study.add_trial`` transaction per trial), so the storage holds every finished trial in order a few
milliseconds after it ends. A rerun with the same storage loads those trials back into memory and goes on:
finished trials are never repeated. Only Optuna's public API is used.
"""

from __future__ import annotations

import contextlib
import copy
import queue
import threading
import time
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
import sqlalchemy

from advisor.benchmarking.objective import PRUNER_STARTUP_TRIALS, UNUSED_ATTR, interrupted, warmup_steps
from advisor.benchmarking.results import TrialRecord
from advisor.models.spec import FitContext, ModelSpec
from advisor.trials import STORAGE_FAILURES, storage_error

__all__ = [
    "PRUNERS",
    "SAMPLERS",
    "FamilyStudy",
    "SearchStrategy",
    "Sharing",
    "TrialWriter",
    "interrupted",
    "quiet_optuna",
    "trial_records",
]

#: Longest a finished trial waits for a model fit before it is written anyway.
WRITE_DELAY_S = 1.0
#: Shared studies (several workers): each running trial records a heartbeat this often (seconds); a trial whose
#: heartbeat is older than HEARTBEAT_GRACE_S belongs to a killed worker: Optuna fails it and queues it again once.
HEARTBEAT_S = 2
HEARTBEAT_GRACE_S = 8
#: Workers of one shared study seed their samplers this far apart, so no two propose the same start-up trials.
WORKER_SEED_STRIDE = 7919
_STORAGES: dict[tuple[str, bool], optuna.storages.BaseStorage] = {}
_STORAGES_LOCK = threading.Lock()


def _storage(storage: str | optuna.storages.BaseStorage, heartbeat: bool = False) -> optuna.storages.BaseStorage:
    """One storage object per URL and process (creating an RDB storage checks its schema: ~0.1 s). With
    ``heartbeat``, the storage of a study shared by several workers: running trials record Optuna's heartbeat,
    and a stale one (its worker was killed) is failed and retried once (``RetryHeartbeatStaleTrialCallback``)."""
    if not isinstance(storage, str):
        return storage
    with _STORAGES_LOCK:
        if (storage, heartbeat) not in _STORAGES:
            _STORAGES[storage, heartbeat] = _open(storage, heartbeat)
        return _STORAGES[storage, heartbeat]


def _open(url: str, heartbeat: bool) -> optuna.storages.RDBStorage:
    sqlite = url.startswith("sqlite")
    # SQLite: wait for the lock instead of failing when another process writes
    kwargs: dict[str, Any] = {"engine_kwargs": {"connect_args": {"timeout": 60}} if sqlite else {}}
    try:
        with warnings.catch_warnings():  # the heartbeat and its callback are announced as experimental
            warnings.simplefilter("ignore")
            if heartbeat:
                kwargs.update(
                    heartbeat_interval=HEARTBEAT_S,
                    grace_period=HEARTBEAT_GRACE_S,
                    heartbeat_stale_trial_callback=optuna.storages.RetryHeartbeatStaleTrialCallback(max_retry=1),
                )
            rdb = optuna.storages.RDBStorage(url, **kwargs)
    except STORAGE_FAILURES as exc:  # a missing driver, an unreachable server, a bad URL
        raise storage_error(url, exc, doing="open") from exc
    if sqlite:
        sqlalchemy.event.listen(rdb.engine, "connect", _sqlite_pragmas)
        rdb.engine.dispose()  # reconnect with the pragmas
    return rdb


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """Write-ahead log + NORMAL sync: each trial write costs half as much, and a committed trial still
    survives the process being killed (only a power cut can lose the last transactions)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _exists(storage: Any) -> bool:
    """Whether the storage may already hold studies (a SQLite file that is not there yet holds none)."""
    if isinstance(storage, str) and storage.startswith("sqlite:///"):
        return Path(storage.removeprefix("sqlite:///")).exists()
    return True


class TrialWriter:
    """Writes finished trials to the run's storage from a background thread, in the order they finished.

    Writing a trial takes Optuna's RDB storage some 20 ms of Python; done while the main thread asks for the
    next trial, the two would fight over the GIL. With a ``gate`` (set while a model fits), each write waits
    until a fit runs (native code, GIL released), or at most WRITE_DELAY_S. :meth:`flush` writes everything
    now and waits (the runner flushes at the end of a run); an error while writing is raised by it.
    """

    def __init__(self, storage: Any, gate: threading.Event | None = None) -> None:
        self.storage = storage
        self._gate = gate
        self._flushing = threading.Event()
        self._queue: queue.Queue[tuple[str, optuna.trial.FrozenTrial]] = queue.Queue()
        self._studies: dict[str, optuna.Study] = {}
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="advisor-trial-writer", daemon=True)
        self._thread.start()

    def study(self, name: str) -> optuna.Study:
        """The family's study in the run's storage, created on first use."""
        with self._lock:
            if name not in self._studies:
                self._studies[name] = optuna.create_study(
                    study_name=name, storage=_storage(self.storage), direction="minimize", load_if_exists=True
                )
            return self._studies[name]

    def submit(self, name: str, trial: optuna.trial.FrozenTrial) -> None:
        self._queue.put((name, trial))

    def flush(self) -> None:
        self._flushing.set()
        try:
            self._queue.join()
        finally:
            self._flushing.clear()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _wait_for_a_fit(self) -> None:
        if self._gate is None:
            return
        until = time.monotonic() + WRITE_DELAY_S
        while not (self._gate.is_set() or self._flushing.is_set()) and time.monotonic() < until:
            self._gate.wait(0.02)

    def _run(self) -> None:
        while True:
            name, trial = self._queue.get()
            self._wait_for_a_fit()
            try:
                self.study(name).add_trial(trial)
            except BaseException as exc:
                self._error = exc
            finally:
                self._queue.task_done()


#: Samplers and pruners by name (``--sampler`` / ``--pruner``); the defaults are TPE and the median pruner.
SAMPLERS = ("tpe", "random", "cmaes", "qmc", "gp")
PRUNERS = ("median", "hyperband", "successive_halving", "percentile", "none")


@dataclass(frozen=True)
class SearchStrategy:
    """How every family's study searches: an Optuna sampler and pruner, by name or as objects.

    By default each family gets a multivariate TPE sampler seeded from the run seed and the family (5 random
    start-up trials), and a median pruner that waits for PRUNER_STARTUP_TRIALS finished trials and the
    family's warm-up steps. A sampler or pruner given as an object is copied for each family (a sampler object
    keeps its own seed); given by name, it is built and seeded per family as the default is.

    >>> SearchStrategy.coerce("random", "none").pruner
    'none'
    """

    sampler: str | optuna.samplers.BaseSampler = "tpe"
    pruner: str | optuna.pruners.BasePruner = "median"

    @classmethod
    def coerce(cls, sampler: Any = None, pruner: Any = None) -> SearchStrategy:
        from advisor.errors import InvalidArgumentError

        sampler = "tpe" if sampler is None else sampler
        pruner = "median" if pruner is None else pruner
        if isinstance(sampler, str) and sampler.strip().lower() not in SAMPLERS:
            raise InvalidArgumentError(f"Unknown sampler {sampler!r}.", f"Use one of: {', '.join(SAMPLERS)}.")
        if isinstance(pruner, str) and pruner.strip().lower() not in PRUNERS:
            raise InvalidArgumentError(f"Unknown pruner {pruner!r}.", f"Use one of: {', '.join(PRUNERS)}.")
        if not isinstance(sampler, str | optuna.samplers.BaseSampler):
            raise InvalidArgumentError(f"sampler must be a name or an Optuna sampler, not {type(sampler).__name__}.")
        if not isinstance(pruner, str | optuna.pruners.BasePruner):
            raise InvalidArgumentError(f"pruner must be a name or an Optuna pruner, not {type(pruner).__name__}.")
        return cls(_lower(sampler), _lower(pruner))

    def names(self) -> dict[str, str]:
        """The sampler and pruner by name (an object's class name), as results record them."""
        return {
            "sampler": self.sampler if isinstance(self.sampler, str) else type(self.sampler).__name__,
            "pruner": self.pruner if isinstance(self.pruner, str) else type(self.pruner).__name__,
        }

    def make_sampler(self, seed: int, name: str, offset: int) -> optuna.samplers.BaseSampler:
        if not isinstance(self.sampler, str):
            return copy.deepcopy(self.sampler)
        family_seed = _seed(seed, name, offset)
        with warnings.catch_warnings():  # multivariate TPE and some samplers announce themselves as experimental
            warnings.simplefilter("ignore")
            if self.sampler == "random":
                return optuna.samplers.RandomSampler(seed=family_seed)
            if self.sampler == "cmaes":
                return optuna.samplers.CmaEsSampler(seed=family_seed, n_startup_trials=5)
            if self.sampler == "qmc":
                return optuna.samplers.QMCSampler(seed=family_seed)
            if self.sampler == "gp":
                return optuna.samplers.GPSampler(seed=family_seed, n_startup_trials=5)
            return optuna.samplers.TPESampler(seed=family_seed, n_startup_trials=5, multivariate=True)

    def make_pruner(self, spec: ModelSpec) -> optuna.pruners.BasePruner:
        if not isinstance(self.pruner, str):
            return copy.deepcopy(self.pruner)
        warmup = warmup_steps(spec)
        if self.pruner == "none":
            return optuna.pruners.NopPruner()
        if self.pruner == "hyperband":
            return optuna.pruners.HyperbandPruner(min_resource=max(1, warmup))
        if self.pruner == "successive_halving":
            return optuna.pruners.SuccessiveHalvingPruner(min_resource=max(1, warmup))
        if self.pruner == "percentile":
            return optuna.pruners.PercentilePruner(25.0, n_startup_trials=PRUNER_STARTUP_TRIALS, n_warmup_steps=warmup)
        return optuna.pruners.MedianPruner(n_startup_trials=PRUNER_STARTUP_TRIALS, n_warmup_steps=warmup)


@dataclass(frozen=True)
class Sharing:
    """A run whose studies several workers search at once, in one storage (PostgreSQL or another server).

    ``run`` names the run in the storage (its families' studies are ``RUN/FAMILY``) and ``worker`` is this
    process's place among the workers (0: the one that started the run, which also refits and reports).
    """

    run: str
    worker: int = 0
    label: str = ""  # who ran a trial, as its 'worker' user attribute (host:pid)

    def study_name(self, family: str) -> str:
        return f"{self.run}/{family}"


class FamilyStudy:
    """One family's study: searched in memory (``study``), its finished trials written by a :class:`TrialWriter`.

    On a storage that already holds the family's study (a resumed run), its finished trials are loaded into
    memory first (a trial left RUNNING there is not this process's: it is left alone). A new study gets the
    family's good default as its first trial. The TPE seed is derived from the run seed, the family and the
    number of trials already there, so a resumed study does not replay its start-up proposals.

    With ``sharing``, the study is the storage's own (several workers ask and tell it at once): trials run with
    Optuna's heartbeat, the sampler's seed differs per worker, and only the first worker enqueues the default.
    """

    def __init__(
        self,
        writer: TrialWriter,
        name: str,
        seed: int,
        spec: ModelSpec,
        ctx: FitContext,
        strategy: SearchStrategy | None = None,
        sharing: Sharing | None = None,
    ) -> None:
        self.name, self.writer, self.sharing = name, writer, sharing
        strategy = strategy or SearchStrategy()
        if sharing is not None:
            self.study = optuna.create_study(
                storage=_storage(writer.storage, heartbeat=True),
                study_name=sharing.study_name(name),
                direction="minimize",
                load_if_exists=True,
                sampler=strategy.make_sampler(seed, name, WORKER_SEED_STRIDE * sharing.worker),
                pruner=strategy.make_pruner(spec),
            )
            if sharing.worker == 0 and not self.study.get_trials(deepcopy=False):
                self.study.enqueue_trial(spec.default_params(ctx), user_attrs={"default": True})
            return
        past = self._past_trials()
        self.study = optuna.create_study(
            storage=optuna.storages.InMemoryStorage(),
            study_name=name,
            direction="minimize",
            sampler=strategy.make_sampler(seed, name, len(past)),
            pruner=strategy.make_pruner(spec),
        )
        if past:
            self.study.add_trials(past)
        else:
            self.study.enqueue_trial(spec.default_params(ctx), user_attrs={"default": True})
        self._written = len(past)

    @property
    def shared(self) -> dict[str, Any] | None:
        """What each trial of a shared study records about its worker (None for a study of one process)."""
        return None if self.sharing is None else {"worker": self.sharing.label or str(self.sharing.worker)}

    def _past_trials(self) -> list[optuna.trial.FrozenTrial]:
        if not _exists(self.writer.storage):
            return []
        names = optuna.get_all_study_names(storage=_storage(self.writer.storage))
        if self.name not in names:
            return []
        return [t for t in self.writer.study(self.name).get_trials(deepcopy=False) if t.state.is_finished()]

    def save_finished(self) -> None:
        """Hand the trials that finished since the last call to the writer, in order (a shared study's trials
        are in the storage already)."""
        if self.sharing is not None:
            return
        trials = self.study.get_trials(deepcopy=False)
        while self._written < len(trials) and trials[self._written].state.is_finished():
            self.writer.submit(self.name, trials[self._written])
            self._written += 1

    def get_trials(self, states: tuple[optuna.trial.TrialState, ...] | None = None) -> list[optuna.trial.FrozenTrial]:
        return self.study.get_trials(deepcopy=False, states=states)

    def fail_stale(self) -> None:
        """Fail (and queue again, once) the trials of workers whose heartbeat stopped: killed workers."""
        if self.sharing is not None:
            with warnings.catch_warnings():  # announced as experimental
                warnings.simplefilter("ignore")
                optuna.storages.fail_stale_trials(self.study)


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


@contextlib.contextmanager
def quiet_optuna() -> Iterator[None]:
    """Optuna's per-trial INFO lines off for the duration of a benchmark (the caller's level is restored)."""
    level = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(max(level, optuna.logging.WARNING))
    try:
        yield
    finally:
        optuna.logging.set_verbosity(level)


def _seed(seed: int, name: str, offset: int) -> int:
    return (seed * 1_000_003 + zlib.crc32(name.encode()) + offset) % (2**31)


def trial_records(
    storage: Any, families: list[str], studies: dict[str, FamilyStudy] | None = None
) -> list[TrialRecord]:
    """Every trial of the given families' studies, as plain records (from memory where a study is open)."""
    records = []
    studies = studies or {}
    for name in families:
        if name in studies:
            trials = studies[name].get_trials()
        else:
            try:
                trials = optuna.load_study(study_name=name, storage=_storage(storage)).get_trials(deepcopy=False)
            except KeyError:
                continue
        records += [_record(name, t) for t in trials if t.state.is_finished() and UNUSED_ATTR not in t.user_attrs]
    return records


def _record(name: str, t: optuna.trial.FrozenTrial) -> TrialRecord:
    attrs = t.user_attrs
    error = attrs.get("error") or ("interrupted" if interrupted(t) else None) or attrs.get("pruned")
    return TrialRecord(
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

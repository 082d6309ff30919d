"""Benchmark one dataset of a suite, in this process or in a worker process.

A worker never raises: every failure (bad input, or a bug) comes back as a :class:`JobOutcome` with its
message, so one dataset never takes the others down. Workers send their events through a queue; the
parent process owns the suite state and the display.

This module imports nothing heavy at import time: a spawned worker limits its threads (see
:func:`init_worker`) before numpy, torch or the boosting libraries load.
"""

from __future__ import annotations

import os
import time
import traceback
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.errors import AdvisorError, MalformedFileError, TargetNotFoundError
from advisor.suite.events import SuiteCallback, SuiteEvent

if TYPE_CHECKING:
    from advisor.data.dataset import Dataset
    from advisor.suite.entries import Job

__all__ = ["THREAD_VARIABLES", "JobOutcome", "init_worker", "run_job", "run_job_in_worker"]

#: Environment variables the native thread pools (OpenMP, BLAS, numexpr) read at start-up.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)
MAX_TRACEBACK_CHARS = 4000


@dataclass(frozen=True)
class JobOutcome:
    """How one dataset's benchmark ended (picklable: returned from worker processes)."""

    slug: str
    status: str  # 'done' | 'failed'
    pid: int
    started: str
    finished: str
    wall_s: float
    target: str | None = None
    notes: tuple[str, ...] = ()
    error: str | None = None
    error_kind: str | None = None  # 'input' (an AdvisorError: fix the data) | 'bug'
    traceback: str | None = None
    result_path: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def init_worker(threads: int) -> None:
    """Limit a worker process to ``threads`` CPU threads, so N parallel jobs share the cores."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)
    os.environ["ADVISOR_SUITE_THREADS"] = str(threads)
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return
    torch.set_num_threads(threads)


def run_job_in_worker(job: Job, queue: Any, index: int, total: int) -> JobOutcome:
    """:func:`run_job` in a worker process: events go to ``queue`` (a multiprocessing Manager queue)."""
    threads = int(os.environ.get("ADVISOR_SUITE_THREADS", "0")) or None
    return run_job(job, queue.put, index, total, cores=threads)


def run_job(job: Job, emit: SuiteCallback, index: int, total: int, *, cores: int | None = None) -> JobOutcome:
    """Load the dataset, settle its target, benchmark it into its run folder; never raises.

    ``cores`` (in worker processes) caps the threads the models use: the runner picks its threads from
    the hardware it is given, so it gets this machine with ``cores`` CPU cores.
    """
    started, t0, pid = datetime.now(UTC), time.monotonic(), os.getpid()
    emit(SuiteEvent("start", job.name, index, total, budget=job.budget, pid=pid))
    notes: list[str] = []
    target = job.target

    def outcome(status: str, **fields: Any) -> JobOutcome:
        ended = datetime.now(UTC).isoformat()
        wall_s = round(time.monotonic() - t0, 3)
        return JobOutcome(
            job.slug, status, pid, started.isoformat(), ended, wall_s, target=target, notes=tuple(notes), **fields
        )

    try:
        dataset = load_job_dataset(job, notes)
        target = dataset.target
        for note in notes:
            emit(SuiteEvent("note", job.name, index, total, message=note, pid=pid))
        result_path = _benchmark(job, dataset, emit, index, total, cores)
    except AdvisorError as exc:
        return outcome("failed", error=str(exc), error_kind="input")
    except Exception as exc:  # a bug: keep its traceback in the suite state, go on with the others
        trace = traceback.format_exc()[-MAX_TRACEBACK_CHARS:]
        return outcome("failed", error=f"{type(exc).__name__}: {exc}", error_kind="bug", traceback=trace)
    return outcome("done", result_path=str(result_path))


def _benchmark(job: Job, dataset: Dataset, emit: SuiteCallback, index: int, total: int, cores: int | None) -> Path:
    from advisor.benchmarking.runner import run_benchmark
    from advisor.hardware import detect

    hardware = None
    if cores is not None:
        machine = detect(probe_torch=True)
        hardware = replace(machine, cores=max(1, min(cores, machine.cores)))

    def forward(event: Any) -> None:
        emit(SuiteEvent("progress", job.name, index, total, budget=job.budget, progress=event, pid=os.getpid()))

    result = run_benchmark(
        dataset,
        None,
        job.budget,
        None,
        job.seed,
        run_dir=job.run_dir,
        families=list(job.families) if job.families is not None else None,
        price_per_hour=job.price_per_hour,
        hardware=hardware,
        on_progress=forward,
        refit_full=job.refit_full,
        sampler=job.sampler,
        pruner=job.pruner,
    )
    return Path(result.run_dir) / "result.json"


# ---------------------------------------------------------------------------------------------- loading
def load_job_dataset(job: Job, notes: list[str]) -> Dataset:
    """The job's dataset with a target: the job's, the loader's own, or (if allowed) a proposed one; it carries
    the job's task and metric.

    Appends what the caller should hear (a proposed target, load warnings) to ``notes``.
    """
    dataset = _read(job, job.target)
    if dataset.y is None and job.propose_target:
        column = _proposed_target(dataset, notes)
        if column is not None:
            dataset = _read(job, column)
    if dataset.y is None:
        raise TargetNotFoundError(
            f"Dataset '{job.name}' has no target to predict"
            + (": no column stands out as one." if job.propose_target else "."),
            "Name it with `target: COLUMN` in the suite file, or pass --target COLUMN (target= in Python).",
        )
    dataset.name = job.name
    notes.extend(f"warning: {w}" for w in dataset.meta.get("warnings", ()))
    return dataset


def _read(job: Job, target: str | None) -> Dataset:
    from advisor.data import load

    def one(path: str) -> Dataset:
        return load(path, target=target, modality=job.modality, drop_empty_columns=job.drop_empty_columns)

    dataset = one(job.path) if job.test_path is None else join_train_test(one(job.path), one(job.test_path), job.name)
    return dataset.stating(job.task, job.metric)


def _proposed_target(dataset: Dataset, notes: list[str]) -> str | None:
    import pandas as pd

    from advisor.data import suggest_target

    if not isinstance(dataset.X, pd.DataFrame):
        return None
    suggestion = suggest_target(dataset.X)
    if suggestion is None:
        return None
    notes.append(f"no target given: using '{suggestion.column}' ({suggestion.reason})")
    return suggestion.column


def join_train_test(train: Dataset, test: Dataset, name: str) -> Dataset:
    """One time-series dataset from a ``_TRAIN.ts`` and a ``_TEST.ts`` file; the test file stays the test split."""
    import pandas as pd

    from advisor.data.dataset import Dataset

    if train.modality != test.modality or not isinstance(train.X, list) or not isinstance(test.X, list):
        raise MalformedFileError(
            f"'{train.source}' and '{test.source}' are not a pair of .ts files.",
            "Pair a NAME_TRAIN.ts file with its NAME_TEST.ts file.",
        )
    channels = {int(s.shape[0]) for s in train.X + test.X}
    if len(channels) > 1 or (train.y is None) != (test.y is None):
        raise MalformedFileError(
            f"'{train.source}' and '{test.source}' describe different series (channels {sorted(channels)}, "
            "or labels in one file only).",
            "The train and test files must hold the same kind of series, both labelled.",
        )
    y = pd.concat([train.y, test.y], ignore_index=True) if train.y is not None and test.y is not None else None
    meta = {
        **train.meta,
        "files": [*train.meta.get("files", ()), *test.meta.get("files", ())],
        "predefined_split": {"train": train.n_rows, "test": test.n_rows},
        "bytes": int(train.meta.get("bytes", 0)) + int(test.meta.get("bytes", 0)),
    }
    return Dataset(
        X=train.X + test.X,
        y=y,
        modality=train.modality,
        name=name,
        target=train.target,
        modality_reason=f"{train.modality_reason}; test split from {Path(test.source or '').name}",
        source=train.source,
        meta=meta,
    )

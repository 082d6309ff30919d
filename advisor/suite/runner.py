"""Run a suite: every dataset benchmarked in its own run folder, one after another or in worker processes.

The parent process owns ``suite.json``: it marks a dataset running when its worker says it started,
and done or failed when it ends, saving after each change. A rerun with the same output folder skips
the datasets whose finished ``result.json`` matches (see :func:`advisor.suite.state.reusable_result`)
and reruns the others in their old run folders, where the benchmark runner resumes their studies.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from queue import Empty
from typing import Any

from advisor.benchmarking.budget import Budget
from advisor.benchmarking.results import BenchmarkResult
from advisor.data.modality import parse_modality
from advisor.errors import InvalidArgumentError
from advisor.suite.entries import Job, SuiteSettings, resolve_jobs
from advisor.suite.events import SuiteCallback, SuiteEvent
from advisor.suite.reports import REPORT_FORMATS, parse_formats, write_suite_reports
from advisor.suite.result import DatasetOutcome, SuiteResult
from advisor.suite.sources import SuiteSource, collect
from advisor.suite.state import SuiteState, reusable_result
from advisor.suite.worker import JobOutcome, init_worker, run_job, run_job_in_worker

__all__ = ["DEFAULT_OUT", "benchmark_suite"]

DEFAULT_OUT = Path("advisor-runs") / "suite"
#: How often the parent looks at the event queue while workers run (seconds).
POLL_S = 0.1
#: Runs a dataset gets when worker processes die under it (the pool breaks) before it is recorded as failed.
MAX_ATTEMPTS = 2


def benchmark_suite(
    source: SuiteSource,
    out_dir: str | Path = DEFAULT_OUT,
    jobs: int = 1,
    *,
    budget: Budget | float | dict[str, Any] | None = None,
    seed: int | None = None,
    target: str | None = None,
    modality: str | None = None,
    families: Sequence[str] | None = None,
    price_per_hour: float | None = None,
    title: str | None = None,
    reports: str | Sequence[str] | None = REPORT_FORMATS,
    propose_targets: bool = False,
    drop_empty_columns: bool = False,
    on_progress: SuiteCallback | None = None,
    task: str | None = None,
    metric: str | None = None,
    refit_full: bool | None = None,
    sampler: str | None = None,
    pruner: str | None = None,
    cluster: str | Any | None = None,
) -> SuiteResult:
    """Benchmark many datasets, one after another or in ``jobs`` worker processes, then write reports.

    ``source`` is a suite file (YAML or TOML, see ``docs/suites.md``), a folder of datasets, a path or
    bundled dataset name, an :class:`advisor.SuiteEntry`, or a list of these. Each dataset is benchmarked
    with :func:`advisor.benchmark` in its own run folder ``out_dir/<dataset>``; ``out_dir/suite.json`` records
    every dataset's status (pending, running, done, failed, skipped), worker pid, timings and error. A
    dataset that fails (bad input or a bug) is recorded and the others go on.

    ``budget``, ``seed``, ``target``, ``modality``, ``task``, ``metric``, ``families`` and ``price_per_hour``
    apply to every dataset whose suite entry does not set its own (and override the suite file's top-level
    values); the budget defaults to 60 seconds per dataset. ``task`` and ``metric`` are as in
    :func:`advisor.benchmark` (a metric must fit each dataset's task, else that dataset fails with the
    reason); ``refit_full`` (default: the suite file's, else True) refits each dataset's chosen model on all
    rows; ``sampler`` and ``pruner`` name the Optuna sampler and pruner (as in :func:`advisor.benchmark`).
    A dataset needs a target: its own (``.ts`` files, image folders, bundled datasets), the entry's,
    ``target``, or, with ``propose_targets=True``, the one the CLI would propose (recorded in the state's
    notes). Rerunning with the same ``out_dir`` reuses finished results whose dataset, target, seed, budget,
    task, metric and ``refit_full`` match, and resumes the rest.
    ``reports`` (``"html,md,json"``, a list, or ``None``) go to ``out_dir/reports``.

    >>> result = advisor.benchmark_suite(["diabetes", "credit_g"], budget=30, jobs=2)  # doctest: +SKIP
    ``cluster`` sends one dataset per task to an existing Dask cluster instead (a scheduler address such as
    ``'tcp://host:8786'``, or a ``distributed.Client``): the same state, resume, failure and reports as
    ``jobs``; the datasets' paths (and ``out_dir``, for the models) must be readable there (docs/scaling.md).

    >>> result.summary()                                                               # doctest: +SKIP
    """
    t0 = time.monotonic()
    workers = _check_jobs(jobs)
    client = None
    if cluster is not None:
        from advisor.suite.cluster import connect

        client = connect(cluster)
    formats = parse_formats(reports)
    suite = collect(source)
    caller = _caller_settings(budget, seed, target, modality, families, price_per_hour)
    caller = replace(caller, **_stated(task, metric, refit_full), **_search(sampler, pruner))
    out = Path(out_dir).expanduser()
    out = out.resolve() if cluster is not None else out  # the cluster's workers have their own working folder
    planned = resolve_jobs(suite, caller, out, propose_target=propose_targets, drop_empty_columns=drop_empty_columns)
    title = title or suite.title or f"Benchmark suite: {len(planned)} dataset{'s' * (len(planned) != 1)}"
    state = SuiteState.open(out, title, planned)
    state.save()
    run = _SuiteRun(planned, state, on_progress)
    try:
        if client is not None:
            run.on_cluster(run.announce(), client)
        else:
            run.execute(run.announce(), workers)
    except BaseException:
        run.interrupted()
        raise
    finally:
        if client is not None and client is not cluster:
            client.close()
    reports_written, report_error = write_suite_reports(run.finished_results(), out, formats, title)
    state.finished = datetime.now(UTC).isoformat()
    state.reports = {k: str(v) for k, v in reports_written.items()}
    state.report_error = report_error
    state.save()
    return SuiteResult(title, out, run.outcomes(), reports_written, report_error, round(time.monotonic() - t0, 3))


def _check_jobs(jobs: int) -> int:
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise InvalidArgumentError(f"jobs must be a whole number of at least 1, got {jobs!r}.", "Pass e.g. jobs=2.")
    return jobs


def _search(sampler: str | None, pruner: str | None) -> dict[str, Any]:
    """The caller's sampler and pruner names, checked (an unknown one fails before any run)."""
    from advisor.benchmarking.studies import SearchStrategy

    strategy = SearchStrategy.coerce(sampler, pruner)
    return {"sampler": strategy.sampler if sampler else None, "pruner": strategy.pruner if pruner else None}


def _stated(task: str | None, metric: str | None, refit_full: bool | None) -> dict[str, Any]:
    """The caller's task, metric and refit_full, checked (an unknown task or metric fails before any run)."""
    from advisor.metrics import resolve_metric
    from advisor.profiling.task import check_task

    if refit_full is not None and not isinstance(refit_full, bool):
        raise InvalidArgumentError(f"refit_full must be True or False, got {refit_full!r}.", "Pass refit_full=False.")
    task = check_task(task)
    return {"task": task, "metric": resolve_metric(metric, task), "refit_full": refit_full}


def _caller_settings(
    budget: Budget | float | dict[str, Any] | None,
    seed: int | None,
    target: str | None,
    modality: str | None,
    families: Sequence[str] | None,
    price_per_hour: float | None,
) -> SuiteSettings:
    coerced = Budget.coerce(budget) if budget is not None else None
    if isinstance(families, str):
        families = [f.strip() for f in families.split(",") if f.strip()]
    return SuiteSettings(
        budget=coerced.seconds if coerced else None,
        trials=coerced.trials if coerced else None,
        seed=seed,
        price_per_hour=price_per_hour,
        families=tuple(families) if families is not None else None,
        target=target,
        modality=parse_modality(modality).value if modality is not None else None,  # type: ignore[union-attr]
    )


class _SuiteRun:
    """The datasets of one suite call, their state and results (private: the surface is benchmark_suite)."""

    def __init__(self, jobs: list[Job], state: SuiteState, on_progress: SuiteCallback | None) -> None:
        self.jobs, self.state, self.on_progress = jobs, state, on_progress
        self.results: dict[str, BenchmarkResult] = {}

    # ------------------------------------------------------------------ planning
    def announce(self) -> list[tuple[int, Job]]:
        """Tell the caller every dataset; reuse the finished ones; return those left to run."""
        total = len(self.jobs)
        for i, job in enumerate(self.jobs):
            self._emit(SuiteEvent("pending", job.name, i, total, budget=job.budget))
        pending = []
        for i, job in enumerate(self.jobs):
            previous = reusable_result(job, self.state.previous.get(job.slug, {}).get("identity"))
            if previous is None:
                pending.append((i, job))
                continue
            self.results[job.slug] = previous
            before = self.state.previous.get(job.slug, {})
            self.state.update(
                job.slug,
                status="skipped",
                target=before.get("target") or job.target,
                pid=before.get("pid"),
                started=previous.started,
                finished=previous.finished,
                wall_s=before.get("wall_s") or previous.wall_s,
                result=self._relative(Path(job.run_dir) / "result.json"),
                notes=["reused the finished result of an earlier run"],
            )
            message = f"reused the finished result in {job.run_dir}"
            self._emit(SuiteEvent("skipped", job.name, i, total, budget=job.budget, message=message))
        return pending

    # ------------------------------------------------------------------ running
    def execute(self, pending: list[tuple[int, Job]], jobs: int) -> None:
        """Run the pending datasets: in this process when one at a time, else in ``jobs`` processes."""
        workers = min(jobs, len(pending))
        if workers <= 1:
            for index, job in pending:
                self.finish(index, job, run_job(job, self.handle, index, len(self.jobs)))
            return
        self._parallel(pending, workers)

    def _parallel(self, pending: list[tuple[int, Job]], workers: int) -> None:
        """Worker processes ('spawn'), each limited to its share of the cores; events come through a queue."""
        context = multiprocessing.get_context("spawn")
        threads = max(1, (os.cpu_count() or 1) // workers)
        attempts: dict[str, int] = {}
        with context.Manager() as manager:
            queue = manager.Queue()
            left = pending
            while left:
                left = self._pool_round(left, workers, threads, context, queue, attempts)

    def _pool_round(
        self,
        batch: list[tuple[int, Job]],
        workers: int,
        threads: int,
        context: Any,
        queue: Any,
        attempts: dict[str, int],
    ) -> list[tuple[int, Job]]:
        """Run ``batch`` in one pool; return the datasets to try again (a worker process died under them)."""
        retry: list[tuple[int, Job]] = []
        total = len(self.jobs)
        pool = ProcessPoolExecutor(
            max_workers=min(workers, len(batch)), mp_context=context, initializer=init_worker, initargs=(threads,)
        )
        with pool:
            futures: dict[Future[JobOutcome], tuple[int, Job]] = {
                pool.submit(run_job_in_worker, job, queue, index, total): (index, job) for index, job in batch
            }
            waiting = set(futures)
            while waiting:
                done, waiting = wait(waiting, timeout=POLL_S, return_when=FIRST_COMPLETED)
                self._drain(queue)
                for future in done:
                    index, job = futures[future]
                    outcome = self._outcome(future, job, attempts)
                    if outcome is None:
                        retry.append((index, job))
                    else:
                        self.finish(index, job, outcome)
        self._drain(queue)
        return retry

    def on_cluster(self, pending: list[tuple[int, Job]], client: Any) -> None:
        """Run the pending datasets as tasks of a Dask cluster (see :mod:`advisor.suite.cluster`)."""
        import distributed

        from advisor.suite.cluster import queue_name, run_job_on_cluster, slots_per_host

        name, slots, total = queue_name(), slots_per_host(client), len(self.jobs)
        queue = distributed.Queue(name, client=client)
        futures = {
            client.submit(run_job_on_cluster, job, name, index, total, slots, key=f"advisor-{job.slug}-{name}",
                          pure=False): (index, job)
            for index, job in pending
        }  # fmt: skip
        try:
            for future in distributed.as_completed(list(futures)):
                self._drain_cluster(queue)
                index, job = futures[future]
                self.finish(index, job, self._cluster_outcome(future, job))
            self._drain_cluster(queue)
        except BaseException:
            client.cancel(list(futures))
            raise

    def _drain_cluster(self, queue: Any) -> None:
        for event in queue.get(batch=True):
            self.handle(event)

    def _cluster_outcome(self, future: Any, job: Job) -> JobOutcome:
        """A task's outcome; a task Dask gave up on (its workers kept dying) is a failed dataset."""
        try:
            outcome: JobOutcome = future.result()
        except Exception as exc:  # KilledWorker, a lost connection
            entry, now = self.state.entries[job.slug], datetime.now(UTC).isoformat()
            return JobOutcome(
                job.slug, "failed", entry.pid or 0, entry.started or now, now, 0.0, target=entry.target,
                error=f"the cluster could not run it ({type(exc).__name__}: {exc}); a worker may be out of memory",
                error_kind="bug",
            )  # fmt: skip
        from advisor.suite.cluster import RESULT_KEY

        text = outcome.extra.pop(RESULT_KEY, None)
        if text is not None and outcome.result_path and not Path(outcome.result_path).exists():
            Path(outcome.result_path).parent.mkdir(parents=True, exist_ok=True)  # the worker's disk is its own
            Path(outcome.result_path).write_text(text, encoding="utf-8")
        return outcome

    def _outcome(self, future: Future[JobOutcome], job: Job, attempts: dict[str, int]) -> JobOutcome | None:
        """The worker's outcome, or ``None`` to run the dataset again.

        When a worker process dies (killed, out of memory), the pool breaks and every dataset it held
        ends with an error; which one was the cause is unknown, so each is tried again in a new pool
        (resuming its study) until it has had :data:`MAX_ATTEMPTS`, then recorded as failed.
        """
        try:
            return future.result()
        except Exception as exc:  # BrokenProcessPool
            attempts[job.slug] = attempts.get(job.slug, 0) + 1
            entry = self.state.entries[job.slug]
            if attempts[job.slug] < MAX_ATTEMPTS:
                self.state.update(job.slug, status="pending", error=f"worker process died; retrying ({exc})")
                return None
            now = datetime.now(UTC).isoformat()
            return JobOutcome(
                job.slug,
                "failed",
                entry.pid or 0,
                entry.started or now,
                now,
                0.0,
                target=entry.target,
                error=f"the worker process died ({type(exc).__name__}: {exc}); it may have run out of memory",
                error_kind="bug",
            )

    def _drain(self, queue: Any) -> None:
        while True:
            try:
                event = queue.get_nowait()
            except Empty:
                return
            self.handle(event)

    # ------------------------------------------------------------------ bookkeeping
    def handle(self, event: SuiteEvent) -> None:
        """An event from a dataset's benchmark: update the state, then tell the caller."""
        job = self.jobs[event.index]
        entry = self.state.entries[job.slug]
        if event.kind == "start":
            started = datetime.now(UTC).isoformat()
            self.state.update(job.slug, status="running", pid=event.pid, started=started, runs=entry.runs + 1)
        elif event.kind == "note":
            self.state.update(job.slug, notes=[*entry.notes, event.message])
        self._emit(event)

    def finish(self, index: int, job: Job, outcome: JobOutcome) -> None:
        """Record how a dataset ended, load its result, save the state, tell the caller."""
        status, error = outcome.status, outcome.error
        result = None
        if status == "done" and outcome.result_path:
            try:
                result = BenchmarkResult.load(outcome.result_path)
            except (OSError, ValueError, TypeError, KeyError) as exc:
                status, error = "failed", f"its result.json cannot be read: {type(exc).__name__}: {exc}"
        if result is not None:
            self.results[job.slug] = result
        self.state.update(
            job.slug,
            status=status,
            pid=outcome.pid or self.state.entries[job.slug].pid,
            finished=outcome.finished,
            wall_s=outcome.wall_s,
            target=outcome.target,
            error=error,
            error_kind=outcome.error_kind if status == "failed" else None,
            traceback=outcome.traceback,
            result=self._relative(Path(outcome.result_path)) if result is not None and outcome.result_path else None,
        )
        message = result.verdict.summary if result is not None else (error or "")
        event = SuiteEvent(status, job.name, index, len(self.jobs), budget=job.budget, message=message, pid=outcome.pid)
        self._emit(event)

    def interrupted(self) -> None:
        """Stopped from outside (Ctrl-C): datasets that were running go back to pending, saved."""
        for slug, entry in self.state.entries.items():
            if entry.status == "running":
                entry.status, entry.error = "pending", "interrupted; rerun the suite to continue"
                self.state.entries[slug] = entry
        self.state.save()

    def finished_results(self) -> list[BenchmarkResult]:
        return [self.results[j.slug] for j in self.jobs if j.slug in self.results]

    def outcomes(self) -> tuple[DatasetOutcome, ...]:
        out = []
        for job in self.jobs:
            entry = self.state.entries[job.slug]
            out.append(
                DatasetOutcome(
                    name=job.name,
                    status=entry.status,
                    run_dir=job.run_dir,
                    target=entry.target,
                    wall_s=entry.wall_s,
                    pid=entry.pid,
                    error=entry.error,
                    error_kind=entry.error_kind,
                    notes=tuple(entry.notes),
                    result=self.results.get(job.slug),
                )
            )
        return tuple(out)

    def _relative(self, path: Path) -> str:
        try:
            return os.path.relpath(path, self.state.out_dir)
        except ValueError:  # another drive (Windows)
            return str(path)

    def _emit(self, event: SuiteEvent) -> None:
        if self.on_progress is not None:
            self.on_progress(event)

"""Several workers on one benchmark: the run's studies in a shared storage (PostgreSQL), searched at once.

The first worker is the call that starts the run (``advisor benchmark DATA --storage URL --workers N``): it
records the run (:class:`~advisor.benchmarking.board.RunBoard`), starts N - 1 local workers
(``python -m advisor.benchmarking.workers``), searches like any run, publishes each family's window as it
opens it, and alone refits, scores on test, ensembles, deploys and reports. Every other worker, local or on
another machine (``advisor worker --storage URL --run NAME``), loads the same data (checked by SHA-256), makes
the same splits from the run's seed, and runs trials of the family the schedule names until its window ends,
in the same Optuna study (trials are Optuna's: numbered by the storage, never run twice; a killed worker's
trial is found by Optuna's heartbeat, failed and run again once). No scheduler is written here: the storage
is the only thing the workers share.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.benchmarking.board import RunBoard, fingerprint, load_spec
from advisor.benchmarking.budget import Budget
from advisor.benchmarking.policy import TimePolicy
from advisor.benchmarking.search import SearchSteps
from advisor.benchmarking.state import ProgressCallback
from advisor.benchmarking.studies import SearchStrategy, Sharing, quiet_optuna
from advisor.errors import AdvisorError, InvalidArgumentError
from advisor.families import implementation

__all__ = ["JoinSummary", "check_shared_storage", "join_benchmark", "record_for", "spawn_local", "stop_local"]

#: Seconds between a waiting worker's looks at the schedule.
POLL_S = 0.25
#: Seconds local workers get to exit after the run is done, before they are stopped.
EXIT_WAIT_S = 10.0


def check_shared_storage(storage: Any, workers: int) -> str:
    """The storage URL several workers share; SQLite (or none, or an in-memory storage) is refused."""
    if workers < 1:
        raise InvalidArgumentError(f"workers must be at least 1, not {workers}.", "Pass --workers 1 or more.")
    if not isinstance(storage, str) or storage.startswith("sqlite"):
        raise InvalidArgumentError(
            "Several workers on one benchmark (--workers, advisor worker) need a database server they all reach; "
            + ("SQLite" if isinstance(storage, str) else "this run has no such storage")
            + " cannot serve them (Optuna advises against SQLite for parallel workers: its file lock serializes "
            "every write and breaks on network file systems).",
            "Give a PostgreSQL storage: --storage postgresql://USER:PASSWORD@HOST/DB in the CLI (storage= in the "
            "API, 'Optuna storage' in the app; install advisor[postgres]); see docs/scaling.md.",
        )
    return storage


def worker_label() -> str:
    """Who runs a trial: this machine and process (``host:pid``), recorded with every shared trial."""
    return f"{socket.gethostname()}:{os.getpid()}"


def record_for(run: SearchSteps, families: list[str], budget: Budget) -> dict[str, Any]:
    """What the first worker records for the others: the data, seed, budget clock, plan and strategy."""
    names = run.strategy.names()
    if names["sampler"] != run.strategy.sampler or names["pruner"] != run.strategy.pruner:
        raise InvalidArgumentError(
            "Several workers need the sampler and pruner by name (an object cannot be shared with other processes).",
            "Pass sampler='tpe' / pruner='median' (or another name) instead of an object.",
        )
    return {
        "data": load_spec(run.dataset),
        "seed": run.seed,
        "budget": {"seconds": budget.seconds, "trials": budget.trials},
        "started": time.time() - run.policy.elapsed(),
        "families": families,
        "recommendation": run.rec.to_dict(),
        "strategy": names,
        "price_per_hour": run.price_per_hour,
    }


def spawn_local(storage: str, run: str, n: int, threads: int, log_dir: Path) -> list[subprocess.Popen[bytes]]:
    """Start ``n`` local workers on the run (their output goes to ``log_dir/worker-K.log``)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    processes = []
    for k in range(1, n + 1):
        command = [sys.executable, "-m", "advisor.benchmarking.workers", "--storage", storage, "--run", run]
        command += ["--index", str(k), "--threads", str(threads), "--run-dir", str(log_dir / f"worker-{k}")]
        with (log_dir / f"worker-{k}.log").open("wb") as log:
            processes.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))
    return processes


def stop_local(processes: list[subprocess.Popen[bytes]], end: float | None = None) -> None:
    """Wait for local workers to exit after the run is done (until ``end``, the budget's, at most EXIT_WAIT_S
    from now, and at least a moment); stop those that do not."""
    now = time.monotonic()
    until = now + min(EXIT_WAIT_S, max(end - now, 0.5) if end is not None else EXIT_WAIT_S)
    for process in processes:
        try:
            process.wait(max(until - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class JoinSummary:
    """What one joining worker did: trials run per family (numbers in the storage), and who it was."""

    run: str
    worker: str
    trials: dict[str, list[int]]

    @property
    def n_trials(self) -> int:
        return sum(len(v) for v in self.trials.values())


def join_benchmark(
    storage: str,
    run: str,
    *,
    data: str | Path | None = None,
    threads: int | None = None,
    index: int | None = None,
    run_dir: str | Path | None = None,
    on_progress: ProgressCallback | None = None,
) -> JoinSummary:
    """Join the shared benchmark ``run`` in ``storage`` as one more worker until it is done; see the module.

    ``data`` is this machine's copy of the data when its path differs from the first worker's (it must have
    the same SHA-256); ``threads`` caps each model's threads (default: every core)."""
    from advisor.benchmarking.preload import libraries_to_preload, preload

    board = RunBoard(check_shared_storage(storage, 2), run)
    record = board.record()
    preload(libraries_to_preload(record["families"]))
    with quiet_optuna():
        worker = _joined(board, record, data, threads, index, run_dir, on_progress)
        return _search_while_open(worker, board)


def _joined(
    board: RunBoard,
    record: dict[str, Any],
    data: str | Path | None,
    threads: int | None,
    index: int | None,
    run_dir: str | Path | None,
    on_progress: ProgressCallback | None,
) -> _Worker:
    """A worker's state: the run's data (checked), splits, plan and clock, ready to search."""
    from advisor.data.loader import load
    from advisor.hardware import detect
    from advisor.profiling import profile as build_profile
    from advisor.rules import Recommendation

    spec = record["data"]
    path = Path(data or spec["path"])
    if not path.exists():
        raise InvalidArgumentError(
            f"This worker cannot find the data of '{board.run}' at {path}.",
            "Copy the same data to this machine and pass its path with --data (API: data=...).",
        )
    digest = fingerprint(path)
    if digest != spec["sha256"]:
        raise InvalidArgumentError(
            f"The data at {path} differs from the data the benchmark '{board.run}' started with "
            f"(SHA-256 {digest[:12]}... here, {spec['sha256'][:12]}... there).",
            "Give this worker an exact copy of the run's data (--data PATH).",
        )
    dataset = load(
        path,
        target=spec["target"],
        modality=spec["modality"],
        name=spec["name"],
        drop_empty_columns=spec["drop_empty_columns"],
        task=spec["task"],
        metric=spec["metric"],
    )
    budget = Budget(record["budget"]["seconds"], record["budget"]["trials"])
    t0 = time.monotonic() - (time.time() - record["started"])
    policy = TimePolicy(budget.seconds, t0)
    folder = Path(run_dir) if run_dir else Path(tempfile.mkdtemp(prefix=f"advisor-worker-{board.run}-"))
    rec = Recommendation.from_dict(record["recommendation"])
    worker = _Worker(
        dataset, build_profile(dataset), rec, budget, record["seed"], detect(probe_torch=True), folder,
        board.storage, record.get("price_per_hour"), on_progress, policy,
    )  # fmt: skip
    worker.strategy = SearchStrategy.coerce(record["strategy"]["sampler"], record["strategy"]["pruner"])
    worker.sharing = Sharing(board.run, index if index is not None else os.getpid(), worker_label())
    worker.threads = threads
    worker.prepare()
    worker.searchable(list(record["families"]))
    return worker


class _Worker(SearchSteps):
    """A joining worker: the run's search steps, without refits or reports (the first worker does those)."""


def _search_while_open(worker: _Worker, board: RunBoard) -> JoinSummary:
    """Run trials of the family the schedule names, until the run is done or its budget is spent."""
    trials: dict[str, list[int]] = {}
    while True:
        schedule = board.schedule()
        if schedule.get("state") == "done" or (worker.policy.end is not None and worker.policy.left() <= 0):
            break
        family, until = schedule.get("family"), schedule.get("until")
        if family is None or (until is not None and time.time() >= until):
            time.sleep(POLL_S)
            continue
        outcomes = _search_family(worker, family, until, schedule)
        trials.setdefault(family, []).extend(o.number for o in outcomes)
        if not outcomes:
            time.sleep(POLL_S)
    return JoinSummary(board.run, worker.sharing.label if worker.sharing else "", trials)


def _search_family(worker: _Worker, family: str, until: float | None, schedule: dict[str, Any]) -> list[Any]:
    spec = implementation(family, worker.modality)
    if spec is None:
        return []
    if schedule.get("sizing"):
        worker.sizings[family] = dict(schedule["sizing"])
    if schedule.get("target") is not None:
        worker.trial_targets[family] = int(schedule["target"])
    ctx = worker.context(family)
    try:
        data = worker.data_for(spec.view_for(ctx), family)
    except AdvisorError:
        return []  # the first worker skips this family too (its input cannot be built)
    study = worker.study_of(family, spec, ctx)
    window_end = None if until is None else time.monotonic() + (until - time.time())
    return worker._search(study, spec, ctx, family, window_end, data)


def main(argv: list[str] | None = None) -> int:
    """``python -m advisor.benchmarking.workers``: a local worker started by the first worker."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storage", required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--index", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--run-dir", default=None)
    parser.add_argument("--data", default=None)
    args = parser.parse_args(argv)
    try:
        summary = join_benchmark(
            args.storage, args.run, data=args.data, threads=args.threads, index=args.index, run_dir=args.run_dir
        )
    except AdvisorError as exc:
        print(f"advisor worker: {exc}", file=sys.stderr)
        return 2
    print(f"{summary.worker}: {summary.n_trials} trials {summary.trials}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

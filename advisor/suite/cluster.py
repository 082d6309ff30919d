"""Suites on an existing Dask cluster: one dataset per task (``advisor benchmark A B C --cluster ADDRESS``).

Dask (``distributed``) rather than Ray: a suite is a handful of independent, long, CPU-bound Python tasks;
Dask's scheduler runs from ``pip install distributed`` with no daemon of its own, its workers are plain
processes started with one command (``dask worker ADDRESS``), a local cluster is one line in a test, and it
is already in most PyData environments (see docs/scaling.md). Nothing is scheduled here: each pending
dataset is one ``client.submit`` of the same job a ``--jobs`` worker process runs; events come back through a
Dask queue, results come back with the task's outcome (so the suite's folder on this machine holds every
``result.json`` even when the workers' disks are their own), and the suite's state, resume, failure and
reports are the suite runner's, as with ``--jobs``.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.errors import InvalidArgumentError
from advisor.suite.worker import JobOutcome, run_job

if TYPE_CHECKING:
    from advisor.suite.entries import Job

__all__ = ["RESULT_KEY", "connect", "run_job_on_cluster", "slots_per_host"]

#: The key of a task's outcome ``extra`` that carries its result.json text back to this machine.
RESULT_KEY = "result_json"
CONNECT_TIMEOUT_S = 15


def connect(cluster: Any) -> Any:
    """A ``distributed.Client`` for ``cluster``: a scheduler address (``tcp://host:8786``) or a client."""
    try:
        import distributed
    except ImportError as exc:
        raise InvalidArgumentError(
            "--cluster needs Dask's distributed scheduler, which is not installed.",
            'Install it: pip install "advisor[cluster]".',
        ) from exc
    if isinstance(cluster, distributed.Client):
        return cluster
    if not isinstance(cluster, str) or not cluster.strip():
        raise InvalidArgumentError(
            f"cluster must be a Dask scheduler address or a distributed.Client, not {cluster!r}.",
            "Pass e.g. --cluster tcp://scheduler-host:8786.",
        )
    try:
        return distributed.Client(cluster, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as exc:
        raise InvalidArgumentError(
            f"No Dask scheduler answers at {cluster} ({type(exc).__name__}: {exc}).",
            "Start one (`dask scheduler`) and its workers (`dask worker ADDRESS --nthreads 1`), then pass the "
            "address it prints; see docs/scaling.md.",
        ) from exc


def slots_per_host(client: Any) -> dict[str, int]:
    """How many tasks may run at once on each host of the cluster (its workers' threads, summed)."""
    slots: dict[str, int] = {}
    for info in client.scheduler_info(n_workers=-1)["workers"].values():
        slots[info["host"]] = slots.get(info["host"], 0) + int(info.get("nthreads") or 1)
    return slots


def run_job_on_cluster(job: Job, queue_name: str, index: int, total: int, slots: dict[str, int]) -> JobOutcome:
    """One dataset's benchmark on a Dask worker: its share of the host's cores, events through the suite's
    queue, its result.json returned with the outcome."""
    import distributed

    from advisor.suite.worker import init_worker

    worker = distributed.get_worker()
    host = worker.address.split("://")[-1].rsplit(":", 1)[0]
    cores = max(1, (os.cpu_count() or 1) // max(slots.get(host, 1), 1))
    init_worker(cores)
    queue = distributed.Queue(queue_name)
    outcome = run_job(job, queue.put, index, total, cores=cores)
    if outcome.result_path and Path(outcome.result_path).exists():
        outcome.extra[RESULT_KEY] = Path(outcome.result_path).read_text(encoding="utf-8")
    return outcome


def queue_name() -> str:
    return f"advisor-suite-{uuid.uuid4().hex}"

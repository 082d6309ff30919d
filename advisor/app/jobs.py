"""Benchmarks in their own process: start one, follow its progress, stop it, resume it.

A job is one :func:`advisor.benchmark` call in a separate process (``python -m advisor.app_worker
RUN_DIR``), so the page stays responsive and Stop can end it at any moment. Its run folder holds:

- ``job.json``: what to run (a :class:`JobSpec`), the worker's pid and when it started;
- ``progress.jsonl``: one JSON object a line: the runner's progress events, then, when the job ends,
  a last line whose phase says how: ``done`` (from the runner), ``error`` or ``stopped``;
- ``worker.log``: the worker's output (a traceback lands here, never on the page);
- the benchmark's own files: ``optuna.db``, ``models/``, ``result.json``.

Stop terminates the worker's process group. Nothing is lost: finished trials live in the Optuna storage,
and a trial cut off mid-way is marked failed when the folder is resumed. Starting a job again in the same
folder resumes it.

>>> status = start_job(JobSpec("diabetes", "target", None, "advisor-runs/diabetes", seconds=30))  # doctest: +SKIP
>>> job_status("advisor-runs/diabetes").progress                                                   # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from advisor.errors import InvalidArgumentError

__all__ = [
    "JOB_FILE",
    "LOG_FILE",
    "PROGRESS_FILE",
    "JobSpec",
    "JobStatus",
    "append_event",
    "job_status",
    "log_tail",
    "read_events",
    "start_job",
    "stop_job",
]

JOB_FILE = "job.json"
PROGRESS_FILE = "progress.jsonl"
LOG_FILE = "worker.log"
WORKER_MODULE = "advisor.app_worker"
#: Phases of the line that ends a job, and the state each one means.
FINAL_PHASES = {"done": "done", "error": "failed", "stopped": "stopped"}
#: A job whose worker has not yet been recorded counts as starting for this long.
START_GRACE_S = 15.0
#: Workers this process started, so their exit is noticed (and reaped) at once.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class JobSpec:
    """What a worker benchmarks: the data as :func:`advisor.load` reads it, the budget, the run folder.

    ``source`` is a path (absolute for uploads) or a bundled dataset name; ``recommendation`` is the
    ``Recommendation.to_dict()`` the page showed (its plan decides the families), or ``None`` for the
    default one. ``task`` and ``metric`` are what the user stated (``None``: detected, the plan's);
    ``refit_full`` refits the chosen model on all rows before saving it as ``models/best.pkl``; ``sampler`` and
    ``pruner`` name the Optuna sampler and pruner (``None``: TPE and median). ``kind`` is ``benchmark``, or
    ``curve`` for a learning curve (:func:`advisor.learning_curve` within ``seconds``; ``curve.json`` and
    ``curve.html`` land in the run folder). ``storage`` is an Optuna storage URL (``None``: SQLite in the run
    folder) and ``workers`` the processes that search the benchmark together (more than 1 needs a database
    server, ``postgresql://...``; see docs/scaling.md).
    """

    source: str
    target: str | None
    modality: str | None
    run_dir: str
    seconds: float | None = 60.0
    trials: int | None = None
    seed: int = 0
    price_per_hour: float | None = None
    max_bytes: int | None = None
    recommendation: dict[str, Any] | None = None
    task: str | None = None
    metric: str | None = None
    refit_full: bool = True
    sampler: str | None = None
    pruner: str | None = None
    kind: str = "benchmark"
    storage: str | None = None
    workers: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobSpec:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class JobStatus:
    """Where a run folder's job stands.

    ``state`` is ``idle`` (no job was started here), ``running``, ``done``, ``failed`` (``problem`` and
    ``fix`` say why), ``stopped`` (from the page) or ``interrupted`` (the process ended without a word:
    killed, or the machine restarted). ``progress`` is the latest progress event (a dict with the fields
    of :class:`advisor.benchmarking.ProgressEvent`).
    """

    state: str
    run_dir: Path
    pid: int | None = None
    spec: JobSpec | None = None
    started: str | None = None
    started_at: float | None = None
    progress: dict[str, Any] | None = None
    problem: str = ""
    fix: str = ""
    message: str = ""
    events: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def since_start_s(self) -> float | None:
        """Wall seconds since the job started (its worker included loading the data)."""
        return time.time() - self.started_at if self.started_at else None


def start_job(spec: JobSpec) -> JobStatus:
    """Start ``spec`` in a new worker process and return its status.

    Raises :class:`~advisor.errors.InvalidArgumentError` when a job is already running in the folder, or when
    several workers are asked for without a database server to share.
    """
    run_dir = Path(spec.run_dir).expanduser().resolve()
    if spec.workers != 1:
        from advisor.benchmarking.workers import check_shared_storage

        check_shared_storage(spec.storage, spec.workers)
    if job_status(run_dir).running:
        raise InvalidArgumentError(
            f"A benchmark is already running in '{run_dir}'.", "Wait for it to finish, or stop it first."
        )
    run_dir.mkdir(parents=True, exist_ok=True)
    spec = JobSpec.from_dict({**spec.to_dict(), "run_dir": str(run_dir)})
    (run_dir / PROGRESS_FILE).write_text("", encoding="utf-8")
    record: dict[str, Any] = {
        "spec": spec.to_dict(),
        "pid": None,
        "started": datetime.now(UTC).isoformat(),
        "started_at": time.time(),
    }
    _write_json(run_dir / JOB_FILE, record)
    proc = _spawn(run_dir)
    _CHILDREN[proc.pid] = proc
    _write_json(run_dir / JOB_FILE, {**record, "pid": proc.pid})
    return job_status(run_dir)


def stop_job(run_dir: str | Path, grace_s: float = 5.0) -> JobStatus:
    """Stop the job running in ``run_dir`` (SIGTERM to its process group, SIGKILL after ``grace_s``).

    The run folder stays resumable. Returns the new status (unchanged when nothing was running).
    """
    run_dir = Path(run_dir)
    status = job_status(run_dir)
    if not status.running or status.pid is None:
        return status
    _terminate(status.pid, grace_s)
    last = (read_events(run_dir) or [{}])[-1]
    if last.get("phase") not in FINAL_PHASES:  # it did not finish on its own in the meantime
        append_event(run_dir, {"phase": "stopped", "message": "Stopped from the dashboard. Start again to resume."})
    return job_status(run_dir)


def job_status(run_dir: str | Path) -> JobStatus:
    """The status of the job in ``run_dir``, from its files and whether its worker is alive."""
    run_dir = Path(run_dir)
    record = _read_json(run_dir / JOB_FILE)
    if record is None:
        return JobStatus("idle", run_dir)
    events = read_events(run_dir)
    progress = next((e for e in reversed(events) if e.get("phase") not in ("error", "stopped")), None)
    last = events[-1] if events else {}
    pid = record.get("pid")
    spec = JobSpec.from_dict(record["spec"]) if isinstance(record.get("spec"), dict) else None
    common: dict[str, Any] = dict(
        run_dir=run_dir,
        pid=pid,
        spec=spec,
        started=record.get("started"),
        started_at=record.get("started_at"),
        progress=progress,
        events=events,
    )
    final = FINAL_PHASES.get(str(last.get("phase")))
    if final is not None:
        return JobStatus(
            final,
            problem=str(last.get("problem", "")),
            fix=str(last.get("fix", "")),
            message=str(last.get("message", "")),
            **common,
        )
    if pid is not None and _alive(int(pid)):
        return JobStatus("running", **common)
    if pid is None and time.time() - float(record.get("started_at") or 0) < START_GRACE_S:
        return JobStatus("running", **common)
    return JobStatus("interrupted", **common)


def read_events(run_dir: str | Path) -> list[dict[str, Any]]:
    """The job's events, oldest first (a line still being written is skipped)."""
    try:
        text = (Path(run_dir) / PROGRESS_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return []
    events = []
    for line in text.splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(event, dict):
            events.append(event)
    return events


def append_event(run_dir: str | Path, event: dict[str, Any]) -> None:
    """Append one event as a JSON line (with the time it was written)."""
    line = json.dumps({**event, "time": time.time()}, default=str, allow_nan=False) + "\n"
    with open(Path(run_dir) / PROGRESS_FILE, "a", encoding="utf-8") as fh:
        fh.write(line)


def log_tail(run_dir: str | Path, max_chars: int = 4000) -> str:
    """The end of the worker's log (for a failed or interrupted job)."""
    try:
        text = (Path(run_dir) / LOG_FILE).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""
    return text[-max_chars:]


# --------------------------------------------------------------------------------------- processes
def _spawn(run_dir: Path) -> subprocess.Popen[bytes]:
    """The worker process, in its own session (so Stop reaches everything it started), logging to a file."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(run_dir / LOG_FILE, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", WORKER_MODULE, str(run_dir)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=os.name == "posix",
        )


def _terminate(pid: int, grace_s: float) -> None:
    """SIGTERM the worker's process group, then SIGKILL it if it is still there after ``grace_s``."""
    _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        if not _alive(pid):
            return
        time.sleep(0.05)
    _signal(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    deadline = time.monotonic() + grace_s
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def _signal(pid: int, sig: int) -> None:
    try:
        if os.name == "posix":
            os.killpg(pid, sig)  # the worker leads its own process group
        else:  # pragma: no cover - Windows
            os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _alive(pid: int) -> bool:
    """Whether the worker ``pid`` still runs (a zombie, or another program that reuses the pid, does not)."""
    proc = _CHILDREN.get(pid)
    if proc is not None:
        if proc.poll() is None:
            return True
        del _CHILDREN[pid]
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _is_worker(pid)


def _is_worker(pid: int) -> bool:
    """On Linux, check /proc: the pid runs the worker module and is not a zombie. Elsewhere, trust the pid."""
    proc = Path("/proc") / str(pid)
    if not proc.is_dir():
        return True
    try:
        cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        state = (proc / "stat").read_text().rsplit(")", 1)[-1].split()[0]
    except (OSError, IndexError):
        return False
    return WORKER_MODULE in cmdline and state != "Z"


# --------------------------------------------------------------------------------------- files
def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, path)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None

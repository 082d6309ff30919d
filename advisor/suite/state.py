"""The suite's state on disk (``<out>/suite.json``) and what a rerun may reuse.

``suite.json`` lists every dataset with its status — ``pending``, ``running``, ``done``, ``failed`` or
``skipped`` (a finished result reused) — its settings, target, worker pid, timings and error. Only the
parent process writes it, atomically (a temporary file, then a rename), after every change of status.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from advisor.benchmarking.results import BenchmarkResult
from advisor.suite.entries import Job

__all__ = ["STATE_FILE", "STATUSES", "EntryState", "SuiteState", "reusable_result", "write_json_atomic"]

STATE_FILE = "suite.json"
STATUSES = ("pending", "running", "done", "failed", "skipped")
VERSION = 1
#: Identity fields a user states (a rerun that changes one of them benchmarks again).
STATED_KEYS = ("task", "metric", "refit_full")


@dataclass
class EntryState:
    """One dataset's line in ``suite.json``."""

    name: str
    slug: str
    path: str
    run_dir: str
    identity: dict[str, Any]
    status: str = "pending"
    target: str | None = None
    pid: int | None = None
    started: str | None = None
    finished: str | None = None
    wall_s: float | None = None
    error: str | None = None
    error_kind: str | None = None
    traceback: str | None = None
    notes: list[str] = field(default_factory=list)
    result: str | None = None  # result.json, relative to the output folder
    runs: int = 0  # how many times a benchmark was started for it in this folder

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EntryState:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class SuiteState:
    """All datasets of a suite run in one output folder; :meth:`save` after every change."""

    out_dir: Path
    title: str
    entries: dict[str, EntryState]
    started: str = field(default_factory=lambda: _now())
    finished: str | None = None
    reports: dict[str, str] = field(default_factory=dict)
    report_error: str | None = None
    #: The lines of an earlier ``suite.json`` in this folder, by slug (read, never written back).
    previous: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    @property
    def path(self) -> Path:
        return self.out_dir / STATE_FILE

    @classmethod
    def open(cls, out_dir: Path, title: str, jobs: list[Job]) -> SuiteState:
        """The state for ``jobs``: a fresh line per job, keeping run counts from an earlier ``suite.json``."""
        previous = _previous_entries(out_dir / STATE_FILE)
        entries = {}
        for job in jobs:
            entry = EntryState(job.name, job.slug, job.path, job.run_dir, job.identity(), target=job.target)
            if job.slug in previous:
                entry.runs = int(previous[job.slug].get("runs") or 0)
            entries[job.slug] = entry
        return cls(out_dir, title, entries, previous=previous)

    def update(self, slug: str, **changes: Any) -> EntryState:
        """Change one dataset's line and save at once."""
        entry = self.entries[slug]
        for key, value in changes.items():
            setattr(entry, key, value)
        self.save()
        return entry

    def to_dict(self) -> dict[str, Any]:
        counts = {s: sum(e.status == s for e in self.entries.values()) for s in STATUSES}
        return {
            "version": VERSION,
            "title": self.title,
            "started": self.started,
            "finished": self.finished,
            "counts": counts,
            "reports": self.reports,
            "report_error": self.report_error,
            "entries": [asdict(e) for e in self.entries.values()],
        }

    def save(self) -> Path:
        return write_json_atomic(self.path, self.to_dict())


def reusable_result(job: Job, previous: dict[str, Any] | None = None) -> BenchmarkResult | None:
    """The job's finished result from an earlier run, if its identity matches (dataset name, target, seed,
    budget, the families when the job names them, the task and metric stated, whether the chosen model is
    refit on all rows); else ``None`` and the job runs (resuming its study).

    ``previous`` is the identity the earlier ``suite.json`` recorded for this dataset: a task, metric or
    refit_full it records must equal the job's (older files without them are judged by the result alone).
    """
    run_dir = Path(job.run_dir)
    try:
        result = BenchmarkResult.load(run_dir / "result.json")
        run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        return None
    same = (
        result.dataset == job.name
        and result.seed == job.seed
        and _same_budget(result.budget, job.budget.to_dict())
        and (job.target is None or run.get("target") == job.target)
        and (job.families is None or {f.family for f in result.families} == set(job.families))
        and _same_statement(result, job)
        and _same_stated_identity(previous, job.identity())
    )
    return result if same else None


def _same_statement(result: BenchmarkResult, job: Job) -> bool:
    """The result was measured for the job's task (when stated) and by its metric (the user's, or the plan's)."""
    classes = job.task == "classification" and result.task in ("binary", "multiclass")
    if job.task is not None and job.task != result.task and not classes:
        return False
    stated_metric = (result.profile or {}).get("metric")
    return stated_metric == job.metric and (job.metric is None or result.metric == job.metric)


def _same_stated_identity(previous: dict[str, Any] | None, wanted: dict[str, Any]) -> bool:
    return previous is None or all(previous[k] == wanted[k] for k in STATED_KEYS if k in previous)


def _same_budget(saved: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return all(saved.get(k) == wanted.get(k) for k in ("seconds", "trials"))


def write_json_atomic(path: Path, data: dict[str, Any]) -> Path:
    """Write JSON so that a reader (or a crash) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, default=str)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _previous_entries(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {e["slug"]: e for e in data.get("entries", []) if isinstance(e, dict) and "slug" in e}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def _now() -> str:
    return datetime.now(UTC).isoformat()

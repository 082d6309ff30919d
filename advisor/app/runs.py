"""Run folders: where the dashboard benchmarks a dataset, and the finished runs it can reopen.

>>> run_folder("advisor-runs", "diabetes", "target")
PosixPath('advisor-runs/diabetes-target')
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEFAULT_RUNS_ROOT",
    "RESULT_FILE",
    "RUNS_ROOT_ENV",
    "PastRun",
    "default_runs_root",
    "past_runs",
    "run_folder",
    "slug",
]

DEFAULT_RUNS_ROOT = "advisor-runs"
#: Environment variable that sets the dashboard's default runs folder.
RUNS_ROOT_ENV = "ADVISOR_RUNS_ROOT"
RESULT_FILE = "result.json"
_SLUG = re.compile(r"[^A-Za-z0-9_-]+")


def default_runs_root() -> str:
    """The runs folder the dashboard starts with: ``$ADVISOR_RUNS_ROOT``, else ``advisor-runs``."""
    return os.environ.get(RUNS_ROOT_ENV) or DEFAULT_RUNS_ROOT


def slug(text: str) -> str:
    """A folder-name-safe version of ``text``: ``slug("Recommended IND") == "Recommended-IND"``."""
    return _SLUG.sub("-", text).strip("-") or "x"


def run_folder(
    runs_root: str | Path, dataset: str, target: str | None, seed: int = 0, tag: str = "", *, task: str | None = None
) -> Path:
    """The run folder of a dataset, target, stated task and seed (``tag`` tells uploads with the same name apart).

    The same inputs give the same folder, so starting a benchmark again resumes it. A task the user states
    gets its own folder (a run folder holds one task's studies); the metric does not: the studies minimize
    the same loss whatever the metric, so a run resumed with another metric only ranks and chooses by it.

    >>> run_folder("advisor-runs", "ratings", "stars", task="regression")
    PosixPath('advisor-runs/ratings-stars-regression')
    """
    parts = [slug(dataset)]
    if target:
        parts.append(slug(target))
    if task:
        parts.append(slug(task))
    if seed:
        parts.append(f"seed{seed}")
    if tag:
        parts.append(slug(tag))
    return Path(runs_root) / "-".join(parts)


@dataclass(frozen=True)
class PastRun:
    """A finished run folder: enough to list it and pick it."""

    path: Path
    dataset: str
    finished: str
    metric: str
    winner: str | None
    score: float | None

    @property
    def label(self) -> str:
        """``diabetes · linear 0.8000 accuracy · 2025-01-31 12:00 · diabetes-target``."""
        best = "no winner"
        if self.winner and self.score is not None:
            best = f"{self.winner} {self.score:.4f} {self.metric}"
        when = self.finished[:16].replace("T", " ")
        return f"{self.dataset} · {best} · {when} · {self.path.name}"


def past_runs(runs_root: str | Path) -> list[PastRun]:
    """Run folders under ``runs_root`` (and one level deeper, as suites write them) holding a result, newest first."""
    root = Path(runs_root)
    if not root.is_dir():
        return []
    found = [*root.glob(f"*/{RESULT_FILE}"), *root.glob(f"*/*/{RESULT_FILE}")]
    runs = [run for path in found if not _hidden(path, root) and (run := _summary_of(path)) is not None]
    return sorted(runs, key=lambda r: r.finished, reverse=True)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _summary_of(path: Path) -> PastRun | None:
    try:
        return _summary(path, path.stat().st_mtime)
    except OSError:
        return None


@functools.lru_cache(maxsize=512)
def _summary(path: Path, mtime: float) -> PastRun | None:
    """The listing facts of one ``result.json`` (None when it cannot be read); cached until it changes."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        winner = data["verdict"]["winner"]
        metric = str(data["metric"])
        score = next((f["test_metrics"].get(metric) for f in data["families"] if f["family"] == winner), None)
        return PastRun(path.parent, str(data["dataset"]), str(data.get("finished", "")), metric, winner, score)
    except (OSError, ValueError, KeyError, TypeError):
        return None

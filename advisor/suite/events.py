"""Suite progress events: what ``benchmark_suite(on_progress=...)`` receives, from any worker process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from advisor.benchmarking.budget import Budget
    from advisor.benchmarking.runner import ProgressEvent

__all__ = ["EVENT_KINDS", "SuiteCallback", "SuiteEvent"]

#: pending: listed (sent once per dataset, first); skipped: a finished result is reused; start: a worker
#: began it; note: something to tell (a proposed target, a load warning); progress: the benchmark's own
#: event; done / failed: it ended.
EVENT_KINDS = ("pending", "skipped", "start", "note", "progress", "done", "failed")


@dataclass(frozen=True)
class SuiteEvent:
    """One thing that happened to one dataset of a suite (picklable: sent from worker processes)."""

    kind: str
    dataset: str
    index: int  # position in the suite, from 0
    total: int  # datasets in the suite
    budget: Budget | None = None
    progress: ProgressEvent | None = None
    message: str = ""
    pid: int | None = None


SuiteCallback = Callable[[SuiteEvent], None]

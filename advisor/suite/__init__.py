"""Benchmark suites: many datasets benchmarked in one call, resumable, with reports.

>>> result = advisor.benchmark_suite(["diabetes", "credit_g"], out_dir="runs/suite", jobs=2)  # doctest: +SKIP
>>> result.summary()                                                                       # doctest: +SKIP

Modules, one concept each: ``entries`` (entries, settings, jobs), ``suitefile`` (YAML / TOML suite files),
``discover`` (datasets in a folder), ``sources`` (what a caller passes -> a suite), ``worker`` (one
dataset, in any process), ``state`` (``suite.json`` and reuse), ``runner`` (sequential or parallel
runs), ``events``, ``result``, ``reports``, ``console`` (the CLI's progress bars and summary table).

Names are imported lazily: a spawned worker process imports this package, and must be able to limit
its threads (``worker.init_worker``) before numpy, torch or the boosting libraries load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor.lazy import attach

_EXPORTS = {
    "DEFAULT_OUT": "advisor.suite.runner",
    "DatasetOutcome": "advisor.suite.result",
    "Job": "advisor.suite.entries",
    "Suite": "advisor.suite.entries",
    "SuiteEntry": "advisor.suite.entries",
    "SuiteEvent": "advisor.suite.events",
    "SuiteResult": "advisor.suite.result",
    "SuiteSettings": "advisor.suite.entries",
    "benchmark_suite": "advisor.suite.runner",
    "collect": "advisor.suite.sources",
    "discover": "advisor.suite.discover",
    "read_suite_file": "advisor.suite.suitefile",
}

__all__ = [
    "DEFAULT_OUT",
    "DatasetOutcome",
    "Job",
    "Suite",
    "SuiteEntry",
    "SuiteEvent",
    "SuiteResult",
    "SuiteSettings",
    "benchmark_suite",
    "collect",
    "discover",
    "read_suite_file",
]

if TYPE_CHECKING:
    from advisor.suite.discover import discover
    from advisor.suite.entries import Job, Suite, SuiteEntry, SuiteSettings
    from advisor.suite.events import SuiteEvent
    from advisor.suite.result import DatasetOutcome, SuiteResult
    from advisor.suite.runner import DEFAULT_OUT, benchmark_suite
    from advisor.suite.sources import collect
    from advisor.suite.suitefile import read_suite_file

__getattr__, __dir__ = attach(__name__, _EXPORTS)

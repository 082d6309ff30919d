"""Benchmark runner: Optuna studies over the model registry, with costs and results.

The function users call is :func:`advisor.benchmark`; this package holds its parts. The runner (and with
it Optuna) loads on first use, so reading results and writing reports stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor.benchmarking.budget import Budget
from advisor.benchmarking.results import BenchmarkResult, FamilyResult, TrialRecord, Verdict
from advisor.lazy import attach

__all__ = ["BenchmarkResult", "Budget", "FamilyResult", "ProgressEvent", "TrialRecord", "Verdict", "run_benchmark"]

__getattr__, __dir__ = attach(
    __name__, {"ProgressEvent": "advisor.benchmarking.state", "run_benchmark": "advisor.benchmarking.runner"}
)

if TYPE_CHECKING:
    from advisor.benchmarking.runner import run_benchmark
    from advisor.benchmarking.state import ProgressEvent

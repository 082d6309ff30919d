"""Benchmark runner: Optuna studies over the model registry, with costs and results.

The function users call is :func:`advisor.benchmark`; this package holds its parts.
"""

from advisor.benchmarking.budget import Budget
from advisor.benchmarking.results import BenchmarkResult, FamilyResult, TrialRecord, Verdict
from advisor.benchmarking.runner import ProgressEvent, run_benchmark

__all__ = ["BenchmarkResult", "Budget", "FamilyResult", "ProgressEvent", "TrialRecord", "Verdict", "run_benchmark"]

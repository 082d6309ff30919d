"""advisor: classical ML or deep learning? Rules first, then measurement on your data and hardware.

>>> import advisor
>>> data = advisor.datasets.load("adult")           # or advisor.load("file.csv", target="y")
>>> rec = advisor.recommend(data, {"interpretability": True})
>>> rec.verdict
'classical'

Heavy libraries (torch, xgboost, lightgbm, streamlit) are imported only by the parts that train
models or serve the app, so ``import advisor`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor.errors import AdvisorError
from advisor.lazy import attach

__version__ = "0.1.0"

_EXPORTS = {
    "load": "advisor.api",
    "profile": "advisor.api",
    "recommend": "advisor.api",
    "benchmark": "advisor.api",
    "benchmark_suite": "advisor.suite.runner",
    "join_benchmark": "advisor.api",
    "learning_curve": "advisor.curve",
    "LearningCurve": "advisor.curve",
    "load_model": "advisor.api",
    "refit": "advisor.api",
    "register_family": "advisor.families",
    "Family": "advisor.families",
    "ModelConfig": "advisor.benchmarking.config",
    "AdvisorClassifier": "advisor.estimators",
    "AdvisorRegressor": "advisor.estimators",
    "trials_dashboard": "advisor.api",
    "Budget": "advisor.benchmarking",
    "BenchmarkResult": "advisor.benchmarking",
    "Dataset": "advisor.data",
    "Modality": "advisor.data",
    "DatasetProfile": "advisor.profiling",
    "Constraints": "advisor.rules",
    "Recommendation": "advisor.rules",
    "SuiteEntry": "advisor.suite",
    "SuiteResult": "advisor.suite",
}

__all__ = [
    "AdvisorClassifier",
    "AdvisorError",
    "AdvisorRegressor",
    "BenchmarkResult",
    "Budget",
    "Constraints",
    "Dataset",
    "DatasetProfile",
    "Family",
    "LearningCurve",
    "Modality",
    "ModelConfig",
    "Recommendation",
    "SuiteEntry",
    "SuiteResult",
    "__version__",
    "api",
    "benchmark",
    "benchmark_suite",
    "benchmarking",
    "data",
    "datasets",
    "errors",
    "estimators",
    "families",
    "hardware",
    "join_benchmark",
    "learning_curve",
    "load",
    "load_model",
    "metrics",
    "models",
    "profile",
    "profiling",
    "recommend",
    "refit",
    "register_family",
    "rules",
    "suite",
    "trials",
    "trials_dashboard",
]

if TYPE_CHECKING:
    from advisor import (
        api,
        benchmarking,
        data,
        datasets,
        errors,
        estimators,
        families,
        hardware,
        metrics,
        models,
        profiling,
        rules,
        suite,
        trials,
    )
    from advisor.api import (
        benchmark,
        join_benchmark,
        load,
        load_model,
        profile,
        recommend,
        refit,
        trials_dashboard,
    )
    from advisor.benchmarking import BenchmarkResult, Budget
    from advisor.benchmarking.config import ModelConfig
    from advisor.curve import LearningCurve, learning_curve
    from advisor.data import Dataset, Modality
    from advisor.estimators import AdvisorClassifier, AdvisorRegressor
    from advisor.families import Family, register_family
    from advisor.profiling import DatasetProfile
    from advisor.rules import Constraints, Recommendation
    from advisor.suite import SuiteEntry, SuiteResult
    from advisor.suite.runner import benchmark_suite

__getattr__, __dir__ = attach(__name__, _EXPORTS)

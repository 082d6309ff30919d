"""The rules engine: the DL-vs-classical decision framework as data, and ``recommend``."""

from advisor.rules.constraints import Constraints
from advisor.rules.engine import fire, rank, run_engine
from advisor.rules.recommendation import (
    BenchmarkPlan,
    FiredRule,
    HybridOption,
    PlanItem,
    RankedFamily,
    Recommendation,
    TrainingRecipe,
    TransferStrategy,
)
from advisor.rules.rule import Clause, Rule, catalog, catalog_version

__all__ = [
    "BenchmarkPlan",
    "Clause",
    "Constraints",
    "FiredRule",
    "HybridOption",
    "PlanItem",
    "RankedFamily",
    "Recommendation",
    "Rule",
    "TrainingRecipe",
    "TransferStrategy",
    "catalog",
    "catalog_version",
    "fire",
    "rank",
    "run_engine",
]

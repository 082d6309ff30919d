"""The rules engine's answer: ranked families, fired rules, recipes, transfer strategy, hybrids, plan."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from advisor.rules.constraints import Constraints

__all__ = [
    "BenchmarkPlan",
    "FiredRule",
    "HybridOption",
    "PlanItem",
    "RankedFamily",
    "Recommendation",
    "TrainingRecipe",
    "TransferStrategy",
]


@dataclass(frozen=True)
class FiredRule:
    """A rule that applied to this dataset, with its reason filled in."""

    id: str
    topic: str
    reason: str
    source: str
    condition: str
    effects: dict[str, float]


@dataclass(frozen=True)
class RankedFamily:
    """One family's place in the ranking. ``confidence`` is its softmax share of all scores."""

    family: str
    label: str
    kind: str
    score: float
    confidence: float
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrainingRecipe:
    """How to train a neural candidate on this data; ``notes`` say why, citing the framework."""

    family: str
    hidden_activation: str
    output_layer: str
    loss: str
    imbalance: str
    optimizer: str
    learning_rate: float
    schedule: str
    batch_size: int
    dropout: float
    weight_decay: float
    normalization: str
    early_stopping_patience: int
    max_epochs: int
    augmentation: str = "none"
    notes: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainingRecipe:
        return cls(**{**data, "notes": tuple(data.get("notes", ()))})


@dataclass(frozen=True)
class TransferStrategy:
    """Which pretrained model to start from and how much of it to train."""

    strategy: str  # 'feature_extraction' | 'partial_fine_tuning' | 'full_fine_tuning'
    pretrained_model: str
    samples_per_class: float
    trainable_layers: str
    learning_rates: dict[str, float]
    steps: tuple[str, ...]
    reason: str
    source: str


@dataclass(frozen=True)
class HybridOption:
    """A way to combine deep and classical models, and whether it fits this data."""

    name: str
    description: str
    applicable: bool
    reason: str
    source: str


@dataclass(frozen=True)
class PlanItem:
    """One benchmark candidate: the family, its share of the budget, and why it is in the plan."""

    family: str
    budget_share: float
    reason: str


@dataclass(frozen=True)
class BenchmarkPlan:
    """Candidates in the order to run them, with budget shares summing to 1."""

    items: tuple[PlanItem, ...]
    metric: str
    validation: str
    notes: tuple[str, ...] = ()

    @property
    def families(self) -> list[str]:
        return [item.family for item in self.items]

    def share(self, family: str) -> float:
        return next((i.budget_share for i in self.items if i.family == family), 0.0)


@dataclass(frozen=True)
class Recommendation:
    """Ranked model families with reasons and sources, and how to train and benchmark them.

    ``verdict`` is 'classical', 'deep' or 'hybrid' (the kind of the top family); ``summary`` says it
    in a sentence. Round-trips through :meth:`to_json` / :meth:`from_json`.
    """

    dataset: str
    modality: str
    task: str | None
    verdict: str
    summary: str
    ranking: tuple[RankedFamily, ...]
    fired: tuple[FiredRule, ...]
    recipes: dict[str, TrainingRecipe]
    transfer: TransferStrategy | None
    hybrids: tuple[HybridOption, ...]
    plan: BenchmarkPlan
    excluded: dict[str, str]
    constraints: Constraints
    gpu: bool
    catalog_version: str
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def top(self) -> RankedFamily:
        return self.ranking[0]

    @property
    def families(self) -> list[str]:
        return [r.family for r in self.ranking]

    def reasons_for(self, family: str) -> list[FiredRule]:
        """The fired rules that moved this family's score, strongest first."""
        moved = [r for r in self.fired if family in r.effects]
        return sorted(moved, key=lambda r: -abs(r.effects[family]))

    # ------------------------------------------------------------------ serialization
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Recommendation:
        plan = data["plan"]
        transfer = data.get("transfer")
        return cls(
            **{k: data[k] for k in ("dataset", "modality", "task", "verdict", "summary", "gpu")},
            ranking=tuple(RankedFamily(**{**r, "rules": tuple(r["rules"])}) for r in data["ranking"]),
            fired=tuple(FiredRule(**r) for r in data["fired"]),
            recipes={k: TrainingRecipe.from_dict(v) for k, v in data["recipes"].items()},
            transfer=TransferStrategy(**{**transfer, "steps": tuple(transfer["steps"])}) if transfer else None,
            hybrids=tuple(HybridOption(**h) for h in data["hybrids"]),
            plan=BenchmarkPlan(
                items=tuple(PlanItem(**i) for i in plan["items"]),
                metric=plan["metric"],
                validation=plan["validation"],
                notes=tuple(plan["notes"]),
            ),
            excluded=dict(data["excluded"]),
            constraints=Constraints.from_dict(data["constraints"]),
            catalog_version=data["catalog_version"],
            warnings=tuple(data.get("warnings", ())),
        )

    @classmethod
    def from_json(cls, text: str) -> Recommendation:
        return cls.from_dict(json.loads(text))

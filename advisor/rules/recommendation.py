"""The rules engine's answer: ranked families, fired rules, recipes, transfer strategy, hybrids, plan."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from advisor.rules.constraints import Constraints
from advisor.rules.odds import DeepOdds

if TYPE_CHECKING:
    from advisor.data.dataset import ModalityName
    from advisor.profiling.task import Task
    from advisor.rules.transfer import Strategy

__all__ = [
    "Activation",
    "Augmentation",
    "BenchmarkPlan",
    "FiredRule",
    "HybridOption",
    "Imbalance",
    "Loss",
    "Normalization",
    "Optimizer",
    "PlanItem",
    "RankedFamily",
    "Recommendation",
    "Scaling",
    "Schedule",
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


class Loss(StrEnum):
    BINARY_CROSS_ENTROPY = "binary_cross_entropy"
    CROSS_ENTROPY = "cross_entropy"  # categorical, over integer labels
    MSE = "mse"
    HUBER = "huber"


class Optimizer(StrEnum):
    ADAMW = "adamw"
    ADAM = "adam"
    SGD = "sgd"  # with momentum 0.9


class Schedule(StrEnum):
    COSINE = "cosine"
    WARMUP_COSINE = "warmup_cosine"  # linear warm-up over 6% of the steps, then cosine
    PLATEAU = "plateau"  # halve the rate after 3 epochs without improvement
    NONE = "none"


class Normalization(StrEnum):
    BATCH = "batchnorm"
    LAYER = "layernorm"
    NONE = "none"


class Scaling(StrEnum):
    STANDARD = "standard"  # numeric columns: (x - mean) / std
    QUANTILE = "quantile"  # numeric columns: quantile transform to a normal distribution


class Activation(StrEnum):
    RELU = "relu"
    GELU = "gelu"


class Imbalance(StrEnum):
    NONE = "none"
    CLASS_WEIGHTS = "class_weights"  # loss weighted by inverse class frequency
    FOCAL = "focal"  # focal loss (focal_gamma) with class weights


class Augmentation(StrEnum):
    NONE = "none"
    CROP_FLIP = "crop_flip"  # random crop after padding, random horizontal flip
    SCALE_JITTER = "scale_jitter"  # series: random scaling x0.9-1.1 and Gaussian jitter
    TRUNCATE = "truncate"  # text: none, texts truncated to max_tokens


_WORDS = {
    Loss.BINARY_CROSS_ENTROPY: "binary cross-entropy",
    Loss.CROSS_ENTROPY: "categorical cross-entropy (integer labels)",
    Loss.MSE: "mean squared error",
    Loss.HUBER: "Huber loss",
    Optimizer.ADAMW: "AdamW",
    Optimizer.ADAM: "Adam",
    Optimizer.SGD: "SGD with momentum 0.9",
    Schedule.COSINE: "cosine annealing",
    Schedule.WARMUP_COSINE: "linear warmup (6% of steps) then cosine decay",
    Schedule.PLATEAU: "ReduceLROnPlateau (factor 0.5, patience 3)",
    Schedule.NONE: "constant",
    Normalization.BATCH: "BatchNorm",
    Normalization.LAYER: "LayerNorm",
    Normalization.NONE: "none",
    Activation.RELU: "ReLU",
    Activation.GELU: "GELU",
    Imbalance.NONE: "none",
    Imbalance.CLASS_WEIGHTS: "class weights (inverse frequency)",
    Imbalance.FOCAL: "focal loss with class weights",
    Scaling.STANDARD: "standardized numeric columns",
    Scaling.QUANTILE: "quantile-normal numeric columns",
    Augmentation.NONE: "none",
    Augmentation.CROP_FLIP: "random horizontal flip and random crop (padding 4); no flips for digits or text images",
    Augmentation.SCALE_JITTER: "random scaling (x0.9-1.1) and jitter",
    Augmentation.TRUNCATE: "none; texts truncated",
}


@dataclass(frozen=True)
class TrainingRecipe:
    """How to train a neural candidate on this data, as settings a model reads (enums and numbers);
    :meth:`describe` says it in words, and ``notes`` say why, citing their sources."""

    family: str
    loss: Loss
    output_units: int  # 1 for binary and regression, else the class count
    optimizer: Optimizer
    learning_rate: float
    schedule: Schedule
    batch_size: int
    max_epochs: int
    patience: int  # early stopping on the validation loss, restoring the best epoch
    dropout: float
    weight_decay: float
    normalization: Normalization
    activation: Activation
    imbalance: Imbalance = Imbalance.NONE
    focal_gamma: float = 2.0
    augmentation: Augmentation = Augmentation.NONE
    scaling: Scaling = Scaling.STANDARD
    gradient_clip: float | None = None  # the gradients' largest global norm
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name, kind in _ENUM_FIELDS.items():
            object.__setattr__(self, name, kind(getattr(self, name)))

    @property
    def _focal(self) -> bool:
        return self.imbalance is Imbalance.FOCAL

    @property
    def output_layer(self) -> str:
        if self.loss in (Loss.MSE, Loss.HUBER):
            return "1 unit, linear"
        if self.loss is Loss.BINARY_CROSS_ENTROPY:
            return "1 unit, sigmoid"
        return f"{self.output_units} units, softmax"

    def describe(self) -> dict[str, str]:
        """The recipe in words, setting by setting (what the CLI, the dashboard and the reports show)."""
        return {
            "activation / output": f"{_WORDS[self.activation]} hidden; output {self.output_layer}",
            "loss": _WORDS[self.loss],
            "imbalance": _WORDS[self.imbalance] + (f" (gamma={self.focal_gamma:g})" if self._focal else ""),
            "optimizer": f"{_WORDS[self.optimizer]}, learning rate {self.learning_rate:g}"
            + (f", gradient clipping at norm {self.gradient_clip:g}" if self.gradient_clip else ""),
            "schedule": _WORDS[self.schedule],
            "batch / epochs": f"batch {self.batch_size}, up to {self.max_epochs} epochs, patience {self.patience}",
            "regularization": f"dropout {self.dropout:g}, weight decay {self.weight_decay:g}",
            "normalization": _WORDS[self.normalization],
            "augmentation": _WORDS[self.augmentation],
        } | ({"inputs": _WORDS[self.scaling]} if self.scaling is not Scaling.STANDARD else {})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainingRecipe:
        return cls(**{**data, "notes": tuple(data.get("notes", ()))})


_ENUM_FIELDS: dict[str, type[StrEnum]] = {
    "loss": Loss,
    "optimizer": Optimizer,
    "schedule": Schedule,
    "normalization": Normalization,
    "activation": Activation,
    "imbalance": Imbalance,
    "augmentation": Augmentation,
    "scaling": Scaling,
}


@dataclass(frozen=True)
class TransferStrategy:
    """Which pretrained model to start from and how much of it to train."""

    strategy: Strategy
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
    modality: ModalityName
    task: Task | None
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
    #: For a table: the odds that the best network beats the best boosted trees, under these constraints.
    odds: DeepOdds | None = None

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
            odds=DeepOdds.from_dict(data.get("odds")),
        )

    @classmethod
    def from_json(cls, text: str) -> Recommendation:
        return cls.from_dict(json.loads(text))

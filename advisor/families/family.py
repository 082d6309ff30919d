"""A model family, declared once: what it is, where it applies, what it costs, and where its models live.

A :class:`Family` carries everything the rules, the recipes, the runner and the reports need to know about
a family, so that adding one is one declaration (see ``docs/adding-a-family.md``):

- ``role`` (baseline, boosted trees, network, hybrid, ensemble) from which the side of the DL-vs-classical
  question (``kind``) and the runner's treatment follow;
- ``implementations``: per modality, the :class:`~advisor.models.spec.ModelSpec` (search space, good
  default, builder, input) -- an object, or ``"package.module:NAME"`` imported only when that family runs
  on that modality, so that planning a benchmark never imports torch;
- ``tasks`` it supports per modality, whether it is ``interpretable``, its ``gpu`` need and ``relative_cost``
  (for the rules and the budget shares), its network ``architecture`` (for its training recipe), the
  third-party ``libraries`` it imports (preloaded in the background, versions reported), an ensemble's
  ``members``, and optional ``rules`` in the catalog's format (so a plug-in family can be ranked).

>>> from advisor.families import Role, families
>>> {f.kind for f in families().values() if f.role is Role.BOOSTED_TREES}
{<Kind.CLASSICAL: 'classical'>}
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from advisor.models.spec import ModelSpec

__all__ = [
    "ALL_MODALITIES",
    "ALL_TASKS",
    "CLASSIFICATION",
    "STRONG_CLASSICAL",
    "Architecture",
    "Family",
    "GpuNeed",
    "Kind",
    "Role",
]

ALL_MODALITIES = ("tabular", "image", "text", "timeseries")
ALL_TASKS = ("binary", "multiclass", "regression")
CLASSIFICATION = ("binary", "multiclass")
#: 'no': a CPU is fine; 'helps': a GPU speeds it up; 'needed': CPU training is impractically slow at scale.
GpuNeed = Literal["no", "helps", "needed"]


class Role(StrEnum):
    """What part a family plays in a benchmark."""

    BASELINE = "baseline"  # fast, simple: every other candidate must beat it
    BOOSTED_TREES = "boosted_trees"
    RANDOM_KERNELS = "random_kernels"  # random convolution kernels + a linear model (MiniRocket, on series)
    NETWORK = "network"
    HYBRID = "hybrid"  # a network and a classical model together (e.g. frozen embeddings + boosting)
    ENSEMBLE = "ensemble"  # combines other families' fitted models; no search of its own


class Kind(StrEnum):
    """The side of the deep-vs-classical question a family stands on."""

    CLASSICAL = "classical"
    DEEP = "deep"
    HYBRID = "hybrid"


KIND_OF_ROLE = {
    Role.BASELINE: Kind.CLASSICAL,
    Role.BOOSTED_TREES: Kind.CLASSICAL,
    Role.RANDOM_KERNELS: Kind.CLASSICAL,
    Role.NETWORK: Kind.DEEP,
    Role.HYBRID: Kind.HYBRID,
    Role.ENSEMBLE: Kind.HYBRID,
}


#: The roles of the strongest classical families, the deep side's opponents: boosted trees (tables, features)
#: and random-kernel classifiers (series).
STRONG_CLASSICAL = frozenset({Role.BOOSTED_TREES, Role.RANDOM_KERNELS})


class Architecture(StrEnum):
    """What kind of network a family trains, which decides its training recipe (none for classical models)."""

    NONE = "none"
    DENSE = "dense"  # fully connected layers over tabular features
    CONVOLUTIONAL = "convolutional"
    RECURRENT = "recurrent"
    PRETRAINED = "pretrained"  # a pretrained network fine-tuned (or its frozen features with a trained head)
    TABULAR_ENSEMBLE = "tabular_ensemble"  # k MLPs in one over embedded numeric features (TabM)


@dataclass(frozen=True)
class Family:
    """One model family. Only ``id``, ``label``, ``role``, ``summary`` and ``implementations`` are required."""

    id: str
    label: str
    role: Role
    summary: str
    implementations: Mapping[str, ModelSpec | str] = field(default_factory=dict)
    tasks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # per modality; unset: every task
    interpretable: bool = False
    gpu: GpuNeed = "no"
    relative_cost: float = 1.0  # training cost relative to LightGBM on the same data
    architecture: Architecture = Architecture.NONE
    libraries: tuple[str, ...] = ()
    members: tuple[frozenset[Role], ...] = ()  # an ensemble: per member, the roles it is chosen from
    applies_to: tuple[str, ...] = ()  # modalities it applies to without a model of its own (an ensemble)
    rules: tuple[Mapping[str, Any], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))
        object.__setattr__(self, "architecture", Architecture(self.architecture))
        if not self.id.isidentifier():
            raise ValueError(f"family id {self.id!r} must be a Python identifier (letters, digits, '_')")
        for modality in (*self.implementations, *self.applies_to, *self.tasks):
            if modality not in ALL_MODALITIES:
                raise ValueError(f"family {self.id!r}: unknown modality {modality!r}; use one of {ALL_MODALITIES}")

    @property
    def kind(self) -> Kind:
        return KIND_OF_ROLE[self.role]

    @property
    def is_neural(self) -> bool:
        return self.kind in (Kind.DEEP, Kind.HYBRID)

    @property
    def modalities(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.implementations, *self.applies_to)))

    @property
    def needs_recipe(self) -> bool:
        """Networks and ensembles (which hold one) get a training recipe from the rules."""
        return self.role in (Role.NETWORK, Role.ENSEMBLE)

    def supports(self, modality: str, task: str | None) -> bool:
        """Whether the family applies to this modality and task (without importing its models)."""
        if modality not in self.modalities:
            return False
        return task is None or task in self.tasks.get(modality, ALL_TASKS)

    def implementation(self, modality: str) -> ModelSpec | None:
        """The family's model on ``modality`` (its module imported now, if named by path), or None."""
        found = self.implementations.get(modality)
        if found is None or not isinstance(found, str):
            return found
        module, _, name = found.partition(":")
        return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]

"""Search spaces that several networks share.

>>> import optuna
>>> space = ConvSpace(widths=(16, 32), batch_sizes=(32, 64))
>>> study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
>>> params = space.suggest(study.ask())
>>> params["width"] in space.widths, list(params)[:3]
(True, ['learning_rate', 'n_blocks', 'width'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ConvSpace"]


@dataclass(frozen=True)
class ConvSpace:
    """A convolutional network's space: depth, width, regularization, optimization and augmentation.

    The parameters are suggested in one fixed order (learning rate, blocks, width, dropout, weight decay,
    batch size, augmentation), so a seeded sampler proposes the same configurations run after run.
    ``augment`` lists the augmentation choices, the first being the family's preference.
    """

    widths: tuple[int, ...]
    batch_sizes: tuple[int, ...]
    augment: tuple[bool, ...] = (False, True)
    blocks: tuple[int, int] = (2, 3)
    learning_rate: tuple[float, float] = (3e-4, 3e-2)
    weight_decay: tuple[float, float] = (1e-5, 1e-2)
    dropout: tuple[float, float] = (0.0, 0.5)

    def suggest(self, trial: Any) -> dict[str, Any]:
        """The sampled parameters (an Optuna trial or ``FixedTrial``)."""
        return {
            "learning_rate": trial.suggest_float("learning_rate", *self.learning_rate, log=True),
            "n_blocks": trial.suggest_int("n_blocks", *self.blocks),
            "width": trial.suggest_categorical("width", self.widths),
            "dropout": trial.suggest_float("dropout", *self.dropout),
            "weight_decay": trial.suggest_float("weight_decay", *self.weight_decay, log=True),
            "batch_size": trial.suggest_categorical("batch_size", self.batch_sizes),
            "augment": trial.suggest_categorical("augment", self.augment),
        }

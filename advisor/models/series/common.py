"""What the series networks share: channel standardization, padded batches with lengths, augmentation.

:class:`SeriesNetwork` fills in the input hooks of :class:`~advisor.models.torch.deep.DeepClassifier` for
series: ``_prepare`` learns each channel's mean and standard deviation from the training series,
``_batch`` standardizes the rows' series -- by those channel statistics (``normalize='channel'``), or each
series' channels by their own mean and standard deviation (``normalize='series'``: z-normalization, as the
UCR archive and the FCN / ResNet / InceptionTime papers do) -- (NaN becomes 0, the mean), shortens series longer than
``max_length`` by averaging equal spans of time (:func:`~advisor.models.series.inputs.downsample`) and
pads them with zeros to the longest series of the batch, returning ``(values, lengths)``; a network masks
positions at or past ``lengths`` so padding never changes a prediction. Training batches may be augmented
(random scaling of each channel by 0.9-1.1 and Gaussian jitter of 0.03 standard deviations, both drawn
from the fit's seeded generator).
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
import torch

from advisor.errors import InvalidArgumentError, WrongTypeError
from advisor.models.series.inputs import channel_stats, downsample, n_items, same_channels, series_at
from advisor.models.series.nets import length_mask
from advisor.models.spec import FitContext
from advisor.models.torch.base import check_choice, check_integer, check_number
from advisor.models.torch.deep import DeepClassifier
from advisor.models.torch.training import DEVICES

__all__ = ["JITTER", "NORMALIZATIONS", "SCALING", "SeriesNetwork", "default_batch_size", "fixed_params", "length_mask"]

#: Augmentation: each channel scaled by U(1 - SCALING, 1 + SCALING), plus N(0, JITTER) noise (standardized units).
SCALING = 0.1
JITTER = 0.03
SCHEDULES = ("warmup_cosine", "cosine", "none")
NORMALIZATIONS = ("channel", "series")
#: Epoch cap and patience when the context carries no recipe (series data sets are usually small).
MAX_EPOCHS, MAX_EPOCHS_CAP, PATIENCE = 100, 150, 15


class SeriesNetwork(DeepClassifier):
    """A :class:`DeepClassifier` over series of shape (channels, length); subclasses build the network.

    Subclasses define ``max_length`` (longer series are downsampled to it) and may define ``augment``.

    Attributes
    ----------
    n_channels_ : int
        The channel count seen in ``fit``.
    n_train_ : int
        How many series the network was trained on (without the validation rows).
    channel_mean_, channel_scale_ : ndarray of shape (n_channels_,)
        Per-channel standardization learned from the training series (NaN ignored).
    """

    max_length: int
    normalize: str = "channel"

    def _prepare(self, X_train: Any) -> None:
        self._check_params()
        items = [series_at(X_train, i) for i in range(n_items(X_train))]
        self.n_channels_ = same_channels(items)
        self.n_train_ = len(items)
        self.longest_ = min(max(s.shape[1] for s in items), int(self.max_length))
        self.channel_mean_, self.channel_scale_ = channel_stats(items)

    def _batch(self, X: Any, rows: np.ndarray, *, train: bool, generator: torch.Generator) -> tuple[torch.Tensor, ...]:
        items = [self._standardized(series_at(X, i)) for i in rows]
        lengths = np.array([max(s.shape[1], 1) for s in items], dtype=np.int64)
        values = np.zeros((len(items), self.n_channels_, int(lengths.max(initial=1))), dtype=np.float32)
        for i, s in enumerate(items):
            values[i, :, : s.shape[1]] = s
        x, length = torch.from_numpy(values), torch.from_numpy(lengths)
        if train and getattr(self, "augment", False):
            x = _augmented(x, length, generator)
        return x, length

    def _standardized(self, series: np.ndarray) -> np.ndarray:
        if series.shape[0] != self.n_channels_:
            raise WrongTypeError(
                f"A series has {series.shape[0]} channels, but the model was trained on {self.n_channels_}.",
                f"Give series with {self.n_channels_} channels.",
            )
        series = downsample(series, int(self.max_length))
        if self.normalize == "series":
            return _z_normalized(series)
        z = (series - self.channel_mean_[:, None]) / self.channel_scale_[:, None]
        return np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0)

    def _check_params(self) -> None:
        """The common parameters; subclasses extend with their own."""
        check_number("learning_rate", self.learning_rate, low=0.0, low_open=True)
        check_number("weight_decay", self.weight_decay, low=0.0)
        check_integer("batch_size", self.batch_size, low=1)
        check_integer("max_epochs", self.max_epochs, low=1)
        check_integer("patience", self.patience, low=1)
        check_integer("max_length", self.max_length, low=1)
        check_choice("schedule", self.schedule, SCHEDULES)
        check_choice("normalize", self.normalize, NORMALIZATIONS)
        check_choice("device", self.device, DEVICES)
        if self.class_weight not in (None, "balanced"):
            raise InvalidArgumentError(
                f"class_weight={self.class_weight!r} is not supported.", "Use None or 'balanced'."
            )
        if self.validation_fraction is not None:
            check_number(
                "validation_fraction", self.validation_fraction, low=0.0, high=1.0, low_open=True, high_open=True
            )
        if self.n_jobs is not None and (not isinstance(self.n_jobs, numbers.Integral) or self.n_jobs in (0,)):
            raise InvalidArgumentError(f"n_jobs={self.n_jobs!r} is not a thread count.", "Use None, -1 or >= 1.")


def _z_normalized(series: np.ndarray) -> np.ndarray:
    """Each channel of one series minus its mean over its standard deviation (NaN ignored, then 0); a
    constant channel becomes 0."""
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN channel
        mean = np.nanmean(series, axis=1, keepdims=True)
        std = np.nanstd(series, axis=1, keepdims=True)
    z = (series - mean) / np.where(std > 1e-8, std, 1.0)
    return np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0).astype(np.float32)


def _augmented(x: torch.Tensor, lengths: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    b, c, width = x.shape
    scale = 1.0 + SCALING * (2.0 * torch.rand((b, c, 1), generator=generator) - 1.0)
    noise = JITTER * torch.randn((b, c, width), generator=generator)
    return (x * scale + noise) * length_mask(lengths, width)[:, None, :]


def fixed_params(ctx: FitContext) -> dict[str, Any]:
    """The parameters that follow the data rather than the search: epoch cap, patience, class weighting."""
    recipe = ctx.recipe
    max_epochs = min(int(recipe.max_epochs), MAX_EPOCHS_CAP) if recipe is not None else MAX_EPOCHS
    patience = int(recipe.patience) if recipe is not None else PATIENCE
    return {"max_epochs": max_epochs, "patience": patience, "class_weight": "balanced" if ctx.class_weight else None}


def default_batch_size(ctx: FitContext) -> int:
    """16 under 500 series, 32 under 5,000, else 64: more optimizer steps per epoch on small data."""
    rows = ctx.profile.rows
    return 16 if rows < 500 else 32 if rows < 5_000 else 64

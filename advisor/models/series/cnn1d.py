"""A 1-D convolutional network for series classification, and the "cnn" family on time-series data.

The network is a fully convolutional classifier (Wang et al., 2017): ``n_blocks`` blocks of
Conv1d -> BatchNorm -> ReLU with kernel sizes 7, 5, 3 (3 from the fourth block on) and ``width`` filters,
then global average and max pooling over time, dropout and a linear head. Series of different lengths
share a batch padded with zeros; every block re-zeroes the padding, BatchNorm takes its batch statistics
over real time steps only and pooling ignores the padding, so a series' prediction does not depend on
the series it is batched with. Series longer than ``max_length`` (2000) are downsampled to it by
averaging equal spans of time (nothing is cropped).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = [rng.normal(size=(2, 30)).astype(np.float32) + k for k in (0, 1) for _ in range(20)]
>>> clf = SeriesCNNClassifier(max_epochs=3, width=8, random_state=0).fit(X, [0] * 20 + [1] * 20)
>>> clf.predict_proba(X[:2]).shape
(2, 2)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from advisor.models.params import estimator_params
from advisor.models.series.common import SeriesNetwork, default_batch_size, fixed_params, length_mask
from advisor.models.spec import FitContext, ModelSpec, network_build
from advisor.models.torch.base import check_integer, check_number
from advisor.models.torch.spaces import ConvSpace

if TYPE_CHECKING:
    import optuna

__all__ = ["SPEC", "MaskedBatchNorm1d", "SeriesCNN", "SeriesCNNClassifier", "build", "default_params", "search_space"]

KERNEL_SIZES = (7, 5, 3)


@estimator_params
class SeriesCNNClassifier(SeriesNetwork):
    """A 1-D CNN over standardized, padded and masked series of shape (channels, length).

    Parameters
    ----------
    n_blocks : int
        Convolution blocks (kernel sizes 7, 5, 3, then 3).
    width : int
        Filters per block.
    dropout : float
        Dropout before the linear head.
    augment : bool
        Randomly scale each channel (x0.9-1.1) and add Gaussian jitter to training batches.
    max_length : int
        Longer series are downsampled to this many points by averaging.
    learning_rate, weight_decay, batch_size, max_epochs, patience, schedule, class_weight,
    validation_fraction, device, n_jobs, random_state
        As in :class:`~advisor.models.torch.deep.DeepClassifier`.
    """

    n_blocks: int = 3
    width: int = 64
    dropout: float = 0.2
    augment: bool = False
    max_length: int = 2000
    learning_rate: float = 3e-3
    weight_decay: float = 1e-3

    def _check_params(self) -> None:
        super()._check_params()
        check_integer("n_blocks", self.n_blocks, low=1)
        check_integer("width", self.width, low=1)
        check_number("dropout", self.dropout, low=0.0, high=1.0, high_open=True)

    def _build_module(self, n_classes: int) -> nn.Module:
        steps = max(1, math.ceil(self.n_train_ / int(self.batch_size)))
        momentum = min(0.5, max(0.1, 1.0 / steps))  # few batches per epoch: running statistics must keep up
        return SeriesCNN(
            self.n_channels_, n_classes, int(self.n_blocks), int(self.width), float(self.dropout), momentum
        )


class MaskedBatchNorm1d(nn.BatchNorm1d):
    """BatchNorm over (batch, channels, time) whose training statistics use the unmasked steps only.

    In evaluation mode it is the plain BatchNorm (running statistics, applied per step).
    """

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:  # type: ignore[override]
        if not self.training or mask is None:
            return super().forward(x)
        keep = mask[:, None, :].to(x.dtype)
        n = keep.sum().clamp_min(1.0)
        mean = (x * keep).sum(dim=(0, 2)) / n
        var = (((x - mean[None, :, None]) * keep) ** 2).sum(dim=(0, 2)) / n
        if (
            self.track_running_stats
            and self.running_mean is not None
            and self.running_var is not None
            and self.num_batches_tracked is not None
        ):
            with torch.no_grad():
                self.num_batches_tracked += 1
                momentum = 1.0 / float(self.num_batches_tracked) if self.momentum is None else self.momentum
                unbiased = var * n / (n - 1.0).clamp_min(1.0)
                self.running_mean.lerp_(mean.detach(), momentum)
                self.running_var.lerp_(unbiased.detach(), momentum)
        normalized = (x - mean[None, :, None]) / torch.sqrt(var[None, :, None] + self.eps)
        if self.affine:
            normalized = normalized * self.weight[None, :, None] + self.bias[None, :, None]
        return normalized


class ConvBlock(nn.Module):
    """Conv1d ('same' padding) -> masked BatchNorm -> ReLU, with the padding zeroed again."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, momentum: float = 0.1) -> None:
        super().__init__()
        self.conv = nn.Conv1d(in_channels, out_channels, kernel_size, padding=kernel_size // 2, bias=False)
        self.norm = MaskedBatchNorm1d(out_channels, momentum=momentum)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.norm(self.conv(x), mask)) * mask[:, None, :].to(x.dtype)


class SeriesCNN(nn.Module):
    """Convolution blocks, masked global average + max pooling, dropout, linear head: ``(x, lengths) -> logits``."""

    def __init__(
        self, n_channels: int, n_classes: int, n_blocks: int, width: int, dropout: float, momentum: float = 0.1
    ) -> None:
        super().__init__()
        kernels = [KERNEL_SIZES[min(i, len(KERNEL_SIZES) - 1)] for i in range(n_blocks)]
        sizes = [n_channels] + [width] * n_blocks
        self.blocks = nn.ModuleList(ConvBlock(sizes[i], sizes[i + 1], k, momentum) for i, k in enumerate(kernels))
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(2 * width, n_classes)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        mask = length_mask(lengths, x.shape[-1])
        h = x * mask[:, None, :].to(x.dtype)
        for block in self.blocks:
            h = block(h, mask)
        mean = h.sum(dim=-1) / lengths[:, None].to(h.dtype)
        peak = h.masked_fill(~mask[:, None, :], float("-inf")).amax(dim=-1)
        return self.head(self.dropout(torch.cat([mean, peak], dim=1)))


# ---------------------------------------------------------------------- the "cnn" family on series
SPACE = ConvSpace(widths=(32, 64), batch_sizes=(16, 32, 64), augment=(False, True))


def search_space(trial: optuna.Trial, ctx: FitContext) -> dict[str, Any]:
    """Depth, width, regularization, optimization and augmentation; epochs, patience and class weights fixed."""
    return {**SPACE.suggest(trial), **fixed_params(ctx)}


def default_params(ctx: FitContext) -> dict[str, Any]:
    """Three blocks of 64 filters, AdamW at 3e-3, dropout 0.2, no augmentation, batches by data size (16 under
    500 series, 32 under 5,000, else 64): a point of the space."""
    return {
        "learning_rate": 3e-3,
        "n_blocks": 3,
        "width": 64,
        "dropout": 0.2,
        "weight_decay": 1e-3,
        "batch_size": default_batch_size(ctx),
        "augment": False,
        **fixed_params(ctx),
    }


build = network_build(SeriesCNNClassifier)


SPEC = ModelSpec(
    "1-D CNN",
    search_space,
    default_params,
    build,
    steps="epochs",
    view="series",
    inputs="standardized series (padded + masked)",
)

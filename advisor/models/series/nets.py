"""The 1-D convolutional networks of the CNN family on series: FCN, ResNet and InceptionTime, with masking.

The three architectures of the time-series classification literature, as their papers build them:

- **FCN** (Wang et al. 2017): blocks of Conv1d -> BatchNorm -> ReLU with kernel sizes 7, 5, 3 (the
  paper's 8, 5, 3 made odd) (``n_blocks`` blocks, ``width`` filters; the paper's 128-256-128 is
  ``width=128`` with the middle block doubled), global average pooling, a linear head;
- **ResNet** (Wang et al. 2017; the strongest network of Fawaz et al. 2019's review): three residual blocks
  of three convolutions (kernels 7, 5, 3) with ``width``, 2 x ``width`` and 2 x ``width`` filters and a
  1x1-convolution shortcut, global average pooling, a linear head;
- **InceptionTime** (Ismail Fawaz et al. 2020): ``depth`` (6) Inception modules -- a 1x1 bottleneck of 32
  filters, then convolutions of kernel sizes 39, 19 and 9 (shortened on short series) beside a max-pool +
  1x1 branch, ``width`` (32) filters each, concatenated -- with a residual connection every three modules,
  global average pooling, a linear head. The paper's classifier is an ensemble of five such networks
  (:class:`~advisor.models.series.cnn1d.SeriesCNNClassifier` ``n_networks``).

Series of different lengths share a batch padded with zeros: every layer re-zeroes the padding, BatchNorm
takes its training statistics over real time steps only (:class:`MaskedBatchNorm1d`), max-pooling never
reads padding and global pooling averages real steps, so a series' prediction does not depend on the series
it is batched with. Each network is ``(x, lengths) -> logits``.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = [
    "ARCHITECTURES",
    "FCN",
    "InceptionTime",
    "MaskedBatchNorm1d",
    "ResNet",
    "build_network",
    "length_mask",
    "padding_mask",
]

#: The architectures, strongest (and costliest) first.
ARCHITECTURES = ("inception", "resnet", "fcn")
#: The papers' kernels are 8, 5, 3; 7 keeps 'same' padding symmetric (no padded copy of the input).
FCN_KERNELS = (7, 5, 3)
RESNET_KERNELS = (7, 5, 3)
INCEPTION_KERNELS = (39, 19, 9)
BOTTLENECK = 32


def length_mask(lengths: torch.Tensor, width: int) -> torch.Tensor:
    """(batch, width) boolean: True at the positions inside each series."""
    return torch.arange(width, device=lengths.device)[None, :] < lengths[:, None]


def padding_mask(lengths: torch.Tensor, width: int) -> torch.Tensor | None:
    """:func:`length_mask`, or None when no series of the batch is padded (the layers then skip masking: about
    a third less time per step on a CPU)."""
    if bool((lengths >= width).all()):
        return None
    return length_mask(lengths, width)


def _zero_padding(h: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    return h if mask is None else h * mask[:, None, :].to(h.dtype)


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


def _same_conv(in_channels: int, out_channels: int, kernel_size: int) -> nn.Conv1d:
    """A bias-free convolution whose output has the input's length (odd or even kernels)."""
    return nn.Conv1d(in_channels, out_channels, kernel_size, padding="same", bias=False)


class ConvNorm(nn.Module):
    """Conv1d ('same' length) -> masked BatchNorm -> optional ReLU, with the padding zeroed again."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, momentum: float, relu: bool = True):
        super().__init__()
        self.conv = _same_conv(in_channels, out_channels, kernel_size)
        self.norm = MaskedBatchNorm1d(out_channels, momentum=momentum)
        self.relu = relu

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        h = self.norm(self.conv(x), mask)
        return _zero_padding(torch.relu(h) if self.relu else h, mask)


class _Head(nn.Module):
    """Masked global average pooling, dropout, a linear layer."""

    def __init__(self, width: int, n_classes: int, dropout: float) -> None:
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.linear = nn.Linear(width, n_classes)

    def forward(self, h: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        mean = h.sum(dim=-1) / lengths[:, None].clamp_min(1).to(h.dtype)
        return self.linear(self.dropout(mean))


class _Blocks(nn.Module):
    """Blocks over masked series, then the head: ``(x, lengths) -> logits`` (FCN and ResNet)."""

    blocks: nn.ModuleList
    head: _Head

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        mask = padding_mask(lengths, x.shape[-1])
        h = _zero_padding(x, mask)
        for block in self.blocks:
            h = block(h, mask)
        return self.head(h, lengths)


class FCN(_Blocks):
    """Wang et al. 2017's fully convolutional network (``n_blocks`` Conv-BN-ReLU blocks, GAP, linear)."""

    def __init__(
        self, n_channels: int, n_classes: int, *, n_blocks: int = 3, width: int = 128, dropout: float = 0.0,
        momentum: float = 0.1,
    ) -> None:  # fmt: skip
        super().__init__()
        kernels = [FCN_KERNELS[min(i, len(FCN_KERNELS) - 1)] for i in range(n_blocks)]
        sizes = [n_channels] + [2 * width if i == 1 and n_blocks >= 3 else width for i in range(n_blocks)]
        self.blocks = nn.ModuleList(ConvNorm(sizes[i], sizes[i + 1], k, momentum) for i, k in enumerate(kernels))
        self.head = _Head(sizes[-1], n_classes, dropout)


class _ResidualBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, momentum: float) -> None:
        super().__init__()
        k1, k2, k3 = RESNET_KERNELS
        self.convs = nn.ModuleList(
            [
                ConvNorm(in_channels, out_channels, k1, momentum),
                ConvNorm(out_channels, out_channels, k2, momentum),
                ConvNorm(out_channels, out_channels, k3, momentum, relu=False),
            ]
        )
        self.shortcut = ConvNorm(in_channels, out_channels, 1, momentum, relu=False)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        h = x
        for conv in self.convs:
            h = conv(h, mask)
        return torch.relu(h + self.shortcut(x, mask))


class ResNet(_Blocks):
    """Wang et al. 2017's ResNet: three residual blocks (``width``, 2x, 2x filters), GAP, linear."""

    def __init__(
        self, n_channels: int, n_classes: int, *, width: int = 64, dropout: float = 0.0, momentum: float = 0.1
    ) -> None:
        super().__init__()
        sizes = [n_channels, width, 2 * width, 2 * width]
        self.blocks = nn.ModuleList(_ResidualBlock(sizes[i], sizes[i + 1], momentum) for i in range(3))
        self.head = _Head(sizes[-1], n_classes, dropout)


class _InceptionModule(nn.Module):
    def __init__(self, in_channels: int, width: int, kernels: tuple[int, ...], momentum: float) -> None:
        super().__init__()
        self.bottleneck = _same_conv(in_channels, BOTTLENECK, 1) if in_channels > 1 else None
        inner = BOTTLENECK if self.bottleneck is not None else in_channels
        self.convs = nn.ModuleList(_same_conv(inner, width, k) for k in kernels)
        self.pool_conv = _same_conv(in_channels, width, 1)
        self.norm = MaskedBatchNorm1d(width * (len(kernels) + 1), momentum=momentum)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        inner = _zero_padding(self.bottleneck(x), mask) if self.bottleneck is not None else x
        if mask is None:
            pooled = nn.functional.max_pool1d(x, 3, 1, 1)
        else:  # padding never wins a max
            pooled = nn.functional.max_pool1d(x.masked_fill(~mask[:, None, :], float("-inf")), 3, 1, 1)
            pooled = pooled.masked_fill(~mask[:, None, :], 0.0)
        branches = [conv(inner) for conv in self.convs] + [self.pool_conv(pooled)]
        return _zero_padding(torch.relu(self.norm(torch.cat(branches, dim=1), mask)), mask)


class InceptionTime(nn.Module):
    """One network of Ismail Fawaz et al. 2020's InceptionTime: ``depth`` Inception modules with a residual
    connection every three, GAP, linear. Kernel sizes shrink to fit short series (at most the length)."""

    def __init__(
        self, n_channels: int, n_classes: int, *, width: int = 32, depth: int = 6, dropout: float = 0.0,
        momentum: float = 0.1, max_length: int | None = None,
    ) -> None:  # fmt: skip
        super().__init__()
        kernels = inception_kernels(max_length)
        out = width * (len(kernels) + 1)
        self.inception = nn.ModuleList(
            _InceptionModule(n_channels if i == 0 else out, width, kernels, momentum) for i in range(depth)
        )
        self.shortcuts = nn.ModuleList(
            ConvNorm(n_channels if i == 0 else out, out, 1, momentum, relu=False) for i in range(depth // 3)
        )
        self.head = _Head(out, n_classes, dropout)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        mask = padding_mask(lengths, x.shape[-1])
        h = residual = _zero_padding(x, mask)
        for i, module in enumerate(self.inception):
            h = module(h, mask)
            if i % 3 == 2 and i // 3 < len(self.shortcuts):
                h = torch.relu(h + self.shortcuts[i // 3](residual, mask))
                residual = h
        return self.head(h, lengths)


def inception_kernels(length: int | None) -> tuple[int, ...]:
    """The paper's kernel sizes 39, 19, 9, each at most the series length (odd, at least 3)."""
    if length is None:
        return INCEPTION_KERNELS
    return tuple(sorted({max(3, min(k, length - (1 - length % 2))) for k in INCEPTION_KERNELS}, reverse=True))


def build_network(
    architecture: str, n_channels: int, n_classes: int, *, width: int, n_blocks: int, dropout: float,
    momentum: float, max_length: int | None,
) -> nn.Module:  # fmt: skip
    """The network for one of :data:`ARCHITECTURES` (``n_blocks`` is FCN's depth, InceptionTime's modules)."""
    if architecture == "fcn":
        return FCN(n_channels, n_classes, n_blocks=n_blocks, width=width, dropout=dropout, momentum=momentum)
    if architecture == "resnet":
        return ResNet(n_channels, n_classes, width=width, dropout=dropout, momentum=momentum)
    if architecture == "inception":
        return InceptionTime(
            n_channels, n_classes, width=width, depth=n_blocks, dropout=dropout, momentum=momentum,
            max_length=max_length,
        )  # fmt: skip
    raise ValueError(f"Unknown architecture {architecture!r}; choose one of {ARCHITECTURES}.")

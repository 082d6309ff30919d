"""The parts networks train with: device, tensors of a table, mini-batch slices, optimizer, schedule, outputs.

Data lives in plain tensors on the training device and is cut into mini-batches by index (no ``DataLoader``
workers: on a few CPU cores they cost more than they save). The epochs themselves run in the one training
loop, :class:`advisor.models.torch.loop.TrainingLoop`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
from torch import nn

__all__ = [
    "OPTIMIZERS",
    "SCHEDULES",
    "LRSchedule",
    "TensorTable",
    "batch_slices",
    "make_optimizer",
    "make_schedule",
    "mixed_precision",
    "predict_outputs",
    "resolve_device",
]

OPTIMIZERS = ("adamw", "adam", "sgd")
SCHEDULES = ("cosine", "plateau", "warmup_cosine", "none")
DEVICES = ("auto", "cpu", "cuda", "mps")
WARMUP_SHARE = 0.06  # of all steps, as in the recipe's 'linear warmup (6% of steps) then cosine decay'


def resolve_device(name: str) -> torch.device:
    """'auto' picks CUDA, then Apple MPS, then the CPU; a named accelerator must be present.

    >>> resolve_device("cpu")
    device(type='cpu')
    """
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' was asked for, but torch sees no CUDA device; use device='auto' or 'cpu'.")
    if name == "mps" and not _mps_available():
        raise ValueError("device='mps' was asked for, but Apple MPS is not available; use device='auto' or 'cpu'.")
    if name not in DEVICES:
        raise ValueError(f"Unknown device {name!r}; choose one of {DEVICES}.")
    return torch.device(name)


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


@dataclass(frozen=True)
class TensorTable:
    """Encoded inputs as tensors on one device: float numbers ``(n, d)`` and long category codes ``(n, c)``."""

    numeric: torch.Tensor
    categorical: torch.Tensor

    def __len__(self) -> int:
        return self.numeric.shape[0]

    def rows(self, index: torch.Tensor | slice) -> TensorTable:
        return TensorTable(self.numeric[index], self.categorical[index])


def mixed_precision(device: str) -> torch.dtype | None:
    """The dtype networks train in under ``torch.autocast`` on ``device``: bfloat16 on a CUDA GPU that supports
    it (as the TabM paper trains; no loss scaling needed), else None (full precision: CPUs, MPS)."""
    if not str(device).startswith("cuda") or not torch.cuda.is_available():
        return None
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else None


def batch_slices(n: int, batch_size: int) -> Iterator[slice]:
    """Consecutive batches; a trailing batch of one row joins the previous one (BatchNorm needs two).

    >>> [(s.start, s.stop) for s in batch_slices(5, 2)]
    [(0, 2), (2, 5)]
    """
    starts = list(range(0, n, batch_size))
    if len(starts) > 1 and n - starts[-1] == 1:
        starts.pop()
    for i, start in enumerate(starts):
        yield slice(start, starts[i + 1] if i + 1 < len(starts) else n)


def make_optimizer(name: str, module: nn.Module, learning_rate: float, weight_decay: float) -> torch.optim.Optimizer:
    """AdamW (decoupled decay), Adam or SGD with momentum 0.9; biases and norm scales are not decayed."""
    decay = [p for p in module.parameters() if p.requires_grad and p.dim() >= 2]
    no_decay = [p for p in module.parameters() if p.requires_grad and p.dim() < 2]
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    if name == "adamw":
        return torch.optim.AdamW(groups, lr=learning_rate)
    if name == "adam":
        return torch.optim.Adam(groups, lr=learning_rate)
    if name == "sgd":
        return torch.optim.SGD(groups, lr=learning_rate, momentum=0.9)
    raise ValueError(f"Unknown optimizer {name!r}; choose one of {OPTIMIZERS}.")


@dataclass
class LRSchedule:
    """A learning-rate schedule stepped per batch (cosine, warmup + cosine) or per epoch (plateau)."""

    per_batch: torch.optim.lr_scheduler.LRScheduler | None = None
    plateau: torch.optim.lr_scheduler.ReduceLROnPlateau | None = None

    def after_batch(self) -> None:
        if self.per_batch is not None:
            self.per_batch.step()

    def after_epoch(self, monitored: float) -> None:
        if self.plateau is not None and math.isfinite(monitored):
            self.plateau.step(monitored)


def make_schedule(name: str, optimizer: torch.optim.Optimizer, max_epochs: int, steps_per_epoch: int) -> LRSchedule:
    """'cosine' decays to 0 over ``max_epochs``; 'warmup_cosine' first ramps up over 6% of the steps;
    'plateau' halves the rate after 3 epochs without improvement; 'none' keeps it constant."""
    total = max(1, max_epochs * steps_per_epoch)
    if name in ("cosine", "warmup_cosine"):
        warmup = max(1, int(WARMUP_SHARE * total)) if name == "warmup_cosine" else 0
        return LRSchedule(per_batch=torch.optim.lr_scheduler.LambdaLR(optimizer, _cosine(warmup, total)))
    if name == "plateau":
        return LRSchedule(plateau=torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=3))
    if name == "none":
        return LRSchedule()
    raise ValueError(f"Unknown schedule {name!r}; choose one of {SCHEDULES}.")


def _cosine(warmup: int, total: int) -> Callable[[int], float]:
    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = min(1.0, (step - warmup) / max(1, total - warmup))
        return 0.5 * (1.0 + math.cos(math.pi * progress))

    return factor


@torch.no_grad()
def predict_outputs(module: nn.Module, data: TensorTable, *, batch_size: int = 8192) -> torch.Tensor:
    """The network's raw outputs (logits or standardized values) in evaluation mode, batch by batch."""
    module.eval()
    parts = [module(chunk.numeric, chunk.categorical) for chunk in _chunks(data, batch_size)]
    if not parts:
        return torch.zeros((0, 1), device=data.numeric.device)
    return torch.cat(parts)


def _chunks(data: TensorTable, batch_size: int) -> Iterator[TensorTable]:
    for start in range(0, len(data), batch_size):
        yield data.rows(slice(start, start + batch_size))

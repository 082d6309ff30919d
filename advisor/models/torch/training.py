"""The training loop in small steps: device, optimizer, schedule, one epoch, evaluation, early stopping.

Data lives in plain tensors on the training device and is cut into mini-batches by index (no
``DataLoader`` workers: on a few CPU cores they cost more than they save for tabular data). Shuffling
draws from a seeded ``torch.Generator``, so a fit is reproducible.

:func:`fit_loop` ties the steps together: train an epoch, score the validation set, record the epoch in
the history, report to ``progress`` (which may stop training or raise ``optuna.TrialPruned``), stop
after ``patience`` epochs without improvement and restore the best epoch's weights.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from advisor.models.torch.losses import validation_loss

__all__ = [
    "OPTIMIZERS",
    "SCHEDULES",
    "EarlyStopping",
    "LRSchedule",
    "TensorTable",
    "TrainingResult",
    "batch_slices",
    "fit_loop",
    "make_optimizer",
    "make_schedule",
    "predict_outputs",
    "resolve_device",
    "train_epoch",
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


def train_epoch(
    module: nn.Module,
    criterion: nn.Module,
    optimizer: torch.optim.Optimizer,
    schedule: LRSchedule,
    data: TensorTable,
    target: torch.Tensor,
    *,
    batch_size: int,
    generator: torch.Generator,
) -> float:
    """One pass over shuffled mini-batches; returns the mean training loss (NaN if it diverged)."""
    module.train()
    order = torch.randperm(len(data), generator=generator).to(data.numeric.device)
    total = torch.zeros((), device=data.numeric.device)
    for part in batch_slices(len(data), batch_size):
        index = order[part]
        batch = data.rows(index)
        loss = criterion(module(batch.numeric, batch.categorical), target[index])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.after_batch()
        total += loss.detach() * len(index)
    return float(total) / max(1, len(data))


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


class EarlyStopping:
    """Tracks the best monitored value (lower is better), keeps a copy of its weights, says when to stop."""

    def __init__(self, patience: int) -> None:
        self.patience = patience
        self.best_value = math.inf
        self.best_epoch = -1
        self._best_state: dict[str, torch.Tensor] | None = None

    def update(self, epoch: int, value: float, module: nn.Module) -> bool:
        """Record this epoch; True when ``patience`` epochs have passed without improvement."""
        if math.isfinite(value) and value < self.best_value:
            self.best_value, self.best_epoch = value, epoch
            self._best_state = {k: v.detach().clone() for k, v in module.state_dict().items()}
        return epoch - self.best_epoch >= self.patience

    def restore(self, module: nn.Module) -> None:
        """Load the best epoch's weights back into ``module`` (no-op before any finite value)."""
        if self._best_state is not None:
            module.load_state_dict(self._best_state)


@dataclass
class TrainingResult:
    """What a fit produced besides the weights: per-epoch history and the epoch whose weights were kept."""

    history: list[dict[str, Any]] = field(default_factory=list)
    best_epoch: int = -1
    best_value: float = math.nan

    @property
    def n_epochs(self) -> int:
        return len(self.history)


def fit_loop(
    module: nn.Module,
    criterion: nn.Module,
    optimizer: torch.optim.Optimizer,
    schedule: LRSchedule,
    train: tuple[TensorTable, torch.Tensor],
    validation: tuple[TensorTable, torch.Tensor] | None,
    *,
    task: str,
    target_scale: float,
    batch_size: int,
    max_epochs: int,
    patience: int,
    generator: torch.Generator,
    progress: Callable[[int, float], bool] | None = None,
) -> TrainingResult:
    """Train for up to ``max_epochs`` epochs and keep the best epoch's weights.

    The monitored value is the validation loss (:func:`~advisor.models.torch.losses.validation_loss`);
    without a validation set it is the training loss, and training runs all epochs (no early stopping).
    Raises ``FloatingPointError`` when the training loss stops being finite.
    """
    result = TrainingResult()
    stopper = EarlyStopping(patience) if validation is not None else None
    for epoch in range(max_epochs):
        start = time.perf_counter()
        train_loss = train_epoch(
            module, criterion, optimizer, schedule, *train, batch_size=batch_size, generator=generator
        )
        if not math.isfinite(train_loss):
            raise FloatingPointError(f"training loss became NaN at epoch {epoch}; lower the learning rate")
        val_loss = None
        if validation is not None:
            val_loss = validation_loss(task, predict_outputs(module, validation[0]), validation[1], target_scale)
        monitored = train_loss if val_loss is None else val_loss
        schedule.after_epoch(monitored)
        should_stop = stopper is not None and stopper.update(epoch, monitored, module)
        result.history.append(
            {
                "epoch": epoch,
                "train_loss": train_loss,
                "val_loss": val_loss,
                "lr": optimizer.param_groups[0]["lr"],
                "seconds": time.perf_counter() - start,
            }
        )
        if (progress is not None and progress(epoch, monitored)) or should_stop:
            break
    if stopper is not None and stopper.best_epoch >= 0:
        stopper.restore(module)
        result.best_epoch, result.best_value = stopper.best_epoch, stopper.best_value
    elif result.history:  # no validation set (or never a finite value): the last epoch's weights stay
        last = result.history[-1]
        result.best_epoch = last["epoch"]
        result.best_value = last["train_loss"] if last["val_loss"] is None else last["val_loss"]
    return result

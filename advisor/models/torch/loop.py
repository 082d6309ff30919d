"""The one training loop every advisor network trains through, with callbacks in the manner of skorch.

:class:`TrainingLoop` runs epochs of shuffled mini-batches (a seeded ``torch.Generator`` draws the order, so
a fit is reproducible) and knows nothing else: what a batch is, how the loss is computed and what the
validation loss is are functions its caller passes; what happens around the epochs is done by callbacks:

- :class:`LRScheduler`: the learning-rate schedule, stepped per batch (cosine, warm-up + cosine) or per
  epoch on the monitored loss (plateau);
- :class:`EarlyStopping`: stops after ``patience`` epochs without improvement of the monitored loss and
  restores the best epoch's weights;
- :class:`ProgressReport`: hands each epoch's monitored loss to the benchmark's ``progress`` function (which
  reports it to Optuna's pruner -- and may raise ``optuna.TrialPruned`` -- and says when a deadline has
  passed), and asks it about the deadline about once a second during an epoch, so a long epoch cannot overrun
  a time budget;
- :class:`History`: one record per epoch (train and validation loss, learning rate, seconds);
- :class:`EpochStart`: any work before an epoch (e.g. unfreezing pretrained layers gradually).

The monitored loss is the validation loss, or the training loss when there is no validation set.

>>> import torch
>>> net = torch.nn.Linear(3, 1)
>>> x, y = torch.randn(64, 3), torch.randn(64, 1)
>>> loop = TrainingLoop(net, torch.optim.SGD(net.parameters(), lr=0.1), batch_size=16, max_epochs=3,
...                     generator=torch.Generator().manual_seed(0), callbacks=[History()])
>>> history = loop.fit(64, lambda rows: ((x[rows],), y[rows]), torch.nn.functional.mse_loss)
>>> len(history.records)
3
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from advisor.models.torch.training import LRSchedule, batch_slices

__all__ = [
    "Callback",
    "EarlyStopping",
    "EpochStart",
    "History",
    "LRScheduler",
    "Outcome",
    "ProgressReport",
    "TrainingLoop",
    "standard_callbacks",
]

#: Seconds between two mid-epoch deadline checks.
CHECK_EVERY_S = 1.0
BatchFn = Callable[[torch.Tensor], tuple[tuple[torch.Tensor, ...], torch.Tensor]]
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


class Callback:
    """A hook into the loop; a method returning True from ``on_batch_end`` ends the epoch early, from
    ``on_epoch_end`` ends training. Every method does nothing by default."""

    def on_train_begin(self, loop: TrainingLoop) -> None:
        """Before the first epoch."""

    def on_epoch_begin(self, loop: TrainingLoop, epoch: int) -> None:
        """Before each epoch."""

    def on_batch_end(self, loop: TrainingLoop, epoch: int) -> bool:
        """After each optimizer step."""
        return False

    def on_epoch_end(self, loop: TrainingLoop, epoch: int, logs: dict[str, Any]) -> bool:
        """After each epoch: ``logs`` has epoch, train_loss, val_loss, monitored, lr, seconds, interrupted."""
        return False

    def on_train_end(self, loop: TrainingLoop) -> None:
        """After the last epoch (not when an exception, such as a pruned trial, ends training)."""


class TrainingLoop:
    """Epochs of shuffled mini-batches over ``n_train`` rows; callbacks do the rest (see the module docstring).

    ``grad_clip`` clips the gradients' global norm before each step (the TabM and RTDL recipes use 1.0);
    ``precision`` (e.g. ``torch.bfloat16``) runs the forward pass and the loss under ``torch.autocast`` in that
    dtype (mixed precision: :func:`~advisor.models.torch.training.mixed_precision` picks it for the device).
    """

    def __init__(
        self,
        module: nn.Module,
        optimizer: torch.optim.Optimizer,
        *,
        batch_size: int,
        max_epochs: int,
        generator: torch.Generator,
        callbacks: Sequence[Callback] = (),
        grad_clip: float | None = None,
        precision: torch.dtype | None = None,
    ) -> None:
        self.module, self.optimizer = module, optimizer
        self.batch_size, self.max_epochs, self.generator = batch_size, max_epochs, generator
        self.callbacks = list(callbacks)
        self.grad_clip = grad_clip  # the gradients' largest global L2 norm (None: no clipping)
        self.precision = precision

    def callback(self, kind: type[Callback]) -> Any:
        """The loop's first callback of this type, or None."""
        return next((c for c in self.callbacks if isinstance(c, kind)), None)

    def fit(self, n_train: int, batch: BatchFn, loss: LossFn, validation: Callable[[], float] | None = None) -> History:
        """Train; ``batch(rows)`` gives ``(inputs, target)`` for a tensor of row positions, ``loss(output,
        target)`` the batch's mean loss, ``validation()`` the validation loss after an epoch (lower is better).
        Raises ``FloatingPointError`` when the training loss stops being finite. Returns the History callback
        (one is added when none was given)."""
        history = self.callback(History)
        if history is None:
            history = History()
            self.callbacks.append(history)
        for cb in self.callbacks:
            cb.on_train_begin(self)
        for epoch in range(self.max_epochs):
            start = time.perf_counter()
            for cb in self.callbacks:
                cb.on_epoch_begin(self, epoch)
            train_loss, interrupted = self._epoch(epoch, n_train, batch, loss)
            if not math.isfinite(train_loss):
                raise FloatingPointError(f"training loss became NaN at epoch {epoch}; lower the learning rate")
            val_loss = validation() if validation is not None else None
            logs = {
                "epoch": epoch,
                "train_loss": train_loss,
                "val_loss": val_loss,
                "monitored": train_loss if val_loss is None else val_loss,
                "lr": self.optimizer.param_groups[0]["lr"],
                "seconds": time.perf_counter() - start,
                "interrupted": interrupted,
            }
            stop = interrupted
            for cb in self.callbacks:
                stop = bool(cb.on_epoch_end(self, epoch, logs)) or stop
            if stop:
                break
        for cb in self.callbacks:
            cb.on_train_end(self)
        return history

    def _epoch(self, epoch: int, n_train: int, batch: BatchFn, loss: LossFn) -> tuple[float, bool]:
        """One pass over shuffled mini-batches: (mean training loss, ended early by a callback)."""
        self.module.train()
        order = torch.randperm(n_train, generator=self.generator)
        total: torch.Tensor | float = 0.0  # summed on the loss's device (no sync per batch), in float64
        seen = 0
        for part in batch_slices(n_train, self.batch_size):
            rows = order[part]
            inputs, target = batch(rows)
            with self._autocast():
                value = loss(self.module(*inputs), target)
            self.optimizer.zero_grad(set_to_none=True)
            value.backward()
            if self.grad_clip is not None:
                nn.utils.clip_grad_norm_(self.module.parameters(), self.grad_clip)
            self.optimizer.step()
            total = total + value.detach().double() * len(rows)
            seen += len(rows)
            if any([cb.on_batch_end(self, epoch) for cb in self.callbacks]):
                return float(total) / max(seen, 1), True
        return float(total) / max(seen, 1), False

    def _autocast(self) -> Any:
        if self.precision is None:
            return contextlib.nullcontext()
        device = next(self.module.parameters()).device.type
        return torch.autocast(device_type=device, dtype=self.precision)


class LRScheduler(Callback):
    """Steps a learning-rate schedule after each batch (cosine, warm-up + cosine) or, on the monitored loss,
    after each epoch (plateau)."""

    def __init__(self, schedule: LRSchedule) -> None:
        self.schedule = schedule

    def on_batch_end(self, loop: TrainingLoop, epoch: int) -> bool:
        self.schedule.after_batch()
        return False

    def on_epoch_end(self, loop: TrainingLoop, epoch: int, logs: dict[str, Any]) -> bool:
        self.schedule.after_epoch(logs["monitored"])
        return False


class EarlyStopping(Callback):
    """Keeps the best epoch's weights (lowest monitored loss); stops after ``patience`` epochs without
    improvement when ``stop`` (with a validation set); restores the best weights at the end."""

    def __init__(self, patience: int, *, stop: bool = True) -> None:
        self.patience, self.stop = patience, stop
        self.best_value = math.inf
        self.best_epoch = -1
        self._best_state: dict[str, torch.Tensor] | None = None

    def on_epoch_end(self, loop: TrainingLoop, epoch: int, logs: dict[str, Any]) -> bool:
        value = logs["monitored"]
        if math.isfinite(value) and value < self.best_value:
            self.best_value, self.best_epoch = value, epoch
            self._best_state = {k: v.detach().clone() for k, v in loop.module.state_dict().items()}
        return self.stop and epoch - self.best_epoch >= self.patience

    def on_train_end(self, loop: TrainingLoop) -> None:
        if self._best_state is not None:
            loop.module.load_state_dict(self._best_state)


class ProgressReport(Callback):
    """The benchmark's ``progress(step, value)``: called with the monitored loss after each epoch (it reports
    to Optuna's pruner and may raise ``optuna.TrialPruned``, which propagates), and with NaN about every
    ``check_every_s`` seconds during an epoch (a deadline check); True from it stops training."""

    def __init__(self, progress: Callable[[int, float], bool], check_every_s: float = CHECK_EVERY_S) -> None:
        self.progress, self.check_every_s = progress, check_every_s
        self._last = time.monotonic()

    def on_epoch_begin(self, loop: TrainingLoop, epoch: int) -> None:
        self._last = time.monotonic()

    def on_batch_end(self, loop: TrainingLoop, epoch: int) -> bool:
        if time.monotonic() - self._last < self.check_every_s:
            return False
        self._last = time.monotonic()
        return bool(self.progress(epoch, math.nan))

    def on_epoch_end(self, loop: TrainingLoop, epoch: int, logs: dict[str, Any]) -> bool:
        if logs["interrupted"]:  # the deadline already stopped this epoch
            return True
        return bool(self.progress(epoch, logs["monitored"]))


@dataclass
class History(Callback):
    """One record per epoch: epoch, train_loss, val_loss, lr, seconds."""

    records: list[dict[str, Any]] = field(default_factory=list)

    def on_epoch_end(self, loop: TrainingLoop, epoch: int, logs: dict[str, Any]) -> bool:
        self.records.append({k: logs[k] for k in ("epoch", "train_loss", "val_loss", "lr", "seconds")})
        return False


class EpochStart(Callback):
    """Calls ``fn(epoch, module)`` before each epoch."""

    def __init__(self, fn: Callable[[int, nn.Module], None]) -> None:
        self.fn = fn

    def on_epoch_begin(self, loop: TrainingLoop, epoch: int) -> None:
        self.fn(epoch, loop.module)


def standard_callbacks(
    schedule: LRSchedule, *, patience: int, validated: bool, progress: Callable[[int, float], bool] | None
) -> list[Callback]:
    """The callbacks every advisor network trains with: the schedule, early stopping (with a validation set),
    the history and, in a benchmark, progress reports (pruning and deadlines)."""
    callbacks: list[Callback] = [LRScheduler(schedule)]
    if validated:
        callbacks.append(EarlyStopping(patience))
    callbacks.append(History())
    if progress is not None:
        callbacks.append(ProgressReport(progress))
    return callbacks


@dataclass(frozen=True)
class Outcome:
    """What a fit leaves besides the weights: the history and the epoch whose weights were kept."""

    history: list[dict[str, Any]]
    best_epoch: int
    best_value: float

    @property
    def n_epochs(self) -> int:
        return len(self.history)

    @classmethod
    def of(cls, loop: TrainingLoop) -> Outcome:
        """The best epoch of an early-stopped fit, else (no validation set) the last epoch."""
        records = loop.callback(History).records
        stopper = loop.callback(EarlyStopping)
        if stopper is not None and stopper.best_epoch >= 0:
            return cls(records, stopper.best_epoch, stopper.best_value)
        if records:
            last = records[-1]
            return cls(records, last["epoch"], last["train_loss"] if last["val_loss"] is None else last["val_loss"])
        return cls(records, -1, math.nan)

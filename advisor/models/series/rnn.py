"""A GRU / LSTM for series classification, and the "rnn" family on time-series data.

The standardized series run through a (bidirectional) GRU or LSTM as packed sequences
(``nn.utils.rnn.pack_padded_sequence``), so each series is read exactly to its own length: padding is never
seen, by the forward or the backward direction. Each recurrent step reads a frame of ``frame`` consecutive
points of every channel ('auto': enough to read the longest training series in at most 64 steps; the last
frame of a series is completed with zeros, the same whatever the batch), which keeps the recurrent path
short without averaging anything away. The readout concatenates the last layer's final hidden state(s)
with the mean of the outputs over the series' real steps, then dropout and a linear head. Gradients are
clipped to norm 1 per weight tensor during training. Series longer than ``max_length`` (512) are
downsampled to it by averaging equal spans of time (nothing is cropped).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = [rng.normal(size=(2, 20 + k)).astype(np.float32) + k % 2 for k in range(40)]
>>> clf = SeriesRNNClassifier(max_epochs=2, hidden_size=8, random_state=0).fit(X, [k % 2 for k in range(40)])
>>> clf.predict_proba(X[:3]).shape
(3, 2)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from advisor.models.params import estimator_params
from advisor.models.series.common import SeriesNetwork, default_batch_size, fixed_params, length_mask
from advisor.models.series.inputs import n_items, series_at
from advisor.models.spec import FitContext, ModelSpec, network_build
from advisor.models.torch.base import check_choice, check_integer, check_number

if TYPE_CHECKING:
    import optuna

__all__ = ["CELLS", "SPEC", "SeriesRNN", "SeriesRNNClassifier", "build", "default_params", "search_space"]

CELLS = ("gru", "lstm")
#: 'auto' frames read the longest training series in at most this many recurrent steps.
TARGET_STEPS = 64
#: Each weight tensor's gradient is scaled down to at most this norm (recurrent gradients can explode).
CLIP_NORM = 1.0


@estimator_params
class SeriesRNNClassifier(SeriesNetwork):
    """A GRU or LSTM over standardized series of shape (channels, length), unequal lengths handled exactly.

    Parameters
    ----------
    cell : {'gru', 'lstm'}
        The recurrent cell.
    hidden_size : int
        Hidden units per direction.
    n_layers : int
        Stacked recurrent layers (dropout between them when more than one).
    bidirectional : bool
        Also read each series backwards from its last real step.
    dropout : float
        Dropout between recurrent layers and before the linear head.
    frame : int or 'auto'
        Consecutive points read per recurrent step; 'auto' reads the longest training series in <= 64 steps.
    max_length : int
        Longer series are downsampled to this many points by averaging.
    learning_rate, weight_decay, batch_size, max_epochs, patience, schedule, class_weight,
    validation_fraction, device, n_jobs, random_state
        As in :class:`~advisor.models.torch.deep.DeepClassifier`.
    """

    cell: str = "gru"
    hidden_size: int = 64
    n_layers: int = 1
    bidirectional: bool = True
    dropout: float = 0.1
    frame: int | str = "auto"
    max_length: int = 512
    learning_rate: float = 5e-3

    def _check_params(self) -> None:
        super()._check_params()
        check_choice("cell", self.cell, CELLS)
        check_integer("hidden_size", self.hidden_size, low=1)
        check_integer("n_layers", self.n_layers, low=1)
        check_number("dropout", self.dropout, low=0.0, high=1.0, high_open=True)
        if self.frame != "auto":
            check_integer("frame", self.frame, low=1, also="'auto'")

    def fit(self, X: Any, y: Any, eval_set: tuple[Any, Any] | None = None, progress: Any = None) -> SeriesRNNClassifier:
        """Train (see :meth:`DeepClassifier.fit`), clipping each weight's gradient to norm ``CLIP_NORM``."""
        try:
            return super().fit(X, y, eval_set=eval_set, progress=progress)
        finally:  # the hooks live only as long as the fit: the fitted network pickles without them
            for handle in self.__dict__.pop("_clip_handles", []):
                handle.remove()

    def _prepare(self, X_train: Any) -> None:
        super()._prepare(X_train)
        if self.frame == "auto":
            longest = max(min(series_at(X_train, i).shape[1], int(self.max_length)) for i in range(n_items(X_train)))
            self.frame_ = max(1, math.ceil(longest / TARGET_STEPS))
        else:
            self.frame_ = int(self.frame)

    def _build_module(self, n_classes: int) -> nn.Module:
        module = SeriesRNN(
            self.n_channels_,
            n_classes,
            frame=self.frame_,
            cell=self.cell,
            hidden_size=int(self.hidden_size),
            n_layers=int(self.n_layers),
            bidirectional=bool(self.bidirectional),
            dropout=float(self.dropout),
        )
        self._clip_handles = [p.register_hook(_clip_gradient) for p in module.parameters() if p.requires_grad]
        return module


def _clip_gradient(grad: torch.Tensor) -> torch.Tensor:
    norm = torch.linalg.vector_norm(grad)
    return grad * (CLIP_NORM / (norm + 1e-6)).clamp(max=1.0)


class SeriesRNN(nn.Module):
    """Packed GRU / LSTM, readout = [final hidden state(s), masked mean of outputs]: ``(x, lengths) -> logits``."""

    def __init__(
        self,
        n_channels: int,
        n_classes: int,
        *,
        frame: int = 1,
        cell: str,
        hidden_size: int,
        n_layers: int,
        bidirectional: bool,
        dropout: float,
    ) -> None:
        super().__init__()
        recurrent = nn.GRU if cell == "gru" else nn.LSTM
        self.frame = frame
        self.rnn = recurrent(
            n_channels * frame,
            hidden_size,
            num_layers=n_layers,
            batch_first=True,
            bidirectional=bidirectional,
            dropout=dropout if n_layers > 1 else 0.0,
        )
        self.directions = 2 if bidirectional else 1
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(2 * self.directions * hidden_size, n_classes)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        steps, lengths = self._frames(x, lengths)
        packed = nn.utils.rnn.pack_padded_sequence(steps, lengths.cpu(), batch_first=True, enforce_sorted=False)
        outputs, hidden = self.rnn(packed)
        if isinstance(hidden, tuple):  # LSTM: (h, c)
            hidden = hidden[0]
        padded, _ = nn.utils.rnn.pad_packed_sequence(outputs, batch_first=True, total_length=steps.shape[1])
        mask = length_mask(lengths, padded.shape[1]).to(padded.dtype)
        mean = (padded * mask[..., None]).sum(dim=1) / lengths[:, None].to(padded.dtype)
        final = hidden[-self.directions :].transpose(0, 1).reshape(x.shape[0], -1)  # last layer, every direction
        return self.head(self.dropout(torch.cat([final, mean], dim=1)))

    def _frames(self, x: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(batch, channels, time) zero-padded -> (batch, steps, channels * frame) and lengths in steps."""
        b, c, width = x.shape
        f = self.frame
        if width % f:
            x = nn.functional.pad(x, (0, f - width % f))
        steps = x.reshape(b, c, -1, f).permute(0, 2, 1, 3).reshape(b, -1, c * f)
        return steps, (lengths + f - 1) // f


# ---------------------------------------------------------------------- the "rnn" family on series
HIDDEN_SIZES = (32, 64, 128)
BATCH_SIZES = (16, 32, 64)
_RANGES = {"learning_rate": (1e-3, 1e-2), "weight_decay": (1e-5, 1e-2), "dropout": (0.0, 0.5)}


def search_space(trial: optuna.Trial, ctx: FitContext) -> dict[str, Any]:
    """Cell, size, depth, direction, regularization and optimization; epochs, patience and class weights fixed."""
    tuned = {
        "cell": trial.suggest_categorical("cell", CELLS),
        "hidden_size": trial.suggest_categorical("hidden_size", HIDDEN_SIZES),
        "n_layers": trial.suggest_int("n_layers", 1, 2),
        "bidirectional": trial.suggest_categorical("bidirectional", (False, True)),
        "dropout": trial.suggest_float("dropout", *_RANGES["dropout"]),
        "learning_rate": trial.suggest_float("learning_rate", *_RANGES["learning_rate"], log=True),
        "weight_decay": trial.suggest_float("weight_decay", *_RANGES["weight_decay"], log=True),
        "batch_size": trial.suggest_categorical("batch_size", BATCH_SIZES),
    }
    return {**tuned, **fixed_params(ctx)}


def default_params(ctx: FitContext) -> dict[str, Any]:
    """One bidirectional GRU layer of 64 units, AdamW at 5e-3, dropout 0.1, batches by data size."""
    return {
        "cell": "gru",
        "hidden_size": 64,
        "n_layers": 1,
        "bidirectional": True,
        "dropout": 0.1,
        "learning_rate": 5e-3,
        "weight_decay": 1e-4,
        "batch_size": default_batch_size(ctx),
        **fixed_params(ctx),
    }


build = network_build(SeriesRNNClassifier)


SPEC = ModelSpec(
    "GRU / LSTM",
    search_space,
    default_params,
    build,
    steps="epochs",
    view="series",
    inputs="standardized series (packed, unequal lengths exact)",
)

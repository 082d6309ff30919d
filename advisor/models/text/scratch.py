"""A text network trained from scratch (embedding bag or bidirectional GRU), and the text ``rnn`` family.

:class:`TextRNNClassifier` splits each text into lower-cased word and punctuation tokens
(``\\w+`` and runs of other non-space characters), keeps the first ``max_tokens`` of them, and maps them
to a vocabulary learned from the training texts only (tokens seen at least ``min_freq`` times, the
``max_vocab`` most frequent; id 0 is padding, 1 every unknown token). Two architectures:

- ``'embedding_bag'``: the mean of the token embeddings -> dropout -> linear (fastText-like; fast);
- ``'gru'``: token embeddings -> bidirectional GRU over packed sequences -> max and mean pooling over the
  real tokens -> dropout -> linear.

Training (AdamW, schedule, early stopping, deadlines, devices) is :class:`~advisor.models.torch.deep.DeepClassifier`'s.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from advisor.models.common import TextInputTags
from advisor.models.params import estimator_params
from advisor.models.spec import FitContext, ModelSpec, network_build
from advisor.models.text.inputs import as_texts
from advisor.models.torch.deep import DeepClassifier
from advisor.rules.recommendation import Imbalance

__all__ = ["ARCHS", "PAD", "SPEC", "UNKNOWN", "TextRNNClassifier", "default_params", "search_space", "tokenize"]

ARCHS = ("embedding_bag", "gru")
PAD, UNKNOWN = 0, 1
MAX_CHARS = 20_000
MAX_EPOCHS, PATIENCE = 20, 3  # caps on the recipe's epochs and patience (from-scratch text nets converge fast)
_TOKEN = re.compile(r"\w+|[^\w\s]+")


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (``\\w+``) and punctuation runs, in order.

    >>> tokenize("Call NOW!!! 50% off")
    ['call', 'now', '!!!', '50', '%', 'off']
    """
    return _TOKEN.findall(text.lower())


def build_vocabulary(token_lists: Sequence[Sequence[str]], min_freq: int, max_vocab: int) -> dict[str, int]:
    """Token -> id (from 2, most frequent first, ties alphabetical) for tokens seen ``min_freq`` times or more."""
    counts = Counter(token for tokens in token_lists for token in tokens)
    kept = sorted((t for t, c in counts.items() if c >= min_freq), key=lambda t: (-counts[t], t))[:max_vocab]
    return {token: i + 2 for i, token in enumerate(kept)}


class _TextNet(nn.Module):
    """Embedding bag or BiGRU over token ids ``(batch, length)`` with lengths ``(batch,)`` -> logits."""

    def __init__(
        self, vocab_size: int, n_classes: int, arch: str, embedding_dim: int, hidden_size: int, dropout: float
    ) -> None:
        super().__init__()
        self.arch = arch
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=PAD)
        self.gru = nn.GRU(embedding_dim, hidden_size, batch_first=True, bidirectional=True) if arch == "gru" else None
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(4 * hidden_size if arch == "gru" else embedding_dim, n_classes)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        mask = torch.arange(ids.shape[1], device=ids.device)[None, :] < lengths[:, None]
        states = self.embedding(ids)
        if self.gru is not None:
            packed = pack_padded_sequence(states, lengths.clamp(min=1).cpu(), batch_first=True, enforce_sorted=False)
            output, _ = self.gru(packed)
            states, _ = pad_packed_sequence(output, batch_first=True, total_length=ids.shape[1])
        weights = mask.unsqueeze(-1).to(states.dtype)
        mean = (states * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
        if self.gru is None:
            return self.head(self.dropout(mean))
        peak = states.masked_fill(~mask.unsqueeze(-1), float("-inf")).amax(dim=1)
        peak = torch.where(torch.isfinite(peak), peak, torch.zeros_like(peak))  # empty texts
        return self.head(self.dropout(torch.cat([peak, mean], dim=1)))


@estimator_params
class TextRNNClassifier(TextInputTags, DeepClassifier):
    """A text classifier trained from scratch on word tokens (see the module docstring).

    Parameters
    ----------
    arch : {'embedding_bag', 'gru'}
        Mean of embeddings, or a bidirectional GRU with max + mean pooling.
    embedding_dim : int
        Size of the token embeddings.
    hidden_size : int
        GRU units per direction (unused by 'embedding_bag').
    dropout : float
        Dropout before the output layer.
    max_tokens : int
        Tokens kept per text (the first ones); the rest are dropped.
    min_freq, max_vocab : int
        Vocabulary: tokens seen at least ``min_freq`` times in the training texts, the ``max_vocab`` most
        frequent of them.
    learning_rate, weight_decay, batch_size, max_epochs, patience, schedule, class_weight,
    validation_fraction, device, n_jobs, random_state
        Training, as in :class:`~advisor.models.torch.deep.DeepClassifier`.

    Attributes
    ----------
    vocabulary_ : dict
        Token -> id (0 padding and 1 unknown are not in it).
    """

    arch: str = "embedding_bag"
    embedding_dim: int = 128
    hidden_size: int = 128
    dropout: float = 0.2
    max_tokens: int = 200
    min_freq: int = 2
    max_vocab: int = 30_000
    learning_rate: float = 1e-2
    batch_size: int = 64
    max_epochs: int = MAX_EPOCHS
    patience: int = PATIENCE

    # ------------------------------------------------------------------ hooks
    def _prepare(self, X_train: Any) -> None:
        if self.arch not in ARCHS:
            raise ValueError(f"arch must be one of {ARCHS}, got {self.arch!r}.")
        if not (isinstance(self.max_tokens, int | np.integer) and self.max_tokens >= 1):
            raise ValueError(f"max_tokens must be a positive integer, got {self.max_tokens!r}.")
        tokens = [self._tokens(text) for text in as_texts(X_train, MAX_CHARS)]
        self.vocabulary_ = build_vocabulary(tokens, self.min_freq, self.max_vocab)

    def _tokens(self, text: str) -> list[str]:
        return tokenize(text)[: self.max_tokens]

    def encode(self, texts: Any) -> list[list[int]]:
        """Token ids of each text (unknown tokens are 1), truncated at ``max_tokens``."""
        vocabulary = self.vocabulary_
        return [[vocabulary.get(t, UNKNOWN) for t in self._tokens(text)] for text in as_texts(texts, MAX_CHARS)]

    def _build_module(self, n_classes: int) -> nn.Module:
        return _TextNet(
            len(self.vocabulary_) + 2, n_classes, self.arch, self.embedding_dim, self.hidden_size, self.dropout
        )

    def _batch(self, X: Any, rows: np.ndarray, *, train: bool, generator: torch.Generator) -> tuple[torch.Tensor, ...]:
        ids = self.encode(self._subset(X, rows))
        lengths = torch.tensor([len(i) for i in ids], dtype=torch.long)
        padded = torch.zeros((len(ids), max(1, int(lengths.max()) if len(ids) else 1)), dtype=torch.long)
        for row, sequence in enumerate(ids):
            padded[row, : len(sequence)] = torch.tensor(sequence, dtype=torch.long)
        return padded, lengths


# ---------------------------------------------------------------------------------------- the "rnn" family
EMBEDDING_DIMS = (64, 128)
HIDDEN_SIZES = (64, 128)
BATCH_SIZES = (64, 128)


def search_space(trial: Any, ctx: FitContext) -> dict[str, Any]:
    """Architecture, learning rate, widths, dropout and batch size; epochs, patience and weighting are fixed."""
    return {
        "arch": trial.suggest_categorical("arch", ARCHS),
        "learning_rate": trial.suggest_float("learning_rate", 1e-3, 1e-2, log=True),
        "embedding_dim": trial.suggest_categorical("embedding_dim", EMBEDDING_DIMS),
        "hidden_size": trial.suggest_categorical("hidden_size", HIDDEN_SIZES),
        "dropout": trial.suggest_float("dropout", 0.0, 0.5),
        "batch_size": trial.suggest_categorical("batch_size", BATCH_SIZES),
        **_fixed_params(ctx),
    }


def default_params(ctx: FitContext) -> dict[str, Any]:
    """The embedding bag (fast on any machine) at a learning rate of 1e-2: a point of the space."""
    return {
        "arch": "embedding_bag",
        "learning_rate": 1e-2,
        "embedding_dim": 128,
        "hidden_size": 64,
        "dropout": 0.2,
        "batch_size": 64,
        **_fixed_params(ctx),
    }


build = network_build(TextRNNClassifier)


def _fixed_params(ctx: FitContext) -> dict[str, Any]:
    recipe = ctx.recipe
    epochs = min(recipe.max_epochs, MAX_EPOCHS) if recipe is not None else MAX_EPOCHS
    patience = min(recipe.patience, PATIENCE) if recipe is not None else PATIENCE
    return {"max_epochs": epochs, "patience": patience, "class_weight": class_weight_for(ctx)}


def class_weight_for(ctx: FitContext) -> str | None:
    """'balanced' when the context or its recipe asks for class weights, else None."""
    asked = ctx.recipe is not None and ctx.recipe.imbalance is not Imbalance.NONE
    return "balanced" if (ctx.class_weight or asked) else None


SPEC = ModelSpec(
    "Text network from scratch (embedding bag / GRU)",
    search_space,
    default_params,
    build,
    steps="epochs",
    view="texts",
    inputs="word tokens (vocabulary learned on the training texts)",
)

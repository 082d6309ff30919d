"""The network: category embeddings and numeric inputs feeding a stack of dense blocks and a linear head.

Each block is ``Linear -> Norm -> Activation -> Dropout`` (framework §5: normalization after the dense
layer, before the activation). The head has one unit for binary classification and regression, one per
class otherwise; it returns logits or standardized predictions, never probabilities.

>>> import torch
>>> net = TabularMLP(n_numeric=3, cardinalities=(4,), embedding_dims=(2,), n_outputs=1, hidden_size=8, n_layers=2)
>>> net(torch.zeros(5, 3), torch.zeros(5, 1, dtype=torch.long)).shape
torch.Size([5, 1])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

__all__ = ["ACTIVATIONS", "NORMALIZATIONS", "HeadsLoss", "TabularMLP", "auto_embedding_dim", "mean_of_heads"]

ACTIVATIONS = ("relu", "leaky_relu", "gelu")
NORMALIZATIONS = ("batchnorm", "layernorm", "none")


def auto_embedding_dim(cardinality: int) -> int:
    """The usual rule of thumb: half the categories, at most 50 (and at least 1).

    >>> auto_embedding_dim(3), auto_embedding_dim(1000)
    (2, 50)
    """
    return max(1, min(50, (cardinality + 1) // 2))


def make_activation(name: str) -> nn.Module:
    if name == "relu":
        return nn.ReLU()
    if name == "leaky_relu":
        return nn.LeakyReLU(0.01)
    if name == "gelu":
        return nn.GELU()
    raise ValueError(f"Unknown activation {name!r}; choose one of {ACTIVATIONS}.")


def make_normalization(name: str, width: int) -> nn.Module:
    if name == "batchnorm":
        return nn.BatchNorm1d(width)
    if name == "layernorm":
        return nn.LayerNorm(width)
    if name == "none":
        return nn.Identity()
    raise ValueError(f"Unknown normalization {name!r}; choose one of {NORMALIZATIONS}.")


class DenseBlock(nn.Sequential):
    """``Linear -> Norm -> Activation -> Dropout``."""

    def __init__(self, n_in: int, n_out: int, activation: str, normalization: str, dropout: float) -> None:
        super().__init__(
            nn.Linear(n_in, n_out),
            make_normalization(normalization, n_out),
            make_activation(activation),
            nn.Dropout(dropout),
        )


class TabularMLP(nn.Module):
    """An MLP over standardized numeric features and one embedding per categorical column.

    ``cardinalities`` counts the categories seen in training per column; each embedding has one more
    row, index 0, for missing or unseen values. ``numeric_embedding`` (optional, see
    :mod:`advisor.models.torch.embeddings`) turns each numeric column into a ``d``-vector first: with
    periodic embeddings this is the MLP-PLR of Gorishniy et al. (2022).
    """

    def __init__(
        self,
        *,
        n_numeric: int,
        cardinalities: Sequence[int],
        embedding_dims: Sequence[int],
        n_outputs: int,
        hidden_size: int,
        n_layers: int,
        activation: str = "relu",
        normalization: str = "batchnorm",
        dropout: float = 0.0,
        numeric_embedding: nn.Module | None = None,
    ) -> None:
        super().__init__()
        if len(cardinalities) != len(embedding_dims):
            raise ValueError("cardinalities and embedding_dims must have the same length.")
        self.embeddings = nn.ModuleList(
            nn.Embedding(card + 1, dim) for card, dim in zip(cardinalities, embedding_dims, strict=True)
        )
        self.numeric_embedding = numeric_embedding
        numeric_width = n_numeric if numeric_embedding is None else n_numeric * _embedding_width(numeric_embedding)
        width = numeric_width + sum(embedding_dims)
        blocks = []
        for _ in range(n_layers):
            blocks.append(DenseBlock(width, hidden_size, activation, normalization, dropout))
            width = hidden_size
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Linear(width, n_outputs)

    def forward(self, numeric: torch.Tensor, categorical: torch.Tensor) -> torch.Tensor:
        if self.numeric_embedding is not None:
            numeric = self.numeric_embedding(numeric).flatten(1)
        parts = [numeric] + [emb(categorical[:, i]) for i, emb in enumerate(self.embeddings)]
        features = torch.cat(parts, dim=1) if len(parts) > 1 else numeric
        return self.head(self.blocks(features))


def mean_of_heads(heads: torch.Tensor, task: str) -> torch.Tensor:
    """One output per row from ``(batch, k, n_outputs)``: the heads' mean probability as a logit
    (binary: log-odds; multiclass: log-probabilities, which softmax maps back), or their mean value.

    >>> heads = torch.tensor([[[0.0], [2.0]]])
    >>> round(float(torch.sigmoid(mean_of_heads(heads, "binary"))), 4)  # mean of 0.5 and 0.8808
    0.6904
    """
    if task == "regression":
        return heads.mean(dim=1)
    if task == "binary":
        p = torch.sigmoid(heads).mean(dim=1).clamp(1e-7, 1 - 1e-7)
        return torch.log(p) - torch.log1p(-p)
    return torch.log(torch.softmax(heads, dim=-1).mean(dim=1).clamp_min(1e-12))


class HeadsLoss(nn.Module):
    """A loss over ``(batch, k, outputs)``: the mean of the k heads' losses (an ensemble network in one, such
    as TabM, trains each head on every row); a 2-D output (evaluation mode) is scored as it is."""

    def __init__(self, loss: nn.Module) -> None:
        super().__init__()
        self.loss = loss

    def forward(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if output.ndim == 3:
            k = output.shape[1]
            output, target = output.flatten(0, 1), target.repeat_interleave(k, dim=0)
        return self.loss(output, target)


def _embedding_width(module: nn.Module) -> int:
    """The vector size per column of an ``rtdl_num_embeddings`` module."""
    shape: Any = getattr(module, "get_output_shape")()  # noqa: B009 (nn.Module's typing hides it)
    return int(shape[-1])

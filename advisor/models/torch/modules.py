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

import torch
from torch import nn

__all__ = ["ACTIVATIONS", "NORMALIZATIONS", "TabularMLP", "auto_embedding_dim"]

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
    row, index 0, for missing or unseen values.
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
    ) -> None:
        super().__init__()
        if len(cardinalities) != len(embedding_dims):
            raise ValueError("cardinalities and embedding_dims must have the same length.")
        self.embeddings = nn.ModuleList(
            nn.Embedding(card + 1, dim) for card, dim in zip(cardinalities, embedding_dims, strict=True)
        )
        width = n_numeric + sum(embedding_dims)
        blocks = []
        for _ in range(n_layers):
            blocks.append(DenseBlock(width, hidden_size, activation, normalization, dropout))
            width = hidden_size
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Linear(width, n_outputs)

    def forward(self, numeric: torch.Tensor, categorical: torch.Tensor) -> torch.Tensor:
        parts = [numeric] + [emb(categorical[:, i]) for i, emb in enumerate(self.embeddings)]
        features = torch.cat(parts, dim=1) if len(parts) > 1 else numeric
        return self.head(self.blocks(features))

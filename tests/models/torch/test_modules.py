"""The network: embeddings + numbers in, [Linear -> Norm -> Activation -> Dropout] x n_layers, linear head."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from advisor.models.torch.modules import TabularMLP, auto_embedding_dim


def _net(**changes: object) -> TabularMLP:
    params: dict[str, object] = {
        "n_numeric": 3,
        "cardinalities": (4, 10),
        "embedding_dims": (2, 5),
        "n_outputs": 3,
        "hidden_size": 8,
        "n_layers": 2,
    }
    return TabularMLP(**{**params, **changes})  # type: ignore[arg-type]


def test_output_shape_for_mixed_numeric_only_and_categorical_only_inputs() -> None:
    codes = torch.tensor([[0, 9], [4, 10], [1, 1]])
    assert _net()(torch.randn(3, 3), codes).shape == (3, 3)
    assert _net(cardinalities=(), embedding_dims=())(torch.randn(3, 3), torch.zeros(3, 0, dtype=torch.long)).shape == (
        3,
        3,
    )
    assert _net(n_numeric=0, n_outputs=1)(torch.zeros(3, 0), codes).shape == (3, 1)


def test_each_categorical_column_has_an_embedding_with_a_row_for_unknown() -> None:
    net = _net()
    assert [(e.num_embeddings, e.embedding_dim) for e in net.embeddings] == [(5, 2), (11, 5)]
    first = net.blocks[0][0]
    assert isinstance(first, nn.Linear) and first.in_features == 3 + 2 + 5


def test_auto_embedding_dim_is_half_the_categories_capped_at_50() -> None:
    assert [auto_embedding_dim(k) for k in (1, 2, 3, 10, 99, 100, 5000)] == [1, 1, 2, 5, 50, 50, 50]


@pytest.mark.parametrize(
    ("normalization", "norm_type"),
    [("batchnorm", nn.BatchNorm1d), ("layernorm", nn.LayerNorm), ("none", nn.Identity)],
)
@pytest.mark.parametrize(
    ("activation", "act_type"), [("relu", nn.ReLU), ("leaky_relu", nn.LeakyReLU), ("gelu", nn.GELU)]
)
def test_blocks_are_linear_norm_activation_dropout(
    normalization: str, norm_type: type, activation: str, act_type: type
) -> None:
    net = _net(n_layers=3, normalization=normalization, activation=activation, dropout=0.25)
    assert len(net.blocks) == 3
    for block in net.blocks:
        linear, norm, act, drop = block
        assert isinstance(linear, nn.Linear) and linear.out_features == 8
        assert isinstance(norm, norm_type) and isinstance(act, act_type)
        assert isinstance(drop, nn.Dropout) and drop.p == 0.25
    assert net.head.in_features == 8 and net.head.out_features == 3


def test_dropout_is_active_in_training_and_off_in_eval() -> None:
    torch.manual_seed(0)
    net = _net(dropout=0.5, normalization="none")
    x, codes = torch.randn(16, 3), torch.ones(16, 2, dtype=torch.long)
    net.eval()
    assert torch.equal(net(x, codes), net(x, codes))
    net.train()
    assert not torch.equal(net(x, codes), net(x, codes))


@pytest.mark.parametrize("bad", [{"activation": "tanh"}, {"normalization": "groupnorm"}])
def test_unknown_activation_or_normalization_is_refused(bad: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="choose one of"):
        _net(**bad)

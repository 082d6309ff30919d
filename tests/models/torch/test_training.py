"""The parts networks train with: batching, optimizers, schedules, batched outputs, devices."""

from __future__ import annotations

import pytest
import torch

from advisor.models.torch.modules import TabularMLP
from advisor.models.torch.training import (
    TensorTable,
    batch_slices,
    make_optimizer,
    make_schedule,
    predict_outputs,
    resolve_device,
)


def _problem(n: int = 200, seed: int = 0) -> tuple[TensorTable, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 4, generator=gen)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).long()
    return TensorTable(x, torch.zeros(n, 0, dtype=torch.long)), y


def _net(**changes: object) -> TabularMLP:
    torch.manual_seed(0)
    params = {"n_numeric": 4, "cardinalities": (), "embedding_dims": (), "n_outputs": 1, "hidden_size": 16}
    return TabularMLP(**{**params, "n_layers": 1, **changes})  # type: ignore[arg-type]


def test_batches_cover_every_row_once_and_never_leave_a_single_row_alone() -> None:
    for n, size in [(10, 3), (11, 5), (7, 7), (1, 4), (9, 4)]:
        parts = list(batch_slices(n, size))
        assert [i for s in parts for i in range(s.start, s.stop)] == list(range(n))
        assert all(s.stop - s.start >= 2 for s in parts) or n == 1


def test_optimizers_and_their_settings() -> None:
    net = _net()
    adamw, adam, sgd = (make_optimizer(name, net, 1e-3, 0.01) for name in ("adamw", "adam", "sgd"))
    assert isinstance(adamw, torch.optim.AdamW) and type(adam) is torch.optim.Adam
    assert isinstance(sgd, torch.optim.SGD) and sgd.param_groups[0]["momentum"] == 0.9
    decayed, plain = adamw.param_groups
    assert decayed["weight_decay"] == 0.01 and plain["weight_decay"] == 0.0
    assert all(p.dim() >= 2 for p in decayed["params"]) and all(p.dim() == 1 for p in plain["params"])
    with pytest.raises(ValueError, match="optimizer"):
        make_optimizer("rmsprop", net, 1e-3, 0.0)


def _lrs(name: str, epochs: int = 10, steps: int = 10, monitored: float = 1.0) -> list[float]:
    optimizer = torch.optim.SGD(_net().parameters(), lr=0.1)
    schedule = make_schedule(name, optimizer, epochs, steps)
    rates = []
    for _ in range(epochs):
        for _ in range(steps):
            rates.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            schedule.after_batch()
        schedule.after_epoch(monitored)
    return rates


def test_schedules_shape_the_learning_rate() -> None:
    cosine, warmup, flat = _lrs("cosine"), _lrs("warmup_cosine"), _lrs("none")
    assert cosine[0] == pytest.approx(0.1) and cosine[-1] < 0.001 and cosine == sorted(cosine, reverse=True)
    assert warmup[0] < 0.02 and max(warmup) == pytest.approx(0.1) and warmup.index(max(warmup)) == 5
    assert set(flat) == {0.1}
    plateau = _lrs("plateau", epochs=10, steps=1)  # the monitored value never improves
    assert plateau[:5] == [0.1] * 5 and plateau[5] == pytest.approx(0.05) and plateau[-1] < 0.05
    with pytest.raises(ValueError, match="schedule"):
        make_schedule("step", torch.optim.SGD(_net().parameters(), lr=0.1), 10, 10)


def test_resolve_device() -> None:
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto").type in ("cpu", "cuda", "mps")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA"):
            resolve_device("cuda")
    with pytest.raises(ValueError, match="device"):
        resolve_device("tpu")


def test_predict_outputs_is_batched_and_leaves_eval_mode() -> None:
    net, (data, _) = _net(), _problem()
    assert torch.allclose(predict_outputs(net, data, batch_size=7), predict_outputs(net, data))
    assert not net.training

"""The training loop's steps: batching, optimizers, schedules, early stopping, progress, divergence."""

from __future__ import annotations

import optuna
import pytest
import torch
from torch import nn

from advisor.models.torch.losses import make_loss, validation_loss
from advisor.models.torch.modules import TabularMLP
from advisor.models.torch.training import (
    EarlyStopping,
    LRSchedule,
    TensorTable,
    TrainingResult,
    batch_slices,
    fit_loop,
    make_optimizer,
    make_schedule,
    predict_outputs,
    resolve_device,
    train_epoch,
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


def _loop(net: nn.Module, *, lr: float = 1e-2, validation: bool = True, **kwargs: object) -> TrainingResult:
    optimizer = make_optimizer("adamw", net, lr, 0.0)
    params = {"batch_size": 32, "max_epochs": 30, "patience": 5, "progress": None, **kwargs}
    return fit_loop(
        net,
        make_loss("binary"),
        optimizer,
        make_schedule("none", optimizer, 30, 7),
        _problem(),
        _problem(100, seed=1) if validation else None,
        task="binary",
        target_scale=1.0,
        generator=torch.Generator().manual_seed(0),
        **params,  # type: ignore[arg-type]
    )


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


def test_early_stopping_keeps_the_best_weights_and_counts_patience() -> None:
    net = _net()
    stopper = EarlyStopping(patience=2)
    assert not stopper.update(0, 1.0, net)
    best = {k: v.clone() for k, v in net.state_dict().items()}
    with torch.no_grad():
        net.head.weight.add_(1.0)
    assert not stopper.update(1, 1.5, net)
    assert stopper.update(2, float("nan"), net)  # two epochs without improvement
    stopper.restore(net)
    assert stopper.best_epoch == 0 and stopper.best_value == 1.0
    assert all(torch.equal(v, best[k]) for k, v in net.state_dict().items())


def test_train_epoch_lowers_the_loss_and_predict_outputs_is_batched() -> None:
    net, (data, target) = _net(), _problem()
    optimizer, gen = make_optimizer("adam", net, 1e-2, 0.0), torch.Generator().manual_seed(0)
    losses = [
        train_epoch(net, make_loss("binary"), optimizer, LRSchedule(), data, target, batch_size=32, generator=gen)
        for _ in range(10)
    ]
    assert losses[-1] < losses[0] * 0.7
    assert torch.allclose(predict_outputs(net, data, batch_size=7), predict_outputs(net, data))
    assert not net.training


def test_fit_loop_records_history_and_restores_the_best_epoch() -> None:
    net = _net(hidden_size=64)
    result = _loop(net, lr=3e-2, patience=3)
    vals = [h["val_loss"] for h in result.history]
    assert set(result.history[0]) == {"epoch", "train_loss", "val_loss", "lr", "seconds"}
    assert result.n_epochs == len(vals) and result.best_value == min(vals) == vals[result.best_epoch]
    assert result.n_epochs < 30 and result.n_epochs - 1 - result.best_epoch == 3  # stopped by patience
    data, target = _problem(100, seed=1)
    assert validation_loss("binary", predict_outputs(net, data), target) == pytest.approx(result.best_value, rel=1e-6)


def test_progress_sees_each_validation_loss_and_can_stop_training() -> None:
    seen: list[tuple[int, float]] = []

    def progress(step: int, value: float) -> bool:
        seen.append((step, value))
        return step == 2

    result = _loop(_net(), progress=progress)
    assert result.n_epochs == 3 and [s for s, _ in seen] == [0, 1, 2]
    assert [v for _, v in seen] == [h["val_loss"] for h in result.history]


def test_a_pruned_trial_propagates_out_of_the_loop() -> None:
    def prune(step: int, value: float) -> bool:
        raise optuna.TrialPruned(f"pruned at {step}")

    with pytest.raises(optuna.TrialPruned, match="pruned at 0"):
        _loop(_net(), progress=prune)


def test_without_validation_all_epochs_run_and_the_training_loss_is_reported() -> None:
    result = _loop(_net(), validation=False, max_epochs=6)
    assert result.n_epochs == 6 and result.best_epoch == 5
    assert all(h["val_loss"] is None for h in result.history)
    assert result.best_value == result.history[-1]["train_loss"]


def test_a_diverging_loss_raises_floating_point_error() -> None:
    with pytest.raises(FloatingPointError, match=r"NaN at epoch \d+; lower the learning rate"):
        _loop(_net(), lr=1e30)


def test_resolve_device() -> None:
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto").type in ("cpu", "cuda", "mps")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA"):
            resolve_device("cuda")
    with pytest.raises(ValueError, match="device"):
        resolve_device("tpu")

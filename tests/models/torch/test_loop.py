"""The one training loop and its callbacks: early stopping, schedules, progress and deadlines, history."""

from __future__ import annotations

import math
import time

import optuna
import pytest
import torch

from advisor.models.torch.loop import (
    Callback,
    EarlyStopping,
    EpochStart,
    History,
    Outcome,
    ProgressReport,
    TrainingLoop,
    standard_callbacks,
)
from advisor.models.torch.losses import make_loss, validation_loss
from advisor.models.torch.modules import TabularMLP
from advisor.models.torch.training import TensorTable, make_optimizer, make_schedule, mixed_precision, predict_outputs


def _problem(n: int = 200, seed: int = 0) -> tuple[TensorTable, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 4, generator=gen)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).long()
    return TensorTable(x, torch.zeros(n, 0, dtype=torch.long)), y


def _net(**changes: object) -> TabularMLP:
    torch.manual_seed(0)
    params = {"n_numeric": 4, "cardinalities": (), "embedding_dims": (), "n_outputs": 1, "hidden_size": 16}
    return TabularMLP(**{**params, "n_layers": 1, **changes})  # type: ignore[arg-type]


def _fit(
    net: TabularMLP,
    *,
    lr: float = 1e-2,
    validation: bool = True,
    max_epochs: int = 30,
    patience: int = 5,
    progress=None,
    extra: list[Callback] | None = None,
) -> TrainingLoop:
    optimizer = make_optimizer("adamw", net, lr, 0.0)
    table, target = _problem()
    callbacks = standard_callbacks(
        make_schedule("none", optimizer, max_epochs, 7), patience=patience, validated=validation, progress=progress
    )
    loop = TrainingLoop(
        net,
        optimizer,
        batch_size=32,
        max_epochs=max_epochs,
        generator=torch.Generator().manual_seed(0),
        callbacks=[*(extra or []), *callbacks],
    )
    val_table, val_target = _problem(100, seed=1)

    def batch(rows: torch.Tensor):
        part = table.rows(rows)
        return (part.numeric, part.categorical), target[rows]

    loss = make_loss("binary")
    loop.fit(
        200,
        batch,
        loss,
        (lambda: validation_loss("binary", predict_outputs(net, val_table), val_target)) if validation else None,
    )
    return loop


def test_the_loop_lowers_the_training_loss() -> None:
    outcome = Outcome.of(_fit(_net(), validation=False, max_epochs=10, lr=1e-2))
    losses = [h["train_loss"] for h in outcome.history]
    assert losses[-1] < losses[0] * 0.7


def test_early_stopping_records_history_and_restores_the_best_epoch() -> None:
    net = _net(hidden_size=64)
    outcome = Outcome.of(_fit(net, lr=3e-2, patience=3))
    vals = [h["val_loss"] for h in outcome.history]
    assert set(outcome.history[0]) == {"epoch", "train_loss", "val_loss", "lr", "seconds"}
    assert outcome.n_epochs == len(vals) and outcome.best_value == min(vals) == vals[outcome.best_epoch]
    assert outcome.n_epochs < 30 and outcome.n_epochs - 1 - outcome.best_epoch == 3  # stopped by patience
    data, target = _problem(100, seed=1)
    assert validation_loss("binary", predict_outputs(net, data), target) == pytest.approx(outcome.best_value, rel=1e-6)


def test_early_stopping_counts_patience_and_ignores_nan() -> None:
    net = _net()
    stopper = EarlyStopping(patience=2)
    loop = TrainingLoop(
        net, torch.optim.SGD(net.parameters(), lr=0.1), batch_size=8, max_epochs=1, generator=torch.Generator()
    )
    assert not stopper.on_epoch_end(loop, 0, {"monitored": 1.0})
    best = {k: v.clone() for k, v in net.state_dict().items()}
    with torch.no_grad():
        net.head.weight.add_(1.0)
    assert not stopper.on_epoch_end(loop, 1, {"monitored": 1.5})
    assert stopper.on_epoch_end(loop, 2, {"monitored": math.nan})  # two epochs without improvement
    stopper.on_train_end(loop)
    assert stopper.best_epoch == 0 and stopper.best_value == 1.0
    assert all(torch.equal(v, best[k]) for k, v in net.state_dict().items())


def test_progress_sees_each_validation_loss_and_can_stop_training() -> None:
    seen: list[tuple[int, float]] = []

    def progress(step: int, value: float) -> bool:
        seen.append((step, value))
        return step == 2

    outcome = Outcome.of(_fit(_net(), progress=progress))
    assert outcome.n_epochs == 3 and [s for s, _ in seen] == [0, 1, 2]
    assert [v for _, v in seen] == [h["val_loss"] for h in outcome.history]


def test_a_deadline_stops_training_during_an_epoch() -> None:
    calls: list[float] = []

    def progress(step: int, value: float) -> bool:
        calls.append(value)
        return math.isnan(value)  # the mid-epoch deadline check says: stop now

    class Slow(Callback):
        def on_batch_end(self, loop, epoch):
            time.sleep(0.03)
            return False

    report = ProgressReport(progress, check_every_s=0.05)
    loop = _fit(_net(), progress=None, extra=[Slow(), report], max_epochs=5)
    outcome = Outcome.of(loop)
    assert outcome.n_epochs == 1 and any(math.isnan(v) for v in calls)  # stopped inside the first epoch
    assert not any(not math.isnan(v) for v in calls)  # the interrupted epoch is not reported as finished


def test_a_pruned_trial_propagates_out_of_the_loop() -> None:
    def prune(step: int, value: float) -> bool:
        raise optuna.TrialPruned(f"pruned at {step}")

    with pytest.raises(optuna.TrialPruned, match="pruned at 0"):
        _fit(_net(), progress=prune)


def test_without_validation_all_epochs_run_and_the_training_loss_is_reported() -> None:
    outcome = Outcome.of(_fit(_net(), validation=False, max_epochs=6))
    assert outcome.n_epochs == 6 and outcome.best_epoch == 5
    assert all(h["val_loss"] is None for h in outcome.history)
    assert outcome.best_value == outcome.history[-1]["train_loss"]


def test_epoch_start_runs_before_each_epoch() -> None:
    epochs: list[int] = []
    _fit(_net(), validation=False, max_epochs=3, extra=[EpochStart(lambda epoch, module: epochs.append(epoch))])
    assert epochs == [0, 1, 2]


def test_a_diverging_loss_raises_floating_point_error() -> None:
    with pytest.raises(FloatingPointError, match=r"NaN at epoch \d+; lower the learning rate"):
        _fit(_net(), lr=1e30)


def test_fit_adds_a_history_when_none_is_given() -> None:
    net = torch.nn.Linear(3, 1)
    x, y = torch.randn(64, 3), torch.randn(64, 1)
    loop = TrainingLoop(
        net,
        torch.optim.SGD(net.parameters(), lr=0.1),
        batch_size=16,
        max_epochs=2,
        generator=torch.Generator().manual_seed(0),
    )
    history = loop.fit(64, lambda rows: ((x[rows],), y[rows]), torch.nn.functional.mse_loss)
    assert isinstance(history, History) and [r["epoch"] for r in history.records] == [0, 1]


def test_gradient_clipping_bounds_each_step() -> None:
    """With ``grad_clip``, one SGD step at learning rate 1 moves the weights by at most the clip norm."""
    x, y = torch.randn(32, 4) * 1000, torch.randn(32, 1) * 1000  # huge gradients

    def step(clip: float | None) -> float:
        torch.manual_seed(0)
        net = torch.nn.Linear(4, 1)
        before = torch.cat([p.detach().flatten().clone() for p in net.parameters()])
        loop = TrainingLoop(
            net,
            torch.optim.SGD(net.parameters(), lr=1.0),
            batch_size=32,
            max_epochs=1,
            generator=torch.Generator().manual_seed(0),
            grad_clip=clip,
        )
        loop.fit(32, lambda rows: ((x[rows],), y[rows]), torch.nn.functional.mse_loss)
        after = torch.cat([p.detach().flatten() for p in net.parameters()])
        return float((after - before).norm())

    assert step(0.5) <= 0.5 + 1e-4 < 1e3 < step(None)


def test_mixed_precision_runs_the_forward_pass_in_the_lower_precision_and_still_learns():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
    x = torch.randn(256, 4)
    y = x[:, :1] * 2 - x[:, 1:2]
    dtypes: list[torch.dtype] = []
    net[0].register_forward_hook(lambda module, inputs, output: dtypes.append(output.dtype))
    loop = TrainingLoop(
        net,
        torch.optim.Adam(net.parameters(), lr=0.01),
        batch_size=32,
        max_epochs=30,
        generator=torch.Generator().manual_seed(0),
        precision=torch.bfloat16,
    )
    history = loop.fit(256, lambda rows: ((x[rows],), y[rows]), torch.nn.functional.mse_loss)
    assert set(dtypes) == {torch.bfloat16}
    assert history.records[-1]["train_loss"] < 0.2 * history.records[0]["train_loss"]
    assert mixed_precision("cpu") is None  # full precision off a CUDA GPU

"""Training recipes follow the task, imbalance, size and architecture (framework §2-§5), as typed settings."""

from __future__ import annotations

import json
from dataclasses import asdict

from advisor.families import get_family
from advisor.profiling.profile import DatasetProfile
from advisor.rules.recipe import recipe_for
from advisor.rules.recommendation import (
    Activation,
    Imbalance,
    Loss,
    Normalization,
    Optimizer,
    Schedule,
    TrainingRecipe,
)
from advisor.rules.transfer import transfer_strategy

MLP = get_family("mlp")


def test_output_layer_and_loss_follow_the_task() -> None:
    binary = recipe_for(MLP, DatasetProfile.from_summary(rows=10_000, features=10), gpu=False)
    multi = recipe_for(
        MLP, DatasetProfile.from_summary(rows=10_000, features=10, task="multiclass", n_classes=7), gpu=False
    )
    reg = recipe_for(MLP, DatasetProfile.from_summary(rows=10_000, features=10, task="regression"), gpu=False)
    assert (binary.output_layer, binary.loss) == ("1 unit, sigmoid", Loss.BINARY_CROSS_ENTROPY)
    assert multi.output_layer == "7 units, softmax" and multi.loss is Loss.CROSS_ENTROPY and multi.output_units == 7
    assert (reg.output_layer, reg.loss) == ("1 unit, linear", Loss.MSE)
    assert binary.describe()["loss"] == "binary cross-entropy"


def test_skewed_regression_target_uses_huber() -> None:
    prof = DatasetProfile.from_summary(rows=10_000, features=10, task="regression").with_changes(target_skewness=4.2)
    assert recipe_for(MLP, prof, gpu=False).loss is Loss.HUBER


def test_imbalance_handling_scales_with_the_ratio() -> None:
    base = DatasetProfile.from_summary(rows=10_000, features=10)
    assert recipe_for(MLP, base.with_changes(imbalance_ratio=1.2), gpu=False).imbalance is Imbalance.NONE
    assert recipe_for(MLP, base.with_changes(imbalance_ratio=5.0), gpu=False).imbalance is Imbalance.CLASS_WEIGHTS
    focal = recipe_for(MLP, base.with_changes(imbalance_ratio=50.0), gpu=False)
    assert focal.imbalance is Imbalance.FOCAL and focal.focal_gamma == 2.0
    assert focal.describe()["imbalance"].startswith("focal loss")


def test_architecture_specific_choices() -> None:
    prof = DatasetProfile.from_summary(rows=200_000, features=10)
    rnn, tfm, cnn = (recipe_for(get_family(f), prof, gpu=True) for f in ("rnn", "transformer", "cnn"))
    assert rnn.normalization is Normalization.LAYER and tfm.normalization is Normalization.LAYER
    assert rnn.optimizer is Optimizer.ADAM and rnn.schedule is Schedule.PLATEAU
    assert cnn.normalization is Normalization.BATCH and cnn.optimizer is Optimizer.SGD
    assert tfm.optimizer is Optimizer.ADAMW and tfm.schedule is Schedule.WARMUP_COSINE and tfm.learning_rate < 1e-4
    assert tfm.activation is Activation.GELU and cnn.activation is Activation.RELU


def test_small_data_gets_more_dropout_smaller_batches_and_more_patience() -> None:
    small = recipe_for(MLP, DatasetProfile.from_summary(rows=800, features=10), gpu=False)
    large = recipe_for(MLP, DatasetProfile.from_summary(rows=500_000, features=10), gpu=False)
    assert small.dropout > large.dropout
    assert small.batch_size < large.batch_size
    assert small.patience > large.patience
    assert all(note for note in small.notes)


def test_recipes_are_typed_and_round_trip_through_json() -> None:
    recipe = recipe_for(MLP, DatasetProfile.from_summary(rows=10_000, features=10), gpu=False)
    back = TrainingRecipe.from_dict(json.loads(json.dumps(asdict(recipe))))
    assert back == recipe and back.optimizer is Optimizer.ADAMW and isinstance(back.learning_rate, float)
    assert set(recipe.describe()) >= {"loss", "optimizer", "schedule", "batch / epochs", "normalization"}


def test_transfer_thresholds_by_samples_per_class() -> None:
    def strategy(rows: int) -> str:
        prof = DatasetProfile.from_summary(
            rows=rows, features=1, modality="image", task="multiclass", n_classes=10, image_size=(96, 96, 3)
        )
        return transfer_strategy(prof).strategy  # type: ignore[union-attr]

    assert strategy(9_990) == "feature_extraction"  # 999 per class
    assert strategy(10_000) == "partial_fine_tuning"  # 1,000 per class
    assert strategy(100_000) == "full_fine_tuning"  # 10,000 per class
    assert transfer_strategy(DatasetProfile.from_summary(rows=100, features=3)) is None

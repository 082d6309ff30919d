"""Training recipes follow the task, imbalance, size and family (framework §2-§5)."""

from __future__ import annotations

from advisor.profiling.profile import DatasetProfile
from advisor.rules.recipe import recipe_for
from advisor.rules.transfer import transfer_strategy


def test_output_layer_and_loss_follow_the_task() -> None:
    binary = recipe_for("mlp", DatasetProfile.from_summary(rows=10_000, features=10), gpu=False)
    multi = recipe_for(
        "mlp", DatasetProfile.from_summary(rows=10_000, features=10, task="multiclass", n_classes=7), gpu=False
    )
    reg = recipe_for("mlp", DatasetProfile.from_summary(rows=10_000, features=10, task="regression"), gpu=False)
    assert (binary.output_layer, binary.loss) == ("1 unit, sigmoid", "binary cross-entropy")
    assert multi.output_layer == "7 units, softmax" and "cross-entropy" in multi.loss
    assert (reg.output_layer, reg.loss) == ("1 unit, linear", "MSE")


def test_skewed_regression_target_uses_huber() -> None:
    prof = DatasetProfile.from_summary(rows=10_000, features=10, task="regression").with_changes(target_skewness=4.2)
    assert recipe_for("mlp", prof, gpu=False).loss == "Huber"


def test_imbalance_handling_scales_with_the_ratio() -> None:
    base = DatasetProfile.from_summary(rows=10_000, features=10)
    assert recipe_for("mlp", base.with_changes(imbalance_ratio=1.2), gpu=False).imbalance == "none"
    assert recipe_for("mlp", base.with_changes(imbalance_ratio=5.0), gpu=False).imbalance.startswith("class weights")
    assert recipe_for("mlp", base.with_changes(imbalance_ratio=50.0), gpu=False).imbalance.startswith("focal loss")


def test_family_specific_choices() -> None:
    prof = DatasetProfile.from_summary(rows=200_000, features=10)
    rnn, tfm, cnn = (recipe_for(f, prof, gpu=True) for f in ("rnn", "transformer", "cnn"))
    assert rnn.normalization == "LayerNorm" and tfm.normalization == "LayerNorm"
    assert cnn.normalization == "BatchNorm" and cnn.optimizer.startswith("SGD")
    assert tfm.optimizer == "AdamW" and "warmup" in tfm.schedule and tfm.learning_rate < 1e-4
    assert tfm.hidden_activation == "GELU"


def test_small_data_gets_more_dropout_smaller_batches_and_more_patience() -> None:
    small = recipe_for("mlp", DatasetProfile.from_summary(rows=800, features=10), gpu=False)
    large = recipe_for("mlp", DatasetProfile.from_summary(rows=500_000, features=10), gpu=False)
    assert small.dropout > large.dropout
    assert small.batch_size < large.batch_size
    assert small.early_stopping_patience > large.early_stopping_patience
    assert all(note for note in small.notes)


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

"""Training recipes for the neural candidates, derived from the profile (framework §2-§5)."""

from __future__ import annotations

from advisor.profiling.profile import DatasetProfile
from advisor.rules.recommendation import TrainingRecipe

__all__ = ["recipe_for"]

#: Imbalance ratio from which class weights are used, and from which focal loss is.
CLASS_WEIGHT_RATIO = 3.0
FOCAL_LOSS_RATIO = 20.0


def recipe_for(family: str, profile: DatasetProfile, gpu: bool) -> TrainingRecipe:
    """The recipe to train ``family`` ('mlp', 'cnn', 'rnn', 'transformer', 'embedding_xgboost',
    'dl_gbm_ensemble') on data like ``profile``.

    >>> from advisor.profiling.profile import DatasetProfile
    >>> r = recipe_for("mlp", DatasetProfile.from_summary(rows=50_000, features=20), gpu=False)
    >>> r.output_layer, r.optimizer
    ('1 unit, sigmoid', 'AdamW')
    """
    output, loss, loss_note = _output_and_loss(profile)
    imbalance, imbalance_note = _imbalance(profile)
    batch, batch_note = _batch_size(profile.rows, family, gpu)
    optimizer, lr, schedule, opt_note = _optimizer(family)
    dropout, dropout_note = _dropout(profile.rows, family)
    norm, norm_note = _normalization(family, batch)
    patience, epochs = _patience(profile.rows)
    return TrainingRecipe(
        family=family,
        hidden_activation="GELU" if family == "transformer" else "ReLU",
        output_layer=output,
        loss=loss,
        imbalance=imbalance,
        optimizer=optimizer,
        learning_rate=lr,
        schedule=schedule,
        batch_size=batch,
        dropout=dropout,
        weight_decay=0.01,
        normalization=norm,
        early_stopping_patience=patience,
        max_epochs=epochs,
        augmentation=_augmentation(profile.modality, family),
        notes=tuple(
            n
            for n in (
                loss_note,
                imbalance_note,
                opt_note,
                batch_note,
                dropout_note,
                norm_note,
                f"Early stopping on the validation loss with patience {patience}, restoring the best "
                "epoch's weights (§4: 'always use early stopping', 'save best model, not final').",
                "Weight decay 0.01, decoupled from the gradient step as in AdamW (§4: L2 0.001-0.01).",
            )
            if n
        ),
    )


def _output_and_loss(profile: DatasetProfile) -> tuple[str, str, str]:
    if profile.task == "regression":
        skew = abs(profile.target_skewness or 0.0)
        if skew > 2.0:
            return (
                "1 unit, linear",
                "Huber",
                (
                    f"Regression with a skewed target (skewness {skew:.1f}): Huber loss is robust to the "
                    "outliers that would dominate MSE (§2)."
                ),
            )
        return "1 unit, linear", "MSE", "Regression: one linear output unit and mean squared error (§2)."
    if profile.task == "multiclass":
        k = profile.n_classes or 0
        return (
            f"{k} units, softmax",
            "categorical cross-entropy (integer labels)",
            (f"{k} classes: softmax output with sparse categorical cross-entropy (§2)."),
        )
    return "1 unit, sigmoid", "binary cross-entropy", "Binary target: one sigmoid unit with binary cross-entropy (§2)."


def _imbalance(profile: DatasetProfile) -> tuple[str, str]:
    ratio = profile.imbalance_ratio or 1.0
    if profile.task == "regression" or ratio < CLASS_WEIGHT_RATIO:
        return "none", ""
    if ratio >= FOCAL_LOSS_RATIO:
        return "focal loss (gamma=2) with class weights", (
            f"Extreme imbalance ({ratio:.0f}:1): focal loss down-weights easy examples (§2 'advanced')."
        )
    return "class weights (inverse frequency)", (
        f"Imbalance {ratio:.1f}:1: weight the loss by inverse class frequency so the minority class counts."
    )


def _batch_size(rows: int, family: str, gpu: bool) -> tuple[int, str]:
    if family == "transformer":
        size = 32 if gpu else 16
    elif rows < 2_000:
        size = 32
    elif rows < 50_000:
        size = 128
    else:
        size = 512 if gpu else 256
    return size, (
        f"Batch size {size}: small batches generalize better on small data, larger ones train faster "
        "on large data (§3: 'start with 32, increase if training slow', 16-512)."
    )


def _optimizer(family: str) -> tuple[str, float, str, str]:
    if family == "transformer":
        return (
            "AdamW",
            2e-5,
            "linear warmup (6% of steps) then cosine decay",
            ("Fine-tuning a pretrained model: AdamW with a small learning rate and warmup (§2, §3, §6)."),
        )
    if family == "rnn":
        return (
            "Adam",
            1e-3,
            "ReduceLROnPlateau (factor 0.5, patience 3)",
            ("Recurrent network: Adam at 1e-3, halved when the validation loss plateaus (§2 'RNNs: RMSprop or Adam')."),
        )
    if family == "cnn":
        return (
            "SGD with momentum 0.9",
            0.05,
            "cosine annealing",
            ("CNN from scratch: SGD with momentum generalizes best for vision, with cosine annealing (§2, §3)."),
        )
    return (
        "AdamW",
        1e-3,
        "cosine annealing",
        ("AdamW at 1e-3 is the robust default; cosine annealing decays it smoothly (§2 'starting out: Adam', §3)."),
    )


def _dropout(rows: int, family: str) -> tuple[float, str]:
    if family == "cnn":
        return 0.2, "Dropout 0.2 in the CNN head: convolutional layers need less (§4: 0.1-0.2 for CNNs)."
    if family == "transformer":
        return 0.1, "Dropout 0.1, the pretrained model's own setting."
    rate = 0.5 if rows < 5_000 else 0.3 if rows < 100_000 else 0.1
    return rate, f"Dropout {rate} on dense layers: more with less data (§4: 0.2-0.5 for dense layers)."


def _normalization(family: str, batch: int) -> tuple[str, str]:
    if family in ("rnn", "transformer"):
        return "LayerNorm", "LayerNorm: the standard for recurrent networks and transformers (§5)."
    if batch < 16:
        return "LayerNorm", "LayerNorm: batches under 16 make BatchNorm statistics noisy (§5)."
    return "BatchNorm", (
        "BatchNorm after each dense/conv layer: faster, more stable training at this batch size (§5); "
        "switch to LayerNorm for batch-of-one streaming inference."
    )


def _patience(rows: int) -> tuple[int, int]:
    if rows < 5_000:
        return 20, 300
    if rows < 100_000:
        return 10, 100
    return 5, 30


def _augmentation(modality: str, family: str) -> str:
    if modality == "image" and family in ("cnn", "transformer"):
        return "random horizontal flip and random crop (padding 4); no flips for digits or text images"
    if modality == "text" and family in ("rnn", "transformer"):
        return "none; texts truncated to 256 tokens"
    if modality == "timeseries":
        return "random scaling (x0.9-1.1) and jitter"
    return "none"

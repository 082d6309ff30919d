"""The built-in model families: one declaration each (see :class:`~advisor.families.family.Family`).

Their implementations live in ``advisor.models``, one module per (family, modality) where they differ, and
are imported only when a benchmark runs that family on that modality.
"""

from __future__ import annotations

from advisor.families.family import ALL_MODALITIES, CLASSIFICATION, Architecture, Family, Role

__all__ = ["BUILTIN"]

_M = "advisor.models"

BUILTIN: tuple[Family, ...] = (
    Family(
        id="linear",
        label="Linear / logistic regression",
        role=Role.BASELINE,
        summary="Regularized linear model; on text over TF-IDF, on images over pixels or simple features.",
        implementations={
            "tabular": f"{_M}.linear:LINEAR",
            "image": f"{_M}.vision.classical:IMAGE_LINEAR",
            "text": f"{_M}.text.classical:TEXT_LINEAR",
            "timeseries": f"{_M}.series.classical:SERIES_LINEAR",
        },
        tasks={"image": CLASSIFICATION},
        interpretable=True,
        relative_cost=0.2,
    ),
    Family(
        id="random_forest",
        label="Random forest",
        role=Role.BASELINE,
        summary="Bagged decision trees: robust baseline, little tuning, feature importances.",
        implementations={"tabular": f"{_M}.forest:RANDOM_FOREST", "timeseries": f"{_M}.series.classical:SERIES_FOREST"},
        interpretable=True,
        relative_cost=1.5,
    ),
    Family(
        id="lightgbm",
        label="LightGBM (gradient-boosted trees)",
        role=Role.BOOSTED_TREES,
        summary="Histogram gradient boosting, leaf-wise growth, native categoricals and missing values.",
        implementations={
            "tabular": f"{_M}.gbm:LIGHTGBM",
            "image": f"{_M}.vision.classical:IMAGE_LIGHTGBM",
            "text": f"{_M}.text.classical:TEXT_LIGHTGBM",
            "timeseries": f"{_M}.series.classical:SERIES_LIGHTGBM",
        },
        tasks={"image": CLASSIFICATION},
        interpretable=True,
        libraries=("lightgbm",),
    ),
    Family(
        id="xgboost",
        label="XGBoost (gradient-boosted trees)",
        role=Role.BOOSTED_TREES,
        summary="Gradient boosting with strong regularization; GPU training with device='cuda'.",
        implementations={
            "tabular": f"{_M}.gbm:XGBOOST",
            "text": f"{_M}.text.classical:TEXT_XGBOOST",
            "timeseries": f"{_M}.series.classical:SERIES_XGBOOST",
        },
        interpretable=True,
        gpu="helps",
        relative_cost=1.3,
        libraries=("xgboost",),
    ),
    Family(
        id="minirocket",
        label="MiniRocket (random convolution kernels + ridge)",
        role=Role.RANDOM_KERNELS,
        summary="About 10,000 fixed random dilated kernels turn each series into features; a ridge (or logistic) "
        "model learns the task (Dempster et al., 2021). Fast and among the most accurate on UCR/UEA.",
        implementations={"timeseries": f"{_M}.series.rocket:MINIROCKET"},
        relative_cost=0.8,
        libraries=("aeon",),
    ),
    Family(
        id="multirocket",
        label="MultiRocket (random kernels, four poolings + ridge)",
        role=Role.RANDOM_KERNELS,
        summary="MiniRocket's kernels over the series and its first differences with four pooling statistics "
        "(Tan et al., 2022): a little more accurate than MiniRocket, several times the features and cost.",
        implementations={"timeseries": f"{_M}.series.rocket:MULTIROCKET"},
        relative_cost=3.0,
        libraries=("aeon",),
    ),
    Family(
        id="mlp",
        label="MLP (feed-forward network)",
        role=Role.NETWORK,
        summary="Fully connected network with categorical embeddings, normalization and dropout.",
        implementations={"tabular": f"{_M}.torch.mlp:SPEC"},
        gpu="helps",
        relative_cost=4.0,
        architecture=Architecture.DENSE,
        libraries=("torch",),
    ),
    Family(
        id="tabm",
        label="TabM (parameter-efficient ensemble of MLPs)",
        role=Role.NETWORK,
        summary="k MLPs trained as one with shared weights, over piecewise-linear numeric embeddings "
        "(Gorishniy et al., 2025).",
        implementations={"tabular": f"{_M}.torch.tabm:SPEC"},
        gpu="helps",
        relative_cost=6.0,
        architecture=Architecture.TABULAR_ENSEMBLE,
        libraries=("torch", "tabm", "rtdl_num_embeddings"),
    ),
    Family(
        id="cnn",
        label="CNN (convolutional network, from scratch)",
        role=Role.NETWORK,
        summary="Conv-BatchNorm-ReLU-pool blocks for images, or 1-D convolutions for series.",
        implementations={"image": f"{_M}.vision.cnn:SPEC", "timeseries": f"{_M}.series.cnn1d:SPEC"},
        tasks={"image": CLASSIFICATION, "timeseries": CLASSIFICATION},
        gpu="helps",
        relative_cost=8.0,
        architecture=Architecture.CONVOLUTIONAL,
        libraries=("torch",),
    ),
    Family(
        id="rnn",
        label="RNN (LSTM / GRU)",
        role=Role.NETWORK,
        summary="Recurrent network over tokens or time steps; handles unequal lengths.",
        implementations={"text": f"{_M}.text.scratch:SPEC", "timeseries": f"{_M}.series.rnn:SPEC"},
        tasks={"text": CLASSIFICATION, "timeseries": CLASSIFICATION},
        gpu="helps",
        relative_cost=8.0,
        architecture=Architecture.RECURRENT,
        libraries=("torch",),
    ),
    Family(
        id="transformer",
        label="Transformer / fine-tuned pretrained model",
        role=Role.NETWORK,
        summary="A pretrained network fine-tuned on this task: MiniLM (text) or EfficientNet-Lite0 (images).",
        implementations={"image": f"{_M}.vision.transfer:SPEC", "text": f"{_M}.text.transfer:SPEC"},
        tasks={"image": CLASSIFICATION, "text": CLASSIFICATION},
        gpu="needed",
        relative_cost=20.0,
        architecture=Architecture.PRETRAINED,
        libraries=("torch",),
    ),
    Family(
        id="embedding_xgboost",
        label="Pretrained embeddings + XGBoost (hybrid)",
        role=Role.HYBRID,
        summary="A frozen pretrained network extracts embeddings once; gradient boosting learns the task.",
        implementations={
            "image": f"{_M}.vision.classical:EMBEDDING_XGBOOST",
            "text": f"{_M}.text.classical:EMBEDDING_XGBOOST",
        },
        tasks={"image": CLASSIFICATION},
        gpu="helps",
        relative_cost=3.0,
        libraries=("torch", "xgboost"),
    ),
    Family(
        id="autoencoder_gbm",
        label="Autoencoder features + LightGBM (hybrid)",
        role=Role.HYBRID,
        summary="A denoising autoencoder compresses many numeric columns (or pixels) into a short code; "
        "LightGBM learns the task from it (deep learning for feature engineering).",
        implementations={
            "tabular": f"{_M}.torch.autoencoder:SPEC",
            "image": f"{_M}.torch.autoencoder:IMAGE_SPEC",
        },
        tasks={"image": CLASSIFICATION},
        gpu="helps",
        relative_cost=2.5,
        libraries=("torch", "lightgbm"),
    ),
    Family(
        id="dl_gbm_ensemble",
        label="DL + GBM ensemble selection (hybrid)",
        role=Role.ENSEMBLE,
        summary="Greedy weighted ensemble selection (Caruana et al., 2004) over every family's best model, "
        "networks and boosted trees alike, fitted on validation predictions.",
        applies_to=ALL_MODALITIES,
        gpu="helps",
        relative_cost=6.0,
        members=(
            frozenset({Role.BOOSTED_TREES, Role.RANDOM_KERNELS, Role.HYBRID}),
            frozenset({Role.NETWORK}),
        ),
    ),
)

"""The framework's worked examples, table-driven: each profile and its expected top family."""

from __future__ import annotations

import pytest

from advisor.hardware import Hardware
from advisor.profiling.profile import DatasetProfile
from advisor.rules import Constraints, run_engine

CPU_ONLY = Hardware(cores=2, memory_gb=24.0)
GBM = {"lightgbm", "xgboost"}
CLASSICAL = {"linear", "random_forest", "lightgbm", "xgboost"}

EXAMPLES = [
    # (case, profile kwargs, constraints, expected top families)
    (
        "churn, 10K rows x 100 features -> gradient boosting",
        dict(rows=10_000, features=100, task="binary", categorical=20),
        {},
        GBM,
    ),
    ("churn, 50K rows -> LightGBM", dict(rows=50_000, features=100, task="binary", categorical=20), {}, {"lightgbm"}),
    (
        "1M images in 100 classes -> pretrained CNN with transfer learning",
        dict(
            rows=1_000_000,
            features=224 * 224 * 3,
            modality="image",
            task="multiclass",
            n_classes=100,
            image_size=(224, 224, 3),
        ),
        {"gpu": True},
        {"transformer"},
    ),
    (
        "1M images in 100 classes, CPU only -> still transfer learning",
        dict(
            rows=1_000_000,
            features=224 * 224 * 3,
            modality="image",
            task="multiclass",
            n_classes=100,
            image_size=(224, 224, 3),
        ),
        {"gpu": False},
        {"transformer"},
    ),
    (
        "100K medical images -> deep learning with transfer",
        dict(rows=100_000, features=224 * 224 * 3, modality="image", task="binary", image_size=(224, 224, 3)),
        {},
        {"transformer"},
    ),
    (
        "tabular data with no GPU budget -> classical",
        dict(rows=200_000, features=40, task="binary"),
        {"gpu": False, "compute_budget": "low"},
        CLASSICAL,
    ),
    (
        "small text dataset -> pretrained embeddings / feature extraction",
        dict(rows=1_000, features=1, modality="text", task="binary", text_mean_chars=90),
        {},
        {"embedding_xgboost"},
    ),
    (
        "interpretability critical -> classical even on large data",
        dict(rows=2_000_000, features=60, task="binary"),
        {"interpretability": True, "gpu": True},
        CLASSICAL,
    ),
    (
        "interpretability critical on images -> classical",
        dict(
            rows=500_000,
            features=224 * 224 * 3,
            modality="image",
            task="multiclass",
            n_classes=10,
            image_size=(224, 224, 3),
        ),
        {"interpretability": True},
        CLASSICAL,
    ),
]


@pytest.mark.parametrize(("case", "summary", "constraints", "expected"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_worked_example_top_family(case: str, summary: dict, constraints: dict, expected: set[str]) -> None:
    rec = run_engine(DatasetProfile.from_summary(**summary), CPU_ONLY, Constraints(**constraints))
    assert rec.top.family in expected, f"{case}: got {rec.families[:3]}"
    assert rec.fired, "a recommendation always cites the rules that fired"


def test_image_transfer_strategy_follows_samples_per_class() -> None:
    big = run_engine(
        DatasetProfile.from_summary(
            rows=1_000_000, features=1, modality="image", task="multiclass", n_classes=100, image_size=(224, 224, 3)
        ),
        CPU_ONLY,
        Constraints(),
    )
    small = run_engine(DatasetProfile.from_summary(rows=1_000, features=1, modality="text"), CPU_ONLY, Constraints())
    assert big.transfer is not None and big.transfer.strategy == "full_fine_tuning"
    assert small.transfer is not None and small.transfer.strategy == "feature_extraction"


def test_interpretability_removes_deep_models_from_plan() -> None:
    rec = run_engine(
        DatasetProfile.from_summary(rows=2_000_000, features=60), CPU_ONLY, Constraints(interpretability=True)
    )
    assert rec.verdict == "classical"
    assert all(f in CLASSICAL for f in rec.plan.families)

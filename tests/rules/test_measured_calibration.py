"""Rules recalibrated from measurement (benchmarks/multimodal.py): what the benchmark found, the rules now say."""

from __future__ import annotations

import advisor
from advisor.hardware import Hardware
from advisor.profiling.profile import DatasetProfile
from advisor.rules import Constraints, run_engine


def _cpu() -> Hardware:
    return Hardware(cores=2, memory_gb=24.0)


def test_tiny_images_put_a_cnn_from_scratch_first() -> None:
    # measured on 2 cores: digits (8 px) CNN 0.993 vs embeddings + XGBoost 0.889; MNIST 5k (28 px) 0.979 vs 0.928
    for name in ("digits", "mnist_5k"):
        rec = run_engine(advisor.profile(advisor.datasets.load(name)), _cpu(), Constraints())
        assert rec.families[0] == "cnn", (name, rec.families)
        assert "complexity.tiny_images" in {f.id for f in rec.fired}


def test_large_images_still_prefer_pretrained_networks() -> None:
    profile = DatasetProfile.from_summary(
        rows=100_000,
        features=224 * 224 * 3,
        modality="image",
        task="multiclass",
        n_classes=10,
        image_size=(224, 224, 3),
    )
    rec = run_engine(profile, _cpu(), Constraints())
    assert rec.families[0] in ("transformer", "embedding_xgboost")
    assert "complexity.tiny_images" not in {f.id for f in rec.fired}


def test_small_series_put_minirocket_first_and_plan_the_cnn() -> None:
    # measured (benchmarks/series.py, 60 s, 2-core CPU): MiniRocket 0.993 vs the CNN 0.980 on GunPoint, 0.986 vs
    # 0.989 on JapaneseVowels (the CNN starved), 0.874 vs 0.720 on ArrowHead; published: MiniRocket 0.992 vs
    # InceptionTime 1.000 on GunPoint, 0.881 vs 0.846 on ArrowHead
    for name in ("gunpoint", "japanesevowels"):
        rec = run_engine(advisor.profile(advisor.datasets.load(name)), _cpu(), Constraints())
        assert rec.families[0] == "minirocket", (name, rec.families)
        assert {"evidence.series_rocket", "evidence.series_cnn"} <= {f.id for f in rec.fired}
        assert "cnn" in rec.plan.families

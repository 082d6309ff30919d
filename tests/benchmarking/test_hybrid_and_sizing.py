"""The autoencoder hybrid measured like any family, and a network's size for the machine recorded and reused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import advisor
from advisor.data.dataset import Dataset


def _wide(n: int = 1_200, width: int = 120, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(n, 3))
    X = factors @ rng.normal(size=(3, width)) + 0.1 * rng.normal(size=(n, width))
    frame = pd.DataFrame(X, columns=[f"p{i}" for i in range(width)])
    frame["y"] = (factors[:, 0] - factors[:, 1] > 0).astype(int)
    return frame


def test_the_autoencoder_hybrid_is_searched_scored_saved_and_refit(tmp_path: Path) -> None:
    frame = _wide()
    result = advisor.benchmark(frame, target="y", families=["autoencoder_gbm"], budget=20, seed=0, run_dir=tmp_path)
    fam = result.family("autoencoder_gbm")
    assert fam.status == "ok", fam.reason
    assert fam.kind == "hybrid" and "autoencoder" in fam.inputs
    assert fam.trials_complete >= 1 and fam.test_metrics["accuracy"] > 0.8
    assert {"code_size", "ae_hidden_size", "num_leaves"} <= set(fam.best_params)
    assert result.wall_s <= 20 * 1.05
    model = advisor.refit(result.best_config("autoencoder_gbm"), frame, target="y")
    assert (model.predict(frame.drop(columns="y")[:200]) == frame["y"][:200]).mean() > 0.8


def test_tabm_is_sized_by_a_probe_and_the_size_is_recorded_and_refit(tmp_path: Path) -> None:
    frame = _wide(n=2_500, width=12, seed=1)
    result = advisor.benchmark(frame, target="y", families=["tabm"], budget=20, seed=0, run_dir=tmp_path)
    fam = result.family("tabm")
    assert fam.status == "ok", fam.reason
    sizing = fam.sizing
    assert {"hidden_size", "k", "batch_size", "epoch_s", "why"} <= set(sizing)
    assert any(note.startswith("tabm: ") and sizing["why"] in note for note in result.notes)
    config = result.best_config("tabm")
    assert config.sizing == sizing
    model = advisor.refit(config, frame, target="y")
    assert model.estimator.k == sizing["k"] and model.estimator.batch_size == sizing["batch_size"]


def test_the_autoencoder_hybrid_compresses_image_pixels(tmp_path: Path, digits_small: Dataset) -> None:
    result = advisor.benchmark(digits_small, families=["autoencoder_gbm"], budget=15, seed=0, run_dir=tmp_path)
    fam = result.family("autoencoder_gbm")
    assert fam.status == "ok", fam.reason
    assert "pixel" in fam.inputs
    assert fam.test_metrics["accuracy"] > 0.5  # ten classes: chance is 0.1
    model = advisor.load_model(fam.model_path)
    assert model.predict(digits_small.X[:10]).shape == (10,)

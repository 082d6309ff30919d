"""The runner on images, text, mixed tables and series: same studies, costs and results as tables.

Time budgets keep these tests short; they check what every run must produce, not how many trials fit.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import advisor
from advisor.benchmarking.budget import Budget
from advisor.data.dataset import Dataset


def test_series_families_run_and_saved_models_predict_raw_series(tmp_path: Path, gunpoint: Dataset) -> None:
    result = advisor.benchmark(gunpoint, budget=25, run_dir=tmp_path, families=["linear", "lightgbm", "cnn", "mlp"])
    ok = {f.family: f for f in result.families if f.status == "ok"}
    assert set(ok) == {"linear", "lightgbm", "cnn"}
    assert "extracted features" in ok["lightgbm"].inputs and "series" in ok["cnn"].inputs
    skipped = {f.family: f.reason for f in result.families if f.status == "skipped"}
    assert skipped == {"mlp": "no model of this family is registered for timeseries data"}
    assert len(result.leaderboard()) == 3
    assert all(f.costs["inference_from"] == "raw input" for f in ok.values())
    model = advisor.load_model(ok["cnn"].model_path)
    test_rows = gunpoint.X[50:]  # GunPoint's official test part
    accuracy = (model.predict(test_rows) == gunpoint.y.iloc[50:].to_numpy()).mean()
    assert accuracy == ok["cnn"].test_metrics["accuracy"]


def test_text_hybrid_records_embedding_throughput_and_reuses_the_cache(tmp_path: Path, sms_small: Dataset) -> None:
    first = advisor.benchmark(sms_small, budget=Budget(trials=1), run_dir=tmp_path, families=["embedding_xgboost"])
    hybrid = first.family("embedding_xgboost")
    assert hybrid.status == "ok" and "MiniLM" in hybrid.inputs
    assert first.embeddings["text_embedding"]["cached"] is False
    assert hybrid.costs["embed_items_per_s"] > 0 and hybrid.costs["embed_s"] > 0
    model = advisor.load_model(hybrid.model_path)
    assert set(model.predict(["WINNER!! claim your free prize now", "see you at lunch?"])) <= {"ham", "spam"}

    again = advisor.benchmark(sms_small, budget=Budget(trials=2), run_dir=tmp_path, families=["embedding_xgboost"])
    assert again.embeddings["text_embedding"]["cached"] is True
    assert again.family("embedding_xgboost").trials_complete == 2


def test_mixed_table_compares_joined_tabular_only_and_text_only(tmp_path: Path, reviews_small: Dataset) -> None:
    result = advisor.benchmark(
        reviews_small, budget=40, run_dir=tmp_path, families=["linear", "xgboost", "embedding_xgboost"]
    )
    inputs = {f.family: f.inputs for f in result.families if f.status == "ok"}
    assert inputs["xgboost"] == "tabular columns only (no text)"
    assert inputs["linear"].startswith("TF-IDF")
    assert "+ 8 tabular column(s)" in inputs["embedding_xgboost"]
    assert result.leaderboard()["inputs"].nunique() == 3


def test_image_ensemble_averages_members_on_their_own_inputs(tmp_path: Path, digits_small: Dataset) -> None:
    result = advisor.benchmark(
        digits_small, budget=30, run_dir=tmp_path, families=["lightgbm", "cnn", "dl_gbm_ensemble"]
    )
    ensemble = result.family("dl_gbm_ensemble")
    assert ensemble.status == "ok", ensemble.reason
    assert ensemble.reason.startswith("ensemble selection (Caruana et al., 2004) on ")
    weights = ensemble.best_params["weights"]
    assert set(weights) == set(ensemble.members) <= {"lightgbm", "cnn"}
    assert sum(weights.values()) == pytest.approx(1.0) and all(w > 0 for w in weights.values())
    model = advisor.load_model(ensemble.model_path)
    proba = model.predict_proba(digits_small.X[:20])
    members = {f: advisor.load_model(result.family(f).model_path) for f in weights}
    expected = sum(w * members[f].predict_proba(digits_small.X[:20]) for f, w in weights.items())
    assert np.allclose(proba, expected)


def test_fine_tuning_large_text_on_a_cpu_falls_back_to_feature_extraction(reviews_small: Dataset) -> None:
    from advisor.benchmarking import runner

    def strategy(rows: int, words: float, device: str = "cpu") -> str | None:
        run = object.__new__(runner._Run)
        run.notes = []
        profile = advisor.profile(reviews_small)
        run.profile = profile.with_changes(rows=rows, text=dataclasses.replace(profile.text, mean_words=words))
        run.rec = advisor.recommend(profile)
        run.rec = dataclasses.replace(
            run.rec, transfer=dataclasses.replace(run.rec.transfer, strategy="full_fine_tuning")
        )
        return run._transfer_strategy(device)

    assert strategy(5_000, 16.0) == "full_fine_tuning"  # SMS-sized: fine-tuning fits a CPU budget
    assert strategy(23_000, 60.0) == "feature_extraction"  # reviews-sized: not on 2 cores
    assert strategy(23_000, 60.0, device="cuda") == "full_fine_tuning"

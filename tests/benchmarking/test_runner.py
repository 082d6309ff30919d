"""The runner end to end on real data: studies, resume, faults, determinism, budgets, saved models."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

import advisor
from advisor.benchmarking import BenchmarkResult, Budget
from advisor.data.dataset import Dataset
from advisor.errors import InvalidArgumentError, NothingMeasuredError, TargetNotFoundError
from advisor.families import Family, Role
from advisor.families.registry import _REGISTERED, register_family
from advisor.models.spec import FitContext, ModelSpec


def _storage(run_dir: Path) -> str:
    return f"sqlite:///{run_dir / 'optuna.db'}"


def test_trial_budget_runs_the_plan_and_saves_models(tmp_path: Path, adult_small: Dataset) -> None:
    result = advisor.benchmark(
        adult_small, budget=Budget(trials=8), run_dir=tmp_path / "run", families=["linear", "lightgbm", "random_forest"]
    )
    board = result.leaderboard()
    assert set(board["family"]) == {"linear", "lightgbm", "random_forest"}
    assert result.metric == "roc_auc"  # Adult is imbalanced (3.2:1): the plan ranks by ROC-AUC
    assert board["roc_auc"].min() > 0.8 and board["test_accuracy"].min() > 0.78  # majority guess: 0.76
    assert (tmp_path / "run" / "optuna.db").exists() and (tmp_path / "run" / "result.json").exists()
    studies = optuna.get_all_study_names(_storage(tmp_path / "run"))
    assert sorted(studies) == ["lightgbm", "linear", "random_forest"]
    lgbm = optuna.load_study(study_name="lightgbm", storage=_storage(tmp_path / "run"))
    first = lgbm.trials[0]
    assert first.user_attrs.get("default") is True  # the family's good default is trial 0
    assert {
        "fit_wall_s",
        "fit_cpu_s",
        "peak_memory_mb",
        "latency_p50_ms",
        "latency_p95_ms",
        "batch_ms_per_1k",
        "model_size_bytes",
        "device",
    } <= set(first.user_attrs["costs"])
    model = advisor.load_model(result.family("lightgbm").model_path)
    raw = adult_small.X.head(20)
    assert set(model.predict(raw)) <= {"<=50K", ">50K"}
    assert model.predict_proba(raw).shape == (20, 2)


def test_result_json_round_trip_and_views(tmp_path: Path, diabetes: Dataset) -> None:
    result = advisor.benchmark(
        diabetes, budget=Budget(trials=4), run_dir=tmp_path / "r", families=["linear", "lightgbm"]
    )
    again = BenchmarkResult.load(tmp_path / "r" / "result.json")
    assert again == result
    assert not result.history().empty and set(result.history()["state"]) <= {"COMPLETE", "PRUNED", "FAIL"}
    front = result.pareto("fit_wall_s")
    assert 1 <= len(front) <= 2
    assert result.verdict.winner in {"linear", "lightgbm"}
    assert result.verdict.recommended in {"linear", "lightgbm"}


def test_same_seed_same_leaderboard(tmp_path: Path, diabetes: Dataset) -> None:
    runs = [
        advisor.benchmark(
            diabetes, budget=Budget(trials=6), run_dir=tmp_path / f"s{i}", seed=3, families=["linear", "lightgbm"]
        )
        for i in range(2)
    ]
    boards = [r.leaderboard()[["family", "accuracy", "test_log_loss", "trials"]] for r in runs]
    pd.testing.assert_frame_equal(boards[0], boards[1])
    params = [{f.family: f.best_params for f in r.families} for r in runs]
    assert params[0] == params[1]


def test_rerun_resumes_without_repeating_finished_trials(tmp_path: Path, diabetes: Dataset) -> None:
    run_dir = tmp_path / "resume"
    advisor.benchmark(diabetes, budget=Budget(trials=4), run_dir=run_dir, families=["lightgbm"])
    study = optuna.load_study(study_name="lightgbm", storage=_storage(run_dir))
    before = {t.number: (t.params, t.value) for t in study.trials}
    advisor.benchmark(diabetes, budget=Budget(trials=4), run_dir=run_dir, families=["lightgbm"])
    assert len(optuna.load_study(study_name="lightgbm", storage=_storage(run_dir)).trials) == len(before)
    advisor.benchmark(diabetes, budget=Budget(trials=7), run_dir=run_dir, families=["lightgbm"])
    after = {
        t.number: (t.params, t.value)
        for t in optuna.load_study(study_name="lightgbm", storage=_storage(run_dir)).trials
    }
    assert len(after) == 7 and all(after[n] == before[n] for n in before)


def test_run_folder_refuses_another_dataset(tmp_path: Path, diabetes: Dataset, adult_small: Dataset) -> None:
    advisor.benchmark(diabetes, budget=Budget(trials=1), run_dir=tmp_path / "x", families=["linear"])
    with pytest.raises(InvalidArgumentError, match="holds another run"):
        advisor.benchmark(adult_small, budget=Budget(trials=1), run_dir=tmp_path / "x", families=["linear"])


class _Flaky(ClassifierMixin, BaseEstimator):
    def __init__(self, *, mode: str = "ok") -> None:
        self.mode = mode

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> _Flaky:
        if self.mode == "bad config":
            raise ValueError("solver 'x' does not support penalty 'y'")
        if self.mode == "oom":
            raise MemoryError("CUDA out of memory (simulated)")
        self.model_ = LogisticRegression(max_iter=200).fit(X.select_dtypes("number").fillna(0), y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        proba = self.model_.predict_proba(X.select_dtypes("number").fillna(0))
        return np.full_like(proba, np.nan) if self.mode == "nan" else proba

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def _flaky_space(trial: optuna.Trial, ctx: FitContext) -> dict[str, str]:
    return {"mode": trial.suggest_categorical("mode", ["ok", "bad config", "oom", "nan"])}


FLAKY = Family(
    id="flaky",
    label="flaky test model",
    role=Role.BASELINE,
    summary="Fails in several ways, for the runner's tests.",
    implementations={
        "tabular": ModelSpec(
            label="flaky test model",
            search_space=_flaky_space,
            default_params=lambda ctx: {"mode": "bad config"},
            build=lambda params, ctx: _Flaky(**params),
        )
    },
)


@pytest.fixture
def flaky() -> Family:
    register_family(FLAKY)
    yield FLAKY
    _REGISTERED.pop(FLAKY.id, None)


def test_failing_trials_are_recorded_and_the_study_goes_on(tmp_path: Path, adult_small: Dataset, flaky) -> None:
    result = advisor.benchmark(adult_small, budget=Budget(trials=12), run_dir=tmp_path / "f", families=["flaky"])
    history = result.history()
    failed = history[history["state"] == "FAIL"]
    assert len(history) == 12
    assert history.iloc[0]["error"].startswith("ValueError: solver")  # the default trial failed first
    errors = " ".join(failed["error"])
    assert "MemoryError" in errors and "FloatingPointError" in errors
    assert (history["state"] == "COMPLETE").any()
    assert result.family("flaky").status == "ok"


def test_time_budget_is_respected(tmp_path: Path, adult_small: Dataset) -> None:
    start = time.monotonic()
    result = advisor.benchmark(
        adult_small, budget=10, run_dir=tmp_path / "t", families=["linear", "lightgbm", "xgboost"]
    )
    elapsed = time.monotonic() - start
    assert elapsed <= 10 * 1.1 + 2.0  # + loading the models' libraries the first time
    assert result.wall_s <= 11.0
    assert {f.family for f in result.families if f.status == "ok"} >= {"linear", "lightgbm"}


def test_bad_arguments_are_clear_errors(tmp_path: Path, diabetes: Dataset) -> None:
    with pytest.raises(InvalidArgumentError):
        advisor.benchmark(diabetes, budget=-5, run_dir=tmp_path / "b")
    no_target = Dataset(X=diabetes.X, y=None, modality="tabular")
    with pytest.raises(TargetNotFoundError):
        advisor.benchmark(no_target, budget=5, run_dir=tmp_path / "b")


def test_unknown_family_names_are_an_error(tmp_path: Path, diabetes: Dataset) -> None:
    with pytest.raises(InvalidArgumentError, match="Unknown model family: lightgmb"):
        advisor.benchmark(diabetes, budget=Budget(trials=1), run_dir=tmp_path / "u", families=["lightgmb"])
    with pytest.raises(InvalidArgumentError, match="No model family"):
        advisor.benchmark(diabetes, budget=Budget(trials=1), run_dir=tmp_path / "u", families=[])


def test_a_run_that_measures_nothing_is_an_error_that_says_why(tmp_path: Path, diabetes: Dataset) -> None:
    with pytest.raises(NothingMeasuredError) as err:
        advisor.benchmark(diabetes, budget=Budget(trials=2), families=["cnn"], run_dir=tmp_path)
    assert "cnn: no model of this family is registered for tabular data" in err.value.problem
    assert "--families" in err.value.fix and str(tmp_path) in err.value.fix
    assert BenchmarkResult.load(tmp_path / "result.json").families[0].status == "skipped"  # the run is kept


def test_choice_and_deployment_follow_the_stated_metric(tmp_path: Path, diabetes: Dataset) -> None:
    result = advisor.benchmark(
        diabetes.stating(metric="balanced_accuracy"),
        budget=Budget(trials=4),
        families=["linear", "lightgbm"],
        run_dir=tmp_path,
    )
    assert result.metric == "balanced_accuracy" and "balanced_accuracy" in result.leaderboard().columns
    vals = {f.family: f.val_metrics["balanced_accuracy"] for f in result.families}
    assert result.best_family == max(vals, key=vals.get)
    assert result.deployed["rows"] == diabetes.n_rows and result.deployed["trained_on"].startswith("all rows")
    model = advisor.load_model(tmp_path / "models" / "best.pkl")
    assert model.family == result.best_family and model.metadata["rows"] == diabetes.n_rows
    scored = advisor.load_model(result.family(result.best_family).model_path)
    assert scored.metadata["rows"] == result.family(result.best_family).train_rows < diabetes.n_rows

"""MLPClassifier / MLPRegressor on real and synthetic data: quality, input handling, the fit protocol."""

from __future__ import annotations

import pickle
from dataclasses import replace

import numpy as np
import optuna
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.datasets import make_blobs, make_classification
from sklearn.metrics import log_loss, recall_score

from advisor.errors import InvalidArgumentError
from advisor.families import get_family, implementation
from advisor.models.spec import FitContext
from advisor.models.torch import MLPClassifier, MLPRegressor
from advisor.models.torch.mlp import SPEC
from advisor.profiling.profile import DatasetProfile
from advisor.rules.recipe import recipe_for
from advisor.rules.recommendation import Activation, Normalization, Optimizer, Schedule

FAST = {"hidden_size": 32, "max_epochs": 20, "batch_size": 32, "learning_rate": 1e-2, "n_jobs": 1, "random_state": 0}


def _fast(**changes: object) -> dict[str, object]:
    """Small, quick settings for the synthetic tests."""
    return {**FAST, **changes}


def _mixed_frame(n: int = 300, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    x[rng.random(n) < 0.1] = np.nan
    colour = rng.choice(["red", "green", "blue"], size=n)
    frame = pd.DataFrame(
        {
            "x": x,
            "count": rng.integers(0, 5, size=n),
            "colour": pd.Series(colour, dtype="category"),
            "city": pd.Series(rng.choice(["a", "b", None], size=n), dtype=object),
            "word": pd.Series(rng.choice(["u", "v"], size=n), dtype="string"),
            "flag": rng.random(n) < 0.5,
        }
    )
    y = ((colour == "red") ^ (np.nan_to_num(x) > 0)).astype(int)
    return frame, y


# ---------------------------------------------------------------------- real data
def test_adult_accuracy(adult: list) -> None:
    """Adult income (3,000 training rows, 8 categorical columns): majority class 0.77; GBDTs reach ~0.87."""
    X_tr, y_tr, X_va, y_va, X_te, y_te = adult
    clf = MLPClassifier(n_jobs=1, random_state=0).fit(X_tr, y_tr, eval_set=(X_va, y_va))
    assert list(clf.classes_) == ["<=50K", ">50K"]
    assert clf.score(X_te, y_te) > 0.83  # measured 0.844-0.857 over seeds 0-2
    assert len(clf.module_.embeddings) == 8


def test_cpu_act_r2(cpu_act: list) -> None:
    X_tr, y_tr, X_va, y_va, X_te, y_te = cpu_act
    reg = MLPRegressor(max_epochs=60, n_jobs=1, random_state=0).fit(X_tr, y_tr, eval_set=(X_va, y_va))
    assert reg.score(X_te, y_te) > 0.95  # measured 0.972-0.975 over seeds 0-2
    rmse = float(np.sqrt(np.mean((reg.predict(X_va) - y_va) ** 2)))
    assert reg.best_val_loss_ == pytest.approx(rmse, rel=1e-4)  # RMSE in the target's own units


# ---------------------------------------------------------------------- inputs
def test_mixed_frames_with_missing_and_unseen_categories() -> None:
    X, y = _mixed_frame()
    clf = MLPClassifier(**FAST).fit(X, y)
    assert clf.categorical_features_ == ("colour", "city", "word", "flag")
    assert clf.encoder_.cardinalities == (3, 2, 2, 2) and clf.encoder_.n_numeric == 3  # x, count, x-missing
    assert clf.score(X, y) > 0.9
    new = X.head(4).copy()
    new["colour"] = pd.Series(["purple", None, "red", "blue"], dtype="category")
    new["city"] = [None, "zzz", "a", "b"]
    new.loc[0, "x"] = np.nan
    proba = clf.predict_proba(new)
    assert proba.shape == (4, 2) and np.isfinite(proba).all() and np.allclose(proba.sum(axis=1), 1.0)


def test_categorical_frames_check_column_names_and_refuse_unusable_dtypes() -> None:
    X, y = _mixed_frame()
    clf = MLPClassifier(**_fast(max_epochs=2)).fit(X, y)
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(X.rename(columns={"x": "y"}))
    dated = X.assign(when=pd.Timestamp("2024-01-01"))
    with pytest.raises(TypeError, match="'when'"):
        MLPClassifier(**FAST).fit(dated, y)


def test_multiclass_with_string_labels() -> None:
    X, y = make_blobs(n_samples=300, centers=3, random_state=0)
    labels = np.array(["ant", "bee", "cat"])[y]
    clf = MLPClassifier(**FAST).fit(X, labels)
    proba = clf.predict_proba(X)
    assert list(clf.classes_) == ["ant", "bee", "cat"] and proba.shape == (300, 3)
    assert np.allclose(proba.sum(axis=1), 1.0) and clf.score(X, labels) > 0.9
    assert clf.module_.head.out_features == 3


def test_regression_target_is_standardized_internally() -> None:
    X = np.random.default_rng(0).normal(size=(400, 3))
    y = X @ np.array([1.0, -2.0, 0.5])
    small = MLPRegressor(**FAST).fit(X, y)
    large = MLPRegressor(**FAST).fit(X, y * 1e6 + 5e6)
    assert large.y_mean_ == pytest.approx(5e6, rel=0.05) and large.y_scale_ > 1e5
    assert np.allclose(large.predict(X), small.predict(X) * 1e6 + 5e6, rtol=1e-3, atol=1e3)
    assert small.score(X, y) > 0.9


# ---------------------------------------------------------------------- imbalance
@pytest.fixture(scope="module")
def imbalanced() -> tuple[np.ndarray, ...]:
    X, y = make_classification(
        n_samples=3000, n_features=10, n_informative=4, weights=[0.95], flip_y=0.02, class_sep=0.6, random_state=0
    )
    return X[:2000], y[:2000], X[2000:], y[2000:]


def _minority(imbalanced: tuple[np.ndarray, ...], **params: object) -> tuple[float, float]:
    X_tr, y_tr, X_te, y_te = imbalanced
    clf = MLPClassifier(**_fast(max_epochs=30, learning_rate=3e-3, batch_size=128, **params)).fit(X_tr, y_tr)
    return recall_score(y_te, clf.predict(X_te)), float(clf.predict_proba(X_te)[:, 1].mean())


def test_class_weights_and_focal_loss_favour_the_minority_class(imbalanced: tuple[np.ndarray, ...]) -> None:
    plain_recall, plain_proba = _minority(imbalanced)
    balanced_recall, _ = _minority(imbalanced, class_weight="balanced")
    _, focal_proba = _minority(imbalanced, loss="focal")
    both_recall, _ = _minority(imbalanced, loss="focal", class_weight="balanced")
    assert plain_recall < 0.2  # about 5% positives: the plain loss almost never predicts them
    assert balanced_recall > plain_recall + 0.3 and both_recall > plain_recall + 0.3
    assert focal_proba > plain_proba * 1.5  # focal loss stops pushing the minority's probabilities to 0


def test_class_weight_values() -> None:
    X, y = make_blobs(n_samples=[200, 50], centers=None, random_state=0)
    balanced = MLPClassifier(**_fast(max_epochs=1, class_weight="balanced", validation_fraction=None)).fit(X, y)
    assert np.allclose(balanced.class_weight_, [250 / (2 * 200), 250 / (2 * 50)])
    custom = MLPClassifier(**_fast(max_epochs=1, class_weight={1: 5.0})).fit(X, y)
    assert custom.class_weight_.tolist() == [1.0, 5.0]
    with pytest.raises(ValueError, match="not in y"):
        MLPClassifier(**_fast(class_weight={7: 2.0})).fit(X, y)


# ---------------------------------------------------------------------- the fit protocol
@pytest.fixture(scope="module")
def noisy() -> tuple[np.ndarray, ...]:
    """Small and noisy: an unregularized MLP overfits within a few epochs."""
    X, y = make_classification(n_samples=600, n_features=20, n_informative=3, flip_y=0.2, random_state=1)
    return X[:300], y[:300], X[300:], y[300:]


def test_early_stopping_restores_the_best_epoch(noisy: tuple[np.ndarray, ...]) -> None:
    X_tr, y_tr, X_va, y_va = noisy
    clf = MLPClassifier(
        hidden_size=128, dropout=0.0, weight_decay=0.0, learning_rate=1e-2, schedule="none", patience=5,
        max_epochs=100, n_jobs=1, random_state=0,
    )  # fmt: skip
    clf.fit(X_tr, y_tr, eval_set=(X_va, y_va))
    val_losses = [h["val_loss"] for h in clf.history_]
    assert clf.n_epochs_ == len(clf.history_) == clf.best_epoch_ + 1 + 5 < 100
    assert clf.history_[clf.best_epoch_]["val_loss"] == min(val_losses) == clf.best_val_loss_
    assert val_losses[-1] > min(val_losses)
    assert log_loss(y_va, clf.predict_proba(X_va)) == pytest.approx(min(val_losses), rel=1e-5)
    assert [h["epoch"] for h in clf.history_] == list(range(clf.n_epochs_))
    assert all(h["seconds"] > 0 and h["lr"] > 0 and h["train_loss"] > 0 for h in clf.history_)


def test_progress_can_stop_training(noisy: tuple[np.ndarray, ...]) -> None:
    X_tr, y_tr, X_va, y_va = noisy
    seen: list[tuple[int, float]] = []

    def progress(step: int, value: float) -> bool:
        seen.append((step, value))
        return step == 3

    clf = MLPClassifier(**FAST).fit(X_tr, y_tr, eval_set=(X_va, y_va), progress=progress)
    assert clf.n_epochs_ == 4 and [s for s, _ in seen] == [0, 1, 2, 3]
    assert [v for _, v in seen] == [h["val_loss"] for h in clf.history_]
    assert clf.best_val_loss_ == min(v for _, v in seen)


def test_a_pruned_trial_propagates(noisy: tuple[np.ndarray, ...]) -> None:
    X_tr, y_tr, _, _ = noisy

    def prune(step: int, value: float) -> bool:
        if step == 1:
            raise optuna.TrialPruned("pruned at step 1")
        return False

    with pytest.raises(optuna.TrialPruned):
        MLPClassifier(**FAST).fit(X_tr, y_tr, progress=prune)


def test_without_validation_every_epoch_runs() -> None:
    X, y = _mixed_frame()
    clf = MLPClassifier(**_fast(max_epochs=4, patience=1, validation_fraction=None)).fit(X, y)
    assert clf.n_epochs_ == 4 and clf.best_epoch_ == 3
    assert all(h["val_loss"] is None for h in clf.history_)


def test_same_seed_same_predictions_and_the_global_rng_is_untouched() -> None:
    X, y = _mixed_frame()
    torch.manual_seed(123)
    state = torch.get_rng_state()
    first = MLPClassifier(**FAST).fit(X, y).predict_proba(X)
    assert torch.equal(torch.get_rng_state(), state)
    second = MLPClassifier(**FAST).fit(X, y).predict_proba(X)
    other = MLPClassifier(**_fast(random_state=1)).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)


def test_a_diverging_fit_raises_floating_point_error() -> None:
    X = np.random.default_rng(0).normal(size=(200, 4))
    with pytest.raises(FloatingPointError, match=r"training loss became NaN at epoch \d+; lower the learning rate"):
        MLPRegressor(**_fast(optimizer="sgd", learning_rate=1e6)).fit(X, X[:, 0])


def test_eval_set_with_unseen_labels_is_refused(noisy: tuple[np.ndarray, ...]) -> None:
    X_tr, y_tr, X_va, y_va = noisy
    with pytest.raises(ValueError, match="not seen in training"):
        MLPClassifier(**FAST).fit(X_tr, y_tr, eval_set=(X_va, y_va + 5))


@pytest.mark.parametrize(
    "bad",
    [
        {"activation": "tanh"},
        {"normalization": "batch"},
        {"optimizer": "rmsprop"},
        {"schedule": "step"},
        {"loss": "squared_error"},
        {"hidden_size": 0},
        {"n_layers": 1.5},
        {"dropout": 1.0},
        {"learning_rate": 0.0},
        {"batch_size": True},
        {"validation_fraction": 1.0},
        {"embedding_dim": "big"},
        {"class_weight": "inverse"},
        {"device": "tpu"},
        {"n_jobs": 0},
    ],
)
def test_bad_parameters_are_refused_in_fit_not_init(bad: dict[str, object]) -> None:
    clf = MLPClassifier(**bad)  # type: ignore[arg-type]
    assert clf.get_params()[next(iter(bad))] == next(iter(bad.values()))
    with pytest.raises(InvalidArgumentError):
        clf.fit(np.zeros((10, 2)), np.arange(10) % 2)


def test_pickle_clone_and_embedding_dim() -> None:
    X, y = _mixed_frame()
    clf = MLPClassifier(**_fast(max_epochs=3, embedding_dim=4)).fit(X, y)
    assert all(e.embedding_dim == 4 for e in clf.module_.embeddings)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert clone(clf).get_params() == clf.get_params() and not hasattr(clone(clf), "module_")


# ---------------------------------------------------------------------- the "mlp" spec
def _ctx(task: str = "binary", rows: int = 10_000, recipe: bool = True, **changes: object) -> FitContext:
    profile = DatasetProfile.from_summary(
        rows=rows, features=10, task=task, n_classes=3 if task == "multiclass" else None
    ).with_changes(**changes)
    return FitContext(
        task=task,
        profile=profile,
        recipe=recipe_for(get_family("mlp"), profile, gpu=False) if recipe else None,
        device="cpu",
        n_jobs=1,
        seed=7,
    )


def test_spec_capabilities() -> None:
    assert SPEC.label == "PyTorch MLP" and SPEC.steps == "epochs" and SPEC.iterative
    family = get_family("mlp")
    assert family.supports("tabular", "regression") and not family.supports("image", "binary")


def test_spec_is_the_families_tabular_model() -> None:
    assert implementation("mlp", "tabular") is SPEC


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
@pytest.mark.parametrize("recipe", [True, False])
def test_default_is_a_point_of_the_search_space(task: str, recipe: bool) -> None:
    ctx = _ctx(task, recipe=recipe)
    defaults = SPEC.default_params(ctx)
    assert SPEC.search_space(optuna.trial.FixedTrial(defaults), ctx) == defaults


def test_defaults_follow_the_recipe() -> None:
    small = SPEC.default_params(_ctx(rows=1_000))
    assert small["dropout"] == 0.5 and small["batch_size"] == 32
    assert (small["patience"], small["max_epochs"]) == (20, 300)
    assert (small["optimizer"], small["schedule"], small["normalization"], small["activation"]) == (
        "adamw",
        "cosine",
        "batchnorm",
        "relu",
    )
    assert small["learning_rate"] == 1e-3 and small["weight_decay"] == 0.01
    assert (small["loss"], small["class_weight"]) == ("auto", None)
    weighted = SPEC.default_params(_ctx(imbalance_ratio=5.0))
    assert (weighted["loss"], weighted["class_weight"]) == ("auto", "balanced")
    focal = SPEC.default_params(_ctx(imbalance_ratio=50.0))
    assert (focal["loss"], focal["focal_gamma"], focal["class_weight"]) == ("focal", 2.0, "balanced")
    assert SPEC.default_params(_ctx("regression", target_skewness=4.0))["loss"] == "huber"
    assert SPEC.default_params(_ctx("regression"))["loss"] == "squared_error"


def test_defaults_map_other_recipes_onto_the_space() -> None:
    ctx = _ctx()
    recipe = replace(
        ctx.recipe,
        activation=Activation.GELU,
        normalization=Normalization.LAYER,
        optimizer=Optimizer.SGD,
        schedule=Schedule.PLATEAU,
        learning_rate=0.05,
        batch_size=100,
    )
    params = SPEC.default_params(replace(ctx, recipe=recipe))
    assert (params["activation"], params["normalization"], params["optimizer"]) == ("gelu", "layernorm", "sgd")
    assert params["schedule"] == "plateau" and params["learning_rate"] == 3e-3 and params["batch_size"] == 128
    warm = replace(recipe, schedule=Schedule.WARMUP_COSINE)
    assert SPEC.default_params(replace(ctx, recipe=warm))["schedule"] == "warmup_cosine"


def test_build_uses_the_context() -> None:
    clf = SPEC.build(SPEC.default_params(_ctx()), _ctx())
    reg = SPEC.build(SPEC.default_params(_ctx("regression")), _ctx("regression"))
    assert isinstance(clf, MLPClassifier) and isinstance(reg, MLPRegressor)
    assert (clf.device, clf.n_jobs, clf.random_state) == ("cpu", 1, 7)


def test_every_point_of_the_space_builds_an_estimator_that_fits() -> None:
    ctx = _ctx("multiclass")
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    X, y = make_blobs(n_samples=60, centers=3, random_state=0)
    for _ in range(12):
        params = SPEC.search_space(study.ask(), ctx)
        est = SPEC.build({**params, "max_epochs": 1}, ctx).fit(X, y)
        assert est.n_epochs_ == 1 and est.predict_proba(X).shape == (60, 3)

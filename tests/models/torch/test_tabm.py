"""TabM and the MLP's numeric embeddings: the paper's recipe as settings, heads, losses, sizing, quality."""

from __future__ import annotations

import numpy as np
import optuna
import pandas as pd
import pytest
import rtdl_num_embeddings
import torch
from sklearn.datasets import make_classification, make_regression
from sklearn.metrics import r2_score

from advisor.errors import InvalidArgumentError
from advisor.families import get_family
from advisor.models.spec import FitContext
from advisor.models.torch import tabm
from advisor.models.torch.embeddings import numeric_embeddings, quantile_bins
from advisor.models.torch.encoding import TabularEncoder
from advisor.models.torch.mlp import MLPClassifier
from advisor.models.torch.modules import HeadsLoss, mean_of_heads
from advisor.models.torch.tabm import SPEC, TabMClassifier, TabMNet, TabMRegressor
from advisor.profiling.profile import DatasetProfile
from advisor.rules.recipe import recipe_for
from advisor.rules.recommendation import Optimizer, Scaling, Schedule

SMALL = {"k": 4, "hidden_size": 32, "max_epochs": 30, "n_jobs": 1, "random_state": 0, "device": "cpu"}


def _classification(n: int = 600) -> tuple[np.ndarray, np.ndarray]:
    return make_classification(n_samples=n, n_features=8, n_informative=5, random_state=0)


def test_tabm_learns_a_classification_table_with_categories_and_missing_values():
    X, y = _classification()
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(8)])
    frame.loc[::17, "x0"] = np.nan
    colour = np.where(y == 1, "red", "blue")
    colour[::3] = "green"  # a noisy but useful category
    frame["colour"] = pd.Series(colour, dtype="category")
    clf = TabMClassifier(**SMALL).fit(frame[:450], y[:450])
    assert clf.score(frame[450:], y[450:]) > 0.85
    assert clf.n_epochs_ >= 1 and clf.best_epoch_ < clf.n_epochs_
    proba = clf.predict_proba(frame[450:455])
    assert proba.shape == (5, 2) and np.allclose(proba.sum(axis=1), 1.0)


def test_tabm_regressor_restores_the_target_scale():
    X, y = make_regression(n_samples=500, n_features=6, noise=5.0, random_state=0)
    y = y * 100 + 5_000  # far from standardized: predictions must come back in these units
    reg = TabMRegressor(**SMALL).fit(X[:400], y[:400])
    assert r2_score(y[400:], reg.predict(X[400:])) > 0.9
    assert abs(reg.predict(X[400:]).mean() - y[400:].mean()) < 0.2 * y.std()


def test_training_output_has_one_prediction_per_head_and_evaluation_averages_their_probabilities():
    X, y = _classification(200)
    clf = TabMClassifier(**{**SMALL, "max_epochs": 2}).fit(X, y)
    net = clf.module_
    inputs = clf._tensors(clf.encoder_.transform(X[:7]))
    net.train()
    heads = net(inputs.numeric, inputs.categorical)
    assert heads.shape == (7, 4, 1)
    net.eval()
    with torch.no_grad():
        heads = net.net(inputs.numeric, None)
    expected = torch.sigmoid(heads).mean(dim=1)[:, 0].numpy()
    assert np.allclose(clf.predict_proba(X[:7])[:, 1], expected, atol=1e-5)


def test_mean_of_heads_is_the_mean_probability_for_every_task():
    heads = torch.randn(5, 3, 4)
    multi = torch.softmax(mean_of_heads(heads, "multiclass"), dim=-1)
    assert torch.allclose(multi, torch.softmax(heads, dim=-1).mean(dim=1), atol=1e-6)
    binary = torch.sigmoid(mean_of_heads(heads[..., :1], "binary"))
    assert torch.allclose(binary, torch.sigmoid(heads[..., :1]).mean(dim=1), atol=1e-5)
    assert torch.allclose(mean_of_heads(heads, "regression"), heads.mean(dim=1))


def test_heads_loss_is_the_mean_of_the_heads_losses():
    heads, target = torch.randn(6, 3, 4), torch.randint(0, 4, (6,))
    loss = HeadsLoss(torch.nn.CrossEntropyLoss())(heads, target)
    per_head = [torch.nn.functional.cross_entropy(heads[:, i], target) for i in range(3)]
    assert torch.isclose(loss, torch.stack(per_head).mean())
    flat = torch.randn(6, 4)  # evaluation mode: scored as it is
    assert torch.isclose(
        HeadsLoss(torch.nn.CrossEntropyLoss())(flat, target), torch.nn.functional.cross_entropy(flat, target)
    )


def test_tabm_net_without_numeric_columns_reads_categories_only():
    net = TabMNet(
        n_numeric=0, cardinalities=(3, 2), n_outputs=1, task="binary", k=2, n_blocks=1, d_block=8, dropout=0.0
    )
    out = net.eval()(torch.zeros(4, 0), torch.tensor([[0, 1], [1, 2], [2, 0], [3, 1]]))
    assert out.shape == (4, 1)


def test_quantile_scaling_makes_skewed_columns_normal():
    values = np.random.default_rng(0).lognormal(sigma=2.0, size=(2_000, 2))
    standard = TabularEncoder("standard").fit(values).transform(values).numeric
    quantile = TabularEncoder("quantile").fit(values).transform(values).numeric
    skew = pd.DataFrame(quantile).skew().abs().max()
    assert skew < 0.1 < pd.DataFrame(standard).skew().abs().min()
    assert np.allclose(quantile.mean(axis=0), 0.0, atol=0.05) and np.allclose(quantile.std(axis=0), 1.0, atol=0.05)
    with pytest.raises(ValueError, match="scaling"):
        TabularEncoder("minmax")


def test_piecewise_bins_handle_constant_and_binary_columns():
    rng = np.random.default_rng(0)
    train = np.column_stack([rng.normal(size=300), np.full(300, 2.0), rng.integers(0, 2, 300)]).astype("float32")
    bins = quantile_bins(train, n_bins=16)
    assert [len(b) >= 2 for b in bins] == [True, True, True]
    assert len(bins[0]) == 17 and bins[1].tolist() == [1.5, 2.5]
    module = numeric_embeddings("piecewise", train, d_embedding=4, n_bins=16)
    assert isinstance(module, rtdl_num_embeddings.PiecewiseLinearEmbeddings)
    assert module(torch.as_tensor(train[:3])).shape == (3, 3, 4)


def test_mlp_with_periodic_embeddings_is_the_mlp_plr():
    X, y = _classification()
    clf = MLPClassifier(numeric_embedding="periodic", d_embedding=8, hidden_size=32, max_epochs=20, random_state=0)
    clf.fit(X[:450], y[:450])
    assert isinstance(clf.module_.numeric_embedding, rtdl_num_embeddings.PeriodicEmbeddings)
    assert clf.module_.blocks[0][0].in_features == 8 * 8
    assert clf.score(X[450:], y[450:]) > 0.8
    with pytest.raises(InvalidArgumentError, match="numeric_embedding"):
        MLPClassifier(numeric_embedding="fourier").fit(X, y)


def test_tabm_rejects_bad_parameters_with_the_fix():
    X, y = _classification(100)
    with pytest.raises(InvalidArgumentError, match="k=0"):
        TabMClassifier(k=0).fit(X, y)
    with pytest.raises(InvalidArgumentError, match="arch_type"):
        TabMClassifier(arch_type="tabm-huge").fit(X, y)


def test_the_recipe_is_the_papers():
    profile = DatasetProfile.from_summary(rows=20_000, features=14, task="binary")
    recipe = recipe_for(get_family("tabm"), profile, gpu=False)
    assert recipe.optimizer is Optimizer.ADAMW and recipe.schedule is Schedule.NONE
    assert (recipe.learning_rate, recipe.weight_decay, recipe.gradient_clip) == (2e-3, 3e-4, 1.0)
    assert recipe.scaling is Scaling.QUANTILE
    words = recipe.describe()
    assert "gradient clipping at norm 1" in words["optimizer"] and words["inputs"] == "quantile-normal numeric columns"
    assert any("TabM (ICLR 2025)" in note for note in recipe.notes)
    assert any("piecewise-linear embeddings" in note for note in recipe.notes)


def test_cpu_sizes_shrink_with_the_data_and_a_gpu_gets_the_papers():
    def size(rows: int, features: int, device: str = "cpu") -> dict[str, int]:
        profile = DatasetProfile.from_summary(rows=rows, features=features, task="binary")
        return SPEC.default_params(FitContext("binary", profile, device=device))  # type: ignore[arg-type]

    sizes = [size(rows, 20) for rows in (500, 5_000, 50_000, 500_000)]
    work = [s["hidden_size"] * s["k"] for s in sizes]
    assert work == sorted(work, reverse=True) and work[0] > work[-1]
    gpu = size(50_000, 20, "cuda")
    assert (gpu["hidden_size"], gpu["k"]) == (512, 32)


def test_default_is_a_point_of_the_space_and_the_recipe_fixes_epochs():
    profile = DatasetProfile.from_summary(rows=3_000, features=10, task="multiclass", n_classes=3)
    ctx = FitContext("multiclass", profile)
    default = SPEC.default_params(ctx)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.enqueue_trial(default)
    trial = study.ask()
    params = SPEC.search_space(trial, ctx)
    assert {k: v for k, v in params.items()} == {k: v for k, v in default.items() if not k.startswith("use_")}
    recipe = recipe_for(get_family("tabm"), profile, gpu=False)
    assert params["max_epochs"] == recipe.max_epochs and params["patience"] == recipe.patience
    est = SPEC.build(params, ctx)
    assert isinstance(est, TabMClassifier) and est.learning_rate == 2e-3 and est.k == default["k"]


def test_a_trials_sampled_parameters_give_back_the_estimator_it_trained():
    """The refit replays the space on the trial's parameters: switched-off terms are 0 and the recipe's
    settings (epochs, patience, class weights) come back; unknown configs pass through unchanged."""
    profile = DatasetProfile.from_summary(rows=3_000, features=10, task="binary", imbalance_ratio=5.0)
    ctx = FitContext("binary", profile, class_weight=True)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    study.enqueue_trial({**SPEC.default_params(ctx), "use_weight_decay": False})
    trial = study.ask()
    trained = SPEC.search_space(trial, ctx)
    replayed = SPEC.estimator_params(trial.params, ctx)
    assert replayed == trained and replayed["weight_decay"] == 0.0 and "use_weight_decay" not in replayed
    assert replayed["class_weight"] == "balanced" and replayed["max_epochs"] > 0
    assert SPEC.estimator_params({"k": 3}, ctx) == {"k": 3}


def test_a_probe_sizes_tabm_for_the_time_it_has_and_says_why():
    """More time buys a larger TabM; the choice records the measured seconds per epoch and why; a time no size
    fits says what a fair run needs; on a GPU or without a budget the paper's sizes."""
    profile = DatasetProfile.from_summary(rows=20_000, features=12, task="binary")
    ctx = FitContext("binary", profile, n_jobs=1)
    short, long = tabm.size(ctx, 0.5, 20_000), tabm.size(ctx, 600.0, 20_000)
    assert short["hidden_size"] * short["k"] < long["hidden_size"] * long["k"]
    assert long["epoch_s"] * tabm.TARGET_EPOCHS <= 600.0 and "sized for this CPU" in long["why"]
    assert "give it at least" in short["why"] and (short["hidden_size"], short["k"]) == tabm.CPU_SIZES[-1]
    needed = float(short["why"].split("give it at least ")[1].split("s")[0].replace(",", ""))
    assert needed == pytest.approx(tabm.TARGET_EPOCHS * short["epoch_s"], rel=0.05)
    assert tabm.size(FitContext("binary", profile, device="cuda"), 10.0, 20_000)["hidden_size"] == 512
    assert tabm.size(ctx, None, 20_000)["k"] == 32


def test_the_chosen_size_is_what_every_trial_and_a_refit_build():
    profile = DatasetProfile.from_summary(rows=3_000, features=10, task="binary")
    sizing = {"hidden_size": 96, "k": 4, "batch_size": 128, "why": "test"}
    ctx = FitContext("binary", profile, sizing=sizing)
    default = SPEC.default_params(ctx)
    assert (default["hidden_size"], default["k"], default["batch_size"]) == (96, 4, 128)
    trial = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0)).ask()
    params = SPEC.search_space(trial, ctx)
    assert params["k"] == 4 and params["batch_size"] == 128 and params["hidden_size"] <= 96
    assert SPEC.estimator_params(trial.params, ctx)["k"] == 4

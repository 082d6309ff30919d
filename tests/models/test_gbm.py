"""LightGBM and XGBoost estimators: native categoricals, the progress protocol, early stopping, spaces."""

from __future__ import annotations

import time

import numpy as np
import optuna
import pandas as pd
import pyarrow as pa
import pytest
from sklearn.metrics import log_loss, mean_squared_error, recall_score

from advisor import datasets
from advisor.families import implementation
from advisor.models import gbm
from advisor.models.gbm import LightGBMClassifier, LightGBMRegressor, XGBoostClassifier, XGBoostRegressor
from advisor.models.pace import MIN_FRACTION, Pace

FAMILIES = {
    "lightgbm": (gbm.LIGHTGBM, LightGBMClassifier, LightGBMRegressor),
    "xgboost": (gbm.XGBOOST, XGBoostClassifier, XGBoostRegressor),
}
family = pytest.mark.parametrize("name", list(FAMILIES))


def classifier(name, **params):
    return FAMILIES[name][1](**{"learning_rate": 0.1, "random_state": 0, "n_jobs": 1, **params})


def regressor(name, **params):
    return FAMILIES[name][2](**{"learning_rate": 0.1, "random_state": 0, "n_jobs": 1, **params})


class Recorder:
    """A progress callback that records (step, loss) and can ask to stop or raise at a step."""

    def __init__(self, stop_at: int | None = None, raise_at: int | None = None) -> None:
        self.calls: list[tuple[int, float]] = []
        self.stop_at, self.raise_at = stop_at, raise_at

    def __call__(self, step: int, value: float) -> bool:
        self.calls.append((step, value))
        if step == self.raise_at:
            raise optuna.TrialPruned(f"pruned at {step}")
        return step == self.stop_at

    @property
    def steps(self):
        return [s for s, _ in self.calls]

    @property
    def values(self):
        return np.array([v for _, v in self.calls])


# ---------------------------------------------------------------------------------------- real data
@family
def test_adult_native_categoricals(name, adult):
    X, y, X_va, y_va, X_te, y_te = adult
    model = classifier(name, n_estimators=1000).fit(X, y, eval_set=(X_va, y_va))
    assert list(model.classes_) == ["<=50K", ">50K"]
    assert model.score(X_te, y_te) > 0.84  # majority class: 0.76
    assert set(model.categories_) == {X.columns.get_loc(c) for c in X.select_dtypes("category")}
    if name == "lightgbm":
        infos = model.booster_.dump_model()["feature_infos"]  # a categorical feature lists its categories
        categorical = {int(f[1:]) for f, info in infos.items() if info["values"]}
        assert categorical == set(model.categories_)
        assert '"decision_type":"=="' in model.booster_.model_to_string().replace(" ", "") or any(
            "==" in str(t) for t in model.booster_.dump_model()["tree_info"][:50]
        )
    else:
        assert model.booster_.feature_types.count("c") == 8


@family
def test_adult_raw_strings_and_unseen_categories(name, adult):
    X, y, _, _, X_te, y_te = adult
    raw = X.astype({c: str for c in X.select_dtypes("category")})  # strings, not categories
    model = classifier(name, n_estimators=150).fit(raw, y)
    X_te = X_te.copy()
    X_te["occupation"] = X_te["occupation"].astype(str)
    X_te.loc[::4, "occupation"] = "Astronaut"  # unseen: treated as missing
    X_te.loc[::5, "age"] = np.nan
    assert model.score(X_te, y_te) > 0.82


@family
def test_every_kind_of_string_column_and_float32_give_the_same_model(name, adult):
    X, y, _, _, X_te, _ = adult
    X, y, X_te = X.iloc[:3000], y[:3000], X_te.iloc[:500].copy()
    X_te["occupation"] = X_te["occupation"].astype(object)
    X_te.loc[X_te.index[::4], "occupation"] = "Astronaut"  # unseen
    X_te.loc[X_te.index[::7], "occupation"] = None  # missing
    strings = list(X.select_dtypes("category"))
    numbers = list(X.select_dtypes("number"))
    probas = []
    for kind in ("str", pd.StringDtype("python"), object, pd.ArrowDtype(pa.large_string())):
        train, test = X.astype(dict.fromkeys(strings, kind)), X_te.astype(dict.fromkeys(strings, kind))
        if kind == "str":
            assert hasattr(train[strings[0]].array, "__arrow_array__")  # pandas' default: Arrow-backed
        probas.append(classifier(name, n_estimators=30).fit(train, y).predict_proba(test))
    narrow, narrow_te = X.astype(dict.fromkeys(numbers, np.float32)), X_te.astype(dict.fromkeys(numbers, np.float32))
    wide, wide_te = (
        narrow.astype(dict.fromkeys(numbers, np.float64)),
        narrow_te.astype(dict.fromkeys(numbers, np.float64)),
    )
    for train, test in ((narrow, narrow_te), (wide, wide_te)):  # the same values, kept in float32 or widened
        probas.append(classifier(name, n_estimators=30).fit(train, y).predict_proba(test))
    for other in probas[1:4]:
        np.testing.assert_allclose(other, probas[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(probas[4], probas[5], rtol=0, atol=1e-12)
    assert not np.allclose(probas[0][:, 1], probas[0][0, 1])  # a model that learned something


@family
def test_cpu_act_regression_reports_rmse(name, cpu_act):
    X, y, X_va, y_va, X_te, y_te = cpu_act
    progress = Recorder()
    model = regressor(name, n_estimators=400).fit(X, y, eval_set=(X_va, y_va), progress=progress)
    assert model.score(X_te, y_te) > 0.95
    rmse = np.sqrt(mean_squared_error(y_va, model.predict(X_va)))
    assert progress.values.min() == pytest.approx(rmse, rel=1e-4)  # reported loss is RMSE of the best round


@family
def test_multiclass_digits_numpy(name):
    ds = datasets.load("digits")
    X = ds.X.reshape(len(ds.X), -1).astype(np.float64)
    X[::11, 5] = np.nan
    y = ds.y.to_numpy()
    progress = Recorder()
    model = classifier(name, n_estimators=200).fit(
        X[:900], y[:900], eval_set=(X[900:1300], y[900:1300]), progress=progress
    )
    assert len(model.classes_) == 10 and model.predict_proba(X[1300:]).shape == (len(X) - 1300, 10)
    assert model.score(X[1300:], y[1300:]) > 0.85  # chance: 0.1
    assert progress.values.min() == pytest.approx(log_loss(y[900:1300], model.predict_proba(X[900:1300])), rel=1e-4)


@family
def test_balanced_class_weight_raises_minority_recall(name, adult):
    X, y, _, _, X_te, y_te = adult
    recall = [
        recall_score(y_te, classifier(name, n_estimators=100, class_weight=w).fit(X, y).predict(X_te), pos_label=">50K")
        for w in (None, "balanced")
    ]
    assert recall[1] > recall[0] + 0.1


@family
def test_same_seed_same_model(name, adult):
    X, y, _, _, X_te, _ = adult
    a, b = (
        classifier(name, n_estimators=30, subsample=0.7, colsample_bytree=0.7, random_state=5).fit(X, y)
        for _ in range(2)
    )
    np.testing.assert_array_equal(a.predict_proba(X_te), b.predict_proba(X_te))


# ---------------------------------------------------------------------------------------- progress protocol
@family
def test_progress_reports_every_round_and_best_iteration_is_used(name, adult):
    X, y, X_va, y_va, _, _ = adult
    progress = Recorder()
    model = classifier(name, n_estimators=2000, early_stopping_rounds=20).fit(
        X, y, eval_set=(X_va, y_va), progress=progress
    )
    assert progress.steps == list(range(len(progress.steps)))  # every round, 0-based
    values = progress.values
    assert values[0] > values.min() + 0.1  # losses go down (log loss from ~0.55 to ~0.3)
    assert values[: len(values) // 4].mean() > values[len(values) // 4 :].mean()
    # early stopping: 20 rounds without improvement after the best one, long before 2000
    assert model.best_iteration_ == int(np.argmin(values))
    assert model.n_rounds_trained_ == len(values) == model.best_iteration_ + 21 < 2000
    assert model.n_rounds_ == model.best_iteration_ + 1
    assert model.best_score_ == pytest.approx(values.min())
    # predictions come from the best round, not the last one
    assert log_loss(y_va, model.predict_proba(X_va)) == pytest.approx(values.min(), rel=1e-4)


@family
def test_progress_true_stops_training(name, adult):
    X, y, X_va, y_va, _, _ = adult
    progress = Recorder(stop_at=4)
    model = classifier(name, n_estimators=500).fit(X, y, eval_set=(X_va, y_va), progress=progress)
    assert progress.steps == [0, 1, 2, 3, 4]
    assert model.n_rounds_trained_ == 5 and model.n_rounds_ <= 5
    assert model.predict(X_va).shape == (len(X_va),)


@family
def test_progress_exception_propagates(name, adult):
    X, y, X_va, y_va, _, _ = adult
    progress = Recorder(raise_at=3)
    model = classifier(name, n_estimators=500)
    with pytest.raises(optuna.TrialPruned, match="pruned at 3"):
        model.fit(X, y, eval_set=(X_va, y_va), progress=progress)
    assert progress.steps == [0, 1, 2, 3]


@family
def test_without_eval_set_progress_gets_nan_and_can_stop(name, cpu_act):
    X, y, _, _, _, _ = cpu_act
    model = regressor(name, n_estimators=40).fit(X, y)
    assert (model.best_iteration_, model.n_rounds_, model.n_rounds_trained_) == (39, 40, 40)
    progress = Recorder(stop_at=9)
    model = regressor(name, n_estimators=40).fit(X, y, progress=progress)
    # no eval set: no loss is computed (refits stay cheap), but a deadline can still stop training
    assert progress.steps == list(range(10)) and np.all(np.isnan(progress.values))
    assert model.n_rounds_ == 10


@family
def test_refit_with_n_rounds(name, cpu_act):
    X, y, X_va, y_va, X_te, y_te = cpu_act
    searched = regressor(name, n_estimators=2000, early_stopping_rounds=10).fit(X, y, eval_set=(X_va, y_va))
    refit = regressor(name, n_estimators=searched.n_rounds_).fit(pd.concat([X, X_va]), pd.concat([y, y_va]))
    assert refit.n_rounds_ == searched.n_rounds_
    assert refit.score(X_te, y_te) > 0.95


@family
def test_eval_set_with_unknown_label_is_an_error(name, cancer):
    X, y, X_va, y_va, _, _ = cancer
    with pytest.raises(ValueError, match="not seen"):
        classifier(name, n_estimators=5).fit(X, y, eval_set=(X_va, y_va.replace({1: 7})))


# ---------------------------------------------------------------------------------------- specs
@family
def test_search_space_study_and_default(name, adult, cpu_act, context, run_study, default_point):
    spec = FAMILIES[name][0]
    X, y, X_va, y_va, _, _ = adult
    ctx = context("binary", X, class_weight=True, seed=7)
    params = default_point(spec, ctx)
    assert params["n_estimators"] == gbm.MAX_ROUNDS
    est = spec.build(spec.default_params(ctx), ctx)
    assert (est.n_estimators, est.class_weight, est.random_state, est.early_stopping_rounds) == (
        gbm.MAX_ROUNDS,
        "balanced",
        7,
        gbm.EARLY_STOPPING_ROUNDS,
    )
    assert spec.iterative and spec.steps == "rounds" and implementation(name, "tabular") is spec

    def speed_up(est):  # the search keeps 2000 rounds with early stopping; a faster stop keeps the test short
        est.set_params(early_stopping_rounds=10)

    assert min(run_study(spec, ctx, X[:1500], y[:1500], X_va, y_va, prepare=speed_up)) > 0.75
    X, y, X_va, y_va, _, _ = cpu_act
    ctx = context("regression", X)
    default_point(spec, ctx)
    assert max(run_study(spec, ctx, X[:1000], y[:1000], X_va, y_va, prepare=speed_up)) > 0.9


def test_pruning_inside_a_study(adult, context):
    """A pruner stops bad trials through progress; the pruned trial ends as PRUNED, not FAILED."""
    X, y, X_va, y_va, _, _ = adult
    ctx = context("binary", X)

    def objective(trial):
        est = gbm.LIGHTGBM.build(gbm.lightgbm_space(trial, ctx), ctx).set_params(early_stopping_rounds=10)

        def progress(step, value):
            trial.report(value, step)
            if trial.should_prune():
                raise optuna.TrialPruned()
            return False

        est.fit(X[:1500], y[:1500], eval_set=(X_va, y_va), progress=progress)
        return est.best_score_

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(pruner=optuna.pruners.ThresholdPruner(upper=0.45, n_warmup_steps=5))
    study.enqueue_trial({**gbm.lightgbm_default(ctx), "learning_rate": 0.01})  # log loss still > 0.45 at round 5
    study.enqueue_trial({**gbm.lightgbm_default(ctx), "learning_rate": 0.3})
    study.optimize(objective, n_trials=2)
    pruned, complete = study.trials
    assert pruned.state == optuna.trial.TrialState.PRUNED and max(pruned.intermediate_values) == 5
    assert complete.state == optuna.trial.TrialState.COMPLETE and complete.value < 0.4


def test_xgboost_device_from_context(context):
    cuda = gbm.XGBOOST.build(gbm.xgboost_default(context("binary", device="cuda")), context("binary", device="cuda"))
    mps = gbm.XGBOOST.build(gbm.xgboost_default(context("binary", device="mps")), context("binary", device="mps"))
    assert (cuda.device, mps.device) == ("cuda", "cpu")
    assert (
        "device"
        not in gbm.LIGHTGBM.build(gbm.lightgbm_default(context("regression")), context("regression")).get_params()
    )


@family
def test_pickle_round_trip_keeps_categories(name, adult):
    import pickle

    X, y, X_va, y_va, X_te, _ = adult
    model = classifier(name, n_estimators=300).fit(X, y, eval_set=(X_va, y_va))
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(X_te), model.predict_proba(X_te))
    assert restored.n_rounds_ == model.n_rounds_


@family
def test_invalid_params_are_rejected_in_fit(name, cancer):
    X, y, _, _, _, _ = cancer
    for params in ({"n_estimators": 0}, {"learning_rate": 0.0}, {"subsample": 1.5}):
        model = classifier(name, **params)  # __init__ stores anything; fit validates
        with pytest.raises(ValueError):
            model.fit(X, y)
    if name == "xgboost":
        with pytest.raises(ValueError, match="device"):
            classifier(name, device="tpu").fit(X, y)


# ---------------------------------------------------------------------------------------- paced refits
def test_a_paced_lightgbm_fit_trains_every_round_on_a_share_of_the_rows(cpu_act):
    X, y, _, _, X_te, y_te = cpu_act
    plain = regressor("lightgbm", n_estimators=60, subsample=0.8).fit(X, y)
    far = time.monotonic() + 600
    paced = regressor("lightgbm", n_estimators=60, subsample=0.8).fit(X, y, pace=Pace(far, scale=0.25))
    assert paced.pace_ == {
        "first_fraction": 0.2,
        "lowest_fraction": 0.2,  # the deadline is far: no need to draw fewer...
        "last_fraction": 0.5,  # ...and more are drawn, up to LightGBM's half (its bagging fails across it)
        "ceiling": 0.5,
        "own_fraction": 0.8,
        "rounds": 60,
        "planned_rounds": 60,
    }
    assert paced.n_rounds_ == 60
    assert plain.pace_ is None
    assert not np.allclose(paced.predict(X_te), plain.predict(X_te))  # its rounds drew other rows
    assert paced.score(X_te, y_te) > 0.95


def test_a_paced_fit_past_its_deadline_draws_the_fewest_rows(cpu_act):
    X, y, _, _, _, _ = cpu_act
    paced = regressor("lightgbm", n_estimators=30).fit(X, y, pace=Pace(time.monotonic() - 1, scale=1.0))
    assert paced.pace_["lowest_fraction"] == MIN_FRACTION and paced.pace_["rounds"] == 30


def test_only_lightgbm_without_an_eval_set_is_paced(cpu_act):
    X, y, X_va, y_va, _, _ = cpu_act
    pace = Pace(time.monotonic() + 60, scale=0.5)
    with pytest.raises(ValueError, match="XGBoostRegressor cannot pace"):
        regressor("xgboost", n_estimators=5).fit(X, y, pace=pace)
    with pytest.raises(ValueError, match="cannot pace its rounds with an eval set"):
        regressor("lightgbm", n_estimators=5).fit(X, y, eval_set=(X_va, y_va), pace=pace)
    assert gbm.LIGHTGBM.paced and not gbm.XGBOOST.paced

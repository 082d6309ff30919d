"""AveragingEnsemble and the "dl_gbm_ensemble" spec."""

from __future__ import annotations

import importlib

import numpy as np
import optuna
import pytest
from sklearn.metrics import log_loss

from advisor.models import ensemble, gbm
from advisor.models.ensemble import AveragingEnsemble, default_members
from advisor.models.gbm import LightGBMClassifier, LightGBMRegressor, XGBoostClassifier, XGBoostRegressor


@pytest.fixture(scope="module")
def fitted_adult(adult):
    X, y, X_va, y_va, _, _ = adult
    lgb = LightGBMClassifier(n_estimators=1000, learning_rate=0.1, random_state=0).fit(X, y, eval_set=(X_va, y_va))
    xgb = XGBoostClassifier(n_estimators=1000, learning_rate=0.1, random_state=0).fit(X, y, eval_set=(X_va, y_va))
    return lgb, xgb


def test_from_fitted_averages_probabilities_without_refitting(adult, fitted_adult):
    X_te, y_te = adult[4], adult[5]
    lgb, xgb = fitted_adult
    rounds = (lgb.n_rounds_, xgb.n_rounds_)
    model = AveragingEnsemble.from_fitted([lgb, xgb])
    assert model.estimators_[0] is lgb and model.estimators_[1] is xgb
    assert (lgb.n_rounds_, xgb.n_rounds_) == rounds
    np.testing.assert_allclose(model.predict_proba(X_te), (lgb.predict_proba(X_te) + xgb.predict_proba(X_te)) / 2)
    assert list(model.classes_) == ["<=50K", ">50K"] and model.n_features_in_ == X_te.shape[1]
    assert model.score(X_te, y_te) > 0.84
    # averaging two good models is no worse than the worse one on held-out log loss
    losses = [log_loss(y_te, m.predict_proba(X_te)) for m in (lgb, xgb, model)]
    assert losses[2] <= max(losses[:2])


def test_weights(adult, fitted_adult):
    X_te = adult[4]
    lgb, xgb = fitted_adult
    model = AveragingEnsemble.from_fitted([lgb, xgb], weights=[3, 1])
    expected = 0.75 * lgb.predict_proba(X_te) + 0.25 * xgb.predict_proba(X_te)
    np.testing.assert_allclose(model.predict_proba(X_te), expected)
    with pytest.raises(ValueError, match="weights"):
        AveragingEnsemble.from_fitted([lgb, xgb], weights=[1, -1])


def test_members_must_agree(adult, fitted_adult, cancer):
    lgb, _ = fitted_adult
    X, y, _, _, _, _ = cancer
    other = LightGBMClassifier(n_estimators=5).fit(X, y)  # classes 0/1, not income labels
    with pytest.raises(ValueError, match="classes"):
        AveragingEnsemble.from_fitted([lgb, other])
    with pytest.raises(ValueError, match="all classifiers or all regressors"):
        AveragingEnsemble([LightGBMClassifier(), LightGBMRegressor()]).fit(X, y)
    with pytest.raises(ValueError, match="at least one"):
        AveragingEnsemble([]).fit(X, y)


def test_fit_clones_members_and_averages_regressions(cpu_act):
    X, y, X_va, y_va, X_te, y_te = cpu_act
    members = [LightGBMRegressor(n_estimators=500, random_state=0), XGBoostRegressor(n_estimators=500, random_state=0)]
    model = AveragingEnsemble(members).fit(X, y, eval_set=(X_va, y_va))
    assert not hasattr(members[0], "booster_")  # clones were fitted
    assert model.estimators_[0].n_rounds_ < 500  # eval_set reached the members (early stopping)
    np.testing.assert_allclose(model.predict(X_te), sum(m.predict(X_te) for m in model.estimators_) / 2)
    assert not hasattr(model, "predict_proba")
    assert model.score(X_te, y_te) > 0.95


def test_fit_passes_progress_with_increasing_steps(cancer):
    X, y, X_va, y_va, _, _ = cancer
    calls = []

    def progress(step, value):
        calls.append(step)
        return step == 12  # stop: the first member at its step 12, the second at its first step

    members = [LightGBMClassifier(n_estimators=100), XGBoostClassifier(n_estimators=100)]
    model = AveragingEnsemble(members).fit(X, y, eval_set=(X_va, y_va), progress=progress)
    assert calls == list(range(13))
    assert [m.n_rounds_trained_ for m in model.estimators_] == [13, 1]

    def prune(step, value):
        raise optuna.TrialPruned()

    with pytest.raises(optuna.TrialPruned):
        AveragingEnsemble(members).fit(X, y, eval_set=(X_va, y_va), progress=prune)


def test_spec(context):
    spec = ensemble.DL_GBM_ENSEMBLE
    ctx = context("binary")
    assert spec.name == "dl_gbm_ensemble" and spec.requires == ("gbm", "mlp")
    assert spec.search_space is None and spec.default_params(ctx) == {}
    assert any("lightgbm, xgboost or embedding_xgboost" in note for note in spec.notes)


def test_build_is_default_lightgbm_and_mlp_or_xgboost(context, cancer):
    X, y, X_va, y_va, X_te, y_te = cancer
    ctx = context("binary", X, seed=3)
    model = ensemble.DL_GBM_ENSEMBLE.build({}, ctx)
    first, second = model.estimators
    assert isinstance(first, LightGBMClassifier)
    assert first.get_params() == gbm.LIGHTGBM.build(gbm.lightgbm_default(ctx), ctx).get_params()
    try:
        importlib.import_module(ensemble.MLP_MODULE)
        has_mlp = True
    except ImportError:
        has_mlp = False
    if has_mlp:
        assert "mlp" in type(second).__name__.lower()
        if "max_epochs" in second.get_params():
            second.set_params(max_epochs=20)  # keep the test short
    else:
        assert isinstance(second, XGBoostClassifier)
    model.fit(X, y, eval_set=(X_va, y_va))
    assert model.score(X_te, y_te) > 0.9
    assert [type(m) for m in default_members(ctx, include_mlp=False)] == [LightGBMClassifier, XGBoostClassifier]

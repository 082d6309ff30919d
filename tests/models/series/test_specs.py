"""The "cnn" and "rnn" families on time-series data: registry, spaces, defaults and a real Optuna study."""

from __future__ import annotations

import optuna
import pytest

from advisor.families import get_family, implementation
from advisor.models.series import cnn1d, rnn
from advisor.models.series.cnn1d import SeriesCNNClassifier
from advisor.models.series.rnn import SeriesRNNClassifier
from advisor.rules.recipe import recipe_for

from .conftest import series_context

SPECS = {"cnn": cnn1d.SPEC, "rnn": rnn.SPEC}


def test_registry_finds_the_series_families() -> None:
    assert implementation("cnn", "timeseries") is cnn1d.SPEC and implementation("rnn", "timeseries") is rnn.SPEC
    for name, spec in SPECS.items():
        assert spec.view == "series" and spec.steps == "epochs"
        family = get_family(name)
        assert family.supports("timeseries", "multiclass") and not family.supports("timeseries", "regression")
    assert cnn1d.SPEC.label == "1-D CNN (InceptionTime / ResNet / FCN)" and cnn1d.SPEC.size is cnn1d.size
    assert cnn1d.SPEC.inputs == "normalized series (padded + masked)"
    assert rnn.SPEC.label == "GRU / LSTM" and "unequal lengths exact" in rnn.SPEC.inputs


@pytest.mark.parametrize("name", SPECS)
@pytest.mark.parametrize("fields", [{}, {"class_weight": True, "seed": 7, "n_jobs": 2}, {"recipe": True}])
def test_default_is_a_point_of_the_space(name, fields, default_point) -> None:
    spec = SPECS[name]
    fields = dict(fields)
    if fields.pop("recipe", False):
        fields["recipe"] = recipe_for(get_family(name), series_context("binary").profile, gpu=False)
    ctx = series_context("binary", **fields)
    params = default_point(spec, ctx)
    est = spec.build(params, ctx)
    assert isinstance(est, SeriesCNNClassifier if name == "cnn" else SeriesRNNClassifier)
    assert est.random_state == ctx.seed and est.n_jobs == ctx.n_jobs and est.device == ctx.device
    assert est.class_weight == ("balanced" if ctx.class_weight else None)
    if ctx.recipe is None:
        assert (est.max_epochs, est.patience) == (100, 15)
    else:  # the small-data recipe asks for 300 epochs, capped at 150, and patience 20
        assert (est.max_epochs, est.patience) == (150, ctx.recipe.patience) == (150, 20)


def test_defaults_follow_the_data_size() -> None:
    sizes = [cnn1d.default_params(series_context(rows=rows))["batch_size"] for rows in (50, 2_000, 50_000)]
    assert sizes == [16, 32, 64]
    default = rnn.default_params(series_context())
    assert (default["cell"], default["hidden_size"], default["n_layers"]) == ("gru", 64, 1)


@pytest.mark.parametrize("name", SPECS)
def test_a_real_study_over_the_space(name, gunpoint) -> None:
    """The runner's way: the default enqueued first (its fixed keys are not suggested), then TPE's picks."""
    X_train, y_train, X_test, y_test = gunpoint
    spec, ctx = SPECS[name], series_context("binary", seed=0)

    def objective(trial: optuna.Trial) -> float:
        est = spec.build(spec.search_space(trial, ctx), ctx).set_params(max_epochs=2)
        est.fit(X_train, y_train, eval_set=(X_test[:60], y_test[:60]))
        return est.score(X_test[60:], y_test[60:])

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=0))
    default = spec.default_params(ctx)
    study.enqueue_trial(default)
    study.optimize(objective, n_trials=2)
    first = study.trials[0].params  # the suggested keys: the default's values; the rest are fixed by data and plan
    assert first == {k: default[k] for k in study.trials[1].params} and first.items() <= default.items()
    assert all(t.state == optuna.trial.TrialState.COMPLETE and 0.0 <= t.value <= 1.0 for t in study.trials)

"""MiniRocket and MultiRocket (aeon) with a ridge or logistic head: accuracy on real series, lengths, NaN,
probabilities, regression, and the families' search in a real Optuna study."""

from __future__ import annotations

import pickle

import numpy as np
import optuna
import pytest
from sklearn.metrics import log_loss

from advisor.errors import InvalidArgumentError, WrongTypeError
from advisor.families import STRONG_CLASSICAL, Kind, get_family, implementation
from advisor.models.series import rocket
from advisor.models.series.rocket import RocketClassifier, RocketFeatures, RocketRegressor, default_kernels

from .conftest import series_context

#: Fewer kernels than the papers' 10,000 keep the tests fast; accuracy on these sets holds.
KERNELS = 84 * 12


def accuracy(model, X, y) -> float:
    return float((model.predict(X) == y).mean())


@pytest.fixture(scope="module")
def fitted(gunpoint):
    X_train, y_train, _, _ = gunpoint
    return RocketClassifier(n_kernels=KERNELS, random_state=0).fit(X_train, y_train)


def test_minirocket_learns_gunpoint_with_calibrated_probabilities(fitted, gunpoint) -> None:
    _, _, X_test, y_test = gunpoint
    assert accuracy(fitted, X_test, y_test) >= 0.95  # published MiniRocket: 0.99
    proba = fitted.predict_proba(X_test)
    assert proba.shape == (150, 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert 0 < fitted.temperature_ < 1e6 and fitted.model_.alpha_ in rocket.ALPHAS
    # the temperature is fitted on held-out scores: better log loss than the raw ridge scores' softmax
    raw = RocketClassifier(n_kernels=KERNELS, random_state=0).fit(*gunpoint[:2])
    raw.temperature_ = 1.0
    assert log_loss(y_test, proba, labels=fitted.classes_) < log_loss(y_test, raw.predict_proba(X_test))


@pytest.mark.parametrize(("kind", "head"), [("multirocket", "ridge"), ("minirocket", "logistic")])
def test_other_transform_and_head(kind, head, gunpoint) -> None:
    X_train, y_train, X_test, y_test = gunpoint
    model = RocketClassifier(kind=kind, head=head, n_kernels=KERNELS // 4, random_state=0).fit(X_train, y_train)
    assert accuracy(model, X_test, y_test) >= 0.9
    per_kernel = rocket.FEATURES_PER_KERNEL[kind]
    assert model.scaler_.n_features_in_ >= per_kernel * 84  # MultiRocket: 8 features per kernel
    assert np.allclose(model.predict_proba(X_test[:5]).sum(axis=1), 1.0)


def test_unequal_lengths_are_resized_to_the_longest(vowels) -> None:
    X_train, y_train, X_test, y_test = vowels
    model = RocketClassifier(n_kernels=KERNELS, random_state=0).fit(X_train, y_train)
    lengths = {s.shape[1] for s in X_train}
    assert model.features_.resized_ and model.features_.length_ == max(lengths)
    assert model.features_.n_channels_ == 12
    assert accuracy(model, X_test, y_test) >= 0.9  # 9 classes; published MiniRocket is about 0.99


def test_short_series_nan_and_other_lengths(gunpoint) -> None:
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(2, 5)).astype(np.float32) + k for k in (0, 3) for _ in range(10)]
    X[0][1, 2] = np.nan
    features = RocketFeatures(n_kernels=84 * 4, random_state=0).fit(X)
    assert features.length_ == rocket.MIN_LENGTH and features.resized_  # 5 points stretched to 9
    F = features.transform(X)
    assert F.shape == (20, 84 * 4) and np.isfinite(F).all()
    assert np.isfinite(features.transform([rng.normal(size=(2, 40)).astype(np.float32)])).all()  # a longer one
    with pytest.raises(WrongTypeError, match="channel"):
        features.transform([np.zeros((3, 9), np.float32)])


def test_same_seed_same_features_and_pickle(fitted, gunpoint) -> None:
    X_train, y_train, X_test, _ = gunpoint
    again = RocketClassifier(n_kernels=KERNELS, random_state=0).fit(X_train, y_train)
    assert np.allclose(again.predict_proba(X_test), fitted.predict_proba(X_test))
    restored = pickle.loads(pickle.dumps(fitted))
    assert np.allclose(restored.predict_proba(X_test), fitted.predict_proba(X_test))


def test_bad_parameters_say_what_to_use(gunpoint) -> None:
    X_train, y_train, _, _ = gunpoint
    with pytest.raises(InvalidArgumentError, match="minirocket"):
        RocketFeatures(kind="rocket").fit(X_train)
    with pytest.raises(InvalidArgumentError, match="ridge"):
        RocketClassifier(head="svm").fit(X_train, y_train)


def test_regression_recovers_a_frequency() -> None:
    rng = np.random.default_rng(1)
    freq = rng.uniform(0.05, 0.5, 120)
    t = np.arange(60)
    X = [np.sin(f * t + rng.uniform(0, 6))[None].astype(np.float32) for f in freq]
    model = RocketRegressor(n_kernels=KERNELS, random_state=0).fit(X[:90], freq[:90])
    pred = model.predict(X[90:])
    r2 = 1 - ((pred - freq[90:]) ** 2).sum() / ((freq[90:] - freq[90:].mean()) ** 2).sum()
    assert r2 > 0.8


def test_families_are_classical_random_kernels() -> None:
    for name, spec in (("minirocket", rocket.MINIROCKET), ("multirocket", rocket.MULTIROCKET)):
        family = get_family(name)
        assert family.kind is Kind.CLASSICAL and family.role in STRONG_CLASSICAL and not family.interpretable
        assert implementation(name, "timeseries") is spec and spec.view == "series"
        assert family.supports("timeseries", "regression") and not family.supports("tabular", "binary")


def test_kernels_shrink_on_large_data_and_the_head_follows_the_rows() -> None:
    assert default_kernels("minirocket", 1_000) == 10_000
    assert default_kernels("minirocket", 200_000) == 2_436  # 200,000 x 2,436 x 1 float32 ~ 2 GB
    assert default_kernels("multirocket", 1_000) == 6_250
    small = rocket.MINIROCKET.default_params(series_context("binary", rows=500))
    large = rocket.MINIROCKET.default_params(series_context("binary", rows=50_000))
    assert (small["head"], large["head"]) == ("ridge", "logistic")
    assert "head" not in rocket.MINIROCKET.default_params(series_context("regression"))


def test_a_real_study_over_the_space(gunpoint) -> None:
    """The runner's way: the default first, then TPE's picks, on the official split."""
    X_train, y_train, X_test, y_test = gunpoint
    ctx = series_context("binary", seed=0)
    spec = rocket.MINIROCKET
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
    study.enqueue_trial(spec.default_params(ctx))

    def objective(trial: optuna.Trial) -> float:
        params = spec.search_space(trial, ctx)
        model = spec.build({**params, "n_kernels": KERNELS}, ctx)
        return log_loss(y_test, model.fit(X_train, y_train).predict_proba(X_test), labels=model.classes_)

    study.optimize(objective, n_trials=3)
    assert study.trials[0].params["head"] == "ridge" and len(study.trials) == 3
    assert study.best_value < 0.2


def test_sizing_keeps_the_papers_kernels_unless_a_probe_says_they_do_not_fit() -> None:
    ctx = series_context("binary", rows=200)
    unbounded = rocket.size("minirocket", ctx, None, 150)
    assert unbounded["n_kernels"] == 10_000 and "no time budget" in unbounded["why"]
    roomy = rocket.size("minirocket", ctx, 600.0, 150)
    assert roomy["n_kernels"] == 10_000 and roomy["us_per_series_kernel"] > 0
    per = roomy["us_per_series_kernel"] / 1e6
    seconds = per * 150 * (1 + rocket.VALIDATION_SHARE) * 5_000 / rocket.TRANSFORM_SHARE  # time for about 5,000
    middle = rocket.size("minirocket", ctx, seconds, 150)
    assert rocket.MIN_KERNELS < middle["n_kernels"] < 10_000 and "not the paper's 10,000" in middle["why"]
    starved = rocket.size("multirocket", ctx, 0.001, 150)
    assert starved["n_kernels"] == rocket.MIN_KERNELS and "longer budget" in starved["why"]
    sized = series_context("binary", rows=200, sizing={"n_kernels": 1_008})
    assert rocket.MINIROCKET.default_params(sized)["n_kernels"] == 1_008
    study = optuna.create_study()
    assert study.ask().suggest_categorical("n_kernels", rocket._kernel_choices(1_008)) in (504, 1_008, 2_016)
    assert rocket.MINIROCKET.size is not None and rocket.MINIROCKET.size(ctx, None, 10)["n_kernels"] == 10_000

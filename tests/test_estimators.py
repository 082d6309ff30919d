"""AdvisorClassifier / AdvisorRegressor: scikit-learn's estimator checks, pipelines, cross-validation, images."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_estimator

from advisor import AdvisorClassifier, AdvisorRegressor
from advisor.errors import TooFewRowsError

#: Small trial budgets keep the checks fast; linear + LightGBM cover a classical baseline and a boosted model.
FAST = {"budget": None, "trials": 3, "families": ["linear", "lightgbm"]}


@pytest.mark.parametrize(
    "estimator", [AdvisorClassifier(**FAST), AdvisorRegressor(**FAST)], ids=lambda e: type(e).__name__
)
def test_passes_scikit_learn_estimator_checks(estimator) -> None:
    failed = [r for r in check_estimator(estimator, on_fail=None) if r["status"] == "failed"]
    assert not failed, [(r["check_name"], str(r["exception"])[:200]) for r in failed]


def test_classifier_keeps_the_chosen_model_and_the_result() -> None:
    X, y = make_classification(400, 6, n_informative=4, random_state=0)
    labels = np.where(y == 1, "yes", "no")
    clf = AdvisorClassifier(budget=None, trials=4, families=["linear", "lightgbm"], metric="roc_auc").fit(X, labels)
    assert list(clf.classes_) == ["no", "yes"]
    assert clf.best_family_ in ("linear", "lightgbm") and clf.best_family_ == clf.result_.best_family
    assert clf.result_.metric == "roc_auc"
    assert clf.model_.metadata["rows"] == 400  # refit on every row by default
    proba = clf.predict_proba(X)
    assert proba.shape == (400, 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert set(clf.predict(X)) <= {"no", "yes"} and clf.score(X, labels) > 0.85
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(again.predict_proba(X[:20]), proba[:20])


def test_refit_full_off_keeps_the_train_validation_model() -> None:
    X, y = make_regression(300, 5, noise=5.0, random_state=1)
    reg = AdvisorRegressor(budget=None, trials=2, families=["linear"], refit_full=False).fit(X, y)
    assert reg.model_.metadata["rows"] < 300
    assert "turned off" in reg.result_.deployed["note"]


def test_works_in_a_pipeline_and_cross_validation() -> None:
    X, y = make_classification(240, 5, random_state=2)
    pipe = make_pipeline(StandardScaler(), AdvisorClassifier(budget=None, trials=2, families=["linear"]))
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.8


def test_dataframe_with_categories_and_text_names() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"size": rng.normal(size=200), "colour": rng.choice(["red", "green", "blue"], 200)})
    y = (frame["size"] > 0) ^ (frame["colour"] == "red")
    clf = AdvisorClassifier(budget=None, trials=3, families=["lightgbm"]).fit(frame, y)
    assert list(clf.feature_names_in_) == ["size", "colour"]
    assert clf.score(frame, y) > 0.9


def test_too_few_rows_is_a_clear_error() -> None:
    with pytest.raises(TooFewRowsError, match="1 sample"):
        AdvisorClassifier(**FAST).fit(np.array([[1.0, 2.0]]), np.array([0]))


def test_images_fit_and_predict() -> None:
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 40)
    images = rng.integers(0, 60, size=(80, 8, 8)).astype(np.uint8)
    images[y == 1, 2:6, 2:6] = 220  # a bright square marks class 1
    clf = AdvisorClassifier(budget=None, trials=2, families=["linear"]).fit(images, y)
    assert clf.result_.modality == "image"
    assert clf.score(images, y) > 0.9

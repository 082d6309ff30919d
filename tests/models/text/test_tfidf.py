"""TF-IDF + linear / LightGBM / XGBoost heads: learning SMS spam, regression, leakage, progress, specs."""

from __future__ import annotations

import pickle
import time

import numpy as np
import optuna
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, r2_score, roc_auc_score

from advisor.models.spec import ModelSpec
from advisor.models.text import tfidf
from advisor.models.text.tfidf import TfidfClassifier, TfidfRegressor, build_tfidf
from tests.models.text.conftest import Recorder

HEADS = ("linear_model", "lgbm", "xgb")
SMALL = {"n_estimators": 300, "max_features": 20_000, "colsample_bytree": 0.5, "n_jobs": 1, "random_state": 0}


def _params(head: str) -> dict:
    return {} if head == "linear_model" else dict(SMALL)


@pytest.mark.parametrize("head", HEADS)
def test_each_head_learns_sms_spam(head, sms):
    X, y = sms["train"]
    X_va, y_va = sms["valid"]
    X_te, y_te = sms["test"]
    start = time.perf_counter()
    model = TfidfClassifier(head=head, C=10.0, **_params(head)).fit(X, y, eval_set=(X_va, y_va))
    seconds = time.perf_counter() - start
    proba = model.predict_proba(X_te)
    assert proba.shape == (len(X_te), 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert list(model.classes_) == [0, 1]
    assert accuracy_score(y_te, model.predict(X_te)) > 0.95  # majority class (ham): 0.87
    assert roc_auc_score(y_te, proba[:, 1]) > 0.97
    assert seconds < 20
    if head == "linear_model":
        assert model.best_iteration_ is None
    else:
        assert 0 <= model.best_iteration_ < 300


def test_string_labels_and_every_input_kind(sms):
    X, y = sms["train"]
    labels = np.where(y == 1, "spam", "ham")
    model = TfidfClassifier(C=10.0).fit(X.to_numpy(), labels)
    assert list(model.classes_) == ["ham", "spam"]
    texts = sms["test"][0].iloc[:50]
    expected = model.predict_proba(texts)
    assert np.array_equal(model.predict_proba(texts.to_numpy()), expected)
    assert np.array_equal(model.predict_proba(texts.tolist()), expected)
    with_missing = model.predict_proba(pd.Series(["", None, np.nan], dtype=object))
    assert np.allclose(with_missing[0], with_missing[1]) and np.allclose(with_missing[0], with_missing[2])


def test_multiclass_linear_head():
    topics = {"sport": "goal match team score", "money": "bank loan cash price", "food": "pizza bread soup cake"}
    rng = np.random.default_rng(0)
    texts, labels = [], []
    for _ in range(300):
        label = rng.choice(list(topics))
        words = rng.choice(topics[label].split(), size=4).tolist() + rng.choice(["the", "a", "of"], size=3).tolist()
        texts.append(" ".join(rng.permutation(words)))
        labels.append(label)
    model = TfidfClassifier().fit(texts[:200], labels[:200])
    assert model.model_.solver == "lbfgs"  # multinomial
    assert model.predict_proba(texts[200:]).shape == (100, 3)
    assert accuracy_score(labels[200:], model.predict(texts[200:])) > 0.95


def _counting_task(n: int, seed: int) -> tuple[list[str], np.ndarray]:
    """Texts of 'good', 'bad' and filler words; the target is (#good - #bad) plus a little noise."""
    rng = np.random.default_rng(seed)
    texts, target = [], []
    for _ in range(n):
        good, bad = rng.integers(0, 6, size=2)
        words = ["good"] * good + ["bad"] * bad + rng.choice(["day", "item", "shop", "blue"], size=5).tolist()
        texts.append(" ".join(rng.permutation(words)))
        target.append(good - bad + rng.normal(scale=0.1))
    return texts, np.asarray(target)


@pytest.mark.parametrize("head", HEADS)
def test_regression(head):
    X, y = _counting_task(600, 0)
    X_va, y_va = _counting_task(200, 1)
    X_te, y_te = _counting_task(300, 2)
    params = {"alpha": 0.1} if head == "linear_model" else {**_params(head), "learning_rate": 0.2}
    model = TfidfRegressor(head=head, **params).fit(X, y, eval_set=(X_va, y_va))
    pred = model.predict(X_te)
    assert pred.dtype == np.float64 and pred.shape == (300,)
    assert r2_score(y_te, pred) > 0.85


def test_vectorizer_sees_training_texts_only():
    train = ["cheap pills now", "meeting at noon", "cheap flights now", "lunch at noon"]
    eval_texts = ["zyxwordonlyineval zyxwordonlyineval cheap", "zyxwordonlyineval noon"]
    model = TfidfClassifier(head="lgbm", n_estimators=5, min_child_samples=1, n_jobs=1)
    model.fit(train, [1, 0, 1, 0], eval_set=(eval_texts, [1, 0]))
    assert "zyxwordonlyineval" not in model.vocabulary_
    assert {"cheap", "now", "noon", "at"} <= set(model.vocabulary_)
    assert model.n_features_ == len(model.vocabulary_)


def test_min_df_falls_back_on_tiny_training_sets_and_texts_are_truncated():
    model = TfidfClassifier(max_chars=12).fit(["alpha beta", "gamma delta far-away-word"], [0, 1])
    assert "gamma" in model.vocabulary_  # each word occurs once: min_df=2 would leave no vocabulary
    assert not any("far" in term for term in model.vocabulary_)  # beyond the first 12 characters


def test_char_ngrams_add_features(sms):
    X, y = sms["train"]
    words = TfidfClassifier().fit(X, y)
    both = TfidfClassifier(char_ngrams=True).fit(X, y)
    assert both.char_vectorizer_ is not None and words.char_vectorizer_ is None
    assert both.n_features_ == words.n_features_ + len(both.char_vectorizer_.vocabulary_)


@pytest.mark.parametrize("head", ["lgbm", "xgb"])
def test_progress_and_early_stopping_pass_through(head, sms):
    X, y = sms["train"]
    X_va, y_va = sms["valid"]
    recorder = Recorder(stop_at=4)
    model = TfidfClassifier(head=head, **_params(head)).fit(X, y, eval_set=(X_va, y_va), progress=recorder)
    assert recorder.steps == [0, 1, 2, 3, 4]
    losses = [v for _, v in recorder.calls]
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]  # validation log loss falls
    assert model.best_iteration_ <= 4

    def prune(step: int, value: float) -> bool:
        raise optuna.TrialPruned()

    with pytest.raises(optuna.TrialPruned):
        TfidfClassifier(head=head, **_params(head)).fit(X, y, eval_set=(X_va, y_va), progress=prune)


def test_pickle_round_trip(sms):
    X, y = sms["train"]
    model = TfidfClassifier(head="lgbm", **SMALL).fit(X, y, eval_set=sms["valid"])
    texts = sms["test"][0].iloc[:100]
    assert np.array_equal(pickle.loads(pickle.dumps(model)).predict_proba(texts), model.predict_proba(texts))


def test_bad_head_is_refused():
    with pytest.raises(ValueError, match="head must be one of"):
        TfidfClassifier(head="svm").fit(["a b", "a c"], [0, 1])
    with pytest.raises(ValueError, match="head must be one of"):
        build_tfidf("svm")


# ---------------------------------------------------------------------------------------- specs
FAMILIES = {
    "linear_model": (tfidf.linear_space, tfidf.linear_default),
    "lgbm": (tfidf.lightgbm_space, tfidf.lightgbm_default),
    "xgb": (tfidf.xgboost_space, tfidf.xgboost_default),
}


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
@pytest.mark.parametrize("head", HEADS)
def test_default_is_a_point_of_the_space(head, task, context, default_point):
    space, default = FAMILIES[head]
    spec = ModelSpec(label=head, search_space=space, default_params=default, build=build_tfidf(head))
    ctx = context(task)
    params = default_point(spec, ctx)
    est = spec.build(params, ctx)
    assert isinstance(est, TfidfRegressor if task == "regression" else TfidfClassifier)
    assert est.head == head and est.n_jobs == ctx.n_jobs and est.random_state == ctx.seed
    if head != "linear_model":
        assert est.n_estimators == tfidf.MAX_ROUNDS


def test_builder_uses_the_context(context):
    build = build_tfidf("xgb")
    est = build(tfidf.xgboost_default(context("binary")), context("binary", device="cuda", class_weight=True))
    assert est.device == "cuda" and est.class_weight == "balanced"
    assert build_tfidf("linear_model")({"C": 1.0}, context("binary")).class_weight is None

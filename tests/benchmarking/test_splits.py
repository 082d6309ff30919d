"""Splits: seeded, disjoint, covering, stratified, with CV folds for small data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from advisor.benchmarking.splits import Splits, make_splits
from advisor.errors import InvalidArgumentError


def _assert_partition(s: Splits, n: int) -> None:
    parts = np.concatenate([s.train, s.val, s.test])
    assert len(parts) == n
    assert np.array_equal(np.sort(parts), np.arange(n))
    for fold_train, fold_val in s.folds:
        assert len(np.intersect1d(fold_train, fold_val)) == 0
        assert np.array_equal(np.sort(np.concatenate([fold_train, fold_val])), s.train_val)


def test_sizes_disjoint_and_cover_large_data_has_no_folds():
    y = np.random.default_rng(1).integers(0, 2, size=10_000)
    s = make_splits(y, "binary", seed=3)
    _assert_partition(s, 10_000)
    assert (len(s.train), len(s.val), len(s.test)) == (7000, 1500, 1500)
    assert not s.cross_validated and s.folds == ()


def test_stratification_keeps_class_ratios():
    y = pd.Series(["a"] * 6000 + ["b"] * 3000 + ["c"] * 900 + ["d"] * 100)
    s = make_splits(y, "multiclass", seed=0)
    _assert_partition(s, len(y))
    overall = y.value_counts(normalize=True)
    for part in (s.train, s.val, s.test):
        ratios = y.iloc[part].value_counts(normalize=True)
        for cls, p in overall.items():
            assert abs(ratios[cls] - p) < 0.005, (cls, ratios[cls], p)


def test_same_seed_same_splits_other_seed_differs():
    y = np.random.default_rng(0).integers(0, 3, size=900)
    a = make_splits(y, "multiclass", seed=7)
    b = make_splits(y, "multiclass", seed=7)
    c = make_splits(y, "multiclass", seed=8)
    assert a == b
    for (ta, va), (tb, vb) in zip(a.folds, b.folds, strict=True):
        assert np.array_equal(ta, tb) and np.array_equal(va, vb)
    assert not np.array_equal(a.test, c.test)


def test_small_data_gets_stratified_folds():
    y = np.array([0] * 400 + [1] * 100)
    s = make_splits(y, "binary", seed=0, n_folds=5)
    _assert_partition(s, 500)
    assert s.cross_validated and len(s.folds) == 5
    assert len(s.val) == 75 and len(s.test) == 75  # val is still returned for the final refit
    fold_vals = np.sort(np.concatenate([va for _, va in s.folds]))
    assert np.array_equal(fold_vals, s.train_val)  # every train+val row is validated exactly once
    for _, va in s.folds:
        assert abs(y[va].mean() - 0.2) < 0.02


def test_cv_below_threshold():
    y = np.arange(2000) % 2
    assert not make_splits(y, "binary", cv_below=2000).cross_validated
    assert make_splits(y, "binary", cv_below=2001).cross_validated


def test_rare_classes_never_crash_and_stay_in_train():
    # two singletons and a pair: train_test_split(stratify=...) would raise here
    y = np.array([0] * 30 + [1] * 30 + [2, 3, 4, 4])
    s = make_splits(y, "multiclass", seed=0)
    _assert_partition(s, len(y))
    assert set(y[s.train]) == {0, 1, 2, 3, 4}
    assert len(s.folds) == 5


def test_all_classes_unique_falls_back_to_unstratified():
    y = np.arange(20)  # every row its own class
    s = make_splits(y, "multiclass", seed=0)
    _assert_partition(s, 20)
    assert len(s.test) == 3 and len(s.val) == 3
    assert s.folds == ()  # a one-member class stays in every fold's training part: here, every row


def test_singleton_classes_stay_in_every_training_fold():
    y = np.array([0] * 20 + [1] * 20 + [2])  # class 2 has one member
    s = make_splits(y, "multiclass", seed=0)
    lonely = int(np.flatnonzero(y == 2)[0])
    assert len(s.folds) == 5
    for train, val in s.folds:
        if lonely in s.train_val:
            assert lonely in train and lonely not in val
        assert set(y[val]) <= set(y[train])


def test_tiny_data():
    s = make_splits(np.array([0, 1, 0, 1]), "binary", seed=0)
    _assert_partition(s, 4)
    assert len(s.train) >= 1
    assert len(make_splits(np.array([1.0]), "regression").train) == 1


def test_regression_bins_spread_the_target():
    y = np.random.default_rng(0).lognormal(size=5000)
    s = make_splits(y, "regression", seed=0)
    _assert_partition(s, 5000)
    for part in (s.test, s.val):
        assert abs(np.median(y[part]) - np.median(y)) / np.median(y) < 0.1
        assert y[part].max() > np.quantile(y, 0.9)


def test_regression_small_data_folds():
    y = np.linspace(0, 1, 300)
    s = make_splits(y, "regression", seed=2, n_folds=3)
    _assert_partition(s, 300)
    assert len(s.folds) == 3


def test_predefined_test_is_used_as_is():
    y = np.array([0, 1] * 300)
    test = np.arange(400, 600)
    s = make_splits(y, "binary", seed=0, predefined_test=test)
    _assert_partition(s, 600)
    assert np.array_equal(s.test, test)
    assert len(s.val) == round(400 * 0.15 / 0.85)
    mask = np.zeros(600, dtype=bool)
    mask[test] = True
    assert make_splits(y, "binary", seed=0, predefined_test=mask) == s


def test_predefined_test_out_of_range_is_rejected():
    with pytest.raises(InvalidArgumentError):
        make_splits(np.zeros(10), "regression", predefined_test=np.array([10]))


def test_bad_arguments():
    with pytest.raises(InvalidArgumentError):
        make_splits(np.zeros(10), "ranking")
    with pytest.raises(InvalidArgumentError):
        make_splits(np.zeros(10), "regression", test_size=0.5, val_size=0.5)


def test_dict_round_trip_is_json():
    y = np.arange(100) % 3
    s = make_splits(y, "multiclass", seed=1)
    d = json.loads(json.dumps(s.to_dict()))
    back = Splits.from_dict(d)
    assert back == s
    assert back.train.dtype == np.int64
    assert back.cross_validated


def test_indices_are_read_only():
    s = make_splits(np.arange(50) % 2, "binary")
    with pytest.raises(ValueError):
        s.train[0] = 1

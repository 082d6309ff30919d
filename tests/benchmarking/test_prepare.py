"""Table preparation: roles decide the columns, categories are fixed at fit time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import advisor
from advisor.benchmarking.prepare import TablePreparer, encode_target
from advisor.errors import EmptyDataError, InvalidArgumentError


def test_adult_columns_and_dtypes() -> None:
    data = advisor.datasets.load("adult")
    prep = TablePreparer.from_profile(data.X, advisor.profile(data))
    X = prep.transform(data.X.head(100))
    assert set(prep.categorical) >= {"workclass", "education", "native-country"}
    assert all(isinstance(X[c].dtype, pd.CategoricalDtype) for c in prep.categorical)
    assert all(X[c].dtype == np.float32 for c in prep.numeric)


def test_unseen_category_becomes_missing_and_missing_columns_are_named() -> None:
    frame = pd.DataFrame({"colour": ["red", "blue"] * 30, "size": np.arange(60.0), "row_id": np.arange(60)})
    ds = advisor.load(frame.assign(y=[0, 1] * 30), target="y")
    prep = TablePreparer.from_profile(ds.X, advisor.profile(ds))
    assert "row_id" in prep.dropped and prep.columns == ["size", "colour"]
    out = prep.transform(pd.DataFrame({"colour": ["green"], "size": [1.0]}))
    assert out["colour"].isna().all()
    with pytest.raises(InvalidArgumentError, match="size"):
        prep.transform(pd.DataFrame({"colour": ["red"]}))


def test_categories_are_the_same_whatever_the_columns_storage() -> None:
    """Arrow-backed strings (pandas' default), Python strings, objects, categories, numbers and booleans as
    levels: the same codes, an unseen level and a missing value alike become missing."""
    prep = TablePreparer(categorical=["c"], categories={"c": ["1", "True", "a", "b"]})
    expected = [2, -1, 3, -1, 2]
    for dtype in ("str", pd.StringDtype("python"), pd.ArrowDtype(pa.large_string()), object, "category"):
        column = pd.Series(["a", "zz", "b", None, "a"], dtype=dtype)
        assert prep.transform(pd.DataFrame({"c": column}))["c"].cat.codes.tolist() == expected, dtype
    assert prep.transform(pd.DataFrame({"c": [1, 2, None]}))["c"].cat.codes.tolist() == [-1, -1, -1]  # 1.0
    assert prep.transform(pd.DataFrame({"c": pd.Series([1, 2, None], dtype="Int64")}))["c"].cat.codes.tolist() == [
        0,
        -1,
        -1,
    ]
    assert prep.transform(pd.DataFrame({"c": [True, False]}))["c"].cat.codes.tolist() == [1, -1]


def test_no_usable_columns() -> None:
    frame = pd.DataFrame({"id": np.arange(100), "y": [0, 1] * 50})
    ds = advisor.load(frame, target="y")
    with pytest.raises(EmptyDataError, match="No usable feature"):
        TablePreparer.from_profile(ds.X, advisor.profile(ds))


def test_encode_target() -> None:
    codes, labels = encode_target(pd.Series(["b", "a", "b", "10", "2"]), "multiclass")
    assert labels == ["2", "10", "a", "b"] and codes.tolist() == [3, 2, 3, 1, 0]
    values, none = encode_target(pd.Series([1.5, 2.5]), "regression")
    assert none is None and values.tolist() == [1.5, 2.5]


def test_labels_keep_their_own_type() -> None:
    codes, labels = encode_target(pd.Series([10, 2, 2, 10, 1]), "multiclass")
    assert labels == [1, 2, 10] and all(type(v) is int for v in labels)
    assert codes.tolist() == [2, 1, 1, 2, 0]
    _, text = encode_target(pd.Series(["b", "a", None, "a"]).dropna(), "binary")
    assert text == ["a", "b"]

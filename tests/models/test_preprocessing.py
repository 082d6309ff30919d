"""TabularPreprocessor on real tables: column roles, imputation, scaling, one-hot and ordinal codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from advisor.models.preprocessing import MISSING_CODE, UNKNOWN_CODE, TabularPreprocessor


def dense(a):
    return a.toarray() if sp.issparse(a) else np.asarray(a)


@pytest.fixture(scope="module")
def table(adult):
    X, X_new = adult[0].iloc[:2000].copy(), adult[4].iloc[:500]
    X.loc[:49, "age"] = np.nan  # missing numbers and categories
    X.loc[50:99, "workclass"] = np.nan
    return X, X_new


def test_roles_follow_dtypes(table):
    X, _ = table
    X = X.assign(flag=X["age"] > 40, text=X["education"].astype(str))  # bool and string columns
    prep = TabularPreprocessor(encoding="ordinal").fit(X)
    names = list(X.columns)
    assert sorted(names[i] for i in prep.categorical_columns_) == sorted(
        [
            "workclass",
            "education",
            "marital-status",
            "occupation",
            "relationship",
            "race",
            "gender",
            "native-country",
            "flag",
            "text",
        ]
    )
    assert [names[i] for i in prep.numeric_columns_] == [
        "age",
        "fnlwgt",
        "educational-num",
        "capital-gain",
        "capital-loss",
        "hours-per-week",
    ]


def test_onehot_imputes_scales_and_encodes(table):
    X, X_new = table
    prep = TabularPreprocessor(encoding="onehot").fit(X)
    out = dense(prep.transform(X))
    assert not np.isnan(out).any()
    n_numeric = len(prep.numeric_columns_)
    numeric = out[:, :n_numeric]
    np.testing.assert_allclose(numeric.mean(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(numeric.std(axis=0), 1, atol=1e-6)
    one_hot = out[:, n_numeric:]
    assert set(np.unique(one_hot)) <= {0.0, 1.0}
    # every categorical column contributes exactly one 1 per row (missing values were imputed)
    assert one_hot.sum(axis=1).min() == one_hot.sum(axis=1).max() == len(prep.categorical_columns_)
    # the imputed age is the median of the observed ages
    age = dense(prep.transform(X.iloc[:1]))[0, 0]
    scaler = prep.transformer_.named_transformers_["num"].named_steps["scale"]
    assert age * scaler.scale_[0] + scaler.mean_[0] == pytest.approx(X["age"].median())
    assert dense(prep.transform(X_new)).shape[1] == out.shape[1]


def test_onehot_caps_high_cardinality_and_tolerates_unknown_categories():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"id": pd.Categorical([f"c{i}" for i in rng.integers(0, 500, 2000)]), "x": rng.normal(size=2000)})
    prep = TabularPreprocessor(encoding="onehot", max_categories=20).fit(X)
    assert dense(prep.transform(X)).shape[1] == 1 + 20
    new = pd.DataFrame({"id": pd.Categorical(["never-seen", "c1"]), "x": [0.0, 1.0]})
    out = dense(prep.transform(new))
    assert out.shape == (2, 21) and out[0, 1:].sum() <= 1  # the unknown goes to "infrequent" (or nowhere)


def test_ordinal_codes_unknown_and_missing(table):
    X, _ = table
    prep = TabularPreprocessor(encoding="ordinal").fit(X)
    out = dense(prep.transform(X))
    assert out.shape == X.shape and not np.isnan(out).any()
    names = [X.columns[i] for i in prep.numeric_columns_ + prep.categorical_columns_]
    workclass = out[:, names.index("workclass")]
    assert (workclass[50:100] == MISSING_CODE).all()
    assert workclass[100:].min() >= 0
    assert out[:50, names.index("age")] == pytest.approx(np.full(50, X["age"].median()))
    new = X.iloc[:3].copy()
    new["workclass"] = pd.Categorical(["Martian", "Martian", "Private"])
    codes = dense(prep.transform(new))[:, names.index("workclass")]
    assert codes[0] == codes[1] == UNKNOWN_CODE and codes[2] >= 0


def test_numeric_array_is_all_numeric():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    X[::7, 2] = np.nan
    prep = TabularPreprocessor(encoding="onehot").fit(X)
    assert prep.categorical_columns_ == [] and prep.numeric_columns_ == [0, 1, 2, 3]
    out = dense(prep.transform(X))
    assert out.shape == (200, 4) and not np.isnan(out).any()
    with pytest.raises(ValueError, match="features"):
        prep.transform(X[:, :3])


def test_rejects_unknown_encoding():
    with pytest.raises(ValueError, match="encoding"):
        TabularPreprocessor(encoding="target").fit(np.zeros((5, 2)))

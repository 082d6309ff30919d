"""TabularPreprocessor: impute, scale and encode a table for models without native categorical support.

Categorical columns are those of pandas ``category``, ``object``, ``string`` or ``bool`` dtype;
every other column is numeric (datetimes become seconds since the epoch). A plain numeric array is
all numeric.

- ``encoding='onehot'`` (linear models): numeric columns are median-imputed and standardized;
  categorical columns are most-frequent-imputed and one-hot encoded. Categories seen fewer than
  ``min_frequency`` times, and all but the ``max_categories - 1`` most frequent, share one
  "infrequent" column; a category unseen in fit goes there too (all zeros when there is none).
- ``encoding='ordinal'`` (tree ensembles): numeric columns are median-imputed; categorical columns
  become integer codes, with -1 for a category unseen in fit and -2 for a missing value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted

from advisor.models.common import (
    TabularInputTags,
    encode_classes,
    is_categorical_dtype,
    regression_target,
    validate_features,
)

__all__ = ["PreprocessedClassifier", "PreprocessedModel", "PreprocessedRegressor", "TabularPreprocessor"]

ENCODINGS = ("onehot", "ordinal")
UNKNOWN_CODE = -1
MISSING_CODE = -2


def _as_strings(X: Any) -> np.ndarray:
    """Categorical values as an object array of strings, missing values as NaN (one type per column)."""
    frame = pd.DataFrame(X)
    out = np.empty(frame.shape, dtype=object)
    for j in range(frame.shape[1]):
        column = frame.iloc[:, j]
        missing = column.isna().to_numpy()
        if isinstance(column.dtype, pd.CategoricalDtype):
            labels = np.array([str(c) for c in column.cat.categories] + [""], dtype=object)
            strings = labels[column.cat.codes.to_numpy()]  # code -1 (missing) picks the "" sentinel
        else:
            strings = column.to_numpy(dtype=object).astype(str).astype(object)
        strings[missing] = np.nan
        out[:, j] = strings
    return out


def _numeric(column: pd.Series) -> np.ndarray:
    """A numeric (or datetime / timedelta) column as float64, missing values as NaN."""
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        epoch = pd.Timestamp(0, tz=getattr(column.dt, "tz", None))
        return ((column - epoch) / pd.Timedelta(seconds=1)).to_numpy(dtype=np.float64, na_value=np.nan)
    if pd.api.types.is_timedelta64_dtype(column.dtype):
        return (column / pd.Timedelta(seconds=1)).to_numpy(dtype=np.float64, na_value=np.nan)
    return column.to_numpy(dtype=np.float64, na_value=np.nan)


class TabularPreprocessor(TransformerMixin, BaseEstimator):
    """Impute, scale and encode a DataFrame or numeric array (see the module docstring).

    Parameters
    ----------
    encoding : {'onehot', 'ordinal'}
        How categorical columns are encoded (and whether numeric ones are standardized: onehot only).
    min_frequency : int or float, default=5
        One-hot only: categories rarer than this (count, or share when a float < 1) are grouped.
    max_categories : int or None, default=100
        One-hot only: at most this many output columns per categorical column.

    Attributes
    ----------
    numeric_columns_, categorical_columns_ : list of int
        Positions of the input columns treated as numeric / categorical.
    transformer_ : ColumnTransformer
        The fitted transformer.
    """

    def __init__(
        self, *, encoding: str = "onehot", min_frequency: int | float | None = 5, max_categories: int | None = 100
    ) -> None:
        self.encoding = encoding
        self.min_frequency = min_frequency
        self.max_categories = max_categories

    def _frame(self, X: pd.DataFrame | np.ndarray) -> pd.DataFrame:
        """X as a DataFrame whose numeric columns are float64 (categorical columns left as they are)."""
        if not isinstance(X, pd.DataFrame):
            return pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
        data = {}
        for i in range(X.shape[1]):
            column = X.iloc[:, i]
            data[i] = column.reset_index(drop=True) if is_categorical_dtype(column.dtype) else _numeric(column)
        frame = pd.DataFrame(data)
        frame.columns = [str(c) for c in X.columns]
        return frame

    def _categorical_pipeline(self) -> Pipeline:
        as_strings = FunctionTransformer(_as_strings, feature_names_out="one-to-one")
        if self.encoding == "onehot":
            encoder = OneHotEncoder(
                handle_unknown="infrequent_if_exist",
                min_frequency=self.min_frequency,
                max_categories=self.max_categories,
            )
            return Pipeline(
                [("strings", as_strings), ("impute", SimpleImputer(strategy="most_frequent")), ("encode", encoder)]
            )
        encoder = OrdinalEncoder(
            handle_unknown="use_encoded_value",
            unknown_value=UNKNOWN_CODE,
            encoded_missing_value=MISSING_CODE,
            dtype=np.float64,
        )
        return Pipeline([("strings", as_strings), ("encode", encoder)])

    def _numeric_pipeline(self) -> Pipeline:
        steps: list[tuple[str, Any]] = [("impute", SimpleImputer(strategy="median"))]
        if self.encoding == "onehot":
            steps.append(("scale", StandardScaler()))
        return Pipeline(steps)

    def fit(self, X: pd.DataFrame | np.ndarray, y: Any = None) -> TabularPreprocessor:
        if self.encoding not in ENCODINGS:
            raise ValueError(f"encoding must be one of {ENCODINGS}, got {self.encoding!r}.")
        X = validate_features(self, X, reset=True)
        if isinstance(X, pd.DataFrame):
            categorical = [i for i, dtype in enumerate(X.dtypes) if is_categorical_dtype(dtype)]
        else:
            categorical = []
        self.categorical_columns_ = categorical
        self.numeric_columns_ = [i for i in range(X.shape[1]) if i not in set(categorical)]
        parts = []
        if self.numeric_columns_:
            parts.append(("num", self._numeric_pipeline(), self.numeric_columns_))
        if self.categorical_columns_:
            parts.append(("cat", self._categorical_pipeline(), self.categorical_columns_))
        self.transformer_ = ColumnTransformer(parts, remainder="drop", verbose_feature_names_out=False)
        self.transformer_.fit(self._frame(X))
        return self

    def transform(self, X: pd.DataFrame | np.ndarray) -> Any:
        check_is_fitted(self, "transformer_")
        X = validate_features(self, X, reset=False)
        return self.transformer_.transform(self._frame(X))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "transformer_")
        return self.transformer_.get_feature_names_out()


class PreprocessedModel(TabularInputTags, BaseEstimator):
    """Base of the estimators that are a :class:`TabularPreprocessor` followed by a scikit-learn model.

    Subclasses set ``_encoding`` and implement ``_make_model()``. ``fit`` follows the fit protocol
    of :mod:`advisor.models.spec`: ``eval_set`` is accepted and ignored; ``progress`` is used by
    subclasses that grow their model step by step (the forests), ignored by the others.

    Attributes: ``preprocessor_`` (fitted TabularPreprocessor), ``model_`` (fitted model),
    ``classes_`` for classifiers, ``n_features_in_`` and ``feature_names_in_``.
    """

    _encoding = "onehot"
    _classifier = False

    def _make_model(self) -> Any:
        raise TypeError(f"{type(self).__name__} must define _make_model()")

    def _fit_model(self, data: Any, target: np.ndarray, progress: Any) -> Any:
        """Fit the wrapped model on preprocessed data (iterative subclasses report ``progress``)."""
        return self._make_model().fit(data, target)

    def fit(self, X: Any, y: Any, eval_set: Any = None, progress: Any = None) -> PreprocessedModel:
        X = validate_features(self, X, reset=True)
        if self._classifier:
            target, encoder = encode_classes(y, X.shape[0])
            self.classes_ = encoder.classes_
        else:
            target = regression_target(y, X.shape[0])
        self.preprocessor_ = TabularPreprocessor(encoding=self._encoding).fit(X)
        self.model_ = self._fit_model(self.preprocessor_.transform(X), target, progress)
        return self

    def _transform(self, X: Any) -> Any:
        check_is_fitted(self, "model_")
        X = validate_features(self, X, reset=False)
        return self.preprocessor_.transform(X)


class PreprocessedClassifier(ClassifierMixin, PreprocessedModel):
    """A :class:`PreprocessedModel` classifier: labels encoded in fit, ``classes_``, predict_proba."""

    _classifier = True

    def predict_proba(self, X: Any) -> np.ndarray:
        data = self._transform(X)
        return self.model_.predict_proba(data)

    def predict(self, X: Any) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class PreprocessedRegressor(RegressorMixin, PreprocessedModel):
    """A :class:`PreprocessedModel` regressor."""

    def predict(self, X: Any) -> np.ndarray:
        data = self._transform(X)
        return np.asarray(self.model_.predict(data), dtype=np.float64).ravel()

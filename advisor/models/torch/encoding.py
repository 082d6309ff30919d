"""Turn a table into the two arrays a tabular network reads: standardized numbers and category codes.

Numeric columns: median imputation, a missing-indicator column for every column that had NaNs in
training, then standardization with the training mean and standard deviation (``scaling="standard"``) or,
as the TabM and RTDL papers do, a quantile transform to a normal distribution (``scaling="quantile"``:
scikit-learn's ``QuantileTransformer`` with ``n_quantiles = max(min(n // 30, 1000), 10)``, fitted on the
training values plus a little noise so that ties in discrete columns do not collapse). Categorical columns
(pandas ``category``, ``object``, ``string`` or ``bool`` dtype): integer codes ``1..k`` for the
categories seen in training and ``0`` for missing or unseen values, ready for an ``nn.Embedding``.

A numeric numpy array (as in scikit-learn's estimator checks) is all numeric columns.

>>> import pandas as pd
>>> frame = pd.DataFrame({"age": [20.0, None, 40.0], "city": pd.Series(["a", "b", "a"], dtype="category")})
>>> enc = TabularEncoder().fit(frame)
>>> enc.cardinalities, enc.n_numeric
((2,), 2)
>>> enc.transform(pd.DataFrame({"age": [30.0], "city": ["zzz"]})).categorical.tolist()
[[0]]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
from sklearn.preprocessing import QuantileTransformer

from advisor.errors import WrongTypeError

__all__ = ["SCALINGS", "EncodedTable", "TabularEncoder", "is_categorical"]


@dataclass(frozen=True)
class EncodedTable:
    """A table as float32 numbers ``(n, n_numeric)`` and int64 category codes ``(n, n_categorical)``."""

    numeric: np.ndarray
    categorical: np.ndarray

    def __len__(self) -> int:
        return len(self.numeric)


def is_categorical(column: pd.Series) -> bool:
    """Whether a DataFrame column is treated as categorical (category, object, string or bool dtype)."""
    dtype = column.dtype
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
    )


SCALINGS = ("standard", "quantile")


class TabularEncoder:
    """Fitted on training data, then applied unchanged to validation and test data."""

    def __init__(self, scaling: str = "standard") -> None:
        if scaling not in SCALINGS:
            raise ValueError(f"scaling={scaling!r} is not supported; use one of {SCALINGS}.")
        self.scaling = scaling

    def fit(self, X: pd.DataFrame | np.ndarray) -> TabularEncoder:
        if isinstance(X, pd.DataFrame):
            self.numeric_positions_ = [i for i, (_, col) in enumerate(X.items()) if not is_categorical(col)]
            self.categorical_positions_ = [i for i, (_, col) in enumerate(X.items()) if is_categorical(col)]
            for i in self.numeric_positions_:
                _check_numeric_column(X.iloc[:, i], str(X.columns[i]))
            self.categories_ = [_observed_categories(X.iloc[:, i]) for i in self.categorical_positions_]
        else:
            self.numeric_positions_ = list(range(X.shape[1]))
            self.categorical_positions_ = []
            self.categories_ = []
        numbers = self._numbers(X)
        missing = np.isnan(numbers)
        self.indicator_columns_ = np.flatnonzero(missing.any(axis=0))
        with np.errstate(all="ignore"):
            medians = np.nanmedian(np.where(missing.all(axis=0), 0.0, numbers), axis=0) if numbers.size else np.zeros(0)
        self.medians_ = np.nan_to_num(np.asarray(medians, dtype=np.float64))
        filled = self._impute(numbers, missing)
        self.means_ = filled.mean(axis=0) if len(filled) else np.zeros(filled.shape[1])
        std = filled.std(axis=0) if len(filled) else np.ones(filled.shape[1])
        self.scales_ = np.where(std > 1e-12, std, 1.0)
        self.quantiles_ = _fit_quantiles(filled) if self.scaling == "quantile" and filled.size else None
        return self

    @property
    def n_numeric(self) -> int:
        """Width of the numeric block: the numeric columns plus one indicator per column that had NaNs."""
        return len(self.numeric_positions_) + len(self.indicator_columns_)

    @property
    def cardinalities(self) -> tuple[int, ...]:
        """Categories seen per categorical column (code 0, unknown or missing, comes on top)."""
        return tuple(len(c) for c in self.categories_)

    def transform(self, X: pd.DataFrame | np.ndarray) -> EncodedTable:
        numbers = self._numbers(X)
        missing = np.isnan(numbers)
        filled = self._impute(numbers, missing)
        if self.quantiles_ is not None:
            standardized = self.quantiles_.transform(filled)
        else:
            standardized = (filled - self.means_) / self.scales_
        indicators = missing[:, self.indicator_columns_].astype(np.float64)
        numeric = np.hstack([standardized, indicators]).astype(np.float32)
        df = cast(pd.DataFrame, X)  # categorical columns exist only when fitted on a DataFrame
        codes = [
            _codes(df.iloc[:, i], cats) for i, cats in zip(self.categorical_positions_, self.categories_, strict=True)
        ]
        categorical = np.stack(codes, axis=1) if codes else np.zeros((len(numeric), 0), dtype=np.int64)
        return EncodedTable(numeric=np.ascontiguousarray(numeric), categorical=categorical)

    def _numbers(self, X: pd.DataFrame | np.ndarray) -> np.ndarray:
        if isinstance(X, pd.DataFrame):
            if not self.numeric_positions_:
                return np.zeros((len(X), 0), dtype=np.float64)
            block = X.iloc[:, self.numeric_positions_]
            numbers = np.column_stack([col.to_numpy(dtype=np.float64, na_value=np.nan) for _, col in block.items()])
            if np.isinf(numbers).any():
                raise ValueError("Input X contains infinity; replace it with NaN or a finite value.")
            return numbers
        return np.asarray(X, dtype=np.float64)

    def _impute(self, numbers: np.ndarray, missing: np.ndarray) -> np.ndarray:
        return np.where(missing, self.medians_, numbers)


#: The quantiles are estimated from at most this many training rows (a seeded random subset).
QUANTILE_ROWS = 100_000


def _fit_quantiles(filled: np.ndarray) -> QuantileTransformer:
    """A quantile-to-normal transform as in the TabM repository: noise of 1e-3 of each column's scale breaks
    ties; estimated on at most QUANTILE_ROWS rows (1,000 quantiles need no more, and large tables stay fast)."""
    rng = np.random.default_rng(0)
    sample = filled[rng.permutation(len(filled))[:QUANTILE_ROWS]] if len(filled) > QUANTILE_ROWS else filled
    std = sample.std(axis=0, keepdims=True)
    noise = 1e-3 / np.maximum(std, 1e-3)
    noisy = sample + noise * rng.standard_normal(sample.shape)
    n_quantiles = max(min(len(filled) // 30, 1000), 10)
    return QuantileTransformer(
        n_quantiles=min(n_quantiles, len(sample)), output_distribution="normal", subsample=10**9, random_state=0
    ).fit(noisy)


def _check_numeric_column(column: pd.Series, name: str) -> None:
    if not (pd.api.types.is_numeric_dtype(column.dtype)):
        raise WrongTypeError(
            f"Column {name!r} has dtype {column.dtype}, which the MLP can neither embed nor standardize.",
            "Convert it to numbers or to the pandas 'category' dtype (datetimes: extract numeric parts).",
        )


def _observed_categories(column: pd.Series) -> pd.Index:
    values = pd.unique(column.dropna().astype(object).to_numpy())
    return pd.Index(values, dtype=object)


def _codes(column: pd.Series, categories: pd.Index) -> np.ndarray:
    values: Any = column.astype(object).to_numpy()
    positions = categories.get_indexer(values) if len(categories) else np.full(len(values), -1)
    return (np.asarray(positions, dtype=np.int64) + 1).astype(np.int64)

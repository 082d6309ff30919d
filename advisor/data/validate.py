"""Checks on targets and feature columns shared by every loader."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from advisor.errors import (
    AllMissingColumnError,
    ConstantTargetError,
    EmptyDataError,
    SingleClassError,
)
from advisor.profiling.task import looks_like_classes

__all__ = [
    "clean_target",
    "drop_empty_columns",
    "subset_rows",
]


def _missing(y: pd.Series) -> np.ndarray:
    missing = y.isna().to_numpy(dtype=bool)
    if not pd.api.types.is_numeric_dtype(y.dtype):
        strings = y.astype("string").str.strip()
        missing = missing | strings.isin(["", "?"]).fillna(False).to_numpy(dtype=bool)
    return missing


def clean_target(y: pd.Series, target: str, where: str) -> tuple[pd.Series, np.ndarray | None, int]:
    """Drop rows whose target is missing; reject a target with one value.

    Returns the cleaned target (fresh index), the boolean mask of kept rows (``None`` when all are
    kept) and how many rows were dropped.
    """
    missing = _missing(y)
    if missing.all():
        raise ConstantTargetError(
            f"Target '{target}' in {where} has no values: all {len(y)} rows are missing.",
            "Pick a target column that is filled in.",
        )
    keep = None if not missing.any() else ~missing
    cleaned = (y if keep is None else y[keep]).reset_index(drop=True)
    if cleaned.nunique() == 1:
        value = cleaned.iloc[0]
        if looks_like_classes(cleaned):
            raise SingleClassError(
                f"Target '{target}' in {where} has a single class ({value!r}) in all {len(cleaned)} labelled rows.",
                "A classifier needs at least two classes: check the filter or export that made "
                "the file, or pick another target column.",
            )
        raise ConstantTargetError(
            f"Target '{target}' in {where} has the same value ({value!r}) in all {len(cleaned)} labelled rows.",
            "There is nothing to predict: pick a target column that varies.",
        )
    return cleaned, keep, int(missing.sum())


def subset_rows(X: Any, keep: np.ndarray | None) -> Any:
    """Keep the rows of ``X`` (DataFrame, array or list) where ``keep`` is true."""
    if keep is None:
        return X
    if isinstance(X, pd.DataFrame):
        return X.loc[keep].reset_index(drop=True)
    if isinstance(X, np.ndarray):
        return X[keep]
    return [x for x, k in zip(X, keep, strict=True) if k]


def take_rows(X: Any, positions: np.ndarray) -> Any:
    """The rows of ``X`` (DataFrame, array or list) at ``positions``, in that order."""
    positions = np.asarray(positions, dtype=np.int64)
    if isinstance(X, pd.DataFrame):
        return X.iloc[positions].reset_index(drop=True)
    if isinstance(X, np.ndarray):
        return X[positions]
    return [X[i] for i in positions]


def drop_empty_columns(features: pd.DataFrame, drop: bool, where: str) -> tuple[pd.DataFrame, list[str]]:
    """Find feature columns with no values; raise, or drop them when ``drop`` is true."""
    empty = [str(c) for c in features.columns[features.isna().all().to_numpy()]]
    if not empty:
        return features, []
    if not drop:
        names = ", ".join(f"'{c}'" for c in empty)
        raise AllMissingColumnError(
            f"Column{'s' if len(empty) > 1 else ''} {names} in {where} "
            f"{'are' if len(empty) > 1 else 'is'} entirely empty (every value missing).",
            "Drop them from the file, or pass drop_empty_columns=True "
            "(CLI: --drop-empty-columns) to drop them automatically.",
        )
    kept = features.drop(columns=empty)
    if kept.shape[1] == 0:
        raise EmptyDataError(f"Every feature column in {where} is empty.", "Pass a table with feature values.")
    return kept, empty

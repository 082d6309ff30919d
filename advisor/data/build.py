"""The last step of every loader: clean the target, drop its missing rows, make the Dataset."""

from __future__ import annotations

from typing import Any

import pandas as pd

from advisor.data.dataset import Dataset, Modality
from advisor.data.validate import clean_target, subset_rows
from advisor.profiling.task import looks_like_classes

__all__ = ["class_names", "finish"]


def class_names(y: pd.Series) -> list[Any]:
    """Sorted distinct labels (as written when they cannot be sorted together)."""
    values = pd.Series(pd.unique(y.dropna())).tolist()
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def finish(
    X: Any,
    y: pd.Series | None,
    *,
    target: str | None,
    modality: Modality,
    reason: str,
    name: str,
    source: str | None,
    where: str,
    meta: dict[str, Any],
    text_columns: tuple[str, ...] = (),
) -> Dataset:
    """Check ``y`` (drop rows where it is missing, reject one-valued targets); make the Dataset."""
    meta = dict(meta)
    if y is not None:
        target = target or (str(y.name) if y.name is not None else "target")
        y, keep, dropped = clean_target(y, target, where)
        X = subset_rows(X, keep)
        y = y.rename(target)
        meta["dropped_missing_target"] = dropped
        if modality is not Modality.TABULAR and looks_like_classes(y, modality.value):
            meta.setdefault("class_names", class_names(y))
    return Dataset(
        X=X,
        y=y,
        modality=modality,
        name=name,
        target=target if y is not None else None,
        modality_reason=reason,
        source=source,
        text_columns=text_columns,
        meta=meta,
    )

"""Turn a tabular Dataset into model-ready features: which columns, which dtypes, fixed categories.

The same :class:`TablePreparer` is fitted once per benchmark and saved inside every final model, so
``advisor.load_model(path).predict(raw_frame)`` applies exactly the preparation used in training.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from advisor.errors import EmptyDataError, InvalidArgumentError
from advisor.models.common import category_codes
from advisor.profiling.profile import DatasetProfile

__all__ = ["TablePreparer", "encode_target"]

#: Column roles that are not used as model features (and why, for the result).
DROPPED_ROLES = {
    "id": "id-like (unique per row): carries no signal that generalizes",
    "constant": "constant: carries no signal",
    "empty": "no values",
    "datetime": "datetime: not expanded into features yet",
    "text": "free text: used by the text families, not by tabular models",
}


@dataclass
class TablePreparer:
    """Selects feature columns by profile role and fixes numeric and categorical dtypes."""

    numeric: list[str] = field(default_factory=list)
    categorical: list[str] = field(default_factory=list)
    categories: dict[str, list[str]] = field(default_factory=dict)
    dropped: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_profile(cls, frame: pd.DataFrame, profile: DatasetProfile) -> TablePreparer:
        """Decide the columns from the profile's roles and learn the category levels from ``frame``."""
        roles = {c.name: c.role for c in profile.columns}
        prep = cls()
        for name in frame.columns:
            role = roles.get(str(name), "numeric" if pd.api.types.is_numeric_dtype(frame[name]) else "categorical")
            if role in DROPPED_ROLES:
                prep.dropped[str(name)] = DROPPED_ROLES[role]
            elif role == "numeric" and pd.api.types.is_numeric_dtype(frame[name]):
                prep.numeric.append(str(name))
            else:
                prep.categorical.append(str(name))
                levels = frame[name].dropna().astype(str).unique().tolist()
                prep.categories[str(name)] = sorted(levels)
        if not prep.numeric and not prep.categorical:
            raise EmptyDataError(
                "No usable feature columns: every column is an id, constant, empty, date or text column "
                f"({', '.join(prep.dropped) or 'none'}).",
                "Add informative columns, or pass the data with modality='text' if it is free text.",
            )
        return prep

    @property
    def columns(self) -> list[str]:
        return [*self.numeric, *self.categorical]

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Model-ready frame: float numeric columns, categorical columns with the training levels."""
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            raise InvalidArgumentError(
                f"The data lacks column(s) the model was trained on: {', '.join(missing[:10])}.",
                "Pass a table with the same columns as the training data.",
            )
        out = pd.DataFrame(index=frame.index)
        for name in self.numeric:
            out[name] = pd.to_numeric(frame[name], errors="coerce").astype("float32")
        for name in self.categorical:
            column, levels = frame[name], self.categories[name]
            if not pd.api.types.is_string_dtype(column) or isinstance(column.dtype, pd.CategoricalDtype):
                column = column.astype(str).where(column.notna())  # numbers, booleans: their text is the level
            codes = category_codes(column, levels)  # a level unseen in training counts as missing
            out[name] = pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(levels))
        return out


def encode_target(y: pd.Series, task: str) -> tuple[np.ndarray, list[Any] | None]:
    """Classification labels -> integer codes 0..k-1 (and the labels, in their own type); regression -> float.

    Codes follow the labels' natural order as text ('2' < '10'), so they are the same whatever the type.
    """
    if task == "regression":
        return pd.to_numeric(y, errors="coerce").to_numpy(dtype=float), None
    names = sorted(y.astype(str).unique().tolist(), key=_natural)
    codes = pd.Categorical(y.astype(str), categories=names).codes
    originals = {str(v): _python(v) for v in pd.unique(y.dropna())}
    return codes.astype(np.int64), [originals.get(name, name) for name in names]


def _python(value: Any) -> Any:
    """A label as a plain Python value (numpy 1 -> 1), so saved models predict the target's own values."""
    return value.item() if isinstance(value, np.generic) else value


def _natural(label: str) -> tuple[int, float | str]:
    """Sort numeric-looking labels numerically ('2' < '10'), others alphabetically."""
    try:
        return (0, float(label))
    except ValueError:
        return (1, label)

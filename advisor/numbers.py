"""Finite numbers and JSON-safe values: what reports, profiles and results write.

JSON has no NaN or infinity, and reports and profiles are read by other tools, so a missing or non-finite
number is written as ``null`` (``None``).

>>> is_number(float("nan")), is_number(True), is_number(3)
(False, False, True)
>>> jsonable({"a": (1.0, float("inf")), 2: {"b": float("nan")}})
{'a': [1.0, None], '2': {'b': None}}
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["finite_or_none", "is_number", "jsonable"]


def is_number(value: Any) -> bool:
    """True for a finite int or float (not a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def finite_or_none(value: float | None) -> float | None:
    """``float(value)`` when it is finite, else None."""
    return float(value) if value is not None and math.isfinite(value) else None


def jsonable(value: Any) -> Any:
    """Recursively replace non-finite floats with None, tuples with lists and dict keys with strings."""
    if isinstance(value, float):
        return finite_or_none(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value

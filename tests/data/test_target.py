import numpy as np
import pandas as pd
import pytest

from advisor.data import TargetSuggestion, suggest_target
from advisor.data.target import resolve_target
from advisor.errors import TargetNotFoundError


def test_named_target_wins() -> None:
    frame = pd.DataFrame({"Species": ["a", "b"], "x": [1, 2], "y_val": [1.0, 2.0]})
    assert suggest_target(frame) == TargetSuggestion(
        "Species", "column 'Species' has a name commonly used for the target"
    )


def test_low_cardinality_last_column() -> None:
    frame = pd.DataFrame({"a": range(30), "grade": list("ABC") * 10})
    suggestion = suggest_target(frame)
    assert suggestion is not None and suggestion.column == "grade"
    assert "3 distinct values" in suggestion.reason


def test_numeric_last_column_but_not_an_id() -> None:
    frame = pd.DataFrame({"a": range(30), "price_eur": np.linspace(1, 9, 30)})
    assert suggest_target(frame).column == "price_eur"  # type: ignore[union-attr]
    frame = pd.DataFrame({"a": np.linspace(1, 9, 30), "row_id": range(30)})
    assert suggest_target(frame) is None


def test_first_column_of_labels() -> None:
    frame = pd.DataFrame({"column_0": ["ham", "spam"] * 10, "column_1": [f"message {i} text" for i in range(20)]})
    assert suggest_target(frame).column == "column_0"  # type: ignore[union-attr]


def test_resolve_target_case_hint() -> None:
    assert resolve_target(["a", "Income"], "Income", "t") == "Income"
    with pytest.raises(TargetNotFoundError, match="Did you mean 'Income'"):
        resolve_target(["a", "Income"], "income", "t")
    with pytest.raises(TargetNotFoundError) as err:
        resolve_target(["a", "b"], "zzz", "t")
    assert "Did you mean" not in str(err.value)

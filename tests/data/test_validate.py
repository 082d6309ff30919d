import numpy as np
import pandas as pd
import pytest

from advisor.data.validate import clean_target, drop_empty_columns, subset_rows
from advisor.errors import AllMissingColumnError, EmptyDataError, SingleClassError


def test_clean_target_drops_blank_and_question_marks() -> None:
    y, keep, dropped = clean_target(pd.Series(["a", "", "?", None, "b"]), "t", "x")
    assert y.tolist() == ["a", "b"] and dropped == 3 and keep.tolist() == [1, 0, 0, 0, 1]


def test_integer_single_class() -> None:
    with pytest.raises(SingleClassError):
        clean_target(pd.Series([1, 1, 1]), "t", "x")


def test_subset_rows() -> None:
    keep = np.array([True, False, True])
    assert subset_rows(pd.DataFrame({"a": [1, 2, 3]}), keep)["a"].tolist() == [1, 3]
    assert subset_rows(np.arange(3), keep).tolist() == [0, 2]
    assert subset_rows(["a", "b", "c"], keep) == ["a", "c"]
    assert subset_rows([1], None) == [1]


def test_drop_empty_columns() -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": [None, None]})
    with pytest.raises(AllMissingColumnError, match="Column 'b'"):
        drop_empty_columns(frame, False, "t")
    kept, dropped = drop_empty_columns(frame, True, "t")
    assert list(kept.columns) == ["a"] and dropped == ["b"]
    with pytest.raises(EmptyDataError):
        drop_empty_columns(frame[["b"]], True, "t")

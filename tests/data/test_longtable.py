import numpy as np
import pandas as pd
import pytest

from advisor.data import Modality, load
from advisor.data.longtable import find_long_columns
from advisor.errors import InvalidArgumentError, ModalityError


def _long(n_ids: int = 4, length: int = 5) -> pd.DataFrame:
    rows = []
    for i in range(n_ids):
        for t in reversed(range(length + i)):  # unsorted time, unequal lengths
            rows.append({"id": f"s{i}", "time": t, "x": i * 100 + t, "y2": -t, "cls": i % 2})
    return pd.DataFrame(rows)


def test_long_table_becomes_series() -> None:
    ds = load(_long(), target="cls")
    assert ds.modality is Modality.TIMESERIES
    assert len(ds.X) == 4 and ds.X[0].shape == (2, 5) and ds.X[3].shape == (2, 8)
    assert ds.X[1][0].tolist() == [100, 101, 102, 103, 104, 105]  # sorted by time
    assert ds.X[0].dtype == np.float32
    assert ds.y.tolist() == [0, 1, 0, 1] and ds.target == "cls"
    assert ds.meta["channels"] == ["x", "y2"]
    assert ds.modality_reason == (
        "columns 'id' and 'time' give a long-format table of 4 series (2 value columns, length 5 to 8)"
    )


def test_long_table_with_dates_and_no_target() -> None:
    frame = pd.DataFrame(
        {
            "series_id": ["a"] * 3 + ["b"] * 3,
            "timestamp": ["2024-01-03", "2024-01-01", "2024-01-02"] * 2,
            "value": [3.0, 1.0, 2.0, 6.0, 4.0, 5.0],
        }
    )
    ds = load(frame)
    assert ds.y is None and ds.X[0][0].tolist() == [1.0, 2.0, 3.0]


def test_target_varying_within_id() -> None:
    frame = _long()
    frame.loc[0, "cls"] = 5
    with pytest.raises(InvalidArgumentError, match="changes within series"):
        load(frame, target="cls")


def test_names_alone_are_not_enough() -> None:
    frame = pd.DataFrame({"id": range(10), "time": range(10), "v": range(10)})
    assert find_long_columns(frame, None) is None
    assert load(frame).modality is Modality.TABULAR


def test_timeseries_override_on_wide_table() -> None:
    frame = pd.DataFrame(np.arange(20.0).reshape(4, 5), columns=list("abcde")).assign(k=[0, 1] * 2)
    ds = load(frame, target="k", modality="timeseries")
    assert len(ds.X) == 4 and ds.X[1].tolist() == [[5, 6, 7, 8, 9]]
    assert "each of the 4 rows is read as one series of 5 values" in ds.modality_reason


def test_timeseries_override_that_cannot_fit() -> None:
    frame = pd.DataFrame({"a": ["x", "y"], "b": [1, 2]})
    with pytest.raises(ModalityError, match="no id and time columns"):
        load(frame, modality="timeseries")

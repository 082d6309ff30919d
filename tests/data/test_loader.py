import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from advisor.data import Dataset, Modality, load
from advisor.errors import (
    AllMissingColumnError,
    ConstantTargetError,
    EmptyDataError,
    InvalidArgumentError,
    ModalityError,
    SingleClassError,
    TargetNotFoundError,
    WrongTypeError,
)


def _table(n: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "income": rng.normal(50, 10, n).round(2),
            "city": rng.choice(["Paris", "Rome", "Oslo"], n),
            "churn": rng.choice(["yes", "no"], n),
        }
    )


def test_dataframe_tabular_with_target() -> None:
    frame = _table()
    ds = load(frame, target="churn")
    assert isinstance(ds, Dataset) and ds.modality is Modality.TABULAR
    assert list(ds.X.columns) == ["age", "income", "city"]
    assert ds.y.name == "churn" and ds.target == "churn" and len(ds.y) == 30
    assert ds.modality_reason == (
        "3 feature columns (2 numeric, 1 categorical or other) with no free-text, pixel-grid or time-series layout"
    )
    assert ds.meta["dropped_missing_target"] == 0
    assert "churn" in frame.columns  # the caller's frame is not modified


def test_no_target_means_no_y() -> None:
    ds = load(_table())
    assert ds.y is None and ds.target is None and ds.X.shape == (30, 4)


def test_dataframe_columns_become_strings() -> None:
    frame = pd.DataFrame({0: [1, 2, 3], 1: ["a", "b", "a"]})
    ds = load(frame, target="1")
    assert list(ds.X.columns) == ["0"]


def test_csv_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    _table().to_csv(path, index=False)
    ds = load(path, target="churn")
    assert ds.name == "customers" and ds.source == str(path)
    assert ds.X.shape == (30, 3) and ds.meta["delimiter"] == ","
    assert ds.meta["engine"] == "pyarrow"


def test_missing_target_rows_are_dropped() -> None:
    frame = _table()
    frame.loc[[0, 5, 7], "churn"] = None
    ds = load(frame, target="churn")
    assert len(ds) == 27 and len(ds.y) == 27
    assert ds.meta["dropped_missing_target"] == 3
    assert ds.X.index.tolist() == list(range(27))


def test_target_not_found_suggests_close_matches() -> None:
    with pytest.raises(TargetNotFoundError) as err:
        load(_table(), target="chrn")
    message = str(err.value)
    assert "Target column 'chrn' is not in the DataFrame" in message
    assert "Did you mean 'churn'?" in message
    assert "Available columns: 'age', 'income', 'city', 'churn'" in message


def test_constant_numeric_target() -> None:
    frame = _table().assign(score=1.5)
    with pytest.raises(ConstantTargetError, match="same value") as err:
        load(frame, target="score")
    assert not isinstance(err.value, SingleClassError)


def test_target_all_missing() -> None:
    frame = _table().assign(score=np.nan)
    with pytest.raises(ConstantTargetError, match="no values: all 30 rows are missing"):
        load(frame, target="score")


def test_single_class_target() -> None:
    frame = _table().assign(churn="no")
    with pytest.raises(SingleClassError, match=r"single class \('no'\)"):
        load(frame, target="churn")


def test_all_missing_column_raises() -> None:
    frame = _table().assign(empty=np.nan)
    with pytest.raises(AllMissingColumnError) as err:
        load(frame, target="churn")
    assert "'empty'" in str(err.value) and "drop_empty_columns=True" in str(err.value)
    assert "--drop-empty-columns" in str(err.value)


def test_all_missing_column_dropped_on_request(tmp_path: Path) -> None:
    path = tmp_path / "holes.csv"
    _table().assign(empty=None, also_empty=None).to_csv(path, index=False)
    ds = load(path, target="churn", drop_empty_columns=True)
    assert ds.meta["dropped_empty_columns"] == ["empty", "also_empty"]
    assert list(ds.X.columns) == ["age", "income", "city"]


def test_only_target_column() -> None:
    with pytest.raises(EmptyDataError, match="no feature columns"):
        load(pd.DataFrame({"y": [0, 1, 0]}), target="y")


def test_empty_dataframe() -> None:
    with pytest.raises(EmptyDataError, match="no data rows"):
        load(pd.DataFrame({"a": [], "b": []}))


@pytest.mark.parametrize("source", [42, 3.5, None, b"data.csv", [[1, 2], [3, 4]]])
def test_wrong_source_type(source: object) -> None:
    with pytest.raises(WrongTypeError, match="Cannot load data from a"):
        load(source)  # type: ignore[arg-type]


def test_numeric_target_argument_is_wrong_type() -> None:
    with pytest.raises(WrongTypeError, match="not a column name"):
        load(_table(), target=3)


def test_target_array_length_mismatch() -> None:
    with pytest.raises(InvalidArgumentError, match="3 labels but the data has 30 rows"):
        load(_table(), target=[0, 1, 0])


def test_target_as_labels_for_a_dataframe() -> None:
    labels = np.tile([0, 1], 15)
    ds = load(_table(), target=labels)
    assert ds.y.tolist() == labels.tolist() and ds.X.shape == (30, 4)


def test_unknown_modality_string() -> None:
    with pytest.raises(InvalidArgumentError, match="Unknown modality 'audio'"):
        load(_table(), modality="audio")


def test_modality_override_that_cannot_fit() -> None:
    with pytest.raises(ModalityError, match="not a square grid"):
        load(_table(), target="churn", modality="image")
    with pytest.raises(ModalityError, match="no column holds text"):
        load(pd.DataFrame({"a": [1, 2, 3], "b": [4, 5, 6]}), modality="text")


def test_tabular_override_keeps_text_as_a_feature() -> None:
    frame = pd.DataFrame(
        {
            "review": [f"this is review number {i} and it is fairly long text" for i in range(20)],
            "y": [0, 1] * 10,
        }
    )
    ds = load(frame, target="y", modality="tabular")
    assert ds.modality is Modality.TABULAR
    assert ds.modality_reason.startswith("modality 'tabular' was requested: ")


def test_bundled_name_through_load() -> None:
    ds = load("diabetes")
    assert ds.name == "diabetes" and ds.target == "target" and len(ds) == 768


def test_duplicate_column_names() -> None:
    frame = pd.DataFrame([[1, 2, 0], [3, 4, 1]], columns=["a", "a", "y"])
    with pytest.raises(InvalidArgumentError, match="duplicate column names: a"):
        load(frame, target="y")


def test_import_stays_light() -> None:
    code = "import sys, advisor.data; print('PIL' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

from pathlib import Path

import numpy as np
import pytest

from advisor.data import Modality, load
from advisor.data.timeseries import parse_ts
from advisor.errors import (
    EmptyDataError,
    InvalidArgumentError,
    MalformedFileError,
    ModalityError,
    UnsupportedFormatError,
)

UNIVARIATE = """# a comment
@problemName Toy
@timeStamps false
@univariate true
@classLabel true a b
@data
1.0,2.0,3.0,4.0:a
2.0,?,4.0,5.0:b
0.5,0.5,0.5,NaN:a
"""

MULTIVARIATE = """@problemName Multi
@univariate false
@dimensions 2
@equalLength false
@classLabel true x y
@data
1,2,3:4,5,6:x
1,2:3,4:y
7,8,9,10:1,2,3,4:x
"""


def test_univariate_ts(tmp_path: Path) -> None:
    path = tmp_path / "Toy_TRAIN.ts"
    path.write_text(UNIVARIATE)
    ds = load(path)
    assert ds.modality is Modality.TIMESERIES and ds.target == "label"
    assert len(ds.X) == 3 and ds.X[0].shape == (1, 4) and ds.X[0].dtype == np.float32
    assert np.isnan(ds.X[1][0, 1]) and np.isnan(ds.X[2][0, 3])
    assert ds.y.tolist() == ["a", "b", "a"] and ds.meta["class_names"] == ["a", "b"]
    assert ds.modality_reason == ("Toy_TRAIN.ts: UCR/UEA .ts format, 3 series, 1 channel, length 4")


def test_multivariate_unequal_lengths() -> None:
    data = parse_ts(MULTIVARIATE, "m.ts")
    assert [s.shape for s in data.series] == [(2, 3), (2, 2), (2, 4)]
    assert data.series[0][1].tolist() == [4, 5, 6]


def test_regression_target() -> None:
    text = "@problemname R\n@targetlabel true\n@data\n1,2,3:0.5\n3,2,1:1.5\n"
    data = parse_ts(text, "r.ts")
    assert data.regression and data.labels.tolist() == [0.5, 1.5]


def test_unlabelled_ts(tmp_path: Path) -> None:
    path = tmp_path / "u.ts"
    path.write_text("@problemName U\n@classLabel false\n@data\n1,2,3\n4,5,6\n")
    ds = load(path)
    assert ds.y is None and len(ds.X) == 2


def test_train_test_folder(tmp_path: Path) -> None:
    folder = tmp_path / "Toy"
    folder.mkdir()
    (folder / "Toy_TRAIN.ts").write_text(UNIVARIATE)
    (folder / "Toy_TEST.ts").write_text(UNIVARIATE.replace("1.0,2.0", "9.0,9.0"))
    ds = load(folder)
    assert len(ds) == 6 and ds.meta["predefined_split"] == {"train": 3, "test": 3}
    assert ds.X[3][0, 0] == 9.0 and ds.name == "Toy"


def test_folder_with_unrelated_ts_files(tmp_path: Path) -> None:
    (tmp_path / "A.ts").write_text(UNIVARIATE)
    (tmp_path / "B.ts").write_text(UNIVARIATE)
    with pytest.raises(InvalidArgumentError, match="not one TRAIN/TEST pair"):
        load(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("@problemName X\n1,2,3:a\n", "neither a header line"),
        ("@problemName X\n@classLabel true a\n", "no @data line"),
        ("@classLabel true a b\n@data\n1,2,x:a\n", r"line 3: value 'x' is not a number"),
        ("@classLabel true a b\n@data\n1,2,3\n", "no label after the last ':'"),
        ("@classLabel false\n@data\n1,2:3,4\n1,2\n", "has 1 channels; earlier lines have 2"),
    ],
)
def test_malformed_ts(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.ts"
    path.write_text(text)
    with pytest.raises(MalformedFileError, match=message):
        load(path)


def test_ts_without_cases(tmp_path: Path) -> None:
    path = tmp_path / "none.ts"
    path.write_text("@problemName X\n@data\n")
    with pytest.raises(EmptyDataError, match="no series after @data"):
        load(path)


def test_ts_with_timestamps_is_unsupported() -> None:
    with pytest.raises(UnsupportedFormatError, match="time stamps"):
        parse_ts("@timeStamps true\n@data\n(0,1),(1,2)\n", "t.ts")


def test_ts_rejects_image_modality(tmp_path: Path) -> None:
    path = tmp_path / "Toy.ts"
    path.write_text(UNIVARIATE)
    with pytest.raises(ModalityError, match="can only be read as timeseries"):
        load(path, modality="image")

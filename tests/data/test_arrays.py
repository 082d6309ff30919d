from pathlib import Path

import numpy as np
import pytest

from advisor.data import Modality, load
from advisor.errors import EmptyDataError, InvalidArgumentError, MalformedFileError, ModalityError


def test_2d_array_is_tabular() -> None:
    X = np.random.default_rng(0).normal(size=(10, 3))
    ds = load(X, target=np.arange(10) % 2)
    assert ds.modality is Modality.TABULAR and list(ds.X.columns) == ["x0", "x1", "x2"]
    assert ds.y.tolist() == [0, 1] * 5 and ds.source == "numpy array"


def test_4d_channels_last_and_first() -> None:
    last = np.zeros((4, 5, 6, 3), dtype=np.uint8)
    ds = load(last, target=[0, 1, 0, 1])
    assert ds.modality is Modality.IMAGE and ds.X.shape == (4, 5, 6, 3)
    first = np.zeros((4, 1, 7, 7), dtype=np.int64)
    ds = load(first)
    assert ds.X.shape == (4, 7, 7, 1) and ds.X.dtype == np.uint8
    assert "channels first, moved last" in ds.modality_reason


def test_3d_square_is_grayscale_images_else_series() -> None:
    ds = load(np.ones((3, 8, 8)))
    assert ds.modality is Modality.IMAGE and ds.X.shape == (3, 8, 8, 1)
    ds = load(np.ones((3, 2, 50)), target=["a", "b", "a"])
    assert ds.modality is Modality.TIMESERIES and len(ds.X) == 3 and ds.X[0].shape == (2, 50)
    assert ds.meta["class_names"] == ["a", "b"]
    ds = load(np.ones((3, 8, 8)), modality="timeseries")
    assert ds.modality is Modality.TIMESERIES


def test_float_images_stay_float() -> None:
    ds = load(np.full((2, 4, 4, 3), 0.5))
    assert ds.X.dtype == np.float32


def test_bad_arrays() -> None:
    with pytest.raises(InvalidArgumentError, match="1 dimension"):
        load(np.arange(5))
    with pytest.raises(EmptyDataError):
        load(np.zeros((0, 3)))
    with pytest.raises(InvalidArgumentError, match="no channel axis"):
        load(np.zeros((2, 5, 6, 7)))
    with pytest.raises(ModalityError):
        load(np.zeros((2, 5, 6, 3)), modality="tabular")
    with pytest.raises(InvalidArgumentError, match="has no column names"):
        load(np.zeros((2, 5, 6)), target="label")
    with pytest.raises(InvalidArgumentError, match="2 labels but the data has 3 rows"):
        load(np.zeros((3, 4, 4)), target=[1, 2])


def test_missing_labels_drop_samples() -> None:
    X = np.arange(4 * 2 * 3, dtype=float).reshape(4, 2, 3)
    ds = load(X, target=np.array([1.0, np.nan, 0.0, 1.0]))
    assert len(ds.X) == 3 and ds.meta["dropped_missing_target"] == 1
    assert ds.X[1][0, 0] == 12.0


@pytest.mark.parametrize(("x_key", "y_key"), [("X", "y"), ("x", "y"), ("images", "labels"),
                                              ("data", "target")])  # fmt: skip
def test_npz_keys(tmp_path: Path, x_key: str, y_key: str) -> None:
    path = tmp_path / "d.npz"
    np.savez(path, **{x_key: np.zeros((4, 6, 6), np.uint8), y_key: np.array([0, 1, 0, 1])})
    ds = load(path)
    assert ds.modality is Modality.IMAGE and ds.X.shape == (4, 6, 6, 1)
    assert ds.y.tolist() == [0, 1, 0, 1] and ds.meta["format"] == "npz"


def test_npz_without_known_keys(tmp_path: Path) -> None:
    path = tmp_path / "d.npz"
    np.savez(path, features=np.zeros((2, 2)))
    with pytest.raises(MalformedFileError, match="'features'"):
        load(path)


def test_npy_file(tmp_path: Path) -> None:
    path = tmp_path / "a.npy"
    np.save(path, np.ones((5, 3, 20)))
    ds = load(path, target=[0, 1, 0, 1, 1])
    assert ds.modality is Modality.TIMESERIES and ds.name == "a"

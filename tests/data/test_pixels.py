from pathlib import Path

import numpy as np
import pandas as pd

from advisor.data import Modality, load
from advisor.data.pixels import detect_pixels, detect_pixels_beside_label, pixels_to_images


def _pixel_frame(n: int = 20, side: int = 8, high: int = 16, names: str = "c{}") -> pd.DataFrame:
    rng = np.random.default_rng(2)
    values = rng.integers(0, high + 1, (n, side * side))
    return pd.DataFrame(values, columns=[names.format(i) for i in range(side * side)])


def test_pixel_csv_is_images(tmp_path: Path) -> None:
    frame = _pixel_frame().assign(label=np.arange(20) % 3)
    path = tmp_path / "pix.csv"
    frame.to_csv(path, index=False)
    ds = load(path, target="label")
    assert ds.modality is Modality.IMAGE
    assert ds.X.shape == (20, 8, 8, 1) and ds.X.dtype == np.uint8
    assert ds.X[0, 0, 1, 0] == frame.iloc[0, 1]
    assert ds.meta["class_names"] == [0, 1, 2] and ds.meta["pixel_range"][1] <= 16
    assert "64 = 8x8: read as 8x8 grayscale images" in ds.modality_reason


def test_pixel_names_allow_small_grids() -> None:
    frame = _pixel_frame(side=4, names="pixel_{}")
    layout = detect_pixels(frame)
    assert layout is not None and layout.side == 4 and layout.by_name
    assert detect_pixels(_pixel_frame(side=4)) is None


def test_not_pixels() -> None:
    assert detect_pixels(_pixel_frame(high=300)) is None  # out of 0..255
    floats = _pixel_frame().astype(float) + 0.5
    assert detect_pixels(floats) is None
    assert detect_pixels(_pixel_frame().iloc[:, :63]) is None  # not a square


def test_label_beside_pixels_without_target() -> None:
    frame = _pixel_frame().assign(lab=np.arange(20) % 4)
    layout = detect_pixels_beside_label(frame)
    assert layout is not None and layout.label_column == "lab"
    ds = load(frame)
    assert ds.modality is Modality.IMAGE and ds.y is None
    assert ds.meta["unused_columns"] == ["lab"]
    assert "pass target='lab'" in ds.modality_reason


def test_pixels_to_images_row_major() -> None:
    frame = pd.DataFrame([list(range(64))], columns=[f"p{i}" for i in range(64)])
    layout = detect_pixels(frame)
    assert layout is not None
    images = pixels_to_images(frame, layout)
    assert images[0, 1, 0, 0] == 8 and images[0, 7, 7, 0] == 63

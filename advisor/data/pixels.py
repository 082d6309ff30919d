"""Pixel tables: one image per row, one column per pixel (MNIST/digits CSV layout)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["PixelLayout", "detect_pixels", "detect_pixels_beside_label", "pixels_to_images"]

MIN_PIXELS = 64
MAX_LABEL_VALUES = 20
PIXEL_NAME = re.compile(r"^(pixel|pix|px|p)[_\-]?\d+$|^\d+x\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class PixelLayout:
    """Which columns hold the pixels, the image side, and the value range."""

    columns: tuple[str, ...]
    side: int
    low: int
    high: int
    by_name: bool
    label_column: str | None = None

    def reason(self) -> str:
        """Why the table was read as images."""
        n = len(self.columns)
        why = "are named like pixels" if self.by_name else "are all integers"
        text = (
            f"the {n} feature columns {why} with values in {self.low}..{self.high}, and "
            f"{n} = {self.side}x{self.side}: read as {self.side}x{self.side} grayscale images"
        )
        if self.label_column is not None:
            text += (
                f"; column '{self.label_column}' looks like the label and is left out "
                f"(pass target='{self.label_column}' to use it)"
            )
        return text


def _integer_range(column: pd.Series) -> tuple[int, int] | None:
    """``(min, max)`` when the column holds only whole numbers with no gaps, else ``None``."""
    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else ""
    if kind not in ("i", "u", "f"):
        return None
    values = column.to_numpy()
    if kind == "f" and (np.isnan(values).any() or not np.equal(np.mod(values, 1), 0).all()):
        return None
    if values.size == 0:
        return None
    return int(values.min()), int(values.max())


def detect_pixels(features: pd.DataFrame) -> PixelLayout | None:
    """The pixel layout of ``features``, or ``None`` when it is not a square grid of 0..255 ints."""
    n = features.shape[1]
    side = math.isqrt(n)
    if side * side != n or n < 16:
        return None
    by_name = all(PIXEL_NAME.match(str(c)) for c in features.columns)
    if n < MIN_PIXELS and not by_name:
        return None
    if not all(isinstance(dt, np.dtype) and dt.kind in "iuf" for dt in features.dtypes):
        return None
    head = features.head(1000)
    if _range_of(head) is None:
        return None
    full = _range_of(features)
    if full is None:
        return None
    return PixelLayout(tuple(map(str, features.columns)), side, full[0], full[1], by_name)


def _range_of(frame: pd.DataFrame) -> tuple[int, int] | None:
    low, high = 255, 0
    for name in frame.columns:
        bounds = _integer_range(frame[name])
        if bounds is None or bounds[0] < 0 or bounds[1] > 255:
            return None
        low, high = min(low, bounds[0]), max(high, bounds[1])
    return low, high


def detect_pixels_beside_label(features: pd.DataFrame) -> PixelLayout | None:
    """A pixel grid plus a few-valued label column first or last (a headerless digits CSV)."""
    if features.shape[1] < MIN_PIXELS + 1:
        return None
    for name in (features.columns[-1], features.columns[0]):
        layout = detect_pixels(features.drop(columns=[name]))
        if layout is not None and features[name].nunique() <= MAX_LABEL_VALUES:
            return PixelLayout(layout.columns, layout.side, layout.low, layout.high, layout.by_name, str(name))
    return None


def pixels_to_images(features: pd.DataFrame, layout: PixelLayout) -> np.ndarray:
    """Reshape the pixel columns into a ``(n, side, side, 1)`` ``uint8`` array."""
    values = features[list(layout.columns)].to_numpy(dtype=np.uint8)
    return values.reshape(len(features), layout.side, layout.side, 1)

"""Hand-made image features for the classical baselines: small pixels, channel statistics and a HOG-like
histogram of gradient orientations, as a float32 DataFrame with stable column names.

>>> import numpy as np
>>> images = np.random.default_rng(0).integers(0, 17, size=(4, 8, 8, 1), dtype=np.uint8)
>>> table = PixelFeatures().fit(images).transform(images)
>>> table.shape, table.columns[0], table.columns[-1]
((4, 194), 'px_0', 'hog_127')
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from advisor.errors import InvalidArgumentError, WrongTypeError
from advisor.models.vision.images import as_images, pixel_scale

__all__ = ["HOG_BINS", "HOG_CELLS", "PixelFeatures", "area_matrix"]

HOG_CELLS = 4  # a HOG_CELLS x HOG_CELLS grid of cells over the image
HOG_BINS = 8  # unsigned orientations over [0, pi)


class PixelFeatures(TransformerMixin, BaseEstimator):
    """Pixel features of images of one shape (n, H, W, C).

    The columns, in order:

    - ``px_*``: pixel intensities in [0, 1], area-averaged down to at most ``max_side`` x ``max_side``
      (smaller images keep their size), flattened row by row, channel last: h * w * C columns;
    - ``mean_c``, ``std_c``: each channel's mean and standard deviation at full resolution: 2 * C columns;
    - ``hog_*``: a histogram of gradient orientations (8 unsigned bins, linear vote between neighbouring bins,
      weighted by gradient magnitude) on the grayscale image in each cell of a 4 x 4 grid, L2-normalized per
      cell, cell by cell (row-major) then bin: 128 columns.

    Parameters
    ----------
    max_side : int
        The largest side of the downsampled pixel block.

    Attributes
    ----------
    pixel_scale_ : float
        ``max(1, X.max())`` of the training images; pixels are divided by it.
    image_shape_ : tuple of int
        (H, W, C) of the training images; ``transform`` accepts only this shape.
    """

    def __init__(self, max_side: int = 16) -> None:
        self.max_side = max_side

    def fit(self, X: Any, y: Any = None) -> PixelFeatures:
        """Learn the pixel scale and the image shape from training images (n, H, W, C)."""
        if not isinstance(self.max_side, int | np.integer) or self.max_side < 1:
            raise InvalidArgumentError(f"max_side={self.max_side!r} is not a positive integer.", "Use e.g. 16.")
        images = as_images(X)
        self.pixel_scale_ = pixel_scale(images)
        self.image_shape_ = tuple(int(s) for s in images.shape[1:])
        height, width, _ = self.image_shape_
        self.pixel_shape_ = (min(height, self.max_side), min(width, self.max_side))
        return self

    @property
    def columns(self) -> list[str]:
        """The output column names (fitted): px_0.., mean_0.., std_0.., hog_0..hog_127."""
        check_is_fitted(self, "image_shape_")
        channels = self.image_shape_[2]
        n_pixels = self.pixel_shape_[0] * self.pixel_shape_[1] * channels
        return [
            *(f"px_{i}" for i in range(n_pixels)),
            *(f"mean_{c}" for c in range(channels)),
            *(f"std_{c}" for c in range(channels)),
            *(f"hog_{i}" for i in range(HOG_CELLS * HOG_CELLS * HOG_BINS)),
        ]

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray(self.columns, dtype=object)

    def transform(self, X: Any) -> pd.DataFrame:
        """Features of images shaped like the training images.

        Parameters
        ----------
        X : array of shape (n, H, W, C)

        Returns
        -------
        pandas.DataFrame of shape (n, len(columns)), float32

        Raises
        ------
        WrongTypeError
            If the images' (H, W, C) differs from the training images'.
        """
        check_is_fitted(self, "image_shape_")
        images = as_images(X)
        if tuple(images.shape[1:]) != self.image_shape_:
            raise WrongTypeError(
                f"These images have shape {tuple(images.shape[1:])} (height, width, channels), but the features "
                f"were fitted on images of shape {self.image_shape_}.",
                "Resize the images to the training shape, or fit the features again on images of this shape.",
            )
        scaled = np.clip(images.astype(np.float32) / np.float32(self.pixel_scale_), 0.0, 1.0)
        blocks = [
            np.clip(downsample(scaled, self.pixel_shape_), 0.0, 1.0).reshape(len(scaled), -1),  # float rounding
            scaled.mean(axis=(1, 2)),
            scaled.std(axis=(1, 2)),
            orientation_histograms(scaled.mean(axis=3)).reshape(len(scaled), -1),
        ]
        return pd.DataFrame(np.concatenate(blocks, axis=1).astype(np.float32, copy=False), columns=self.columns)


def area_matrix(n_in: int, n_out: int) -> np.ndarray:
    """The (n_out, n_in) matrix averaging ``n_in`` samples into ``n_out`` equal-length intervals by overlap
    (area interpolation; rows sum to 1, and it is the identity when ``n_out == n_in``)."""
    edges = np.linspace(0.0, n_in, n_out + 1)
    left, right = np.arange(n_in, dtype=np.float64), np.arange(1, n_in + 1, dtype=np.float64)
    overlap = np.minimum(edges[1:, None], right[None, :]) - np.maximum(edges[:-1, None], left[None, :])
    weights = np.clip(overlap, 0.0, None)
    return (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)


def downsample(images: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Area-average float images (n, H, W, C) to (n, h, w, C)."""
    rows = area_matrix(images.shape[1], size[0])
    cols = area_matrix(images.shape[2], size[1])
    channels_first = np.moveaxis(images, 3, 1)  # (n, C, H, W)
    out = rows @ channels_first @ cols.T  # (n, C, h, w)
    return np.moveaxis(out, 1, 3)


def orientation_histograms(gray: np.ndarray) -> np.ndarray:
    """HOG-like histograms of grayscale images (n, H, W) -> (n, 4, 4, 8), L2-normalized per cell.

    Gradients are central differences (one-sided at the border); each pixel votes its magnitude into
    the two nearest of 8 unsigned orientation bins (linear interpolation) of the cell containing it.
    """
    gy, gx = _gradients(gray)
    magnitude = np.hypot(gx, gy)
    position = (np.arctan2(gy, gx) % np.pi) / (np.pi / HOG_BINS) - 0.5  # bin centres at (k + 0.5) * pi / 8
    lower = np.floor(position)
    upper_weight = (position - lower).astype(np.float32)
    lower_bin = lower.astype(np.int64) % HOG_BINS
    upper_bin = (lower_bin + 1) % HOG_BINS
    cell_rows = _membership(gray.shape[1])  # (4, H)
    cell_cols = _membership(gray.shape[2])  # (4, W)
    hist = np.empty((len(gray), HOG_CELLS, HOG_CELLS, HOG_BINS), dtype=np.float32)
    for b in range(HOG_BINS):
        votes = magnitude * ((lower_bin == b) * (1.0 - upper_weight) + (upper_bin == b) * upper_weight)
        hist[..., b] = cell_rows @ votes @ cell_cols.T
    norm = np.sqrt(np.square(hist).sum(axis=3, keepdims=True) + 1e-12)
    return hist / norm


def _gradients(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    gy = np.zeros_like(gray)
    gx = np.zeros_like(gray)
    if gray.shape[1] > 1:
        gy[:, 1:-1] = (gray[:, 2:] - gray[:, :-2]) / 2
        gy[:, 0] = gray[:, 1] - gray[:, 0]
        gy[:, -1] = gray[:, -1] - gray[:, -2]
    if gray.shape[2] > 1:
        gx[:, :, 1:-1] = (gray[:, :, 2:] - gray[:, :, :-2]) / 2
        gx[:, :, 0] = gray[:, :, 1] - gray[:, :, 0]
        gx[:, :, -1] = gray[:, :, -1] - gray[:, :, -2]
    return gy, gx


def _membership(n: int) -> np.ndarray:
    """(4, n) 0/1 matrix: which of the 4 equal cells each of n pixels falls in (cells may be empty if n < 4)."""
    cell = (np.arange(n) * HOG_CELLS) // n
    return (cell[None, :] == np.arange(HOG_CELLS)[:, None]).astype(np.float32)

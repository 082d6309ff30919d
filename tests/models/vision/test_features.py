"""Hand-made pixel features: shape, column names, values, determinism and wrong-shape errors."""

from __future__ import annotations

import time

import numpy as np
import pytest

from advisor import datasets
from advisor.errors import WrongTypeError
from advisor.models.vision.features import PixelFeatures, area_matrix, orientation_histograms


def test_digits_columns_and_values(digits):
    X, _ = digits
    features = PixelFeatures().fit(X[:300])
    table = features.transform(X[:50])
    assert features.pixel_scale_ == 16.0 and features.image_shape_ == (8, 8, 1)
    assert table.shape == (50, 64 + 2 + 128)
    assert list(table.columns) == features.columns == list(features.get_feature_names_out())
    assert table.columns[:2].tolist() == ["px_0", "px_1"] and table.columns[64:66].tolist() == ["mean_0", "std_0"]
    assert table.columns[-1] == "hog_127"
    assert (table.dtypes == np.float32).all()
    # 8x8 is under max_side: the pixels are the scaled image itself
    np.testing.assert_allclose(table.iloc[:, :64].to_numpy(), X[:50].reshape(50, -1) / 16.0, rtol=1e-6)
    np.testing.assert_allclose(table["mean_0"], X[:50].mean(axis=(1, 2, 3)) / 16.0, rtol=1e-5)
    cell_norms = np.linalg.norm(table.iloc[:, 66:].to_numpy().reshape(50, 16, 8), axis=2)
    assert np.all((np.abs(cell_norms - 1) < 1e-3) | (cell_norms < 1e-3))  # L2-normalized (or empty) cells
    assert (cell_norms > 0.5).mean() > 0.5


def test_deterministic_and_row_independent(digits):
    X, _ = digits
    features = PixelFeatures().fit(X)
    first, again = features.transform(X[:20]), features.transform(X[:20])
    assert first.equals(again)
    np.testing.assert_array_equal(features.transform(X[5:6]).to_numpy(), first.iloc[5:6].to_numpy())


def test_mnist_downsampled_and_fast():
    X = datasets.load("mnist_5k").X
    features = PixelFeatures(max_side=16).fit(X)
    start = time.perf_counter()
    table = features.transform(X)
    seconds = time.perf_counter() - start
    assert table.shape == (5000, 16 * 16 + 2 + 128)
    assert np.isfinite(table.to_numpy()).all()
    assert table.iloc[:, :256].to_numpy().max() <= 1.0
    assert seconds < 10  # about 1 s on 2 busy cores; a loose bound against accidental quadratic work


def test_rgb_channels_and_area_average():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(3, 32, 32, 3), dtype=np.uint8)
    features = PixelFeatures(max_side=16).fit(images)
    table = features.transform(images)
    assert table.shape == (3, 16 * 16 * 3 + 6 + 128)
    assert features.columns[768:774] == ["mean_0", "mean_1", "mean_2", "std_0", "std_1", "std_2"]
    # 32 -> 16 is exact 2x2 block averaging; channel last
    expected = images.astype(np.float64).reshape(3, 16, 2, 16, 2, 3).mean(axis=(2, 4)) / images.max()
    np.testing.assert_allclose(table.iloc[:, :768].to_numpy(), expected.reshape(3, -1), atol=1e-5)


def test_area_matrix_rows_average():
    matrix = area_matrix(28, 16)
    assert matrix.shape == (16, 28)
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(area_matrix(5, 5), np.eye(5, dtype=np.float32))


def test_orientation_histogram_of_vertical_edges():
    gray = np.zeros((1, 16, 16), dtype=np.float32)
    gray[:, :, 8:] = 1.0  # a vertical edge: horizontal gradient, orientation 0
    hist = orientation_histograms(gray)
    assert hist.shape == (1, 4, 4, 8)
    edge_cells = hist[0, :, 1:3]  # the cells on the edge (columns 4..11)
    assert np.all(edge_cells[..., [0, 7]].sum(axis=-1) > 0.99)  # all votes in the bins around 0 = pi
    np.testing.assert_array_equal(hist[0, :, 0], 0.0)  # flat cells have no gradient


def test_wrong_shape_is_a_clear_error(digits):
    X, _ = digits
    features = PixelFeatures().fit(X[:10])
    with pytest.raises(WrongTypeError, match=r"shape \(9, 9, 1\).*fitted on images of shape \(8, 8, 1\)"):
        features.transform(np.zeros((2, 9, 9, 1), dtype=np.uint8))
    with pytest.raises(WrongTypeError, match="numeric array of shape"):
        features.transform(np.zeros((2, 64)))

"""The offline EfficientNet-Lite0: loading without downloads, network input, and frozen embeddings."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from advisor.models.vision import pretrained
from advisor.models.vision.pretrained import (
    ImageEncoder,
    default_image_size,
    load_efficientnet,
    shared_network,
    to_network_input,
)


@pytest.fixture(scope="module")
def encoded(digits) -> np.ndarray:
    X, _ = digits
    return ImageEncoder(size=64, batch_size=16, n_jobs=1).encode(X[:40], pixel_scale=16)


def test_encoder_shape_and_values(encoded):
    assert encoded.shape == (40, 1280) and encoded.dtype == np.float32
    assert np.isfinite(encoded).all()
    assert (encoded >= 0).all() and (encoded <= 6).all()  # pooled ReLU6 activations
    assert encoded.std(axis=0).max() > 0.05  # the images are told apart


def test_encoder_is_deterministic_and_row_independent(encoded, digits):
    X, _ = digits
    again = ImageEncoder(size=64, batch_size=7, n_jobs=1).encode(X[:40], pixel_scale=16)
    np.testing.assert_allclose(again, encoded, rtol=1e-4, atol=1e-5)  # other batch boundaries, same vectors


def test_different_images_give_different_vectors(encoded, digits):
    _, y = digits
    distances = np.linalg.norm(encoded[:, None] - encoded[None], axis=2)
    off_diagonal = distances[~np.eye(40, dtype=bool)]
    assert off_diagonal.min() > 1e-3
    same = y[:40, None] == y[None, :40]
    np.fill_diagonal(same, False)
    assert distances[same].mean() < distances[~same & ~np.eye(40, dtype=bool)].mean()  # digits cluster


def test_progress_and_empty_input():
    calls: list[tuple[int, int]] = []
    images = np.zeros((5, 8, 8, 1), dtype=np.uint8)
    out = ImageEncoder(size=32, batch_size=2, n_jobs=1).encode(
        images, progress=lambda done, total: calls.append((done, total))
    )
    assert out.shape == (5, 1280) and calls == [(2, 5), (4, 5), (5, 5)]
    assert ImageEncoder(size=32).encode(np.zeros((0, 8, 8, 3), dtype=np.uint8)).shape == (0, 1280)
    assert (ImageEncoder.name, ImageEncoder.dim) == ("efficientnet_lite0", 1280)


def test_network_is_loaded_once_per_process():
    assert shared_network("cpu") is shared_network("cpu")
    assert not shared_network("cpu").training
    assert not any(p.requires_grad for p in shared_network("cpu").parameters())


def test_load_with_a_new_head_keeps_the_pretrained_trunk():
    imagenet, new = load_efficientnet(), load_efficientnet(num_classes=3)
    assert imagenet._fc.out_features == 1000 and new._fc.out_features == 3
    assert torch.equal(imagenet._conv_stem.weight, new._conv_stem.weight)
    assert torch.equal(imagenet._bn1.running_var, new._bn1.running_var)
    with torch.no_grad():
        assert new(torch.zeros(2, 3, 40, 40)).shape == (2, 3)  # dynamic padding: any size
        assert new.extract_features(torch.zeros(1, 3, 96, 96)).shape == (1, 1280, 3, 3)


def test_network_input():
    gray = np.array([[[[0], [16]], [[8], [16]]]], dtype=np.uint8)  # (1, 2, 2, 1), pixels 0..16
    x = to_network_input(gray, pixel_scale=16, size=4)
    assert x.shape == (1, 3, 4, 4) and x.dtype == torch.float32
    assert torch.equal(x[:, 0], x[:, 1]) and torch.equal(x[:, 1], x[:, 2])  # gray -> RGB
    assert x.min() >= -127 / 128 - 1e-6 and x.max() <= 128 / 128 + 1e-6
    rgb = np.full((2, 50, 30, 3), 255, dtype=np.uint8)
    assert torch.allclose(to_network_input(rgb, 255, 16), torch.tensor(1.0))


def test_default_image_size():
    assert default_image_size("cpu") == pretrained.CPU_IMAGE_SIZE == 96
    if torch.cuda.is_available():
        assert default_image_size("cuda") == 224

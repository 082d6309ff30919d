"""Image array helpers shared by the vision families: checks, scaling, resizing and seeded augmentation.

Images are numpy arrays of shape (n, H, W, C) (uint8 or any real dtype, C = 1 or 3); a 3-D array (n, H, W)
is read as grayscale. Pixel values are divided by a *pixel scale* learned on the training images
(``max(1, X.max())``), not by 255, since bundled data sets use other ranges (digits: 0..16).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from advisor.errors import WrongTypeError

__all__ = ["as_images", "augment", "pixel_scale", "resize", "target_size", "to_tensor"]


def as_images(X: Any) -> np.ndarray:
    """``X`` as an (n, H, W, C) numpy array with C in (1, 3); a 3-D (n, H, W) array gains a channel axis.

    Raises
    ------
    WrongTypeError
        If ``X`` is not a numeric array of that shape.
    """
    array = np.asarray(X)
    if array.ndim == 3:
        array = array[..., np.newaxis]
    if array.ndim != 4 or array.shape[-1] not in (1, 3) or not np.issubdtype(array.dtype, np.number):
        raise WrongTypeError(
            f"Expected images as a numeric array of shape (n, height, width, channels) with 1 or 3 channels; "
            f"got {type(X).__name__} with shape {getattr(array, 'shape', None)} and dtype {array.dtype}.",
            "Load images with advisor.load(...) (its X is such an array) or stack them with numpy.",
        )
    if min(array.shape[1:3]) < 1:
        raise WrongTypeError(f"The images have an empty side (shape {array.shape}).", "Pass non-empty images.")
    return array


def pixel_scale(images: np.ndarray) -> float:
    """The value that maps pixels to [0, 1]: the largest pixel, at least 1 (0..16 digits -> 16, photos -> 255)."""
    return float(max(1.0, float(np.max(images)))) if images.size else 1.0


def to_tensor(images: np.ndarray, rows: np.ndarray | slice, scale: float) -> torch.Tensor:
    """The selected images as a float32 tensor (b, C, H, W) in [0, 1] (values above ``scale`` are clipped)."""
    batch = torch.from_numpy(np.array(images[rows], dtype=np.float32))  # always a fresh, writable copy
    return (batch / float(scale)).clamp_(0.0, 1.0).permute(0, 3, 1, 2).contiguous()


def target_size(height: int, width: int, *, min_size: int, max_size: int) -> tuple[int, int]:
    """The (height, width) a network sees: the shorter side raised to ``min_size``, the longer side capped at
    ``max_size``, aspect ratio kept where both limits allow (each side ends within [min_size, max_size])."""
    factor = 1.0
    if min(height, width) < min_size:
        factor = min_size / min(height, width)
    if max(height, width) * factor > max_size:
        factor = max_size / max(height, width)
    return (
        int(min(max(round(height * factor), min_size), max_size)),
        int(min(max(round(width * factor), min_size), max_size)),
    )


def resize(batch: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Bilinear resize of a (b, C, H, W) tensor to ``size`` (antialiased when shrinking); a no-op if equal."""
    if tuple(batch.shape[-2:]) == tuple(size):
        return batch
    shrinking = size[0] < batch.shape[-2] or size[1] < batch.shape[-1]
    return F.interpolate(batch, size=size, mode="bilinear", align_corners=False, antialias=shrinking)


def augment(
    batch: torch.Tensor, generator: torch.Generator, *, flip: bool, pad_fraction: float = 0.125
) -> torch.Tensor:
    """Seeded random crop with reflect padding (``pad_fraction`` of each side) and optional horizontal flip.

    Parameters
    ----------
    batch : torch.Tensor of shape (b, C, H, W)
    generator : torch.Generator
        The only source of randomness, so equal seeds give equal augmentations.

    Returns
    -------
    torch.Tensor of shape (b, C, H, W)
    """
    b, _, height, width = batch.shape
    pad_h, pad_w = max(1, round(height * pad_fraction)), max(1, round(width * pad_fraction))
    mode = "reflect" if pad_h < height and pad_w < width else "replicate"
    padded = F.pad(batch, (pad_w, pad_w, pad_h, pad_h), mode=mode)
    top = torch.randint(0, 2 * pad_h + 1, (b,), generator=generator)
    left = torch.randint(0, 2 * pad_w + 1, (b,), generator=generator)
    rows = (top[:, None] + torch.arange(height)[None, :])[:, None, :, None]  # (b, 1, H, 1)
    cols = (left[:, None] + torch.arange(width)[None, :])[:, None, None, :]  # (b, 1, 1, W)
    index = torch.arange(b)[:, None, None, None]
    out = padded.permute(0, 2, 3, 1)[index, rows, cols].squeeze(1).permute(0, 3, 1, 2)
    if flip:
        mirrored = torch.rand(b, generator=generator) < 0.5
        out = torch.where(mirrored[:, None, None, None], out.flip(-1), out)
    return out.contiguous()

"""Images in class subfolders (a folder or a zip): decode each image, resize them to one size.

Listing, junk, the wrapper folder and grouping by class are :mod:`advisor.data.classfolders`'s; this
module is the image kind (:data:`IMAGES`): suffixes, and the reader that makes ``(n, H, W, C)`` pixels.
"""

from __future__ import annotations

import io
import re
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from advisor.data.classfolders import FileKind, FolderData, Layout, Member
from advisor.data.dataset import Modality
from advisor.errors import CorruptImageError, FileTooLargeError

__all__ = ["IMAGES", "IMAGE_SUFFIXES", "MAX_PIXELS", "read_images", "resize_images"]

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm", ".pbm"})
MAX_SIDE = 224
# Refuse images declaring more pixels than this, whatever PIL's global ``Image.MAX_IMAGE_PIXELS``
# says (another library may have switched PIL's own check off): PIL's default, ~256 MB as RGB.
MAX_PIXELS = 89_478_485
GRAY_MODES = frozenset({"1", "L", "LA", "La", "I", "I;16", "I;16L", "I;16B", "I;16N", "F"})


def _too_many_pixels(display: str, container: str, pixels: int | None, size: str = "") -> FileTooLargeError:
    declared = f"declares {pixels:,} pixels{size}" if pixels else "declares too many pixels"
    return FileTooLargeError(
        f"Image '{display}' in {container} {declared}, over the limit of {MAX_PIXELS:,}: "
        "it may be a decompression bomb and was not decoded.",
        "Shrink the image (advisor resizes to at most 224 pixels anyway) or remove it.",
    )


def _open(data: bytes, display: str, container: str, *, decode: bool) -> Any:
    """Open an image (header only unless ``decode``); raise a clear error naming the file."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                image.close()
                raise _too_many_pixels(display, container, width * height, f" ({width}x{height})")
            if decode:
                image.load()
            return image
    except FileTooLargeError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        found = re.search(r"\((\d+) pixels\)", str(err))  # PIL: "Image size (900000000 pixels) exceeds..."
        raise _too_many_pixels(display, container, int(found.group(1)) if found else None) from None
    except Exception as err:
        raise CorruptImageError(
            f"Image '{display}' in {container} cannot be decoded ({type(err).__name__}: {err}).",
            "Remove or replace the file; open it in an image viewer to check it.",
        ) from None


def _target_size(sizes: list[tuple[int, int]]) -> tuple[int, int]:
    width, height = Counter(sizes).most_common(1)[0][0]
    scale = min(1.0, MAX_SIDE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


@dataclass
class _Headers:
    """What the first pass (headers only) learns: the bytes, sizes and gray-ness of every image."""

    blobs: list[bytes | None]
    sizes: list[tuple[int, int]]
    gray: list[bool]


def _headers(members: list[Member], container: str) -> _Headers:
    headers = _Headers([], [], [])
    for member in members:
        data = member.read()
        image = _open(data, member.name, container, decode=False)
        headers.sizes.append(image.size)
        headers.gray.append(image.mode in GRAY_MODES)
        image.close()
        headers.blobs.append(data)
    return headers


def _pixels(members: list[Member], headers: _Headers, container: str) -> np.ndarray:
    """Decode the images (dropping each one's bytes once done) into one ``(n, H, W, C)`` uint8 array."""
    from PIL import Image

    width, height = _target_size(headers.sizes)
    channels = 1 if all(headers.gray) else 3
    X = np.empty((len(members), height, width, channels), dtype=np.uint8)
    for i, member in enumerate(members):
        image = _open(headers.blobs[i] or b"", member.name, container, decode=True)
        headers.blobs[i] = None
        image = image.convert("L" if headers.gray[i] else "RGB")
        if image.size != (width, height):
            image = image.resize((width, height), Image.Resampling.BILINEAR)
        pixels = np.asarray(image, dtype=np.uint8)
        X[i] = (
            pixels[..., None]
            if channels == 1
            else (np.repeat(pixels[..., None], 3, axis=2) if pixels.ndim == 2 else pixels)
        )
    return X


def _describe(X: np.ndarray, sizes: list[tuple[int, int]], layout: Layout) -> tuple[dict[str, Any], str]:
    """``meta`` and the modality reason of the decoded images."""
    _, height, width, channels = X.shape
    heights = [h for _, h in sizes]
    widths = [w for w, _ in sizes]
    common_w, common_h = Counter(sizes).most_common(1)[0][0]
    meta = {
        "class_names": list(layout.classes),
        "n_images": len(X),
        "image_size": (height, width),
        "channels": channels,
        "original_sizes": {
            "min": (min(heights), min(widths)),
            "max": (max(heights), max(widths)),
            "most_common": (common_h, common_w),
            "distinct": len(set(sizes)),
        },
    }
    kind = "grayscale" if channels == 1 else "color"
    resized = "" if (width, height) == (common_w, common_h) else f", resized to {width}x{height}"
    reason = (
        f"{layout.container} holds {len(X)} {kind} images in {len(layout.classes)} class subfolders "
        f"(most common size {common_w}x{common_h}{resized})"
    )
    return meta, reason


def read_images(layout: Layout) -> FolderData:
    """Decode every image of ``layout``; resize them to their most common size (at most 224 px a side)."""
    labels = [label for label, members in layout.classes.items() for _ in members]
    members = [m for ms in layout.classes.values() for m in ms]
    headers = _headers(members, layout.container)
    X = _pixels(members, headers, layout.container)
    meta, reason = _describe(X, headers.sizes, layout)
    return FolderData(X, pd.Series(labels, name="label", dtype=object), Modality.IMAGE, reason, meta)


IMAGES = FileKind(
    noun="image",
    suffixes=IMAGE_SUFFIXES,
    example="cats/1.png, dogs/2.png",
    modality=Modality.IMAGE,
    reader=read_images,
)


def resize_images(images: np.ndarray, shape: tuple[int, int, int]) -> np.ndarray:
    """``(n, H, W, C)`` uint8 images resized (bilinear) to ``shape`` = (height, width, channels), converting
    grayscale and color as loading does."""
    from PIL import Image

    height, width, channels = shape
    out = np.empty((len(images), height, width, channels), dtype=np.uint8)
    mode = "L" if channels == 1 else "RGB"
    for i, pixels in enumerate(np.asarray(images)):
        pixels = np.clip(pixels, 0, 255).astype(np.uint8)
        image = Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels).convert(mode)
        if image.size != (width, height):
            image = image.resize((width, height), Image.Resampling.BILINEAR)
        array = np.asarray(image, dtype=np.uint8)
        out[i] = array[..., None] if channels == 1 else array
    return out

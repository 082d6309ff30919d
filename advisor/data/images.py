"""Images in class subfolders (a folder or a zip): group by class, decode, resize to one size."""

from __future__ import annotations

import io
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from advisor.data.archive import SafeZip
from advisor.errors import (
    CorruptImageError,
    EmptyDataError,
    FileTooLargeError,
    InvalidArgumentError,
    SingleClassError,
    UnsupportedFormatError,
)

__all__ = ["IMAGE_SUFFIXES", "ImageSet", "read_image_folder", "read_image_zip"]

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm", ".pbm"})
IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini", "__macosx"})
MAX_SIDE = 224
GRAY_MODES = frozenset({"1", "L", "LA", "La", "I", "I;16", "I;16L", "I;16B", "I;16N", "F"})

Reader = Callable[[], bytes]


@dataclass
class ImageSet:
    """Decoded images ``(n, H, W, C)`` uint8, their class labels, and read facts."""

    X: np.ndarray
    y: pd.Series
    meta: dict[str, Any]
    reason: str


def _ignored(parts: tuple[str, ...]) -> bool:
    return any(p.startswith(".") or p.lower() in IGNORED_NAMES for p in parts)


def _group(
    files: list[tuple[tuple[str, ...], Reader]], dirs: set[tuple[str, ...]], container: str
) -> tuple[dict[str, list[tuple[str, Reader]]], list[str]]:
    """Map class name -> [(display name, reader)]; check the layout. Also return ignored files."""
    files = [(p, r) for p, r in files if not _ignored(p)]
    dirs = {d for d in dirs if d and not _ignored(d)}
    tops = {p[0] for p, _ in files} | {d[0] for d in dirs}
    if len(tops) == 1 and files and all(len(p) >= 3 for p, _ in files):
        files = [(p[1:], r) for p, r in files]
        dirs = {d[1:] for d in dirs if len(d) > 1}
    ignored: list[str] = []
    classes: dict[str, list[tuple[str, Reader]]] = {d[0]: [] for d in dirs}
    for parts, reader in files:
        display = "/".join(parts)
        if len(parts) == 1:
            if Path(parts[0]).suffix.lower() in IMAGE_SUFFIXES:
                raise InvalidArgumentError(
                    f"Image '{display}' lies at the top of {container}, outside any class folder.",
                    "Put every image in a subfolder named after its class (cats/1.png, dogs/2.png).",
                )
            ignored.append(display)
            continue
        if Path(parts[-1]).suffix.lower() not in IMAGE_SUFFIXES:
            raise UnsupportedFormatError(
                f"'{display}' in class folder '{parts[0]}' of {container} is not an image "
                f"(extension '{Path(parts[-1]).suffix or 'none'}').",
                f"Remove it or move it out; images must be one of {', '.join(sorted(IMAGE_SUFFIXES))}.",
            )
        classes.setdefault(parts[0], []).append((display, reader))
    if not classes:
        raise EmptyDataError(
            f"{container} holds no class subfolders of images.",
            "Make one subfolder per class, each holding that class's images.",
        )
    for name, members in classes.items():
        if not members:
            raise EmptyDataError(
                f"Class folder '{name}' in {container} is empty.",
                "Add images to it, or remove the folder.",
            )
    if len(classes) < 2:
        raise SingleClassError(
            f"{container} has a single class folder ('{next(iter(classes))}').",
            "A classifier needs at least two classes: add one subfolder per class.",
        )
    return {k: sorted(v, key=lambda e: e[0]) for k, v in sorted(classes.items())}, ignored


def _open(data: bytes, display: str, container: str, *, decode: bool) -> Any:
    """Open an image (header only unless ``decode``); raise a clear error naming the file."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if decode:
                image.load()
            return image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise FileTooLargeError(
            f"Image '{display}' in {container} has too many pixels to decode safely.",
            "Shrink the image (advisor resizes to at most 224 pixels anyway) or remove it.",
        ) from None
    except Exception as err:
        raise CorruptImageError(
            f"Image '{display}' in {container} cannot be decoded ({type(err).__name__}: {err}).",
            "Remove or replace the file; open it in an image viewer to check it.",
        ) from None


def _target_size(sizes: list[tuple[int, int]]) -> tuple[int, int]:
    width, height = Counter(sizes).most_common(1)[0][0]
    scale = min(1.0, MAX_SIDE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _decode(groups: dict[str, list[tuple[str, Reader]]], container: str) -> ImageSet:
    from PIL import Image

    entries = [(label, display, reader) for label, items in groups.items() for display, reader in items]
    blobs: list[bytes | None] = []
    sizes: list[tuple[int, int]] = []
    gray: list[bool] = []
    for _, display, reader in entries:
        data = reader()
        image = _open(data, display, container, decode=False)
        sizes.append(image.size)
        gray.append(image.mode in GRAY_MODES)
        image.close()
        blobs.append(data)
    width, height = _target_size(sizes)
    channels = 1 if all(gray) else 3
    X = np.empty((len(entries), height, width, channels), dtype=np.uint8)
    for i, (_, display, _) in enumerate(entries):
        image = _open(blobs[i] or b"", display, container, decode=True)
        blobs[i] = None
        image = image.convert("L" if gray[i] else "RGB")
        if image.size != (width, height):
            image = image.resize((width, height), Image.Resampling.BILINEAR)
        pixels = np.asarray(image, dtype=np.uint8)
        X[i] = (
            pixels[..., None]
            if channels == 1
            else (np.repeat(pixels[..., None], 3, axis=2) if pixels.ndim == 2 else pixels)
        )
    heights = [h for _, h in sizes]
    widths = [w for w, _ in sizes]
    common_w, common_h = Counter(sizes).most_common(1)[0][0]
    meta = {
        "class_names": list(groups),
        "n_images": len(entries),
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
        f"{container} holds {len(entries)} {kind} images in {len(groups)} class subfolders "
        f"(most common size {common_w}x{common_h}{resized})"
    )
    y = pd.Series([label for label, _, _ in entries], name="label", dtype=object)
    return ImageSet(X, y, meta, reason)


def _file_reader(path: Path) -> Reader:
    return path.read_bytes


def read_image_folder(folder: Path) -> ImageSet:
    """Read a folder of class subfolders (one wrapper folder is allowed)."""
    files: list[tuple[tuple[str, ...], Reader]] = []
    dirs: set[tuple[str, ...]] = set()
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if path.is_dir():
            dirs.add(parts)
        elif path.is_file():
            files.append((parts, _file_reader(path)))
    groups, ignored = _group(files, dirs, f"folder '{folder.name}'")
    images = _decode(groups, f"folder '{folder.name}'")
    if ignored:
        images.meta["ignored_files"] = ignored
    return images


def read_image_zip(path: Path) -> ImageSet:
    """Read a zip of class subfolders entirely in memory (see :class:`SafeZip`)."""
    container = f"archive '{path.name}'"
    with SafeZip(path) as archive:
        files: list[tuple[tuple[str, ...], Reader]] = []
        dirs: set[tuple[str, ...]] = set()
        for info in archive.members:
            parts = tuple(p for p in info.filename.replace("\\", "/").split("/") if p)
            files.append((parts, lambda info=info: archive.read(info)))
            dirs.update(parts[:k] for k in range(1, len(parts)))
        for info in archive.directories:
            dirs.add(tuple(p for p in info.filename.replace("\\", "/").split("/") if p))
        groups, ignored = _group(files, dirs, container)
        images = _decode(groups, container)
    if ignored:
        images.meta["ignored_files"] = ignored
    return images

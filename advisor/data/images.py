"""Images in class subfolders (a folder or a zip): group by class, decode, resize to one size."""

from __future__ import annotations

import io
import re
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
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
)

__all__ = ["IMAGE_SUFFIXES", "MAX_PIXELS", "ImageSet", "read_image_folder", "read_image_zip"]

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm", ".pbm"})
# Files and folders that operating systems leave behind: skipped silently (as is anything hidden).
JUNK_NAMES = frozenset(
    {
        "thumbs.db",
        "ehthumbs.db",
        "ehthumbs_vista.db",
        "desktop.ini",
        "icon\r",
        "__macosx",
        "$recycle.bin",
        "system volume information",
    }
)
MAX_SIDE = 224
# Refuse images declaring more pixels than this, whatever PIL's global ``Image.MAX_IMAGE_PIXELS``
# says (another library may have switched PIL's own check off): PIL's default, ~256 MB as RGB.
MAX_PIXELS = 89_478_485
MAX_LISTED = 10  # names kept in meta["skipped_files"] and in messages
GRAY_MODES = frozenset({"1", "L", "LA", "La", "I", "I;16", "I;16L", "I;16B", "I;16N", "F"})

Reader = Callable[[], bytes]


@dataclass
class ImageSet:
    """Decoded images ``(n, H, W, C)`` uint8, their class labels, and read facts."""

    X: np.ndarray
    y: pd.Series
    meta: dict[str, Any]
    reason: str


@dataclass
class _Layout:
    """Class name -> [(display name, reader)], plus what was left out and why."""

    classes: dict[str, list[tuple[str, Reader]]]
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def meta(self) -> dict[str, Any]:
        meta: dict[str, Any] = {}
        if self.skipped:
            meta["skipped_files"] = {"count": len(self.skipped), "names": self.skipped[:MAX_LISTED]}
        if self.warnings:
            meta["warnings"] = list(self.warnings)
        return meta


def _junk(parts: tuple[str, ...]) -> bool:
    return any(p.startswith(".") or p.lower() in JUNK_NAMES for p in parts)


def _is_image(name: str) -> bool:
    return Path(name).suffix.lower() in IMAGE_SUFFIXES


def _listing(names: list[str], quote: bool = True) -> str:
    shown = [f"'{n}'" if quote else n for n in names[:MAX_LISTED]]
    more = f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else ""
    return ", ".join(shown) + more


def _accepted() -> str:
    return ", ".join(sorted(IMAGE_SUFFIXES))


def _no_images(container: str, skipped: list[str], empty: list[str]) -> EmptyDataError:
    if skipped:
        found = f"its {len(skipped)} file{'s' if len(skipped) != 1 else ''} ({_listing(skipped)}) are not images"
    elif empty:
        found = f"its class folder{'s' if len(empty) != 1 else ''} ({_listing(empty)}) hold no images"
    else:
        return EmptyDataError(
            f"{container} is empty: no class subfolders of images.",
            "Make one subfolder per class, each holding that class's images (cats/1.png, dogs/2.png).",
        )
    return EmptyDataError(
        f"No images found in {container}: {found}.",
        f"Images must end in one of {_accepted()}, in one subfolder per class (cats/1.png, dogs/2.png). "
        "To load a table, pass the CSV or Parquet file itself.",
    )


def _group(files: list[tuple[tuple[str, ...], Reader]], dirs: set[tuple[str, ...]], container: str) -> _Layout:
    """Sort files into classes; skip junk, non-image files and class folders without images.

    Names in messages and meta are paths as found in the folder or zip (wrapper folder included).
    """
    entries = [(p, "/".join(p), r) for p, r in files if p and not _junk(p)]
    dirs = {d for d in dirs if d and not _junk(d)}
    skipped: list[str] = []
    images = [p for p, _, _ in entries if _is_image(p[-1])]
    tops = {p[0] for p in images} | {d[0] for d in dirs}  # loose files at the top do not count
    if len(tops) == 1 and images and all(len(p) >= 3 for p in images):  # a wrapper folder around the classes
        wrapper = next(iter(tops))
        skipped += [display for p, display, _ in entries if len(p) < 3 or p[0] != wrapper]
        entries = [(p[1:], display, r) for p, display, r in entries if len(p) >= 3 and p[0] == wrapper]
        dirs = {d[1:] for d in dirs if len(d) > 1 and d[0] == wrapper}
    classes: dict[str, list[tuple[str, Reader]]] = {d[0]: [] for d in dirs}
    for parts, display, reader in entries:
        if not _is_image(parts[-1]):
            skipped.append(display)
            if len(parts) > 1:
                classes.setdefault(parts[0], [])
            continue
        if len(parts) == 1:
            raise InvalidArgumentError(
                f"Image '{display}' lies at the top of {container}, outside any class folder.",
                "Put every image in a subfolder named after its class (cats/1.png, dogs/2.png).",
            )
        classes.setdefault(parts[0], []).append((display, reader))
    skipped.sort()
    empty = sorted(name for name, members in classes.items() if not members)
    full = {name: sorted(members, key=lambda e: e[0]) for name, members in sorted(classes.items()) if members}
    if not full:
        raise _no_images(container, skipped, empty)
    if len(full) < 2:
        others = (
            f"; the other class folder{'s' if len(empty) != 1 else ''} ({_listing(empty)}) "
            f"hold{'s' if len(empty) == 1 else ''} no images"
            if empty
            else ""
        )
        raise SingleClassError(
            f"{container} has a single class folder ('{next(iter(full))}'){others}.",
            f"A classifier needs at least two classes: add one subfolder per class, each holding images "
            f"({_accepted()}).",
        )
    layout = _Layout(full, skipped)
    if empty:
        layout.warnings.append(
            f"Skipped {len(empty)} class folder{'s' if len(empty) != 1 else ''} of {container} that "
            f"hold{'s' if len(empty) == 1 else ''} no images: {_listing(empty)}."
        )
    if skipped:
        layout.warnings.append(
            f"Skipped {len(skipped)} file{'s' if len(skipped) != 1 else ''} of {container} that "
            f"{'are' if len(skipped) != 1 else 'is'} not images: {_listing(skipped)} "
            f"(images end in {_accepted()})."
        )
    return layout


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
    container = f"folder '{folder.name}'"
    layout = _group(files, dirs, container)
    images = _decode(layout.classes, container)
    images.meta.update(layout.meta())
    return images


def _member_parts(name: str) -> tuple[str, ...]:
    return tuple(p for p in name.replace("\\", "/").split("/") if p and p != ".")


def read_image_zip(path: Path) -> ImageSet:
    """Read a zip of class subfolders entirely in memory (see :class:`SafeZip`)."""
    container = f"archive '{path.name}'"
    with SafeZip(path) as archive:
        files: list[tuple[tuple[str, ...], Reader]] = []
        dirs: set[tuple[str, ...]] = set()
        for info in archive.members:
            parts = _member_parts(info.filename)
            files.append((parts, lambda info=info: archive.read(info)))
            dirs.update(parts[:k] for k in range(1, len(parts)))
        for info in archive.directories:
            dirs.add(_member_parts(info.filename))
        layout = _group(files, dirs, container)
        images = _decode(layout.classes, container)
    images.meta.update(layout.meta())
    return images

"""Shared helpers for the loader tests: small real files written to tmp_path."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image


def png_bytes(size: tuple[int, int] = (8, 6), color: int | tuple[int, int, int] = (200, 10, 10),
              mode: str = "RGB") -> bytes:  # fmt: skip
    """A small PNG image encoded in memory."""
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def png() -> Callable[..., bytes]:
    """Factory for PNG bytes: ``png(size=(w, h), color=..., mode='RGB'|'L')``."""
    return png_bytes


@pytest.fixture
def image_folder(tmp_path: Path) -> Path:
    """A folder with two class subfolders of small RGB and grayscale PNGs of two sizes."""
    root = tmp_path / "pets"
    for label, count in (("cat", 3), ("dog", 2)):
        (root / label).mkdir(parents=True)
        for i in range(count):
            size = (8, 6) if i < 2 else (16, 12)
            (root / label / f"{i}.png").write_bytes(png_bytes(size, (10 * i, 50, 90)))
    return root

"""Shared helpers for the loader tests: small real files written to tmp_path."""

from __future__ import annotations

import io
import zipfile
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


def write_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    """A deflated zip at ``path`` holding ``members`` (name -> bytes or text)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.fixture
def zip_of() -> Callable[[Path, dict[str, bytes | str]], Path]:
    """Factory for zips: ``zip_of(tmp_path / 'x.zip', {'cats/1.png': data})``."""
    return write_zip


@pytest.fixture
def text_folder(tmp_path: Path) -> Path:
    """A folder 'news' with two class subfolders of short UTF-8 documents (3 sports, 2 politics)."""
    root = tmp_path / "news"
    docs = {
        "sports/a.txt": "The home team won the cup final with a late goal.",
        "sports/b.txt": "A record crowd watched the marathon in the rain.",
        "sports/c.txt": "The coach resigned after ten straight defeats.",
        "politics/a.txt": "Parliament passed the budget after a long debate.",
        "politics/b.txt": "The minister announced new taxes on fuel.",
    }
    for name, text in docs.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root

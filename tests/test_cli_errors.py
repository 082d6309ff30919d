"""Every kind of bad input reaches a CLI user as one clear message (exit 2), never a traceback."""

from __future__ import annotations

import io
import os
import stat
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image


def _png(color: int = 128) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.full((16, 16), color, dtype=np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def _table(path: Path, **columns: list) -> Path:
    pd.DataFrame(columns).to_csv(path, index=False)
    return path


def _empty(tmp: Path) -> Path:
    (tmp / "empty.csv").write_text("")
    return tmp / "empty.csv"


def _garbage(tmp: Path) -> Path:
    (tmp / "garbage.csv").write_bytes(bytes(range(256)) * 40)
    return tmp / "garbage.csv"


def _unsupported(tmp: Path) -> Path:
    (tmp / "report.docx").write_bytes(b"PK\x03\x04 not really a document")
    return tmp / "report.docx"


def _constant(tmp: Path) -> Path:
    return _table(tmp / "const.csv", x=list(range(40)), y=[1.5] * 40)


def _one_class(tmp: Path) -> Path:
    folder = tmp / "images" / "cats"
    folder.mkdir(parents=True)
    for i in range(3):
        (folder / f"{i}.png").write_bytes(_png(i))
    return tmp / "images"


def _all_nan(tmp: Path) -> Path:
    return _table(tmp / "nan.csv", x=list(range(40)), blank=[None] * 40, y=[0, 1] * 20)


def _escaping_zip(tmp: Path) -> Path:
    path = tmp / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("cats/a.png", _png())
        zf.writestr("../../escaped.png", _png())
    return path


def _zip_bomb(tmp: Path) -> Path:
    path = tmp / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("cats/a.png", b"\0" * (60 * 2**20))
        zf.writestr("dogs/b.png", _png())
    return path


def _corrupt_image(tmp: Path) -> Path:
    for label in ("cats", "dogs"):
        (tmp / "imgs" / label).mkdir(parents=True)
        (tmp / "imgs" / label / "ok.png").write_bytes(_png())
    (tmp / "imgs" / "dogs" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    return tmp / "imgs"


def _empty_text(tmp: Path) -> Path:
    return _table(tmp / "reviews.csv", text=["   "] * 40, y=[0, 1] * 20)


def _two_classes(root: Path, *extra: str) -> Path:
    for label in ("cats", "dogs", *extra):
        (root / label).mkdir(parents=True, exist_ok=True)
    for label in ("cats", "dogs"):
        for i in range(2):
            (root / label / f"{i}.png").write_bytes(_png(40 * i + 10))
    return root


def _absolute_zip(tmp: Path) -> Path:
    path = tmp / "absolute.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("cats/a.png", _png())
        zf.writestr("dogs/b.png", _png())
        zf.writestr((tmp / "abs-escaped.png").as_posix(), _png())
    return path


def _symlink_zip(tmp: Path) -> Path:
    path = tmp / "link.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("cats/a.png", _png())
        zf.writestr("dogs/b.png", _png())
        info = zipfile.ZipInfo("dogs/link.png")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "../../../../etc/passwd")
    return path


def _bomb_png(side: int) -> bytes:
    """A few hundred bytes of PNG whose header declares side x side gray pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + chunk(b"IEND", b"")
    )


def _pixel_bomb(tmp: Path) -> Path:
    root = _two_classes(tmp / "imgs")
    (root / "dogs" / "huge.png").write_bytes(_bomb_png(30_000))
    return root


def _pixel_bomb_zip(tmp: Path) -> Path:
    path = tmp / "pixels.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("cats/a.png", _png())
        zf.writestr("dogs/b.png", _png())
        zf.writestr("dogs/huge.png", _bomb_png(30_000))
    return path


def _no_images(tmp: Path) -> Path:
    for label in ("cats", "dogs"):
        (tmp / "docs" / label).mkdir(parents=True)
        (tmp / "docs" / label / "notes.pdf").write_text("no pictures here")  # .txt would be text
    (tmp / "docs" / ".DS_Store").write_bytes(b"junk")
    return tmp / "docs"


def _zip_no_images(tmp: Path) -> Path:
    path = tmp / "docs.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("cats/notes.pdf", "no pictures")
        zf.writestr("__MACOSX/cats/._notes.pdf", "junk")
    return path


def _corrupt_in_zip(tmp: Path) -> Path:
    path = tmp / "corrupt.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("cats/a.png", _png())
        zf.writestr("dogs/fake.jpg", b"this is text, not a jpeg")
    return path


def _one_class_and_empty_folders(tmp: Path) -> Path:
    root = _one_class(tmp)
    (root / "dogs").mkdir()
    (root / "birds").mkdir()
    (root / "birds" / "Thumbs.db").write_bytes(b"junk")
    return root


def _all_empty_class_folders(tmp: Path) -> Path:
    for label in ("cats", "dogs"):
        (tmp / "pets" / label).mkdir(parents=True)
    return tmp / "pets"


def _empty_text_auto(tmp: Path) -> Path:
    return _table(tmp / "comments.csv", review=["", " ", "\t", "  "] * 10, stars=list(range(40)), y=[0, 1] * 20)


def _empty_text_requested(tmp: Path) -> Path:
    return _table(tmp / "notes.csv", notes=["  "] * 40, stars=list(range(40)), y=[0, 1] * 20)


def _text_classes(root: Path, *labels: str) -> Path:
    for label in labels:
        (root / label).mkdir(parents=True)
        for i in range(2):
            (root / label / f"{i}.txt").write_text(f"A short {label} document, number {i}.")
    return root


def _one_text_class(tmp: Path) -> Path:
    return _text_classes(tmp / "news", "sports")


def _blank_text_files(tmp: Path) -> Path:
    root = _text_classes(tmp / "blank", "spam", "ham")
    for path in root.rglob("*.txt"):
        path.write_text(" \n")
    return root


def _escaping_text_zip(tmp: Path) -> Path:
    path = tmp / "evil-text.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("spam/a.txt", "buy now")
        zf.writestr("ham/b.txt", "see you at lunch")
        zf.writestr("../../escaped.txt", "outside")
    return path


def _text_folder(tmp: Path) -> Path:
    return _text_classes(tmp / "news", "sports", "politics")


def _listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


CASES: list[tuple[str, Callable[[Path], Path], list[str], str]] = [
    ("empty file", _empty, ["--target", "y"], "empty"),
    ("malformed file", _garbage, ["--target", "y"], "garbage.csv"),
    ("unsupported format", _unsupported, ["--target", "y"], ".docx"),
    ("missing target column", _constant, ["--target", "label"], "label"),
    ("constant target", _constant, ["--target", "y"], "y"),
    ("one class", _one_class, [], "class"),
    ("all-NaN column", _all_nan, ["--target", "y"], "blank"),
    ("hostile zip (path escape)", _escaping_zip, [], "escaped.png"),
    ("zip bomb", _zip_bomb, [], "bomb"),
    ("corrupt image", _corrupt_image, [], "broken.png"),
    ("empty text column", _empty_text, ["--target", "y", "--modality", "text"], "text"),
    ("zip absolute path", _absolute_zip, [], "absolute path"),
    ("zip symlink entry", _symlink_zip, [], "symbolic link"),
    ("pixel bomb", _pixel_bomb, [], "huge.png"),
    ("pixel bomb in zip", _pixel_bomb_zip, [], "decompression bomb"),
    ("no images in folder", _no_images, [], "no images or text files found"),
    ("no images in zip", _zip_no_images, [], ".png"),
    ("corrupt image in zip", _corrupt_in_zip, [], "fake.jpg"),
    ("one class left after empty folders", _one_class_and_empty_folders, [], "'birds', 'dogs'"),
    ("all class folders empty", _all_empty_class_folders, [], "hold no images"),
    ("empty text column (detected)", _empty_text_auto, ["--target", "y"], "review"),
    ("empty text column (requested)", _empty_text_requested, ["--target", "y", "--modality", "text"], "notes"),
    ("one class of text files", _one_text_class, [], "single class folder ('sports')"),
    ("every text file empty", _blank_text_files, [], "every text file in folder 'blank' is empty"),
    ("hostile text zip (path escape)", _escaping_text_zip, [], "escaped.txt"),
    ("text folder read as images", _text_folder, ["--modality", "image"], "holds text files"),
]
COMMANDS = ["profile", "recommend"]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("case", "make", "args", "named"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_clear_message(
    tmp_path: Path, case: str, make: Callable[[Path], Path], args: list[str], named: str, command: str
) -> None:
    work = tmp_path / "outer" / "work"  # a zip member '../../escaped.png' would land in tmp_path
    work.mkdir(parents=True)
    path = make(work)
    before = _listing(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "advisor.cli", command, str(path), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=work,
    )
    assert proc.returncode == 2, f"{case}: {proc.stdout}\n{proc.stderr}"
    message = " ".join(proc.stderr.split())
    assert message.startswith("error:"), message
    assert named.lower() in message.lower(), message
    assert "Traceback" not in proc.stderr + proc.stdout
    assert _listing(tmp_path) == before  # nothing written: no extracted member, no stray output


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = _table(tmp_path / "big.csv", x=list(range(500)), y=[0, 1] * 250)
    env = {**os.environ, "ADVISOR_MAX_FILE_BYTES": "100"}
    proc = subprocess.run(
        [sys.executable, "-m", "advisor.cli", "profile", str(path), "--target", "y"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    message = " ".join(proc.stderr.split())
    assert proc.returncode == 2, message
    assert "over the limit" in message and "ADVISOR_MAX_FILE_BYTES" in message
    assert "Traceback" not in proc.stderr


def test_drop_empty_columns_flag_recovers(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "advisor.cli",
            "profile",
            str(_all_nan(tmp_path)),
            "--target",
            "y",
            "--json",
            "--drop-empty-columns",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert '"features": 1' in proc.stdout


@pytest.mark.parametrize("make", [_escaping_zip, _absolute_zip, _symlink_zip], ids=["dotdot", "absolute", "symlink"])
def test_benchmark_on_hostile_zip_writes_nothing_anywhere(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    """``benchmark`` has a run folder: it must not be created, and nothing lands beside or above it."""
    work = tmp_path / "outer" / "inner" / "work"  # '../../escaped.png' would land inside tmp_path
    work.mkdir(parents=True)
    path = make(work)
    before = _listing(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "advisor.cli", "benchmark", str(path), "--budget", "5", "--run-dir", "run"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=work,
    )
    message = " ".join(proc.stderr.split())
    assert proc.returncode == 2, message
    assert message.startswith("error:") and "rejected" in message, message
    assert "Traceback" not in proc.stderr + proc.stdout
    assert _listing(tmp_path) == before  # no run folder, no extracted file, nothing in any parent
    assert not (work / "abs-escaped.png").exists()


def test_skipped_files_and_empty_class_folder_still_profile(tmp_path: Path) -> None:
    root = _two_classes(tmp_path / "pets", "birds")
    (root / "cats" / "notes.txt").write_text("not an image")
    (root / "dogs" / "Thumbs.db").write_bytes(b"junk")
    (root / ".DS_Store").write_bytes(b"junk")
    proc = subprocess.run(
        [sys.executable, "-m", "advisor.cli", "profile", str(root), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "warning:" in proc.stderr and "birds" in proc.stderr  # the empty class folder is named, not hidden
    assert "notes.txt" in proc.stderr

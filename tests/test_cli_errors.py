"""Every kind of bad input reaches a CLI user as one clear message (exit 2), never a traceback."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
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
]


@pytest.mark.parametrize(("case", "make", "args", "named"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_clear_message(
    tmp_path: Path, case: str, make: Callable[[Path], Path], args: list[str], named: str
) -> None:
    path = make(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "advisor.cli", "recommend", str(path), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 2, f"{case}: {proc.stdout}\n{proc.stderr}"
    message = " ".join(proc.stderr.split())
    assert message.startswith("error:"), message
    assert named.lower() in message.lower(), message
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not (tmp_path.parent / "escaped.png").exists()


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

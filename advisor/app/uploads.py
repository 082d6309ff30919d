"""Uploaded files on disk: saved under ``<runs root>/.uploads/<content hash>/``, read by :func:`advisor.load`.

One file (CSV / TSV / Parquet / text table, a ``.zip`` of image or text class folders, ``.npz``, one ``.ts``) is
saved as it is; several ``.ts`` files (``NAME_TRAIN.ts`` + ``NAME_TEST.ts``) go into one folder named
after the problem, which :func:`advisor.load` reads as a train / test pair. Nothing is unpacked here:
zips are checked and read in memory by the loader.

>>> path = save_uploads([("churn.csv", b"a,b\\n1,2\\n")], Path("advisor-runs"))   # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path

from advisor.data.files import format_bytes
from advisor.errors import FileTooLargeError, InvalidArgumentError

__all__ = ["MAX_UPLOAD_BYTES", "MAX_UPLOAD_MB", "UPLOADS_DIR", "UPLOAD_TYPES", "safe_name", "save_uploads"]

#: The upload limit in megabytes (Streamlit's ``server.maxUploadSize`` and advisor's own check).
MAX_UPLOAD_MB = 200
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
#: Folder under the runs root that holds uploads (hidden: it is not a run).
UPLOADS_DIR = ".uploads"
#: File name endings the uploader offers (the loader still decides what a file is).
UPLOAD_TYPES = (
    "csv", "tsv", "txt", "tab", "gz", "bz2", "xz", "zst", "parquet", "pq", "brotli", "zip", "npz", "npy", "ts",
)  # fmt: skip
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SPLIT = re.compile(r"_(train|test)$", re.IGNORECASE)


def safe_name(name: str) -> str:
    """A file name that is safe on any disk: no folders, no leading dots, only plain characters.

    >>> safe_name("../../etc/my data (1).csv")
    'my_data_1_.csv'
    """
    base = Path(name.replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).lstrip("._")
    return cleaned or "upload"


def save_uploads(files: Sequence[tuple[str, bytes]], runs_root: str | Path, max_bytes: int = MAX_UPLOAD_BYTES) -> Path:
    """Save uploaded ``(name, content)`` pairs and return the path to pass to :func:`advisor.load`.

    The folder is named by a hash of the names and contents, so uploading the same data again reuses it
    (and the run folder of its benchmark). Raises :class:`~advisor.errors.FileTooLargeError` over
    ``max_bytes`` in total, and :class:`~advisor.errors.InvalidArgumentError` for no file, or several
    files that are not ``.ts`` files.
    """
    if not files:
        raise InvalidArgumentError("No file was uploaded.", "Choose a file to upload.")
    total = sum(len(content) for _, content in files)
    if total > max_bytes:
        raise FileTooLargeError(
            f"The upload is {format_bytes(total)}, over the dashboard's limit of {format_bytes(max_bytes)}.",
            "Upload a sample of the data, or use the Python API or the CLI, which read files from disk.",
        )
    names = [safe_name(name) for name, _ in files]
    _check_names(names)
    folder = Path(runs_root) / UPLOADS_DIR / _digest(names, [content for _, content in files])
    if len(files) > 1:
        folder = folder / _problem_name(names)
    folder.mkdir(parents=True, exist_ok=True)
    for name, (_, content) in zip(names, files, strict=True):
        _write_once(folder / name, content)
    return folder if len(files) > 1 else folder / names[0]


def _check_names(names: list[str]) -> None:
    """Several files must be ``.ts`` files with distinct names (a TRAIN / TEST pair)."""
    if len(names) == 1:
        return
    if not all(n.lower().endswith(".ts") for n in names):
        raise InvalidArgumentError(
            f"{len(names)} files were uploaded: {', '.join(names[:5])}.",
            "Upload one file (a table, a .zip of image or text class folders, an .npz), or several .ts files "
            "(NAME_TRAIN.ts and NAME_TEST.ts).",
        )
    if len(set(names)) != len(names):
        raise InvalidArgumentError("Two uploaded files have the same name.", "Upload each .ts file once.")


def _digest(names: list[str], contents: list[bytes]) -> str:
    h = hashlib.sha256()
    for name, content in zip(names, contents, strict=True):
        h.update(name.encode())
        h.update(len(content).to_bytes(8, "little"))
        h.update(content)
    return h.hexdigest()[:16]


def _problem_name(names: list[str]) -> str:
    """The folder name for a set of ``.ts`` files: ``GunPoint`` for ``GunPoint_TRAIN.ts`` + ``GunPoint_TEST.ts``."""
    stems = {_SPLIT.sub("", Path(n).stem) for n in names}
    return stems.pop() if len(stems) == 1 else "series"


def _write_once(path: Path, content: bytes) -> None:
    """Write ``content`` atomically unless the same bytes are already there."""
    if path.is_file() and path.stat().st_size == len(content):
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)

"""Paths on disk: what kind of input a path is, how big it is, and how to read its bytes."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
from pathlib import Path

from advisor.errors import FileTooLargeError, InvalidArgumentError, UnsupportedFormatError

__all__ = [
    "COMPRESSIONS",
    "SUPPORTED_FORMATS",
    "available_memory",
    "check_size",
    "detect_kind",
    "format_bytes",
    "open_decompressed",
    "peek",
    "resolve_max_bytes",
    "split_compression",
]

DEFAULT_MAX_BYTES = 4 * 1024**3
MAX_BYTES_ENV = "ADVISOR_MAX_FILE_BYTES"
COMPRESSIONS: dict[str, str] = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd"}
DELIMITED_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
SUPPORTED_FORMATS = (
    "CSV/TSV/TXT (plain or .gz/.bz2/.xz/.zst), Parquet, UCR/UEA .ts, NumPy .npz/.npy, "
    "a .zip or folder of class subfolders holding images or .txt files, or a folder holding NAME_TRAIN.ts "
    "and NAME_TEST.ts"
)


def format_bytes(n: float) -> str:
    """Human-readable size: ``format_bytes(1536) == '1.5 KB'``."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover


def split_compression(path: Path) -> tuple[str, str | None]:
    """Return the lower-case suffix under any compression suffix, and the compression."""
    suffixes = [s.lower() for s in path.suffixes]
    compression = COMPRESSIONS.get(suffixes[-1]) if suffixes else None
    if compression is not None:
        suffixes = suffixes[:-1]
    return (suffixes[-1] if suffixes else ""), compression


def _is_ts_folder(path: Path) -> bool:
    return any(p.suffix.lower() == ".ts" and p.is_file() for p in path.iterdir())


def detect_kind(path: Path) -> tuple[str, str | None]:
    """Classify ``path``: ``(kind, compression)``.

    Kinds: ``delimited``, ``parquet``, ``ts``, ``zip``, ``npz``, ``npy``, ``class_folder`` (class
    subfolders of images or text files), ``ts_folder``. Raises :class:`UnsupportedFormatError` for anything else.
    """
    if path.is_dir():
        return ("ts_folder" if _is_ts_folder(path) else "class_folder"), None
    name = path.name.lower()
    if ".parquet" in name or name.endswith(".pq"):
        return "parquet", None
    suffix, compression = split_compression(path)
    if suffix in DELIMITED_SUFFIXES:
        return "delimited", compression
    if suffix == ".ts":
        return "ts", compression
    if compression is None and suffix in (".zip", ".npz", ".npy"):
        return suffix[1:], None
    fix = "Convert the file to CSV or Parquet."
    if suffix in (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"):
        fix = "For images, pass a folder (or .zip) with one subfolder of images per class."
    raise UnsupportedFormatError(
        f"'{path.name}' has an extension advisor does not read ({suffix or 'none'}).",
        f"Supported: {SUPPORTED_FORMATS}. {fix}",
    )


def resolve_max_bytes(max_bytes: int | None) -> int:
    """The size limit: ``max_bytes``, else env ``ADVISOR_MAX_FILE_BYTES``, else 4 GiB."""
    if max_bytes is None:
        raw = os.environ.get(MAX_BYTES_ENV, "").strip()
        if not raw:
            return DEFAULT_MAX_BYTES
        try:
            max_bytes = int(float(raw))
        except ValueError:
            raise InvalidArgumentError(
                f"Environment variable {MAX_BYTES_ENV}={raw!r} is not a number of bytes.",
                "Set it to an integer such as 4294967296, or unset it.",
            ) from None
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise InvalidArgumentError(
            f"max_bytes={max_bytes!r} is not a positive number of bytes.",
            "Pass an integer above 0, e.g. max_bytes=2_000_000_000.",
        )
    return max_bytes


def available_memory() -> int | None:
    """Bytes of memory available now (Linux ``MemAvailable``), or ``None`` when unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _total_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def check_size(path: Path, max_bytes: int) -> int:
    """Return the size of ``path`` (a folder: all its files); raise if over the limits."""
    size = _total_size(path)
    fix = (
        "Load a sample of the rows (e.g. `head -n 200000 big.csv > sample.csv`), convert it to "
        "Parquet, which is smaller and faster to read"
    )
    if size > max_bytes:
        raise FileTooLargeError(
            f"'{path.name}' is {format_bytes(size)}, over the limit of {format_bytes(max_bytes)}.",
            f"{fix}, or raise the limit with max_bytes= or {MAX_BYTES_ENV}.",
        )
    memory = available_memory()
    if memory is not None and size > memory * 0.5:
        raise FileTooLargeError(
            f"'{path.name}' is {format_bytes(size)}, more than half of the {format_bytes(memory)} of memory available.",
            f"{fix}, or run on a machine with more memory.",
        )
    return size


def open_decompressed(path: Path, compression: str | None) -> io.BufferedIOBase:
    """Open ``path`` for reading its (decompressed) bytes."""
    if compression == "gzip":
        return gzip.open(path, "rb")
    if compression == "bz2":
        return bz2.open(path, "rb")
    if compression == "xz":
        return lzma.open(path, "rb")
    if compression == "zstd":
        import pyarrow as pa

        return pa.input_stream(str(path), compression="zstd")  # type: ignore[return-value]
    return open(path, "rb")


def peek(path: Path, compression: str | None, n: int = 65536) -> bytes:
    """The first ``n`` decompressed bytes of ``path``."""
    with open_decompressed(path, compression) as fh:
        return fh.read(n)

"""Zip archives read safely in memory: no extraction, no path tricks, no decompression bombs."""

from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path
from types import TracebackType

from advisor.data.files import format_bytes
from advisor.errors import MalformedFileError, UnsafeArchiveError

__all__ = ["MAX_MEMBERS", "MAX_RATIO", "MAX_TOTAL_BYTES", "SafeZip", "check_members"]

MAX_MEMBERS = 100_000
MAX_TOTAL_BYTES = 2 * 1024**3
MAX_RATIO = 200
RATIO_MIN_BYTES = 1024 * 1024  # tiny members may compress very well without harm
_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe(archive: str, problem: str) -> UnsafeArchiveError:
    return UnsafeArchiveError(
        f"Archive '{archive}' was rejected: {problem}.",
        "Advisor never extracts archives; rebuild the zip from a plain folder of images or text files "
        "(e.g. `zip -r data.zip data/`) or pass the folder itself.",
    )


def check_members(
    infos: list[zipfile.ZipInfo],
    archive: str,
    *,
    max_members: int = MAX_MEMBERS,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    max_ratio: float = MAX_RATIO,
) -> list[zipfile.ZipInfo]:
    """Validate every member header; return the file members (directories left out)."""
    if len(infos) > max_members:
        raise _unsafe(archive, f"it holds {len(infos):,} entries, over the limit of {max_members:,}")
    total = 0
    files = []
    for info in infos:
        name = info.orig_filename or info.filename
        parts = re.split(r"[\\/]", name)
        if name.startswith(("/", "\\")) or _DRIVE.match(name):
            raise _unsafe(archive, f"member '{name}' has an absolute path")
        if ".." in parts:
            raise _unsafe(archive, f"member '{name}' points outside the archive ('..')")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise _unsafe(archive, f"member '{name}' is a symbolic link")
        if info.is_dir():
            continue
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_MIN_BYTES and ratio > max_ratio:
            raise _unsafe(
                archive,
                f"member '{name}' expands {ratio:,.0f}-fold ({format_bytes(info.compress_size)} to "
                f"{format_bytes(info.file_size)}), a decompression bomb",
            )
        files.append(info)
    if total > max_total_bytes:
        raise _unsafe(
            archive,
            f"its files expand to {format_bytes(total)}, over the limit of {format_bytes(max_total_bytes)}",
        )
    return files


class SafeZip:
    """A zip archive whose members are checked on open and read into memory with a byte cap."""

    def __init__(
        self,
        path: Path,
        *,
        max_members: int = MAX_MEMBERS,
        max_total_bytes: int = MAX_TOTAL_BYTES,
        max_ratio: float = MAX_RATIO,
    ) -> None:
        self.name = path.name
        self.max_total_bytes = max_total_bytes
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError) as err:
            raise MalformedFileError(
                f"'{path.name}' is not a readable zip archive ({err}).",
                "Check that the download finished, or re-create the archive.",
            ) from None
        try:
            self.members = check_members(
                self._zip.infolist(),
                self.name,
                max_members=max_members,
                max_total_bytes=max_total_bytes,
                max_ratio=max_ratio,
            )
        except Exception:
            self._zip.close()
            raise
        self.directories = [info for info in self._zip.infolist() if info.is_dir()]
        self._read = 0

    def read(self, info: zipfile.ZipInfo, max_bytes: int | None = None) -> bytes:
        """The member's bytes; never more than its declared size (the header is not trusted).

        With ``max_bytes``, only the first ``max_bytes`` of a larger member are read.
        """
        limit = info.file_size
        wanted = limit + 1 if max_bytes is None or max_bytes > limit else max_bytes
        try:
            with self._zip.open(info) as fh:
                data = fh.read(wanted)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, ValueError) as err:
            raise MalformedFileError(
                f"Member '{info.filename}' of '{self.name}' cannot be read ({err}).",
                "Re-create the archive without encryption, from intact files.",
            ) from None
        if len(data) > limit:
            raise _unsafe(self.name, f"member '{info.filename}' holds more data than its header says")
        self._read += len(data)
        if self._read > self.max_total_bytes:
            raise _unsafe(self.name, f"reading it passed the limit of {format_bytes(self.max_total_bytes)}")
        return data

    def close(self) -> None:
        """Close the archive file."""
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

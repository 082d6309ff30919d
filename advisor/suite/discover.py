"""Datasets in a folder: which files and subfolders are one dataset each.

A folder is either **one dataset** or a **collection** of them:

- one dataset: a folder whose only data files are one UCR/UEA ``.ts`` file or one ``NAME_TRAIN.ts`` +
  ``NAME_TEST.ts`` pair, or a tree of image class subfolders with no data files beside them;
- a collection: anything else holding data. Each of its data files is a dataset — a table
  (``.csv``, ``.tsv``, ``.txt``, ``.tab``, plain or ``.gz``/``.bz2``/``.xz``/``.zst``; ``.parquet*``,
  ``.pq``), a ``.zip`` of image class folders, an ``.npz`` with ``X``/``y``, a ``.ts`` file (a
  ``_TRAIN``/``_TEST`` pair counts once) — and each subfolder is a dataset when it is one, else a
  collection of its own (two levels down at most).

Hidden names (``.x``, ``_x``), documentation files (README, LICENSE...) and other extensions are
ignored; ``.npy`` files are skipped (they carry no labels). Loading decides the rest: an entry that
:func:`advisor.load` cannot read is reported as failed when the suite runs.
"""

from __future__ import annotations

from pathlib import Path

from advisor.data.files import detect_kind
from advisor.data.images import IMAGE_SUFFIXES
from advisor.errors import AdvisorError, DataNotFoundError, EmptyDataError
from advisor.suite.entries import SuiteEntry, default_name

__all__ = ["DATA_KINDS", "discover", "folder_kind", "is_collection"]

#: File kinds (from :func:`advisor.data.files.detect_kind`) that are a dataset on their own.
DATA_KINDS = frozenset({"delimited", "parquet", "zip", "npz", "ts"})
#: Documentation files a dataset folder often holds: never data.
DOC_STEMS = frozenset({"readme", "license", "licence", "notice", "changelog", "citation", "authors", "requirements"})
MAX_DEPTH = 2


def discover(folder: str | Path) -> list[SuiteEntry]:
    """The datasets in ``folder``: the folder itself when it is one dataset, else its entries."""
    root = Path(folder).expanduser()
    if not root.is_dir():
        raise DataNotFoundError(f"No folder at '{root}'.", "Pass a folder that holds data files.")
    if folder_kind(root) != "collection":
        return [SuiteEntry(path=str(root))]
    entries = _collection(root, depth=1)
    if not entries:
        raise EmptyDataError(
            f"Folder '{root}' holds no data files advisor reads.",
            "Put tables (.csv, .tsv, .parquet), .zip/.npz files, .ts files or image class folders in it.",
        )
    return entries


def is_collection(folder: str | Path) -> bool:
    """Whether ``folder`` holds several datasets (as opposed to being one, or holding none)."""
    path = Path(folder).expanduser()
    return path.is_dir() and folder_kind(path) == "collection"


def folder_kind(folder: Path, depth: int = 1) -> str:
    """``'ts'`` or ``'images'`` (the folder is one dataset), ``'collection'``, or ``'empty'``.

    Subfolders are looked into down to :data:`MAX_DEPTH` levels below the scanned folder.
    """
    files = _data_files(folder)
    if files:
        only_ts = all(_kind(f) == "ts" for f in files)
        return "ts" if only_ts and len(_ts_entries(files)) == 1 else "collection"
    subfolders = _subfolders(folder)
    if any(_data_files(sub) for sub in subfolders):
        return "collection"
    if _has_images(folder):
        return "images"
    if depth >= MAX_DEPTH:
        return "empty"
    return "collection" if any(folder_kind(sub, depth + 1) != "empty" for sub in subfolders) else "empty"


def _collection(folder: Path, depth: int) -> list[SuiteEntry]:
    files = _data_files(folder)
    entries = _ts_entries([f for f in files if _kind(f) == "ts"])
    entries += [SuiteEntry(path=str(f)) for f in files if _kind(f) != "ts"]
    entries.sort(key=lambda e: e.path)
    for sub in _subfolders(folder):
        kind = folder_kind(sub, depth + 1)
        if kind in ("ts", "images"):
            entries.append(SuiteEntry(path=str(sub)))
        elif kind == "collection" and depth < MAX_DEPTH:
            entries.extend(_collection(sub, depth + 1))
    return entries


def _ts_entries(files: list[Path]) -> list[SuiteEntry]:
    """One entry per ``NAME_TRAIN.ts`` + ``NAME_TEST.ts`` pair, one per other ``.ts`` file."""
    pairs: dict[str, dict[str, Path]] = {}
    for f in files:
        name = default_name(f.name)
        split = f.name[len(name) :].lower()
        for part in ("train", "test"):
            if split.startswith(f"_{part}."):
                pairs.setdefault(name, {})[part] = f
    entries: list[SuiteEntry] = []
    paired: set[Path] = set()
    for name, pair in sorted(pairs.items()):
        if len(pair) == 2:
            entries.append(SuiteEntry(path=str(pair["train"]), name=name, test_path=str(pair["test"])))
            paired.update(pair.values())
    entries += [SuiteEntry(path=str(f)) for f in files if f not in paired]
    return entries


def _kind(path: Path) -> str | None:
    try:
        return detect_kind(path)[0]
    except AdvisorError:
        return None


def _visible(path: Path) -> bool:
    return not path.name.startswith((".", "_"))


def _data_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in _children(folder)
        if p.is_file() and _kind(p) in DATA_KINDS and default_name(p.name).lower() not in DOC_STEMS
    )


def _subfolders(folder: Path) -> list[Path]:
    return sorted(p for p in _children(folder) if p.is_dir())


def _children(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if _visible(p)]
    except OSError:
        return []


def _has_images(folder: Path) -> bool:
    """Whether image files lie in class subfolders (one wrapper folder allowed) of ``folder``."""
    for sub in _subfolders(folder):
        for p in _children(sub):
            if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES:
                return True
            if p.is_dir() and any(q.suffix.lower() in IMAGE_SUFFIXES for q in _children(p) if q.is_file()):
                return True
    return False

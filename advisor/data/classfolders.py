"""Files in class subfolders of a folder or a zip (scikit-learn's ``load_files`` layout), of any kind.

The generic half of reading a labelled folder, shared by images (:mod:`advisor.data.images`) and text
(:mod:`advisor.data.textfolders`):

- list the files of a folder on disk, or of a zip read in memory through :class:`SafeZip` (never
  extracted);
- skip what operating systems leave behind (hidden names, ``__MACOSX``, ``Thumbs.db``...) silently;
- allow one wrapper folder around the class folders (``data/cats/1.png``);
- decide which kind of file the container holds: the kind found in at least two class folders, the
  more numerous one when both are (images on a tie); a ``modality=`` override picks a kind that fits;
- group that kind's files by class folder, and say in warnings what was left out (files of other
  kinds, empty class folders).

Each kind's ``reader`` then turns the grouped files into features (:class:`FolderData`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from advisor.data.archive import SafeZip
from advisor.data.dataset import Modality
from advisor.data.modality import check_fixed_modality
from advisor.errors import EmptyDataError, InvalidArgumentError, SingleClassError

__all__ = [
    "JUNK_NAMES",
    "MAX_LISTED",
    "FileKind",
    "FolderData",
    "Layout",
    "Listing",
    "Member",
    "open_listing",
    "plural",
    "quoted",
    "read_class_folders",
]

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
MAX_LISTED = 10  # names kept in meta["skipped_files"] and in messages

Parts = tuple[str, ...]


@dataclass(frozen=True)
class Member:
    """One file of the container: its path as found (wrapper folder included), size and bytes."""

    parts: Parts
    size: int
    reader: Callable[[int | None], bytes]

    @property
    def name(self) -> str:
        """The path inside the container, as messages and ``meta`` show it (``data/cats/1.png``)."""
        return "/".join(self.parts)

    def read(self, limit: int | None = None) -> bytes:
        """The file's bytes; only the first ``limit`` of them when a limit is given."""
        return self.reader(limit)


@dataclass
class Listing:
    """Every file and folder of a folder or zip, before junk is skipped."""

    container: str  # "folder 'pets'" or "archive 'pets.zip'", as messages name it
    format: str  # "folder" or "archive"
    files: list[Member]
    dirs: set[Parts]


@dataclass
class Layout:
    """The files of one kind grouped by class (sorted), plus what was left out and why."""

    container: str
    classes: dict[str, list[Member]]
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def meta(self) -> dict[str, Any]:
        """``skipped_files`` and ``warnings`` for the dataset's ``meta`` (absent when empty)."""
        meta: dict[str, Any] = {}
        if self.skipped:
            meta["skipped_files"] = {"count": len(self.skipped), "names": self.skipped[:MAX_LISTED]}
        if self.warnings:
            meta["warnings"] = list(self.warnings)
        return meta


@dataclass
class FolderData:
    """What a kind's reader makes of a layout: features, class labels (``label``) and read facts."""

    X: Any
    y: pd.Series
    modality: Modality
    reason: str
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    text_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileKind:
    """A kind of file class folders may hold (images, text files) and how to read a layout of it.

    ``loose_allowed``: files of this kind outside any class folder (a README.txt beside them) are
    skipped with a warning, as scikit-learn's ``load_files`` does; otherwise they are an error.
    """

    noun: str  # "image", "text file"
    suffixes: frozenset[str]
    example: str  # "cats/1.png, dogs/2.png"
    modality: Modality
    reader: Callable[[Layout], FolderData]
    loose_allowed: bool = False

    @property
    def plural(self) -> str:
        """``images``, ``text files``."""
        return f"{self.noun}s"

    @property
    def one(self) -> str:
        """``an image``, ``a text file``."""
        return f"{'an' if self.noun[0] in 'aeiou' else 'a'} {self.noun}"

    def accepts(self, name: str) -> bool:
        """Whether a file name has one of this kind's suffixes."""
        return Path(name).suffix.lower() in self.suffixes

    def accepted(self) -> str:
        """The suffixes, sorted: ``.md, .text, .txt``."""
        return ", ".join(sorted(self.suffixes))


@dataclass
class _Sorted:
    """One kind's view of a listing: class folders (possibly empty), other files, loose files."""

    kind: FileKind
    classes: dict[str, list[Member]]
    skipped: list[str]
    loose: list[Member]

    @property
    def count(self) -> int:
        return sum(map(len, self.classes.values())) + len(self.loose)

    def full(self) -> dict[str, list[Member]]:
        return {name: sorted(m, key=lambda e: e.name) for name, m in sorted(self.classes.items()) if m}

    def empty(self) -> list[str]:
        return sorted(name for name, members in self.classes.items() if not members)


# --- listing a folder or a zip ---------------------------------------------------------------------


def _read_file(path: Path, limit: int | None) -> bytes:
    if limit is None:
        return path.read_bytes()
    with path.open("rb") as fh:
        return fh.read(limit)


def _list_folder(folder: Path) -> Listing:
    files: list[Member] = []
    dirs: set[Parts] = set()
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if path.is_dir():
            dirs.add(parts)
        elif path.is_file():
            files.append(Member(parts, path.stat().st_size, partial(_read_file, path)))
    return Listing(f"folder '{folder.name}'", "folder", files, dirs)


def _member_parts(name: str) -> Parts:
    return tuple(p for p in name.replace("\\", "/").split("/") if p and p != ".")


def _list_zip(archive: SafeZip) -> Listing:
    files: list[Member] = []
    dirs: set[Parts] = set()
    for info in archive.members:
        parts = _member_parts(info.filename)
        files.append(Member(parts, info.file_size, partial(archive.read, info)))
        dirs.update(parts[:k] for k in range(1, len(parts)))
    for info in archive.directories:
        dirs.add(_member_parts(info.filename))
    return Listing(f"archive '{archive.name}'", "archive", files, dirs)


@contextmanager
def open_listing(path: Path) -> Iterator[Listing]:
    """List a folder, or a zip (checked by :class:`SafeZip`, kept open while its files are read)."""
    if path.is_dir():
        yield _list_folder(path)
        return
    with SafeZip(path) as archive:
        yield _list_zip(archive)


# --- sorting files into classes ----------------------------------------------------------------------


def _junk(parts: Parts) -> bool:
    return any(p.startswith(".") or p.lower() in JUNK_NAMES for p in parts)


def plural(n: int, word: str) -> str:
    """``plural(1, 'file') == '1 file'``, ``plural(1200, 'file') == '1,200 files'``."""
    return f"{n:,} {word if n == 1 else word + 's'}"


def quoted(names: Sequence[str]) -> str:
    """Quoted names, the first ``MAX_LISTED`` of them: ``'a', 'b' and 3 more``."""
    shown = [f"'{n}'" for n in names[:MAX_LISTED]]
    more = f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else ""
    return ", ".join(shown) + more


def _wrapper(entries: list[tuple[Parts, Member]], dirs: set[Parts], kind: FileKind) -> str | None:
    """The single folder around the class folders, if there is one.

    Images: every image lies two folders deep in the one top folder. Kinds that allow loose files:
    the one top folder holds more files two folders deep than directly (a README beside the classes).
    """
    members = [p for p, _ in entries if kind.accepts(p[-1])]
    if kind.loose_allowed:
        tops = {d[0] for d in dirs}
        wrapped = sum(len(p) >= 3 for p in members) > sum(len(p) == 2 for p in members)
    else:
        tops = {p[0] for p in members} | {d[0] for d in dirs}  # loose files at the top do not count
        wrapped = bool(members) and all(len(p) >= 3 for p in members)
    return next(iter(tops)) if len(tops) == 1 and wrapped else None


def _sort(files: Listing, kind: FileKind) -> _Sorted:
    """Sort the files into class folders for ``kind``; nothing is raised here."""
    entries = [(m.parts, m) for m in files.files if m.parts and not _junk(m.parts)]
    dirs = {d for d in files.dirs if d and not _junk(d)}
    wrapper = _wrapper(entries, dirs, kind)
    if wrapper is not None:  # files beside or directly inside the wrapper count as top-level files
        entries = [(p[1:] if len(p) >= 3 and p[0] == wrapper else p[-1:], m) for p, m in entries]
        dirs = {d[1:] for d in dirs if len(d) > 1 and d[0] == wrapper}
    classes: dict[str, list[Member]] = {d[0]: [] for d in dirs}
    skipped: list[str] = []
    loose: list[Member] = []
    for parts, member in entries:
        if not kind.accepts(parts[-1]):
            skipped.append(member.name)
            if len(parts) > 1:
                classes.setdefault(parts[0], [])
        elif len(parts) == 1:
            loose.append(member)
        else:
            classes.setdefault(parts[0], []).append(member)
    return _Sorted(kind, classes, sorted(skipped), loose)


# --- choosing the kind, and what is wrong when none fits ---------------------------------------------


def _nothing_found(container: str, found: _Sorted, kinds: Sequence[FileKind]) -> EmptyDataError:
    nouns = " or ".join(k.plural for k in kinds)
    examples = " or ".join(k.example for k in kinds)
    empty = found.empty()
    if found.skipped:
        what = f"its {plural(len(found.skipped), 'file')} ({quoted(found.skipped)}) are not {nouns}"
    elif empty:
        what = f"its class folder{'s' if len(empty) != 1 else ''} ({quoted(empty)}) hold no {nouns}"
    else:
        return EmptyDataError(
            f"{container} is empty: no class subfolders of {nouns}.",
            f"Make one subfolder per class, each holding that class's {nouns} ({examples}).",
        )
    suffixes = "; ".join(f"{k.plural} end in {k.accepted()}" for k in kinds)
    return EmptyDataError(
        f"No {nouns} found in {container}: {what}.",
        f"Put the {nouns} in one subfolder per class ({examples}); {suffixes}. "
        "To load a table, pass the CSV or Parquet file itself.",
    )


def _choose(files: Listing, kinds: Sequence[FileKind], wanted: Modality | None) -> _Sorted:
    """The kind ``files`` holds (see the module docstring), sorted into classes; raise when none."""
    sorts = [_sort(files, kind) for kind in kinds]
    found = [s for s in sorts if s.count]
    if not found:
        raise _nothing_found(files.container, sorts[0], kinds)
    fitting = [s for s in found if len(s.full()) >= 2] or found
    requested = [s for s in fitting if s.kind.modality == wanted]
    return requested[0] if requested else max(fitting, key=lambda s: s.count)  # first (images) on a tie


# --- checking the chosen kind's classes ---------------------------------------------------------------


def _loose_error(member: Member, kind: FileKind, container: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        f"{kind.noun.capitalize()} '{member.name}' lies at the top of {container}, outside any class folder.",
        f"Put every {kind.noun} in a subfolder named after its class ({kind.example}).",
    )


def _single_class(container: str, name: str, empty: list[str], kind: FileKind) -> SingleClassError:
    others = (
        f"; the other class folder{'s' if len(empty) != 1 else ''} ({quoted(empty)}) "
        f"hold{'s' if len(empty) == 1 else ''} no {kind.plural}"
        if empty
        else ""
    )
    return SingleClassError(
        f"{container} has a single class folder ('{name}'){others}.",
        f"A classifier needs at least two classes: add one subfolder per class, each holding {kind.plural} "
        f"({kind.accepted()}).",
    )


def _warnings(found: _Sorted, container: str) -> list[str]:
    kind, empty, skipped, loose = found.kind, found.empty(), found.skipped, [m.name for m in found.loose]
    notes = []
    if empty:
        notes.append(
            f"Skipped {plural(len(empty), 'class folder')} of {container} that "
            f"hold{'s' if len(empty) == 1 else ''} no {kind.plural}: {quoted(empty)}."
        )
    if skipped:
        notes.append(
            f"Skipped {plural(len(skipped), 'file')} of {container} that "
            f"{f'are not {kind.plural}' if len(skipped) != 1 else f'is not {kind.one}'}: {quoted(skipped)} "
            f"({kind.plural} end in {kind.accepted()})."
        )
    if loose:
        notes.append(
            f"Skipped {plural(len(loose), kind.noun)} of {container} that "
            f"lie{'s' if len(loose) == 1 else ''} outside any class folder: {quoted(loose)}."
        )
    return notes


def _layout(found: _Sorted, container: str) -> Layout:
    """Check the sorted files (no loose files where not allowed, two classes or more): the layout."""
    kind, full = found.kind, found.full()
    if found.loose and (not kind.loose_allowed or not full):
        raise _loose_error(found.loose[0], kind, container)
    if not full:
        raise _nothing_found(container, found, (kind,))
    if len(full) < 2:
        raise _single_class(container, next(iter(full)), found.empty(), kind)
    skipped = sorted([*found.skipped, *(m.name for m in found.loose)])
    return Layout(container, full, skipped, _warnings(found, container))


def read_class_folders(path: Path, kinds: Sequence[FileKind], wanted: Modality | None = None) -> FolderData:
    """Read a folder or zip of class subfolders as the kind of file it holds.

    ``wanted`` (a ``modality=`` override) picks that kind when it fits, and is a
    :class:`ModalityError` when the container holds another kind only.
    """
    with open_listing(path) as files:
        found = _choose(files, kinds, wanted)
        kind = found.kind
        check_fixed_modality(wanted, kind.modality, f"{files.container} holds {kind.modality.value} files")
        layout = _layout(found, files.container)
        data = kind.reader(layout)
    meta = layout.meta()
    warnings = [*meta.pop("warnings", []), *data.warnings]
    data.meta = {"format": files.format, **data.meta, **meta, **({"warnings": warnings} if warnings else {})}
    return data

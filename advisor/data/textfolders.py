"""Text files in class subfolders (a folder or a zip): one document per file, its folder the label.

The layout scikit-learn's ``load_files`` reads (``news/sports/1.txt``, ``news/politics/2.txt``).
Listing, junk, the wrapper folder and grouping by class are :mod:`advisor.data.classfolders`'s; this
module is the text kind (:data:`TEXTS`): suffixes, and the reader that decodes each file (encoding
guessed as for delimited files, byte-order mark dropped) into one ``text`` column. At most
``MAX_FILE_BYTES`` are read per file; text files beside the class folders (a README) are skipped.
"""

from __future__ import annotations

import codecs
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from advisor.data.classfolders import MAX_LISTED, FileKind, FolderData, Layout, Member, plural, quoted
from advisor.data.dataset import Modality
from advisor.data.delimited import detect_encoding, looks_binary
from advisor.data.files import format_bytes
from advisor.errors import EmptyTextError, MalformedFileError

__all__ = ["MAX_FILE_BYTES", "TEXTS", "TEXT_COLUMN", "TEXT_SUFFIXES", "decode_text", "read_texts"]

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
TEXT_COLUMN = "text"
# Bytes read per file: models read the first 20,000 characters of a text (benchmarking.inputs.MAX_TEXT_CHARS).
MAX_FILE_BYTES = 2 * 1024**2
SNIFF_BYTES = 65_536  # bytes that decide the encoding and whether a file is binary


@dataclass
class _Texts:
    """The decoded documents and what reading them found."""

    texts: list[str] = field(default_factory=list)
    encodings: Counter[str] = field(default_factory=Counter)
    empty: list[str] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a file's bytes and the encoding used.

    The encoding is judged on the first 64 KB as for delimited files: a byte-order mark, else UTF-8
    when it decodes, else charset_normalizer's guess, else UTF-8. Undecodable bytes become U+FFFD;
    a byte-order mark is dropped.
    """
    encoding = codecs.lookup(detect_encoding(data[:SNIFF_BYTES], fallback="utf-8")).name
    return data.decode(encoding, errors="replace").removeprefix("\ufeff"), encoding


def _read_one(member: Member, container: str) -> tuple[str, str]:
    data = member.read(MAX_FILE_BYTES)
    if looks_binary(data[:SNIFF_BYTES]):
        raise MalformedFileError(
            f"Text file '{member.name}' in {container} holds binary data (NUL bytes or control characters), not text.",
            "Remove the file, or save it as plain text (UTF-8).",
        )
    text, encoding = decode_text(data)
    if member.size > MAX_FILE_BYTES:  # the cut may split a character
        text = text.removesuffix("\ufffd")
    return text, encoding


def _read_all(layout: Layout) -> _Texts:
    read = _Texts()
    for members in layout.classes.values():
        for member in members:
            text, encoding = _read_one(member, layout.container)
            read.texts.append(text)
            read.encodings[encoding] += 1
            if not text.strip():
                read.empty.append(member.name)
            if member.size > MAX_FILE_BYTES:
                read.truncated.append(member.name)
    return read


def _warnings(read: _Texts, container: str) -> list[str]:
    notes = []
    if read.empty:
        verb = "is" if len(read.empty) == 1 else "are"
        notes.append(
            f"{plural(len(read.empty), 'text file')} of {container} {verb} empty (kept as empty texts): "
            f"{quoted(read.empty)}."
        )
    if read.truncated:
        notes.append(
            f"Read only the first {format_bytes(MAX_FILE_BYTES)} of {plural(len(read.truncated), 'text file')} "
            f"of {container} larger than that: {quoted(read.truncated)} (models read the first 20,000 "
            "characters of a text)."
        )
    return notes


def _meta(read: _Texts, layout: Layout) -> dict[str, object]:
    meta: dict[str, object] = {
        "class_names": list(layout.classes),
        "n_texts": len(read.texts),
        "files_per_class": {label: len(members) for label, members in layout.classes.items()},
        "encodings": dict(read.encodings.most_common()),
    }
    if read.empty:
        meta["empty_files"] = {"count": len(read.empty), "names": sorted(read.empty)[:MAX_LISTED]}
    if read.truncated:
        meta["truncated_files"] = {"count": len(read.truncated), "names": sorted(read.truncated)[:MAX_LISTED]}
    return meta


def read_texts(layout: Layout) -> FolderData:
    """Decode every text file of ``layout`` into a one-column table (``text``); labels are the folders."""
    read = _read_all(layout)
    if len(read.empty) == len(read.texts):
        raise EmptyTextError(
            f"Every text file in {layout.container} is empty ({plural(len(read.texts), 'file')} in "
            f"{len(layout.classes)} class folders).",
            "Put each document's text in its file, or pass the folder that holds the documents.",
        )
    labels = [label for label, members in layout.classes.items() for _ in members]
    mean = sum(map(len, read.texts)) / len(read.texts)
    reason = (
        f"{layout.container} holds {plural(len(read.texts), 'text file')} in {len(layout.classes)} class "
        f"subfolders (mean {mean:,.0f} characters)"
    )
    return FolderData(
        X=pd.DataFrame({TEXT_COLUMN: read.texts}),
        y=pd.Series(labels, name="label", dtype=object),
        modality=Modality.TEXT,
        reason=reason,
        meta=_meta(read, layout),
        warnings=_warnings(read, layout.container),
        text_columns=(TEXT_COLUMN,),
    )


TEXTS = FileKind(
    noun="text file",
    suffixes=TEXT_SUFFIXES,
    example="spam/1.txt, ham/2.txt",
    modality=Modality.TEXT,
    reader=read_texts,
    loose_allowed=True,
)

"""Delimited text files (CSV/TSV/TXT, optionally compressed): sniff the dialect, then read fast."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from advisor.data.files import open_decompressed, peek
from advisor.errors import EmptyDataError, MalformedFileError

__all__ = ["Dialect", "detect_encoding", "looks_binary", "read_delimited", "sniff_dialect"]

PEEK_BYTES = 65536
DELIMITERS = (",", "\t", ";", "|")
_UTF8 = ("utf-8", "utf_8", "ascii", "utf-8-sig")
WESTERN = ("cp1252", "latin_1", "iso8859_15")


@dataclass(frozen=True)
class Dialect:
    """How a delimited file is written."""

    delimiter: str
    encoding: str
    header: bool
    quoting: int = csv.QUOTE_MINIMAL


def looks_binary(sample: bytes) -> bool:
    """True when ``sample`` is not text: NUL bytes or many control characters."""
    if not sample or sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in sample:
        return True
    control = sum(sample.count(bytes([b])) for b in (*range(9), *range(14, 32)))
    return control > 0.05 * len(sample)


def detect_encoding(sample: bytes, fallback: str = "latin-1") -> str:
    """Guess the encoding: UTF-8 when ``sample`` decodes, else charset_normalizer, else ``fallback``."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(sample[:PEEK_BYTES]))
    if matches:
        best = matches[0]
        tied = {m.encoding for m in matches if m.chaos <= best.chaos + 1e-9 and m.coherence >= best.coherence - 1e-9}
        # short samples fit several code pages equally well: prefer the Western ones
        choice = next((e for e in WESTERN if e in tied), best.encoding)
        try:
            return codecs.lookup(choice).name
        except LookupError:
            pass
    return fallback


def _rows(text: str, delimiter: str, quoting: int, limit: int = 200) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quoting=quoting)  # type: ignore[arg-type]
    try:
        return [row for row in itertools.islice(reader, limit) if row]
    except csv.Error:
        return []


def _consistency(rows: list[list[str]]) -> tuple[float, int]:
    if not rows:
        return 0.0, 0
    width, freq = Counter(len(r) for r in rows).most_common(1)[0]
    return (freq / len(rows) if width >= 2 else 0.0), width


def _uses_raw_quotes(rows: list[list[str]]) -> bool:
    """True when quotes appear inside unquoted fields (text such as ``say "hi" now``)."""
    for row in rows:
        for field in row:
            stripped = field.strip().replace('""', "")
            if stripped.startswith('"'):
                stripped = stripped[1:]
            if stripped.endswith('"'):
                stripped = stripped[:-1]
            if '"' in stripped:
                return True
    return False


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


NA_MARKERS = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "-"})


def _header_score(rows: list[list[str]]) -> int:
    """Positive when the first row looks like column names, negative when it looks like data.

    A word above a numeric column is decisive (data rows do not hold names there); otherwise each
    column votes: a value repeated below it or a long sentence says data, a value unlike the rest
    says header.
    """
    first, rest = rows[0], rows[1:50]
    named = [v.strip() for v in first if v.strip()]
    score = -1 if len(set(named)) < len(named) else 0
    for j, value in enumerate(v.strip() for v in first):
        column = [r[j].strip() for r in rest if len(r) > j and r[j].strip()]
        if not value or not column:
            continue
        if sum(map(_is_number, column)) >= 0.9 * len(column):
            if not _is_number(value):
                if value.lower() not in NA_MARKERS:
                    return len(first)
                continue
            all_decimal = all("." in v or "e" in v.lower() for v in column)
            score += 1 if all_decimal and value.lstrip("-").isdigit() else -1
        elif value in set(column) or len(value) > 40 or value.count(" ") >= 5:
            score -= 1
        elif len({len(v) for v in column}) == 1 and len(value) != len(column[0]):
            score += 1
    return score


def sniff_dialect(text: str, encoding: str, hint: str | None = None) -> Dialect:
    """Choose delimiter, quoting and header presence from the decoded start of a file."""
    best: tuple[tuple[float, bool, int], str] | None = None
    for delimiter in DELIMITERS:
        for quoting in (csv.QUOTE_MINIMAL, csv.QUOTE_NONE):
            consistency, width = _consistency(_rows(text, delimiter, quoting))
            if consistency == 0:
                continue
            key = (consistency, delimiter == hint, width)
            if best is None or key > best[0]:
                best = (key, delimiter)
    delimiter = best[1] if best else (hint or ",")
    raw_rows = _rows(text, delimiter, csv.QUOTE_NONE)
    quoting = csv.QUOTE_NONE if _uses_raw_quotes(raw_rows) else csv.QUOTE_MINIMAL
    rows = _rows(text, delimiter, quoting)
    header = len(rows) < 2 or _header_score(rows) >= 0
    return Dialect(delimiter=delimiter, encoding=encoding, header=header, quoting=quoting)


def _decode_sample(sample: bytes, encoding: str, truncated: bool) -> str:
    text = sample.decode(encoding, errors="replace")
    if truncated and "\n" in text:
        text = text[: text.rindex("\n")]
    return text


def _read_csv(path: Path, compression: str | None, dialect: Dialect, engine: str) -> pd.DataFrame:
    kwargs: dict[str, Any] = {
        "sep": dialect.delimiter,
        "header": 0 if dialect.header else None,
        "encoding": dialect.encoding,
        "engine": engine,
    }
    if engine == "c":
        kwargs.update(low_memory=False, on_bad_lines="error", quoting=dialect.quoting)
    if compression == "zstd":
        with open_decompressed(path, compression) as fh:
            return pd.read_csv(fh, compression=None, **kwargs)
    return pd.read_csv(path, compression=compression, **kwargs)


def _engines(dialect: Dialect) -> list[tuple[str, Dialect]]:
    attempts: list[tuple[str, Dialect]] = []
    if dialect.encoding in _UTF8 and dialect.quoting == csv.QUOTE_MINIMAL:
        attempts.append(("pyarrow", dialect))
    attempts.append(("c", dialect))
    other = csv.QUOTE_NONE if dialect.quoting == csv.QUOTE_MINIMAL else csv.QUOTE_MINIMAL
    attempts.append(("c", Dialect(dialect.delimiter, dialect.encoding, dialect.header, other)))
    if dialect.encoding != "latin-1":
        attempts.append(("c", Dialect(dialect.delimiter, "latin-1", dialect.header, dialect.quoting)))
    return attempts


def read_delimited(path: Path, compression: str | None, hint: str | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read a delimited file into a DataFrame; also return what was sniffed (for ``meta``)."""
    try:
        sample = peek(path, compression, PEEK_BYTES)
    except (OSError, EOFError, ValueError) as err:
        raise MalformedFileError(
            f"'{path.name}' cannot be decompressed ({err}).",
            "Check that the file is complete and its extension matches its compression.",
        ) from None
    if not sample.strip():
        raise EmptyDataError(f"'{path.name}' is empty.", "Pass a file with a header and rows.")
    if looks_binary(sample):
        raise MalformedFileError(
            f"'{path.name}' is not a text table: it holds binary data.",
            "Pass a CSV/TSV text file; if this is Parquet, an image or an archive, give it the "
            "matching extension (.parquet, .zip, .npz).",
        )
    encoding = detect_encoding(sample)
    dialect = sniff_dialect(_decode_sample(sample, encoding, len(sample) == PEEK_BYTES), encoding, hint)
    errors: list[str] = []
    for engine, attempt in _engines(dialect):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                frame = _read_csv(path, compression, attempt, engine)
        except pd.errors.EmptyDataError:
            raise EmptyDataError(
                f"'{path.name}' has no columns to read.", "Pass a file with a header and rows."
            ) from None
        except (ValueError, UnicodeDecodeError, OSError, EOFError, csv.Error) as err:
            errors.append(str(err).strip().splitlines()[0] if str(err).strip() else repr(err))
            continue
        dialect = attempt
        break
    else:
        raise MalformedFileError(
            f"'{path.name}' cannot be parsed as a delimited table: {errors[-1]}",
            "Check that every row has the same number of fields and that quotes are balanced; "
            "or save the table as Parquet.",
        )
    if dialect.header:
        frame.columns = [str(c) for c in frame.columns]
    else:
        frame.columns = [f"column_{i}" for i in range(frame.shape[1])]
    meta = {
        "format": "delimited",
        "delimiter": dialect.delimiter,
        "encoding": dialect.encoding,
        "header": dialect.header,
        "compression": compression,
        "engine": engine,
    }
    return frame, meta

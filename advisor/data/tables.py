"""Read a table file (delimited text or Parquet) into a DataFrame."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from advisor.data.delimited import read_delimited
from advisor.data.files import detect_kind, split_compression
from advisor.errors import EmptyDataError, MalformedFileError, UnsupportedFormatError

__all__ = ["read_parquet", "read_table"]


def read_parquet(path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read a Parquet file (any name containing ``.parquet``)."""
    if path.stat().st_size == 0:
        raise EmptyDataError(f"'{path.name}' is empty.", "Pass a Parquet file with rows.")
    try:
        frame = pd.read_parquet(path)
    except Exception as err:  # pyarrow raises many types for broken files
        raise MalformedFileError(
            f"'{path.name}' cannot be read as Parquet ({type(err).__name__}: {err}).",
            "Check that the file is complete (not truncated) and really is Parquet; "
            "re-export it, or save the table as CSV.",
        ) from None
    frame.columns = [str(c) for c in frame.columns]
    return frame, {"format": "parquet"}


def read_table(path: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read a CSV/TSV/TXT (maybe compressed) or Parquet file; return the frame and read facts.

    The CLI uses this to show columns and propose a target before loading.
    """
    path = Path(path)
    kind, compression = detect_kind(path)
    if kind == "parquet":
        return read_parquet(path)
    if kind == "delimited":
        suffix, _ = split_compression(path)
        return read_delimited(path, compression, "\t" if suffix in (".tsv", ".tab") else None)
    raise UnsupportedFormatError(f"'{path.name}' is not a table file.", "Pass a CSV, TSV, TXT or Parquet file.")

"""UCR/UEA ``.ts`` files: one file, or a folder holding ``NAME_TRAIN.ts`` and ``NAME_TEST.ts``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from advisor.data.files import open_decompressed, split_compression
from advisor.errors import (
    EmptyDataError,
    InvalidArgumentError,
    MalformedFileError,
    UnsupportedFormatError,
)

__all__ = ["TsData", "describe_series", "parse_ts", "read_ts_file", "read_ts_folder"]


@dataclass
class TsData:
    """Series read from ``.ts`` text: ``series[i]`` is ``(channels, length)`` float32."""

    series: list[np.ndarray]
    labels: pd.Series | None
    header: dict[str, str] = field(default_factory=dict)

    @property
    def regression(self) -> bool:
        """True when the file declares a numeric target (``@targetLabel true``)."""
        return self.header.get("targetlabel", "").lower().startswith("true")


def describe_series(series: list[np.ndarray]) -> str:
    """``'200 series, 1 channel, length 150'`` (or ``length 7 to 29``)."""
    lengths = [s.shape[1] for s in series]
    channels = series[0].shape[0]
    low, high = min(lengths), max(lengths)
    span = f"length {low}" if low == high else f"length {low} to {high}"
    return f"{len(series)} series, {channels} channel{'s' if channels != 1 else ''}, {span}"


def _channel(text: str, name: str, lineno: int) -> np.ndarray:
    values = text.strip().split(",")
    try:
        return np.array([v.strip() if v.strip() != "?" else "nan" for v in values], np.float32)
    except ValueError:
        bad = next((v for v in values if v.strip() != "?" and not _floatable(v)), values[0])
        raise MalformedFileError(
            f"'{name}' line {lineno}: value {bad.strip()[:30]!r} is not a number.",
            "Each channel must be comma-separated numbers ('?' for missing); channels are "
            "separated by ':' and the label comes last.",
        ) from None


def _floatable(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _case(parts: list[str], name: str, lineno: int) -> np.ndarray:
    channels = [_channel(p, name, lineno) for p in parts]
    length = max(len(c) for c in channels)
    if any(len(c) != length for c in channels):
        channels = [np.pad(c, (0, length - len(c)), constant_values=np.nan) for c in channels]
    return np.stack(channels)


def parse_ts(text: str, name: str) -> TsData:
    """Parse the text of a ``.ts`` file (``name`` is used in error messages)."""
    header: dict[str, str] = {}
    series: list[np.ndarray] = []
    labels: list[str] = []
    in_data = has_label = False
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            if not line.startswith("@"):
                raise MalformedFileError(
                    f"'{name}' line {lineno} is neither a header line (@...) nor after @data.",
                    "A .ts file starts with @-header lines (@problemName, @classLabel...), then "
                    "@data, then one series per line.",
                )
            key, _, value = line[1:].partition(" ")
            key = key.strip().lower()
            if key == "data":
                in_data = True
                has_label = any(header.get(k, "").lower().startswith("true") for k in ("classlabel", "targetlabel"))
                if header.get("timestamps", "").lower().startswith("true"):
                    raise UnsupportedFormatError(
                        f"'{name}' uses time stamps (@timeStamps true), which advisor does not read.",
                        "Export the series without time stamps, or as a long table (id, time, value).",
                    )
            else:
                header[key] = value.strip()
            continue
        parts = line.split(":")
        if has_label:
            if len(parts) < 2 or "," in parts[-1]:
                raise MalformedFileError(
                    f"'{name}' line {lineno} has no label after the last ':'.",
                    "The header says the cases are labelled (@classLabel true): end every line with ':' and the label.",
                )
            labels.append(parts[-1].strip())
            parts = parts[:-1]
        series.append(_case(parts, name, lineno))
        if series[-1].shape[0] != series[0].shape[0]:
            raise MalformedFileError(
                f"'{name}' line {lineno} has {series[-1].shape[0]} channels; earlier lines have {series[0].shape[0]}.",
                "Every case must have the same number of ':'-separated channels.",
            )
    if not in_data:
        raise MalformedFileError(
            f"'{name}' has no @data line, so it is not a UCR/UEA .ts file.",
            "Check the file; a .ts file has @-header lines, then @data, then the series.",
        )
    if not series:
        raise EmptyDataError(f"'{name}' has no series after @data.", "Pass a .ts file with data.")
    return TsData(series, _labels(labels, header, name) if has_label else None, header)


def _labels(labels: list[str], header: dict[str, str], name: str) -> pd.Series:
    y = pd.Series(labels, dtype=object).replace({"?": None, "": None})
    if header.get("targetlabel", "").lower().startswith("true"):
        try:
            return pd.to_numeric(y).rename("target")
        except (ValueError, TypeError):
            raise MalformedFileError(
                f"'{name}' declares a numeric target (@targetLabel true) but a label is not a number.",
                "Fix the labels, or declare @classLabel true with the class names.",
            ) from None
    return y.rename("label")


def read_ts_file(path: Path) -> TsData:
    """Read one ``.ts`` file (optionally compressed)."""
    _, compression = split_compression(path)
    try:
        with open_decompressed(path, compression) as fh:
            raw = fh.read()
    except (OSError, EOFError) as err:
        raise MalformedFileError(f"'{path.name}' cannot be read ({err}).", "Check the file.") from None
    if not raw.strip():
        raise EmptyDataError(f"'{path.name}' is empty.", "Pass a .ts file with a header and data.")
    if b"\x00" in raw[:65536]:
        raise MalformedFileError(f"'{path.name}' is binary, not a UCR/UEA .ts text file.", "Check the file.")
    return parse_ts(raw.decode("utf-8", errors="replace"), path.name)


def _concat(parts: list[TsData], names: list[str]) -> TsData:
    channels = {p.series[0].shape[0] for p in parts}
    if len(channels) > 1:
        raise MalformedFileError(
            f"{' and '.join(names)} have different numbers of channels ({sorted(channels)}).",
            "The train and test files must describe the same kind of series.",
        )
    labelled = [p.labels is not None for p in parts]
    if any(labelled) and not all(labelled):
        raise MalformedFileError(f"Only some of {', '.join(names)} have labels.", "Label every file, or none.")
    labels = pd.concat([p.labels for p in parts], ignore_index=True) if all(labelled) else None
    series = [s for p in parts for s in p.series]
    return TsData(series, labels, parts[0].header)


def read_ts_folder(folder: Path) -> tuple[TsData, dict[str, Any]]:
    """Read a folder with ``NAME_TRAIN.ts`` + ``NAME_TEST.ts`` (or a single ``.ts`` file)."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".ts")
    pairs: dict[str, dict[str, Path]] = {}
    for p in files:
        stem = p.stem
        for split in ("train", "test"):
            if stem.lower().endswith("_" + split):
                pairs.setdefault(stem[: -len(split) - 1], {})[split] = p
    complete = {k: v for k, v in pairs.items() if len(v) == 2}
    if len(complete) == 1:
        prefix, pair = next(iter(complete.items()))
        train, test = read_ts_file(pair["train"]), read_ts_file(pair["test"])
        data = _concat([train, test], [pair["train"].name, pair["test"].name])
        meta = {
            "files": [pair["train"].name, pair["test"].name],
            "predefined_split": {"train": len(train.series), "test": len(test.series)},
            "problem_name": data.header.get("problemname", prefix),
        }
        return data, meta
    if len(files) == 1:
        data = read_ts_file(files[0])
        return data, {"files": [files[0].name], "problem_name": data.header.get("problemname")}
    raise InvalidArgumentError(
        f"Folder '{folder.name}' holds {len(files)} .ts files that are not one TRAIN/TEST pair: "
        f"{', '.join(p.name for p in files[:10])}.",
        "Pass one .ts file, or a folder with exactly NAME_TRAIN.ts and NAME_TEST.ts.",
    )

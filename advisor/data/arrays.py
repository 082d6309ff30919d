"""NumPy input: arrays passed in memory, and ``.npz`` / ``.npy`` files."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from advisor.data.archive import check_members
from advisor.data.dataset import Modality
from advisor.errors import (
    EmptyDataError,
    InvalidArgumentError,
    MalformedFileError,
    ModalityError,
    WrongTypeError,
)

__all__ = ["ArrayLayout", "array_layout", "as_labels", "read_npy", "read_npz"]

NPZ_KEYS = (
    ("X", "y"),
    ("x", "y"),
    ("X", "Y"),
    ("images", "labels"),
    ("data", "target"),
    ("data", "labels"),
    ("arr_0", "arr_1"),
)


@dataclass
class ArrayLayout:
    """How a 3-D or 4-D array is read: images ``(n,H,W,C)`` or a list of series."""

    X: Any
    modality: Modality
    reason: str


def as_labels(target: Any, n_rows: int, name: str = "target") -> pd.Series:
    """Turn an array-like of labels into a Series; its length must be ``n_rows``."""
    if isinstance(target, pd.Series):
        y = target.reset_index(drop=True)
    else:
        try:
            values = np.asarray(target)
        except Exception as err:
            raise WrongTypeError(
                f"target of type {type(target).__name__} cannot be read as labels ({err}).",
                "Pass a column name, or a list / array / Series with one label per row.",
            ) from None
        if values.ndim != 1:
            raise InvalidArgumentError(
                f"target has shape {values.shape}; labels must be one-dimensional.",
                "Pass one label per row, e.g. y.ravel().",
            )
        y = pd.Series(values, name=name)
    if len(y) != n_rows:
        raise InvalidArgumentError(
            f"target has {len(y)} labels but the data has {n_rows} rows.",
            "Pass exactly one label per row, in the same order.",
        )
    return y if y.name is not None else y.rename(name)


def _image_dtype(arr: np.ndarray) -> np.ndarray:
    if arr.dtype == np.uint8:
        return arr
    if arr.dtype.kind in "biu" and arr.size and arr.min() >= 0 and arr.max() <= 255:
        return arr.astype(np.uint8)
    return arr.astype(np.float32)


def array_layout(arr: np.ndarray, modality: Modality | None) -> ArrayLayout:
    """Decide how a 3-D/4-D array is read, honouring a ``modality`` override where it fits."""
    shape = arr.shape
    if arr.ndim == 4:
        if modality not in (None, Modality.IMAGE):
            raise ModalityError(
                f"A 4-D array of shape {shape} holds images; it cannot be read as {modality.value}.",
                "Drop the modality override, or reshape the array.",
            )
        if shape[3] in (1, 3):
            return ArrayLayout(
                _image_dtype(arr),
                Modality.IMAGE,
                f"4-D array of shape {shape}: {shape[0]} images of {shape[1]}x{shape[2]} with "
                f"{shape[3]} channel{'s' if shape[3] > 1 else ''} (channels last)",
            )
        if shape[1] in (1, 3):
            return ArrayLayout(
                _image_dtype(np.ascontiguousarray(arr.transpose(0, 2, 3, 1))),
                Modality.IMAGE,
                f"4-D array of shape {shape}: {shape[0]} images of {shape[2]}x{shape[3]} with "
                f"{shape[1]} channel{'s' if shape[1] > 1 else ''} (channels first, moved last)",
            )
        raise InvalidArgumentError(
            f"A 4-D array of shape {shape} has no channel axis of size 1 or 3.",
            "Pass images as (n, height, width, channels) or (n, channels, height, width) with 1 "
            "(gray) or 3 (RGB) channels.",
        )
    if modality in (Modality.TABULAR, Modality.TEXT):
        raise ModalityError(
            f"A 3-D array of shape {shape} cannot be read as {modality.value}.",
            "Reshape it to 2-D (n, features) for a table, or drop the modality override.",
        )
    square = shape[1] == shape[2]
    if modality is Modality.IMAGE or (modality is None and square):
        why = "equal last two sides" if square else "modality 'image' requested"
        return ArrayLayout(
            _image_dtype(arr)[..., None],
            Modality.IMAGE,
            f"3-D array of shape {shape} ({why}): {shape[0]} grayscale images of {shape[1]}x{shape[2]}",
        )
    values = arr.astype(np.float32, copy=False)
    return ArrayLayout(
        list(values),
        Modality.TIMESERIES,
        f"3-D array of shape {shape} read as {shape[0]} series of {shape[1]} channel"
        f"{'s' if shape[1] != 1 else ''} and length {shape[2]} (n, channels, length)",
    )


def check_array(arr: np.ndarray, what: str) -> None:
    """Reject arrays advisor cannot use: 0-D/1-D, 5-D+, empty or object dtype."""
    if arr.ndim < 2 or arr.ndim > 4:
        raise InvalidArgumentError(
            f"{what} has {arr.ndim} dimension{'s' if arr.ndim != 1 else ''} (shape {arr.shape}).",
            "Pass a 2-D table (n, features), 3-D series (n, channels, length) or grayscale "
            "images (n, H, W), or 4-D images (n, H, W, C).",
        )
    if arr.shape[0] == 0 or arr.size == 0:
        raise EmptyDataError(f"{what} is empty (shape {arr.shape}).", "Pass an array with rows.")
    if arr.ndim > 2 and arr.dtype.kind not in "biuf":
        raise WrongTypeError(
            f"{what} has dtype {arr.dtype}; images and series must be numeric.",
            "Convert it with arr.astype('float32').",
        )


def _pick_keys(keys: Sequence[str], name: str) -> tuple[str, str | None]:
    for x_key, y_key in NPZ_KEYS:
        if x_key in keys:
            return x_key, (y_key if y_key in keys else None)
    raise MalformedFileError(
        f"'{name}' holds arrays {', '.join(repr(k) for k in keys) or '(none)'} but no feature "
        "array advisor recognises.",
        "Save it as np.savez(path, X=features, y=labels) (also accepted: x/y, images/labels, data/target).",
    )


def read_npz(path: Path) -> tuple[np.ndarray, np.ndarray | None, dict[str, Any]]:
    """Features and labels from an ``.npz`` (checked like any zip before numpy opens it)."""
    try:
        with zipfile.ZipFile(path) as zf:
            check_members(zf.infolist(), path.name)
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise MalformedFileError(
            f"'{path.name}' is not a valid .npz file ({err}).", "Re-save it with np.savez."
        ) from None
    try:
        with np.load(path, allow_pickle=False) as npz:
            x_key, y_key = _pick_keys(list(npz.keys()), path.name)
            X = npz[x_key]
            y = npz[y_key] if y_key else None
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as err:
        raise MalformedFileError(
            f"'{path.name}' cannot be read as .npz ({err}).",
            "Re-save it with np.savez(path, X=..., y=...) using numeric or string arrays (no Python objects).",
        ) from None
    return X, y, {"format": "npz", "keys": [x_key] + ([y_key] if y_key else [])}


def read_npy(path: Path) -> np.ndarray:
    """One array from an ``.npy`` file (no pickled objects)."""
    try:
        return np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as err:
        raise MalformedFileError(f"'{path.name}' cannot be read as .npy ({err}).", "Re-save it with np.save.") from None

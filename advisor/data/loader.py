"""``load``: any supported source (path, DataFrame, array, bundled name) to a :class:`Dataset`."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from advisor.data.arrays import array_layout, as_labels, check_array, read_npy, read_npz
from advisor.data.build import finish
from advisor.data.classfolders import read_class_folders
from advisor.data.dataset import Dataset, Modality
from advisor.data.files import check_size, detect_kind, resolve_max_bytes
from advisor.data.frame import dataset_from_frame
from advisor.data.images import IMAGES
from advisor.data.modality import check_fixed_modality, parse_modality
from advisor.data.tables import read_table
from advisor.data.textfolders import TEXTS
from advisor.data.timeseries import TsData, describe_series, read_ts_file, read_ts_folder
from advisor.errors import DataNotFoundError, InvalidArgumentError, WrongTypeError

__all__ = ["load"]

Source: TypeAlias = str | os.PathLike[str] | pd.DataFrame | np.ndarray
#: What class subfolders (of a folder or a zip) may hold; images win a tie.
CLASS_FOLDER_KINDS = (IMAGES, TEXTS)


def load(
    source: Source,
    target: Any = None,
    modality: str | Modality | None = None,
    *,
    name: str | None = None,
    max_bytes: int | None = None,
    drop_empty_columns: bool = False,
    task: str | None = None,
    metric: str | None = None,
) -> Dataset:
    """Load ``source`` into a :class:`Dataset`, detecting its modality unless one is given.

    ``source`` is a path to a file or folder, a DataFrame, a numpy array, or the name of a bundled
    dataset. ``target`` is a column name (or, for arrays, one label per row); folders and zips of
    class subfolders (images, or text files as scikit-learn's ``load_files`` reads them), ``.npz``
    and ``.ts`` files carry their labels. Without a target for a table, ``y`` is ``None``.
    ``task`` ('binary', 'multiclass', 'classification', 'regression') overrides the detected task and
    ``metric`` names the score the user is judged on (see :func:`advisor.metrics.resolve_metric`); both
    travel with the dataset to :func:`advisor.profile`, :func:`advisor.recommend` and :func:`advisor.benchmark`.
    Errors are :class:`advisor.errors.AdvisorError` subclasses whose message says what to fix.
    """
    return _load(source, target, modality, name, max_bytes, drop_empty_columns).stating(task, metric)


def _load(
    source: Source,
    target: Any,
    modality: str | Modality | None,
    name: str | None,
    max_bytes: int | None,
    drop_empty_columns: bool,
) -> Dataset:
    wanted = parse_modality(modality)
    if name is not None and not isinstance(name, str):
        raise WrongTypeError(f"name must be a string, not {type(name).__name__}.", "Pass name='my data'.")
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        frame.columns = [str(c) for c in frame.columns]
        return dataset_from_frame(
            frame,
            target,
            wanted,
            name=name or "dataset",
            source="DataFrame",
            where="the DataFrame",
            drop_empty=drop_empty_columns,
            meta={"format": "dataframe"},
        )
    if isinstance(source, np.ndarray):
        return _from_array(
            source,
            target,
            wanted,
            name=name or "array",
            source="numpy array",
            where="the array",
            drop_empty=drop_empty_columns,
            meta={"format": "array"},
        )
    if isinstance(source, (str, os.PathLike)) and not isinstance(source, bytes):
        return _from_path(source, target, wanted, name, max_bytes, drop_empty_columns)
    hint = (
        " (convert it with pd.DataFrame(...) or np.asarray(...))"
        if isinstance(source, (list, tuple, dict, pd.Series))
        else ""
    )
    raise WrongTypeError(
        f"Cannot load data from a {type(source).__name__}{hint}.",
        "Pass a path (str or Path) to a file or folder, a pandas DataFrame, a numpy array, or a "
        "bundled dataset name (see advisor.datasets.names()).",
    )


def _not_found(source: str) -> DataNotFoundError:
    from advisor import datasets

    names = datasets.names()
    looks_like_name = not any(sep in source for sep in ("/", "\\")) and "." not in source
    if looks_like_name:
        close = difflib.get_close_matches(source, names, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        return DataNotFoundError(
            f"'{source}' is neither a file or folder nor a bundled dataset.{hint}",
            f"Check the path, or use a bundled dataset: {', '.join(names)}.",
        )
    return DataNotFoundError(
        f"No file or folder at '{source}'.",
        f"Check the path (relative paths start from the current folder: {Path.cwd()}).",
    )


def _default_name(path: Path) -> str:
    name = path.name
    for suffix in reversed(path.suffixes):
        name = name.removesuffix(suffix)
    return name or path.name


def _from_path(
    source: str | os.PathLike[str],
    target: Any,
    wanted: Modality | None,
    name: str | None,
    max_bytes: int | None,
    drop_empty: bool,
) -> Dataset:
    path = Path(source).expanduser()
    if not path.exists():
        if isinstance(source, str):
            from advisor import datasets

            if source in datasets.names():
                return datasets.load(source, target=target, modality=wanted)
        raise _not_found(str(source))
    limit = resolve_max_bytes(max_bytes)
    kind, _ = detect_kind(path)
    size = check_size(path, limit)
    name = name or _default_name(path)
    common: dict[str, Any] = {"name": name, "source": str(path), "where": f"'{path.name}'"}
    meta: dict[str, Any] = {"bytes": size}
    if kind in ("delimited", "parquet"):
        frame, read_meta = read_table(path)
        return dataset_from_frame(frame, target, wanted, drop_empty=drop_empty, meta={**meta, **read_meta}, **common)
    if kind in ("ts", "ts_folder"):
        what = f"'{path.name}' holds UCR/UEA .ts time series"
        check_fixed_modality(wanted, Modality.TIMESERIES, what)
        ts_meta: dict[str, Any]
        if kind == "ts":
            series, ts_meta = read_ts_file(path), {"files": [path.name]}
            ts_meta["problem_name"] = series.header.get("problemname")
        else:
            series, ts_meta = read_ts_folder(path)
        return _from_ts(series, target, {**meta, "format": "ts", **ts_meta}, **common)
    if kind in ("class_folder", "zip"):
        data = read_class_folders(path, CLASS_FOLDER_KINDS, wanted)
        y = data.y if target is None or isinstance(target, str) else as_labels(target, len(data.y))
        label = target if isinstance(target, str) else "label"
        return finish(
            data.X,
            y,
            target=label,
            modality=data.modality,
            reason=data.reason,
            meta={**meta, **data.meta},
            text_columns=data.text_columns,
            **common,
        )
    if kind == "npz":
        X, y_file, npz_meta = read_npz(path)
        labels = y_file if target is None or isinstance(target, str) else target
        label_name = target if isinstance(target, str) else None
        return _from_array(
            X,
            labels,
            wanted,
            drop_empty=drop_empty,
            meta={**meta, **npz_meta},
            label_name=label_name,
            **common,
        )
    return _from_array(
        read_npy(path),
        target,
        wanted,
        drop_empty=drop_empty,
        meta={**meta, "format": "npy"},
        **common,
    )


def _from_ts(data: TsData, target: Any, meta: dict[str, Any], **common: Any) -> Dataset:
    labels = data.labels
    label_name = labels.name if labels is not None else None
    if target is not None and not isinstance(target, str):
        labels, label_name = as_labels(target, len(data.series)), None
    elif isinstance(target, str):
        label_name = target
    lengths = {s.shape[1] for s in data.series}
    meta.update(
        n_channels=int(data.series[0].shape[0]),
        length_min=min(lengths),
        length_max=max(lengths),
        equal_length=len(lengths) == 1,
    )
    reason = f"{' + '.join(meta['files'])}: UCR/UEA .ts format, {describe_series(data.series)}"
    return finish(
        data.series,
        labels,
        target=label_name,
        modality=Modality.TIMESERIES,
        reason=reason,
        meta=meta,
        **common,
    )


def _from_array(
    arr: np.ndarray,
    target: Any,
    wanted: Modality | None,
    *,
    name: str,
    source: str,
    where: str,
    drop_empty: bool,
    meta: dict[str, Any],
    label_name: str | None = None,
) -> Dataset:
    check_array(arr, where)
    if arr.ndim == 2:
        frame = pd.DataFrame(arr, columns=[f"x{i}" for i in range(arr.shape[1])])
        labels = target
        if label_name is not None and target is not None and not isinstance(target, str):
            labels = as_labels(target, len(frame), label_name)
        return dataset_from_frame(
            frame,
            labels,
            wanted,
            name=name,
            source=source,
            where=where,
            drop_empty=drop_empty,
            meta=meta,
        )
    if isinstance(target, str):
        raise InvalidArgumentError(
            f"target='{target}' names a column, but {where} has no column names.",
            "Pass the labels themselves (one per sample) as target.",
        )
    layout = array_layout(arr, wanted)
    y = as_labels(target, arr.shape[0], label_name or "target") if target is not None else None
    return finish(
        layout.X,
        y,
        target=label_name,
        modality=layout.modality,
        reason=layout.reason,
        name=name,
        source=source,
        where=where,
        meta=meta,
    )

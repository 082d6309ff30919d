"""``profile(dataset) -> DatasetProfile``: assembles column, target and modality statistics."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from advisor.data.dataset import Dataset, Modality
from advisor.errors import WrongTypeError
from advisor.metrics import resolve_metric
from advisor.numbers import finite_or_none
from advisor.profiling.columns import column_profiles, sample_frame
from advisor.profiling.modalities import image_stats, series_stats, text_stats
from advisor.profiling.profile import ColumnProfile, DatasetProfile
from advisor.profiling.task import check_task, summarize_target

__all__ = ["profile"]


def profile(dataset: Dataset, task: str | None = None, metric: str | None = None) -> DatasetProfile:
    """Profile a dataset: modality, task and why, sizes, column roles, balance, shape statistics.

    ``task`` overrides the detected task ('binary', 'multiclass', 'classification', 'regression') and
    ``metric`` states the score the user is judged on; unset, they come from the dataset (``advisor.load``'s
    ``task=`` / ``metric=``). A target that could be read either way (a numeric column of a few whole-number
    levels) is flagged: ``task_ambiguous`` is True and ``task_reason`` says how to override the reading.

    >>> import advisor
    >>> p = advisor.profile(advisor.datasets.load("adult"))
    >>> p.task, p.rows > 40_000
    ('binary', True)
    """
    if not isinstance(dataset, Dataset):
        raise WrongTypeError(
            f"profile() takes an advisor Dataset, not {type(dataset).__name__}.",
            "Load the data first: advisor.profile(advisor.load(data, target=...)).",
        )
    target = summarize_target(dataset.y, check_task(task) or dataset.task, dataset.modality.value)
    base: dict[str, Any] = {
        "name": dataset.name,
        "modality": dataset.modality.value,
        "modality_reason": dataset.modality_reason,
        "target": dataset.target,
        "task": target.task,
        "task_reason": target.reason,
        "task_ambiguous": target.ambiguous,
        "metric": resolve_metric(metric or dataset.metric, target.task),
        "rows": dataset.n_rows,
        "n_classes": target.n_classes,
        "class_counts": target.class_counts,
        "imbalance_ratio": finite_or_none(target.imbalance_ratio),
        "min_class_count": target.min_class_count,
        "samples_per_class": finite_or_none(target.samples_per_class),
        "target_skewness": finite_or_none(target.skewness),
    }
    builder = _BUILDERS[dataset.modality]
    return DatasetProfile(**base, **builder(dataset))


def _table_fields(dataset: Dataset) -> dict[str, Any]:
    frame: pd.DataFrame = dataset.X
    sample = sample_frame(frame)
    columns = column_profiles(frame, sample, dataset.text_columns)
    fields: dict[str, Any] = {
        "features": frame.shape[1],
        "columns": columns,
        "role_counts": dict(Counter(c.role for c in columns)),
        "missing_share": float(frame.isna().to_numpy().mean()) if frame.size else 0.0,
        "memory_bytes": _memory(frame, sample),
        "sampled_rows": len(sample) if len(sample) < len(frame) else None,
        **_moment_summary(columns),
    }
    if dataset.text_columns:
        fields["text"] = text_stats(frame, dataset.text_columns)
    return fields


def _image_fields(dataset: Dataset) -> dict[str, Any]:
    images: np.ndarray = dataset.X
    stats = image_stats(images, dataset.meta)
    return {
        "features": int(np.prod(images.shape[1:])),
        "image": stats,
        "memory_bytes": int(images.nbytes),
    }


def _series_fields(dataset: Dataset) -> dict[str, Any]:
    series: list[np.ndarray] = list(dataset.X)
    stats = series_stats(series)
    missing = sum(int(np.isnan(s).sum()) for s in series)
    cells = sum(int(s.size) for s in series)
    return {
        "features": stats.channels * stats.max_length,
        "series": stats,
        "missing_share": missing / cells if cells else 0.0,
        "memory_bytes": int(sum(s.nbytes for s in series)),
    }


_BUILDERS = {
    Modality.TABULAR: _table_fields,
    Modality.TEXT: _table_fields,
    Modality.IMAGE: _image_fields,
    Modality.TIMESERIES: _series_fields,
}


def _moment_summary(columns: tuple[ColumnProfile, ...]) -> dict[str, float | None]:
    skews = [c.skewness for c in columns if c.skewness is not None]
    kurts = [c.kurtosis for c in columns if c.kurtosis is not None]
    return {
        "skewness_mean": finite_or_none(float(np.mean(skews))) if skews else None,
        "skewness_max_abs": finite_or_none(float(np.max(np.abs(skews)))) if skews else None,
        "kurtosis_mean": finite_or_none(float(np.mean(kurts))) if kurts else None,
        "kurtosis_max": finite_or_none(float(np.max(kurts))) if kurts else None,
    }


def _memory(frame: pd.DataFrame, sample: pd.DataFrame) -> int:
    """In-memory size; object columns are measured deeply on the sample and scaled up."""
    shallow = frame.memory_usage(index=True, deep=False)
    objects = [c for c in frame.columns if frame[c].dtype == object]
    if not objects:
        return int(shallow.sum())
    scale = len(frame) / max(len(sample), 1)
    deep = sample[objects].memory_usage(index=False, deep=True) * scale
    return int(shallow.drop(labels=objects).sum() + deep.sum())

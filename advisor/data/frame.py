"""A table (DataFrame) to a Dataset: pick the target, check the columns, detect the modality."""

from __future__ import annotations

from typing import Any

import pandas as pd

from advisor.data.arrays import as_labels
from advisor.data.build import finish
from advisor.data.dataset import Dataset, Modality
from advisor.data.longtable import find_long_columns, long_to_series, wide_to_series
from advisor.data.pixels import detect_pixels, detect_pixels_beside_label, pixels_to_images
from advisor.data.target import resolve_target
from advisor.data.text import blank_text_columns, find_text_columns, is_string_column, text_stats
from advisor.data.validate import drop_empty_columns
from advisor.errors import (
    EmptyDataError,
    EmptyTextError,
    InvalidArgumentError,
    ModalityError,
    WrongTypeError,
)

__all__ = ["dataset_from_frame"]


def _split_target(frame: pd.DataFrame, target: Any, where: str) -> tuple[str | None, pd.Series | None]:
    if target is None:
        return None, None
    if isinstance(target, str):
        column = resolve_target(list(frame.columns), target, where)
        return column, frame[column]
    if isinstance(target, (int, float, bool)):
        raise WrongTypeError(
            f"target={target!r} is a {type(target).__name__}, not a column name.",
            f"Pass the target column's name as a string, e.g. target='{frame.columns[-1]}'.",
        )
    y = as_labels(target, len(frame))
    return str(y.name), y


def _requested(modality: Modality | None) -> str:
    return f"modality '{modality.value}' was requested: " if modality is not None else ""


def _tabular_reason(features: pd.DataFrame) -> str:
    numeric = sum(pd.api.types.is_numeric_dtype(dt) and not pd.api.types.is_bool_dtype(dt) for dt in features.dtypes)
    n = features.shape[1]
    return (
        f"{n} feature column{'s' if n != 1 else ''} ({numeric} numeric, {n - numeric} "
        "categorical or other) with no free-text, pixel-grid or time-series layout"
    )


def _has_text(column: pd.Series) -> bool:
    return bool(column.dropna().astype(str).str.strip().ne("").any())


def _text_columns(features: pd.DataFrame, modality: Modality | None, where: str) -> tuple[list[str], str]:
    found = find_text_columns(features)
    if found:
        return [t.name for t in found], "; ".join(t.reason() for t in found)
    if modality is not Modality.TEXT:
        return [], ""
    stats = [
        s for c in features.columns if is_string_column(features[c]) for s in [text_stats(features[c], str(c))] if s
    ]
    if not stats:
        raise ModalityError(
            f"Modality 'text' was requested, but no column holds text (columns: "
            f"{', '.join(map(str, features.columns[:20]))}).",
            "Drop the modality override, or pass a table with a text column.",
        )
    filled = [s for s in stats if _has_text(features[s.name])]
    if not filled:
        raise EmptyTextError(
            f"Modality 'text' was requested, but text column '{stats[0].name}' in {where} is empty: "
            "every value is blank or missing.",
            "Fill in the text, or drop the modality override.",
        )
    best = max(filled, key=lambda s: s.mean_chars)
    return [best.name], f"{_requested(modality)}{best.reason().replace('free text', 'text')}"


def _table_timeseries(
    frame: pd.DataFrame,
    features: pd.DataFrame,
    target: str | None,
    y: pd.Series | None,
    modality: Modality | None,
) -> tuple[Any, pd.Series | None, str, dict[str, Any]] | None:
    columns = find_long_columns(features, None)
    if columns is not None:
        table = features if target is None else features.assign(**{target: frame[target]})
        if target is None and y is not None:
            raise InvalidArgumentError(
                "A long-format time-series table needs its target as a column name.",
                "Pass target='<column constant within each id>'.",
            )
        series = long_to_series(table, columns[0], columns[1], target)
        meta = {"id_column": columns[0], "time_column": columns[1], "channels": series.channels}
        if series.ignored:
            meta["ignored_columns"] = series.ignored
        return series.series, series.y, _requested(modality) + series.reason, meta
    if modality is not Modality.TIMESERIES:
        return None
    if not all(pd.api.types.is_numeric_dtype(dt) for dt in features.dtypes):
        raise ModalityError(
            "Modality 'timeseries' was requested, but the table has no id and time columns "
            "(e.g. 'id', 'time') and not every column is numeric.",
            "Name the series id column 'id' and the time column 'time' (long format), or pass "
            "a table whose rows are series of numbers (wide format).",
        )
    reason = (
        f"{_requested(modality)}no id/time columns, so each of the {len(features)} rows is read "
        f"as one series of {features.shape[1]} values"
    )
    return wide_to_series(features), y, reason, {"layout": "wide"}


def dataset_from_frame(
    frame: pd.DataFrame,
    target: Any,
    modality: Modality | None,
    *,
    name: str,
    source: str | None,
    where: str,
    drop_empty: bool = False,
    meta: dict[str, Any] | None = None,
) -> Dataset:
    """Build a Dataset from a table; ``where`` names the input in error messages."""
    meta = dict(meta or {})
    if frame.shape[1] == 0:
        raise EmptyDataError(f"{where} has no columns.", "Pass a table with a header and rows.")
    if frame.shape[0] == 0:
        raise EmptyDataError(f"{where} has columns but no data rows.", "Pass a table with at least one data row.")
    if frame.columns.duplicated().any():
        dupes = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise InvalidArgumentError(f"{where} has duplicate column names: {', '.join(dupes)}.", "Rename the columns.")
    target_name, y = _split_target(frame, target, where)
    features = frame.drop(columns=[target_name]) if isinstance(target, str) else frame
    if features.shape[1] == 0:
        raise EmptyDataError(
            f"{where} has no feature columns: only the target '{target_name}'.",
            "Add the columns to predict from.",
        )
    if modality in (None, Modality.TEXT):
        blank = blank_text_columns(features)
        if blank:
            raise EmptyTextError(
                f"Text column '{blank[0]}' in {where} is empty: every value is blank or missing.",
                "Fill in the text, or drop the column (and pass modality='tabular' if no text is left).",
            )
    features, dropped = drop_empty_columns(features, drop_empty, where)
    if dropped:
        meta["dropped_empty_columns"] = dropped
    common: dict[str, Any] = {"name": name, "source": source, "where": where}

    if modality in (None, Modality.TIMESERIES):
        series = _table_timeseries(frame, features, target_name if isinstance(target, str) else None, y, modality)
        if series is not None:
            X, y_series, reason, extra = series
            return finish(
                X,
                y_series,
                target=target_name,
                modality=Modality.TIMESERIES,
                reason=reason,
                meta={**meta, **extra},
                **common,
            )

    if modality in (None, Modality.IMAGE):
        layout = detect_pixels(features)
        if layout is None and y is None:
            layout = detect_pixels_beside_label(features)
        if layout is not None:
            extra = {
                "layout": "pixel table",
                "pixel_columns": list(layout.columns),
                "image_size": (layout.side, layout.side),
                "channels": 1,
                "pixel_range": (layout.low, layout.high),
            }
            if layout.label_column is not None:
                extra["unused_columns"] = [layout.label_column]
            return finish(
                pixels_to_images(features, layout),
                y,
                target=target_name,
                modality=Modality.IMAGE,
                reason=_requested(modality) + layout.reason(),
                meta={**meta, **extra},
                **common,
            )
        if modality is Modality.IMAGE:
            raise ModalityError(
                f"Modality 'image' was requested, but the {features.shape[1]} feature columns of "
                f"{where} are not a square grid of whole-number pixels in 0..255.",
                "Pass one column per pixel (e.g. 784 columns for 28x28), or a folder or zip of images.",
            )

    if modality in (None, Modality.TEXT):
        text_columns, reason = _text_columns(features, modality, where)
        if text_columns:
            features = features.copy()
            for column in text_columns:
                features[column] = features[column].fillna("").astype(str)
            others = features.shape[1] - len(text_columns)
            if others:
                verb = "columns stay" if others > 1 else "column stays"
                reason += f"; {others} other {verb} tabular features"
            return finish(
                features,
                y,
                target=target_name,
                modality=Modality.TEXT,
                reason=reason,
                meta=meta,
                text_columns=tuple(text_columns),
                **common,
            )

    reason = _requested(modality) + _tabular_reason(features)
    return finish(
        features,
        y,
        target=target_name,
        modality=Modality.TABULAR,
        reason=reason,
        meta=meta,
        **common,
    )

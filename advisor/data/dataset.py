"""The in-memory dataset every loader returns and every later stage reads."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from advisor.profiling.task import TaskInput

__all__ = ["Dataset", "Modality", "ModalityName"]

#: A modality as the plain string profiles, recommendations and results carry (``Modality(...).value``).
ModalityName = Literal["tabular", "image", "text", "timeseries"]


class Modality(StrEnum):
    """The kind of data: decides which rules and model families apply."""

    _value_: ModalityName  # for type checkers: ``.value`` is a ModalityName

    TABULAR = "tabular"
    IMAGE = "image"
    TEXT = "text"
    TIMESERIES = "timeseries"

    def __str__(self) -> str:
        return self.value


@dataclass(eq=False)
class Dataset:
    """Features, optional target and what kind of data they are.

    The layout of ``X`` depends on the modality:

    - ``tabular``: a :class:`pandas.DataFrame` of feature columns.
    - ``text``: a DataFrame whose ``text_columns`` hold the text; other columns are tabular
      features (a *mixed* table such as reviews with ratings and ages).
    - ``image``: a ``numpy`` array of shape ``(n, height, width, channels)``, ``uint8`` or
      ``float32``.
    - ``timeseries``: a list of ``float32`` arrays of shape ``(channels, length)``; lengths may
      differ.

    ``y`` is a :class:`pandas.Series` (original labels kept) or ``None`` when no target was given.
    ``task`` and ``metric`` are what the user stated (``None``: detect the task, use the plan's metric).
    ``meta`` holds loader facts a profile may report (original image sizes, class names, files
    read).
    """

    X: Any
    y: pd.Series | None
    modality: Modality
    name: str = "dataset"
    target: str | None = None
    modality_reason: str = ""
    source: str | None = None
    text_columns: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    task: TaskInput | None = None
    metric: str | None = None

    def __post_init__(self) -> None:
        self.modality = Modality(self.modality)
        self.text_columns = tuple(self.text_columns)

    def __len__(self) -> int:
        return len(self.X)

    @property
    def n_rows(self) -> int:
        """Number of samples (rows, images or series)."""
        return len(self.X)

    def with_target(self, y: pd.Series | np.ndarray, target: str | None = None) -> Dataset:
        """Return a copy whose target is ``y`` (used by the CLI after proposing a target)."""
        series = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y), name=target)
        return Dataset(
            X=self.X,
            y=series,
            modality=self.modality,
            name=self.name,
            target=target or (str(series.name) if series.name is not None else "target"),
            modality_reason=self.modality_reason,
            source=self.source,
            text_columns=self.text_columns,
            meta=dict(self.meta),
            task=self.task,
            metric=self.metric,
        )

    def take(self, positions: np.ndarray, test_from: int | None = None) -> Dataset:
        """The rows at ``positions``, in that order; with ``test_from``, rows from that position on are the
        test split every benchmark of the result keeps (as a UCR ``_TEST`` file is)."""
        from advisor.data.validate import take_rows

        meta = {k: v for k, v in self.meta.items() if k != "predefined_split"}
        if test_from is not None:
            meta["predefined_split"] = {"train": int(test_from), "test": int(len(positions) - test_from)}
        y = self.y.iloc[np.asarray(positions, dtype=np.int64)].reset_index(drop=True) if self.y is not None else None
        return dataclasses.replace(self, X=take_rows(self.X, positions), y=y, meta=meta)

    def stating(self, task: str | None = None, metric: str | None = None) -> Dataset:
        """This dataset with the user's task and metric (unset ones keep their current value); checks both."""
        from advisor.metrics import resolve_metric
        from advisor.profiling.task import check_task

        task = check_task(task) or self.task
        metric = resolve_metric(metric) or self.metric
        if task == self.task and metric == self.metric:
            return self
        return dataclasses.replace(self, task=task, metric=metric)

    def __repr__(self) -> str:
        target = f", target={self.target!r}" if self.target else ", no target"
        return f"Dataset({self.name!r}, {self.modality.value}, {self.n_rows} rows{target})"

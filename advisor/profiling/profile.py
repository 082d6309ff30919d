"""DatasetProfile: what the rules engine knows about a dataset, frozen and JSON round-trippable."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.data.dataset import ModalityName
    from advisor.profiling.task import Task

from advisor.numbers import jsonable

ROLES = ("numeric", "categorical", "text", "datetime", "id", "constant", "empty")


@dataclass(frozen=True)
class ColumnProfile:
    """One feature column: its role, missing share, cardinality and shape statistics."""

    name: str
    role: str
    dtype: str
    missing_share: float = 0.0
    cardinality: int | None = None
    skewness: float | None = None
    kurtosis: float | None = None


@dataclass(frozen=True)
class ImageStats:
    """Images after loading (all resized to one size) and the sizes they came in."""

    count: int
    height: int
    width: int
    channels: int
    original_min_side: int | None = None
    original_max_side: int | None = None


@dataclass(frozen=True)
class TextStats:
    """Length and vocabulary of the free-text columns (joined per row)."""

    columns: tuple[str, ...]
    mean_chars: float
    median_chars: float
    max_chars: int
    mean_words: float
    vocabulary_size: int
    empty_share: float = 0.0


@dataclass(frozen=True)
class SeriesStats:
    """Shape of a time-series collection."""

    count: int
    channels: int
    min_length: int
    max_length: int
    mean_length: float
    equal_length: bool


@dataclass(frozen=True)
class DatasetProfile:
    """Everything the rules engine reads about a dataset.

    Build one with :func:`advisor.profile` from data, or with :meth:`from_summary` from numbers
    alone for what-if questions. Round-trips through :meth:`to_json` / :meth:`from_json`.

    >>> p = DatasetProfile.from_summary(rows=50_000, features=100, task="binary")
    >>> DatasetProfile.from_json(p.to_json()) == p
    True
    """

    modality: ModalityName
    rows: int
    features: int
    task: Task | None = None
    task_reason: str = ""
    #: The target could be read as the other task (a numeric column of a few whole-number levels, say).
    task_ambiguous: bool = False
    #: The metric the user is judged on (None: the plan chooses one).
    metric: str | None = None
    modality_reason: str = ""
    name: str = "dataset"
    target: str | None = None
    columns: tuple[ColumnProfile, ...] = ()
    role_counts: dict[str, int] = field(default_factory=dict)
    missing_share: float = 0.0
    n_classes: int | None = None
    class_counts: dict[str, int] = field(default_factory=dict)
    imbalance_ratio: float | None = None
    min_class_count: int | None = None
    samples_per_class: float | None = None
    target_skewness: float | None = None
    skewness_mean: float | None = None
    skewness_max_abs: float | None = None
    kurtosis_mean: float | None = None
    kurtosis_max: float | None = None
    memory_bytes: int = 0
    image: ImageStats | None = None
    text: TextStats | None = None
    series: SeriesStats | None = None
    sampled_rows: int | None = None
    from_summary_only: bool = False

    # ------------------------------------------------------------------ derived, read-only
    @property
    def numeric_features(self) -> int:
        """Count of numeric feature columns."""
        return self.role_counts.get("numeric", 0)

    @property
    def categorical_features(self) -> int:
        """Count of categorical feature columns."""
        return self.role_counts.get("categorical", 0)

    @property
    def categorical_share(self) -> float:
        """Share of usable features that are categorical."""
        used = self.numeric_features + self.categorical_features
        return self.categorical_features / used if used else 0.0

    @property
    def is_classification(self) -> bool:
        return self.task in ("binary", "multiclass")

    @property
    def max_cardinality(self) -> int:
        """Largest number of categories among categorical columns (0 if none)."""
        cards = [c.cardinality or 0 for c in self.columns if c.role == "categorical"]
        return max(cards, default=0)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_summary(
        cls,
        *,
        rows: int,
        features: int,
        modality: ModalityName = "tabular",
        task: Task | None = "binary",
        n_classes: int | None = None,
        categorical: int = 0,
        missing_share: float = 0.0,
        imbalance_ratio: float | None = None,
        skewness_mean: float | None = None,
        kurtosis_mean: float | None = None,
        text_mean_chars: float | None = None,
        image_size: tuple[int, int, int] | None = None,
        series_length: int | None = None,
        series_channels: int = 1,
        name: str = "what-if",
        metric: str | None = None,
    ) -> DatasetProfile:
        """Build a profile from numbers alone, for what-if questions.

        >>> p = DatasetProfile.from_summary(rows=1_000_000, features=224 * 224 * 3,
        ...     modality="image", task="multiclass", n_classes=100)
        >>> p.samples_per_class
        10000.0
        """
        if rows < 0 or features < 0:
            from advisor.errors import InvalidArgumentError

            raise InvalidArgumentError(
                f"rows={rows} and features={features} must not be negative.",
                "Pass the dataset's real counts.",
            )
        if task == "binary" and n_classes is None:
            n_classes = 2
        classes = n_classes if task in ("binary", "multiclass") else None
        numeric = max(features - categorical, 0)
        per_class = rows / classes if classes else None
        image = text = series = None
        if image_size is not None:
            h, w, c = image_size
            image = ImageStats(count=rows, height=h, width=w, channels=c)
        if text_mean_chars is not None:
            text = TextStats(
                ("text",), text_mean_chars, text_mean_chars, int(text_mean_chars), text_mean_chars / 5.5, 0
            )
        if series_length is not None:
            series = SeriesStats(rows, series_channels, series_length, series_length, float(series_length), True)
        return cls(
            modality=modality,
            rows=int(rows),
            features=int(features),
            task=task,
            task_reason="given in the summary",
            metric=_metric(metric, task),
            modality_reason="given in the summary",
            name=name,
            role_counts={"numeric": numeric, "categorical": categorical} if modality == "tabular" else {},
            missing_share=missing_share,
            n_classes=classes,
            imbalance_ratio=imbalance_ratio if classes else None,
            samples_per_class=per_class,
            min_class_count=int(per_class / (imbalance_ratio or 1.0)) if per_class else None,
            skewness_mean=skewness_mean,
            kurtosis_mean=kurtosis_mean,
            image=image,
            text=text,
            series=series,
            from_summary_only=True,
        )

    def with_changes(self, **changes: Any) -> DatasetProfile:
        """Return a copy with some fields replaced (what-if on an existing profile)."""
        return replace(self, **changes)

    # ------------------------------------------------------------------ serialization
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (NaN and infinities become ``None``)."""
        return jsonable(asdict(self))

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DatasetProfile:
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        kwargs["columns"] = tuple(ColumnProfile(**c) for c in data.get("columns", ()))
        for key, kind in (("image", ImageStats), ("series", SeriesStats)):
            if data.get(key) is not None:
                kwargs[key] = kind(**data[key])
        if data.get("text") is not None:
            text = dict(data["text"])
            text["columns"] = tuple(text["columns"])
            kwargs["text"] = TextStats(**text)
        return cls(**kwargs)

    @classmethod
    def from_json(cls, text: str) -> DatasetProfile:
        return cls.from_dict(json.loads(text))


def _metric(metric: str | None, task: Task | None) -> str | None:
    from advisor.metrics import resolve_metric

    return resolve_metric(metric, task)

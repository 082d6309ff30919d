"""Views: the representations of one dataset that model families consume, each built once per run.

A family's spec names its view (``ModelSpec.view``): 'table', 'images', 'pixels', 'image_embedding',
'texts', 'text_embedding', 'series' or 'series_features'. :class:`Views` builds a view the first time a
family asks for it and keeps it for every later trial. Embeddings are the expensive part: they are
computed once per dataset and encoder, saved under ``<run folder>/embeddings/`` keyed by a fingerprint
of the data, and reused by later trials, families and reruns; their throughput is recorded.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from advisor.benchmarking.inputs import (
    IMAGE_ENCODER,
    TEXT_ENCODER,
    EmbeddingInput,
    ImageInput,
    PixelInput,
    SeriesFeatureInput,
    SeriesInput,
    TextInput,
    text_columns_of,
)
from advisor.benchmarking.prepare import TablePreparer
from advisor.data.dataset import Dataset, ModalityName
from advisor.errors import InvalidArgumentError
from advisor.hardware import Device
from advisor.profiling.profile import DatasetProfile

__all__ = ["VIEWS", "View", "ViewName", "Views", "fingerprint"]

#: The name of a representation of the data a model family consumes (``ModelSpec.view``).
ViewName = Literal[
    "table", "images", "pixels", "image_embedding", "texts", "text_embedding", "series", "series_features"
]
VIEWS: tuple[ViewName, ...] = get_args(ViewName)
#: Which raw modality each view is built from.
VIEW_MODALITY: dict[ViewName, tuple[ModalityName, ...]] = {
    "table": ("tabular", "text"),
    "images": ("image",),
    "pixels": ("image",),
    "image_embedding": ("image",),
    "texts": ("text",),
    "text_embedding": ("text",),
    "series": ("timeseries",),
    "series_features": ("timeseries",),
}
EmbedProgress = Callable[[str, int, int, float], None]


@dataclass
class View:
    """One representation of every row: model inputs ``X``, the preparer that makes them from raw data."""

    name: ViewName
    X: Any
    preparer: Any
    description: str
    embedding: dict[str, Any] = field(default_factory=dict)  # encoder, items, seconds, items_per_s, cached

    @property
    def raw_input(self) -> bool:
        """True when final models should be timed from raw data (the preparer does real work)."""
        return self.name != "table"


class Views:
    """Builds and keeps the views of one dataset for one benchmark run."""

    def __init__(
        self,
        dataset: Dataset,
        profile: DatasetProfile,
        run_dir: Path,
        device: Device = "cpu",
        on_embed: EmbedProgress | None = None,
    ) -> None:
        self.dataset, self.profile, self.run_dir, self.device = dataset, profile, run_dir, device
        self.on_embed = on_embed
        self._views: dict[ViewName, View] = {}
        self._table: TablePreparer | bool | None = False  # False: not tried yet

    # ------------------------------------------------------------------ access
    def get(self, name: ViewName) -> View:
        """The view, built on first use; raises an AdvisorError when it cannot be built for this data."""
        if name not in self._views:
            if name not in VIEWS:
                raise InvalidArgumentError(f"Unknown model input {name!r}.", f"Known inputs: {', '.join(VIEWS)}.")
            if self.dataset.modality.value not in VIEW_MODALITY[name]:
                raise InvalidArgumentError(
                    f"The {name} input cannot be built from {self.dataset.modality.value} data.",
                    "Choose a family that supports this data.",
                )
            self._views[name] = getattr(self, f"_build_{name}")()
        return self._views[name]

    @property
    def built(self) -> dict[ViewName, View]:
        return dict(self._views)

    def table(self) -> TablePreparer | None:
        """The tabular columns' preparer, or None when the data has no usable tabular column."""
        if self._table is False:
            frame = self.dataset.X
            if not isinstance(frame, pd.DataFrame):
                self._table = None
            elif self.dataset.modality.value == "tabular":  # no usable column is an error for tables
                self._table = TablePreparer.from_profile(frame, self.profile)
            else:
                roles = {c.name: c.role for c in self.profile.columns}
                text = set(self._text_columns()) if self.dataset.modality.value == "text" else set()
                rest = frame[[c for c in frame.columns if str(c) not in text]]
                usable = [c for c in rest.columns if roles.get(str(c)) not in ("id", "constant", "empty", "text")]
                self._table = TablePreparer.from_profile(rest, self.profile) if usable else None
        return self._table  # type: ignore[return-value]

    @property
    def mixed(self) -> bool:
        """Text columns beside usable tabular ones."""
        return self.dataset.modality.value == "text" and self.table() is not None

    # ------------------------------------------------------------------ builders
    def _build_table(self) -> View:
        prep = self.table()
        if prep is None:
            raise InvalidArgumentError(
                "The data has no tabular columns beside the text.", "Tabular families need numeric or category columns."
            )
        columns = f"{len(prep.columns)} tabular column(s)"
        return View("table", prep.transform(self.dataset.X), prep, columns)

    def _build_images(self) -> View:
        prep = ImageInput.fit(self.dataset.X)
        h, w, c = prep.shape
        return View("images", prep.transform(self.dataset.X), prep, f"pixels ({h}x{w}x{c})")

    def _build_pixels(self) -> View:
        prep = PixelInput.fit(self.dataset.X)
        X = prep.transform(self.dataset.X)
        return View("pixels", X, prep, f"{X.shape[1]} pixel and gradient-histogram features")

    def _build_texts(self) -> View:
        prep = TextInput(self._text_columns())
        return View("texts", prep.transform(self.dataset.X), prep, f"text of {', '.join(prep.columns)}")

    def _build_series(self) -> View:
        prep = SeriesInput.fit(self.dataset.X)
        return View("series", prep.transform(self.dataset.X), prep, f"{prep.n_channels}-channel series")

    def _build_series_features(self) -> View:
        prep = SeriesFeatureInput.fit(self.dataset.X)
        X = prep.transform(self.dataset.X)
        return View("series_features", X, prep, f"{X.shape[1]} extracted features (lags, rolling, global stats)")

    def _build_text_embedding(self) -> View:
        prep = EmbeddingInput(TEXT_ENCODER, TextInput(self._text_columns()), table=self.table(), device=self.device)
        return self._embedding_view("text_embedding", prep)

    def _build_image_embedding(self) -> View:
        from advisor.models.vision.pretrained import default_image_size

        images = ImageInput.fit(self.dataset.X)
        raw = images.transform(self.dataset.X)
        prep = EmbeddingInput(
            IMAGE_ENCODER,
            images,
            image_size=default_image_size(self.device, max(images.shape[:2])),
            pixel_scale=float(max(1, int(raw.max()))),
            device=self.device,
        )
        return self._embedding_view("image_embedding", prep)

    def _embedding_view(self, name: ViewName, prep: EmbeddingInput) -> View:
        items = prep.items(self.dataset.X)
        prep.check_training_items(items)
        key = f"{prep.encoder}-{prep.image_size if prep.encoder == IMAGE_ENCODER else prep.max_tokens}"
        path = self.run_dir / "embeddings" / f"{key}-{fingerprint(items)}.npy"
        embeddings, stats = self._cached_embeddings(path, prep, items)
        X = prep.frame(embeddings, self.dataset.X)
        joined = f" + {len(prep.table.columns)} tabular column(s)" if prep.table is not None else ""
        description = f"{prep.label} embeddings ({prep.dim}-d, frozen){joined}"
        return View(name, X, prep, description, embedding=stats)

    def _cached_embeddings(self, path: Path, prep: EmbeddingInput, items: Any) -> tuple[np.ndarray, dict[str, Any]]:
        meta_path = path.with_suffix(".json")
        if path.exists() and meta_path.exists():
            embeddings = np.load(path)
            if len(embeddings) == len(items):
                stats = json.loads(meta_path.read_text(encoding="utf-8"))
                return embeddings, {**stats, "cached": True}
        start = time.perf_counter()
        total = len(items)

        def report(done: int, _total: int) -> None:
            if self.on_embed is not None:
                self.on_embed(prep.label, done, total, time.perf_counter() - start)

        report(0, total)
        embeddings = prep.encode(items, progress=report)
        seconds = time.perf_counter() - start
        stats = {
            "encoder": prep.label,
            "items": total,
            "unit": prep.unit,
            "seconds": round(seconds, 3),
            "items_per_s": round(total / seconds, 2) if seconds > 0 else None,
            "device": prep.device,
            "file": str(path),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.stem + ".tmp.npy")
        np.save(tmp, embeddings.astype(np.float32))
        tmp.replace(path)
        meta_path.write_text(json.dumps(stats, indent=2), encoding="utf-8")
        return embeddings, {**stats, "cached": False}

    def _text_columns(self) -> list[str]:
        roles = {c.name: c.role for c in self.profile.columns}
        return text_columns_of(self.dataset.X, roles, self.dataset.text_columns)


def fingerprint(items: Any) -> str:
    """A short content hash of texts or images: the embedding cache key (same data -> same file)."""
    digest = hashlib.sha256()
    if isinstance(items, np.ndarray) and items.dtype != object:
        digest.update(str(items.shape).encode())
        digest.update(np.ascontiguousarray(items).tobytes())
    else:
        for text in items:
            digest.update(str(text).encode("utf-8", "surrogatepass"))
            digest.update(b"\x00")
    return digest.hexdigest()[:16]

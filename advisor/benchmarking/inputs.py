"""Model inputs for images, text and series: raw data -> what a family's estimator consumes.

Each class here is a *preparer*: fitted once per benchmark, saved inside every final model, and applied
by ``advisor.load_model(path).predict(raw)``. The tabular one is :class:`~advisor.benchmarking.prepare.
TablePreparer`; this module adds

- :class:`ImageInput`: images as uint8 arrays ``(n, H, W, C)`` of the training shape (CNNs, fine-tuning);
- :class:`PixelInput`: downsampled pixels + gradient-orientation histograms (classical baselines);
- :class:`TextInput`: one string per row, the text columns joined (TF-IDF models, text networks);
- :class:`SeriesInput`: an object array of ``(channels, length)`` float32 arrays (1-D CNN, GRU/LSTM);
- :class:`SeriesFeatureInput`: lags, rolling and global statistics per channel (classical families);
- :class:`EmbeddingInput`: frozen pretrained embeddings (MiniLM for text, EfficientNet-Lite0 for
  images), joined to the tabular columns for mixed tables (hybrids, feature extraction).

Encoders are loaded on first use and never pickled: a saved model holds only their names and sizes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from advisor.benchmarking.prepare import TablePreparer
from advisor.errors import EmptyTextError, WrongTypeError

__all__ = [
    "TEXT_ENCODER",
    "EmbeddingInput",
    "ImageInput",
    "PixelInput",
    "SeriesFeatureInput",
    "SeriesInput",
    "TextInput",
]

#: Characters kept per text before tokenization (TF-IDF and the networks truncate further in tokens).
MAX_TEXT_CHARS = 20_000
#: Tokens kept per text by the MiniLM encoder (its positional limit is 256; 128 keeps CPU encoding fast).
TEXT_MAX_TOKENS = 128
TEXT_ENCODER = "minilm"
IMAGE_ENCODER = "efficientnet_lite0"
Progress = Callable[[int, int], None]


# ---------------------------------------------------------------------------------------- images
@dataclass
class ImageInput:
    """Checks that images have the training shape; returns them as uint8 ``(n, H, W, C)``."""

    shape: tuple[int, int, int]

    @classmethod
    def fit(cls, images: np.ndarray) -> ImageInput:
        return cls(tuple(int(s) for s in _as_images(images).shape[1:]))  # type: ignore[arg-type]

    def transform(self, X: Any) -> np.ndarray:
        images = _as_images(X)
        if images.shape[1:] != self.shape:
            h, w, c = self.shape
            raise WrongTypeError(
                f"The model was trained on {h}x{w} images with {c} channel(s); got shape {images.shape[1:]}.",
                f"Resize the images to {h}x{w}x{c} before predicting.",
            )
        return images


def _as_images(X: Any) -> np.ndarray:
    images = np.asarray(X)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise WrongTypeError(
            f"Images must be an array of shape (n, height, width[, channels]); got {images.ndim} dimension(s).",
            "Pass a stacked numpy array of images.",
        )
    return images


@dataclass
class PixelInput:
    """Hand-made image features for the classical families (see :class:`advisor.models.vision.features`)."""

    images: ImageInput
    features: Any

    @classmethod
    def fit(cls, images: np.ndarray) -> PixelInput:
        from advisor.models.vision.features import PixelFeatures

        images = _as_images(images)
        return cls(ImageInput.fit(images), PixelFeatures().fit(images))

    @property
    def columns(self) -> list[str]:
        return list(self.features.columns)

    def transform(self, X: Any) -> pd.DataFrame:
        return self.features.transform(self.images.transform(X))


# ---------------------------------------------------------------------------------------- text
@dataclass
class TextInput:
    """One string per row: the text columns joined with ' | ', missing values as empty strings."""

    columns: list[str]
    max_chars: int = MAX_TEXT_CHARS

    def transform(self, X: Any) -> pd.Series:
        if isinstance(X, pd.DataFrame):
            missing = [c for c in self.columns if c not in X.columns]
            if missing:
                raise WrongTypeError(
                    f"The table lacks the text column(s) the model was trained on: {', '.join(missing)}.",
                    "Pass a table with the same columns as the training data.",
                )
            parts = [X[c].astype("string").fillna("") for c in self.columns]
            texts = parts[0] if len(parts) == 1 else parts[0].str.cat(parts[1:], sep=" | ")
        elif isinstance(X, str):
            texts = pd.Series([X])
        else:
            texts = pd.Series(list(X), dtype="string").fillna("")
        return texts.astype(str).str.slice(0, self.max_chars).reset_index(drop=True)


# ---------------------------------------------------------------------------------------- series
@dataclass
class SeriesInput:
    """An object array of float32 ``(channels, length)`` arrays; lengths may differ between rows."""

    n_channels: int

    @classmethod
    def fit(cls, series: Any) -> SeriesInput:
        return cls(int(_as_series(series)[0].shape[0]))

    def transform(self, X: Any) -> np.ndarray:
        series = _as_series(X)
        channels = {int(s.shape[0]) for s in series}
        if channels != {self.n_channels}:
            raise WrongTypeError(
                f"The model was trained on series with {self.n_channels} channel(s); got {sorted(channels)}.",
                f"Pass series shaped ({self.n_channels}, length).",
            )
        return series


def _as_series(X: Any) -> np.ndarray:
    if isinstance(X, np.ndarray) and X.dtype != object:
        if X.ndim == 2:  # (n, length): one channel
            X = X[:, None, :]
        if X.ndim != 3:
            raise WrongTypeError(
                f"Series must be (n, channels, length) or a list of (channels, length) arrays; got {X.ndim} dims.",
                "Pass a list of 2-D arrays, one per series.",
            )
        items = [np.asarray(x, dtype=np.float32) for x in X]
    else:
        items = [np.atleast_2d(np.asarray(x, dtype=np.float32)) for x in X]
    if not items:
        raise WrongTypeError("No series were given.", "Pass at least one series.")
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


@dataclass
class SeriesFeatureInput:
    """Extracted series features (see :class:`advisor.models.series.features.SeriesFeatures`)."""

    series: SeriesInput
    features: Any

    @classmethod
    def fit(cls, X: Any) -> SeriesFeatureInput:
        from advisor.models.series.features import SeriesFeatures

        series = _as_series(X)
        return cls(SeriesInput.fit(series), SeriesFeatures().fit(series))

    @property
    def columns(self) -> list[str]:
        return list(self.features.columns)

    def transform(self, X: Any) -> pd.DataFrame:
        return self.features.transform(self.series.transform(X))


# ---------------------------------------------------------------------------------------- embeddings
@dataclass
class EmbeddingInput:
    """Frozen pretrained embeddings, with the tabular columns beside them for mixed tables.

    ``encoder`` is 'minilm' (text: all-MiniLM-L6-v2, 384-d, texts truncated at ``max_tokens`` tokens) or
    'efficientnet_lite0' (images: 1280-d global-average-pooled features at ``image_size`` pixels).
    """

    encoder: str
    source: TextInput | ImageInput
    table: TablePreparer | None = None
    image_size: int = 96
    max_tokens: int = TEXT_MAX_TOKENS
    pixel_scale: float | None = None
    device: str = "cpu"
    _columns: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return "MiniLM" if self.encoder == TEXT_ENCODER else "EfficientNet-Lite0"

    @property
    def unit(self) -> str:
        return "texts" if self.encoder == TEXT_ENCODER else "images"

    @property
    def dim(self) -> int:
        return 384 if self.encoder == TEXT_ENCODER else 1280

    @property
    def columns(self) -> list[str]:
        table = self.table.columns if self.table is not None else []
        return [*(f"emb_{i}" for i in range(self.dim)), *table]

    def items(self, X: Any) -> Any:
        """The raw items the encoder sees (texts or images); an empty text is allowed (it encodes too)."""
        return self.source.transform(X)

    def check_training_items(self, items: Any) -> None:
        """Training data must have some text to learn from (a prediction may have none)."""
        if self.encoder == TEXT_ENCODER and not items.str.strip().astype(bool).any():
            raise EmptyTextError("Every text is empty.", "Pass rows with text in the text column(s).")

    def encode(self, items: Any, progress: Progress | None = None) -> np.ndarray:
        """Embeddings ``(n, dim)`` float32 for raw items, batch by batch (``progress(done, total)``)."""
        if self.encoder == TEXT_ENCODER:
            from advisor.models.text.encoder import TextEncoder

            return TextEncoder(max_tokens=self.max_tokens, device=self.device).encode(list(items), progress=progress)
        from advisor.models.vision.pretrained import ImageEncoder

        return ImageEncoder(size=self.image_size, device=self.device).encode(
            items, pixel_scale=self.pixel_scale, progress=progress
        )

    def frame(self, embeddings: np.ndarray, X: Any) -> pd.DataFrame:
        """The model input: embedding columns, then the tabular columns (mixed tables)."""
        out = pd.DataFrame(np.asarray(embeddings, dtype=np.float32), columns=[f"emb_{i}" for i in range(self.dim)])
        if self.table is not None:
            table = self.table.transform(X).reset_index(drop=True)
            out = pd.concat([out, table], axis=1)
        return out

    def transform(self, X: Any, progress: Progress | None = None) -> pd.DataFrame:
        return self.frame(self.encode(self.items(X), progress), X)


def text_columns_of(frame: pd.DataFrame, roles: dict[str, str], declared: Sequence[str]) -> list[str]:
    """The columns a text model reads: the dataset's declared text columns, else those profiled as text."""
    columns = [c for c in declared if c in frame.columns]
    return columns or [c for c in frame.columns if roles.get(str(c)) == "text"] or [str(frame.columns[0])]

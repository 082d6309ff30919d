"""The form training data came in, so that a saved model reads new data in any form :func:`advisor.load` takes.

A model trained on a pixel table predicts from the same table (read as images again), from an image folder
or zip, or from an image array; a model trained on text class folders predicts from such folders or from a
table with the text column; a model trained on ``.ts`` files predicts from ``.ts`` files, a long table or a
list of series; a tabular model from a DataFrame with the original column types, a 2-D array in the
training column order, or a file path. :meth:`InputForm.raw` turns any of these into the raw layout of
:class:`~advisor.data.Dataset` ``X`` (table, image array, list of series) that the model's preparer reads.

>>> form = InputForm.of(advisor.datasets.load("digits"))              # doctest: +SKIP
>>> form.raw(pixel_frame).shape                                         # doctest: +SKIP
(10, 8, 8, 1)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from advisor.data.dataset import Dataset
from advisor.errors import WrongTypeError

__all__ = ["InputForm"]


@dataclass(frozen=True)
class InputForm:
    """What a model needs to know about its training data's layout (no data, nothing large)."""

    modality: str
    target: str | None = None
    columns: tuple[str, ...] = ()  # feature columns of a table (or the pixel columns of a pixel table)
    text_columns: tuple[str, ...] = ()
    image_shape: tuple[int, int, int] | None = None  # height, width, channels of the training images

    @classmethod
    def of(cls, dataset: Dataset) -> InputForm:
        """The form of ``dataset``."""
        columns: tuple[str, ...] = ()
        if isinstance(dataset.X, pd.DataFrame):
            columns = tuple(str(c) for c in dataset.X.columns)
        elif dataset.meta.get("layout") == "pixel table":
            columns = tuple(dataset.meta.get("pixel_columns", ()))
        shape = tuple(int(s) for s in dataset.X.shape[1:]) if dataset.modality.value == "image" else None
        if shape is not None and len(shape) == 2:
            shape = (*shape, 1)
        return cls(
            modality=dataset.modality.value,
            target=dataset.target,
            columns=columns,
            text_columns=tuple(dataset.text_columns),
            image_shape=shape,  # type: ignore[arg-type]
        )

    # ------------------------------------------------------------------ any form -> raw X
    def raw(self, X: Any) -> Any:
        """``X`` (a path, a DataFrame, an array, texts, or series) in the training data's raw layout."""
        if isinstance(X, (str, os.PathLike)) and not isinstance(X, bytes):
            return self._fit_images(self._load(X))
        if isinstance(X, pd.Series) and self.modality == "text" and len(self.text_columns) == 1:
            return X.to_frame(self.text_columns[0])
        if isinstance(X, pd.DataFrame):
            return self._from_frame(X)
        if self.modality == "image":
            return self._fit_images(self._images(np.asarray(X)))
        if self.modality in ("tabular", "text") and isinstance(X, np.ndarray) and X.ndim == 2:
            return pd.DataFrame(X, columns=list(self.columns[: X.shape[1]]))
        if self.modality == "text" and isinstance(X, (list, tuple, np.ndarray)) and len(self.text_columns) == 1:
            return pd.DataFrame({self.text_columns[0]: list(X)})
        return X

    def _load(self, path: str | os.PathLike[str]) -> Any:
        """Read a file or folder as training data was read (its labels, if any, are left aside)."""
        from advisor.data.loader import load

        dataset = load(path, modality=self.modality)
        if isinstance(dataset.X, pd.DataFrame) and self.target is not None and self.target in dataset.X.columns:
            return dataset.X.drop(columns=[self.target])
        return dataset.X

    def _from_frame(self, frame: pd.DataFrame) -> Any:
        frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
        if self.modality == "image":
            pixels = [c for c in self.columns if c in frame.columns]
            values = frame[pixels] if pixels and len(pixels) == len(self.columns) else frame
            if self.target is not None and self.target in values.columns:
                values = values.drop(columns=[self.target])
            return self._fit_images(self._images(values.to_numpy()))
        if self.modality == "timeseries":
            from advisor.data.loader import load

            return load(frame, modality="timeseries").X
        return frame

    def _images(self, array: np.ndarray) -> np.ndarray:
        """An image stack from an array of images, or from rows of pixels (a pixel table's values)."""
        if array.ndim == 2 and self.image_shape is not None:
            h, w, c = self.image_shape
            if array.shape[1] != h * w * c:
                raise WrongTypeError(
                    f"The model reads {h}x{w}x{c} images ({h * w * c} pixel columns); got {array.shape[1]} columns.",
                    "Pass the same pixel columns as the training table, or an array of images.",
                )
            return array.reshape(len(array), h, w, c)
        return array

    def _fit_images(self, images: Any) -> Any:
        """Images of another size or channel count resized to the training images' (as loading does)."""
        if self.image_shape is None or not isinstance(images, np.ndarray) or images.ndim not in (3, 4):
            return images
        if images.ndim == 3:
            images = images[..., None]
        if images.shape[1:] == self.image_shape:
            return images
        from advisor.data.images import resize_images

        return resize_images(images, self.image_shape)

"""Model inputs for images, text and series: shapes, checks, and what a saved model applies to raw data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from advisor.benchmarking.inputs import ImageInput, SeriesInput, TextInput, text_columns_of
from advisor.errors import WrongTypeError


def test_image_input_adds_a_channel_axis_and_refuses_other_shapes() -> None:
    prep = ImageInput.fit(np.zeros((5, 8, 8), dtype=np.uint8))
    assert prep.shape == (8, 8, 1)
    assert prep.transform(np.ones((2, 8, 8, 1), dtype=np.uint8)).shape == (2, 8, 8, 1)
    with pytest.raises(WrongTypeError, match=r"8x8 images with 1 channel"):
        prep.transform(np.zeros((2, 28, 28, 1), dtype=np.uint8))
    with pytest.raises(WrongTypeError, match="dimension"):
        prep.transform(np.zeros((2, 8), dtype=np.uint8))


def test_text_input_joins_columns_and_truncates() -> None:
    frame = pd.DataFrame({"title": ["Nice", None], "body": ["great dress", "x" * 50], "age": [30, 40]})
    prep = TextInput(["title", "body"], max_chars=20)
    texts = prep.transform(frame)
    assert texts.tolist() == ["Nice | great dress", " | " + "x" * 17]
    assert TextInput(["body"]).transform(["a", None]).tolist() == ["a", ""]
    with pytest.raises(WrongTypeError, match="title"):
        prep.transform(frame[["body"]])


def test_series_input_accepts_lists_and_arrays_of_one_channel_count() -> None:
    prep = SeriesInput.fit([np.zeros((2, 5)), np.zeros((2, 9))])
    assert prep.n_channels == 2
    out = prep.transform([np.ones((2, 3))])
    assert out.dtype == object and out[0].dtype == np.float32 and out[0].shape == (2, 3)
    assert SeriesInput.fit(np.zeros((4, 30))).transform(np.zeros((3, 30)))[0].shape == (1, 30)
    with pytest.raises(WrongTypeError, match="2 channel"):
        prep.transform([np.zeros((3, 5))])


def test_text_columns_prefer_the_declared_ones() -> None:
    frame = pd.DataFrame({"a": ["x"], "b": ["y"]})
    assert text_columns_of(frame, {"a": "text", "b": "text"}, ("b",)) == ["b"]
    assert text_columns_of(frame, {"a": "categorical", "b": "text"}, ()) == ["b"]

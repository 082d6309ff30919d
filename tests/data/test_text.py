import numpy as np
import pandas as pd
import pytest

from advisor.data import Modality, load
from advisor.data.text import blank_text_columns, find_text_columns, is_string_column
from advisor.errors import EmptyTextError

WORDS = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "cats", "watch"]


def _reviews(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    texts = [" ".join(rng.choice(WORDS, 12)) + f" #{i}" for i in range(n)]
    return pd.DataFrame(
        {
            "text": texts,
            "stars": rng.integers(1, 6, n),
            "dept": rng.choice(["Tops", "Dresses"], n),
            "label": rng.choice(["pos", "neg"], n),
        }
    )


def test_text_column_detected_with_reason() -> None:
    ds = load(_reviews(), target="label")
    assert ds.modality is Modality.TEXT
    assert ds.text_columns == ("text",)
    assert list(ds.X.columns) == ["text", "stars", "dept"]
    assert ds.modality_reason.startswith("column 'text' holds free text (mean ")
    assert "100% unique values); 2 other columns stay tabular features" in ds.modality_reason


def test_short_categories_are_not_text() -> None:
    assert find_text_columns(_reviews()[["dept", "label"]]) == []


def test_repeated_long_strings_are_not_text() -> None:
    frame = pd.DataFrame({"c": ["a very long category name that repeats itself"] * 30})
    stats = find_text_columns(frame)
    assert stats == []


def test_missing_text_becomes_empty_string() -> None:
    frame = _reviews()
    frame.loc[3, "text"] = None
    ds = load(frame, target="label")
    assert ds.X.loc[3, "text"] == ""


def test_empty_text_column_raises() -> None:
    frame = _reviews().assign(text=["   "] * 40)
    with pytest.raises(EmptyTextError, match="Text column 'text' in the DataFrame is empty"):
        load(frame, target="label")


def test_all_nan_text_column_raises_empty_text() -> None:
    frame = _reviews().assign(text=np.nan)
    with pytest.raises(EmptyTextError):
        load(frame, target="label")


def test_text_override_picks_longest_string_column() -> None:
    frame = pd.DataFrame({"code": ["AB", "CD", "EF", "GH"], "title": ["short", "tiny", "x", "y"]})
    ds = load(frame, modality="text")
    assert ds.text_columns == ("title",)
    assert ds.modality_reason.startswith("modality 'text' was requested: column 'title'")


def test_helpers() -> None:
    assert is_string_column(pd.Series(["a", "b", None]))
    assert not is_string_column(pd.Series([1, 2]))
    assert not is_string_column(pd.Series(["a", "b"], dtype="category"))
    frame = pd.DataFrame({"comment": [None, None], "other": [None, None]})
    assert blank_text_columns(frame) == ["comment"]

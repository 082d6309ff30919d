from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from advisor import datasets
from advisor.data import Modality, load, read_table, suggest_target
from advisor.errors import DataNotFoundError

EXPECTED = {
    # name: (modality, rows, target, number of classes or None for regression)
    "adult": (Modality.TABULAR, 48842, "income", 2),
    "cpu_act": (Modality.TABULAR, 8192, "target", None),
    "breast_cancer_wisconsin": (Modality.TABULAR, 569, "target", 2),
    "diabetes": (Modality.TABULAR, 768, "target", 2),
    "credit_g": (Modality.TABULAR, 1000, "target", 2),
    "sms_spam": (Modality.TEXT, 5574, "label", 2),
    "womens_clothing_reviews": (Modality.TEXT, 23486, "Recommended IND", 2),
    "digits": (Modality.IMAGE, 1797, "label", 10),
    "mnist_5k": (Modality.IMAGE, 5000, "label", 10),
    "gunpoint": (Modality.TIMESERIES, 200, "label", 2),
    "italypowerdemand": (Modality.TIMESERIES, 1096, "label", 2),
    "basicmotions": (Modality.TIMESERIES, 80, "label", 4),
    "japanesevowels": (Modality.TIMESERIES, 640, "label", 9),
}


def test_names_and_describe() -> None:
    assert datasets.names() == sorted(EXPECTED)
    table = datasets.describe()
    assert list(table.columns) == ["name", "modality", "task", "rows", "target", "license"]
    for row in table.itertuples():
        modality, rows, target, classes = EXPECTED[row.name]
        assert (row.modality, row.rows, row.target) == (modality.value, rows, target)
        assert row.task == ("regression" if classes is None else "classification")
        assert row.license


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_bundled_dataset_loads(name: str) -> None:
    modality, rows, target, classes = EXPECTED[name]
    ds = datasets.load(name)
    assert ds.name == name and ds.modality is modality and ds.target == target
    assert len(ds) == rows and len(ds.y) == rows and ds.y.name == target
    if classes is not None:
        assert ds.y.nunique() == classes
    else:
        assert pd.api.types.is_float_dtype(ds.y)
    assert ds.modality_reason
    assert Path(ds.source).is_relative_to(datasets.root())


def test_files_are_small_documented_and_local() -> None:
    root = datasets.root()
    assert "shared" not in root.parts
    assert (root / "README.md").is_file()
    for name in datasets.names():
        folder = datasets.path(name)
        folder = folder if folder.is_dir() else folder.parent
        assert (folder / "README.md").is_file() or (folder / "LICENSE.md").is_file()
        for file in folder.iterdir():
            assert file.stat().st_size < 5 * 1024 * 1024, file


def test_shapes_of_non_tabular_sets() -> None:
    digits = datasets.load("digits")
    assert digits.X.shape == (1797, 8, 8, 1) and digits.meta["pixel_range"] == (0, 16)
    assert digits.meta["class_names"] == list(range(10))
    assert datasets.load("mnist_5k").X.shape == (5000, 28, 28, 1)
    gun = datasets.load("gunpoint")
    assert gun.X[0].shape == (1, 150) and gun.meta["predefined_split"] == {"train": 50, "test": 150}
    motions = datasets.load("basicmotions")
    assert motions.X[0].shape == (6, 100)
    vowels = datasets.load("japanesevowels")
    assert {x.shape[0] for x in vowels.X} == {12}
    assert (vowels.meta["length_min"], vowels.meta["length_max"]) == (7, 29)
    assert all(x.dtype == np.float32 for x in vowels.X)


def test_text_sets() -> None:
    sms = datasets.load("sms_spam")
    assert sms.text_columns == ("text",) and list(sms.X.columns) == ["text"]
    assert sorted(sms.y.unique()) == ["ham", "spam"]
    assert (sms.y == "spam").sum() == 747
    reviews = datasets.load("womens_clothing_reviews")
    assert "Review Text" in reviews.text_columns and "Age" in reviews.X.columns


def test_adult_keeps_raw_strings() -> None:
    adult = datasets.load("adult")
    assert "?" in set(adult.X["workclass"].unique())
    assert sorted(adult.y.unique()) == ["<=50K", ">50K"]


def test_generic_loader_on_bundled_files() -> None:
    digits = load(datasets.path("digits"))
    assert digits.modality is Modality.IMAGE and digits.y is None
    assert digits.meta["unused_columns"] == ["column_64"]
    frame, _ = read_table(datasets.path("sms_spam"))
    assert suggest_target(frame).column == "column_0"  # type: ignore[union-attr]
    sms = load(datasets.path("sms_spam"), target="column_0")
    assert sms.modality is Modality.TEXT and sms.text_columns == ("column_1",)


def test_other_target_and_unknown_name() -> None:
    reviews = datasets.load("womens_clothing_reviews", target="Rating")
    assert reviews.target == "Rating" and sorted(reviews.y.unique()) == [1, 2, 3, 4, 5]
    with pytest.raises(DataNotFoundError, match="Bundled datasets: adult, basicmotions"):
        datasets.load("nope")

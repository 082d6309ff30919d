"""A saved model predicts from every form of data ``advisor.load`` accepted for training.

Each case benchmarks one cheap family on a small dataset in one form, then predicts from that form and from
the other forms of the same data: the predictions must agree (same rows, same answers).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import advisor
from advisor.benchmarking import Budget

ONE_TRIAL = {"budget": Budget(trials=1), "families": ["linear"]}


def _model(data: advisor.Dataset, run_dir: Path) -> advisor.models.persistence.AdvisorModel:
    result = advisor.benchmark(data, run_dir=run_dir, **ONE_TRIAL)
    model = advisor.load_model(result.deployed["path"])
    assert model.metadata["rows"] == data.n_rows  # the model to deploy saw every row
    return model


@pytest.fixture(scope="module")
def digits() -> tuple[pd.DataFrame, np.ndarray]:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    keep = np.isin(bunch.target, [0, 1, 7])[:300]
    pixels = pd.DataFrame(bunch.data[:300][keep].astype(int), columns=[f"pixel{i}" for i in range(64)])
    return pixels, bunch.target[:300][keep]


def test_pixel_table_model_predicts_from_table_csv_array_and_folder(tmp_path: Path, digits) -> None:
    pixels, y = digits
    table = pixels.assign(label=y)
    data = advisor.load(table, target="label")
    assert data.modality.value == "image"
    model = _model(data, tmp_path / "run")
    expected = model.predict(table)  # the training table itself, label column included
    assert (expected == y).mean() > 0.9
    np.testing.assert_array_equal(model.predict(pixels), expected)
    table.to_csv(tmp_path / "digits.csv", index=False)
    np.testing.assert_array_equal(model.predict(tmp_path / "digits.csv"), expected)
    images = pixels.to_numpy().reshape(-1, 8, 8)
    np.testing.assert_array_equal(model.predict(images), expected)
    np.testing.assert_array_equal(model.predict(pixels.to_numpy()), expected)


def _write_images(root: Path, images: np.ndarray, y: np.ndarray, scale: int = 1) -> None:
    for i, (image, label) in enumerate(zip(images, y, strict=True)):
        folder = root / f"class_{label}"
        folder.mkdir(parents=True, exist_ok=True)
        picture = Image.fromarray((image * 15).clip(0, 255).astype(np.uint8))
        if scale > 1:
            picture = picture.resize((8 * scale, 8 * scale), Image.Resampling.NEAREST)
        picture.save(folder / f"{i:04d}.png")


def _zip(folder: Path, path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(folder.rglob("*.png")):
            archive.write(file, file.relative_to(folder.parent).as_posix())
    return path


def test_image_folder_model_predicts_from_folder_zip_array_and_bigger_images(tmp_path: Path, digits) -> None:
    pixels, y = digits
    images = pixels.to_numpy().reshape(-1, 8, 8)
    _write_images(tmp_path / "train", images, y)
    data = advisor.load(tmp_path / "train")
    model = _model(data, tmp_path / "run")
    expected = model.predict(tmp_path / "train")
    truth = np.array([f"class_{v}" for v in np.sort(y)])  # files are read class folder by class folder
    assert (expected == truth).mean() > 0.9
    np.testing.assert_array_equal(model.predict(_zip(tmp_path / "train", tmp_path / "train.zip")), expected)
    np.testing.assert_array_equal(model.predict(data.X), expected)
    _write_images(tmp_path / "big", images, y, scale=4)  # 32x32 copies: resized to the training 8x8
    assert (model.predict(tmp_path / "big") == expected).mean() > 0.9


def _reviews() -> tuple[list[str], list[str]]:
    good = ["great fit, lovely fabric", "love it, perfect and soft", "excellent quality, great colour"]
    bad = ["terrible fit, cheap fabric", "awful, it tore at once", "poor quality, returned it"]
    texts = [f"{t} ({i})" for i in range(10) for t in good + bad]
    labels = [("pos" if j < 3 else "neg") for _ in range(10) for j in range(6)]
    return texts, labels


def test_text_folder_model_predicts_from_folders_zip_table_and_texts(tmp_path: Path) -> None:
    texts, labels = _reviews()
    for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
        (tmp_path / "docs" / label).mkdir(parents=True, exist_ok=True)
        (tmp_path / "docs" / label / f"{i:03d}.txt").write_text(text, encoding="utf-8")
    data = advisor.load(tmp_path / "docs")
    assert data.modality.value == "text"
    model = _model(data, tmp_path / "run")
    expected = model.predict(tmp_path / "docs")
    assert (expected == data.y.to_numpy()).mean() > 0.9
    with zipfile.ZipFile(tmp_path / "docs.zip", "w") as archive:
        for file in sorted((tmp_path / "docs").rglob("*.txt")):
            archive.write(file, file.relative_to(tmp_path).as_posix())
    np.testing.assert_array_equal(model.predict(tmp_path / "docs.zip"), expected)
    np.testing.assert_array_equal(model.predict(data.X), expected)
    np.testing.assert_array_equal(model.predict(data.X["text"].tolist()), expected)


def test_text_table_model_predicts_from_table_and_csv(tmp_path: Path) -> None:
    texts, labels = _reviews()
    table = pd.DataFrame({"review": texts, "stars": [5 if v == "pos" else 1 for v in labels], "label": labels})
    data = advisor.load(table, target="label")
    model = _model(data, tmp_path / "run")
    expected = model.predict(table.drop(columns=["label"]))
    table.to_csv(tmp_path / "reviews.csv", index=False)
    np.testing.assert_array_equal(model.predict(tmp_path / "reviews.csv"), expected)
    np.testing.assert_array_equal(model.predict(table), expected)


def test_series_model_predicts_from_ts_file_long_table_and_list(tmp_path: Path) -> None:
    data = advisor.datasets.load("gunpoint")
    model = _model(data, tmp_path / "run")
    test_file = Path(data.source or "") / "GunPoint_TEST.ts" if Path(data.source or "").is_dir() else None
    test_file = test_file or next(Path(advisor.datasets.path("gunpoint")).parent.glob("*_TEST.ts"))
    from_file = model.predict(test_file)
    test = advisor.load(test_file)
    np.testing.assert_array_equal(model.predict(test.X), from_file)
    long = pd.concat(
        [pd.DataFrame({"id": i, "time": np.arange(s.shape[1]), "value": s[0]}) for i, s in enumerate(test.X)]
    )
    np.testing.assert_array_equal(model.predict(long), from_file)
    assert (from_file == test.y.to_numpy()).mean() > 0.7


def test_table_model_predicts_from_original_types_csv_and_array(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 300
    table = pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "income": rng.normal(50, 10, n).round(2),
            "member": rng.choice([True, False], n),
            "city": rng.choice(["Oslo", "Lima", "Pune"], n),
        }
    )
    table["churn"] = np.where((table["age"] > 50) | (table["city"] == "Lima"), "yes", "no")
    data = advisor.load(table, target="churn")
    model = _model(data, tmp_path / "run")
    expected = model.predict(table)
    assert (expected == table["churn"].to_numpy()).mean() > 0.7
    table.to_csv(tmp_path / "churn.csv", index=False)
    np.testing.assert_array_equal(model.predict(tmp_path / "churn.csv"), expected)
    np.testing.assert_array_equal(model.predict(table.drop(columns=["churn"])), expected)
    shuffled = table[["city", "member", "income", "age"]]  # columns are matched by name, not position
    np.testing.assert_array_equal(model.predict(shuffled), expected)

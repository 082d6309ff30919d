"""Folder discovery: which files and subfolders are one dataset each."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
from PIL import Image

import advisor
from advisor.benchmarking import Budget
from advisor.suite import discover
from advisor.suite.discover import folder_kind, is_collection
from advisor.suite.entries import Job
from advisor.suite.worker import load_job_dataset


def _image(path: Path, value: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full((8, 8), value, dtype=np.uint8)).save(path)


def _collection(root: Path) -> Path:
    gunpoint = advisor.datasets.path("gunpoint")
    root.mkdir()
    (root / "a.csv").write_text("x,y\n1,0\n2,1\n", encoding="utf-8")
    (root / "b.tsv.gz").write_bytes(b"")
    (root / "c.parquet").write_bytes(b"")
    (root / "pets.zip").write_bytes(b"")
    (root / "README.md").write_text("docs", encoding="utf-8")
    (root / "LICENSE.txt").write_text("MIT", encoding="utf-8")
    (root / ".hidden.csv").write_text("x\n1\n", encoding="utf-8")
    (root / "raw.npy").write_bytes(b"")
    for f in gunpoint.glob("*.ts"):  # a loose TRAIN/TEST pair: one dataset
        shutil.copy(f, root / f.name)
    (root / "Single.ts").write_text("", encoding="utf-8")
    series = root / "series"
    series.mkdir()
    for f in gunpoint.glob("*.ts"):  # a folder holding one pair: one dataset
        shutil.copy(f, series / f.name)
    (series / "README.md").write_text("docs", encoding="utf-8")
    _image(root / "pets" / "cat" / "1.png", 0)
    _image(root / "pets" / "dog" / "2.png", 255)
    (root / "group").mkdir()
    (root / "group" / "d.csv").write_text("x,y\n1,0\n", encoding="utf-8")
    _image(root / "group" / "digits" / "train" / "0" / "a.png", 0)  # image tree with a wrapper folder
    (root / "group" / "deeper").mkdir()
    (root / "group" / "deeper" / "too_deep.csv").write_text("x,y\n1,0\n", encoding="utf-8")
    return root


def test_discover_a_collection(tmp_path: Path) -> None:
    root = _collection(tmp_path / "suite")
    entries = discover(root)
    found = {Path(e.path).relative_to(root).as_posix(): e for e in entries}
    assert set(found) == {
        "a.csv",
        "b.tsv.gz",
        "c.parquet",
        "pets.zip",
        "GunPoint_TRAIN.ts",
        "Single.ts",
        "series",
        "pets",
        "group/d.csv",
        "group/digits",
    }
    pair = found["GunPoint_TRAIN.ts"]
    assert pair.test_path == str(root / "GunPoint_TEST.ts") and pair.display_name == "GunPoint"
    assert found["b.tsv.gz"].display_name == "b"
    assert is_collection(root) and is_collection(root / "group")


def test_folders_that_are_one_dataset(tmp_path: Path) -> None:
    root = _collection(tmp_path / "suite")
    assert folder_kind(root / "series") == "ts" and not is_collection(root / "series")
    assert folder_kind(root / "pets") == "images" and not is_collection(root / "pets")
    assert discover(root / "pets")[0].path == str(root / "pets")
    assert not is_collection(root / "a.csv")  # a file is not a collection
    assert not is_collection(advisor.datasets.path("gunpoint"))
    assert is_collection(advisor.datasets.root())  # the bundled datasets: one folder each
    (tmp_path / "empty").mkdir()
    assert folder_kind(tmp_path / "empty") == "empty"


def test_a_loose_pair_loads_with_its_test_split(tmp_path: Path) -> None:
    root = _collection(tmp_path / "suite")
    pair = next(e for e in discover(root) if e.test_path)
    job = Job(
        pair.display_name, "gunpoint", pair.path, str(tmp_path / "run"), Budget(seconds=5), 0, test_path=pair.test_path
    )
    dataset = load_job_dataset(job, [])
    whole = advisor.datasets.load("gunpoint")
    assert dataset.n_rows == whole.n_rows == 200
    assert dataset.meta["predefined_split"] == whole.meta["predefined_split"]
    assert dataset.name == "GunPoint" and dataset.target == whole.target
    assert list(dataset.y) == list(whole.y)

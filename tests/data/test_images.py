import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from advisor.data import Modality, load
from advisor.errors import (
    CorruptImageError,
    EmptyDataError,
    InvalidArgumentError,
    ModalityError,
    SingleClassError,
)


def test_image_folder(image_folder: Path) -> None:
    ds = load(image_folder)
    assert ds.modality is Modality.IMAGE and ds.name == "pets"
    assert ds.X.shape == (5, 6, 8, 3) and ds.X.dtype == np.uint8
    assert ds.y.tolist() == ["cat", "cat", "cat", "dog", "dog"] and ds.target == "label"
    assert ds.meta["class_names"] == ["cat", "dog"]
    assert ds.meta["original_sizes"] == {
        "min": (6, 8),
        "max": (12, 16),
        "most_common": (6, 8),
        "distinct": 2,
    }
    assert ds.X[0, 0, 0].tolist() == [0, 50, 90]
    assert ds.modality_reason == ("folder 'pets' holds 5 color images in 2 class subfolders (most common size 8x6)")


def test_grayscale_images_get_one_channel(tmp_path: Path, png: Callable[..., bytes]) -> None:
    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        for i in range(2):
            (tmp_path / label / f"{i}.png").write_bytes(png((5, 5), 100 + i, mode="L"))
    ds = load(tmp_path)
    assert ds.X.shape == (4, 5, 5, 1) and ds.X[1, 0, 0, 0] == 101


def test_mixed_gray_and_color_become_rgb(tmp_path: Path, png: Callable[..., bytes]) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "g.png").write_bytes(png((4, 4), 77, mode="L"))
    (tmp_path / "b" / "c.png").write_bytes(png((4, 4), (1, 2, 3)))
    ds = load(tmp_path)
    assert ds.X.shape == (2, 4, 4, 3)
    assert ds.X[0, 0, 0].tolist() == [77, 77, 77] and ds.X[1, 0, 0].tolist() == [1, 2, 3]


def test_large_images_are_capped_at_224(tmp_path: Path, png: Callable[..., bytes]) -> None:
    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        (tmp_path / label / "big.png").write_bytes(png((448, 300)))
    ds = load(tmp_path)
    assert ds.X.shape == (2, 150, 224, 3) and ds.meta["image_size"] == (150, 224)
    assert "resized to 224x150" in ds.modality_reason


def test_junk_files_are_ignored(image_folder: Path) -> None:
    (image_folder / ".DS_Store").write_bytes(b"\x00junk")
    (image_folder / "cat" / "Thumbs.db").write_bytes(b"\x00junk")
    (image_folder / "dog" / ".hidden.png").write_bytes(b"not an image")
    (image_folder / "__MACOSX").mkdir()
    (image_folder / "__MACOSX" / "x.png").write_bytes(b"junk")
    (image_folder / "README.md").write_text("about the pets")
    ds = load(image_folder)
    assert len(ds) == 5 and ds.meta["skipped_files"] == {"count": 1, "names": ["README.md"]}


def test_wrapper_folder(tmp_path: Path, image_folder: Path) -> None:
    ds = load(image_folder.parent)
    assert ds.meta["class_names"] == ["cat", "dog"]


def test_non_image_file_in_class_folder_is_skipped(image_folder: Path) -> None:
    (image_folder / "dog" / "notes.txt").write_text("good dog")
    ds = load(image_folder)
    assert len(ds) == 5 and ds.meta["skipped_files"] == {"count": 1, "names": ["dog/notes.txt"]}


def test_corrupt_png(image_folder: Path) -> None:
    (image_folder / "cat" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nthis is not a png")
    with pytest.raises(CorruptImageError, match=r"'cat/broken\.png' in folder 'pets'"):
        load(image_folder)


def test_truncated_png(image_folder: Path, png: Callable[..., bytes]) -> None:
    data = png((64, 64), (1, 2, 3))
    (image_folder / "cat" / "cut.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptImageError, match=r"cut\.png"):
        load(image_folder)


def test_empty_class_folder_is_skipped_with_a_warning(image_folder: Path) -> None:
    (image_folder / "bird").mkdir()
    ds = load(image_folder)
    assert ds.meta["class_names"] == ["cat", "dog"]
    assert ds.meta["warnings"] == ["Skipped 1 class folder of folder 'pets' that holds no images: 'bird'."]


def test_single_class_folder(tmp_path: Path, png: Callable[..., bytes]) -> None:
    (tmp_path / "only").mkdir()
    (tmp_path / "only" / "a.png").write_bytes(png())
    (tmp_path / "only" / "b.png").write_bytes(png())
    with pytest.raises(SingleClassError, match=r"single class folder \('only'\)"):
        load(tmp_path)


def test_folder_without_class_folders(tmp_path: Path) -> None:
    with pytest.raises(EmptyDataError, match="is empty: no class subfolders"):
        load(tmp_path)


def test_loose_image_at_top(image_folder: Path, png: Callable[..., bytes]) -> None:
    (image_folder / "stray.png").write_bytes(png())
    with pytest.raises(InvalidArgumentError, match=r"'stray\.png' lies at the top"):
        load(image_folder)


def test_image_folder_rejects_other_modality(image_folder: Path) -> None:
    with pytest.raises(ModalityError, match="folder 'pets' holds image files"):
        load(image_folder, modality="tabular")


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_zip_of_class_folders(tmp_path: Path, png: Callable[..., bytes]) -> None:
    members = {f"{c}/{i}.png": png((6, 6), (i, i, i)) for c in ("x", "y") for i in range(3)}
    ds = load(_zip(tmp_path / "shapes.zip", members))
    assert ds.X.shape == (6, 6, 6, 3) and ds.meta["class_names"] == ["x", "y"]
    assert ds.meta["format"] == "archive"
    assert ds.modality_reason.startswith("archive 'shapes.zip' holds 6 color images")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shapes.zip"]  # nothing extracted


def test_zip_with_wrapper_and_macos_junk(tmp_path: Path, png: Callable[..., bytes]) -> None:
    members = {
        "data/": b"",
        "data/a/1.png": png(),
        "data/b/2.png": png(),
        "__MACOSX/data/a/._1.png": b"junk",
        "data/a/.DS_Store": b"junk",
    }
    ds = load(_zip(tmp_path / "w.zip", members))
    assert ds.y.tolist() == ["a", "b"]


def test_zip_with_corrupt_member(tmp_path: Path, png: Callable[..., bytes]) -> None:
    members = {"a/1.png": png(), "b/2.png": b"garbage"}
    with pytest.raises(CorruptImageError, match=r"'b/2\.png' in archive 'bad\.zip'"):
        load(_zip(tmp_path / "bad.zip", members))


def test_rgba_and_palette_images(tmp_path: Path) -> None:
    for label, mode in (("a", "RGBA"), ("b", "P")):
        (tmp_path / label).mkdir()
        buffer = io.BytesIO()
        Image.new(mode, (3, 3)).save(buffer, format="PNG")
        (tmp_path / label / "i.png").write_bytes(buffer.getvalue())
    assert load(tmp_path).X.shape == (2, 3, 3, 3)

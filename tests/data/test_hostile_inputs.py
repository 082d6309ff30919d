"""Hostile images and text through ``advisor.load``: a clear AdvisorError, or a documented skip; nothing written.

Covers: zips of image or text class folders whose paths escape their folder, decompression bombs (zip
ratio and image pixels), non-image files, corrupt images, empty class folders and empty text columns.
Every hostile file is made here in ``tmp_path``.
"""

from __future__ import annotations

import stat
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from advisor.data import Modality, load
from advisor.data.images import MAX_PIXELS
from advisor.errors import (
    AdvisorError,
    CorruptImageError,
    EmptyDataError,
    EmptyTextError,
    FileTooLargeError,
    SingleClassError,
    UnsafeArchiveError,
)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int, height: int) -> bytes:
    """A tiny PNG (a few hundred bytes) whose header declares ``width`` x ``height`` gray pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + _chunk(b"IEND", b"")
    )


def _listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def _classes(root: Path, png: Callable[..., bytes], names: tuple[str, ...] = ("cats", "dogs")) -> Path:
    for name in names:
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(2):
            (root / name / f"{i}.png").write_bytes(png((6, 6), (10 * i, 20, 30)))
    return root


# --- zip paths that escape the target folder: rejected before anything is read, nothing written ----


def _symlink_zip(path: Path, data: bytes, suffix: str = ".png") -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"cats/1{suffix}", data)
        zf.writestr(f"dogs/1{suffix}", data)
        info = zipfile.ZipInfo(f"dogs/evil{suffix}")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, f"../../../evil{suffix}")
    return path


def _document(kind: str, png: Callable[..., bytes]) -> tuple[bytes, str]:
    """One class-folder file of ``kind`` ('images' or 'text') and its suffix."""
    return (png(), ".png") if kind == "images" else (b"A short document about pets.", ".txt")


ESCAPES = {
    "parent": ("../evil.png", "points outside"),
    "grandparent": ("../../evil.txt", "points outside"),
    "climbing inside a class": ("cats/../../evil.png", "points outside"),
    "backslashes": ("cats\\..\\..\\evil.png", "points outside"),
    "absolute": ("{abs}", "absolute path"),
    "drive letter": ("C:/evil.png", "absolute path"),
    "symlink": (None, "symbolic link"),
}


KINDS = ["images", "text"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", list(ESCAPES), ids=list(ESCAPES))
def test_escaping_zip_is_rejected_and_nothing_is_written(
    tmp_path: Path, png: Callable[..., bytes], monkeypatch: pytest.MonkeyPatch, case: str, kind: str
) -> None:
    work = tmp_path / "outer" / "work"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    data, suffix = _document(kind, png)
    absolute = tmp_path / "abs" / f"evil{suffix}"
    name, message = ESCAPES[case]
    if name is None:
        archive = _symlink_zip(work / "evil.zip", data, suffix)
    else:
        name = name.replace("{abs}", absolute.as_posix()).replace(".png", suffix)
        archive = _zip(work / "evil.zip", {f"cats/1{suffix}": data, f"dogs/1{suffix}": data, name: data})
    before = _listing(tmp_path)
    with pytest.raises(UnsafeArchiveError, match=message) as caught:
        load(archive)
    assert "never extracts archives" in str(caught.value)
    assert _listing(tmp_path) == before  # the work folder, its parent and grandparent are untouched
    assert not absolute.exists() and not (tmp_path / f"evil{suffix}").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_good_zip_is_read_in_memory_without_writing(tmp_path: Path, png: Callable[..., bytes], kind: str) -> None:
    data, suffix = _document(kind, png)
    archive = _zip(tmp_path / "ok.zip", {f"cats/1{suffix}": data, f"dogs/1{suffix}": data})
    before = _listing(tmp_path)
    ds = load(archive)
    assert len(ds) == 2 and ds.modality is (Modality.IMAGE if kind == "images" else Modality.TEXT)
    assert _listing(tmp_path) == before


# --- decompression bombs -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_zip_bomb_is_rejected(tmp_path: Path, png: Callable[..., bytes], kind: str) -> None:
    data, suffix = _document(kind, png)
    archive = _zip(tmp_path / "bomb.zip", {f"cats/1{suffix}": data, f"dogs/zeros{suffix}": b"\0" * (40 * 2**20)})
    with pytest.raises(UnsafeArchiveError, match=rf"'dogs/zeros\{suffix}' expands .*-fold .* a decompression bomb"):
        load(archive)


def test_zip_bomb_hidden_in_a_non_image_member_is_rejected(tmp_path: Path, png: Callable[..., bytes]) -> None:
    members = {"cats/1.png": png(), "dogs/1.png": png(), "dogs/notes.txt": b"\0" * (40 * 2**20)}
    with pytest.raises(UnsafeArchiveError, match="decompression bomb"):
        load(_zip(tmp_path / "bomb.zip", members))


@pytest.mark.parametrize("side", [30_000, 10_000], ids=["over PIL's error limit", "over PIL's warning limit"])
def test_pixel_bomb_in_folder(tmp_path: Path, png: Callable[..., bytes], side: int) -> None:
    root = _classes(tmp_path / "imgs", png)
    (root / "dogs" / "bomb.png").write_bytes(bomb_png(side, side))
    assert (root / "dogs" / "bomb.png").stat().st_size < 1000
    pixels = f"{side * side:,}"
    with pytest.raises(
        FileTooLargeError, match=rf"'dogs/bomb\.png' in folder 'imgs' declares {pixels} pixels"
    ) as caught:
        load(root)
    assert "decompression bomb" in str(caught.value) and "Shrink the image" in str(caught.value)


def test_pixel_bomb_in_zip(tmp_path: Path, png: Callable[..., bytes]) -> None:
    members = {"cats/1.png": png(), "dogs/1.png": png(), "dogs/bomb.png": bomb_png(30_000, 30_000)}
    with pytest.raises(FileTooLargeError, match=r"'dogs/bomb\.png' in archive 'b\.zip' declares 900,000,000 pixels"):
        load(_zip(tmp_path / "b.zip", members))


def test_pixel_bomb_refused_even_when_pil_check_is_off(
    tmp_path: Path, png: Callable[..., bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)  # as some libraries do globally
    root = _classes(tmp_path / "imgs", png)
    side = int(MAX_PIXELS**0.5) + 1
    (root / "cats" / "bomb.png").write_bytes(bomb_png(side, side))
    with pytest.raises(FileTooLargeError, match=rf"declares {side * side:,} pixels \({side}x{side}\), over the limit"):
        load(root)


def test_pixel_bomb_is_never_a_raw_pil_error(tmp_path: Path, png: Callable[..., bytes]) -> None:
    root = _classes(tmp_path / "imgs", png)
    (root / "cats" / "bomb.png").write_bytes(bomb_png(30_000, 30_000))
    with pytest.raises(AdvisorError) as caught:
        load(root)
    assert not isinstance(caught.value, Image.DecompressionBombError)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


# --- non-image files --------------------------------------------------------------------------------


def test_junk_is_skipped_silently_and_other_files_are_counted(tmp_path: Path, png: Callable[..., bytes]) -> None:
    root = _classes(tmp_path / "pets", png)
    for junk in (".DS_Store", "cats/.DS_Store", "cats/Thumbs.db", "dogs/desktop.ini", "dogs/._0.png", ".hidden"):
        (root / junk).write_bytes(b"\x00junk")
    (root / "__MACOSX" / "cats").mkdir(parents=True)
    (root / "__MACOSX" / "cats" / "._1.png").write_bytes(b"junk")
    (root / "cats" / "notes.txt").write_text("cats are great")
    (root / "dogs" / "labels.csv").write_text("a,b\n1,2\n")
    (root / "LICENSE").write_text("CC-BY")
    ds = load(root)
    assert len(ds) == 4 and ds.meta["class_names"] == ["cats", "dogs"]
    assert ds.meta["skipped_files"] == {"count": 3, "names": ["LICENSE", "cats/notes.txt", "dogs/labels.csv"]}
    assert ds.meta["warnings"] == [
        "Skipped 3 files of folder 'pets' that are not images: 'LICENSE', 'cats/notes.txt', 'dogs/labels.csv' "
        "(images end in .bmp, .gif, .jpeg, .jpg, .pbm, .pgm, .png, .ppm, .tif, .tiff, .webp)."
    ]


def test_only_junk_leaves_no_trace(tmp_path: Path, png: Callable[..., bytes]) -> None:
    root = _classes(tmp_path / "pets", png)
    (root / "cats" / "Thumbs.db").write_bytes(b"junk")
    (root / ".DS_Store").write_bytes(b"junk")
    ds = load(root)
    assert "skipped_files" not in ds.meta and "warnings" not in ds.meta


def test_non_image_files_in_zip(tmp_path: Path, png: Callable[..., bytes]) -> None:
    members = {
        "data/": b"",
        "data/cats/1.png": png(),
        "data/dogs/1.png": png(),
        "data/dogs/notes.txt": b"good dogs",
        "data/README.md": b"about",
        "__MACOSX/data/cats/._1.png": b"junk",
        "data/cats/.DS_Store": b"junk",
        "data/Thumbs.db": b"junk",
    }
    ds = load(_zip(tmp_path / "pets.zip", members))
    assert ds.y.tolist() == ["cats", "dogs"]
    assert ds.meta["skipped_files"] == {"count": 2, "names": ["data/README.md", "data/dogs/notes.txt"]}


def test_names_in_errors_are_real_paths_inside_a_wrapper(tmp_path: Path, png: Callable[..., bytes]) -> None:
    archive = _zip(tmp_path / "w.zip", {"data/cats/1.png": png(), "data/dogs/1.png": b"broken"})
    with pytest.raises(CorruptImageError, match=r"'data/dogs/1\.png' in archive 'w\.zip'"):
        load(archive)


def test_many_skipped_files_are_counted_and_the_list_is_short(tmp_path: Path, png: Callable[..., bytes]) -> None:
    root = _classes(tmp_path / "pets", png)
    for i in range(15):
        (root / "cats" / f"note{i:02d}.txt").write_text("x")
    ds = load(root)
    assert ds.meta["skipped_files"]["count"] == 15 and len(ds.meta["skipped_files"]["names"]) == 10
    assert "and 5 more" in ds.meta["warnings"][0]


def test_folder_without_any_image(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    for name in ("a", "b"):
        (root / name).mkdir(parents=True)
        (root / name / "notes.pdf").write_text("not an image")  # .txt files would be a text dataset
    (root / "a" / "data.csv").write_text("x\n1\n")
    with pytest.raises(
        EmptyDataError, match=r"No images or text files found in folder 'docs': its 3 files .* are not images"
    ) as c:
        load(root)
    assert "'a/data.csv'" in str(c.value) and ".png" in str(c.value) and ".jpg" in str(c.value)
    assert "text files end in .md, .text, .txt" in str(c.value)


def test_zip_without_any_image(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "docs.zip", {"a/notes.pdf": b"x", "b/table.csv": b"x,y\n1,2\n", "__MACOSX/a": b""})
    with pytest.raises(EmptyDataError, match=r"No images or text files found in archive 'docs\.zip'.*end in .*\.png"):
        load(archive)


def test_folder_with_only_junk(tmp_path: Path) -> None:
    (tmp_path / ".DS_Store").write_bytes(b"junk")
    (tmp_path / "Thumbs.db").write_bytes(b"junk")
    with pytest.raises(EmptyDataError, match="is empty: no class subfolders of images"):
        load(tmp_path)


# --- files with an image extension that do not decode ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [("notes.png", b"just some text"), ("photo.jpg", b"\xff\xd8\xff\xe0 broken"), ("empty.gif", b"")],
)
def test_undecodable_image_is_named(tmp_path: Path, png: Callable[..., bytes], name: str, data: bytes) -> None:
    root = _classes(tmp_path / "imgs", png)
    (root / "dogs" / name).write_bytes(data)
    with pytest.raises(CorruptImageError, match=rf"Image 'dogs/{name}' in folder 'imgs' cannot be decoded") as c:
        load(root)
    assert "Remove or replace the file" in str(c.value)


def test_undecodable_image_in_zip(tmp_path: Path, png: Callable[..., bytes]) -> None:
    archive = _zip(tmp_path / "z.zip", {"cats/1.png": png(), "dogs/1.jpg": b"not a jpeg"})
    with pytest.raises(CorruptImageError, match=r"'dogs/1\.jpg' in archive 'z\.zip' cannot be decoded"):
        load(archive)


# --- empty class folders --------------------------------------------------------------------------------


def test_empty_class_folders_are_skipped_with_a_warning(tmp_path: Path, png: Callable[..., bytes]) -> None:
    root = _classes(tmp_path / "pets", png)
    (root / "birds").mkdir()
    (root / "fish").mkdir()
    (root / "fish" / "Thumbs.db").write_bytes(b"junk")
    (root / "fish" / "todo.txt").write_text("add fish")
    ds = load(root)
    assert ds.meta["class_names"] == ["cats", "dogs"] and set(ds.y) == {"cats", "dogs"}
    assert ds.meta["warnings"][0] == "Skipped 2 class folders of folder 'pets' that hold no images: 'birds', 'fish'."
    assert ds.meta["skipped_files"] == {"count": 1, "names": ["fish/todo.txt"]}


def test_empty_class_folder_in_zip(tmp_path: Path, png: Callable[..., bytes]) -> None:
    archive = _zip(tmp_path / "z.zip", {"cats/1.png": png(), "dogs/1.png": png(), "birds/": b""})
    ds = load(archive)
    assert ds.meta["class_names"] == ["cats", "dogs"]
    assert ds.meta["warnings"] == ["Skipped 1 class folder of archive 'z.zip' that holds no images: 'birds'."]


def test_one_class_left_after_empty_folders(tmp_path: Path, png: Callable[..., bytes]) -> None:
    root = _classes(tmp_path / "pets", png, names=("cats",))
    (root / "dogs").mkdir()
    with pytest.raises(SingleClassError, match=r"single class folder \('cats'\); the other class folder \('dogs'\)"):
        load(root)


def test_all_class_folders_empty(tmp_path: Path) -> None:
    for name in ("cats", "dogs"):
        (tmp_path / "pets" / name).mkdir(parents=True)
    with pytest.raises(
        EmptyDataError, match=r"No images or text files found in folder 'pets': its class folders \('cats', 'dogs'\)"
    ):
        load(tmp_path / "pets")


# --- empty text columns -----------------------------------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   ", "\t", None], ids=["empty", "spaces", "tab", "missing"])
def test_empty_text_column_in_a_file(tmp_path: Path, blank: str | None) -> None:
    path = tmp_path / "reviews.csv"
    pd.DataFrame({"review": [blank] * 30, "stars": range(30), "label": [0, 1, 2] * 10}).to_csv(path, index=False)
    with pytest.raises(EmptyTextError, match=r"Text column 'review' in 'reviews\.csv' is empty"):
        load(path, target="label")


def test_empty_text_column_when_text_is_requested() -> None:
    frame = pd.DataFrame({"notes": ["  ", "", "\n"] * 10, "stars": range(30), "label": [0, 1, 2] * 10})
    with pytest.raises(EmptyTextError, match=r"Modality 'text' was requested, but text column 'notes' .* is empty"):
        load(frame, target="label", modality="text")


def test_requested_text_skips_a_blank_column_for_a_filled_one() -> None:
    frame = pd.DataFrame({"blank": ["   "] * 4, "title": ["short", "tiny", "x", "y"], "label": [0, 1] * 2})
    ds = load(frame, target="label", modality="text")
    assert ds.modality is Modality.TEXT and ds.text_columns == ("title",)

"""Text files in class subfolders (scikit-learn's ``load_files`` layout), as a folder or a zip.

Hostile zips of text files (path escapes, absolute paths, symlinks, zip bombs) are covered with the
image ones in test_hostile_inputs.py, parametrised over both kinds.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import advisor
from advisor.benchmarking.views import Views
from advisor.data import Modality, load
from advisor.data.textfolders import decode_text
from advisor.errors import (
    EmptyDataError,
    EmptyTextError,
    InvalidArgumentError,
    MalformedFileError,
    ModalityError,
    SingleClassError,
    TooFewRowsError,
)

ZipOf = Callable[[Path, dict[str, bytes | str]], Path]
SPORTS = [
    "The home team won the cup final with a late goal.",
    "A record crowd watched the marathon in the rain.",
    "The coach resigned after ten straight defeats.",
]
POLITICS = ["Parliament passed the budget after a long debate.", "The minister announced new taxes on fuel."]


def _write(root: Path, files: dict[str, bytes | str]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    return root


def _docs(prefix: str = "") -> dict[str, bytes | str]:
    return {
        **{f"{prefix}sports/{i}.txt": text for i, text in enumerate(SPORTS)},
        **{f"{prefix}politics/{i}.txt": text for i, text in enumerate(POLITICS)},
    }


# --- layouts ------------------------------------------------------------------------------------------


def test_text_folder(text_folder: Path) -> None:
    ds = load(text_folder)
    assert ds.modality is Modality.TEXT and ds.name == "news" and ds.target == "label"
    assert isinstance(ds.X, pd.DataFrame) and list(ds.X.columns) == ["text"] and ds.text_columns == ("text",)
    assert ds.y.name == "label" and ds.y.tolist() == ["politics"] * 2 + ["sports"] * 3
    assert ds.X["text"].tolist() == [
        "Parliament passed the budget after a long debate.",
        "The minister announced new taxes on fuel.",
        "The home team won the cup final with a late goal.",
        "A record crowd watched the marathon in the rain.",
        "The coach resigned after ten straight defeats.",
    ]
    mean = sum(map(len, ds.X["text"])) / 5
    assert ds.modality_reason == f"folder 'news' holds 5 text files in 2 class subfolders (mean {mean:.0f} characters)"
    meta = ds.meta
    assert meta["format"] == "folder" and meta["class_names"] == ["politics", "sports"]
    assert meta["n_texts"] == 5 and meta["files_per_class"] == {"politics": 2, "sports": 3}
    assert meta["encodings"] == {"utf-8": 5}
    assert "warnings" not in meta and "skipped_files" not in meta


def test_text_zip(tmp_path: Path, zip_of: ZipOf) -> None:
    ds = load(zip_of(tmp_path / "news.zip", _docs()))
    assert ds.modality is Modality.TEXT and ds.meta["format"] == "archive" and ds.name == "news"
    assert ds.y.tolist() == ["politics"] * 2 + ["sports"] * 3
    assert ds.X["text"].tolist() == [*POLITICS, *SPORTS]
    assert ds.modality_reason.startswith("archive 'news.zip' holds 5 text files in 2 class subfolders (mean ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.zip"]  # nothing extracted


def test_wrapper_folder_with_readme_and_junk(tmp_path: Path, zip_of: ZipOf) -> None:
    members = {
        **_docs("data/"),
        "data/": b"",
        "data/README.txt": "Five news articles in two classes.",
        "LICENSE": "CC-BY",
        "__MACOSX/data/sports/._0.txt": b"\x00junk",
        "data/sports/.DS_Store": b"\x00junk",
        "data/Thumbs.db": b"junk",
    }
    ds = load(zip_of(tmp_path / "w.zip", members))
    assert ds.meta["class_names"] == ["politics", "sports"] and ds.X["text"].tolist() == [*POLITICS, *SPORTS]
    assert ds.meta["skipped_files"] == {"count": 2, "names": ["LICENSE", "data/README.txt"]}
    assert ds.meta["warnings"] == [
        "Skipped 1 file of archive 'w.zip' that is not a text file: 'LICENSE' (text files end in .md, .text, .txt).",
        "Skipped 1 text file of archive 'w.zip' that lies outside any class folder: 'data/README.txt'.",
    ]


def test_wrapper_folder_on_disk(tmp_path: Path, text_folder: Path) -> None:
    ds = load(text_folder.parent)
    assert ds.meta["class_names"] == ["politics", "sports"] and len(ds) == 5


def test_text_files_beside_the_class_folders_are_skipped(text_folder: Path) -> None:
    """As in aclImdb's train folder: urls_pos.txt beside pos/ and neg/ (load_files reads folders only)."""
    _write(text_folder, {"urls_sports.txt": "http://a", "urls_politics.txt": "http://b"})
    ds = load(text_folder)
    assert len(ds) == 5 and ds.meta["class_names"] == ["politics", "sports"]
    assert ds.meta["warnings"] == [
        "Skipped 2 text files of folder 'news' that lie outside any class folder: "
        "'urls_politics.txt', 'urls_sports.txt'."
    ]


def test_flat_folder_of_text_files_is_an_error(tmp_path: Path) -> None:
    root = _write(tmp_path / "docs", {"a.txt": "one document", "b.txt": "another document"})
    with pytest.raises(InvalidArgumentError, match=r"Text file 'a\.txt' lies at the top of folder 'docs'") as caught:
        load(root)
    assert "(spam/1.txt, ham/2.txt)" in str(caught.value)


def test_other_suffixes_and_upper_case(tmp_path: Path) -> None:
    root = _write(tmp_path / "notes", {"a/x.TXT": "upper case suffix", "a/y.md": "# markdown", "b/z.text": "plain"})
    ds = load(root)
    assert ds.y.tolist() == ["a", "a", "b"] and ds.X["text"].tolist() == ["upper case suffix", "# markdown", "plain"]


def test_target_name_renames_the_labels(text_folder: Path) -> None:
    ds = load(text_folder, target="topic")
    assert ds.target == "topic" and ds.y.name == "topic" and ds.y.iloc[0] == "politics"


# --- which kind: text or images -------------------------------------------------------------------------


def test_mostly_text_with_some_images_and_other_files(text_folder: Path, png: Callable[..., bytes]) -> None:
    _write(text_folder, {"sports/photo.png": png(), "politics/table.csv": "a,b\n1,2\n"})
    ds = load(text_folder)
    assert ds.modality is Modality.TEXT and len(ds) == 5
    assert ds.meta["skipped_files"] == {"count": 2, "names": ["politics/table.csv", "sports/photo.png"]}
    assert ds.meta["warnings"] == [
        "Skipped 2 files of folder 'news' that are not text files: 'politics/table.csv', 'sports/photo.png' "
        "(text files end in .md, .text, .txt)."
    ]


def test_mostly_images_with_some_text(image_folder: Path) -> None:
    _write(image_folder, {"cat/notes.txt": "a cat", "dog/notes.txt": "a dog"})
    ds = load(image_folder)
    assert ds.modality is Modality.IMAGE and len(ds) == 5
    assert ds.meta["skipped_files"] == {"count": 2, "names": ["cat/notes.txt", "dog/notes.txt"]}


def test_a_tie_goes_to_images(tmp_path: Path, png: Callable[..., bytes]) -> None:
    root = _write(tmp_path / "mix", {"a/1.png": png(), "b/1.png": png(), "a/1.txt": "one", "b/1.txt": "two"})
    assert load(root).modality is Modality.IMAGE


def test_more_text_files_in_one_class_do_not_beat_images_in_two(image_folder: Path) -> None:
    _write(image_folder, {f"cat/note{i}.txt": f"note {i}" for i in range(8)})
    ds = load(image_folder)
    assert ds.modality is Modality.IMAGE and ds.meta["skipped_files"]["count"] == 8


def test_override_picks_the_minority_kind_when_it_fits(image_folder: Path) -> None:
    _write(image_folder, {"cat/notes.txt": "a cat", "dog/notes.txt": "a dog"})
    ds = load(image_folder, modality="text")
    assert ds.modality is Modality.TEXT and ds.X["text"].tolist() == ["a cat", "a dog"]
    assert ds.meta["skipped_files"]["count"] == 5  # the images


def test_text_folder_read_as_images_is_a_modality_error(text_folder: Path) -> None:
    with pytest.raises(ModalityError) as caught:
        load(text_folder, modality="image")
    assert str(caught.value).startswith(
        "Modality 'image' was requested, but folder 'news' holds text files, which can only be read as text."
    )


def test_image_folder_read_as_text_is_a_modality_error(image_folder: Path) -> None:
    with pytest.raises(ModalityError, match="but folder 'pets' holds image files, which can only be read as image"):
        load(image_folder, modality="text")


@pytest.mark.parametrize("modality", ["tabular", "timeseries"])
def test_text_folder_rejects_other_modalities(text_folder: Path, modality: str) -> None:
    with pytest.raises(ModalityError, match=f"Modality '{modality}' was requested, but folder 'news' holds text"):
        load(text_folder, modality=modality)


def test_text_requested_on_a_text_folder(text_folder: Path) -> None:
    assert load(text_folder, modality="text").modality is Modality.TEXT


def test_neither_kind_names_both_suffix_lists(tmp_path: Path) -> None:
    root = _write(tmp_path / "docs", {"a/report.pdf": b"%PDF", "b/report.docx": b"PK"})
    with pytest.raises(EmptyDataError, match=r"No images or text files found in folder 'docs'") as caught:
        load(root)
    assert ".png" in str(caught.value) and "text files end in .md, .text, .txt" in str(caught.value)


# --- decoding -------------------------------------------------------------------------------------------


ACCENTS = "Café crème brûlée: the naïve critic's résumé of the menu."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ACCENTS.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + ACCENTS.encode("utf-8"), "utf-8-sig"),
        (ACCENTS.encode("cp1252"), "cp1252"),
        (ACCENTS.encode("utf-16"), "utf-16"),  # with a byte-order mark
    ],
    ids=["utf-8", "utf-8 with BOM", "cp1252", "utf-16 with BOM"],
)
def test_decode_text(data: bytes, encoding: str) -> None:
    assert decode_text(data) == (ACCENTS, encoding)


def test_encodings_in_one_folder(text_folder: Path) -> None:
    _write(
        text_folder,
        {
            "sports/latin.txt": "Le café du stade était plein à craquer.".encode("cp1252"),
            "politics/bom.txt": codecs.BOM_UTF8 + "Député élu au second tour.".encode(),
            "politics/wide.txt": "Vote à l'Assemblée.".encode("utf-16"),
        },
    )
    ds = load(text_folder)
    texts = dict(zip(ds.X["text"], ds.y, strict=True))
    assert texts["Le café du stade était plein à craquer."] == "sports"
    assert texts["Député élu au second tour."] == "politics" and texts["Vote à l'Assemblée."] == "politics"
    assert ds.meta["encodings"] == {"utf-8": 5, "cp1252": 1, "utf-8-sig": 1, "utf-16": 1}
    assert not any(t.startswith("\ufeff") for t in ds.X["text"])


def test_bytes_that_do_not_decode_are_replaced(tmp_path: Path) -> None:
    """The encoding is judged on the first 64 KB; a bad byte after that becomes U+FFFD, not an error."""
    root = _write(tmp_path / "d", {"a/1.txt": "fine", "b/1.txt": b"a" * 70_000 + b" \xff the end"})
    text = load(root).X["text"].iloc[1]
    assert text.endswith(" \ufffd the end") and len(text) == 70_010


def test_binary_file_with_a_text_suffix_is_named(text_folder: Path) -> None:
    (text_folder / "sports" / "blob.txt").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(MalformedFileError, match=r"Text file 'sports/blob\.txt' in folder 'news' holds binary data"):
        load(text_folder)


def test_empty_files_are_empty_texts(text_folder: Path) -> None:
    _write(text_folder, {"sports/empty.txt": "", "politics/blank.txt": "  \n\t"})
    ds = load(text_folder)
    assert ds.X["text"].tolist() == [*POLITICS, "  \n\t", *SPORTS, ""]  # politics/blank.txt, sports/empty.txt
    assert ds.meta["empty_files"] == {"count": 2, "names": ["politics/blank.txt", "sports/empty.txt"]}
    assert ds.meta["warnings"] == [
        "2 text files of folder 'news' are empty (kept as empty texts): 'politics/blank.txt', 'sports/empty.txt'."
    ]


def test_every_file_empty_is_an_empty_text_error(tmp_path: Path, zip_of: ZipOf) -> None:
    archive = zip_of(tmp_path / "blank.zip", {"spam/1.txt": "", "spam/2.txt": " ", "ham/1.txt": "\n"})
    with pytest.raises(EmptyTextError, match=r"Every text file in archive 'blank\.zip' is empty \(3 files in 2 class"):
        load(archive)


@pytest.mark.parametrize("container", ["folder", "zip"])
def test_large_files_are_read_up_to_a_cap(
    tmp_path: Path, zip_of: ZipOf, monkeypatch: pytest.MonkeyPatch, container: str
) -> None:
    monkeypatch.setattr("advisor.data.textfolders.MAX_FILE_BYTES", 1000)
    files: dict[str, bytes | str] = {**_docs(), "sports/long.txt": "word " * 1000}
    source = _write(tmp_path / "news", files) if container == "folder" else zip_of(tmp_path / "news.zip", files)
    ds = load(source)
    long = ds.X["text"].iloc[-1]
    assert len(long) == 1000 and long.startswith("word word")
    assert ds.meta["truncated_files"] == {"count": 1, "names": ["sports/long.txt"]}
    assert ds.meta["warnings"][0].startswith("Read only the first 1000 bytes of 1 text file of ")


def test_a_cut_through_a_character_leaves_no_replacement_mark(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("advisor.data.textfolders.MAX_FILE_BYTES", 1001)
    root = _write(tmp_path / "news", {"a/accents.txt": "é" * 1000, "b/short.txt": "short"})  # é is 2 bytes
    assert load(root).X["text"].tolist() == ["é" * 500, "short"]


# --- classes ---------------------------------------------------------------------------------------------


def test_single_class_folder(tmp_path: Path) -> None:
    root = _write(tmp_path / "news", {"sports/1.txt": "goal", "sports/2.txt": "match"})
    with pytest.raises(SingleClassError, match=r"folder 'news' has a single class folder \('sports'\)\.") as caught:
        load(root)
    assert "each holding text files (.md, .text, .txt)" in str(caught.value)


def test_single_class_left_after_empty_folders(tmp_path: Path) -> None:
    root = _write(tmp_path / "news", {"sports/1.txt": "goal", "weather/notes.pdf": b"%PDF"})
    (root / "politics").mkdir()
    with pytest.raises(
        SingleClassError,
        match=r"single class folder \('sports'\); the other class folders \('politics', 'weather'\) hold no text files",
    ):
        load(root)


def test_empty_class_folder_is_skipped_with_a_warning(text_folder: Path) -> None:
    (text_folder / "weather").mkdir()
    ds = load(text_folder)
    assert ds.meta["class_names"] == ["politics", "sports"]
    assert ds.meta["warnings"] == ["Skipped 1 class folder of folder 'news' that holds no text files: 'weather'."]


# --- the rest of advisor reads it as any text dataset -------------------------------------------------------


def test_profile_recommend_and_views(text_folder: Path, tmp_path: Path) -> None:
    ds = load(text_folder)
    profile = advisor.profile(ds)
    assert profile.modality == "text" and profile.task == "binary" and profile.n_classes == 2
    assert profile.text is not None and profile.text.columns == ("text",) and profile.text.empty_share == 0.0
    assert profile.text.mean_chars == pytest.approx(sum(map(len, ds.X["text"])) / 5)
    assert [c.role for c in profile.columns] == ["text"]
    with pytest.raises(TooFewRowsError):  # 5 files: too few to benchmark, so too few to recommend for
        advisor.recommend(ds)
    for label in ("pos", "neg"):
        for i in range(6):
            (tmp_path / "more" / label).mkdir(parents=True, exist_ok=True)
            (tmp_path / "more" / label / f"{i}.txt").write_text(f"{label} review number {i}", encoding="utf-8")
    rec = advisor.recommend(load(tmp_path / "more"))
    assert rec.modality == "text" and rec.ranking and "type.text" in {r.id for r in rec.fired}
    views = Views(ds, profile, tmp_path / "run")
    assert views.get("texts").X.tolist() == ds.X["text"].tolist()
    assert views.table() is None and not views.mixed

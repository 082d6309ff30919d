from pathlib import Path

import pytest

from advisor.data import load
from advisor.data.files import (
    check_size,
    detect_kind,
    format_bytes,
    resolve_max_bytes,
    split_compression,
)
from advisor.errors import (
    DataNotFoundError,
    FileTooLargeError,
    InvalidArgumentError,
    UnsupportedFormatError,
)


@pytest.mark.parametrize(
    ("name", "kind", "compression"),
    [
        ("a.csv", "delimited", None),
        ("a.TSV", "delimited", None),
        ("a.txt.gz", "delimited", "gzip"),
        ("a.csv.bz2", "delimited", "bz2"),
        ("a.csv.xz", "delimited", "xz"),
        ("a.csv.zst", "delimited", "zstd"),
        ("a.parquet", "parquet", None),
        ("x.parquet.brotli", "parquet", None),
        ("a_TRAIN.ts", "ts", None),
        ("a.zip", "zip", None),
        ("a.npz", "npz", None),
        ("a.npy", "npy", None),
    ],
)
def test_detect_kind(tmp_path: Path, name: str, kind: str, compression: str | None) -> None:
    path = tmp_path / name
    path.write_bytes(b"x")
    assert detect_kind(path) == (kind, compression)


def test_detect_kind_folders(tmp_path: Path) -> None:
    (tmp_path / "ts").mkdir()
    (tmp_path / "ts" / "A_TRAIN.ts").write_text("@data\n")
    (tmp_path / "img").mkdir()
    assert detect_kind(tmp_path / "ts") == ("ts_folder", None)
    assert detect_kind(tmp_path / "img") == ("class_folder", None)


def test_unsupported_extension_lists_formats(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(UnsupportedFormatError, match=r"report\.xlsx.*Supported: CSV/TSV"):
        load(path)


def test_split_compression() -> None:
    assert split_compression(Path("a.tsv.gz")) == (".tsv", "gzip")
    assert split_compression(Path("noext")) == ("", None)


def test_format_bytes() -> None:
    assert format_bytes(512) == "512 bytes"
    assert format_bytes(1536) == "1.5 KB"
    assert format_bytes(5 * 1024**3) == "5.0 GB"


def test_max_bytes_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADVISOR_MAX_FILE_BYTES", raising=False)
    assert resolve_max_bytes(None) == 4 * 1024**3
    monkeypatch.setenv("ADVISOR_MAX_FILE_BYTES", "1000")
    assert resolve_max_bytes(None) == 1000
    assert resolve_max_bytes(50) == 50
    monkeypatch.setenv("ADVISOR_MAX_FILE_BYTES", "lots")
    with pytest.raises(InvalidArgumentError, match="ADVISOR_MAX_FILE_BYTES"):
        resolve_max_bytes(None)
    with pytest.raises(InvalidArgumentError, match="positive"):
        resolve_max_bytes(0)


def test_file_over_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("a,b\n" + "1,2\n" * 100)
    with pytest.raises(FileTooLargeError, match=r"'big\.csv' is 404 bytes, over the limit") as err:
        load(path, max_bytes=100)
    assert "Parquet" in str(err.value) and "sample" in str(err.value)


def test_folder_size_counts_all_files(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.bin").write_bytes(b"0" * 300)
    assert check_size(tmp_path, 10_000) == 300
    with pytest.raises(FileTooLargeError):
        check_size(tmp_path, 100)


def test_file_over_half_of_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n3,4\n")
    monkeypatch.setattr("advisor.data.files.available_memory", lambda: 20)
    with pytest.raises(FileTooLargeError, match="half of the"):
        load(path)


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError, match="No file or folder at"):
        load(tmp_path / "nope.csv")


def test_missing_name_lists_bundled_datasets() -> None:
    with pytest.raises(DataNotFoundError) as err:
        load("adlt")
    message = str(err.value)
    assert "Did you mean 'adult'" in message and "sms_spam" in message and "gunpoint" in message

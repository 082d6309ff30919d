import bz2
import csv
import gzip
import lzma
from pathlib import Path

import pyarrow as pa
import pytest

from advisor.data import load, read_table
from advisor.data.delimited import detect_encoding, looks_binary, sniff_dialect
from advisor.errors import EmptyDataError, MalformedFileError


def test_latin1_semicolon_csv(tmp_path: Path) -> None:
    path = tmp_path / "cafes.csv"
    rows = ["ville;café;prix", "Orléans;crème brûlée;3,5", "Nîmes;thé glacé;2,0", "Évry;noix;1,0"]
    path.write_bytes("\n".join(rows).encode("latin-1"))
    frame, meta = read_table(path)
    assert meta["delimiter"] == ";" and meta["header"] is True
    assert meta["encoding"] != "utf-8" and meta["engine"] == "c"
    assert list(frame.columns) == ["ville", "café", "prix"]
    assert frame["café"].tolist() == ["crème brûlée", "thé glacé", "noix"]


def test_tsv_with_commas_in_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.tsv"
    path.write_text("id\tnote\n1\tred, green, blue\n2\tone, two\n3\tplain\n")
    frame, meta = read_table(path)
    assert meta["delimiter"] == "\t"
    assert frame.shape == (3, 2) and frame.loc[0, "note"] == "red, green, blue"


def test_headerless_label_text_file(tmp_path: Path) -> None:
    path = tmp_path / "sms.txt"
    lines = [
        "ham\tSee you at the station at six, bring the umbrella please",
        'spam\tWIN a "free" prize now!!! Text WIN to 80085 before midnight tonight',
        "ham\tOk lar... Joking wif u oni, call me when you get home",
        '"ham\tQuote at the start must not swallow the next line',
        "ham\tDinner is in the oven, back around nine tonight",
    ]
    path.write_text("\n".join(lines) + "\n")
    frame, meta = read_table(path)
    assert meta["header"] is False and meta["delimiter"] == "\t"
    assert list(frame.columns) == ["column_0", "column_1"]
    assert len(frame) == 5
    assert frame["column_0"].tolist()[:3] == ["ham", "spam", "ham"]


def test_headerless_numeric_file(tmp_path: Path) -> None:
    path = tmp_path / "nums.csv"
    path.write_text("1,2.5,3\n4,5.5,6\n7,8.5,9\n")
    frame, meta = read_table(path)
    assert meta["header"] is False and frame.shape == (3, 3)
    assert frame["column_1"].tolist() == [2.5, 5.5, 8.5]


def test_numeric_header_above_float_columns(tmp_path: Path) -> None:
    path = tmp_path / "pmlb.tsv"
    path.write_text("target\t2\t3\n1\t17.99\t10.38\n0\t20.57\t17.77\n1\t19.69\t21.25\n")
    frame, meta = read_table(path)
    assert meta["header"] is True and list(frame.columns) == ["target", "2", "3"]


def test_header_of_words_over_words(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("name,city\nAlice,Paris\nBob,London\nCharlotte,Rome\n")
    frame, meta = read_table(path)
    assert meta["header"] is True and list(frame.columns) == ["name", "city"]


def test_pipe_delimiter_and_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text('a|b\n1|"line one\nline two"\n2|x\n3|y\n')
    frame, _ = read_table(path)
    assert frame.shape == (3, 2) and frame.loc[0, "b"] == "line one\nline two"


def test_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffx,y\n1,a\n2,b\n".encode())
    frame, meta = read_table(path)
    assert list(frame.columns) == ["x", "y"] and meta["encoding"] == "utf-8-sig"


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zst"])
def test_compressed_csv(tmp_path: Path, suffix: str) -> None:
    raw = b"x,y,label\n" + b"".join(f"{i},{i * 2},{i % 2}\n".encode() for i in range(50))
    path = tmp_path / f"t.csv{suffix}"
    if suffix == ".gz":
        path.write_bytes(gzip.compress(raw))
    elif suffix == ".bz2":
        path.write_bytes(bz2.compress(raw))
    elif suffix == ".xz":
        path.write_bytes(lzma.compress(raw))
    else:
        with pa.output_stream(str(path), compression="zstd") as out:
            out.write(raw)
    ds = load(path, target="label")
    assert ds.X.shape == (50, 2) and ds.y.tolist()[:3] == [0, 1, 0]
    assert ds.meta["compression"] == {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd"}[suffix]


def test_truncated_gzip(tmp_path: Path) -> None:
    path = tmp_path / "t.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n" * 1000)[:40])
    with pytest.raises(MalformedFileError, match=r"t\.csv\.gz"):
        load(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(EmptyDataError, match=r"'empty\.csv' is empty"):
        load(path)


def test_header_only_csv(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("a,b,label\n")
    with pytest.raises(EmptyDataError, match=r"'header\.csv' has columns but no data rows"):
        load(path, target="label")


def test_binary_garbage_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(MalformedFileError, match=r"'garbage\.csv' is not a text table"):
        load(path)


def test_ragged_rows_are_malformed(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3,4\n" + "5,6\n" * 50 + "7,8,9,10\n")
    with pytest.raises(MalformedFileError, match=r"ragged\.csv.*cannot be parsed"):
        load(path)


def test_detect_encoding_and_binary() -> None:
    assert detect_encoding(b"plain ascii") == "utf-8"
    assert detect_encoding("naïve".encode()) == "utf-8"
    assert detect_encoding("Ça coûte très cher à Orléans, écrit-il.".encode("latin-1")) != "utf-8"
    assert looks_binary(b"\x00\x01\x02abc") and not looks_binary(b"a,b\n1,2\n")


def test_sniff_prefers_consistent_delimiter() -> None:
    dialect = sniff_dialect("a;b;c\n1,5;2;3\n4;5,5;6\n", "utf-8")
    assert dialect.delimiter == ";" and dialect.header is True
    assert dialect.quoting == csv.QUOTE_MINIMAL

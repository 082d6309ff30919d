import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from advisor.data import load
from advisor.data.archive import SafeZip, check_members
from advisor.errors import MalformedFileError, UnsafeArchiveError


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_path_traversal_is_rejected(tmp_path: Path, png: Callable[..., bytes]) -> None:
    work = tmp_path / "work"
    work.mkdir()
    archive = _zip(work / "evil.zip", {"a/1.png": png(), "b/2.png": png(), "../evil.png": png()})
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with pytest.raises(UnsafeArchiveError, match=r"member '\.\./evil\.png' points outside"):
        load(archive)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert not (tmp_path / "evil.png").exists()


@pytest.mark.parametrize("name", ["/etc/a.png", "C:/x/a.png", "a/../../b.png", "a\\..\\b.png"])
def test_absolute_and_climbing_names(tmp_path: Path, name: str) -> None:
    archive = _zip(tmp_path / "x.zip", {name: b"x"})
    with pytest.raises(UnsafeArchiveError, match="rejected"):
        load(archive)


def test_symlink_member(tmp_path: Path) -> None:
    path = tmp_path / "link.zip"
    info = zipfile.ZipInfo("a/link.png")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeArchiveError, match="symbolic link"):
        load(path)


def test_zip_bomb(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a/zeros.png", b"\0" * (50 * 1024 * 1024))
    with pytest.raises(UnsafeArchiveError, match="decompression bomb"):
        load(path)


def test_too_many_members_and_total_size() -> None:
    infos = [zipfile.ZipInfo(f"a/{i}.png") for i in range(5)]
    for info in infos:
        info.file_size = info.compress_size = 10
    with pytest.raises(UnsafeArchiveError, match="5 entries, over the limit of 4"):
        check_members(infos, "x.zip", max_members=4)
    with pytest.raises(UnsafeArchiveError, match="expand to 50 bytes"):
        check_members(infos, "x.zip", max_total_bytes=40)
    assert len(check_members(infos, "x.zip")) == 5


def test_member_longer_than_its_header(tmp_path: Path) -> None:
    path = _zip(tmp_path / "lie.zip", {"a/1.png": b"x" * 100})
    with SafeZip(path) as archive:
        info = archive.members[0]
        info.file_size = 10  # a lying header
        with pytest.raises((UnsafeArchiveError, MalformedFileError)):
            archive.read(info)


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.zip"
    path.write_bytes(b"hello")
    with pytest.raises(MalformedFileError, match=r"'fake\.zip' is not a readable zip"):
        load(path)

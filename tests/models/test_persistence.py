"""Saved models load back and refuse files that are not advisor models."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from advisor.errors import DataNotFoundError, MalformedFileError, WrongTypeError
from advisor.models.persistence import load_model


def test_missing_corrupt_and_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError):
        load_model(tmp_path / "none.pkl")
    (tmp_path / "bad.pkl").write_bytes(b"not a pickle")
    with pytest.raises(MalformedFileError):
        load_model(tmp_path / "bad.pkl")
    (tmp_path / "dict.pkl").write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(WrongTypeError, match="not an advisor model"):
        load_model(tmp_path / "dict.pkl")

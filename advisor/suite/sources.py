"""What a caller passes as a suite — paths, folders, suite files, entries, mappings — as one :class:`Suite`."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from advisor.errors import InvalidArgumentError, WrongTypeError
from advisor.suite.discover import discover, is_collection
from advisor.suite.entries import Suite, SuiteEntry
from advisor.suite.suitefile import is_suite_file, parse_entry, parse_suite, read_suite_file

__all__ = ["SuiteSource", "collect"]

SuiteSource = Suite | SuiteEntry | str | os.PathLike[str] | dict[str, Any] | Sequence[Any]


def collect(source: SuiteSource) -> Suite:
    """One :class:`Suite` from ``source``, or from each item of a list of them (in order).

    A suite file (.yaml/.yml/.toml) is read and validated; a folder holding several datasets is
    expanded (see :mod:`advisor.suite.discover`); any other path or name is one dataset. A mapping
    is a suite (with ``datasets``) or one entry (with ``path``).
    """
    if isinstance(source, (list, tuple)):
        if not source:
            raise InvalidArgumentError("The suite has no datasets.", "Pass at least one path, folder or suite file.")
        suite = Suite(())
        for item in source:
            suite = suite + collect(item)
        return suite
    if isinstance(source, Suite):
        return source
    if isinstance(source, SuiteEntry):
        return Suite((source,))
    if isinstance(source, dict):
        return parse_suite(source) if "datasets" in source else Suite((parse_entry(source),))
    if isinstance(source, (str, os.PathLike)) and not isinstance(source, bytes):
        return _from_path(os.fspath(source))
    raise WrongTypeError(
        f"Cannot make a suite from a {type(source).__name__}.",
        "Pass a suite file, a folder, a path or bundled dataset name, a SuiteEntry, or a list of them.",
    )


def _from_path(text: str) -> Suite:
    if not text.strip():
        raise InvalidArgumentError("An empty path was given as a dataset.", "Pass a file, a folder or a dataset name.")
    if is_suite_file(text):
        return read_suite_file(text)
    if is_collection(text):
        return Suite(tuple(discover(text)))
    return Suite((SuiteEntry(path=str(Path(text).expanduser()) if Path(text).expanduser().exists() else text),))

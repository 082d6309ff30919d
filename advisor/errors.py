"""Errors raised for bad input: each names what is wrong and what to do about it.

Every error a user can cause derives from :class:`AdvisorError`. The API raises them, the CLI prints
their message (no traceback) and the app shows it on the page. The message always has two parts:
the problem, then the fix.

>>> try:
...     raise TargetNotFoundError("Column 'churn' is not in the table.", "Pick one of: 'a', 'b'.")
... except AdvisorError as err:
...     print(err)
Column 'churn' is not in the table. Pick one of: 'a', 'b'.
"""

from __future__ import annotations

__all__ = [
    "AdvisorError",
    "AllMissingColumnError",
    "ConstantTargetError",
    "CorruptImageError",
    "DataNotFoundError",
    "EmptyDataError",
    "EmptyTextError",
    "FileTooLargeError",
    "InvalidArgumentError",
    "MalformedFileError",
    "MissingDependencyError",
    "ModalityError",
    "NoStudiesError",
    "NotARunFolderError",
    "NothingMeasuredError",
    "PortInUseError",
    "RunNotFoundError",
    "SingleClassError",
    "StorageError",
    "TargetNotFoundError",
    "TooFewRowsError",
    "UnanswerableTargetError",
    "UnsafeArchiveError",
    "UnsupportedFormatError",
    "WrongTypeError",
]


class AdvisorError(Exception):
    """Base class of every error caused by the user's input.

    ``problem`` says what is wrong, ``fix`` says what to do; ``str(err)`` joins the two.
    """

    def __init__(self, problem: str, fix: str = "") -> None:
        self.problem = problem.strip()
        self.fix = fix.strip()
        super().__init__(f"{self.problem} {self.fix}".strip())


class DataNotFoundError(AdvisorError, FileNotFoundError):
    """The path or bundled dataset name does not exist."""


class UnsupportedFormatError(AdvisorError):
    """The file's format is not one advisor reads."""


class MalformedFileError(AdvisorError):
    """The file exists but cannot be parsed (broken CSV, truncated Parquet, bad .ts header...)."""


class EmptyDataError(AdvisorError, ValueError):
    """The input has no rows, no feature columns, no images or no series."""


class TooFewRowsError(EmptyDataError):
    """Too few labelled rows to split into train, validation and test and score a model."""


class FileTooLargeError(AdvisorError):
    """The input is over the configured size limit or would not fit in memory."""


class WrongTypeError(AdvisorError, TypeError):
    """An argument or column has a type advisor cannot use."""


class TargetNotFoundError(AdvisorError, KeyError):
    """The target column is missing, or no target was given where one is required."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.args[0] if self.args else ""


class ConstantTargetError(AdvisorError, ValueError):
    """The target has a single value (or no values): there is nothing to learn."""


class UnanswerableTargetError(AdvisorError, ValueError):
    """A classification target whose every value is unique (an identifier, not a label)."""


class SingleClassError(ConstantTargetError):
    """A classification target with one class only."""


class AllMissingColumnError(AdvisorError):
    """One or more columns have no values at all."""


class ModalityError(AdvisorError):
    """The requested modality does not fit the data."""


class UnsafeArchiveError(AdvisorError):
    """A zip archive that escapes its folder, is a decompression bomb, or holds too many files."""


class CorruptImageError(AdvisorError):
    """An image file cannot be decoded."""


class EmptyTextError(AdvisorError):
    """The text column holds no text."""


class InvalidArgumentError(AdvisorError, ValueError):
    """An argument has a value outside what is allowed (a negative budget, an unknown option...)."""


class NothingMeasuredError(AdvisorError):
    """A benchmark could not score any model family (each one's reason is in the message)."""


class RunNotFoundError(AdvisorError, FileNotFoundError):
    """The run folder, or the SQLite file of a run's Optuna storage, does not exist."""


class NotARunFolderError(AdvisorError):
    """The folder exists but no benchmark wrote into it (no ``optuna.db``, no storage in ``result.json``)."""


class StorageError(AdvisorError):
    """An Optuna storage cannot be opened or read (bad URL, unreachable server, missing driver, not Optuna's)."""


class NoStudiesError(StorageError):
    """The Optuna storage holds no studies: no benchmark has run into it."""


class MissingDependencyError(AdvisorError, ImportError):
    """An optional dependency (an extra such as ``advisor[dashboard]``) is not installed."""


class PortInUseError(AdvisorError, OSError):
    """The port a server should listen on is taken by another program."""

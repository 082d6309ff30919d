"""Questions that cannot be answered: too few rows to score a model, a target that is an identifier.

:func:`check_answerable` runs before a recommendation or a benchmark (the API, the CLI and the app share
it), so the user gets a clear message instead of an empty leaderboard.

>>> from advisor.profiling import DatasetProfile
>>> try:
...     check_answerable(DatasetProfile.from_summary(rows=2, features=3))
... except AdvisorError as err:
...     print(err.problem)
The data has 2 labelled rows (2 samples): too few to train, validate and test a model (at least 10).
"""

from __future__ import annotations

from advisor.errors import TooFewRowsError, UnanswerableTargetError
from advisor.profiling.profile import DatasetProfile

__all__ = ["MIN_ROWS", "check_answerable"]

#: Fewest labelled rows a benchmark can split into train, validation and test and still score.
MIN_ROWS = 10


def check_answerable(profile: DatasetProfile) -> None:
    """Raise an :class:`~advisor.errors.AdvisorError` saying what to do when the data cannot be answered."""
    if profile.task is None:
        return
    rows = profile.rows
    if rows < MIN_ROWS:
        samples = "1 sample" if rows == 1 else f"{rows} samples"
        raise TooFewRowsError(
            f"The data has {rows} labelled row{'s' if rows != 1 else ''} ({samples}): too few to train, "
            f"validate and test a model (at least {MIN_ROWS}).",
            "Add labelled rows; a benchmark splits them 70 / 15 / 15.",
        )
    if profile.is_classification and profile.n_classes == rows:
        target = f"target '{profile.target}'" if profile.target else "the target"
        raise UnanswerableTargetError(
            f"Every one of the {rows:,} values of {target} is different: it looks like an identifier "
            "(a name, an id, a free-text field), not a class label, so no model can learn to predict it.",
            "Pick a target column whose values repeat (a category to predict), or pass task='regression' "
            "if it is a number.",
        )

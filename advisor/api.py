"""The facade the CLI, the app and users call: load, profile, recommend.

>>> import advisor
>>> rec = advisor.recommend(advisor.DatasetProfile.from_summary(rows=50_000, features=100))
>>> rec.top.family
'lightgbm'
"""

from __future__ import annotations

from typing import Any

from advisor.data import Dataset, load
from advisor.errors import WrongTypeError
from advisor.hardware import Hardware, detect
from advisor.profiling import DatasetProfile, profile
from advisor.rules import Constraints, Recommendation, run_engine

__all__ = ["load", "profile", "recommend"]


def recommend(
    data: DatasetProfile | Dataset | Any,
    constraints: Constraints | dict[str, Any] | None = None,
    *,
    target: str | None = None,
    hardware: Hardware | None = None,
) -> Recommendation:
    """Rank model families for a dataset, with reasons, sources, recipes, transfer strategy and plan.

    ``data`` is a :class:`DatasetProfile` (e.g. from ``DatasetProfile.from_summary``), a loaded
    :class:`Dataset`, or anything :func:`advisor.load` reads (then ``target`` names the target).
    ``constraints`` is a :class:`Constraints` or a dict of its fields; the GPU is detected unless
    ``constraints.gpu`` says otherwise.
    """
    prof = _as_profile(data, target)
    return run_engine(prof, hardware or detect(), Constraints.coerce(constraints))


def _as_profile(data: Any, target: str | None) -> DatasetProfile:
    if isinstance(data, DatasetProfile):
        return data
    if isinstance(data, Dataset):
        return profile(data)
    if data is None:
        raise WrongTypeError(
            "recommend() got None instead of data.",
            "Pass a file path, a DataFrame, a Dataset or a DatasetProfile.",
        )
    return profile(load(data, target=target))

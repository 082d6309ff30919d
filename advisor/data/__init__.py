"""Loading user data: files, folders, archives, DataFrames and arrays become a :class:`Dataset`.

>>> from advisor.data import load
>>> ds = load("data.csv", target="label")          # doctest: +SKIP
>>> ds.modality, ds.modality_reason                 # doctest: +SKIP
"""

from __future__ import annotations

from advisor.data.dataset import Dataset, Modality
from advisor.data.loader import load
from advisor.data.tables import read_table
from advisor.data.target import TargetSuggestion, suggest_target

__all__ = ["Dataset", "Modality", "TargetSuggestion", "load", "read_table", "suggest_target"]

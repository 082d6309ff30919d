"""Seeded train / validation / test splits, with k-fold cross-validation folds for small data.

Every index is an integer row *position* (use ``X.iloc[idx]`` / ``X[idx]``), never a label.
The three parts are disjoint and cover every row; the same seed gives the same splits.

Classification splits are stratified by class. The allocation is done here (largest-remainder
quotas per class) rather than by ``train_test_split`` so that it never fails on rare classes: a
class with a single member stays in the training part, a class with ``m`` members gives at most
``m - 1`` of them to the test and validation parts, so every class seen in the data is seen in
training. If the quotas cannot be met that way, the split falls back to an unstratified one.
Regression splits are stratified over quantile bins of the target (up to 10 bins), which keeps the
target's range represented in every part.

>>> s = make_splits(np.array([0, 1] * 50), "binary", seed=0)
>>> len(s.train), len(s.val), len(s.test), s.cross_validated, len(s.folds)
(70, 15, 15, True, 5)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold, StratifiedKFold

from advisor.errors import InvalidArgumentError

__all__ = ["Splits", "make_splits", "subsample_rows", "subsample_splits"]

CLASSIFICATION_TASKS = ("binary", "multiclass", "classification")
#: At most this many quantile bins stratify a regression target.
MAX_REGRESSION_BINS = 10
#: Each regression bin holds at least this many rows on average.
MIN_ROWS_PER_BIN = 20


def _as_index(a: Any) -> np.ndarray:
    out = np.array(a, dtype=np.int64).reshape(-1)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class Splits:
    """Row positions of the train, validation and test parts, plus CV folds when the data is small.

    ``folds`` holds ``(train, val)`` position pairs over ``train ∪ val`` (positions into the whole
    data, like the other fields); it is empty when the data is large enough for a single holdout.
    ``val`` is always returned: with folds it is the early-stopping part of the final refit.
    """

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    folds: tuple[tuple[np.ndarray, np.ndarray], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "train", _as_index(self.train))
        object.__setattr__(self, "val", _as_index(self.val))
        object.__setattr__(self, "test", _as_index(self.test))
        object.__setattr__(self, "folds", tuple((_as_index(tr), _as_index(va)) for tr, va in self.folds))

    @property
    def cross_validated(self) -> bool:
        """True when model selection uses the k folds rather than the single validation part."""
        return len(self.folds) > 0

    @property
    def train_val(self) -> np.ndarray:
        """Sorted positions of train ∪ val (what the folds partition, and what a final refit may use)."""
        return np.sort(np.concatenate([self.train, self.val]))

    @property
    def n_rows(self) -> int:
        return len(self.train) + len(self.val) + len(self.test)

    def to_dict(self) -> dict[str, Any]:
        """Plain lists of ints, JSON-serializable."""
        return {
            "train": self.train.tolist(),
            "val": self.val.tolist(),
            "test": self.test.tolist(),
            "folds": [[tr.tolist(), va.tolist()] for tr, va in self.folds],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Splits:
        return cls(
            train=d["train"],
            val=d["val"],
            test=d["test"],
            folds=tuple((tr, va) for tr, va in d.get("folds", ())),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Splits):
            return NotImplemented
        return (
            np.array_equal(self.train, other.train)
            and np.array_equal(self.val, other.val)
            and np.array_equal(self.test, other.test)
            and len(self.folds) == len(other.folds)
            and all(
                np.array_equal(a, c) and np.array_equal(b, d)
                for (a, b), (c, d) in zip(self.folds, other.folds, strict=True)
            )
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Splits(train={len(self.train)}, val={len(self.val)}, test={len(self.test)}, folds={len(self.folds)})"


def make_splits(
    y: pd.Series | np.ndarray,
    task: str,
    *,
    seed: int = 0,
    test_size: float = 0.15,
    val_size: float = 0.15,
    cv_below: int = 2000,
    n_folds: int = 5,
    predefined_test: np.ndarray | None = None,
) -> Splits:
    """Split the rows of ``y`` into train / val / test (fractions of all rows), seeded.

    ``task`` is 'binary', 'multiclass' (or 'classification'): stratified by class; 'regression':
    stratified over quantile bins. When ``len(y) < cv_below``, ``n_folds`` shuffled (stratified)
    k-fold pairs are made over train ∪ val. ``predefined_test`` (row positions, or a boolean mask)
    is used as the test part as is, e.g. the test file of a UCR dataset; the other rows are split
    into train and val with the same train : val ratio as without it.
    """
    if task not in (*CLASSIFICATION_TASKS, "regression"):
        raise InvalidArgumentError(
            f"Unknown task {task!r}.", "Use 'binary', 'multiclass', 'classification' or 'regression'."
        )
    if not (0.0 <= test_size < 1.0 and 0.0 <= val_size < 1.0 and test_size + val_size < 1.0):
        raise InvalidArgumentError(
            f"test_size={test_size} and val_size={val_size} leave no training rows.",
            "Use fractions in [0, 1) whose sum is below 1.",
        )
    y_arr = y.to_numpy() if isinstance(y, pd.Series | pd.Index) else np.asarray(y)
    y_arr = y_arr.reshape(-1)
    n = len(y_arr)
    codes = _strata(y_arr, task)
    rng = np.random.default_rng(seed)
    all_rows = np.arange(n)

    if predefined_test is not None:
        test = _predefined(predefined_test, n)
    else:
        test = _allocate(all_rows, codes, _count(test_size, n, n - 1), rng)
    rest = np.setdiff1d(all_rows, test, assume_unique=True)
    val_frac = val_size / (1.0 - test_size)  # val : train ratio as in the split of all rows
    if len(rest) == 0:
        raise InvalidArgumentError(
            f"No rows are left for training ({n} rows, {len(test)} in the test part).",
            "Use a smaller test part or more rows.",
        )
    val = _allocate(rest, codes, _count(val_frac, len(rest), len(rest) - 1), rng)
    train = np.setdiff1d(rest, val, assume_unique=True)

    folds: tuple[tuple[np.ndarray, np.ndarray], ...] = ()
    if n < cv_below:
        folds = _folds(rest, codes, task, n_folds, seed)
    return Splits(train=np.sort(train), val=np.sort(val), test=np.sort(test), folds=folds)


def subsample_splits(splits: Splits, y: Any, task: str, max_train: int, seed: int = 0) -> Splits:
    """The same splits with train (and val, in proportion) cut to stratified subsamples of ``max_train`` rows.

    The test part is unchanged. Used to search on large data within a time budget; folds are dropped (they
    exist only for small data).

    >>> s = make_splits(np.array([0, 1] * 5000), "binary", seed=0)
    >>> sub = subsample_splits(s, np.array([0, 1] * 5000), "binary", max_train=1000)
    >>> len(sub.train), len(sub.val), len(sub.test) == len(s.test)
    (1000, 214, True)
    """
    if len(splits.train) <= max_train:
        return splits
    n_val = min(len(splits.val), max(1, round(max_train * len(splits.val) / len(splits.train))))
    train = subsample_rows(splits.train, y, task, max_train, seed)
    val = subsample_rows(splits.val, y, task, n_val, seed + 1)
    return Splits(train=train, val=val, test=splits.test)


def subsample_rows(rows: np.ndarray, y: Any, task: str, n: int, seed: int = 0) -> np.ndarray:
    """A seeded, stratified subsample of ``n`` of the row positions ``rows`` (all of them if ``n`` is larger)."""
    rows = np.asarray(rows)
    if n >= len(rows):
        return np.sort(rows)
    codes = _strata(np.asarray(y).reshape(-1), task)
    return np.sort(_allocate(rows, codes, n, np.random.default_rng(seed + 7919)))


def _count(frac: float, n: int, at_most: int) -> int:
    """Rows for a part of fraction ``frac`` of ``n``: at least one if frac > 0, leaving one row out."""
    if frac <= 0 or n <= 1:
        return 0
    return int(min(max(round(frac * n), 1), max(at_most, 0)))


def _predefined(predefined_test: np.ndarray, n: int) -> np.ndarray:
    t = np.asarray(predefined_test).reshape(-1)
    if t.dtype == bool:
        if len(t) != n:
            raise InvalidArgumentError(
                f"The test mask has {len(t)} entries for {n} rows.", "Give one boolean per row, or row positions."
            )
        return np.flatnonzero(t)
    if len(t) and not np.issubdtype(t.dtype, np.integer):
        raise InvalidArgumentError("predefined_test must hold integer row positions.", "Pass positions, not labels.")
    t = t.astype(np.int64)
    if len(t) and (t.min() < 0 or t.max() >= n):
        raise InvalidArgumentError(f"Test positions must lie in [0, {n}).", "Pass row positions, not index labels.")
    return np.unique(t)


def _strata(y: np.ndarray, task: str) -> np.ndarray:
    """Integer stratum per row: the class, or the quantile bin of a regression target."""
    if task in CLASSIFICATION_TASKS:
        codes, _ = pd.factorize(pd.Series(y), use_na_sentinel=True)
        return np.asarray(codes, dtype=np.int64)  # missing labels share the stratum -1
    values = pd.to_numeric(pd.Series(y), errors="coerce").to_numpy(dtype=float)
    finite = np.isfinite(values)
    n_bins = min(MAX_REGRESSION_BINS, int(finite.sum()) // MIN_ROWS_PER_BIN)
    codes = np.full(len(values), -1, dtype=np.int64)
    if n_bins >= 2:
        edges = np.unique(np.quantile(values[finite], np.linspace(0, 1, n_bins + 1)[1:-1]))
        codes[finite] = np.searchsorted(edges, values[finite], side="right")
    else:
        codes[finite] = 0
    return codes


def _allocate(candidates: np.ndarray, codes: np.ndarray, n_take: int, rng: np.random.Generator) -> np.ndarray:
    """Pick ``n_take`` of ``candidates``, proportionally per stratum, keeping one member of each in the rest."""
    if n_take <= 0:
        return np.empty(0, dtype=np.int64)
    c = codes[candidates]
    groups, counts = np.unique(c, return_counts=True)
    caps = np.maximum(counts - 1, 0)  # a singleton stratum keeps its only member
    if caps.sum() < n_take:
        return np.sort(rng.choice(candidates, size=n_take, replace=False))
    quota = n_take * counts / len(candidates)
    take = np.minimum(np.floor(quota).astype(np.int64), caps)
    # Largest remainder first; ties go to the larger stratum, then to the smaller code (deterministic).
    while (missing := n_take - int(take.sum())) > 0:
        room = take < caps
        order = np.lexsort((groups, -counts, -(quota - take)))
        order = order[room[order]][:missing]
        take[order] += 1
    picked = [rng.permutation(candidates[c == g])[:k] for g, k in zip(groups, take, strict=True) if k > 0]
    return np.sort(np.concatenate(picked)) if picked else np.empty(0, dtype=np.int64)


def _folds(
    rows: np.ndarray, codes: np.ndarray, task: str, n_folds: int, seed: int
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """k shuffled (stratified) folds over ``rows``. A class with a single member stays in every fold's
    training part, so each fold's model knows every class its validation rows can hold."""
    strata = codes[rows]
    always_train = np.zeros(len(rows), dtype=bool)
    if task in CLASSIFICATION_TASKS:
        values, counts = np.unique(strata, return_counts=True)
        always_train = np.isin(strata, values[counts < 2])
    split_rows, kept = rows[~always_train], rows[always_train]
    k = min(int(n_folds), len(split_rows))
    if k < 2:
        return ()
    strata = codes[split_rows]
    splitter: KFold | StratifiedKFold = KFold(k, shuffle=True, random_state=seed)
    if task in CLASSIFICATION_TASKS and np.unique(strata, return_counts=True)[1].max() >= k:
        splitter = StratifiedKFold(k, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "The least populated class has only 1 member"
        pairs = list(splitter.split(np.zeros((len(split_rows), 1)), strata))
    return tuple((np.sort(np.concatenate([split_rows[tr], kept])), np.sort(split_rows[va])) for tr, va in pairs)

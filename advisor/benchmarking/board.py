"""A shared run's record in its Optuna storage: what a worker needs to join it, and the live schedule.

A benchmark searched by several workers (``advisor benchmark ... --workers N``, ``advisor worker``) keeps,
as the user attributes of one study named ``advisor-run:RUN``: the data (its path, how it was loaded, its
SHA-256), the seed, the budget and when its clock started (Unix time), the recommendation (plan, recipes), the
search strategy and the run's options; and the schedule: the family being searched, until when, with the
settings its first worker chose for this data (a network's size). Workers read it; only the first worker
(the one that started the run) writes it. Nothing else is shared: every worker loads the data itself, makes
the same splits from the same seed, and asks and tells the family's study in the same storage.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna

from advisor.data.dataset import Dataset
from advisor.errors import InvalidArgumentError

__all__ = ["BOARD_PREFIX", "RunBoard", "fingerprint", "load_spec"]

BOARD_PREFIX = "advisor-run:"
_CHUNK = 1 << 20


@dataclass
class RunBoard:
    """The record and schedule of the run ``run`` in ``storage`` (a URL every worker can reach)."""

    storage: str
    run: str

    @property
    def study_name(self) -> str:
        return f"{BOARD_PREFIX}{self.run}"

    def _study(self) -> optuna.Study:
        from advisor.benchmarking.studies import _storage

        try:
            return optuna.load_study(study_name=self.study_name, storage=_storage(self.storage))
        except KeyError:
            raise InvalidArgumentError(
                f"The storage holds no benchmark named '{self.run}'"
                + (f" (it holds: {', '.join(runs)})." if (runs := self.runs()) else "."),
                "Start it first with `advisor benchmark DATA --storage URL --workers N --run NAME`, "
                "or pass the name it was started with (--run).",
            ) from None

    def runs(self) -> list[str]:
        """The shared runs this storage holds, by name."""
        from advisor.benchmarking.studies import _storage

        names = optuna.get_all_study_names(storage=_storage(self.storage))
        return sorted(n.removeprefix(BOARD_PREFIX) for n in names if n.startswith(BOARD_PREFIX))

    def create(self, record: dict[str, Any]) -> None:
        """Record a new run, or a resumed one: the same name on other data is refused."""
        from advisor.benchmarking.studies import _storage

        study = optuna.create_study(study_name=self.study_name, storage=_storage(self.storage), load_if_exists=True)
        previous = study.user_attrs.get("run")
        if previous and previous["data"]["sha256"] != record["data"]["sha256"]:
            raise InvalidArgumentError(
                f"The storage already holds a benchmark named '{self.run}' on other data "
                f"({previous['data']['path']}, SHA-256 {previous['data']['sha256'][:12]}...).",
                "Pass another --run NAME (API: run_name=...), or the same data to resume it.",
            )
        study.set_user_attr("schedule", {"state": "starting", "family": None})
        study.set_user_attr("run", record)

    def record(self) -> dict[str, Any]:
        """What the run recorded when it started (raises a clear error when there is no such run)."""
        record = self._study().user_attrs.get("run")
        if not record:
            raise InvalidArgumentError(
                f"The benchmark '{self.run}' has not finished starting.", "Run `advisor worker` again in a moment."
            )
        return dict(record)

    def schedule(self) -> dict[str, Any]:
        """The family searched now and its window's end (Unix time), or the run's state ('done')."""
        return dict(self._study().user_attrs.get("schedule") or {"state": "starting", "family": None})

    def open_family(
        self, family: str, window_end: float | None, sizing: dict[str, Any] | None, target: int | None
    ) -> None:
        """Workers may search ``family`` until ``window_end`` (Unix time; None: no time limit)."""
        self._set({"state": "searching", "family": family, "until": window_end, "sizing": sizing, "target": target})

    def close_family(self) -> None:
        self._set({"state": "between", "family": None})

    def finish(self) -> None:
        self._set({"state": "done", "family": None})

    def _set(self, schedule: dict[str, Any]) -> None:
        self._study().set_user_attr("schedule", {**schedule, "at": time.time()})


def fingerprint(path: str | Path) -> str:
    """The SHA-256 of a data file, or of a folder's files (their relative paths and bytes, in sorted order)."""
    path = Path(path)
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        with file.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    return digest.hexdigest()


def load_spec(dataset: Dataset) -> dict[str, Any]:
    """How a worker loads the same data: its path and the options it was loaded with, and its SHA-256.

    Only data read from a file or folder can be shared: a DataFrame or array in one process's memory cannot."""
    source = dataset.source
    if not source or not Path(source).exists():
        raise InvalidArgumentError(
            "Several workers need the data as a file or folder they can read; "
            f"this data came from {source or 'memory'}.",
            "Save it first (for example df.to_parquet('data.parquet')) and pass the path.",
        )
    return {
        "path": str(Path(source).resolve()),
        "sha256": fingerprint(source),
        "name": dataset.name,
        "target": dataset.target,
        "modality": dataset.modality.value,
        "task": dataset.task,
        "metric": dataset.metric,
        "drop_empty_columns": "dropped_empty_columns" in dataset.meta,
    }

"""A benchmark on a real PostgreSQL storage: trials written there, resumed from there, the password kept out
of results, and a clear error for a server that does not answer.

The tests use the ``postgres`` fixture (conftest.py): ``ADVISOR_TEST_POSTGRES``, a URL of an empty database
the tests may write into; without it they skip, except under ``ADVISOR_REQUIRE_POSTGRES=1`` (set by CI, which
starts PostgreSQL from Debian's packages), where a missing server is a failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import advisor
from advisor.errors import StorageError
from advisor.trials import study_summaries


def test_a_benchmark_writes_its_trials_to_postgres_and_resumes_from_them(postgres: str, tmp_path: Path) -> None:
    data = advisor.datasets.load("credit_g")
    kwargs = {"families": ["linear", "lightgbm"], "seed": 0, "storage": postgres, "run_dir": tmp_path / "run"}
    first = advisor.benchmark(data, budget={"seconds": 60, "trials": 6}, **kwargs)
    stored = {s.name: s.complete for s in study_summaries(postgres)}
    assert set(stored) == {"linear", "lightgbm"} and sum(stored.values()) == len(first.trials) == 6
    assert "advisor" not in first.storage.split("@")[0].split(":")[-1]  # the password is masked
    assert first.storage.startswith("postgresql://advisor:***@")
    again = advisor.benchmark(data, budget={"seconds": 60, "trials": 10}, **kwargs)
    numbers = sorted((t.family, t.number) for t in again.trials)
    assert len(numbers) == len(set(numbers)) == 10  # the first run's 6 trials kept, 4 new ones, none repeated
    assert sum(s.complete for s in study_summaries(postgres)) == 10


def test_an_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    url = "postgresql://u:secret@localhost:1/x"
    with pytest.raises(StorageError, match=r"Cannot open the Optuna storage 'postgresql://u:\*\*\*@localhost:1/x'"):
        advisor.benchmark(advisor.datasets.load("credit_g"), budget=5, storage=url, run_dir=tmp_path / "run")

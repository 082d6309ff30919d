"""What every test session shares: aeon's kernels compiled once, and a real PostgreSQL when one is there."""

from __future__ import annotations

import os

import optuna
import pytest

from advisor.benchmarking.preload import warm_aeon


@pytest.fixture(scope="session", autouse=True)
def _aeon_kernels_compiled() -> None:
    """aeon compiles MiniRocket's and MultiRocket's numba kernels the first time they run in an environment
    (about 15 s each; cached on disk afterwards): done once here, so no timed benchmark in a test pays it."""
    warm_aeon()


POSTGRES_URL = os.environ.get("ADVISOR_TEST_POSTGRES", "")


def _postgres_answers() -> bool:
    if not POSTGRES_URL:
        return False
    try:
        optuna.get_all_study_names(storage=POSTGRES_URL)
    except Exception:
        return False
    return True


@pytest.fixture
def postgres() -> str:
    """The URL of an empty PostgreSQL database (``ADVISOR_TEST_POSTGRES``). Without one the test skips, except
    under ``ADVISOR_REQUIRE_POSTGRES=1`` (CI starts PostgreSQL from Debian's packages), where it fails."""
    if not _postgres_answers():
        if os.environ.get("ADVISOR_REQUIRE_POSTGRES") == "1":
            pytest.fail(
                f"ADVISOR_REQUIRE_POSTGRES=1 but no PostgreSQL answers at ADVISOR_TEST_POSTGRES={POSTGRES_URL!r}"
            )
        pytest.skip("no PostgreSQL: set ADVISOR_TEST_POSTGRES to the URL of an empty test database")
    for name in optuna.get_all_study_names(storage=POSTGRES_URL):  # an empty database for each test
        optuna.delete_study(study_name=name, storage=POSTGRES_URL)
    return POSTGRES_URL

"""What every test session shares."""

from __future__ import annotations

import pytest

from advisor.benchmarking.preload import warm_aeon


@pytest.fixture(scope="session", autouse=True)
def _aeon_kernels_compiled() -> None:
    """aeon compiles MiniRocket's and MultiRocket's numba kernels the first time they run in an environment
    (about 15 s each; cached on disk afterwards): done once here, so no timed benchmark in a test pays it."""
    warm_aeon()

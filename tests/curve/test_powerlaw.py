"""Power-law fits and crossovers: exact laws are recovered, noise widens the intervals, the calls are right."""

from __future__ import annotations

import numpy as np
import pytest

from advisor.curve.powerlaw import PowerLaw, crossover

SIZES = [100, 200, 400, 800, 1600]


def _law(a: float, b: float, noise: float = 0.0, seed: int = 0) -> PowerLaw:
    rng = np.random.default_rng(seed)
    errors = [a * n**-b * float(np.exp(rng.normal(0, noise))) for n in SIZES]
    return PowerLaw.fit(SIZES, errors)


def test_an_exact_power_law_is_recovered_with_no_uncertainty() -> None:
    law = _law(2.0, 0.4)
    assert law.b == pytest.approx(0.4) and np.exp(law.log_a) == pytest.approx(2.0)
    assert law.predict(3200) == pytest.approx(2.0 * 3200**-0.4)
    assert law.residual_sd == pytest.approx(0.0, abs=1e-9)


def test_noise_gives_an_interval_that_holds_the_truth() -> None:
    law = _law(2.0, 0.4, noise=0.05, seed=3)
    low, high = law.interval(16_000, np.random.default_rng(0))
    truth = 2.0 * 16_000**-0.4
    assert low[0] < truth < high[0] and high[0] - low[0] > 0


def test_a_steeper_network_curve_crosses_where_the_laws_meet() -> None:
    deep, trees = _law(6.0, 0.5), _law(1.0, 0.3)
    expected = 6.0 ** (1 / (0.5 - 0.3))  # 6 n^-0.5 = n^-0.3, past the largest size
    assert SIZES[-1] < expected < 10 * SIZES[-1]
    call = crossover(deep, trees, SIZES[-1])
    assert call.call == "crossover" and call.rows == pytest.approx(expected, rel=1e-6)
    assert f"{call.rows:,}" in call.summary


def test_parallel_or_diverging_curves_do_not_cross_within_10x() -> None:
    call = crossover(_law(4.0, 0.2), _law(1.0, 0.3), SIZES[-1])
    assert call.call == "not_within_10x" and call.rows is None and "10x" in call.summary
    far = crossover(_law(100.0, 0.35), _law(1.0, 0.3), SIZES[-1])  # crosses, but far beyond 10x
    assert far.call == "not_within_10x"


def test_a_network_already_ahead_is_said_so() -> None:
    call = crossover(_law(0.5, 0.3), _law(1.0, 0.3), SIZES[-1])
    assert call.call == "already_ahead" and call.probability == 1.0


def test_round_trip() -> None:
    law = _law(2.0, 0.4, noise=0.1)
    assert PowerLaw.from_dict(law.to_dict()) == law

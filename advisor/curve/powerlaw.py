"""Learning curves as power laws: ``error(n) = a * n ** -b``, fitted in log-log space with its uncertainty.

The fit is ordinary least squares of ``log error`` on ``log n`` (the form used since Cortes et al. 1994 and
in Hestness et al. 2017, "Deep learning scaling is predictable, empirically"); the parameters' covariance
comes from the residuals, and draws from it give intervals for a prediction and for the size at which one
curve crosses another.

>>> import numpy as np
>>> law = PowerLaw.fit([100, 200, 400, 800, 1600], [0.3, 0.21, 0.15, 0.106, 0.075])
>>> round(law.b, 2)
0.5
>>> round(law.predict(3200), 3)
0.053
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Crossover", "PowerLaw", "crossover"]

DRAWS = 2000
#: Errors are floored here: a perfect score has no logarithm.
ERROR_FLOOR = 1e-4


@dataclass(frozen=True)
class PowerLaw:
    """``error(n) = exp(log_a) * n ** -b``, with the covariance of ``(log_a, b)``."""

    log_a: float
    b: float
    cov: tuple[tuple[float, float], tuple[float, float]]
    points: int
    residual_sd: float

    @classmethod
    def fit(cls, sizes: Sequence[float], errors: Sequence[float]) -> PowerLaw:
        """Least squares in log-log space; needs at least three sizes for an uncertainty."""
        x = np.log(np.asarray(sizes, dtype=float))
        y = np.log(np.maximum(np.asarray(errors, dtype=float), ERROR_FLOOR))
        design = np.column_stack([np.ones_like(x), -x])
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        dof = max(len(x) - 2, 1)
        residual = y - design @ coef
        sigma2 = float(residual @ residual) / dof if len(x) > 2 else 0.0
        cov = sigma2 * np.linalg.pinv(design.T @ design)
        return cls(
            log_a=float(coef[0]),
            b=float(coef[1]),
            cov=((float(cov[0, 0]), float(cov[0, 1])), (float(cov[1, 0]), float(cov[1, 1]))),
            points=len(x),
            residual_sd=math.sqrt(sigma2),
        )

    def predict(self, n: float | np.ndarray) -> Any:
        return np.exp(self.log_a - self.b * np.log(n))

    def draws(self, rng: np.random.Generator, k: int = DRAWS) -> np.ndarray:
        """``k`` draws of ``(log_a, b)`` from the fit's normal approximation."""
        return rng.multivariate_normal([self.log_a, self.b], np.asarray(self.cov), size=k, check_valid="ignore")

    def interval(self, n: float | np.ndarray, rng: np.random.Generator, level: float = 0.8) -> tuple[Any, Any]:
        """The central ``level`` interval of the predicted error at ``n`` (parameter uncertainty)."""
        d = self.draws(rng)
        logn = np.log(np.atleast_1d(np.asarray(n, dtype=float)))
        preds = np.exp(d[:, :1] - d[:, 1:] * logn[None, :])
        tail = (1 - level) / 2 * 100
        return np.percentile(preds, tail, axis=0), np.percentile(preds, 100 - tail, axis=0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "log_a": self.log_a,
            "b": self.b,
            "cov": [list(r) for r in self.cov],
            "points": self.points,
            "residual_sd": self.residual_sd,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PowerLaw:
        cov = data["cov"]
        return cls(data["log_a"], data["b"], (tuple(cov[0]), tuple(cov[1])), data["points"], data["residual_sd"])


@dataclass(frozen=True)
class Crossover:
    """Where the deep curve is expected to pass the classical one.

    ``call`` is 'already_ahead' (the network is better at the largest size measured), 'crossover' (expected
    at ``rows``, with an 80% interval ``low``-``high`` where the draws cross), or 'not_within_10x' (no crossing
    expected before ten times the data). ``probability`` is the share of draws that cross within 10x.
    """

    call: str
    rows: int | None
    low: int | None
    high: int | None
    probability: float
    horizon: int
    summary: str


def crossover(
    deep: PowerLaw,
    classical: PowerLaw,
    largest: int,
    seed: int = 0,
    labels: tuple[str, str] = ("the network", "the classical model"),
) -> Crossover:
    """When ``deep``'s error falls below ``classical``'s, looking up to ten times ``largest`` rows."""
    horizon = 10 * largest
    d_name, c_name = labels
    if deep.predict(largest) <= classical.predict(largest):
        return Crossover(
            "already_ahead",
            largest,
            None,
            None,
            1.0,
            horizon,
            f"{d_name} is already ahead of {c_name} at {largest:,} rows.",
        )
    rng = np.random.default_rng(seed)
    dd, cc = deep.draws(rng), classical.draws(rng)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_n = (dd[:, 0] - cc[:, 0]) / (dd[:, 1] - cc[:, 1])
    converging = dd[:, 1] > cc[:, 1]
    crosses = converging & (log_n > math.log(largest)) & (log_n <= math.log(horizon))
    probability = float(np.mean(crosses | (converging & (log_n <= math.log(largest)))))
    point = _point(deep, classical)
    if point is None or point > horizon:
        return Crossover(
            "not_within_10x",
            None,
            None,
            None,
            probability,
            horizon,
            f"{d_name} is not expected to overtake {c_name} within 10x the data ({horizon:,} rows); "
            f"{probability:.0%} of the fitted curves' draws cross before then.",
        )
    inside = np.exp(log_n[crosses]) if crosses.any() else np.array([point])
    low, high = (int(v) for v in np.percentile(inside, [10, 90]))
    rows = round(point)
    return Crossover(
        "crossover",
        rows,
        low,
        high,
        probability,
        horizon,
        f"{d_name} is expected to overtake {c_name} at about {rows:,} rows "
        f"(80% of crossing draws between {low:,} and {high:,}; {probability:.0%} of draws cross "
        f"within {horizon:,} rows).",
    )


def _point(deep: PowerLaw, classical: PowerLaw) -> float | None:
    if deep.b <= classical.b:
        return None
    return float(math.exp((deep.log_a - classical.log_a) / (deep.b - classical.b)))

"""Deep or classical? The best network against the best classical model, with the difference's uncertainty.

Each side's representative is its family best on *validation* by the user's metric (as the final choice is
made), so the test rows stay an honest estimate. Both are scored on the same test rows; a paired bootstrap
over those rows (the same resampled rows for both models, 1,000 resamples by default) gives a 95% interval
of the difference. When the interval covers zero the answer is "too close to call", and the practical pick
is the family that is cheaper to train: a difference smaller than the noise is not a finding.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> y = rng.integers(0, 2, 400)
>>> good, worse = np.where(rng.random(400) < 0.9, y, 1 - y), np.where(rng.random(400) < 0.88, y, 1 - y)
>>> accuracy = lambda pred, rows: float((pred[rows] == y[rows]).mean())
>>> low, high, n = paired_bootstrap(good, worse, accuracy, 400, seed=0)
>>> low < 0 < high, n
(True, 1000)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

__all__ = ["DeepVsClassical", "compare_sides", "paired_bootstrap"]

#: Bootstrap resamples; the seconds they may take at most, and that share of a time budget (a budget is a
#: promise); and the fewest resamples drawn whatever the time.
RESAMPLES = 1_000
TIME_LIMIT_S, TIME_LIMIT_SHARE = 2.0, 0.005
MIN_RESAMPLES = 20
#: The bootstrap resamples at most this many test rows (a seeded random subset): the interval is then that of
#: a test set this large, a little wider (more cautious) than the full one's, at a bounded cost.
MAX_ROWS = 20_000
Call = Literal["deep", "classical", "too_close"]
Score = Callable[[Any, np.ndarray], float]  # (a model's test predictions, row positions) -> metric value


@dataclass(frozen=True)
class DeepVsClassical:
    """The two sides' best families on the test rows, and whether the difference is larger than the noise."""

    metric: str
    deep: str
    classical: str
    deep_score: float
    classical_score: float
    difference: float  # deep minus classical, signed so that positive means the network is better
    low: float  # the 95% paired-bootstrap interval of the difference
    high: float
    resamples: int
    test_rows: int
    call: Call
    practical: str  # the family to use: the winner, or when too close to call the cheaper one
    summary: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> DeepVsClassical | None:
        return None if not data else cls(**data)


def paired_bootstrap(
    first: Any,
    second: Any,
    score: Score,
    n_rows: int,
    *,
    seed: int,
    resamples: int = RESAMPLES,
    time_limit_s: float = TIME_LIMIT_S,
) -> tuple[float, float, int]:
    """The 95% interval of ``score(first) - score(second)`` over resamples of the rows (the same rows for both;
    of at most MAX_ROWS of them), and how many resamples were drawn (fewer when ``time_limit_s`` ran out, at
    least MIN_RESAMPLES)."""
    rng = np.random.default_rng(seed)
    pool = rng.permutation(n_rows)[:MAX_ROWS] if n_rows > MAX_ROWS else np.arange(n_rows)
    differences: list[float] = []
    start = time.perf_counter()
    for i in range(resamples):
        rows = pool[rng.integers(0, len(pool), len(pool))]
        differences.append(score(first, rows) - score(second, rows))
        if i + 1 >= MIN_RESAMPLES and time.perf_counter() - start > time_limit_s:
            break
    finite = np.asarray([d for d in differences if np.isfinite(d)])
    if not len(finite):
        return float("nan"), float("nan"), 0
    low, high = np.percentile(finite, [2.5, 97.5])
    return float(low), float(high), len(differences)


@dataclass(frozen=True)
class Side:
    """One side's representative: its family, validation and test scores, predictions and training cost."""

    family: str
    val: float
    test: float
    predictions: Any
    fit_s: float
    starved: bool = False  # a network stopped by its time window before it converged (its result says so)


def compare_sides(
    deep: Sequence[Side],
    classical: Sequence[Side],
    score: Score,
    *,
    metric: str,
    higher_is_better: bool,
    n_rows: int,
    seed: int,
    time_limit_s: float = TIME_LIMIT_S,
) -> DeepVsClassical | None:
    """Compare the best (on validation) of each side on the test rows; None when a side has no family. The
    bootstrap stops after ``time_limit_s`` (the runner passes a small share of the time budget)."""
    if not deep or not classical or n_rows < 2:
        return None
    sign = 1.0 if higher_is_better else -1.0
    best_deep = max(deep, key=lambda s: sign * s.val)
    best_classical = max(classical, key=lambda s: sign * s.val)
    diff = sign * (best_deep.test - best_classical.test)

    def signed(predictions: Any, rows: np.ndarray) -> float:
        return sign * score(predictions, rows)

    low, high, n = paired_bootstrap(
        best_deep.predictions, best_classical.predictions, signed, n_rows, seed=seed, time_limit_s=time_limit_s
    )
    call: Call = "deep" if low > 0 else "classical" if high < 0 else "too_close"
    cheaper = min((best_deep, best_classical), key=lambda s: s.fit_s)
    practical = {"deep": best_deep, "classical": best_classical, "too_close": cheaper}[call].family
    result = DeepVsClassical(
        metric=metric,
        deep=best_deep.family,
        classical=best_classical.family,
        deep_score=round(best_deep.test, 6),
        classical_score=round(best_classical.test, 6),
        difference=round(diff, 6),
        low=round(low, 6),
        high=round(high, 6),
        resamples=n,
        test_rows=n_rows,
        call=call,
        practical=practical,
        summary="",
    )
    return _with_summary(result, best_deep, best_classical)


def _with_summary(r: DeepVsClassical, deep: Side, classical: Side) -> DeepVsClassical:
    scores = f"{r.deep} {r.deep_score:.4f} vs {r.classical} {r.classical_score:.4f} {r.metric}"
    interval = (
        f"network minus classical {r.difference:+.4f}, 95% interval {r.low:+.4f} to {r.high:+.4f} "
        f"(paired bootstrap over {r.test_rows:,} test rows)"
    )
    if r.call == "too_close":
        cost = f"{deep.family} {_seconds(deep.fit_s)} vs {classical.family} {_seconds(classical.fit_s)} to train"
        text = (
            f"Deep vs classical: too close to call ({scores}; {interval}). "
            f"Practical pick: {r.practical}, the cheaper ({cost})."
        )
    else:
        side = "deep learning" if r.call == "deep" else "classical ML"
        text = f"Deep vs classical: {side} wins ({scores}; {interval})."
        if r.call == "classical" and deep.starved:
            text += (
                f" This holds at this budget only: {deep.family} was stopped by its time window before it "
                "converged, so a longer budget or a GPU may close the gap."
            )
    return DeepVsClassical(**{**r.__dict__, "summary": text})


def _seconds(value: float) -> str:
    """Seconds to two significant figures (a boosted model may train in 0.04s, a network in 40s)."""
    return f"{value:.2g}s" if value < 10 else f"{value:.0f}s"


def odds_check(odds: Any, comparison: DeepVsClassical | None) -> str | None:
    """A sentence on whether the rules' odds (:class:`advisor.rules.odds.DeepOdds`) called the measured side."""
    if odds is None or comparison is None:
        return None
    opponent = getattr(odds, "classical_label", "boosted trees")
    side = "a network" if odds.p_deep > 0.5 else opponent
    measured = {"deep": "the network won", "classical": "the classical model won", "too_close": "too close to call"}
    if comparison.call == "too_close":
        outcome = "the measurement cannot tell the sides apart, so the odds were not contradicted"
    elif (comparison.call == "deep") == (odds.p_deep > 0.5):
        outcome = "the odds called the winning side"
    else:
        outcome = "the odds backed the losing side: the measurement wins"
    return (
        f"Odds before measuring: {odds.p_deep:.0%} that the best network beats the best {opponent} "
        f"(favouring {side}); measured: {measured[comparison.call]}: {outcome}."
    )

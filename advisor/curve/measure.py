"""Measure a learning curve: the best classical and the best deep family on growing stratified subsamples.

One fixed, stratified test split; the rest is the pool. Each size is a prefix of one stratified ordering
of the pool, so the subsamples nest (the 400-row sample holds the 200-row one) and keep the class shares.
At each size :func:`advisor.benchmark` measures the families (search, refit on train + validation, one
score on the shared test rows) within that size's share of the budget; bigger sizes get bigger shares.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from advisor.curve.powerlaw import PowerLaw, crossover
from advisor.curve.result import CurvePoint, LearningCurve, to_error
from advisor.data.dataset import Dataset
from advisor.errors import InvalidArgumentError, TargetNotFoundError

__all__ = ["default_sizes", "learning_curve"]

DEFAULT_POINTS = 5
MIN_POINTS = 5
TEST_SHARE = 0.2
#: The smallest training sample: enough rows for a validation split, and every class at least twice.
MIN_ROWS = 40
#: A size whose share of the budget would be shorter than this is skipped (and said so).
MIN_SHARE_S = 3.0
#: Share of the budget kept back for fitting the curves and for what a benchmark cannot cut short.
RESERVE = 0.03
CurveCallback = Callable[[int, int, str], None]


def learning_curve(
    dataset: Dataset | Any,
    families: Sequence[str] | None = None,
    sizes: Sequence[int] | None = None,
    budget: float = 180.0,
    seed: int = 0,
    *,
    target: str | None = None,
    task: str | None = None,
    metric: str | None = None,
    run_dir: str | Path | None = None,
    on_progress: CurveCallback | None = None,
) -> LearningCurve:
    """Measure the best GBDT and the best network at growing data sizes and say where the network overtakes.

    ``families`` defaults to the recommendation's best boosted-trees family (or best classical one where
    trees do not apply) and its best deep family; ``sizes`` (training rows, at least five) to five sizes
    doubling up to all the rows left after a 20% stratified test split. The whole call ends within
    ``budget`` seconds (each size is a benchmark with its share). The result holds each family's test scores,
    a power law fitted to each (error = a * rows^-b, with its uncertainty) and the crossover: the rows at which
    the network is expected to beat the trees, or that it is not expected to within ten times the data.

    >>> curve = advisor.learning_curve("train.csv", target="label", budget=300)   # doctest: +SKIP
    >>> curve.summary                                                             # doctest: +SKIP
    """
    from advisor.api import benchmark, load, profile, recommend
    from advisor.benchmarking.prepare import encode_target
    from advisor.benchmarking.splits import make_splits
    from advisor.metrics import direction, primary_metric
    from advisor.profiling.checks import check_answerable
    from advisor.rules import Constraints

    start = time.monotonic()
    if not (isinstance(budget, int | float) and math.isfinite(budget) and budget > 0):
        raise InvalidArgumentError(f"budget={budget!r} must be a positive number of seconds.", "Pass e.g. budget=180.")
    data = dataset if isinstance(dataset, Dataset) else load(dataset, target=target)
    data = data.stating(task, metric)
    if data.y is None:
        raise TargetNotFoundError("A learning curve needs a target to predict.", "Pass target='column' when loading.")
    prof = profile(data)
    check_answerable(prof)
    task_name = prof.task or "binary"
    y, _ = encode_target(data.y, task_name)
    splits = make_splits(y, task_name, seed=seed, test_size=TEST_SHARE, val_size=0.0)
    pool, test = np.sort(np.concatenate([splits.train, splits.val])), splits.test
    order = _stratified_order(y[pool], task_name, seed)
    pool = pool[order]
    smallest = _smallest(y[pool], task_name)
    chosen = _sizes(sizes, len(pool), smallest)
    rec = recommend(prof, constraints=Constraints(time_budget_s=budget))
    picked = list(families) if families else _default_families(rec)
    metric_name = primary_metric(task_name, prof.metric or rec.plan.metric)
    higher = direction(metric_name) == "maximize"
    data = data.stating(task_name, metric_name)  # every size is judged as the whole data is, by one metric
    points: list[CurvePoint] = []
    weights = [math.sqrt(n) for n in chosen]
    # How far sizes' benchmarks ran past their shares (loading models, a last epoch that cannot be cut): the
    # first size's (which also pays one-time imports) until a later size replaces it, then the largest since.
    overhead = 0.0
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(run_dir) if run_dir is not None else Path(scratch)
        for i, n in enumerate(chosen):
            left = budget * (1 - RESERVE) - (time.monotonic() - start) - overhead * (len(chosen) - i)
            share = left * weights[i] / sum(weights[i:])
            if on_progress is not None:
                on_progress(i, len(chosen), f"{n:,} rows ({max(share, 0):.0f} s)")
            if share < MIN_SHARE_S:
                points += [CurvePoint(f, "", n, None, None, "skipped", "no time left in the budget") for f in picked]
                continue
            sample = data.take(np.concatenate([pool[:n], test]), test_from=n)
            began = time.monotonic()
            result = benchmark(
                sample, budget=share, seed=seed, families=picked, run_dir=base / f"rows-{n}", refit_full=False
            )
            past = max(0.0, time.monotonic() - began - share)
            overhead = past if i <= 1 else max(overhead, past)
            points += _points(result, n)
    if on_progress is not None:
        on_progress(len(chosen), len(chosen), "fitting the curves")
    return _assemble(data, task_name, metric_name, higher, chosen, len(test), points, budget, start, seed)


def default_sizes(pool_rows: int, smallest: int = MIN_ROWS, points: int = DEFAULT_POINTS) -> list[int]:
    """``points`` sizes doubling up to ``pool_rows`` (geometric from ``smallest`` when doubling starts too low)."""
    if pool_rows < smallest * 2:
        raise InvalidArgumentError(
            f"Only {pool_rows:,} training rows after the test split: a learning curve needs at least {smallest * 2:,}.",
            "Use a larger dataset, or benchmark it instead (advisor benchmark).",
        )
    low = max(smallest, pool_rows / 2 ** (points - 1))
    grid = np.geomspace(low, pool_rows, points)
    out = sorted({round(v) for v in grid})
    return out


def _sizes(sizes: Sequence[int] | None, pool_rows: int, smallest: int) -> list[int]:
    if sizes is None:
        return default_sizes(pool_rows, smallest)
    chosen = sorted({int(s) for s in sizes})
    if len(chosen) < MIN_POINTS:
        raise InvalidArgumentError(
            f"sizes={list(sizes)} has {len(chosen)} distinct size(s); a curve with its uncertainty needs {MIN_POINTS}.",
            "Pass at least five sizes, or leave sizes out for five sizes doubling up to the data.",
        )
    bad = [s for s in chosen if s < smallest or s > pool_rows]
    if bad:
        raise InvalidArgumentError(
            f"sizes {bad} are outside {smallest:,}-{pool_rows:,} rows (the training rows left after a 20% test "
            "split, and at least two rows of every class).",
            f"Pass sizes between {smallest:,} and {pool_rows:,}.",
        )
    return chosen


def _smallest(y_pool: np.ndarray, task: str) -> int:
    if task == "regression":
        return MIN_ROWS
    counts = np.bincount(y_pool.astype(np.int64))
    counts = counts[counts > 0]
    return max(MIN_ROWS, math.ceil(2 * len(y_pool) / counts.min()))


def _stratified_order(y_pool: np.ndarray, task: str, seed: int) -> np.ndarray:
    """An ordering of the pool whose every prefix keeps the class shares (random for regression)."""
    rng = np.random.default_rng(seed)
    if task == "regression":
        return rng.permutation(len(y_pool))
    key = np.empty(len(y_pool))
    for label in np.unique(y_pool):
        members = np.flatnonzero(y_pool == label)
        ranks = rng.permutation(len(members))
        key[members] = (ranks + rng.random(len(members))) / len(members)
    return np.argsort(key, kind="stable")


def _default_families(rec: Any) -> list[str]:
    from advisor.families import STRONG_CLASSICAL
    from advisor.families import families as declared

    fams = declared()
    trees = [r.family for r in rec.ranking if fams[r.family].role in STRONG_CLASSICAL]
    classical = [r.family for r in rec.ranking if r.kind == "classical"]
    deep = [r.family for r in rec.ranking if r.kind == "deep"]
    picked = (trees or classical)[:1] + deep[:1]
    if len(picked) < 2:
        raise InvalidArgumentError(
            f"The {rec.modality} data has no deep and classical family to compare.", "Name families=[...] to measure."
        )
    return picked


def _points(result: Any, rows: int) -> list[CurvePoint]:
    """Each family's score at this size; an ok point's reason says when a network was starved by its window."""
    out = []
    for f in result.families:
        score = f.test_metrics.get(result.metric) if f.status == "ok" else None
        fit_s = f.costs.get("fit_wall_s") if f.status == "ok" else None
        out.append(CurvePoint(f.family, f.kind, rows, score, fit_s, f.status, f.reason))
    return out


def _caveats(family: str, law: PowerLaw, points: list[CurvePoint]) -> list[str]:
    """What makes a family's curve describe the budget rather than the data."""
    from advisor.benchmarking.search import STARVED

    out = []
    starved = [p.rows for p in points if STARVED in p.reason]
    if starved:
        out.append(
            f"{family} was stopped by its share of the budget before early stopping at {len(starved)} of "
            f"{len(points)} sizes ({', '.join(f'{n:,}' for n in starved)} rows): its curve reflects the budget "
            "more than the data. Give the curve a larger budget (or a GPU)."
        )
    if law.b <= 0:
        out.append(
            f"{family}'s error did not fall with more data (b = {law.b:.2f}): with more rows in the same time it "
            "trained less; its extrapolation is not a forecast."
        )
    return out


def _assemble(
    data: Dataset,
    task: str,
    metric: str,
    higher: bool,
    sizes: list[int],
    test_rows: int,
    points: list[CurvePoint],
    budget: float,
    start: float,
    seed: int,
) -> LearningCurve:
    from advisor.families import families as declared

    fams = declared()
    fits: dict[str, PowerLaw] = {}
    notes: list[str] = []
    for family in dict.fromkeys(p.family for p in points):
        scored = [(p.rows, p.score) for p in points if p.family == family and p.score is not None]
        if len(scored) < 3:
            why = next((p.reason for p in points if p.family == family and p.score is None and p.reason), "")
            notes.append(
                f"{family}: only {len(scored)} size(s) scored, too few for a curve"
                + (f" (the others: {why})" if why else "")
                + ". Give the curve a larger budget."
            )
            continue
        errors = [to_error(s, metric, higher) for _, s in scored]
        fits[family] = PowerLaw.fit([n for n, _ in scored], errors)
        notes += _caveats(family, fits[family], [p for p in points if p.family == family])
    largest = sizes[-1]
    deep_fits = [f for f in fits if fams[f].kind.value == "deep"]
    classical_fits = [f for f in fits if fams[f].kind.value != "deep"]
    best_deep = min(deep_fits, key=lambda f: fits[f].predict(largest), default=None)
    best_classical = min(classical_fits, key=lambda f: fits[f].predict(largest), default=None)
    cross = None
    if best_deep and best_classical:
        cross = crossover(
            fits[best_deep], fits[best_classical], largest, seed, (fams[best_deep].label, fams[best_classical].label)
        )
    else:
        notes.insert(0, "No crossover: a curve is needed for both a network and a classical family.")
    return LearningCurve(
        dataset=data.name,
        modality=data.modality.value,
        task=task,
        metric=metric,
        higher_is_better=higher,
        sizes=tuple(sizes),
        test_rows=test_rows,
        deep=best_deep,
        classical=best_classical,
        points=tuple(points),
        fits=fits,
        crossover=cross,
        budget_s=budget,
        wall_s=round(time.monotonic() - start, 2),
        notes=tuple(notes),
    )

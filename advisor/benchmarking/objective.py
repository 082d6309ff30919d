"""One trial: parameters from the define-by-run space -> fit -> validation loss -> costs, as user attributes.

Also the final refit of a family's best parameters on train + validation, scored once on test.
"""

from __future__ import annotations

import base64
import io
import logging
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import optuna
import pandas as pd

from advisor.benchmarking.costs import CostRecord, FitCost, measure, measure_inference, model_size_bytes, money
from advisor.benchmarking.splits import Splits
from advisor.metrics import compute_metrics, objective_metric
from advisor.models.pace import Pace
from advisor.models.spec import FitContext, ModelSpec

__all__ = [
    "PREDICTIONS_ATTR",
    "UNUSED_ATTR",
    "ModelClock",
    "Predictions",
    "PreparedData",
    "Reporter",
    "TrialOutcome",
    "counts_toward_budget",
    "decode_predictions",
    "encode_predictions",
    "fit_final",
    "fix_steps",
    "interrupted",
    "metrics_of",
    "probe_costs",
    "run_trial",
    "score_final",
    "score_model",
    "take",
]

#: Report GBM validation loss to Optuna every this many boosting rounds (each report is a storage write).
GBM_REPORT_EVERY = 50
#: The median pruner decides nothing before this many trials of the family completed (so, until then, the
#: runner does not ask it: each question reads the study's trials from the storage).
PRUNER_STARTUP_TRIALS = 3
#: Steps before the median pruner may stop a trial: boosting rounds, or epochs (and chunks of trees).
GBM_WARMUP_ROUNDS = 100
EPOCH_WARMUP = 5


def warmup_steps(spec: ModelSpec) -> int:
    return GBM_WARMUP_ROUNDS if spec.steps == "rounds" else EPOCH_WARMUP


#: Single-row predictions timed per trial (final models get 50).
TRIAL_PROBE_ROWS = 5
FINAL_PROBE_ROWS = 30
#: Seconds at most spent timing a final model's predictions (less when the budget is short: the runner's choice).
FINAL_PROBE_S = 1.5


@dataclass
class ModelClock:
    """Accumulates wall time spent inside model fit and predict (the rest is framework overhead).

    ``fitting`` is set while a model fits: background work (writing finished trials to the storage) waits for
    it, so that it runs while the fit's native code has released the GIL rather than slowing the search loop.
    """

    seconds: float = 0.0
    fitting: threading.Event = field(default_factory=threading.Event, repr=False, compare=False)

    def add(self, seconds: float) -> None:
        self.seconds += seconds


@dataclass(frozen=True)
class PreparedData:
    """Model-ready features and encoded target, with the splits; ``metric`` is the user's, also computed."""

    X: Any  # a DataFrame, an array (images, series) or a Series of texts: one row per item
    y: np.ndarray
    splits: Splits
    labels: list[str] | None
    task: str
    metric: str | None = None
    _slices: dict[int, tuple[np.ndarray, Any, np.ndarray]] = field(default_factory=dict, repr=False, compare=False)

    def rows(self, idx: np.ndarray) -> tuple[Any, np.ndarray]:
        """The rows at positions ``idx``. Every trial fits on the same parts (train, validation, the folds), so
        their slices are made once and kept (slicing a wide DataFrame costs milliseconds a time)."""
        hit = self._slices.get(id(idx))
        if hit is not None and hit[0] is idx:
            return hit[1], hit[2]
        X, y = take(self.X, idx), self.y[idx]
        if len(self._slices) < 16:  # train, val, test and k folds (2 parts each)
            self._slices[id(idx)] = (idx, X, y)
        return X, y


def take(X: Any, idx: np.ndarray) -> Any:
    """Rows of a DataFrame / Series (by position), an array, or a list."""
    if hasattr(X, "iloc"):
        return X.iloc[idx]
    if isinstance(X, np.ndarray):
        return X[idx]
    return [X[int(i)] for i in idx]


@dataclass
class Reporter:
    """The ``progress`` callback given to iterative models: reports to Optuna, prunes, enforces deadlines."""

    trial: optuna.Trial | None
    deadline: float | None
    every: int = 1
    stopped_by_deadline: bool = False
    last_step: int = field(default=-1)
    prune_from: int = 0  # the pruner's warm-up: no pruning decision is asked before this step
    can_prune: bool = True  # False while the pruner is still in its start-up trials
    optuna_s: float = 0.0  # time spent in Optuna (storage writes, pruner) during the fit: overhead, not model

    def __call__(self, step: int, value: float) -> bool:
        self.last_step = step
        if self.trial is not None and step % self.every == 0 and math.isfinite(value):
            start = time.perf_counter()
            self.trial.report(float(value), step)
            prune = self.can_prune and step >= self.prune_from and self.trial.should_prune()
            self.optuna_s += time.perf_counter() - start
            if prune:
                raise optuna.TrialPruned(f"pruned at step {step} (validation loss {value:.4g})")
        if self.deadline is not None and time.monotonic() >= self.deadline:
            self.stopped_by_deadline = True
            return True
        return False


@dataclass(frozen=True)
class Predictions:
    """A model's validation predictions: the row positions and, per row, class probabilities or values.

    Cross-validated trials give out-of-fold predictions over train + validation; the others, the
    validation rows. They score the family on the user's metric and feed ensembles.
    """

    rows: np.ndarray
    values: np.ndarray


@dataclass(frozen=True)
class TrialOutcome:
    """What the runner needs from a finished trial without reading the storage back.

    ``estimator`` is the trial's fitted model (for cross-validation, the last fold's) and ``train_rows`` how
    many rows it was fitted on: a fallback when a refit on train + validation would not fit the budget.
    """

    number: int
    state: str  # 'COMPLETE' | 'PRUNED' | 'FAIL'
    value: float | None
    fit_wall_s: float | None = None
    n_steps: int | None = None
    estimator: Any = None
    train_rows: int | None = None
    predictions: Predictions | None = None


def run_trial(
    study: optuna.Study,
    spec: ModelSpec,
    ctx: FitContext,
    data: PreparedData,
    deadline: float | None,
    clock: ModelClock,
    price_per_hour: float | None = None,
    can_prune: bool = True,
    shared: dict[str, Any] | None = None,
    limit: int | None = None,
) -> TrialOutcome:
    """Ask the study for a trial, evaluate it, tell the outcome; failures are recorded, never raised.

    ``can_prune`` is False while the family has fewer than PRUNER_STARTUP_TRIALS completed trials (the
    pruner would not prune yet): intermediate values are still reported, but the pruner is not asked.

    ``shared`` (a study several workers search): user attributes every trial records (the worker), and the
    trial runs through ``study.optimize`` so that Optuna records its heartbeat while it runs and, first, fails
    and queues again the trials of workers that stopped beating (killed); its validation predictions are
    stored with it, so the worker that refits and ensembles can read them. With ``limit`` (the family's trial
    budget), a trial that finds ``limit`` trials before it (other workers asked at the same moment) does not
    run: it ends FAIL, marked ``unused``, and counts for nothing."""
    if shared is None:
        trial = study.ask()
        outcome = _attempt(trial, spec, ctx, data, deadline, clock, price_per_hour, can_prune)
        if outcome.state == "COMPLETE":
            study.tell(trial, outcome.value)
        else:
            study.tell(trial, state=optuna.trial.TrialState[outcome.state])
        return outcome
    outcomes: list[TrialOutcome] = []

    def objective(trial: optuna.Trial) -> float:
        for key, value in shared.items():
            trial.set_user_attr(key, value)
        if (
            limit is not None
            and sum(counts_toward_budget(t) for t in study.get_trials(deepcopy=False)[: trial.number]) >= limit
        ):
            trial.set_user_attr(UNUSED_ATTR, "the family's trial budget was spent by other workers")
            outcomes.append(TrialOutcome(trial.number, "UNUSED", None))
            raise _Failed()
        outcome = _attempt(trial, spec, ctx, data, deadline, clock, price_per_hour, can_prune)
        outcomes.append(outcome)
        if outcome.state == "PRUNED":
            raise optuna.TrialPruned()
        if outcome.state == "FAIL":
            raise _Failed()
        if outcome.predictions is not None:
            trial.set_user_attr(PREDICTIONS_ATTR, encode_predictions(outcome.predictions))
        return cast(float, outcome.value)

    optimize_log = logging.getLogger("optuna.study._optimize")
    level = optimize_log.level
    optimize_log.setLevel(logging.ERROR)  # a failure is recorded in the trial ('error'), not logged as a warning
    try:
        study.optimize(objective, n_trials=1, catch=(_Failed,))
    finally:
        optimize_log.setLevel(level)
    return outcomes[0]


#: The user attribute of a shared trial that never ran: the trial budget was spent when it was asked.
UNUSED_ATTR = "unused"


def interrupted(trial: optuna.trial.FrozenTrial) -> bool:
    """A trial a killed process left unfinished (failed with no error of its own; not an unused one)."""
    attrs = trial.user_attrs
    return trial.state == optuna.trial.TrialState.FAIL and "error" not in attrs and UNUSED_ATTR not in attrs


def counts_toward_budget(trial: optuna.trial.FrozenTrial) -> bool:
    """Whether a trial counts against a trial budget: finished (complete, pruned, or failed on its own) or running
    (in a shared study, another worker's); not one a killed process left (its retry counts when it runs), not
    an unused one, not one still queued (the family's default, a retry)."""
    if trial.state.is_finished():
        return not interrupted(trial) and UNUSED_ATTR not in trial.user_attrs
    return trial.state == optuna.trial.TrialState.RUNNING


class _Failed(Exception):
    """A shared trial failed on its own (its error is already recorded): Optuna tells it FAIL."""


#: The user attribute of a shared trial holding its validation predictions (:func:`encode_predictions`).
PREDICTIONS_ATTR = "predictions"


def encode_predictions(predictions: Predictions) -> str:
    """Validation predictions as text for a trial's user attributes (compressed float32 arrays, base64)."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, rows=predictions.rows, values=predictions.values.astype(np.float32))
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def decode_predictions(text: str) -> Predictions:
    with np.load(io.BytesIO(base64.b64decode(text))) as arrays:
        return Predictions(arrays["rows"], arrays["values"].astype(np.float64))


def _attempt(
    trial: optuna.Trial,
    spec: ModelSpec,
    ctx: FitContext,
    data: PreparedData,
    deadline: float | None,
    clock: ModelClock,
    price_per_hour: float | None,
    can_prune: bool,
) -> TrialOutcome:
    """Evaluate one asked trial and record its metrics and costs (or why it was pruned or failed)."""
    try:
        params = spec.search_space(trial, ctx)  # type: ignore[misc]
        evaluated = _evaluate(_TrialRun(spec, params, ctx, data, trial, deadline, clock, can_prune))
        loss, metrics, costs = evaluated.loss, evaluated.metrics, evaluated.costs
        if not math.isfinite(loss):
            raise FloatingPointError(f"validation {objective_metric(data.task)} is {loss}")
        costs["money"] = money(costs["fit_wall_s"], price_per_hour)
        trial.set_user_attr("metrics", metrics)
        trial.set_user_attr("costs", costs)
        return TrialOutcome(
            trial.number,
            "COMPLETE",
            loss,
            costs.get("fit_wall_s"),
            costs.get("n_steps"),
            evaluated.estimator,
            evaluated.train_rows,
            evaluated.predictions,
        )
    except optuna.TrialPruned as exc:
        trial.set_user_attr("pruned", str(exc))
        return TrialOutcome(trial.number, "PRUNED", None)
    except Exception as exc:  # a bad configuration, NaN loss, out of memory: record and go on
        trial.set_user_attr("error", f"{type(exc).__name__}: {exc}"[:500])
        return TrialOutcome(trial.number, "FAIL", None)


@dataclass(frozen=True)
class _TrialRun:
    """One trial's evaluation: the family's spec and sampled parameters, the data, the trial and its limits."""

    spec: ModelSpec
    params: dict[str, Any]
    ctx: FitContext
    data: PreparedData
    trial: optuna.Trial
    deadline: float | None
    clock: ModelClock
    can_prune: bool = True

    def fit(self, X: Any, y: np.ndarray, eval_set: tuple[Any, np.ndarray], reporter: Reporter) -> tuple[Any, FitCost]:
        return _fit(self.spec, self.params, self.ctx, X, y, eval_set, reporter, self.clock)


@dataclass(frozen=True)
class _Evaluated:
    loss: float
    metrics: dict[str, float]
    costs: dict[str, Any]
    estimator: Any
    train_rows: int
    predictions: Predictions


def _evaluate(run: _TrialRun) -> _Evaluated:
    data = run.data
    if data.splits.cross_validated:
        return _evaluate_cv(run)
    X_tr, y_tr = data.rows(data.splits.train)
    X_va, y_va = data.rows(data.splits.val)
    every = GBM_REPORT_EVERY if run.spec.steps == "rounds" else 1
    reporter = Reporter(run.trial, run.deadline, every, prune_from=warmup_steps(run.spec), can_prune=run.can_prune)
    est, fit_cost = run.fit(X_tr, y_tr, (X_va, y_va), reporter)
    loss, metrics, values = score_model(est, X_va, y_va, data, run.clock)
    costs = probe_costs(est, fit_cost, X_va, run.ctx, run.clock, n_single=TRIAL_PROBE_ROWS)
    costs["n_steps"] = _steps_used(est)
    costs["stopped_by_deadline"] = reporter.stopped_by_deadline
    predictions = Predictions(np.asarray(data.splits.val), values)
    return _Evaluated(loss, metrics, costs, est, len(data.splits.train), predictions)


def _evaluate_cv(run: _TrialRun) -> _Evaluated:
    """k-fold cross-validation for small data: prune between folds on the running mean loss."""
    losses: list[float] = []
    fold_metrics: list[dict[str, float]] = []
    fits: list[FitCost] = []
    steps: list[int | None] = []
    rows: list[np.ndarray] = []
    values: list[np.ndarray] = []
    est: Any = None
    data = run.data
    for k, (tr, va) in enumerate(data.splits.folds):
        X_tr, y_tr = data.rows(tr)
        X_va, y_va = data.rows(va)
        est, fit_cost = run.fit(X_tr, y_tr, (X_va, y_va), Reporter(None, run.deadline))
        loss, metrics, fold_values = score_model(est, X_va, y_va, data, run.clock)
        losses.append(loss)
        fold_metrics.append(metrics)
        fits.append(fit_cost)
        steps.append(_steps_used(est))
        rows.append(np.asarray(va))
        values.append(fold_values)
        run.trial.report(float(np.mean(losses)), k)
        if run.can_prune and run.trial.should_prune():
            raise optuna.TrialPruned(f"pruned after fold {k + 1} (mean loss {np.mean(losses):.4g})")
    mean_fit = FitCost(
        float(np.mean([f.wall_s for f in fits])),
        float(np.mean([f.cpu_s for f in fits])),
        float(max(f.peak_memory_mb for f in fits)),
    )
    X_last = data.rows(data.splits.folds[-1][1])[0]
    costs = probe_costs(est, mean_fit, X_last, run.ctx, run.clock, n_single=TRIAL_PROBE_ROWS)
    known = [s for s in steps if s is not None]
    costs["n_steps"] = int(np.median(known)) if known else None
    costs["cv_folds"] = len(fits)
    metrics = {k: float(np.mean([m[k] for m in fold_metrics if k in m])) for k in fold_metrics[0]}
    order = np.argsort(np.concatenate(rows), kind="stable")
    predictions = Predictions(np.concatenate(rows)[order], np.concatenate(values)[order])
    return _Evaluated(float(np.mean(losses)), metrics, costs, est, len(data.splits.folds[-1][0]), predictions)


def _fit(
    spec: ModelSpec,
    params: dict[str, Any],
    ctx: FitContext,
    X: pd.DataFrame,
    y: np.ndarray,
    eval_set: tuple[pd.DataFrame, np.ndarray] | None,
    reporter: Reporter | None,
    clock: ModelClock,
    n_steps: int | None = None,
    pace: Pace | None = None,
) -> tuple[Any, FitCost]:
    est = spec.build(params, ctx)  # type: ignore[misc]
    if n_steps is not None:
        fix_steps(est, n_steps)
    kwargs: dict[str, Any] = {}
    if spec.iterative:
        kwargs = {"eval_set": eval_set, "progress": reporter}
    if pace is not None:
        kwargs["pace"] = pace
    start = time.perf_counter()
    clock.fitting.set()
    try:  # a pruned or failed fit still spent its time inside the model
        _, cost = measure(lambda: est.fit(X, y, **kwargs))
    finally:
        clock.fitting.clear()
        clock.add(time.perf_counter() - start - (reporter.optuna_s if reporter is not None else 0.0))
    return est, cost


def score_model(
    est: Any, X: pd.DataFrame, y: np.ndarray, data: PreparedData, clock: ModelClock
) -> tuple[float, dict[str, float], np.ndarray]:
    """The objective (validation loss), every metric (the user's included) and the predictions themselves
    (class probabilities, or regression values)."""
    start = time.perf_counter()
    values = np.asarray(est.predict(X) if data.task == "regression" else est.predict_proba(X), dtype=float)
    clock.add(time.perf_counter() - start)
    metrics = metrics_of(values, y, data)
    return float(metrics.get(objective_metric(data.task), math.nan)), metrics, values


def metrics_of(values: np.ndarray, y: np.ndarray, data: PreparedData) -> dict[str, float]:
    """Every metric of predictions ``values`` (probabilities or regression values) against encoded ``y``."""
    extra = (data.metric,) if data.metric else ()
    if data.task == "regression":
        return compute_metrics(data.task, y, values, extra=extra)
    labels = list(range(len(data.labels))) if data.labels is not None else None
    return compute_metrics(data.task, y, values.argmax(axis=1), values, labels=labels, extra=extra)


def probe_costs(
    est: Any,
    fit_cost: FitCost,
    X: pd.DataFrame,
    ctx: FitContext,
    clock: ModelClock,
    n_single: int,
    time_limit_s: float = FINAL_PROBE_S,
) -> dict[str, Any]:
    """Inference and size costs; trials get a light probe (0.25 s at most), final models a full one
    (``time_limit_s`` at most)."""
    start = time.perf_counter()
    light = n_single <= TRIAL_PROBE_ROWS
    inference = measure_inference(
        est.predict,
        X,
        n_single=n_single,
        max_batch_rows=500 if light else 2_000,
        time_limit_s=0.25 if light else time_limit_s,
    )
    clock.add(time.perf_counter() - start)
    size = None if light else model_size_bytes(est)  # pickling a trial's model (a forest) can take seconds
    record = CostRecord(fit=fit_cost, inference=inference, model_size_bytes=size, device=ctx.device, money=None)
    return record.to_attrs()


def _steps_used(est: Any) -> int | None:
    for attr in ("best_iteration_", "best_epoch_"):
        value = getattr(est, attr, None)
        if value is not None and value >= 0:
            return int(value) + 1
    return None


def fix_steps(est: Any, n_steps: int) -> None:
    """Refit with the number of rounds / epochs the best trial used (no validation set to stop on)."""
    names = est.get_params()
    if "validation_fraction" in names:  # train on every row, for exactly the epochs found
        est.set_params(validation_fraction=None)
    for name in ("n_estimators", "max_epochs"):
        if name in names:
            est.set_params(**{name: max(int(n_steps), 1)})
            return


def fit_final(
    spec: ModelSpec,
    params: dict[str, Any],
    ctx: FitContext,
    data: PreparedData,
    n_steps: int | None,
    deadline: float | None,
    clock: ModelClock,
    rows: np.ndarray | None = None,
    pace: Pace | None = None,
) -> tuple[Any, FitCost]:
    """Refit the best parameters (a trial's sampled ones: the space fills in the rest) on ``rows`` (default
    train + validation) for ``n_steps`` rounds / epochs, without a validation set; iterative models stop at
    ``deadline``, and a paced one (``spec.paced``) draws fewer rows per round to end by it."""
    rows = data.splits.train_val if rows is None else rows
    X, y = data.rows(rows)
    full = spec.estimator_params(params, ctx)
    return _fit(spec, full, ctx, X, y, None, Reporter(None, deadline), clock, n_steps=n_steps, pace=pace)


def score_final(
    est: Any,
    fit_cost: FitCost,
    ctx: FitContext,
    data: PreparedData,
    clock: ModelClock,
    price_per_hour: float | None,
    probe_s: float = FINAL_PROBE_S,
) -> tuple[dict[str, float], dict[str, Any], np.ndarray]:
    """Score a final model once on the test rows and measure its costs (timing its predictions for at most
    ``probe_s`` seconds); also return its test predictions."""
    X_te, y_te = data.rows(data.splits.test)
    _, test_metrics, values = score_model(est, X_te, y_te, data, clock)
    costs = probe_costs(est, fit_cost, X_te, ctx, clock, n_single=FINAL_PROBE_ROWS, time_limit_s=probe_s)
    costs["money"] = money(fit_cost.wall_s, price_per_hour)
    return test_metrics, costs, values

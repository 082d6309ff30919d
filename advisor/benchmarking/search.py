"""The search of one family: its trials within its window, then its refit on train + validation (or on as many
rows as fit, or its best trial's own model) and one score on test."""

from __future__ import annotations

import dataclasses
import time
from typing import Any, cast

import numpy as np
import optuna

from advisor.benchmarking.comparison import MAX_ROWS as BOOTSTRAP_ROWS
from advisor.benchmarking.comparison import MIN_RESAMPLES
from advisor.benchmarking.costs import FitCost, measure_inference, money
from advisor.benchmarking.objective import (
    FINAL_PROBE_S,
    PREDICTIONS_ATTR,
    PRUNER_STARTUP_TRIALS,
    PreparedData,
    TrialOutcome,
    counts_toward_budget,
    decode_predictions,
    fit_final,
    metrics_of,
    run_trial,
    score_final,
    take,
)
from advisor.benchmarking.policy import FIRST_TRIAL_WINDOW_SHARE
from advisor.benchmarking.splits import subsample_rows
from advisor.benchmarking.state import RunState
from advisor.benchmarking.studies import FamilyStudy
from advisor.benchmarking.views import View
from advisor.errors import AdvisorError
from advisor.families import Kind, get_family, implementation
from advisor.models.pace import Pace
from advisor.models.persistence import AdvisorModel, save_model
from advisor.models.spec import FitContext, ModelSpec

__all__ = ["SearchSteps"]


#: Share of its window a network's first trial may take (see :func:`first_trial_share`).
NETWORK_FIRST_TRIAL_SHARE = 0.85
#: Epochs a network needs for a fair run (early stopping has room to act); fewer, cut by a deadline, is starved.
#: A family's sizing may set its own (``fair_epochs``: the series CNNs, whose papers train for 1,500 epochs).
FAIR_EPOCHS = 20
#: The words of a starved network's note (and result reason), which readers of results look for.
STARVED = "its score is not a fair measure"
#: Seconds at most spent timing one final model's predictions from raw input, and that share of the budget.
RAW_PROBE_S, RAW_PROBE_SHARE = 3.0, 0.02
#: The shortest latency probe of a final model (a few single-row predictions).
MIN_PROBE_S = 0.1
#: A shared run: seconds at most the first worker waits, after a family's window, for other workers' last trials.
SHARED_WAIT_S = 10.0
#: A large table's final refit of a paced model (LightGBM) trains on every row, each round drawing a share of them,
#: when the time left is at least this share of its estimate on every row (its trial's time scaled by rows). Below
#: it, the work each round does on every row (gradients, scores: a fifth of a full round, measured on 8,500,000 x 50
#: rows) would cut its rounds short, and a subsample of as many rows as fit, with all of them, is the better use.
PACED_MIN_SHARE = 0.3


class SearchSteps(RunState):
    """Searching and refitting families (a step of the runner; see :class:`~advisor.benchmarking.state.RunState`)."""

    def search_and_refit(self, name: str, window_end: float | None = None) -> None:
        """Search the family within its window (or ``window_end``), then refit its best trial."""
        spec = implementation(name, self.modality)
        if spec is None or not get_family(name).supports(self.modality, self.task):
            self.skipped[name] = (
                f"cannot run on {self.modality} {self.task} data"
                if spec is not None
                else f"no model of this family is registered for {self.modality} data"
            )
            return
        ctx = self.context(name)
        try:
            data = self.data_for(spec.view_for(ctx), name)
        except AdvisorError as exc:  # this family's input cannot be built from the data: skip it, say why
            self.skipped[name] = exc.problem
            return
        window_end = self._window_end(name) if window_end is None else window_end
        ctx = self._sized(name, spec, ctx, window_end, data)
        study = self.study_of(name, spec, ctx)
        self._emit("search", name, self.trial_targets.get(name), f"searching {name}")
        self.publish(name, window_end)
        outcomes = self._search(study, spec, ctx, name, window_end, data)
        self.close_shared(study)
        completed = study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
        if not completed:
            self.skipped[name] = (
                "no trial finished within its share of the budget"
                if outcomes
                else "the budget ran out before this family started"
            )
            return
        best = min(completed, key=lambda t: cast(float, t.value))  # complete trials have a value
        if name in self.finals and self.finals[name][1].best_trial == best.number:
            return  # a second round found nothing better: keep the final model
        self.skipped.pop(name, None)
        self._refit(name, spec, ctx, best, window_end, data)
        self._say_if_starved(name, best)

    def study_of(self, name: str, spec: ModelSpec, ctx: FitContext) -> FamilyStudy:
        """The family's study, opened once per call (shared with other workers when the run is)."""
        if name not in self.studies:
            self.studies[name] = FamilyStudy(self.writer, name, self.seed, spec, ctx, self.strategy, self.sharing)
        return self.studies[name]

    def publish(self, name: str, window_end: float | None) -> None:
        """A shared run: tell the other workers to search this family until its window ends."""
        if self.board is not None:
            until = None if window_end is None else time.time() + (window_end - time.monotonic())
            self.board.open_family(name, until, self.sizings.get(name), self.trial_targets.get(name))

    def close_shared(self, study: FamilyStudy) -> None:
        """A shared run, the family's window over: close it to the other workers, wait (briefly: their trials
        stop at the same deadline) for their last trials to end, and fail those of killed workers."""
        if self.board is None:
            return
        self.board.close_family()
        running = (optuna.trial.TrialState.RUNNING,)
        until = time.monotonic() + min(SHARED_WAIT_S, max(self.policy.left() - self.policy.reserve_s, 0.0))
        while study.get_trials(states=running) and time.monotonic() < until:
            study.fail_stale()
            time.sleep(0.2)
        study.fail_stale()

    def _sized(
        self, name: str, spec: ModelSpec, ctx: FitContext, window_end: float | None, data: PreparedData
    ) -> FitContext:
        """The family's context with its settings for this machine and time (``spec.size``: a network's width,
        heads and batch size, from a timed probe), chosen once per run before its first trial; the choice and
        why go to the notes and the family's result."""
        if spec.size is None or name in self.sizings:
            return ctx
        seconds = None if window_end is None else first_trial_share(spec) * max(window_end - time.monotonic(), 0.0)
        start = time.perf_counter()
        sizing = dict(spec.size(ctx, seconds, _trial_rows(data)))
        self.clock.add(time.perf_counter() - start)
        self.sizings[name] = sizing
        self.notes.append(f"{name}: {sizing.get('why', 'sized for this machine')}")
        return self.context(name)

    def _say_if_starved(self, name: str, best: optuna.trial.FrozenTrial) -> None:
        """A network whose best trial was cut by its time window before it converged gets a plain note (in the
        notes and as its result's reason): its score is not a fair measure, and what would be."""
        costs = best.user_attrs.get("costs", {})
        epochs, fit_s = costs.get("n_steps"), float(costs.get("fit_wall_s") or 0.0)
        sizing = self.sizings.get(name, {})
        fair = int(sizing.get("fair_epochs", FAIR_EPOCHS))
        if get_family(name).kind is not Kind.DEEP or not epochs or epochs >= fair:
            return  # not a network, or it had a fair number of epochs
        planned = int(sizing.get("max_epochs", fair))
        # the time let it plan fewer than a fair number of epochs, and early stopping did not end it well before
        planned_short = planned < fair and epochs + int(sizing.get("patience", 0)) >= planned
        if not (costs.get("stopped_by_deadline") or planned_short):
            return
        if name not in self.finals or self.policy.seconds is None:
            return
        per_epoch = fit_s / epochs
        want = max(fair, epochs + 1)
        needed = self.policy.seconds * want * per_epoch / max(fit_s, 1e-9)  # the budget that gives it ``want``
        cut = (
            "was stopped by its time window"
            if costs.get("stopped_by_deadline")
            else f"had time for only {planned} epochs in its window and was still improving"
        )
        message = (
            f"{name} needs about {per_epoch:.1f}s per epoch here and {cut} after "
            f"{epochs} epoch{'s' if epochs != 1 else ''}, before early stopping: {STARVED}. "
            f"Give a budget of at least {needed:,.0f}s (about {want} epochs) or a GPU."
        )
        self.notes.append(message)
        model, result = self.finals[name]
        self.finals[name] = (model, dataclasses.replace(result, reason=message))

    def use_leftover(self, names: list[str]) -> None:
        """Time left after every family had its window goes to the family with the best validation loss."""
        if not self.policy.leftover_worth_it():
            return
        finished = [n for n in names if n in self.finals and self.finals[n][1].best_value is not None]
        if not finished:
            return
        best = min(finished, key=lambda n: self.finals[n][1].best_value)  # type: ignore[arg-type, return-value]
        self.notes.append(f"{self.policy.left():.1f}s left after the plan went to {best}")
        self.search_and_refit(best, window_end=self.policy.search_end)

    def _search(
        self,
        study: FamilyStudy,
        spec: ModelSpec,
        ctx: FitContext,
        name: str,
        window_end: float | None,
        data: PreparedData,
    ) -> list[TrialOutcome]:
        target = self.trial_targets.get(name)
        outcomes: list[TrialOutcome] = []
        durations: list[float] = [
            t.duration.total_seconds()
            for t in study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
            if t.duration
        ]
        while target is None or sum(counts_toward_budget(t) for t in study.get_trials()) < target:
            trial_deadline = self.policy.trial_deadline(
                window_end, durations, len(outcomes), spec.iterative, first_trial_share(spec)
            )
            if trial_deadline is False:
                break
            start = time.monotonic()
            can_prune = len(durations) >= PRUNER_STARTUP_TRIALS
            outcome = run_trial(
                study.study, spec, ctx, data, trial_deadline, self.clock, self.price_per_hour, can_prune, study.shared,
                target if study.shared else None,
            )  # fmt: skip
            if outcome.state == "UNUSED":
                break  # the family's trial budget was spent by other workers
            study.save_finished()
            outcomes.append(outcome)
            self.trials_done += 1
            if outcome.state == "COMPLETE":
                durations.append(time.monotonic() - start)
                self._keep_if_best(name, outcome)
            self._emit("search", name, target)
        return outcomes

    def _keep_if_best(self, name: str, outcome: TrialOutcome) -> None:
        """Keep this call's best trial of each family in memory: its model and validation predictions."""
        if outcome.value is None:
            return
        if outcome.value < self.best.get(name, float("inf")):
            self.best[name] = outcome.value
            self.best_outcomes[name] = outcome

    def _refit(
        self,
        name: str,
        spec: ModelSpec,
        ctx: FitContext,
        best: optuna.trial.FrozenTrial,
        window_end: float | None,
        data: PreparedData,
        final: bool = False,
    ) -> None:
        """Refit the best trial on train + validation and score it on test; when the refit cannot fit the budget,
        score the trial's own model instead (trained on the training rows only), and say so. A large table's
        families keep their trials' models (the time for refits is held back for the chosen one, ``final``)."""
        costs_attr = best.user_attrs.get("costs", {})
        outcome = self.best_outcomes.get(name)
        outcome = outcome if outcome is not None and outcome.number == best.number else None
        trial_rows = (outcome.train_rows if outcome else None) or _trial_rows(data)
        per_row = float(costs_attr.get("fit_wall_s") or 0.0) / max(trial_rows, 1)
        planned = self._refit_plan(name, outcome, trial_rows, per_row, window_end, final, paced=final and spec.paced)
        if planned is None:
            return
        rows, deadline, pace = planned
        try:
            if deadline is False and outcome is not None and outcome.estimator is not None:
                est, fit_cost = outcome.estimator, _trial_fit_cost(costs_attr)
                trained_on, n_rows = f"train only ({trial_rows:,} rows): the search trial's own model", trial_rows
                self.notes.append(
                    f"{name}: scored the search trial's model; " + self._why_no_refit(per_row, window_end)
                )
            else:
                self._emit("refit", name, None, f"refitting {name} (trial {best.number}) on {len(rows):,} rows")
                n_steps = costs_attr.get("n_steps")
                est, fit_cost = fit_final(
                    spec, dict(best.params), ctx, data, n_steps, deadline or None, self.clock, rows, pace
                )
                trained_on, n_rows = _rows_text(len(rows), len(self.splits.train_val)), len(rows)
                if getattr(est, "pace_", None):
                    trained_on += _paced_text(est.pace_)
            scoring = time.monotonic()
            test_metrics, costs, test_values = score_final(
                est, fit_cost, ctx, data, self.clock, self.price_per_hour, self._probe_s()
            )
        except Exception as exc:  # the refit itself failed: report it, keep the search results
            self.skipped[name] = f"final refit failed: {type(exc).__name__}: {exc}"[:300]
            return
        view = self.view_of(name, spec)
        metadata = {"params": dict(best.params), "trial": best.number, "trained_on": trained_on, "rows": n_rows}
        model = AdvisorModel(name, self.task, est, view.preparer, self.labels, metadata, self.form)
        costs = self._end_to_end_costs(model, view, costs)
        path = save_model(model, self.run_dir / "models" / f"{name}.pkl")
        self.scoring_s[name] = time.monotonic() - scoring
        self.policy.scoring_estimate_s = max(self.policy.scoring_estimate_s, self.scoring_s[name])
        result = self._family_result(
            name,
            best,
            test_metrics,
            costs,
            str(path),
            inputs=self._inputs(name, spec, view),
            trained=(trained_on, n_rows),
        )
        self.finals[name] = (model, result)
        self.test_predictions[name] = test_values
        self._estimate_finish(test_values)
        if outcome is not None and outcome.predictions is not None:
            self.val_predictions[name] = outcome.predictions
        elif PREDICTIONS_ATTR in best.user_attrs:  # a shared run: another worker ran the best trial
            self.val_predictions[name] = decode_predictions(best.user_attrs[PREDICTIONS_ATTR])

    def _refit_plan(
        self,
        name: str,
        outcome: TrialOutcome | None,
        trial_rows: int,
        per_row: float,
        window_end: float | None,
        final: bool,
        *,
        paced: bool = False,
    ) -> tuple[np.ndarray, float | bool | None, Pace | None] | None:
        """The rows of a family's refit, its deadline (False: score the trial's own model instead) and its pace
        (a ``paced`` model's refit on every row), or None when a ``final`` refit (a large table's, at the end)
        would not add rows in the time left."""
        rows: np.ndarray
        deadline: float | bool | None
        pace = None
        if self.policy.large and not final:  # the time for refits is held back for the end
            rows, deadline = self.splits.train_val, False
        else:
            rows, deadline, pace = self._refit_rows(window_end, per_row, trial_rows, paced=paced)
        if deadline is False and final:
            self.notes.append(
                f"{name}: not refit on more rows: about {per_row * len(rows):,.0f}s needed for "
                f"{len(rows):,} rows, {self.policy.refit_time_left(window_end):,.0f}s left"
            )
            return None
        if deadline is False and (outcome is None or outcome.estimator is None):
            # the trial's model is another worker's (or a past call's): refit it on as many rows as it had
            rows = subsample_rows(self.splits.train_val, self.y, self.task, trial_rows, self.seed)
            limit = self.policy.refit_deadline(window_end, 0.0)
            deadline = time.monotonic() if limit is False else limit  # no time left: iterative models stop at once
        return rows, deadline, pace

    def _why_no_refit(self, per_row: float, window_end: float | None) -> str:
        if self.policy.large:
            return "searched on a sample of a large table, its refits come after the search, best family first"
        return (
            f"a refit on train + validation (about {per_row * len(self.splits.train_val):.1f}s) did not fit in the "
            f"{self.policy.refit_time_left(window_end):.1f}s its window had left"
        )

    def refit_on_all_rows(self, name: str) -> None:
        """A large table (searched on a subsample): refit the family's best trial on every train + validation row
        that fits the time left (the runner held LARGE_REFIT_SHARE of the budget back for these refits, and
        calls this best family first), and score it once on test; its result states both sizes."""
        spec = implementation(name, self.modality)
        if spec is None or name not in self.finals or name not in self.studies:
            return
        _, searched = self.finals[name]
        if (searched.train_rows or 0) >= len(self.splits.train_val):
            return
        best = next((t for t in self.studies[name].get_trials() if t.number == searched.best_trial), None)
        if best is None:
            return
        ctx = self.context(name)
        # after the search, what is left to score is this family's refit model: its own time, not the slowest's
        self.policy.scoring_estimate_s = self.scoring_s.get(name, self.policy.scoring_estimate_s)
        self._refit(name, spec, ctx, best, self.policy.search_end, self.data_for(spec.view_for(ctx), name), final=True)
        model, result = self.finals[name]
        if result.train_rows != searched.train_rows:
            pace = getattr(model.estimator, "pace_", None)
            self.notes.append(
                f"{name}: refit on {result.train_rows:,} train + validation rows (its search trials used "
                f"{searched.train_rows:,}){_paced_text(pace) if pace else ''}"
            )

    def _refit_rows(
        self, window_end: float | None, per_row_s: float, trial_rows: int, *, paced: bool = False
    ) -> tuple[np.ndarray, float | bool | None, Pace | None]:
        """The rows of the refit, its deadline and pace: every train + validation row when the estimate fits;
        else, for a ``paced`` model, every row with each round drawing the share that fits; else as many rows
        as fit (a stratified subsample, if clearly more than the trial had); else (False) none."""
        rows = self.splits.train_val
        deadline = self.policy.refit_deadline(window_end, per_row_s * len(rows))
        if deadline is not False:
            return rows, deadline, None
        fit = int(0.95 * self.policy.affordable_rows(per_row_s, window_end))  # clear of the deadline's own margin
        if paced and self.policy.refit_time_left(window_end) >= PACED_MIN_SHARE * per_row_s * len(rows):
            limit = self.policy.refit_deadline(window_end, 0.0)  # all the time left: the pacer keeps its own margin
            if isinstance(limit, float):
                return rows, limit, Pace(limit, scale=fit / len(rows))
        if fit < 1.2 * trial_rows:
            return rows, False, None
        rows = subsample_rows(rows, self.y, self.task, fit, self.seed)
        return rows, self.policy.refit_deadline(window_end, per_row_s * len(rows)), None

    def _probe_s(self) -> float:
        """Seconds a final model's latency probe may take: RAW_PROBE_SHARE of the budget, within bounds."""
        if self.policy.seconds is None:
            return FINAL_PROBE_S
        return min(FINAL_PROBE_S, max(MIN_PROBE_S, RAW_PROBE_SHARE * self.policy.seconds))

    def _estimate_finish(self, test_values: np.ndarray) -> None:
        """Time one scoring of the test rows (at most the bootstrap's pool) once: the deep-vs-classical bootstrap
        at the end of the call scores both sides MIN_RESAMPLES times at least, and the policy holds that back."""
        if self.policy.finish_estimate_s > 0 or self.policy.seconds is None:
            return
        rows = np.arange(min(len(test_values), BOOTSTRAP_ROWS))
        data = self.metric_data()
        start = time.perf_counter()
        metrics_of(test_values[rows], self.y[self.splits.test][rows], data)
        self.policy.finish_estimate_s = 2 * MIN_RESAMPLES * (time.perf_counter() - start)

    def _inputs(self, name: str, spec: ModelSpec, view: View) -> str:
        return spec.inputs_for(self.context(name)) or view.description

    def _end_to_end_costs(self, model: AdvisorModel, view: View, costs: dict[str, Any]) -> dict[str, Any]:
        """For images, text and series, time predictions from raw data (encoders and feature extraction
        included), and charge a frozen encoder's time on the training rows to the model's fit time."""
        if not view.raw_input:
            return costs
        out = dict(costs)
        raw_test = take(self.dataset.X, self.splits.test)
        start = time.perf_counter()
        limit = min(RAW_PROBE_S, RAW_PROBE_SHARE * (self.budget.seconds or RAW_PROBE_S / RAW_PROBE_SHARE))
        inference = measure_inference(model.predict, raw_test, n_single=10, max_batch_rows=500, time_limit_s=limit)
        self.clock.add(time.perf_counter() - start)
        out.update(inference.to_dict())
        out["inference_from"] = "raw input"
        if view.embedding:
            share = len(self.splits.train_val) / max(self.splits.n_rows, 1)
            embed_s = float(view.embedding.get("seconds") or 0.0) * share
            out["embed_s"] = round(embed_s, 3)
            out["embed_items_per_s"] = view.embedding.get("items_per_s")
            out["fit_wall_s"] = (out.get("fit_wall_s") or 0.0) + embed_s
            out["money"] = money(out["fit_wall_s"], self.price_per_hour)
        return out


def first_trial_share(spec: ModelSpec) -> float:
    """The share of its window a family's first trial may take: a network's first trial trains with early
    stopping on validation, so its own model is a fair final one when no refit fits after it (a network
    needs its epochs more than a refit); other families keep half their window for the search and the refit."""
    return NETWORK_FIRST_TRIAL_SHARE if spec.steps == "epochs" else FIRST_TRIAL_WINDOW_SHARE


def _trial_rows(data: PreparedData) -> int:
    """Rows a trial fits on: the training part, or a cross-validation fold's training rows."""
    return len(data.splits.folds[0][0]) if data.splits.cross_validated else len(data.splits.train)


def _rows_text(n: int, trainval: int) -> str:
    if n >= trainval:
        return f"train + validation ({n:,} rows)"
    return f"a stratified {n:,} of the {trainval:,} train + validation rows (what fit the budget)"


def _paced_text(pace: dict[str, Any]) -> str:
    """How a paced refit drew its rows: the shares of rows per round, and its rounds when the deadline cut them."""
    low, first = pace["lowest_fraction"], pace["first_fraction"]
    shares = f"{low:.0%}" if abs(first - low) < 0.005 else f"{low:.0%} to {first:.0%}"
    text = f", each boosting round drawing {shares} of them (the trial drew {pace['own_fraction']:.0%}) to fit the time"
    if pace["rounds"] < pace["planned_rounds"]:
        text += f"; the deadline stopped it after {pace['rounds']} of its {pace['planned_rounds']} rounds"
    return text


def _trial_fit_cost(costs: dict[str, Any]) -> FitCost:
    return FitCost(*(float(costs.get(k) or 0.0) for k in ("fit_wall_s", "fit_cpu_s", "peak_memory_mb")))

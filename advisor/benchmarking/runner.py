"""The benchmark runner: one Optuna study per family in one storage, the budget shared by the plan.

Per family, in the plan's order: search (the first trial is the family's good default), then refit the
best parameters on train + validation and score once on test, save the model. Then the DL + GBM
ensemble from the best network and the best boosted model. Then the choice: the family whose best trial
scores best on validation by the user's metric; by default its model is refit on every row (train,
validation and test) and saved as ``models/best.pkl``, the model to deploy. A rerun with the same run
folder resumes: finished trials are kept and never repeated. Deadlines come from
:class:`~advisor.benchmarking.policy.TimePolicy`, so the whole call keeps its time budget.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import optuna

from advisor.benchmarking.budget import Budget, split_trials
from advisor.benchmarking.context import base_context
from advisor.benchmarking.costs import FitCost, measure_inference, money
from advisor.benchmarking.objective import (
    PRUNER_STARTUP_TRIALS,
    ModelClock,
    Predictions,
    PreparedData,
    TrialOutcome,
    fit_final,
    metrics_of,
    run_trial,
    score_final,
    take,
)
from advisor.benchmarking.policy import TimePolicy
from advisor.benchmarking.preload import libraries_to_preload, preload
from advisor.benchmarking.prepare import encode_target
from advisor.benchmarking.results import BenchmarkResult, FamilyResult, verdict
from advisor.benchmarking.splits import Splits, make_splits, subsample_rows, subsample_splits
from advisor.benchmarking.studies import (
    FamilyStudy,
    SearchStrategy,
    TrialWriter,
    interrupted,
    open_study,
    quiet_optuna,
    trial_records,
)
from advisor.benchmarking.views import View, Views
from advisor.data.dataset import Dataset
from advisor.data.form import InputForm
from advisor.errors import AdvisorError, InvalidArgumentError, NothingMeasuredError, TargetNotFoundError
from advisor.families import Family, Kind, Role, families, get_family, implementation
from advisor.hardware import Hardware, detect
from advisor.metrics import direction, primary_metric
from advisor.models.persistence import AdvisorModel, save_model
from advisor.models.spec import FitContext, ModelSpec
from advisor.profiling import profile as build_profile
from advisor.profiling.checks import check_answerable
from advisor.profiling.profile import DatasetProfile
from advisor.rules import Constraints, Recommendation, run_engine

__all__ = ["BEST_MODEL", "ProgressEvent", "run_benchmark"]

log = logging.getLogger(__name__)
#: Small data is scored by k-fold cross-validation below this many rows, for tables and series only: on
#: images and text every family reads a network's input or output, and k fits per trial cost too much.
CV_BELOW_ROWS = 2000
CV_MODALITIES = ("tabular", "timeseries")
#: Fine-tuning a pretrained network on a CPU is planned up to this many items (texts of CPU_FINE_TUNE_WORDS
#: words; longer texts count for more): measured on 2 cores, partial MiniLM fine-tuning runs 9-14 texts/s.
CPU_FINE_TUNE_MAX_ITEMS = 10_000
CPU_FINE_TUNE_WORDS = 20.0
#: Seconds at most spent timing one final model's predictions from raw input, and that share of the budget.
RAW_PROBE_S, RAW_PROBE_SHARE = 3.0, 0.02
BEST_MODEL = "best.pkl"


@dataclass(frozen=True)
class ProgressEvent:
    """Sent to ``on_progress`` after every trial and phase: enough for a live progress bar."""

    phase: str  # 'search' | 'refit' | 'embed' | 'deploy' | 'done'
    family: str
    trials_done: int
    trials_target: int | None
    best: dict[str, float]
    elapsed_s: float
    budget_s: float | None
    message: str = ""


ProgressCallback = Callable[[ProgressEvent], None]


def run_benchmark(
    dataset: Dataset,
    recommendation: Recommendation | None = None,
    budget: Budget | float | dict[str, Any] = 60.0,
    storage: str | optuna.storages.BaseStorage | None = None,
    seed: int = 0,
    *,
    run_dir: str | Path | None = None,
    families: list[str] | None = None,
    price_per_hour: float | None = None,
    hardware: Hardware | None = None,
    on_progress: ProgressCallback | None = None,
    refit_full: bool = True,
    sampler: str | optuna.samplers.BaseSampler | None = None,
    pruner: str | optuna.pruners.BasePruner | None = None,
) -> BenchmarkResult:
    """Run the benchmark; see :func:`advisor.benchmark`. The budget's clock runs from ``budget.start`` when the
    caller started it (so loading the data counts), else from now."""
    strategy = SearchStrategy.coerce(sampler, pruner)
    started = datetime.now(UTC)
    preload(libraries_to_preload(families))
    budget = Budget.coerce(budget).started()
    policy = TimePolicy(budget.seconds, budget.start)  # type: ignore[arg-type]
    hardware = hardware or detect(probe_torch=True)
    if dataset.y is None:
        raise TargetNotFoundError("A benchmark needs a target to predict.", "Pass target='column' when loading.")
    prof = build_profile(dataset)
    check_answerable(prof)
    rec = recommendation or run_engine(
        prof, hardware, Constraints(time_budget_s=budget.seconds, price_per_hour=price_per_hour)
    )
    with quiet_optuna():
        run = _Run(dataset, prof, rec, budget, seed, hardware, run_dir, storage, price_per_hour, on_progress, policy)
        run.strategy = strategy
        try:
            result = _run_plan(run, rec, families, refit_full, started)
        finally:  # an interrupted run still leaves every finished trial in the storage
            with contextlib.suppress(Exception):
                run.writer.flush()
    return result


def _run_plan(
    run: _Run, rec: Recommendation, families: list[str] | None, refit_full: bool, started: datetime
) -> BenchmarkResult:
    """Search and refit every planned family, ensemble, choose and deploy, assemble the result."""
    run.prepare()
    run.check_run_folder()
    planned = _check_families(families) if families is not None else list(rec.plan.families)
    searchable = run.searchable(planned)
    for name in searchable:
        run.search_and_refit(name)
    run.use_leftover(searchable)
    for name in planned:
        if get_family(name).role is Role.ENSEMBLE:
            run.ensemble(name)
    run.choose_and_deploy(refit_full)
    result = run.result(started, planned)
    if not run.finals:
        raise NothingMeasuredError(*_nothing_measured(result))
    return result


class _Run:
    """State of one benchmark call (kept private: the public surface is run_benchmark and its result)."""

    def __init__(
        self,
        dataset: Dataset,
        prof: DatasetProfile,
        rec: Recommendation,
        budget: Budget,
        seed: int,
        hardware: Hardware,
        run_dir: str | Path | None,
        storage: Any,
        price_per_hour: float | None,
        on_progress: ProgressCallback | None,
        policy: TimePolicy,
    ) -> None:
        self.dataset, self.profile, self.rec, self.budget, self.seed = dataset, prof, rec, budget, seed
        self.hardware, self.price_per_hour, self.on_progress = hardware, price_per_hour, on_progress
        self.policy = policy
        self.run_dir = Path(run_dir or Path("advisor-runs") / _slug(dataset.name))
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.storage = storage if storage is not None else f"sqlite:///{(self.run_dir / 'optuna.db').resolve()}"
        self.clock = ModelClock()
        self.skipped: dict[str, str] = {}
        self.studies: dict[str, FamilyStudy] = {}
        self.writer = TrialWriter(self.storage, gate=self.clock.fitting)
        self.strategy = SearchStrategy()
        self.finals: dict[str, tuple[AdvisorModel, FamilyResult]] = {}
        self.best: dict[str, float] = {}
        self.best_outcomes: dict[str, TrialOutcome] = {}  # this call's best trial per family, model in memory
        self.val_predictions: dict[str, Predictions] = {}  # the final model's validation predictions
        self.deployed: dict[str, Any] = {}
        self.choice: tuple[str | None, str] = (None, "")
        self.trials_done = 0
        self.notes: list[str] = []

    # ------------------------------------------------------------------ data
    def prepare(self) -> None:
        task = self.profile.task or "binary"
        self.modality = self.dataset.modality.value
        y, labels = encode_target(self.dataset.y, task)
        predefined = self.dataset.meta.get("predefined_split")
        test_rows = np.arange(predefined["train"], len(y)) if isinstance(predefined, dict) else None
        cv_below = CV_BELOW_ROWS if self.modality in CV_MODALITIES else 0
        self.splits = make_splits(y, task, seed=self.seed, predefined_test=test_rows, cv_below=cv_below)
        self.form = InputForm.of(self.dataset)
        self.search_splits = self._search_splits(y, task)
        self.y, self.labels, self.task = y, labels, task
        self.metric = primary_metric(task, self.profile.metric or self.rec.plan.metric)
        self.higher_is_better = direction(self.metric) == "maximize"
        device = self.hardware.device if self.hardware.device != "mps" else "cpu"
        self.views = Views(self.dataset, self.profile, self.run_dir, device, on_embed=self._embed_progress)
        self.views.table()  # tables: fails early, with a clear message, when no column is usable
        self.ctx_base = base_context(
            self.views,
            self.hardware,
            task=task,
            seed=self.seed,
            transfer=self._transfer_strategy(device),
            class_weight=(self.profile.imbalance_ratio or 1.0) >= 3.0,
        )
        self._data: dict[str, PreparedData] = {}

    def _search_splits(self, y: np.ndarray, task: str) -> Splits:
        """The splits trials use: on large data, stratified subsamples of train and validation sized to the
        budget (the refits then use every train + validation row that fits); otherwise the splits themselves."""
        cap = self.policy.search_rows(len(self.splits.train), self.profile.features)
        if cap is None:
            return self.splits
        sub = subsample_splits(self.splits, y, task, cap, self.seed)
        self.notes.append(
            f"search on a stratified subsample of {len(sub.train):,} of {len(self.splits.train):,} training rows "
            f"(and {len(sub.val):,} validation rows), sized to the {self.budget.seconds:g}s budget; "
            "refits use every train + validation row that fits"
        )
        return sub

    def _transfer_strategy(self, device: str) -> str | None:
        """The rules' transfer strategy, except that fine-tuning on a CPU falls back to feature extraction when
        the data is too large to fine-tune within a benchmark (the framework: fine-tuning 'needs' a GPU)."""
        strategy = self.rec.transfer.strategy if self.rec.transfer is not None else None
        if strategy in (None, "feature_extraction") or device != "cpu":
            return strategy
        work = self.profile.rows
        if self.profile.text is not None:  # a text costs about its length in tokens, up to the 128 read
            work *= min(max(self.profile.text.mean_words, 1.0), 128.0) / CPU_FINE_TUNE_WORDS
        if work <= CPU_FINE_TUNE_MAX_ITEMS:
            return strategy
        self.notes.append(
            f"transfer: {strategy.replace('_', ' ')} of {self.profile.rows:,} items on a CPU would not fit a "
            "benchmark budget; the transformer family uses feature extraction (frozen embeddings + a trained head)"
        )
        return "feature_extraction"

    def data_for(self, view: str, family: str | None = None) -> PreparedData:
        """The model-ready data of one view (built, and for embeddings computed, on first use).

        Networks are scored on the validation part even where classical families cross-validate small data:
        k network fits per trial would leave a deep family one trial, or none, within its share of the budget.
        """
        holdout = family is not None and get_family(family).kind is Kind.DEEP
        key = f"{view}:holdout" if holdout and self.search_splits.cross_validated else view
        if key not in self._data:
            built = self.views.get(view)
            splits = self.search_splits
            splits = dataclasses.replace(splits, folds=()) if key.endswith(":holdout") else splits
            self._data[key] = PreparedData(built.X, self.y, splits, self.labels, self.task, self.metric)
        return self._data[key]

    def _embed_progress(self, encoder: str, done: int, total: int, seconds: float) -> None:
        rate = f" ({done / seconds:,.0f}/s)" if done and seconds > 0 else ""
        self._emit("embed", encoder, None, f"{encoder} embeddings: {done:,}/{total:,}{rate}")

    def check_run_folder(self) -> None:
        """A run folder belongs to one dataset, target and seed: refuse to mix runs."""
        identity = {
            "dataset": self.dataset.name,
            "target": self.dataset.target,
            "rows": self.dataset.n_rows,
            "task": self.task,
            "seed": self.seed,
        }
        path = self.run_dir / "run.json"
        if path.exists():
            previous = json.loads(path.read_text(encoding="utf-8"))
            if previous != identity:
                raise InvalidArgumentError(
                    f"The run folder '{self.run_dir}' holds another run ({previous}).",
                    "Pass a new run folder, or the same dataset, target, task and seed to resume it.",
                )
        else:
            path.write_text(json.dumps(identity, indent=2), encoding="utf-8")

    def context(self, name: str) -> FitContext:
        return FitContext(**self.ctx_base, recipe=self.rec.recipes.get(name))

    def view_of(self, name: str, spec: ModelSpec) -> View:
        return self.views.get(spec.view_for(self.context(name)))

    # ------------------------------------------------------------------ planning
    def searchable(self, planned: list[str]) -> list[str]:
        """The planned families that have a model for this modality. Their modules are imported only when
        each family's turn comes (torch may still be loading in the background while the first ones run)."""
        out = []
        for name in planned:
            family = get_family(name)
            if family.role is Role.ENSEMBLE:
                continue
            if self.modality not in family.implementations:
                self.skipped[name] = f"no model of this family is registered for {self.modality} data"
            else:
                out.append(name)
        self.shares = {n: max(self.rec.plan.share(n), 0.01) for n in out}
        self.trial_targets = split_trials(self.budget.trials, self.shares) if self.budget.trials else {}
        return out

    def _window_end(self, name: str) -> float | None:
        order = list(self.shares)
        remaining = order[order.index(name) :]
        return self.policy.window_end(self.shares[name], sum(self.shares[n] for n in remaining))

    # ------------------------------------------------------------------ search
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
        study = self.studies.get(name) or open_study(self.writer, name, self.seed, spec, ctx, self.strategy)
        self.studies[name] = study
        outcomes = self._search(study, spec, ctx, name, window_end, data)
        completed = study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
        if not completed:
            self.skipped[name] = (
                "no trial finished within its share of the budget"
                if outcomes
                else "the budget ran out before this family started"
            )
            return
        best = min(completed, key=lambda t: t.value)
        if name in self.finals and self.finals[name][1].best_trial == best.number:
            return  # a second round found nothing better: keep the final model
        self.skipped.pop(name, None)
        self._refit(name, spec, ctx, best, window_end, data)

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
        done = _finished_count(study)
        outcomes: list[TrialOutcome] = []
        durations: list[float] = [
            t.duration.total_seconds()
            for t in study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
            if t.duration
        ]
        while target is None or done < target:
            trial_deadline = self.policy.trial_deadline(window_end, durations, len(outcomes), spec.iterative)
            if trial_deadline is False:
                break
            start = time.monotonic()
            can_prune = len(durations) >= PRUNER_STARTUP_TRIALS
            outcome = run_trial(
                study.study, spec, ctx, data, trial_deadline, self.clock, self.price_per_hour, can_prune
            )
            study.save_finished()
            outcomes.append(outcome)
            done += 1
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

    # ------------------------------------------------------------------ refit and score
    def _refit(
        self,
        name: str,
        spec: ModelSpec,
        ctx: FitContext,
        best: optuna.trial.FrozenTrial,
        window_end: float | None,
        data: PreparedData,
    ) -> None:
        """Refit the best trial on train + validation and score it on test; when the refit cannot fit the budget,
        score the trial's own model instead (trained on the training rows only), and say so."""
        costs_attr = best.user_attrs.get("costs", {})
        outcome = self.best_outcomes.get(name)
        outcome = outcome if outcome is not None and outcome.number == best.number else None
        trial_rows = (outcome.train_rows if outcome else None) or _trial_rows(data)
        per_row = float(costs_attr.get("fit_wall_s") or 0.0) / max(trial_rows, 1)
        rows, deadline = self._refit_rows(window_end, per_row, trial_rows)
        try:
            if deadline is False and outcome is not None and outcome.estimator is not None:
                est, fit_cost = outcome.estimator, _trial_fit_cost(costs_attr)
                trained_on, n_rows = f"train only ({trial_rows:,} rows): the search trial's own model", trial_rows
                self.notes.append(
                    f"{name}: scored the search trial's model; a refit on train + validation (about "
                    f"{per_row * len(self.splits.train_val):.1f}s) did not fit in the "
                    f"{self.policy.refit_time_left(window_end):.1f}s its window had left"
                )
            else:
                self._emit("refit", name, None, f"refitting {name} (trial {best.number}) on {len(rows):,} rows")
                n_steps = costs_attr.get("n_steps")
                est, fit_cost = fit_final(
                    spec, dict(best.params), ctx, data, n_steps, deadline or None, self.clock, rows
                )
                trained_on, n_rows = _rows_text(len(rows), len(self.splits.train_val)), len(rows)
            test_metrics, costs = score_final(est, fit_cost, ctx, data, self.clock, self.price_per_hour)
        except Exception as exc:  # the refit itself failed: report it, keep the search results
            self.skipped[name] = f"final refit failed: {type(exc).__name__}: {exc}"[:300]
            return
        view = self.view_of(name, spec)
        metadata = {"params": dict(best.params), "trial": best.number, "trained_on": trained_on, "rows": n_rows}
        model = AdvisorModel(name, self.task, est, view.preparer, self.labels, metadata, self.form)
        costs = self._end_to_end_costs(model, view, costs)
        path = save_model(model, self.run_dir / "models" / f"{name}.pkl")
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
        if outcome is not None and outcome.predictions is not None:
            self.val_predictions[name] = outcome.predictions
        self._update_deploy_estimate()

    def _refit_rows(
        self, window_end: float | None, per_row_s: float, trial_rows: int
    ) -> tuple[np.ndarray, float | bool | None]:
        """The rows of the refit and its deadline: every train + validation row when the estimate fits, else as
        many as fit (a stratified subsample, if clearly more than the trial had), else (False) none."""
        rows = self.splits.train_val
        deadline = self.policy.refit_deadline(window_end, per_row_s * len(rows))
        if deadline is not False:
            return rows, deadline
        fit = self.policy.affordable_rows(per_row_s, window_end)
        if fit < 1.2 * trial_rows:
            return rows, False
        rows = subsample_rows(rows, self.y, self.task, fit, self.seed)
        return rows, self.policy.refit_deadline(window_end, per_row_s * len(rows))

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

    def _family_result(
        self,
        name: str,
        best: optuna.trial.FrozenTrial | None,
        test_metrics: dict[str, float],
        costs: dict[str, Any],
        model_path: str,
        reason: str = "",
        inputs: str = "",
        trained: tuple[str, int | None] = ("", None),
        val_metrics: dict[str, float] | None = None,
        members: tuple[str, ...] = (),
    ) -> FamilyResult:
        fam = families().get(name)
        counts = {"COMPLETE": 0, "PRUNED": 0, "FAIL": 0}
        if best is not None:
            for t in self.studies[name].get_trials():
                counts[t.state.name] = counts.get(t.state.name, 0) + 1
        return FamilyResult(
            family=name,
            label=fam.label if fam else name,
            kind=fam.kind.value if fam else "custom",
            status="ok",
            reason=reason,
            trials_complete=counts["COMPLETE"],
            trials_pruned=counts["PRUNED"],
            trials_failed=counts["FAIL"],
            best_trial=best.number if best else None,
            best_params=dict(best.params) if best else {},
            best_value=best.value if best else None,
            val_metrics=dict(best.user_attrs.get("metrics", {})) if best else dict(val_metrics or {}),
            test_metrics=test_metrics,
            costs=costs,
            model_path=model_path,
            inputs=inputs,
            trained_on=trained[0],
            train_rows=trained[1],
            members=members,
        )

    # ------------------------------------------------------------------ ensemble
    def ensemble(self, name: str) -> None:
        """Combine, for each member the ensemble family declares, the finished family of its roles with the best
        validation loss (each on its own input); nothing is refitted."""
        from advisor.benchmarking.ensemble_step import build_ensemble

        picks = self._ensemble_members(get_family(name))
        if picks is None:
            roles = " and ".join("/".join(sorted(r.value for r in roles)) for roles in get_family(name).members)
            self.skipped[name] = f"needs a finished model of each of: {roles}"
            return
        members = [self.finals[m] for m in picks]
        try:
            model, test_metrics, costs = build_ensemble(
                name,
                members,
                [self._test_input(m) for m, _ in members],
                take(self.dataset.X, self.splits.test),
                self.y[self.splits.test],
                self.task,
                self.labels,
                self.context(name),
                self.clock,
                self.price_per_hour,
            )
        except Exception as exc:
            self.skipped[name] = f"ensemble failed: {type(exc).__name__}: {exc}"[:300]
            return
        path = save_model(model, self.run_dir / "models" / f"{name}.pkl")
        reason = f"averages the final {' and '.join(picks)} models"
        trained = " and ".join(f"{m.family}: {r.trained_on}" for m, r in members)
        self.finals[name] = (
            model,
            self._family_result(
                name,
                None,
                test_metrics,
                costs,
                str(path),
                reason=reason,
                inputs=reason,
                trained=(trained, min(r.train_rows or 0 for _, r in members) or None),
                val_metrics=self._average_val_metrics(list(picks)),
                members=tuple(picks),
            ),
        )

    def _ensemble_members(self, ensemble: Family) -> tuple[str, ...] | None:
        """Per member role set, the finished family of those roles with the lowest validation loss (None if a
        member has no candidate)."""
        declared = families()
        picks = []
        for roles in ensemble.members:
            able = [n for n in self.finals if n in declared and declared[n].role in roles]
            if not able:
                return None
            picks.append(min(able, key=lambda n: _loss(self.finals[n][1])))
        return tuple(picks)

    def _average_val_metrics(self, members: list[str]) -> dict[str, float]:
        """The ensemble's validation metrics: its members' validation predictions averaged on the rows they share."""
        preds = [self.val_predictions.get(m) for m in members]
        if any(p is None for p in preds):
            return {}
        rows = preds[0].rows  # type: ignore[union-attr]
        for p in preds[1:]:
            rows = np.intersect1d(rows, p.rows)  # type: ignore[union-attr]
        if len(rows) == 0:
            return {}
        values = np.mean([p.values[np.searchsorted(p.rows, rows)] for p in preds], axis=0)  # type: ignore[union-attr]
        return metrics_of(values, self.y[rows], _metric_data(self))

    def _test_input(self, model: AdvisorModel) -> Any:
        """A member's test rows in its own (already built) input, so scoring never re-encodes."""
        spec = implementation(model.family, self.modality)
        assert spec is not None
        return take(self.data_for(spec.view_for(self.context(model.family))).X, self.splits.test)

    # ------------------------------------------------------------------ choice and deployment
    def _ranked_choices(self) -> list[tuple[str, float, str]]:
        """(family, score, basis) for every finished family, best first: validation by the user's metric,
        else (no validation score) the test score."""
        out = []
        for name, (_, res) in self.finals.items():
            value, basis = res.val_metrics.get(self.metric), "validation"
            if value is None:
                value, basis = res.test_metrics.get(self.metric), "test"
            if value is not None:
                out.append((name, value if self.higher_is_better else -value, basis))
        cost = {n: float(r.costs.get("fit_wall_s") or 0.0) for n, (_, r) in self.finals.items()}
        return sorted(out, key=lambda c: (-c[1], cost[c[0]]))

    def _update_deploy_estimate(self) -> None:
        """Hold back time for refitting the currently best family on all rows (the policy's reserve): the best
        single family's refit, or, when the plan has an ensemble, its two members' together if that is more."""
        ranked = self._ranked_choices()
        estimate = self._deploy_estimate(ranked[0][0]) if ranked else 0.0
        for name in self.rec.plan.families:
            family = get_family(name)
            members = self._ensemble_members(family) if family.role is Role.ENSEMBLE else None
            if members:
                estimate = max(estimate, sum(self._deploy_estimate(m) for m in members))
        self.policy.deploy_estimate_s = estimate

    def _deploy_estimate(self, name: str) -> float:
        """Seconds to refit ``name`` on all rows: its refit time scaled by rows (an ensemble: its members')."""
        model, res = self.finals[name]
        if get_family(name).role is Role.ENSEMBLE:
            return sum(self._deploy_estimate(m) for m in model.metadata.get("members", ()) if m in self.finals)
        fit_s = float(res.costs.get("fit_wall_s") or 0.0) - float(res.costs.get("embed_s") or 0.0)
        return fit_s * self.splits.n_rows / max(res.train_rows or 1, 1)

    def choose_and_deploy(self, refit_full: bool) -> None:
        """Choose the model to use (best on validation by the user's metric) and, by default, refit it on every
        row; the result says which rows it was trained on."""
        ranked = self._ranked_choices()
        if not ranked:
            return
        name, score, basis = ranked[0]
        shown = score if self.higher_is_better else -score
        self.choice = (
            name,
            f"best {basis} {self.metric} ({shown:.4f}) among {len(ranked)} measured famil"
            f"{'ies' if len(ranked) != 1 else 'y'}",
        )
        model, res = self.finals[name]
        path = self.run_dir / "models" / BEST_MODEL
        deployed: dict[str, Any] = {"family": name, "path": str(path)}
        if refit_full and self.splits.n_rows > (res.train_rows or 0):
            self._emit("deploy", name, None, f"refitting {name} on all {self.splits.n_rows:,} rows")
            start = time.monotonic()
            model, note = self._deploy_refit(name, model)
            deployed["fit_s"] = round(time.monotonic() - start, 3)
            if note:
                deployed["note"] = note
        elif not refit_full:
            deployed["note"] = "refit on all rows turned off (refit_full=False)"
        deployed["trained_on"] = model.metadata.get("trained_on", res.trained_on)
        deployed["rows"] = model.metadata.get("rows", res.train_rows)
        save_model(model, path)
        self.deployed = deployed

    def _deploy_refit(self, name: str, model: AdvisorModel) -> tuple[AdvisorModel, str]:
        """The chosen model refit on every row where the budget allows (an ensemble: member by member, cheapest
        first), with a note on what was not."""
        if get_family(name).role is not Role.ENSEMBLE:
            estimate = self._deploy_estimate(name)
            if not self.policy.deploy_fits(estimate):
                return model, self._not_refit(estimate)
            full = self._refit_all(name, model)
            return (full, "") if full is not None else (model, "the refit on all rows failed (see notes)")
        from advisor.benchmarking.ensemble_step import InputAverage

        members = {m.family: m for m in model.estimator.members}
        skipped = []
        for member in sorted(members, key=self._deploy_estimate):
            estimate = self._deploy_estimate(member)
            full = self._refit_all(member, members[member]) if self.policy.deploy_fits(estimate) else None
            if full is None:
                skipped.append(f"{member} ({self._not_refit(estimate)})")
            else:
                members[member] = full
        trained_on = " and ".join(f"{m.family}: {m.metadata.get('trained_on', '?')}" for m in members.values())
        rows = min(int(m.metadata.get("rows") or 0) for m in members.values())
        metadata = {**model.metadata, "trained_on": trained_on, "rows": rows}
        combined = dataclasses.replace(model, estimator=InputAverage(list(members.values())), metadata=metadata)
        return combined, ("members kept as scored: " + "; ".join(skipped)) if skipped else ""

    def _not_refit(self, estimate: float) -> str:
        left = max((self.policy.end or 0) - time.monotonic(), 0.0)
        return f"not refit on all rows: about {estimate:.1f}s needed, {left:.1f}s left in the budget"

    def _refit_all(self, name: str, model: AdvisorModel) -> AdvisorModel | None:
        """``model``'s family refit with its best parameters on every row; None (with a note) if it fails."""
        rows = np.arange(self.splits.n_rows)
        try:
            spec = implementation(name, self.modality)
            assert spec is not None
            ctx = self.context(name)
            data = self.data_for(spec.view_for(ctx), name)
            _, res = self.finals[name]
            estimator, _ = fit_final(
                spec, dict(res.best_params), ctx, data, self._steps_of(name), self.policy.end, self.clock, rows
            )
        except Exception as exc:  # keep the train + validation model; say why
            self.notes.append(f"{name}: refit on all rows failed ({type(exc).__name__}: {exc}); kept the scored model")
            return None
        trained_on = f"all rows: train + validation + test ({len(rows):,} rows)"
        metadata = {**model.metadata, "trained_on": trained_on, "rows": len(rows)}
        return dataclasses.replace(model, estimator=estimator, metadata=metadata)

    def _steps_of(self, name: str) -> int | None:
        study = self.studies.get(name)
        _, res = self.finals[name]
        if study is None or res.best_trial is None:
            return None
        trial = next((t for t in study.get_trials() if t.number == res.best_trial), None)
        return trial.user_attrs.get("costs", {}).get("n_steps") if trial is not None else None

    # ------------------------------------------------------------------ result
    def result(self, started: datetime, planned: list[str]) -> BenchmarkResult:
        fams = [self.finals[n][1] for n in planned if n in self.finals]
        fams += [
            FamilyResult(
                family=n,
                label=families()[n].label if n in families() else n,
                kind=families()[n].kind.value if n in families() else "?",
                status="skipped",
                reason=r,
            )
            for n, r in self.skipped.items()
        ]
        self.writer.flush()
        trials = tuple(trial_records(self.storage, [n for n in planned if n in self.shares], self.studies))
        result = BenchmarkResult(
            dataset=self.dataset.name,
            task=self.task,
            modality=self.dataset.modality.value,
            metric=self.metric,
            higher_is_better=self.higher_is_better,
            budget=self.budget.to_dict(),
            seed=self.seed,
            run_dir=str(self.run_dir),
            storage=_safe_url(self.storage),
            device=self.ctx_base["device"],
            hardware=_plain(self.hardware.to_dict()),
            started=started.isoformat(),
            finished=datetime.now(UTC).isoformat(),
            wall_s=round(self.policy.elapsed(), 3),
            model_s=round(self.clock.seconds, 3),
            families=tuple(fams),
            trials=trials,
            verdict=verdict(tuple(fams), self.rec.families, self.metric, self.higher_is_better),
            recommendation=_plain(self.rec.to_dict()),
            price_per_hour=self.price_per_hour,
            notes=tuple(self.notes),
            embeddings={name: view.embedding for name, view in self.views.built.items() if view.embedding},
            profile=_plain(self.profile.to_dict()),
            best_family=self.choice[0],
            choice=self.choice[1],
            deployed=_plain(self.deployed),
            settings={"transfer": self.ctx_base["transfer"], "class_weight": self.ctx_base["class_weight"]},
        )
        result.save(self.run_dir / "result.json")
        if result.best_family is not None:
            result.best_config().save(self.run_dir / "best_config.yaml")
        self._emit("done", "", None, result.verdict.summary)
        return result

    def _emit(self, phase: str, family: str, target: int | None, message: str = "") -> None:
        if self.on_progress is None:
            return
        total = sum(self.trial_targets.values()) if getattr(self, "trial_targets", None) else None
        self.on_progress(
            ProgressEvent(
                phase,
                family,
                self.trials_done,
                total,
                dict(self.best),
                self.policy.elapsed(),
                self.budget.seconds,
                message,
            )
        )


def _metric_data(run: _Run) -> PreparedData:
    """Just enough of a PreparedData to compute metrics (task, labels and the user's metric)."""
    return PreparedData(None, run.y, run.splits, run.labels, run.task, run.metric)


def _trial_rows(data: PreparedData) -> int:
    """Rows a trial fits on: the training part, or a cross-validation fold's training rows."""
    return len(data.splits.folds[0][0]) if data.splits.cross_validated else len(data.splits.train)


def _rows_text(n: int, trainval: int) -> str:
    if n >= trainval:
        return f"train + validation ({n:,} rows)"
    return f"a stratified {n:,} of the {trainval:,} train + validation rows (what fit the budget)"


def _trial_fit_cost(costs: dict[str, Any]) -> FitCost:
    return FitCost(*(float(costs.get(k) or 0.0) for k in ("fit_wall_s", "fit_cpu_s", "peak_memory_mb")))


def _nothing_measured(result: BenchmarkResult) -> tuple[str, str]:
    """Why no family could be scored, family by family, and what to do."""
    reasons = "; ".join(f"{f.family}: {f.reason}" for f in result.families if f.status != "ok") or "no family ran"
    budget = result.budget.get("seconds")
    more = f"a larger budget than {budget:g}s, " if budget else ""
    return (
        f"Nothing could be measured on '{result.dataset}' ({result.modality} {result.task}): {reasons}.",
        f"Try {more}other families (families=[...], CLI --families), or check the task (task=, CLI --task); "
        f"the run is saved in {result.run_dir}.",
    )


def _check_families(asked: list[str]) -> list[str]:
    """Families asked for by name must exist: a typo is an error, not an empty benchmark."""
    declared = families()
    unknown = [f for f in asked if f not in declared]
    if unknown or not asked:
        raise InvalidArgumentError(
            f"Unknown model famil{'ies' if len(unknown) > 1 else 'y'}: {', '.join(unknown)}."
            if unknown
            else "No model family was given.",
            f"Choose from: {', '.join(sorted(declared))}.",
        )
    return list(asked)


def _loss(result: FamilyResult) -> float:
    return result.best_value if result.best_value is not None else float("inf")


def _plain(value: dict[str, Any]) -> dict[str, Any]:
    """JSON-shaped copy (tuples become lists), so a result equals itself after a JSON round trip."""
    return json.loads(json.dumps(value, default=str))


def _finished_count(study: FamilyStudy) -> int:
    """Trials that finished (complete, pruned, or failed on their own; not ones a killed process left)."""
    return sum(1 for t in study.get_trials() if t.state.is_finished() and not interrupted(t))


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-") or "dataset"


def _safe_url(storage: Any) -> str:
    return storage if isinstance(storage, str) else type(storage).__name__

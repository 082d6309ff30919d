"""The benchmark runner: one Optuna study per family in one storage, the budget shared by the plan.

Per family, in the plan's order: search (the first trial is the family's good default), then refit the
best parameters on train + validation and score once on test, save the model. Then the DL + GBM
ensemble from the best network and the best boosted model. A rerun with the same run folder resumes:
finished trials are kept and never repeated.
"""

from __future__ import annotations

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
from advisor.benchmarking.costs import measure_inference, money
from advisor.benchmarking.metrics import direction, primary_metric
from advisor.benchmarking.objective import ModelClock, PreparedData, TrialOutcome, fit_final, run_trial, take
from advisor.benchmarking.prepare import encode_target
from advisor.benchmarking.results import BenchmarkResult, FamilyResult, verdict
from advisor.benchmarking.splits import make_splits
from advisor.benchmarking.studies import open_study, trial_records
from advisor.benchmarking.views import View, Views
from advisor.data.dataset import Dataset
from advisor.errors import AdvisorError, InvalidArgumentError, TargetNotFoundError
from advisor.hardware import Hardware, detect
from advisor.models.persistence import AdvisorModel, save_model
from advisor.models.registry import MODULES, find
from advisor.models.spec import FitContext, ModelSpec
from advisor.profiling import profile as build_profile
from advisor.profiling.profile import DatasetProfile
from advisor.rules import FAMILIES, Constraints, Recommendation, run_engine

__all__ = ["ProgressEvent", "run_benchmark"]

log = logging.getLogger(__name__)
ENSEMBLE = "dl_gbm_ensemble"
#: Ensemble members: the best boosted-tree model and the best network (by validation loss).
GBMS = ("lightgbm", "xgboost", "embedding_xgboost")
NETWORKS = ("mlp", "cnn", "rnn", "transformer")
#: Share of a time budget kept back for the ensemble, result assembly and saving.
FINAL_RESERVE = 0.04
#: A family's first trial may run this share of the budget even past the family's window.
FIRST_TRIAL_SHARE = 0.05
#: Leftover time (share of the budget) worth a second round for the best family.
LEFTOVER_MIN_SHARE = 0.05
#: Small data is scored by k-fold cross-validation below this many rows, for tables and series only: on
#: images and text every family reads a network's input or output, and k fits per trial cost too much.
CV_BELOW_ROWS = 2000
CV_MODALITIES = ("tabular", "timeseries")
#: Fine-tuning a pretrained network on a CPU is planned up to this many items (texts of CPU_FINE_TUNE_WORDS
#: words; longer texts count for more): measured on 2 cores, partial MiniLM fine-tuning runs 9-14 texts/s.
CPU_FINE_TUNE_MAX_ITEMS = 10_000
CPU_FINE_TUNE_WORDS = 20.0
#: A final refit may run this many times its best trial's fit time past the family's window, but no more
#: than this share of the budget (so one family's refit cannot starve the families after it).
REFIT_ALLOWANCE = 1.5
REFIT_MAX_SHARE = 0.10
#: Below this many cells (rows x features) models train on one thread.
SMALL_DATA_CELLS = 200_000
#: Features a text counts for in that size (the MiniLM embedding width).
TEXT_CELLS = 384


@dataclass(frozen=True)
class ProgressEvent:
    """Sent to ``on_progress`` after every trial and phase: enough for a live progress bar."""

    phase: str  # 'search' | 'refit' | 'done'
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
) -> BenchmarkResult:
    """Run the benchmark; see :func:`advisor.benchmark`."""
    started, t0 = datetime.now(UTC), time.monotonic()
    budget = Budget.coerce(budget)
    hardware = hardware or detect(probe_torch=True)
    if dataset.y is None:
        raise TargetNotFoundError("A benchmark needs a target to predict.", "Pass target='column' when loading.")
    prof = build_profile(dataset)
    rec = recommendation or run_engine(
        prof, hardware, Constraints(time_budget_s=budget.seconds, price_per_hour=price_per_hour)
    )
    run = _Run(dataset, prof, rec, budget, seed, hardware, run_dir, storage, price_per_hour, on_progress, t0)
    run.prepare()
    run.check_run_folder()
    planned = _check_families(families) if families is not None else list(rec.plan.families)
    searchable = run.searchable(planned)
    for name in searchable:
        run.search_and_refit(name)
    run.use_leftover(searchable)
    if ENSEMBLE in planned:
        run.ensemble()
    return run.result(started, planned)


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
        t0: float,
    ) -> None:
        self.dataset, self.profile, self.rec, self.budget, self.seed = dataset, prof, rec, budget, seed
        self.hardware, self.price_per_hour, self.on_progress, self.t0 = hardware, price_per_hour, on_progress, t0
        self.run_dir = Path(run_dir or Path("advisor-runs") / _slug(dataset.name))
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.storage = storage if storage is not None else f"sqlite:///{(self.run_dir / 'optuna.db').resolve()}"
        self.deadline = t0 + budget.seconds * (1 - FINAL_RESERVE) if budget.seconds else None
        self.clock = ModelClock()
        self.skipped: dict[str, str] = {}
        self.studies: dict[str, optuna.Study] = {}
        self.finals: dict[str, tuple[Any, FamilyResult]] = {}
        self.best: dict[str, float] = {}
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
        self.y, self.labels, self.task = y, labels, task
        self.metric = primary_metric(task, self.rec.plan.metric)
        self.higher_is_better = direction(self.metric) == "maximize"
        device = self.hardware.device if self.hardware.device != "mps" else "cpu"
        self.views = Views(self.dataset, self.profile, self.run_dir, device, on_embed=self._embed_progress)
        table = self.views.table()  # tables: fails early, with a clear message, when no column is usable
        self.ctx_base = dict(
            task=task,
            profile=self.profile,
            device=device,
            n_jobs=_threads(self.profile, self.hardware, self.modality),
            seed=self.seed,
            categorical_columns=tuple(table.categorical) if table is not None else (),
            class_weight=(self.profile.imbalance_ratio or 1.0) >= 3.0,
            transfer=self._transfer_strategy(device),
            mixed=self.views.mixed,
        )
        self._data: dict[str, PreparedData] = {}

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
        holdout = family is not None and family in FAMILIES and FAMILIES[family].kind == "deep"
        key = f"{view}:holdout" if holdout and self.splits.cross_validated else view
        if key not in self._data:
            built = self.views.get(view)
            splits = dataclasses.replace(self.splits, folds=()) if key.endswith(":holdout") else self.splits
            self._data[key] = PreparedData(built.X, self.y, splits, self.labels, self.task)
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
                    "Pass a new run folder, or the same dataset, target and seed to resume it.",
                )
        else:
            path.write_text(json.dumps(identity, indent=2), encoding="utf-8")

    def context(self, name: str) -> FitContext:
        return FitContext(**self.ctx_base, recipe=self.rec.recipes.get(name))

    def view_of(self, spec: ModelSpec) -> View:
        return self.views.get(spec.view_for(self.context(spec.name)))

    # ------------------------------------------------------------------ planning
    def searchable(self, planned: list[str]) -> list[str]:
        out = []
        for name in planned:
            spec = find(name, self.modality)
            if name == ENSEMBLE:
                continue
            if spec is None:
                self.skipped[name] = f"no model of this family is registered for {self.modality} data"
            elif not spec.supports(self.modality, self.task):
                self.skipped[name] = f"cannot run on {self.modality} {self.task} data"
            else:
                out.append(name)
        shares = {n: max(self.rec.plan.share(n), 0.01) for n in out}
        self.shares = shares
        self.trial_targets = split_trials(self.budget.trials, shares) if self.budget.trials else {}
        return out

    def _window_end(self, name: str, remaining: list[str]) -> float | None:
        if self.deadline is None:
            return None
        left = self.deadline - time.monotonic()
        share = self.shares[name] / sum(self.shares[n] for n in remaining)
        return time.monotonic() + max(left, 0.0) * share

    # ------------------------------------------------------------------ search
    def search_and_refit(self, name: str, window_end: float | None = None) -> None:
        """Search the family within its window (or ``window_end``), then refit its best trial."""
        spec = find(name, self.modality)
        assert spec is not None
        ctx = self.context(name)
        try:
            data = self.data_for(spec.view_for(ctx), name)
        except AdvisorError as exc:  # this family's input cannot be built from the data: skip it, say why
            self.skipped[name] = exc.problem
            return
        if window_end is None:
            order = list(self.shares)
            window_end = self._window_end(name, order[order.index(name) :])
        study = self.studies.get(name) or open_study(self.storage, name, self.seed, spec, ctx)
        self.studies[name] = study
        outcomes = self._search(study, spec, ctx, name, window_end, data)
        completed = [t for t in study.get_trials(deepcopy=False) if t.state == optuna.trial.TrialState.COMPLETE]
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
        if self.deadline is None or self.budget.seconds is None:
            return
        if self.deadline - time.monotonic() < LEFTOVER_MIN_SHARE * self.budget.seconds:
            return
        finished = [n for n in names if n in self.finals and self.finals[n][1].best_value is not None]
        if not finished:
            return
        best = min(finished, key=lambda n: self.finals[n][1].best_value)  # type: ignore[arg-type, return-value]
        self.notes.append(f"{self.deadline - time.monotonic():.1f}s left after the plan went to {best}")
        self.search_and_refit(best, window_end=self.deadline)

    def _search(
        self,
        study: optuna.Study,
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
            for t in study.get_trials(deepcopy=False)
            if t.state == optuna.trial.TrialState.COMPLETE and t.duration
        ]
        while target is None or done < target:
            trial_deadline = self._trial_deadline(spec, window_end, durations, len(outcomes))
            if trial_deadline is False:
                break
            start = time.monotonic()
            outcome = run_trial(study, spec, ctx, data, trial_deadline, self.clock, self.price_per_hour)
            outcomes.append(outcome)
            done += 1
            self.trials_done += 1
            if outcome.state == "COMPLETE":
                durations.append(time.monotonic() - start)
                if outcome.value is not None and outcome.value < self.best.get(name, float("inf")):
                    self.best[name] = outcome.value
            self._emit("search", name, target)
        return outcomes

    def _trial_deadline(
        self, spec: ModelSpec, window_end: float | None, durations: list[float], attempts: int
    ) -> float | bool | None:
        """When the next trial must stop (None: no time budget), or False when no trial should start.

        A family's first finished trial always gets a chance (its good default) while the global deadline
        allows; later trials start only if a typical trial and the final refit still fit in the window.
        """
        if window_end is None or self.deadline is None:
            return None
        now = time.monotonic()
        if now >= self.deadline:
            return False
        if not durations:  # nothing finished yet: give the default a fair slice, within the global deadline
            if attempts >= 3 and now >= window_end:
                return False
            # at most half the window, so the final refit has the other half (a slow first trial, e.g.
            # boosting on 1,280-d embeddings, would otherwise leave the refit nothing and starve later families)
            half = now + 0.5 * max(window_end - now, 0.0)
            return min(self.deadline, max(half, now + FIRST_TRIAL_SHARE * (self.budget.seconds or 0.0)))
        typical = float(np.median(durations))
        trial_deadline = window_end - 1.3 * typical  # keep time for the final refit
        if now + (0.0 if spec.iterative else typical) >= trial_deadline:
            return False
        return trial_deadline

    def _refit(
        self,
        name: str,
        spec: ModelSpec,
        ctx: FitContext,
        best: optuna.trial.FrozenTrial,
        window_end: float | None,
        data: PreparedData,
    ) -> None:
        self._emit("refit", name, None, f"refitting {name} (trial {best.number}) on train + validation")
        costs_attr = best.user_attrs.get("costs", {})
        deadline = self._refit_deadline(window_end, costs_attr.get("fit_wall_s"))
        try:
            est, test_metrics, costs = fit_final(
                spec,
                dict(best.params),
                ctx,
                data,
                costs_attr.get("n_steps"),
                deadline,
                self.clock,
                self.price_per_hour,
            )
        except Exception as exc:  # the refit itself failed: report it, keep the search results
            self.skipped[name] = f"final refit failed: {type(exc).__name__}: {exc}"[:300]
            return
        view = self.view_of(spec)
        model = AdvisorModel(
            name, self.task, est, view.preparer, self.labels, {"params": dict(best.params), "trial": best.number}
        )
        costs = self._end_to_end_costs(model, view, costs)
        path = save_model(model, self.run_dir / "models" / f"{name}.pkl")
        result = self._family_result(name, best, test_metrics, costs, str(path), inputs=self._inputs(spec, view))
        self.finals[name] = (model, result)

    def _inputs(self, spec: ModelSpec, view: View) -> str:
        return spec.inputs_for(self.context(spec.name)) or view.description

    def _end_to_end_costs(self, model: AdvisorModel, view: View, costs: dict[str, Any]) -> dict[str, Any]:
        """For images, text and series, time predictions from raw data (encoders and feature extraction
        included), and charge a frozen encoder's time on the training rows to the model's fit time."""
        if not view.raw_input:
            return costs
        out = dict(costs)
        raw_test = take(self.dataset.X, self.splits.test)
        start = time.perf_counter()
        inference = measure_inference(model.predict, raw_test, n_single=10, max_batch_rows=500, time_limit_s=3.0)
        self.clock.add(time.perf_counter() - start)
        out.update(inference.to_dict())
        out["inference_from"] = "raw input"
        if view.embedding:
            share = (len(self.splits.train) + len(self.splits.val)) / max(self.splits.n_rows, 1)
            embed_s = float(view.embedding.get("seconds") or 0.0) * share
            out["embed_s"] = round(embed_s, 3)
            out["embed_items_per_s"] = view.embedding.get("items_per_s")
            out["fit_wall_s"] = (out.get("fit_wall_s") or 0.0) + embed_s
            out["money"] = money(out["fit_wall_s"], self.price_per_hour)
        return out

    def _refit_deadline(self, window_end: float | None, trial_fit_s: float | None) -> float | None:
        """The refit keeps the rest of the family's window, and up to 1.5x its best trial's fit time (a network
        cut short in its refit is not the model the search found), at most 10% of the budget past the window."""
        if self.deadline is None or self.budget.seconds is None:
            return None
        now = time.monotonic()
        extra = min(REFIT_ALLOWANCE * float(trial_fit_s or 0.0), REFIT_MAX_SHARE * self.budget.seconds)
        return max(window_end or 0.0, min(now + max(1.0, extra), self.t0 + self.budget.seconds))

    def _family_result(
        self,
        name: str,
        best: optuna.trial.FrozenTrial | None,
        test_metrics: dict[str, float],
        costs: dict[str, Any],
        model_path: str,
        reason: str = "",
        inputs: str = "",
    ) -> FamilyResult:
        fam = FAMILIES.get(name)
        counts = {"COMPLETE": 0, "PRUNED": 0, "FAIL": 0}
        if best is not None:
            for t in self.studies[name].get_trials(deepcopy=False):
                counts[t.state.name] = counts.get(t.state.name, 0) + 1
        return FamilyResult(
            family=name,
            label=fam.label if fam else name,
            kind=fam.kind if fam else "custom",
            status="ok",
            reason=reason,
            trials_complete=counts["COMPLETE"],
            trials_pruned=counts["PRUNED"],
            trials_failed=counts["FAIL"],
            best_trial=best.number if best else None,
            best_params=dict(best.params) if best else {},
            best_value=best.value if best else None,
            val_metrics=dict(best.user_attrs.get("metrics", {})) if best else {},
            test_metrics=test_metrics,
            costs=costs,
            model_path=model_path,
            inputs=inputs,
        )

    # ------------------------------------------------------------------ ensemble
    def ensemble(self) -> None:
        """Average the best boosted-tree model and the best network (each on its own input), no refit."""
        from advisor.benchmarking.ensemble_step import build_ensemble

        gbms = [g for g in GBMS if g in self.finals]
        nets = [n for n in NETWORKS if n in self.finals]
        if not gbms or not nets:
            self.skipped[ENSEMBLE] = "needs a finished boosted-tree model and a finished network"
            return
        gbm = min(gbms, key=lambda g: _loss(self.finals[g][1]))
        net = min(nets, key=lambda n: _loss(self.finals[n][1]))
        members = [self.finals[gbm], self.finals[net]]
        try:
            model, test_metrics, costs = build_ensemble(
                members,
                [self._test_input(m) for m, _ in members],
                take(self.dataset.X, self.splits.test),
                self.y[self.splits.test],
                self.task,
                self.labels,
                self.context(ENSEMBLE),
                self.clock,
                self.price_per_hour,
            )
        except Exception as exc:
            self.skipped[ENSEMBLE] = f"ensemble failed: {type(exc).__name__}: {exc}"[:300]
            return
        path = save_model(model, self.run_dir / "models" / f"{ENSEMBLE}.pkl")
        reason = f"averages the final {gbm} and {net} models"
        self.finals[ENSEMBLE] = (
            model,
            self._family_result(ENSEMBLE, None, test_metrics, costs, str(path), reason=reason, inputs=reason),
        )

    def _test_input(self, model: AdvisorModel) -> Any:
        """A member's test rows in its own (already built) input, so scoring never re-encodes."""
        spec = find(model.family, self.modality)
        assert spec is not None
        return take(self.data_for(spec.view_for(self.context(model.family))).X, self.splits.test)

    # ------------------------------------------------------------------ result
    def result(self, started: datetime, planned: list[str]) -> BenchmarkResult:
        fams = [self.finals[n][1] for n in planned if n in self.finals]
        fams += [
            FamilyResult(
                family=n,
                label=FAMILIES[n].label if n in FAMILIES else n,
                kind=FAMILIES[n].kind if n in FAMILIES else "?",
                status="skipped",
                reason=r,
            )
            for n, r in self.skipped.items()
        ]
        trials = tuple(trial_records(self.storage, [n for n in planned if n in self.shares]))
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
            wall_s=round(time.monotonic() - self.t0, 3),
            model_s=round(self.clock.seconds, 3),
            families=tuple(fams),
            trials=trials,
            verdict=verdict(tuple(fams), self.rec.families, self.metric, self.higher_is_better),
            recommendation=_plain(self.rec.to_dict()),
            price_per_hour=self.price_per_hour,
            notes=tuple(self.notes),
            embeddings={name: view.embedding for name, view in self.views.built.items() if view.embedding},
            profile=_plain(self.profile.to_dict()),
        )
        result.save(self.run_dir / "result.json")
        self._emit("done", "", None, result.verdict.summary)
        return result

    def _emit(self, phase: str, family: str, target: int | None, message: str = "") -> None:
        if self.on_progress is None:
            return
        total = sum(self.trial_targets.values()) if self.trial_targets else None
        self.on_progress(
            ProgressEvent(
                phase,
                family,
                self.trials_done,
                total,
                dict(self.best),
                time.monotonic() - self.t0,
                self.budget.seconds,
                message,
            )
        )


def _check_families(families: list[str]) -> list[str]:
    """Families asked for by name must exist: a typo is an error, not an empty benchmark."""
    unknown = [f for f in families if f not in FAMILIES and find(f) is None]
    if unknown or not families:
        known = sorted(set(MODULES) | {f for f in FAMILIES if find(f) is not None})
        raise InvalidArgumentError(
            f"Unknown model famil{'ies' if len(unknown) > 1 else 'y'}: {', '.join(unknown)}."
            if unknown
            else "No model family was given.",
            f"Choose from: {', '.join(known)}.",
        )
    return list(families)


def _loss(result: FamilyResult) -> float:
    return result.best_value if result.best_value is not None else float("inf")


def _threads(profile: DatasetProfile, hardware: Hardware, modality: str = "tabular") -> int:
    """All cores for sizeable data; one thread for small data, where thread start-up and contention cost
    more than they save (measured: LightGBM on 768 rows fits 4-8x faster on 1 thread than on 2; XGBoost on
    280 x 384 embeddings 1.6-5x faster). Size is rows x features; a text counts as TEXT_CELLS features
    (the width of its sentence embedding). Frozen encoders always use every core."""
    width = TEXT_CELLS if modality == "text" else max(profile.features, 1)
    return hardware.cores if profile.rows * width >= SMALL_DATA_CELLS else 1


def _plain(value: dict[str, Any]) -> dict[str, Any]:
    """JSON-shaped copy (tuples become lists), so a result equals itself after a JSON round trip."""
    return json.loads(json.dumps(value, default=str))


def _finished_count(study: optuna.Study) -> int:
    """Trials that finished (complete, pruned, or failed on their own; not ones killed mid-run)."""
    return sum(
        1 for t in study.get_trials(deepcopy=False) if t.state.is_finished() and "interrupted" not in t.user_attrs
    )


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-") or "dataset"


def _safe_url(storage: Any) -> str:
    return storage if isinstance(storage, str) else type(storage).__name__

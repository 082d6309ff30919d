"""The benchmark runner: one Optuna study per family in one storage, the budget shared by the plan.

Per family, in the plan's order: search (the first trial is the family's good default), then refit the
best parameters on train + validation and score once on test, save the model. Then the DL + GBM
ensemble from the best network and the best boosted model. A rerun with the same run folder resumes:
finished trials are kept and never repeated.
"""

from __future__ import annotations

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
from advisor.benchmarking.metrics import direction, primary_metric
from advisor.benchmarking.objective import ModelClock, PreparedData, TrialOutcome, fit_final, run_trial
from advisor.benchmarking.prepare import TablePreparer, encode_target
from advisor.benchmarking.results import BenchmarkResult, FamilyResult, verdict
from advisor.benchmarking.splits import make_splits
from advisor.benchmarking.studies import open_study, trial_records
from advisor.data.dataset import Dataset
from advisor.errors import InvalidArgumentError, ModalityError, TargetNotFoundError
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
GBMS = ("lightgbm", "xgboost")
#: Share of a time budget kept back for the ensemble, result assembly and saving.
FINAL_RESERVE = 0.04
#: A family's first trial may run this share of the budget even past the family's window.
FIRST_TRIAL_SHARE = 0.05
#: Leftover time (share of the budget) worth a second round for the best family.
LEFTOVER_MIN_SHARE = 0.05
#: Below this many cells (rows x features) models train on one thread.
SMALL_DATA_CELLS = 200_000


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
        frame = self.dataset.X
        if self.dataset.modality.value not in ("tabular",) or not hasattr(frame, "columns"):
            raise ModalityError(
                f"Benchmarking {self.dataset.modality.value} data is not available yet: the runner measures "
                "tabular model families today.",
                "Use advisor.recommend() for the rules' answer on this data.",
            )
        self.preparer = TablePreparer.from_profile(frame, self.profile)
        y, labels = encode_target(self.dataset.y, task)
        predefined = self.dataset.meta.get("predefined_split")
        test_rows = np.arange(predefined["train"], len(y)) if isinstance(predefined, dict) else None
        splits = make_splits(y, task, seed=self.seed, predefined_test=test_rows)
        self.data = PreparedData(self.preparer.transform(frame), y, splits, labels, task)
        self.metric = primary_metric(task, self.rec.plan.metric)
        self.higher_is_better = direction(self.metric) == "maximize"
        device = self.hardware.device if self.hardware.device != "mps" else "cpu"
        self.ctx_base = dict(
            task=task,
            profile=self.profile,
            device=device,
            n_jobs=_threads(self.profile, self.hardware),
            seed=self.seed,
            categorical_columns=tuple(self.preparer.categorical),
            class_weight=(self.profile.imbalance_ratio or 1.0) >= 3.0,
        )

    def check_run_folder(self) -> None:
        """A run folder belongs to one dataset, target and seed: refuse to mix runs."""
        identity = {
            "dataset": self.dataset.name,
            "target": self.dataset.target,
            "rows": self.dataset.n_rows,
            "task": self.data.task,
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

    # ------------------------------------------------------------------ planning
    def searchable(self, planned: list[str]) -> list[str]:
        out = []
        for name in planned:
            spec = find(name)
            if name == ENSEMBLE:
                continue
            if spec is None:
                self.skipped[name] = "no model of this family is registered in the benchmark yet"
            elif not spec.supports(self.dataset.modality.value, self.data.task):
                self.skipped[name] = f"cannot run on {self.dataset.modality.value} {self.data.task} data"
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
        spec = find(name)
        assert spec is not None
        ctx = self.context(name)
        if window_end is None:
            order = list(self.shares)
            window_end = self._window_end(name, order[order.index(name) :])
        study = self.studies.get(name) or open_study(self.storage, name, self.seed, spec, ctx)
        self.studies[name] = study
        outcomes = self._search(study, spec, ctx, name, window_end)
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
        self._refit(name, spec, ctx, best, window_end)

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
        self, study: optuna.Study, spec: ModelSpec, ctx: FitContext, name: str, window_end: float | None
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
            outcome = run_trial(study, spec, ctx, self.data, trial_deadline, self.clock, self.price_per_hour)
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
            return min(self.deadline, max(window_end, now + FIRST_TRIAL_SHARE * (self.budget.seconds or 0.0)))
        typical = float(np.median(durations))
        trial_deadline = window_end - 1.3 * typical  # keep time for the final refit
        if now + (0.0 if spec.iterative else typical) >= trial_deadline:
            return False
        return trial_deadline

    def _refit(
        self, name: str, spec: ModelSpec, ctx: FitContext, best: optuna.trial.FrozenTrial, window_end: float | None
    ) -> None:
        self._emit("refit", name, None, f"refitting {name} (trial {best.number}) on train + validation")
        costs_attr = best.user_attrs.get("costs", {})
        deadline = None
        if self.deadline is not None:
            deadline = max(window_end or 0.0, time.monotonic() + 1.0)
        try:
            est, test_metrics, costs = fit_final(
                spec,
                dict(best.params),
                ctx,
                self.data,
                costs_attr.get("n_steps"),
                deadline,
                self.clock,
                self.price_per_hour,
            )
        except Exception as exc:  # the refit itself failed: report it, keep the search results
            self.skipped[name] = f"final refit failed: {type(exc).__name__}: {exc}"[:300]
            return
        path = save_model(
            AdvisorModel(
                name,
                self.data.task,
                est,
                self.preparer,
                self.data.labels,
                {"params": dict(best.params), "trial": best.number},
            ),
            self.run_dir / "models" / f"{name}.pkl",
        )
        result = self._family_result(name, best, test_metrics, costs, str(path))
        self.finals[name] = (est, result)

    def _family_result(
        self,
        name: str,
        best: optuna.trial.FrozenTrial | None,
        test_metrics: dict[str, float],
        costs: dict[str, Any],
        model_path: str,
        reason: str = "",
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
        )

    # ------------------------------------------------------------------ ensemble
    def ensemble(self) -> None:
        from advisor.benchmarking.ensemble_step import build_ensemble

        gbms = [g for g in GBMS if g in self.finals]
        if not gbms or "mlp" not in self.finals:
            self.skipped[ENSEMBLE] = "needs a finished boosted-tree model and a finished MLP"
            return
        gbm = min(gbms, key=lambda g: self.finals[g][1].best_value or float("inf"))
        try:
            est, test_metrics, costs = build_ensemble(
                [self.finals[gbm], self.finals["mlp"]],
                self.data,
                self.context(ENSEMBLE),
                self.clock,
                self.price_per_hour,
            )
        except Exception as exc:
            self.skipped[ENSEMBLE] = f"ensemble failed: {type(exc).__name__}: {exc}"[:300]
            return
        path = save_model(
            AdvisorModel(ENSEMBLE, self.data.task, est, self.preparer, self.data.labels, {"members": [gbm, "mlp"]}),
            self.run_dir / "models" / f"{ENSEMBLE}.pkl",
        )
        self.finals[ENSEMBLE] = (
            est,
            self._family_result(
                ENSEMBLE, None, test_metrics, costs, str(path), reason=f"averages the final {gbm} and mlp models"
            ),
        )

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
            task=self.data.task,
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


def _threads(profile: DatasetProfile, hardware: Hardware) -> int:
    """All cores for sizeable data; one thread for small tables, where thread start-up and contention
    cost more than they save (measured: LightGBM on 768 rows fits 4-8x faster on 1 thread than on 2)."""
    return hardware.cores if profile.rows * max(profile.features, 1) >= SMALL_DATA_CELLS else 1


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

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
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import optuna

from advisor.benchmarking.board import RunBoard
from advisor.benchmarking.budget import Budget
from advisor.benchmarking.comparison import (
    TIME_LIMIT_S,
    TIME_LIMIT_SHARE,
    DeepVsClassical,
    Side,
    compare_sides,
    odds_check,
    paired_bootstrap,
)
from advisor.benchmarking.deploy import BEST_MODEL, DeploySteps
from advisor.benchmarking.ensemble_step import EnsembleSteps
from advisor.benchmarking.objective import metrics_of
from advisor.benchmarking.policy import TimePolicy
from advisor.benchmarking.preload import libraries_to_preload, preload
from advisor.benchmarking.results import BenchmarkResult, FamilyResult, verdict
from advisor.benchmarking.search import STARVED, SearchSteps
from advisor.benchmarking.state import ProgressCallback, ProgressEvent, plain
from advisor.benchmarking.studies import (
    SearchStrategy,
    Sharing,
    quiet_optuna,
    trial_records,
)
from advisor.benchmarking.workers import check_shared_storage, record_for, spawn_local, stop_local, worker_label
from advisor.data.dataset import Dataset
from advisor.errors import InvalidArgumentError, NothingMeasuredError, TargetNotFoundError
from advisor.families import Kind, Role, families, get_family
from advisor.hardware import Hardware, detect
from advisor.profiling import profile as build_profile
from advisor.profiling.checks import check_answerable
from advisor.rules import Constraints, Recommendation, run_engine
from advisor.trials import masked_url

__all__ = ["BEST_MODEL", "ProgressEvent", "run_benchmark"]


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
    workers: int = 1,
    run_name: str | None = None,
) -> BenchmarkResult:
    """Run the benchmark; see :func:`advisor.benchmark`. The budget's clock runs from ``budget.start`` when the
    caller started it (so loading the data counts), else from now. ``workers`` > 1 searches with that many
    local processes over a shared storage (see :mod:`~advisor.benchmarking.workers`); ``run_name`` names the
    run there, for workers that join from other machines (default: the run folder's name)."""
    strategy = SearchStrategy.coerce(sampler, pruner)
    if workers > 1 or run_name is not None:
        check_shared_storage(storage, max(workers, 2))
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
        if workers > 1 or run_name is not None:
            run.sharing = Sharing(run_name or run.run_dir.name, 0, worker_label())
            run.board = RunBoard(storage, run.sharing.run)  # type: ignore[arg-type]
            run.threads = max(1, hardware.cores // workers)
        local: list[Any] = []
        try:
            result = _run_plan(run, rec, families, refit_full, started, workers, local)
        finally:  # an interrupted run still leaves every finished trial in the storage
            with contextlib.suppress(Exception):
                run.writer.flush()
            if run.board is not None:
                with contextlib.suppress(Exception):
                    run.board.finish()
                stop_local(local, run.policy.end)
    return result


def _run_plan(
    run: _Run,
    rec: Recommendation,
    families: list[str] | None,
    refit_full: bool,
    started: datetime,
    workers: int = 1,
    local: list[Any] | None = None,
) -> BenchmarkResult:
    """Search and refit every planned family, ensemble, choose and deploy, assemble the result. A shared run
    records itself for its workers and starts ``workers - 1`` local ones (appended to ``local``) first."""
    run.prepare()
    run.check_run_folder()
    planned = _check_families(families) if families is not None else list(rec.plan.families)
    if run.board is not None and run.sharing is not None:
        run.board.create(record_for(run, planned, run.budget))
        run.notes.append(
            f"searched by {workers} workers sharing the run '{run.sharing.run}' in {_safe_url(run.storage)}"
        )
        if local is not None and workers > 1:
            local += spawn_local(run.storage, run.sharing.run, workers - 1, run.threads or 1, run.run_dir / "workers")
    searchable = run.searchable(planned)
    for done, name in enumerate(searchable, start=1):
        run.search_and_refit(name)
        run.update_deploy_estimate(families_left=len(searchable) - done)  # later windows leave room for a refit
    run.use_leftover(searchable)
    if run.policy.large:  # a large table: the time held back goes to refits on every row, best family first
        run.policy.large = False
        for name, _, _ in run.ranked_choices():
            run.refit_on_all_rows(name)
    for name in planned:
        if get_family(name).role is Role.ENSEMBLE:
            run.ensemble(name)
    run.choose_and_deploy(refit_full)
    result = run.result(started, planned)
    if not run.finals:
        raise NothingMeasuredError(*_nothing_measured(result))
    return result


class _Run(SearchSteps, EnsembleSteps, DeploySteps):
    """One benchmark call: the state and its steps, put together."""

    def deep_vs_classical(self) -> DeepVsClassical | None:
        """The best network against the best classical model on the test rows, with a paired-bootstrap interval
        (None unless both sides were measured)."""
        sides: dict[Kind, list[Side]] = {Kind.DEEP: [], Kind.CLASSICAL: []}
        for name, (_, fam) in self.finals.items():
            kind = families()[name].kind if name in families() else None
            values = self.test_predictions.get(name)
            if kind not in sides or values is None or fam.val_metrics.get(self.metric) is None:
                continue
            fit_s = float(fam.costs.get("fit_wall_s") or 0.0)
            starved = STARVED in (fam.reason or "")
            val, test = fam.val_metrics[self.metric], fam.test_metrics[self.metric]
            sides[kind].append(Side(name, val, test, values, fit_s, starved))
        return compare_sides(
            sides[Kind.DEEP],
            sides[Kind.CLASSICAL],
            self._test_scorer(),
            metric=self.metric,
            higher_is_better=self.higher_is_better,
            n_rows=len(self.splits.test),
            seed=self.seed,
            time_limit_s=self._bootstrap_s(),
        )

    def lead(self, winner: str, other: str) -> tuple[float, float]:
        """The 95% paired-bootstrap interval of ``winner``'s test score minus ``other``'s (signed so that positive
        means the winner is better); NaN when either has no test predictions."""
        first, second = self.test_predictions.get(winner), self.test_predictions.get(other)
        if first is None or second is None:
            return float("nan"), float("nan")
        sign, score = (1.0 if self.higher_is_better else -1.0), self._test_scorer()

        def signed(values: np.ndarray, rows: np.ndarray) -> float:
            return sign * score(values, rows)

        n = len(self.splits.test)
        low, high, _ = paired_bootstrap(first, second, signed, n, seed=self.seed, time_limit_s=self._bootstrap_s() / 2)
        return low, high

    def _test_scorer(self) -> Callable[[np.ndarray, np.ndarray], float]:
        """``score(values, rows)``: the metric of test predictions ``values`` on these rows (positions among the
        test rows), for the bootstraps."""
        y, data = self.y[self.splits.test], self.metric_data()

        def score(values: np.ndarray, rows: np.ndarray) -> float:
            return metrics_of(values[rows], y[rows], data).get(self.metric, float("nan"))

        return score

    def _bootstrap_s(self) -> float:
        """Seconds a bootstrap over the test rows may take: a small share of the budget, at most TIME_LIMIT_S."""
        return min(TIME_LIMIT_S, TIME_LIMIT_SHARE * (self.policy.seconds or TIME_LIMIT_S / TIME_LIMIT_SHARE))

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
        comparison = self.deep_vs_classical()
        checked = odds_check(self.rec.odds, comparison)
        if checked is not None:
            self.notes.append(checked)
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
            hardware=plain(self.hardware.to_dict()),
            started=started.isoformat(),
            finished=datetime.now(UTC).isoformat(),
            wall_s=round(self.policy.elapsed(), 3),
            model_s=round(self.clock.seconds, 3),
            families=tuple(fams),
            trials=trials,
            verdict=verdict(tuple(fams), self.rec.families, self.metric, self.higher_is_better, self.lead),
            comparison=comparison,
            recommendation=plain(self.rec.to_dict()),
            price_per_hour=self.price_per_hour,
            notes=tuple(self.notes),
            embeddings={name: view.embedding for name, view in self.views.built.items() if view.embedding},
            profile=plain(self.profile.to_dict()),
            best_family=self.choice[0],
            choice=self.choice[1],
            deployed=plain(self.deployed),
            settings={
                "transfer": self.ctx_base["transfer"],
                "class_weight": self.ctx_base["class_weight"],
                **self.strategy.names(),
            },
        )
        result.save(self.run_dir / "result.json")
        if result.best_family is not None:
            result.best_config().save(self.run_dir / "best_config.yaml")
        self._emit("done", "", None, result.verdict.summary)
        return result


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


def _safe_url(storage: Any) -> str:
    """The storage as results record it: a URL without its password, or the storage object's class."""
    return masked_url(storage) if isinstance(storage, str) else type(storage).__name__

"""The state of one benchmark call and the data every step reads: splits, views, contexts, families.

:class:`RunState` is what the runner's steps share (search in :mod:`~advisor.benchmarking.search`, ensembles in
:mod:`~advisor.benchmarking.ensemble_step`, the choice in :mod:`~advisor.benchmarking.deploy`); the runner
(:mod:`~advisor.benchmarking.runner`) puts them together and orchestrates them.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pandas as pd

from advisor.benchmarking.board import RunBoard
from advisor.benchmarking.budget import Budget, split_trials
from advisor.benchmarking.context import base_context
from advisor.benchmarking.objective import (
    UNUSED_ATTR,
    ModelClock,
    Predictions,
    PreparedData,
    TrialOutcome,
)
from advisor.benchmarking.policy import TimePolicy
from advisor.benchmarking.prepare import encode_target
from advisor.benchmarking.results import FamilyResult
from advisor.benchmarking.splits import Splits, make_splits, subsample_splits
from advisor.benchmarking.studies import (
    FamilyStudy,
    SearchStrategy,
    Sharing,
    TrialWriter,
)
from advisor.benchmarking.views import View, ViewName, Views
from advisor.data.dataset import Dataset
from advisor.data.form import InputForm
from advisor.errors import InvalidArgumentError
from advisor.families import Kind, Role, families, get_family
from advisor.hardware import Device, Hardware
from advisor.metrics import direction, primary_metric
from advisor.models.persistence import AdvisorModel
from advisor.models.spec import FitContext, ModelSpec
from advisor.profiling.profile import DatasetProfile
from advisor.rules import Recommendation
from advisor.rules.plan import shares_for
from advisor.rules.transfer import Strategy

__all__ = ["ProgressCallback", "ProgressEvent", "RunState", "loss_of"]

log = logging.getLogger(__name__)
#: Small data is scored by k-fold cross-validation below this many rows, for tables and series only: on
#: images and text every family reads a network's input or output, and k fits per trial cost too much.
CV_BELOW_ROWS = 2000
CV_MODALITIES = ("tabular", "timeseries")
#: Fine-tuning a pretrained network on a CPU is planned up to this many items (texts of CPU_FINE_TUNE_WORDS
#: words; longer texts count for more): measured on 2 cores, partial MiniLM fine-tuning runs 9-14 texts/s.
CPU_FINE_TUNE_MAX_ITEMS = 10_000
CPU_FINE_TUNE_WORDS = 20.0


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


class RunState:
    """The state of one benchmark call (private to the benchmarking package: its surface is run_benchmark)."""

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
        self.sizings: dict[str, dict[str, Any]] = {}  # a family's settings for this machine (spec.size), and why
        self.writer = TrialWriter(self.storage, gate=self.clock.fitting)
        self.strategy = SearchStrategy()
        self.finals: dict[str, tuple[AdvisorModel, FamilyResult]] = {}
        self.best: dict[str, float] = {}
        self.best_outcomes: dict[str, TrialOutcome] = {}  # this call's best trial per family, model in memory
        self.val_predictions: dict[str, Predictions] = {}  # the final model's validation predictions
        self.test_predictions: dict[str, np.ndarray] = {}  # the final model's test predictions (the same rows)
        self.scoring_s: dict[str, float] = {}  # seconds each final model took to score on test and save
        self.deployed: dict[str, Any] = {}
        self.choice: tuple[str | None, str] = (None, "")
        self.trials_done = 0
        self.notes: list[str] = []
        self.sharing: Sharing | None = None  # a run several workers search (set before prepare)
        self.board: RunBoard | None = None  # its record and schedule in the storage (the first worker writes it)
        self.threads: int | None = None  # at most this many threads per model (several workers on one machine)

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
        if self.threads is not None:
            self.ctx_base["n_jobs"] = max(1, min(self.ctx_base["n_jobs"], self.threads))
        self._data: dict[str, PreparedData] = {}

    def _search_splits(self, y: np.ndarray, task: str) -> Splits:
        """The splits trials use: on large data, stratified subsamples of train and validation sized to the
        budget (the refits then use every train + validation row that fits); otherwise the splits themselves."""
        row_bytes = _row_bytes(self.dataset.X)
        cap = self.policy.search_rows(
            len(self.splits.train), self.profile.features, row_bytes, self.hardware.memory_gb * 2**30
        )
        if cap is None:
            return self.splits
        sub = subsample_splits(self.splits, y, task, cap, self.seed)
        self.policy.large = True
        self.notes.append(
            f"search on a stratified subsample of {len(sub.train):,} of {len(self.splits.train):,} training rows "
            f"(and {len(sub.val):,} validation rows), sized to the {self.budget.seconds:g}s budget and "
            f"{self.hardware.memory_gb:g} GB of memory; the chosen family is refit on every train + validation row "
            "that fits the time held back for it"
        )
        return sub

    def _transfer_strategy(self, device: Device) -> Strategy | None:
        """The rules' transfer strategy, except that fine-tuning on a CPU falls back to feature extraction when
        the data is too large to fine-tune within a benchmark (the framework: fine-tuning 'needs' a GPU)."""
        strategy = self.rec.transfer.strategy if self.rec.transfer is not None else None
        if strategy in (None, "feature_extraction") or device != "cpu":
            return strategy
        work: float = self.profile.rows
        if self.profile.text is not None:  # a text costs about its length in tokens, up to the 128 read
            work *= min(max(self.profile.text.mean_words, 1.0), 128.0) / CPU_FINE_TUNE_WORDS
        if work <= CPU_FINE_TUNE_MAX_ITEMS:
            return strategy
        self.notes.append(
            f"transfer: {strategy.replace('_', ' ')} of {self.profile.rows:,} items on a CPU would not fit a "
            "benchmark budget; fine-tuned pretrained models use feature extraction (frozen embeddings, trained head)"
        )
        return "feature_extraction"

    def metric_data(self) -> PreparedData:
        """Just enough of a PreparedData to compute metrics (task, labels and the user's metric)."""
        return PreparedData(None, self.y, self.splits, self.labels, self.task, self.metric)

    def data_for(self, view: ViewName, family: str | None = None) -> PreparedData:
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
        return FitContext(**self.ctx_base, recipe=self.rec.recipes.get(name), sizing=self.sizings.get(name))

    def view_of(self, name: str, spec: ModelSpec) -> View:
        return self.views.get(spec.view_for(self.context(name)))

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
        if set(out) <= set(self.rec.plan.families):
            self.shares = {n: max(self.rec.plan.share(n), 0.01) for n in out}
        else:  # families asked for by name: the plan's weighting over just these
            self.shares = {n: max(s, 0.01) for n, s in shares_for(self.rec.ranking, out).items()}
        self.trial_targets = split_trials(self.budget.trials, self.shares) if self.budget.trials else {}
        return out

    def _window_end(self, name: str) -> float | None:
        order = list(self.shares)
        remaining = order[order.index(name) :]
        return self.policy.window_end(self.shares[name], sum(self.shares[n] for n in remaining))

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
        params: dict[str, Any] | None = None,
    ) -> FamilyResult:
        fam = families().get(name)
        counts = {"COMPLETE": 0, "PRUNED": 0, "FAIL": 0}
        if best is not None:
            for t in self.studies[name].get_trials():
                if UNUSED_ATTR not in t.user_attrs:  # asked when another worker had spent the trial budget
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
            best_params=dict(best.params) if best else dict(params or {}),
            best_value=best.value if best else None,
            val_metrics=dict(best.user_attrs.get("metrics", {})) if best else dict(val_metrics or {}),
            test_metrics=test_metrics,
            costs=costs,
            model_path=model_path,
            inputs=inputs,
            trained_on=trained[0],
            train_rows=trained[1],
            members=members,
            sizing=dict(self.sizings.get(name, {})),
        )

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


def _row_bytes(X: Any) -> float:
    """Bytes per row of a table in memory (0 when unknown: not a DataFrame)."""
    if not isinstance(X, pd.DataFrame) or len(X) == 0:
        return 0.0
    return float(X.memory_usage(deep=False).sum()) / len(X)


def loss_of(result: FamilyResult) -> float:
    """A family's best validation loss (infinite when it has none)."""
    return result.best_value if result.best_value is not None else float("inf")


def plain(value: dict[str, Any]) -> dict[str, Any]:
    """JSON-shaped copy (tuples become lists), so a result equals itself after a JSON round trip."""
    return json.loads(json.dumps(value, default=str))


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-") or "dataset"

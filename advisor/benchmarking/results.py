"""BenchmarkResult: leaderboard, Pareto fronts, trial history and the rules-vs-measured verdict."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from advisor.benchmarking.comparison import DeepVsClassical
from advisor.benchmarking.costs import COST_KEYS

if TYPE_CHECKING:
    from advisor.benchmarking.config import ModelConfig
    from advisor.data.dataset import ModalityName
    from advisor.hardware import Device
    from advisor.profiling.task import Task

__all__ = ["BenchmarkResult", "FamilyResult", "TrialRecord", "Verdict", "pareto_front"]

LEADERBOARD_COSTS = COST_KEYS


@dataclass(frozen=True)
class TrialRecord:
    """One Optuna trial: its state, validation objective, parameters, costs and metrics."""

    family: str
    number: int
    state: str
    value: float | None
    params: dict[str, Any]
    duration_s: float | None
    costs: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True)
class FamilyResult:
    """A family's outcome: its best trial, refit on train+validation and scored once on test."""

    family: str
    label: str
    kind: str
    status: str  # 'ok' | 'skipped' | 'failed'
    reason: str = ""
    trials_complete: int = 0
    trials_pruned: int = 0
    trials_failed: int = 0
    best_trial: int | None = None
    best_params: dict[str, Any] = field(default_factory=dict)
    best_value: float | None = None
    val_metrics: dict[str, float] = field(default_factory=dict)
    test_metrics: dict[str, float] = field(default_factory=dict)
    costs: dict[str, Any] = field(default_factory=dict)
    model_path: str | None = None
    inputs: str = ""  # what the model reads, e.g. "MiniLM embeddings (384-d, frozen) + 8 tabular column(s)"
    #: Which rows the scored model was fitted on, in words ("train + validation (1,234 rows)"), and how many.
    trained_on: str = ""
    train_rows: int | None = None
    members: tuple[str, ...] = ()  # an ensemble's member families
    #: Settings chosen for this machine and the family's time (a network's width, heads, batch size), and why.
    sizing: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """Did the rules' top family win the measurement, and by how much?"""

    metric: str
    recommended: str | None
    winner: str | None
    agreed: bool
    recommended_rank: int | None
    margin: float | None  # winner's test score minus the recommended family's, in the metric's units
    summary: str
    #: The rules' pick lost by less than the noise: the 95% paired-bootstrap interval of the winner's lead over
    #: the test rows holds zero (None: not checked).
    within_noise: bool | None = None


@dataclass(frozen=True)
class BenchmarkResult:
    """Everything one benchmark run measured. Round-trips through :meth:`to_json` / :meth:`from_json`."""

    dataset: str
    task: Task
    modality: ModalityName
    metric: str
    higher_is_better: bool
    budget: dict[str, Any]
    seed: int
    run_dir: str
    storage: str
    device: Device
    hardware: dict[str, Any]
    started: str
    finished: str
    wall_s: float
    model_s: float  # wall time inside model fit and predict (search, refits, cost probes)
    families: tuple[FamilyResult, ...]
    trials: tuple[TrialRecord, ...]
    verdict: Verdict
    #: The best network against the best classical model, with the difference's uncertainty (None unless
    #: both sides were measured).
    comparison: DeepVsClassical | None = None
    recommendation: dict[str, Any] | None = None
    price_per_hour: float | None = None
    notes: tuple[str, ...] = ()
    #: Frozen-encoder embeddings computed for this run, by view: encoder, items, seconds, items_per_s, cached.
    embeddings: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The dataset's profile (``DatasetProfile.to_dict()``), for reports.
    profile: dict[str, Any] | None = None
    #: The family chosen as the model to use (best on validation by ``metric``), and why.
    best_family: str | None = None
    choice: str = ""
    #: The chosen model for deployment: family, path, rows and what it was trained on (all rows by default).
    deployed: dict[str, Any] = field(default_factory=dict)
    #: How models were built beyond their parameters (transfer strategy, class weighting), for configs.
    settings: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ views
    @property
    def overhead_s(self) -> float:
        """Wall time not spent inside model fit and predict: data preparation, Optuna, storage, saving."""
        return max(self.wall_s - self.model_s, 0.0)

    def family(self, name: str) -> FamilyResult:
        return next(f for f in self.families if f.family == name)

    def best_config(self, family: str | None = None) -> ModelConfig:
        """The chosen family's (or ``family``'s) parameters and settings, to save as YAML / JSON and train
        again without searching: ``advisor.refit(config, data)``, CLI ``advisor refit CONFIG DATA``."""
        from advisor.benchmarking.config import config_of

        return config_of(self, family)

    def leaderboard(self) -> pd.DataFrame:
        """One row per measured family, best first by the test metric, with its costs."""
        rows = []
        for f in self.families:
            if f.status != "ok":
                continue
            row: dict[str, Any] = {
                "family": f.family,
                "label": f.label,
                "kind": f.kind,
                "inputs": f.inputs,
                self.metric: f.test_metrics.get(self.metric),
            }
            row.update({f"test_{k}": v for k, v in f.test_metrics.items() if k != self.metric})
            row.update({"trials": f.trials_complete, "pruned": f.trials_pruned, "failed": f.trials_failed})
            row.update({k: f.costs.get(k) for k in LEADERBOARD_COSTS})
            rows.append(row)
        board = pd.DataFrame(rows)
        if board.empty:
            return board
        board = board.sort_values(self.metric, ascending=not self.higher_is_better, kind="stable")
        board.insert(0, "rank", range(1, len(board) + 1))
        return board.reset_index(drop=True)

    def pareto(self, cost: str = "fit_wall_s") -> pd.DataFrame:
        """The families no other family beats on both the test score and ``cost`` (lower is better)."""
        board = self.leaderboard()
        if board.empty:
            return board
        front = pareto_front(board[self.metric].tolist(), board[cost].tolist(), self.higher_is_better)
        return board.loc[front, ["family", "kind", self.metric, cost]].sort_values(cost).reset_index(drop=True)

    def history(self) -> pd.DataFrame:
        """Every trial of every family, in order, with state, value, duration and costs."""
        rows = [
            {
                "family": t.family,
                "trial": t.number,
                "state": t.state,
                "value": t.value,
                "duration_s": t.duration_s,
                **{f"cost_{k}": v for k, v in t.costs.items()},
                "error": t.error,
                "params": t.params,
            }
            for t in self.trials
        ]
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ serialization
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, default=str)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BenchmarkResult:
        return cls(
            **{k: v for k, v in data.items() if k not in ("families", "trials", "verdict", "notes", "comparison")},
            families=tuple(FamilyResult(**{**f, "members": tuple(f.get("members") or ())}) for f in data["families"]),
            trials=tuple(TrialRecord(**t) for t in data["trials"]),
            verdict=Verdict(**data["verdict"]),
            comparison=DeepVsClassical.from_dict(data.get("comparison")),
            notes=tuple(data.get("notes", ())),
        )

    @classmethod
    def from_json(cls, text: str) -> BenchmarkResult:
        return cls.from_dict(json.loads(text))

    @classmethod
    def load(cls, path: str | Path) -> BenchmarkResult:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


def pareto_front(scores: list[float], costs: list[float], higher_is_better: bool = True) -> list[int]:
    """Indices of the points not dominated by another (better or equal score at lower or equal cost).

    >>> pareto_front([0.9, 0.8, 0.85], [10.0, 1.0, 20.0])
    [0, 1]
    """
    sign = 1.0 if higher_is_better else -1.0
    points = [(sign * s, c) for s, c in zip(scores, costs, strict=True)]
    front = []
    for i, (s, c) in enumerate(points):
        dominated = any((s2 >= s and c2 <= c) and (s2 > s or c2 < c) for j, (s2, c2) in enumerate(points) if j != i)
        if not dominated:
            front.append(i)
    return front


def verdict(
    families: tuple[FamilyResult, ...],
    ranking: list[str],
    metric: str,
    higher_is_better: bool,
    interval: Callable[[str, str], tuple[float, float]] | None = None,
) -> Verdict:
    """Compare the rules' ranking with the measured winner; ``interval(winner, pick)`` (the 95% paired-bootstrap
    interval of the winner's lead over the test rows) says whether a lost pick lost by more than the noise."""
    measured = {
        f.family: f.test_metrics[metric]
        for f in families
        if f.status == "ok" and f.test_metrics.get(metric) is not None
    }
    if not measured:
        return Verdict(metric, None, None, False, None, None, "Nothing was measured.")
    recommended = next((f for f in ranking if f in measured), None)
    # best first; on an exact tie the rules' pick counts as the winner (a tie is not a wrong call)
    order = sorted(measured, key=lambda k: (-measured[k] if higher_is_better else measured[k], k != recommended))
    winner = order[0]
    if recommended is None:
        return Verdict(metric, None, winner, False, None, None, f"{winner} won; no ranked family was measured.")
    gap = measured[winner] - measured[recommended]
    margin = gap if higher_is_better else -gap
    rank = order.index(recommended) + 1
    if recommended == winner:
        runner = order[1] if len(order) > 1 else None
        lead = (measured[winner] - measured[runner]) * (1 if higher_is_better else -1) if runner else 0.0
        if runner and lead == 0:
            summary = f"The rules were right: {winner} tied for first on {metric} with {runner}."
        else:
            summary = f"The rules were right: {winner} won on {metric}" + (
                f", ahead of {runner} by {lead:.4f}." if runner else "."
            )
    else:
        low, high = interval(winner, recommended) if interval is not None else (float("nan"), float("nan"))
        noise: bool | None
        if low <= 0 <= high:
            summary = (
                f"The rules picked {recommended}; {winner} scored {margin:.4f} higher on {metric}, within the noise "
                f"(95% interval of the difference {low:+.4f} to {high:+.4f} over the test rows): the measurement "
                "does not contradict the rules."
            )
            noise = True
        else:
            summary = (
                f"The rules picked {recommended} but {winner} won on {metric} by {margin:.4f} "
                f"({recommended} ranked {rank} of {len(order)}): the measurement wins."
            )
            noise = False if interval is not None and np.isfinite(low) else None
        return Verdict(metric, recommended, winner, False, rank, round(margin, 6), summary, noise)
    return Verdict(metric, recommended, winner, recommended == winner, rank, round(margin, 6), summary)

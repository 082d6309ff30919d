"""SuiteResult: every dataset's status and benchmark result, the summary table, the report paths."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from advisor.benchmarking.results import BenchmarkResult

__all__ = ["DatasetOutcome", "SuiteResult"]

SUMMARY_COLUMNS = (
    "dataset",
    "status",
    "recommended",
    "best",
    "metric",
    "best_score",
    "regret",
    "chosen",
    "wall_s",
    "error",
)


@dataclass(frozen=True)
class DatasetOutcome:
    """One dataset of a suite: how it ended and, unless it failed, its :class:`BenchmarkResult`."""

    name: str
    status: str  # 'done' | 'skipped' (a finished result reused) | 'failed' | 'pending' (never ran)
    run_dir: str
    target: str | None = None
    wall_s: float | None = None
    pid: int | None = None
    error: str | None = None
    error_kind: str | None = None  # 'input' (an AdvisorError: fix the data or the suite) | 'bug'
    notes: tuple[str, ...] = ()
    result: BenchmarkResult | None = None

    @property
    def reused(self) -> bool:
        return self.status == "skipped"

    def summary_row(self) -> dict[str, Any]:
        """Recommended family, measured best, its score, the regret of following the rules, the model chosen
        to use (best on validation by the metric), wall time.

        ``regret`` is the measured best's test score minus the recommended family's, in the metric's
        units and oriented so that larger is worse (0 when the rules picked the winner).
        """
        row: dict[str, Any] = dict.fromkeys(SUMMARY_COLUMNS)
        row.update(dataset=self.name, status=self.status, wall_s=self.wall_s, error=self.error)
        if self.result is not None:
            verdict = self.result.verdict
            winner = self.result.family(verdict.winner) if verdict.winner else None
            row.update(
                recommended=verdict.recommended or _top_ranked(self.result),
                best=verdict.winner,
                metric=verdict.metric,
                best_score=winner.test_metrics.get(verdict.metric) if winner else None,
                regret=verdict.margin,
                chosen=self.result.best_family,
            )
        return row


@dataclass(frozen=True)
class SuiteResult:
    """What :func:`advisor.benchmark_suite` did: per dataset outcome, reports, the state file."""

    title: str
    out_dir: Path
    datasets: tuple[DatasetOutcome, ...]
    reports: dict[str, Path] = field(default_factory=dict)
    report_error: str | None = None
    wall_s: float = 0.0

    @property
    def state_path(self) -> Path:
        return self.out_dir / "suite.json"

    @property
    def results(self) -> list[BenchmarkResult]:
        """The benchmark results of the datasets that finished (this run or reused), in suite order."""
        return [d.result for d in self.datasets if d.result is not None]

    @property
    def failed(self) -> list[DatasetOutcome]:
        return [d for d in self.datasets if d.status == "failed"]

    @property
    def ok(self) -> bool:
        """Whether every dataset has a result."""
        return all(d.result is not None for d in self.datasets)

    def dataset(self, name: str) -> DatasetOutcome:
        return next(d for d in self.datasets if d.name == name)

    def summary(self) -> pd.DataFrame:
        """One row per dataset: status, recommended, measured best, metric and score, regret, wall time."""
        return pd.DataFrame([d.summary_row() for d in self.datasets], columns=list(SUMMARY_COLUMNS))

    def to_dict(self) -> dict[str, Any]:
        """The summary, report paths and failures as plain JSON-ready values."""
        return {
            "title": self.title,
            "out_dir": str(self.out_dir),
            "state": str(self.state_path),
            "wall_s": self.wall_s,
            "datasets": [
                {**d.summary_row(), "run_dir": d.run_dir, "target": d.target, "pid": d.pid, "notes": list(d.notes)}
                for d in self.datasets
            ],
            "reports": {k: str(v) for k, v in self.reports.items()},
            "report_error": self.report_error,
        }


def _top_ranked(result: BenchmarkResult) -> str | None:
    ranking = (result.recommendation or {}).get("ranking") or []
    first = ranking[0] if ranking else None
    return first.get("family") if isinstance(first, dict) else None

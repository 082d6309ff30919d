"""The one model of benchmark results that every report format renders: :class:`SuiteReport`.

:func:`build_report` turns :class:`~advisor.benchmarking.results.BenchmarkResult` objects into a
:class:`SuiteReport`: one :class:`DatasetReport` per result (plain JSON-ready values only) plus one
:class:`SummaryRow` per dataset and the overall agreement rate between the rules and the measurement.
The HTML, Markdown and JSON reports and the charts all read this model, so they always agree, and a
report saved as JSON (``report.json``) can be loaded back with :meth:`SuiteReport.from_dict` and
rendered again without the original results. The JSON layout is described by
``advisor/reporting/schema/report.schema.json`` (see ``docs/report-schema.md``).

Definitions used in the summary:

- **recommended**: the rules' top-ranked family (``recommendation.ranking[0]``; the verdict's
  ``recommended`` when the result carries no recommendation).
- **best**: the measured winner on the test metric (the verdict's ``winner``).
- **chosen**: the family chosen as the model to use, best on *validation* by the metric (the result's
  ``best_family``; it can differ from **best**, which looks at test), with ``choice`` saying why and
  ``deployed`` what was saved (``models/best.pkl``) and which rows it was trained on.
- **regret**: how much better the winner scored on test than the recommended family, in the metric's
  units and always >= 0 (for lower-is-better metrics such as RMSE: recommended minus winner); ``0.0``
  when they agree, ``None`` when the recommended family was not measured.
- **agreement rate**: agreed datasets / datasets whose recommended family was measured.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from advisor.benchmarking.costs import COST_KEYS
from advisor.numbers import is_number, jsonable

if TYPE_CHECKING:
    from advisor.benchmarking.results import BenchmarkResult

__all__ = [
    "PARETO_COSTS",
    "SCHEMA_VERSION",
    "DatasetReport",
    "SuiteReport",
    "SummaryRow",
    "build_report",
    "dataset_report",
    "pareto_families",
]

#: Version of the JSON layout (``report.schema.json``): additive changes bump the minor number,
#: breaking changes the major number.
SCHEMA_VERSION = "1.2"

#: The costs the Pareto fronts trade the test score against (lower is better).
PARETO_COSTS = ("fit_wall_s", "latency_p50_ms")

#: Per-family cost keys copied into each leaderboard row (units: s, s, MB, ms, ms, ms, bytes, -, money).


@dataclass(frozen=True)
class DatasetReport:
    """Everything the reports show about one benchmark run, as plain JSON-ready values.

    ``leaderboard`` rows are best first; ``history`` has one row per trial with the family's
    best-so-far validation loss (``objective``, lower is better); ``pareto`` maps each cost in
    :data:`PARETO_COSTS` to the families on its front, cheapest first. Money (``run_money`` and each
    row's ``costs.money``) is in the currency of ``price_per_hour`` and ``None`` when no price was given.
    ``chosen`` is the model to use (best on validation by ``metric``), ``choice`` why, and ``deployed`` the
    saved model: ``family``, ``path``, ``trained_on`` (in words), ``rows`` and a ``note`` when it was not
    refit on all rows (empty for results saved before the choice existed).
    """

    key: str
    dataset: str
    task: str
    modality: str
    metric: str
    higher_is_better: bool
    objective: str
    seed: int
    budget: dict[str, Any]
    started: str
    finished: str
    wall_s: float
    model_s: float
    device: str
    run_dir: str
    storage: str
    hardware: dict[str, Any]
    versions: dict[str, str]
    price_per_hour: float | None
    run_money: float | None
    recommended: str | None
    verdict: dict[str, Any]
    leaderboard: tuple[dict[str, Any], ...]
    not_measured: tuple[dict[str, Any], ...]
    pareto: dict[str, list[str]]
    history: tuple[dict[str, Any], ...]
    recommendation: dict[str, Any] | None = None
    profile: dict[str, Any] | None = None
    notes: tuple[str, ...] = ()
    embeddings: dict[str, Any] = field(default_factory=dict)
    chosen: str | None = None
    choice: str = ""
    deployed: dict[str, Any] = field(default_factory=dict)
    comparison: dict[str, Any] | None = None  # deep vs classical with its interval (DeepVsClassical as a dict)

    @property
    def best(self) -> str | None:
        """The measured winner (the verdict's), or the leaderboard's first row."""
        winner = self.verdict.get("winner")
        return winner or (self.leaderboard[0]["family"] if self.leaderboard else None)

    def row(self, family: str) -> dict[str, Any] | None:
        """The leaderboard row of ``family``, or None when it was not measured."""
        return next((r for r in self.leaderboard if r["family"] == family), None)

    def to_dict(self) -> dict[str, Any]:
        return jsonable(asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DatasetReport:
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        for name in ("leaderboard", "not_measured", "history", "notes"):
            kwargs[name] = tuple(data.get(name, ()))
        return cls(**kwargs)


@dataclass(frozen=True)
class SummaryRow:
    """One dataset in the suite summary: rules vs measurement, regret and the winner's costs."""

    key: str
    dataset: str
    task: str
    metric: str
    higher_is_better: bool
    recommended: str | None
    recommended_score: float | None
    best: str | None
    best_score: float | None
    agreed: bool | None
    regret: float | None
    best_fit_wall_s: float | None
    best_latency_p50_ms: float | None
    wall_s: float
    price_per_hour: float | None
    money: float | None
    chosen: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return jsonable(asdict(self))


@dataclass(frozen=True)
class SuiteReport:
    """A report over one or more benchmark runs. Round-trips through :meth:`to_dict` / :meth:`from_dict`."""

    title: str
    created: str
    advisor_version: str
    schema_version: str
    datasets: tuple[DatasetReport, ...]
    summary: tuple[SummaryRow, ...]
    agreement_rate: float | None
    agreed: int
    compared: int

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (non-finite floats become ``None``) matching ``report.schema.json``."""
        return jsonable(asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SuiteReport:
        return cls(
            **{k: data[k] for k in ("title", "created", "advisor_version", "schema_version", "agreement_rate")},
            agreed=int(data["agreed"]),
            compared=int(data["compared"]),
            datasets=tuple(DatasetReport.from_dict(d) for d in data["datasets"]),
            summary=tuple(SummaryRow(**r) for r in data["summary"]),
        )


# --------------------------------------------------------------------------------------- building
def build_report(results: list[BenchmarkResult], title: str = "advisor benchmark report") -> SuiteReport:
    """The report model of ``results`` (one per dataset, in the given order)."""
    keys = _unique_keys([r.dataset for r in results])
    datasets = tuple(dataset_report(r, key) for r, key in zip(results, keys, strict=True))
    summary = tuple(summary_row(d) for d in datasets)
    compared = [row for row in summary if row.agreed is not None]
    agreed = sum(1 for row in compared if row.agreed)
    return SuiteReport(
        title=title,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        advisor_version=_advisor_version(),
        schema_version=SCHEMA_VERSION,
        datasets=datasets,
        summary=summary,
        agreement_rate=agreed / len(compared) if compared else None,
        agreed=agreed,
        compared=len(compared),
    )


def dataset_report(result: BenchmarkResult, key: str | None = None) -> DatasetReport:
    """The report model of one :class:`BenchmarkResult`; ``key`` (anchor / file name) defaults to a slug."""
    price = result.price_per_hour
    hardware = dict(result.hardware or {})
    versions = {str(k): str(v) for k, v in dict(hardware.pop("versions", None) or {}).items()}
    leaderboard = _leaderboard(result)
    return DatasetReport(
        key=key or _slug(result.dataset),
        dataset=result.dataset,
        task=result.task,
        modality=result.modality,
        metric=result.metric,
        higher_is_better=bool(result.higher_is_better),
        objective=_objective(result.task),
        seed=int(result.seed),
        budget=jsonable(dict(result.budget or {})),
        started=str(result.started),
        finished=str(result.finished),
        wall_s=float(result.wall_s),
        model_s=float(result.model_s),
        device=str(result.device),
        run_dir=str(result.run_dir),
        storage=str(result.storage),
        hardware=jsonable(hardware),
        versions=versions,
        price_per_hour=price,
        run_money=None if price is None else float(result.wall_s) / 3600.0 * float(price),
        recommended=_recommended(result),
        verdict=jsonable(asdict(result.verdict)),
        comparison=jsonable(asdict(result.comparison)) if result.comparison is not None else None,
        leaderboard=tuple(jsonable(row) for row in leaderboard),
        not_measured=tuple(
            jsonable({"family": f.family, "label": f.label, "kind": f.kind, "status": f.status, "reason": f.reason})
            for f in result.families
            if f.status != "ok"
        ),
        pareto={cost: pareto_families(leaderboard, cost, result.higher_is_better) for cost in PARETO_COSTS},
        history=tuple(jsonable(row) for row in _history(result)),
        recommendation=jsonable(result.recommendation) if result.recommendation else None,
        profile=jsonable(result.profile) if result.profile else None,
        notes=tuple(str(n) for n in result.notes),
        embeddings=jsonable(dict(result.embeddings or {})),
        chosen=result.best_family,
        choice=str(result.choice or ""),
        deployed=jsonable(dict(result.deployed or {})),
    )


def summary_row(d: DatasetReport) -> SummaryRow:
    """The suite-summary row of one dataset (see the module docstring for the definitions)."""
    best = d.best
    best_row = d.row(best) if best else None
    rec_row = d.row(d.recommended) if d.recommended else None
    best_score = _score(best_row)
    rec_score = _score(rec_row)
    agreed: bool | None = None
    regret: float | None = None
    if rec_row is not None and best_row is not None:
        agreed = d.recommended == best
        if agreed:
            regret = 0.0
        elif best_score is not None and rec_score is not None:
            gap = best_score - rec_score
            regret = gap if d.higher_is_better else -gap
    costs = (best_row or {}).get("costs", {})
    return SummaryRow(
        key=d.key,
        dataset=d.dataset,
        task=d.task,
        metric=d.metric,
        higher_is_better=d.higher_is_better,
        recommended=d.recommended,
        recommended_score=rec_score,
        best=best,
        best_score=best_score,
        agreed=agreed,
        regret=regret,
        best_fit_wall_s=costs.get("fit_wall_s"),
        best_latency_p50_ms=costs.get("latency_p50_ms"),
        wall_s=d.wall_s,
        price_per_hour=d.price_per_hour,
        money=d.run_money,
        chosen=d.chosen,
    )


def pareto_families(rows: list[dict[str, Any]] | tuple[dict[str, Any], ...], cost: str, higher: bool) -> list[str]:
    """Families no other row beats on both ``score`` and ``costs[cost]`` (lower cost is better), cheapest first.

    Same rule as :meth:`BenchmarkResult.pareto`; rows without a score or that cost are left out.

    >>> rows = [{"family": "a", "score": 0.9, "costs": {"c": 10.0}}, {"family": "b", "score": 0.8, "costs": {"c": 1.0}},
    ...         {"family": "c", "score": 0.85, "costs": {"c": 20.0}}]
    >>> pareto_families(rows, "c", higher=True)
    ['b', 'a']
    """
    sign = 1.0 if higher else -1.0
    points = [
        (r["family"], sign * float(r["score"]), float(r["costs"][cost]))
        for r in rows
        if is_number(r.get("score")) and is_number(r.get("costs", {}).get(cost))
    ]
    front = [
        (c, name)
        for name, s, c in points
        if not any(s2 >= s and c2 <= c and (s2 > s or c2 < c) for other, s2, c2 in points if other != name)
    ]
    return [name for _, name in sorted(front, key=lambda item: item[0])]


# --------------------------------------------------------------------------------------- helpers
def _leaderboard(result: BenchmarkResult) -> list[dict[str, Any]]:
    """Measured families, best first (the order of :meth:`BenchmarkResult.leaderboard`), with nested details."""
    board = result.leaderboard()
    order = [] if board.empty else [str(f) for f in board["family"]]
    by_name = {f.family: f for f in result.families if f.status == "ok"}
    rows = []
    for rank, name in enumerate(order, 1):
        f = by_name[name]
        rows.append(
            {
                "rank": rank,
                "family": f.family,
                "label": f.label,
                "kind": f.kind,
                "inputs": f.inputs,
                "score": f.test_metrics.get(result.metric),
                "val_score": f.val_metrics.get(result.metric),
                "best_value": f.best_value,
                "test_metrics": dict(f.test_metrics),
                "val_metrics": dict(f.val_metrics),
                "trials_complete": f.trials_complete,
                "trials_pruned": f.trials_pruned,
                "trials_failed": f.trials_failed,
                "best_trial": f.best_trial,
                "best_params": dict(f.best_params),
                "costs": {
                    k: _money(f.costs.get(k), result.price_per_hour) if k == "money" else f.costs.get(k)
                    for k in COST_KEYS
                },
                "model_path": f.model_path,
                "trained_on": f.trained_on,
                "train_rows": f.train_rows,
            }
        )
    return rows


def _history(result: BenchmarkResult) -> list[dict[str, Any]]:
    """Every trial in trial order per family, with the family's best-so-far validation loss."""
    rows = []
    best: dict[str, float] = {}
    for t in sorted(result.trials, key=lambda t: (t.family, t.number)):
        if t.state == "COMPLETE" and is_number(t.value):
            best[t.family] = min(best.get(t.family, math.inf), float(t.value))  # type: ignore[arg-type]
        rows.append(
            {
                "family": t.family,
                "trial": t.number,
                "state": t.state,
                "value": t.value,
                "best_so_far": best.get(t.family),
                "duration_s": t.duration_s,
                "fit_wall_s": t.costs.get("fit_wall_s"),
                "error": t.error,
            }
        )
    return rows


def _recommended(result: BenchmarkResult) -> str | None:
    """The rules' top-ranked family, or the verdict's when the result carries no recommendation."""
    ranking = (result.recommendation or {}).get("ranking") or []
    if ranking:
        return str(ranking[0]["family"])
    return result.verdict.recommended


def _objective(task: str) -> str:
    """The validation loss Optuna minimizes (as ``advisor.metrics.objective_metric``)."""
    return "rmse" if task == "regression" else "log_loss"


def _money(value: Any, price: float | None) -> float | None:
    """A family's money cost, only when a price per hour was given."""
    return None if price is None or not is_number(value) else float(value)


def _score(row: dict[str, Any] | None) -> float | None:
    return float(row["score"]) if row is not None and is_number(row.get("score")) else None


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "dataset"


def _unique_keys(names: list[str]) -> list[str]:
    """Slugs of ``names``, with ``-2``, ``-3``... appended to repeats."""
    used: set[str] = set()
    keys = []
    for name in names:
        base = key = _slug(name)
        n = 1
        while key in used:
            n += 1
            key = f"{base}-{n}"
        used.add(key)
        keys.append(key)
    return keys


def _advisor_version() -> str:
    from advisor import __version__

    return __version__

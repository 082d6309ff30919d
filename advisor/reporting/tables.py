"""The tables of a report, as plain strings, shared by the HTML and Markdown renderers.

Each function reads the report model (:mod:`advisor.reporting.model`) and returns a :class:`Table`
of already formatted cells, so both formats show exactly the same numbers; the renderers only add
markup (and escaping).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from advisor.reporting.model import PARETO_COSTS, DatasetReport, SuiteReport

__all__ = [
    "NO_PRICE",
    "Table",
    "agreed_text",
    "agreement_text",
    "columns_table",
    "costs_table",
    "environment_table",
    "fmt",
    "leaderboard_table",
    "money_text",
    "not_measured_table",
    "params_table",
    "pareto_lines",
    "pick_text",
    "plan_table",
    "price_text",
    "profile_table",
    "ranking_table",
    "rules_table",
    "run_costs_text",
    "size_text",
    "summary_table",
    "versions_table",
]

#: What the reports say instead of a money figure when no price per hour was given.
NO_PRICE = "no price given"
_COST_NAMES = {"fit_wall_s": "fit time", "latency_p50_ms": "latency p50"}


@dataclass(frozen=True)
class Table:
    """Headers and rows of formatted cells; ``numeric`` marks right-aligned columns."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()
    caption: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def is_numeric(self, column: int) -> bool:
        return column < len(self.numeric) and self.numeric[column]


def _table(headers: list[tuple[str, bool]], rows: list[list[str]], caption: str = "") -> Table:
    return Table(
        headers=tuple(h for h, _ in headers),
        rows=tuple(tuple(r) for r in rows),
        numeric=tuple(n for _, n in headers),
        caption=caption,
    )


# --------------------------------------------------------------------------------------- formatting
def fmt(value: Any, spec: str = ".4f", none: str = "-") -> str:
    """A number with ``spec`` (``none`` for missing or non-finite), anything else as ``str``."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return none
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return format(value, spec)
    return str(value)


def money_text(value: float | None, price_per_hour: float | None) -> str:
    """Money at the stated price per hour, or :data:`NO_PRICE` when none was given."""
    if price_per_hour is None:
        return NO_PRICE
    return fmt(value, ".4f")


def price_text(price_per_hour: float | None) -> str:
    """The price statement the costs sections open with."""
    if price_per_hour is None:
        return f"Money: {NO_PRICE} (pass price_per_hour to advisor.benchmark to compute it)."
    return f"Money at {price_per_hour:g} per hour of this machine (same currency as the price)."


def size_text(n: Any) -> str:
    """Bytes as B / KB / MB / GB."""
    if not isinstance(n, (int, float)) or isinstance(n, bool):
        return "-"
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{n} B"


def agreed_text(agreed: bool | None) -> str:
    return "not measured" if agreed is None else ("yes" if agreed else "no")


# --------------------------------------------------------------------------------------- suite
def summary_table(report: SuiteReport) -> Table:
    """One row per dataset: rules' pick vs measured best, regret and the winner's costs."""
    rows = [
        [
            r.dataset,
            r.task,
            r.metric,
            _with_score(r.recommended, r.recommended_score, "not measured"),
            _with_score(r.best, r.best_score, "-"),
            agreed_text(r.agreed),
            fmt(r.regret, none="n/a"),
            fmt(r.best_fit_wall_s, ".3f"),
            fmt(r.best_latency_p50_ms, ".2f"),
            fmt(r.wall_s, ".1f"),
            money_text(r.money, r.price_per_hour),
        ]
        for r in report.summary
    ]
    return _table(
        [
            ("dataset", False),
            ("task", False),
            ("metric", False),
            ("recommended (rules): test score", False),
            ("measured best: test score", False),
            ("agreed", False),
            ("regret", True),
            ("best fit s", True),
            ("best p50 ms", True),
            ("total wall s", True),
            ("money (run)", True),
        ],
        rows,
    )


def _with_score(family: str | None, score: float | None, missing: str) -> str:
    if family is None:
        return "-"
    return f"{family}: {fmt(score)}" if score is not None else f"{family}: {missing}"


def pick_text(d: DatasetReport) -> str:
    """A sentence when the rules' top family was not measured (so the suite summary shows no regret)."""
    if d.recommended is None or d.row(d.recommended) is not None:
        return ""
    return (
        f"The rules' top family, {d.recommended}, was not measured in this run, so the summary computes no "
        "regret for this dataset (the verdict compares the highest-ranked family that was measured)."
    )


def choice_text(d: DatasetReport) -> str:
    """The model to use (chosen on validation by the metric), why, what was saved and which rows it saw, e.g.
    ``Model to use: linear (best validation mae (1.2157) among 1 measured family). Saved as
    runs/r/models/best.pkl, trained on all rows: train + validation + test (60 rows).``"""
    if not d.chosen:
        return ""
    text = f"Model to use: {d.chosen}" + (f" ({d.choice})" if d.choice else "") + "."
    deployed = d.deployed or {}
    if deployed.get("path"):
        rows = deployed.get("rows")
        seen = deployed.get("trained_on") or (f"{rows:,} rows" if isinstance(rows, int) else "")
        text += f" Saved as {deployed['path']}" + (f", trained on {seen}" if seen else "") + "."
    if deployed.get("note"):
        text += f" Note: {deployed['note']}."
    return text


def agreement_text(report: SuiteReport) -> str:
    """The overall agreement rate between the rules and the measurement, in a sentence."""
    skipped = len(report.summary) - report.compared
    tail = f"; {skipped} dataset(s) left out because the recommended family was not measured" if skipped else ""
    if report.agreement_rate is None:
        return f"Agreement rate: n/a (no dataset measured the rules' pick){tail}."
    return (
        f"Agreement rate: {report.agreement_rate:.0%} — the rules' top family won on {report.agreed} of "
        f"{report.compared} dataset(s){tail}."
    )


# --------------------------------------------------------------------------------------- measurement
def leaderboard_table(d: DatasetReport) -> Table:
    """Measured families, best first, with the test metric, validation score, trials and key costs."""
    show_inputs = d.modality != "tabular"
    headers = [("#", True), ("family", False), ("kind", False)]
    headers += [("inputs", False)] if show_inputs else []
    headers += [
        (f"test {d.metric}", True),
        (f"val {d.metric}", True),
        ("trials (ok/pruned/failed)", True),
        ("fit s", True),
        ("p50 ms", True),
        ("size", True),
    ]
    rows = []
    for r in d.leaderboard:
        c = r["costs"]
        rows.append(
            [
                str(r["rank"]),
                r["family"] + (" (rules' pick)" if r["family"] == d.recommended else ""),
                r["kind"],
                *([r["inputs"] or "-"] if show_inputs else []),
                fmt(r["score"]),
                fmt(r["val_score"]),
                f"{r['trials_complete']}/{r['trials_pruned']}/{r['trials_failed']}",
                fmt(c.get("fit_wall_s"), ".3f"),
                fmt(c.get("latency_p50_ms"), ".2f"),
                size_text(c.get("model_size_bytes")),
            ]
        )
    return _table(headers, rows)


def not_measured_table(d: DatasetReport) -> Table:
    """Families in the plan that were skipped or failed, with why."""
    rows = [[f["family"], f["kind"], f["status"], f["reason"] or "-"] for f in d.not_measured]
    return _table([("family", False), ("kind", False), ("status", False), ("reason", False)], rows)


def pareto_lines(d: DatasetReport) -> list[str]:
    """One sentence per Pareto front: the families no other beats on both score and that cost."""
    lines = []
    for cost in PARETO_COSTS:
        front = d.pareto.get(cost) or []
        name = _COST_NAMES.get(cost, cost)
        lines.append(f"{d.metric} vs {name}: " + (" → ".join(front) if front else "nothing measured"))
    return lines


def costs_table(d: DatasetReport) -> Table:
    """Every cost of every measured family, with money at the stated price (or 'no price given')."""
    rows = []
    for r in d.leaderboard:
        c = r["costs"]
        rows.append(
            [
                r["family"],
                fmt(c.get("fit_wall_s"), ".3f"),
                fmt(c.get("fit_cpu_s"), ".3f"),
                fmt(c.get("peak_memory_mb"), ".1f"),
                fmt(c.get("batch_ms_per_1k"), ".1f"),
                fmt(c.get("latency_p50_ms"), ".2f"),
                fmt(c.get("latency_p95_ms"), ".2f"),
                size_text(c.get("model_size_bytes")),
                str(c.get("device") or "-"),
                money_text(c.get("money"), d.price_per_hour),
            ]
        )
    return _table(
        [
            ("family", False),
            ("fit wall s", True),
            ("fit CPU s", True),
            ("peak memory MB", True),
            ("batch ms / 1k rows", True),
            ("latency p50 ms", True),
            ("latency p95 ms", True),
            ("model size", True),
            ("device", False),
            ("money (final fit)", True),
        ],
        rows,
    )


def run_costs_text(d: DatasetReport) -> str:
    """Total wall time, time inside models and the run's money."""
    overhead = max(d.wall_s - d.model_s, 0.0)
    money = "" if d.price_per_hour is None else f"; money for the run: {money_text(d.run_money, d.price_per_hour)}"
    return (
        f"Whole run: {d.wall_s:.1f} s wall ({d.model_s:.1f} s inside model fit and predict, {overhead:.1f} s "
        f"overhead){money}."
    )


def params_table(d: DatasetReport) -> Table:
    """The best hyperparameters of each measured family."""
    rows = [
        [r["family"], fmt(r["best_trial"], "d"), ", ".join(f"{k}={_param(v)}" for k, v in r["best_params"].items())]
        for r in d.leaderboard
    ]
    return _table([("family", False), ("best trial", True), ("parameters", False)], rows)


def _param(value: Any) -> str:
    return format(value, ".4g") if isinstance(value, float) else str(value)


# --------------------------------------------------------------------------------------- rules
def ranking_table(d: DatasetReport) -> Table:
    """The rules' ranking with scores and confidence."""
    ranking = (d.recommendation or {}).get("ranking") or []
    rows = [
        [str(i), r["family"], r.get("kind", "-"), fmt(r.get("score"), "+.2f"), fmt(r.get("confidence"), ".0%")]
        for i, r in enumerate(ranking, 1)
    ]
    return _table([("#", True), ("family", False), ("kind", False), ("score", True), ("confidence", True)], rows)


def rules_table(d: DatasetReport) -> Table:
    """Every fired rule: topic, reason, effect on the families, and its source."""
    rec = d.recommendation or {}
    ranked = {r["family"] for r in rec.get("ranking") or []}
    rows = []
    for rule in rec.get("fired") or []:
        effects = ", ".join(f"{k} {v:+.1f}" for k, v in rule.get("effects", {}).items() if not ranked or k in ranked)
        rows.append([rule.get("topic", "-"), rule.get("reason", ""), effects or "-", rule.get("source", "-")])
    return _table([("topic", False), ("reason", False), ("effects", False), ("source", False)], rows)


def plan_table(d: DatasetReport) -> Table:
    """The benchmark plan: order, family, share of the budget, why."""
    items = ((d.recommendation or {}).get("plan") or {}).get("items") or []
    rows = [
        [str(i), it["family"], fmt(it.get("budget_share"), ".0%"), it.get("reason", "")]
        for i, it in enumerate(items, 1)
    ]
    return _table([("order", True), ("family", False), ("budget", True), ("why", False)], rows)


# --------------------------------------------------------------------------------------- profile
def profile_table(d: DatasetReport) -> Table:
    """The profile's key facts (as the terminal shows them)."""
    p = d.profile or {}
    rows: list[list[str]] = []
    if p:
        rows.append(["modality", _with_reason(p.get("modality"), p.get("modality_reason"))])
        rows.append(["task", _with_reason(p.get("task") or "unknown", p.get("task_reason"))])
        rows.append(["rows x features", f"{p.get('rows', 0):,} x {p.get('features', 0):,}"])
        if p.get("target"):
            rows.append(["target", str(p["target"])])
        if p.get("role_counts"):
            rows.append(["column roles", ", ".join(f"{k} {v}" for k, v in sorted(p["role_counts"].items()))])
        rows.append(["missing cells", fmt(p.get("missing_share"), ".1%")])
        rows += _class_rows(p)
        for key, label in (("target_skewness", "target skewness"), ("skewness_mean", "feature skewness (mean)")):
            if p.get(key) is not None:
                rows.append([label, fmt(p[key], ".2f")])
        if p.get("kurtosis_mean") is not None:
            rows.append(["feature kurtosis (mean, excess)", fmt(p["kurtosis_mean"], ".2f")])
        rows += _modality_rows(p)
        rows.append(["memory", size_text(p.get("memory_bytes"))])
        if p.get("sampled_rows"):
            rows.append(["note", f"column statistics estimated on a {p['sampled_rows']:,}-row sample"])
    return _table([("fact", False), ("value", False)], rows)


def _with_reason(value: Any, reason: Any) -> str:
    return f"{value} ({reason})" if reason else str(value)


def _class_rows(p: dict[str, Any]) -> list[list[str]]:
    if not p.get("n_classes"):
        return []
    counts = list((p.get("class_counts") or {}).items())
    top = ", ".join(f"{k}: {v:,}" for k, v in counts[:5]) + (", ..." if len(counts) > 5 else "")
    rows = [["classes", f"{p['n_classes']} ({top})"]]
    if p.get("imbalance_ratio"):
        rows.append(["imbalance ratio", f"{p['imbalance_ratio']:.1f}:1"])
    if p.get("samples_per_class"):
        rows.append(["samples per class", f"{p['samples_per_class']:,.0f} (smallest class {p.get('min_class_count')})"])
    return rows


def _modality_rows(p: dict[str, Any]) -> list[list[str]]:
    rows = []
    if p.get("image"):
        i = p["image"]
        rows.append(["images", f"{i['count']:,} of {i['height']}x{i['width']}, {i['channels']} channel(s)"])
    if p.get("text"):
        t = p["text"]
        rows.append(
            [
                "text",
                f"{', '.join(t['columns'])}: mean {t['mean_chars']:.0f} chars / {t['mean_words']:.0f} words, "
                f"vocabulary {t['vocabulary_size']:,}",
            ]
        )
    if p.get("series"):
        s = p["series"]
        rows.append(
            ["series", f"{s['count']:,} series, {s['channels']} channel(s), length {s['min_length']}-{s['max_length']}"]
        )
    return rows


def columns_table(d: DatasetReport, limit: int = 40) -> Table:
    """The first ``limit`` feature columns with role, type, missing share, cardinality, skew, kurtosis."""
    columns = (d.profile or {}).get("columns") or []
    rows = [
        [
            c["name"],
            c["role"],
            c["dtype"],
            fmt(c.get("missing_share"), ".1%"),
            fmt(c.get("cardinality"), ","),
            fmt(c.get("skewness"), ".2f"),
            fmt(c.get("kurtosis"), ".2f"),
        ]
        for c in columns[:limit]
    ]
    caption = f"... and {len(columns) - limit} more columns (see report.json)" if len(columns) > limit else ""
    headers = [("column", False), ("role", False), ("dtype", False), ("missing", True)]
    headers += [("cardinality", True), ("skew", True), ("kurtosis", True)]
    return _table(headers, rows, caption)


# --------------------------------------------------------------------------------------- environment
def environment_table(d: DatasetReport) -> Table:
    """Seed, budget, timestamps, device and the machine."""
    hw = d.hardware
    budget = ", ".join(f"{k} {v}" for k, v in d.budget.items() if v is not None) or "-"
    gpus = hw.get("gpus") or []
    rows = [
        ["seed", str(d.seed)],
        ["budget", budget],
        ["started", d.started],
        ["finished", d.finished],
        ["wall time", f"{d.wall_s:.1f} s"],
        ["device", d.device],
        ["platform", str(hw.get("platform", "-"))],
        ["python", str(hw.get("python", "-"))],
        ["CPU cores", fmt(hw.get("cores"), "d")],
        ["memory", f"{fmt(hw.get('memory_gb'), '.1f')} GB"],
        ["GPUs", ", ".join(_gpu(g) for g in gpus) if gpus else "none"],
        ["price per hour", NO_PRICE if d.price_per_hour is None else f"{d.price_per_hour:g}"],
        ["run folder", d.run_dir],
        ["storage", d.storage],
    ]
    return _table([("setting", False), ("value", False)], rows)


def _gpu(g: Any) -> str:
    if isinstance(g, dict):
        name = g.get("name", "GPU")
        memory = g.get("memory_gb")
        return f"{name} ({memory:g} GB)" if isinstance(memory, (int, float)) else str(name)
    return str(g)


def versions_table(d: DatasetReport) -> Table:
    """Library versions the run used."""
    return _table([("library", False), ("version", False)], [[k, v] for k, v in d.versions.items()])

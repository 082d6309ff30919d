"""A Markdown report (GitHub-flavoured tables) with static SVG charts written next to it.

>>> text = render_markdown(report, Path("out/report_assets"), "report_assets")   # doctest: +SKIP

The charts are the same plotly figures the HTML report shows, drawn as SVG by
:func:`advisor.reporting.charts.to_svg` (matplotlib; no browser needed).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from advisor.reporting import tables as t
from advisor.reporting.model import DatasetReport, SuiteReport

if TYPE_CHECKING:
    from advisor.reporting.charts import Chart

__all__ = ["render_markdown"]


def render_markdown(report: SuiteReport, assets_dir: Path, link_prefix: str = "report_assets") -> str:
    """The report as Markdown; writes one ``<chart key>.svg`` per chart into ``assets_dir``.

    Images are linked as ``<link_prefix>/<file>.svg``: pass the path of ``assets_dir`` relative to
    where the Markdown file will be saved.
    """
    from advisor.reporting.charts import dataset_figures, suite_figures

    assets_dir = Path(assets_dir)
    assets_dir.mkdir(parents=True, exist_ok=True)
    prefix = link_prefix.rstrip("/")
    lines = [
        f"# {_text(report.title)}",
        "",
        f"{len(report.datasets)} dataset(s) · created {report.created} · advisor {report.advisor_version} · "
        f"report schema {report.schema_version}",
        "",
        "## Contents",
        "",
        "- [Summary](#summary)",
        *(f"- [{_text(d.dataset)}](#{_anchor(d.dataset)})" for d in report.datasets),
        "",
        "## Summary",
        "",
        _text(t.agreement_text(report)),
        "",
        _table(t.summary_table(report)),
        "",
        "Regret: the measured winner's test score minus the rules' pick, in the metric's units (positive = the "
        "winner was better; 0 when the rules were right). Costs are the winner's.",
        "",
    ]
    lines += _images(suite_figures(report), assets_dir, prefix)
    for d in report.datasets:
        lines += _dataset(d, {c.key: c for c in dataset_figures(d)}, assets_dir, prefix)
    return "\n".join(lines).rstrip() + "\n"


def _dataset(d: DatasetReport, charts: dict[str, Chart], assets: Path, prefix: str) -> list[str]:
    rec = d.recommendation or {}
    lines = [
        f"## {_text(d.dataset)}",
        "",
        f"{_text(d.task)} · {_text(d.modality)} · test metric {_text(d.metric)} "
        f"({'higher' if d.higher_is_better else 'lower'} is better) · seed {d.seed}",
        "",
        f"> **Verdict:** {_text(str(d.verdict.get('summary', '')))}",
        "",
    ]
    if d.comparison:
        lines += [f"**{_text(str(d.comparison.get('summary', '')))}**", ""]
    if rec.get("summary"):
        lines += [f"**Rules:** {_text(rec['summary'])}", ""]
    if t.choice_text(d):
        lines += [_text(t.choice_text(d)), ""]
    if t.pick_text(d):
        lines += [_text(t.pick_text(d)), ""]
    lines += ["### Leaderboard", ""]
    lines += [_table(t.leaderboard_table(d)), ""] if d.leaderboard else ["Nothing was measured.", ""]
    if d.not_measured:
        lines += ["Not measured:", "", _table(t.not_measured_table(d)), ""]
    lines += _images([charts[k] for k in (f"{d.key}-leaderboard",) if k in charts], assets, prefix)
    lines += ["### Pareto fronts", "", *(f"- {_text(line)}" for line in t.pareto_lines(d)), ""]
    keys = (f"{d.key}-pareto-fit", f"{d.key}-pareto-latency")
    lines += _images([charts[k] for k in keys if k in charts], assets, prefix)
    lines += ["### Optimization history", "", f"Best validation {d.objective} so far after each trial.", ""]
    lines += _images([charts[k] for k in (f"{d.key}-history",) if k in charts], assets, prefix)
    if d.leaderboard:
        lines += ["Best hyperparameters:", "", _table(t.params_table(d)), ""]
    lines += ["### Costs", "", _text(t.price_text(d.price_per_hour)) + " " + _text(t.run_costs_text(d)), ""]
    if d.leaderboard:
        lines += [_table(t.costs_table(d)), ""]
    lines += _images([charts[k] for k in (f"{d.key}-costs",) if k in charts], assets, prefix)
    lines += _recommendation(d)
    lines += ["### Profile", ""]
    if d.profile:
        lines += [_table(t.profile_table(d)), ""]
        columns = t.columns_table(d)
        if columns.rows:
            lines += [f"<details><summary>Columns ({len(columns.rows)})</summary>", "", _table(columns), ""]
            lines += [_text(columns.caption), ""] if columns.caption else []
            lines += ["</details>", ""]
    else:
        lines += ["No profile was recorded with this result.", ""]
    lines += ["### Environment", "", _table(t.environment_table(d)), "", _table(t.versions_table(d)), ""]
    lines += [f"- note: {_text(n)}" for n in d.notes]
    return [*lines, ""]


def _recommendation(d: DatasetReport) -> list[str]:
    rec = d.recommendation
    lines = ["### Recommendation", ""]
    if not rec:
        return [*lines, "No recommendation was recorded with this result.", ""]
    lines += [_table(t.ranking_table(d)), "", f"**Why:** {len(rec.get('fired') or [])} rule(s) fired.", ""]
    lines += [_table(t.rules_table(d)), ""]
    plan = rec.get("plan") or {}
    lines += [
        f"**Benchmark plan** (metric {_text(str(plan.get('metric', '-')))}; {_text(str(plan.get('validation', '-')))})",
        "",
        _table(t.plan_table(d)),
        "",
    ]
    transfer = rec.get("transfer")
    if transfer:
        lines += [
            f"**Transfer learning:** {_text(str(transfer.get('strategy', '')).replace('_', ' '))} of "
            f"{_text(str(transfer.get('pretrained_model', '')))}. {_text(str(transfer.get('reason', '')))} "
            f"(source: {_text(str(transfer.get('source', '')))})",
            "",
        ]
    for h in rec.get("hybrids") or []:
        if h.get("applicable"):
            lines += [
                f"**Hybrid {_text(str(h.get('name', '')))}:** {_text(str(h.get('reason', '')))} "
                f"(source: {_text(str(h.get('source', '')))})",
                "",
            ]
    lines += [f"- warning: {_text(str(w))}" for w in rec.get("warnings") or []]
    return lines


# --------------------------------------------------------------------------------------- pieces
def _images(charts: list[Chart], assets: Path, prefix: str) -> list[str]:
    """Write each chart as ``<key>.svg`` and link it."""
    from advisor.reporting.charts import to_svg

    lines = []
    for chart in charts:
        name = f"{chart.key}.svg"
        (assets / name).write_text(to_svg(chart.figure), encoding="utf-8")
        lines += [f"![{_text(chart.title)}]({prefix}/{name})" if prefix else f"![{_text(chart.title)}]({name})", ""]
    return lines


def _table(table: t.Table) -> str:
    """A GitHub-flavoured Markdown table (numeric columns right-aligned)."""
    if not table.rows:
        return "_(none)_"
    head = "| " + " | ".join(_cell(h) for h in table.headers) + " |"
    rule = "|" + "|".join("---:" if table.is_numeric(i) else "---" for i in range(len(table.headers))) + "|"
    body = ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    caption = [f"\n{_text(table.caption)}"] if table.caption else []
    return "\n".join([head, rule, *body, *caption])


def _cell(text: str) -> str:
    """A table cell: escaped, on one line, pipes escaped."""
    return _text(text).replace("|", "\\|").replace("\n", " ") or " "


def _text(text: str) -> str:
    """User text made inert in Markdown: HTML angle brackets escaped, emphasis / link characters escaped."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]])", r"\\\1", text)


def _anchor(title: str) -> str:
    """GitHub's heading anchor of ``title`` (lower case, punctuation dropped, spaces to hyphens)."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")

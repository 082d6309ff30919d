"""A self-contained HTML report: inline CSS, plotly.js inlined once, interactive charts, no network.

>>> html = render_html(build_report([result]))        # doctest: +SKIP
>>> Path("report.html").write_text(html)               # doctest: +SKIP

Every string that comes from the results (dataset and family names, reasons, sources, paths) is
escaped with :func:`html.escape`; figure data is embedded by plotly as escaped JSON.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from advisor.reporting import tables as t
from advisor.reporting.model import DatasetReport, SuiteReport

if TYPE_CHECKING:
    from advisor.reporting.charts import Chart

__all__ = ["render_html"]

CSS = """
:root { --fg:#1f2937; --muted:#6b7280; --line:#e5e7eb; --bg:#f9fafb; --ok:#15803d; --warn:#b45309; --accent:#1d4ed8; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif; color:var(--fg);
       background:var(--bg); }
header { background:#111827; color:#f9fafb; padding:20px 32px; }
header h1 { margin:0 0 4px; font-size:22px; }
header .meta { color:#d1d5db; font-size:13px; }
.layout { display:flex; align-items:flex-start; gap:24px; padding:24px 32px; }
nav.toc { position:sticky; top:16px; flex:0 0 220px; background:#fff; border:1px solid var(--line);
          border-radius:8px; padding:12px 16px; font-size:13px; }
nav.toc h2 { font-size:13px; margin:0 0 6px; text-transform:uppercase; color:var(--muted); }
nav.toc ol, nav.toc ul { margin:0; padding-left:18px; }
nav.toc a { color:var(--accent); text-decoration:none; }
main { flex:1; min-width:0; }
section.block { background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px 24px;
                margin-bottom:24px; }
h2 { font-size:20px; margin:4px 0 8px; }
h3 { font-size:16px; margin:22px 0 8px; border-bottom:1px solid var(--line); padding-bottom:4px; }
p.facts { color:var(--muted); margin-top:0; }
.verdict { border-left:4px solid var(--warn); background:#fffbeb; padding:8px 12px; margin:8px 0 12px; }
.verdict.agreed { border-color:var(--ok); background:#f0fdf4; }
.note { color:var(--muted); font-size:13px; }
.table-wrap { overflow-x:auto; margin:8px 0; }
table { border-collapse:collapse; font-size:13px; width:auto; }
th, td { border-bottom:1px solid var(--line); padding:4px 10px; text-align:left; vertical-align:top; }
th { background:#f3f4f6; position:sticky; top:0; cursor:pointer; user-select:none; white-space:nowrap; }
th::after { content:" \\2195"; color:#9ca3af; font-size:11px; }
th[data-sorted="asc"]::after { content:" \\2191"; color:var(--fg); }
th[data-sorted="desc"]::after { content:" \\2193"; color:var(--fg); }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
tr:hover td { background:#f9fafb; }
.figure { margin:8px 0 16px; border:1px solid var(--line); border-radius:6px; padding:4px; }
.grid2 { display:grid; grid-template-columns:repeat(auto-fit, minmax(420px, 1fr)); gap:12px; }
details summary { cursor:pointer; color:var(--accent); margin:6px 0; }
code { background:#f3f4f6; padding:1px 4px; border-radius:4px; }
footer { color:var(--muted); font-size:12px; padding:0 32px 24px; }
"""

# Click a header to sort its table (numbers numerically, text alphabetically); no dependencies.
_SORT_JS = """
document.querySelectorAll("table.sortable th").forEach(function (th, _i) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0];
    var col = Array.prototype.indexOf.call(th.parentNode.children, th);
    var dir = th.getAttribute("data-sorted") === "asc" ? "desc" : "asc";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("data-sorted"); });
    th.setAttribute("data-sorted", dir);
    var key = function (row) {
      var text = row.children[col] ? row.children[col].textContent.trim() : "";
      var num = parseFloat(text.replace(/,/g, ""));
      return isNaN(num) ? text.toLowerCase() : num;
    };
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      if (typeof x !== typeof y) { x = String(x); y = String(y); }
      return (x < y ? -1 : x > y ? 1 : 0) * (dir === "asc" ? 1 : -1);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""


def render_html(report: SuiteReport) -> str:
    """The whole report as one HTML document that opens offline (plotly.js inlined once)."""
    from plotly.offline import get_plotlyjs

    from advisor.reporting.charts import dataset_figures, suite_figures

    suite_charts = suite_figures(report)
    sections = [_summary_section(report, suite_charts)]
    for d in report.datasets:
        sections.append(_dataset_section(d, {c.key: c for c in dataset_figures(d)}))
    title = escape(report.title)
    meta = (
        f"{len(report.datasets)} dataset(s) · created {escape(report.created)} · "
        f"advisor {escape(report.advisor_version)} · report schema {escape(report.schema_version)}"
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="generator" content="advisor {escape(report.advisor_version)}">',
            f"<title>{title}</title>",
            f"<style>{CSS}</style>",
            f'<script type="text/javascript">{get_plotlyjs()}</script>',
            "</head>",
            "<body>",
            f'<header><h1>{title}</h1><div class="meta">{meta}</div></header>',
            '<div class="layout">',
            _toc(report),
            "<main>",
            *sections,
            "</main>",
            "</div>",
            "<footer>Generated by advisor. Scores are on each dataset's held-out test split; costs were measured on "
            "the machine listed under Environment. Click a table header to sort.</footer>",
            f"<script>{_SORT_JS}</script>",
            "</body>",
            "</html>",
        ]
    )


# --------------------------------------------------------------------------------------- sections
def _toc(report: SuiteReport) -> str:
    items = ['<li><a href="#summary">Summary</a></li>']
    for d in report.datasets:
        subs = "".join(
            f'<li><a href="#{_id(d, part)}">{label}</a></li>'
            for part, label in (
                ("leaderboard", "Leaderboard"),
                ("pareto", "Pareto fronts"),
                ("history", "History"),
                ("costs", "Costs"),
                ("rules", "Recommendation"),
                ("profile", "Profile"),
                ("environment", "Environment"),
            )
        )
        items.append(f'<li><a href="#{_id(d)}">{escape(d.dataset)}</a><ul>{subs}</ul></li>')
    return f'<nav class="toc"><h2>Contents</h2><ol>{"".join(items)}</ol></nav>'


def _summary_section(report: SuiteReport, charts: list[Chart]) -> str:
    parts = [
        '<section class="block" id="summary">',
        "<h2>Summary</h2>",
        f"<p>{escape(t.agreement_text(report))}</p>",
        _table(t.summary_table(report)),
        "<p class=\"note\">Regret: the measured winner's test score minus the rules' pick, in the metric's units "
        "(positive = the winner was better; 0 when the rules were right). Costs are the winner's.</p>",
        *(figure_html(c) for c in charts),
        "</section>",
    ]
    return "\n".join(parts)


def _dataset_section(d: DatasetReport, charts: dict[str, Chart]) -> str:
    agreed = bool(d.verdict.get("agreed"))
    facts = (
        f"{escape(d.task)} · {escape(d.modality)} · test metric {escape(d.metric)} "
        f"({'higher' if d.higher_is_better else 'lower'} is better) · seed {d.seed}"
    )
    rec = d.recommendation or {}
    parts = [
        f'<section class="block dataset" id="{_id(d)}">',
        f"<h2>{escape(d.dataset)}</h2>",
        f'<p class="facts">{facts}</p>',
        f'<div class="verdict{" agreed" if agreed else ""}"><strong>Verdict:</strong> '
        f"{escape(str(d.verdict.get('summary', '')))}</div>",
    ]
    if d.comparison:
        parts.append(f'<p class="comparison"><strong>Deep vs classical:</strong> {escape(_after_colon(d))}</p>')
    if rec.get("summary"):
        parts.append(f"<p><strong>Rules:</strong> {escape(rec['summary'])}</p>")
    if t.choice_text(d):
        parts.append(f'<p class="choice">{escape(t.choice_text(d))}</p>')
    if t.pick_text(d):
        parts.append(f'<p class="note">{escape(t.pick_text(d))}</p>')
    parts += _measurement_parts(d, charts)
    parts += _recommendation_parts(d)
    parts += _profile_parts(d)
    parts += _environment_parts(d)
    parts.append("</section>")
    return "\n".join(parts)


def _measurement_parts(d: DatasetReport, charts: dict[str, Chart]) -> list[str]:
    parts = [f'<h3 id="{_id(d, "leaderboard")}">Leaderboard</h3>']
    if d.leaderboard:
        parts.append(_table(t.leaderboard_table(d)))
    else:
        parts.append("<p>Nothing was measured.</p>")
    if d.not_measured:
        parts += ["<p>Not measured:</p>", _table(t.not_measured_table(d))]
    parts += _figures(charts, f"{d.key}-leaderboard")
    parts.append(f'<h3 id="{_id(d, "pareto")}">Pareto fronts</h3>')
    parts.append("<ul>" + "".join(f"<li>{escape(line)}</li>" for line in t.pareto_lines(d)) + "</ul>")
    pareto = _figures(charts, f"{d.key}-pareto-fit", f"{d.key}-pareto-latency")
    if pareto:
        parts.append(f'<div class="grid2">{"".join(pareto)}</div>')
    parts.append(f'<h3 id="{_id(d, "history")}">Optimization history</h3>')
    parts.append(
        f'<p class="note">Best validation {escape(d.objective)} so far (the loss Optuna minimized) '
        "after each trial.</p>"
    )
    parts += _figures(charts, f"{d.key}-history") or ["<p>No completed trials.</p>"]
    if d.leaderboard:
        parts += ["<details><summary>Best hyperparameters</summary>", _table(t.params_table(d)), "</details>"]
    parts.append(f'<h3 id="{_id(d, "costs")}">Costs</h3>')
    parts.append(f"<p>{escape(t.price_text(d.price_per_hour))} {escape(t.run_costs_text(d))}</p>")
    if d.leaderboard:
        parts.append(_table(t.costs_table(d)))
    parts += _figures(charts, f"{d.key}-costs")
    for name, stats in d.embeddings.items():
        parts.append(f'<p class="note">Embeddings ({escape(str(name))}): {escape(_embedding_text(stats))}</p>')
    return parts


def _recommendation_parts(d: DatasetReport) -> list[str]:
    parts = [f'<h3 id="{_id(d, "rules")}">Recommendation</h3>']
    rec = d.recommendation
    if not rec:
        return [*parts, "<p>No recommendation was recorded with this result.</p>"]
    parts.append(_table(t.ranking_table(d)))
    parts.append(f"<p><strong>Why</strong>: {len(rec.get('fired') or [])} rule(s) fired.</p>")
    parts.append(_table(t.rules_table(d)))
    plan = rec.get("plan") or {}
    parts.append(
        f"<p><strong>Benchmark plan</strong> (metric {escape(str(plan.get('metric', '-')))}; "
        f"{escape(str(plan.get('validation', '-')))})</p>"
    )
    parts.append(_table(t.plan_table(d)))
    transfer = rec.get("transfer")
    if transfer:
        parts.append(
            f"<p><strong>Transfer learning</strong>: {escape(str(transfer.get('strategy', '')).replace('_', ' '))} of "
            f"{escape(str(transfer.get('pretrained_model', '')))}. {escape(str(transfer.get('reason', '')))} "
            f'<span class="note">source: {escape(str(transfer.get("source", "")))}</span></p>'
        )
    hybrids = [h for h in rec.get("hybrids") or [] if h.get("applicable")]
    for h in hybrids:
        parts.append(
            f"<p><strong>Hybrid</strong> {escape(str(h.get('name', '')))}: {escape(str(h.get('reason', '')))} "
            f'<span class="note">source: {escape(str(h.get("source", "")))}</span></p>'
        )
    parts += [f'<p class="note">warning: {escape(str(w))}</p>' for w in rec.get("warnings") or []]
    return parts


def _profile_parts(d: DatasetReport) -> list[str]:
    parts = [f'<h3 id="{_id(d, "profile")}">Profile</h3>']
    if not d.profile:
        return [*parts, "<p>No profile was recorded with this result.</p>"]
    parts.append(_table(t.profile_table(d), sortable=False))
    columns = t.columns_table(d)
    if columns.rows:
        parts += [f"<details><summary>Columns ({len(columns.rows)})</summary>", _table(columns), "</details>"]
    return parts


def _environment_parts(d: DatasetReport) -> list[str]:
    parts = [f'<h3 id="{_id(d, "environment")}">Environment</h3>']
    parts.append('<div class="grid2">')
    parts.append(_table(t.environment_table(d), sortable=False))
    parts.append(_table(t.versions_table(d), sortable=False))
    parts.append("</div>")
    parts += [f'<p class="note">note: {escape(n)}</p>' for n in d.notes]
    return parts


# --------------------------------------------------------------------------------------- pieces
def _table(table: t.Table, sortable: bool = True) -> str:
    """A plain HTML table (escaped cells, numeric columns right-aligned, sortable by header click)."""
    num = ' class="num"'
    head = "".join(
        f'<th{num if table.is_numeric(i) else ""} scope="col">{escape(h)}</th>' for i, h in enumerate(table.headers)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{num if table.is_numeric(i) else ''}>{escape(c)}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in table.rows
    )
    caption = f'<p class="note">{escape(table.caption)}</p>' if table.caption else ""
    cls = ' class="sortable"' if sortable else ""
    table_html = f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="table-wrap">{table_html}</div>{caption}'


def figure_html(chart: Chart) -> str:
    """One plotly figure as a div plus its newPlot script (plotly.js itself is in the page head)."""
    height = int(chart.figure.layout.height or 420)
    body = chart.figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=f"fig-{chart.key}",
        default_height=f"{height}px",
        config={"displaylogo": False, "responsive": True},
    )
    return f'<div class="figure" data-chart="{escape(chart.key)}">{body}</div>'


def _figures(charts: dict[str, Chart], *keys: str) -> list[str]:
    return [figure_html(charts[k]) for k in keys if k in charts]


def _id(d: DatasetReport, part: str = "") -> str:
    return escape(f"ds-{d.key}" + (f"-{part}" if part else ""))


def _embedding_text(stats: dict[str, object]) -> str:
    cached = "reused from the run folder's cache" if stats.get("cached") else "computed once and cached"
    amount = f"{stats.get('items', '?')} {stats.get('unit', 'items')}"
    return f"{stats.get('encoder', '?')}: {amount} in {stats.get('seconds', '?')} s, {cached}"


def _after_colon(d: DatasetReport) -> str:
    """The comparison's summary without its 'Deep vs classical:' lead (the page prints it in bold)."""
    return str((d.comparison or {}).get("summary", "")).removeprefix("Deep vs classical: ")

"""Charts of benchmark results as plotly figures, and a static SVG renderer for the same figures.

One builder per chart feeds every output: the HTML report embeds the plotly figures (interactive),
the Markdown report writes :func:`to_svg` of the same figures (matplotlib, no browser or kaleido
needed), and a dashboard can show them with ``st.plotly_chart``. Builders accept a
:class:`~advisor.benchmarking.results.BenchmarkResult` or its report model
(:class:`~advisor.reporting.model.DatasetReport`); :func:`suite_chart` takes the suite report.

plotly and matplotlib are imported inside the functions, so importing this module stays light.

>>> fig = leaderboard_chart(advisor.BenchmarkResult.load("run/result.json"))   # doctest: +SKIP
>>> svg = to_svg(fig)                                                            # doctest: +SKIP
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from advisor.errors import InvalidArgumentError
from advisor.numbers import is_number
from advisor.reporting.model import DatasetReport, SuiteReport, SummaryRow, dataset_report

if TYPE_CHECKING:
    import plotly.graph_objects as go
    from matplotlib.typing import RcKeyType

    from advisor.benchmarking.results import BenchmarkResult
    from advisor.curve import LearningCurve

__all__ = [
    "KIND_COLORS",
    "Chart",
    "costs_chart",
    "dataset_figures",
    "history_chart",
    "leaderboard_chart",
    "learning_curve_chart",
    "pareto_chart",
    "suite_chart",
    "suite_figures",
    "to_svg",
]

#: Marker / bar colour of each family kind.
KIND_COLORS = {"classical": "#1f77b4", "deep": "#d62728", "hybrid": "#9467bd"}
_OTHER_KIND = "#7f7f7f"
#: Line colours of families in the history chart (and plotly's default colour cycle here).
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")
STATUS_COLORS = {"agreed": "#2ca02c", "disagreed": "#ff7f0e", "not measured": "#7f7f7f"}
#: Human labels (with units) of the numeric costs.
COST_LABELS = {
    "fit_wall_s": "fit time (s)",
    "fit_cpu_s": "fit CPU time (s)",
    "peak_memory_mb": "peak memory (MB)",
    "batch_ms_per_1k": "batch prediction (ms per 1,000 rows)",
    "latency_p50_ms": "latency p50 (ms, one row)",
    "latency_p95_ms": "latency p95 (ms, one row)",
    "model_size_bytes": "model size (bytes)",
    "money": "money (at the given price per hour)",
}
_HEIGHT = 420


@dataclass(frozen=True)
class Chart:
    """A figure with a stable key (for element ids and file names) and a caption."""

    key: str
    title: str
    figure: go.Figure


# --------------------------------------------------------------------------------------- builders
def pareto_chart(result: BenchmarkResult | DatasetReport, cost: str = "fit_wall_s") -> go.Figure:
    """Test score vs ``cost`` for every measured family (coloured by kind) with the Pareto front as a line."""
    import plotly.graph_objects as go

    d = _report(result)
    if cost not in COST_LABELS:
        raise InvalidArgumentError(f"Unknown cost {cost!r} for a Pareto chart.", f"Use one of {sorted(COST_LABELS)}.")
    rows = [r for r in d.leaderboard if is_number(r.get("score")) and is_number(r["costs"].get(cost))]
    fig = _figure(f"{d.dataset}: test {d.metric} vs {COST_LABELS[cost]}")
    for kind in _kinds(rows):
        group = [r for r in rows if r["kind"] == kind]
        fig.add_trace(
            go.Scatter(
                x=[r["costs"][cost] for r in group],
                y=[r["score"] for r in group],
                mode="markers+text",
                name=kind,
                text=[r["family"] for r in group],
                textposition="top center",
                cliponaxis=False,
                marker={"color": KIND_COLORS.get(kind, _OTHER_KIND), "size": 12, "line": {"width": 1, "color": "#fff"}},
                customdata=[[r["label"], r["inputs"] or "-"] for r in group],
                hovertemplate=(
                    "<b>%{text}</b> (%{customdata[0]})<br>inputs: %{customdata[1]}<br>"
                    f"{d.metric}: %{{y:.4f}}<br>{COST_LABELS[cost]}: %{{x:.4g}}<extra>{kind}</extra>"
                ),
            )
        )
    front = [r for name in d.pareto.get(cost) or _front(d, cost) for r in rows if r["family"] == name]
    if front:
        fig.add_trace(
            go.Scatter(
                x=[r["costs"][cost] for r in front],
                y=[r["score"] for r in front],
                mode="lines+markers",
                name="Pareto front",
                line={"color": "#444", "dash": "dash", "width": 1.5},
                marker={"symbol": "circle-open", "size": 20, "color": "#444", "line": {"width": 1.5}},
                hoverinfo="skip",
            )
        )
    log = _log_axis([r["costs"][cost] for r in rows])
    fig.update_xaxes(title_text=COST_LABELS[cost] + (" (log scale)" if log else ""), type="log" if log else None)
    fig.update_yaxes(title_text=f"test {d.metric} ({_better(d)})")
    return fig


def history_chart(result: BenchmarkResult | DatasetReport) -> go.Figure:
    """Best-so-far validation loss (the objective Optuna minimized) vs trial number, one line per family."""
    import plotly.graph_objects as go

    d = _report(result)
    fig = _figure(f"{d.dataset}: optimization history (best validation {d.objective} so far)")
    for i, family in enumerate(_history_families(d)):
        points = [h for h in d.history if h["family"] == family and is_number(h.get("best_so_far"))]
        fig.add_trace(
            go.Scatter(
                x=[h["trial"] for h in points],
                y=[h["best_so_far"] for h in points],
                mode="lines+markers",
                name=family,
                line={"color": PALETTE[i % len(PALETTE)], "shape": "hv", "width": 2},
                marker={"size": 7},
                customdata=[[h["state"], h["value"]] for h in points],
                hovertemplate=(
                    f"<b>{family}</b> trial %{{x}}<br>best so far: %{{y:.4f}}<br>"
                    "this trial: %{customdata[1]:.4f} (%{customdata[0]})<extra></extra>"
                ),
            )
        )
    last = max([h["trial"] for h in d.history], default=0)
    fig.update_xaxes(title_text="trial number", range=[-0.5, last + 0.5], dtick=1 if last < 15 else None)
    fig.update_yaxes(title_text=f"best validation {d.objective} so far (lower is better)")
    return fig


def leaderboard_chart(result: BenchmarkResult | DatasetReport) -> go.Figure:
    """Horizontal bars of each measured family's test score, best on top, coloured by kind."""
    import plotly.graph_objects as go

    d = _report(result)
    rows = [r for r in reversed(d.leaderboard) if is_number(r.get("score"))]
    fig = _figure(f"{d.dataset}: test {d.metric} ({_better(d)})", height=max(260, 60 + 42 * len(rows)))
    fig.add_trace(
        go.Bar(
            x=[r["score"] for r in rows],
            y=[f"{r['family']} · {r['kind']}" for r in rows],
            orientation="h",
            marker={"color": [KIND_COLORS.get(r["kind"], _OTHER_KIND) for r in rows]},
            text=[f"{r['score']:.4f}" for r in rows],
            textposition="outside",
            cliponaxis=False,
            customdata=[[r["label"], r["rank"]] for r in rows],
            hovertemplate=f"#%{{customdata[1]}} %{{customdata[0]}}<br>{d.metric}: %{{x:.4f}}<extra></extra>",
            name=d.metric,
        )
    )
    fig.update_xaxes(title_text=f"test {d.metric}")
    fig.update_layout(showlegend=False, margin={"r": 70})
    return fig


def costs_chart(result: BenchmarkResult | DatasetReport) -> go.Figure:
    """Fit time, latency, peak memory and model size per family (2 x 2 panels of horizontal bars)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    d = _report(result)
    rows = list(reversed(d.leaderboard))
    panels = (
        ("fit_wall_s", "fit time (s)", 1.0),
        ("latency_p50_ms", "latency p50 (ms)", 1.0),
        ("peak_memory_mb", "peak memory (MB)", 1.0),
        ("model_size_bytes", "model size (MB)", 1.0 / 1024 / 1024),
    )
    fig = make_subplots(rows=2, cols=2, subplot_titles=[p[1] for p in panels], horizontal_spacing=0.18)
    fig.update_layout(_layout(f"{d.dataset}: costs per family", height=max(420, 180 + 60 * len(rows))))
    for i, (key, label, scale) in enumerate(panels):
        row, col = divmod(i, 2)
        values = [r["costs"].get(key) * scale if is_number(r["costs"].get(key)) else None for r in rows]
        fig.add_trace(
            go.Bar(
                x=values,
                y=[r["family"] for r in rows],
                orientation="h",
                marker={"color": [KIND_COLORS.get(r["kind"], _OTHER_KIND) for r in rows]},
                name=label,
                hovertemplate=f"%{{y}}<br>{label}: %{{x:.4g}}<extra></extra>",
            ),
            row=row + 1,
            col=col + 1,
        )
        if _log_axis(values):
            fig.update_xaxes(type="log", row=row + 1, col=col + 1)
    fig.update_layout(showlegend=False)
    return fig


def suite_chart(summary: SuiteReport | Sequence[SummaryRow]) -> go.Figure:
    """Per dataset: regret of the rules' pick (0 = it won), coloured by agreed / disagreed / not measured."""
    import plotly.graph_objects as go

    rows = list(summary.summary if isinstance(summary, SuiteReport) else summary)
    fig = _figure("Rules vs measurement: regret of the recommended family", height=max(260, 110 + 48 * len(rows)))
    for status in STATUS_COLORS:
        group = [r for r in rows if _status(r) == status]
        if not group:
            continue
        fig.add_trace(
            go.Scatter(
                x=[r.regret or 0.0 for r in group],
                y=[r.dataset for r in group],
                mode="markers+text",
                name=status,
                text=[_regret_text(r) for r in group],
                textposition="middle right",
                marker={
                    "color": STATUS_COLORS[status],
                    "size": 14,
                    "symbol": "x" if status == "not measured" else "circle",
                },
                customdata=[[r.recommended or "-", r.best or "-", r.metric] for r in group],
                hovertemplate=(
                    "<b>%{y}</b><br>rules: %{customdata[0]}<br>measured best: %{customdata[1]}<br>"
                    "regret: %{x:.4f} %{customdata[2]}<extra></extra>"
                ),
            )
        )
    fig.add_vline(x=0, line={"color": "#999", "width": 1})
    top = max([r.regret or 0.0 for r in rows] + [0.0])
    fig.update_xaxes(title_text="regret (winner's test score minus the rules' pick, in each metric's units)")
    fig.update_xaxes(range=[-0.05 * (top or 1.0), (top or 1.0) * 1.9])
    fig.update_yaxes(categoryorder="array", categoryarray=[r.dataset for r in reversed(rows)])
    return fig


def learning_curve_chart(curve: LearningCurve) -> go.Figure:
    """Test score against training rows (log scale): measured points, each family's fitted power law out to
    ten times the data with its 80% band, and the expected crossover."""
    import numpy as np
    import plotly.graph_objects as go

    from advisor.curve.result import to_score

    fig = _figure(f"Learning curves: {curve.dataset}")
    largest = max(curve.sizes)
    grid = np.geomspace(min(curve.sizes), 10 * largest, 60)
    rng = np.random.default_rng(0)
    for i, family in enumerate(dict.fromkeys(p.family for p in curve.points)):
        color = PALETTE[i % len(PALETTE)]
        measured = curve.scores(family)
        fig.add_trace(
            go.Scatter(
                x=[n for n, _ in measured], y=[s for _, s in measured], mode="markers", name=f"{family} (measured)",
                marker={"color": color, "size": 9}, legendgroup=family,
            )
        )  # fmt: skip
        law = curve.fits.get(family)
        if law is None:
            continue
        low, high = law.interval(grid, rng)
        bounds = [to_score(v, curve.metric, curve.higher_is_better) for v in (low, high)]
        fig.add_trace(
            go.Scatter(
                x=np.concatenate([grid, grid[::-1]]), y=np.concatenate([bounds[0], bounds[1][::-1]]), fill="toself",
                fillcolor=color, opacity=0.15, line={"width": 0}, hoverinfo="skip", showlegend=False,
                legendgroup=family,
            )
        )  # fmt: skip
        fitted = to_score(law.predict(grid), curve.metric, curve.higher_is_better)
        fig.add_trace(
            go.Scatter(
                x=grid, y=fitted, mode="lines", name=f"{family} (power law, b={law.b:.2f})",
                line={"color": color, "dash": "dot"}, legendgroup=family,
            )
        )  # fmt: skip
    fig.add_vline(x=largest, line={"color": "#9ca3af", "dash": "dash"}, annotation_text="all rows")
    cross = curve.crossover
    if cross is not None and cross.call == "crossover" and cross.rows:
        fig.add_vline(x=cross.rows, line={"color": KIND_COLORS["deep"]}, annotation_text="expected crossover")
    fig.update_xaxes(type="log", title_text="training rows (log scale)")
    fig.update_yaxes(title_text=f"{curve.metric} on the same test rows")
    return fig


def dataset_figures(result: BenchmarkResult | DatasetReport) -> list[Chart]:
    """The charts a report shows for one dataset (none when nothing was measured)."""
    d = _report(result)
    if not d.leaderboard:
        return []
    charts = [
        Chart(f"{d.key}-leaderboard", "Leaderboard", leaderboard_chart(d)),
        Chart(f"{d.key}-pareto-fit", "Pareto front: score vs fit time", pareto_chart(d, "fit_wall_s")),
        Chart(f"{d.key}-pareto-latency", "Pareto front: score vs latency", pareto_chart(d, "latency_p50_ms")),
    ]
    if any(is_number(h.get("best_so_far")) for h in d.history):
        charts.append(Chart(f"{d.key}-history", "Optimization history", history_chart(d)))
    charts.append(Chart(f"{d.key}-costs", "Costs per family", costs_chart(d)))
    return charts


def suite_figures(report: SuiteReport) -> list[Chart]:
    """The charts of the suite summary."""
    return [Chart("suite-regret", "Rules vs measurement", suite_chart(report))] if report.summary else []


# --------------------------------------------------------------------------------------- helpers
def _report(source: BenchmarkResult | DatasetReport) -> DatasetReport:
    return source if isinstance(source, DatasetReport) else dataset_report(source)


def _figure(title: str, height: int = _HEIGHT) -> go.Figure:
    import plotly.graph_objects as go

    return go.Figure(layout=_layout(title, height))


def _layout(title: str, height: int = _HEIGHT) -> dict[str, Any]:
    axis = {"gridcolor": "#e5e7eb", "linecolor": "#9ca3af", "zerolinecolor": "#d1d5db", "automargin": True}
    return {
        "title": {"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 15}},
        "height": height,
        "template": {
            "layout": {
                "font": {"family": "system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif", "size": 12},
                "colorway": list(PALETTE),
                "paper_bgcolor": "#ffffff",
                "plot_bgcolor": "#ffffff",
                "hovermode": "closest",
                "xaxis": axis,
                "yaxis": axis,
            }
        },
        "margin": {"l": 60, "r": 30, "t": 60, "b": 55},
        "legend": {"title": {"text": ""}},
    }


def _kinds(rows: list[dict[str, Any]]) -> list[str]:
    known = [k for k in KIND_COLORS if any(r["kind"] == k for r in rows)]
    return known + sorted({r["kind"] for r in rows} - set(known))


def _front(d: DatasetReport, cost: str) -> list[str]:
    from advisor.reporting.model import pareto_families

    return pareto_families(d.leaderboard, cost, d.higher_is_better)


def _history_families(d: DatasetReport) -> list[str]:
    """Families with trials, in leaderboard order first."""
    with_trials = list(dict.fromkeys(h["family"] for h in d.history))
    ordered = [r["family"] for r in d.leaderboard if r["family"] in with_trials]
    return ordered + [f for f in with_trials if f not in ordered]


def _better(d: DatasetReport) -> str:
    return "higher is better" if d.higher_is_better else "lower is better"


def _status(row: SummaryRow) -> str:
    if row.agreed is None:
        return "not measured"
    return "agreed" if row.agreed else "disagreed"


def _regret_text(row: SummaryRow) -> str:
    if row.agreed is None:
        return f"  {row.recommended or 'no pick'} not measured"
    if row.agreed:
        return f"  agreed: {row.best}"
    return f"  {row.best} beat {row.recommended} by {row.regret:.4f} {row.metric}"


def _log_axis(values: Sequence[Any]) -> bool:
    """A log axis when all values are positive and span more than two decades."""
    nums = [float(v) for v in values if is_number(v)]
    return bool(nums) and min(nums) > 0 and max(nums) / min(nums) > 100.0


# --------------------------------------------------------------------------------------- static SVG
_MARKERS = {"circle": "o", "square": "s", "diamond": "D", "x": "x", "cross": "P", "triangle-up": "^", "star": "*"}
_DASHES = {"solid": "-", "dash": "--", "dot": ":", "dashdot": "-."}
#: The plot area (figure fractions) that plotly's paper coordinates [0, 1] map onto.
_PAPER = (0.08, 0.10, 0.97, 0.86)


def to_svg(fig: go.Figure, width: int = 900) -> str:
    """The figure as a static SVG document, drawn with matplotlib from its traces.

    Supports what the builders here use: scatter traces (markers, lines incl. step shape, text),
    bar traces (vertical / horizontal, grouped), subplots (axis domains), log and categorical axes,
    paper and data annotations, line shapes, titles and legends. Other trace types are skipped.
    """
    import matplotlib
    from matplotlib.figure import Figure

    layout = fig.layout
    height = layout.height or _HEIGHT
    rc: dict[RcKeyType, Any] = {
        "svg.fonttype": "none",
        "svg.hashsalt": "advisor",
        "text.parse_math": False,
        "font.size": 9,
    }
    with matplotlib.rc_context(rc):
        canvas = Figure(figsize=(width / 100, height / 100), dpi=100)
        axes = _axes(canvas, fig)
        categories = _categories(fig)
        bars = _bar_slots(fig)
        for index, trace in enumerate(fig.data):
            pair = (trace.xaxis or "x", trace.yaxis or "y")
            if trace.type == "scatter":
                _draw_scatter(axes[pair], trace, categories, pair)
            elif trace.type == "bar":
                _draw_bar(axes[pair], trace, categories, pair, bars.get(index, (0, 1)), PALETTE[index % len(PALETTE)])
        _finish_axes(fig, axes, categories)
        _draw_shapes(fig, axes)
        _draw_annotations(canvas, fig, axes)
        title = _plain(layout.title.text or "")
        if title:
            canvas.suptitle(title, x=_PAPER[0], y=0.98, ha="left", fontsize=11, fontweight="bold")
        _legend(canvas, fig, axes)
        out = io.StringIO()
        canvas.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    return out.getvalue()


def _axis(fig: go.Figure, ref: str) -> Any:
    """The layout axis object of a trace reference such as 'x', 'y2'."""
    return fig.layout[f"{ref[0]}axis{ref[1:]}"]


def _axes(canvas: Any, fig: go.Figure) -> dict[tuple[str, str], Any]:
    """One matplotlib axes per (x, y) axis pair, placed at the plotly domains."""
    left, bottom, right, top = _PAPER
    pairs = list(dict.fromkeys((t.xaxis or "x", t.yaxis or "y") for t in fig.data)) or [("x", "y")]
    axes = {}
    for xref, yref in pairs:
        x0, x1 = _axis(fig, xref).domain or (0.0, 1.0)
        y0, y1 = _axis(fig, yref).domain or (0.0, 1.0)
        rect = (
            left + x0 * (right - left),
            bottom + y0 * (top - bottom),
            (x1 - x0) * (right - left),
            (y1 - y0) * (top - bottom),
        )
        ax = canvas.add_axes(rect)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(True, color="#e5e7eb", linewidth=0.6)
        ax.set_axisbelow(True)
        axes[(xref, yref)] = ax
    return axes


def _is_category(values: Sequence[Any]) -> bool:
    return any(isinstance(v, str) for v in values)


def _categories(fig: go.Figure) -> dict[str, list[str]]:
    """Categories of each categorical axis, in plotly's order (categoryarray, else first appearance)."""
    found: dict[str, list[str]] = {}
    for trace in fig.data:
        for dim in ("x", "y"):
            values = list(getattr(trace, dim) or ())
            if not _is_category(values):
                continue
            ref = getattr(trace, f"{dim}axis") or dim
            seen = found.setdefault(ref, [])
            seen.extend(str(v) for v in values if v is not None and str(v) not in seen)
    for ref, seen in found.items():
        axis = _axis(fig, ref)
        if axis.categoryorder == "array" and axis.categoryarray:
            order = [str(c) for c in axis.categoryarray]
            found[ref] = order + [c for c in seen if c not in order]
    return found


def _positions(values: Sequence[Any], ref: str, categories: dict[str, list[str]]) -> list[float]:
    if ref in categories:
        return [float(categories[ref].index(str(v))) if v is not None else math.nan for v in values]
    return [float(v) if is_number(v) else math.nan for v in values]


def _colors(value: Any, n: int, default: str) -> list[Any]:
    if value is None:
        return [_color(default)] * n
    if isinstance(value, str):
        return [_color(value)] * n
    return [_color(v) if isinstance(v, str) else _color(default) for v in value]


def _color(value: str) -> Any:
    """A plotly colour string as matplotlib reads it ('rgb(...)' / 'rgba(...)' become tuples)."""
    match = re.fullmatch(r"rgba?\(([^)]*)\)", value.strip())
    if not match:
        return value
    parts = [float(p) for p in match.group(1).split(",")]
    rgb = [p / 255.0 for p in parts[:3]]
    return (*rgb, parts[3] if len(parts) > 3 else 1.0)


def _draw_scatter(ax: Any, trace: Any, categories: dict[str, list[str]], pair: tuple[str, str]) -> None:
    xs = _positions(list(trace.x or ()), pair[0], categories)
    ys = _positions(list(trace.y or ()), pair[1], categories)
    if not xs:
        return
    mode = trace.mode or ("lines+markers" if len(xs) < 20 else "lines")
    base = trace.line.color or (trace.marker.color if isinstance(trace.marker.color, str) else None) or PALETTE[0]
    label = trace.name if trace.showlegend is not False and trace.name else None
    if "lines" in mode:
        step = "steps-post" if trace.line.shape == "hv" else "default"
        ax.plot(
            xs,
            ys,
            color=_color(base),
            linestyle=_DASHES.get(trace.line.dash or "solid", "-"),
            linewidth=(trace.line.width or 2) * 0.75,
            drawstyle=step,
            label=label,
        )
        label = None
    if "markers" in mode:
        size = trace.marker.size if isinstance(trace.marker.size, (int, float)) else 8
        symbol = str(trace.marker.symbol or "circle")
        colors = _colors(trace.marker.color, len(xs), base)
        fill = {"facecolors": "none", "edgecolors": colors} if symbol.endswith("-open") else {"c": colors}
        ax.scatter(
            xs,
            ys,
            s=(size * 0.75) ** 2,
            marker=_MARKERS.get(symbol.removesuffix("-open"), "o"),
            label=label,
            zorder=3,
            **fill,
        )
    if "text" in mode and trace.text is not None:
        texts = [trace.text] * len(xs) if isinstance(trace.text, str) else list(trace.text)
        where = str(trace.textposition or "top center")
        offset, align = ((6, 0), "left") if "right" in where else ((0, 7), "center")
        for x, y, text in zip(xs, ys, texts, strict=False):
            ax.annotate(
                _plain(str(text)),
                (x, y),
                xytext=offset,
                textcoords="offset points",
                ha=align,
                va="center" if align == "left" else "bottom",
                fontsize=8,
                color="#333",
            )


def _bar_slots(fig: go.Figure) -> dict[int, tuple[int, int]]:
    """For grouped bars: each bar trace's (slot, number of slots) on its axes."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, trace in enumerate(fig.data):
        if trace.type == "bar":
            groups.setdefault((trace.xaxis or "x", trace.yaxis or "y"), []).append(i)
    grouped = (fig.layout.barmode or "group") == "group"
    return {i: (members.index(i), len(members)) if grouped else (0, 1) for members in groups.values() for i in members}


def _draw_bar(
    ax: Any, trace: Any, categories: dict[str, list[str]], pair: tuple[str, str], slot: tuple[int, int], default: str
) -> None:
    horizontal = trace.orientation == "h"
    cat_values, num_values = (trace.y, trace.x) if horizontal else (trace.x, trace.y)
    cats = list(cat_values or ())
    if not cats:
        return
    where = _positions(cats, pair[1] if horizontal else pair[0], categories)
    lengths = [float(v) if is_number(v) else 0.0 for v in (num_values or ())]
    width = 0.8 / slot[1]
    where = [w - 0.4 + width * (slot[0] + 0.5) for w in where]
    colors = _colors(trace.marker.color, len(cats), default)
    label = trace.name if trace.showlegend is not False and trace.name else None
    draw = ax.barh if horizontal else ax.bar
    kwargs = {"height": width} if horizontal else {"width": width}
    bars = draw(where, lengths, color=colors, label=label, **kwargs)
    if trace.text is not None:
        texts = [trace.text] * len(cats) if isinstance(trace.text, str) else [str(t) for t in trace.text]
        ax.bar_label(bars, labels=[_plain(t) for t in texts], padding=3, fontsize=8)


def _finish_axes(fig: go.Figure, axes: dict[tuple[str, str], Any], categories: dict[str, list[str]]) -> None:
    """Scales, titles, ranges and category ticks of every axes."""
    for (xref, yref), ax in axes.items():
        for ref, dim in ((xref, "x"), (yref, "y")):
            axis = _axis(fig, ref)
            if axis.type == "log":
                getattr(ax, f"set_{dim}scale")("log")
            if axis.title and axis.title.text:
                getattr(ax, f"set_{dim}label")(_plain(axis.title.text))
            if ref in categories:
                ticks = list(range(len(categories[ref])))
                getattr(ax, f"set_{dim}ticks")(ticks, [_plain(c) for c in categories[ref]])
                getattr(ax, f"set_{dim}lim")(-0.6, len(ticks) - 0.4)
            elif axis.range is not None and axis.type != "log":
                getattr(ax, f"set_{dim}lim")(*axis.range)
            if axis.autorange == "reversed":
                getattr(ax, f"invert_{dim}axis")()
            _ticks(getattr(ax, f"{dim}axis"), axis)


def _ticks(target: Any, axis: Any) -> None:
    """Tick spacing (``dtick``) and plain number labels on log axes (no mathtext)."""
    from matplotlib.ticker import FuncFormatter, MultipleLocator, NullFormatter

    if axis.type == "log":
        target.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        target.set_minor_formatter(NullFormatter())
    elif is_number(axis.dtick):
        target.set_major_locator(MultipleLocator(float(axis.dtick)))


def _draw_shapes(fig: go.Figure, axes: dict[tuple[str, str], Any]) -> None:
    """Line shapes: vertical / horizontal reference lines, or segments in data coordinates."""
    for shape in fig.layout.shapes or ():
        if shape.type != "line":
            continue
        xref, yref = (shape.xref or "x").split()[0], (shape.yref or "y").split()[0]
        ax = axes.get((xref, yref)) or next(iter(axes.values()))
        color = _color(shape.line.color or "#999")
        if (shape.yref or "").endswith("domain") and shape.x0 == shape.x1:
            ax.axvline(shape.x0, color=color, linewidth=0.8)
        elif (shape.xref or "").endswith("domain") and shape.y0 == shape.y1:
            ax.axhline(shape.y0, color=color, linewidth=0.8)
        else:
            ax.plot([shape.x0, shape.x1], [shape.y0, shape.y1], color=color, linewidth=0.8)


def _draw_annotations(canvas: Any, fig: go.Figure, axes: dict[tuple[str, str], Any]) -> None:
    """Annotations in paper coordinates (e.g. subplot titles) or on an axes' data coordinates."""
    left, bottom, right, top = _PAPER
    for note in fig.layout.annotations or ():
        text = _plain(note.text or "")
        if note.xref == "paper" and note.yref == "paper":
            x = left + float(note.x) * (right - left)
            y = bottom + float(note.y) * (top - bottom)
            canvas.text(x, y + 0.005, text, ha="center", va="bottom", fontsize=9, fontweight="bold")
        elif (note.xref, note.yref) in axes:
            axes[(note.xref, note.yref)].annotate(text, (note.x, note.y), fontsize=8)


def _legend(canvas: Any, fig: go.Figure, axes: dict[tuple[str, str], Any]) -> None:
    """A legend right of the plot when plotly would show one (two or more named traces, or forced)."""
    named = [t for t in fig.data if t.name and t.showlegend is not False]
    if fig.layout.showlegend is False or (fig.layout.showlegend is None and len(named) < 2):
        return
    handles, labels = [], []
    for ax in axes.values():
        h, labs = ax.get_legend_handles_labels()
        handles += h
        labels += labs
    if handles:
        canvas.legend(handles, labels, loc="upper left", bbox_to_anchor=(_PAPER[2] + 0.01, _PAPER[3]), frameon=False)


def _plain(text: str) -> str:
    """Plotly's HTML-ish text as plain text: <br> becomes a newline, other tags are dropped."""
    return re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", "\n", text))

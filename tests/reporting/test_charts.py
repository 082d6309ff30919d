"""Chart builders return plotly figures with the right data; to_svg draws them without a browser."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import plotly.graph_objects as go
import pytest

from advisor.benchmarking import BenchmarkResult
from advisor.errors import InvalidArgumentError
from advisor.reporting import charts
from advisor.reporting.model import SuiteReport

SVG = "{http://www.w3.org/2000/svg}"


def test_builders_accept_results_and_report_models(
    suite_results: list[BenchmarkResult], suite_report: SuiteReport
) -> None:
    result, d = suite_results[0], suite_report.datasets[0]
    for build in (charts.leaderboard_chart, charts.history_chart, charts.costs_chart, charts.pareto_chart):
        from_result, from_model = build(result), build(d)
        assert isinstance(from_result, go.Figure)
        assert [t.to_plotly_json() for t in from_result.data] == [t.to_plotly_json() for t in from_model.data]


def test_pareto_chart_points_front_and_hover(suite_results: list[BenchmarkResult]) -> None:
    result = suite_results[0]
    board = result.leaderboard()
    for cost in ("fit_wall_s", "latency_p50_ms"):
        fig = charts.pareto_chart(result, cost)
        points = [t for t in fig.data if t.name != "Pareto front"]
        assert sorted(f for t in points for f in t.text) == sorted(board["family"])
        assert {t.name for t in points} == set(board["kind"])
        front = next(t for t in fig.data if t.name == "Pareto front")
        assert list(front.x) == list(result.pareto(cost)[cost])
        assert all("inputs" in t.hovertemplate and result.metric in t.hovertemplate for t in points)
    with pytest.raises(InvalidArgumentError):
        charts.pareto_chart(result, "nope")


def test_log_axis_only_when_costs_span_two_decades() -> None:
    assert charts._log_axis([0.01, 5.0])
    assert not charts._log_axis([0.1, 5.0])
    assert not charts._log_axis([0.0, 500.0])


def test_history_chart_has_one_line_per_family_with_trials(suite_report: SuiteReport) -> None:
    d = suite_report.datasets[0]
    fig = charts.history_chart(d)
    assert {t.name for t in fig.data} == {h["family"] for h in d.history}
    for trace in fig.data:
        ys = list(trace.y)
        assert ys == sorted(ys, reverse=True)  # best so far never gets worse
    assert max(len(t.x) for t in fig.data) > 1


def test_leaderboard_and_costs_charts(suite_report: SuiteReport) -> None:
    d = suite_report.datasets[1]
    bars = charts.leaderboard_chart(d).data[0]
    assert list(bars.x) == [r["score"] for r in reversed(d.leaderboard)]  # best on top
    costs = charts.costs_chart(d)
    assert len(costs.data) == 4 and all(len(t.y) == len(d.leaderboard) for t in costs.data)


def test_suite_chart_marks_each_dataset(suite_report: SuiteReport) -> None:
    fig = charts.suite_chart(suite_report)
    shown = {y: t.name for t in fig.data for y in t.y}
    assert shown == {"diabetes": "disagreed", "cpu_act-1500": "agreed", "credit_g": "not measured"}
    assert charts.suite_chart(suite_report.summary).to_plotly_json() == fig.to_plotly_json()


def test_dataset_figures_keys_are_unique(suite_report: SuiteReport) -> None:
    keys = [c.key for d in suite_report.datasets for c in charts.dataset_figures(d)]
    assert len(keys) == len(set(keys)) == 5 * len(suite_report.datasets)


def test_to_svg_draws_every_chart(suite_report: SuiteReport) -> None:
    figures = [c.figure for d in suite_report.datasets[:1] for c in charts.dataset_figures(d)]
    figures.append(charts.suite_chart(suite_report))
    for fig in figures:
        svg = charts.to_svg(fig)
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        drawn = root.findall(f".//{SVG}path") + root.findall(f".//{SVG}use")
        assert len(drawn) > 10
        text = "".join(root.itertext())
        assert fig.layout.title.text.split(":")[0] in text
    assert charts.to_svg(figures[0]) == charts.to_svg(figures[0])  # deterministic

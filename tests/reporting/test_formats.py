"""HTML, Markdown and JSON written for a small real suite: content, offline HTML, schema, round trip."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from html import escape

import jsonschema
import pytest

from advisor.benchmarking import BenchmarkResult
from advisor.errors import InvalidArgumentError
from advisor.reporting import charts, load_report, schema, write_reports
from advisor.reporting.html import render_html
from advisor.reporting.model import SuiteReport, build_report
from advisor.reporting.tables import NO_PRICE
from tests.reporting.conftest import Written


def _figure_count(report: SuiteReport) -> int:
    return len(charts.suite_figures(report)) + sum(len(charts.dataset_figures(d)) for d in report.datasets)


# --------------------------------------------------------------------------------------- HTML
def test_html_shows_every_dataset_leaderboard_and_verdict(
    written: Written, suite_results: list[BenchmarkResult]
) -> None:
    html = written.html
    assert "<title>Test suite &lt;report&gt;</title>" in html and "Test suite <report>" not in html
    for result in suite_results:
        assert f"<h2>{result.dataset}</h2>" in html
        assert escape(result.verdict.summary) in html
        for family in result.leaderboard()["family"]:
            assert re.search(rf"<td>{family}( \(rules&#x27; pick\))?</td>", html), family
        for rule in result.recommendation["fired"]:
            assert escape(rule["reason"]) in html and escape(rule["source"]) in html
    assert html.count('class="plotly-graph-div"') == _figure_count(build_report(suite_results))
    assert 'href="#ds-diabetes"' in html and 'id="ds-diabetes"' in html  # table of contents


def test_html_is_offline_with_plotly_inlined_once(written: Written) -> None:
    html = written.html
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.IGNORECASE)
    assert not re.search(r"<link[^>]*href\s*=\s*[\"']https?://", html, re.IGNORECASE)
    assert html.count("* plotly.js v") == 1
    assert len(re.findall(r"<script\b", html)) == _figure_count(load_report(written.paths["json"])) + 2


def test_html_escapes_user_strings(suite_results: list[BenchmarkResult]) -> None:
    evil = "<script>alert('x')</script>"
    result = replace(suite_results[2], dataset=evil, notes=(evil,))
    html = render_html(build_report([result], title=evil))
    assert evil not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_money_shown_with_a_price_and_no_price_said_otherwise(written: Written, suite_report: SuiteReport) -> None:
    diabetes, cpu_act, credit = suite_report.summary
    for text in (written.html, written.markdown):
        assert f"{diabetes.money:.4f}" in text and f"{cpu_act.money:.4f}" in text
        assert NO_PRICE in text
        assert "Money at 2.5 per hour" in text
    first_fit = suite_report.datasets[0].leaderboard[0]["costs"]["money"]
    assert f"{first_fit:.4f}" in written.html
    assert credit.money is None


# --------------------------------------------------------------------------------------- Markdown
def test_markdown_tables_and_svg_charts(written: Written, suite_report: SuiteReport) -> None:
    md = written.markdown
    assert md.startswith("# Test suite &lt;report&gt;\n")
    assert "| dataset | task | metric | recommended (rules): test score | measured best: test score |" in md
    assert "| credit\\_g | binary | accuracy | xgboost: not measured |" in md
    assert "The rules' top family, xgboost, was not measured" in md
    for d in suite_report.datasets:
        assert f"## {d.dataset.replace('_', chr(92) + '_')}" in md
        assert "> **Verdict:** " in md
    links = re.findall(r"!\[[^\]]*\]\((report_assets/[^)]+\.svg)\)", md)
    assert len(links) == _figure_count(suite_report)
    for link in links:
        path = written.out / link
        assert path.is_file()
        root = ET.parse(path).getroot()
        assert root.tag.endswith("svg")
    assert sorted(p.name for p in (written.out / "report_assets").iterdir()) == sorted(
        link.split("/")[-1] for link in links
    )
    assert "Agreement rate: 50%" in md
    assert "| not measured | n/a |" in md


# --------------------------------------------------------------------------------------- JSON
def test_json_validates_against_the_schema_and_round_trips(written: Written) -> None:
    data = json.loads(written.paths["json"].read_text(encoding="utf-8"))
    spec = schema()
    assert spec["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert spec["$id"].endswith(data["schema_version"])
    jsonschema.Draft202012Validator.check_schema(spec)
    jsonschema.validate(data, spec, cls=jsonschema.Draft202012Validator)
    report = SuiteReport.from_dict(data)
    assert report.to_dict() == data
    assert load_report(written.paths["json"]) == report


def test_json_holds_the_model_to_use_and_the_rows_it_saw(
    written: Written, suite_results: list[BenchmarkResult]
) -> None:
    data = json.loads(written.paths["json"].read_text(encoding="utf-8"))
    assert data["schema_version"] == "1.2" and schema()["$id"] == "urn:advisor:schema:report:1.2"
    for section, row, result in zip(data["datasets"], data["summary"], suite_results, strict=True):
        assert result.best_family is not None
        assert section["chosen"] == row["chosen"] == result.best_family
        assert section["choice"] == result.choice and section["choice"].startswith(f"best validation {result.metric}")
        assert section["deployed"]["path"].endswith("models/best.pkl")
        assert section["deployed"]["rows"] == result.deployed["rows"] > 0
        assert section["deployed"]["trained_on"] == result.deployed["trained_on"]
        for board_row in section["leaderboard"]:
            family = result.family(board_row["family"])
            assert (board_row["trained_on"], board_row["train_rows"]) == (family.trained_on, family.train_rows)
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)


def test_the_choice_is_in_the_html_and_markdown(written: Written, suite_results: list[BenchmarkResult]) -> None:
    for result in suite_results:
        sentence = f"Model to use: {result.best_family} ({result.choice})."
        assert escape(sentence) in written.html
        assert sentence.replace("_", "\\_") in written.markdown


def test_a_1_0_report_without_the_choice_still_validates_and_loads(written: Written) -> None:
    data = json.loads(written.paths["json"].read_text(encoding="utf-8"))
    data["schema_version"] = "1.0"
    for section, row in zip(data["datasets"], data["summary"], strict=True):
        for key in ("chosen", "choice", "deployed"):
            del section[key]
        del row["chosen"]
        for board_row in section["leaderboard"]:
            del board_row["trained_on"], board_row["train_rows"]
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    report = SuiteReport.from_dict(data)
    assert all(d.chosen is None and d.deployed == {} for d in report.datasets)
    assert "Model to use" not in render_html(report)


def test_schema_rejects_a_broken_report(written: Written) -> None:
    data = json.loads(written.paths["json"].read_text(encoding="utf-8"))
    del data["schema_version"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    data = json.loads(written.paths["json"].read_text(encoding="utf-8"))
    data["summary"][0]["regret"] = "big"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)


def test_a_report_renders_again_from_its_json(written: Written) -> None:
    report = load_report(written.paths["json"])
    assert render_html(report).count('class="plotly-graph-div"') == written.html.count('class="plotly-graph-div"')


# --------------------------------------------------------------------------------------- entry point
def test_write_reports_paths_and_formats(suite_results: list[BenchmarkResult], tmp_path) -> None:
    paths = write_reports(suite_results[2:], tmp_path / "only-json", formats=("json",))
    assert list(paths) == ["json"] and paths["json"].name == "report.json"
    assert sorted(p.name for p in (tmp_path / "only-json").iterdir()) == ["report.json"]
    with pytest.raises(InvalidArgumentError, match="pdf") as err:
        write_reports(suite_results, tmp_path / "bad", formats=("html", "pdf"))
    assert "'html', 'md', 'json'" in err.value.fix
    assert not (tmp_path / "bad" / "report.html").exists()


def test_results_without_recommendation_profile_or_trials_still_render(
    suite_results: list[BenchmarkResult], tmp_path
) -> None:
    bare = replace(suite_results[2], recommendation=None, profile=None, trials=(), embeddings={})
    paths = write_reports([bare], tmp_path)
    jsonschema.validate(json.loads(paths["json"].read_text()), schema(), cls=jsonschema.Draft202012Validator)
    assert "No recommendation was recorded" in paths["html"].read_text()
    assert "No profile was recorded" in paths["md"].read_text()
    empty = write_reports([], tmp_path / "empty", formats=("json", "html"))
    assert json.loads(empty["json"].read_text())["agreement_rate"] is None

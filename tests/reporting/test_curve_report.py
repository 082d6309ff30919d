"""A learning curve's chart and HTML report: the measured points, the fitted laws, the crossover; in a browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.curve import CurvePoint, LearningCurve, PowerLaw, crossover
from advisor.reporting.charts import learning_curve_chart
from advisor.reporting.curve_html import render_curve_html
from tests.browser import require_browser

SIZES = (100, 200, 400, 800, 1600)


@pytest.fixture
def curve() -> LearningCurve:
    """Trees at error 0.5 n^-0.2, a network at 4 n^-0.45: it crosses at 8^4 = 4,096 rows."""
    laws = {"xgboost": (0.5, 0.2), "tabm": (4.0, 0.45)}
    points = tuple(
        CurvePoint(f, "deep" if f == "tabm" else "classical", n, 1 - a * n**-b, 1.0, "ok")
        for f, (a, b) in laws.items()
        for n in SIZES
    )
    fits = {f: PowerLaw.fit(SIZES, [1 - p.score for p in points if p.family == f and p.score]) for f in laws}  # type: ignore[operator]
    cross = crossover(fits["tabm"], fits["xgboost"], SIZES[-1], labels=("TabM", "XGBoost"))
    return LearningCurve("toy", "tabular", "binary", "accuracy", True, SIZES, 400, "tabm", "xgboost", points, fits,
                         cross, 60.0, 55.0)  # fmt: skip


def test_the_chart_draws_points_laws_and_the_crossover(curve: LearningCurve) -> None:
    assert curve.crossover is not None and curve.crossover.call == "crossover"
    fig = learning_curve_chart(curve)
    names = [t.name for t in fig.data if t.name]
    assert names == ["xgboost (measured)", "xgboost (power law, b=0.20)", "tabm (measured)", "tabm (power law, b=0.45)"]
    fitted = next(t for t in fig.data if t.name == "tabm (power law, b=0.45)")
    assert max(fitted.x) == pytest.approx(10 * SIZES[-1])
    assert fig.layout.xaxis.type == "log"
    assert any(s.x0 == curve.crossover.rows for s in fig.layout.shapes)


def test_the_html_report_says_the_answer(curve: LearningCurve) -> None:
    html = render_curve_html(curve)
    assert curve.summary in html and f"{curve.crossover.rows:,}" in html  # type: ignore[union-attr]
    assert html.count("<tr><td>tabm</td>") == 6  # five points and one fitted law
    assert "<script" in html and 'src="http' not in html  # plotly.js inlined: opens offline


def test_the_html_report_renders_in_headless_chromium(curve: LearningCurve, tmp_path: Path) -> None:
    chromium = require_browser()
    from playwright import sync_api

    path = tmp_path / "curve.html"
    path.write_text(render_curve_html(curve), encoding="utf-8")
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("pageerror", lambda err: errors.append(str(err)))
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 1", timeout=30_000)
            marks = page.evaluate("document.querySelectorAll('.scatterlayer .point').length")
            lines = page.evaluate("document.querySelectorAll('.scatterlayer .js-line').length")
        finally:
            browser.close()
    assert not errors, errors
    assert marks == 10 and lines >= 2  # ten measured points, two fitted curves

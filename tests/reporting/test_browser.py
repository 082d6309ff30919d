"""The HTML report in a real headless browser: every chart renders with data, offline, no console errors.

Needs the ``playwright`` Python package (dev extra) and a system Chromium (Debian: ``apt-get install
chromium``); Playwright's own browser downloads are never used. Skipped only when one of them is missing.
"""

from __future__ import annotations

from pathlib import Path

from advisor.reporting import charts, load_report
from tests.browser import require_browser
from tests.reporting.conftest import Written

# Per plot: its svg layers, and how many data marks (scatter points, bars, line paths) were drawn in them.
_COUNT_MARKS = """
() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(plot => ({
  id: plot.id,
  svgs: plot.querySelectorAll('svg.main-svg').length,
  marks: plot.querySelectorAll('.scatterlayer .point, .barlayer .point path, .scatterlayer .js-line').length,
}))
"""


def test_html_report_renders_in_headless_chromium(written: Written, tmp_path: Path) -> None:
    chromium = require_browser()
    from playwright import sync_api

    report = load_report(written.paths["json"])
    expected = len(charts.suite_figures(report)) + sum(len(charts.dataset_figures(d)) for d in report.datasets)
    messages: list[tuple[str, str]] = []
    errors: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("console", lambda msg: messages.append((msg.type, msg.text)))
            page.on("pageerror", lambda err: errors.append(str(err)))
            page.on("request", lambda req: requests.append(req.url))
            page.goto(written.paths["html"].resolve().as_uri(), wait_until="load")
            page.wait_for_function(
                f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {expected}", timeout=30_000
            )
            plots = page.evaluate(_COUNT_MARKS)
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
            page.locator("#ds-diabetes").screenshot(path=str(tmp_path / "diabetes.png"))
            page.locator("table.sortable th").first.click()  # the sort script runs without errors
        finally:
            browser.close()
    assert len(plots) == expected == len(written.html.split('class="plotly-graph-div"')) - 1
    for plot in plots:
        assert plot["svgs"] >= 1, plot
        assert plot["marks"] >= 1, plot
    assert not errors, errors
    assert not [m for m in messages if m[0] in ("error", "warning")], messages
    assert all(url.startswith(("file://", "data:", "about:")) for url in requests), requests
    assert (tmp_path / "report.png").stat().st_size > 10_000

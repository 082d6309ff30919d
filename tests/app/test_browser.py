"""The dashboard in a real browser: ``streamlit run app.py`` headless, driven by Playwright in Chromium.

Uploads a CSV (bundled ``diabetes`` exported), runs a tiny benchmark, and checks that the progress, the
leaderboard and plotly charts appear and the HTML report downloads. Screenshots go to ``tmp_path`` and
are copied to ``/tmp/advisor-app-screens/``.

Needs the ``playwright`` Python package (dev extra) and a system Chromium (Debian: ``apt-get install
chromium``); Playwright's own browser downloads are never used. Skipped only when one of them is missing
(and then a failure under ``ADVISOR_REQUIRE_BROWSER=1``, as in CI): see ``tests/browser.py``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from advisor.app.runs import RUNS_ROOT_ENV
from tests.app.conftest import REPO, stop_all
from tests.browser import require_browser

if TYPE_CHECKING:
    from playwright.sync_api import Page

SCREENS = Path("/tmp/advisor-app-screens")
TIMEOUT_MS = 60_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chromium() -> str:
    """The system Chromium (the test skips, or fails in CI, without it or Playwright)."""
    return require_browser()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free port, its runs folder in tmp_path; yields its URL."""
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.fileWatcherType", "none"]
    env = {**os.environ, RUNS_ROOT_ENV: str(tmp_path / "runs")}
    with open(tmp_path / "server.log", "wb") as log:
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        stop_all(tmp_path / "runs")
        proc.terminate()
        proc.wait(timeout=30)


def _wait_healthy(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "streamlit exited"
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("streamlit did not start within 60 s")


def test_upload_benchmark_and_results_in_chromium(
    chromium: str, server: str, diabetes_csv: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1700}, accept_downloads=True)
            page.set_default_timeout(TIMEOUT_MS)
            page.on("pageerror", lambda err: errors.append(str(err)))
            page.goto(server)
            _upload_and_profile(page, diabetes_csv, tmp_path)
            _recommendation(page, tmp_path)
            _benchmark(page, tmp_path)
            _results(page, tmp_path)
        finally:
            browser.close()
    assert not errors, errors
    SCREENS.mkdir(parents=True, exist_ok=True)
    for shot in tmp_path.glob("*.png"):
        shutil.copy(shot, SCREENS / shot.name)


def _upload_and_profile(page: Page, csv: Path, out: Path) -> None:
    page.get_by_text("Choose one of the bundled datasets").wait_for()
    budget = page.get_by_role("spinbutton", name="Time budget (seconds)")
    budget.fill("6")
    budget.press("Enter")
    page.get_by_text("Upload files").click()
    page.locator("input[type=file]").set_input_files(str(csv))
    page.get_by_text("Profile: diabetes").wait_for()
    page.get_by_text("Proposed: column 'target'").wait_for()
    assert page.get_by_role("combobox", name="Task").input_value() == "detected (binary)"  # beside the target
    assert page.get_by_role("combobox", name="Metric").input_value() == "the plan's"
    page.screenshot(path=str(out / "1-data.png"))


def _recommendation(page: Page, out: Path) -> None:
    page.get_by_role("tab", name="Recommendation").click()
    page.get_by_text("Verdict: Classical ML").wait_for()
    page.get_by_text("Benchmark plan").wait_for()
    tables = page.locator("[data-testid='stDataFrame']:visible canvas")
    tables.first.wait_for()  # ranked families, drawn on a canvas
    page.wait_for_timeout(1000)
    page.screenshot(path=str(out / "2-recommendation.png"))


def _benchmark(page: Page, out: Path) -> None:
    page.get_by_role("tab", name="Benchmark").click()
    page.get_by_role("button", name="Start benchmark").click()
    page.get_by_role("button", name="Stop").wait_for()
    page.get_by_text(" trials · ").wait_for()  # live progress from the worker process
    page.screenshot(path=str(out / "3-benchmark-running.png"))
    page.get_by_text("Finished.").wait_for(timeout=2 * TIMEOUT_MS)
    page.get_by_role("button", name="Run again (resumes the studies)").wait_for()


def _results(page: Page, out: Path) -> None:
    page.get_by_role("tab", name="Results").click()
    page.get_by_text("diabetes: rules vs measurement").wait_for()
    page.get_by_text("Model to use:").wait_for()  # the chosen model, and the rows best.pkl was trained on
    page.get_by_role("button", name="Model to deploy").wait_for()
    page.locator(".js-plotly-plot .main-svg").first.wait_for()  # the leaderboard chart, drawn by plotly
    page.locator("[data-testid='stDataFrame']:visible").last.wait_for()  # the leaderboard table
    assert page.locator(".js-plotly-plot .barlayer .point").count() >= 1
    page.wait_for_timeout(500)
    page.screenshot(path=str(out / "4-results.png"))
    with page.expect_download() as download:
        page.get_by_role("button", name="HTML report").click()
    saved = out / "report.html"
    download.value.save_as(saved)
    assert "<html" in saved.read_text(encoding="utf-8")[:2000].lower()
    page.get_by_role("tab", name="Pareto fronts").click()
    page.get_by_text("On the front: no other family").wait_for()
    page.wait_for_timeout(500)
    page.screenshot(path=str(out / "5-pareto.png"))

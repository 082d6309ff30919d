"""Shared pieces of the dashboard tests: the app under Streamlit's AppTest, data files, one real benchmark.

The benchmark (bundled ``diabetes``, a 6-second budget) runs once per session through the page itself,
in its worker process, and later tests reopen its run folder.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import advisor
from advisor.app import jobs
from advisor.app.runs import RUNS_ROOT_ENV

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app.py"
#: How long a page run may take (the first one imports the libraries and loads the data).
RUN_TIMEOUT_S = 60
#: How long a tiny benchmark may take end to end (worker start, data, search, refits, reports).
JOB_TIMEOUT_S = 120


def new_app(runs_root: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The dashboard under AppTest, with its runs folder in ``runs_root``, after a first run."""
    monkeypatch.setenv(RUNS_ROOT_ENV, str(runs_root))
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT_S)
    return at.run()


def pick_bundled(at: AppTest, name: str) -> AppTest:
    at.radio(key="source_kind").set_value("Bundled dataset")
    at.selectbox(key="bundled").select(name)
    return at.run()


def no_errors(at: AppTest) -> None:
    """Nothing went wrong on the page: no error message, no exception element."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def download_keys(at: AppTest) -> set[str]:
    return {b.key for b in at.get("download_button")}


def rerun_until(at: AppTest, done: Callable[[AppTest], bool], timeout_s: float = JOB_TIMEOUT_S) -> AppTest:
    """Rerun the page about once a second (as its polling fragment would) until ``done(at)``."""
    deadline = time.monotonic() + timeout_s
    while not done(at):
        assert time.monotonic() < deadline, "timed out waiting for the page"
        time.sleep(1.0)
        at.run()
    return at


def job_done(root: Path) -> bool:
    """Whether the job under ``root`` has finished."""
    return any(jobs.job_status(p.parent).state == "done" for p in root.glob(f"*/{jobs.JOB_FILE}"))


def stop_all(root: Path) -> None:
    """Stop any worker left running under ``root`` (a failed test must not leave processes behind)."""
    for job_file in root.glob(f"**/{jobs.JOB_FILE}"):
        jobs.stop_job(job_file.parent, grace_s=2.0)


@pytest.fixture(scope="session")
def diabetes_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Bundled ``diabetes`` exported as a CSV file with its ``target`` column."""
    dataset = advisor.datasets.load("diabetes")
    frame = dataset.X.copy()
    frame["target"] = dataset.y.to_numpy()
    path = tmp_path_factory.mktemp("data") / "diabetes.csv"
    frame.to_csv(path, index=False)
    return path


@dataclass
class Benchmarked:
    """The session's benchmark: where it ran and what the page showed on the way."""

    runs_root: Path
    app: AppTest
    progress_texts: list[str] = field(default_factory=list)
    buttons_while_running: set[str] = field(default_factory=set)
    seconds: float = 0.0

    @property
    def run_dir(self) -> Path:
        return next(p.parent for p in self.runs_root.glob("*/result.json"))


@pytest.fixture(scope="session")
def benchmarked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Benchmarked]:
    """Bundled diabetes benchmarked from the page: 6 s budget, Start, poll until the results show."""
    root = tmp_path_factory.mktemp("runs")
    with pytest.MonkeyPatch.context() as mp:
        at = new_app(root, mp)
        at.sidebar.number_input(key="c_budget").set_value(6)
        pick_bundled(at, "diabetes")
        seen = Benchmarked(root, at)
        start = time.monotonic()
        at.button(key="start_job").click()
        at.run()

        def finished(page: AppTest) -> bool:
            seen.progress_texts += [p.proto.text for p in page.get("progress")]
            if any(p.proto.text for p in page.get("progress")):
                seen.buttons_while_running |= {b.key for b in page.button}
            return job_done(root) and "dl_html" in download_keys(page)

        try:
            rerun_until(at, finished)
            seen.seconds = time.monotonic() - start
            yield seen
        finally:
            stop_all(root)

"""The Results tab's data-size what-if: measure a learning curve for the run's data, follow it, show its chart.

The curve runs as a dashboard job (its own process, like a benchmark) in ``<run folder>/curve``, from the
data, target, task and metric of the run's own job; its progress redraws every second in a fragment.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import streamlit as st

from advisor.app import jobs
from advisor.app.ui.common import guarded, show_error, start_and_rerun
from advisor.curve import CURVE_FILE, CURVE_REPORT, LearningCurve
from advisor.errors import AdvisorError
from advisor.reporting import charts

__all__ = ["curve_section"]

CURVE_DIR = "curve"
POLL_S = 1.0
DEFAULT_BUDGET_S = 180


def curve_section(run_dir: Path) -> None:
    """Would more data change the answer? The run's learning curve, or a button that measures it."""
    st.markdown("**Data-size what-if**")
    folder = run_dir / CURVE_DIR
    running = jobs.job_status(folder).running
    st.fragment(_curve_panel, run_every=POLL_S if running else None)(run_dir, running)


def _curve_panel(run_dir: Path, was_running: bool) -> None:
    folder = run_dir / CURVE_DIR
    status = jobs.job_status(folder)
    if status.running != was_running:
        st.rerun(scope="app")
    if status.running:
        event = status.progress or {}
        done, total = int(event.get("done") or 0), int(event.get("total") or 1)
        st.progress(done / max(total, 1), text=f"Measuring the learning curve: {event.get('message', 'starting')}")
        if st.button("Stop", key="stop_curve", icon=":material/stop_circle:"):
            guarded(jobs.stop_job, folder)
            st.rerun(scope="app")
        return
    if status.state == "failed":
        show_error(AdvisorError(status.problem, status.fix))
    if (folder / CURVE_FILE).is_file():
        _show(guarded(LearningCurve.load, folder / CURVE_FILE), folder)
    _start(run_dir, status.state)


def _show(curve: LearningCurve | None, folder: Path) -> None:
    if curve is None:
        return
    (st.info if curve.crossover is None or curve.crossover.call != "already_ahead" else st.success)(
        curve.summary, icon=":material/trending_up:"
    )
    st.plotly_chart(charts.learning_curve_chart(curve), key="chart_curve", theme=None, config={"displaylogo": False})
    st.caption(
        f"{curve.metric} on the same {curve.test_rows:,} test rows at every size; dotted lines are power laws "
        f"(error = a·rows^-b) with their 80% bands, out to ten times the data. {' '.join(curve.notes)}"
    )
    report = folder / CURVE_REPORT
    if report.is_file():
        st.download_button(
            "Learning curve report (HTML)", partial(report.read_bytes), f"{curve.dataset}-curve.html", "text/html",
            key="dl_curve", on_click="ignore", icon=":material/download:",
        )  # fmt: skip


def _start(run_dir: Path, state: str) -> None:
    """The button that measures (or measures again) the curve, from the run's own job spec."""
    spec = jobs.job_status(run_dir).spec
    if spec is None:
        st.caption(
            f"This run was not started from the dashboard: measure its curve with "
            f"`advisor curve PATH --target COLUMN --out {run_dir / CURVE_DIR}`."
        )
        return
    cells = st.columns([1, 2])
    budget = cells[0].number_input(
        "Curve budget (s)", min_value=30, max_value=7200, value=DEFAULT_BUDGET_S, step=30, key="curve_budget"
    )
    label = "Measure again" if state == "done" else "Measure the learning curve"
    cells[1].caption(
        "Trains the best classical family (boosted trees; MiniRocket on series) and the best network on five "
        "growing stratified samples, all scored on the same test rows, and says at how many rows the network "
        "would overtake the classical model."
    )
    if st.button(label, key="start_curve", icon=":material/trending_up:"):
        curve_spec = jobs.JobSpec.from_dict(
            {**spec.to_dict(), "run_dir": str(run_dir / CURVE_DIR), "seconds": float(budget), "trials": None,
             "kind": "curve", "recommendation": None}
        )  # fmt: skip
        start_and_rerun(curve_spec)

"""The Results tab: reopen any finished run; verdict, leaderboard, Pareto fronts, history, costs, downloads."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from advisor.app.downloads import BEST_MODEL, best_model, ensure_reports, markdown_zip
from advisor.app.jobs import job_status
from advisor.app.runs import RESULT_FILE, past_runs, slug
from advisor.app.ui.common import guarded, load_result
from advisor.app.ui.curve import curve_section
from advisor.reporting import charts

if TYPE_CHECKING:
    from advisor.benchmarking import BenchmarkResult

__all__ = ["results_section"]

PLOTLY_CONFIG = {"displaylogo": False}


def results_section(runs_root: Path, current: Path | None) -> None:
    """Pick a finished run under ``runs_root`` (the current data's run first) and show its results."""
    found = past_runs(runs_root)
    if not found:
        st.info(
            f"No finished run under `{runs_root}` yet: run a benchmark, or point the sidebar's runs folder "
            "at one that holds run folders.",
            icon=":material/leaderboard:",
        )
        return
    labels = {str(r.path.resolve()): r.label for r in found}
    _preselect(list(labels), str(current) if current else None)
    chosen = st.selectbox("Run", list(labels), format_func=labels.__getitem__, key="results_run")
    if job_status(chosen).running:  # its worker rewrites result.json and the reports: wait for it
        st.info(
            "A benchmark is running in this run folder: its results show here when it ends.", icon=":material/timer:"
        )
        return
    path = Path(chosen) / RESULT_FILE
    result = guarded(load_result, str(path), path.stat().st_mtime)
    if result is not None:
        show_result(result, Path(chosen))


def _preselect(options: list[str], current: str | None) -> None:
    """Show the current data's run when the data changes (or when nothing valid is selected)."""
    state = st.session_state
    if current != state.get("_results_current"):
        state["_results_current"] = current
        if current in options:
            state["results_run"] = current
    if state.get("results_run") not in options:
        state["results_run"] = options[0]


def show_result(result: BenchmarkResult, run_dir: Path) -> None:
    """Everything measured in one run."""
    _verdict(result, run_dir)
    _choice(result)
    _downloads(result, run_dir)
    board = result.leaderboard()
    if board.empty:
        st.warning("No family finished in this run: see the skipped families below.")
    else:
        tabs = st.tabs(["Leaderboard", "Pareto fronts", "Optimization history", "Costs"])
        with tabs[0]:
            _leaderboard(result, board)
        with tabs[1]:
            _pareto(result, board)
        with tabs[2]:
            _history(result)
        with tabs[3]:
            st.plotly_chart(charts.costs_chart(result), key="chart_costs", theme=None, config=PLOTLY_CONFIG)
    _skipped(result)
    curve_section(run_dir)


def _verdict(result: BenchmarkResult, run_dir: Path) -> None:
    verdict = result.verdict
    st.subheader(f"{result.dataset}: rules vs measurement")
    (st.success if verdict.agreed else st.warning)(verdict.summary, icon=":material/balance:")
    cells = st.columns(4)
    cells[0].metric("Measured best", verdict.winner or "-")
    cells[1].metric("Rules' pick", verdict.recommended or "-", help=f"ranked {verdict.recommended_rank or '-'}")
    margin = f"{verdict.margin:.4f}" if verdict.margin is not None else "-"
    cells[2].metric("Margin", margin, help=f"winner minus the rules' pick, in {verdict.metric}")
    cells[3].metric("Wall time", f"{result.wall_s:,.1f} s", help=f"budget {_budget(result.budget)}")
    st.caption(f"{result.task} · metric {result.metric} · device {result.device} · run folder `{run_dir}`")
    _deep_vs_classical(result)


def _deep_vs_classical(result: BenchmarkResult) -> None:
    """The best network against the best classical model, with the interval of the difference."""
    c = result.comparison
    if c is None:
        return
    st.markdown("**Deep vs classical**")
    cells = st.columns(3)
    cells[0].metric(f"{c.deep} (deep)", f"{c.deep_score:.4f}")
    cells[1].metric(f"{c.classical} (classical)", f"{c.classical_score:.4f}")
    cells[2].metric(
        "Difference",
        f"{c.difference:+.4f}",
        help=f"95% interval {c.low:+.4f} to {c.high:+.4f}, paired bootstrap over {c.test_rows:,} test rows",
    )
    call = {"deep": "Deep learning wins", "classical": "Classical ML wins", "too_close": "Too close to call"}[c.call]
    (st.info if c.call == "too_close" else st.success)(
        f"{call}; practical pick: {c.practical}. {c.summary.removeprefix('Deep vs classical: ')}",
        icon=":material/compare_arrows:",
    )


def _choice(result: BenchmarkResult) -> None:
    """The model to use: the family chosen on validation by the metric, why, and what the saved model saw."""
    if not result.best_family:
        return
    deployed = result.deployed or {}
    lines = [f"**Model to use: {result.best_family}** ({result.choice})."]
    if deployed.get("trained_on"):
        lines.append(f"Saved as `{Path(str(deployed.get('path', ''))).name}`, trained on {deployed['trained_on']}.")
    st.info(" ".join(lines), icon=":material/rocket_launch:")
    if deployed.get("note"):
        st.caption(f"Note: {deployed['note']}.")


def _budget(budget: dict[str, Any]) -> str:
    """``60 s``, ``20 trials`` or ``60 s, 20 trials``."""
    parts = []
    if budget.get("seconds"):
        parts.append(f"{budget['seconds']:g} s")
    if budget.get("trials"):
        parts.append(f"{budget['trials']} trials")
    return ", ".join(parts) or "-"


def _downloads(result: BenchmarkResult, run_dir: Path) -> None:
    """Report downloads (written into ``run_dir/reports`` once) and the winner's saved model."""
    with st.spinner("Writing the reports…"):
        paths = guarded(ensure_reports, result, run_dir)
    model = best_model(result, run_dir)
    name = slug(result.dataset)
    cells = st.columns(4)
    if paths is not None:
        cells[0].download_button(
            "HTML report", partial(paths["html"].read_bytes), f"{name}-report.html", "text/html",
            key="dl_html", on_click="ignore", icon=":material/download:", width="stretch",
        )  # fmt: skip
        cells[1].download_button(
            "Markdown report (.zip)", partial(markdown_zip, paths["md"]), f"{name}-report-md.zip", "application/zip",
            key="dl_md", on_click="ignore", icon=":material/download:", width="stretch",
        )  # fmt: skip
        cells[2].download_button(
            "JSON report", partial(paths["json"].read_bytes), f"{name}-report.json", "application/json",
            key="dl_json", on_click="ignore", icon=":material/download:", width="stretch",
        )  # fmt: skip
    if model is not None:
        family = result.best_family if model.name == BEST_MODEL and result.best_family else model.stem
        cells[3].download_button(
            f"Model to deploy: {family} (.pkl)", partial(model.read_bytes), f"{name}-{family}.pkl",
            "application/octet-stream", key="dl_model", on_click="ignore", icon=":material/download:",
            width="stretch", help=_model_help(result, model),
        )  # fmt: skip
    else:
        cells[3].caption("No saved model in this run folder.")


def _model_help(result: BenchmarkResult, model: Path) -> str:
    """What the downloaded model is, what it saw, and how to use it."""
    trained = (result.deployed or {}).get("trained_on") if model.name == BEST_MODEL else None
    seen = f"Trained on {trained}. " if trained else ""
    return f"{seen}advisor.load_model(path).predict(raw data). Load only pickles you trust."


def _leaderboard(result: BenchmarkResult, board: pd.DataFrame) -> None:
    st.plotly_chart(charts.leaderboard_chart(result), key="chart_leaderboard", theme=None, config=PLOTLY_CONFIG)
    shown = board.drop(columns=["label"], errors="ignore")
    if "model_size_bytes" in shown:
        shown["model_size_bytes"] = shown["model_size_bytes"] / 1024 / 1024
        shown = shown.rename(columns={"model_size_bytes": "model_size_mb"})
    numbers = {c: st.column_config.NumberColumn(format="%.4g") for c in shown.select_dtypes("number").columns}
    numbers.pop("rank", None)
    st.dataframe(shown, hide_index=True, column_config=numbers, key="leaderboard")


def _pareto(result: BenchmarkResult, board: pd.DataFrame) -> None:
    costs = [c for c in charts.COST_LABELS if c in board and board[c].notna().any()]
    if not costs:
        st.caption("No costs were recorded.")
        return
    cost = st.segmented_control(
        "Cost", costs, default=costs[0], format_func=charts.COST_LABELS.__getitem__, key="pareto_cost", required=True
    )
    cost = cost or costs[0]
    st.plotly_chart(charts.pareto_chart(result, cost), key="chart_pareto", theme=None, config=PLOTLY_CONFIG)
    st.caption("On the front: no other family is both better and cheaper.")
    st.dataframe(result.pareto(cost), hide_index=True, key="pareto_table")


def _history(result: BenchmarkResult) -> None:
    st.plotly_chart(charts.history_chart(result), key="chart_history", theme=None, config=PLOTLY_CONFIG)
    with st.expander(f"All trials ({len(result.trials)})"):
        history = result.history()
        if "params" in history:
            history["params"] = history["params"].map(lambda p: json.dumps(p, default=str))
        st.dataframe(history, hide_index=True, key="history_table")


def _skipped(result: BenchmarkResult) -> None:
    skipped = [f for f in result.families if f.status != "ok"]
    notes = [*(f"**{f.family}** skipped: {f.reason}" for f in skipped), *result.notes]
    if notes:
        st.caption("  \n".join(notes))

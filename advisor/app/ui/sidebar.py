"""The sidebar: constraints (they update the recommendation at once), the time budget, the runs folder."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from advisor.app.runs import default_runs_root
from advisor.app.ui.common import Settings, hardware
from advisor.rules import Constraints

__all__ = ["sidebar"]

LEVELS = ("low", "medium", "high")
GPU_CHOICES = {"detected": None, "yes": True, "no": False}


def sidebar() -> Settings:
    """Draw the sidebar and return the settings it holds."""
    hw = hardware()
    with st.sidebar:
        st.header("Constraints")
        constraints = _constraints(hw.has_gpu)
        st.header("Runs")
        root = st.text_input(
            "Runs folder",
            value=default_runs_root(),
            key="runs_root",
            help="Each benchmark writes a run folder here (resumable); finished runs under it can be reopened "
            "in Results. Uploads are saved in its .uploads folder.",
        )
        st.caption(f"This machine: {hw.describe()}")
    return Settings(
        constraints=constraints,
        budget_s=float(constraints.time_budget_s or 60.0),
        price_per_hour=constraints.price_per_hour,
        runs_root=Path(root.strip() or default_runs_root()).expanduser(),
    )


def _constraints(has_gpu: bool) -> Constraints:
    interpretability = st.toggle(
        "Interpretability required",
        key="c_interpretability",
        help="Decisions must be explainable (regulated or audited use): transparent families rank first.",
    )
    gpu = st.radio(
        "GPU for training",
        list(GPU_CHOICES),
        format_func=lambda c: f"detected ({'yes' if has_gpu else 'none'})" if c == "detected" else c,
        key="c_gpu",
        horizontal=True,
    )
    latency = st.number_input(
        "Latency budget (ms per prediction)",
        min_value=0.0,
        value=0.0,
        step=1.0,
        format="%.1f",
        key="c_latency",
        help="Single-row inference budget; 0 means no limit.",
    )
    budget = st.number_input(
        "Time budget (seconds)",
        min_value=1,
        max_value=7 * 24 * 3600,
        value=60,
        step=10,
        key="c_budget",
        help="Sizes the benchmark plan, and is the benchmark's wall-clock budget.",
    )
    price = st.number_input(
        "Price per hour",
        min_value=0.0,
        value=0.0,
        step=0.5,
        key="c_price",
        help="Machine price per hour, to report training cost in money; 0 means not given.",
    )
    with st.expander("More constraints"):
        urgency = st.select_slider("Deployment urgency", LEVELS, value="medium", key="c_urgency")
        compute = st.select_slider("Compute budget", LEVELS, value="medium", key="c_compute")
    return Constraints(
        interpretability=interpretability,
        gpu=GPU_CHOICES[gpu],
        deploy_urgency=urgency,
        latency_ms=latency or None,
        compute_budget=compute,
        time_budget_s=float(budget),
        price_per_hour=price or None,
    )

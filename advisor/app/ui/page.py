"""The dashboard page: title, sidebar, and the Data / Recommendation / Benchmark / Results tabs."""

from __future__ import annotations

import streamlit as st

from advisor.app.ui.benchmark import benchmark_section
from advisor.app.ui.common import guarded
from advisor.app.ui.data import data_section
from advisor.app.ui.recommendation import recommendation_section
from advisor.app.ui.results import results_section
from advisor.app.ui.sidebar import sidebar

__all__ = ["main"]

TABS = ("Data", "Recommendation", "Benchmark", "Results")


def main() -> None:
    """Draw the whole page (Streamlit runs this on every interaction)."""
    st.set_page_config(page_title="advisor: ML or DL?", page_icon=":material/explore:", layout="wide")
    st.title("advisor", anchor=False)
    st.caption("Classical ML or deep learning? Rules first, then measurement on your data and this machine.")
    settings = sidebar()
    data_tab, rec_tab, bench_tab, results_tab = st.tabs(TABS, key="tab")
    with data_tab:
        loaded = guarded(data_section, settings.runs_root)
    rec = run_dir = None
    with rec_tab:
        if loaded is None:
            st.info("Choose data in the Data tab first.", icon=":material/arrow_back:")
        else:
            rec = guarded(recommendation_section, loaded, settings)
    with bench_tab:
        if loaded is None or rec is None:
            st.info("Choose data (and a target) in the Data tab first.", icon=":material/arrow_back:")
        else:
            run_dir = guarded(benchmark_section, loaded, rec, settings)
    with results_tab:
        guarded(results_section, settings.runs_root, run_dir)

"""The dashboard's Streamlit page, one module per part: sidebar, data, recommendation, benchmark, results.

These are the only modules of advisor that import streamlit. They show what :mod:`advisor.api` returns,
the shared charts of :mod:`advisor.reporting.charts`, and the run folders the helpers in :mod:`advisor.app`
manage; they hold no modelling logic.
"""

from __future__ import annotations

from advisor.app.ui.page import main

__all__ = ["main"]

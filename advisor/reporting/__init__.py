"""Reporting: how results are shown: the terminal (:mod:`.console`) and HTML / Markdown / JSON reports.

>>> from advisor.reporting import write_reports
>>> write_reports([result_a, result_b], "reports/")          # doctest: +SKIP

Names are imported on first use, so ``import advisor.reporting`` loads neither plotly nor matplotlib.
The pieces: :mod:`.model` (the one model of the results every format renders), :mod:`.charts`
(plotly figures, and their static SVG), :mod:`.html`, :mod:`.markdown`, :mod:`.write`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor.lazy import attach

_EXPORTS = {
    "write_reports": "advisor.reporting.write",
    "load_report": "advisor.reporting.write",
    "render_json": "advisor.reporting.write",
    "schema": "advisor.reporting.write",
    "FORMATS": "advisor.reporting.write",
    "build_report": "advisor.reporting.model",
    "dataset_report": "advisor.reporting.model",
    "DatasetReport": "advisor.reporting.model",
    "SuiteReport": "advisor.reporting.model",
    "SummaryRow": "advisor.reporting.model",
    "SCHEMA_VERSION": "advisor.reporting.model",
    "render_html": "advisor.reporting.html",
    "render_markdown": "advisor.reporting.markdown",
}

__all__ = [
    "FORMATS",
    "SCHEMA_VERSION",
    "DatasetReport",
    "SuiteReport",
    "SummaryRow",
    "build_report",
    "dataset_report",
    "load_report",
    "render_html",
    "render_json",
    "render_markdown",
    "schema",
    "write_reports",
]

if TYPE_CHECKING:
    from advisor.reporting.html import render_html
    from advisor.reporting.markdown import render_markdown
    from advisor.reporting.model import (
        SCHEMA_VERSION,
        DatasetReport,
        SuiteReport,
        SummaryRow,
        build_report,
        dataset_report,
    )
    from advisor.reporting.write import FORMATS, load_report, render_json, schema, write_reports

__getattr__, __dir__ = attach(__name__, _EXPORTS)

"""Write a report over many benchmark results as HTML, Markdown (+ SVG charts) and JSON.

>>> paths = write_reports([result_a, result_b], "reports/")      # doctest: +SKIP
>>> paths["html"], paths["md"], paths["json"]                    # doctest: +SKIP
(PosixPath('reports/report.html'), PosixPath('reports/report.md'), PosixPath('reports/report.json'))
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.errors import InvalidArgumentError

if TYPE_CHECKING:
    from advisor.benchmarking.results import BenchmarkResult
    from advisor.reporting.model import SuiteReport

__all__ = ["DEFAULT_TITLE", "FORMATS", "load_report", "render_json", "schema", "write_reports"]

#: Report formats and the file each writes into the output folder.
FORMATS = {"html": "report.html", "md": "report.md", "json": "report.json"}
#: The folder, next to ``report.md``, that holds its SVG charts.
ASSETS_DIR = "report_assets"
DEFAULT_TITLE = "advisor benchmark report"
_SCHEMA = Path(__file__).with_name("schema") / "report.schema.json"


def write_reports(
    results: list[BenchmarkResult],
    out_dir: str | Path,
    formats: tuple[str, ...] = ("html", "md", "json"),
    title: str = DEFAULT_TITLE,
) -> dict[str, Path]:
    """Build one report model from ``results`` and write it in each of ``formats`` into ``out_dir``.

    Writes ``report.html`` (self-contained, opens offline), ``report.md`` with its charts in
    ``report_assets/*.svg``, and ``report.json`` (layout: ``advisor/reporting/schema/report.schema.json``).
    Returns the written path of each format.
    """
    from advisor.reporting.model import build_report

    wanted = _check_formats(formats)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = build_report(list(results), title=title)
    written: dict[str, Path] = {}
    for fmt in wanted:
        path = out / FORMATS[fmt]
        path.write_text(_render(report, fmt, out), encoding="utf-8")
        written[fmt] = path
    return written


def render_json(report: SuiteReport, indent: int | None = 2) -> str:
    """The report as JSON text (``report.to_dict()``; strict JSON: no NaN or infinities)."""
    return json.dumps(report.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False)


def load_report(path: str | Path) -> SuiteReport:
    """A report written as JSON, loaded back into the model (to render it again, or compare runs)."""
    from advisor.reporting.model import SuiteReport

    return SuiteReport.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) that ``report.json`` follows."""
    return json.loads(_SCHEMA.read_text(encoding="utf-8"))


def _render(report: SuiteReport, fmt: str, out: Path) -> str:
    if fmt == "html":
        from advisor.reporting.html import render_html

        return render_html(report)
    if fmt == "md":
        from advisor.reporting.markdown import render_markdown

        return render_markdown(report, out / ASSETS_DIR, ASSETS_DIR)
    return render_json(report)


def _check_formats(formats: tuple[str, ...] | list[str] | str) -> list[str]:
    """The requested formats, deduplicated; an unknown one is an :class:`InvalidArgumentError`."""
    if isinstance(formats, str):
        formats = (formats,)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        shown = ", ".join(repr(f) for f in unknown) or "none"
        raise InvalidArgumentError(
            f"Unknown report format(s): {shown}.", f"Use one or more of {', '.join(repr(k) for k in FORMATS)}."
        )
    return list(dict.fromkeys(formats))

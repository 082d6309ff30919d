"""Suite reports: the chosen formats, written with :func:`advisor.reporting.write.write_reports`.

Writing reports never costs the results: when the reporting package is missing or fails, the suite
result says why (``report_error``) and every ``result.json`` and ``suite.json`` stays on disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from advisor.benchmarking.results import BenchmarkResult
from advisor.errors import InvalidArgumentError

__all__ = ["REPORTS_FOLDER", "REPORT_FORMATS", "parse_formats", "write_suite_reports"]

REPORT_FORMATS = ("html", "md", "json")
#: Reports go to ``<out>/reports/`` (a dataset never gets this folder name).
REPORTS_FOLDER = "reports"
_ALIASES = {"markdown": "md", "htm": "html"}


def parse_formats(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """Report formats from ``"html,md,json"`` or a list; ``"none"`` or an empty value: no reports."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    formats: list[str] = []
    for item in items:
        name = _ALIASES.get(str(item).strip().lower(), str(item).strip().lower())
        if name in ("", "none"):
            continue
        if name not in REPORT_FORMATS:
            raise InvalidArgumentError(
                f"Unknown report format {item!r}.",
                f"Choose from {', '.join(REPORT_FORMATS)} (comma-separated), or none.",
            )
        if name not in formats:
            formats.append(name)
    return tuple(formats)


def write_suite_reports(
    results: list[BenchmarkResult], out_dir: Path, formats: tuple[str, ...], title: str
) -> tuple[dict[str, Path], str | None]:
    """Write the reports; return their paths by format, and why none were written (or ``None``)."""
    if not formats:
        return {}, None
    if not results:
        return {}, "no dataset finished, so there is nothing to report"
    try:
        from advisor.reporting.write import write_reports
    except ImportError as exc:
        return {}, f"reports need advisor.reporting.write, which cannot be imported here ({exc})"
    try:
        paths = write_reports(results, out_dir / REPORTS_FOLDER, formats=formats, title=title)
    except Exception as exc:  # a report bug must not hide the results: say it, keep going
        return {}, f"writing the reports failed: {type(exc).__name__}: {exc}"
    return {str(k): Path(v) for k, v in paths.items()}, None

"""What the Results tab offers to download: the reports (written into the run folder) and the model to deploy.

>>> paths = ensure_reports(result, Path(result.run_dir))     # doctest: +SKIP
>>> markdown_zip(paths["md"])                                # doctest: +SKIP
"""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from advisor.app.runs import RESULT_FILE

if TYPE_CHECKING:
    from advisor.benchmarking import BenchmarkResult

__all__ = ["BEST_MODEL", "REPORTS_DIR", "best_model", "ensure_reports", "markdown_zip"]

#: Folder in a run folder that holds its reports.
REPORTS_DIR = "reports"


def ensure_reports(result: BenchmarkResult, run_dir: Path) -> dict[str, Path]:
    """HTML, Markdown (+ SVG charts) and JSON reports of ``result`` in ``run_dir/reports``.

    Written with :func:`advisor.reporting.write.write_reports` when missing or older than the run's
    ``result.json``; otherwise the existing files are returned. They are written into a temporary folder
    that then replaces ``reports/``, so a process stopped mid-way never leaves half-written reports.
    """
    from advisor.reporting.write import FORMATS, write_reports

    out = run_dir / REPORTS_DIR
    paths = {fmt: out / name for fmt, name in FORMATS.items()}
    source = run_dir / RESULT_FILE
    newest = source.stat().st_mtime if source.exists() else 0.0
    if all(p.exists() and p.stat().st_mtime >= newest for p in paths.values()):
        return paths
    tmp = run_dir / f".{REPORTS_DIR}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    written = write_reports([result], tmp, title=f"advisor benchmark: {result.dataset}")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return {fmt: out / path.name for fmt, path in written.items()}


def markdown_zip(md_path: Path) -> bytes:
    """``report.md`` and its chart folder as one zip (the Markdown links the SVGs by relative path)."""
    from advisor.reporting.write import ASSETS_DIR

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(md_path, md_path.name)
        assets = md_path.parent / ASSETS_DIR
        for asset in sorted(assets.glob("*")) if assets.is_dir() else []:
            archive.write(asset, f"{ASSETS_DIR}/{asset.name}")
    return buffer.getvalue()


#: The chosen model, saved by the benchmark for deployment (see ``BenchmarkResult.deployed``).
BEST_MODEL = "best.pkl"


def best_model(result: BenchmarkResult, run_dir: Path) -> Path | None:
    """The model to deploy: ``run_dir/models/best.pkl`` (the family chosen on validation, refit on all rows by
    default; ``result.deployed`` says which rows it saw), else, for runs saved before it existed, the saved model
    of the winning family (its ``model_path``, else ``run_dir/models/<family>.pkl``)."""
    for candidate in (run_dir / "models" / BEST_MODEL, (result.deployed or {}).get("path")):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    winner = result.verdict.winner
    if winner is None:
        board = result.leaderboard()
        winner = str(board["family"].iloc[0]) if not board.empty else None
    if winner is None:
        return None
    recorded = next((f.model_path for f in result.families if f.family == winner), None)
    for candidate in (recorded, run_dir / "models" / f"{winner}.pkl"):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None

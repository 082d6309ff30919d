"""What a dashboard job's process runs: load the data, benchmark it, write progress as JSON lines.

Started by :func:`advisor.app.jobs.start_job` as ``python -m advisor.app_worker RUN_DIR``. It reads
``RUN_DIR/job.json``, calls :func:`advisor.load` and :func:`advisor.benchmark` (which saves
``result.json`` and the models into the run folder), and appends every progress event to
``RUN_DIR/progress.jsonl``. Then it writes the HTML / Markdown / JSON reports into ``RUN_DIR/reports``
and only then passes on the runner's ``done`` event, so the page finds a finished run with its reports.
A ``curve`` job (``JobSpec.kind``) measures a learning curve instead and writes ``curve.json`` and
``curve.html``. Bad input ends it with an ``error`` line holding the problem and the fix; a bug also prints
its traceback to ``worker.log``.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.app.jobs import JOB_FILE, LOG_FILE, JobSpec, append_event
from advisor.errors import AdvisorError, DataNotFoundError

if TYPE_CHECKING:
    from advisor.benchmarking import BenchmarkResult

__all__ = ["main", "run"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the job of the run folder given as the one argument; 0 done, 2 bad input, 1 a bug."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m advisor.app_worker RUN_DIR", file=sys.stderr)
        return 2
    run_dir = Path(args[0])
    if not (run_dir / "job.json").is_file():
        print(
            f"error: '{run_dir}' holds no dashboard job (job.json). Start a benchmark from the dashboard.",
            file=sys.stderr,
        )
        return 2
    held: list[dict[str, Any]] = []

    def on_progress(event: Any) -> None:
        data = _event_dict(event)
        if data["phase"] == "done":
            held.append(data)  # said once the reports are written
        else:
            append_event(run_dir, data)

    try:
        spec = read_spec(run_dir)
        if spec.kind == "curve":
            run_curve(spec, run_dir)
            return 0
        result = run(spec, on_progress)
        _write_reports(result, run_dir)
        for data in held:
            append_event(run_dir, data)
    except AdvisorError as exc:
        append_event(run_dir, {"phase": "error", "problem": exc.problem, "fix": exc.fix})
        return 2
    except Exception as exc:  # a bug: the traceback goes to the log, a short message to the page
        traceback.print_exc()
        append_event(
            run_dir,
            {
                "phase": "error",
                "problem": f"Unexpected error: {type(exc).__name__}: {exc}",
                "fix": f"This is a bug in advisor; the traceback is in {run_dir / LOG_FILE}. Please report it.",
            },
        )
        return 1
    return 0


def read_spec(run_dir: Path) -> JobSpec:
    """The job's :class:`JobSpec` from ``RUN_DIR/job.json``."""
    import json

    try:
        record = json.loads((run_dir / JOB_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataNotFoundError(
            f"No job in '{run_dir}' ({JOB_FILE} is missing).", "Start it from the dashboard."
        ) from None
    return JobSpec.from_dict(record["spec"])


def run(spec: JobSpec, on_progress: Any) -> BenchmarkResult:
    """Load the data and benchmark it as ``spec`` says (the page's recommendation decides the families; the task
    and metric the user stated, and whether the chosen model is refit on all rows, travel in the spec)."""
    from advisor.api import benchmark
    from advisor.benchmarking import Budget
    from advisor.rules import Recommendation

    dataset = _load(spec)
    recommendation = Recommendation.from_dict(spec.recommendation) if spec.recommendation else None
    return benchmark(
        dataset,
        recommendation,
        budget=Budget(seconds=spec.seconds, trials=spec.trials),
        seed=spec.seed,
        run_dir=spec.run_dir,
        price_per_hour=spec.price_per_hour,
        on_progress=on_progress,
        refit_full=spec.refit_full,
        sampler=spec.sampler,
        pruner=spec.pruner,
        storage=spec.storage,
        workers=spec.workers,
    )


def run_curve(spec: JobSpec, run_dir: Path) -> None:
    """Measure a learning curve as ``spec`` says; progress lines say which size is being measured, then
    ``curve.json`` and ``curve.html`` are written and the ``done`` line says the answer."""
    from advisor.curve import CURVE_FILE, CURVE_REPORT, learning_curve
    from advisor.reporting.curve_html import render_curve_html

    dataset = _load(spec)

    def on_progress(done: int, total: int, message: str) -> None:
        append_event(run_dir, {"phase": "curve", "done": done, "total": total, "message": message})

    curve = learning_curve(dataset, budget=spec.seconds or 180.0, seed=spec.seed, run_dir=run_dir / "runs",
                           on_progress=on_progress)  # fmt: skip
    curve.save(run_dir / CURVE_FILE)
    (run_dir / CURVE_REPORT).write_text(render_curve_html(curve), encoding="utf-8")
    append_event(run_dir, {"phase": "done", "message": curve.summary})


def _load(spec: JobSpec) -> Any:
    """The job's data, read as the page read it (target, kind, size limit, stated task and metric)."""
    from advisor.api import load

    return load(spec.source, target=spec.target, modality=spec.modality, max_bytes=spec.max_bytes,
                task=spec.task, metric=spec.metric)  # fmt: skip


def _write_reports(result: BenchmarkResult, run_dir: Path) -> None:
    """The run's reports; a failure here is logged and left to the page, which tries again and says why."""
    from advisor.app.downloads import ensure_reports

    try:
        ensure_reports(result, run_dir)
    except Exception:
        traceback.print_exc()


def _event_dict(event: Any) -> dict[str, Any]:
    """A progress event as plain JSON (non-finite losses become None)."""
    data = asdict(event)
    data["best"] = {k: (v if v == v and abs(v) != float("inf") else None) for k, v in data["best"].items()}
    return data

"""The Benchmark tab: start a benchmark in its own process, follow it live, stop it, resume it.

The job panel is a fragment: while a job runs it redraws itself every second from the run folder's
``progress.jsonl`` (the rest of the page stays usable), and reruns the whole page when the job starts
or ends, so the Results tab picks up a finished run.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import streamlit as st

from advisor.app import jobs
from advisor.app.runs import run_folder
from advisor.app.ui.common import Loaded, Settings, guarded, show_error, start_and_rerun
from advisor.benchmarking.studies import PRUNERS, SAMPLERS
from advisor.errors import AdvisorError
from advisor.rules import Recommendation

__all__ = ["benchmark_section"]

#: Seconds between redraws of a running job's progress.
POLL_S = 1.0
PHASES = {"search": "searching", "refit": "refitting", "embed": "embedding", "done": "finished"}
START_LABELS = {
    "idle": "Start benchmark",
    "stopped": "Resume",
    "interrupted": "Resume",
    "failed": "Start again",
    "done": "Run again (resumes the studies)",
}


def benchmark_section(loaded: Loaded, rec: Recommendation, settings: Settings) -> Path | None:
    """Draw the Benchmark tab; return the run folder of the chosen data (None without a target)."""
    if loaded.dataset.y is None:
        st.info("Choose a target column in the Data tab to benchmark.", icon=":material/target:")
        return None
    cap_col, seed_col, budget_col = st.columns(3)
    trials = cap_col.number_input("Trial cap (0 = none)", min_value=0, value=0, step=1, key="trials")
    seed = seed_col.number_input("Seed", min_value=0, value=0, step=1, key="seed")
    budget_col.metric("Time budget", f"{settings.budget_s:,.0f} s", help="Set in the sidebar.")
    sampler_col, pruner_col = st.columns(2)
    sampler = sampler_col.selectbox(
        "Optuna sampler",
        SAMPLERS,
        key="sampler",
        help="How each study proposes its next trial (TPE by default).",
    )
    pruner = pruner_col.selectbox(
        "Optuna pruner", PRUNERS, key="pruner", help="How unpromising trials are stopped early (median by default)."
    )
    refit_full = st.checkbox(
        "Refit the chosen model on all rows",
        value=True,
        key="refit_full",
        help="The family best on validation by the metric is refit on every row, test rows included, and saved as "
        "models/best.pkl, the model to deploy. Off: the model scored on test (train + validation rows) is saved.",
    )
    storage, workers = _scale_out()
    run_dir = run_folder(
        settings.runs_root, loaded.dataset.name, loaded.target, int(seed), loaded.tag, task=loaded.task
    )
    run_dir = run_dir.expanduser().resolve()
    spec = jobs.JobSpec(
        source=loaded.source,
        target=loaded.target,
        modality=loaded.modality,
        run_dir=str(run_dir),
        seconds=settings.budget_s,
        trials=int(trials) or None,
        seed=int(seed),
        price_per_hour=settings.price_per_hour,
        max_bytes=loaded.max_bytes,
        recommendation=rec.to_dict(),
        task=loaded.task,
        metric=loaded.metric,
        refit_full=refit_full,
        sampler=sampler,
        pruner=pruner,
        storage=storage,
        workers=workers,
    )
    st.caption(
        f"Families, in the plan's order: {', '.join(rec.plan.families)}; ranked and chosen by "
        f"**{rec.plan.metric}**. Run folder: `{_shown(run_dir)}` (starting again in it resumes: finished trials "
        "are kept)."
    )
    running = jobs.job_status(run_dir).running
    st.fragment(_job_panel, run_every=POLL_S if running else None)(spec, running)
    return run_dir


def _scale_out() -> tuple[str | None, int]:
    """The Optuna storage (blank: SQLite in the run folder) and how many worker processes search together."""
    with st.expander("Scale out: several workers on a database", icon=":material/hub:"):
        storage = st.text_input(
            "Optuna storage",
            key="storage",
            placeholder="postgresql://USER:PASSWORD@HOST/DB",
            help="Blank: a SQLite file in the run folder. Several workers need a database server they all reach; "
            "workers on other machines join with `advisor worker --storage URL --run RUN` (docs/scaling.md).",
        )
        workers = st.number_input(
            "Workers on this machine",
            min_value=1,
            max_value=64,
            value=1,
            step=1,
            key="workers",
            help="Processes that search this benchmark together, sharing its budget and its studies.",
        )
    return (storage.strip() or None), int(workers)


def _job_panel(spec: jobs.JobSpec, was_running: bool) -> None:
    """The job's state, live progress and Start / Stop; reruns the page when the job starts or ends."""
    run_dir = Path(spec.run_dir)
    status = jobs.job_status(run_dir)
    if status.running != was_running:
        if status.state == "done":
            st.session_state["results_run"] = str(run_dir)
        st.rerun(scope="app")
    _show_status(status, spec)
    if status.running:
        if st.button("Stop", key="stop_job", icon=":material/stop_circle:"):
            guarded(jobs.stop_job, run_dir)
            st.rerun(scope="app")
        return
    label = START_LABELS.get(status.state, "Start")
    if st.button(label, key="start_job", type="primary", icon=":material/play_arrow:"):
        start_and_rerun(spec)


def _show_status(status: jobs.JobStatus, spec: jobs.JobSpec) -> None:
    if status.state == "idle":
        st.info("No benchmark has run for this data, target and seed yet.", icon=":material/timer:")
        return
    if status.running:
        _progress(status, spec)
    elif status.state == "done":
        st.success(f"Finished. {status.progress.get('message', '') if status.progress else ''} See the Results tab.")
    elif status.state == "failed":
        show_error(AdvisorError(status.problem, status.fix))
    elif status.state == "stopped":
        st.warning("Stopped. The run folder keeps every finished trial: Resume continues from there.")
    else:
        st.warning("The benchmark process ended before finishing (killed?). Resume continues from the run folder.")
    if status.state in ("failed", "interrupted"):
        with st.expander("Worker log"):
            st.code(jobs.log_tail(status.run_dir) or "(empty)", language=None)
    if status.progress and status.progress.get("best"):
        _best_table(status)


def _progress(status: jobs.JobStatus, spec: jobs.JobSpec) -> None:
    event = status.progress
    if event is None:
        since = status.since_start_s or 0.0
        st.progress(0.0, text=f"Starting: loading the data and the libraries… ({since:.0f} s)")
        return
    elapsed, budget = float(event.get("elapsed_s") or 0.0), event.get("budget_s") or spec.seconds
    done, target = int(event.get("trials_done") or 0), event.get("trials_target")
    fraction = elapsed / budget if budget else done / max(target or 1, 1)
    phase = PHASES.get(str(event.get("phase")), str(event.get("phase")))
    trials = f"{done}" + (f"/{target}" if target else "")
    budget_text = f" of {budget:,.0f} s" if budget else ""
    text = f"{phase} {event.get('family') or ''} · {trials} trials · {elapsed:,.0f} s{budget_text}"
    st.progress(min(max(fraction, 0.0), 1.0), text=text)
    if event.get("message"):
        st.caption(str(event["message"]))


def _best_table(status: jobs.JobStatus) -> None:
    """Best validation loss so far and finished trials, per family."""
    assert status.progress is not None
    counts = Counter(e.get("family") for e in status.events if e.get("phase") == "search")
    frame = pd.DataFrame(
        [
            {"family": family, "trials": counts.get(family, 0), "best validation loss": loss}
            for family, loss in status.progress["best"].items()
        ]
    )
    config = {"best validation loss": st.column_config.NumberColumn(format="%.4f")}
    st.dataframe(frame, hide_index=True, column_config=config, key="best_so_far")


def _shown(path: Path) -> str:
    """``path`` relative to the working folder when it is inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)

"""The Data tab: pick a bundled dataset or upload files, choose the target (and, if advisor guessed wrong,
the task and the kind of data) and the metric, see the profile."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from advisor.app.ui.common import Loaded, load_dataset, profile_dataset, show_error
from advisor.app.uploads import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB, UPLOAD_TYPES, save_uploads
from advisor.errors import AdvisorError

if TYPE_CHECKING:
    from advisor.data import Dataset
    from advisor.profiling import DatasetProfile

__all__ = ["data_section"]

BUNDLED, UPLOAD = "Bundled dataset", "Upload files"
MODALITIES: tuple[str | None, ...] = (None, "tabular", "image", "text", "timeseries")
#: The metric choice that opens a text box for any scikit-learn scorer name.
OTHER_METRIC = "other"
METRIC_HELP = (
    "The score you are judged on: the plan, the leaderboard, the verdict and the chosen model use it (trials "
    "still minimize log loss or RMSE on validation). Default: the plan's (accuracy; ROC-AUC or balanced accuracy "
    "on imbalanced classes; RMSE)."
)
UPLOAD_HELP = (
    "A CSV / TSV / Parquet table (free-text columns welcome), a .zip of image or text class folders, an .npz, "
    f"or .ts files (NAME_TRAIN.ts + NAME_TEST.ts). Up to {MAX_UPLOAD_MB} MB."
)


def data_section(runs_root: Path) -> Loaded | None:
    """Draw the Data tab; return the chosen data once it is loaded and profiled."""
    kind = st.radio("Data source", (BUNDLED, UPLOAD), key="source_kind", horizontal=True)
    picked = _pick_bundled() if kind == BUNDLED else _pick_upload(runs_root)
    if picked is None:
        return None
    source, max_bytes, tag = picked
    target_col, task_col, metric_col, modality_col = st.columns(4)
    modality = modality_col.selectbox(
        "Kind of data",
        MODALITIES,
        format_func=lambda m: "detected" if m is None else m,
        key=f"modality::{source}",
        help="advisor detects it (and says why below); override it if it guessed wrong.",
    )
    base = load_dataset(source, None, modality, max_bytes)
    with target_col:
        target = _target_choice(base, source)
    target_arg = None if target == base.target else target
    detected = profile_dataset(source, target_arg, modality, max_bytes)
    with task_col:
        task = _task_choice(load_dataset(source, target_arg, modality, max_bytes), detected, source)
    with metric_col:
        metric = _metric_choice(task or detected.task, f"{source}::{target}::{task}")
    dataset = load_dataset(source, target_arg, modality, max_bytes, task, metric)
    prof = profile_dataset(source, target_arg, modality, max_bytes, task, metric) if task or metric else detected
    show_profile(dataset, prof)
    return Loaded(source, dataset.target, modality, max_bytes, tag, dataset, prof, task, metric)


def _pick_bundled() -> tuple[str, int | None, str] | None:
    table = _bundled_table()
    info = table.set_index("name").to_dict("index")
    name = st.selectbox(
        "Bundled dataset",
        list(info),
        index=None,
        placeholder="Choose a dataset",
        format_func=lambda n: f"{n} — {info[n]['modality']} {info[n]['task']}, {info[n]['rows']:,} rows",
        key="bundled",
    )
    if name is None:
        st.info("Choose one of the bundled datasets, or upload your own data.", icon=":material/database:")
        return None
    st.caption(f"License: {info[name]['license']}")
    return name, None, ""


@st.cache_data(show_spinner=False)
def _bundled_table() -> pd.DataFrame:
    from advisor import datasets

    return datasets.describe()


def _pick_upload(runs_root: Path) -> tuple[str, int | None, str] | None:
    files = st.file_uploader(
        "Upload data",
        type=list(UPLOAD_TYPES),
        accept_multiple_files=True,
        key="upload",
        max_upload_size=MAX_UPLOAD_MB,
        help=UPLOAD_HELP,
    )
    if not files:
        st.info(UPLOAD_HELP, icon=":material/upload_file:")
        return None
    path = _saved_upload(files, runs_root)
    return str(path), MAX_UPLOAD_BYTES, path.parent.name[:8]


def _saved_upload(files: list[Any], runs_root: Path) -> Path:
    """Save the uploaded files once per upload (reruns reuse the saved path)."""
    key = (str(runs_root), tuple(f.file_id for f in files))
    saved: dict[tuple[Any, ...], Path] = st.session_state.setdefault("_saved_uploads", {})
    if key not in saved:
        saved[key] = save_uploads([(f.name, f.getvalue()) for f in files], runs_root).resolve()
    return saved[key]


def _target_choice(base: Dataset, source: str) -> str | None:
    """The target: a column of a table (proposed when the data names none), or the labels that come with files."""
    if not isinstance(base.X, pd.DataFrame):
        st.text_input("Target", value=base.target or "labels from the files", disabled=True, key=f"fixed::{source}")
        return base.target
    from advisor.data import suggest_target

    columns = [str(c) for c in base.X.columns]
    if base.target is not None and base.target not in columns:
        columns.append(base.target)
    suggestion = suggest_target(base.X) if base.target is None else None
    default = base.target or (suggestion.column if suggestion else None)
    target = st.selectbox(
        "Target column",
        columns,
        index=columns.index(default) if default in columns else None,
        placeholder="Choose the column to predict",
        key=f"target::{source}",
        help="The column to predict. Without one, advisor profiles the data but cannot recommend for a task.",
    )
    if suggestion is not None and target == suggestion.column:
        st.caption(f"Proposed: {suggestion.reason}.")
    return target


def _task_choice(dataset: Dataset, detected: DatasetProfile, source: str) -> str | None:
    """The task the user states, or ``None`` to keep the detected one (only tasks that fit the target are offered)."""
    if dataset.y is None or detected.task is None:
        st.selectbox("Task", ["no target"], disabled=True, key=f"task_none::{source}")
        return None
    options = [None, *_tasks_for(dataset.y)]
    return st.selectbox(
        "Task",
        options,
        format_func=lambda t: f"detected ({detected.task})" if t is None else t,
        key=f"task::{source}::{dataset.target}",
        help="advisor detects the task from the target's values (and says why below). A numeric target with a "
        "few whole-number levels, such as a 1-5 rating, could be classes or a number: state which.",
    )


def _tasks_for(y: pd.Series) -> list[str]:
    """Tasks a target can take: binary (two values) or multiclass (more), and regression when it is numeric."""
    values = y.dropna()
    tasks = ["binary" if values.nunique() <= 2 else "multiclass"]
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        tasks.append("regression")
    return tasks


def _metric_choice(task: str | None, key: str) -> str | None:
    """The metric the user states (a built-in one of the task, or any scikit-learn scorer), or ``None``: the plan's."""
    from advisor.metrics import METRICS_BY_TASK, resolve_metric

    if task is None:
        st.selectbox("Metric", ["the plan's"], disabled=True, key=f"metric_none::{key}")
        return None
    options = [None, *METRICS_BY_TASK[task], OTHER_METRIC]
    labels = {None: "the plan's", OTHER_METRIC: "other scikit-learn scorer…"}
    choice = st.selectbox(
        "Metric", options, format_func=lambda m: labels.get(m, m), key=f"metric::{key}", help=METRIC_HELP
    )
    if choice != OTHER_METRIC:
        return choice
    text = st.text_input(
        "scikit-learn scorer",
        key=f"scorer::{key}",
        placeholder="e.g. matthews_corrcoef",
        help="Any name in sklearn.metrics.get_scorer_names(); higher is better, as scikit-learn scores are.",
    ).strip()
    try:
        return resolve_metric(text, task) if text else None
    except AdvisorError as exc:
        show_error(exc)
        return None


def show_profile(dataset: Dataset, prof: DatasetProfile) -> None:
    """Sizes, kind and task (with the reasons), column roles, class balance, loader warnings."""
    st.subheader(f"Profile: {prof.name}")
    cells = st.columns(6)
    cells[0].metric("Rows", f"{prof.rows:,}")
    cells[1].metric("Features", f"{prof.features:,}")
    cells[2].metric("Kind", prof.modality)
    cells[3].metric("Task", prof.task or "no target")
    for cell, (label, value) in zip(cells[4:], _target_facts(prof), strict=False):
        cell.metric(label, value)
    metric = f"  \n**Metric:** {prof.metric} (stated)" if prof.metric else ""
    st.caption(f"**Kind:** {prof.modality_reason}  \n**Task:** {prof.task_reason or 'no target chosen'}{metric}")
    if prof.task_ambiguous:
        st.warning(
            f"**The task ({prof.task}) is a guess:** {prof.task_reason}. State it with *Task* beside the target.",
            icon=":material/help:",
        )
    for warning in dataset.meta.get("warnings", ()):
        st.warning(str(warning))
    left, right = st.columns([3, 2], gap="large")
    with left:
        _columns_table(prof)
    with right:
        _class_balance(prof)


def _target_facts(prof: DatasetProfile) -> list[tuple[str, str]]:
    """Two more headline numbers: classes and imbalance, or target skewness; then the missing share."""
    facts = []
    if prof.n_classes:
        facts.append(("Classes", f"{prof.n_classes:,}"))
        if prof.imbalance_ratio:
            facts.append(("Imbalance", f"{prof.imbalance_ratio:.1f} : 1"))
    elif prof.target_skewness is not None:
        facts.append(("Target skewness", f"{prof.target_skewness:.2f}"))
    facts.append(("Missing", f"{prof.missing_share:.1%}"))
    return facts


def _columns_table(prof: DatasetProfile) -> None:
    if prof.columns:
        st.markdown("**Columns**")
        frame = pd.DataFrame(
            [
                {
                    "column": c.name,
                    "role": c.role,
                    "dtype": c.dtype,
                    "missing %": 100 * c.missing_share,
                    "distinct": c.cardinality,
                    "skewness": c.skewness,
                }
                for c in prof.columns
            ]
        )
        config = {
            "missing %": st.column_config.NumberColumn(format="%.1f"),
            "skewness": st.column_config.NumberColumn(format="%.2f"),
        }
        st.dataframe(frame, hide_index=True, column_config=config, height=min(38 + 35 * len(frame), 420))
        return
    stats = prof.image or prof.text or prof.series
    if stats is not None:
        st.markdown(f"**{type(stats).__name__.removesuffix('Stats')}**")
        st.dataframe(pd.DataFrame([vars(stats)]).T.rename(columns={0: "value"}).astype(str))


def _class_balance(prof: DatasetProfile) -> None:
    if not prof.class_counts:
        return
    st.markdown("**Class balance**")
    counts = pd.DataFrame({"class": list(prof.class_counts), "rows": list(prof.class_counts.values())})
    st.bar_chart(counts, x="class", y="rows", horizontal=True, height=min(80 + 28 * len(counts), 360))

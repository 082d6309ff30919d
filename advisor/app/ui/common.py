"""What every part of the page shares: its settings, the loaded data, error messages and cached calls."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import streamlit as st

from advisor import api
from advisor.errors import AdvisorError

if TYPE_CHECKING:
    from advisor.app.jobs import JobSpec
    from advisor.benchmarking import BenchmarkResult
    from advisor.data import Dataset
    from advisor.hardware import Hardware
    from advisor.profiling import DatasetProfile
    from advisor.rules import Constraints

__all__ = ["Loaded", "Settings", "guarded", "hardware", "load_dataset", "load_result", "profile_dataset", "show_error"]

log = logging.getLogger("advisor.app")
T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    """The sidebar's choices: the constraints, the benchmark's time budget and price, the runs folder."""

    constraints: Constraints
    budget_s: float
    price_per_hour: float | None
    runs_root: Path


@dataclass(frozen=True)
class Loaded:
    """The chosen data: how to load it again (``source``, ``target``, ``modality``, and the ``task`` and
    ``metric`` the user stated, ``None`` when left to advisor), the dataset, its profile.

    ``tag`` tells uploads that share a name apart in run-folder names; ``max_bytes`` is the upload limit.
    """

    source: str
    target: str | None
    modality: str | None
    max_bytes: int | None
    tag: str
    dataset: Dataset
    profile: DatasetProfile
    task: str | None = None
    metric: str | None = None


def show_error(exc: BaseException) -> None:
    """An error as a message on the page: the problem in bold, then the fix; never a traceback."""
    if isinstance(exc, AdvisorError):
        body = f"**{_plain(exc.problem)}**" + (f"\n\n{_plain(exc.fix)}" if exc.fix else "")
    else:
        log.exception("unexpected error in the dashboard")
        body = (
            f"**Unexpected error: {type(exc).__name__}: {_plain(str(exc))}**\n\n"
            "This is a bug in advisor; the traceback is in the terminal that runs the dashboard. Please report it."
        )
    st.error(body, icon=":material/error:")


def guarded(fn: Callable[..., T], *args: object, **kwargs: object) -> T | None:
    """``fn(*args, **kwargs)``, or ``None`` after showing its error on the page."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # Streamlit's rerun / stop signals are BaseExceptions and pass through
        show_error(exc)
        return None


def start_and_rerun(spec: JobSpec) -> None:
    """Start ``spec``'s job and redraw the whole page, or show why it could not start."""
    from advisor.app.jobs import start_job

    try:
        start_job(spec)
    except AdvisorError as exc:
        show_error(exc)
        return
    st.rerun(scope="app")


def _plain(text: str) -> str:
    """Text safe in Streamlit markdown (``$`` would start LaTeX)."""
    return text.replace("$", "\\$")


@st.cache_resource(show_spinner=False)
def hardware() -> Hardware:
    """This machine (detected once per server)."""
    from advisor.hardware import detect

    return detect()


@st.cache_resource(show_spinner="Loading the data…", max_entries=16)
def load_dataset(
    source: str,
    target: str | None,
    modality: str | None,
    max_bytes: int | None,
    task: str | None = None,
    metric: str | None = None,
) -> Dataset:
    """:func:`advisor.load`, once per source, target, modality, task and metric (shared by reruns and sessions;
    never mutated)."""
    return api.load(source, target=target, modality=modality, max_bytes=max_bytes, task=task, metric=metric)


@st.cache_resource(show_spinner="Profiling…", max_entries=16)
def profile_dataset(
    source: str,
    target: str | None,
    modality: str | None,
    max_bytes: int | None,
    task: str | None = None,
    metric: str | None = None,
) -> DatasetProfile:
    """:func:`advisor.profile` of :func:`load_dataset` with the same arguments."""
    return api.profile(load_dataset(source, target, modality, max_bytes, task, metric))


@st.cache_resource(show_spinner=False, max_entries=16)
def load_result(path: str, mtime: float) -> BenchmarkResult:
    """A run's ``result.json`` (``mtime`` in the key: a resumed run that finished again is read again)."""
    from advisor.benchmarking import BenchmarkResult

    return BenchmarkResult.load(path)

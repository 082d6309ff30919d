"""What every model of one run is built with (a :class:`~advisor.models.spec.FitContext` without the recipe):
the task, the profile, the device, threads, seed, categorical columns, class weighting, transfer strategy.

Shared by the benchmark runner and :func:`advisor.refit`, so a refit from a config builds its model exactly
as the benchmark did.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from advisor.benchmarking.views import Views
from advisor.hardware import Hardware
from advisor.profiling.profile import DatasetProfile

if TYPE_CHECKING:
    from advisor.data.dataset import ModalityName
    from advisor.profiling.task import Task
    from advisor.rules.transfer import Strategy

__all__ = ["base_context", "threads_for"]

#: Below this many cells (rows x features) models train on one thread.
SMALL_DATA_CELLS = 200_000
#: Features a text counts for in that size (the MiniLM embedding width).
TEXT_CELLS = 384


def base_context(
    views: Views, hardware: Hardware, *, task: Task, seed: int, transfer: Strategy | None, class_weight: bool
) -> dict[str, Any]:
    """The keyword arguments of ``FitContext`` shared by every family of a run (all but ``recipe``)."""
    table = views.table()
    return dict(
        task=task,
        profile=views.profile,
        device=views.device,
        n_jobs=threads_for(views.profile, hardware, views.dataset.modality.value),
        seed=seed,
        categorical_columns=tuple(table.categorical) if table is not None else (),
        class_weight=class_weight,
        transfer=transfer,
        mixed=views.mixed,
    )


def threads_for(profile: DatasetProfile, hardware: Hardware, modality: ModalityName = "tabular") -> int:
    """All cores for sizeable data; one thread for small data, where thread start-up and contention cost
    more than they save (measured: LightGBM on 768 rows fits 4-8x faster on 1 thread than on 2; XGBoost on
    280 x 384 embeddings 1.6-5x faster). Size is rows x features; a text counts as TEXT_CELLS features
    (the width of its sentence embedding). Frozen encoders always use every core."""
    width = TEXT_CELLS if modality == "text" else max(profile.features, 1)
    return hardware.cores if profile.rows * width >= SMALL_DATA_CELLS else 1

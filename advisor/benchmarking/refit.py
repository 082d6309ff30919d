"""Train a config again on new data, without searching: ``advisor.refit(config, data)``.

The config (:class:`~advisor.benchmarking.config.ModelConfig`, from ``result.best_config()`` or a run's
``best_config.yaml``) names the family, its parameters, rounds or epochs, recipe and settings; the data is
anything :func:`advisor.load` reads. The model is fitted on every row and returned (and saved with ``out``)
as an :class:`~advisor.models.persistence.AdvisorModel` that predicts from raw data like a benchmark's.

>>> model = advisor.refit("advisor-runs/adult/best_config.yaml", "adult_2027.csv", out="model.pkl")  # doctest: +SKIP
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from advisor.benchmarking.config import ModelConfig
from advisor.benchmarking.context import base_context
from advisor.benchmarking.objective import fix_steps
from advisor.benchmarking.prepare import encode_target
from advisor.benchmarking.views import Views
from advisor.data.dataset import Dataset
from advisor.data.form import InputForm
from advisor.errors import InvalidArgumentError, TargetNotFoundError
from advisor.families import require_implementation
from advisor.hardware import Hardware, detect
from advisor.models.persistence import AdvisorModel, save_model
from advisor.models.spec import FitContext
from advisor.profiling import profile as build_profile
from advisor.profiling.checks import check_answerable
from advisor.rules.recommendation import TrainingRecipe

__all__ = ["refit"]


def refit(
    config: ModelConfig | dict[str, Any] | str | Path,
    data: Dataset | Any,
    *,
    target: str | None = None,
    out: str | Path | None = None,
    hardware: Hardware | None = None,
) -> AdvisorModel:
    """Fit ``config``'s family with its parameters on every row of ``data``; save to ``out`` when given."""
    from advisor.api import load

    cfg = ModelConfig.coerce(config)
    dataset = data if isinstance(data, Dataset) else load(data, target=target or cfg.target, modality=cfg.modality)
    if dataset.y is None:
        raise TargetNotFoundError(
            f"The data has no target to train on (the config's was {cfg.target!r}).", "Pass target='column'."
        )
    if dataset.modality.value != cfg.modality:
        raise InvalidArgumentError(
            f"The config is for {cfg.modality} data, but the data is {dataset.modality.value}.",
            "Pass data of the same kind as the benchmark's, or modality= when loading.",
        )
    dataset = dataset.stating(task=cfg.task)
    prof = build_profile(dataset)
    check_answerable(prof)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="advisor-refit-") as tmp:
        model = _fit(cfg, dataset, prof, hardware or detect(probe_torch=True), Path(tmp))
    model.metadata["fit_s"] = round(time.monotonic() - start, 3)
    if out is not None:
        save_model(model, out)
    return model


def _fit(cfg: ModelConfig, dataset: Dataset, prof: Any, hardware: Hardware, run_dir: Path) -> AdvisorModel:
    device = hardware.device if hardware.device != "mps" else "cpu"
    views = Views(dataset, prof, run_dir, device)
    base = base_context(
        views, hardware, task=prof.task, seed=cfg.seed, transfer=cfg.transfer, class_weight=cfg.class_weight
    )
    y, labels = encode_target(dataset.y, prof.task)
    return _fit_one(cfg, views, base, y, labels, InputForm.of(dataset))


def _fit_one(
    cfg: ModelConfig, views: Views, base: dict[str, Any], y: Any, labels: Any, form: InputForm
) -> AdvisorModel:
    trained_on = f"all rows of the data given ({len(y):,} rows)"
    metadata = {"params": dict(cfg.params), "trained_on": trained_on, "rows": len(y), "config": cfg.source}
    if cfg.members:
        from advisor.benchmarking.ensemble_step import InputAverage, RawInput

        members = [_fit_one(m, views, base, y, labels, form) for m in cfg.members]
        weights = dict(cfg.params.get("weights") or {})  # ensemble selection's weights (equal when absent)
        estimator = InputAverage(members, [float(weights[m.family]) for m in members] if weights else None)
        metadata["members"] = [m.family for m in cfg.members]
        return AdvisorModel(cfg.family, cfg.task, estimator, RawInput(), labels, metadata, form)
    spec = require_implementation(cfg.family, cfg.modality)
    recipe = TrainingRecipe.from_dict(cfg.recipe) if cfg.recipe else None
    ctx = FitContext(**base, recipe=recipe, sizing=cfg.sizing)
    view = views.get(spec.view_for(ctx))
    estimator = spec.build(spec.estimator_params(cfg.params, ctx), ctx)  # type: ignore[misc]
    if cfg.n_steps is not None:
        fix_steps(estimator, int(cfg.n_steps))
    estimator.fit(view.X, y)
    return AdvisorModel(cfg.family, cfg.task, estimator, view.preparer, labels, metadata, form)

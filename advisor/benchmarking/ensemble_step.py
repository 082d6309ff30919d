"""The DL + GBM ensemble: average the final boosted-tree model and the final network, score on test."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from advisor.benchmarking.costs import CostRecord, FitCost, measure_inference, model_size_bytes, money
from advisor.benchmarking.metrics import compute_metrics
from advisor.benchmarking.objective import ModelClock, PreparedData
from advisor.benchmarking.results import FamilyResult
from advisor.models.spec import FitContext

__all__ = ["build_ensemble"]


def build_ensemble(
    members: list[tuple[Any, FamilyResult]],
    data: PreparedData,
    ctx: FitContext,
    clock: ModelClock,
    price_per_hour: float | None,
) -> tuple[Any, dict[str, float], dict[str, Any]]:
    """Combine already-fitted members (no retraining); its fit cost is the sum of theirs."""
    from advisor.models.ensemble import AveragingEnsemble

    est = AveragingEnsemble.from_fitted([m for m, _ in members])
    X_te, y_te = data.rows(data.splits.test)
    start = time.perf_counter()
    if data.task == "regression":
        proba, pred = None, np.asarray(est.predict(X_te), dtype=float)
    else:
        proba = np.asarray(est.predict_proba(X_te))
        pred = proba.argmax(axis=1)
    clock.add(time.perf_counter() - start)
    labels = list(range(len(data.labels))) if data.labels is not None else None
    metrics = compute_metrics(data.task, y_te, pred, proba, labels=labels)
    fit = FitCost(
        wall_s=sum(r.costs.get("fit_wall_s") or 0.0 for _, r in members),
        cpu_s=sum(r.costs.get("fit_cpu_s") or 0.0 for _, r in members),
        peak_memory_mb=max(r.costs.get("peak_memory_mb") or 0.0 for _, r in members),
    )
    start = time.perf_counter()
    inference = measure_inference(est.predict, X_te, n_single=50, time_limit_s=2.0)
    clock.add(time.perf_counter() - start)
    costs = CostRecord(
        fit=fit,
        inference=inference,
        model_size_bytes=model_size_bytes(est),
        device=ctx.device,
        money=money(fit.wall_s, price_per_hour),
    ).to_attrs()
    return est, metrics, costs

"""The DL + GBM ensemble: average the final boosted-tree model and the final network, score on test."""

from __future__ import annotations

from typing import Any

from advisor.benchmarking.costs import FitCost, money
from advisor.benchmarking.objective import FINAL_PROBE_ROWS, ModelClock, PreparedData, probe_costs, score_model
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
    _, metrics = score_model(est, X_te, y_te, data, clock)
    fit = FitCost(
        wall_s=sum(r.costs.get("fit_wall_s") or 0.0 for _, r in members),
        cpu_s=sum(r.costs.get("fit_cpu_s") or 0.0 for _, r in members),
        peak_memory_mb=max(r.costs.get("peak_memory_mb") or 0.0 for _, r in members),
    )
    costs = probe_costs(est, fit, X_te, ctx, clock, n_single=FINAL_PROBE_ROWS)
    costs["money"] = money(fit.wall_s, price_per_hour)
    return est, metrics, costs

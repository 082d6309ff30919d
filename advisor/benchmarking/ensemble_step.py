"""An ensemble family's model: average the final models of its members, score on test.

Members may read different inputs (XGBoost on embeddings, a CNN on pixels): each is a saved
:class:`~advisor.models.persistence.AdvisorModel` with its own preparer, and :class:`InputAverage`
averages their predictions on raw data. Nothing is refitted.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from advisor.benchmarking.costs import FitCost, measure_inference, model_size_bytes, money
from advisor.benchmarking.objective import ModelClock
from advisor.benchmarking.results import FamilyResult
from advisor.metrics import compute_metrics
from advisor.models.persistence import AdvisorModel
from advisor.models.spec import FitContext

__all__ = ["InputAverage", "RawInput", "build_ensemble"]


class RawInput:
    """The identity preparer: the ensemble's members prepare raw data themselves."""

    columns: ClassVar[list[str]] = []

    def transform(self, X: Any) -> Any:
        return X


class InputAverage:
    """Averages members' class probabilities (or regression predictions), each on its own input."""

    def __init__(self, members: list[AdvisorModel]) -> None:
        self.members = members

    def _inputs(self, X: Any) -> list[Any]:
        """Each member's input; members with equal preparers (e.g. one encoder) share one transform."""
        done: list[tuple[Any, Any]] = []
        out = []
        for member in self.members:
            hit = next((inputs for prep, inputs in done if prep == member.preparer), None)
            if hit is None:
                hit = member.preparer.transform(X)
                done.append((member.preparer, hit))
            out.append(hit)
        return out

    def predict_proba(self, X: Any) -> np.ndarray:
        return average_proba([m.estimator.predict_proba(x) for m, x in zip(self.members, self._inputs(X), strict=True)])

    def predict(self, X: Any) -> np.ndarray:
        if self.members[0].task != "regression":
            return self.predict_proba(X).argmax(axis=1)
        inputs = self._inputs(X)
        return np.mean(
            [np.asarray(m.estimator.predict(x), float) for m, x in zip(self.members, inputs, strict=True)], 0
        )


def average_proba(probas: list[np.ndarray]) -> np.ndarray:
    return np.mean([np.asarray(p, dtype=float) for p in probas], axis=0)


def build_ensemble(
    family: str,
    members: list[tuple[AdvisorModel, FamilyResult]],
    test_inputs: list[Any],
    raw_test: Any,
    y_test: np.ndarray,
    task: str,
    labels: list[str] | None,
    ctx: FitContext,
    clock: ModelClock,
    price_per_hour: float | None,
) -> tuple[AdvisorModel, dict[str, float], dict[str, Any]]:
    """Combine already-fitted members; its fit cost is the sum of theirs, its latency is measured end to end."""
    import time

    start = time.perf_counter()
    estimators = [m.estimator for m, _ in members]
    if task == "regression":
        pred = np.mean([np.asarray(e.predict(x), float) for e, x in zip(estimators, test_inputs, strict=True)], axis=0)
        proba = None
    else:
        proba = average_proba([e.predict_proba(x) for e, x in zip(estimators, test_inputs, strict=True)])
        pred = proba.argmax(axis=1)
    metrics = compute_metrics(task, y_test, pred, proba, labels=list(range(len(labels))) if labels else None)
    model = AdvisorModel(
        family,
        task,
        InputAverage([m for m, _ in members]),
        RawInput(),
        labels,
        {"members": [m.family for m, _ in members]},
        members[0][0].form,
    )
    inference = measure_inference(model.predict, raw_test, n_single=10, max_batch_rows=500, time_limit_s=3.0)
    clock.add(time.perf_counter() - start)
    fit = FitCost(
        wall_s=sum(r.costs.get("fit_wall_s") or 0.0 for _, r in members),
        cpu_s=sum(r.costs.get("fit_cpu_s") or 0.0 for _, r in members),
        peak_memory_mb=max(r.costs.get("peak_memory_mb") or 0.0 for _, r in members),
    )
    costs = {
        "fit_wall_s": fit.wall_s,
        "fit_cpu_s": fit.cpu_s,
        "peak_memory_mb": fit.peak_memory_mb,
        **inference.to_dict(),
        "model_size_bytes": sum(model_size_bytes(m.estimator) for m, _ in members),
        "device": ctx.device,
        "money": money(fit.wall_s, price_per_hour),
    }
    return model, metrics, costs

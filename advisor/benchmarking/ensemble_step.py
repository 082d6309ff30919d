"""An ensemble family's model: average the final models of its members, score on test.

Members may read different inputs (XGBoost on embeddings, a CNN on pixels): each is a saved
:class:`~advisor.models.persistence.AdvisorModel` with its own preparer, and :class:`InputAverage`
averages their predictions on raw data. Nothing is refitted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from advisor.benchmarking.costs import FitCost, measure_inference, model_size_bytes, money
from advisor.benchmarking.objective import ModelClock, metrics_of, take
from advisor.benchmarking.results import FamilyResult
from advisor.benchmarking.state import RunState, loss_of
from advisor.families import Family, families, get_family, implementation
from advisor.metrics import compute_metrics
from advisor.models.persistence import AdvisorModel, save_model
from advisor.models.spec import FitContext

if TYPE_CHECKING:
    from advisor.profiling.task import Task

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
    task: Task,
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


class EnsembleSteps(RunState):
    """Building the plan's ensembles (a step of the runner; see :class:`~advisor.benchmarking.state.RunState`)."""

    def ensemble(self, name: str) -> None:
        """Combine, for each member the ensemble family declares, the finished family of its roles with the best
        validation loss (each on its own input); nothing is refitted."""
        picks = ensemble_members(get_family(name), self.finals)
        if picks is None:
            roles = " and ".join("/".join(sorted(r.value for r in roles)) for roles in get_family(name).members)
            self.skipped[name] = f"needs a finished model of each of: {roles}"
            return
        members = [self.finals[m] for m in picks]
        try:
            model, test_metrics, costs = build_ensemble(
                name,
                members,
                [self._test_input(m) for m, _ in members],
                take(self.dataset.X, self.splits.test),
                self.y[self.splits.test],
                self.task,
                self.labels,
                self.context(name),
                self.clock,
                self.price_per_hour,
            )
        except Exception as exc:
            self.skipped[name] = f"ensemble failed: {type(exc).__name__}: {exc}"[:300]
            return
        path = save_model(model, self.run_dir / "models" / f"{name}.pkl")
        reason = f"averages the final {' and '.join(picks)} models"
        trained = " and ".join(f"{m.family}: {r.trained_on}" for m, r in members)
        self.finals[name] = (
            model,
            self._family_result(
                name,
                None,
                test_metrics,
                costs,
                str(path),
                reason=reason,
                inputs=reason,
                trained=(trained, min(r.train_rows or 0 for _, r in members) or None),
                val_metrics=self._average_val_metrics(list(picks)),
                members=tuple(picks),
            ),
        )

    def _average_val_metrics(self, members: list[str]) -> dict[str, float]:
        """The ensemble's validation metrics: its members' validation predictions averaged on the rows they share."""
        preds = [self.val_predictions.get(m) for m in members]
        if any(p is None for p in preds):
            return {}
        rows = preds[0].rows  # type: ignore[union-attr]
        for p in preds[1:]:
            rows = np.intersect1d(rows, p.rows)  # type: ignore[union-attr]
        if len(rows) == 0:
            return {}
        values = np.mean([p.values[np.searchsorted(p.rows, rows)] for p in preds], axis=0)  # type: ignore[union-attr]
        return metrics_of(values, self.y[rows], self.metric_data())

    def _test_input(self, model: AdvisorModel) -> Any:
        """A member's test rows in its own (already built) input, so scoring never re-encodes."""
        spec = implementation(model.family, self.modality)
        assert spec is not None
        return take(self.data_for(spec.view_for(self.context(model.family))).X, self.splits.test)


def ensemble_members(ensemble: Family, finals: dict[str, tuple[AdvisorModel, FamilyResult]]) -> tuple[str, ...] | None:
    """Per member role set of ``ensemble``, the finished family of those roles with the lowest validation loss
    (None if a member has no candidate)."""
    declared = families()
    picks = []
    for roles in ensemble.members:
        able = [n for n in finals if n in declared and declared[n].role in roles]
        if not able:
            return None
        picks.append(min(able, key=lambda n: loss_of(finals[n][1])))
    return tuple(picks)

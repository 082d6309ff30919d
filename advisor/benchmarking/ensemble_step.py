"""An ensemble family's model: greedy weighted ensemble selection over the finished families, scored on test.

The weights come from Caruana et al. (2004), "Ensemble selection from libraries of models", as AutoGluon
and auto-sklearn use it: starting from the best single model, each of SELECTION_ROUNDS rounds adds (with
replacement) the family whose addition lowers the validation loss (log loss, or RMSE) of the running
average most; a family's weight is how often it was added. The validation predictions are the ones each
family's best trial made (out-of-fold where it cross-validated), on the rows they share.

Members may read different inputs (XGBoost on embeddings, a CNN on pixels): each is a saved
:class:`~advisor.models.persistence.AdvisorModel` with its own preparer, and :class:`InputAverage`
averages their predictions on raw data with the weights. Nothing is refitted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from advisor.benchmarking.costs import FitCost, measure_inference, model_size_bytes, money
from advisor.benchmarking.objective import ModelClock, metrics_of, take
from advisor.benchmarking.results import FamilyResult
from advisor.benchmarking.state import RunState, loss_of
from advisor.families import Family, Role, families, get_family, implementation
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
    """Averages members' class probabilities (or regression predictions), each on its own input, with
    ``weights`` (default: equal)."""

    def __init__(self, members: list[AdvisorModel], weights: list[float] | None = None) -> None:
        self.members = members
        self.weights = list(weights) if weights is not None else [1.0 / len(members)] * len(members)

    def __setstate__(self, state: dict[str, Any]) -> None:  # models saved before weights existed
        self.__dict__.update(state)
        if "weights" not in state:
            self.weights = [1.0 / len(self.members)] * len(self.members)

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
        probas = [m.estimator.predict_proba(x) for m, x in zip(self.members, self._inputs(X), strict=True)]
        return weighted_average(probas, self.weights)

    def predict(self, X: Any) -> np.ndarray:
        if self.members[0].task != "regression":
            return self.predict_proba(X).argmax(axis=1)
        inputs = self._inputs(X)
        return weighted_average(
            [m.estimator.predict(x) for m, x in zip(self.members, inputs, strict=True)], self.weights
        )


def weighted_average(predictions: list[Any], weights: list[float]) -> np.ndarray:
    """The members' predictions (class probabilities or values) averaged with ``weights`` (summing to 1)."""
    return np.tensordot(np.asarray(weights, dtype=float), np.stack([np.asarray(p, float) for p in predictions]), 1)


#: Rounds of greedy selection with replacement (AutoGluon uses 25; weights are multiples of 1/25), and the
#: validation rows it looks at at most (a seeded random subset of them: the weights need no more).
SELECTION_ROUNDS = 25
SELECTION_MAX_ROWS = 20_000
#: Seconds at most spent timing the ensemble's latency from raw input.
ENSEMBLE_PROBE_S = 0.5


def objective_loss(values: np.ndarray, y: np.ndarray, task: str) -> float:
    """The trials' objective, computed directly: log loss of class probabilities against encoded labels, or RMSE.

    >>> objective_loss(np.array([[0.5, 0.5], [0.1, 0.9]]), np.array([0, 1]), "binary").__round__(4)
    0.4039
    """
    if task == "regression":
        return float(np.sqrt(np.mean((np.asarray(values, float) - y) ** 2)))
    picked = np.asarray(values, float)[np.arange(len(y)), y.astype(int)]
    return float(-np.mean(np.log(np.clip(picked, 1e-15, 1.0))))


def select_weights(candidates: dict[str, np.ndarray], loss: Any, rounds: int = SELECTION_ROUNDS) -> dict[str, float]:
    """Caruana's greedy ensemble selection with replacement: ``candidates`` maps a family to its validation
    predictions (same rows for all), ``loss(values)`` scores an average (lower is better). Returns the
    families picked with their weights (how often each was added, over ``rounds``), largest first.

    >>> y = np.array([0.0, 1.0, 2.0, 3.0])
    >>> rmse = lambda v: float(np.sqrt(np.mean((v - y) ** 2)))
    >>> select_weights({"low": y - 1, "high": y + 1, "far": y + 5}, rmse, rounds=4)
    {'low': 0.5, 'high': 0.5}
    """
    names = sorted(candidates, key=lambda n: loss(candidates[n]))  # ties go to the better single model
    counts = dict.fromkeys(names, 0)
    total = np.zeros_like(np.asarray(candidates[names[0]], dtype=float))
    for n in range(rounds):
        pick = min(names, key=lambda m: loss((total + candidates[m]) / (n + 1)))
        total = total + candidates[pick]
        counts[pick] += 1
    picked = sorted((m for m in names if counts[m]), key=lambda m: -counts[m])
    return {m: counts[m] / rounds for m in picked}


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
    weights: list[float] | None = None,
) -> tuple[AdvisorModel, dict[str, float], dict[str, Any]]:
    """Combine already-fitted members (with ``weights``, default equal); its fit cost is the sum of theirs, its
    latency is measured end to end."""
    import time

    start = time.perf_counter()
    estimators = [m.estimator for m, _ in members]
    weights = list(weights) if weights is not None else [1.0 / len(members)] * len(members)
    if task == "regression":
        pred = weighted_average([e.predict(x) for e, x in zip(estimators, test_inputs, strict=True)], weights)
        proba = None
    else:
        proba = weighted_average([e.predict_proba(x) for e, x in zip(estimators, test_inputs, strict=True)], weights)
        pred = proba.argmax(axis=1)
    metrics = compute_metrics(task, y_test, pred, proba, labels=list(range(len(labels))) if labels else None)
    model = AdvisorModel(
        family,
        task,
        InputAverage([m for m, _ in members], weights),
        RawInput(),
        labels,
        {"members": [m.family for m, _ in members], "weights": weights},
        members[0][0].form,
    )
    inference = measure_inference(
        model.predict, raw_test, n_single=10, max_batch_rows=500, time_limit_s=ENSEMBLE_PROBE_S
    )
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
        """Greedy weighted ensemble selection over every finished family's validation predictions (see the
        module docstring); the picked families' final models are averaged with those weights, nothing is
        refitted, and the ensemble is scored once on test like any family."""
        candidates, rows = self._selection_candidates()
        if len(candidates) < 2:
            self.skipped[name] = "needs validation predictions of at least two finished families"
            return
        data = self.metric_data()
        some = np.random.default_rng(self.seed).permutation(len(rows))[:SELECTION_MAX_ROWS]
        y_some = self.y[rows][some]

        def loss(values: np.ndarray) -> float:
            return objective_loss(values, y_some, self.task)

        weights = select_weights({n: v[some] for n, v in candidates.items()}, loss)
        picks = tuple(weights)
        members = [self.finals[m] for m in picks]
        estimate = self._scoring_estimate(members)
        if not self.policy.deploy_fits(estimate):
            self.skipped[name] = (
                f"no time left to score it: its members' test predictions take about {estimate:.1f}s "
                f"({', '.join(f'{m} {w:.2f}' for m, w in weights.items())} was the selection)"
            )
            return
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
                weights=list(weights.values()),
            )
        except Exception as exc:
            self.skipped[name] = f"ensemble failed: {type(exc).__name__}: {exc}"[:300]
            return
        path = save_model(model, self.run_dir / "models" / f"{name}.pkl")
        shares = ", ".join(f"{m} {w:.2f}" for m, w in weights.items())
        reason = f"ensemble selection (Caruana et al., 2004) on {len(rows):,} validation rows: {shares}"
        trained = " and ".join(f"{m.family}: {r.trained_on}" for m, r in members)
        averaged = weighted_average([candidates[m] for m in picks], list(weights.values()))
        validation = metrics_of(averaged, self.y[rows], data)
        self.finals[name] = (
            model,
            self._family_result(
                name,
                None,
                test_metrics,
                costs,
                str(path),
                reason=reason,
                inputs=f"weighted average of {', '.join(picks)}",
                trained=(trained, min(r.train_rows or 0 for _, r in members) or None),
                val_metrics=validation,
                members=picks,
                params={"weights": dict(weights)},
            ),
        )

    def _scoring_estimate(self, members: list[tuple[AdvisorModel, FamilyResult]]) -> float:
        """Seconds to predict the test rows with every member and to time the ensemble's latency, from the
        members' measured batch throughput."""
        per_1k = sum(float(r.costs.get("batch_ms_per_1k") or 0.0) for _, r in members) / 1000.0
        return 2.0 * per_1k * len(self.splits.test) / 1000.0 + ENSEMBLE_PROBE_S

    def _selection_candidates(self) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Every finished family's (not an ensemble's) validation predictions on the rows they all share."""
        preds = {
            n: self.val_predictions[n]
            for n in self.finals
            if n in self.val_predictions and get_family(n).role is not Role.ENSEMBLE
        }
        if not preds:
            return {}, np.zeros(0, dtype=int)
        rows = next(iter(preds.values())).rows
        for p in preds.values():
            rows = np.intersect1d(rows, p.rows)
        if len(rows) == 0:
            return {}, rows
        return {n: np.asarray(p.values[np.searchsorted(p.rows, rows)], float) for n, p in preds.items()}, rows

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

"""The choice and the model to deploy: the family best on validation by the user's metric, refit on every row
(an ensemble member by member) when the budget allows, saved as ``models/best.pkl``."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import numpy as np

from advisor.benchmarking.ensemble_step import ensemble_members
from advisor.benchmarking.objective import (
    fit_final,
)
from advisor.benchmarking.state import RunState
from advisor.families import Role, get_family, implementation
from advisor.models.persistence import AdvisorModel, save_model

__all__ = ["BEST_MODEL", "DeploySteps"]


#: The file name of the model to deploy, in a run folder's models/.
BEST_MODEL = "best.pkl"


class DeploySteps(RunState):
    """Choosing and deploying (a step of the runner; see :class:`~advisor.benchmarking.state.RunState`)."""

    def ranked_choices(self) -> list[tuple[str, float, str]]:
        """(family, score, basis) for every finished family, best first: validation by the user's metric,
        else (no validation score) the test score."""
        out = []
        for name, (_, res) in self.finals.items():
            value, basis = res.val_metrics.get(self.metric), "validation"
            if value is None:
                value, basis = res.test_metrics.get(self.metric), "test"
            if value is not None:
                out.append((name, value if self.higher_is_better else -value, basis))
        cost = {n: float(r.costs.get("fit_wall_s") or 0.0) for n, (_, r) in self.finals.items()}
        return sorted(out, key=lambda c: (-c[1], cost[c[0]]))

    def update_deploy_estimate(self, families_left: int = 0) -> None:
        """Hold back time for refitting the currently best family on all rows (the policy's reserve): the best
        single family's refit, or, when the plan has an ensemble, its two members' together if that is more; for
        a large table, its refit on every train + validation row, once no family is ``families_left`` to search
        (until then only LARGE_REFIT_SHARE is held back, so a later family's window does not pay for an earlier
        one's refit: the rest comes out of the best family's extra trials)."""
        ranked = self.ranked_choices()
        estimate = self._deploy_estimate(ranked[0][0]) if ranked else 0.0
        if self.policy.large and ranked and not families_left:  # the refit on every train + validation row first
            share = len(self.splits.train_val) / max(self.splits.n_rows, 1)
            self.policy.large_refit_estimate_s = share * estimate
        for name in self.rec.plan.families:
            family = get_family(name)
            members = ensemble_members(family, self.finals) if family.role is Role.ENSEMBLE else None
            if members:
                estimate = max(estimate, sum(self._deploy_estimate(m) for m in members))
        self.policy.deploy_estimate_s = estimate

    def _deploy_estimate(self, name: str) -> float:
        """Seconds to refit ``name`` on all rows: its refit time scaled by rows (an ensemble: its members')."""
        model, res = self.finals[name]
        if get_family(name).role is Role.ENSEMBLE:
            return sum(self._deploy_estimate(m) for m in model.metadata.get("members", ()) if m in self.finals)
        fit_s = float(res.costs.get("fit_wall_s") or 0.0) - float(res.costs.get("embed_s") or 0.0)
        return fit_s * self.splits.n_rows / max(res.train_rows or 1, 1)

    def choose_and_deploy(self, refit_full: bool) -> None:
        """Choose the model to use (best on validation by the user's metric) and, by default, refit it on every
        row; the result says which rows it was trained on."""
        ranked = self.ranked_choices()
        if not ranked:
            return
        name, score, basis = ranked[0]
        shown = score if self.higher_is_better else -score
        self.choice = (
            name,
            f"best {basis} {self.metric} ({shown:.4f}) among {len(ranked)} measured famil"
            f"{'ies' if len(ranked) != 1 else 'y'}",
        )
        model, res = self.finals[name]
        path = self.run_dir / "models" / BEST_MODEL
        deployed: dict[str, Any] = {"family": name, "path": str(path)}
        if refit_full and self.splits.n_rows > (res.train_rows or 0):
            self._emit("deploy", name, None, f"refitting {name} on all {self.splits.n_rows:,} rows")
            start = time.monotonic()
            model, note = self._deploy_refit(name, model)
            deployed["fit_s"] = round(time.monotonic() - start, 3)
            if note:
                deployed["note"] = note
        elif not refit_full:
            deployed["note"] = "refit on all rows turned off (refit_full=False)"
        deployed["trained_on"] = model.metadata.get("trained_on", res.trained_on)
        deployed["rows"] = model.metadata.get("rows", res.train_rows)
        save_model(model, path)
        self.deployed = deployed

    def _deploy_refit(self, name: str, model: AdvisorModel) -> tuple[AdvisorModel, str]:
        """The chosen model refit on every row where the budget allows (an ensemble: member by member, cheapest
        first), with a note on what was not."""
        if get_family(name).role is not Role.ENSEMBLE:
            estimate = self._deploy_estimate(name)
            if not self.policy.deploy_fits(estimate):
                return model, self._not_refit(estimate)
            full = self._refit_all(name, model)
            return (full, "") if full is not None else (model, "the refit on all rows failed (see notes)")
        from advisor.benchmarking.ensemble_step import InputAverage

        members = {m.family: m for m in model.estimator.members}
        skipped = []
        for member in sorted(members, key=self._deploy_estimate):
            estimate = self._deploy_estimate(member)
            full = self._refit_all(member, members[member]) if self.policy.deploy_fits(estimate) else None
            if full is None:
                skipped.append(f"{member} ({self._not_refit(estimate)})")
            else:
                members[member] = full
        trained_on = " and ".join(f"{m.family}: {m.metadata.get('trained_on', '?')}" for m in members.values())
        rows = min(int(m.metadata.get("rows") or 0) for m in members.values())
        metadata = {**model.metadata, "trained_on": trained_on, "rows": rows}
        estimator = InputAverage(list(members.values()), model.estimator.weights)
        combined = dataclasses.replace(model, estimator=estimator, metadata=metadata)
        return combined, ("members kept as scored: " + "; ".join(skipped)) if skipped else ""

    def _not_refit(self, estimate: float) -> str:
        left = max((self.policy.end or 0) - time.monotonic(), 0.0)
        return f"not refit on all rows: about {estimate:.1f}s needed, {left:.1f}s left in the budget"

    def _refit_all(self, name: str, model: AdvisorModel) -> AdvisorModel | None:
        """``model``'s family refit with its best parameters on every row; None (with a note) if it fails."""
        rows = np.arange(self.splits.n_rows)
        try:
            spec = implementation(name, self.modality)
            assert spec is not None
            ctx = self.context(name)
            data = self.data_for(spec.view_for(ctx), name)
            _, res = self.finals[name]
            estimator, _ = fit_final(
                spec, dict(res.best_params), ctx, data, self._steps_of(name), self.policy.end, self.clock, rows
            )
        except Exception as exc:  # keep the train + validation model; say why
            self.notes.append(f"{name}: refit on all rows failed ({type(exc).__name__}: {exc}); kept the scored model")
            return None
        trained_on = f"all rows: train + validation + test ({len(rows):,} rows)"
        metadata = {**model.metadata, "trained_on": trained_on, "rows": len(rows)}
        return dataclasses.replace(model, estimator=estimator, metadata=metadata)

    def _steps_of(self, name: str) -> int | None:
        study = self.studies.get(name)
        _, res = self.finals[name]
        if study is None or res.best_trial is None:
            return None
        trial = next((t for t in study.get_trials() if t.number == res.best_trial), None)
        return trial.user_attrs.get("costs", {}).get("n_steps") if trial is not None else None

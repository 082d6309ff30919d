"""The rules engine: fire rules on the facts, score and rank families, assemble the recommendation."""

from __future__ import annotations

import math
from typing import Any

from advisor.families import Family, applicable
from advisor.families import families as all_families
from advisor.hardware import Hardware
from advisor.profiling.profile import DatasetProfile
from advisor.rules.constraints import Constraints
from advisor.rules.facts import facts as build_facts
from advisor.rules.plan import benchmark_plan, hybrid_options
from advisor.rules.recipe import recipe_for
from advisor.rules.recommendation import FiredRule, RankedFamily, Recommendation
from advisor.rules.rule import Rule, catalog, catalog_version
from advisor.rules.transfer import transfer_strategy

__all__ = ["fire", "rank", "run_engine"]


def fire(facts: dict[str, Any], rules: tuple[Rule, ...] | None = None) -> list[FiredRule]:
    """The rules whose conditions hold, with their reasons filled in from the facts."""
    return [
        FiredRule(r.id, r.topic, r.explain(facts), r.source, r.condition, dict(r.effects))
        for r in (rules if rules is not None else catalog())
        if r.fires(facts)
    ]


def rank(families: list[Family], fired: list[FiredRule]) -> tuple[RankedFamily, ...]:
    """Sum rule effects per family; confidence is the softmax share of the scores."""
    scores = {f.id: 0.0 for f in families}
    moved: dict[str, list[str]] = {f.id: [] for f in families}
    for rule in fired:
        for family, delta in rule.effects.items():
            if family in scores:
                scores[family] += delta
                moved[family].append(rule.id)
    top = max(scores.values(), default=0.0)
    weights = {k: math.exp(v - top) for k, v in scores.items()}
    total = sum(weights.values()) or 1.0
    order = sorted(families, key=lambda f: (-scores[f.id], f.relative_cost))
    return tuple(
        RankedFamily(
            f.id, f.label, f.kind.value, round(scores[f.id], 3), round(weights[f.id] / total, 3), tuple(moved[f.id])
        )
        for f in order
    )


def run_engine(profile: DatasetProfile, hardware: Hardware, constraints: Constraints) -> Recommendation:
    """Everything :func:`advisor.recommend` returns, from a profile, a machine and constraints."""
    facts = build_facts(profile, hardware, constraints)
    fired = fire(facts)
    families = applicable(profile.modality)
    ranking = rank(families, fired)
    gpu = bool(facts["gpu"])
    declared = all_families()
    recipes = {
        r.family: recipe_for(declared[r.family], profile, gpu)
        for r in ranking
        if declared[r.family].needs_recipe and r.score > ranking[0].score - 3.0
    }
    return Recommendation(
        dataset=profile.name,
        modality=profile.modality,
        task=profile.task,
        verdict=ranking[0].kind,
        summary=_summary(ranking, profile),
        ranking=ranking,
        fired=tuple(fired),
        recipes=recipes,
        transfer=transfer_strategy(profile),
        hybrids=hybrid_options(profile, constraints.interpretability),
        plan=benchmark_plan(ranking, profile, constraints.interpretability),
        excluded={f.id: f"does not apply to {profile.modality} data" for f in declared.values() if f not in families},
        constraints=constraints,
        gpu=gpu,
        catalog_version=catalog_version(),
        warnings=_warnings(profile),
    )


def _summary(ranking: tuple[RankedFamily, ...], profile: DatasetProfile) -> str:
    top, runner = ranking[0], ranking[1] if len(ranking) > 1 else None
    kind = {"classical": "Classical ML", "deep": "Deep learning", "hybrid": "A hybrid"}[top.kind]
    level = "high" if top.confidence >= 0.5 else "moderate" if top.confidence >= 0.3 else "low"
    tail = f"; runner-up: {runner.label}" if runner else ""
    return (
        f"{kind}: start with {top.label} for this {profile.modality} "
        f"{profile.task or 'data'} ({level} confidence{tail})."
    )


def _warnings(profile: DatasetProfile) -> tuple[str, ...]:
    out = []
    if profile.task is None:
        out.append("No target was given: the task is unknown, so recipes assume binary classification.")
    if profile.task_ambiguous:
        out.append(f"The task ({profile.task}) is a reading of the target, not a certainty: {profile.task_reason}.")
    if profile.min_class_count is not None and profile.min_class_count < 10:
        out.append(
            f"The smallest class has only {profile.min_class_count} samples: scores will be noisy; "
            "use stratified cross-validation."
        )
    return tuple(out)

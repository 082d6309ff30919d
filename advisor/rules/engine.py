"""The rules engine: fire rules on the facts, score and rank families, assemble the recommendation."""

from __future__ import annotations

import math
from typing import Any

from advisor.families import STRONG_CLASSICAL, Family, applicable
from advisor.families import families as all_families
from advisor.hardware import Hardware
from advisor.profiling.profile import DatasetProfile
from advisor.rules.constraints import Constraints
from advisor.rules.facts import facts as build_facts
from advisor.rules.odds import DeepOdds, deep_odds, odds_models
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
    odds = deep_odds(facts)
    follow = _odds_rule(odds, ranking, facts) if odds is not None else None
    if follow is not None:
        fired.append(follow)
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
        summary=_summary(ranking, profile, odds),
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
        odds=odds,
    )


#: Constraints under which the ranking keeps a network off the top whatever the odds (the rules say why).
_NO_DEEP_FIRST = {"interpretability": True, "deploy_urgency": "high"}


def _odds_rule(odds: DeepOdds, ranking: tuple[RankedFamily, ...], facts: dict[str, Any]) -> FiredRule | None:
    """The rule that makes the ranking follow the odds: the favoured side's family goes above the other side.

    Favouring networks puts the odds model's network (``deep_family``, else the best-ranked one) first;
    favouring the classical side puts its best-ranked strong family (boosted trees on tables, random kernels such
    as MiniRocket on series: :data:`~advisor.families.STRONG_CLASSICAL`) above every network (a linear model or
    forest the rules put first stays there). The push is the gap to close plus a margin that grows with the log-odds.
    """
    declared = all_families()
    deep = [r for r in ranking if r.kind == "deep"]
    classical = [r for r in ranking if declared[r.family].role in STRONG_CLASSICAL]
    if not deep or not classical:
        return None
    p = odds.p_deep
    margin = round(0.2 + abs(math.log(p / (1 - p))) / 2, 3) if 0 < p < 1 else 2.0
    blocked = [k for k, v in _NO_DEEP_FIRST.items() if facts.get(k) == v]
    if p > 0.5 and blocked:
        reason = f"{odds.reason} The ranking still keeps networks off the top: {' and '.join(blocked)} rules them out."
        return FiredRule("odds.deep_vs_gbdt", "evidence", reason, odds.source, _condition(odds), {})
    if p > 0.5:
        pick = next((r for r in deep if r.family == odds.deep_family), deep[0])
        push = max(0.0, ranking[0].score - pick.score) + margin if ranking[0] is not pick else margin
    else:
        pick = classical[0]
        push = max(0.0, deep[0].score - pick.score) + margin
    return FiredRule(
        "odds.deep_vs_gbdt", "evidence", odds.reason, odds.source, _condition(odds), {pick.family: round(push, 3)}
    )


def _condition(odds: DeepOdds) -> str:
    model = next(m for m in odds_models() if m.id == odds.model)
    return f"{model.condition} (odds model {model.id})"


def _summary(ranking: tuple[RankedFamily, ...], profile: DatasetProfile, odds: DeepOdds | None) -> str:
    top, runner = ranking[0], ranking[1] if len(ranking) > 1 else None
    kind = {"classical": "Classical ML", "deep": "Deep learning", "hybrid": "A hybrid"}[top.kind]
    level = "high" if top.confidence >= 0.5 else "moderate" if top.confidence >= 0.3 else "low"
    tail = f"; runner-up: {runner.label}" if runner else ""
    chance = ""
    if odds is not None:
        call = " (too close to call)" if odds.favours == "too_close" else ""
        chance = f" Odds that the best network beats the best {odds.classical_label} here: {odds.p_deep:.0%}{call}."
    return (
        f"{kind}: start with {top.label} for this {profile.modality} "
        f"{profile.task or 'data'} ({level} confidence{tail}).{chance}"
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

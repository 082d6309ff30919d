"""The odds that the best network beats the best classical family, under the user's constraints.

The estimate is a small logistic model over named meta-features (on tables: rows, features, rows per feature,
categorical share, kurtosis, skewness, classes; on series: series, length, channels, classes), stored as data
in ``odds.toml`` beside ``catalog.toml``: one model per kind of evidence, chosen by conditions on the facts
(modality, GPU, compute budget, time budget) in the catalog's clause format. Each model names the families it
compares: the network (``deep_family``) and the classical opponent (``classical_family``: boosted trees on
tables, MiniRocket on series). ``benchmarks/fit_odds.py`` fits the models on the evidence tables in
``advisor/rules/evidence/`` (published large-budget results; this project's measured small-budget runs) and
rewrites the file; ``docs/odds.md`` says how, and how accurate each model is on datasets it did not see.

>>> from advisor.rules.odds import odds_models
>>> [m.id for m in odds_models()][:1]
['short_run']
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from advisor.errors import InvalidArgumentError
from advisor.rules.facts import FACT_NAMES
from advisor.rules.rule import Clause, parse_clauses

__all__ = ["TRANSFORMS", "DeepOdds", "OddsModel", "Term", "deep_odds", "odds_models"]

ODDS_FILE = Path(__file__).with_name("odds.toml")

#: How a fact becomes a model input (one place: the engine and benchmarks/fit_odds.py both use it).
TRANSFORMS = {
    "identity": lambda x: float(x),
    "abs": lambda x: abs(float(x)),
    "log10": lambda x: math.log10(max(float(x), 1.0)),
    "log10p1": lambda x: math.log10(1.0 + max(float(x), 0.0)),
    "log2_classes": lambda x: math.log2(max(float(x), 2.0)),
}


@dataclass(frozen=True)
class Term:
    """One input of a model: ``weight * transform(fact)``, the transformed value clipped to the range the
    model was fitted on; ``default`` (the fitted data's median) stands in for an unknown fact."""

    fact: str
    transform: str
    weight: float
    low: float
    high: float
    default: float

    def value(self, facts: Mapping[str, Any]) -> tuple[float, bool]:
        """The clipped input and whether the fact was known."""
        raw = facts.get(self.fact)
        if raw is None or (isinstance(raw, float) and math.isnan(raw)):
            return self.default, False
        return min(max(TRANSFORMS[self.transform](raw), self.low), self.high), True


@dataclass(frozen=True)
class OddsModel:
    """A logistic model of P(best network beats the best classical family), or a mix of other models' logits
    (plus the model's own intercept: a measured shift of the mixed evidence)."""

    id: str
    label: str
    when: tuple[Clause, ...]
    evidence: str
    source: str
    deep_family: str
    classical_family: str
    classical_label: str
    intercept: float = 0.0
    terms: tuple[Term, ...] = ()
    mix: Mapping[str, float] = field(default_factory=dict)
    fit: Mapping[str, Any] = field(default_factory=dict)

    def applies(self, facts: Mapping[str, Any]) -> bool:
        return all(c.holds(facts) for c in self.when)

    def logit(self, facts: Mapping[str, Any]) -> float:
        if self.mix:
            models = {m.id: m for m in odds_models()}
            return self.intercept + sum(w * models[k].logit(facts) for k, w in self.mix.items())
        return self.intercept + sum(t.weight * t.value(facts)[0] for t in self.terms)

    def contributions(self, facts: Mapping[str, Any]) -> list[tuple[str, float, bool]]:
        """Each term's push on the logit relative to a typical dataset of the evidence (its median)."""
        if self.mix:
            models = {m.id: m for m in odds_models()}
            out: dict[str, tuple[float, bool]] = {}
            for key, w in self.mix.items():
                for fact, push, known in models[key].contributions(facts):
                    out[fact] = (out.get(fact, (0.0, known))[0] + w * push, known)
            return [(f, p, k) for f, (p, k) in out.items()]
        rows = []
        for t in self.terms:
            value, known = t.value(facts)
            rows.append((t.fact, t.weight * (value - t.default), known))
        return rows

    @property
    def condition(self) -> str:
        return " and ".join(str(c) for c in self.when) or "otherwise"


@dataclass(frozen=True)
class DeepOdds:
    """The estimate for one dataset: probability, the side it favours, and why (with its evidence)."""

    p_deep: float
    favours: str  # 'deep' | 'classical' | 'too_close'
    model: str
    model_label: str
    evidence: str
    deep_family: str
    reason: str
    source: str
    drivers: tuple[str, ...] = ()
    classical_family: str = ""  # results saved before series had odds carry neither: boosted trees
    classical_label: str = "boosted trees"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> DeepOdds | None:
        if not data:
            return None
        return cls(**{**data, "drivers": tuple(data.get("drivers", ()))})


@cache
def _document() -> dict[str, Any]:
    return tomllib.loads(ODDS_FILE.read_text(encoding="utf-8"))


def too_close_band() -> float:
    """|p - 0.5| below this is reported as too close to call."""
    return float(_document()["too_close"])


@cache
def odds_models() -> tuple[OddsModel, ...]:
    """The models in ``odds.toml``, in the order they are tried (the first whose conditions hold is used)."""
    from advisor.families import families

    entries = _document()["model"]
    ids = {entry["id"] for entry in entries}
    out = []
    for entry in entries:

        def refuse(problem: str, fix: str, model: str = entry["id"]) -> InvalidArgumentError:
            return InvalidArgumentError(f"Odds model {model!r} in odds.toml: {problem}", fix)

        _check_model(entry, ids, set(families()), refuse)
        out.append(
            OddsModel(
                id=entry["id"],
                label=entry["label"],
                when=parse_clauses(entry.get("when", ()), refuse),
                evidence=entry["evidence"],
                source=entry["source"],
                deep_family=entry["deep_family"],
                classical_family=entry["classical_family"],
                classical_label=entry["classical_label"],
                intercept=float(entry.get("intercept", 0.0)),
                terms=tuple(Term(**t) for t in entry.get("terms", ())),
                mix=dict(entry.get("mix", {})),
                fit=dict(entry.get("fit", {})),
            )
        )
    return tuple(out)


def _check_model(entry: dict[str, Any], ids: set[str], known: set[str], refuse: Any) -> None:
    """Refuse unknown facts and transforms in terms, unknown models in a mix, an unknown network."""
    for term in entry.get("terms", ()):
        if term["fact"] not in FACT_NAMES:
            raise refuse(f"unknown fact {term['fact']!r}.", f"Known facts: {', '.join(sorted(FACT_NAMES))}.")
        if term["transform"] not in TRANSFORMS:
            raise refuse(f"unknown transform {term['transform']!r}.", f"Use one of {', '.join(TRANSFORMS)}.")
    unknown = sorted(set(entry.get("mix", {})) - ids)
    if unknown:
        raise refuse(f"mixes unknown models {unknown}.", f"Known models: {', '.join(sorted(ids))}.")
    for key in ("deep_family", "classical_family"):
        if entry.get(key) not in known:
            raise refuse(f"unknown family {entry.get(key)!r} as {key}.", f"Known families: {', '.join(sorted(known))}.")
    if not entry.get("terms") and not entry.get("mix"):
        raise refuse("it has neither terms nor a mix.", "Fit it with benchmarks/fit_odds.py --write, or mix others.")


def deep_odds(facts: Mapping[str, Any]) -> DeepOdds | None:
    """The odds from the first model whose conditions hold (``None`` where none does: images and text)."""
    model = next((m for m in odds_models() if m.applies(facts)), None)
    if model is None:
        return None
    p = 1.0 / (1.0 + math.exp(-model.logit(facts)))
    band = too_close_band()
    favours = "too_close" if abs(p - 0.5) < band else "deep" if p > 0.5 else "classical"
    drivers = _drivers(model, facts)
    return DeepOdds(
        p_deep=round(p, 3),
        favours=favours,
        model=model.id,
        model_label=model.label,
        evidence=model.evidence,
        deep_family=model.deep_family,
        reason=_reason(p, favours, model, drivers),
        source=model.source,
        drivers=tuple(drivers),
        classical_family=model.classical_family,
        classical_label=model.classical_label,
    )


def _drivers(model: OddsModel, facts: Mapping[str, Any]) -> list[str]:
    """The three terms that move the estimate most, in words."""
    ranked = sorted(model.contributions(facts), key=lambda c: -abs(c[1]))
    out = []
    for fact, push, known in ranked[:3]:
        if abs(push) < 0.05:
            continue
        side = "networks" if push > 0 else model.classical_label
        shown = _shown(fact, facts.get(fact)) if known else "unknown (taken as typical)"
        out.append(f"{fact.replace('_', ' ')} {shown} favours {side} ({push:+.2f} on the log-odds)")
    return out


def _shown(fact: str, value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if fact in ("rows", "features", "n_classes", "series_length", "series_channels"):
        return f"{int(value):,}"
    return f"{float(value):.2f}" if fact in ("categorical_share",) else f"{float(value):.1f}"


def _reason(p: float, favours: str, model: OddsModel, drivers: list[str]) -> str:
    side = {
        "deep": "the best network is the better bet",
        "classical": f"{model.classical_label} are the better bet",
        "too_close": "too close to call: measure both",
    }[favours]
    accuracy = model.fit.get("lodo_accuracy")
    fit = (
        f"; on datasets it did not see, this model picked the winning side {accuracy:.0%} of the time"
        if accuracy
        else ""
    )
    because = f" Because: {'; '.join(drivers)}." if drivers else ""
    return (
        f"Odds that the best network beats the best {model.classical_label}: {p:.0%} ({side}), "
        f"from {model.label}{fit}.{because}"
    )

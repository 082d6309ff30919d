"""Rules as data: an id, a condition (clauses over facts), effects on family scores, a reason, a source.

The catalog lives in ``catalog.toml`` beside this module; adding a rule is adding a record there
(and a test row). A clause is ``[fact, operator, value]``; a rule fires when all its clauses hold.
"""

from __future__ import annotations

import operator
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from advisor.rules.families import FAMILIES

__all__ = ["Clause", "Rule", "catalog", "catalog_version"]

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda a, b: a in b,
}
CATALOG = Path(__file__).with_name("catalog.toml")
TOPICS = (
    "data type",
    "data size",
    "complexity",
    "interpretability",
    "compute",
    "time to deploy",
    "transfer learning",
    "hybrid",
    "evidence",
)


@dataclass(frozen=True)
class Clause:
    """One test on a fact: ``rows < 1000``. A fact that is unknown (None) makes the clause false."""

    fact: str
    op: str
    value: Any

    def holds(self, facts: Mapping[str, Any]) -> bool:
        actual = facts.get(self.fact)
        if actual is None:
            return False
        return bool(_OPS[self.op](actual, self.value))

    def __str__(self) -> str:
        value = f"{self.value:,}" if isinstance(self.value, int) and not isinstance(self.value, bool) else self.value
        return f"{self.fact} {self.op} {value}"


@dataclass(frozen=True)
class Rule:
    """A piece of the decision framework: when it applies, what it does, why, and where it comes from."""

    id: str
    topic: str
    when: tuple[Clause, ...]
    effects: Mapping[str, float]
    reason: str
    source: str

    def fires(self, facts: Mapping[str, Any]) -> bool:
        return all(clause.holds(facts) for clause in self.when)

    def explain(self, facts: Mapping[str, Any]) -> str:
        """The reason with the facts filled in (``{rows:,}`` becomes ``50,000``)."""
        try:
            return self.reason.format(**{k: v for k, v in facts.items() if v is not None})
        except (KeyError, ValueError, TypeError):
            return self.reason

    @property
    def condition(self) -> str:
        return " and ".join(str(c) for c in self.when) or "always"


@cache
def catalog() -> tuple[Rule, ...]:
    """The rules, read once from ``catalog.toml`` and checked for unknown facts, families and topics."""
    data = tomllib.loads(CATALOG.read_text(encoding="utf-8"))
    rules = tuple(_parse(entry) for entry in data["rule"])
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate rule ids in catalog.toml")
    return rules


def catalog_version() -> str:
    return str(tomllib.loads(CATALOG.read_text(encoding="utf-8"))["version"])


def _parse(entry: dict[str, Any]) -> Rule:
    clauses = tuple(Clause(fact, op, value) for fact, op, value in entry.get("when", ()))
    for clause in clauses:
        if clause.op not in _OPS:
            raise ValueError(f"rule {entry['id']}: unknown operator {clause.op!r}")
    unknown = set(entry["effects"]) - set(FAMILIES)
    if unknown:
        raise ValueError(f"rule {entry['id']}: unknown families {sorted(unknown)}")
    if entry["topic"] not in TOPICS:
        raise ValueError(f"rule {entry['id']}: unknown topic {entry['topic']!r}")
    return Rule(
        id=entry["id"],
        topic=entry["topic"],
        when=clauses,
        effects=dict(entry["effects"]),
        reason=entry["reason"],
        source=entry["source"],
    )

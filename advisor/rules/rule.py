"""Rules as data: an id, a condition (clauses over facts), effects on family scores, a reason, a source.

The catalog lives in ``catalog.toml`` beside this module; adding a rule is adding a record there
(and a test row). A clause is ``[fact, operator, value]``; a rule fires when all its clauses hold. A family
declaration may bring rules of its own in the same format (:attr:`advisor.families.Family.rules`): they
join the catalog when the family is registered. Unknown facts, operators, families and topics are refused
with a message naming the rule.
"""

from __future__ import annotations

import operator
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from advisor.errors import InvalidArgumentError
from advisor.rules.facts import FACT_NAMES

__all__ = ["Clause", "Rule", "catalog", "catalog_version", "check_rules", "parse_clauses"]

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


def catalog() -> tuple[Rule, ...]:
    """The rules: ``catalog.toml`` (read once) and the rules registered families bring."""
    from advisor.families import families

    own = tuple(r for f in families().values() for r in _family_rules(f.id, f.rules))
    return _builtin() + own


@cache
def _builtin() -> tuple[Rule, ...]:
    from advisor.families import families

    data = tomllib.loads(CATALOG.read_text(encoding="utf-8"))
    rules = check_rules(data["rule"], set(families()), where="catalog.toml")
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate rule ids in catalog.toml")
    return rules


def _family_rules(family_id: str, entries: tuple[Any, ...]) -> tuple[Rule, ...]:
    from advisor.families import families

    return check_rules(entries, set(families()), where=f"family {family_id!r}")


def catalog_version() -> str:
    return str(tomllib.loads(CATALOG.read_text(encoding="utf-8"))["version"])


def check_rules(entries: Any, families: set[str], where: str) -> tuple[Rule, ...]:
    """Parse rule records (dicts in the catalog's format), refusing unknown facts, operators, families, topics."""
    return tuple(_parse(dict(entry), families, where) for entry in entries)


def parse_clauses(entries: Any, refuse: Callable[[str, str], Exception]) -> tuple[Clause, ...]:
    """``[fact, operator, value]`` triples as clauses, refusing (with ``refuse``) unknown operators and facts."""
    clauses = tuple(Clause(fact, op, value) for fact, op, value in entries)
    for clause in clauses:
        if clause.op not in _OPS:
            raise refuse(f"unknown operator {clause.op!r}.", f"Use one of {', '.join(_OPS)}.")
        if clause.fact not in FACT_NAMES:
            raise refuse(f"unknown fact {clause.fact!r}.", f"Known facts: {', '.join(sorted(FACT_NAMES))}.")
    return clauses


def _parse(entry: dict[str, Any], families: set[str], where: str) -> Rule:
    rule_id = entry.get("id", "?")

    def refuse(problem: str, fix: str) -> InvalidArgumentError:
        return InvalidArgumentError(f"Rule {rule_id!r} in {where}: {problem}", fix)

    missing = [k for k in ("id", "topic", "effects", "reason", "source") if k not in entry]
    if missing:
        raise refuse(f"missing {', '.join(missing)}.", "Give every rule an id, topic, effects, reason and source.")
    clauses = parse_clauses(entry.get("when", ()), refuse)
    unknown = sorted(set(entry["effects"]) - families)
    if unknown:
        raise refuse(f"unknown families {unknown}.", f"Known families: {', '.join(sorted(families))}.")
    if entry["topic"] not in TOPICS:
        raise refuse(f"unknown topic {entry['topic']!r}.", f"Use one of: {', '.join(TOPICS)}.")
    return Rule(
        id=entry["id"],
        topic=entry["topic"],
        when=clauses,
        effects=dict(entry["effects"]),
        reason=entry["reason"],
        source=entry["source"],
    )

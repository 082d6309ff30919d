"""The rule catalog is well-formed data that covers every decision in the framework."""

from __future__ import annotations

import pytest

from advisor.families import families
from advisor.rules import catalog, catalog_version
from advisor.rules.rule import TOPICS, Clause

REQUIRED_FAMILIES = {
    "linear",
    "random_forest",
    "lightgbm",
    "xgboost",
    "mlp",
    "cnn",
    "rnn",
    "transformer",
    "embedding_xgboost",
    "dl_gbm_ensemble",
}


def test_every_rule_has_reason_source_condition_and_effects() -> None:
    for rule in catalog():
        assert len(rule.reason) > 30 and rule.reason.endswith("."), rule.id
        assert len(rule.source) > 10, rule.id
        assert rule.when and rule.effects, rule.id
        assert set(rule.effects) <= set(families()), rule.id


def test_catalog_covers_every_topic_of_the_framework() -> None:
    assert {r.topic for r in catalog()} == set(TOPICS)


def test_evidence_rules_cite_published_numbers() -> None:
    evidence = [r for r in catalog() if r.topic == "evidence"]
    assert len(evidence) >= 4
    assert all(any(ch.isdigit() for ch in r.source) for r in evidence)
    assert any("kurtosis" in r.condition for r in evidence)
    assert any("skewness" in r.condition for r in evidence)


def test_families_cover_the_required_set() -> None:
    assert set(families()) >= REQUIRED_FAMILIES
    assert {f.kind for f in families().values()} == {"classical", "deep", "hybrid"}


def test_clause_is_false_for_unknown_facts() -> None:
    clause = Clause("kurtosis_mean", ">", 10.0)
    assert clause.holds({"kurtosis_mean": 12.0})
    assert not clause.holds({"kurtosis_mean": 3.0})
    assert not clause.holds({"kurtosis_mean": None})
    assert str(Clause("rows", "<", 100000)) == "rows < 100,000"


def test_reasons_fill_in_facts() -> None:
    rule = next(r for r in catalog() if r.id == "size.tabular_small_medium")
    assert "12,345 rows" in rule.explain({"rows": 12_345})


def test_catalog_version_is_set() -> None:
    assert catalog_version().count(".") == 2


def test_a_catalog_rule_on_an_unknown_fact_is_refused_with_the_known_ones() -> None:
    from advisor.errors import InvalidArgumentError
    from advisor.families import families
    from advisor.rules.rule import check_rules

    entry = {"id": "typo", "topic": "data size", "when": [["row", ">=", 10]], "effects": {}, "reason": "", "source": ""}
    with pytest.raises(InvalidArgumentError, match=r"unknown fact 'row'") as info:
        check_rules([entry], set(families()), "catalog.toml")
    assert "rows" in info.value.fix  # the fix lists the facts that exist

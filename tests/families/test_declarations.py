"""The built-in family declarations: one per family, consistent with their models and with the rules."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from advisor.errors import InvalidArgumentError
from advisor.families import (
    ALL_MODALITIES,
    Architecture,
    Family,
    Kind,
    Role,
    all_implementations,
    applicable,
    families,
    get_family,
    implementation,
    require_implementation,
)
from advisor.families.builtin import BUILTIN
from advisor.models.spec import ModelSpec
from advisor.rules.rule import catalog

ADVISOR = Path(__file__).resolve().parents[2] / "advisor"


def test_every_builtin_family_is_declared_once_with_a_model_per_modality() -> None:
    assert len({f.id for f in BUILTIN}) == len(BUILTIN) == 14
    specs = all_implementations()
    for family in BUILTIN:
        assert family.modalities, family.id
        for modality in family.implementations:
            spec = specs[(family.id, modality)]
            assert isinstance(spec, ModelSpec) and spec.label
            assert family.supports(modality, None)
        if family.role is Role.ENSEMBLE:
            assert not family.implementations and family.members and set(family.applies_to) == set(ALL_MODALITIES)


def test_roles_give_the_side_of_the_question() -> None:
    kinds = {f.role: f.kind for f in BUILTIN}
    assert kinds[Role.BASELINE] is kinds[Role.BOOSTED_TREES] is kinds[Role.RANDOM_KERNELS] is Kind.CLASSICAL
    assert kinds[Role.NETWORK] is Kind.DEEP and kinds[Role.HYBRID] is Kind.HYBRID is kinds[Role.ENSEMBLE]
    networks = [f for f in BUILTIN if f.role is Role.NETWORK]
    assert networks and all(f.architecture is not Architecture.NONE and f.needs_recipe for f in networks)
    assert all(not f.needs_recipe for f in BUILTIN if f.kind is Kind.CLASSICAL)


def test_models_are_imported_only_when_a_family_runs() -> None:
    applicable("tabular")  # planning reads declarations only
    assert implementation("linear", "tabular") is not None
    assert implementation("mlp", "image") is None
    with pytest.raises(InvalidArgumentError, match="for image data"):
        require_implementation("mlp", "image")
    assert "advisor.models.linear" in sys.modules


def test_tasks_per_modality() -> None:
    cnn = next(f for f in BUILTIN if f.architecture is Architecture.CONVOLUTIONAL)
    assert cnn.supports("image", "multiclass") and not cnn.supports("image", "regression")
    assert not cnn.supports("tabular", "binary")


def test_every_catalog_rule_names_declared_families_only() -> None:
    declared = set(families())
    assert all(set(rule.effects) <= declared for rule in catalog())


def test_bad_declarations_are_refused() -> None:
    with pytest.raises(ValueError, match="identifier"):
        Family(id="no spaces", label="x", role=Role.BASELINE, summary="x")
    with pytest.raises(ValueError, match="unknown modality"):
        Family(id="x", label="x", role=Role.BASELINE, summary="x", implementations={"audio": "m:X"})
    with pytest.raises(InvalidArgumentError, match="Unknown model family"):
        get_family("no_such_family")


def test_no_module_names_a_builtin_family_but_its_own() -> None:
    """Everything about a family is derived from its declaration: only the declaration module, the rules
    catalog and the family's own model modules spell its id."""
    own = {
        f.id: {Path(str(v).partition(":")[0].replace(".", "/") + ".py") for v in f.implementations.values()}
        for f in BUILTIN
    }
    offenders = []
    for path in ADVISOR.rglob("*.py"):
        rel = path.relative_to(ADVISOR.parent)
        if rel.as_posix() == "advisor/families/builtin.py":
            continue
        text = path.read_text(encoding="utf-8")
        for family in BUILTIN:
            quoted = any(f"{q}{family.id}{q}" in text for q in ('"', "'"))
            if quoted and rel not in own[family.id]:
                offenders.append(f"{rel} names {family.id!r}")
    assert not offenders, offenders

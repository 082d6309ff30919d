"""The registry: every registered family is covered by the scikit-learn contract checks."""

from __future__ import annotations

import sys

import pytest

from advisor.errors import InvalidArgumentError
from advisor.models.registry import find, get, registry
from advisor.models.torch import mlp
from tests.models import test_contract


def test_every_registered_family_runs_the_sklearn_contract() -> None:
    checked = {spec.name for spec in test_contract.SPECS} | {mlp.SPEC.name}
    assert set(registry()) - {"flaky"} == checked  # 'flaky' is a runner test's own failing model


def test_specs_declare_capabilities_and_a_default_in_their_space() -> None:
    for name, spec in registry().items():
        if name == "flaky" or spec.requires:
            continue
        assert spec.search_space is not None and spec.default_params is not None and spec.build is not None
        assert "tabular" in spec.modalities and spec.tasks


def test_find_imports_only_the_family_module() -> None:
    assert find("linear") is not None
    assert find("no-such-family") is None
    with pytest.raises(InvalidArgumentError, match="Registered families"):
        get("no-such-family")
    assert "advisor.models.gbm" in sys.modules  # imported by registry() above

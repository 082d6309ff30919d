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


def test_every_family_and_modality_in_the_module_map_registers_a_spec() -> None:
    from advisor.models.registry import MODULES, all_specs
    from advisor.rules import FAMILIES

    specs = all_specs()
    for family, per_modality in MODULES.items():
        for modality in per_modality:
            spec = specs[(family, modality)]
            assert spec.name == family and modality in spec.modalities
            if family != "dl_gbm_ensemble":
                assert modality in FAMILIES[family].modalities  # the rules agree the family runs there
                assert spec.search_space is not None and spec.default_params is not None


def test_one_family_has_one_implementation_per_modality() -> None:
    assert find("linear", "text").label.startswith("TF-IDF")
    assert find("cnn", "image") is not find("cnn", "timeseries")
    assert find("mlp", "image") is None
    with pytest.raises(InvalidArgumentError, match="for image data"):
        get("mlp", "image")

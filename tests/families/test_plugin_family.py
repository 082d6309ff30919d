"""A family declared in one file plus its registration reaches every part of advisor, with no other edit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import advisor
from advisor.benchmarking import Budget
from advisor.errors import InvalidArgumentError
from advisor.families import Family, Role, families, get_family
from advisor.families.registry import _REGISTERED
from tests.families.toy_family import TOY_FAMILY


@pytest.fixture
def toy() -> Family:
    advisor.register_family(TOY_FAMILY)
    yield TOY_FAMILY
    _REGISTERED.pop(TOY_FAMILY.id, None)


def test_the_rules_rank_it_with_its_own_rule(toy: Family) -> None:
    rec = advisor.recommend(advisor.datasets.load("diabetes"), advisor.Constraints(gpu=False))
    ranked = {r.family: r for r in rec.ranking}
    assert ranked["toy_knn"].kind == "classical" and "toy_knn.small_tables" in ranked["toy_knn"].rules
    assert rec.ranking[0].family == "toy_knn"  # its rule lifts it to the top on a small table
    assert "toy_knn" in rec.plan.families
    assert any(r.id == "toy_knn.small_tables" and "768 rows" in r.reason for r in rec.fired)


def test_the_runner_searches_it_the_report_lists_it_and_its_model_predicts(toy: Family, tmp_path: Path) -> None:
    data = advisor.datasets.load("diabetes")
    result = advisor.benchmark(data, budget=Budget(trials=6), families=["toy_knn", "linear"], run_dir=tmp_path)
    knn = result.family("toy_knn")
    assert knn.status == "ok" and knn.trials_complete >= 3 and knn.kind == "classical"
    assert knn.best_params["n_neighbors"] >= 3 and 0.6 < knn.test_metrics["accuracy"] <= 1.0
    assert "toy_knn" in set(result.leaderboard()["family"])
    model = advisor.load_model(knn.model_path)
    predicted = model.predict(data.X.head(25))
    assert set(np.unique(predicted)) <= set(np.unique(data.y))
    from advisor.reporting import build_report

    report = build_report([result])
    assert "toy_knn" in {row["family"] for row in report.datasets[0].leaderboard}


def test_registration_refuses_a_taken_id_and_bad_rules() -> None:
    with pytest.raises(InvalidArgumentError, match="registered already"):
        advisor.register_family(Family(id="linear", label="x", role=Role.BASELINE, summary="x"))
    bad = Family(
        id="toy_bad",
        label="x",
        role=Role.BASELINE,
        summary="x",
        rules=(
            {"id": "r", "topic": "data size", "when": [["colour", "==", 1]], "effects": {}, "reason": "", "source": ""},
        ),
    )
    with pytest.raises(InvalidArgumentError, match="unknown fact 'colour'"):
        advisor.register_family(bad)
    assert "toy_bad" not in families()


def test_entry_points_load_plugin_families(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    from advisor.families import registry

    class Entry:
        name = "toy"

        def load(self) -> list[Family]:
            return [TOY_FAMILY]

    monkeypatch.setattr(
        metadata, "entry_points", lambda group: [Entry()] if group == registry.ENTRY_POINT_GROUP else []
    )
    monkeypatch.setattr(registry, "_LOADED", False)
    try:
        assert get_family("toy_knn") is TOY_FAMILY
    finally:
        _REGISTERED.pop("toy_knn", None)

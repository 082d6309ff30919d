"""Engine behaviour: constraints move the ranking the way the framework says; results round-trip."""

from __future__ import annotations

import pytest

from advisor.errors import InvalidArgumentError
from advisor.hardware import GpuDevice, Hardware
from advisor.profiling.profile import DatasetProfile
from advisor.rules import Constraints, Recommendation, run_engine

CPU = Hardware(cores=2, memory_gb=24.0)
GPU = Hardware(cores=8, memory_gb=64.0, gpus=(GpuDevice("H100", 80.0),))
TEXT_20K = DatasetProfile.from_summary(rows=60_000, features=1, modality="text", task="binary", text_mean_chars=200)


def _score(rec: Recommendation, family: str) -> float:
    return next(r.score for r in rec.ranking if r.family == family)


def test_detected_gpu_is_used_unless_constraints_say_otherwise() -> None:
    assert run_engine(TEXT_20K, GPU, Constraints()).gpu is True
    assert run_engine(TEXT_20K, GPU, Constraints(gpu=False)).gpu is False
    assert run_engine(TEXT_20K, CPU, Constraints()).gpu is False


def test_gpu_favours_fine_tuning_over_frozen_features() -> None:
    with_gpu = run_engine(TEXT_20K, GPU, Constraints())
    without = run_engine(TEXT_20K, CPU, Constraints())
    assert _score(with_gpu, "transformer") > _score(without, "transformer")
    assert with_gpu.top.family == "transformer"


def test_tight_latency_budget_penalizes_pretrained_networks() -> None:
    relaxed = run_engine(TEXT_20K, GPU, Constraints())
    tight = run_engine(TEXT_20K, GPU, Constraints(latency_ms=1.0))
    assert _score(tight, "transformer") < _score(relaxed, "transformer") - 1.0
    assert "deploy.latency_tight" in {r.id for r in tight.fired}


def test_urgent_deployment_moves_tabular_answer_to_lightgbm() -> None:
    big = DatasetProfile.from_summary(rows=500_000, features=30)
    rec = run_engine(big, GPU, Constraints(deploy_urgency="high", compute_budget="high"))
    assert rec.top.family == "lightgbm"


def test_small_smooth_table_recommends_a_network_from_evidence() -> None:
    """With GPUs and hours (the published setting), a small smooth table gets a network; a skewed one trees."""
    small = DatasetProfile.from_summary(rows=600, features=8, kurtosis_mean=0.2, skewness_mean=0.1)
    heavy = small.with_changes(kurtosis_mean=40.0, skewness_mean=4.0)
    published = Constraints(gpu=True, compute_budget="high")
    rec = run_engine(small, CPU, published)
    assert rec.top.family == "tabm" and rec.ranking[1].family == "mlp"  # the evidence's MLP rule still counts
    assert run_engine(heavy, CPU, published).top.family in {"xgboost", "random_forest"}


def test_families_not_applicable_are_excluded_with_reason() -> None:
    rec = run_engine(DatasetProfile.from_summary(rows=5_000, features=10), CPU, Constraints())
    assert "cnn" in rec.excluded and "tabular" in rec.excluded["cnn"]
    assert "cnn" not in rec.families


def test_confidences_are_a_distribution_and_ranking_is_sorted() -> None:
    rec = run_engine(DatasetProfile.from_summary(rows=5_000, features=10), CPU, Constraints())
    assert sum(r.confidence for r in rec.ranking) == pytest.approx(1.0, abs=0.01)
    scores = [r.score for r in rec.ranking]
    assert scores == sorted(scores, reverse=True)


def test_plan_starts_with_baseline_and_shares_sum_to_one() -> None:
    rec = run_engine(DatasetProfile.from_summary(rows=20_000, features=30), CPU, Constraints())
    assert rec.plan.items[0].family == "linear"
    assert sum(i.budget_share for i in rec.plan.items) == pytest.approx(1.0, abs=0.01)
    kinds = {r.kind for r in rec.ranking if r.family in rec.plan.families}
    assert "classical" in kinds and kinds & {"deep", "hybrid"}
    assert rec.plan.share(rec.top.family) > rec.plan.share("linear")


def test_recommendation_json_round_trip() -> None:
    rec = run_engine(
        DatasetProfile.from_summary(
            rows=3_000, features=1, modality="image", task="multiclass", n_classes=10, image_size=(64, 64, 3)
        ),
        GPU,
        Constraints(),
    )
    assert Recommendation.from_json(rec.to_json()) == rec
    assert rec.transfer is not None and rec.transfer.strategy == "feature_extraction"


def test_invalid_constraints_are_clear_errors() -> None:
    with pytest.raises(InvalidArgumentError, match="deploy_urgency"):
        Constraints(deploy_urgency="asap")
    with pytest.raises(InvalidArgumentError, match="latency_ms"):
        Constraints(latency_ms=-1)
    with pytest.raises(InvalidArgumentError, match="Unknown constraint"):
        Constraints.coerce({"gpus": True})


@pytest.mark.parametrize("rows", [800, 20_000, 500_000])
def test_the_deep_side_gets_a_comparable_share_and_the_plan_says_so(rows: int) -> None:
    """Trees rank first on most tables, yet the networks get at least 45% of the two sides' time."""
    profile = DatasetProfile.from_summary(rows=rows, features=14, task="binary", skewness_mean=3.0)
    rec = run_engine(profile, Hardware(cores=2, memory_gb=16.0, gpus=()), Constraints(gpu=False))
    kinds = {r.family: r.kind for r in rec.ranking}
    side = {k: sum(i.budget_share for i in rec.plan.items if kinds[i.family] == k) for k in ("deep", "classical")}
    assert side["deep"] > 0 and side["classical"] > 0
    assert side["deep"] >= 0.45 * (side["deep"] + side["classical"]) - 0.01
    assert rec.ranking[0].kind == "classical"  # the rules still prefer trees here: only the time is fair
    assert any(n.startswith("Fair sides: the networks") for n in rec.plan.notes)
    assert sum(i.budget_share for i in rec.plan.items) == pytest.approx(1.0, abs=0.01)


def test_the_autoencoder_hybrid_is_planned_for_wide_tables_and_pixels_only() -> None:
    def planned(**summary: object) -> list[str]:
        return run_engine(DatasetProfile.from_summary(**summary), CPU, Constraints()).plan.families  # type: ignore[arg-type]

    assert "autoencoder_gbm" in planned(rows=5_000, features=300, task="binary")
    assert "autoencoder_gbm" not in planned(rows=5_000, features=20, task="binary")
    assert "autoencoder_gbm" in planned(rows=3_000, features=784, task="multiclass", modality="image", n_classes=10)
    rec = run_engine(DatasetProfile.from_summary(rows=5_000, features=300, task="binary"), CPU, Constraints())
    option = next(h for h in rec.hybrids if h.name.startswith("autoencoder"))
    assert option.applicable and "autoencoder_gbm" in option.description


def test_families_asked_for_by_name_share_the_budget_with_fair_sides() -> None:
    from advisor.rules.plan import DEEP_SIDE_FRACTION, shares_for

    rec = run_engine(DatasetProfile.from_summary(rows=20_000, features=10, task="binary"), CPU, Constraints())
    assert "mlp" not in rec.plan.families  # not planned by the rules, asked for by the user
    shares = shares_for(rec.ranking, ["lightgbm", "xgboost", "mlp", "tabm"])
    deep, classical = shares["mlp"] + shares["tabm"], shares["lightgbm"] + shares["xgboost"]
    assert deep >= DEEP_SIDE_FRACTION * (deep + classical) - 0.01 and shares["mlp"] > 0.05
    assert shares_for(rec.ranking, ["lightgbm", "no_such_family"])["no_such_family"] > 0

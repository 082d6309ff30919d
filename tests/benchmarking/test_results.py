"""Pareto fronts and the rules-vs-measured verdict."""

from __future__ import annotations

from advisor.benchmarking.results import FamilyResult, pareto_front, verdict


def _fam(name: str, score: float) -> FamilyResult:
    return FamilyResult(family=name, label=name, kind="classical", status="ok", test_metrics={"accuracy": score})


def test_pareto_front_keeps_only_non_dominated_points() -> None:
    assert pareto_front([0.9, 0.8, 0.85, 0.9], [10.0, 1.0, 20.0, 12.0]) == [0, 1]
    assert pareto_front([1.0, 2.0], [1.0, 1.0], higher_is_better=False) == [0]


def test_verdict_agrees_or_reports_the_margin() -> None:
    fams = (_fam("lightgbm", 0.86), _fam("mlp", 0.88), _fam("linear", 0.80))
    right = verdict(fams, ["mlp", "lightgbm"], "accuracy", True)
    assert right.agreed and right.winner == "mlp" and right.recommended_rank == 1
    wrong = verdict(fams, ["lightgbm", "mlp"], "accuracy", True)
    assert not wrong.agreed and wrong.margin == 0.02 and wrong.recommended_rank == 2
    assert "measurement wins" in wrong.summary
    rmse = verdict((_fam("a", 1.0), _fam("b", 2.0)), ["b"], "accuracy", False)
    assert rmse.winner == "a" and rmse.margin == 1.0


def test_a_tie_with_the_rules_pick_counts_as_agreement() -> None:
    from advisor.benchmarking.results import FamilyResult, verdict

    fams = tuple(
        FamilyResult(family=name, label=name, kind="classical", status="ok", test_metrics={"accuracy": 1.0})
        for name in ("linear", "lightgbm")
    )
    v = verdict(fams, ["lightgbm", "linear"], "accuracy", True)
    assert v.agreed and v.winner == "lightgbm" and v.margin == 0.0
    beaten = verdict(
        (*fams[:1], FamilyResult("cnn", "cnn", "deep", "ok", test_metrics={"accuracy": 0.9})),
        ["cnn"],
        "accuracy",
        True,
    )
    assert not beaten.agreed and beaten.winner == "linear" and beaten.margin == 0.1


def test_a_pick_that_lost_within_the_noise_is_not_said_to_be_wrong() -> None:
    fams = (_fam("minirocket", 0.993), _fam("multirocket", 1.0))
    asked: list[tuple[str, str]] = []

    def interval(winner: str, other: str) -> tuple[float, float]:
        asked.append((winner, other))
        return (-0.007, 0.02) if winner == "multirocket" else (0.01, 0.03)

    close = verdict(fams, ["minirocket", "multirocket"], "accuracy", True, interval)
    assert asked == [("multirocket", "minirocket")]
    assert not close.agreed and close.within_noise is True and "does not contradict the rules" in close.summary
    assert "-0.0070 to +0.0200" in close.summary
    clear = verdict(fams, ["minirocket"], "accuracy", True, lambda w, o: (0.001, 0.012))
    assert clear.within_noise is False and "the measurement wins" in clear.summary
    unchecked = verdict(fams, ["minirocket"], "accuracy", True)
    assert unchecked.within_noise is None and "the measurement wins" in unchecked.summary

"""The pacer: the share of rows per round follows the time each round takes, so the rounds end by the deadline."""

from __future__ import annotations

from advisor.models.pace import MIN_FRACTION, Pace, Pacer


def run(pacer: Pacer, seconds_at) -> list[float]:
    """Feed the pacer rounds whose duration is ``seconds_at(share)`` on a made-up clock; the shares it drew."""
    now, shares = 0.0, []
    for index in range(pacer.rounds):
        shares.append(pacer.fraction)
        now += seconds_at(pacer.fraction)
        pacer.after_round(index, now)
    return shares


def test_rounds_too_slow_for_the_deadline_draw_fewer_rows_and_end_in_time() -> None:
    # 100 rounds, 50 s: a round at the model's own share (0.8) takes 1 s, so 100 rounds would take 100 s
    pacer = Pacer(Pace(deadline=50.0, scale=1.0), rounds=100, own=0.8)
    seconds = lambda share: 0.05 + 0.95 * share / 0.8  # noqa: E731 (a fixed part, and a part per row drawn)
    shares = run(pacer, seconds)
    assert shares[0] == 0.8 and pacer.lowest < 0.45
    assert sum(seconds(s) for s in shares) <= 50.0
    assert pacer.summary()["rounds"] == 100 and pacer.summary()["planned_rounds"] == 100


def test_a_share_set_too_low_is_raised_back_but_never_above_the_models_own() -> None:
    pacer = Pacer(Pace(deadline=1_000.0, scale=0.1), rounds=40, own=0.7)
    shares = run(pacer, lambda share: share)
    assert shares[0] == 0.07 and shares[-1] == 0.7 and max(shares) == 0.7


def test_the_share_never_goes_below_the_floor() -> None:
    pacer = Pacer(Pace(deadline=1.0, scale=1.0), rounds=30, own=1.0)
    shares = run(pacer, lambda share: 1.0)  # every round is slow whatever it draws
    assert min(shares) == MIN_FRACTION == pacer.summary()["lowest_fraction"]


def test_small_differences_do_not_change_the_share() -> None:
    pacer = Pacer(Pace(deadline=21.0, scale=1.0), rounds=20, own=0.5)
    shares = run(pacer, lambda share: 1.0)  # 20 rounds of 1 s: on time with the margin's 5%
    assert set(shares) == {0.5}


def test_a_fixed_part_per_round_is_measured_so_the_rounds_still_end_in_time() -> None:
    """LightGBM's rounds on 8.5M rows (measured): 0.23 s of work on every row, plus 1.06 s times the share drawn.
    Taking a round's time as proportional to the share lowers it too little each time, and the deadline cut the
    last round; the line through two timed shares gives the fixed part."""
    seconds = lambda share: 0.23 + 1.06 * share  # noqa: E731
    for deadline in (200.0, 226.0, 260.0):
        pacer = Pacer(Pace(deadline=deadline, scale=0.25), rounds=674, own=0.71, ceiling=0.5)
        shares = run(pacer, seconds)
        assert sum(seconds(s) for s in shares) <= deadline
        assert pacer.lowest < 0.14 and pacer.summary()["rounds"] == 674

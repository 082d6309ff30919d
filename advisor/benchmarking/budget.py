"""Benchmark budgets: wall seconds and/or a trial count, shared across families by the plan."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from advisor.errors import InvalidArgumentError

__all__ = ["Budget", "split_trials"]


@dataclass(frozen=True)
class Budget:
    """How much a benchmark may spend: ``seconds`` of wall time, ``trials`` in total, or both.

    With seconds, the whole call (loading, search, refits, saving) ends within it: the clock starts when the
    call starts, or at ``start`` (a ``time.monotonic()`` reading) when the caller's clock started earlier (the
    CLI starts it before loading the file). With trials, each family gets its plan share of them (at least one:
    its good default).

    >>> Budget.coerce(60)
    Budget(seconds=60.0, trials=None)
    """

    seconds: float | None = None
    trials: int | None = None
    start: float | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.seconds is None and self.trials is None:
            raise InvalidArgumentError("A budget needs seconds, trials or both.", "Pass e.g. Budget(seconds=60).")
        if self.seconds is not None and not (math.isfinite(self.seconds) and self.seconds > 0):
            raise InvalidArgumentError(
                f"Budget seconds must be positive, got {self.seconds!r}.", "Pass a positive number of seconds."
            )
        if self.trials is not None and self.trials < 1:
            raise InvalidArgumentError(
                f"Budget trials must be at least 1, got {self.trials!r}.", "Pass a positive number of trials."
            )

    @classmethod
    def coerce(cls, value: Budget | float | int | dict[str, Any] | None) -> Budget:
        """A Budget from a Budget, a number of seconds, or a dict with 'seconds' and/or 'trials'."""
        if isinstance(value, Budget):
            return value
        if isinstance(value, bool) or value is None:
            raise InvalidArgumentError(f"Invalid budget {value!r}.", "Pass seconds (e.g. 60) or Budget(trials=20).")
        if isinstance(value, (int, float)):
            return cls(seconds=float(value))
        if isinstance(value, dict):
            return cls(seconds=value.get("seconds"), trials=value.get("trials"))
        raise InvalidArgumentError(
            f"Invalid budget of type {type(value).__name__}.", "Pass seconds (e.g. 60), Budget(...) or a dict."
        )

    def to_dict(self) -> dict[str, Any]:
        return {"seconds": self.seconds, "trials": self.trials}

    def started(self, at: float | None = None) -> Budget:
        """This budget with its clock started ``at`` (default: now), unless it was started already."""
        import time

        return self if self.start is not None else replace(self, start=time.monotonic() if at is None else at)


def split_trials(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Trials per family in proportion to the plan's shares, at least 1 each (largest remainder)."""
    names = list(shares)
    weight = sum(shares.values()) or 1.0
    extra = max(total - len(names), 0)
    exact = {n: extra * shares[n] / weight for n in names}
    counts = {n: 1 + int(exact[n]) for n in names}
    left = total - sum(counts.values())
    for n in sorted(names, key=lambda n: exact[n] - int(exact[n]), reverse=True)[: max(left, 0)]:
        counts[n] += 1
    return counts

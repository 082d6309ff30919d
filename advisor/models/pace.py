"""Paced fits: a boosting model fits on every row by a deadline, each round drawing a share of the rows.

Stochastic gradient boosting (Friedman, 2002) grows each tree on a random share of the rows, and LightGBM's
bagging builds a round's histograms from its share only, so a round's time falls with the share. A large
table's final refit uses that to train on every row within the time it has: :class:`Pace` asks a fit to end its
rounds by a deadline, starting from a share of what the model would draw by itself; :class:`Pacer` times each
round and lowers the share (or raises it back, never above the model's own) so that the rounds left end by the
deadline (a round's time is a fixed part for the work on every row plus a part per row drawn: both are
estimated from the rounds timed at two shares). The share never goes below ``floor``; when even that is too
slow, the caller's deadline stops the fit early, and its summary says how many rounds it trained.

>>> pacer = Pacer(Pace(deadline=100.0, scale=0.5), rounds=10, own=0.8)
>>> pacer.fraction
0.4
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

__all__ = ["MIN_FRACTION", "Pace", "Pacer"]

#: The smallest share of the rows a paced round draws: below it, the per-round work on every row (gradients,
#: updating each row's score) dominates, and fewer rows no longer make a round faster.
MIN_FRACTION = 0.05
#: Rounds timed (at one share) before the share is changed.
MEASURED_ROUNDS = 2
#: The share changes only when the wanted one differs by more than this part (each change resets the sampler).
CHANGE = 0.1
#: Plan the rounds left to end at this share of the time left (a round's time varies).
MARGIN = 0.95


@dataclass(frozen=True)
class Pace:
    """End a fit's rounds by ``deadline`` (``time.monotonic()``); its first rounds draw ``scale`` times the share
    of rows the model draws by itself, and the share never goes below ``floor``."""

    deadline: float
    scale: float
    floor: float = MIN_FRACTION


class Pacer:
    """Times the rounds of one fit and says when the share of rows per round should change (module docstring).

    ``rounds`` is the number of rounds the fit plans, ``own`` the model's own share (its ``subsample``), and
    ``ceiling`` the most a round may draw besides (a library's limit).
    """

    def __init__(self, pace: Pace, rounds: int, own: float, ceiling: float = 1.0) -> None:
        self.pace = pace
        self.rounds = rounds
        self.own = own
        self.ceiling = min(own, ceiling)
        self.floor = min(pace.floor, self.ceiling)
        self.fraction = self._clamp(own * pace.scale)
        self.first = self.fraction
        self.lowest = self.fraction
        self.trained = 0
        self._last: float | None = None
        self._durations: list[float] = []
        self._timed: dict[float, float] = {}  # a round's seconds at each share drawn so far (the latest)

    def _clamp(self, share: float) -> float:
        return round(min(max(share, self.floor), self.ceiling), 4)

    def after_round(self, index: int, now: float | None = None) -> float | None:
        """Round ``index`` (0-based) has ended: the share the next rounds should draw when it should change,
        else None."""
        now = time.monotonic() if now is None else now
        self.trained = index + 1
        if self._last is not None:
            self._durations.append(now - self._last)
        self._last = now
        rounds_left = self.rounds - self.trained
        if rounds_left <= 0 or len(self._durations) < MEASURED_ROUNDS:
            return None
        per_round = statistics.median(self._durations[-2 * MEASURED_ROUNDS :])
        target = MARGIN * max(self.pace.deadline - now, 0.0) / rounds_left
        wanted = self._clamp(self._share_for(target, per_round))
        if abs(wanted - self.fraction) <= CHANGE * self.fraction:
            return None
        self._timed.pop(self.fraction, None)
        self._timed[self.fraction] = per_round  # last in order: the latest share timed
        self.fraction = wanted
        self.lowest = min(self.lowest, wanted)
        self._durations.clear()
        return wanted

    def _share_for(self, target: float, per_round: float) -> float:
        """The share whose rounds take ``target`` seconds. A round's time is a fixed part (the work on every row)
        plus a part per row drawn: the line through this share's time and the last other share's gives both;
        with one share timed so far, the time is taken as proportional to the share."""
        other = next((share for share in reversed(self._timed) if share != self.fraction), None)
        if other is not None:
            slope = (per_round - self._timed[other]) / (self.fraction - other)
            fixed = per_round - slope * self.fraction
            if slope > 0 and 0 <= fixed < per_round:
                return (target - fixed) / slope
        return self.fraction * target / max(per_round, 1e-9)

    def summary(self) -> dict[str, Any]:
        """What the fit did: the shares of rows its rounds drew (first, lowest, last) and the rounds it trained
        out of those it planned."""
        return {
            "first_fraction": self.first,
            "lowest_fraction": self.lowest,
            "last_fraction": self.fraction,
            "ceiling": self.ceiling,
            "own_fraction": self.own,
            "rounds": self.trained,
            "planned_rounds": self.rounds,
        }

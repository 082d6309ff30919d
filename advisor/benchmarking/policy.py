"""The time policy of a benchmark: when each phase must end so that the whole call keeps its budget.

A budget of ``seconds`` is a promise: the call (loading, search, refits, the ensemble, the model refit for
deployment, saving) ends within it. :class:`TimePolicy` turns the promise into deadlines:

- the **search** of all families ends at ``end - reserve`` (``reserve``: bookkeeping and saving, scoring the
  last family's final model on the test rows, the deep-vs-classical bootstrap over them, and the time the
  model for deployment needs to be refit on all rows, as estimated so far);
- each family gets a **window**, its share of what is left among the families still to run;
- a family's **first trial** (its good default) may take up to half its window (a network's, most of it: its
  early-stopped model is kept when no refit fits), or a small share of the budget, so that a slow first trial
  cannot starve the families after it;
- a later trial starts only while a typical trial and the family's refit still fit in the window;
- a **refit** (best parameters on train + validation) starts only when its estimated time fits before
  ``end - reserve`` (else the trial's own model is kept, and the result says so);
- the **deployment refit** on all rows runs only when its estimate fits before ``end``.

Time not used by a family goes back to the ones after it (windows are recomputed from what is left).

>>> policy = TimePolicy(seconds=60.0, t0=0.0)
>>> policy.end
60.0
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

__all__ = ["TimePolicy"]

#: Share of the budget kept back for the ensemble, assembling, saving and returning the result.
RESERVE_SHARE = 0.03
#: What the last step (saving the model to deploy and the result) needs after the deployment refit.
FINAL_SHARE, FINAL_MIN_S = 0.01, 0.2
#: ...but at least this many seconds, and at most this many.
RESERVE_MIN_S, RESERVE_MAX_S = 0.3, 10.0
#: A family does not start in the last LATE_START_SHARE of the search (at least LATE_START_MIN_S): scoring its
#: model on the test rows would run past the budget.
LATE_START_SHARE, LATE_START_MIN_S = 0.02, 0.2
#: A family's first trial may always use this share of the budget (if the global deadline allows).
FIRST_TRIAL_SHARE = 0.05
#: A first trial never takes more than this share of its family's window: the refit needs the rest.
FIRST_TRIAL_WINDOW_SHARE = 0.5
#: Safety factor on time estimates (refits, deployment refit): estimates come from one earlier fit.
ESTIMATE_MARGIN = 1.2
#: The deployment refit may hold back at most this share of the budget from the search.
DEPLOY_RESERVE_MAX_SHARE = 0.25
#: The end of the search's last family (scoring its final model on the test rows, saving it) and of the call (the
#: deep-vs-classical bootstrap over the test rows) may hold back at most this share of the budget.
FINISH_RESERVE_MAX_SHARE = 0.10
#: A family's refit may run past its window by at most this share of the budget (later families' windows
#: shrink by as much); a longer one is done on fewer rows.
REFIT_OVERRUN_SHARE = 0.10
#: Leftover time (share of the budget) worth a second round for the best family.
LEFTOVER_MIN_SHARE = 0.05
#: Trials search on at most this many training rows per second of budget (for REFERENCE_FEATURES features;
#: fewer with more features), so that each family gets several trials on large data; never fewer than
#: MIN_SEARCH_ROWS. Measured on 2 cores: LightGBM's default trial on 700,000 x 20 rows takes 12 s, a random
#: forest's 200 trees over 160 s.
SEARCH_ROWS_PER_SECOND = 2_000
REFERENCE_FEATURES = 20
MIN_SEARCH_ROWS = 5_000
#: A table searched on a subsample (too large for its budget) holds back this share of the budget from the
#: search, for every family alike, for the final refit of the chosen family on every train + validation row: the
#: search sees a sample, the refit up to 20 times its rows. Measured on 2 cores at 600 s: LightGBM's refit on
#: 8,500,000 x 50 rows, each round drawing a share of them, takes about 25 s to prepare and bin the rows, then
#: 0.23 s per round for the work on every row plus 1.06 s times the share (more with more leaves): about 700
#: rounds need 200-250 s. Holding back 35% left it 150 s, 45% 210-230 s, a half 250 s (it trained 91% of its rounds).
LARGE_REFIT_SHARE = 0.5
#: ...and up to this share when the refit of the best family on every row is estimated to need more (once every
#: family has had its window: it comes out of the best family's extra trials, not out of a later family's window).
LARGE_REFIT_MAX_SHARE = 0.6
#: Trials search on at most this share of the available memory (a table's bytes per row times COPIES_PER_TRIAL:
#: the model's own copy of its data, its binned or encoded form, validation predictions).
SEARCH_MEMORY_SHARE = 0.25
COPIES_PER_TRIAL = 4


@dataclass
class TimePolicy:
    """Deadlines for one benchmark call (``seconds=None``: no time budget, every deadline is None).

    ``t0`` is when the call started (``time.monotonic()``), so time spent loading and profiling counts.
    """

    seconds: float | None
    t0: float = field(default_factory=time.monotonic)
    deploy_estimate_s: float = 0.0  # set by the runner as the expected deployment refit changes
    finish_estimate_s: float = 0.0  # set by the runner: the deep-vs-classical bootstrap's expected time
    scoring_estimate_s: float = 0.0  # set by the runner: the longest scoring and saving of a final model so far
    large: bool = False  # the search runs on a subsample: LARGE_REFIT_SHARE is held back for the final refit
    large_refit_estimate_s: float = 0.0  # set by the runner: the best family so far refit on every row

    # ------------------------------------------------------------------ fixed points
    @property
    def end(self) -> float | None:
        """When the whole call must have returned."""
        return None if self.seconds is None else self.t0 + self.seconds

    @property
    def reserve_s(self) -> float:
        """Seconds kept back at the end for bookkeeping and the deployment refit."""
        if self.seconds is None:
            return 0.0
        base = min(max(RESERVE_SHARE * self.seconds, RESERVE_MIN_S), RESERVE_MAX_S)
        deploy = ESTIMATE_MARGIN * self.deploy_estimate_s  # one that cannot fit is not held back for
        finish = min(
            ESTIMATE_MARGIN * (self.finish_estimate_s + self.scoring_estimate_s),
            FINISH_RESERVE_MAX_SHARE * self.seconds,
        )
        if self.large:  # the final refit on every train + validation row replaces the deployment refit's reserve
            wanted = ESTIMATE_MARGIN * self.large_refit_estimate_s
            return (
                base + finish + min(max(wanted, LARGE_REFIT_SHARE * self.seconds), LARGE_REFIT_MAX_SHARE * self.seconds)
            )
        return base + finish + (deploy if deploy <= DEPLOY_RESERVE_MAX_SHARE * self.seconds else 0.0)

    @property
    def search_end(self) -> float | None:
        """When searching and per-family refits must stop."""
        return None if self.end is None else self.end - self.reserve_s

    def left(self, now: float | None = None) -> float:
        """Seconds until the search must end (infinite without a time budget)."""
        if self.search_end is None:
            return float("inf")
        return self.search_end - (time.monotonic() if now is None else now)

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    # ------------------------------------------------------------------ windows and trials
    def window_end(self, share: float, remaining_shares: float) -> float | None:
        """The end of a family's window: its share of what is left among the families still to run."""
        if self.search_end is None:
            return None
        now = time.monotonic()
        part = share / remaining_shares if remaining_shares > 0 else 1.0
        return now + max(self.search_end - now, 0.0) * part

    def trial_deadline(
        self,
        window_end: float | None,
        durations: list[float],
        attempts: int,
        iterative: bool,
        first_share: float = FIRST_TRIAL_WINDOW_SHARE,
    ) -> float | bool | None:
        """When the next trial must stop (None: no time budget), or False when no trial should start.

        ``durations`` are the family's finished trials' seconds, ``attempts`` the trials started in this
        window, ``first_share`` the share of the window a first trial may take. A family's first finished
        trial always gets a chance (its good default) while the search deadline allows (but no family starts
        in the search's last 2%); later trials start only if a typical trial and the refit still fit in the
        window. An iterative model (boosting rounds, epochs, tree
        chunks) stops itself at the deadline, so it may start as long as the deadline is ahead.
        """
        if window_end is None or self.search_end is None:
            return None
        now = time.monotonic()
        if now >= self.search_end:
            return False
        if not durations:
            if attempts >= 3 and now >= window_end:
                return False
            if attempts == 0 and self.search_end - now < max(
                LATE_START_SHARE * (self.seconds or 0.0), LATE_START_MIN_S
            ):
                return False
            share = now + first_share * max(window_end - now, 0.0)
            floor = now + FIRST_TRIAL_SHARE * (self.seconds or 0.0)
            return min(self.search_end, max(share, floor))
        typical = sorted(durations)[len(durations) // 2]
        deadline = min(window_end - 1.3 * typical, self.search_end)  # keep time for the refit
        if now + (0.0 if iterative else typical) >= deadline:
            return False
        return deadline

    def leftover_worth_it(self) -> bool:
        """Enough time left after every family's window for a second round of the best family."""
        return self.seconds is not None and self.left() >= LEFTOVER_MIN_SHARE * self.seconds

    def search_rows(
        self, train_rows: int, features: int, row_bytes: float = 0.0, memory_bytes: float = 0.0
    ) -> int | None:
        """How many training rows trials should search on (a stratified subsample), or None for all of them: as
        many as the search's part of the budget affords, and (given a row's bytes and the memory available) as
        fit SEARCH_MEMORY_SHARE of memory."""
        if self.seconds is None:
            return None
        width = min(max(features, 1), 1_000)
        rate = SEARCH_ROWS_PER_SECOND * min(1.0, (REFERENCE_FEATURES / width) ** 0.5)
        if train_rows <= max(int(self.seconds * rate), MIN_SEARCH_ROWS):
            return None
        cap = (1.0 - LARGE_REFIT_SHARE) * self.seconds * rate  # the final refit's share is not the search's
        if row_bytes > 0 and memory_bytes > 0:
            cap = min(cap, SEARCH_MEMORY_SHARE * memory_bytes / (COPIES_PER_TRIAL * row_bytes))
        return max(int(cap), MIN_SEARCH_ROWS)

    # ------------------------------------------------------------------ refits
    def refit_deadline(self, window_end: float | None, estimate_s: float) -> float | bool | None:
        """Deadline of a family's refit on train + validation; False when its estimate does not fit.

        The refit may use the rest of the family's window and, when that is too short, up to
        REFIT_OVERRUN_SHARE of the budget past it (never past the search deadline). None without a time budget.
        """
        if self.search_end is None:
            return None
        now = time.monotonic()
        needed = ESTIMATE_MARGIN * max(estimate_s, 0.0)
        limit = self._refit_limit(window_end, now)
        if now + needed > limit:
            return False
        return min(limit, max(window_end or now, now + needed))

    def refit_time_left(self, window_end: float | None) -> float:
        """Seconds a refit starting now may take (the rest of its window plus the allowed overrun)."""
        if self.search_end is None:
            return float("inf")
        now = time.monotonic()
        return max(self._refit_limit(window_end, now) - now, 0.0)

    def _refit_limit(self, window_end: float | None, now: float) -> float:
        assert self.search_end is not None
        overrun = REFIT_OVERRUN_SHARE * (self.seconds or 0.0)
        return min(self.search_end, max(window_end or now, now) + overrun)

    def affordable_rows(self, seconds_per_row: float, window_end: float | None = None) -> int:
        """How many rows a refit costing ``seconds_per_row`` can take within its limit (with margin)."""
        if self.search_end is None or seconds_per_row <= 0:
            return 2**62
        now = time.monotonic()
        return int(max(self._refit_limit(window_end, now) - now, 0.0) / (ESTIMATE_MARGIN * seconds_per_row))

    def deploy_fits(self, estimate_s: float) -> bool:
        """Whether the refit on all rows, estimated at ``estimate_s``, fits before the end of the call."""
        if self.end is None:
            return True
        final = max(FINAL_SHARE * (self.seconds or 0.0), FINAL_MIN_S)
        return time.monotonic() + ESTIMATE_MARGIN * estimate_s + final <= self.end

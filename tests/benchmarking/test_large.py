"""A table too large for its budget: searched on a stratified subsample, then refit on every train + validation
row in the time held back for it, within the budget; the result states both sizes."""

from __future__ import annotations

import time
from pathlib import Path

import advisor
from advisor.benchmarking.policy import LARGE_REFIT_SHARE


def test_a_large_table_is_searched_on_a_sample_and_refit_on_every_row(tmp_path: Path) -> None:
    data = advisor.datasets.load("adult")  # 48,842 rows: more than a 15 s budget searches on (30,000)
    budget = 15.0
    start = time.monotonic()
    result = advisor.benchmark(data, budget=budget, families=["lightgbm"], run_dir=tmp_path, seed=0)
    assert time.monotonic() - start <= budget * 1.05
    searched = next(n for n in result.notes if n.startswith("search on a stratified subsample of"))
    sample = int(searched.split(" of ")[1].split()[-1].replace(",", ""))
    assert sample <= (1 - LARGE_REFIT_SHARE) * budget * 2_000  # the search's part of the budget
    family = result.family("lightgbm")
    train_val = round(0.85 * data.n_rows)
    assert abs(family.train_rows - train_val) <= 2 and family.trained_on.startswith("train + validation")
    assert f"lightgbm: refit on {family.train_rows:,} train + validation rows (its search trials used" in " ".join(
        result.notes
    )
    assert family.test_metrics["accuracy"] > 0.84

"""The search step: a network that its window cuts before it converges is reported plainly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import advisor


def test_a_starved_network_says_what_a_fair_run_needs(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30_000, 20))
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(20)])
    frame["y"] = (X[:, 0] * X[:, 1] + np.sin(X[:, 2]) + 0.3 * rng.normal(size=len(X)) > 0).astype(int)
    result = advisor.benchmark(frame, target="y", families=["tabm"], budget=12, seed=0, run_dir=tmp_path)
    tabm = result.family("tabm")
    assert tabm.status == "ok", tabm.reason
    assert "tabm needs about" in tabm.reason and "s per epoch here" in tabm.reason
    needed = float(tabm.reason.split("a budget of at least ")[1].split("s")[0].replace(",", ""))
    assert needed > 12  # more than it had
    assert tabm.reason in result.notes
    assert result.wall_s <= 12 * 1.05

"""Speed of the foundation on a large table: profile + recommend in memory, and loading from CSV.

Targets (issue 2): profile + recommend on a 1,000,000 x 50 table of mixed numeric and categorical
columns already in memory under 3 s; loading it from CSV under 10 s. Also reports ``import advisor``.

    python benchmarks/speed_profile.py [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def make_table(rows: int, numeric: int = 30, categorical: int = 20, seed: int = 0) -> pd.DataFrame:
    """A churn-like table: skewed and normal numeric columns, low and high cardinality strings."""
    rng = np.random.default_rng(seed)
    data: dict[str, np.ndarray] = {}
    for i in range(numeric):
        data[f"num_{i}"] = rng.lognormal(0, 1, rows) if i % 3 == 0 else rng.normal(0, 1, rows)
    for i in range(categorical):
        levels = np.array([f"level_{j}" for j in range(5 if i % 4 else 500)])
        data[f"cat_{i}"] = levels[rng.integers(0, len(levels), rows)]
    frame = pd.DataFrame(data)
    frame["churn"] = np.where(rng.random(rows) < 0.2, "yes", "no")
    return frame


def best_of(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import advisor

    frame = make_table(args.rows)
    print(
        f"table: {len(frame):,} rows x {frame.shape[1] - 1} features (+ target), "
        f"{frame.memory_usage(deep=True).sum() / 2**20:,.0f} MiB in memory"
    )

    dataset = advisor.load(frame, target="churn")
    t_wrap = best_of(lambda: advisor.load(frame, target="churn"), args.repeat)
    t_prof = best_of(lambda: advisor.profile(dataset), args.repeat)
    prof = advisor.profile(dataset)
    t_rec = best_of(lambda: advisor.recommend(prof), args.repeat)
    print(f"load(DataFrame)           {t_wrap:6.2f} s")
    print(f"profile                   {t_prof:6.2f} s")
    print(f"recommend                 {t_rec:6.3f} s")
    print(
        f"profile + recommend       {t_prof + t_rec:6.2f} s   (target < 3 s)  top: {advisor.recommend(prof).top.family}"
    )

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.csv"
        frame.to_csv(path, index=False)
        print(f"CSV file                  {path.stat().st_size / 2**20:,.0f} MiB")
        t_csv = best_of(lambda: advisor.load(path, target="churn"), args.repeat)
        print(f"load(CSV)                 {t_csv:6.2f} s   (target < 10 s)")

    cmd = [sys.executable, "-c", "import time; t=time.perf_counter(); import advisor; print(time.perf_counter()-t)"]
    t_import = min(float(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout) for _ in range(3))
    heavy = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, advisor; print(sorted(m for m in ('torch','xgboost','lightgbm',"
            "'streamlit') if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"import advisor            {t_import:6.3f} s   (target < 1 s); heavy modules imported: {heavy}")


if __name__ == "__main__":
    main()

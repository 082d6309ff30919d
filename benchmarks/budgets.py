"""Is the time budget kept at every size? Wall time / budget and framework overhead over a grid.

For each table size (synthetic mixed tables from ``make_table.py``: numeric and categorical columns, a
learnable binary target) and each budget, runs ``advisor.benchmark`` with the rules' full plan and records:
the wall time of the whole call (loading the Parquet file included) over the budget, the framework overhead
(wall time outside model fit and predict) as a share of the budget, how many families were measured, the
search subsample, and whether the chosen model was refit on all rows. The promise: wall <= 105% of the
budget everywhere.

    python benchmarks/budgets.py --sizes 100,1000,10000,100000,1000000 --budgets 10,30,60,120 [--out t.csv]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import advisor

sys.path.insert(0, str(Path(__file__).parent))
from make_table import write_table


def run_one(path: Path, budget: float, seed: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as run_dir:
        start = time.monotonic()
        result = advisor.benchmark(str(path), target="target", budget=budget, seed=seed, run_dir=run_dir)
        wall = time.monotonic() - start
    ok = [f for f in result.families if f.status == "ok"]
    subsample = next((n for n in result.notes if n.startswith("search on a stratified subsample")), "")
    return {
        "wall_s": round(wall, 2),
        "wall/budget": round(wall / budget, 3),
        "overhead_share": round(max(wall - result.model_s, 0.0) / budget, 3),
        "measured": f"{len(ok)}/{len(result.families)}",
        "best": result.best_family,
        "score": round(result.family(result.best_family).test_metrics.get(result.metric, float("nan")), 4)
        if result.best_family
        else None,
        "search_rows": subsample.split(" of ")[0].rsplit(" ", 1)[-1] if subsample else "all",
        "deployed_rows": result.deployed.get("rows"),
        "deploy_note": result.deployed.get("note", ""),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000,100000,1000000")
    parser.add_argument("--budgets", default="10,30,60,120")
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "advisor-budget-tables")
    parser.add_argument("--out", type=Path, default=None, help="write the table as CSV here")
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        path = args.data_dir / f"table_{size}x{args.features}.parquet"
        if not path.exists():
            write_table(path, size, args.features, min(5, args.features // 4), "binary", args.seed)
        for budget in (float(b) for b in args.budgets.split(",")):
            row = {"rows": size, "budget_s": budget, **run_one(path, budget, args.seed)}
            rows.append(row)
            print(row, flush=True)
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    print(
        f"\nmax wall/budget: {table['wall/budget'].max():.3f}; median overhead share: "
        f"{table['overhead_share'].median():.3f}"
    )
    if args.out:
        table.to_csv(args.out, index=False)


if __name__ == "__main__":
    main()

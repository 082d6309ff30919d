"""Throughput of several workers on one benchmark: trials per minute with 1 and with N workers (PostgreSQL).

On a mid-sized table (``make_table.py``: 100,000 x 20 by default) runs the same benchmark -- the same
families, budget, sampler and seed -- with one worker and with ``--workers`` workers sharing the run in a
PostgreSQL database, and counts the trials that finished in the storage (complete or pruned). With one
worker, models use every core (the default) and, for a like-for-like comparison, also one thread per model
(the thread count each of two workers gets on a 2-core machine). The ratio of trials per minute is the
speed-up; the best validation loss of each run is printed beside it.

    python benchmarks/workers.py --storage postgresql://advisor:advisor@localhost/advisor_test [--workers 2]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import optuna

sys.path.insert(0, str(Path(__file__).parent))


def _clear(storage: str) -> None:
    for name in optuna.get_all_study_names(storage=storage):
        optuna.delete_study(study_name=name, storage=storage)


def run(
    path: Path, storage: str, workers: int, threads: int | None, budget: float, families: list[str]
) -> dict[str, Any]:
    import advisor
    from advisor.benchmarking import Budget
    from advisor.benchmarking.runner import run_benchmark
    from advisor.hardware import detect

    _clear(storage)
    hardware = detect(probe_torch=True)
    hardware = dataclasses.replace(hardware, cores=threads) if threads else hardware
    name = f"w{workers}t{threads or hardware.cores}"
    start = time.monotonic()
    data = advisor.load(str(path), target="target")
    with tempfile.TemporaryDirectory() as run_dir:
        result = run_benchmark(
            data, budget=Budget(seconds=budget).started(start), storage=storage, run_dir=run_dir, families=families,
            hardware=hardware, workers=workers, run_name=name, sampler="random", pruner="none",
        )  # fmt: skip
    trials = [
        t
        for study in optuna.get_all_study_names(storage=storage)
        if study.startswith(f"{name}/")
        for t in optuna.load_study(study_name=study, storage=storage).get_trials()
        if t.state in (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    ]
    search_s = sum(t.duration.total_seconds() for t in trials if t.duration) / max(workers, 1)
    best = min((f.best_value for f in result.families if f.best_value is not None), default=float("nan"))
    rate = 60 * len(trials) / max(result.wall_s, 1e-9)
    return {
        "workers": workers, "threads": max(1, (threads or hardware.cores) // workers), "trials": len(trials),
        "wall_s": result.wall_s, "trials_per_min": rate, "busy_s_per_worker": search_s, "best": best,
    }  # fmt: skip


def main() -> None:
    from make_table import write_table

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--storage", required=True, help="a PostgreSQL URL whose database the script may empty")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--budget", type=float, default=120.0)
    parser.add_argument("--families", default="lightgbm,xgboost")
    args = parser.parse_args()
    path = Path(tempfile.gettempdir()) / f"advisor-workers-{args.rows}.parquet"
    if not path.exists():
        write_table(path, args.rows, 20, 5, "binary")
    families = args.families.split(",")
    rows = [
        run(path, args.storage, 1, None, args.budget, families),
        run(path, args.storage, 1, 1, args.budget, families),
        run(path, args.storage, args.workers, None, args.budget, families),
    ]
    print("| workers | threads per model | trials | wall s | trials / min | best validation loss |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['workers']} | {r['threads']} | {r['trials']} | {r['wall_s']:.0f} | {r['trials_per_min']:.1f} "
            f"| {r['best']:.4f} |"
        )
    many = rows[2]["trials_per_min"]
    print(f"\n{args.workers} workers / 1 worker (all cores): {many / rows[0]['trials_per_min']:.2f}x; "
          f"/ 1 worker (1 thread): {many / rows[1]['trials_per_min']:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()

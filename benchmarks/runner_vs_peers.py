"""advisor.benchmark at a fixed budget vs LightGBM defaults vs FLAML at the same budget.

On each PMLB dataset: the same seeded train / validation / test split for everyone. advisor runs its
plan within the budget; LightGBM with default settings and FLAML (``time_budget`` = the same seconds)
train on train + validation. All are scored once on the same test rows. Also reports advisor's
framework overhead (wall time not inside model fit and predict, as a share of the budget) and budget
adherence (wall time / budget). FLAML is a benchmark-only dependency: ``pip install flaml``.

    python benchmarks/runner_vs_peers.py --pmlb ../shared/data/tabular/pmlb --budget 60 [--datasets a,b]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import advisor
from advisor.benchmarking.prepare import TablePreparer, encode_target
from advisor.benchmarking.splits import make_splits
from advisor.metrics import compute_metrics

DEFAULT_DATASETS = (
    "diabetes",
    "australian",
    "credit_g",
    "wine_quality_red",
    "segmentation",
    "spambase",
    "satimage",
    "magic",
    "adult",
    "197_cpu_act",
    "537_houses",
    "564_fried",
)


def peers(data: advisor.Dataset, budget: float, seed: int, metric: str) -> dict[str, float]:
    """LightGBM defaults and FLAML on advisor's split; returns the primary test metric of each."""
    import lightgbm as lgb

    prof = advisor.profile(data)
    task = prof.task or "binary"
    y, labels = encode_target(data.y, task)
    prep = TablePreparer.from_profile(data.X, prof)
    X = prep.transform(data.X)
    splits = make_splits(y, task, seed=seed)
    tv = np.concatenate([splits.train, splits.val])
    X_tv, y_tv, X_te, y_te = X.iloc[tv], y[tv], X.iloc[splits.test], y[splits.test]
    out = {}
    model = (lgb.LGBMRegressor if task == "regression" else lgb.LGBMClassifier)(verbose=-1, random_state=seed)
    out["lightgbm_default"] = _score(model.fit(X_tv, y_tv), X_te, y_te, task, labels, metric)
    try:
        from flaml import AutoML
    except ImportError:
        out["flaml"] = float("nan")
        return out
    automl = AutoML()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        automl.fit(
            X_tv,
            y_tv,
            task="regression" if task == "regression" else "classification",
            time_budget=budget,
            seed=seed,
            verbose=0,
            n_jobs=-1,
        )
    out["flaml"] = _score(automl, X_te, y_te, task, labels, metric)
    return out


def _score(model, X, y, task, labels, metric) -> float:  # type: ignore[no-untyped-def]
    if task == "regression":
        metrics = compute_metrics(task, y, np.asarray(model.predict(X), dtype=float))
    else:
        proba = np.asarray(model.predict_proba(X))
        metrics = compute_metrics(task, y, proba.argmax(axis=1), proba, labels=list(range(len(labels or []))))
    return float(metrics[metric])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pmlb", type=Path, required=True, help="folder of PMLB datasets (<name>/<name>.tsv.gz)")
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--datasets", default=",".join(DEFAULT_DATASETS))
    parser.add_argument("--out", type=Path, default=None, help="write the table as CSV here")
    parser.add_argument("--metric", default=None, help="the metric to judge by (default: the plan's)")
    parser.add_argument("--no-peers", action="store_true", help="advisor only (no LightGBM defaults, no FLAML)")
    args = parser.parse_args()
    rows = []
    for name in args.datasets.split(","):
        data = advisor.load(args.pmlb / name / f"{name}.tsv.gz", target="target", name=name, metric=args.metric)
        with tempfile.TemporaryDirectory() as run_dir:
            start = time.monotonic()
            result = advisor.benchmark(data, budget=args.budget, seed=args.seed, run_dir=run_dir)
            wall = time.monotonic() - start
        chosen = result.family(result.best_family)  # the model a user takes away: chosen on validation
        row = {
            "dataset": name,
            "rows": data.n_rows,
            "task": result.task,
            "metric": result.metric,
            "advisor": float(chosen.test_metrics[result.metric]),
            "advisor_chosen": chosen.family,
            "leaderboard_top": result.leaderboard().iloc[0]["family"],
            "rules_top": result.verdict.recommended,
            "rules_right": result.verdict.agreed,
            **({} if args.no_peers else peers(data, args.budget, args.seed, result.metric)),
            "wall_s": round(wall, 1),
            "adherence": round(wall / args.budget, 3),
            "overhead_share": round(result.overhead_s / args.budget, 3),
        }
        rows.append(row)
        print(pd.DataFrame([row]).to_string(index=False, header=len(rows) == 1), flush=True)
    table = pd.DataFrame(rows)
    if args.no_peers:
        print("\n" + table.to_string(index=False))
        print(
            f"\nframework overhead share: median {table['overhead_share'].median():.1%}, max "
            f"{table['overhead_share'].max():.1%}; wall / budget: max {table['adherence'].max():.3f}"
        )
        return
    sign = np.where(table["metric"].isin(["rmse", "mae", "log_loss"]), -1.0, 1.0)
    table["vs_lgbm_default"] = sign * (table["advisor"] - table["lightgbm_default"])
    table["vs_flaml"] = sign * (table["advisor"] - table["flaml"])
    print("\n" + table.to_string(index=False))
    print(
        f"\nmedian advantage vs LightGBM defaults: {table['vs_lgbm_default'].median():+.4f} "
        f"(better on {(table['vs_lgbm_default'] > 0).sum()}/{len(table)})"
    )
    print(
        f"median advantage vs FLAML:            {table['vs_flaml'].median():+.4f} "
        f"(better on {(table['vs_flaml'] > 0).sum()}/{len(table)})"
    )
    print(
        f"framework overhead share: median {table['overhead_share'].median():.1%}, "
        f"max {table['overhead_share'].max():.1%}"
    )
    print(
        f"budget adherence (wall / budget): median {table['adherence'].median():.3f}, "
        f"max {table['adherence'].max():.3f}"
    )
    if args.out:
        table.to_csv(args.out, index=False)


if __name__ == "__main__":
    main()

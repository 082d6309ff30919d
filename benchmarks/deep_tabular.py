"""Deep tabular networks against gradient-boosted trees, at a fixed budget on this machine.

On each tabular dataset of ``runner_vs_peers.py``, one ``advisor.benchmark`` run measures the deep families
(the plain MLP and TabM by default) and the two GBDTs (LightGBM, XGBoost) within the budget (networks get
their fair share of it, see the plan's notes). Prints per dataset and family: the test score, trials, seconds
per epoch of the best trial and the configuration; then the verdict, best deep vs best classical with its 95%
paired-bootstrap interval. A reference run trains the plain MLP (its default trial: no numeric embeddings) to
early stopping with no time limit, on the same split. The summary counts where TabM beats the MLP family
(measured side by side in the same run), where the best network (chosen on validation, as the verdict does)
beats the plain MLP reference, and where it is within its interval of the best GBDT, or better.

    python benchmarks/deep_tabular.py --pmlb ../shared/data/tabular/pmlb --budget 60 [--datasets a,b] [--out t.csv]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

import advisor
from advisor.families import Kind, families

DEEP = ("mlp", "tabm")
#: Scores closer than this are a tie (results round scores to 6 decimals).
TIE = 1e-6
GBDT = ("lightgbm", "xgboost")


def per_family(result: advisor.BenchmarkResult) -> list[dict[str, Any]]:
    rows = []
    for f in result.families:
        trials = [t for t in result.trials if t.family == f.family]
        best = next((t for t in trials if t.number == f.best_trial), None)
        n_steps = (best.costs or {}).get("n_steps") if best is not None else None
        fit_s = (best.costs or {}).get("fit_wall_s") if best is not None else None
        per_epoch = fit_s / n_steps if fit_s and n_steps and families()[f.family].kind is Kind.DEEP else None
        rows.append(
            {
                "family": f.family,
                "status": f.status,
                "score": f.test_metrics.get(result.metric),
                "trials": sum(t.state == "COMPLETE" for t in trials),
                "s_per_epoch": round(per_epoch, 3) if per_epoch else None,
                "epochs": n_steps if families()[f.family].kind is Kind.DEEP else None,
                "config": _config({**f.best_params, **f.sizing}) if f.status == "ok" else f.reason[:80],
            }
        )
    return rows


def plain_mlp(data: advisor.Dataset, seed: int) -> float | None:
    """The reference: the plain MLP (its default trial, no numeric embeddings) trained to early stopping with no
    time limit, on the same split; its test score by the run's metric."""
    with tempfile.TemporaryDirectory() as run_dir:
        result = advisor.benchmark(
            data, families=["mlp"], budget={"trials": 1}, seed=seed, run_dir=run_dir, refit_full=False
        )
    return result.family("mlp").test_metrics.get(result.metric)


def _config(params: dict[str, Any]) -> str:
    keys = ("k", "hidden_size", "n_layers", "batch_size", "learning_rate", "num_leaves", "max_depth")
    return " ".join(
        f"{k}={params[k]:.3g}" if isinstance(params[k], float) else f"{k}={params[k]}" for k in keys if k in params
    )


def main() -> None:
    from runner_vs_peers import DEFAULT_DATASETS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pmlb", type=Path, required=True, help="folder of PMLB datasets (<name>/<name>.tsv.gz)")
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--datasets", default=",".join(DEFAULT_DATASETS))
    parser.add_argument("--deep", default=",".join(DEEP), help="deep families to measure (comma-separated)")
    parser.add_argument(
        "--no-plain-mlp",
        dest="plain_mlp",
        action="store_false",
        help="skip the reference run: the plain MLP's default trained to early stopping, no time limit",
    )
    parser.add_argument("--out", type=Path, default=None, help="write the per-dataset table as CSV here")
    args = parser.parse_args()
    deep = args.deep.split(",")
    missing = [n for n in args.datasets.split(",") if not (args.pmlb / n / f"{n}.tsv.gz").is_file()]
    if missing:
        parser.error(f"no {', '.join(missing)} under {args.pmlb} (expected <name>/<name>.tsv.gz); check --pmlb")
    summary = []
    for name in args.datasets.split(","):
        data = advisor.load(args.pmlb / name / f"{name}.tsv.gz", target="target", name=name)
        with tempfile.TemporaryDirectory() as run_dir:
            result = advisor.benchmark(
                data, families=[*deep, *GBDT], budget=args.budget, seed=args.seed, run_dir=run_dir
            )
        table = pd.DataFrame(per_family(result))
        print(f"\n== {name} ({data.n_rows:,} rows, {result.task}, {result.metric}), wall {result.wall_s:.1f}s")
        print(table.to_string(index=False))
        c = result.comparison
        print(c.summary if c is not None else "no comparison: one side measured nothing")
        scores = dict(zip(table["family"], table["score"], strict=True))
        plain = plain_mlp(data, args.seed) if args.plain_mlp else None
        sign = 1.0 if result.higher_is_better else -1.0
        best_deep = max((f for f in deep if scores.get(f) is not None), key=lambda f: sign * scores[f], default=None)
        summary.append(
            {
                "dataset": name,
                "metric": result.metric,
                "plain_mlp": plain,
                "mlp": scores.get("mlp"),
                "tabm": scores.get("tabm"),
                "best_deep": best_deep,
                "best_deep_score": scores.get(best_deep) if best_deep else None,
                "best_gbdt": c.classical if c else None,
                "gbdt_score": c.classical_score if c else None,
                "difference": c.difference if c else None,
                "interval": f"[{c.low:+.4f}, {c.high:+.4f}]" if c else None,
                "call": c.call if c else None,
                "tabm_beats_mlp": scores.get("tabm") is not None
                and scores.get("mlp") is not None
                and sign * (scores["tabm"] - scores["mlp"]) > TIE,
                "deep_beats_plain": c is not None and plain is not None and sign * (c.deep_score - plain) > TIE,
                "within_or_better": c is not None and c.high >= 0,
            }
        )
    out = pd.DataFrame(summary)
    print("\n" + out.to_string(index=False))
    print(
        f"\nTabM beats the MLP family on {int(out['tabm_beats_mlp'].sum())}/{len(out)}; the best network (chosen "
        f"on validation) beats the plain MLP trained to early stopping on {int(out['deep_beats_plain'].sum())}/"
        f"{len(out)} and is "
        f"within its interval of the best GBDT or better on {int(out['within_or_better'].sum())}/{len(out)}"
    )
    if args.out:
        out.to_csv(args.out, index=False)


if __name__ == "__main__":
    main()

"""Score the rules engine against published results (TabZilla, McElfresh et al. 2023).

For every dataset in the TabZilla tables, build a profile from its summary alone (rows, features,
categorical count, classes, mean feature skewness and kurtosis), ask the engine for a recommendation,
and compare the recommended family's tuned test accuracy with the best family's:

- regret = best family's normalized accuracy minus the recommended family's (0 is perfect);
- top-1 hit = the recommended family is the best, or within TIE accuracy points of it (near-tie).

The engine is asked as a user with GPUs and hours would ask (``Constraints(gpu=True, compute_budget="high")``),
so its tabular odds come from the published large-budget model. The same figures are printed for fixed
policies: "always GBDT" (XGBoost, and LightGBM), "always NN" (TabM) and "GBDT if rows >= 5,000 (else TabM)".
Note the odds model was fitted on these same datasets: its honest, leave-one-dataset-out figures are
``benchmarks/fit_odds.py``'s. No per-dataset answer is stored anywhere: the engine sees only
the summary numbers. Usage:

    python benchmarks/rules_vs_evidence.py [--evidence ../shared/data/evidence/tabzilla]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from advisor.hardware import Hardware
from advisor.profiling.profile import DatasetProfile
from advisor.rules import Constraints, run_engine

#: Our families -> the TabZilla algorithms that implement them.
FAMILY_ALGORITHMS = {
    "linear": ("LinearModel",),
    "random_forest": ("RandomForest",),
    "lightgbm": ("LightGBM",),
    "xgboost": ("XGBoost",),
    "mlp": ("MLP", "MLP-rtdl"),
    # TabZilla has no TabM: its authors' earlier tuned networks (rtdl's MLP, ResNet, FT-Transformer) stand in.
    "tabm": ("MLP-rtdl", "ResNet", "FTTransformer"),
}
TIE = 0.005  # accuracy points (0.5 %) counted as a near-tie for the top-1 hit rate
DEFAULT_EVIDENCE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "evidence" / "tabzilla"
# TabZilla trained on GPUs with generous budgets: recommend under the same conditions.
EVIDENCE_MACHINE = Hardware(cores=8, memory_gb=60.0)
EVIDENCE_CONSTRAINTS = Constraints(gpu=True, compute_budget="high")


def load_tables(folder: Path) -> pd.DataFrame:
    """One row per dataset: family scores (normalized and raw accuracy) and summary numbers."""
    results = pd.read_csv(folder / "tuned_aggregated_results.csv")
    algo_family = {a: f for f, algos in FAMILY_ALGORITHMS.items() for a in algos}
    results["family"] = results["alg_name"].map(algo_family)
    results = results.dropna(subset=["family"])
    norm = results.pivot_table(
        index="dataset_name", columns="family", values="normalized_Accuracy__test_mean", aggfunc="max"
    )
    raw = results.pivot_table(index="dataset_name", columns="family", values="Accuracy__test_mean", aggfunc="max")
    summary = pd.read_csv(folder / "dataset_summary.csv").drop_duplicates("dataset_name")
    meta = pd.read_csv(
        folder / "agg_metafeatures.csv",
        usecols=["dataset_basename", "f__pymfe.statistical.kurtosis.mean", "f__pymfe.statistical.skewness.mean"],
    ).drop_duplicates("dataset_basename")
    meta.columns = ["dataset_name", "kurtosis_mean", "skewness_mean"]
    table = norm.add_prefix("norm_").join(raw.add_prefix("acc_"))
    table = table.join(summary.set_index("dataset_name"), how="inner")
    return table.join(meta.set_index("dataset_name"), how="left")


def summary_profile(row: pd.Series) -> DatasetProfile:
    classes = int(row["num_classes"])
    return DatasetProfile.from_summary(
        rows=int(row["num_training_inst"]),
        features=int(row["num_feats"]),
        task="binary" if classes <= 2 else "multiclass",
        n_classes=max(classes, 2),
        categorical=int(row["num_categorical_feats"]),
        skewness_mean=_num(row.get("skewness_mean")),
        kurtosis_mean=_num(row.get("kurtosis_mean")),
        name=str(row.name),
    )


def engine_policy(row: pd.Series) -> list[str]:
    rec = run_engine(summary_profile(row), EVIDENCE_MACHINE, EVIDENCE_CONSTRAINTS)
    return rec.families


def evaluate(table: pd.DataFrame, policy: Callable[[pd.Series], list[str]]) -> pd.DataFrame:
    """Regret and near-tie hit for the first measured family in the policy's ranking."""
    families = list(FAMILY_ALGORITHMS)
    rows = []
    for name, row in table.iterrows():
        measured = [f for f in families if pd.notna(row.get(f"norm_{f}"))]
        if len(measured) < 2:
            continue
        pick = next((f for f in policy(row) if f in measured), None)
        if pick is None:
            continue
        best_norm = max(row[f"norm_{f}"] for f in measured)
        best_acc = max(row[f"acc_{f}"] for f in measured)
        rows.append(
            {
                "dataset": name,
                "rows": int(row["num_training_inst"]),
                "pick": pick,
                "regret": best_norm - row[f"norm_{pick}"],
                "hit": best_acc - row[f"acc_{pick}"] <= TIE,
            }
        )
    return pd.DataFrame(rows)


def report(results: dict[str, pd.DataFrame]) -> str:
    bins = [0, 1_000, 5_000, 20_000, np.inf]
    labels = ["<1k", "1k-5k", "5k-20k", ">20k"]
    lines = [
        f"{'policy':34s} {'n':>4s} {'mean regret':>12s} {'median':>8s} {'top-1 (near-tie)':>17s}   "
        + "  ".join(f"{b:>7s}" for b in labels)
    ]
    for name, res in results.items():
        per_bin = res.groupby(pd.cut(res["rows"], bins, labels=labels), observed=False)["regret"].mean()
        lines.append(
            f"{name:34s} {len(res):4d} {res['regret'].mean():12.4f} {res['regret'].median():8.4f} "
            f"{res['hit'].mean():17.1%}   " + "  ".join(f"{v:7.3f}" for v in per_bin)
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--evidence", type=Path, default=DEFAULT_EVIDENCE, help="folder holding the TabZilla CSV tables"
    )
    args = parser.parse_args()
    table = load_tables(args.evidence)
    policies: dict[str, Callable[[pd.Series], list[str]]] = {
        "advisor rules engine": engine_policy,
        "always GBDT (XGBoost)": lambda r: ["xgboost"],
        "always GBDT (LightGBM)": lambda r: ["lightgbm"],
        "always NN (TabM)": lambda r: ["tabm"],
        "GBDT (XGBoost) if rows >= 5,000, else TabM": (
            lambda r: ["xgboost"] if r["num_training_inst"] >= 5_000 else ["tabm"]
        ),
    }
    results = {name: evaluate(table, policy) for name, policy in policies.items()}
    print(f"TabZilla datasets with >= 2 measured families: {len(results['advisor rules engine'])}")
    print(f"families compared: {', '.join(FAMILY_ALGORITHMS)}; near-tie = within {TIE:.1%} accuracy\n")
    print(report(results))
    picks = results["advisor rules engine"]["pick"].value_counts()
    print("\nengine's picks:", ", ".join(f"{k} {v}" for k, v in picks.items()))


def _num(value: object) -> float | None:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return out if np.isfinite(out) else None


if __name__ == "__main__":
    main()

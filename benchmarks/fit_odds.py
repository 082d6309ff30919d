"""Fit the odds models (``advisor/rules/odds.toml``) on the two evidence tables and measure them.

Three tables: published large-budget tables (TabZilla), this project's measured small-budget runs, and
published UCR time-series accuracies (InceptionTime vs MiniRocket, ``published_ucr.csv``).

1. ``--tabzilla FOLDER`` (optional) rebuilds the published table ``advisor/rules/evidence/published_tabzilla.csv``
   from TabZilla's tuned results (McElfresh et al. 2023): per dataset its meta-features, the best tuned
   network and the best tuned GBDT (test accuracy, mean of 10 folds).
2. Fits one logistic model per table (scikit-learn ``LogisticRegression``, L2, on standardized terms, written
   back on the raw terms so the file reads without the scaler) of P(best network beats best GBDT).
3. Prints the leave-one-dataset-out accuracy of each model beside the simple rules "always GBDT",
   "always NN" and "GBDT if rows >= 5,000" (and, on the measured table, the agreement with the run's verdict,
   "too close to call" agreeing with either side), then rewrites ``odds.toml`` (``--write``).

    python benchmarks/fit_odds.py [--tabzilla ../shared/data/evidence/tabzilla] [--write]
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from advisor.rules.odds import ODDS_FILE, TRANSFORMS

EVIDENCE = ODDS_FILE.with_name("evidence")
PUBLISHED = EVIDENCE / "published_tabzilla.csv"
MEASURED = EVIDENCE / "measured_cpu.csv"
#: Published UCR accuracies (PUBLISHED_UCR.md): InceptionTime (the strongest published network) vs MiniRocket.
PUBLISHED_SERIES = EVIDENCE / "published_ucr.csv"
#: This project's runs of the series families at 60 s on a 2-core CPU (benchmarks/series.py --evidence).
MEASURED_SERIES = EVIDENCE / "measured_series.csv"
#: The tuned, trained networks of TabZilla (not in-context learners such as TabPFN or the fork's own methods).
NETWORKS = (
    "MLP", "MLP-rtdl", "ResNet", "FTTransformer", "SAINT", "NODE", "TabNet", "DANet", "STG", "VIME", "DeepFM", "NAM",
    "TabTransformer",
)  # fmt: skip
GBDTS = ("CatBoost", "LightGBM", "XGBoost")
#: Each model's inputs: (fact, transform); facts are the rules' facts (advisor/rules/facts.py). Chosen by
#: leave-one-dataset-out mean regret among subsets of rows, rows per feature, categorical share, kurtosis,
#: skewness and classes that include rows (``--search`` prints the comparison): few terms, so the model reads.
MODEL_TERMS = {
    "large_budget": (("rows", "log10"), ("categorical_share", "identity"), ("skewness_mean", "abs")),
    "small_budget": (("rows", "log10"),),
    "series_published": (("rows", "log10"), ("series_length", "log10")),
}
CANDIDATE_TERMS = (
    ("rows", "log10"),
    ("rows_per_feature", "log10"),
    ("categorical_share", "identity"),
    ("kurtosis_mean", "log10p1"),
    ("skewness_mean", "abs"),
    ("n_classes", "log2_classes"),
)
C = 0.3  # L2 strength on standardized terms


def published_table(folder: Path) -> pd.DataFrame:
    """One row per TabZilla dataset: facts, best network, best GBDT (accuracy) and which side won."""
    results = pd.read_csv(folder / "tuned_aggregated_results.csv")
    score = results.pivot_table(index="dataset_name", columns="alg_name", values="Accuracy__test_mean", aggfunc="max")
    score = score[score[[c for c in NETWORKS if c in score]].notna().any(axis=1)]
    score = score[score[[c for c in GBDTS if c in score]].notna().any(axis=1)]
    nets = score[[c for c in NETWORKS if c in score]]
    gbdts = score[[c for c in GBDTS if c in score]]
    summary = pd.read_csv(folder / "dataset_summary.csv").drop_duplicates("dataset_name").set_index("dataset_name")
    meta = pd.read_csv(
        folder / "agg_metafeatures.csv",
        usecols=["dataset_basename", "f__pymfe.statistical.kurtosis.mean", "f__pymfe.statistical.skewness.mean"],
    ).drop_duplicates("dataset_basename")
    meta = meta.set_index("dataset_basename")
    table = pd.DataFrame(
        {
            "rows": summary["num_training_inst"],
            "features": summary["num_feats"],
            "categorical_share": (summary["num_categorical_feats"] / summary["num_feats"]).round(4),
            "n_classes": summary["num_classes"],
            "kurtosis_mean": meta["f__pymfe.statistical.kurtosis.mean"],
            "skewness_mean": meta["f__pymfe.statistical.skewness.mean"],
            "deep_family": nets.idxmax(axis=1),
            "deep_score": nets.max(axis=1),
            "gbdt_family": gbdts.idxmax(axis=1),
            "gbdt_score": gbdts.max(axis=1),
        }
    )
    table = table.dropna(subset=["rows", "deep_score", "gbdt_score"])
    table["deep_better"] = (table["deep_score"] > table["gbdt_score"]).astype(int)
    table.index.name = "dataset"
    return table.reset_index()


def published_series_table(path: Path = PUBLISHED_SERIES) -> pd.DataFrame:
    """Per UCR dataset with both numbers: training series, length, classes, InceptionTime (deep) and MiniRocket
    (classical) published accuracy, and whether the network was better."""
    raw = pd.read_csv(path).dropna(subset=["minirocket", "inceptiontime"])
    return pd.DataFrame(
        {
            "dataset": raw["dataset"],
            "rows": raw["train_size"],
            "series_length": raw["length"],
            "n_classes": raw["n_classes"],
            "deep_score": raw["inceptiontime"],
            "gbdt_score": raw["minirocket"],
            "deep_better": (raw["inceptiontime"] > raw["minirocket"]).astype(int),
        }
    ).reset_index(drop=True)


def series_shift(published: pd.DataFrame, measured: pd.DataFrame) -> str:
    """The short-run series model: the published model's log-odds shifted so that, on the measured datasets, its
    mean equals the log-odds of the measured rate of network wins (a tie counts half; smoothed:
    (wins + ties / 2 + 0.5) / (n + 1)). Returns
    the TOML block (intercept and the figures)."""
    terms = MODEL_TERMS["series_published"]
    b, w = fit(design(published, terms), published["deep_better"].to_numpy())
    logits = b + design(measured, terms).to_numpy() @ w
    ties = int(np.isclose(measured["deep_score"], measured["classical_score"]).sum())
    wins, n = int(measured["deep_better"].sum()), len(measured)
    rate = (wins + 0.5 * ties + 0.5) / (n + 1)  # a tie (both at 1.0, say) is half a win for each side
    shift = float(np.log(rate / (1 - rate)) - logits.mean())
    print(f"\nseries_short_run: {n} measured datasets, network better on {wins}, tied on {ties}; rate {rate:.3f}")
    print(f"published model's mean P(deep) on them {1 / (1 + np.exp(-logits.mean())):.3f}; shift {shift:+.4f}")
    figures = f"datasets = {n}, deep_wins = {wins}, ties = {ties}, smoothed_rate = {rate:.3f}"
    return f"intercept = {shift:.4f}\nfit = {{ {figures} }}"


def design(table: pd.DataFrame, terms: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """The terms' values per row (the same transforms the engine applies)."""
    facts = table
    if "features" in table:
        facts = table.assign(rows_per_feature=table["rows"] / table["features"].clip(lower=1))
    cols = {}
    for fact, transform in terms:
        values = facts[fact].astype(float)
        cols[fact] = [np.nan if pd.isna(v) else TRANSFORMS[transform](v) for v in values]
    frame = pd.DataFrame(cols, index=table.index)
    return frame.fillna(frame.median())


def fit(x: pd.DataFrame, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Intercept and raw-term weights of an L2 logistic regression fitted on standardized terms."""
    mean, sd = x.mean(), x.std().replace(0, 1.0)
    model = LogisticRegression(C=C).fit((x - mean) / sd, y)
    weights = model.coef_[0] / sd.to_numpy()
    return float(model.intercept_[0] - (weights * mean.to_numpy()).sum()), weights


def loo_predictions(x: pd.DataFrame, y: np.ndarray) -> np.ndarray:
    """P(deep) for each dataset from a model fitted on all the others (leave one dataset out)."""
    out = np.empty(len(y))
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        if len(set(y[keep])) < 2:
            out[i] = float(y[keep].mean())
            continue
        b, w = fit(x[keep], y[keep])
        out[i] = 1 / (1 + np.exp(-(b + x.iloc[i].to_numpy() @ w)))
    return out


def evaluate(table: pd.DataFrame, p: np.ndarray, band: float) -> pd.DataFrame:
    """Side accuracy and mean regret (points of the score lost by picking the losing side) per policy."""
    y = table["deep_better"].to_numpy()
    gap = (table["deep_score"] - table["gbdt_score"]).abs().to_numpy()
    if "metric" in table and table["metric"].isin(["rmse", "mae", "log_loss"]).any():
        gap = gap / np.maximum(table[["deep_score", "gbdt_score"]].abs().max(axis=1).to_numpy(), 1e-12)
    policies: dict[str, Callable[[], np.ndarray]] = {
        "odds model (leave one dataset out)": lambda: (p > 0.5).astype(int),
        "always GBDT": lambda: np.zeros(len(y), int),
        "always NN": lambda: np.ones(len(y), int),
        "GBDT if rows >= 5,000": lambda: (table["rows"].to_numpy() < 5000).astype(int),
    }
    rows = []
    for name, policy in policies.items():
        pick = policy()
        row: dict[str, Any] = {
            "policy": name,
            "accuracy": float((pick == y).mean()),
            "mean regret": float(np.where(pick == y, 0.0, gap).mean()),
        }
        if "verdict" in table:
            side = np.where(pick == 1, "deep", "classical")
            agree = (table["verdict"].to_numpy() == "too_close") | (table["verdict"].to_numpy() == side)
            row["agrees with verdict"] = float(agree.mean())
        rows.append(row)
    return pd.DataFrame(rows)


def toml_model(table: pd.DataFrame, terms: tuple[tuple[str, str], ...], result: pd.DataFrame) -> str:
    """The fitted model's intercept, terms and fit figures as TOML lines."""
    x = design(table, terms)
    b, w = fit(x, table["deep_better"].to_numpy())
    lines = [f"intercept = {b:.4f}", "terms = ["]
    for (fact, transform), weight in zip(terms, w, strict=True):
        col = x[fact]
        lines.append(
            f'  {{ fact = "{fact}", transform = "{transform}", weight = {weight:.4f}, '
            f"low = {col.min():.4f}, high = {col.max():.4f}, default = {col.median():.4f} }},"
        )
    lines.append("]")
    acc, regret = result.set_index("policy")["accuracy"], result.set_index("policy")["mean regret"]
    lines.append(
        f"fit = {{ datasets = {len(table)}, deep_wins = {int(table['deep_better'].sum())}, "
        f"lodo_accuracy = {acc.iloc[0]:.3f}, lodo_regret = {regret.iloc[0]:.4f}, "
        f"always_gbdt_regret = {regret['always GBDT']:.4f}, always_nn_regret = {regret['always NN']:.4f}, "
        f"rows_rule_regret = {regret['GBDT if rows >= 5,000']:.4f} }}"
    )
    return "\n".join(lines)


def search_terms(table: pd.DataFrame) -> None:
    """Leave-one-dataset-out accuracy and regret of every subset (up to 3 terms) that includes rows."""
    y = table["deep_better"].to_numpy()
    rows = []
    for k in (1, 2, 3):
        for subset in itertools.combinations(CANDIDATE_TERMS[1:], k - 1):
            terms = (CANDIDATE_TERMS[0], *subset)
            result = evaluate(table, loo_predictions(design(table, terms), y), 0.0).iloc[0]
            rows.append((result["mean regret"], result["accuracy"], ", ".join(f for f, _ in terms)))
    for regret, accuracy, names in sorted(rows)[:8]:
        print(f"  regret {regret:.4f}  accuracy {accuracy:.3f}  {names}")


def write_odds(blocks: dict[str, str]) -> None:
    """Replace each model's fitted block (between its BEGIN/END FIT markers) in odds.toml."""
    text = ODDS_FILE.read_text(encoding="utf-8")
    for model_id, block in blocks.items():
        begin, end = f"# BEGIN FIT {model_id}\n", f"# END FIT {model_id}\n"
        head, rest = text.split(begin)
        _, tail = rest.split(end)
        text = f"{head}{begin}{block}\n{end}{tail}"
    ODDS_FILE.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tabzilla", type=Path, help="rebuild the published table from this TabZilla folder")
    parser.add_argument("--measured", type=Path, default=MEASURED, help="the measured table (measured_evidence.py)")
    parser.add_argument("--write", action="store_true", help="rewrite the fitted blocks of advisor/rules/odds.toml")
    parser.add_argument("--search", action="store_true", help="print every term subset's leave-one-out figures")
    args = parser.parse_args()
    if args.tabzilla:
        published_table(args.tabzilla).to_csv(PUBLISHED, index=False, float_format="%.6g")
        print(f"wrote {PUBLISHED}")
    from advisor.rules.odds import too_close_band

    band = too_close_band()
    blocks = {}
    tables = {"large_budget": PUBLISHED, "small_budget": args.measured, "series_published": PUBLISHED_SERIES}
    for model_id, path in tables.items():
        table = published_series_table(path) if model_id == "series_published" else pd.read_csv(path)
        if "budget_s" in table:
            table = table[table["budget_s"] == table["budget_s"].min()].reset_index(drop=True)
        y = table["deep_better"].to_numpy()
        if args.search:
            search_terms(table)
        terms = MODEL_TERMS[model_id]
        result = evaluate(table, loo_predictions(design(table, terms), y), band)
        print(f"\n{model_id}: {path.name}, {len(table)} datasets, network better on {y.sum()}")
        print(f"terms: {', '.join(f for f, _ in terms)}")
        print(result.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
        blocks[model_id] = toml_model(table, terms, result)
    if MEASURED_SERIES.exists():
        blocks["series_short_run"] = series_shift(published_series_table(), pd.read_csv(MEASURED_SERIES))
    if args.write:
        write_odds(blocks)
        print(f"\nrewrote {ODDS_FILE}")


if __name__ == "__main__":
    main()

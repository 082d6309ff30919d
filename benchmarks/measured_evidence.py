"""Rebuild the measured, small-budget evidence: best network vs best boosted trees on this machine.

Runs ``advisor benchmark`` (the default plan, as a user would) on every tabular dataset under a data folder
(PMLB ``<name>/<name>.tsv.gz`` with target ``target``; TabZilla test sets ``openml__*/X.npy.gz``; Parquet or
CSV files with ``--target``) at one or more budgets, then writes one row per dataset and budget: the profile's
meta-features (the odds model's inputs), the best deep family and the best boosted-trees family on test with
their fit seconds, and the verdict of the run's deep-vs-classical comparison (its 95% paired-bootstrap
interval). The table ships in the package as ``advisor/rules/evidence/measured_cpu.csv``; the odds model for
a CPU with a small budget is fitted on it by ``benchmarks/fit_odds.py``.

    python benchmarks/measured_evidence.py --data ../shared/data/tabular --budget 60 \\
        --out /tmp/measured --csv advisor/rules/evidence/measured_cpu.csv

Runs are kept under ``--out`` (one suite per budget): rerunning resumes and reuses finished datasets.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import advisor
from advisor.families import Kind, Role, families
from advisor.profiling.profile import DatasetProfile

GBDT_ROLE = Role.BOOSTED_TREES


def tabular_entries(data: Path, prepared: Path) -> list[advisor.SuiteEntry]:
    """A suite entry per tabular dataset under ``data`` (TabZilla arrays are written to Parquet first)."""
    entries = []
    for tsv in sorted(data.glob("pmlb/*/*.tsv.gz")):
        entries.append(advisor.SuiteEntry(str(tsv), name=tsv.parent.name, target="target"))
    for folder in sorted(data.glob("tabzilla_small/openml__*")):
        entries.append(advisor.SuiteEntry(str(_tabzilla_parquet(folder, prepared)), name=folder.name, target="target"))
    for parquet in sorted(data.glob("adult_raw/*.parquet")):
        entries.append(advisor.SuiteEntry(str(parquet), name="adult_raw", target="income"))
    return entries


def _tabzilla_parquet(folder: Path, prepared: Path) -> Path:
    out = prepared / f"{folder.name}.parquet"
    if out.is_file():
        return out
    meta = json.loads((folder / "metadata.json").read_text())
    with gzip.open(folder / "X.npy.gz") as fx, gzip.open(folder / "y.npy.gz") as fy:
        x, y = np.load(fx, allow_pickle=True), np.load(fy, allow_pickle=True)
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(x.shape[1])])
    for i in range(x.shape[1]):
        column = frame[f"f{i}"]
        frame[f"f{i}"] = column.astype(str) if i in meta.get("cat_idx", []) else pd.to_numeric(column)
    frame["target"] = y
    prepared.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(out)
    return out


def evidence_row(result: advisor.BenchmarkResult, budget: float) -> dict[str, Any] | None:
    """The row this run adds to the measured table, or None when one side has no scored family."""
    declared = families()
    ok = [f for f in result.families if f.status == "ok" and result.metric in f.test_metrics]
    deep = [f for f in ok if declared[f.family].kind is Kind.DEEP]
    gbdt = [f for f in ok if declared[f.family].role is GBDT_ROLE]
    if not deep or not gbdt:
        return None
    sign = 1.0 if result.higher_is_better else -1.0
    best_deep = max(deep, key=lambda f: sign * f.test_metrics[result.metric])
    best_gbdt = max(gbdt, key=lambda f: sign * f.test_metrics[result.metric])
    profile = result.profile or {}
    comparison = result.comparison
    return {
        "dataset": result.dataset,
        "budget_s": budget,
        "task": result.task,
        "metric": result.metric,
        **meta_features(profile),
        "deep_family": best_deep.family,
        "deep_score": best_deep.test_metrics[result.metric],
        "deep_fit_s": best_deep.costs.get("fit_wall_s"),
        "gbdt_family": best_gbdt.family,
        "gbdt_score": best_gbdt.test_metrics[result.metric],
        "gbdt_fit_s": best_gbdt.costs.get("fit_wall_s"),
        "deep_better": int(sign * (best_deep.test_metrics[result.metric] - best_gbdt.test_metrics[result.metric]) > 0),
        "verdict": comparison.call if comparison is not None else "",
        "verdict_low": comparison.low if comparison is not None else None,
        "verdict_high": comparison.high if comparison is not None else None,
        "best_family": result.best_family,
    }


def meta_features(profile: dict[str, Any]) -> dict[str, Any]:
    """The profile's numbers the odds model reads (see ``advisor/rules/odds.py``)."""
    p = DatasetProfile.from_dict(profile)
    return {
        "rows": p.rows,
        "features": p.features,
        "categorical_share": round(p.categorical_share, 4),
        "n_classes": p.n_classes or 0,
        "kurtosis_mean": p.kurtosis_mean,
        "skewness_mean": p.skewness_mean,
        "missing_share": p.missing_share,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="folder of tabular datasets (pmlb/, tabzilla_small/)")
    parser.add_argument("--budget", type=float, action="append", help="seconds per dataset (repeatable; 60)")
    parser.add_argument("--out", type=Path, default=Path("measured-evidence"), help="run folders (resumable)")
    parser.add_argument("--csv", type=Path, required=True, help="where to write the measured table")
    parser.add_argument("--datasets", help="comma-separated subset of dataset names")
    args = parser.parse_args()
    entries = tabular_entries(args.data, args.out / "prepared")
    if args.datasets:
        wanted = set(args.datasets.split(","))
        entries = [e for e in entries if e.display_name in wanted]
    if not entries:
        parser.error(f"no tabular datasets under {args.data} (expected pmlb/<name>/<name>.tsv.gz)")
    rows = []
    for budget in args.budget or [60.0]:
        suite = advisor.benchmark_suite(entries, args.out / f"budget-{budget:g}", budget=budget, seed=0, reports=None)
        for failed in suite.failed:
            print(f"failed: {failed.name}: {failed.error}")
        rows += [row for r in suite.results if (row := evidence_row(r, budget)) is not None]
    table = pd.DataFrame(rows)
    args.csv.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.csv, index=False, float_format="%.6g")
    cpu = f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}"
    print(f"{len(table)} rows -> {args.csv} ({cpu}; advisor {advisor.__version__})")
    print(table["verdict"].value_counts().to_string())


if __name__ == "__main__":
    main()

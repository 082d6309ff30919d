"""Time-series families at a fixed budget, beside the published accuracies of MiniRocket and the networks.

Runs ``advisor.benchmark`` (the rules' plan, every planned series family) on each series dataset bundled in
``datasets/`` and on each ``.ts`` folder under ``--data`` (e.g. ``../shared/data/timeseries``), at ``--budget``
seconds each, and prints a Markdown table: per dataset, the test score of every family (``*`` marks a family
whose result says it was starved: its score is not a fair measure), the best family, the verdict (deep vs
classical), and the published scores of MiniRocket, ResNet and InceptionTime with their sources:

- UCR univariate sets: ``advisor/rules/evidence/published_ucr.csv`` (MiniRocket: Dempster et al. 2021,
  angus924/minirocket ``results/results_ucr109_mean.csv``, mean of 30 resamples; ResNet: Fawaz et al. 2019,
  hfawaz/dl-4-tsc ``results/results-ucr-128.csv``, mean of 5 runs; InceptionTime: Ismail Fawaz et al. 2020,
  hfawaz/InceptionTime ``results-InceptionTime-128.csv``);
- UEA multivariate and Monash regression sets: ``advisor/rules/evidence/published_other.csv`` (sources per
  cell in the file, see ``PUBLISHED_UCR.md``; ResNet and InceptionTime from Ruiz et al. 2021 and Guijo-Rubio
  et al. 2023; no published MiniRocket figure was found for these: the table marks sktime's unit-test
  expectation with a dagger).

Run folders go under ``--out`` (a rerun with the same folder resumes the studies).

    python benchmarks/series.py --data ../shared/data/timeseries [--budget 60] [--out bench-runs/series]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import pandas as pd

import advisor
from advisor.benchmarking.search import STARVED
from advisor.rules.odds import ODDS_FILE

EVIDENCE = ODDS_FILE.with_name("evidence")
BUNDLED = ("gunpoint", "italypowerdemand", "basicmotions", "japanesevowels")
FAMILIES = ("minirocket", "multirocket", "cnn", "rnn", "lightgbm", "xgboost", "random_forest", "linear")
SOURCES = {
    "ucr": "published_ucr.csv (MiniRocket: Dempster et al. 2021, mean of 30 resamples; ResNet: Fawaz et al. 2019, "
    "mean of 5 runs; InceptionTime: Ismail Fawaz et al. 2020)",
    "other": "published_other.csv (sources per cell)",
}


def published() -> dict[str, dict[str, Any]]:
    """Published scores by lower-case dataset name: minirocket, resnet, inceptiontime and where they come from."""
    out: dict[str, dict[str, Any]] = {}
    ucr = pd.read_csv(EVIDENCE / "published_ucr.csv")
    for row in ucr.itertuples():
        out[str(row.dataset).lower()] = {
            "minirocket": row.minirocket,
            "resnet": row.resnet,
            "inceptiontime": row.inceptiontime,
            "source": "ucr",
        }
    other = EVIDENCE / "published_other.csv"
    for row in pd.read_csv(other).itertuples():  # the first row of a name wins (the UEA .ts version)
        informal = "INFORMAL" in str(row.source_minirocket)
        out.setdefault(
            str(row.dataset).lower(),
            {
                "minirocket": row.minirocket,
                "resnet": row.resnet,
                "inceptiontime": row.inceptiontime,
                "source": "other",
                "informal": {"minirocket"} if informal else set(),
            },
        )
    return out


def datasets(data: Path | None) -> dict[str, Any]:
    """Name -> what ``advisor.benchmark`` takes: the bundled series sets, then each .ts folder under ``data``
    (a name already bundled is run once, from the bundle)."""
    found: dict[str, Any] = {name: advisor.datasets.load(name) for name in BUNDLED}
    if data is not None:
        for folder in sorted(p for p in data.iterdir() if p.is_dir() and any(p.glob("*.ts"))):
            found.setdefault(folder.name.lower(), str(folder))
    return found


def summarize(name: str, result: Any, seconds: float) -> dict[str, Any]:
    board = result.leaderboard()
    scores = {
        f.family: {"score": float(f.test_metrics[result.metric]), "starved": STARVED in (f.reason or "")}
        for f in result.families
        if f.status == "ok" and result.metric in f.test_metrics
    }
    verdict = result.comparison
    profile = result.profile or {}
    series = profile.get("series") or {}
    return {
        "dataset": name,
        "rows": profile.get("rows"),
        "series_length": series.get("max_length"),
        "series_channels": series.get("channels"),
        "comparison": None if verdict is None else {k: getattr(verdict, k) for k in EVIDENCE_KEYS},
        "metric": result.metric,
        "wall_s": round(seconds, 1),
        "families": scores,
        "skipped": {f.family: f.reason for f in result.families if f.status != "ok"},
        "best": board.iloc[0]["family"] if len(board) else None,
        "verdict": verdict.call if verdict is not None else None,
        "verdict_summary": verdict.summary if verdict is not None else None,
        "rules_top": result.verdict.recommended,
    }


EVIDENCE_KEYS = ("deep", "deep_score", "classical", "classical_score", "difference", "call")


def evidence_table(rows: list[dict[str, Any]], budget: float) -> pd.DataFrame:
    """The measured evidence of the series odds (benchmarks/fit_odds.py): per dataset with both sides measured,
    its shape, the best network and best classical family on the test rows, and whether the network was better."""
    out = []
    for r in rows:
        c = r.get("comparison")
        if not c:
            continue
        out.append(
            {
                "dataset": r["dataset"],
                "budget_s": budget,
                "rows": r["rows"],
                "series_length": r["series_length"],
                "series_channels": r["series_channels"],
                "metric": r["metric"],
                "deep_family": c["deep"],
                "deep_score": c["deep_score"],
                "classical_family": c["classical"],
                "classical_score": c["classical_score"],
                "deep_better": int(c["difference"] > 0),
                "verdict": c["call"],
            }
        )
    return pd.DataFrame(out)


def cell(entry: dict[str, Any] | None) -> str:
    if entry is None:
        return "-"
    return f"{entry['score']:.3f}{'*' if entry['starved'] else ''}"


def number(value: Any) -> str:
    return "-" if value is None or pd.isna(value) else f"{float(value):.3f}"


def markdown(rows: list[dict[str, Any]], known: dict[str, dict[str, Any]]) -> str:
    head = ["dataset", "metric", *FAMILIES, "best", "verdict", "published MiniRocket", "ResNet", "InceptionTime"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        pub = known.get(r["dataset"], {})
        cells = [r["dataset"], r["metric"], *(cell(r["families"].get(f)) for f in FAMILIES)]
        cells += [str(r["best"]), str(r["verdict"])]
        informal = pub.get("informal", set())
        for key in ("minirocket", "resnet", "inceptiontime"):
            cells.append(number(pub.get(key)) + ("†" if key in informal else ""))
        lines.append("| " + " | ".join(cells) + " |")
    used = sorted({known[r["dataset"]]["source"] for r in rows if r["dataset"] in known})
    lines.append("")
    lines.append("`*`: the family's result says it was starved (its score is not a fair measure). `†`: not a "
                 "published benchmark, the expectation of sktime's MiniRocket unit test (see PUBLISHED_UCR.md). "
                 "Published: " + "; ".join(SOURCES[u] for u in used))  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, help="a folder of .ts dataset folders (e.g. ../shared/data/timeseries)")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per dataset (default 60)")
    parser.add_argument("--datasets", help="comma-separated names to run (default: all found)")
    parser.add_argument("--out", default="bench-runs/series", help="folder for run folders and summary.json")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--evidence", type=Path, help="also write the measured evidence table (e.g. "
                        "advisor/rules/evidence/measured_series.csv, read by benchmarks/fit_odds.py)")  # fmt: skip
    args = parser.parse_args()
    if args.data is not None and not args.data.is_dir():
        parser.error(f"--data {args.data} is not a folder: pass a folder of .ts dataset folders")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    found = datasets(args.data)
    names = args.datasets.split(",") if args.datasets else list(found)
    unknown = [n for n in names if n not in found]
    if unknown:
        parser.error(f"unknown datasets {unknown}: choose among {', '.join(found)}")
    rows = []
    for name in names:
        start = time.monotonic()
        result = advisor.benchmark(found[name], budget=args.budget, seed=args.seed, run_dir=out / name)
        rows.append(summarize(name, result, time.monotonic() - start))
        print(f"{name}: {rows[-1]['wall_s']:.0f}s, best {rows[-1]['best']}, verdict {rows[-1]['verdict']}", flush=True)
        (out / "summary.json").write_text(json.dumps(rows, indent=2, default=str), encoding="utf-8")
    print(markdown(rows, published()))
    if args.evidence:
        evidence_table(rows, args.budget).to_csv(args.evidence, index=False, float_format="%.6g")
        print(f"wrote {args.evidence}")


if __name__ == "__main__":
    main()

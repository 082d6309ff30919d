"""Images, text and series: best classical vs best deep vs best hybrid, score and cost, rules vs measured.

Runs ``advisor.benchmark`` with the rules' plan on each bundled dataset at a stated budget and prints a
Markdown table: per dataset, the best family of each kind (classical / deep / hybrid) with its test
score, fit time, single-item latency and peak memory, the embeddings' throughput, the rules' top pick
and the measured winner. Results are kept under ``--out`` (one run folder per dataset), so a rerun
resumes the studies and reuses cached embeddings.

    python benchmarks/multimodal.py [--datasets digits,sms_spam] [--scale 1.0] [--out bench-runs]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import advisor

#: Seconds per dataset (before ``--scale``): larger and text/image data get more.
BUDGETS = {
    "digits": 180,
    "mnist_5k": 300,
    "sms_spam": 240,
    "womens_clothing_reviews": 420,
    "gunpoint": 60,
    "basicmotions": 60,
    "japanesevowels": 120,
}


def best_of_kind(result: Any, kind: str) -> dict[str, Any] | None:
    board = result.leaderboard()
    rows = board[board["kind"] == kind]
    return None if rows.empty else rows.iloc[0].to_dict()


def summarize(name: str, budget: float, result: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"dataset": name, "budget_s": budget, "wall_s": result.wall_s, "metric": result.metric}
    for kind in ("classical", "deep", "hybrid"):
        best = best_of_kind(result, kind)
        if best is None:
            row[kind] = None
            continue
        row[kind] = {
            "family": best["family"],
            "score": best[result.metric],
            "fit_s": best["fit_wall_s"],
            "latency_ms": best["latency_p50_ms"],
            "memory_mb": best["peak_memory_mb"],
            "inputs": best.get("inputs", ""),
        }
    row["embeddings"] = {k: v.get("items_per_s") for k, v in result.embeddings.items()}
    row["recommended"] = result.verdict.recommended
    row["winner"] = result.verdict.winner
    row["agreed"] = result.verdict.agreed
    row["margin"] = result.verdict.margin
    row["skipped"] = {f.family: f.reason for f in result.families if f.status != "ok"}
    return row


def cell(entry: dict[str, Any] | None) -> str:
    if entry is None:
        return "-"
    return (
        f"{entry['family']} {entry['score']:.4f} ({entry['fit_s']:.1f}s fit, {entry['latency_ms']:.1f} ms, "
        f"{entry['memory_mb']:.0f} MB)"
    )


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| dataset | budget | metric | best classical | best deep | best hybrid | embeddings/s | rules' pick "
        "| winner |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        embed = ", ".join(f"{v:,.0f}" for v in r["embeddings"].values() if v) or "-"
        agreed = "yes" if r["agreed"] else f"no (margin {r['margin']:.4f})" if r["margin"] is not None else "no"
        lines.append(
            f"| {r['dataset']} | {r['budget_s']:.0f}s (wall {r['wall_s']:.0f}s) | {r['metric']} "
            f"| {cell(r['classical'])} | {cell(r['deep'])} | {cell(r['hybrid'])} | {embed} "
            f"| {r['recommended']} | {r['winner']} ({agreed}) |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default=",".join(BUDGETS), help="comma-separated bundled dataset names")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every budget by this factor")
    parser.add_argument("--out", default="bench-runs", help="folder for run folders and summary.json")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    out = Path(args.out)
    rows = []
    for name in args.datasets.split(","):
        budget = BUDGETS.get(name, 120) * args.scale
        start = time.monotonic()
        result = advisor.benchmark(advisor.datasets.load(name), budget=budget, seed=args.seed, run_dir=out / name)
        rows.append(summarize(name, budget, result))
        print(f"{name}: {time.monotonic() - start:.0f}s, winner {result.verdict.winner}", flush=True)
        (out / "summary.json").write_text(json.dumps(rows, indent=2, default=str), encoding="utf-8")
    print(markdown(rows))


if __name__ == "__main__":
    main()

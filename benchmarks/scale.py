"""Large tables on one machine: wall time and peak memory per phase of a benchmark on 1M and 10M rows.

Writes synthetic mixed tables with ``make_table.py`` (50 columns: 40 numeric, 10 categorical of 5 to 200
levels, a learnable binary target; Parquet, written in chunks) unless they exist, then runs
``advisor.benchmark`` on each in a fresh process, with the rules' full plan and the given budget, and
records per phase -- loading, profiling and planning, search, refits, the deployment refit, the end -- its
wall seconds and the process's peak resident memory (sampled every 0.1 s from /proc), plus the rows the
search and each refit used. The promise measured: the call ends within its budget (105%) without running out
of memory.

    python benchmarks/scale.py --rows 1000000,10000000 --budget 600 --folder /tmp/scale [--out scale.md]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

FEATURES, CATEGORICAL = 50, 10


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Phases:
    """The current phase, and per phase its seconds and the peak resident memory seen while it ran."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.current, self.since = "load", self.start
        self.seconds: dict[str, float] = {}
        self.peak: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            phase = self.current
            self.peak[phase] = max(self.peak.get(phase, 0.0), _rss_mb())

    def enter(self, phase: str) -> None:
        if phase == self.current:
            return
        now = time.monotonic()
        self.seconds[self.current] = self.seconds.get(self.current, 0.0) + now - self.since
        self.peak[phase] = max(self.peak.get(phase, 0.0), _rss_mb())
        self.current, self.since = phase, now

    def stop(self) -> dict[str, Any]:
        self.enter("end")
        self._stop.set()
        return {"seconds": self.seconds, "peak_mb": self.peak, "wall_s": time.monotonic() - self.start}


def child(path: str, budget: float, out: str) -> None:
    """One measured benchmark (run in its own process, so its peak memory is its own)."""
    import advisor
    from advisor.benchmarking import Budget

    phases = Phases()
    clock = Budget(seconds=budget).started(phases.start)  # loading counts against the budget, as in the CLI
    data = advisor.load(path, target="target")
    phases.enter("profile + plan")

    def on_progress(event: Any) -> None:
        phases.enter(
            {"search": "search", "refit": "refit", "deploy": "deploy", "done": "end"}.get(event.phase, "search")
        )

    with tempfile.TemporaryDirectory() as run_dir:
        result = advisor.benchmark(data, budget=clock, run_dir=run_dir, on_progress=on_progress)
    measured = phases.stop()
    measured.update(
        rows=data.n_rows,
        budget_s=budget,
        families={
            f.family: [f.status, f.train_rows, f.test_metrics.get(result.metric), f.reason[:120]]
            for f in result.families
        },
        best=result.best_family,
        deployed=result.deployed.get("trained_on"),
        search=next((n for n in result.notes if n.startswith("search on")), "all training rows"),
        notes=list(result.notes),
    )
    Path(out).write_text(json.dumps(measured, indent=2, default=str), encoding="utf-8")


def measure(rows: int, budget: float, folder: Path) -> dict[str, Any]:
    from make_table import write_table

    path = folder / f"table_{rows}x{FEATURES}.parquet"
    if not path.exists():
        print(f"writing {rows:,} x {FEATURES} to {path} ...", flush=True)
        write_table(path, rows, FEATURES, CATEGORICAL, "binary")
    out = folder / f"scale_{rows}.json"
    command = [sys.executable, __file__, "--child", str(path), "--budget", str(budget), "--out", str(out)]
    start = time.monotonic()
    done = subprocess.run(command, check=False)
    wall = time.monotonic() - start
    if done.returncode != 0:
        return {"rows": rows, "error": f"exit code {done.returncode} after {wall:.0f}s (killed for memory: -9)"}
    return json.loads(out.read_text(encoding="utf-8"))


def table(results: list[dict[str, Any]]) -> str:
    phases = ["load", "profile + plan", "search", "refit", "deploy", "end"]
    lines = [
        "| rows | budget | wall | " + " | ".join(f"{p} s / peak GB" for p in phases) + " | search rows | deployed on |",
        "|" + "---|" * (5 + len(phases)),
    ]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['rows']:,} | | {r['error']} |" + " |" * (len(phases) + 1))
            continue
        cells = [
            f"{r['seconds'].get(p, 0.0):.0f} / {r['peak_mb'].get(p, 0.0) / 1024:.1f}" if p in r["peak_mb"] else "-"
            for p in phases
        ]
        lines.append(
            f"| {r['rows']:,} | {r['budget_s']:.0f}s | {r['wall_s']:.0f}s | "
            + " | ".join(cells)
            + f" | {r['search']} | {r['deployed']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="1000000,10000000", help="comma-separated table sizes")
    parser.add_argument("--budget", type=float, default=600.0)
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "advisor-scale")
    parser.add_argument("--out", type=Path, default=None, help="also write the table (Markdown) here")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.budget, str(args.out))
        return
    args.folder.mkdir(parents=True, exist_ok=True)
    results = [measure(int(n), args.budget, args.folder) for n in args.rows.split(",")]
    for r in results:
        print(
            json.dumps({k: r.get(k) for k in ("rows", "wall_s", "best", "families", "search", "deployed")}, default=str)
        )
    text = table(results)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

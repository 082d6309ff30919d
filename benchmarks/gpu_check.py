"""Do the CUDA paths run? Every deep family, the autoencoder hybrid and XGBoost, on CUDA, on a small table,
image, text and series set.

For each (bundled dataset, family) one short ``advisor.benchmark`` (one trial, no refit on all rows) runs
on the machine's accelerator and the script prints the device each model trained on, the seconds per epoch
(or per boosting round) of its trial and the test score. On a machine without CUDA it says so and stops,
unless ``--allow-cpu`` (a dry run of the same script on the CPU).

    python benchmarks/gpu_check.py [--allow-cpu] [--trials 1]
"""

from __future__ import annotations

import argparse
import sys
import tempfile

import pandas as pd

import advisor
from advisor.benchmarking import Budget
from advisor.hardware import detect

CASES = (
    ("diabetes", ("mlp", "tabm", "autoencoder_gbm", "xgboost")),  # table
    ("digits", ("cnn", "transformer", "embedding_xgboost", "autoencoder_gbm")),  # images
    ("sms_spam", ("rnn", "transformer", "embedding_xgboost")),  # text
    ("gunpoint", ("cnn", "rnn", "xgboost")),  # series
)


def check(dataset: str, family: str, trials: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as run_dir:
        result = advisor.benchmark(
            dataset, families=[family], budget=Budget(seconds=300, trials=trials), run_dir=run_dir, refit_full=False
        )
    fam = result.family(family)
    trial = next((t for t in result.trials if t.family == family and t.state == "COMPLETE"), None)
    costs = trial.costs if trial is not None else {}
    steps, fit_s = costs.get("n_steps"), costs.get("fit_wall_s")
    return {
        "dataset": dataset,
        "family": family,
        "status": fam.status if fam.status == "ok" else f"{fam.status}: {fam.reason[:60]}",
        "device": fam.costs.get("device", result.device),
        "s_per_step": round(fit_s / steps, 4) if fit_s and steps else None,
        "steps": steps,
        "fit_s": round(fit_s, 2) if fit_s else None,
        "score": round(fam.test_metrics.get(result.metric, float("nan")), 4),
        "metric": result.metric,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--allow-cpu", action="store_true", help="run on the CPU when there is no CUDA device")
    parser.add_argument("--trials", type=int, default=1)
    args = parser.parse_args()
    hardware = detect(probe_torch=True)
    cuda = [g for g in hardware.gpus if g.backend == "cuda"]
    print(f"device: {', '.join(g.name for g in cuda) or 'no CUDA device'}; torch {hardware.versions.get('torch')}")
    if not cuda and not args.allow_cpu:
        sys.exit("No CUDA device here: nothing to check (pass --allow-cpu for a dry run on the CPU).")
    rows = []
    for dataset, fams in CASES:
        for family in fams:
            rows.append(check(dataset, family, args.trials))
            print(pd.DataFrame(rows[-1:]).to_string(index=False, header=len(rows) == 1), flush=True)
    table = pd.DataFrame(rows)
    print("\n" + table.to_string(index=False))
    wrong = table[(table["status"] == "ok") & (table["device"] != ("cuda" if cuda else "cpu"))]
    if len(wrong):
        sys.exit(f"{len(wrong)} model(s) did not train on the expected device: {', '.join(wrong['family'])}")


if __name__ == "__main__":
    main()

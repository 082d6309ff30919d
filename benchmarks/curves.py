"""Learning curves on one bundled dataset per modality: the answer, the slopes, and budget adherence.

For each dataset, ``advisor.learning_curve`` at the given budget (default families: the best GBDT or
classical family and the best network), then one line: sizes, each family's score at the largest size and
its power-law slope b, the crossover call, and wall seconds against the budget.

    python benchmarks/curves.py [--budget 90] [--datasets adult,digits,sms_spam,gunpoint]
"""

from __future__ import annotations

import argparse
import time

import advisor

DEFAULT = "adult,digits,sms_spam,gunpoint"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=float, default=90.0, help="seconds per dataset (default 90)")
    parser.add_argument("--datasets", default=DEFAULT, help=f"bundled dataset names (default {DEFAULT})")
    args = parser.parse_args()
    for name in args.datasets.split(","):
        start = time.monotonic()
        curve = advisor.learning_curve(name, budget=args.budget)
        wall = time.monotonic() - start
        largest = curve.sizes[-1]
        parts = []
        for family in dict.fromkeys(p.family for p in curve.points):
            scores = dict(curve.scores(family))
            law = curve.fits.get(family)
            score = f"{scores[largest]:.4f}" if largest in scores else "-"
            parts.append(f"{family} {score} (b={law.b:.2f})" if law else f"{family} {score} (no fit)")
        call = curve.crossover.call if curve.crossover else "none"
        print(
            f"{name:10s} {curve.modality:10s} sizes {curve.sizes[0]:,}-{largest:,}  {'; '.join(parts)}  "
            f"-> {call}  wall {wall:.1f}s / budget {args.budget:g}s ({wall / args.budget:.3f})"
        )
        print(f"           {curve.summary}")


if __name__ == "__main__":
    main()

"""Write a synthetic mixed table (numeric + categorical columns, a learnable target) of any size, as Parquet.

Used by the budget and scale measurements (``benchmarks/budgets.py``): tables of 100 to 10,000,000 rows
with the same structure. The target depends non-linearly on a few numeric and categorical columns, plus
noise, so trees and networks both have something to learn. Written in chunks, so memory stays bounded.

    python benchmarks/make_table.py --rows 1000000 --features 20 --categorical 5 --out /tmp/t1m.parquet
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

CHUNK = 500_000


def make_chunk(rng: np.random.Generator, rows: int, features: int, categorical: int, task: str) -> pd.DataFrame:
    """One chunk of the table: ``features`` columns of which ``categorical`` hold string levels."""
    numeric = features - categorical
    X = rng.standard_normal((rows, numeric)).astype(np.float32)
    X[:, 1::3] = np.exp(X[:, 1::3])  # some skewed columns, as real tables have
    frame = pd.DataFrame(X, columns=[f"num_{i}" for i in range(numeric)])
    levels = [5, 12, 40, 200]
    for j in range(categorical):
        k = levels[j % len(levels)]
        frame[f"cat_{j}"] = pd.Categorical.from_codes(rng.integers(0, k, rows), [f"L{i}" for i in range(k)])
    signal = np.sin(X[:, 0]) + 0.5 * X[:, min(2, numeric - 1)] * (X[:, 0] > 0) + 0.3 * np.log1p(X[:, 1 % numeric])
    if categorical:
        signal = signal + 0.4 * (frame["cat_0"].cat.codes.to_numpy() % 3 - 1)
    signal = signal + 0.5 * rng.standard_normal(rows)
    if task == "regression":
        frame["target"] = signal.astype(np.float32)
    else:
        frame["target"] = np.where(signal > np.median(signal), "yes", "no")
    return frame


def write_table(path: Path, rows: int, features: int, categorical: int, task: str, seed: int = 0) -> Path:
    """Write the table to ``path`` (Parquet, row groups of CHUNK rows)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    writer = None
    try:
        for start in range(0, rows, CHUNK):
            chunk = make_chunk(rng, min(CHUNK, rows - start), features, categorical, task)
            for name in chunk.columns:
                if isinstance(chunk[name].dtype, pd.CategoricalDtype):
                    chunk[name] = chunk[name].astype(str)  # plain strings: categories differ per chunk
            table = pa.Table.from_pandas(chunk, preserve_index=False)
            writer = writer or pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--categorical", type=int, default=5)
    parser.add_argument("--task", choices=("binary", "regression"), default="binary")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write_table(args.out, args.rows, args.features, args.categorical, args.task, args.seed)
    print(f"wrote {args.rows:,} x {args.features} table to {args.out}")


if __name__ == "__main__":
    main()

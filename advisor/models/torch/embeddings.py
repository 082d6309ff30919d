"""Embeddings for numeric features, from the authors' package ``rtdl-num-embeddings`` (Gorishniy et al., 2022).

Each numeric column becomes a small vector before the network sees it:

- ``"periodic"``: PLR embeddings (periodic functions with trained frequencies, a linear layer, ReLU), the
  "MLP-PLR" of the paper;
- ``"piecewise"``: piecewise-linear embeddings over quantile bins of the training values (version "B", the
  one TabM uses);
- ``"none"``: the numbers as they are.

>>> import numpy as np
>>> train = np.random.default_rng(0).normal(size=(100, 3)).astype("float32")
>>> module = numeric_embeddings("periodic", train, d_embedding=8)
>>> module(torch.as_tensor(train[:5])).shape
torch.Size([5, 3, 8])
>>> numeric_embeddings("none", train, d_embedding=8) is None
True
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import numpy as np
import torch
from torch import nn

__all__ = ["NUMERIC_EMBEDDINGS", "numeric_embeddings"]

NUMERIC_EMBEDDINGS = ("none", "periodic", "piecewise")
#: Bin edges are computed from at most this many training rows (a seeded random subset).
BIN_ROWS = 100_000


def numeric_embeddings(kind: str, train_numeric: np.ndarray, *, d_embedding: int, n_bins: int = 48) -> nn.Module | None:
    """The embedding module for ``train_numeric``'s columns, or None (``kind="none"``, or no numeric column).

    Output shape ``(batch, n_columns, d_embedding)``: the network flattens it.
    """
    if kind not in NUMERIC_EMBEDDINGS:
        raise ValueError(f"numeric_embedding={kind!r} is not supported; use one of {NUMERIC_EMBEDDINGS}.")
    n_columns = train_numeric.shape[1]
    if kind == "none" or n_columns == 0:
        return None
    import rtdl_num_embeddings as rtdl

    if kind == "periodic":
        return rtdl.PeriodicEmbeddings(n_columns, d_embedding, lite=False)
    with _one_bin_is_fine():
        return rtdl.PiecewiseLinearEmbeddings(
            quantile_bins(train_numeric, n_bins), d_embedding, activation=False, version="B"
        )


def quantile_bins(train_numeric: np.ndarray, n_bins: int) -> list[torch.Tensor]:
    """Bin edges per column from the training quantiles (``rtdl_num_embeddings.compute_bins``); a column with
    one value gets one bin around it, since the package needs two distinct edges."""
    from rtdl_num_embeddings import compute_bins

    if len(train_numeric) > BIN_ROWS:  # quantile bins need no more rows; large tables stay fast
        train_numeric = train_numeric[np.random.default_rng(0).permutation(len(train_numeric))[:BIN_ROWS]]
    values = torch.as_tensor(np.asarray(train_numeric, dtype=np.float32))
    varying = [i for i in range(values.shape[1]) if bool((values[:, i] != values[0, i]).any())]
    bins: dict[int, torch.Tensor] = {}
    if varying:
        n = max(2, min(n_bins, len(values) - 1))
        with _one_bin_is_fine():
            bins = dict(zip(varying, compute_bins(values[:, varying], n_bins=n), strict=True))
    return [
        bins[i] if i in bins else torch.stack([values[0, i] - 0.5, values[0, i] + 0.5]) for i in range(values.shape[1])
    ]


@contextlib.contextmanager
def _one_bin_is_fine() -> Iterator[None]:
    """A 0/1 column (a missing-value indicator, a flag) has one bin: the package warns, but that is fine."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*just two bin edges", category=UserWarning)
        yield

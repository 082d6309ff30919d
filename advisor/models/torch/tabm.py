"""TabM (Gorishniy et al., ICLR 2025) as scikit-learn estimators, and the "tabm" model family that builds them.

TabM is k MLPs trained at once with shared weights (BatchEnsemble, from the authors' package ``tabm``),
here with piecewise-linear numeric embeddings (``rtdl-num-embeddings``: TabM with PL embeddings, the paper's
strongest variant). The estimators share the MLP's machinery (:class:`~advisor.models.torch.base.BaseMLP`:
input encoding, validation split, the one training loop, early stopping) and follow the paper's recipe:
AdamW (lr 2e-3, weight decay 3e-4), gradient clipping at norm 1, quantile-normal scaling of numeric columns,
standardized regression targets, early stopping on validation with patience, the loss the mean over the k
heads and the prediction the mean of the heads' probabilities.

>>> import numpy as np
>>> X = np.random.default_rng(0).normal(size=(300, 4))
>>> clf = TabMClassifier(k=4, hidden_size=32, max_epochs=5, random_state=0).fit(X, X[:, 0] > 0)
>>> clf.predict_proba(X[:2]).shape, clf.score(X, X[:, 0] > 0) > 0.8
((2, 2), True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from advisor.models.params import estimator_params
from advisor.models.spec import FitContext, ModelSpec
from advisor.models.torch.base import BaseMLP, check_choice, check_integer
from advisor.models.torch.embeddings import numeric_embeddings
from advisor.models.torch.mlp import MLPClassifier, MLPRegressor, family_recipe, fixed_recipe_params
from advisor.models.torch.modules import HeadsLoss, mean_of_heads

if TYPE_CHECKING:
    import optuna

__all__ = [
    "ARCHITECTURES",
    "SPEC",
    "TabMClassifier",
    "TabMNet",
    "TabMRegressor",
    "default_params",
    "search_space",
]

ARCHITECTURES = ("tabm", "tabm-mini")


class TabMNet(nn.Module):
    """TabM (Gorishniy et al., ICLR 2025) from the authors' ``tabm`` package: k MLPs trained at once with
    shared weights (BatchEnsemble), categorical columns one-hot encoded, numeric ones optionally embedded.

    In training mode it returns every head's output ``(batch, k, n_outputs)`` (the loss is the mean over
    the heads: :class:`HeadsLoss`); in evaluation mode one output per row, the heads averaged as the paper
    does: the mean of the heads' probabilities (returned as logits, so the rest of the code reads it like
    any network's) or of their regression values.
    """

    def __init__(
        self,
        *,
        n_numeric: int,
        cardinalities: Sequence[int],
        n_outputs: int,
        task: str,
        k: int,
        n_blocks: int,
        d_block: int,
        dropout: float,
        numeric_embedding: nn.Module | None = None,
        arch_type: str = "tabm",
    ) -> None:
        super().__init__()
        import tabm

        self.task = task
        self.net = tabm.TabM.make(
            n_num_features=n_numeric,
            cat_cardinalities=[card + 1 for card in cardinalities],  # code 0: missing or unseen
            d_out=n_outputs,
            num_embeddings=numeric_embedding if n_numeric else None,
            k=k,
            n_blocks=n_blocks,
            d_block=d_block,
            dropout=dropout,
            arch_type=arch_type,
        )

    def forward(self, numeric: torch.Tensor, categorical: torch.Tensor) -> torch.Tensor:
        heads = self.net(
            numeric if numeric.shape[1] else None, categorical if categorical.shape[1] else None
        )  # (batch, k, n_outputs)
        return heads if self.training else mean_of_heads(heads, self.task)


@estimator_params
class _TabM(BaseMLP):
    """What the TabM classifier and regressor add to the MLPs: ``k`` heads, the architecture, the paper's
    defaults, the ensemble network and its loss. Listed first among their bases, its defaults win."""

    k: int = 32
    arch_type: str = "tabm"
    hidden_size: int = 512
    n_layers: int = 2
    learning_rate: float = 2e-3
    weight_decay: float = 3e-4
    schedule: str = "none"
    numeric_embedding: str = "piecewise"
    d_embedding: int = 16
    scaling: str = "quantile"
    grad_clip: float | None = 1.0
    patience: int = 16
    batch_size: int = 256

    def _build_module(self, train_numeric: np.ndarray) -> torch.nn.Module:
        return TabMNet(
            n_numeric=self.encoder_.n_numeric,
            cardinalities=self.encoder_.cardinalities,
            n_outputs=self._n_outputs(),
            task=self._fitted_task(),
            k=int(self.k),
            n_blocks=int(self.n_layers),
            d_block=int(self.hidden_size),
            dropout=float(self.dropout),
            numeric_embedding=self._numeric_embedding(train_numeric),
            arch_type=self.arch_type,
        )

    def _training_loss(self, criterion: torch.nn.Module) -> torch.nn.Module:
        return HeadsLoss(criterion)

    def _validate_params(self) -> None:
        super()._validate_params()
        check_integer("k", self.k, low=1)
        check_choice("arch_type", self.arch_type, ARCHITECTURES)


@estimator_params
class TabMClassifier(_TabM, MLPClassifier):
    """TabM for binary and multiclass classification (parameters as :class:`MLPClassifier`, plus ``k``, the
    number of heads, and ``arch_type``: 'tabm' or 'tabm-mini'); defaults are the paper's."""


@estimator_params
class TabMRegressor(_TabM, MLPRegressor):
    """TabM for regression (standardized target; the prediction is the mean of the heads)."""


# ---------------------------------------------------------------------- the "tabm" family
#: The paper's depth with numeric embeddings, and the embeddings' bins and size (TabM.make's defaults).
N_BLOCKS, N_BINS, D_EMBEDDING = 2, 48, 16
#: The paper's width and heads (used on a GPU and without a time budget), and the sizes tried on a CPU,
#: largest first, down to a small TabM.
PAPER_SIZE = (512, 32)
CPU_SIZES = ((512, 32), (256, 32), (256, 16), (128, 16), (128, 8), (64, 8))
#: Epochs the first trial should have room for on a CPU (early stopping needs room to act), and the most
#: probes (a few optimizer steps each) spent finding the size.
TARGET_EPOCHS, MAX_PROBES = 30, 3
#: Work per row and epoch (multiply-adds of the backbone, k heads) a CPU core gets through in about a second:
#: the estimate used when no probe was run (an estimator built outside a benchmark).
CPU_MACS_PER_SECOND = 4e9


def batch_size_for(rows: int) -> int:
    """The paper's batch sizes: 256 on small tables, larger ones on large tables (fewer, fuller steps)."""
    return 256 if rows < 20_000 else 512 if rows < 200_000 else 1024


def size(ctx: FitContext, seconds: float | None, rows: int) -> dict[str, Any]:
    """Width, heads and batch size for this machine and the time the first trial may take (``seconds``), with
    the reason in words (``why``). On a GPU, or without a time budget, the paper's sizes; on a CPU, the
    largest of :data:`CPU_SIZES` whose measured seconds per epoch over ``rows`` let about TARGET_EPOCHS epochs
    fit (a probe times a few training steps of each size tried: :func:`_probe_epoch_s`)."""
    batch = batch_size_for(rows)
    width, k = PAPER_SIZE
    if ctx.device != "cpu" or seconds is None:
        where = f"on {ctx.device}" if ctx.device != "cpu" else "without a time budget"
        return {"hidden_size": width, "k": k, "batch_size": batch, "why": f"the paper's sizes {where}"}
    allowed = seconds / TARGET_EPOCHS
    measured: dict[tuple[int, int], float] = {}
    rate = _macs(ctx, *CPU_SIZES[3]) / _probe_epoch_s(ctx, *CPU_SIZES[3], batch, rows, measured)  # MACs per second
    for candidate in CPU_SIZES:
        if len(measured) >= MAX_PROBES and candidate not in measured:
            break
        if candidate not in measured and _macs(ctx, *candidate) / rate > allowed:
            continue  # predicted too slow: not worth a probe
        epoch_s = measured.get(candidate) or _probe_epoch_s(ctx, *candidate, batch, rows, measured)
        rate = _macs(ctx, *candidate) / epoch_s
        if epoch_s <= allowed:
            return _sized(candidate, batch, epoch_s, seconds, rows, measured)
    smallest = CPU_SIZES[-1]
    epoch_s = measured.get(smallest) or _probe_epoch_s(ctx, *smallest, batch, rows, measured)
    return _sized(smallest, batch, epoch_s, seconds, rows, measured)


def _sized(
    chosen: tuple[int, int],
    batch: int,
    epoch_s: float,
    seconds: float,
    rows: int,
    measured: dict[tuple[int, int], float],
) -> dict[str, Any]:
    width, k = chosen
    epochs = int(seconds / epoch_s)
    probed = ", ".join(f"width {w} k {h}: {s:.2f}s" for (w, h), s in sorted(measured.items(), reverse=True))
    if epochs >= TARGET_EPOCHS:
        why = (
            f"sized for this CPU: width {width}, k {k}, batch {batch}; a probe measured {epoch_s:.2f}s per epoch "
            f"over {rows:,} rows, so about {epochs} epochs fit the first trial's {seconds:.0f}s (probed: {probed})"
        )
    else:
        needed = TARGET_EPOCHS * epoch_s
        why = (
            f"needs about {epoch_s:.1f}s per epoch here even at width {width}, k {k} (over {rows:,} rows): "
            f"about {epochs} epochs fit its {seconds:.0f}s; give it at least {needed:,.0f}s or a GPU "
            f"for a fair run (probed: {probed})"
        )
    return {"hidden_size": width, "k": k, "batch_size": batch, "epoch_s": round(epoch_s, 4), "why": why}


def _macs(ctx: FitContext, width: int, k: int) -> float:
    """Multiply-adds per row of the backbone (embeddings in, ``N_BLOCKS`` blocks), all k heads."""
    features = max(ctx.profile.features, 1)
    return k * (features * D_EMBEDDING * width + (N_BLOCKS - 1) * width * width)


def _probe_epoch_s(
    ctx: FitContext, width: int, k: int, batch: int, rows: int, measured: dict[tuple[int, int], float]
) -> float:
    """Seconds per epoch over ``rows`` of TabM at this size, from a few timed training steps on random inputs
    of the data's shape (numeric and categorical columns as profiled); recorded in ``measured``."""
    from advisor.models.torch.losses import make_loss
    from advisor.models.torch.probe import seconds_per_step

    generator = torch.Generator().manual_seed(0)
    n_numeric = ctx.profile.numeric_features or (0 if ctx.profile.categorical_features else 1)
    cards = [min(max(c.cardinality or 2, 2), 1_000) for c in ctx.profile.columns if c.role == "categorical"] or [
        2
    ] * ctx.profile.categorical_features
    numeric = torch.randn(batch, n_numeric, generator=generator)
    categorical = (
        torch.stack([torch.randint(0, c, (batch,), generator=generator) for c in cards], 1)
        if cards
        else (torch.zeros(batch, 0, dtype=torch.int64))
    )
    n_outputs = 1 if ctx.task != "multiclass" else max(ctx.profile.n_classes or 2, 2)
    task = "regression" if ctx.task == "regression" else ctx.task
    net = TabMNet(
        n_numeric=n_numeric,
        cardinalities=cards,
        n_outputs=n_outputs,
        task=task,
        k=k,
        n_blocks=N_BLOCKS,
        d_block=width,
        dropout=0.1,
        numeric_embedding=numeric_embeddings("piecewise", numeric.numpy(), d_embedding=D_EMBEDDING, n_bins=N_BINS),
    )
    if task == "regression":
        target = torch.randn(batch, 1, generator=generator)
    else:
        target = torch.randint(0, max(n_outputs, 2), (batch,), generator=generator)
    loss = HeadsLoss(make_loss(task, "auto" if task != "regression" else "squared_error"))
    step_s = seconds_per_step(net, loss, (numeric, categorical), target, n_jobs=ctx.n_jobs)
    measured[(width, k)] = step_s * math.ceil(max(rows, 1) / batch)
    return measured[(width, k)]


def cpu_size(ctx: FitContext) -> dict[str, int]:
    """Width, heads and batch size for a CPU when no probe was run (an estimator built outside a benchmark):
    the paper's sizes shrunk until an epoch over the training rows costs at most about ``2 s`` per core, by
    a fixed estimate of the CPU's speed (:data:`CPU_MACS_PER_SECOND`).

    >>> from advisor.profiling import DatasetProfile
    >>> small = DatasetProfile.from_summary(rows=1_000, features=10, task="binary")
    >>> large = DatasetProfile.from_summary(rows=1_000_000, features=50, task="binary")
    >>> cpu_size(FitContext("binary", small)), cpu_size(FitContext("binary", large))
    ({'hidden_size': 256, 'k': 32, 'batch_size': 256}, {'hidden_size': 64, 'k': 8, 'batch_size': 1024})
    """
    rows = max(ctx.profile.rows, 1)
    for width, k in CPU_SIZES:
        if rows * _macs(ctx, width, k) <= 2.0 * CPU_MACS_PER_SECOND * max(ctx.n_jobs, 1):
            return {"hidden_size": width, "k": k, "batch_size": batch_size_for(rows)}
    return {"hidden_size": CPU_SIZES[-1][0], "k": CPU_SIZES[-1][1], "batch_size": batch_size_for(rows)}


def search_space(trial: optuna.Trial, ctx: FitContext) -> dict[str, Any]:
    """The TabM repository's space for TabM with piecewise-linear embeddings (depth 1-4, width, learning rate,
    weight decay and dropout each possibly zero, bins and embedding size); heads and batch size follow the
    hardware (:func:`cpu_size`), the epoch cap and patience the recipe."""
    size = _size(ctx)
    width_cap = size["hidden_size"] if ctx.device == "cpu" else 1024
    tuned = {
        "n_layers": trial.suggest_int("n_layers", 1, 4),
        "hidden_size": trial.suggest_int("hidden_size", 64, max(64, width_cap), step=16),
        "learning_rate": trial.suggest_float("learning_rate", 1e-4, 5e-3, log=True),
        "weight_decay": _maybe_zero(trial, "weight_decay", 1e-4, 1e-1, log=True),
        "dropout": _maybe_zero(trial, "dropout", 0.0, 0.5),
        "n_bins": trial.suggest_int("n_bins", 2, 128),
        "d_embedding": trial.suggest_int("d_embedding", 8, 32, step=4),
    }
    return {**tuned, "k": size["k"], "batch_size": size["batch_size"], **_fixed(ctx)}


def default_params(ctx: FitContext) -> dict[str, Any]:
    """The recipe's (the paper's) settings, a point of the space, sized for the hardware."""
    size, recipe = _size(ctx), family_recipe(ctx, "tabm")
    return {
        "n_layers": N_BLOCKS,
        "hidden_size": size["hidden_size"],
        "use_weight_decay": True,
        "use_dropout": True,
        "learning_rate": recipe.learning_rate,
        "weight_decay": recipe.weight_decay,
        "dropout": recipe.dropout,
        "n_bins": N_BINS,
        "d_embedding": D_EMBEDDING,
        "k": size["k"],
        "batch_size": size["batch_size"],
        **_fixed(ctx),
    }


def build(params: dict[str, Any], ctx: FitContext) -> TabMClassifier | TabMRegressor:
    """An unfitted TabMClassifier or TabMRegressor (by ``ctx.task``) on the context's device and seed."""
    cls = TabMRegressor if ctx.task == "regression" else TabMClassifier
    return cls(**params, **ctx.placement())


def _size(ctx: FitContext) -> dict[str, int]:
    """The sizes chosen for this run (``ctx.sizing``, from :func:`size`), else the paper's on a GPU and the
    fixed CPU estimate (:func:`cpu_size`) on a CPU."""
    keys = ("hidden_size", "k", "batch_size")
    if ctx.sizing and all(key in ctx.sizing for key in keys):
        return {key: int(ctx.sizing[key]) for key in keys}
    if ctx.device == "cpu":
        return cpu_size(ctx)
    return {"hidden_size": PAPER_SIZE[0], "k": PAPER_SIZE[1], "batch_size": family_recipe(ctx, "tabm").batch_size}


def _fixed(ctx: FitContext) -> dict[str, Any]:
    return fixed_recipe_params(ctx, "tabm")


def _maybe_zero(trial: optuna.Trial, name: str, low: float, high: float, *, log: bool = False) -> float:
    """``{0, [low, high]}`` as in the TabM repository's spaces: a coin decides whether the term is used."""
    if not trial.suggest_categorical(f"use_{name}", (True, False)):
        return 0.0
    return trial.suggest_float(name, low, high, log=log)


SPEC = ModelSpec(
    "TabM (k MLPs in one, piecewise-linear embeddings)",
    search_space,
    default_params,
    build,
    steps="epochs",
    size=size,
)

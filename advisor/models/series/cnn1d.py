"""The "cnn" family on series: FCN, ResNet or InceptionTime, trained as their papers train them.

:class:`SeriesCNNClassifier` trains one of the networks of :mod:`advisor.models.series.nets` the way the
time-series classification literature does (Fawaz et al. 2019, "Deep learning for time series
classification: a review"; Ismail Fawaz et al. 2020, "InceptionTime"):

- univariate series z-normalized (each by its own mean and standard deviation, ``normalize='series'``, as
  the UCR archive and the papers do); multivariate series standardized per channel by the training set's
  statistics (``normalize='channel'``): the channels' levels carry information a per-series z-normalization
  erases (measured on JapaneseVowels, 12 channels: 0.77 test accuracy z-normalized vs 0.99 standardized, ResNet
  at 20 epochs); the search tries both;
- Adam at 1e-3 (no weight decay by default), one cosine cycle over the planned epochs;
- batches by data size (16 under 500 series, as the papers' ``min(n / 10, 16)``; 32 under 5,000; 64 above);
- many epochs, stopped early on the validation loss (the best epoch's weights kept). The papers train for
  1,500 (ResNet, InceptionTime) to 2,000 (FCN) epochs on a GPU; here the benchmark **measures** seconds per
  epoch of each architecture on this machine (a few timed training steps, :func:`size`) and plans the epochs
  that fit the family's time: the strongest architecture that gets at least :data:`MIN_EPOCHS` epochs,
  up to the papers' count;
- an ensemble of ``n_networks`` networks (the paper's InceptionTime is five) when the time allows several
  networks of :data:`MEMBER_EPOCHS` epochs: their probabilities are averaged. A member cut short by the
  deadline before :data:`MIN_EPOCHS` epochs is left out.

Series longer than ``max_length`` (2000) are downsampled to it by averaging equal spans of time (nothing is
cropped); series of different lengths are padded and masked (see :mod:`advisor.models.series.nets`).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = [rng.normal(size=(2, 30)).astype(np.float32) + k for k in (0, 1) for _ in range(20)]
>>> clf = SeriesCNNClassifier(architecture="fcn", max_epochs=3, width=8, normalize="channel", random_state=0)
>>> clf.fit(X, [0] * 20 + [1] * 20).predict_proba(X[:2]).shape
(2, 2)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from advisor.models.params import estimator_params
from advisor.models.series.common import SeriesNetwork, default_batch_size, fixed_params
from advisor.models.series.nets import ARCHITECTURES, MaskedBatchNorm1d, build_network
from advisor.models.spec import FitContext, ModelSpec, Progress, network_build
from advisor.models.torch.base import check_choice, check_integer, check_number

if TYPE_CHECKING:
    import optuna

__all__ = [
    "SPEC",
    "MaskedBatchNorm1d",
    "MeanProbabilities",
    "SeriesCNNClassifier",
    "build",
    "default_normalization",
    "default_params",
    "search_space",
    "size",
]

#: The papers' sizes: width (filters) and depth (FCN blocks, Inception modules; ResNet has three blocks).
PAPER_WIDTH = {"fcn": 128, "resnet": 64, "inception": 32}
PAPER_DEPTH = {"fcn": 3, "resnet": 3, "inception": 6}
#: The papers' epoch counts (Fawaz et al. 2019: FCN 2,000, ResNet 1,500; InceptionTime 1,500).
PAPER_EPOCHS = {"fcn": 2000, "resnet": 1500, "inception": 1500}
#: InceptionTime's ensemble size.
PAPER_NETWORKS = 5
#: An architecture is chosen only if this many epochs fit its time (else the next, cheaper one).
MIN_EPOCHS = 150
#: Epochs each member of an ensemble should have room for.
MEMBER_EPOCHS = 400
#: Early-stopping patience: a tenth of the planned epochs, within these bounds.
PATIENCE_RANGE = (30, 100)
#: Validation forward passes and bookkeeping on top of the timed training steps, per epoch.
EPOCH_OVERHEAD = 1.25
#: The sizes tried, strongest first: the papers' InceptionTime, ResNet and FCN, then narrower ResNet and FCN
#: (fewer filters train more epochs in the same time on a CPU); the first that gets MIN_EPOCHS is chosen.
LADDER = (("inception", 32), ("resnet", 64), ("fcn", 128), ("resnet", 32), ("fcn", 64), ("fcn", 32))
#: The most probes (a few timed training steps each) spent choosing.
MAX_PROBES = 4
#: Without a probe (an estimator built outside a benchmark): ResNet, one network, the recipe's epochs.
UNSIZED = {"architecture": "resnet", "n_networks": 1}


@estimator_params
class SeriesCNNClassifier(SeriesNetwork):
    """FCN, ResNet or InceptionTime (one network or an ensemble) over z-normalized series.

    Parameters
    ----------
    architecture : {'inception', 'resnet', 'fcn'}
    width, n_blocks : int or None
        Filters and depth (FCN blocks, Inception modules); None: the paper's (FCN 128 x 3, ResNet 64,
        InceptionTime 32 x 6).
    n_networks : int
        Networks trained (each with its own seed) and averaged.
    dropout : float
        Dropout before the linear head (the papers use none).
    augment : bool
        Randomly scale each channel (x0.9-1.1) and add Gaussian jitter to training batches.
    normalize : {'channel', 'series'}
        Standardize by the training set's channel statistics, or z-normalize each series (the papers, on
        univariate series).
    max_length : int
        Longer series are downsampled to this many points by averaging.
    learning_rate, weight_decay, batch_size, max_epochs, patience, schedule, class_weight,
    validation_fraction, device, n_jobs, random_state
        As in :class:`~advisor.models.torch.deep.DeepClassifier`.

    Attributes
    ----------
    n_networks_ : int
        Networks in the fitted model (fewer than ``n_networks`` when the deadline came first).
    member_epochs_ : list of int
        Epochs each kept network trained.
    """

    architecture: str = "resnet"
    width: int | None = None
    n_blocks: int | None = None
    n_networks: int = 1
    dropout: float = 0.0
    augment: bool = False
    normalize: str = "channel"
    max_length: int = 2000
    learning_rate: float = 1e-3
    weight_decay: float = 0.0

    def _check_params(self) -> None:
        super()._check_params()
        check_choice("architecture", self.architecture, ARCHITECTURES)
        for name in ("width", "n_blocks"):
            if getattr(self, name) is not None:
                check_integer(name, getattr(self, name), low=1)
        check_integer("n_networks", self.n_networks, low=1)
        check_number("dropout", self.dropout, low=0.0, high=1.0, high_open=True)

    def _build_module(self, n_classes: int) -> nn.Module:
        steps = max(1, math.ceil(self.n_train_ / int(self.batch_size)))
        momentum = min(0.5, max(0.1, 1.0 / steps))  # few batches per epoch: running statistics must keep up
        arch = str(self.architecture)
        return build_network(
            arch,
            self.n_channels_,
            n_classes,
            width=int(self.width or PAPER_WIDTH[arch]),
            n_blocks=int(self.n_blocks or PAPER_DEPTH[arch]),
            dropout=float(self.dropout),
            momentum=momentum,
            max_length=int(self.longest_),
        )

    def _train(
        self,
        X_train: Any,
        codes: np.ndarray,
        validation: tuple[Any, np.ndarray] | None,
        weight: torch.Tensor | None,
        seed: int,
        progress: Progress | None,
    ) -> None:
        """Train ``n_networks`` networks one after the other; the first reports to the pruner, the others
        only watch the deadline. The kept networks' probabilities are averaged."""
        watch = _Watch(progress)
        members: list[nn.Module] = []
        first: tuple[Any, ...] = ()
        for k in range(int(self.n_networks)):
            if k > 0:
                if watch.passed or watch.check():
                    break
                torch.manual_seed(seed + k)
                self.module_ = self._build_module(len(self.classes_)).to(self.device_)
            reporter = watch if k == 0 else watch.deadline_only(offset=sum(self.member_epochs_ if k else []))
            super()._train(X_train, codes, validation, weight, seed + k, reporter)
            if k > 0 and watch.passed and self.n_epochs_ < MIN_EPOCHS:
                break  # cut short by the deadline: not a fair member
            if k == 0:
                first = (self.history_, self.best_epoch_, self.best_val_loss_, self.n_epochs_)
                self.member_epochs_: list[int] = []
            members.append(self.module_)
            self.member_epochs_.append(int(self.n_epochs_))
        self.history_, self.best_epoch_, self.best_val_loss_, self.n_epochs_ = first
        self.n_networks_ = len(members)
        self.module_ = members[0] if len(members) == 1 else MeanProbabilities(members)
        if validation is not None and len(members) > 1:
            self.best_val_loss_ = self._log_loss(*validation)


class MeanProbabilities(nn.Module):
    """An ensemble: the log of its networks' mean class probabilities (a softmax of it is that mean)."""

    def __init__(self, members: list[nn.Module]) -> None:
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        probs = torch.stack([torch.softmax(m(*inputs).float(), dim=1) for m in self.members]).mean(dim=0)
        return torch.log(probs.clamp_min(1e-12))


@dataclass
class _Watch:
    """The benchmark's ``progress`` for the first network; for the others a deadline check only (their
    epochs continue the first's count, their losses are not reported to the pruner)."""

    progress: Progress | None
    passed: bool = False
    offset: int = 0
    parent: _Watch | None = field(default=None, repr=False)

    def __call__(self, step: int, value: float) -> bool:
        if self.progress is None:
            return False
        stop = bool(self.progress(self.offset + step, value if self.parent is None else math.nan))
        root = self.parent or self
        root.passed = root.passed or stop
        return stop

    def check(self) -> bool:
        """Whether the deadline has passed (asks ``progress`` with no loss)."""
        return self(0, math.nan) if self.progress is not None else False

    def deadline_only(self, offset: int) -> _Watch:
        return _Watch(self.progress, offset=offset, parent=self)


# ---------------------------------------------------------------------- the "cnn" family on series
LEARNING_RATES = (3e-4, 3e-3)


def _sized(ctx: FitContext) -> dict[str, Any]:
    """The benchmark's plan for this machine and time (:func:`size`), else ResNet, one network, the recipe's
    epochs."""
    if ctx.sizing and "architecture" in ctx.sizing:
        return {
            k: ctx.sizing[k]
            for k in ("architecture", "width", "n_networks", "max_epochs", "patience")
            if k in ctx.sizing
        }
    return {**UNSIZED, **{k: v for k, v in fixed_params(ctx).items() if k in ("max_epochs", "patience")}}


def _fixed(ctx: FitContext) -> dict[str, Any]:
    return {**fixed_params(ctx), **_sized(ctx)}


def search_space(trial: optuna.Trial, ctx: FitContext) -> dict[str, Any]:
    """Learning rate, normalization, dropout and augmentation; the architecture, ensemble size and epochs
    follow the measured plan (:func:`size`), batches the data size."""
    return {
        "learning_rate": trial.suggest_float("learning_rate", *LEARNING_RATES, log=True),
        "normalize": trial.suggest_categorical("normalize", ("series", "channel")),
        "dropout": trial.suggest_float("dropout", 0.0, 0.3),
        "augment": trial.suggest_categorical("augment", (False, True)),
        "weight_decay": 0.0,
        "batch_size": default_batch_size(ctx),
        **_fixed(ctx),
    }


def default_params(ctx: FitContext) -> dict[str, Any]:
    """The papers' training: Adam at 1e-3, z-normalized univariate series (multivariate: standardized per
    channel), no dropout or augmentation, batches by data size, the measured plan's architecture, networks and
    epochs: a point of the space."""
    return {
        "learning_rate": 1e-3,
        "normalize": default_normalization(ctx),
        "dropout": 0.0,
        "augment": False,
        "weight_decay": 0.0,
        "batch_size": default_batch_size(ctx),
        **_fixed(ctx),
    }


def default_normalization(ctx: FitContext) -> str:
    """'series' (z-normalization) for one channel, 'channel' (training-set statistics) for several."""
    stats = ctx.profile.series
    return "series" if stats is None or stats.channels <= 1 else "channel"


def size(ctx: FitContext, seconds: float | None, rows: int) -> dict[str, Any]:
    """Architecture, networks, epochs and patience for this machine and the first trial's ``seconds``.

    A probe times a few training steps of each architecture on random series of the data's shape
    (:func:`~advisor.models.torch.probe.seconds_per_step`); the strongest architecture (InceptionTime,
    ResNet, FCN) that gets at least :data:`MIN_EPOCHS` epochs is chosen, with as many networks (up to five)
    as fit :data:`MEMBER_EPOCHS` epochs each, and epochs up to the paper's count. Without a budget: the
    paper's InceptionTime (five networks, 1,500 epochs)."""
    if seconds is None:
        epochs, width = PAPER_EPOCHS["inception"], PAPER_WIDTH["inception"]
        return _plan("inception", width, PAPER_NETWORKS, epochs, None, rows, "the paper's InceptionTime")
    measured: dict[tuple[str, int], float] = {}
    chosen = LADDER[-1]
    for arch, width in LADDER:
        if len(measured) >= MAX_PROBES:
            break
        measured[(arch, width)] = _probe_epoch_s(ctx, arch, width, rows)
        if seconds / measured[(arch, width)] >= MIN_EPOCHS:
            chosen = (arch, width)
            break
    else:
        chosen = min(measured, key=lambda key: measured[key])
    if chosen not in measured:  # every probe too slow: the cheapest one probed
        chosen = min(measured, key=lambda key: measured[key])
    arch, width = chosen
    epoch_s = measured[chosen]
    budget_epochs = int(seconds / epoch_s)
    networks = max(1, min(PAPER_NETWORKS, budget_epochs // MEMBER_EPOCHS))
    epochs = max(1, min(PAPER_EPOCHS[arch], budget_epochs // networks))
    probed = ", ".join(f"{a} width {w} {s:.3f}s" for (a, w), s in measured.items())
    return _plan(arch, width, networks, epochs, seconds, rows, f"probed seconds per epoch: {probed}", epoch_s)


def _plan(
    arch: str,
    width: int,
    networks: int,
    epochs: int,
    seconds: float | None,
    rows: int,
    probed: str,
    epoch_s: float = 0.0,
) -> dict[str, Any]:
    patience = min(max(PATIENCE_RANGE[0], epochs // 10), PATIENCE_RANGE[1])
    label = {"inception": "InceptionTime", "resnet": "ResNet", "fcn": "FCN"}[arch]
    what = f"{networks} {label} network{'s' if networks > 1 else ''} of width {width}"
    if seconds is None:
        why = f"{what}, up to {epochs:,} epochs each, early stopping with patience {patience} ({probed})"
    elif epochs >= MIN_EPOCHS:
        why = (
            f"{what}: a probe measured {epoch_s:.3f}s per epoch over {rows:,} series, so up to {epochs:,} epochs "
            f"each fit the first trial's {seconds:.0f}s (the papers train 1,500-2,000; early stopping with "
            f"patience {patience}; {probed})"
        )
    else:
        why = (
            f"{what}: needs about {epoch_s:.2f}s per epoch here, so only {epochs} epochs fit its {seconds:.0f}s "
            f"(the papers train 1,500-2,000): give it at least {MIN_EPOCHS * epoch_s:,.0f}s or a GPU for a fair "
            f"run ({probed})"
        )
    out = {
        "architecture": arch,
        "width": width,
        "n_networks": networks,
        "max_epochs": epochs,
        "patience": patience,
        "fair_epochs": MIN_EPOCHS,
        "why": why,
    }
    return out | ({"epoch_s": round(epoch_s, 5)} if epoch_s else {})


def _probe_epoch_s(ctx: FitContext, arch: str, width: int, rows: int) -> float:
    """Seconds per epoch over ``rows`` series of this architecture, from a few timed steps on random input."""
    from advisor.models.torch.probe import seconds_per_step

    stats = ctx.profile.series
    channels = stats.channels if stats is not None else 1
    length = min(int(stats.max_length) if stats is not None else 100, int(SeriesCNNClassifier.max_length))
    batch = min(default_batch_size(ctx), max(rows, 1))
    n_classes = max(ctx.profile.n_classes or 2, 2)
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(batch, channels, length, generator=generator)
    lengths = torch.full((batch,), length, dtype=torch.int64)
    target = torch.randint(0, n_classes, (batch,), generator=generator)
    net = build_network(
        arch, channels, n_classes, width=width, n_blocks=PAPER_DEPTH[arch], dropout=0.0,
        momentum=0.1, max_length=length,
    )  # fmt: skip
    device = torch.device(ctx.device if ctx.device in ("cuda", "mps") else "cpu")
    inputs = (x.to(device), lengths.to(device))
    step_s = seconds_per_step(net.to(device), nn.CrossEntropyLoss(), inputs, target.to(device), n_jobs=ctx.n_jobs)
    return step_s * math.ceil(max(rows, 1) / batch) * EPOCH_OVERHEAD


build = network_build(SeriesCNNClassifier)


SPEC = ModelSpec(
    "1-D CNN (InceptionTime / ResNet / FCN)",
    search_space,
    default_params,
    build,
    steps="epochs",
    view="series",
    inputs="normalized series (padded + masked)",
    size=size,
)

"""Transfer learning from EfficientNet-Lite0 (ImageNet), and the "transformer" family for image data.

The family follows the rules' transfer strategy (``FitContext.transfer``):

- ``'feature_extraction'`` (few images per class): the network stays frozen; the runner supplies its
  1280-d embeddings (view ``image_embedding``, see :mod:`advisor.models.vision.pretrained`) and a small
  PyTorch MLP head (one hidden layer) is trained on them;
- ``'partial_fine_tuning'`` (the default) and ``'full_fine_tuning'``: :class:`EfficientNetFineTuner` trains
  the network on the images (view ``images``) with gradual unfreezing and layer-wise learning rates.

The network is split into units, top first: the new classifier (unit 0), the 1x1 head convolution (1),
the 7 stages of MBConv blocks from the last to the first (2-8) and the stem (9). Epoch 0 trains only the
classifier; every ``unfreeze_every`` epochs the next unit from the top joins. Partial fine-tuning stops after
the stages holding the top half of the 16 blocks (head convolution + stages 7, 6, 5); full fine-tuning goes
down to the stem. Unit ``d`` learns at ``learning_rate * layer_decay**d``. Frozen units keep their
BatchNorm layers in eval mode (ImageNet statistics, no drop-connect), so a frozen unit computes the same
function in training and at prediction; trainable units' BatchNorm uses momentum 0.1 (the library's 0.01
would take hundreds of steps to adapt the running statistics to the new images).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np
import torch
from torch import nn

from advisor.errors import InvalidArgumentError
from advisor.models.params import estimator_params
from advisor.models.spec import FitContext, ModelSpec
from advisor.models.torch.deep import DeepClassifier
from advisor.models.vision.images import as_images, augment, pixel_scale, resize, to_tensor
from advisor.models.vision.pretrained import CPU_IMAGE_SIZE, default_image_size, load_efficientnet, normalize

if TYPE_CHECKING:
    import optuna
    from sklearn.base import BaseEstimator

    from advisor.benchmarking.views import ViewName

__all__ = [
    "SPEC",
    "STRATEGIES",
    "EfficientNetFineTuner",
    "FineTuneNet",
    "build",
    "default_params",
    "inputs",
    "search_space",
    "view",
]

FEATURE_EXTRACTION, PARTIAL, FULL = "feature_extraction", "partial_fine_tuning", "full_fine_tuning"
STRATEGIES = (FEATURE_EXTRACTION, PARTIAL, FULL)
BN_MOMENTUM = 0.1


class FineTuneNet(nn.Module):
    """EfficientNet-Lite0 with a new ``n_classes`` head, split into units for gradual unfreezing.

    ``forward``: (b, 3, s, s) network input (see :func:`~advisor.models.vision.pretrained.normalize`) ->
    logits (b, n_classes). Only the classifier is trainable after construction.
    """

    def __init__(self, n_classes: int) -> None:
        super().__init__()
        self.net = load_efficientnet(n_classes)
        for layer in self.net.modules():
            if isinstance(layer, nn.BatchNorm2d):
                layer.momentum = BN_MOMENTUM
        self.set_trainable_units(1)

    def units(self) -> list[list[nn.Module]]:
        """The unfreezing units, top first: classifier, head convolution, stages (last first), stem."""
        net = self.net
        stages: list[list[Any]] = []  # the library's blocks (untyped)
        for block in net._blocks:
            filters = block._block_args.output_filters
            if stages and stages[-1][-1]._block_args.output_filters == filters:
                stages[-1].append(block)
            else:
                stages.append([block])
        return [[net._fc, net._dropout], [net._conv_head, net._bn1], *reversed(stages), [net._conv_stem, net._bn0]]

    def set_trainable_units(self, n: int) -> None:
        """Make the top ``n`` units trainable and freeze the rest (BatchNorm modes follow in :meth:`train`)."""
        for depth, unit in enumerate(self.units()):
            for layer in unit:
                layer.requires_grad_(depth < n)
        if self.training:
            self.train()

    def trainable_units(self) -> int:
        """How many units (from the top) have trainable parameters."""
        return sum(1 for unit in self.units() if _trainable(unit))

    def train(self, mode: bool = True) -> FineTuneNet:
        """Training mode for trainable units only: frozen units stay in eval mode (BatchNorm statistics)."""
        super().train(mode)
        if mode:
            for unit in self.units():
                if not _trainable(unit):
                    for layer in unit:
                        layer.eval()
        return self

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def _trainable(unit: list[nn.Module]) -> bool:
    return any(p.requires_grad for layer in unit for p in layer.parameters())


@estimator_params
class EfficientNetFineTuner(DeepClassifier):
    """EfficientNet-Lite0 fine-tuned on the images, with gradual unfreezing and layer-wise learning rates.

    Parameters
    ----------
    strategy : str
        'partial_fine_tuning' (down to the top half of the blocks), 'full_fine_tuning' (down to the stem) or
        'feature_extraction' (only the new classifier trains).
    image_size : int
        Images are resized to ``image_size`` x ``image_size`` (96 on a CPU, 224 on a GPU: see
        :func:`~advisor.models.vision.pretrained.default_image_size`).
    unfreeze_every : int
        Epochs between two unfreezing steps.
    layer_decay : float
        Learning-rate factor per unit going down from the classifier (in (0, 1]).
    augment, flip : bool
        Seeded random crop after reflect padding by 1/8 of the side, and horizontal flips (off by default).
    learning_rate, weight_decay, batch_size, max_epochs, patience, schedule, class_weight,
    validation_fraction, device, n_jobs, random_state
        The shared training parameters of :class:`~advisor.models.torch.deep.DeepClassifier`.

    Attributes
    ----------
    unfrozen_units_ : list of int
        Trainable units during each epoch that ran.
    pixel_scale_ : float
        ``max(1, X.max())`` of the training images (pixels are divided by it).
    """

    strategy: str = PARTIAL
    image_size: int = CPU_IMAGE_SIZE
    unfreeze_every: int = 1
    layer_decay: float = 0.7
    augment: bool = True
    flip: bool = False
    max_epochs: int = 10
    patience: int = 3
    schedule: str = "warmup_cosine"

    # ------------------------------------------------------------------ hooks
    def _prepare(self, X_train: Any) -> None:
        self._check_params()
        images = as_images(X_train)
        self.pixel_scale_ = pixel_scale(images)
        self.unfrozen_units_: list[int] = []

    def _build_module(self, n_classes: int) -> FineTuneNet:
        return FineTuneNet(n_classes)

    def _batch(self, X: Any, rows: np.ndarray, *, train: bool, generator: torch.Generator) -> tuple[torch.Tensor]:
        """(b, 3, s, s) network input, augmented when ``train`` and ``augment``."""
        size = int(self.image_size)
        batch = resize(to_tensor(as_images(X), rows, self.pixel_scale_), (size, size))
        if train and self.augment:
            batch = augment(batch, generator, flip=self.flip)
        return (normalize(batch),)

    def _param_groups(self, module: nn.Module) -> list[dict[str, Any]]:
        """Two groups per unit (weight decay on kernels and matrices only), unit ``d`` at
        ``learning_rate * layer_decay**d``; the classifier's group comes first."""
        groups = []
        for depth, unit in enumerate(cast(FineTuneNet, module).units()):
            params = [p for layer in unit for p in layer.parameters()]
            lr = float(self.learning_rate) * float(self.layer_decay) ** depth
            for decay, chosen in (
                (self.weight_decay, [p for p in params if p.dim() >= 2]),
                (0.0, [p for p in params if p.dim() < 2]),
            ):
                if chosen:
                    groups.append({"params": chosen, "lr": lr, "weight_decay": decay, "depth": depth})
        return groups

    def _on_epoch_start(self, epoch: int, module: nn.Module) -> None:
        net = cast(FineTuneNet, module)  # the module this estimator builds
        n = 1 + min(epoch // int(self.unfreeze_every), self.max_unfrozen_units(net) - 1)
        net.set_trainable_units(n)
        self.unfrozen_units_.append(n)

    def max_unfrozen_units(self, module: FineTuneNet) -> int:
        """How many units the strategy ever trains: 1 (feature extraction), the classifier, head convolution
        and the stages holding the top half of the blocks (partial), or every unit (full)."""
        units = module.units()
        if self.strategy == FEATURE_EXTRACTION:
            return 1
        if self.strategy == FULL:
            return len(units)
        half, blocks, n = len(module.net._blocks) / 2, 0, 2
        for stage in units[2:-1]:
            blocks += len(stage)
            if blocks > half:
                break
            n += 1
        return n

    def _check_params(self) -> None:
        if self.strategy not in STRATEGIES:
            raise InvalidArgumentError(f"strategy={self.strategy!r} is not supported.", f"Use one of {STRATEGIES}.")
        if int(self.unfreeze_every) < 1 or not 0.0 < float(self.layer_decay) <= 1.0 or int(self.image_size) < 8:
            raise InvalidArgumentError(
                f"unfreeze_every={self.unfreeze_every!r}, layer_decay={self.layer_decay!r}, "
                f"image_size={self.image_size!r} are out of range.",
                "Use unfreeze_every >= 1, 0 < layer_decay <= 1 and image_size >= 8.",
            )


# ---------------------------------------------------------------------- the "transformer" family (images)
HEAD_RANGES: dict[str, tuple[Any, Any]] = {  # floats, but whole numbers for the hidden width
    "learning_rate": (1e-4, 1e-2),
    "dropout": (0.0, 0.5),
    "weight_decay": (1e-6, 1e-1),
    "hidden": (64, 512),
}
TUNE_RANGES = {"learning_rate": (1e-4, 3e-3), "layer_decay": (0.5, 0.9), "weight_decay": (1e-5, 1e-2)}
TUNE_BATCH_SIZES = (32, 64)
MAX_TUNE_EPOCHS, MAX_TUNE_PATIENCE, DEFAULT_TUNE_EPOCHS = 20, 5, 10
MAX_HEAD_EPOCHS, DEFAULT_HEAD_EPOCHS, DEFAULT_HEAD_PATIENCE = 200, 100, 10


def _extracting(ctx: FitContext) -> bool:
    return ctx.transfer == FEATURE_EXTRACTION


def view(ctx: FitContext) -> ViewName:
    """'image_embedding' (frozen 1280-d features) for feature extraction, else 'images'."""
    return "image_embedding" if _extracting(ctx) else "images"


def inputs(ctx: FitContext) -> str:
    if _extracting(ctx):
        return "frozen EfficientNet-Lite0 features (1280-d) + trained head"
    depth = "down to the stem" if ctx.transfer == FULL else "top half of the blocks"
    return f"EfficientNet-Lite0 fine-tuned ({depth}), gradual unfreezing"


def search_space(trial: optuna.Trial, ctx: FitContext) -> dict[str, Any]:
    """The MLP head's width and regularization (feature extraction), or the fine-tuning learning rate,
    its decay per unit, weight decay, batch size and augmentation."""
    if _extracting(ctx):
        return {
            "hidden_size": trial.suggest_int("hidden_size", *HEAD_RANGES["hidden"], log=True),
            "dropout": trial.suggest_float("dropout", *HEAD_RANGES["dropout"]),
            "learning_rate": trial.suggest_float("learning_rate", *HEAD_RANGES["learning_rate"], log=True),
            "weight_decay": trial.suggest_float("weight_decay", *HEAD_RANGES["weight_decay"], log=True),
            **_head_fixed(ctx),
        }
    return {
        "learning_rate": trial.suggest_float("learning_rate", *TUNE_RANGES["learning_rate"], log=True),
        "layer_decay": trial.suggest_float("layer_decay", *TUNE_RANGES["layer_decay"]),
        "weight_decay": trial.suggest_float("weight_decay", *TUNE_RANGES["weight_decay"], log=True),
        "batch_size": trial.suggest_categorical("batch_size", TUNE_BATCH_SIZES),
        "augment": trial.suggest_categorical("augment", (True, False)),
        **_tune_fixed(ctx),
    }


def default_params(ctx: FitContext) -> dict[str, Any]:
    """A point of :func:`search_space` for the same context."""
    if _extracting(ctx):
        return {"hidden_size": 256, "dropout": 0.2, "learning_rate": 1e-3, "weight_decay": 1e-4, **_head_fixed(ctx)}
    return {
        "learning_rate": 1e-3,
        "layer_decay": 0.7,
        "weight_decay": 1e-4,
        "batch_size": 32,
        "augment": True,
        **_tune_fixed(ctx),
    }


def build(params: dict[str, Any], ctx: FitContext) -> BaseEstimator:
    """An MLPClassifier head over the embedding columns (feature extraction) or an EfficientNetFineTuner."""
    if _extracting(ctx):
        from advisor.models.torch.mlp import MLPClassifier

        return MLPClassifier(**params, **ctx.placement())
    return EfficientNetFineTuner(**params, **ctx.placement())


def _class_weight(ctx: FitContext) -> str | None:
    return "balanced" if ctx.class_weight else None


def _head_fixed(ctx: FitContext) -> dict[str, Any]:
    recipe = ctx.recipe
    return {
        "n_layers": 1,
        "batch_size": 64,
        "max_epochs": min(int(recipe.max_epochs), MAX_HEAD_EPOCHS) if recipe is not None else DEFAULT_HEAD_EPOCHS,
        "patience": int(recipe.patience) if recipe is not None else DEFAULT_HEAD_PATIENCE,
        "class_weight": _class_weight(ctx),
    }


def _tune_fixed(ctx: FitContext) -> dict[str, Any]:
    recipe = ctx.recipe
    return {
        "strategy": ctx.transfer if ctx.transfer in (PARTIAL, FULL) else PARTIAL,
        "image_size": default_image_size(ctx.device, _image_side(ctx)),
        "unfreeze_every": 1,
        "max_epochs": min(int(recipe.max_epochs), MAX_TUNE_EPOCHS) if recipe is not None else DEFAULT_TUNE_EPOCHS,
        "patience": min(int(recipe.patience), MAX_TUNE_PATIENCE) if recipe is not None else 3,
        "class_weight": _class_weight(ctx),
    }


SPEC = ModelSpec(
    "Pretrained EfficientNet-Lite0 (transfer learning)",
    search_space,
    default_params,
    build,
    steps="epochs",
    view=view,
    inputs=inputs,
)


def _image_side(ctx: FitContext) -> int | None:
    """The longer side of the dataset's images, from its profile (None when unknown)."""
    stats = getattr(ctx.profile, "image", None)
    size = getattr(stats, "height", None), getattr(stats, "width", None)
    return max(int(v) for v in size if v) if any(size) else None

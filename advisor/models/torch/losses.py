"""Training losses: (class-weighted) cross-entropy, focal loss, MSE and Huber (framework §2).

Classification losses take logits: shape ``(n, 1)`` or ``(n,)`` with 0/1 targets for binary tasks,
``(n, k)`` with integer targets for multiclass ones. Class weights, when given, weight each sample
by its class and the loss is the weighted mean (``sum(w_i * l_i) / sum(w_i)``, as
``nn.CrossEntropyLoss(weight=...)`` does), so the scale does not depend on the weights.

Focal loss (Lin et al., 2017) multiplies the cross-entropy by ``(1 - p_t) ** gamma``: well-classified
examples count less and the rare, hard ones dominate the gradient.

>>> import torch
>>> logits, target = torch.tensor([[2.0], [-1.0]]), torch.tensor([1.0, 0.0])
>>> bool(FocalLoss(gamma=2.0)(logits, target) < FocalLoss(gamma=0.0)(logits, target))
True
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["ClassificationLoss", "FocalLoss", "WeightedCrossEntropy", "make_loss", "validation_loss"]

REGRESSION_LOSSES = ("squared_error", "huber")
CLASSIFICATION_LOSSES = ("auto", "focal")


def _per_sample_cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``-log p(true class)`` per sample, for one-logit binary or k-logit multiclass outputs."""
    if logits.dim() == 1 or logits.shape[1] == 1:
        return F.binary_cross_entropy_with_logits(logits.reshape(-1), target.float().reshape(-1), reduction="none")
    return F.cross_entropy(logits, target.long(), reduction="none")


def _weighted_mean(losses: torch.Tensor, target: torch.Tensor, weight: torch.Tensor | None) -> torch.Tensor:
    if weight is None:
        return losses.mean()
    w = weight[target.long().reshape(-1)]
    return (w * losses).sum() / w.sum().clamp_min(torch.finfo(losses.dtype).tiny)


class ClassificationLoss(nn.Module):
    """Base: holds the optional per-class weights as a buffer (so ``.to(device)`` moves them)."""

    weight: torch.Tensor | None

    def __init__(self, weight: torch.Tensor | None = None) -> None:
        super().__init__()
        self.register_buffer("weight", None if weight is None else torch.as_tensor(weight, dtype=torch.float32))


class WeightedCrossEntropy(ClassificationLoss):
    """Binary or multiclass cross-entropy on logits, optionally weighted per class."""

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return _weighted_mean(_per_sample_cross_entropy(logits, target), target, self.weight)


class FocalLoss(ClassificationLoss):
    """Focal loss ``-(1 - p_t) ** gamma * log p_t``, binary or multiclass, optionally weighted per class.

    ``gamma=0`` is the (weighted) cross-entropy.
    """

    def __init__(self, gamma: float = 2.0, weight: torch.Tensor | None = None) -> None:
        super().__init__(weight)
        self.gamma = float(gamma)

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        ce = _per_sample_cross_entropy(logits, target)
        p_t = torch.exp(-ce)
        return _weighted_mean((1.0 - p_t).pow(self.gamma) * ce, target, self.weight)


def make_loss(
    task: str, loss: str = "auto", *, focal_gamma: float = 2.0, class_weight: torch.Tensor | None = None
) -> nn.Module:
    """The training criterion for ``task`` ('binary', 'multiclass', 'regression').

    Classification: ``loss`` is 'auto' (cross-entropy) or 'focal'. Regression: 'squared_error' (MSE)
    or 'huber' (delta 1 on the standardized target, robust to outliers).

    >>> type(make_loss("regression", "huber")).__name__
    'HuberLoss'
    """
    if task == "regression":
        if loss == "squared_error":
            return nn.MSELoss()
        if loss == "huber":
            return nn.HuberLoss(delta=1.0)
        raise ValueError(f"Unknown regression loss {loss!r}; choose one of {REGRESSION_LOSSES}.")
    if loss == "focal":
        return FocalLoss(focal_gamma, class_weight)
    if loss == "auto":
        return WeightedCrossEntropy(class_weight)
    raise ValueError(f"Unknown classification loss {loss!r}; choose one of {CLASSIFICATION_LOSSES}.")


def validation_loss(
    task: str,
    outputs: torch.Tensor,
    target: torch.Tensor,
    target_scale: float = 1.0,
    class_weight: torch.Tensor | None = None,
) -> float:
    """The monitored validation score, lower is better: log loss for classification, weighted per class like the
    training loss when ``class_weight`` is given (early stopping then keeps the epoch the weighted objective
    prefers); RMSE in the target's original units for regression (``outputs`` and ``target`` standardized,
    times the scale).
    """
    if task == "regression":
        return float(torch.sqrt(F.mse_loss(outputs.reshape(-1).double(), target.reshape(-1).double()))) * target_scale
    weight = None if class_weight is None else class_weight.to(outputs.device, torch.float64)
    return float(_weighted_mean(_per_sample_cross_entropy(outputs.double(), target), target, weight))

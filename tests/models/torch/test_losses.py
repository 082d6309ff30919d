"""Losses: weighted cross-entropy, focal loss (binary and multiclass), regression losses, validation loss."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.metrics import log_loss
from torch import nn

from advisor.models.torch.losses import FocalLoss, WeightedCrossEntropy, make_loss, validation_loss

GEN = torch.Generator().manual_seed(0)
MULTI_LOGITS = torch.randn(50, 4, generator=GEN)
MULTI_TARGET = torch.randint(0, 4, (50,), generator=GEN)
BIN_LOGITS = torch.randn(50, 1, generator=GEN)
BIN_TARGET = torch.randint(0, 2, (50,), generator=GEN)


def test_unweighted_cross_entropy_matches_torch() -> None:
    assert torch.allclose(
        WeightedCrossEntropy()(MULTI_LOGITS, MULTI_TARGET), F.cross_entropy(MULTI_LOGITS, MULTI_TARGET)
    )
    expected = F.binary_cross_entropy_with_logits(BIN_LOGITS[:, 0], BIN_TARGET.float())
    assert torch.allclose(WeightedCrossEntropy()(BIN_LOGITS, BIN_TARGET), expected)


def test_class_weights_give_the_weighted_mean_like_torch() -> None:
    weight = torch.tensor([1.0, 2.0, 0.5, 4.0])
    expected = nn.CrossEntropyLoss(weight=weight)(MULTI_LOGITS, MULTI_TARGET)
    assert torch.allclose(WeightedCrossEntropy(weight)(MULTI_LOGITS, MULTI_TARGET), expected)
    bin_weight = torch.tensor([1.0, 9.0])
    per_sample = F.binary_cross_entropy_with_logits(BIN_LOGITS[:, 0], BIN_TARGET.float(), reduction="none")
    w = bin_weight[BIN_TARGET]
    assert torch.allclose(WeightedCrossEntropy(bin_weight)(BIN_LOGITS, BIN_TARGET), (w * per_sample).sum() / w.sum())


@pytest.mark.parametrize(("logits", "target"), [(MULTI_LOGITS, MULTI_TARGET), (BIN_LOGITS, BIN_TARGET)])
def test_focal_loss_with_gamma_zero_is_cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> None:
    assert torch.allclose(FocalLoss(gamma=0.0)(logits, target), WeightedCrossEntropy()(logits, target))


def test_focal_loss_matches_its_formula() -> None:
    p = torch.softmax(MULTI_LOGITS, dim=1)[torch.arange(50), MULTI_TARGET]
    expected = (-((1 - p) ** 2) * torch.log(p)).mean()
    assert torch.allclose(FocalLoss(gamma=2.0)(MULTI_LOGITS, MULTI_TARGET), expected, atol=1e-6)
    q = torch.sigmoid(BIN_LOGITS[:, 0])
    p_t = torch.where(BIN_TARGET == 1, q, 1 - q)
    expected_bin = (-((1 - p_t) ** 3) * torch.log(p_t)).mean()
    assert torch.allclose(FocalLoss(gamma=3.0)(BIN_LOGITS, BIN_TARGET), expected_bin, atol=1e-6)


def _easy_to_hard_gradient_ratio(loss_fn: nn.Module) -> float:
    logits = torch.tensor([[4.0], [-0.5]], requires_grad=True)  # an easy and a hard positive
    loss_fn(logits, torch.tensor([1, 1])).backward()
    easy, hard = logits.grad.abs()[:, 0].tolist()
    return easy / hard


def test_focal_loss_shifts_the_gradient_to_hard_examples() -> None:
    assert (
        _easy_to_hard_gradient_ratio(FocalLoss(gamma=2.0)) < _easy_to_hard_gradient_ratio(WeightedCrossEntropy()) / 10
    )


def test_class_weights_move_with_the_loss_to_a_device() -> None:
    loss = FocalLoss(2.0, torch.tensor([1.0, 3.0]))
    assert "weight" in dict(loss.named_buffers())
    assert loss.to("cpu").weight.device.type == "cpu"


def test_make_loss_picks_the_criterion() -> None:
    assert isinstance(make_loss("regression", "squared_error"), nn.MSELoss)
    assert isinstance(make_loss("regression", "huber"), nn.HuberLoss)
    assert isinstance(make_loss("binary", "auto"), WeightedCrossEntropy)
    focal = make_loss("multiclass", "focal", focal_gamma=1.5, class_weight=torch.ones(3))
    assert isinstance(focal, FocalLoss) and focal.gamma == 1.5 and focal.weight is not None
    with pytest.raises(ValueError, match="regression loss"):
        make_loss("regression", "focal")
    with pytest.raises(ValueError, match="classification loss"):
        make_loss("binary", "hinge")


def test_validation_loss_is_log_loss_for_classes_and_rmse_in_original_units() -> None:
    proba = torch.softmax(MULTI_LOGITS.double(), dim=1).numpy()
    assert validation_loss("multiclass", MULTI_LOGITS, MULTI_TARGET) == pytest.approx(
        log_loss(MULTI_TARGET.numpy(), proba, labels=[0, 1, 2, 3]), rel=1e-6
    )
    q = torch.sigmoid(BIN_LOGITS[:, 0].double()).numpy()
    assert validation_loss("binary", BIN_LOGITS, BIN_TARGET) == pytest.approx(log_loss(BIN_TARGET.numpy(), q), rel=1e-6)
    pred, true = torch.tensor([[0.0], [1.0], [2.0]]), torch.tensor([[0.5], [1.0], [1.0]])
    rmse_std = float(np.sqrt((0.25 + 0 + 1) / 3))
    assert validation_loss("regression", pred, true, target_scale=10.0) == pytest.approx(10 * rmse_std)


def test_validation_loss_weights_classes_like_the_training_loss() -> None:
    logits = torch.tensor([[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, -1.0], [1.0, 1.0, 1.0]])
    target = torch.tensor([0, 1, 2, 0])
    weight = torch.tensor([1000.0, 1e-4, 1e-4])
    per_row = F.cross_entropy(logits.double(), target, reduction="none").numpy()
    w = weight.double().numpy()[target.numpy()]
    assert validation_loss("multiclass", logits, target) == pytest.approx(per_row.mean())
    weighted = validation_loss("multiclass", logits, target, class_weight=weight)
    assert weighted == pytest.approx((w * per_row).sum() / w.sum()) and weighted != pytest.approx(per_row.mean())

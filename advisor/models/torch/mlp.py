"""PyTorch MLPs as scikit-learn estimators, and the "mlp" model family that builds them.

Both estimators take a DataFrame (categorical columns with the pandas ``category``, ``object``,
``string`` or ``bool`` dtype get an embedding each; numeric ones are imputed and standardized) or a
numeric array, and follow the project's fit protocol ``fit(X, y, eval_set=None, progress=None)``.

>>> import numpy as np
>>> X = np.random.default_rng(0).normal(size=(200, 3))
>>> clf = MLPClassifier(hidden_size=16, max_epochs=5, random_state=0).fit(X, X[:, 0] > 0)
>>> clf.predict_proba(X[:2]).shape, clf.n_epochs_ <= 5
((2, 2), True)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import torch
from scipy.special import expit, softmax
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets

from advisor.errors import InvalidArgumentError
from advisor.models.params import estimator_params
from advisor.models.spec import FitContext, ModelSpec
from advisor.models.torch.base import BaseMLP, check_number
from advisor.models.torch.losses import CLASSIFICATION_LOSSES, REGRESSION_LOSSES, make_loss
from advisor.models.torch.modules import ACTIVATIONS, NORMALIZATIONS
from advisor.models.torch.training import OPTIMIZERS, SCHEDULES
from advisor.rules.recommendation import Imbalance, Loss, TrainingRecipe

if TYPE_CHECKING:
    import optuna

__all__ = ["SPEC", "MLPClassifier", "MLPRegressor", "default_params", "search_space"]


@estimator_params
class MLPClassifier(ClassifierMixin, BaseMLP):
    """A multilayer perceptron for binary (one sigmoid unit) and multiclass (softmax) classification.

    ``loss`` is 'auto' (cross-entropy) or 'focal' (focal loss with ``focal_gamma``); ``class_weight``
    None, 'balanced' (inverse class frequency) or a dict ``{label: weight}`` weights the training loss.
    The monitored validation loss is always the unweighted log loss.
    """

    _losses = CLASSIFICATION_LOSSES

    loss: str = "auto"
    focal_gamma: float = 2.0
    class_weight: str | Mapping[Any, float] | None = None

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        outputs = self._raw_outputs(X)
        if len(self.classes_) == 2:
            positive = expit(outputs[:, 0])
            return np.column_stack([1.0 - positive, positive])
        return softmax(outputs, axis=1)

    def predict(self, X: Any) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    # ------------------------------------------------------------------ hooks
    def _validate_params(self) -> None:
        super()._validate_params()
        check_number("focal_gamma", self.focal_gamma, low=0.0)
        cw = self.class_weight
        if not (cw is None or cw == "balanced" or isinstance(cw, Mapping)):
            raise InvalidArgumentError(
                f"class_weight={cw!r} is not supported.", "Use None, 'balanced' or a dict {label: weight}."
            )

    def _prepare_targets(self, y: np.ndarray) -> np.ndarray:
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                f"The target has only one class ({self.classes_[0]!r}); a classifier needs at least 2 classes."
            )
        return encoded.astype(np.int64)

    def _stratify(self, targets: np.ndarray, n_val: int) -> np.ndarray | None:
        counts = np.bincount(targets, minlength=len(self.classes_))
        k = len(self.classes_)
        return targets if counts.min() >= 2 and n_val >= k and len(targets) - n_val >= k else None

    def _encode_eval_targets(self, y: np.ndarray) -> np.ndarray:
        codes = pd.Index(self.classes_).get_indexer(y)
        if (codes < 0).any():
            unseen = sorted({str(v) for v in np.asarray(y)[codes < 0]})[:5]
            raise ValueError(f"eval_set has labels not seen in training: {', '.join(unseen)}.")
        return codes.astype(np.int64)

    def _target_tensor(self, targets: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(targets, dtype=np.int64)).to(self.device_)

    def _criterion(self, targets: np.ndarray) -> torch.nn.Module:
        self.class_weight_ = self._class_weights(targets)
        weight = None if self.class_weight_ is None else torch.as_tensor(self.class_weight_, dtype=torch.float32)
        return make_loss(self._fitted_task(), self.loss, focal_gamma=self.focal_gamma, class_weight=weight)

    def _class_weights(self, targets: np.ndarray) -> np.ndarray | None:
        k = len(self.classes_)
        if self.class_weight is None:
            return None
        if isinstance(self.class_weight, str):  # 'balanced': n / (k * count), as scikit-learn computes it
            counts = np.bincount(targets, minlength=k).astype(np.float64)
            return len(targets) / (k * np.maximum(counts, 1.0))
        unknown = [label for label in self.class_weight if label not in set(self.classes_.tolist())]
        if unknown:
            raise ValueError(f"class_weight names labels that are not in y: {unknown[:5]}.")
        return np.array([float(self.class_weight.get(c, 1.0)) for c in self.classes_.tolist()])

    def _n_outputs(self) -> int:
        return 1 if len(self.classes_) == 2 else len(self.classes_)

    def _fitted_task(self) -> str:
        return "binary" if len(self.classes_) == 2 else "multiclass"


@estimator_params
class MLPRegressor(RegressorMixin, BaseMLP):
    """A multilayer perceptron for regression; the target is standardized for training and restored for
    predictions. ``loss`` is 'squared_error' (MSE) or 'huber' (robust to outliers and skewed targets).
    The monitored validation loss is the RMSE in the target's units."""

    _losses = REGRESSION_LOSSES

    loss: str = "squared_error"

    def predict(self, X: Any) -> np.ndarray:
        return self._raw_outputs(X)[:, 0] * self.y_scale_ + self.y_mean_

    # ------------------------------------------------------------------ hooks
    def _prepare_targets(self, y: np.ndarray) -> np.ndarray:
        return np.asarray(y, dtype=np.float64)

    def _encode_eval_targets(self, y: np.ndarray) -> np.ndarray:
        return np.asarray(y, dtype=np.float64)

    def _set_target_stats(self, targets: np.ndarray) -> None:
        self.y_mean_ = float(np.mean(targets))
        std = float(np.std(targets))
        self.y_scale_ = std if std > 1e-12 else 1.0

    def _target_tensor(self, targets: np.ndarray) -> torch.Tensor:
        standardized = ((targets - self.y_mean_) / self.y_scale_).astype(np.float32).reshape(-1, 1)
        return torch.from_numpy(standardized).to(self.device_)

    def _criterion(self, targets: np.ndarray) -> torch.nn.Module:
        return make_loss("regression", self.loss)

    def _n_outputs(self) -> int:
        return 1

    def _fitted_task(self) -> str:
        return "regression"

    def _target_scale(self) -> float:
        return self.y_scale_


# ---------------------------------------------------------------------- the "mlp" family
BATCH_SIZES = (32, 64, 128, 256, 512)
#: Numeric inputs as they are, or through periodic embeddings (PLR: Gorishniy et al., NeurIPS 2022).
MLP_EMBEDDINGS = ("none", "periodic")
HIDDEN_SIZE, N_LAYERS = 256, 2  # the default width and depth (not part of a recipe)
_RANGES = {"learning_rate": (1e-4, 3e-3), "weight_decay": (1e-6, 1e-1), "dropout": (0.0, 0.5)}


def search_space(trial: optuna.Trial, ctx: FitContext) -> dict[str, Any]:
    """Define-by-run space over width, depth, regularization, optimization and the numeric inputs (as they are,
    or periodic embeddings: the MLP-PLR of Gorishniy et al., 2022; trial 0 is the plain MLP); the recipe's loss,
    class weighting, patience and epoch cap are fixed (they follow the data, not the search)."""
    tuned = {
        "hidden_size": trial.suggest_int("hidden_size", 64, 512, log=True),
        "n_layers": trial.suggest_int("n_layers", 1, 4),
        "dropout": trial.suggest_float("dropout", *_RANGES["dropout"]),
        "learning_rate": trial.suggest_float("learning_rate", *_RANGES["learning_rate"], log=True),
        "weight_decay": trial.suggest_float("weight_decay", *_RANGES["weight_decay"], log=True),
        "batch_size": trial.suggest_categorical("batch_size", BATCH_SIZES),
        "optimizer": trial.suggest_categorical("optimizer", OPTIMIZERS),
        "schedule": trial.suggest_categorical("schedule", SCHEDULES),
        "normalization": trial.suggest_categorical("normalization", NORMALIZATIONS),
        "activation": trial.suggest_categorical("activation", ACTIVATIONS),
        "numeric_embedding": trial.suggest_categorical("numeric_embedding", MLP_EMBEDDINGS),
    }
    return {**tuned, **fixed_recipe_params(ctx)}


def default_params(ctx: FitContext) -> dict[str, Any]:
    """The recipe's choices (``ctx.recipe``, else the mlp recipe derived from the profile), mapped onto
    the search space: a point of it, enqueued as every study's first trial."""
    recipe = family_recipe(ctx)
    return {
        "hidden_size": HIDDEN_SIZE,
        "n_layers": N_LAYERS,
        "dropout": _clip("dropout", recipe.dropout),
        "learning_rate": _clip("learning_rate", recipe.learning_rate),
        "weight_decay": _clip("weight_decay", recipe.weight_decay),
        "batch_size": min(BATCH_SIZES, key=lambda b: abs(b - recipe.batch_size)),
        "optimizer": recipe.optimizer.value,
        "schedule": recipe.schedule.value,
        "normalization": recipe.normalization.value,
        "activation": recipe.activation.value,
        "numeric_embedding": "none",
        **fixed_recipe_params(ctx),
    }


def build(params: dict[str, Any], ctx: FitContext) -> BaseMLP:
    """An unfitted MLPClassifier or MLPRegressor (by ``ctx.task``) on the context's device and seed."""
    cls = MLPRegressor if ctx.task == "regression" else MLPClassifier
    return cls(**params, **ctx.placement())


def fixed_recipe_params(ctx: FitContext, family: str = "mlp") -> dict[str, Any]:
    """What follows the data rather than the search, for a tabular network: the recipe's epochs, patience,
    loss and class weighting (the recipe handed to ``family``, or derived for it from the profile)."""
    recipe = family_recipe(ctx, family)
    fixed: dict[str, Any] = {"max_epochs": recipe.max_epochs, "patience": recipe.patience}
    if not ctx.is_classification:
        return {**fixed, "loss": "huber" if recipe.loss is Loss.HUBER else "squared_error"}
    weighted = recipe.imbalance is not Imbalance.NONE or ctx.class_weight
    return {
        **fixed,
        "loss": "focal" if recipe.imbalance is Imbalance.FOCAL else "auto",
        "focal_gamma": recipe.focal_gamma,
        "class_weight": "balanced" if weighted else None,
    }


def family_recipe(ctx: FitContext, family: str = "mlp") -> TrainingRecipe:
    """The context's recipe, else the one the rules would give ``family`` on this profile and device."""
    if ctx.recipe is not None:
        return ctx.recipe
    from advisor.families import get_family
    from advisor.rules.recipe import recipe_for

    profile = ctx.profile if ctx.profile.task == ctx.task else ctx.profile.with_changes(task=ctx.task)
    return recipe_for(get_family(family), profile, gpu=ctx.device != "cpu")


def _clip(name: str, value: float) -> float:
    low, high = _RANGES[name]
    return float(min(max(value, low), high))


SPEC = ModelSpec("PyTorch MLP", search_space, default_params, build, steps="epochs")

"""Deep learning for feature engineering, the framework's third hybrid: a denoising autoencoder compresses the
numeric columns (or an image's pixel features) into a short code, and LightGBM learns the task from the code.

:class:`AutoencoderFeatures` is the compressor alone (a scikit-learn transformer, trained without the target
through the one training loop: masking noise on the inputs, reconstruction loss, early stopping on held-out
rows). :class:`AutoencoderGBMClassifier` / :class:`AutoencoderGBMRegressor` chain it with LightGBM
(categorical columns go to LightGBM as they are; ``keep_raw=True`` gives it the raw numeric columns beside the
code). The "autoencoder_gbm" family searches both parts at once.

>>> import numpy as np
>>> X = np.random.default_rng(0).normal(size=(300, 40))
>>> codes = AutoencoderFeatures(code_size=4, max_epochs=3, random_state=0).fit(X).transform(X)
>>> codes.shape
(300, 4)
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from torch import nn

from advisor.models import gbm
from advisor.models.common import TabularInputTags
from advisor.models.params import estimator_params
from advisor.models.spec import EvalSet, FitContext, ModelSpec, Progress
from advisor.models.torch.base import torch_threads
from advisor.models.torch.encoding import TabularEncoder, is_categorical
from advisor.models.torch.loop import Outcome, TrainingLoop, standard_callbacks
from advisor.models.torch.training import (
    batch_slices,
    make_optimizer,
    make_schedule,
    mixed_precision,
    resolve_device,
)

if TYPE_CHECKING:
    import optuna

__all__ = [
    "IMAGE_SPEC",
    "SPEC",
    "Autoencoder",
    "AutoencoderFeatures",
    "AutoencoderGBMClassifier",
    "AutoencoderGBMRegressor",
]


class Autoencoder(nn.Module):
    """Encoder ``inputs -> hidden -> code`` and decoder ``code -> hidden -> inputs`` (SiLU between layers); in
    training mode a share ``noise`` of the inputs is zeroed (masking noise: a denoising autoencoder)."""

    def __init__(self, n_inputs: int, hidden_size: int, code_size: int, noise: float) -> None:
        super().__init__()
        self.mask = nn.Dropout(noise)
        self.encoder = nn.Sequential(nn.Linear(n_inputs, hidden_size), nn.SiLU(), nn.Linear(hidden_size, code_size))
        self.decoder = nn.Sequential(nn.Linear(code_size, hidden_size), nn.SiLU(), nn.Linear(hidden_size, n_inputs))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(self.mask(x)))


@estimator_params
class AutoencoderFeatures(TransformerMixin, BaseEstimator):
    """A denoising autoencoder over the numeric columns (standardized; NaN imputed, with indicators), as a
    transformer: ``transform`` returns the ``code_size`` code of each row. Trained without the target (mean
    squared reconstruction error), early-stopped on ``validation_rows`` held-out rows or on ``eval_set``'s X.
    ``progress(epoch, nan)`` is asked after each epoch whether a deadline has passed (True stops training)."""

    code_size: int = 32
    hidden_size: int = 256
    noise: float = 0.2
    learning_rate: float = 1e-3
    weight_decay: float = 1e-5
    batch_size: int = 256
    max_epochs: int = 50
    patience: int = 5
    validation_rows: float = 0.1
    device: str = "auto"
    n_jobs: int | None = None
    random_state: int | None = None

    def fit(self, X: Any, y: Any = None, eval_set: EvalSet | None = None, progress: Progress | None = None) -> Any:
        self.encoder_ = TabularEncoder("standard").fit(X)
        numeric = self.encoder_.transform(X).numeric
        if numeric.shape[1] == 0:
            raise ValueError("AutoencoderFeatures needs at least one numeric column to compress.")
        rng = check_random_state(self.random_state)
        train, val = self._parts(numeric, eval_set, rng)
        self.device_ = str(resolve_device(self.device))
        with torch_threads(self.n_jobs), torch.random.fork_rng(devices=[]):
            seed = int(rng.randint(np.iinfo(np.int32).max))
            torch.manual_seed(seed)
            self.module_ = Autoencoder(numeric.shape[1], int(self.hidden_size), int(self.code_size), float(self.noise))
            self.module_.to(self.device_)
            self.outcome_ = self._train(torch.from_numpy(train), val, seed, progress)
        self.module_.eval()
        self.n_features_out_ = int(self.code_size)
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "module_")
        numeric = torch.from_numpy(self.encoder_.transform(X).numeric)
        parts = []
        with torch_threads(self.n_jobs), torch.inference_mode():
            for part in batch_slices(len(numeric), 8192):
                parts.append(self.module_.encoder(numeric[part].to(self.device_)).float().cpu().numpy())
        return np.concatenate(parts) if parts else np.zeros((0, int(self.code_size)), dtype=np.float32)

    def _parts(
        self, numeric: np.ndarray, eval_set: EvalSet | None, rng: np.random.RandomState
    ) -> tuple[np.ndarray, torch.Tensor | None]:
        """Training rows and held-out rows for early stopping (eval_set's X, else a share of the rows)."""
        if eval_set is not None:
            return numeric, torch.from_numpy(self.encoder_.transform(eval_set[0]).numeric)
        n_val = round(self.validation_rows * len(numeric))
        if n_val < 1 or len(numeric) - n_val < 2:
            return numeric, None
        train, val = train_test_split(np.arange(len(numeric)), test_size=n_val, random_state=rng)
        return numeric[np.sort(train)], torch.from_numpy(numeric[np.sort(val)])

    def _train(self, train: torch.Tensor, val: torch.Tensor | None, seed: int, progress: Progress | None) -> Outcome:
        optimizer = make_optimizer("adamw", self.module_, float(self.learning_rate), float(self.weight_decay))
        steps = len(list(batch_slices(len(train), int(self.batch_size))))
        schedule = make_schedule("none", optimizer, int(self.max_epochs), steps)
        loop = TrainingLoop(
            self.module_,
            optimizer,
            batch_size=int(self.batch_size),
            max_epochs=int(self.max_epochs),
            generator=torch.Generator().manual_seed(seed),
            precision=mixed_precision(self.device_),
            callbacks=standard_callbacks(
                schedule,
                patience=int(self.patience),
                validated=val is not None,
                progress=None if progress is None else _deadline_only(progress),
            ),
        )
        device_train = train.to(self.device_)

        def batch(rows: torch.Tensor) -> tuple[tuple[torch.Tensor, ...], torch.Tensor]:
            part = device_train[rows.to(self.device_)]
            return (part,), part

        loop.fit(len(train), batch, nn.functional.mse_loss, None if val is None else self._reconstruction(val))
        return Outcome.of(loop)

    def _reconstruction(self, val: torch.Tensor) -> Any:
        held_out = val.to(self.device_)

        def loss() -> float:
            self.module_.eval()
            with torch.inference_mode():
                return float(nn.functional.mse_loss(self.module_(held_out), held_out))

        return loss


def _deadline_only(progress: Progress) -> Progress:
    """The benchmark's progress callback for a stage whose loss is not the task's (the autoencoder's
    reconstruction): asked about deadlines only, nothing is reported to the pruner."""
    return lambda step, value: bool(progress(step, math.nan))


#: The hybrid's parameters handed to its autoencoder (its name there: the hybrid's) and to LightGBM (same names).
_AUTOENCODER_PARAMS = {
    "code_size": "code_size",
    "hidden_size": "ae_hidden_size",
    "noise": "ae_noise",
    "learning_rate": "ae_learning_rate",
    "max_epochs": "ae_max_epochs",
}
_LIGHTGBM_PARAMS = (
    "n_estimators",
    "learning_rate",
    "num_leaves",
    "min_child_samples",
    "subsample",
    "colsample_bytree",
    "reg_alpha",
    "reg_lambda",
    "early_stopping_rounds",
)


@estimator_params
class _AutoencoderGBM(TabularInputTags, BaseEstimator):
    """An autoencoder's code of the numeric columns, then LightGBM (parameters: the autoencoder's with an
    ``ae_`` prefix or ``code_size``, LightGBM's as they are)."""

    code_size: int = 32
    ae_hidden_size: int = 256
    ae_noise: float = 0.2
    ae_learning_rate: float = 1e-3
    ae_max_epochs: int = 50
    keep_raw: bool = False
    learning_rate: float = 0.05
    num_leaves: int = 31
    min_child_samples: int = 20
    subsample: float = 0.8
    colsample_bytree: float = 0.8
    reg_alpha: float = 1e-8
    reg_lambda: float = 1e-8
    n_estimators: int = gbm.MAX_ROUNDS
    early_stopping_rounds: int | None = gbm.EARLY_STOPPING_ROUNDS
    class_weight: str | dict | None = None
    device: str = "auto"
    n_jobs: int | None = None
    random_state: int | None = None

    _classifier = False

    def fit(self, X: Any, y: Any, eval_set: EvalSet | None = None, progress: Progress | None = None) -> Any:
        """Train the autoencoder on X (early-stopped on eval_set's X), then LightGBM on the code (eval_set's
        code for early stopping and ``progress``: the validation loss per round)."""
        shared = {name: getattr(self, name) for name in ("device", "n_jobs", "random_state")}
        autoencoder = {name: getattr(self, own) for name, own in _AUTOENCODER_PARAMS.items()}
        self.features_ = AutoencoderFeatures(**autoencoder, **shared).fit(X, eval_set=eval_set, progress=progress)
        boosting = gbm.LightGBMClassifier if self._classifier else gbm.LightGBMRegressor
        lightgbm = {name: getattr(self, name) for name in _LIGHTGBM_PARAMS}
        extra = {"class_weight": self.class_weight} if self._classifier else {}
        self.gbm_ = boosting(**lightgbm, n_jobs=self.n_jobs, random_state=self.random_state, **extra)
        valid = None if eval_set is None else (self._features(eval_set[0]), eval_set[1])
        self.gbm_.fit(self._features(X), y, eval_set=valid, progress=progress)
        self.best_iteration_ = self.gbm_.best_iteration_
        if self._classifier:
            self.classes_ = self.gbm_.classes_
        return self

    def _features(self, X: Any) -> pd.DataFrame:
        """The code, then the categorical columns as they are (and the raw numeric ones with ``keep_raw``)."""
        code = self.features_.transform(X)
        columns = {f"code_{i}": code[:, i] for i in range(code.shape[1])}
        frame = pd.DataFrame(columns, index=X.index if isinstance(X, pd.DataFrame) else None)
        if isinstance(X, pd.DataFrame):
            kept = [c for c in X.columns if self.keep_raw or is_categorical(X[c])]
            return pd.concat([frame, X[kept].set_axis([f"raw_{i}" for i in range(len(kept))], axis=1)], axis=1)
        if self.keep_raw:
            raw = np.asarray(X, dtype=np.float64)
            frame = pd.concat([frame, pd.DataFrame(raw, columns=[f"raw_{i}" for i in range(raw.shape[1])])], axis=1)
        return frame


@estimator_params
class AutoencoderGBMClassifier(ClassifierMixin, _AutoencoderGBM):
    """Autoencoder code + LightGBM for binary and multiclass classification."""

    _classifier = True

    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "gbm_")
        return self.gbm_.predict_proba(self._features(X))

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "gbm_")
        return self.gbm_.predict(self._features(X))


@estimator_params
class AutoencoderGBMRegressor(RegressorMixin, _AutoencoderGBM):
    """Autoencoder code + LightGBM for regression."""

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "gbm_")
        return self.gbm_.predict(self._features(X))


# ---------------------------------------------------------------------- the "autoencoder_gbm" family
def search_space(trial: optuna.Trial, ctx: FitContext) -> dict[str, Any]:
    """The autoencoder's code size, width, noise and learning rate, whether LightGBM also sees the raw
    columns, and LightGBM's own space."""
    return {
        "code_size": trial.suggest_int("code_size", 8, 64, log=True),
        "ae_hidden_size": trial.suggest_int("ae_hidden_size", 64, 512, log=True),
        "ae_noise": trial.suggest_float("ae_noise", 0.0, 0.5),
        "ae_learning_rate": trial.suggest_float("ae_learning_rate", 1e-4, 3e-3, log=True),
        "keep_raw": trial.suggest_categorical("keep_raw", (False, True)),
        **gbm.lightgbm_space(trial, ctx),
    }


def default_params(ctx: FitContext) -> dict[str, Any]:
    """A 32-number code from a 256-wide denoising autoencoder (20% masking), LightGBM's default on the code."""
    return {
        "code_size": 32,
        "ae_hidden_size": 256,
        "ae_noise": 0.2,
        "ae_learning_rate": 1e-3,
        "keep_raw": False,
        **gbm.lightgbm_default(ctx),
    }


def build(params: dict[str, Any], ctx: FitContext) -> _AutoencoderGBM:
    """An unfitted hybrid (classifier or regressor by ``ctx.task``), class weights from the context."""
    placed = {"n_estimators": gbm.MAX_ROUNDS, **params, **ctx.placement()}
    if ctx.is_classification:
        return AutoencoderGBMClassifier(**placed, class_weight=gbm.class_weight_of(ctx))
    return AutoencoderGBMRegressor(**placed)


SPEC = ModelSpec(
    "Autoencoder code + LightGBM",
    search_space,
    default_params,
    build,
    steps="rounds",
    inputs="an autoencoder's code of the numeric columns (categorical columns as they are)",
)
IMAGE_SPEC = replace(SPEC, view="pixels", inputs="an autoencoder's code of the pixel features")

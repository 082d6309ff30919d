"""DeepClassifier: what the image, text and time-series networks share.

A subclass says how to learn its input preprocessing (:meth:`DeepClassifier._prepare`), which network
to build (:meth:`DeepClassifier._build_module`) and how to turn rows of its inputs into tensors
(:meth:`DeepClassifier._batch`). This base does the rest once: label encoding, the validation split,
seeding, device and threads, AdamW over the subclass's parameter groups, the learning-rate schedule,
early stopping that restores the best epoch, and the fit protocol of every advisor model::

    est.fit(X, y, eval_set=(X_val, y_val) | None, progress=callable | None)

Training runs through the one loop every advisor network uses (:mod:`advisor.models.torch.loop`):
``progress(epoch, val_log_loss)`` is called after each epoch (True stops training; it may also raise
``optuna.TrialPruned``, which propagates), and about once a second during an epoch as ``progress(epoch, nan)``:
a deadline check only, so a long epoch cannot overrun a time budget.
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from typing import Any

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from torch import nn

from advisor.models.params import estimator_params
from advisor.models.spec import Progress
from advisor.models.torch.base import torch_threads
from advisor.models.torch.loop import EpochStart, Outcome, TrainingLoop, standard_callbacks
from advisor.models.torch.training import batch_slices, make_schedule, mixed_precision, resolve_device

__all__ = ["DeepClassifier"]


@estimator_params
class DeepClassifier(ClassifierMixin, BaseEstimator, ABC):
    """Base class of the networks for images, text and series (classification by cross-entropy).

    Parameters are annotated fields (:func:`~advisor.models.params.estimator_params` writes the
    scikit-learn ``__init__``); a subclass declares the ones it adds and the defaults it changes. The
    common ones: ``learning_rate``, ``weight_decay``, ``batch_size``, ``max_epochs``, ``patience``,
    ``schedule`` ('warmup_cosine' | 'cosine' | 'none'), ``class_weight`` ('balanced' | None),
    ``validation_fraction`` (an internal stratified split when no ``eval_set`` is given; None trains on
    every row for all ``max_epochs``), ``device`` ('auto' | 'cpu' | 'cuda' | 'mps'), ``n_jobs`` and
    ``random_state``.

    Attributes
    ----------
    classes_ : ndarray
        The class labels seen in ``fit``.
    module_ : torch.nn.Module
        The trained network (the best epoch's weights).
    history_ : list of dict
        One entry per epoch: epoch, train_loss, val_loss, lr, seconds.
    best_epoch_, best_val_loss_, n_epochs_ : int, float, int
        The epoch whose weights were kept, its monitored loss, and how many epochs ran.
    """

    learning_rate: float = 1e-3
    weight_decay: float = 1e-4
    batch_size: int = 32
    max_epochs: int = 100
    patience: int = 15
    schedule: str = "cosine"
    class_weight: str | None = None
    validation_fraction: float | None = 0.1
    device: str = "auto"
    n_jobs: int | None = None
    random_state: int | None = None

    # ------------------------------------------------------------------ hooks
    @abstractmethod
    def _prepare(self, X_train: Any) -> None:
        """Learn input preprocessing (vocabulary, pixel scale, channel statistics) from training inputs."""

    @abstractmethod
    def _build_module(self, n_classes: int) -> nn.Module:
        """The network: ``module(*self._batch(...))`` returns logits of shape (batch, n_classes)."""

    @abstractmethod
    def _batch(self, X: Any, rows: np.ndarray, *, train: bool, generator: torch.Generator) -> tuple[torch.Tensor, ...]:
        """CPU tensors for these rows of ``X``; augmentation (seeded by ``generator``) when ``train``."""

    def _param_groups(self, module: nn.Module) -> list[dict[str, Any]]:
        """Optimizer groups: weight decay on matrices and kernels, none on biases and norm scales."""
        params = list(module.parameters())
        return [
            {"params": [p for p in params if p.dim() >= 2], "weight_decay": self.weight_decay},
            {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
        ]

    def _on_epoch_start(self, epoch: int, module: nn.Module) -> None:
        """Called before each epoch (e.g. to unfreeze layers gradually)."""

    def _subset(self, X: Any, rows: np.ndarray) -> Any:
        if isinstance(X, pd.DataFrame | pd.Series):
            return X.iloc[rows]
        if isinstance(X, np.ndarray):
            return X[rows]
        return [X[int(i)] for i in rows]

    def _predict_batch_size(self) -> int:
        return max(int(self.batch_size), 256)

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any, eval_set: tuple[Any, Any] | None = None, progress: Progress | None = None) -> Any:
        """Train; ``eval_set=(X_val, y_val)`` drives early stopping instead of an internal split."""
        y = np.asarray(y).reshape(-1)
        if len(y) != len(X):
            raise ValueError(f"X has {len(X)} items but y has {len(y)} labels.")
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 classes; got {len(self.classes_)}.")
        codes = np.searchsorted(self.classes_, y)
        rng = check_random_state(self.random_state)
        train_rows, val_rows = self._split(codes, eval_set, rng)
        X_train = self._subset(X, train_rows)
        self._prepare(X_train)
        validation = self._validation_data(X, codes, val_rows, eval_set)
        self.device_ = str(resolve_device(self.device))
        with torch_threads(self.n_jobs), torch.random.fork_rng(devices=[]):
            seed = int(rng.randint(np.iinfo(np.int32).max))
            torch.manual_seed(seed)
            self.module_ = self._build_module(len(self.classes_)).to(self.device_)
            weight = self._class_weights(codes[train_rows])
            self._train(X_train, codes[train_rows], validation, weight, seed, progress)
        self.module_.eval()
        return self

    def _split(
        self, codes: np.ndarray, eval_set: tuple[Any, Any] | None, rng: np.random.RandomState
    ) -> tuple[np.ndarray, np.ndarray | None]:
        every = np.arange(len(codes))
        if eval_set is not None or self.validation_fraction is None:
            return every, None
        n_val = max(len(self.classes_), round(self.validation_fraction * len(codes)))
        if len(codes) - n_val < len(self.classes_):
            return every, None
        counts = np.bincount(codes)
        stratify = codes if counts.min() >= 2 else None
        train, val = train_test_split(every, test_size=n_val, random_state=rng, stratify=stratify)
        return np.sort(train), np.sort(val)

    def _validation_data(
        self, X: Any, codes: np.ndarray, val_rows: np.ndarray | None, eval_set: tuple[Any, Any] | None
    ) -> tuple[Any, np.ndarray] | None:
        if eval_set is not None:
            X_val, y_val = eval_set
            y_val = np.asarray(y_val).reshape(-1)
            known = np.isin(y_val, self.classes_)
            if not known.all():  # a class unseen in training cannot be scored: leave those rows out
                X_val, y_val = self._subset(X_val, np.flatnonzero(known)), y_val[known]
            return (X_val, np.searchsorted(self.classes_, y_val)) if len(y_val) else None
        if val_rows is None:
            return None
        return self._subset(X, val_rows), codes[val_rows]

    def _class_weights(self, codes: np.ndarray) -> torch.Tensor | None:
        if self.class_weight != "balanced":
            return None
        counts = np.bincount(codes, minlength=len(self.classes_)).astype(np.float64)
        weights = len(codes) / (len(self.classes_) * np.maximum(counts, 1.0))
        return torch.as_tensor(weights, dtype=torch.float32, device=self.device_)

    def _train(
        self,
        X_train: Any,
        codes: np.ndarray,
        validation: tuple[Any, np.ndarray] | None,
        weight: torch.Tensor | None,
        seed: int,
        progress: Progress | None,
    ) -> None:
        """The shared loop (:class:`~advisor.models.torch.loop.TrainingLoop`) over this network's batches."""
        module = self.module_
        optimizer = torch.optim.AdamW(self._param_groups(module), lr=self.learning_rate)
        steps = len(list(batch_slices(len(codes), self.batch_size)))
        schedule = make_schedule(self.schedule, optimizer, self.max_epochs, steps)
        generator = torch.Generator().manual_seed(seed)
        target = torch.as_tensor(codes, dtype=torch.long)

        def batch(rows: torch.Tensor) -> tuple[tuple[torch.Tensor, ...], torch.Tensor]:
            index = rows.numpy()
            inputs = self._batch(X_train, index, train=True, generator=generator)
            return tuple(t.to(self.device_) for t in inputs), target[index].to(self.device_)

        callbacks = [
            EpochStart(self._on_epoch_start),
            *standard_callbacks(schedule, patience=self.patience, validated=validation is not None, progress=progress),
        ]
        loop = TrainingLoop(
            module,
            optimizer,
            batch_size=self.batch_size,
            max_epochs=self.max_epochs,
            generator=generator,
            callbacks=callbacks,
            precision=mixed_precision(self.device_),
        )
        loop.fit(
            len(codes),
            batch,
            lambda output, labels: F.cross_entropy(output, labels, weight=weight),
            (lambda: self._log_loss(*validation)) if validation is not None else None,
        )
        outcome = Outcome.of(loop)
        self.history_ = outcome.history
        self.best_epoch_, self.best_val_loss_, self.n_epochs_ = outcome.best_epoch, outcome.best_value, outcome.n_epochs

    # ------------------------------------------------------------------ predict
    @torch.no_grad()
    def _logits(self, X: Any) -> torch.Tensor:
        self.module_.eval()
        n = len(X)
        generator = torch.Generator().manual_seed(0)
        parts = []
        for start in range(0, n, self._predict_batch_size()):
            rows = np.arange(start, min(n, start + self._predict_batch_size()))
            inputs = [t.to(self.device_) for t in self._batch(X, rows, train=False, generator=generator)]
            parts.append(self.module_(*inputs).float().cpu())
        return torch.cat(parts) if parts else torch.zeros((0, len(self.classes_)))

    def _log_loss(self, X: Any, codes: np.ndarray) -> float:
        logits = self._logits(X)
        return float(F.cross_entropy(logits.double(), torch.as_tensor(codes, dtype=torch.long)))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, shape (n, n_classes), columns in the order of ``classes_``."""
        check_is_fitted(self, "module_")
        with torch_threads(self.n_jobs):
            return torch.softmax(self._logits(X).double(), dim=1).numpy()

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    # ------------------------------------------------------------------ pickling
    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        if "module_" in state and state.get("device_", "cpu") != "cpu":  # loads on machines without the GPU
            state["module_"] = copy.deepcopy(self.module_).cpu()
            state["device_"] = "cpu"
        return state

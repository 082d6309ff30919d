"""What the MLP classifier and regressor share: input checks, the validation split, seeding, the fit.

Subclasses say how targets are encoded (:meth:`BaseMLP._prepare_targets`), which criterion trains the
network and how outputs become predictions; everything else (parameter validation, input encoding,
device and thread handling, the training loop) lives here once.
"""

from __future__ import annotations

import contextlib
import copy
import numbers
import os
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any, ClassVar, cast

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from advisor.errors import InvalidArgumentError
from advisor.models.common import TabularInputTags
from advisor.models.params import estimator_params
from advisor.models.spec import EvalSet, Progress
from advisor.models.torch.embeddings import NUMERIC_EMBEDDINGS, numeric_embeddings
from advisor.models.torch.encoding import SCALINGS, EncodedTable, TabularEncoder, is_categorical
from advisor.models.torch.loop import Outcome, TrainingLoop, standard_callbacks
from advisor.models.torch.losses import validation_loss
from advisor.models.torch.modules import ACTIVATIONS, NORMALIZATIONS, TabularMLP, auto_embedding_dim
from advisor.models.torch.training import (
    DEVICES,
    OPTIMIZERS,
    SCHEDULES,
    TensorTable,
    batch_slices,
    make_optimizer,
    make_schedule,
    mixed_precision,
    predict_outputs,
    resolve_device,
)

__all__ = ["BaseMLP", "torch_threads"]


@estimator_params
class BaseMLP(TabularInputTags, BaseEstimator, ABC):
    """Shared fit/predict machinery; not an estimator on its own (see MLPClassifier, MLPRegressor)."""

    hidden_size: int = 256
    n_layers: int = 2
    activation: str = "relu"
    normalization: str = "batchnorm"
    dropout: float = 0.1
    optimizer: str = "adamw"
    learning_rate: float = 1e-3
    weight_decay: float = 0.01
    schedule: str = "cosine"
    batch_size: int = 128
    max_epochs: int = 100
    patience: int = 10
    embedding_dim: int | str = "auto"
    numeric_embedding: str = "none"
    d_embedding: int = 24
    n_bins: int = 48
    scaling: str = "standard"
    grad_clip: float | None = None
    validation_fraction: float | None = 0.1
    device: str = "auto"
    n_jobs: int | None = None
    random_state: int | np.random.RandomState | None = None

    _losses: ClassVar[tuple[str, ...]] = ()
    _task: ClassVar[str] = ""

    # ------------------------------------------------------------------ sklearn plumbing

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        if "module_" in state and self.device_ != "cpu":  # pickles load on machines without the accelerator
            state["module_"] = copy.deepcopy(self.module_).cpu()
            state["device_"] = "cpu"
        return state

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any, eval_set: EvalSet | None = None, progress: Progress | None = None) -> BaseMLP:
        """Train the network; ``eval_set=(X_val, y_val)`` is used for early stopping instead of an internal
        split. ``progress(epoch, val_loss)`` is called after each epoch; True stops training."""
        self._validate_params()
        X = self._check_X(X, reset=True)
        y = self._check_y(X, y)
        if len(y) < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 samples to train; got n_samples={len(y)}.")
        rng = check_random_state(self.random_state)
        targets = self._prepare_targets(y)
        train_rows, val_rows = self._split(targets, eval_set, rng)
        X_train = _take(X, train_rows)
        self.encoder_ = TabularEncoder(self.scaling).fit(X_train)
        self.device_ = str(resolve_device(self.device))
        self._set_target_stats(targets[train_rows])
        train = (self._tensors(self.encoder_.transform(X_train)), self._target_tensor(targets[train_rows]))
        validation = self._validation(X, targets, val_rows, eval_set)
        with torch_threads(self.n_jobs), torch.random.fork_rng(devices=[]):
            seed = int(rng.randint(np.iinfo(np.int32).max))
            torch.manual_seed(seed)
            self.module_ = self._build_module(train[0].numeric.cpu().numpy()).to(self.device_)
            criterion = self._training_loss(self._criterion(targets[train_rows])).to(self.device_)
            optimizer = make_optimizer(self.optimizer, self.module_, self.learning_rate, self.weight_decay)
            steps = len(list(batch_slices(len(train_rows), self.batch_size)))
            schedule = make_schedule(self.schedule, optimizer, self.max_epochs, steps)
            loop = TrainingLoop(
                self.module_,
                optimizer,
                batch_size=self.batch_size,
                max_epochs=self.max_epochs,
                generator=torch.Generator().manual_seed(seed),
                precision=mixed_precision(self.device_),
                grad_clip=self.grad_clip,
                callbacks=standard_callbacks(
                    schedule, patience=self.patience, validated=validation is not None, progress=progress
                ),
            )
            loop.fit(len(train_rows), self._batches(*train), criterion, self._validation_loss(validation))
            result = Outcome.of(loop)
        self.module_.eval()
        self.history_ = result.history
        self.best_epoch_ = result.best_epoch
        self.best_val_loss_ = result.best_value
        self.n_epochs_ = result.n_epochs
        return self

    def _batches(self, table: TensorTable, target: torch.Tensor) -> Any:
        def batch(rows: torch.Tensor) -> tuple[tuple[torch.Tensor, ...], torch.Tensor]:
            index = rows.to(self.device_)
            part = table.rows(index)
            return (part.numeric, part.categorical), target[index]

        return batch

    def _validation_loss(self, validation: tuple[TensorTable, torch.Tensor] | None) -> Any:
        if validation is None:
            return None
        table, target = validation
        task, scale = self._fitted_task(), self._target_scale()
        weights = getattr(self, "class_weight_", None)  # set with the training criterion, for classifiers
        weight = None if weights is None else torch.as_tensor(weights, dtype=torch.float64)
        return lambda: validation_loss(task, predict_outputs(self.module_, table), target, scale, weight)

    def _split(self, targets: np.ndarray, eval_set: EvalSet | None, rng: np.random.RandomState) -> tuple[Any, Any]:
        n = len(targets)
        every = np.arange(n)
        if eval_set is not None or self.validation_fraction is None:
            return every, None
        n_val = min(n - 1, max(1, round(self.validation_fraction * n)))
        if n - n_val < 2:  # too few rows to hold some out: train on all, without early stopping
            return every, None
        stratify = self._stratify(targets, n_val)
        train, val = train_test_split(every, test_size=n_val, random_state=rng, stratify=stratify)
        return np.sort(train), np.sort(val)

    def _stratify(self, targets: np.ndarray, n_val: int) -> np.ndarray | None:
        return None

    def _validation(
        self, X: Any, targets: np.ndarray, val_rows: np.ndarray | None, eval_set: EvalSet | None
    ) -> tuple[TensorTable, torch.Tensor] | None:
        if eval_set is not None:
            X_val, y_val = eval_set
            X_val = self._check_X(X_val, reset=False)
            y_val = self._encode_eval_targets(self._check_y(X_val, y_val))
            return self._tensors(self.encoder_.transform(X_val)), self._target_tensor(y_val)
        if val_rows is None:
            return None
        X_val = _take(X, val_rows)
        return self._tensors(self.encoder_.transform(X_val)), self._target_tensor(targets[val_rows])

    def _build_module(self, train_numeric: np.ndarray) -> torch.nn.Module:
        """The network, given the encoded numeric training columns (numeric embeddings bin them)."""
        cards = self.encoder_.cardinalities
        if self.embedding_dim == "auto":
            dims = tuple(auto_embedding_dim(c) for c in cards)
        else:
            dims = tuple(int(self.embedding_dim) for _ in cards)
        return TabularMLP(
            n_numeric=self.encoder_.n_numeric,
            cardinalities=cards,
            embedding_dims=dims,
            n_outputs=self._n_outputs(),
            hidden_size=int(self.hidden_size),
            n_layers=int(self.n_layers),
            activation=self.activation,
            normalization=self.normalization,
            dropout=float(self.dropout),
            numeric_embedding=self._numeric_embedding(train_numeric),
        )

    def _numeric_embedding(self, train_numeric: np.ndarray) -> torch.nn.Module | None:
        return numeric_embeddings(
            self.numeric_embedding, train_numeric, d_embedding=int(self.d_embedding), n_bins=int(self.n_bins)
        )

    # ------------------------------------------------------------------ predict
    def _raw_outputs(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "module_")
        X = self._check_X(X, reset=False)
        with torch_threads(self.n_jobs):
            outputs = predict_outputs(self.module_, self._tensors(self.encoder_.transform(X)))
        return outputs.detach().cpu().double().numpy()

    # ------------------------------------------------------------------ input checks
    def _check_X(self, X: Any, *, reset: bool) -> Any:
        """Tables with categorical columns stay DataFrames; everything else becomes a float array."""
        if reset:
            frame = isinstance(X, pd.DataFrame) and any(is_categorical(col) for _, col in X.items())
            self.categorical_features_ = tuple(str(c) for c, col in X.items() if is_categorical(col)) if frame else ()
        if not self.categorical_features_:
            return validate_data(self, X, reset=reset, dtype=np.float64, ensure_all_finite="allow-nan")
        X_checked = validate_data(self, X, reset=reset, skip_check_array=True)
        if not isinstance(X_checked, pd.DataFrame):
            values = check_array(X_checked, dtype=None, ensure_all_finite=False)
            X_checked = pd.DataFrame(values, columns=self.feature_names_in_)
        if X_checked.shape[0] == 0:
            raise ValueError(
                f"Found array with 0 sample(s) (shape={X_checked.shape}) while a minimum of 1 is required."
            )
        return X_checked

    def _check_y(self, X: Any, y: Any) -> np.ndarray:
        if y is None:
            raise ValueError(f"This {type(self).__name__} estimator requires y to be passed, but the target y is None.")
        y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if y.ndim != 1:
            raise ValueError(f"y must be one-dimensional; got shape {y.shape}.")
        check_consistent_length(X, y)
        return y

    def _tensors(self, table: EncodedTable) -> TensorTable:
        return TensorTable(
            torch.from_numpy(table.numeric).to(self.device_), torch.from_numpy(table.categorical).to(self.device_)
        )

    # ------------------------------------------------------------------ parameter checks
    def _validate_params(self) -> None:
        check_integer("hidden_size", self.hidden_size, low=1)
        check_integer("n_layers", self.n_layers, low=1)
        check_choice("activation", self.activation, ACTIVATIONS)
        check_choice("normalization", self.normalization, NORMALIZATIONS)
        check_number("dropout", self.dropout, low=0.0, high=1.0, high_open=True)
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        check_number("learning_rate", self.learning_rate, low=0.0, low_open=True)
        check_number("weight_decay", self.weight_decay, low=0.0)
        check_choice("schedule", self.schedule, SCHEDULES)
        check_integer("batch_size", self.batch_size, low=1)
        check_integer("max_epochs", self.max_epochs, low=1)
        check_integer("patience", self.patience, low=1)
        check_choice("loss", self.loss, self._losses)
        check_choice("numeric_embedding", self.numeric_embedding, NUMERIC_EMBEDDINGS)
        check_integer("d_embedding", self.d_embedding, low=1)
        check_integer("n_bins", self.n_bins, low=2)
        check_choice("scaling", self.scaling, SCALINGS)
        if self.grad_clip is not None:
            check_number("grad_clip", self.grad_clip, low=0.0, low_open=True)
        if self.embedding_dim != "auto":
            check_integer("embedding_dim", self.embedding_dim, low=1, also="'auto'")
        if self.validation_fraction is not None:
            check_number(
                "validation_fraction", self.validation_fraction, low=0.0, high=1.0, low_open=True, high_open=True
            )
        check_choice("device", self.device, DEVICES)
        if self.n_jobs is not None:
            check_integer("n_jobs", self.n_jobs, low=-1)
            if self.n_jobs == 0:
                raise InvalidArgumentError("n_jobs=0 is not a thread count.", "Use None, -1 (all cores) or >= 1.")

    # ------------------------------------------------------------------ subclass hooks
    @abstractmethod
    def _prepare_targets(self, y: np.ndarray) -> np.ndarray: ...

    @abstractmethod
    def _encode_eval_targets(self, y: np.ndarray) -> np.ndarray: ...

    def _set_target_stats(self, targets: np.ndarray) -> None:
        """Learn what the training targets need (regression: mean and scale)."""

    @abstractmethod
    def _target_tensor(self, targets: np.ndarray) -> torch.Tensor: ...

    @abstractmethod
    def _criterion(self, targets: np.ndarray) -> torch.nn.Module: ...

    @abstractmethod
    def _n_outputs(self) -> int: ...

    @abstractmethod
    def _fitted_task(self) -> str: ...

    def _target_scale(self) -> float:
        return 1.0

    def _training_loss(self, criterion: torch.nn.Module) -> torch.nn.Module:
        """The loss the network trains on, from the criterion (an ensemble network averages it over heads)."""
        return criterion


def _take(X: Any, rows: np.ndarray) -> Any:
    return X.iloc[rows] if isinstance(X, pd.DataFrame) else X[rows]


@contextlib.contextmanager
def torch_threads(n_jobs: int | None) -> Iterator[None]:
    """Run torch with ``n_jobs`` threads (-1: all cores), restoring the previous count afterwards."""
    if n_jobs is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads((os.cpu_count() or 1) if n_jobs == -1 else n_jobs)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in choices:
        raise InvalidArgumentError(f"{name}={value!r} is not supported.", f"Choose one of: {', '.join(choices)}.")


def check_integer(name: str, value: Any, *, low: int, also: str = "") -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        extra = f" or {also}" if also else ""
        raise InvalidArgumentError(f"{name}={value!r} is not allowed.", f"Use an integer >= {low}{extra}.")


def check_number(
    name: str,
    value: Any,
    *,
    low: float,
    high: float = np.inf,
    low_open: bool = False,
    high_open: bool = False,
) -> None:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(cast(float, value))
    ok = ok and (value > low if low_open else value >= low) and (value < high if high_open else value <= high)
    if not ok:
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        raise InvalidArgumentError(f"{name}={value!r} is out of range.", f"Use a number in {left}{low}, {high}{right}.")

"""Saved models: the fitted estimator plus the table preparation and labels it needs.

>>> model = advisor.load_model("advisor-runs/adult/models/lightgbm.pkl")   # doctest: +SKIP
>>> model.predict(raw_frame)                                               # doctest: +SKIP

Models are pickled: load only files you or your own runs wrote (pickle can run code).
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from advisor.data.form import InputForm
from advisor.errors import DataNotFoundError, MalformedFileError, WrongTypeError

if TYPE_CHECKING:
    from advisor.profiling.task import Task

__all__ = ["AdvisorModel", "load_model", "save_model"]


@dataclass
class AdvisorModel:
    """A benchmark's final model: predicts from raw data in any form ``advisor.load`` reads, returning the
    original labels. ``metadata`` says which parameters and rows it was trained with (``trained_on``, ``rows``);
    ``form`` is how the training data came in (see :class:`advisor.data.form.InputForm`)."""

    family: str
    task: Task
    estimator: Any
    preparer: Any
    labels: list[str] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    form: InputForm | None = None

    def _features(self, X: Any) -> Any:
        from advisor.benchmarking.prepare import TablePreparer

        form = getattr(self, "form", None)  # models saved before forms existed have none
        if form is not None:
            X = form.raw(X)
        elif isinstance(self.preparer, TablePreparer) and not isinstance(X, pd.DataFrame):
            X = pd.DataFrame(np.asarray(X), columns=self.preparer.columns)
        return self.preparer.transform(X)

    def predict(self, X: Any) -> np.ndarray:
        """Predictions in the target's original labels (classification) or units (regression).

        ``X`` is new data in any form the training data could have been loaded from: a file or folder path
        (CSV/Parquet, image folder or zip, text class folders, ``.ts``), a table with the original column types,
        a pixel table, an image array ``(n, H, W[, C])``, texts, or a list of ``(channels, length)`` series."""
        raw = np.asarray(self.estimator.predict(self._features(X)))
        if self.labels is None:
            return raw
        return np.asarray(self.labels, dtype=object)[raw.astype(int)]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``labels``."""
        if self.labels is None:
            raise WrongTypeError("predict_proba() needs a classification model.", "Use predict() for regression.")
        return np.asarray(self.estimator.predict_proba(self._features(X)))


def save_model(model: AdvisorModel, path: str | Path) -> Path:
    """Pickle a model to ``path`` (folders are created); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)  # atomic: a killed run never leaves half a model
    return path


def load_model(path: str | Path) -> AdvisorModel:
    """Load a model saved by a benchmark run (``<run folder>/models/<family>.pkl``)."""
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"No saved model at '{path}'.", "Pass a file from a run folder's models/ directory.")
    try:
        with path.open("rb") as fh:
            model = pickle.load(fh)  # our own run files only: see the module docstring
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        raise MalformedFileError(
            f"'{path}' is not a readable advisor model ({exc}).", "Rerun the benchmark to save it again."
        ) from None
    if not isinstance(model, AdvisorModel):
        raise WrongTypeError(
            f"'{path}' holds a {type(model).__name__}, not an advisor model.",
            "Pass a file from a run folder's models/ directory.",
        )
    return model

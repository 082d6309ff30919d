"""``AdvisorClassifier`` and ``AdvisorRegressor``: the whole advisor as one scikit-learn estimator.

``fit(X, y)`` recommends model families for the data, benchmarks them within ``budget`` (Optuna search,
refit, one test score per family), and keeps the chosen model (best on validation by ``metric``), refit
on every row unless ``refit_full=False``. ``predict``, ``predict_proba`` and ``score`` use it;
``result_`` is the :class:`~advisor.benchmarking.BenchmarkResult` with the leaderboard, Pareto fronts
and verdict. They clone, pickle, and work in a :class:`~sklearn.pipeline.Pipeline` and in
:func:`~sklearn.model_selection.cross_val_score` like any estimator.

>>> from advisor import AdvisorClassifier
>>> clf = AdvisorClassifier(budget=30).fit(X_train, y_train)          # doctest: +SKIP
>>> clf.best_family_, clf.score(X_test, y_test)                       # doctest: +SKIP
(<the chosen family's id>, 0.87)
>>> clf.result_.leaderboard()                                          # doctest: +SKIP

``X`` is a table (a DataFrame with numbers, categories and text columns, or a 2-D array) or a stack of
images (``(n, height, width[, channels])``). Without ``run_dir`` the run lives in memory (an in-memory
Optuna storage, a temporary folder for the models) and only the chosen model is kept.
"""

from __future__ import annotations

import tempfile
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d, validate_data

from advisor.errors import TooFewRowsError
from advisor.profiling.checks import MIN_ROWS

if TYPE_CHECKING:
    import optuna

__all__ = ["AdvisorClassifier", "AdvisorRegressor"]


class _AdvisorEstimator(BaseEstimator, ABC):
    """What the classifier and the regressor share: input checks, the benchmark, the kept model."""

    _task = "classification"

    def __init__(
        self,
        *,
        budget: float | None = 60.0,
        trials: int | None = None,
        metric: str | None = None,
        families: list[str] | None = None,
        constraints: dict[str, Any] | None = None,
        refit_full: bool = True,
        run_dir: str | None = None,
        storage: str | None = None,
        random_state: int = 0,
    ) -> None:
        self.budget = budget
        self.trials = trials
        self.metric = metric
        self.families = families
        self.constraints = constraints
        self.refit_full = refit_full
        self.run_dir = run_dir
        self.storage = storage
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any) -> _AdvisorEstimator:
        """Recommend, benchmark within the budget, and keep the chosen model (see the module docstring)."""
        started = time.monotonic()
        frame = self._features(X, reset=True)
        target = self._target(y, len(frame))
        if len(target) < MIN_ROWS:
            n = len(target)
            raise TooFewRowsError(
                f"Got {n} sample{'s' if n != 1 else ''} ({'1 sample' if n == 1 else f'n_samples={n}'}): too few to "
                f"train, validate and test a model (at least {MIN_ROWS}).",
                "Fit on more rows.",
            )
        from advisor.api import load

        dataset = load(frame, target=target, task=self._task, metric=self.metric, name=type(self).__name__)
        self.result_ = self._benchmark(dataset, started)
        self.model_ = self._chosen_model()
        self.best_family_ = self.result_.best_family
        return self

    def _benchmark(self, dataset: Any, started: float) -> Any:
        from advisor.api import recommend
        from advisor.benchmarking import Budget, run_benchmark

        rec = recommend(dataset, self.constraints) if self.constraints is not None else None
        budget = Budget(seconds=self.budget, trials=self.trials).started(started)
        storage: str | optuna.storages.BaseStorage | None = self.storage
        with tempfile.TemporaryDirectory(prefix="advisor-fit-") as tmp:
            if storage is None and self.run_dir is None:
                import optuna

                storage = optuna.storages.InMemoryStorage()
            self._run_dir = Path(self.run_dir or tmp)
            result = run_benchmark(
                dataset,
                rec,
                budget,
                storage,
                seed=int(self.random_state),
                run_dir=self._run_dir,
                families=list(self.families) if self.families is not None else None,
                refit_full=self.refit_full,
            )
            self._model = _load_model(result.deployed["path"])
        return result

    def _chosen_model(self) -> Any:
        model = self._model
        del self._model, self._run_dir
        return model

    # ------------------------------------------------------------------ input
    def _features(self, X: Any, *, reset: bool) -> Any:
        """A DataFrame for tables (names checked as scikit-learn does), images as an array."""
        if isinstance(X, pd.DataFrame):
            if X.shape[0] == 0 or X.shape[1] == 0:
                raise ValueError(f"Found array with shape {X.shape}; at least one row and one column are required.")
            validate_data(self, X, reset=reset, skip_check_array=True)
            return X.set_axis([str(c) for c in X.columns], axis=1)
        array = np.asarray(X) if not hasattr(X, "toarray") else X
        if getattr(array, "ndim", 2) in (3, 4) and np.issubdtype(array.dtype, np.number):  # images
            if reset:
                self.n_features_in_ = int(np.prod(array.shape[1:]))
            return array
        values = validate_data(self, X, reset=reset, dtype=None, ensure_all_finite="allow-nan")
        if values.dtype == object:
            values = check_array(values, dtype=np.float64, ensure_all_finite="allow-nan")
        names = getattr(self, "feature_names_in_", None)
        columns = [str(c) for c in names] if names is not None else [f"x{i}" for i in range(values.shape[1])]
        return pd.DataFrame(values, columns=columns)

    @abstractmethod
    def _target(self, y: Any, n: int) -> pd.Series:
        """Check ``y`` for this kind of task; the classifier also records ``classes_``."""

    # ------------------------------------------------------------------ tags
    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.non_deterministic = self.trials is None  # a time budget depends on the machine's speed
        return tags


class AdvisorClassifier(ClassifierMixin, _AdvisorEstimator):
    """Classical or deep, chosen and trained on your data: recommend, benchmark, keep the best model.

    Parameters
    ----------
    budget : float or None, default=60.0
        Wall seconds for the whole ``fit`` (search, refits, the refit on all rows). None: no time limit
        (then ``trials`` must be set).
    trials : int or None, default=None
        A trial budget shared by the families (with ``budget``, whichever ends first). With trials only,
        the same ``random_state`` gives the same model.
    metric : str or None, default=None
        The score to choose by: 'accuracy', 'balanced_accuracy', 'roc_auc', 'log_loss', 'f1' or a
        scikit-learn scorer name. None: the plan's (ROC-AUC or balanced accuracy on imbalanced classes,
        else accuracy). Trials still minimize log loss on validation.
    families : list of str or None, default=None
        Families to benchmark instead of the recommendation's plan (ids from ``advisor.families.families()``).
    constraints : dict or None, default=None
        :class:`advisor.Constraints` fields (interpretability, gpu, latency_ms, ...) for the recommendation.
    refit_full : bool, default=True
        Refit the chosen model on every row after scoring it (else keep the train + validation model).
    run_dir : str or None, default=None
        Keep the run (Optuna storage, every family's model, ``result.json``) in this folder.
    storage : str or None, default=None
        An Optuna storage URL (default: SQLite in ``run_dir``, or in memory without ``run_dir``).
    random_state : int, default=0
        Seed of the splits, the samplers and the models.

    Attributes
    ----------
    classes_ : ndarray
        The class labels, sorted.
    best_family_ : str
        The family chosen (best on validation by ``metric``).
    model_ : advisor.models.persistence.AdvisorModel
        The chosen model (``model_.metadata['trained_on']`` says on which rows).
    result_ : advisor.BenchmarkResult
        The benchmark: leaderboard, Pareto fronts, trials, verdict.
    """

    _task = "classification"

    def _target(self, y: Any, n: int) -> pd.Series:
        y = column_or_1d(y, warn=True)
        if len(y) != n:
            raise ValueError(f"X has {n} rows but y has {len(y)} labels.")
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        return pd.Series(y, name="target")

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        check_is_fitted(self, "model_")
        proba = np.asarray(self.model_.predict_proba(self._features(X, reset=False)), dtype=float)
        order = [_position(label, self.classes_) for label in self.model_.labels]
        out = np.zeros((proba.shape[0], len(self.classes_)))
        out[:, order] = proba
        return out

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row, in the labels of ``y``."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class AdvisorRegressor(RegressorMixin, _AdvisorEstimator):
    """Classical or deep, chosen and trained on your data, for a numeric target.

    Parameters and attributes are those of :class:`AdvisorClassifier`, without ``classes_``; ``metric``
    is 'rmse', 'mae', 'r2' or a scikit-learn regression scorer (None: RMSE). Trials minimize RMSE.
    """

    _task = "regression"

    def _target(self, y: Any, n: int) -> pd.Series:
        y = column_or_1d(y, warn=True)
        y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        if len(y) != n:
            raise ValueError(f"X has {n} rows but y has {len(y)} values.")
        return pd.Series(y, name="target")

    def predict(self, X: Any) -> np.ndarray:
        """Predicted values, in the units of ``y``."""
        check_is_fitted(self, "model_")
        return np.asarray(self.model_.predict(self._features(X, reset=False)), dtype=float)


def _position(label: Any, classes: np.ndarray) -> int:
    """Where a saved model's label sits in ``classes_`` (labels were sorted as text inside the model)."""
    hits = np.flatnonzero(classes == label)
    if len(hits) == 0:
        hits = np.flatnonzero(classes.astype(str) == str(label))
    return int(hits[0])


def _load_model(path: str) -> Any:
    from advisor.models.persistence import load_model

    return load_model(path)

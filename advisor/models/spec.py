"""ModelSpec: one registered model family, its capabilities, search space, default and builder.

Every estimator a spec builds is scikit-learn compatible and follows one fit protocol:

    est.fit(X, y, eval_set=(X_val, y_val) | None, progress=callable | None)

``X`` is a pandas DataFrame whose categorical columns have the pandas ``category`` dtype (or a plain
numeric numpy array, as in scikit-learn's estimator checks). Iterative models (boosting rounds,
epochs) call ``progress(step, value)`` after each step with the validation loss (lower is better:
log loss for classification, RMSE for regression); when it returns True they stop early and keep
the best state so far. ``progress`` may also raise ``optuna.TrialPruned``, which must propagate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

if TYPE_CHECKING:
    import optuna
    from sklearn.base import BaseEstimator

    from advisor.benchmarking.views import ViewName
    from advisor.hardware import Device
    from advisor.profiling.profile import DatasetProfile
    from advisor.profiling.task import Task
    from advisor.rules.recommendation import TrainingRecipe
    from advisor.rules.transfer import Strategy

__all__ = ["EvalSet", "FitContext", "ModelSpec", "Progress", "Sizer", "Steps", "network_build"]

E = TypeVar("E")


#: The validation rows an iterative model monitors: ``(X_val, y_val)``.
EvalSet = tuple[Any, Any]


class Progress(Protocol):
    """Called after each boosting round / epoch with the validation loss; True means stop now."""

    def __call__(self, step: int, value: float) -> bool: ...


@dataclass(frozen=True)
class FitContext:
    """What a spec needs to choose defaults and build an estimator for one dataset and machine."""

    task: Task
    profile: DatasetProfile
    recipe: TrainingRecipe | None = None
    device: Device = "cpu"
    n_jobs: int = 1
    seed: int = 0
    categorical_columns: tuple[str, ...] = ()
    class_weight: bool = False  # the recommendation asks for imbalance handling
    transfer: Strategy | None = None  # the rules' transfer strategy (None: the data is not images or text)
    mixed: bool = False  # text columns beside tabular ones (the data has both)
    #: Settings chosen for this machine and the family's time (a network's width, heads, batch size, and why),
    #: by the spec's ``size`` hook; fixed for a family's whole search and kept in its config for refits.
    sizing: Mapping[str, Any] | None = None

    @property
    def is_classification(self) -> bool:
        return self.task in ("binary", "multiclass")

    def placement(self, *, device: bool = True) -> dict[str, Any]:
        """The estimator arguments that place a model on this machine and seed it: ``device`` (networks and
        XGBoost), ``n_jobs`` and ``random_state``."""
        where: dict[str, Any] = {"device": self.device} if device else {}
        return {**where, "n_jobs": self.n_jobs, "random_state": self.seed}


def network_build(cls: Callable[..., E]) -> Callable[[dict[str, Any], FitContext], E]:
    """The ``build`` of a family whose estimator takes its parameters plus the context's placement."""

    def build(params: dict[str, Any], ctx: FitContext) -> E:
        return cls(**params, **ctx.placement())

    build.__doc__ = f"An unfitted {getattr(cls, '__name__', cls)} on the context's device, threads and seed."
    return build


class Sizer(Protocol):
    """Chooses hardware-dependent settings for a family: ``size(ctx, seconds, rows)`` with the family's time
    (None: no budget) and the rows a trial trains on. Returns the settings and a ``why`` in words."""

    def __call__(self, ctx: FitContext, seconds: float | None, rows: int) -> dict[str, Any]: ...


#: What an iterative model's steps are: boosting rounds, epochs, or chunks of trees (None: not iterative).
Steps = Literal["rounds", "epochs", "trees"]


@dataclass(frozen=True)
class ModelSpec:
    """One family's model on one modality: how to search, build and feed it. The family itself (its id, role,
    modalities, tasks, costs) is declared once in :mod:`advisor.families`; a spec is reached through it.

    ``search_space(trial, ctx)`` is define-by-run Optuna code returning the estimator's parameters;
    ``default_params(ctx)`` returns the family's good default, a point of that space (same parameter
    names as the ``trial.suggest_*`` calls), enqueued as every study's first trial.
    ``build(params, ctx)`` returns an unfitted estimator following the fit protocol above. ``steps`` says what
    the ``progress`` calls count (boosting rounds, epochs, chunks of trees; None: the fit reports nothing),
    which sets the pruner's warm-up.
    """

    label: str
    search_space: Callable[[optuna.Trial, FitContext], dict[str, Any]]
    default_params: Callable[[FitContext], dict[str, Any]]
    build: Callable[[dict[str, Any], FitContext], BaseEstimator]
    steps: Steps | None = None
    #: The representation of the data the estimator consumes (see ``advisor.benchmarking.views``), or a
    #: function of the context choosing one (e.g. frozen embeddings for feature extraction).
    view: ViewName | Callable[[FitContext], ViewName] = "table"
    #: What the features are, in words, for the leaderboard (e.g. "TF-IDF of the text"); a function may use ctx.
    inputs: str | Callable[[FitContext], str] = ""
    #: Sizes the model for this machine and the family's time before its search (see :class:`Sizer`).
    size: Sizer | None = None
    #: Whether ``fit(X, y, pace=Pace(...))`` trains on every row by a deadline, each round drawing a share of the
    #: rows (:mod:`advisor.models.pace`): a large table's final refit then uses every row.
    paced: bool = False

    @property
    def iterative(self) -> bool:
        """Reports progress per round/epoch/chunk (pruning, deadlines)."""
        return self.steps is not None

    def view_for(self, ctx: FitContext) -> ViewName:
        return self.view(ctx) if callable(self.view) else self.view

    def inputs_for(self, ctx: FitContext) -> str:
        return self.inputs(ctx) if callable(self.inputs) else self.inputs

    def estimator_params(self, trial_params: Mapping[str, Any], ctx: FitContext) -> dict[str, Any]:
        """The estimator's parameters for a trial's sampled ones: the search space replayed on them, so the
        settings the space fixes from the data (epochs, loss, class weights) and the ones it derives from a
        choice (a term switched off is 0) come back as the trial had them. Parameters the space no longer
        asks for (a config written by another version) are passed as they are."""
        import optuna

        try:
            return self.search_space(optuna.trial.FixedTrial(dict(trial_params)), ctx)  # type: ignore[arg-type]
        except ValueError:  # a parameter the space asks for is missing
            return dict(trial_params)

"""The facade the CLI, the app and users call: load, profile, recommend.

>>> import advisor
>>> rec = advisor.recommend(advisor.DatasetProfile.from_summary(rows=50_000, features=100))
>>> rec.top.kind
'classical'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from advisor.data import Dataset, load
from advisor.errors import InvalidArgumentError, WrongTypeError
from advisor.hardware import Hardware, detect
from advisor.profiling import DatasetProfile, profile
from advisor.profiling.checks import check_answerable
from advisor.rules import Constraints, Recommendation, run_engine

__all__ = ["benchmark", "join_benchmark", "load", "load_model", "profile", "recommend", "refit", "trials_dashboard"]

if TYPE_CHECKING:
    from pathlib import Path

    from advisor.benchmarking import BenchmarkResult, Budget, ProgressEvent
    from advisor.benchmarking.config import ModelConfig
    from advisor.benchmarking.workers import JoinSummary
    from advisor.models.persistence import AdvisorModel
    from advisor.trials import TrialsDashboard


def recommend(
    data: DatasetProfile | Dataset | Any,
    constraints: Constraints | dict[str, Any] | None = None,
    *,
    target: str | None = None,
    task: str | None = None,
    metric: str | None = None,
    hardware: Hardware | None = None,
) -> Recommendation:
    """Rank model families for a dataset, with reasons, sources, recipes, transfer strategy and plan.

    ``data`` is a :class:`DatasetProfile` (e.g. from ``DatasetProfile.from_summary``), a loaded
    :class:`Dataset`, or anything :func:`advisor.load` reads (then ``target`` names the target).
    ``task`` overrides the detected task and ``metric`` is the score the plan ranks by (see
    :func:`advisor.load`). Data no model can be scored on is refused with the fix: fewer than 10 labelled
    rows (:class:`~advisor.errors.TooFewRowsError`), a classification target whose every value is unique
    (:class:`~advisor.errors.UnanswerableTargetError`); what-if profiles from numbers are not checked.
    ``constraints`` is a :class:`Constraints` or a dict of its fields; the GPU is
    detected unless ``constraints.gpu`` says otherwise.
    """
    prof = _as_profile(data, target, task, metric)
    return run_engine(prof, hardware or detect(), Constraints.coerce(constraints))


def _as_profile(data: Any, target: str | None, task: str | None, metric: str | None) -> DatasetProfile:
    """The profile to recommend for, refused (with the fix) when no model could be scored on its data.

    Profiles of data (a :class:`Dataset`, anything :func:`load` reads, or a profile :func:`profile` built) are
    checked by :func:`~advisor.profiling.checks.check_answerable`: too few labelled rows, an identifier as the
    target. What-if profiles (``DatasetProfile.from_summary``) are numbers, not data, and are not checked.
    """
    if isinstance(data, DatasetProfile):
        prof = _restate(data, task, metric)
    elif isinstance(data, Dataset):
        prof = profile(data, task=task, metric=metric)
    elif data is None:
        raise WrongTypeError(
            "recommend() got None instead of data.",
            "Pass a file path, a DataFrame, a Dataset or a DatasetProfile.",
        )
    else:
        prof = profile(load(data, target=target, task=task, metric=metric))
    if not prof.from_summary_only:
        check_answerable(prof)
    return prof


def _restate(prof: DatasetProfile, task: str | None, metric: str | None) -> DatasetProfile:
    """A profile with the user's task and metric: a task cannot be changed without the data (the class counts
    would be wrong), so only a matching one is accepted."""
    from advisor.metrics import resolve_metric
    from advisor.profiling.task import check_task

    task = check_task(task)
    if task is not None and task != prof.task and not (task == "classification" and prof.is_classification):
        raise InvalidArgumentError(
            f"task={task!r} differs from the profile's task {prof.task!r}.",
            "Profile the data again with the task stated: advisor.profile(dataset, task=...).",
        )
    if metric is None:
        return prof
    return prof.with_changes(metric=resolve_metric(metric, prof.task))


def benchmark(
    dataset: Dataset | Any,
    recommendation: Recommendation | None = None,
    budget: Budget | float | dict[str, Any] = 60.0,
    storage: str | None = None,
    seed: int = 0,
    *,
    target: str | None = None,
    task: str | None = None,
    metric: str | None = None,
    run_dir: str | Path | None = None,
    families: list[str] | None = None,
    price_per_hour: float | None = None,
    on_progress: Callable[[ProgressEvent], None] | None = None,
    refit_full: bool = True,
    sampler: str | Any | None = None,
    pruner: str | Any | None = None,
    workers: int = 1,
    run_name: str | None = None,
) -> BenchmarkResult:
    """Measure the recommended families on this data and hardware: Optuna search, refit, one test score.

    ``task`` overrides the detected task and ``metric`` is the score the leaderboard, the verdict and the
    final choice use (trials still minimize log loss or RMSE on validation; see :func:`advisor.load`).
    ``budget`` is wall seconds (``60``), ``advisor.Budget(trials=30)``, or both; with seconds the whole
    call ends within 105% of it. ``storage`` is any Optuna storage URL (default: a SQLite file in
    ``run_dir``, which defaults to ``./advisor-runs/<dataset>``); rerunning with the same run folder
    resumes and never repeats a finished trial. ``recommendation`` defaults to ``recommend(dataset)``
    and decides the candidates and their budget shares. The family chosen as the model to use (best on
    validation by ``metric``, ``result.best_family``) is refit on every row, test rows included, and saved as
    ``<run_dir>/models/best.pkl`` (``result.deployed`` says which rows it saw); ``refit_full=False`` keeps
    the model scored on test (trained on train + validation) instead. ``sampler`` and ``pruner`` choose how
    each family's Optuna study searches: a name ('tpe', 'random', 'cmaes', 'qmc', 'gp'; 'median', 'hyperband',
    'successive_halving', 'percentile', 'none') or an Optuna sampler / pruner object (copied per family);
    the default is a multivariate TPE sampler seeded per family and a median pruner.

    ``workers`` > 1 searches with that many processes on this machine, sharing the budget and every study in
    ``storage``, which must then be a database server (``postgresql://...``; SQLite is refused). The run is
    recorded there as ``run_name`` (default: the run folder's name), so that workers on other machines can
    join it with :func:`advisor.join_benchmark` (``advisor worker``); this call alone refits, scores on test
    and reports. The data must then be a file or folder (other workers load it, checked by SHA-256).

    >>> result = advisor.benchmark(advisor.datasets.load("diabetes"), budget=30)   # doctest: +SKIP
    >>> result.leaderboard()                                                       # doctest: +SKIP
    """
    import time

    start = time.monotonic()  # the budget's clock: imports and loading count against it
    from advisor.benchmarking import Budget, run_benchmark

    budget = Budget.coerce(budget).started(start)
    data = dataset if isinstance(dataset, Dataset) else load(dataset, target=target)
    data = data.stating(task, metric)
    return run_benchmark(
        data,
        recommendation,
        budget,
        storage,
        seed,
        run_dir=run_dir,
        families=families,
        price_per_hour=price_per_hour,
        on_progress=on_progress,
        refit_full=refit_full,
        sampler=sampler,
        pruner=pruner,
        workers=workers,
        run_name=run_name,
    )


def join_benchmark(
    storage: str,
    run: str,
    *,
    data: str | Path | None = None,
    threads: int | None = None,
    on_progress: Callable[[ProgressEvent], None] | None = None,
) -> JoinSummary:
    """Join the shared benchmark ``run`` (started with ``workers=`` or ``run_name=``) in ``storage`` as one more
    worker, until its budget is spent: the same data (``data``: this machine's copy, checked by SHA-256 against
    the run's), the same splits and plan, trials in the same Optuna studies. Returns the trials it ran.

    >>> advisor.join_benchmark("postgresql://user:pw@db/advisor", "adult")   # doctest: +SKIP
    """
    from advisor.benchmarking.workers import join_benchmark as join

    return join(storage, run, data=data, threads=threads, on_progress=on_progress)


def refit(
    config: ModelConfig | dict[str, Any] | str | Path,
    data: Dataset | Any,
    *,
    target: str | None = None,
    out: str | Path | None = None,
) -> AdvisorModel:
    """Train a benchmark's winner again on new data, without searching.

    ``config`` is ``result.best_config()``, a dict of it, or a YAML / JSON file it was saved to (every run
    writes ``<run folder>/best_config.yaml``); ``data`` is anything :func:`load` reads (``target`` defaults to
    the config's). The model is fitted on every row; ``out`` saves it. Returns the model.

    >>> model = advisor.refit("advisor-runs/adult/best_config.yaml", "adult_2027.csv")   # doctest: +SKIP
    >>> model.predict(new_rows)                                                           # doctest: +SKIP
    """
    from advisor.benchmarking.refit import refit as _refit

    return _refit(config, data, target=target, out=out)


def load_model(path: str | Path) -> AdvisorModel:
    """Load a model saved by :func:`benchmark`: ``<run folder>/models/best.pkl`` (the chosen model, to deploy)
    or ``<run folder>/models/<family>.pkl`` (each family's model scored on test)."""
    from advisor.models.persistence import load_model as _load

    return _load(path)


def trials_dashboard(
    run_dir: str | Path | None = None,
    *,
    storage: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8080,
) -> TrialsDashboard:
    """Open a benchmark's trials in optuna-dashboard (``pip install "advisor[dashboard]"``), served in a
    background thread: every trial's parameters, validation loss, learning curve and costs, per family.

    ``run_dir`` is a run folder (its ``optuna.db``, or the storage URL its ``result.json`` records);
    ``storage`` (any Optuna storage URL) overrides it. ``port=0`` picks a free port. The returned
    dashboard has ``.url``, ``.studies`` (name and trial counts per family), ``.wait()`` (block until
    Ctrl-C) and ``.stop()``; it is also a context manager. ``advisor trials RUN_DIR`` is the same.

    >>> dashboard = advisor.trials_dashboard("advisor-runs/adult")   # doctest: +SKIP
    >>> dashboard.url, [s.name for s in dashboard.studies]            # doctest: +SKIP
    ('http://127.0.0.1:8080/', [...one study per family...])
    >>> dashboard.stop()                                              # doctest: +SKIP
    """
    from advisor.trials import start, storage_for

    return start(storage_for(run_dir, storage), host=host, port=port)

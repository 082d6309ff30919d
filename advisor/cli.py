"""The ``advisor`` command line: profile, recommend and benchmark a file, a folder or a bundled dataset.

advisor profile data.csv --target churn
advisor recommend data.csv --target churn --interpretable --json
advisor profile ratings.csv --target stars --task regression        # state the task when it could be read either way
advisor benchmark data.csv --target churn --budget 60 --metric f1   # leaderboard, verdict and choice by F1
advisor benchmark --suite suite.yaml --jobs 2 --out runs/suite     # many datasets, with reports
advisor curve data.csv --target churn --budget 300                 # would more data change the answer?
advisor trials advisor-runs/churn                                   # its trials in optuna-dashboard
advisor datasets
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any, NamedTuple

import typer
from rich.console import Console
from rich.markup import escape

from advisor.errors import AdvisorError

app = typer.Typer(
    name="advisor",
    help="Classical ML or deep learning? Profile a dataset and get ranked model families with "
    "reasons, sources, a training recipe and a benchmark plan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)


class Level(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class SamplerOption(StrEnum):
    tpe = "tpe"
    random = "random"
    cmaes = "cmaes"
    qmc = "qmc"
    gp = "gp"


class PrunerOption(StrEnum):
    median = "median"
    hyperband = "hyperband"
    successive_halving = "successive_halving"
    percentile = "percentile"
    none = "none"


class ModalityOption(StrEnum):
    tabular = "tabular"
    image = "image"
    text = "text"
    timeseries = "timeseries"


class TaskOption(StrEnum):
    binary = "binary"
    multiclass = "multiclass"
    classification = "classification"
    regression = "regression"


def _check_metric(value: str | None) -> str | None:
    """``--metric``: a built-in name, an alias or a scikit-learn scorer name (checked against the task later)."""
    if value is None:
        return None
    from advisor.metrics import resolve_metric

    try:
        return resolve_metric(value)
    except AdvisorError as exc:
        raise typer.BadParameter(str(exc)) from None


PathArg = Annotated[
    str,
    typer.Argument(
        help="A CSV/TSV/Parquet file, an image folder or zip, an .npz, a .ts file or folder, "
        "or a bundled dataset name (see `advisor datasets`)."
    ),
]
TargetOpt = Annotated[
    str | None,
    typer.Option("--target", "-t", help="Target column to predict. If left out, advisor proposes one and says why."),
]
ModalityOpt = Annotated[ModalityOption | None, typer.Option(help="Override the detected kind of data.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for machines instead of tables.")]
DropOpt = Annotated[
    bool, typer.Option("--drop-empty-columns", help="Drop columns with no values instead of stopping with an error.")
]
TaskOpt = Annotated[
    TaskOption | None,
    typer.Option(
        "--task",
        help="State the task instead of detecting it: binary, multiclass, classification (binary or multiclass by "
        "the class count) or regression. Use it when the target could be read either way, e.g. a 1-5 rating "
        "(detected as classes and flagged) that is a score to regress.",
        show_default=False,
    ),
]
MetricOpt = Annotated[
    str | None,
    typer.Option(
        "--metric",
        help="The score you are judged on: accuracy, balanced_accuracy, roc_auc, log_loss, f1 (classification); "
        "rmse, mae, r2 (regression); or any scikit-learn scorer name (e.g. matthews_corrcoef, f1_weighted). "
        "The plan, the leaderboard, the verdict and the chosen model use it; trials still minimize log loss "
        "(classification) or RMSE (regression) on validation. Default: the plan's (accuracy; ROC-AUC or balanced "
        "accuracy on imbalanced classes; RMSE).",
        callback=_check_metric,
        show_default=False,
    ),
]


@app.command()
def profile(
    path: PathArg,
    target: TargetOpt = None,
    modality: ModalityOpt = None,
    task: TaskOpt = None,
    metric: MetricOpt = None,
    as_json: JsonOpt = False,
    drop_empty_columns: DropOpt = False,
) -> None:
    """Show what advisor sees in a dataset: modality, task (and whether it could be read the other way), sizes,
    column roles, balance, skew."""
    from advisor.api import profile as build_profile

    dataset = _load(path, target, modality, drop_empty_columns, propose=True, task=task, metric=metric)
    prof = build_profile(dataset)
    if as_json:
        _print_json(prof.to_dict())
        return
    from advisor.reporting.console import render_profile

    out.print(render_profile(prof))


@app.command()
def recommend(
    path: PathArg,
    target: TargetOpt = None,
    modality: ModalityOpt = None,
    interpretable: Annotated[
        bool, typer.Option("--interpretable", help="Decisions must be explainable (regulated or audited use).")
    ] = False,
    gpu: Annotated[
        bool | None,
        typer.Option("--gpu/--no-gpu", help="Whether a GPU is available for training \\[default: detected]."),
    ] = None,
    urgency: Annotated[Level, typer.Option(help="How soon a model must be deployed.")] = Level.medium,
    latency_ms: Annotated[
        float | None, typer.Option(help="Single-prediction latency budget in milliseconds.", min=0.001)
    ] = None,
    compute: Annotated[Level, typer.Option(help="Compute budget for training.")] = Level.medium,
    time_budget: Annotated[
        float | None,
        typer.Option(
            help="Seconds you will give the benchmark: 15 minutes or less reads a table's deep-vs-GBDT odds from "
            "small-budget measurements (docs/odds.md).",
            min=1.0,
            show_default=False,
        ),
    ] = None,
    task: TaskOpt = None,
    metric: MetricOpt = None,
    as_json: JsonOpt = False,
    drop_empty_columns: DropOpt = False,
) -> None:
    """Rank model families for a dataset: reasons with sources, training recipe, transfer strategy
    and benchmark plan (ranked by --metric when given). Data no model can be scored on (fewer than 10
    labelled rows, an identifier as the target) is refused with the fix."""
    from advisor.api import recommend as run_recommend
    from advisor.rules import Constraints

    constraints = Constraints(
        interpretability=interpretable,
        gpu=gpu,
        deploy_urgency=urgency.value,
        latency_ms=latency_ms,
        compute_budget=compute.value,
        time_budget_s=time_budget,
    )
    dataset = _load(path, target, modality, drop_empty_columns, propose=True, task=task, metric=metric)
    rec = run_recommend(dataset, constraints)
    if as_json:
        _print_json(rec.to_dict())
        return
    from advisor.reporting.console import render_recommendation

    out.print(render_recommendation(rec))


@app.command()
def benchmark(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="A CSV/TSV/Parquet file, an image folder or zip, an .npz, a .ts file or folder, or a bundled "
            "dataset name. Several of them, a folder of datasets or a suite file (.yaml/.yml/.toml) run a suite.",
            show_default=False,
            metavar="PATH",
        ),
    ] = None,
    target: TargetOpt = None,
    budget: Annotated[
        float | None,
        typer.Option(
            help="Wall-clock budget in seconds for the whole run (search, refits, test); per dataset in a suite "
            "(default: 60).",
            min=1.0,
            show_default=False,
        ),
    ] = None,
    trials: Annotated[
        int | None,
        typer.Option(help="Trial budget shared across families (with --budget, whichever ends first).", min=1),
    ] = None,
    run_dir: Annotated[
        str | None,
        typer.Option(
            help="Run folder (Optuna storage, models, result.json; default: advisor-runs/<dataset>). "
            "Rerun with the same folder to resume."
        ),
    ] = None,
    storage: Annotated[
        str | None,
        typer.Option(help="Optuna storage URL, e.g. postgresql://user@host/db (default: SQLite in the run folder)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Random seed for splits, samplers and models (default: 0).", show_default=False)
    ] = None,
    families: Annotated[
        str | None, typer.Option(help="Comma-separated families to run instead of the recommendation's plan.")
    ] = None,
    price_per_hour: Annotated[
        float | None, typer.Option(help="Machine price per hour, to report training cost in money.", min=0.0)
    ] = None,
    modality: ModalityOpt = None,
    task: TaskOpt = None,
    metric: MetricOpt = None,
    refit_full: Annotated[
        bool | None,
        typer.Option(
            "--refit-full/--no-refit-full",
            help="Refit the chosen model (best on validation by the metric) on every row, test rows included, "
            "before saving it as <run folder>/models/best.pkl, the model to deploy \\[default: refit-full]. "
            "--no-refit-full keeps the model scored on test (trained on train + validation).",
            show_default=False,
        ),
    ] = None,
    sampler: Annotated[
        SamplerOption | None,
        typer.Option(help="Optuna sampler of every family's search \\[default: tpe, multivariate, seeded per family]."),
    ] = None,
    pruner: Annotated[
        PrunerOption | None,
        typer.Option(help="Optuna pruner that stops weak trials early \\[default: median]."),
    ] = None,
    as_json: JsonOpt = False,
    drop_empty_columns: DropOpt = False,
    suite: Annotated[
        str | None,
        typer.Option(help="Suite file (YAML or TOML): datasets with their targets and budgets (docs/suites.md)."),
    ] = None,
    out_dir: Annotated[
        str | None,
        typer.Option(
            "--out",
            help="Suite output folder: a run folder per dataset, suite.json, reports/ "
            "(default: advisor-runs/suite). Rerun with the same folder to skip finished datasets and resume.",
        ),
    ] = None,
    report: Annotated[
        str | None,
        typer.Option(help="Suite report formats, comma-separated: html, md, json, or none (default: all three)."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", help="Suite datasets benchmarked at once, each in its own process (default: 1).", min=1
        ),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            help="Suite datasets sent one per task to this existing Dask cluster (its scheduler's address, e.g. "
            "tcp://host:8786) instead of local processes; needs advisor[cluster] (docs/scaling.md).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Worker processes searching this one benchmark at once, sharing its budget; needs --storage "
            "postgresql://... (more workers can join from other machines: `advisor worker`; docs/scaling.md).",
            min=1,
        ),
    ] = None,
    run_name: Annotated[
        str | None,
        typer.Option(
            "--run",
            help="Name of this benchmark in the shared --storage, for `advisor worker --run NAME` on other "
            "machines (default: the run folder's name).",
        ),
    ] = None,
) -> None:
    """Measure the recommended model families on this data and machine: a live progress bar, then a
    leaderboard, Pareto fronts, whether the rules were right, and the model to use (best on validation by
    the metric, refit on all rows and saved as <run folder>/models/best.pkl). Several datasets (or a folder,
    or --suite FILE) run as a suite: a progress bar per dataset, a summary table, HTML/Markdown/JSON reports."""
    start = time.monotonic()  # the budget's clock: loading the file and importing the models count against it
    paths = paths or []
    if _is_suite(paths, suite, out_dir, report, jobs) or cluster is not None:
        if run_dir is not None or storage is not None or workers is not None or run_name is not None:
            raise typer.BadParameter(
                "--run-dir, --storage, --workers and --run are for one dataset; a suite takes --out DIR and --jobs N"
            )
        options = SuiteOptions(target, budget, trials, seed, families, price_per_hour, modality, drop_empty_columns)
        options = options._replace(
            task=task,
            metric=metric,
            refit_full=refit_full,
            sampler=sampler.value if sampler else None,
            pruner=pruner.value if pruner else None,
        )
        if jobs is not None and cluster is not None:
            raise typer.BadParameter("--jobs runs local processes and --cluster a Dask cluster's: give one of them")
        options = options._replace(cluster=cluster)
        _run_suite([*([suite] if suite else []), *paths], options, out_dir, report, jobs or 1, as_json)
        return
    from advisor.api import benchmark as run
    from advisor.benchmarking import Budget

    seconds = budget if budget is not None else 60.0
    clock = Budget(seconds=seconds, trials=trials).started(start)
    dataset = _load(paths[0], target, modality, drop_empty_columns, propose=True, task=task, metric=metric)
    chosen = [f.strip() for f in families.split(",")] if families else None
    with _progress_display(seconds, as_json) as on_progress:
        result = run(
            dataset,
            budget=clock,
            storage=storage,
            seed=seed if seed is not None else 0,
            run_dir=run_dir,
            families=chosen,
            price_per_hour=price_per_hour,
            on_progress=on_progress,
            refit_full=refit_full is not False,
            sampler=sampler.value if sampler else None,
            pruner=pruner.value if pruner else None,
            workers=workers or 1,
            run_name=run_name,
        )
    if as_json:
        _print_json(result.to_dict())
        return
    from advisor.reporting.console import render_benchmark

    out.print(render_benchmark(result))


class SuiteOptions(NamedTuple):
    """The `benchmark` options that apply to every dataset of a suite (unless its suite entry says otherwise)."""

    target: str | None
    budget: float | None
    trials: int | None
    seed: int | None
    families: str | None
    price_per_hour: float | None
    modality: ModalityOption | None
    drop_empty_columns: bool
    task: TaskOption | None = None
    metric: str | None = None
    refit_full: bool | None = None
    sampler: str | None = None
    pruner: str | None = None
    cluster: str | None = None


def _is_suite(paths: list[str], suite: str | None, out_dir: str | None, report: str | None, jobs: int | None) -> bool:
    """Suite mode: several paths, a suite file, a folder of datasets, or any suite-only option."""
    if not paths and suite is None:
        raise typer.BadParameter("give a PATH (a file, folder or bundled dataset name), several, or --suite FILE")
    if suite is not None or len(paths) != 1 or any(v is not None for v in (out_dir, report, jobs)):
        return True
    from advisor.suite.discover import is_collection
    from advisor.suite.suitefile import is_suite_file

    return is_suite_file(paths[0]) or is_collection(paths[0])


def _run_suite(
    sources: list[str], options: SuiteOptions, out_dir: str | None, report: str | None, jobs: int, as_json: bool
) -> None:
    """Benchmark every dataset with bars on stderr, then print the summary table and the report paths."""
    from contextlib import nullcontext

    from advisor.benchmarking import Budget
    from advisor.suite.console import SuiteProgress, render_suite_summary
    from advisor.suite.runner import benchmark_suite

    budget = Budget(seconds=options.budget, trials=options.trials) if options.budget or options.trials else None
    display = nullcontext(None) if as_json else SuiteProgress(err)
    with display as on_progress:
        result = benchmark_suite(
            sources,
            out_dir or "advisor-runs/suite",
            jobs,
            budget=budget,
            seed=options.seed,
            target=options.target,
            modality=options.modality.value if options.modality else None,
            families=[f.strip() for f in options.families.split(",")] if options.families else None,
            price_per_hour=options.price_per_hour,
            reports=report if report is not None else "html,md,json",
            propose_targets=True,
            drop_empty_columns=options.drop_empty_columns,
            task=options.task.value if options.task else None,
            metric=options.metric,
            refit_full=options.refit_full,
            sampler=options.sampler,
            pruner=options.pruner,
            cluster=options.cluster,
            on_progress=on_progress,
        )
    if as_json:
        _print_json(result.to_dict())
    else:
        out.print(render_suite_summary(result))
        for name, path in result.reports.items():
            out.print(f"{name} report: {path}", soft_wrap=True, highlight=False)
        out.print(f"suite state: {result.state_path}", soft_wrap=True, highlight=False)
    if result.report_error:
        err.print(f"[yellow]warning: no reports written: {result.report_error}[/]")
    if result.failed:
        raise typer.Exit(1 if any(d.error_kind == "bug" for d in result.failed) else 2)


@app.command()
def worker(
    storage: Annotated[
        str, typer.Option(help="The shared Optuna storage of the benchmark, e.g. postgresql://user:pw@host/db.")
    ],
    run_name: Annotated[str, typer.Option("--run", help="The benchmark's name (its --run, or its run folder's name).")],
    data: Annotated[
        str | None,
        typer.Option(help="This machine's copy of the data, when its path differs (checked by SHA-256)."),
    ] = None,
    threads: Annotated[int | None, typer.Option(help="Threads per model (default: every core).", min=1)] = None,
) -> None:
    """Join a benchmark started with `advisor benchmark DATA --storage URL --workers N` (or --run NAME) as one
    more worker: the same data, splits and plan; trials in the same Optuna studies until its budget is spent.
    The benchmark's own process refits, scores and reports; this prints the trials it ran."""
    from advisor.api import join_benchmark

    with out.status(f"searching as a worker of '{run_name}'..."):
        summary = join_benchmark(storage, run_name, data=data, threads=threads)
    counts = ", ".join(f"{family}: {len(numbers)}" for family, numbers in summary.trials.items()) or "none"
    out.print(f"{summary.worker} ran {summary.n_trials} trials of '{summary.run}' ({counts}).")


@app.command()
def curve(
    path: PathArg,
    target: TargetOpt = None,
    budget: Annotated[
        float, typer.Option(help="Wall-clock budget in seconds for the whole curve (every size's benchmark).", min=10.0)
    ] = 180.0,
    families: Annotated[
        str | None,
        typer.Option(help="Comma-separated families to measure (default: the best GBDT and the best network)."),
    ] = None,
    sizes: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated training sizes in rows, at least five (default: five, doubling up to "
            "the rows left after a 20% test split)."
        ),
    ] = None,
    out_dir: Annotated[
        str | None,
        typer.Option(
            "--out",
            help="Folder for curve.json, curve.html and each size's run (default: advisor-runs/<dataset>-curve).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed for the test split, subsamples and models.")] = 0,
    modality: ModalityOpt = None,
    task: TaskOpt = None,
    metric: MetricOpt = None,
    as_json: JsonOpt = False,
    drop_empty_columns: DropOpt = False,
) -> None:
    """Data-size what-if: measure the best GBDT and the best network on growing stratified subsamples (the
    same test rows for all), fit a power law to each, and say at how many rows the network is expected to
    overtake the trees, or that it is not expected to within 10x the data. Writes curve.json and an HTML
    report with the chart."""
    from pathlib import Path

    from advisor.curve import CURVE_FILE, CURVE_REPORT, learning_curve
    from advisor.errors import InvalidArgumentError
    from advisor.reporting.curve_html import render_curve_html

    start = time.monotonic()
    dataset = _load(path, target, modality, drop_empty_columns, propose=True, task=task, metric=metric)
    try:
        chosen_sizes = [int(v.replace("_", "")) for v in sizes.split(",")] if sizes else None
    except ValueError:
        raise InvalidArgumentError(
            f"--sizes {sizes!r} is not a list of whole numbers.", "Pass e.g. --sizes 500,1000,2000,4000,8000."
        ) from None
    folder = Path(out_dir or Path("advisor-runs") / f"{dataset.name}-curve")
    folder.mkdir(parents=True, exist_ok=True)
    with _steps_display("curve", as_json) as on_progress:
        result = learning_curve(
            dataset,
            families=[f.strip() for f in families.split(",")] if families else None,
            sizes=chosen_sizes,
            budget=max(budget - (time.monotonic() - start), 1.0),
            seed=seed,
            run_dir=folder / "runs",
            on_progress=on_progress,
        )
    result.save(folder / CURVE_FILE)
    (folder / CURVE_REPORT).write_text(render_curve_html(result), encoding="utf-8")
    if as_json:
        _print_json(result.to_dict())
        return
    from advisor.reporting.console import render_curve

    out.print(render_curve(result))
    out.print(f"Report: {folder / CURVE_REPORT}  (data: {folder / CURVE_FILE})")


@app.command("refit")
def refit_command(
    config: Annotated[
        str,
        typer.Argument(
            help="A model config: a run folder's best_config.yaml, or a file saved from result.best_config().",
            show_default=False,
        ),
    ],
    path: PathArg,
    target: Annotated[str | None, typer.Option("--target", "-t", help="Target column (default: the config's).")] = None,
    out: Annotated[str, typer.Option(help="Where to save the trained model (a .pkl file).")] = "model.pkl",
    as_json: JsonOpt = False,
) -> None:
    """Train a benchmark's winner again on new data, without searching: the family, parameters, rounds or
    epochs and recipe come from CONFIG; every row of PATH is used. Saves a model that predicts from raw data."""
    from advisor.api import refit

    model = refit(config, path, target=target, out=out)
    summary = {
        "family": model.family,
        "task": model.task,
        "rows": model.metadata.get("rows"),
        "fit_s": model.metadata.get("fit_s"),
        "model": out,
    }
    if as_json:
        _print_json(summary)
        return
    out_text = f"Trained {model.family} ({model.task}) on {summary['rows']:,} rows in {summary['fit_s']:.1f}s"
    print(f"{out_text}; saved to {out}. Load it with advisor.load_model({out!r}).")


@app.command()
def datasets() -> None:
    """List the bundled sample datasets (usable by name in place of a path)."""
    from rich.table import Table

    from advisor import datasets as bundled

    frame = bundled.describe()
    table = Table(title="Bundled datasets")
    for column in frame.columns:
        table.add_column(str(column))
    for row in frame.itertuples(index=False):
        table.add_row(*[f"{v:,}" if isinstance(v, int) else str(v) for v in row])
    out.print(table)


@app.command()
def hardware(as_json: JsonOpt = False) -> None:
    """Show the CPU cores, memory, GPUs and library versions advisor will use."""
    from advisor.hardware import detect

    hw = detect(probe_torch=True)
    if as_json:
        _print_json(hw.to_dict())
        return
    out.print(hw.describe())
    for name, version in hw.versions.items():
        out.print(f"  {name:14s} {version}")


@app.command("app")
def dashboard(
    port: Annotated[int | None, typer.Option(help="Port to serve on (default: Streamlit's, 8501).", min=1)] = None,
    headless: Annotated[bool, typer.Option("--headless", help="Serve without opening a browser.")] = False,
) -> None:
    """Open the dashboard (Streamlit): upload data, see the recommendation, run a live benchmark, compare
    results and download reports. Run folders go to ./advisor-runs (or $ADVISOR_RUNS_ROOT)."""
    import subprocess

    from advisor.app.launch import streamlit_command

    raise typer.Exit(subprocess.call(streamlit_command(port=port, headless=headless)))


@app.command()
def trials(
    run_dir: Annotated[
        str | None,
        typer.Argument(
            help="A run folder written by `advisor benchmark` (default location: advisor-runs/<dataset>).",
            show_default=False,
            metavar="RUN_DIR",
        ),
    ] = None,
    port: Annotated[int, typer.Option(help="Port to serve on; 0 picks a free one.", min=0, max=65535)] = 8080,
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on: 127.0.0.1 is this machine only; 0.0.0.0 is every network interface "
            "(whoever reaches it can rename or delete studies)."
        ),
    ] = "127.0.0.1",
    storage: Annotated[
        str | None,
        typer.Option(
            help="Optuna storage URL to open instead of the run folder's, e.g. postgresql://user@host/db "
            "(then RUN_DIR may be left out).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Inspect a benchmark trial by trial in optuna-dashboard: each family's study with every trial's
    parameters, validation loss, learning curve (pruning), costs and validation metrics, optimization history
    and parameter importances. Prints the URL and the studies found, then serves until Ctrl-C.

    The storage is the run folder's optuna.db, or the URL its result.json records when the benchmark ran
    with --storage. Needs the dashboard extra: pip install "advisor\\[dashboard]". Any Optuna tool opens
    the same storage, e.g. optuna-dashboard sqlite:///advisor-runs/adult/optuna.db.

    Example: advisor trials advisor-runs/adult --port 8081
    """
    from advisor.reporting.console import render_trials
    from advisor.trials import serve, storage_for

    if run_dir is None and storage is None:
        raise typer.BadParameter("give a RUN_DIR (e.g. advisor-runs/adult) or --storage URL")
    serve(storage_for(run_dir, storage), host=host, port=port, on_ready=lambda dash: out.print(render_trials(dash)))


def _load(
    path: str,
    target: str | None,
    modality: ModalityOption | None,
    drop_empty: bool,
    propose: bool,
    *,
    task: TaskOption | None = None,
    metric: str | None = None,
) -> Any:
    """Load the data with the stated task and metric; with no target on a table, propose one (and say why) on
    stderr."""
    from advisor.api import load

    stated: dict[str, Any] = {"task": task.value if task else None, "metric": metric}
    kind = modality.value if modality else None
    dataset = load(path, target=target, modality=kind, drop_empty_columns=drop_empty, **stated)
    if target is None and dataset.y is None and propose:
        dataset = _with_proposed_target(dataset, path, modality, drop_empty, stated)
    _print_load_warnings(dataset.meta)
    return dataset


def _print_load_warnings(meta: dict[str, Any]) -> None:
    """What loading skipped (non-image files, empty class folders): said on stderr, never silently."""
    for warning in meta.get("warnings", ()):
        err.print(f"[yellow]warning: {warning}[/]")


def _with_proposed_target(
    dataset: Any, path: str, modality: ModalityOption | None, drop_empty: bool, stated: dict[str, Any]
) -> Any:
    """``dataset`` loaded again with the target advisor proposes (and the user's task and metric, ``stated``)."""
    import pandas as pd

    from advisor.api import load
    from advisor.data import suggest_target

    if not isinstance(dataset.X, pd.DataFrame):
        return dataset
    suggestion = suggest_target(dataset.X)
    if suggestion is None:
        err.print(
            "[yellow]No --target given and none stands out: profiling without a target. "
            "Pass --target COLUMN to get a task-specific answer.[/]"
        )
        return dataset
    err.print(
        f"[yellow]No --target given: using '{suggestion.column}' ({suggestion.reason}). "
        "Pass --target COLUMN to choose another.[/]"
    )
    kind = modality.value if modality else None
    return load(path, target=suggestion.column, modality=kind, drop_empty_columns=drop_empty, **stated)


@contextmanager
def _bar(steps: bool = False) -> Iterator[Any]:
    """A rich progress bar on stderr: description, bar, (steps done of all,) status text, elapsed time."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    count = [MofNCompleteColumn()] if steps else []
    columns = [TextColumn("[bold]{task.description}"), BarColumn(), *count, TextColumn("{task.fields[status]}")]
    with Progress(*columns, TimeElapsedColumn(), console=err, transient=False) as bar:
        yield bar


@contextmanager
def _progress_display(budget: float | None, quiet: bool) -> Iterator[Callable[[Any], None] | None]:
    """A live progress bar on stderr: trials done, best validation loss per family, time left."""
    if quiet:
        yield None
        return
    with _bar() as bar:
        task = bar.add_task("benchmark", total=budget or 1.0, status="starting")

        def update(event: Any) -> None:
            best = ", ".join(f"{k} {v:.4f}" for k, v in event.best.items())
            left = f"{max((event.budget_s or 0) - event.elapsed_s, 0):.0f}s left" if event.budget_s else ""
            trials = f"{event.trials_done}" + (f"/{event.trials_target}" if event.trials_target else "")
            status = f"{event.phase} {event.family} | trials {trials} | best loss: {best or '-'} | {left}"
            if event.phase == "embed":  # a frozen encoder is embedding the dataset (once, then cached)
                status = f"{event.message} | {left}"
            done = event.elapsed_s if event.budget_s else event.trials_done / max(event.trials_target or 1, 1)
            bar.update(task, completed=min(done, budget or 1.0), status=status)

        yield update
        bar.update(task, completed=budget or 1.0)


@contextmanager
def _steps_display(label: str, quiet: bool) -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress bar over a known number of steps, on stderr."""
    if quiet:
        yield None
        return
    with _bar(steps=True) as bar:
        task = bar.add_task(label, total=None, status="starting")

        def update(done: int, total: int, message: str) -> None:
            bar.update(task, completed=done, total=total, status=message)

        yield update


def _print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def main() -> None:
    """Entry point: run the app and turn every AdvisorError into a clear message and exit code 2."""
    try:
        app()
    except AdvisorError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}")  # a message's [brackets] are text, not markup
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]")
        raise SystemExit(130) from None
    except Exception as exc:  # a bug, not bad input: keep it short unless debugging
        if os.environ.get("ADVISOR_DEBUG"):
            raise
        err.print(
            f"[bold red]unexpected error:[/] {type(exc).__name__}: {escape(str(exc))}\n"
            "This is a bug in advisor; rerun with ADVISOR_DEBUG=1 for the traceback and report it."
        )
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()

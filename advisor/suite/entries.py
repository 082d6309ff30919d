"""What a suite is made of: its datasets (entries), suite-level settings, and the jobs they resolve to.

An entry leaves a field unset (``None``) to take it from the suite. The value a dataset runs with is
the first one set of: the entry, the caller's settings (``benchmark_suite(...)`` arguments, CLI
options), the suite file's top-level settings, the built-in default (60 s, seed 0, the detected task,
the plan's metric, the chosen model refit on all rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.benchmarking.budget import Budget

__all__ = ["DEFAULT_SECONDS", "RESERVED_SLUGS", "Job", "Suite", "SuiteEntry", "SuiteSettings", "resolve_jobs"]

#: Seconds per dataset when nothing else sets a budget (as for ``advisor benchmark``).
DEFAULT_SECONDS = 60.0
#: Names inside the output folder that a dataset folder must not take.
RESERVED_SLUGS = frozenset({"reports"})
_TS_SPLITS = ("_train", "_test")


@dataclass(frozen=True)
class SuiteEntry:
    """One dataset of a suite: where it is and, optionally, how to run it.

    ``path`` is anything :func:`advisor.load` reads (a file, a folder, a bundled dataset name);
    ``test_path`` pairs a UCR/UEA ``NAME_TRAIN.ts`` file (``path``) with its ``NAME_TEST.ts``.
    ``budget`` is seconds; ``trials`` a trial budget (with seconds, whichever ends first). ``task`` states
    the task instead of detecting it and ``metric`` the score the leaderboard, verdict and choice use
    (as :func:`advisor.benchmark`'s ``task=`` / ``metric=``).
    """

    path: str
    name: str | None = None
    target: str | None = None
    modality: str | None = None
    budget: float | None = None
    trials: int | None = None
    families: tuple[str, ...] | None = None
    test_path: str | None = None
    task: str | None = None
    metric: str | None = None

    @property
    def display_name(self) -> str:
        """The entry's name, else one made from its path (file name without its suffixes)."""
        return self.name or default_name(self.path)


@dataclass(frozen=True)
class SuiteSettings:
    """Values applied to every entry that does not set its own (all optional).

    ``refit_full`` (suite-wide only) refits each dataset's chosen model on all rows before saving it as
    ``models/best.pkl`` (default: yes); ``sampler`` and ``pruner`` (suite-wide only) name the Optuna sampler
    and pruner of every search (default: TPE, median; see :func:`advisor.benchmark`).
    """

    budget: float | None = None
    trials: int | None = None
    seed: int | None = None
    price_per_hour: float | None = None
    families: tuple[str, ...] | None = None
    target: str | None = None
    modality: str | None = None
    task: str | None = None
    metric: str | None = None
    refit_full: bool | None = None
    sampler: str | None = None
    pruner: str | None = None

    def over(self, fallback: SuiteSettings) -> SuiteSettings:
        """These settings, with the unset ones taken from ``fallback``."""
        return SuiteSettings(**{k: _first(getattr(self, k), getattr(fallback, k)) for k in _SETTING_NAMES})


_SETTING_NAMES = tuple(SuiteSettings.__dataclass_fields__)


@dataclass(frozen=True)
class Suite:
    """Datasets to benchmark one after another (or in parallel), with shared settings."""

    entries: tuple[SuiteEntry, ...]
    settings: SuiteSettings = field(default_factory=SuiteSettings)
    title: str | None = None
    source: str | None = None  # the suite file, when there is one

    def __add__(self, other: Suite) -> Suite:
        """Both suites' entries; this suite's settings and title win where both set one."""
        return Suite(
            self.entries + other.entries,
            self.settings.over(other.settings),
            self.title or other.title,
            self.source or other.source,
        )


@dataclass(frozen=True)
class Job:
    """One dataset with every setting resolved: what a worker process needs to benchmark it."""

    name: str
    slug: str
    path: str
    run_dir: str
    budget: Budget
    seed: int
    target: str | None = None
    modality: str | None = None
    families: tuple[str, ...] | None = None
    price_per_hour: float | None = None
    test_path: str | None = None
    propose_target: bool = False
    drop_empty_columns: bool = False
    task: str | None = None
    metric: str | None = None
    refit_full: bool = True
    sampler: str | None = None
    pruner: str | None = None

    def identity(self) -> dict[str, Any]:
        """What a finished result must match to be reused on a rerun."""
        return {
            "dataset": self.name,
            "target": self.target,
            "seed": self.seed,
            "budget": self.budget.to_dict(),
            "families": list(self.families) if self.families is not None else None,
            "task": self.task,
            "metric": self.metric,
            "refit_full": self.refit_full,
            "sampler": self.sampler,
            "pruner": self.pruner,
        }


def resolve_jobs(
    suite: Suite,
    caller: SuiteSettings,
    out_dir: Path,
    *,
    propose_target: bool = False,
    drop_empty_columns: bool = False,
) -> list[Job]:
    """One :class:`Job` per entry, each in its own run folder ``out_dir/<slug>``; slugs are unique."""
    base = caller.over(suite.settings)
    taken: set[str] = set(RESERVED_SLUGS)
    jobs = []
    for entry in suite.entries:
        slug = _unique(slugify(entry.display_name), taken)
        taken.add(slug)
        jobs.append(_job(entry, base, slug, out_dir, propose_target, drop_empty_columns))
    return jobs


def _job(entry: SuiteEntry, base: SuiteSettings, slug: str, out_dir: Path, propose: bool, drop_empty: bool) -> Job:
    seconds = _first(entry.budget, base.budget, DEFAULT_SECONDS)
    trials = _first(entry.trials, base.trials)
    return Job(
        name=entry.display_name if slug == slugify(entry.display_name) else slug,
        slug=slug,
        path=entry.path,
        run_dir=str(out_dir / slug),
        budget=Budget(seconds=float(seconds), trials=trials),
        seed=int(_first(base.seed, 0)),
        target=_first(entry.target, base.target),
        modality=_first(entry.modality, base.modality),
        families=_first(entry.families, base.families),
        price_per_hour=base.price_per_hour,
        test_path=entry.test_path,
        propose_target=propose,
        drop_empty_columns=drop_empty,
        **_stated(_first(entry.task, base.task), _first(entry.metric, base.metric)),
        refit_full=bool(_first(base.refit_full, True)),
        sampler=base.sampler,
        pruner=base.pruner,
    )


def _stated(task: str | None, metric: str | None) -> dict[str, str | None]:
    """The task and metric in their canonical spelling (an entry made in Python may say 'AUC' or 'Regression')."""
    from advisor.metrics import resolve_metric
    from advisor.profiling.task import check_task

    return {"task": check_task(task), "metric": resolve_metric(metric)}


def default_name(path: str) -> str:
    """A dataset name from its path: ``data/churn.csv.gz`` -> ``churn``; ``GunPoint_TRAIN.ts`` -> ``GunPoint``."""
    name = Path(path.rstrip("/\\")).name or path
    while "." in name.lstrip("."):
        stem = name.rsplit(".", 1)[0]
        if not stem:
            break
        name = stem
    for split in _TS_SPLITS:
        if name.lower().endswith(split) and len(name) > len(split):
            return name[: -len(split)]
    return name


def slugify(name: str) -> str:
    """A folder name for a dataset: letters, digits, '-' and '_' only."""
    slug = "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-_")
    return slug or "dataset"


def _unique(slug: str, taken: set[str]) -> str:
    if slug not in taken:
        return slug
    n = 2
    while f"{slug}-{n}" in taken:
        n += 1
    return f"{slug}-{n}"


def _first(*values: Any) -> Any:
    """The first value that is not None (None when all are)."""
    return next((v for v in values if v is not None), None)

"""Suite files (YAML or TOML): read, validate, and turn into a :class:`Suite`.

.. code-block:: yaml

    title: Small tables          # optional: the reports' title
    budget: 60                   # optional suite-level settings: budget, trials, seed, price_per_hour,
    seed: 0                      #   families, target, modality, task, metric, refit_full
    datasets:
      - path: diabetes           # a bundled name, a file or a folder (relative to this file)
      - path: data/churn.csv
        target: churn
        metric: f1               # the score the leaderboard, verdict and chosen model use
        budget: 120              # seconds, or {seconds: 120, trials: 40}
      - path: data/ratings.csv
        target: stars
        task: regression         # a 1-5 rating read as a number, not as 5 classes
      - gunpoint                 # a bare path is an entry too

Every mistake (unknown key, missing path, bad budget...) raises :class:`InvalidArgumentError` naming
the file and the entry, with what to change.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from advisor.data.dataset import Modality
from advisor.errors import DataNotFoundError, InvalidArgumentError, MalformedFileError
from advisor.suite.entries import Suite, SuiteEntry, SuiteSettings

__all__ = ["ENTRY_KEYS", "SUITE_KEYS", "SUITE_SUFFIXES", "is_suite_file", "parse_suite", "read_suite_file"]

SUITE_SUFFIXES = (".yaml", ".yml", ".toml")
SETTING_KEYS = (
    "budget",
    "trials",
    "seed",
    "price_per_hour",
    "families",
    "target",
    "modality",
    "task",
    "metric",
    "refit_full",
    "sampler",
    "pruner",
)
SUITE_KEYS = ("title", "datasets", *SETTING_KEYS)
ENTRY_KEYS = ("path", "name", "target", "modality", "budget", "trials", "families", "test_path", "task", "metric")
_MODALITIES = tuple(m.value for m in Modality)


def is_suite_file(path: str | Path) -> bool:
    """Whether ``path`` names a suite file (by its extension: .yaml, .yml or .toml)."""
    return str(path).lower().endswith(SUITE_SUFFIXES)


def read_suite_file(path: str | Path) -> Suite:
    """Read and validate a YAML or TOML suite file; relative dataset paths start at its folder."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise DataNotFoundError(
            f"No suite file at '{file}'.", "Check the path (a suite file ends in .yaml, .yml or .toml)."
        )
    data = _parse(file)
    return parse_suite(data, where=f"Suite file '{file}'", base=file.parent, source=str(file))


def _parse(file: Path) -> Any:
    text = file.read_text(encoding="utf-8-sig")
    try:
        if file.suffix.lower() == ".toml":
            return tomllib.loads(text)
        import yaml

        return yaml.safe_load(text)
    except Exception as exc:  # yaml.YAMLError / tomllib.TOMLDecodeError: say where, not a traceback
        raise MalformedFileError(
            f"Suite file '{file}' is not valid {file.suffix.lstrip('.').upper()}: {exc}".strip(),
            "Fix the syntax; see docs/suites.md for the format.",
        ) from None


def parse_suite(data: Any, *, where: str = "The suite", base: Path | None = None, source: str | None = None) -> Suite:
    """A :class:`Suite` from parsed YAML/TOML (a mapping with ``datasets``, or a bare list of entries)."""
    if isinstance(data, list):
        data = {"datasets": data}
    if not isinstance(data, dict):
        raise InvalidArgumentError(
            f"{where} must hold a mapping with a 'datasets' list, not {_kind(data)}.",
            "Start it with `datasets:` followed by `- path: ...` lines (see docs/suites.md).",
        )
    _check_keys(data, SUITE_KEYS, where)
    raw = data.get("datasets")
    if not isinstance(raw, list) or not raw:
        raise InvalidArgumentError(
            f"{where} has no datasets: 'datasets' must be a non-empty list, got {_kind(raw)}.",
            "Add `datasets:` with one `- path: FILE` entry per dataset.",
        )
    entries = tuple(parse_entry(item, where=f"{where}, dataset {i}", base=base) for i, item in enumerate(raw, 1))
    title = data.get("title")
    if title is not None and not isinstance(title, str):
        raise InvalidArgumentError(f"{where}: 'title' must be text, got {_kind(title)}.", "Quote the title.")
    return Suite(entries, parse_settings(data, where), title, source)


def parse_settings(data: dict[str, Any], where: str) -> SuiteSettings:
    """The suite-level settings of a parsed suite mapping (already checked for unknown keys)."""
    task, metric = _task_and_metric(data, where)
    return SuiteSettings(
        budget=_seconds(data.get("budget"), where),
        trials=_trials_of(data, where),
        seed=_optional(data, "seed", where, _seed),
        price_per_hour=_optional(data, "price_per_hour", where, _price),
        families=_optional(data, "families", where, _families),
        target=_optional(data, "target", where, _text),
        modality=_optional(data, "modality", where, _modality),
        task=task,
        metric=metric,
        refit_full=_optional(data, "refit_full", where, _flag),
        sampler=_optional(data, "sampler", where, _search_name),
        pruner=_optional(data, "pruner", where, _search_name),
    )


def parse_entry(item: Any, *, where: str = "A suite entry", base: Path | None = None) -> SuiteEntry:
    """One dataset entry: a mapping with at least ``path``, or a bare path string."""
    if isinstance(item, str):
        item = {"path": item}
    if not isinstance(item, dict):
        raise InvalidArgumentError(
            f"{where} must be a mapping with a 'path' (or a bare path), not {_kind(item)}.",
            "Write it as `- path: FILE` with optional target, modality, task, metric, budget, trials, families, name.",
        )
    path = item.get("path")
    if not isinstance(path, str) or not path.strip():
        raise InvalidArgumentError(
            f"{where} has no path.", "Give every dataset a `path:` (a file, a folder or a bundled dataset name)."
        )
    where = f"{where} ('{path}')"
    _check_keys(item, ENTRY_KEYS, where)
    test_path = _optional(item, "test_path", where, _text)
    task, metric = _task_and_metric(item, where)
    return SuiteEntry(
        path=_resolve(path, base),
        name=_optional(item, "name", where, _text),
        target=_optional(item, "target", where, _text),
        modality=_optional(item, "modality", where, _modality),
        budget=_seconds(item.get("budget"), where),
        trials=_trials_of(item, where),
        families=_optional(item, "families", where, _families),
        test_path=_resolve(test_path, base) if test_path else None,
        task=task,
        metric=metric,
    )


def _resolve(path: str, base: Path | None) -> str:
    """Relative paths start at the suite file's folder; a name that is no file there may be a bundled dataset."""
    candidate = Path(path).expanduser()
    if base is None or candidate.is_absolute():
        return str(candidate)
    if (base / candidate).exists():
        return str(base / candidate)
    from advisor import datasets

    return path if path in datasets.names() else str(base / candidate)


# ---------------------------------------------------------------------------------------------- fields
def _check_keys(data: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in data:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            hint = f"Did you mean '{close[0]}'? " if close else ""
            raise InvalidArgumentError(
                f"{where} has an unknown key '{key}'.", f"{hint}Allowed keys: {', '.join(allowed)}."
            )


def _optional(data: dict[str, Any], key: str, where: str, check: Callable[[Any, str, str], Any]) -> Any:
    value = data.get(key)
    return None if value is None else check(value, key, where)


def _seconds(value: Any, where: str) -> float | None:
    """``budget``: seconds, or a mapping's 'seconds' (its 'trials' are read by :func:`_trials_of`)."""
    if isinstance(value, dict):
        _check_keys(value, ("seconds", "trials"), f"{where}, budget")
        value = value.get("seconds")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise InvalidArgumentError(
            f"{where}: budget must be a positive number of seconds, got {value!r}.",
            "Write e.g. `budget: 60`, or `budget: {seconds: 60, trials: 20}`.",
        )
    return float(value)


def _trials_of(data: dict[str, Any], where: str) -> int | None:
    budget = data.get("budget")
    nested = budget.get("trials") if isinstance(budget, dict) else None
    if nested is not None and data.get("trials") is not None:
        raise InvalidArgumentError(f"{where} sets trials twice (in 'budget' and as 'trials').", "Keep one of them.")
    value = nested if nested is not None else data.get("trials")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgumentError(
            f"{where}: trials must be a whole number of at least 1, got {value!r}.", "Write e.g. `trials: 20`."
        )
    return value


def _seed(value: Any, key: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(f"{where}: {key} must be a whole number, got {value!r}.", f"Write e.g. `{key}: 0`.")
    return value


def _price(value: Any, key: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise InvalidArgumentError(
            f"{where}: {key} must be a number of at least 0, got {value!r}.", f"Write e.g. `{key}: 3.06`."
        )
    return float(value)


def _families(value: Any, key: str, where: str) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(f, str) and f.strip() for f in items) or not items:
        raise InvalidArgumentError(
            f"{where}: {key} must be a list of family names, got {value!r}.",
            f"Write e.g. `{key}: [<family id>, <family id>]` (see advisor.families.families()).",
        )
    return tuple(f.strip() for f in items)


def _text(value: Any, key: str, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value).strip():
        raise InvalidArgumentError(f"{where}: {key} must be text, got {value!r}.", f"Write e.g. `{key}: label`.")
    return str(value)


def _modality(value: Any, key: str, where: str) -> str:
    text = str(value).strip().lower().replace(" ", "").replace("-", "").replace("_", "")
    aliases = {"table": "tabular", "images": "image"}
    text = aliases.get(text, text)
    if text not in _MODALITIES:
        raise InvalidArgumentError(
            f"{where}: unknown {key} {value!r}.", f"Use one of {', '.join(_MODALITIES)}, or leave it out to detect it."
        )
    return text


def _search_name(value: Any, key: str, where: str) -> str:
    """A sampler or pruner name, checked against the ones advisor knows."""
    from advisor.benchmarking.studies import PRUNERS, SAMPLERS

    names = SAMPLERS if key == "sampler" else PRUNERS
    if not isinstance(value, str) or value.strip().lower() not in names:
        raise InvalidArgumentError(f"{where}: {key} {value!r} is not known.", f"Use one of: {', '.join(names)}.")
    return value.strip().lower()


def _task_and_metric(data: dict[str, Any], where: str) -> tuple[str | None, str | None]:
    """``task`` and ``metric`` of one mapping, each checked, and checked together when both are set."""
    from advisor.metrics import resolve_metric

    task = _optional(data, "task", where, _task)
    metric = _optional(data, "metric", where, _metric)
    if task is not None and metric is not None:
        _stated(where, "metric", lambda: resolve_metric(metric, task))
    return task, metric


def _task(value: Any, key: str, where: str) -> str:
    from advisor.profiling.task import check_task

    return _stated(where, key, lambda: check_task(value if isinstance(value, str) else repr(value)))


def _metric(value: Any, key: str, where: str) -> str:
    from advisor.metrics import resolve_metric

    return _stated(where, key, lambda: resolve_metric(value if isinstance(value, str) else repr(value)))


def _stated(where: str, key: str, check: Callable[[], str | None]) -> str:
    """``check()``, its error said with the file and entry (and the key) in front."""
    try:
        value = check()
    except InvalidArgumentError as exc:
        raise InvalidArgumentError(f"{where}: {key}: {exc.problem}", exc.fix) from None
    assert value is not None
    return value


def _flag(value: Any, key: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgumentError(
            f"{where}: {key} must be true or false, got {value!r}.", f"Write e.g. `{key}: false`."
        )
    return value


def _kind(value: Any) -> str:
    return "nothing" if value is None else f"a {type(value).__name__} ({value!r:.60})"

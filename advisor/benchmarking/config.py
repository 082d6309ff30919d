"""A reproducible recipe of a benchmark's winner: family, parameters, steps and settings, as YAML or JSON.

``result.best_config()`` exports the chosen family (or any family) of a :class:`BenchmarkResult`;
``advisor.refit(config, data)`` (CLI: ``advisor refit CONFIG DATA``) trains it again on new data without
searching. Every benchmark also writes ``<run folder>/best_config.yaml``.

>>> config = result.best_config()                    # doctest: +SKIP
>>> config.save("winner.yaml")                     # doctest: +SKIP
>>> model = advisor.refit("winner.yaml", "new_data.csv")   # doctest: +SKIP
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.errors import DataNotFoundError, InvalidArgumentError, MalformedFileError

if TYPE_CHECKING:
    from advisor.data.dataset import ModalityName
    from advisor.profiling.task import Task
    from advisor.rules.transfer import Strategy

__all__ = ["CONFIG_VERSION", "ModelConfig", "config_of"]

CONFIG_VERSION = 1


@dataclass(frozen=True)
class ModelConfig:
    """Everything needed to train one family again: no data, no search.

    ``params`` are the best trial's parameters (names as the family's search space suggests them),
    ``n_steps`` the boosting rounds or epochs it used (None: the parameters decide), ``recipe`` the training
    recipe the rules gave a network, ``transfer`` the transfer-learning strategy, ``members`` the member
    configs of an ensemble, ``sizing`` the settings the benchmark chose for its hardware and time (a network's
    width, heads and batch size), so that a refit trains the same model.
    """

    family: str
    task: Task
    modality: ModalityName
    params: dict[str, Any] = field(default_factory=dict)
    n_steps: int | None = None
    target: str | None = None
    metric: str | None = None
    seed: int = 0
    class_weight: bool = False
    transfer: Strategy | None = None
    recipe: dict[str, Any] | None = None
    members: tuple[ModelConfig, ...] = ()
    sizing: dict[str, Any] | None = None  # the settings the benchmark chose for its machine (a network's size)
    source: dict[str, Any] = field(default_factory=dict)  # where it came from: dataset, run, scores
    version: int = CONFIG_VERSION

    # ------------------------------------------------------------------ serialization
    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["members"] = [m.to_dict() for m in self.members]
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, default=str)

    def to_yaml(self) -> str:
        import yaml

        return yaml.safe_dump(json.loads(self.to_json()), sort_keys=False)

    def save(self, path: str | Path) -> Path:
        """Write the config as YAML (``.yaml`` / ``.yml``) or JSON (any other suffix)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = self.to_yaml() if path.suffix.lower() in (".yaml", ".yml") else self.to_json()
        path.write_text(text, encoding="utf-8")
        return path

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "the config") -> ModelConfig:
        if not isinstance(data, dict):
            raise MalformedFileError(f"{where} is not a mapping of settings.", "Export it with result.best_config().")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        missing = [k for k in ("family", "task", "modality") if k not in data]
        if unknown or missing:
            problem = f"unknown keys {unknown}" if unknown else f"missing keys {missing}"
            raise InvalidArgumentError(f"{where} has {problem}.", f"Keys: {', '.join(sorted(known))}.")
        if int(data.get("version", CONFIG_VERSION)) > CONFIG_VERSION:
            raise InvalidArgumentError(
                f"{where} was written by a newer advisor (config version {data['version']}).", "Upgrade advisor."
            )
        members = tuple(cls.from_dict(m, where) for m in data.get("members") or ())
        return cls(**{**data, "members": members, "params": dict(data.get("params") or {})})

    @classmethod
    def load(cls, path: str | Path) -> ModelConfig:
        """Read a config written by :meth:`save` (YAML or JSON)."""
        path = Path(path)
        if not path.is_file():
            raise DataNotFoundError(
                f"No model config at '{path}'.", "Pass a file written by result.best_config().save()."
            )
        text = path.read_text(encoding="utf-8")
        try:
            if path.suffix.lower() in (".yaml", ".yml"):
                import yaml

                data = yaml.safe_load(text)
            else:
                data = json.loads(text)
        except Exception as exc:  # yaml.YAMLError, json.JSONDecodeError
            raise MalformedFileError(
                f"'{path}' cannot be parsed ({exc}).", "Export it again with best_config()."
            ) from None
        return cls.from_dict(data, f"'{path.name}'")

    @classmethod
    def coerce(cls, value: ModelConfig | dict[str, Any] | str | Path) -> ModelConfig:
        if isinstance(value, ModelConfig):
            return value
        if isinstance(value, dict):
            return cls.from_dict(value)
        return cls.load(value)


def config_of(result: Any, family: str | None = None) -> ModelConfig:
    """The config of ``family`` in a :class:`~advisor.benchmarking.BenchmarkResult` (default: the chosen one)."""
    name = family or result.best_family
    measured = {f.family: f for f in result.families if f.status == "ok"}
    if name is None or name not in measured:
        raise InvalidArgumentError(
            f"No measured family {name!r} in this result." if name else "This result has no measured family.",
            f"Measured: {', '.join(measured) or 'none'}.",
        )
    fam = measured[name]
    steps = next(
        (t.costs.get("n_steps") for t in result.trials if t.family == name and t.number == fam.best_trial), None
    )
    settings = result.settings or {}
    return ModelConfig(
        family=name,
        task=result.task,
        modality=result.modality,
        params=dict(fam.best_params),
        n_steps=steps,
        target=(result.profile or {}).get("target"),
        metric=result.metric,
        seed=result.seed,
        class_weight=bool(settings.get("class_weight", False)),
        transfer=settings.get("transfer"),
        recipe=((result.recommendation or {}).get("recipes") or {}).get(name),
        members=tuple(config_of(result, m) for m in fam.members),
        sizing=dict(fam.sizing) or None,
        source={
            "dataset": result.dataset,
            "run_dir": result.run_dir,
            "finished": result.finished,
            "test": {result.metric: fam.test_metrics.get(result.metric)},
            "validation": {result.metric: fam.val_metrics.get(result.metric)},
        },
    )

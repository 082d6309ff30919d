"""The model registry: (family, modality) -> ModelSpec. Model modules register themselves on import.

A family has one implementation per modality (the ``linear`` family is logistic regression on a table,
TF-IDF + logistic regression on text, ...). Modules are imported on demand, per family and modality, so
a run that needs no network never imports torch.
"""

from __future__ import annotations

import importlib

from advisor.errors import InvalidArgumentError
from advisor.models.spec import ModelSpec

__all__ = ["MODULES", "all_specs", "find", "find_loaded", "get", "modules_for", "register", "registry"]

#: Where each built-in family lives, per modality; importing the module registers its spec.
MODULES: dict[str, dict[str, str]] = {
    "linear": {
        "tabular": "advisor.models.linear",
        "image": "advisor.models.vision.classical",
        "text": "advisor.models.text.classical",
        "timeseries": "advisor.models.series.classical",
    },
    "random_forest": {"tabular": "advisor.models.forest", "timeseries": "advisor.models.series.classical"},
    "lightgbm": {
        "tabular": "advisor.models.gbm",
        "image": "advisor.models.vision.classical",
        "text": "advisor.models.text.classical",
        "timeseries": "advisor.models.series.classical",
    },
    "xgboost": {
        "tabular": "advisor.models.gbm",
        "text": "advisor.models.text.classical",
        "timeseries": "advisor.models.series.classical",
    },
    "mlp": {"tabular": "advisor.models.torch.mlp"},
    "cnn": {"image": "advisor.models.vision.cnn", "timeseries": "advisor.models.series.cnn1d"},
    "rnn": {"text": "advisor.models.text.scratch", "timeseries": "advisor.models.series.rnn"},
    "transformer": {"image": "advisor.models.vision.transfer", "text": "advisor.models.text.transfer"},
    "embedding_xgboost": {"image": "advisor.models.vision.classical", "text": "advisor.models.text.classical"},
    "dl_gbm_ensemble": {m: "advisor.models.ensemble" for m in ("tabular", "image", "text", "timeseries")},
}
_SPECS: dict[tuple[str, str], ModelSpec] = {}


def register(spec: ModelSpec) -> ModelSpec:
    """Add a spec for each of its modalities (called at import time by model modules, or by users)."""
    for modality in spec.modalities:
        _SPECS[(spec.name, modality)] = spec
    return spec


def _import_all() -> None:
    for module in dict.fromkeys(m for per in MODULES.values() for m in per.values()):
        importlib.import_module(module)


def all_specs() -> dict[tuple[str, str], ModelSpec]:
    """Every registered spec by (family, modality), importing every built-in model module."""
    _import_all()
    return dict(_SPECS)


def registry(modality: str = "tabular") -> dict[str, ModelSpec]:
    """The families registered for one modality, by name (imports every built-in model module)."""
    _import_all()
    return {name: spec for (name, m), spec in _SPECS.items() if m == modality}


def find(name: str, modality: str = "tabular") -> ModelSpec | None:
    """The spec of one family on one modality, importing only its module; None if none is registered."""
    module = MODULES.get(name, {}).get(modality)
    if (name, modality) not in _SPECS and module is not None:
        importlib.import_module(module)
    return _SPECS.get((name, modality))


def modules_for(name: str) -> dict[str, str]:
    """The built-in modules of a family, by modality (nothing is imported)."""
    return dict(MODULES.get(name, {}))


def find_loaded(name: str, modality: str = "tabular") -> ModelSpec | None:
    """The spec of one family on one modality if it is registered already (imports nothing)."""
    return _SPECS.get((name, modality))


def get(name: str, modality: str = "tabular") -> ModelSpec:
    spec = find(name, modality)
    if spec is None:
        known = sorted(n for (n, m) in all_specs() if m == modality)
        raise InvalidArgumentError(
            f"No model family {name!r} is registered for {modality} data.",
            f"Registered families for {modality} data: {', '.join(known)}.",
        )
    return spec

"""The model registry: family name -> ModelSpec. Model modules register themselves on import.

Modules are imported on demand, per family, so a run that needs no network never imports torch.
"""

from __future__ import annotations

import importlib

from advisor.errors import InvalidArgumentError
from advisor.models.spec import ModelSpec

__all__ = ["get", "register", "registry"]

#: Where each built-in family lives; importing the module registers its spec.
MODULES = {
    "linear": "advisor.models.linear",
    "random_forest": "advisor.models.forest",
    "lightgbm": "advisor.models.gbm",
    "xgboost": "advisor.models.gbm",
    "mlp": "advisor.models.torch.mlp",
    "dl_gbm_ensemble": "advisor.models.ensemble",
}
_SPECS: dict[str, ModelSpec] = {}


def register(spec: ModelSpec) -> ModelSpec:
    """Add a spec (called at import time by each model module, or by users for their own models)."""
    _SPECS[spec.name] = spec
    return spec


def registry() -> dict[str, ModelSpec]:
    """All registered specs, importing every built-in model module (they pull heavy libraries)."""
    for module in dict.fromkeys(MODULES.values()):
        importlib.import_module(module)
    return dict(_SPECS)


def find(name: str) -> ModelSpec | None:
    """The spec of one family, importing only its module; None if no such family is registered."""
    if name not in _SPECS and name in MODULES:
        importlib.import_module(MODULES[name])
    return _SPECS.get(name)


def get(name: str) -> ModelSpec:
    spec = find(name)
    if spec is None:
        raise InvalidArgumentError(
            f"No model family {name!r} is registered.", f"Registered families: {', '.join(sorted(registry()))}."
        )
    return spec

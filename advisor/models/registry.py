"""The model registry: family name -> ModelSpec. Model modules register themselves on import."""

from __future__ import annotations

import importlib

from advisor.errors import InvalidArgumentError
from advisor.models.spec import ModelSpec

__all__ = ["get", "register", "registry"]

_MODULES = (
    "advisor.models.linear",
    "advisor.models.forest",
    "advisor.models.gbm",
    "advisor.models.torch.mlp",
    "advisor.models.ensemble",
)
_SPECS: dict[str, ModelSpec] = {}
_loaded = False


def register(spec: ModelSpec) -> ModelSpec:
    """Add a spec (called at import time by each model module)."""
    _SPECS[spec.name] = spec
    return spec


def registry() -> dict[str, ModelSpec]:
    """All registered specs, importing the model modules on first use (they pull heavy libraries)."""
    global _loaded
    if not _loaded:
        for module in _MODULES:
            importlib.import_module(module)
        _loaded = True
    return dict(_SPECS)


def get(name: str) -> ModelSpec:
    specs = registry()
    if name not in specs:
        raise InvalidArgumentError(
            f"No model family {name!r} is registered.", f"Registered families: {', '.join(sorted(specs))}."
        )
    return specs[name]

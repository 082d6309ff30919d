"""Model families as scikit-learn-compatible estimators, with their Optuna search spaces."""

from advisor.models.registry import find, get, register, registry
from advisor.models.spec import FitContext, ModelSpec, Progress

__all__ = ["FitContext", "ModelSpec", "Progress", "find", "get", "register", "registry"]

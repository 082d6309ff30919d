"""Model implementations as scikit-learn-compatible estimators, with their Optuna search spaces.

Which family each belongs to, and on which modality, is declared in :mod:`advisor.families`.
"""

from advisor.models.spec import FitContext, ModelSpec, Progress

__all__ = ["FitContext", "ModelSpec", "Progress"]

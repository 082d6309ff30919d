"""Estimator parameters declared once, as annotated class fields.

scikit-learn reads an estimator's parameters from the signature of its ``__init__`` and expects
``__init__`` to store each argument unchanged (no validation there). :func:`estimator_params` writes that
``__init__`` from the class's annotated fields: the class becomes a keyword-only dataclass that keeps
scikit-learn's own ``repr`` and identity equality. A subclass declares only the fields it adds or whose
default it changes; the rest come from its bases::

    @estimator_params
    class DeepClassifier(BaseEstimator):
        learning_rate: float = 1e-3
        batch_size: int = 64

    @estimator_params
    class SeriesCNNClassifier(DeepClassifier):
        width: int = 64           # new
        batch_size: int = 32      # new default

    SeriesCNNClassifier(width=8).get_params()["batch_size"]   # 32

Attributes learnt in ``fit`` (``classes_``, ``module_``) are not annotated at class level; a class constant
that must be annotated is a ``typing.ClassVar``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, cast

__all__ = ["estimator_params"]

T = TypeVar("T", bound=type)


def estimator_params(cls: T) -> T:
    """Generate the scikit-learn ``__init__`` of ``cls`` from its annotated fields (keyword-only)."""
    return cast(T, dataclass(kw_only=True, repr=False, eq=False)(cls))

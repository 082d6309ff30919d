"""A toy plug-in family, declared in one file: k-nearest neighbours over the table.

Everything advisor needs is here (the model, its search space and default, the declaration with one rule);
``tests/families/test_plugin_family.py`` registers it and checks that the rules rank it, the runner searches
it, the report lists it and a saved model predicts.
"""

from __future__ import annotations

from typing import Any

from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import make_pipeline

from advisor.families import Family, Role
from advisor.models.preprocessing import TabularPreprocessor
from advisor.models.spec import FitContext, ModelSpec


def space(trial: Any, ctx: FitContext) -> dict[str, Any]:
    return {
        "n_neighbors": trial.suggest_int("n_neighbors", 3, 40, log=True),
        "weights": trial.suggest_categorical("weights", ("uniform", "distance")),
    }


def default(ctx: FitContext) -> dict[str, Any]:
    return {"n_neighbors": 15, "weights": "distance"}


def build(params: dict[str, Any], ctx: FitContext) -> Any:
    model = KNeighborsRegressor if ctx.task == "regression" else KNeighborsClassifier
    return make_pipeline(TabularPreprocessor(encoding="onehot"), model(**params))


KNN = ModelSpec(label="k-nearest neighbours", search_space=space, default_params=default, build=build)

TOY_FAMILY = Family(
    id="toy_knn",
    label="k-nearest neighbours (toy plug-in)",
    role=Role.BASELINE,
    summary="Predicts from the closest training rows; a plug-in family for the tests.",
    implementations={"tabular": KNN},
    interpretable=True,
    relative_cost=0.5,
    libraries=("sklearn",),
    rules=(
        {
            "id": "toy_knn.small_tables",
            "topic": "data size",
            "when": [["modality", "==", "tabular"], ["rows", "<", 5000]],
            "effects": {"toy_knn": 2.5},
            "reason": "{rows:,} rows: a neighbour search stays fast and often holds its own.",
            "source": "scikit-learn user guide, section 1.6 (nearest neighbours)",
        },
    ),
)

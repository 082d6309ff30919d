"""Classical families on text, and the embeddings + XGBoost hybrid.

- ``linear`` and ``lightgbm``: TF-IDF of the text (fitted on the training texts only) + logistic / ridge
  regression or LightGBM (:mod:`advisor.models.text.tfidf`).
- ``xgboost``: on a mixed table (text beside tabular columns) it reads the tabular columns only, the
  tabular-only candidate the text families are compared with; on text alone, TF-IDF + XGBoost.
- ``embedding_xgboost``: frozen MiniLM sentence embeddings, joined to the tabular columns of a mixed table,
  + XGBoost. Embeddings are computed once per dataset and cached in the run folder.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from advisor.models import gbm
from advisor.models.spec import FitContext, ModelSpec
from advisor.models.text import tfidf

if TYPE_CHECKING:
    from advisor.benchmarking.views import ViewName

__all__ = ["EMBEDDING_XGBOOST", "TEXT_LIGHTGBM", "TEXT_LINEAR", "TEXT_XGBOOST"]

TEXT_LINEAR = tfidf.tfidf_spec("linear_model")
TEXT_LIGHTGBM = tfidf.tfidf_spec("lgbm")
_TFIDF_XGBOOST = tfidf.tfidf_spec("xgb")


def _mixed(ctx: FitContext) -> bool:
    return ctx.mixed


def _xgb_view(ctx: FitContext) -> ViewName:
    return "table" if _mixed(ctx) else "texts"


def _xgb_inputs(ctx: FitContext) -> str:
    return "tabular columns only (no text)" if _mixed(ctx) else tfidf.TFIDF


def _xgb_space(trial: Any, ctx: FitContext) -> dict[str, Any]:
    return gbm.xgboost_space(trial, ctx) if _mixed(ctx) else _TFIDF_XGBOOST.search_space(trial, ctx)


def _xgb_default(ctx: FitContext) -> dict[str, Any]:
    return gbm.xgboost_default(ctx) if _mixed(ctx) else _TFIDF_XGBOOST.default_params(ctx)


def _xgb_build(params: dict[str, Any], ctx: FitContext) -> Any:
    return gbm.xgboost_build(params, ctx) if _mixed(ctx) else _TFIDF_XGBOOST.build(params, ctx)


TEXT_XGBOOST = ModelSpec(
    "XGBoost (tabular columns of a mixed table; TF-IDF on text alone)",
    _xgb_space,
    _xgb_default,
    _xgb_build,
    steps="rounds",
    view=_xgb_view,
    inputs=_xgb_inputs,
)
EMBEDDING_XGBOOST = replace(
    gbm.XGBOOST,
    default_params=gbm.xgboost_embedding_default,
    label="MiniLM embeddings + XGBoost",
    view="text_embedding",
)

"""The Recommendation tab: ranked families, reasons with sources, recipe, transfer strategy, hybrids, plan."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from advisor import api
from advisor.app.ui.common import Loaded, Settings, hardware
from advisor.rules import Recommendation

__all__ = ["recommendation_section"]

VERDICTS = {"classical": "Classical ML", "deep": "Deep learning", "hybrid": "A hybrid"}
#: Families whose reasons are shown (the rest are in "All fired rules").
SHOWN_REASONS = 3


def recommendation_section(loaded: Loaded, settings: Settings) -> Recommendation:
    """Recommend for the loaded data under the sidebar's constraints and show every part of the answer."""
    rec = api.recommend(loaded.profile, settings.constraints, hardware=hardware())
    _headline(rec)
    for warning in rec.warnings:
        st.warning(warning)
    left, right = st.columns(2, gap="large")
    with left:
        _ranking(rec)
    with right:
        _reasons(rec)
    _plan(rec)
    recipe_col, transfer_col = st.columns(2, gap="large")
    with recipe_col:
        _recipe(rec)
    with transfer_col:
        _transfer(rec)
    _hybrids(rec)
    st.download_button(
        "Recommendation (JSON)",
        rec.to_json(),
        file_name=f"{loaded.profile.name}-recommendation.json",
        mime="application/json",
        key="dl_recommendation",
        on_click="ignore",
        icon=":material/download:",
    )
    return rec


def _headline(rec: Recommendation) -> None:
    top = rec.top
    st.subheader(f"Verdict: {VERDICTS.get(rec.verdict, rec.verdict)}")
    st.success(rec.summary, icon=":material/lightbulb:")
    cells = st.columns(4)
    cells[0].metric("Top family", top.family, help=top.label)
    cells[1].metric("Confidence", f"{top.confidence:.0%}", help="Its softmax share of the rules' scores.")
    if len(rec.ranking) > 1:
        runner_up = rec.ranking[1]
        cells[2].metric("Runner-up", runner_up.family, help=runner_up.label)
        cells[3].metric("Runner-up confidence", f"{runner_up.confidence:.0%}")
    if rec.odds is not None:
        st.info(f"{rec.odds.reason} Source: {rec.odds.source}.", icon=":material/casino:")


def _ranking(rec: Recommendation) -> None:
    st.markdown("**Ranked families**")
    frame = pd.DataFrame(
        [
            {"rank": i, "family": r.family, "kind": r.kind, "confidence": r.confidence}
            for i, r in enumerate(rec.ranking, start=1)
        ]
    )
    config = {
        "rank": st.column_config.NumberColumn(width="small"),
        "confidence": st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0),
    }
    st.dataframe(frame, hide_index=True, column_config=config, key="ranking")
    if rec.excluded:
        st.markdown("**Excluded**\n\n" + "\n".join(f"- **{f}**: {why}" for f, why in rec.excluded.items()))


def _plan(rec: Recommendation) -> None:
    st.markdown("**Benchmark plan**")
    frame = pd.DataFrame(
        [{"family": i.family, "budget share": i.budget_share, "why": i.reason} for i in rec.plan.items]
    )
    config = {
        "budget share": st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0, width="small"),
        "why": st.column_config.TextColumn(width="large"),
    }
    st.dataframe(frame, hide_index=True, column_config=config, key="plan")
    st.caption(f"Metric: **{rec.plan.metric}** · validation: {rec.plan.validation}")
    for note in rec.plan.notes:
        st.caption(note)


def _reasons(rec: Recommendation) -> None:
    st.markdown("**Why**: the rules that moved each family's score, with their sources")
    for i, ranked in enumerate(rec.ranking[:SHOWN_REASONS]):
        rules = rec.reasons_for(ranked.family)
        with st.expander(f"{ranked.label}: {len(rules)} rule{'s' * (len(rules) != 1)}", expanded=i == 0):
            if not rules:
                st.caption("No rule moved this family's score.")
            for rule in rules:
                effect = rule.effects[ranked.family]
                badge = f":green-badge[{effect:+.1f}]" if effect > 0 else f":red-badge[{effect:+.1f}]"
                st.markdown(f"{badge} {rule.reason}")
                st.caption(f"Source: {rule.source}")
    with st.expander(f"All fired rules ({len(rec.fired)})"):
        frame = pd.DataFrame(
            [{"rule": r.id, "topic": r.topic, "reason": r.reason, "source": r.source} for r in rec.fired]
        )
        st.dataframe(frame, hide_index=True)


def _recipe(rec: Recommendation) -> None:
    st.markdown("**Training recipe** (neural candidates)")
    if not rec.recipes:
        st.caption("No neural family is among the candidates.")
        return
    family = st.selectbox("Recipe for", list(rec.recipes), key="recipe_family", label_visibility="collapsed")
    recipe = rec.recipes[family]
    described = recipe.describe()
    st.dataframe(pd.DataFrame({"setting": list(described), "value": list(described.values())}), hide_index=True)
    for note in recipe.notes:
        st.caption(note)


def _transfer(rec: Recommendation) -> None:
    st.markdown("**Transfer learning**")
    transfer = rec.transfer
    if transfer is None:
        st.caption("Transfer learning applies to images and text; this data starts from scratch.")
        return
    st.markdown(
        f"**{transfer.strategy.replace('_', ' ')}** from `{transfer.pretrained_model}` "
        f"({transfer.samples_per_class:,.0f} samples per class); trainable: {transfer.trainable_layers}."
    )
    st.markdown("\n".join(f"{i}. {step}" for i, step in enumerate(transfer.steps, start=1)))
    rates = ", ".join(f"{k}: {v:g}" for k, v in transfer.learning_rates.items())
    st.caption(f"{transfer.reason} Learning rates: {rates}. Source: {transfer.source}")


def _hybrids(rec: Recommendation) -> None:
    st.markdown("**Hybrids**")
    frame = pd.DataFrame(
        [
            {"hybrid": h.name, "fits": h.applicable, "what": h.description, "why": h.reason, "source": h.source}
            for h in rec.hybrids
        ]
    )
    st.dataframe(frame, hide_index=True, column_config={"fits": st.column_config.CheckboxColumn()})

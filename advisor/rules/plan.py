"""Hybrid options and the benchmark plan: which candidates to measure, in what order, with what budget."""

from __future__ import annotations

import math

from advisor.families import Family, Role, families
from advisor.profiling.profile import DatasetProfile
from advisor.rules.recommendation import BenchmarkPlan, HybridOption, PlanItem, RankedFamily

__all__ = ["benchmark_plan", "hybrid_options", "shares_for"]

MAX_CANDIDATES = 6
MIN_SHARE = 0.05
#: Deep and hybrid candidates get at least this share: the DL-vs-classical verdict needs a fair measurement.
DEEP_MIN_SHARE = 0.12
#: When both sides are planned, the networks get at least this part of the time the two sides share: the
#: verdict compares each side's best, so each gets a comparable chance (a network needs epochs, trees do not).
DEEP_SIDE_FRACTION = 0.45
#: Families this far below the top score are not worth measuring.
MAX_SCORE_GAP = 3.0


def hybrid_options(profile: DatasetProfile, interpretability: bool) -> tuple[HybridOption, ...]:
    """The framework's three hybrid approaches and whether each fits this dataset."""
    unstructured = profile.modality in ("image", "text")
    mixed = profile.modality == "text" and (profile.numeric_features + profile.categorical_features) > 0
    blocked = "interpretability is required" if interpretability else ""
    return (
        HybridOption(
            name="pretrained embeddings + gradient boosting",
            description="A frozen pretrained network turns each item into a vector; XGBoost learns the task.",
            applicable=(unstructured or mixed) and not interpretability,
            reason=blocked
            or ("images/text: cheap, strong with little data" if unstructured else "needs image or text inputs"),
            source="Framework §7, hybrid 1: 'feature extraction with DL + classical ML'",
        ),
        HybridOption(
            name="DL + GBM ensemble",
            description="Greedy weighted ensemble selection over networks and boosted trees (Caruana et al., 2004).",
            applicable=not interpretability,
            reason=blocked or "reduces variance; usually beats either model alone, at twice the cost",
            source="Framework §7, hybrid 2: 'ensemble of both'; Shwartz-Ziv & Armon 2021",
        ),
        HybridOption(
            name="autoencoder features + classical model",
            description="Compress many raw features with an autoencoder, then fit a fast classical model "
            "(family autoencoder_gbm: a denoising autoencoder's code, then LightGBM).",
            applicable=(profile.features >= 100 or profile.modality == "image") and not interpretability,
            reason=blocked
            or (
                "many raw features to compress"
                if profile.features >= 100 or profile.modality == "image"
                else "too few features to need compression"
            ),
            source="Framework §7, hybrid 3: 'DL for feature engineering'",
        ),
    )


def benchmark_plan(
    ranking: tuple[RankedFamily, ...], profile: DatasetProfile, interpretability: bool = False
) -> BenchmarkPlan:
    """Candidates in order (a fast baseline first, then by score, the best deep one no later than third),
    budget shares by confidence."""
    viable = tuple(r for r in ranking if r.score >= ranking[0].score - MAX_SCORE_GAP)
    chosen = list(viable[:MAX_CANDIDATES])
    baseline = _baseline(viable)
    if baseline is not None and baseline not in chosen:
        chosen = [*chosen[: MAX_CANDIDATES - 1], baseline]
    chosen = _ensure_contrast(chosen, ranking, allow_deep=not interpretability)
    ordered = _deep_early(sorted(chosen, key=lambda r: (r.family != (baseline.family if baseline else None), -r.score)))
    shares, fairness = _fair_sides(ordered, _shares(ordered))
    items = tuple(
        PlanItem(r.family, share, _why(r, i, baseline))
        for i, (r, share) in enumerate(zip(ordered, shares, strict=True))
    )
    return BenchmarkPlan(
        items=items,
        metric=_metric(profile),
        validation=_validation(profile),
        notes=(
            "Shares are of the total time budget; cheap families finish early and return unused time.",
            *((fairness,) if fairness else ()),
            "The test split is touched once, by the final refit of each family's best trial.",
        ),
    )


def shares_for(ranking: tuple[RankedFamily, ...], names: list[str]) -> dict[str, float]:
    """Budget shares for families chosen by name rather than by the plan: the plan's weighting (score and cost,
    floors, fair sides) over just these; a family the rules did not rank gets the smallest share."""
    by_name = {r.family: r for r in ranking}
    chosen = [by_name[n] for n in names if n in by_name]
    shares, _ = _fair_sides(chosen, _shares(chosen)) if chosen else ([], "")
    known = {r.family: s for r, s in zip(chosen, shares, strict=True)}
    return {n: known.get(n, MIN_SHARE) for n in names}


#: The best deep candidate runs no later than this position (0-based): after the baseline and the top family.
DEEP_POSITION = 2


def _deep_early(ordered: list[RankedFamily]) -> list[RankedFamily]:
    """Move the best deep candidate up to DEEP_POSITION: when a large table or a short budget leaves the last
    families no time, the deep side has been measured already (the question is deep vs classical)."""
    declared = families()
    deep = next((i for i, r in enumerate(ordered) if declared[r.family].kind == "deep"), None)
    if deep is None or deep <= DEEP_POSITION:
        return ordered
    moved = ordered.pop(deep)
    return [*ordered[:DEEP_POSITION], moved, *ordered[DEEP_POSITION:]]


def _baseline(ranking: tuple[RankedFamily, ...]) -> RankedFamily | None:
    """The cheapest baseline family in the ranking (every other candidate must beat it)."""
    declared = families()
    baselines = [r for r in ranking if declared[r.family].role is Role.BASELINE]
    return min(baselines, key=lambda r: declared[r.family].relative_cost, default=None)


def _ensure_contrast(
    chosen: list[RankedFamily], ranking: tuple[RankedFamily, ...], allow_deep: bool
) -> list[RankedFamily]:
    """Measure at least one classical and one deep family (the question is DL vs classical, so the deep
    side is measured even when the rules rank it low), and the members an ensemble needs."""
    declared = families()
    kinds = ("classical", "deep") if allow_deep else ("classical",)
    for kind in kinds:
        if not any(declared[r.family].kind == kind for r in chosen):
            extra = next((r for r in ranking if declared[r.family].kind == kind), None)
            if extra is not None:
                chosen = [*chosen, extra]
    for ensemble in [declared[r.family] for r in chosen if declared[r.family].role is Role.ENSEMBLE]:
        for extra in _members(ensemble, chosen, ranking, declared):
            if extra not in chosen:
                chosen = [*chosen, extra]
    return chosen


def _members(
    ensemble: Family, chosen: list[RankedFamily], ranking: tuple[RankedFamily, ...], declared: dict[str, Family]
) -> list[RankedFamily]:
    """For each member an ensemble needs that no chosen family can be, the cheapest family of its roles."""
    out = []
    for roles in ensemble.members:
        if any(declared[r.family].role in roles for r in chosen):
            continue
        able = [r for r in ranking if declared[r.family].role in roles]
        if able:
            out.append(min(able, key=lambda r: declared[r.family].relative_cost))
    return out


def _shares(ordered: list[RankedFamily]) -> list[float]:
    declared = families()
    weights = [math.exp(r.score) * math.sqrt(declared[r.family].relative_cost) for r in ordered]
    total = sum(weights)
    floors = [DEEP_MIN_SHARE if declared[r.family].kind != "classical" else MIN_SHARE for r in ordered]
    raw = [max(w / total, floor) for w, floor in zip(weights, floors, strict=True)]
    norm = sum(raw)
    return [round(s / norm, 3) for s in raw]


def _fair_sides(ordered: list[RankedFamily], shares: list[float]) -> tuple[list[float], str]:
    """Give the deep side at least DEEP_SIDE_FRACTION of the time the deep and classical sides share (hybrids
    keep theirs), taken from the classical side in proportion; and say so."""
    kinds = [families()[r.family].kind for r in ordered]
    deep = sum(s for s, k in zip(shares, kinds, strict=True) if k == "deep")
    classical = sum(s for s, k in zip(shares, kinds, strict=True) if k == "classical")
    if not deep or not classical or deep >= DEEP_SIDE_FRACTION * (deep + classical):
        return shares, ""
    target = DEEP_SIDE_FRACTION * (deep + classical)
    scale = {"deep": target / deep, "classical": (deep + classical - target) / classical}
    fair = [round(s * scale.get(k, 1.0), 3) for s, k in zip(shares, kinds, strict=True)]
    names = ", ".join(r.family for r, k in zip(ordered, kinds, strict=True) if k == "deep")
    return fair, (
        f"Fair sides: the networks ({names}) get {target:.0%} of the budget and the classical families "
        f"{deep + classical - target:.0%}: the verdict compares each side's best, and a network needs epochs "
        "to show what it can do (time a family leaves unused goes to the best so far)."
    )


def _why(r: RankedFamily, index: int, baseline: RankedFamily | None) -> str:
    if baseline is not None and r.family == baseline.family:
        return "fast baseline: every other candidate must beat it"
    if index <= 1:
        return f"top-ranked by the rules (score {r.score:+.2f})"
    kind = families()[r.family].kind
    return f"{kind} contender (score {r.score:+.2f}): checks whether the rules' ranking holds on this data"


def _metric(profile: DatasetProfile) -> str:
    """The user's metric when stated; else RMSE, ROC-AUC / balanced accuracy on imbalanced classes, or accuracy."""
    if profile.metric is not None:
        return profile.metric
    if profile.task == "regression":
        return "rmse"
    if (profile.imbalance_ratio or 1.0) >= 3.0:
        return "balanced_accuracy" if profile.task == "multiclass" else "roc_auc"
    return "accuracy"


def _validation(profile: DatasetProfile) -> str:
    if profile.rows < 2_000:
        return "5-fold cross-validation on the training part (small data), held-out test split"
    return "train / validation / test split (70 / 15 / 15), stratified for classification"

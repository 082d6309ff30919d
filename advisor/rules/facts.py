"""Facts: the flat view of (profile, hardware, constraints) that rule conditions test."""

from __future__ import annotations

from typing import Any

from advisor.hardware import Hardware
from advisor.profiling.profile import DatasetProfile
from advisor.rules.constraints import Constraints

__all__ = ["FACT_NAMES", "facts"]

#: Every fact a rule may name (the keys :func:`facts` returns; a rule naming another is refused).
FACT_NAMES = frozenset(
    {
        "modality",
        "task",
        "rows",
        "features",
        "rows_per_feature",
        "n_classes",
        "samples_per_class",
        "min_class_count",
        "imbalance_ratio",
        "categorical_share",
        "max_cardinality",
        "missing_share",
        "skewness_mean",
        "kurtosis_mean",
        "target_skewness",
        "mixed_table",
        "text_mean_words",
        "image_min_side",
        "series_length",
        "series_channels",
        "series_equal_length",
        "gpu",
        "interpretability",
        "deploy_urgency",
        "latency_ms",
        "compute_budget",
        "time_budget_s",
    }
)


def facts(profile: DatasetProfile, hardware: Hardware, constraints: Constraints) -> dict[str, Any]:
    """Every value a rule may test, by name. Missing statistics are ``None`` (the clause is false)."""
    text, image, series = profile.text, profile.image, profile.series
    gpu = hardware.has_gpu if constraints.gpu is None else constraints.gpu
    tabular_columns = profile.numeric_features + profile.categorical_features
    return {
        "modality": profile.modality,
        "task": profile.task,
        "rows": profile.rows,
        "features": profile.features,
        "rows_per_feature": profile.rows / profile.features if profile.features else None,
        "n_classes": profile.n_classes,
        "samples_per_class": profile.samples_per_class if profile.n_classes else profile.rows,
        "min_class_count": profile.min_class_count,
        "imbalance_ratio": profile.imbalance_ratio,
        "categorical_share": profile.categorical_share,
        "max_cardinality": profile.max_cardinality,
        "missing_share": profile.missing_share,
        "skewness_mean": abs(profile.skewness_mean) if profile.skewness_mean is not None else None,
        "kurtosis_mean": profile.kurtosis_mean,
        "target_skewness": abs(profile.target_skewness) if profile.target_skewness is not None else None,
        "mixed_table": profile.modality == "text" and tabular_columns > 0,
        "text_mean_words": text.mean_words if text else None,
        "image_min_side": min(image.height, image.width) if image else None,
        "series_length": series.max_length if series else None,
        "series_channels": series.channels if series else None,
        "series_equal_length": series.equal_length if series else None,
        "gpu": bool(gpu),
        "interpretability": constraints.interpretability,
        "deploy_urgency": constraints.deploy_urgency,
        "latency_ms": constraints.latency_ms,
        "compute_budget": constraints.compute_budget,
        "time_budget_s": constraints.time_budget_s,
    }

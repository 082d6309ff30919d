"""The user's constraints: interpretability, GPU, deployment urgency, latency and compute budgets."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from advisor.errors import InvalidArgumentError

__all__ = ["Constraints"]

_LEVELS = ("low", "medium", "high")


@dataclass(frozen=True)
class Constraints:
    """What the answer must respect.

    - ``interpretability``: decisions must be explainable (regulated credit, medical triage...).
    - ``gpu``: a GPU is available for training; ``None`` means detect it on this machine.
    - ``deploy_urgency``: 'low', 'medium' or 'high' (high: a model is needed within days).
    - ``latency_ms``: single-row inference budget in milliseconds, or ``None``.
    - ``compute_budget``: 'low' (a laptop, minutes), 'medium', or 'high' (hours of GPU time).
    - ``time_budget_s``: seconds the benchmark may spend (used to size the plan), or ``None``.
    - ``price_per_hour``: machine cost used to turn time into money, or ``None``.

    >>> Constraints(interpretability=True, gpu=False).interpretability
    True
    """

    interpretability: bool = False
    gpu: bool | None = None
    deploy_urgency: str = "medium"
    latency_ms: float | None = None
    compute_budget: str = "medium"
    time_budget_s: float | None = None
    price_per_hour: float | None = None

    def __post_init__(self) -> None:
        for name in ("deploy_urgency", "compute_budget"):
            value = getattr(self, name)
            if value not in _LEVELS:
                raise InvalidArgumentError(
                    f"{name}={value!r} is not a level advisor knows.", f"Use one of {', '.join(_LEVELS)}."
                )
        for name in ("latency_ms", "time_budget_s", "price_per_hour"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise InvalidArgumentError(
                    f"{name}={value!r} must be a positive number.", "Pass a positive value or leave it out."
                )

    def with_changes(self, **changes: Any) -> Constraints:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Constraints:
        return cls(**(data or {}))

    @classmethod
    def coerce(cls, value: Constraints | dict[str, Any] | None) -> Constraints:
        """Accept a Constraints, a plain dict of its fields, or None."""
        if value is None:
            return cls()
        if isinstance(value, Constraints):
            return value
        if isinstance(value, dict):
            unknown = set(value) - set(cls.__dataclass_fields__)
            if unknown:
                raise InvalidArgumentError(
                    f"Unknown constraint(s): {', '.join(sorted(unknown))}.",
                    f"Known constraints: {', '.join(cls.__dataclass_fields__)}.",
                )
            return cls(**value)
        raise InvalidArgumentError(
            f"constraints must be a Constraints or a dict, not {type(value).__name__}.",
            "Pass advisor.Constraints(interpretability=True, ...) or a dict of the same fields.",
        )

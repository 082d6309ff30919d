"""The learning curve's result: measured points, a power law per family, and the crossover (JSON round trip)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from advisor.curve.powerlaw import Crossover, PowerLaw

__all__ = ["CurvePoint", "LearningCurve", "to_error", "to_score"]


def to_error(score: float, metric: str, higher_is_better: bool) -> float:
    """The error a power law is fitted to: the score itself when lower is better, else its shortfall."""
    if not higher_is_better:
        return score
    return -score if metric.startswith("neg_") else 1.0 - score


def to_score(error: Any, metric: str, higher_is_better: bool) -> Any:
    if not higher_is_better:
        return error
    return -error if metric.startswith("neg_") else 1.0 - error


@dataclass(frozen=True)
class CurvePoint:
    """One family's test score after training on ``rows`` rows (its search and refit within the point's budget)."""

    family: str
    kind: str
    rows: int
    score: float | None
    fit_s: float | None
    status: str  # 'ok' | 'skipped' | 'failed'
    reason: str = ""


@dataclass(frozen=True)
class LearningCurve:
    """What :func:`advisor.learning_curve` measured and what it expects with more data."""

    dataset: str
    modality: str
    task: str
    metric: str
    higher_is_better: bool
    sizes: tuple[int, ...]
    test_rows: int
    deep: str | None
    classical: str | None
    points: tuple[CurvePoint, ...]
    fits: dict[str, PowerLaw]
    crossover: Crossover | None
    budget_s: float | None
    wall_s: float
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def summary(self) -> str:
        """The answer in a sentence."""
        if self.crossover is not None:
            return self.crossover.summary
        return " ".join(self.notes[:1]) or "No crossover could be estimated."

    def scores(self, family: str) -> list[tuple[int, float]]:
        """``(rows, score)`` of a family's scored points, by size."""
        return [(p.rows, p.score) for p in self.points if p.family == family and p.score is not None]

    def predicted_score(self, family: str, rows: float) -> float | None:
        law = self.fits.get(family)
        if law is None:
            return None
        return float(to_score(law.predict(rows), self.metric, self.higher_is_better))

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["fits"] = {k: v.to_dict() for k, v in self.fits.items()}
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LearningCurve:
        cross = data.get("crossover")
        return cls(
            **{k: v for k, v in data.items() if k not in ("points", "fits", "crossover", "sizes", "notes")},
            sizes=tuple(data["sizes"]),
            points=tuple(CurvePoint(**p) for p in data["points"]),
            fits={k: PowerLaw.from_dict(v) for k, v in data["fits"].items()},
            crossover=Crossover(**cross) if cross else None,
            notes=tuple(data.get("notes", ())),
        )

    @classmethod
    def load(cls, path: str | Path) -> LearningCurve:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.to_json(), encoding="utf-8")
        return path

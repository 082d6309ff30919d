"""Data-size what-if: learning curves of the best classical and the best deep family, and their crossover."""

from advisor.curve.measure import default_sizes, learning_curve
from advisor.curve.powerlaw import Crossover, PowerLaw, crossover
from advisor.curve.result import CurvePoint, LearningCurve

#: File names of a curve's result and report in its folder (CLI ``--out``, the dashboard's ``<run>/curve``).
CURVE_FILE = "curve.json"
CURVE_REPORT = "curve.html"

__all__ = [
    "CURVE_FILE",
    "CURVE_REPORT",
    "Crossover",
    "CurvePoint",
    "LearningCurve",
    "PowerLaw",
    "crossover",
    "default_sizes",
    "learning_curve",
]

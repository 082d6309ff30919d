"""The ``modality`` argument: parse it, and explain when a requested one does not fit."""

from __future__ import annotations

from advisor.data.dataset import Modality
from advisor.errors import InvalidArgumentError, ModalityError, WrongTypeError

__all__ = ["check_fixed_modality", "parse_modality"]

_ALIASES = {
    "tabular": Modality.TABULAR,
    "table": Modality.TABULAR,
    "image": Modality.IMAGE,
    "images": Modality.IMAGE,
    "text": Modality.TEXT,
    "timeseries": Modality.TIMESERIES,
    "time series": Modality.TIMESERIES,
    "time_series": Modality.TIMESERIES,
    "time-series": Modality.TIMESERIES,
}


def parse_modality(value: str | Modality | None) -> Modality | None:
    """``None`` (detect) or the :class:`Modality` named by ``value``."""
    if value is None or isinstance(value, Modality):
        return value
    if not isinstance(value, str):
        raise WrongTypeError(
            f"modality must be a string, not {type(value).__name__}.",
            "Pass one of 'tabular', 'image', 'text', 'timeseries', or None to detect it.",
        )
    try:
        return _ALIASES[value.strip().lower()]
    except KeyError:
        raise InvalidArgumentError(
            f"Unknown modality {value!r}.",
            "Pass one of 'tabular', 'image', 'text', 'timeseries', or None to detect it.",
        ) from None


def check_fixed_modality(requested: Modality | None, actual: Modality, why: str) -> str:
    """For inputs whose modality is fixed by their format; return the reason or raise."""
    if requested is not None and requested != actual:
        raise ModalityError(
            f"Modality '{requested.value}' was requested, but {why}, which can only be read as {actual.value}.",
            f"Drop the modality override, or pass data in a {requested.value} layout.",
        )
    return why

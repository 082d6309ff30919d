import pytest

from advisor.data import Modality
from advisor.data.modality import check_fixed_modality, parse_modality
from advisor.errors import InvalidArgumentError, ModalityError, WrongTypeError


def test_parse_modality() -> None:
    assert parse_modality(None) is None
    assert parse_modality("Images") is Modality.IMAGE
    assert parse_modality("time series") is Modality.TIMESERIES
    assert parse_modality(Modality.TEXT) is Modality.TEXT
    with pytest.raises(InvalidArgumentError, match="'tabular', 'image', 'text', 'timeseries'"):
        parse_modality("video")
    with pytest.raises(WrongTypeError):
        parse_modality(3)  # type: ignore[arg-type]


def test_check_fixed_modality() -> None:
    assert check_fixed_modality(None, Modality.IMAGE, "why") == "why"
    with pytest.raises(ModalityError, match="'text' was requested, but why"):
        check_fixed_modality(Modality.TEXT, Modality.IMAGE, "why")

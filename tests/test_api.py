"""The public API: import stays light, and load -> profile -> recommend works on every modality."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import advisor
from advisor.errors import TooFewRowsError, UnanswerableTargetError, WrongTypeError


def test_import_is_light() -> None:
    code = (
        "import sys, advisor; heavy = [m for m in ('torch', 'xgboost', 'lightgbm', 'streamlit', 'sklearn')"
        " if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_public_names() -> None:
    for name in (
        "load",
        "profile",
        "recommend",
        "Dataset",
        "DatasetProfile",
        "Constraints",
        "Recommendation",
        "AdvisorError",
        "datasets",
        "hardware",
        "trials",
        "trials_dashboard",
    ):
        assert hasattr(advisor, name), name
    with pytest.raises(AttributeError):
        advisor.nope  # noqa: B018


@pytest.mark.parametrize(
    ("name", "modality", "families"),
    [
        ("adult", "tabular", {"lightgbm", "xgboost"}),
        ("sms_spam", "text", {"embedding_xgboost"}),
        ("digits", "image", {"cnn", "linear", "lightgbm", "embedding_xgboost", "transformer"}),
        ("gunpoint", "timeseries", {"minirocket", "multirocket", "cnn", "rnn"}),
    ],
)
def test_end_to_end_on_bundled_data(name: str, modality: str, families: set[str]) -> None:
    data = advisor.datasets.load(name)
    prof = advisor.profile(data)
    rec = advisor.recommend(prof, {"gpu": False})
    assert prof.modality == modality and rec.modality == modality
    assert rec.top.family in families
    assert rec.task in ("binary", "multiclass")


def test_recommend_accepts_a_dataframe_with_target() -> None:
    frame = pd.DataFrame({"x": range(200), "z": [i % 7 for i in range(200)], "y": [i % 2 for i in range(200)]})
    rec = advisor.recommend(frame, target="y")
    assert rec.task == "binary" and rec.modality == "tabular"


def test_recommend_rejects_none() -> None:
    with pytest.raises(WrongTypeError):
        advisor.recommend(None)


def test_recommend_refuses_data_no_model_can_be_scored_on() -> None:
    two_rows = pd.DataFrame({"x": [1.0, 2.0], "y": [0, 1]})
    with pytest.raises(TooFewRowsError, match="2 labelled rows") as err:
        advisor.recommend(two_rows, target="y")
    assert err.value.fix == "Add labelled rows; a benchmark splits them 70 / 15 / 15."
    with pytest.raises(TooFewRowsError):  # a profile of data is checked too (the dashboard passes one)
        advisor.recommend(advisor.profile(advisor.load(two_rows, target="y")))
    ids = pd.DataFrame({"x": range(40), "name": [f"n{i}" for i in range(40)]})
    with pytest.raises(UnanswerableTargetError, match="target 'name' is different"):
        advisor.recommend(ids, target="name")
    with pytest.raises(UnanswerableTargetError):
        advisor.recommend(advisor.load(ids, target="name"))


def test_what_if_profiles_from_numbers_are_not_checked() -> None:
    tiny = advisor.DatasetProfile.from_summary(rows=2, features=3)
    assert advisor.recommend(tiny, {"gpu": False}).plan.items  # a what-if, not data: still answered
    unique = advisor.DatasetProfile.from_summary(rows=40, features=3, task="multiclass", n_classes=40)
    assert advisor.recommend(unique, {"gpu": False}).task == "multiclass"


def test_importing_advisor_leaves_optunas_log_level_alone() -> None:
    import subprocess
    import sys

    code = (
        "import optuna; optuna.logging.set_verbosity(optuna.logging.DEBUG); "
        "import advisor, advisor.benchmarking.runner, advisor.benchmarking.studies; "
        "print(optuna.logging.get_verbosity() == optuna.logging.DEBUG)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"

"""Task detection: stated tasks, ambiguous targets, class labels of images/text/series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import advisor
from advisor.errors import InvalidArgumentError
from advisor.profiling.task import check_task, looks_like_classes, summarize_target


def test_looks_like_classes_follows_detection() -> None:
    assert looks_like_classes(pd.Series(["a", "b"]))
    assert looks_like_classes(pd.Series([0, 1, 2]))
    assert looks_like_classes(pd.Series([True, False]))
    assert looks_like_classes(pd.Series([0.5, 1.5]))  # two values: binary, as the profile reads it
    assert not looks_like_classes(pd.Series([0.5, 1.5, 2.25]))
    assert not looks_like_classes(pd.Series(range(100)))
    assert looks_like_classes(pd.Series(range(100)), modality="image")


def test_rating_is_multiclass_but_flagged_with_the_override() -> None:
    s = summarize_target(pd.Series([1, 2, 3, 4, 5] * 10, name="rating"))
    assert s.task == "multiclass" and s.n_classes == 5
    assert s.ambiguous
    assert "task='regression'" in s.reason and "--task regression" in s.reason


def test_score_in_steps_of_ten_is_flagged() -> None:
    s = summarize_target(pd.Series(list(range(0, 101, 10)) * 5, name="score"))
    assert s.task == "multiclass" and s.ambiguous


def test_stated_regression_wins() -> None:
    s = summarize_target(pd.Series([1, 2, 3, 4, 5] * 10), task="regression")
    assert s.task == "regression" and not s.ambiguous and s.reason == "given by the user"


def test_many_repeated_integer_levels_flag_class_codes() -> None:
    y = pd.Series(np.repeat(np.arange(40), 10))
    tab = summarize_target(y)
    assert tab.task == "regression" and tab.ambiguous and "task='multiclass'" in tab.reason
    img = summarize_target(y, modality="image")
    assert img.task == "multiclass" and img.n_classes == 40


def test_binary_and_text_labels_are_not_ambiguous() -> None:
    assert not summarize_target(pd.Series([0, 1] * 10)).ambiguous
    assert not summarize_target(pd.Series(["a", "b", "c"] * 5)).ambiguous
    assert not summarize_target(pd.Series(np.linspace(0, 1, 50))).ambiguous


def test_bad_stated_tasks() -> None:
    with pytest.raises(InvalidArgumentError, match="Unknown task"):
        check_task("regresion")
    with pytest.raises(InvalidArgumentError, match="numeric target"):
        summarize_target(pd.Series(["a", "b", "a"]), task="regression")
    with pytest.raises(InvalidArgumentError, match="two classes"):
        summarize_target(pd.Series([1, 2, 3]), task="binary")
    assert check_task(" Classification ") == "classification"


def test_classification_splits_into_binary_or_multiclass() -> None:
    assert summarize_target(pd.Series([0.5, 1.5, 0.5]), task="classification").task == "binary"
    assert summarize_target(pd.Series([0.5, 1.5, 2.5]), task="classification").task == "multiclass"


def test_npz_images_with_integer_labels_are_classes(tmp_path) -> None:
    rng = np.random.default_rng(0)
    X = rng.integers(0, 255, size=(400, 16, 16), dtype=np.uint8)
    y = np.repeat(np.arange(40), 10)
    path = tmp_path / "faces.npz"
    np.savez(path, X=X, y=y)
    data = advisor.load(path)
    prof = advisor.profile(data)
    assert prof.modality == "image" and prof.task == "multiclass" and prof.n_classes == 40
    assert advisor.profile(advisor.load(path, task="regression")).task == "regression"


def test_task_and_metric_travel_from_load_to_profile_and_plan() -> None:
    frame = pd.DataFrame({"x": np.arange(60.0), "rating": [1, 2, 3, 4, 5] * 12})
    data = advisor.load(frame, target="rating", task="regression", metric="MAE")
    assert (data.task, data.metric) == ("regression", "mae")
    prof = advisor.profile(data)
    assert prof.task == "regression" and prof.metric == "mae"
    rec = advisor.recommend(data)
    assert rec.task == "regression" and rec.plan.metric == "mae"
    flagged = advisor.profile(advisor.load(frame, target="rating"))
    assert flagged.task == "multiclass" and flagged.task_ambiguous
    assert advisor.recommend(frame, target="rating", metric="f1").plan.metric == "f1"


def test_metric_must_fit_the_task() -> None:
    frame = pd.DataFrame({"x": np.arange(60.0), "y": ["a", "b"] * 30})
    with pytest.raises(InvalidArgumentError, match="does not apply to a binary task"):
        advisor.profile(advisor.load(frame, target="y", metric="rmse"))
    with pytest.raises(InvalidArgumentError, match="Unknown metric"):
        advisor.load(frame, target="y", metric="acuracy")

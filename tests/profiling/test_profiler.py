"""profile(): column roles, task detection, balance, moments and modality statistics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from advisor.data.dataset import Dataset
from advisor.errors import WrongTypeError
from advisor.profiling import DatasetProfile, profile


@pytest.fixture
def mixed() -> Dataset:
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {
            "customer_id": np.arange(n),
            "age": rng.normal(40, 10, n),
            "income": rng.lognormal(10, 1, n),
            "plan": rng.choice(["basic", "pro", "team"], n),
            "signup": pd.date_range("2024-01-01", periods=n, freq="D").astype(str),
            "comment": [f"customer number {i} wrote a fairly long comment about the service" for i in range(n)],
            "country": ["NL"] * n,
            "empty": [np.nan] * n,
        }
    )
    frame.loc[:39, "age"] = np.nan
    y = pd.Series(np.where(rng.random(n) < 0.1, "churn", "stay"), name="status")
    return Dataset(X=frame, y=y, modality="tabular", name="mixed", target="status")


def test_column_roles(mixed: Dataset) -> None:
    roles = {c.name: c.role for c in profile(mixed).columns}
    assert roles == {
        "customer_id": "id",
        "age": "numeric",
        "income": "numeric",
        "plan": "categorical",
        "signup": "datetime",
        "comment": "text",
        "country": "constant",
        "empty": "empty",
    }


def test_missing_cardinality_and_moments(mixed: Dataset) -> None:
    p = profile(mixed)
    cols = {c.name: c for c in p.columns}
    assert cols["age"].missing_share == pytest.approx(0.1)
    assert cols["plan"].cardinality == 3
    assert cols["income"].skewness is not None and cols["income"].skewness > 2  # log-normal
    assert p.kurtosis_mean is not None and p.skewness_max_abs == pytest.approx(cols["income"].skewness)
    assert p.memory_bytes > 0 and p.features == 8 and p.rows == 400


def test_binary_task_and_imbalance(mixed: Dataset) -> None:
    p = profile(mixed)
    assert p.task == "binary" and "2 labels" in p.task_reason
    assert p.n_classes == 2 and p.imbalance_ratio is not None and p.imbalance_ratio > 5
    assert p.min_class_count == min(p.class_counts.values())
    assert p.samples_per_class == pytest.approx(200.0)


@pytest.mark.parametrize(
    ("values", "task"),
    [
        ([0.5, 1.25, 3.5, 2.0, 9.75] * 20, "regression"),
        ([1, 2, 3, 4, 5] * 20, "multiclass"),
        ([0, 1] * 50, "binary"),
        (list(range(100)), "regression"),
    ],
)
def test_task_detection(values: list, task: str) -> None:
    ds = Dataset(X=pd.DataFrame({"x": range(len(values))}), y=pd.Series(values, name="y"), modality="tabular")
    assert profile(ds).task == task


def test_task_override_and_regression_skew() -> None:
    rng = np.random.default_rng(1)
    y = pd.Series(rng.lognormal(0, 1, 500), name="price")
    ds = Dataset(X=pd.DataFrame({"x": rng.normal(size=500)}), y=y, modality="tabular")
    p = profile(ds)
    assert p.task == "regression" and p.target_skewness is not None and p.target_skewness > 1
    assert profile(ds.with_target(pd.Series([0, 1] * 250), "flag"), task="classification").task == "binary"


def test_no_target_means_no_task() -> None:
    p = profile(Dataset(X=pd.DataFrame({"x": [1.0, 2.0, 3.0]}), y=None, modality="tabular"))
    assert p.task is None and "no target" in p.task_reason


def test_image_and_series_statistics() -> None:
    images = np.zeros((30, 8, 8, 1), dtype=np.uint8)
    pi = profile(Dataset(X=images, y=pd.Series([0, 1, 2] * 10), modality="image"))
    assert (pi.image.count, pi.image.height, pi.image.channels, pi.features) == (30, 8, 1, 64)
    series = [np.zeros((3, n), dtype=np.float32) for n in (10, 12, 20)]
    ps = profile(Dataset(X=series, y=pd.Series(["a", "b", "a"]), modality="timeseries"))
    assert ps.series.channels == 3 and (ps.series.min_length, ps.series.max_length) == (10, 20)
    assert ps.series.equal_length is False


def test_text_statistics() -> None:
    frame = pd.DataFrame({"text": ["free entry win a prize now", "see you at lunch", ""], "n": [1, 2, 3]})
    p = profile(Dataset(X=frame, y=pd.Series(["spam", "ham", "ham"]), modality="text", text_columns=("text",)))
    assert p.text is not None and p.text.vocabulary_size == 10 and p.text.empty_share == pytest.approx(1 / 3)
    assert p.text.max_chars == len("free entry win a prize now")


def test_profile_json_round_trip(mixed: Dataset) -> None:
    p = profile(mixed)
    assert DatasetProfile.from_json(p.to_json()) == p


def test_profile_is_frozen(mixed: Dataset) -> None:
    p = profile(mixed)
    with pytest.raises(AttributeError):
        p.rows = 3  # type: ignore[misc]


def test_from_summary_what_if() -> None:
    p = DatasetProfile.from_summary(rows=10_000, features=100, categorical=30, n_classes=2)
    assert (p.numeric_features, p.categorical_features) == (70, 30)
    assert p.categorical_share == pytest.approx(0.3)
    assert p.from_summary_only and DatasetProfile.from_json(p.to_json()) == p


def test_profile_rejects_wrong_type() -> None:
    with pytest.raises(WrongTypeError, match="Load the data first"):
        profile(pd.DataFrame({"a": [1]}))  # type: ignore[arg-type]

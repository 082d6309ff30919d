"""Cost probes: time, CPU, peak memory, inference latency, model size, money."""

from __future__ import annotations

import json
import pickle
import threading
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression

from advisor.benchmarking.costs import (
    COST_KEYS,
    CostRecord,
    FitCost,
    InferenceCost,
    measure,
    measure_inference,
    model_size_bytes,
    money,
)


def _allocate_200mb() -> float:
    a = np.ones(25_000_000)  # 200 MB of float64, every page touched
    return float(a.sum())


def test_measure_peak_memory_of_a_200mb_array():
    result, cost = measure(_allocate_200mb)
    assert result == 25_000_000.0
    assert 150 <= cost.peak_memory_mb <= 400
    assert cost.wall_s > 0 and cost.cpu_s > 0


def test_measure_busy_loop_wall_and_cpu():
    def busy() -> None:
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < 0.3:
            pass

    _, cost = measure(busy)
    assert 0.29 <= cost.wall_s <= 1.5
    assert 0.1 <= cost.cpu_s <= 1.5  # loose: a shared machine may steal time
    assert cost.peak_memory_mb < 50


def test_measure_reraises_and_stops_the_sampler():
    before = threading.active_count()

    def boom() -> None:
        raise KeyError("nope")

    with pytest.raises(KeyError, match="nope"):
        measure(boom)
    assert threading.active_count() == before
    assert not any(t.name == "advisor-rss-sampler" for t in threading.enumerate())


def test_measure_inference_on_logistic_regression():
    X, y = make_classification(n_samples=3000, n_features=10, random_state=0)
    model = LogisticRegression().fit(X, y)
    for data in (X, pd.DataFrame(X)):
        cost = measure_inference(model.predict_proba, data, n_single=20)
        assert cost.latency_p95_ms >= cost.latency_p50_ms > 0
        assert cost.batch_ms_per_1k > 0


def test_measure_inference_stops_at_the_time_limit():
    calls = []

    def slow_predict(rows):
        calls.append(len(rows))
        time.sleep(0.02)
        return np.zeros(len(rows))

    t0 = time.perf_counter()
    cost = measure_inference(slow_predict, np.zeros((1000, 3)), n_single=1000, time_limit_s=0.2)
    assert time.perf_counter() - t0 < 2.0
    assert calls.count(1) < 50  # far fewer than n_single single-row calls
    assert cost.latency_p50_ms >= 15


def test_measure_inference_rejects_empty_data():
    with pytest.raises(ValueError):
        measure_inference(lambda rows: rows, np.zeros((0, 2)))


def test_model_size_grows_with_the_forest():
    X, y = make_classification(n_samples=300, n_features=8, random_state=0)
    small = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    big = RandomForestClassifier(n_estimators=40, random_state=0).fit(X, y)
    assert model_size_bytes(small) == len(pickle.dumps(small, protocol=5))
    assert model_size_bytes(big) > 4 * model_size_bytes(small)


def test_model_size_of_a_torch_module():
    torch = pytest.importorskip("torch")
    assert model_size_bytes(torch.nn.Linear(100, 100)) > 100 * 100 * 4


def test_money():
    assert money(3600, 2.5) == pytest.approx(2.5)
    assert money(90, None) is None


def test_cost_record_attrs_round_trip():
    rec = CostRecord(
        fit=FitCost(wall_s=1.5, cpu_s=2.75, peak_memory_mb=120.0),
        inference=InferenceCost(batch_ms_per_1k=3.0, latency_p50_ms=0.5, latency_p95_ms=0.9),
        model_size_bytes=12345,
        device="cpu",
        money=0.01,
    )
    attrs = rec.to_attrs()
    assert tuple(attrs) == COST_KEYS
    assert CostRecord.from_attrs(json.loads(json.dumps(attrs))) == rec
    no_inference = CostRecord(fit=rec.fit, model_size_bytes=10, device="cuda:0")
    back = CostRecord.from_attrs({**no_inference.to_attrs(), "other_attr": "ignored"})
    assert back == no_inference and back.inference is None and back.money is None

"""SeriesFeatures: values checked against numpy / pandas / analytic results, unequal lengths, NaN, speed."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from advisor.errors import WrongTypeError
from advisor.models.series import features as features_module
from advisor.models.series.features import SeriesFeatures
from advisor.models.series.inputs import downsample

PER_CHANNEL = 41  # 17 global + 5 lags + 2 x 4 rolling + 3 differences + 8 shape


def transform(X: list[np.ndarray]) -> pd.DataFrame:
    return SeriesFeatures().fit(X).transform(X)


def test_shape_names_and_dtype(gunpoint) -> None:
    X_train, _, X_test, _ = gunpoint
    extractor = SeriesFeatures().fit(X_train)
    F = extractor.transform(X_test)
    assert F.shape == (150, PER_CHANNEL + 1)
    assert list(F.columns) == extractor.columns == list(extractor.get_feature_names_out())
    assert F.columns[:3].tolist() == ["c0_mean", "c0_std", "c0_min"]
    assert {"c0_acf10", "c0_roll25_std_max", "c0_paa7", "length"} <= set(F.columns)
    assert (F.dtypes == np.float32).all() and np.isfinite(F.to_numpy()).all()


def test_multichannel_adds_channel_pair_correlations() -> None:
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(6, 100)).astype(np.float32) for _ in range(5)]
    F = transform(X)
    pairs = [c for c in F.columns if c.startswith("corr_")]
    assert len(pairs) == 15 and pairs[0] == "corr_c0_c1" and pairs[-1] == "corr_c4_c5"
    assert F.shape[1] == 6 * PER_CHANNEL + 1 + 15 and len(set(F.columns)) == F.shape[1]
    many = [rng.normal(size=(13, 20)).astype(np.float32) for _ in range(3)]  # above 12 channels: no pairs
    assert not any(c.startswith("corr_") for c in transform(many).columns)


def test_correlation_values() -> None:
    t = np.arange(200, dtype=np.float32)
    a, b = np.sin(t / 7), np.random.default_rng(1).normal(size=200).astype(np.float32)
    F = transform([np.stack([a, 2 * a + 1, -a, b])])
    assert F.loc[0, "corr_c0_c1"] == pytest.approx(1.0, abs=1e-6)
    assert F.loc[0, "corr_c0_c2"] == pytest.approx(-1.0, abs=1e-6)
    assert F.loc[0, "corr_c0_c3"] == pytest.approx(np.corrcoef(a, b)[0, 1], abs=1e-5)


def test_statistics_match_numpy_and_pandas() -> None:
    rng = np.random.default_rng(2)
    X = [rng.normal(size=(1, n)).cumsum(axis=1).astype(np.float32) for n in (40, 57, 80)]
    F = transform(X)
    for i, s in enumerate(X):
        v = s[0].astype(np.float64)
        row = F.loc[i]
        assert row["c0_mean"] == pytest.approx(v.mean(), abs=1e-5)
        assert row["c0_std"] == pytest.approx(v.std(), abs=1e-5)
        assert row["c0_median"] == pytest.approx(np.median(v), abs=1e-5)
        assert row["c0_q10"] == pytest.approx(np.quantile(v, 0.1), abs=1e-5)
        assert row["c0_q75"] == pytest.approx(np.quantile(v, 0.75), abs=1e-5)
        assert row["c0_skew"] == pytest.approx(pd.Series(v).skew() * _bias(len(v), 3), abs=1e-4)
        assert row["c0_slope"] == pytest.approx(np.polyfit(np.arange(len(v)), v, 1)[0], abs=1e-5)
        assert row["c0_argmax_pos"] == pytest.approx(np.argmax(v) / (len(v) - 1), abs=1e-6)
        assert row["c0_diff_max_abs"] == pytest.approx(np.abs(np.diff(v)).max(), abs=1e-5)
        assert row["c0_mean_abs_change"] == pytest.approx(np.abs(np.diff(v)).mean(), abs=1e-5)
        assert row["length"] == len(v)
        for fraction, name in ((0.1, "roll10"), (0.25, "roll25")):
            window = max(2, int(np.floor(fraction * len(v) + 0.5)))
            rolling = pd.Series(v).rolling(window)
            assert row[f"c0_{name}_mean_max"] == pytest.approx(rolling.mean().max(), abs=1e-5)
            assert row[f"c0_{name}_mean_min"] == pytest.approx(rolling.mean().min(), abs=1e-5)
            assert row[f"c0_{name}_std_mean"] == pytest.approx(rolling.std(ddof=0).mean(), abs=1e-5)
            assert row[f"c0_{name}_std_max"] == pytest.approx(rolling.std(ddof=0).max(), abs=1e-5)


def _bias(n: int, moment: int) -> float:
    """pandas' skew is the adjusted Fisher-Pearson estimator; ours is the plain (biased) one."""
    return (n - 2) / np.sqrt(n * (n - 1)) if moment == 3 else 1.0


def test_sine_autocorrelation_crossings_and_shape() -> None:
    period, n = 25, 1000
    t = np.arange(n, dtype=np.float64)
    F = transform([np.sin(2 * np.pi * t / period).astype(np.float32)[None, :]])
    for lag in (1, 2, 3, 5, 10):
        assert F.loc[0, f"c0_acf{lag}"] == pytest.approx(np.cos(2 * np.pi * lag / period), abs=0.01)
    assert F.loc[0, "c0_mean_crossings"] == pytest.approx(2 * n / period, abs=1)
    ramp = transform([(3.0 * np.arange(80, dtype=np.float32) + 1)[None, :]])
    assert ramp.loc[0, "c0_slope"] == pytest.approx(3.0, abs=1e-5)
    z = (np.arange(80) - 39.5) / np.arange(80).std()
    expected = z.reshape(8, 10).mean(axis=1)  # piecewise aggregate approximation of the z-normalized ramp
    assert np.allclose(ramp.filter(like="paa").to_numpy()[0], expected, atol=1e-5)


def test_unequal_lengths_give_finite_features_except_lags_past_the_end(vowels) -> None:
    X_train, _, X_test, _ = vowels
    X = X_train + X_test
    F = SeriesFeatures().fit(X).transform(X)
    lengths = np.array([s.shape[1] for s in X])
    assert F.shape == (640, 12 * PER_CHANNEL + 1 + 66) and lengths.min() == 7 and lengths.max() == 29
    assert np.array_equal(F["length"].to_numpy(), lengths)
    for column in F.columns:
        values = F[column].to_numpy()
        if column.endswith("_acf10"):  # needs more than 10 points
            assert np.array_equal(np.isnan(values), lengths <= 10), column
        else:
            assert np.isfinite(values).all(), column
    assert (lengths <= 10).any()


def test_nan_values_are_ignored_and_all_nan_channels_give_nan() -> None:
    rng = np.random.default_rng(3)
    clean = rng.normal(size=(2, 60)).astype(np.float32)
    holes = clean.copy()
    holes[0, [5, 17, 40]] = np.nan
    holes[1, :] = np.nan
    F = transform([holes, clean])
    observed = clean[0][~np.isnan(holes[0])].astype(np.float64)
    assert F.loc[0, "c0_mean"] == pytest.approx(observed.mean(), abs=1e-5)
    assert F.loc[0, "c0_max"] == pytest.approx(observed.max(), abs=1e-6)
    assert F.loc[0, "c0_nan_share"] == pytest.approx(3 / 60)
    assert np.isfinite(F.filter(regex="^c0_").loc[0].to_numpy()).all()
    c1 = F.filter(regex="^c1_").loc[0]
    assert c1["c1_nan_share"] == 1.0 and c1.drop("c1_nan_share").isna().all()
    assert np.isnan(F.loc[0, "corr_c0_c1"]) and np.isfinite(F.loc[1, "corr_c0_c1"])
    assert np.isfinite(F.loc[1].to_numpy()).all()  # the clean row is unaffected


def test_constant_channels_describe_no_variation() -> None:
    F = transform([np.full((1, 30), 4.0, np.float32)])
    row = F.loc[0]
    assert row["c0_std"] == 0 and row["c0_skew"] == 0 and row["c0_kurtosis"] == 0 and row["c0_acf1"] == 0
    assert (F.filter(like="paa").to_numpy() == 0).all()


def test_rows_are_independent_and_results_deterministic(vowels, monkeypatch) -> None:
    X_train, _, X_test, _ = vowels
    extractor = SeriesFeatures().fit(X_train)
    full = extractor.transform(X_test)
    rows = np.array([5, 300, 17, 0, 211])
    subset = extractor.transform([X_test[i] for i in rows])
    pd.testing.assert_frame_equal(subset, full.iloc[rows].reset_index(drop=True))
    pd.testing.assert_frame_equal(SeriesFeatures().fit(X_test).transform(X_test), full)
    monkeypatch.setattr(features_module, "BLOCK_VALUES", 500)  # many small blocks: same numbers
    pd.testing.assert_frame_equal(extractor.transform(X_test), full)


def test_input_forms() -> None:
    rng = np.random.default_rng(4)
    cube = rng.normal(size=(4, 2, 30)).astype(np.float32)
    from_list = transform(list(cube))
    pd.testing.assert_frame_equal(transform(cube), from_list)
    as_objects = np.empty(4, dtype=object)
    as_objects[:] = list(cube)
    pd.testing.assert_frame_equal(transform(as_objects), from_list)
    indexed = pd.Series(list(cube), index=[10, 11, 12, 13])
    assert transform(indexed).index.tolist() == [10, 11, 12, 13]
    flat = transform([cube[0, 0]])  # a 1-D series is one channel
    assert flat.shape[1] == PER_CHANNEL + 1


def test_wrong_channel_count_is_a_clear_error() -> None:
    rng = np.random.default_rng(5)
    extractor = SeriesFeatures().fit([rng.normal(size=(3, 20)).astype(np.float32)])
    with pytest.raises(WrongTypeError, match="2 channels, but the features were fitted on 3"):
        extractor.transform([rng.normal(size=(2, 20)).astype(np.float32)])
    with pytest.raises(WrongTypeError, match="different channel counts"):
        extractor.transform([np.zeros((3, 5), np.float32), np.zeros((2, 5), np.float32)])


def test_downsample_averages_equal_spans() -> None:
    x = np.arange(10, dtype=np.float32)[None, :]
    assert np.allclose(downsample(x, 5), [[0.5, 2.5, 4.5, 6.5, 8.5]])
    assert np.allclose(downsample(x, 4), [[0.8, 3.2, 5.8, 8.2]])  # spans of 2.5 points: (0 + 1 + 2 / 2) / 2.5, ...
    assert downsample(x, 10) is x


def test_speed_on_japanese_vowels(vowels) -> None:
    X = vowels[0] + vowels[2]
    extractor = SeriesFeatures().fit(X)
    extractor.transform(X[:10])
    start = time.perf_counter()
    extractor.transform(X)
    assert time.perf_counter() - start < 1.0

"""Views: each representation built once; embeddings computed once per dataset, cached, reused."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import advisor
from advisor.benchmarking.views import Views, fingerprint
from advisor.data.dataset import Dataset
from advisor.errors import InvalidArgumentError


def _views(dataset: Dataset, run_dir: Path, events: list | None = None) -> Views:
    def record(encoder: str, done: int, total: int, seconds: float) -> None:
        if events is not None:
            events.append((encoder, done, total))

    return Views(dataset, advisor.profile(dataset), run_dir, on_embed=record)


def test_text_embeddings_are_computed_once_cached_and_reused(tmp_path: Path, sms_small: Dataset) -> None:
    events: list = []
    first = _views(sms_small, tmp_path, events).get("text_embedding")
    assert first.X.shape == (400, 384) and first.X.dtypes.eq("float32").all()
    stats = first.embedding
    assert stats["cached"] is False and stats["items"] == 400 and stats["items_per_s"] > 0
    assert events[0][1] == 0 and events[-1][1:] == (400, 400)  # progress from 0 to every text
    files = sorted(p.name for p in (tmp_path / "embeddings").iterdir())
    assert len(files) == 2 and files[0].endswith(".json") and files[1].endswith(".npy")
    assert json.loads((tmp_path / "embeddings" / files[0]).read_text())["items"] == 400

    again_events: list = []
    again = _views(sms_small, tmp_path, again_events).get("text_embedding")
    assert again.embedding["cached"] is True and again_events == []
    assert np.array_equal(again.X.to_numpy(), first.X.to_numpy())


def test_a_view_is_built_once_per_run(tmp_path: Path, sms_small: Dataset) -> None:
    views = _views(sms_small, tmp_path)
    assert views.get("texts") is views.get("texts")
    assert views.get("texts").X.iloc[0] == str(sms_small.X["text"].iloc[0])


def test_mixed_table_joins_embeddings_and_tabular_columns(tmp_path: Path, reviews_small: Dataset) -> None:
    views = _views(reviews_small, tmp_path)
    assert views.mixed
    table = views.get("table")
    assert "Review Text" not in table.X.columns and "Age" in table.X.columns
    joined = views.get("text_embedding")
    assert list(joined.X.columns[:384]) == [f"emb_{i}" for i in range(384)]
    assert list(joined.X.columns[384:]) == list(table.X.columns)
    assert "+ 8 tabular column(s)" in joined.description


def test_pure_text_has_no_table_view(tmp_path: Path, sms_small: Dataset) -> None:
    views = _views(sms_small, tmp_path)
    assert not views.mixed
    with pytest.raises(InvalidArgumentError, match="no tabular columns"):
        views.get("table")
    with pytest.raises(InvalidArgumentError, match="cannot be built from text"):
        views.get("images")


def test_series_and_image_views(tmp_path: Path, gunpoint: Dataset, digits_small: Dataset) -> None:
    series = _views(gunpoint, tmp_path).get("series_features")
    assert len(series.X) == 200 and np.isfinite(series.X.to_numpy()).all()
    pixels = _views(digits_small, tmp_path).get("pixels")
    assert len(pixels.X) == 400 and pixels.X.shape[1] > 64
    images = _views(digits_small, tmp_path).get("images")
    assert images.X.shape == (400, 8, 8, 1) and images.X.dtype == np.uint8


def test_fingerprint_changes_with_the_data() -> None:
    texts = pd.Series(["a", "b"])
    assert fingerprint(texts) == fingerprint(pd.Series(["a", "b"]))
    assert fingerprint(texts) != fingerprint(pd.Series(["a", "c"]))
    images = np.zeros((2, 4, 4, 1), np.uint8)
    changed = images.copy()
    changed[1, 2, 2, 0] = 1
    assert fingerprint(images) != fingerprint(changed)


def test_a_saved_hybrid_predicts_rows_whose_text_is_missing(tmp_path: Path, reviews_small: Dataset) -> None:
    view = _views(reviews_small, tmp_path).get("text_embedding")
    row = reviews_small.X.head(1).copy()
    row["Review Text"] = None
    out = view.preparer.transform(row)  # an empty text encodes; the tabular columns carry the row
    assert out.shape == (1, view.X.shape[1]) and np.isfinite(out.iloc[:, :384].to_numpy(dtype=np.float64)).all()


def test_training_text_must_not_be_all_empty(tmp_path: Path, sms_small: Dataset) -> None:
    from advisor.errors import EmptyTextError

    blank = Dataset(X=sms_small.X.assign(text=""), y=sms_small.y, modality="text", text_columns=("text",))
    with pytest.raises(EmptyTextError):
        _views(blank, tmp_path).get("text_embedding")

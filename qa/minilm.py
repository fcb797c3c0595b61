"""all-MiniLM-L6-v2 on onnxruntime: the same weights and vectors as sentence-transformers, without torch or its import."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qa.bert import Encoder, pad
from qa.embed import Progress, minilm_path, normalise
from qa.errors import ModelError


class MiniLMEmbedder:
    """A BERT encoder with mean pooling and L2 normalisation, read from the packaged safetensors file."""

    name = "sentence-transformers/all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, path: str | None = None, batch_size: int = 32, max_tokens: int = 256) -> None:
        self.path = Path(path or minilm_path())
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self._encoder = None
        self._tokenizer = None

    def _load(self) -> None:
        """Read the tokenizer and weights once."""
        if self._encoder is not None:
            return

        try:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer

            config = json.loads((self.path / "config.json").read_text())
            weights = load_file(str(self.path / "model.safetensors"))
            tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        except (OSError, ValueError, ImportError) as exc:
            raise ModelError(f"The embedding model at {self.path} could not be loaded ({exc}).") from exc
        tokenizer.enable_truncation(max_length=self.max_tokens)
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        stamp = (self.path / "model.safetensors").stat()
        key = f"minilm-{stamp.st_size}-{int(stamp.st_mtime)}"
        self._encoder = Encoder(weights, config["num_hidden_layers"], config["num_attention_heads"], config["layer_norm_eps"], key, spin=False)

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Encode in length-sorted batches, returning rows in the input order."""
        self._load()
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        done = 0
        for start in range(0, len(order), self.batch_size):
            rows = order[start:start + self.batch_size]
            ids, mask = pad([encodings[i].ids for i in rows])
            hidden = self._encoder.hidden(ids, np.zeros_like(ids), mask)
            m = mask[..., None].astype(np.float32)
            out[rows] = normalise((hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9))
            done += len(rows)
            if progress:
                progress(done, len(texts))
        return out

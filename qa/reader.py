"""The trained reader: whether a sentence, read with the one before it, answers a question, and where the answer is."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Self

import numpy as np

from qa.config import REPO_ROOT
from qa.embed import minilm_path
from qa.errors import ModelError

MODEL_DIR = REPO_ROOT / "models"
READER_FILE = MODEL_DIR / "reader.safetensors"
# The sha256 of the shipped reader; `qa train reader` prints the new one to pin here.
READER_SHA256 = "2ba16fd7ee73953df8ace046ddda5266db94d957efd9b3e8f10429415d225a27"
MAX_TOKENS = 128
MAX_QUESTION_TOKENS = 40
MAX_SPAN_TOKENS = 16


@dataclass(frozen=True)
class Window:
    """A sentence with the one before it, as the reader reads it; offsets are into the article."""

    sentence_id: int
    doc_id: str
    start: int
    centre: int
    end: int
    text: str

    @property
    def centre_offset(self) -> int:
        """Where the sentence read starts inside the window's text."""
        return self.centre - self.start


@dataclass(frozen=True)
class Reading:
    """The reader's verdict on one window: the probability it answers, and the answer span in the window's text."""

    p: float
    start: int
    end: int


@dataclass(frozen=True)
class Features:
    """Token ids of one (question, window) pair, and where each window token lies in the window's text."""

    ids: list[int]
    types: list[int]
    offsets: list[tuple[int, int]]
    first: int


@lru_cache(maxsize=1)
def tokenizer():  # noqa: ANN201 - tokenizers.Tokenizer
    """The MiniLM word-piece tokenizer, without special tokens, padding or truncation."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(minilm_path()) / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def featurise(question: str, text: str, centre: int, max_tokens: int = MAX_TOKENS, max_first: int = MAX_QUESTION_TOKENS) -> Features:
    """[CLS] question [SEP] window [SEP]; a window too long loses the sentence before, then its own end."""
    tok = tokenizer()
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    q = tok.encode(question, add_special_tokens=False).ids[:max_first]
    w = tok.encode(text, add_special_tokens=False)
    ids, offsets = w.ids, w.offsets
    room = max_tokens - len(q) - 3
    if len(ids) > room:
        cut = next((i for i, (s, _) in enumerate(offsets) if s >= centre), 0)
        ids, offsets = ids[cut:cut + room], offsets[cut:cut + room]
    first = len(q) + 2
    return Features([cls, *q, sep, *ids, sep], [0] * first + [1] * (len(ids) + 1), list(offsets), first)


def pad(feats: Sequence[Features], rows: Sequence[int]):  # noqa: ANN201 - torch tensors
    """Padded token ids, token types and attention mask for some rows of features."""
    import torch

    longest = max(len(feats[i].ids) for i in rows)
    ids = torch.zeros((len(rows), longest), dtype=torch.long)
    types, mask = torch.zeros_like(ids), torch.zeros_like(ids)
    for r, i in enumerate(rows):
        n = len(feats[i].ids)
        ids[r, :n], types[r, :n], mask[r, :n] = torch.tensor(feats[i].ids), torch.tensor(feats[i].types), 1
    return ids, types, mask


def best_span(start_logits: np.ndarray, end_logits: np.ndarray, feats: Features) -> tuple[int, int]:
    """The highest-scoring span of at most MAX_SPAN_TOKENS window tokens, as character offsets into the window."""
    n = len(feats.offsets)
    if n == 0:
        return 0, 0
    s = start_logits[feats.first:feats.first + n]
    e = end_logits[feats.first:feats.first + n]
    scores = s[:, None] + e[None, :]
    allowed = np.triu(np.ones((n, n), dtype=bool)) & ~np.triu(np.ones((n, n), dtype=bool), MAX_SPAN_TOKENS)
    i, j = np.unravel_index(np.argmax(np.where(allowed, scores, -np.inf)), scores.shape)
    return feats.offsets[i][0], feats.offsets[j][1]


def sha256_of(path: Path) -> str:
    """The sha256 of a file, read in blocks."""
    from qa.index import sha256_file

    return sha256_file(path)


def dequantise(tensors: dict) -> dict:
    """Float tensors from the shipped file: int8 rows times their scale, fp16 widened."""
    import torch

    out = {}
    for name, value in tensors.items():
        if name.endswith(".scale"):
            continue
        if value.dtype == torch.int8:
            out[name] = value.float() * tensors[name + ".scale"].float()[:, None]
        else:
            out[name] = value.float()
    return out


def load_trained(path: Path, sha256: str | None, kind: str) -> tuple[dict, dict, tuple[int, int, float]]:
    """A trained model file checked against its pinned sha256, with the packaged MiniLM embeddings: (weights, metadata, (layers, heads, eps))."""
    fix = f"restore it with `git checkout models/` or retrain it with `qa train {kind}`"
    if not path.is_file():
        raise ModelError(f"The {kind} model {path} is missing; {fix}.")
    if sha256 and sha256_of(path) != sha256:
        raise ModelError(f"The {kind} model {path} is damaged (its sha256 does not match the pinned one); {fix}.")
    try:
        from safetensors import safe_open
        from safetensors.torch import load_file

        with safe_open(str(path), "pt") as f:
            meta = json.loads((f.metadata() or {}).get(kind, "{}"))
        trained = dequantise(load_file(str(path)))
        base = load_file(str(Path(minilm_path()) / "model.safetensors"))
        config = json.loads((Path(minilm_path()) / "config.json").read_text())
    except (OSError, ValueError, ImportError, KeyError) as exc:
        raise ModelError(f"The {kind} model {path} could not be read ({exc}); {fix}.") from exc
    weights = {k: v for k, v in base.items() if k.startswith("embeddings.")} | trained
    return weights, meta, (config["num_hidden_layers"], config["num_attention_heads"], config["layer_norm_eps"])


class TrainedModel:
    """A shipped model file (reader or judge), checked against its pinned sha256 and loaded once with the packaged MiniLM embeddings."""

    kind = ""

    def __init__(self, path: Path, sha256: str | None) -> None:
        self.path = path
        self.sha256 = sha256
        self._weights: dict | None = None
        self._shape: tuple[int, int, float] = (0, 0, 0.0)
        self.meta: dict[str, object] = {}

    def load(self) -> Self:
        """Check the file's sha256 and read it; a missing or damaged file raises ModelError."""
        if self._weights is None:
            self._weights, self.meta, self._shape = load_trained(self.path, self.sha256, self.kind)
            self.temperature = float(self.meta.get("temperature", 1.0))
        return self


class Reader(TrainedModel):
    """The shipped reader model: packaged MiniLM embeddings plus the trained layers, an answer head and a span head."""

    kind = "reader"

    def __init__(self, path: Path | str | None = None, sha256: str | None = READER_SHA256, threads: int | None = None) -> None:
        super().__init__(Path(path or READER_FILE), sha256)
        self.threads = threads

    def read(self, question: str, windows: Sequence[tuple[str, int]], batch_size: int = 6) -> list[Reading]:
        """For each (window text, centre offset): the probability it answers the question, and the answer span."""
        import torch

        from qa.minilm import bert_hidden

        self.load()
        if self.threads:
            torch.set_num_threads(self.threads)
        feats = [featurise(question, text, centre) for text, centre in windows]
        out: list[Reading | None] = [None] * len(feats)
        order = sorted(range(len(feats)), key=lambda i: -len(feats[i].ids))
        w = self._weights
        with torch.inference_mode():
            for lo in range(0, len(order), batch_size):
                rows = order[lo:lo + batch_size]
                ids, types, mask = pad(feats, rows)
                hidden = bert_hidden(w, *self._shape, ids, mask, types)
                logits = torch.nn.functional.linear(hidden[:, 0], w["reader.answer.weight"], w["reader.answer.bias"])[:, 0]
                spans = torch.nn.functional.linear(hidden, w["reader.span.weight"], w["reader.span.bias"]).numpy()
                for r, i in enumerate(rows):
                    p = 1.0 / (1.0 + math.exp(-float(logits[r]) / self.temperature))
                    start, end = best_span(spans[r, :, 0], spans[r, :, 1], feats[i])
                    out[i] = Reading(p, start, end)
        return [r for r in out if r is not None]


@lru_cache(maxsize=2)
def shared_reader(path: str | None = None) -> Reader:
    """One loaded reader per process and file."""
    return Reader(path).load()

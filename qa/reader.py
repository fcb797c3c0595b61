"""The trained reader: whether a sentence, read with the one before it, answers a question, and where the answer is."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Self

import numpy as np

from qa.bert import Encoder, dense
from qa.config import REPO_ROOT
from qa.embed import minilm_path
from qa.errors import ModelError
from qa.text import DATELINE

MODEL_DIR = REPO_ROOT / "models"
READER_FILE = MODEL_DIR / "reader.safetensors"
# The sha256 of the shipped reader; `qa train reader` prints the new one to pin here.
READER_SHA256 = "2ba16fd7ee73953df8ace046ddda5266db94d957efd9b3e8f10429415d225a27"
MAX_TOKENS = 128
MAX_QUESTION_TOKENS = 40
MAX_SPAN_TOKENS = 16
# Tokens two parts of an overlong sentence share, so an answer cut by one part's end is whole in the next.
PART_OVERLAP = 32


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
    return parts(question, text, centre, max_tokens, max_first)[0]


def parts(question: str, text: str, centre: int, max_tokens: int = MAX_TOKENS, max_first: int = MAX_QUESTION_TOKENS) -> list[Features]:
    """The features a window is read as: one pair, or, for a window too long, its sentence alone (the one before dropped), and a
    sentence still too long in overlapping parts, each with the question (`PART_OVERLAP` tokens shared)."""
    tok = tokenizer()
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    q = tok.encode(question, add_special_tokens=False).ids[:max_first]
    w = tok.encode(text, add_special_tokens=False)
    room = max_tokens - len(q) - 3
    cut = next((i for i, (s, _) in enumerate(w.offsets) if s >= centre), 0) if len(w.ids) > room else 0
    starts = list(range(cut, max(cut, len(w.ids) - room) + 1, max(1, room - PART_OVERLAP)))
    if starts[-1] + room < len(w.ids):
        starts.append(len(w.ids) - room)
    first = len(q) + 2
    out = []
    for start in starts:
        ids, offsets = w.ids[start:start + room], w.offsets[start:start + room]
        out.append(Features([cls, *q, sep, *ids, sep], [0] * first + [1] * (len(ids) + 1), list(offsets), first))
    return out


def best_span(start_logits: np.ndarray, end_logits: np.ndarray, feats: Features, within: Sequence[tuple[int, int]] = ()) -> tuple[int, int]:
    """The highest-scoring span of at most MAX_SPAN_TOKENS window tokens, as character offsets into the window; with `within`,
    the best span inside one of those character ranges."""
    n = len(feats.offsets)
    if n == 0:
        return 0, 0
    s = start_logits[feats.first:feats.first + n]
    e = end_logits[feats.first:feats.first + n]
    scores = s[:, None] + e[None, :]
    allowed = np.triu(np.ones((n, n), dtype=bool)) & ~np.triu(np.ones((n, n), dtype=bool), MAX_SPAN_TOKENS)
    if within:
        starts, ends = np.array([a for a, _ in feats.offsets]), np.array([b for _, b in feats.offsets])
        inside = np.zeros((n, n), dtype=bool)
        for lo, hi in within:
            inside |= ((starts >= lo) & (starts < hi))[:, None] & ((ends <= hi) & (ends > lo))[None, :]
        if (allowed & inside).any():
            allowed &= inside
    i, j = np.unravel_index(np.argmax(np.where(allowed, scores, -np.inf)), scores.shape)
    return feats.offsets[i][0], feats.offsets[j][1]


def lines(text: str) -> list[tuple[int, int]]:
    """The character ranges of a text's lines, each after its dateline: an answer never runs from a headline or paragraph into the
    next, nor is the agency that filed the story."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        dateline = DATELINE.match(m.group())
        out.append((m.start() + (dateline.end() if dateline else 0), m.end()))
    return out


def sha256_of(path: Path) -> str:
    """The sha256 of a file, read in blocks."""
    from qa.index import sha256_file

    return sha256_file(path)


def load_trained(path: Path, sha256: str | None, kind: str) -> tuple[dict[str, np.ndarray], dict, tuple[int, int, float]]:
    """A trained model file checked against its pinned sha256, with the packaged MiniLM embeddings: (weights, metadata, (layers, heads, eps))."""
    fix = f"restore it with `git checkout models/` or retrain it with `qa train {kind}`"
    if not path.is_file():
        raise ModelError(f"The {kind} model {path} is missing; {fix}.")
    if sha256 and sha256_of(path) != sha256:
        raise ModelError(f"The {kind} model {path} is damaged (its sha256 does not match the pinned one); {fix}.")
    try:
        from safetensors import safe_open
        from safetensors.numpy import load_file

        with safe_open(str(path), "np") as f:
            meta = json.loads((f.metadata() or {}).get(kind, "{}"))
        trained = load_file(str(path))
        with safe_open(str(Path(minilm_path()) / "model.safetensors"), "np") as f:
            base = {k: f.get_tensor(k) for k in f.keys() if k.startswith("embeddings.")}
        config = json.loads((Path(minilm_path()) / "config.json").read_text())
    except (OSError, ValueError, ImportError, KeyError) as exc:
        raise ModelError(f"The {kind} model {path} could not be read ({exc}); {fix}.") from exc
    weights = base | trained
    return weights, meta, (config["num_hidden_layers"], config["num_attention_heads"], config["layer_norm_eps"])


class TrainedModel:
    """A shipped model file (reader or judge), checked against its pinned sha256 and loaded once with the packaged MiniLM embeddings."""

    kind = ""
    # The int8 weights (by name ending) widened to float32 for inference; the rest run as int8 products on quantised inputs.
    float_weights: tuple[str, ...] = ()

    def __init__(self, path: Path, sha256: str | None) -> None:
        self.path = path
        self.sha256 = sha256
        self.encoder: Encoder | None = None
        self.heads: dict[str, np.ndarray] = {}
        self.meta: dict[str, object] = {}

    def load(self) -> Self:
        """Check the file's sha256 and read it; a missing or damaged file raises ModelError."""
        if self.encoder is None:
            weights, self.meta, shape = load_trained(self.path, self.sha256, self.kind)
            self.heads = {k: dense(weights, k) for k in weights if k.startswith(self.kind + ".") and not k.endswith(".scale")}
            weights |= {k: dense(weights, k) for k in weights if k.endswith(self.float_weights)}
            self.encoder = Encoder(weights, *shape, key=f"{self.kind}-{(self.sha256 or sha256_of(self.path))[:16]}")
            self.temperature = float(self.meta.get("temperature", 1.0))
        return self

    def hidden(self, feats: Features) -> np.ndarray:
        """The last hidden states [tokens, size] of one pair's features.

        One pair per run: the int8 layers quantise their inputs with one scale per run, so a batch would make a pair's
        reading depend on its batch mates; unpadded single runs also measured fastest on 2 cores.
        """
        ids, types = np.array([feats.ids], dtype=np.int64), np.array([feats.types], dtype=np.int64)
        return self.encoder.hidden(ids, types, np.ones_like(ids))[0]

    def head(self, x: np.ndarray, name: str) -> np.ndarray:
        """One of the trained linear heads applied to hidden states."""
        return x @ self.heads[f"{self.kind}.{name}.weight"].T + self.heads[f"{self.kind}.{name}.bias"]


class Reader(TrainedModel):
    """The shipped reader model: packaged MiniLM embeddings plus the trained layers, an answer head and a span head."""

    kind = "reader"
    # The projections out of attention and out of the GELU, whose inputs quantise worst: on 1,500 held-out pairs, int8 there
    # cost 0.02 span F1; int8 in the other layers cost nothing measurable and halves their time.
    float_weights = ("output.dense.weight",)

    def __init__(self, path: Path | str | None = None, sha256: str | None = READER_SHA256) -> None:
        super().__init__(Path(path or READER_FILE), sha256)

    def read(self, question: str, windows: Sequence[tuple[str, int]], within: Sequence[Sequence[tuple[int, int]]] = ()) -> list[Reading]:
        """For each (window text, centre offset): the probability it answers the question, and the answer span (with `within`,
        one list of character ranges per window, the best span inside them; an empty list, any of its lines). A sentence too long for one run is read in
        overlapping parts, and the part likeliest to answer gives both."""
        self.load()
        out = []
        for i, (text, centre) in enumerate(windows):
            ranges = (within[i] if within else ()) or lines(text)
            pieces = parts(question, text, centre)
            # Of an overlong sentence's parts, those that hold a range the answer must lie in, and of them the likeliest.
            holding = [f for f in pieces if any(lo < f.offsets[-1][1] and f.offsets[0][0] < hi for lo, hi in ranges)] if len(pieces) > 1 else []
            read = []
            for f in holding or pieces:
                hidden = self.hidden(f)
                read.append((float(self.head(hidden[0], "answer")[0]), f, hidden))
            logit, feats, hidden = max(read, key=lambda r: r[0])
            spans = self.head(hidden, "span")
            span = best_span(spans[:, 0], spans[:, 1], feats, ranges)
            out.append(Reading(1.0 / (1.0 + math.exp(-logit / self.temperature)), *span))
        return out


@lru_cache(maxsize=2)
def shared_reader(path: str | None = None) -> Reader:
    """One loaded reader per process and file."""
    return Reader(path).load()

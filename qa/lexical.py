"""A BM25 index over stemmed terms, kept as a sparse matrix of per-term weights (no pickle)."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from qa.text import terms


class LexicalIndex:
    """BM25 scores as one sparse matrix: rows are passages, columns terms."""

    def __init__(self, vocab: dict[str, int], idf: np.ndarray, weights: sparse.csc_matrix) -> None:
        self.vocab = vocab
        self.idf = idf
        self.weights = weights
        self.size = weights.shape[0]

    @classmethod
    def build(cls, texts: Sequence[str], k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        """Index passages with Okapi BM25."""
        counts = [Counter(terms(t)) for t in texts]
        vocab: dict[str, int] = {}
        rows, cols, tfs = [], [], []
        for row, counter in enumerate(counts):
            for term, tf in counter.items():
                rows.append(row)
                cols.append(vocab.setdefault(term, len(vocab)))
                tfs.append(tf)
        n = len(texts)
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float32)
        avg = float(lengths.mean()) if n else 1.0
        df = np.bincount(np.array(cols, dtype=np.int64), minlength=len(vocab)).astype(np.float32)
        idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        tf = np.array(tfs, dtype=np.float32)
        row_idx = np.array(rows, dtype=np.int64)
        col_idx = np.array(cols, dtype=np.int64)
        norm = k1 * (1 - b + b * lengths[row_idx] / max(avg, 1e-6)) if n else tf
        values = idf[col_idx] * tf * (k1 + 1) / (tf + norm)
        weights = sparse.csc_matrix((values, (row_idx, col_idx)), shape=(n, len(vocab)), dtype=np.float32)
        return cls(vocab, idf, weights)

    def idf_of(self, term: str) -> float:
        """The idf of a stem; a term the corpus never uses counts as rarest."""
        col = self.vocab.get(term)
        return float(self.idf[col]) if col is not None else math.log1p((self.size + 0.5) / 0.5)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for a query."""
        cols = sorted({self.vocab[t] for t in terms(query) if t in self.vocab})
        if not cols or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.weights[:, cols].sum(axis=1)).ravel()

    def coverage(self, query: str) -> np.ndarray:
        """The idf-weighted share of a query's terms that every passage holds (a term the corpus never uses weighs most)."""
        wanted = set(terms(query))
        total = sum(self.idf_of(t) for t in wanted)
        cols = sorted({self.vocab[t] for t in wanted if t in self.vocab})
        if not cols or not self.size or total <= 0:
            return np.zeros(self.size, dtype=np.float32)
        held = (self.weights[:, cols] > 0).astype(np.float32)
        return np.asarray(held @ self.idf[cols]).ravel() / total

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The k best passages with a positive score, best first; `allowed` masks rows out."""
        scores = self.scores(query)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        k = min(k, int(np.count_nonzero(scores > 0)))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top]

    def save(self, folder: Path, stem: str) -> list[str]:
        """Write the index as `{stem}.npz` and `{stem}.vocab.json`; return the file names."""
        sparse.save_npz(folder / f"{stem}.npz", self.weights.tocsc(), compressed=False)
        terms_in_order = sorted(self.vocab, key=self.vocab.__getitem__)
        (folder / f"{stem}.vocab.json").write_text(json.dumps({"terms": terms_in_order, "idf": self.idf.tolist()}), encoding="utf-8")
        return [f"{stem}.npz", f"{stem}.vocab.json"]

    @classmethod
    def load(cls, folder: Path, stem: str) -> LexicalIndex:
        """Read an index written by save."""
        data = json.loads((folder / f"{stem}.vocab.json").read_text(encoding="utf-8"))
        vocab = {t: i for i, t in enumerate(data["terms"])}
        weights = sparse.load_npz(folder / f"{stem}.npz").tocsc()
        return cls(vocab, np.array(data["idf"], dtype=np.float32), weights)

"""Hybrid retrieval: lexical and dense rankings fused by reciprocal rank."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np

from qa.index import Index
from qa.types import Document, Hit


def dense_search(index: Index, query_vector: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The k chunks nearest the query vector by inner product, best first."""
    if not index.chunks or k <= 0:
        return []
    if allowed is None:
        scores, ids = index.dense.search(query_vector.reshape(1, -1).astype(np.float32), min(k, len(index.chunks)))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
    sims = index.chunk_vectors @ query_vector
    sims = np.where(allowed, sims, -np.inf)
    k = min(k, int(allowed.sum()))
    if k <= 0:
        return []
    top = np.argpartition(-sims, k - 1)[:k]
    return [(int(i), float(sims[i])) for i in top[np.argsort(-sims[top], kind="stable")]]


def rrf(rankings: Iterable[list[tuple[int, float]]], k: int) -> dict[int, float]:
    """Reciprocal rank fusion of several rankings of the same ids."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, (item, _) in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


MODES = ("hybrid", "lexical", "dense")


def hybrid_search(
    index: Index, query: str, query_vector: np.ndarray, k: int, candidates: int, rrf_k: int,
    doc_ids: Iterable[str] | None = None, mode: str = "hybrid",
) -> list[Hit]:
    """The k best chunks for a query by fused lexical and dense rank (or one of them alone, as a baseline)."""
    allowed = index.doc_mask(doc_ids)
    lexical = index.lexical.search(query, candidates, allowed) if mode != "dense" else []
    dense = dense_search(index, query_vector, candidates, allowed) if mode != "lexical" else []
    fused = rrf([lexical, dense], rrf_k)
    lex_rank = {i: r for r, (i, _) in enumerate(lexical, start=1)}
    dense_rank = {i: r for r, (i, _) in enumerate(dense, start=1)}
    best = sorted(fused, key=lambda i: (-fused[i], i))[:k]
    return [Hit(index.chunks[i], fused[i], lex_rank.get(i), dense_rank.get(i)) for i in best]


def outlet_names(outlet: str) -> list[str]:
    """The names a question may give an outlet: its whole name and the name before a section or tagline ('FOX News - Health',
    'FOX News'; 'Cnbc | World Business News Leader', 'Cnbc')."""
    whole = outlet.strip()
    short = re.split(r"\s+[|:–—-]\s+", whole)[0].strip()
    return [n for n in dict.fromkeys((whole, short)) if len(n) > 2]


def named_outlets(question: str, docs: Mapping[str, Document]) -> list[str] | None:
    """The articles of the outlets a question names ('as reported by TechCrunch', 'according to The Verge'), or None where it names
    none: the outlet's name as the corpus writes it, capitals included ('the Guardian' for 'The Guardian' too), and not as the
    question's first word."""
    named = {outlet for outlet in {doc.outlet for doc in docs.values()} if any(_named_in(question, name) for name in outlet_names(outlet))}
    return [doc_id for doc_id, doc in docs.items() if doc.outlet in named] or None


def _named_in(question: str, name: str) -> bool:
    """Whether a question names an outlet by this name, after its first word."""
    pattern = rf"[Tt]he\s+{re.escape(name[4:])}" if name.startswith("The ") else re.escape(name)
    return any(m.start() > 0 for m in re.finditer(rf"(?<![\w'’-]){pattern}(?![\w-])", question))

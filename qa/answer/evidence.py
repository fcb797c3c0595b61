"""Scoring the sentences of retrieved chunks as evidence for a question."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.answer.spans import Kind, Span, candidate_spans
from qa.index import Index
from qa.text import key_terms, terms
from qa.types import Hit, Sentence


@dataclass(frozen=True)
class Evidence:
    """One sentence weighed as support for an answer."""

    sentence_id: int
    sentence: Sentence
    score: float
    dense: float
    coverage: float
    window_coverage: float
    spans: tuple[Span, ...]


def coverage(stems: set[str], key: list[str], weights: dict[str, float]) -> float:
    """The idf-weighted share of key terms found among some stems."""
    total = sum(weights[t] for t in key)
    return sum(weights[t] for t in key if t in stems) / total if total else 0.0


def gather(index: Index, hits: list[Hit], question: str, query_vector: np.ndarray, kind: Kind) -> list[Evidence]:
    """Every sentence of the retrieved chunks, scored, best first."""
    key = key_terms(question)
    weights = {t: index.lexical.idf_of(t) for t in key}
    ids: dict[int, float] = {}
    top = hits[0].score if hits else 1.0
    for hit in hits:
        for sid in index.sentences_of(hit.chunk.chunk_id):
            ids[sid] = max(ids.get(sid, 0.0), hit.score / top)
    if not ids:
        return []
    order = sorted(ids)
    dense = index.sentence_vectors[order] @ query_vector
    out = []
    for sid, sim in zip(order, dense):
        sent = index.sentences[sid]
        stems = set(terms(sent.text))
        window = set(stems)
        for nb in (sid - 1, sid + 1):
            if 0 <= nb < len(index.sentences) and index.sentences[nb].doc_id == sent.doc_id:
                window |= set(terms(index.sentences[nb].text))
        window |= set(terms(index.docs[sent.doc_id].title))
        cov = coverage(stems, key, weights)
        wcov = coverage(window, key, weights)
        spans = tuple(candidate_spans(sent.text, kind, question)) if kind is not Kind.OTHER else ()
        if not spans and kind is Kind.MONEY:
            spans = tuple(candidate_spans(sent.text, Kind.PERCENT, question))
        typed = 1.0 if spans or kind is Kind.OTHER else 0.0
        short = min(1.0, len(sent.text) / 40) * (0.7 if sent.text.rstrip().endswith("?") else 1.0)
        score = short * (float(sim) + 0.6 * cov + 0.3 * wcov + 0.25 * typed + 0.2 * ids[sid])
        out.append(Evidence(sid, sent, score, float(sim), cov, wcov, spans))
    out.sort(key=lambda e: (-e.score, e.sentence_id))
    return out

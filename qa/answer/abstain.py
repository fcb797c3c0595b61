"""Deciding from evidence whether the sources answer a question."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from qa.answer.evidence import Evidence
from qa.answer.spans import Kind, focus_words
from qa.index import Index
from qa.text import STOPWORDS, key_terms, stem

# Logistic weights over the evidence features, fitted by scripts/calibrate_abstention.py on
# shared/eval/dev.jsonl and eval/extra.jsonl (53 labelled rows, leave-one-out accuracy 0.98).
WEIGHTS = {"dense": 6.74, "coverage": 6.53, "unknown_focus": -5.48, "unknown": -3.3}
BIAS = -4.66
# A question that asks for a figure or a date is not answered by passages that state none.
TYPED = (Kind.MONEY, Kind.COUNT, Kind.DATE, Kind.PERCENT)


@dataclass(frozen=True)
class Decision:
    """Whether to abstain, the probability the sources answer, and the evidence behind it."""

    abstain: bool
    p_answerable: float
    features: dict[str, float] = field(default_factory=dict)


def features(index: Index, question: str, evidence: list[Evidence], kind: Kind) -> dict[str, float]:
    """How well the best passages match the question's key terms and meaning."""
    key = key_terms(question)
    weights = {t: index.lexical.idf_of(t) for t in key}
    total = sum(weights.values()) or 1.0
    focus = {stem(w) for w in focus_words(question) if w not in STOPWORDS} & set(key)
    unknown_focus = sum(weights[t] for t in focus if t not in index.lexical.vocab) / (sum(weights[t] for t in focus) or 1.0)
    unknown = sum(w for t, w in weights.items() if t not in index.lexical.vocab and t not in focus) / total
    top = evidence[:5]
    return {
        "dense": max((e.dense for e in top), default=0.0),
        "coverage": max((e.window_coverage for e in top), default=0.0),
        "unknown_focus": unknown_focus,
        "unknown": unknown if key else 1.0,
    }


def decide(index: Index, question: str, evidence: list[Evidence], kind: Kind) -> Decision:
    """Abstain when the evidence is unlikely to answer the question."""
    f = features(index, question, evidence, kind)
    if not evidence:
        return Decision(True, 0.0, f)
    if kind in TYPED and not any(e.spans for e in evidence[:3]):
        return Decision(True, 0.0, f | {"p_answerable": 0.0, "no_typed_span": 1.0})
    z = BIAS + sum(WEIGHTS[k] * f[k] for k in WEIGHTS)
    p = 1.0 / (1.0 + math.exp(-z))
    return Decision(p < 0.5, p, f | {"p_answerable": p})

"""From scored evidence to an Answer: the direct answer first, every claim cited, conflicts and abstention."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from qa.answer.abstain import Decision, decide
from qa.answer.conflicts import Statement, conversion_conflicts, count_conflicts
from qa.answer.evidence import Evidence
from qa.answer.spans import Kind, Span, candidate_spans, count_span, figures, focus_nouns, focus_words, number_value, unit_noun
from qa.index import Index
from qa.text import key_terms, stem, words
from qa.types import Answer, Citation, Claim, Conflict, Sentence


@dataclass
class _Citer:
    """Numbers citations in order of first use, one number per distinct span."""

    index: Index

    def __post_init__(self) -> None:
        self.citations: list[Citation] = []

    def cite(self, sentence: Sentence) -> int:
        """The marker number of a sentence, new or reused."""
        for c in self.citations:
            if (c.doc_id, c.start, c.end) == (sentence.doc_id, sentence.start, sentence.end):
                return c.n
        doc = self.index.docs[sentence.doc_id]
        n = len(self.citations) + 1
        self.citations.append(Citation(n, sentence.doc_id, doc.title, sentence.start, sentence.end, doc.text[sentence.start:sentence.end]))
        return n


def _markers(ns: list[int]) -> str:
    """'[1][2]' for a list of citation numbers."""
    return "".join(f"[{n}]" for n in dict.fromkeys(ns))


def _lead_span(index: Index, ev: Evidence, question: str, kind: Kind) -> Span | None:
    """The candidate answer in the best sentence nearest the question's key terms."""
    if not ev.spans or kind in (Kind.OTHER,):
        return None
    focus = focus_nouns(question)
    plural = [w for w in focus_words(question) if w.endswith("s") and not w.endswith("ss")]
    if kind is Kind.ENTITY and plural:
        return None
    if kind is Kind.PERSON and re.fullmatch(r"\s*[Ww]ho (?:is|was|are|were)(?:\s+[A-Z][\w.'’-]*){1,4}\s*\??\s*", question):
        return None
    key = set(key_terms(question))
    positions = [m.start() for m in re.finditer(r"[\w.,]+", ev.sentence.text) if any(stem(w) in key for w in words(m.group(0)))]

    def rank(span: Span) -> tuple[float, int]:
        near = min((0 if span.start <= p < span.end else min(abs(p - span.start), abs(p - span.end)) for p in positions), default=0)
        unit = {stem(w) for w in words(span.text.split()[-1])} if kind is Kind.COUNT and len(span.text.split()) > 1 else set()
        named = 0.1 if kind is Kind.PERSON and " " in span.text else 0.0
        return (near / 100 - named - sum(index.lexical.idf_of(t) for t in unit & key), span.start)

    best = min(ev.spans, key=rank)
    if kind is Kind.COUNT:
        return count_span(best, focus)
    return _enumeration(ev.sentence.text, ev.spans, best) if kind in (Kind.PERSON, Kind.ENTITY) else best


def _enumeration(sentence: str, spans: tuple[Span, ...], chosen: Span) -> Span:
    """A name widened to the list it stands in: 'SoftBank, NEC, Sony Group and Honda'."""
    ordered = sorted(spans, key=lambda s: s.start)
    i = ordered.index(chosen)
    lo = hi = i
    joiner = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)")
    while lo > 0 and joiner.fullmatch(sentence[ordered[lo - 1].end:ordered[lo].start]):
        lo -= 1
    while hi + 1 < len(ordered) and joiner.fullmatch(sentence[ordered[hi].end:ordered[hi + 1].start]):
        hi += 1
    start, end = ordered[lo].start, ordered[hi].end
    return Span(start, end, sentence[start:end], chosen.kind)


def _same_figure(a: str, b: str, kind: Kind) -> bool:
    """True when two spans state the same figure or name."""
    if kind is Kind.MONEY:
        return bool(figures(a)) and figures(a) == figures(b)
    if kind in (Kind.COUNT, Kind.PERCENT):
        va, vb = number_value(a), number_value(b)
        return va is not None and va == vb and (kind is Kind.PERCENT or unit_noun(a) in {unit_noun(w) for w in b.split()})
    return a.lower().strip() == b.lower().strip()


def _corroborating(evidence: list[Evidence], best: Evidence, lead: Span, kind: Kind, limit: int = 3) -> list[tuple[Evidence, Span]]:
    """Other articles' sentences that state the same figure or name, one per article."""
    seen = {best.sentence.doc_id}
    out = []
    for ev in evidence[1:]:
        weak = kind not in (Kind.MONEY, Kind.COUNT, Kind.PERCENT) and ev.window_coverage < 0.7 * best.window_coverage
        if ev.sentence.doc_id in seen or ev.score < 0.45 * best.score or weak:
            continue
        span = next((s for s in ev.spans if _same_figure(lead.text, s.text, kind)), None)
        if span:
            seen.add(ev.sentence.doc_id)
            out.append((ev, span))
        if len(out) == limit:
            break
    return out


def _second_quote(evidence: list[Evidence], best: Evidence, question: str, index: Index) -> Evidence | None:
    """A further sentence that covers key terms the best one misses, if strong enough."""
    key = key_terms(question)
    covered = {t for t in key if t in {stem(w) for w in words(best.sentence.text)}}
    for ev in evidence[1:6]:
        if ev.score < 0.75 * best.score or ev.sentence.text == best.sentence.text:
            continue
        adds = {t for t in key if t in {stem(w) for w in words(ev.sentence.text)}} - covered
        if adds and sum(index.lexical.idf_of(t) for t in adds) >= 1.0:
            return ev
    return None


def _conflicts(index: Index, citer: _Citer, groups_list: list[list[list[Statement]]]) -> tuple[list[Conflict], list[str]]:
    """Conflict objects with their citations, and one sentence for each in the answer text."""
    conflicts, lines = [], []
    for groups in groups_list:
        claims, parts = [], []
        for group in groups:
            ns = [citer.cite(index.sentences[st.sentence_id]) for st in group]
            counts = Counter(st.text for st in group)
            text = min(counts, key=lambda t: (-counts[t], len(t)))
            claims.append(Claim(text, tuple(dict.fromkeys(ns))))
            parts.append(f"{text} {_markers(ns)}")
        about = groups[0][0].about
        conflicts.append(Conflict(about, tuple(claims)))
        lines.append(f"The sources differ on {about}: " + "; ".join(parts) + ".")
    return conflicts, lines


def compose(index: Index, question: str, evidence: list[Evidence], kind: Kind) -> Answer:
    """The answer to a question from its scored evidence."""
    citer = _Citer(index)
    decision: Decision = decide(index, question, evidence, kind)
    if decision.abstain:
        near = [citer.cite(ev.sentence) for ev in evidence[:2]]
        text = "The sources don't say." + (f" The closest passages are {_markers(near)}." if near else "")
        return Answer(question, text, True, tuple(citer.citations), evidence=decision.features)
    best = evidence[0]
    lead = _lead_span(index, best, question, kind)
    first = citer.cite(best.sentence)
    parts = []
    if lead:
        others = _corroborating(evidence, best, lead, kind)
        extra = [citer.cite(ev.sentence) for ev, _ in others]
        parts.append(f"{lead.text} {_markers([first, *extra])}.")
    parts.append(f"“{best.sentence.text}” [{first}]")
    second = _second_quote(evidence, best, question, index)
    if second:
        parts.append(f"“{second.sentence.text}” [{citer.cite(second.sentence)}]")
    groups_list = []
    if kind is Kind.MONEY or (lead and lead.kind is Kind.MONEY):
        amounts = [lead.text] if lead else [s.text for s in best.spans]
        asked = [s.text for s in candidate_spans(question, Kind.MONEY, "")]
        groups_list += conversion_conflicts(index, amounts + asked)
    if kind is Kind.COUNT and lead:
        unit = unit_noun(lead.text)
        label = next((w for w in focus_words(question) if unit_noun(w) == unit), unit)
        groups_list += count_conflicts(index, evidence, unit, label)
    conflicts, lines = _conflicts(index, citer, groups_list)
    short = lead.text if lead else best.sentence.text
    return Answer(question, " ".join(parts + lines), False, tuple(citer.citations), tuple(conflicts), short=short, evidence=decision.features)

"""Finding where sources state different figures for the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from qa.answer.evidence import Evidence
from qa.answer.spans import Kind, count_span, currency, money_conversions, number_value, unit_noun
from qa.index import Index


@dataclass(frozen=True)
class Statement:
    """A figure one sentence states about something; offsets are into the article."""

    about: str
    value: float
    text: str
    sentence_id: int
    start: int
    end: int


def _differs(a: float, b: float, tolerance: float) -> bool:
    """True when two figures are further apart than rounding explains."""
    return abs(a - b) > tolerance * max(abs(a), abs(b))


def cluster(statements: list[Statement], tolerance: float) -> list[list[Statement]]:
    """Group statements whose figures agree within a tolerance, largest group first."""
    groups: list[list[Statement]] = []
    for st in sorted(statements, key=lambda s: s.value):
        if groups and not _differs(groups[-1][0].value, st.value, tolerance):
            groups[-1].append(st)
        else:
            groups.append([st])
    return sorted(groups, key=lambda g: (-len(g), g[0].sentence_id))


@lru_cache(maxsize=8)
def _conversions(index: Index) -> dict[tuple[str, float], list[Statement]]:
    """Every 'amount (converted amount)' pair in the corpus, keyed by the amount converted."""
    table: dict[tuple[str, float], list[Statement]] = {}
    for sid, sent in enumerate(index.sentences):
        for source, target, start, end in money_conversions(sent.text):
            value, converted = number_value(source), number_value(target)
            if value is None or converted is None:
                continue
            about = f"{source.replace('up to ', '').strip()} in {currency(target).upper().replace('USD', 'US dollars')}"
            key = (currency(source) + ">" + currency(target), value)
            table.setdefault(key, []).append(Statement(about, converted, target, sid, sent.start + start, sent.start + end))
    return table


def conversion_conflicts(index: Index, amounts: list[str], tolerance: float = 0.2) -> list[list[Statement]]:
    """For amounts an answer gives, the sides when sources convert them to different figures."""
    table = _conversions(index)
    found = []
    for amount in amounts:
        value, cur = number_value(amount), currency(amount)
        for (pair, src_value), statements in table.items():
            if value is None or pair.split(">")[0] != cur or _differs(src_value, value, 0.01):
                continue
            groups = cluster(statements, tolerance)
            if len(groups) > 1 and groups not in found:
                found.append(groups)
    return found


def count_conflicts(index: Index, evidence: list[Evidence], unit: str, label: str, tolerance: float = 0.2) -> list[list[Statement]]:
    """Strong evidence from different articles that counts the same thing differently."""
    if not evidence:
        return []
    floor = 0.65 * evidence[0].score
    statements = []
    for ev in evidence:
        if ev.score < floor or ev.window_coverage < 0.5 * evidence[0].window_coverage:
            continue
        for span in (count_span(s, [unit]) for s in ev.spans if s.kind is Kind.COUNT):
            value = number_value(span.text)
            if value is not None and unit_noun(span.text) == unit:
                start = ev.sentence.start + span.start
                statements.append(Statement(f"the number of {label}", value, span.text, ev.sentence_id, start, start + len(span.text)))
    groups = cluster(statements, tolerance)
    docs = {index.sentences[s.sentence_id].doc_id for g in groups for s in g}
    return [groups] if len(groups) > 1 and len(docs) > 1 else []

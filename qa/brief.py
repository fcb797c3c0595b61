"""Briefings: the key points of the corpus (or of a topic), a timeline, who said what, the figures and where sources differ, every line quoted and cited.

Everything is extractive: a point, an event or a quote is a span of an article, so it is true of its first citation by
construction. Statements from several articles are one line with several citations when the claim judge finds that
each supports the other; only statements that are already close (and share their figure or date) are judged.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from itertools import combinations
from typing import Any

import numpy as np

from qa.answer.conflicts import Statement, conversion_conflicts, disagreements, stated_differently
from qa.answer.figures import WRITTEN_DATE, Figure, Kind, candidate_spans, comparable, date_value, money_conversions, month_number, same_value, text_figures
from qa.answer.lexicon import DURATIONS, WEEKDAYS
from qa.answer.speech import QUOTED, SPEECH, said
from qa.index import Index, common_stems
from qa.judge import Judge, shared_judge
from qa.markdown import one_line
from qa.pipeline import Engine, check_question
from qa.text import STOPWORDS, is_name, terms
from qa.types import Citation, Sentence

MAX_POINTS = 15
MAX_EVENTS = 15
MAX_QUOTES = 12
MAX_FIGURES = 20
# The smallest count the figures table lists.
MIN_COUNT = 10
# Two statements are the same fact when the judge finds each supports the other at least this surely ...
SAME_FACT = 0.5
# ... or, when their clauses state the same amounts and are close in meaning, when it finds one supports the other at least this
# surely and neither contradicts the other this surely: the shipped judge gives most paraphrases from another article 0.15-0.5
# support, and statements that merely share a figure under 0.1 (README, "Briefings").
SAME_FIGURES = 0.1
CONTRADICTED = 0.5
# Only statements whose sentence vectors are this close are judged, or this close when they share a figure or date (they must when either states a figure) ...
CLOSE = 0.7
CLOSE_FIGURE = 0.45
# ... and at most this many pairs, the closest: the judge reads each pair twice, and a briefing should take seconds.
MAX_PAIRS = 80
LEAD_CHARS = 600
# Counts stated differently conflict only when their sentences are at least this close (about the same subject).
SAME_SUBJECT = 0.45

_NUMBERISH = frozenset(terms("one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred dozen "
                             "thousand million billion trillion plus about around roughly nearly approximately"))


@dataclass(frozen=True)
class Point:
    """One fact, quoted from its first citation and cited to every article that states it."""

    text: str
    citations: tuple[Citation, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the contract."""
        return {"text": self.text, "citations": [c.to_dict() for c in self.citations]}


@dataclass(frozen=True)
class Event:
    """A dated event: the date as an ISO day or month, how the article wrote it, and the sentence that reports it, cited."""

    date: str
    when: str
    text: str
    citations: tuple[Citation, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the contract."""
        return {"date": self.date, "when": self.when, "text": self.text, "citations": [c.to_dict() for c in self.citations]}


@dataclass(frozen=True)
class Quote:
    """Words a named person or body said, quoted exactly, cited to every article that reports them; direct when the article puts
    them in quotation marks, else reported speech in the article's words."""

    speaker: str
    text: str
    citations: tuple[Citation, ...]
    direct: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the contract."""
        return {"speaker": self.speaker, "text": self.text, "direct": self.direct, "citations": [c.to_dict() for c in self.citations]}

    def shown(self) -> str:
        """The words as a line shows them: a direct quotation in quotation marks, reported speech marked as such."""
        return f"“{one_line(self.text)}”" if self.direct else f"Reported: {one_line(self.text)}"


@dataclass(frozen=True)
class FigureRow:
    """A figure the articles state: the amount, what it is (quoted), every article that states it, and each one's date."""

    amount: str
    what: str
    kind: str
    unit: str
    value: float
    citations: tuple[Citation, ...]
    dates: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the contract."""
        return {"amount": self.amount, "what": self.what, "kind": self.kind, "unit": self.unit, "value": self.value,
                "citations": [c.to_dict() for c in self.citations], "dates": list(self.dates)}


@dataclass(frozen=True)
class Side:
    """What one group of sources states, cited."""

    text: str
    citations: tuple[Citation, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the contract."""
        return {"text": self.text, "citations": [c.to_dict() for c in self.citations]}


@dataclass(frozen=True)
class Disagreement:
    """Sources that state different figures for the same thing."""

    about: str
    claims: tuple[Side, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the contract."""
        return {"about": self.about, "claims": [c.to_dict() for c in self.claims]}


@dataclass(frozen=True)
class Brief:
    """A briefing: key points, a timeline, who said what, a table of figures, and where the sources differ."""

    topic: str | None
    points: tuple[Point, ...]
    timeline: tuple[Event, ...]
    quotes: tuple[Quote, ...]
    figures: tuple[FigureRow, ...]
    conflicts: tuple[Disagreement, ...]

    def citations(self) -> list[Citation]:
        """Every citation of the briefing, once each, by number."""
        groups = [x.citations for x in (*self.points, *self.timeline, *self.quotes, *self.figures)]
        groups += [side.citations for conflict in self.conflicts for side in conflict.claims]
        seen = {c.n: c for group in groups for c in group}
        return [seen[n] for n in sorted(seen)]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the contract."""
        return {"topic": self.topic, "points": [p.to_dict() for p in self.points], "timeline": [e.to_dict() for e in self.timeline],
                "quotes": [q.to_dict() for q in self.quotes], "figures": [f.to_dict() for f in self.figures],
                "conflicts": [c.to_dict() for c in self.conflicts]}


@dataclass
class _Citer:
    """Numbers citations across a briefing, one number per distinct span."""

    index: Index
    citations: dict[tuple[str, int, int], Citation] = field(default_factory=dict)

    def cite(self, doc_id: str, start: int, end: int) -> Citation:
        """The citation of a span, new or reused."""
        key = (doc_id, start, end)
        if key not in self.citations:
            doc = self.index.docs[doc_id]
            self.citations[key] = Citation(len(self.citations) + 1, doc_id, doc.title, start, end, doc.text[start:end])
        return self.citations[key]


Span = tuple[str, int, int]


@dataclass(frozen=True)
class _Item:
    """A statement a line of the briefing may quote (a span of an article), what the judge reads as its claim, and as its passage."""

    doc_id: str
    start: int
    end: int
    claim: str
    passage: str
    clause: tuple[int, int] | None = None

    @property
    def span(self) -> Span:
        """Where it is: article, start, end."""
        return self.doc_id, self.start, self.end

    @property
    def quoted(self) -> Span:
        """What a line citing it quotes: the clause a figure anchored it on, else the whole statement."""
        return (self.doc_id, *self.clause) if self.clause else self.span


# --- choosing sentences ----------------------------------------------------------------------------

def usable(sentence: Sentence) -> bool:
    """True for a sentence that can stand as a point: a full statement, not a heading, question, byline or link list."""
    text = sentence.text.strip()
    n_words = len(text.split())
    if n_words < 6 or len(text) > 700 or text.endswith("?") or re.search(r"https?://|www\.|\S+\.com\b", text):
        return False
    if not re.search(r"[a-z]", text) or sum(c.isdigit() for c in text) > len(text) / 3:
        return False
    return bool(re.search(r"[.!\"”)’]$", text)) or n_words >= 12


def _span(sentence: Sentence) -> tuple[int, int]:
    """A sentence's offsets past a leading label ('In plain terms = ', 'The catch: ', a glued list number)."""
    start, text = sentence.start, sentence.text
    label = re.match(r"^[^.!?]{0,30}?\s(?:=|→|->)\s+|^(?:The |Why |What )?[A-Za-z' ]{2,25}: (?=[A-Z\"“])", text)
    if label:
        start += label.end()
    elif re.match(r"^\d[A-Z][a-z]", text):
        start += 1
    return start, sentence.end


def _relevance(engine: Engine, index: Index, ids: list[int], topic: str | None) -> np.ndarray:
    """How central each usable sentence is: to the topic when there is one, else to its article and the corpus."""
    vectors = index.sentence_vectors[ids]
    if topic:
        # The share of the topic's words a sentence holds, not its rank among sentences: a topic the articles never name
        # ('football world cup') gains nothing from the one sentence that says 'world'.
        return 0.7 * (vectors @ engine.embedder.encode([topic])[0]) + 0.3 * index.sentence_lexical.coverage(topic)[ids]
    docs = [index.sentences[i].doc_id for i in ids]
    centroid = vectors.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    own = {}
    for doc in set(docs):
        rows = vectors[[d == doc for d in docs]].mean(axis=0)
        own[doc] = rows / max(float(np.linalg.norm(rows)), 1e-9)
    sims = vectors @ vectors.T
    other = np.array([[docs[i] != docs[j] for j in range(len(ids))] for i in range(len(ids))])
    echoed = np.where(other, sims, 0.0).max(axis=1) if len(ids) > 1 else np.zeros(len(ids))
    return 0.3 * (vectors @ centroid) + 0.3 * np.array([float(v @ own[d]) for v, d in zip(vectors, docs)]) + 0.4 * echoed


def _select(engine: Engine, index: Index, topic: str | None, doc_ids: Iterable[str] | None = None) -> tuple[list[int], dict[int, float]]:
    """The sentences a briefing draws on (from the articles asked for, one of each group of copies), most relevant first, with their relevance."""
    allowed = index.searchable(doc_ids)
    wanted = None if allowed is None else set(allowed)
    ids = [i for i, s in enumerate(index.sentences)
           if usable(s) and (wanted is None or s.doc_id in wanted) and s.text.strip() != index.docs[s.doc_id].title.strip()]
    if not ids:
        return [], {}
    rel = _relevance(engine, index, ids, topic)
    order = np.argsort(-rel, kind="stable")
    if topic:
        floor = max(0.3, 0.6 * float(rel[order[0]]))
        order = np.array([i for i in order if rel[i] >= floor][:60], dtype=int)
    return [ids[i] for i in order], {ids[i]: float(rel[i]) for i in order}


# --- same fact, several articles -------------------------------------------------------------------

def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause of a sentence around a span: between commas, dashes, colons or semicolons, at least a few words."""
    cuts = [0] + [m.end() for m in re.finditer(r"[,;:]\s|\s[—–]\s|\s--\s", text)] + [len(text)]
    lo = max((c for c in cuts if c <= start), default=0)
    hi = min((c for c in cuts if c >= end), default=len(text))
    while len(text[lo:hi].split()) < 5 and (lo > 0 or hi < len(text)):
        lo = max((c for c in cuts if c < lo), default=0) if lo > 0 else lo
        hi = min((c for c in cuts if c > hi), default=len(text)) if len(text[lo:hi].split()) < 5 and hi < len(text) else hi
    clause = re.sub(r"(?:\s+(?:and|or|but|while|with|as))+[\s,;:—–-]*$", "", text[lo:hi])
    if clause.lstrip(" ,;:—–-")[:1] in "\"“" and clause.count("\"") + clause.count("“") + clause.count("”") == 1:
        clause = clause.replace("\"", " ", 1).replace("“", " ", 1)
    lead = len(clause) - len(clause.lstrip(" ,;:—–-"))
    trail = len(clause.rstrip(" ,;:—–-."))
    return lo + lead, lo + max(trail, lead + 1)


def _figures(text: str) -> list[Figure]:
    """The money, shares and counts a text states (years are dates, not facts of their own)."""
    return [f for f in text_figures(text) if f.kind != "year"]


def _shared(a: list[Figure], b: list[Figure], key: str | None = None) -> tuple[Figure, Figure] | None:
    """The first figure two statements both state (the one named by key when given), as each states it."""
    return next(((fa, fb) for fa in a for fb in b if comparable(fa, fb) and same_value(fa, fb, loose=False) and key in (None, _key(fa))), None)


def _key(fig: Figure) -> str:
    """A figure's unit and value, naming the fact a group of statements is about."""
    return f"{fig.unit}{fig.value:g}"


def _item(index: Index, sid: int, anchor: tuple[int, int] | None = None) -> _Item:
    """A sentence as a statement: its span past any label, its claim the clause around the anchor, its passage the sentence."""
    sent = index.sentences[sid]
    start, end = _span(sent)
    claim = sent.text if anchor is None else sent.text[slice(*_clause(sent.text, *anchor))].rstrip(" .") + "."
    return _Item(sent.doc_id, start, end, claim, sent.text)


def _clause_item(index: Index, sid: int, anchor: tuple[int, int]) -> _Item:
    """A sentence as the statement of one figure: the line citing it quotes only the clause around the figure."""
    sent = index.sentences[sid]
    item = _item(index, sid, anchor)
    lo, hi = _clause(sent.text, *anchor)
    return replace(item, clause=(max(item.start, sent.start + lo), sent.start + hi))


Pair = tuple[_Item, _Item, bool]
# Pairs of statements found the same fact, each way round, with the two statements as the judge read them.
Same = dict[tuple[Span, Span], tuple[_Item, _Item]]


def _prior(index: Index, sid: int, rel: dict[int, float]) -> float:
    """How much a sentence matters on its own: relevance, the figures and names it carries, and a lead position."""
    sent = index.sentences[sid]
    specific = 0.2 * bool(_figures(sent.text)) + 0.1 * (len(re.findall(r"(?<=\s)[A-Z][a-z]+", sent.text)) >= 2)
    return rel[sid] + specific + 0.2 * (sent.start < LEAD_CHARS)


def _factual(fig: Figure) -> bool:
    """True for a figure that states a fact of its own: not a bare number or an age, which describe someone ('Thanou, 30,')."""
    return fig.kind != "count" or fig.unit not in ("", "age")


def _point_pairs(index: Index, order: list[int]) -> list[Pair]:
    """Each sentence beside the earlier sentence most likely to state the same fact (close in meaning; when either states a figure,
    sharing it, with the clause around it in one stating every amount the other's does), for the judge; a sentence with none opens a
    fact of its own.
    One pair per sentence keeps the judge's work small."""
    # A bare number or an age ('Thanou, 30,') anchors no fact: the clause around it need not be a statement ('Kenteris, 31, and Thanou, 30').
    figs = {i: [f for f in _figures(index.sentences[i].text) if _factual(f)] for i in order}
    row = {sid: n for n, sid in enumerate(order)}
    sims = index.sentence_vectors[order] @ index.sentence_vectors[order].T
    seeds: dict[int, str | None] = {}
    found = []
    for sid in order:
        best = None
        for seed, key in seeds.items():
            sim = float(sims[row[seed], row[sid]])
            if not figs[seed] and not figs[sid]:
                if sim >= CLOSE and (best is None or sim > best[0]):
                    best = (sim, seed, _item(index, seed), _item(index, sid), None)
                continue
            shared = _shared(figs[seed], figs[sid], key)
            if sim < CLOSE_FIGURE or shared is None or (best is not None and sim <= best[0]):
                continue
            a, b = _clause_item(index, seed, (shared[0].start, shared[0].end)), _clause_item(index, sid, (shared[1].start, shared[1].end))
            if _covers(a.claim, b.claim) or _covers(b.claim, a.claim):
                best = (sim, seed, a, b, _key(shared[0]))
        if best is None:
            seeds[sid] = None
            continue
        sim, seed, a, b, key = best
        seeds[seed] = key or seeds[seed]
        found.append((sim, a, b, key is not None))
    found.sort(key=lambda f: -f[0])
    return [(a, b, anchored) for _, a, b, anchored in found[:MAX_PAIRS]]


def _covers(claim: str, passage: str) -> bool:
    """True when a passage states every amount a claim states (a conversion in brackets, '¥1 trillion ($6.2 billion)', aside); a
    count may count its things in other words ('18 sectors' for '18 industries'): whether they are the same things is the judge's."""
    converted = [(s + len(a), e) for a, _, s, e in money_conversions(claim)]
    stated = [f for f in _figures(claim) if not any(s <= f.start < e for s, e in converted)]
    return all(any((comparable(f, g) or f.kind == g.kind == "count" and f.unit and g.unit) and same_value(f, g) for g in _figures(passage))
               for f in stated)


def _judged(judge: Judge, pairs: list[Pair]) -> Same:
    """The pairs that state the same fact, both ways round: the judge, reading each as claim and the other as passage, finds each
    supports the other, or (for statements anchored on the same amounts) leans to support one way and finds neither contradicts the
    other. One call for all."""
    if not pairs:
        return {}
    verdicts = judge.judge([(a.claim, b.passage) for a, b, _ in pairs] + [(b.claim, a.passage) for a, b, _ in pairs])
    same: Same = {}
    for (a, b, anchored), there, back in zip(pairs, verdicts, verdicts[len(pairs):]):
        if min(there.supports, back.supports) >= SAME_FACT or (
                anchored and max(there.supports, back.supports) >= SAME_FIGURES and max(there.contradicts, back.contradicts) < CONTRADICTED):
            same[a.span, b.span], same[b.span, a.span] = (a, b), (b, a)
    return same


def _group(items: list[_Item], same: Same) -> list[list[_Item]]:
    """Statements grouped into facts, in the order given: each joins the first group holding a statement the judge found the same
    (one absorbed included); a second statement from an article already in the group is absorbed, not cited twice (one
    stating every amount of the group's first taking the place of one that does not). Statements joined on a shared figure
    stand in the group as the clauses the judge read."""
    groups: list[list[_Item]] = []
    spans: list[set[tuple[int, int, int]]] = []
    for it in items:
        at = next(((i, span) for i, held in enumerate(spans) for span in held if (span, it.span) in same), None)
        if at is None:
            groups.append([it])
            spans.append({it.span})
            continue
        home, (matched, joined) = groups[at[0]], same[at[1], it.span]
        spans[at[0]].add(it.span)
        kept = next((n for n, m in enumerate(home) if m.doc_id == it.doc_id), None)
        if kept is None:
            if joined.clause and not home[0].clause and matched.span == home[0].span:
                home[0] = matched
            home.append(joined if joined.clause else it)
        elif kept and not _covers(home[0].claim, home[kept].claim) and _covers(home[0].claim, joined.claim):
            home[kept] = joined if joined.clause else it  # the article's statement of every amount the fact states cites it
    return groups


def _stated_by_all(members: list[_Item]) -> list[list[_Item]]:
    """A fact's statements with the one stating the fewest amounts first, and apart (each a fact of its own) any that does not
    state all of its amounts: the line quotes that one, and every citation must state what the line says."""
    line = min(members, key=lambda m: (len(_figures(m.claim)), len(m.claim)))
    kept = [line] + [m for m in members if m is not line and _covers(line.claim, m.claim)]
    return [kept] + [[m] for m in members if m not in kept]


def _quote(index: Index, item: _Item) -> str:
    """The words a line citing a statement quotes."""
    return index.docs[item.quoted[0]].text[item.quoted[1]:item.quoted[2]]


def _line_first(index: Index, members: list[_Item]) -> list[_Item]:
    """The statements of one fact, first the shortest that opens like a sentence and whose amounts every other one states (the
    line quotes it)."""
    def key(m: _Item) -> tuple[bool, bool, int]:
        words = _quote(index, m)
        return not all(_covers(m.claim, o.claim) for o in members), not _opens_a_sentence(words), len(words)

    return sorted(members, key=key)


def _cite(citer: _Citer, members: list[_Item]) -> tuple[Citation, ...]:
    """The citations of one fact, the one its line quotes first."""
    return tuple(citer.cite(*m.quoted) for m in _line_first(citer.index, members))


def _opens_a_sentence(text: str) -> bool:
    """True for words that read as a statement of their own: not a clause cut from inside a sentence ('who has been wooing…'), nor
    one that leans on what came before ('This strategy sets…' cut from a quotation)."""
    return bool(re.match(r"[\"“‘(]?[A-Z0-9¥$€£]", text.strip())) and stands_alone(text)


_LEANS_ON_ANOTHER = re.compile(rf"^(?:[\"“‘]|(?:He|She|They|We|I|His|Her|Their|It|Its|This|That|These|Those|But|And|Yet|However|"
                               rf"Also)\b)|[,\"”]\s+(?:he|she|they)\s+(?:has |had )?{SPEECH}\b")


def stands_alone(text: str) -> bool:
    """True for a sentence a reader can take as a point without the one before: not a bare quotation, nor part of one opened or
    closed in another sentence (an odd number of quotation marks: '…resigned after he leaked the Budget."'), nor one whose subject
    or speaker is 'he', 'she' or 'they', nor one that opens on what came before ('This strategy…', 'But it is not yet known…')."""
    return not _LEANS_ON_ANOTHER.search(text.strip()) and len(re.findall(r"[\"“”]", text)) % 2 == 0


def _points(index: Index, alone: list[int], prior: dict[int, float], same: Same, citer: _Citer, max_points: int) -> list[Point]:
    """The facts the chosen sentences that stand alone (`alone`, most important first) state, each once with every article that
    states it; most important first: by how many articles state it, then by how much its sentences matter on their own."""
    items = {sid: _item(index, sid) for sid in alone}
    weight = {it.span: prior[sid] for sid, it in items.items()}
    groups = [part for g in _group(list(items.values()), same) for part in _stated_by_all(g)]
    groups.sort(key=lambda g: -(len(g) + max(weight[m.span] for m in g)))
    points = []
    for members in groups[:max_points]:
        members = _line_first(index, members)
        if not _opens_a_sentence(_quote(index, members[0])):
            # The line would be a clause cut from inside a sentence: another statement that reads alone is the line, cited with
            # those that state its amounts; failing one, the whole sentence of the one that matters most.
            alone = next((m for m in members if _opens_a_sentence(_quote(index, m))), None)
            members = ([alone, *(m for m in members if m is not alone and _covers(alone.claim, m.claim))] if alone else
                       [replace(max(members, key=lambda m: weight[m.span]), clause=None)])
        cites = _cite(citer, members)
        points.append(Point(cites[0].quote, cites))
    return points


# --- the timeline ------------------------------------------------------------------------------------

def _resolve(written: str, published: date | None) -> str:
    """A date as an article writes it ('19 March 2025', 'March 19', 'late-May'), as an ISO day or month; a missing year comes from
    the article's own date (within six months of it), else ''."""
    m = WRITTEN_DATE.fullmatch(written)
    if not m:
        return ""
    day = m.group("first") or m.group("day")
    if not day and not m.group("year") and not m.group("part"):
        return ""
    month = month_number(m.group("month"))
    year = int(m.group("year")) if m.group("year") else None
    if year is None:
        if published is None:
            return ""
        year = published.year
        gap = (date(year, month, 1) - published.replace(day=1)).days
        year += -1 if gap > 183 else 1 if gap < -183 else 0
    try:
        return date(year, month, int(day)).isoformat() if day else f"{year:04d}-{month:02d}"
    except ValueError:
        return ""


def event_date(text: str, published: date | None) -> tuple[str, int, int] | None:
    """The date a sentence gives its event (ISO day or month) and where it says it; a weekday or a date without a year only against the article's own date."""
    for span in candidate_spans(text, Kind.DATE):
        iso = _resolve(span.text, published)
        if iso:
            return iso, span.start, span.end
    weekday = re.search(rf"\bon ({'|'.join(WEEKDAYS)})\b", text, re.I)
    if weekday and published:
        back = (published.weekday() - WEEKDAYS.index(weekday.group(1).lower())) % 7
        return (published - timedelta(days=back)).isoformat(), weekday.start(1), weekday.end(1)
    return None


def human_date(text: str) -> str:
    """'2026-06-30' as '30 June 2026', '2026-06' as 'June 2026'; any other text as it is written."""
    iso = re.fullmatch(r"(\d{4})-(\d\d)(?:-(\d\d))?", text.strip())
    try:
        named = date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3) or 1)) if iso else None
    except ValueError:
        named = None
    if named is None:
        return text.strip()
    return f"{named.day} {named:%B %Y}" if iso.group(3) else f"{named:%B %Y}"


Dated = tuple[str, str, int, _Item]


def _dated(index: Index, ids: list[int]) -> list[Dated]:
    """The chosen sentences that date an event: (ISO date, the date as written, the sentence and it as a statement about that date)."""
    out = []
    for sid in ids:
        sent = index.sentences[sid]
        doc = index.docs[sent.doc_id]
        found = event_date(sent.text, date_value(doc.date) if doc.date else None)
        if found:
            iso, lo, hi = found
            out.append((iso, sent.text[lo:hi], sid, _item(index, sid, (lo, hi))))
    return out


def _event_pairs(index: Index, dated: list[Dated]) -> list[Pair]:
    """Events on the same date, close in meaning: the pairs the judge reads to merge reports of one event."""
    vectors = index.sentence_vectors
    return [(a, b, True) for (da, _, sa, a), (db, _, sb, b) in combinations(dated, 2) if da == db and float(vectors[sa] @ vectors[sb]) >= CLOSE_FIGURE]


def _timeline(dated: list[Dated], same: Same, citer: _Citer) -> list[Event]:
    """The dated events, each once with every article that reports it, in date order."""
    when = {it.span: (iso, written) for iso, written, _, it in dated}
    groups = _group([it for *_, it in dated], same)
    groups = sorted(groups, key=lambda g: -len(g))[:MAX_EVENTS]
    events = []
    for members in sorted(groups, key=lambda g: when[g[0].span][0]):
        cites = _cite(citer, members)
        events.append(Event(*when[members[0].span], cites[0].quote, cites))
    return events


# --- who said what -----------------------------------------------------------------------------------

# A quotation left open at a sentence's end runs on through at most this many of the sentences after it.
QUOTE_RUNS_ON = 2


def _open_quote(text: str) -> bool:
    """True when a text opens a quotation it does not close (news copy opens each quoted paragraph and closes only the last)."""
    marks = re.findall(r"[\"“”]", text)
    return bool(marks) and marks[-1] != "”" and (marks[-1] == "“" or len(marks) % 2 == 1)


def _runs_on(index: Index, sid: int, words_start: int) -> int:
    """The last sentence of the quotation sentence sid leaves open (sid itself when it closes it, or when the next sentence names
    a speaker of its own)."""
    last = sid
    if not _open_quote(index.sentences[sid].text[words_start:]):
        return last
    while last - sid < QUOTE_RUNS_ON and last + 1 < len(index.sentences):
        nxt = index.sentences[last + 1]
        if nxt.doc_id != index.sentences[sid].doc_id or said(nxt.text):
            break
        last += 1
        # A sentence with no quote mark goes on with the open quotation; one whose last mark closes it ends it.
        if re.search(r"[\"“”]", nxt.text) and not _open_quote(nxt.text):
            break
    return last


def _quoted(index: Index, ids: list[int]) -> list[tuple[str, _Item]]:
    """Quotations and reported speech in the chosen sentences, each with its speaker: named in the sentence, or in the one before
    for 'he said' or a sentence that is only a quotation. A quotation the sentence leaves open runs on into the next ones."""
    out: list[tuple[str, _Item]] = []
    covered: set[int] = set()
    for sid in sorted(ids):
        sent = index.sentences[sid]
        text = sent.text
        found = said(text)
        quotes = [(m.start(1), m.end(1)) for m in QUOTED.finditer(text) if len(m.group(1).split()) >= 6]
        if found is None and (re.match(r"[\"“]", text) or re.search(rf"\b(?:he|she)\s+{SPEECH}\b", text, re.I)) and sid > 0:
            before = index.sentences[sid - 1]
            found = said(before.text) if before.doc_id == sent.doc_id else None
            found = found and replace(found, start=0, end=0)
        if not found or sid in covered:
            continue
        for lo, hi in quotes or [(found.start, found.end)]:
            last = sid if quotes or hi < len(text.rstrip(" .")) else _runs_on(index, sid, lo)
            covered.update(range(sid + 1, last + 1))
            # Reported words cut from a quotation the sentence splitter opened or closed elsewhere lose their stray quote marks.
            lo += len(text[lo:hi]) - len(text[lo:hi].lstrip(" \"“"))
            doc = index.docs[sent.doc_id].text
            words = doc[sent.start + lo:index.sentences[last].end if last > sid else sent.start + hi].rstrip(" ,.;:")
            # A closing mark stays where it closes a quotation opened inside the words ('came up with "definitive proposals"'), not
            # one that closes the speaker's (news copy reopens it at each new sentence: 'ferries. "It has to be widened…"').
            inner = re.search(r"(?<![.!?] )(?<!^)[\"“][^\"“”]*[\"”]$", words)
            if not inner:
                words = words.rstrip("\"”").rstrip(" ,.;:")
            if len(words.split()) >= 4:
                out.append((found.speaker, _Item(sent.doc_id, sent.start + lo, sent.start + lo + len(words), words, words)))
    return out


def _articles_of(index: Index, ids: list[int]) -> list[int]:
    """The usable sentences of the articles most of the chosen ones come from (two or more, or the first's): an article on the topic
    quotes people on it in words the topic need not share."""
    counts = Counter(index.sentences[sid].doc_id for sid in ids)
    docs = {doc for doc, n in counts.items() if n >= 2} | ({index.sentences[ids[0]].doc_id} if ids else set())
    return [sid for sid, sent in enumerate(index.sentences) if sent.doc_id in docs and usable(sent)]


def _person(name: str) -> str:
    """The key that groups a speaker's names: 'Ryosei Akazawa' and 'Akazawa' are one person."""
    return name.split()[-1].lower()


def _quote_pairs(quoted: list[tuple[str, _Item]]) -> list[Pair]:
    """Quotes of one speaker from different articles: the pairs the judge reads to merge reports of the same words."""
    return [(a, b, False) for (sa, a), (sb, b) in combinations(quoted, 2) if _person(sa) == _person(sb) and a.doc_id != b.doc_id]


def _who_said_what(quoted: list[tuple[str, _Item]], same: Same, citer: _Citer) -> list[Quote]:
    """Quotes grouped by speaker (most quoted first), each once with every article that reports it."""
    names: dict[str, str] = {}
    for name, _ in quoted:
        key = _person(name)
        names[key] = max(names.get(key, ""), name, key=len)
    by_speaker: dict[str, list[list[_Item]]] = {}
    for key in dict.fromkeys(_person(n) for n, _ in quoted):
        by_speaker[key] = _group([it for n, it in quoted if _person(n) == key], same)
    order = sorted(by_speaker, key=lambda k: -sum(len(g) for g in by_speaker[k]))
    rows = []
    for key in order:
        for members in sorted(by_speaker[key], key=lambda g: -len(g)):
            cites = _cite(citer, members)
            # In quotation marks: opened right before the words, or, holding no mark of their own, closed right after them (a
            # quotation the sentence splitter opened in the sentence before: '…United," said Mark Longden').
            text = citer.index.docs[cites[0].doc_id].text
            closed = not re.search(r"[\"“”]", cites[0].quote) and bool(re.match(r"[,.!?]?[\"”]", text[cites[0].end:cites[0].end + 2]))
            direct = text[cites[0].start - 1:cites[0].start] in ('"', "“") or closed
            rows.append(Quote(names[key], cites[0].quote, cites, direct))
    return rows[:MAX_QUOTES]


# --- the figures table and the conflicts -----------------------------------------------------------

_TARGET_YEAR = re.compile(r"\b(?:by|until|till|through)\s+$")


def _stated_date(text: str, lo: int, hi: int, start: int) -> str:
    """The date a sentence gives a figure: the one in its clause nearest to it, a target ('by 2040', 'a 2040 target') aside; '' when none."""
    near = [s for s in candidate_spans(text, Kind.DATE) if lo <= s.start and s.end <= hi and not s.text.startswith("this")
            and not _TARGET_YEAR.search(text[:s.start]) and not text[s.end:].startswith(" target")]
    return min(near, key=lambda s: abs(s.start - start)).text if near else ""


def _figure_rows(index: Index, ids: list[int], citer: _Citer) -> list[FigureRow]:
    """The money, shares and counts the chosen sentences state, one row per amount ('over 300p' is not '300p'), cited to each
    article, each with its date."""
    rows: list[tuple[Figure, list[tuple[str, int, int, str]]]] = []
    for sid in ids:
        sent = index.sentences[sid]
        for fig in _figures(sent.text):
            # A count of fewer than ten ('three drugs tests', 'one London-based broker') is a detail of a sentence, not a figure.
            if not _factual(fig) or (fig.kind == "count" and (fig.unit in DURATIONS or fig.value < MIN_COUNT)):
                continue
            lo, hi = _clause(sent.text, fig.start, fig.end)
            doc = index.docs[sent.doc_id]
            stated = _stated_date(sent.text, lo, hi, fig.start)
            # A date the clause states, its year from the article's own date where it leaves it out ('July 1'), else the article's date.
            when = (_resolve(stated, date_value(doc.date) if doc.date else None) or stated) if stated else doc.date
            place = (sent.doc_id, sent.start + lo, sent.start + hi, when)
            row = next((r for r in rows if same_value(r[0], fig, loose=False) and comparable(r[0], fig) and r[0].bound == fig.bound), None)
            if row is None:
                rows.append((fig, [place]))
            elif sent.doc_id not in {p[0] for p in row[1]}:
                row[1].append(place)
    order = {"money": 0, "percent": 1, "count": 2}
    rows.sort(key=lambda r: (order[r[0].kind], -len(r[1])))
    out = []
    for fig, places in rows[:MAX_FIGURES]:
        cites = tuple(citer.cite(*p[:3]) for p in places)
        out.append(FigureRow(fig.text, cites[0].quote, fig.kind, fig.unit, fig.value, cites, tuple(p[3] for p in places)))
    return out


def _conversion_disagreements(index: Index, ids: list[int], citer: _Citer) -> list[Disagreement]:
    """Amounts the sources convert to different figures ('¥1 trillion' as $6.2 billion and as $61.6 billion)."""
    amounts = [f.text for sid in ids for f in text_figures(index.sentences[sid].text) if f.kind == "money"]
    out = []
    for groups in conversion_conflicts(index, list(dict.fromkeys(amounts))):
        sides = []
        for group in groups:
            by_text: dict[str, list[Citation]] = {}
            for st in group:
                sent = index.sentences[st.sentence_id]
                by_text.setdefault(st.text, []).append(citer.cite(sent.doc_id, sent.start, sent.end))
            sides += [Side(text, tuple(dict.fromkeys(cites))) for text, cites in by_text.items()]
        out.append(Disagreement(groups[0][0].about, tuple(sides)))
    return out


def _qualifiers(fig: Figure) -> frozenset[str]:
    """The lower-case words that narrow what a count counts ('17 priority sectors' -> {'prioriti'}): counts answer the same question only when these match."""
    words = re.findall(r"[A-Za-z][\w-]*", fig.text)
    return frozenset({t for w in words[:-1] if w[0].islower() and w.lower() not in STOPWORDS for t in terms(w)} - {fig.unit} - _NUMBERISH)


def _count_disagreements(index: Index, ids: list[int], citer: _Citer) -> list[Disagreement]:
    """Counts of the same thing (same unit and qualifiers, sentences on the same subject) that articles state differently, grouped
    by the one conflict detector (qa.answer.conflicts)."""
    asked: dict[tuple[str, frozenset[str]], list[Statement]] = {}
    for sid in ids:
        for fig in _figures(index.sentences[sid].text):
            # A bound ('more than a dozen sectors') is no side against a count it admits ('18 sectors'), nor one it does not.
            if fig.kind == "count" and _factual(fig) and fig.unit not in DURATIONS and not fig.bound:
                asked.setdefault((fig.unit, _qualifiers(fig)), []).append(Statement(index.sentences[sid].doc_id, fig.text, sid))
    vectors, common = index.sentence_vectors, common_stems(index)

    @cache
    def names(st: Statement) -> frozenset[str]:
        """The names a count's sentence gives, its counted words aside ('PSP' in '21 games will be available for the PSP'); read once
        per statement."""
        counted = set(re.findall(r"[\w-]+", st.text))
        return frozenset(w for w in re.findall(r"[\w'’-]+", index.sentences[st.ref].text) if w not in counted and is_name(w, common))

    def same_subject(a: Statement, b: Statement) -> bool:
        """Two counts' sentences are about the same thing: close in meaning and, where both name things, naming one alike (not
        '21 games … for the PSP' against 'The 15 games … include Nintendo's Super Mario 64 DS')."""
        named = (names(a), names(b))
        return float(vectors[a.ref] @ vectors[b.ref]) >= SAME_SUBJECT and (not all(named) or bool(named[0] & named[1]))

    out = []
    for statements in asked.values():
        sides = disagreements(statements)
        sides = sides[:1] + [g for g in sides[1:] if sides and any(same_subject(a, b) for a in sides[0] for b in g)]
        if len(sides) < 2:
            continue
        claims = []
        for group in sides:
            cites = (citer.cite(index.sentences[st.ref].doc_id, index.sentences[st.ref].start, index.sentences[st.ref].end) for st in group)
            claims.append(Side(group[0].text, tuple(dict.fromkeys(cites))))
        noun = re.findall(r"[A-Za-z][\w-]*", sides[0][0].text)
        out.append(Disagreement(f"the number of {noun[-1] if noun else sides[0][0].text}", tuple(claims)))
    return out


def _wording_disagreements(index: Index, ids: list[int], citer: _Citer) -> list[Disagreement]:
    """Sentences of different articles that say one thing two ways ('…Mr Brown's eighth since…' against '…ninth since…'), each way
    once with the articles that state it; about the words they share, the differing ones left out."""
    vectors = index.sentence_vectors
    found: dict[frozenset[str], tuple[str, dict[str, list[Citation]]]] = {}
    for a, b in combinations(ids, 2):
        sa, sb = index.sentences[a], index.sentences[b]
        if sa.doc_id == sb.doc_id or float(vectors[a] @ vectors[b]) < SAME_SUBJECT:
            continue
        differs = stated_differently(sa.text, sb.text)
        if differs is None:
            continue
        about, sides = found.setdefault(frozenset(d.lower() for d in differs), (sa.text.replace(differs[0], "…", 1), {}))
        for text, sent in zip(differs, (sa, sb)):
            sides.setdefault(text, []).append(citer.cite(sent.doc_id, sent.start, sent.end))
    return [Disagreement(f"“{about}”", tuple(Side(text, tuple(dict.fromkeys(cites))) for text, cites in sides.items()))
            for about, sides in found.values()]


# --- the briefing ----------------------------------------------------------------------------------

def make_brief(engine: Engine, topic: str | None = None, doc_ids: Iterable[str] | None = None, judge: Judge | None = None,
               max_points: int = MAX_POINTS) -> Brief:
    """A briefing on a topic (or the whole corpus, or the articles doc_ids): key points, a timeline, who said what, figures, where sources differ.

    The claim judge (the shipped one unless given) decides which statements are the same fact; a missing judge raises ModelError.
    """
    topic = check_question(topic, engine.settings.max_question_chars) if topic is not None else None
    judge = (judge or shared_judge()).load()
    index = engine.index()
    ids, rel = _select(engine, index, topic, doc_ids)
    prior = {sid: _prior(index, sid, rel) for sid in ids}
    order = sorted(ids, key=lambda sid: -prior[sid])
    dated, quoted = _dated(index, ids), _quoted(index, _articles_of(index, ids))
    # A sentence is paired only with sentences that can be key points: its closest match being one that cannot (a quotation) would
    # leave it a point of its own beside the point that states the same fact.
    alone = [sid for sid in order if stands_alone(index.sentences[sid].text)]
    pairs = _point_pairs(index, alone) + _event_pairs(index, dated) + _quote_pairs(quoted)
    same = _judged(judge, pairs)
    citer = _Citer(index)
    points = _points(index, alone, prior, same, citer, max_points)
    timeline = _timeline(dated, same, citer)
    quotes = _who_said_what(quoted, same, citer)
    figures = _figure_rows(index, ids, citer)
    counted = _conversion_disagreements(index, ids, citer) + _count_disagreements(index, ids, citer)
    stated = {side.text.lower() for d in counted for side in d.claims}
    conflicts = counted + [d for d in _wording_disagreements(index, ids, citer) if not {side.text.lower() for side in d.claims} <= stated]
    return Brief(topic, tuple(points), tuple(timeline), tuple(quotes), tuple(figures), tuple(conflicts))


# --- rendering -------------------------------------------------------------------------------------

def _marks(citations: tuple[Citation, ...]) -> str:
    """'[1][4]' for a list of citations."""
    return "".join(f"[{c.n}]" for c in citations)


def figure_dates(dates: Iterable[str], show: Callable[[str], str] = str) -> str:
    """A figures-table row's dates, one per article ("not given" where it has none), or "not given" once when no article has one."""
    dates = list(dates)
    return "; ".join(show(d) if d else "not given" for d in dates) if any(dates) else "not given"


def any_dated(rows: Iterable[Iterable[str]]) -> bool:
    """True when some article of a figures table has a date: the table has a date column only then."""
    return any(d for dates in rows for d in dates)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell, its HTML inert."""
    return one_line(text).replace("|", "\\|")


NO_DISAGREEMENT = "No disagreement between the articles was found."
NO_TIMELINE = "No dated events: these articles give no full date (day or month with its year) for what they report."


def empty_note(topic: str | None) -> str:
    """What a briefing with nothing to say says: nothing on its topic, or (on the whole corpus) no statements at all."""
    return "The articles say nothing about this topic." if topic else "The articles hold no statements to brief."


def to_markdown(brief: Brief) -> str:
    """The briefing as a Markdown document that reads on its own, sources listed at the end; text from articles is inert (no live HTML)."""
    title = f"Briefing: {one_line(brief.topic)}" if brief.topic else "Briefing: all articles"
    lines = [f"# {title}", ""]
    if not brief.citations():
        return "\n".join([*lines, empty_note(brief.topic)]) + "\n"
    if not brief.points and not brief.figures:
        lines += [empty_note(brief.topic), ""]
    if brief.points:
        lines += ["## Key points", ""]
        lines += [f"{i}. {one_line(p.text)} {_marks(p.citations)}" for i, p in enumerate(brief.points, 1)]
        lines.append("")
    if brief.timeline:
        lines += ["## Timeline", "", "| Date | Event | Sources |", "| --- | --- | --- |"]
        lines += [f"| {human_date(e.date)} | {_cell(e.text)} | {_marks(e.citations)} |" for e in brief.timeline]
        lines.append("")
    elif brief.points:
        lines += ["## Timeline", "", NO_TIMELINE, ""]
    if brief.quotes:
        lines += ["## Who said what", ""]
        speaker = None
        for q in brief.quotes:
            if q.speaker != speaker:
                lines += ([""] if speaker else []) + [f"**{one_line(q.speaker)}**", ""]
                speaker = q.speaker
            lines.append(f"- {q.shown()} {_marks(q.citations)}")
        lines.append("")
    if brief.figures:
        dated = any_dated(row.dates for row in brief.figures)
        lines += ["## Figures", ""] + (["| Amount | What it is | Article | Date |", "| --- | --- | --- | --- |"] if dated else
                                       ["| Amount | What it is | Article |", "| --- | --- | --- |"])
        for row in brief.figures:
            articles = "; ".join(f"{_cell(c.title or c.doc_id)} [{c.n}]" for c in row.citations)
            shown = figure_dates(row.dates, lambda d: _cell(human_date(d)))
            lines.append(f"| {_cell(row.amount)} | “{_cell(row.what)}” | {articles} |" + (f" {shown} |" if dated else ""))
        lines += [""] if dated else ["", "None of these articles gives its date.", ""]
    lines += ["## Where sources differ", ""]
    if brief.conflicts:
        for conflict in brief.conflicts:
            sides = "; ".join(f"{_cell(side.text)} {_marks(side.citations)}" for side in conflict.claims)
            lines.append(f"- On {one_line(conflict.about)}: {sides}.")
    else:
        lines.append(NO_DISAGREEMENT)
    lines += ["", "## Sources", ""]
    for c in brief.citations():
        lines.append(f"[{c.n}] {one_line(c.title or c.doc_id)} ({one_line(c.doc_id)}, characters {c.start}-{c.end}): “{one_line(c.quote)}”")
    return "\n".join(lines).rstrip() + "\n"

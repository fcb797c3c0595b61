"""Briefings: the key facts of the corpus (or of a topic) under plain headings, every point quoted and cited.

Points are extractive: a point's text is a span of an article, so it is true of its first citation by
construction. Sentences from other articles join a point only when they state every figure the point
states and mean nearly the same, so the same fact from four articles is one point with four citations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qa.answer.conflicts import conversion_conflicts
from qa.answer.figures import Figure, comparable, consistent, same_value, text_figures
from qa.index import Index
from qa.markdown import one_line
from qa.pipeline import Engine, check_question
from qa.text import STOPWORDS, terms
from qa.types import Citation, Sentence

SECTIONS = ("What was decided", "Money", "Targets", "Timeline", "Who is involved", "Risks and views")
MAX_POINTS = 6
MAX_FIGURES = 20
SAME_FACT = 0.65
SAME_TEXT = 0.8
SAME_SUBJECT = 0.45

_CUES = {
    "Risks and views": r"\b(?:risk\w*|warn\w*|concern\w*|challeng\w*|hurdle\w*|doubt\w*|question\w*|caution\w*|threat\w*|bottleneck\w*|"
                       r"fail\w*|fell short|falls short|critic\w*|oppos\w*|against|however|but|catch|uncertain\w*|stall\w*|not a blank check)\b",
    "What was decided": r"\b(?:approv\w*|select\w*|picked|chose|chosen|announc\w*|commit\w*|designat\w*|launch\w*|formed|passed|voted?|"
                        r"decid\w*|decision|signed|agreed|awarded|adopted|unveil\w*|confirm\w*|allocat\w*)\b",
    "Targets": r"\b(?:target(?:s|ed|ing)?|aim(?:s|ed|ing)?|goals?|plan(?:s|ned|ning)?|seek(?:s|ing)?|wants?|ambitions?|expect(?:s|ed)?|"
               r"promised|intends?)\b",
    "Who is involved": r"\b(?:led by|leads?|consortium|includ\w*|members?|minister|ministry|ceo|chief|founder|partner\w*|join\w*|"
                       r"investors?|compan\w*|firms?|head|engineer|council|mayor|utility)\b",
    "Views": r"\b(?:said|says|told|stated|according to|noted|argued)\b|[\"“]",
}
_DURATIONS = frozenset({"year", "month", "day", "week", "hour", "minut", "decad"})


@dataclass(frozen=True)
class Point:
    """One fact, quoted from its first citation and cited to every article that states it."""

    text: str
    citations: tuple[Citation, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the contract."""
        return {"text": self.text, "citations": [c.to_dict() for c in self.citations]}


@dataclass(frozen=True)
class Section:
    """A heading and its points."""

    heading: str
    points: tuple[Point, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the contract."""
        return {"heading": self.heading, "points": [p.to_dict() for p in self.points]}


@dataclass(frozen=True)
class FigureRow:
    """A figure the articles state: the amount, what it is (quoted), and every article that states it."""

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
    """A briefing: sections of cited points, a table of figures, and where the sources differ."""

    topic: str | None
    sections: tuple[Section, ...]
    figures: tuple[FigureRow, ...]
    conflicts: tuple[Disagreement, ...]

    def citations(self) -> list[Citation]:
        """Every citation of the briefing, once each, by number."""
        seen: dict[int, Citation] = {}
        for section in self.sections:
            for point in section.points:
                seen.update((c.n, c) for c in point.citations)
        for row in self.figures:
            seen.update((c.n, c) for c in row.citations)
        for conflict in self.conflicts:
            for side in conflict.claims:
                seen.update((c.n, c) for c in side.citations)
        return [seen[n] for n in sorted(seen)]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the contract."""
        return {"topic": self.topic, "sections": [s.to_dict() for s in self.sections], "figures": [f.to_dict() for f in self.figures],
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


@dataclass
class _Cluster:
    """Sentences that state the same fact: a representative and one sentence per other article."""

    rep: int
    members: list[int]
    weight: float


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
    """A sentence's offsets past a leading label ('In plain terms = ', a glued list number)."""
    start, text = sentence.start, sentence.text
    label = re.match(r"^[^.!?]{0,30}?\s(?:=|→|->)\s+", text)
    if label:
        start += label.end()
    elif re.match(r"^\d[A-Z][a-z]", text):
        start += 1
    return start, sentence.end


def _relevance(engine: Engine, index: Index, ids: list[int], topic: str | None) -> np.ndarray:
    """How central each usable sentence is: to the topic when there is one, else to its article and the corpus."""
    vectors = index.sentence_vectors[ids]
    if topic:
        dense = vectors @ engine.embedder.encode([topic])[0]
        lexical = index.sentence_lexical.scores(topic)[ids]
        top = float(lexical.max()) if len(lexical) else 0.0
        return 0.7 * dense + 0.3 * (lexical / top if top > 0 else lexical)
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
    ids = [i for i, s in enumerate(index.sentences) if usable(s) and (wanted is None or s.doc_id in wanted)]
    if not ids:
        return [], {}
    rel = _relevance(engine, index, ids, topic)
    order = np.argsort(-rel, kind="stable")
    if topic:
        floor = max(0.3, 0.6 * float(rel[order[0]]))
        keep = [int(i) for i in order if rel[i] >= floor][:60]
    else:
        keep = [int(i) for i in order][:120]
    return [ids[i] for i in keep], {ids[i]: float(rel[i]) for i in keep}


# --- same fact, several articles -------------------------------------------------------------------

def _states(figs: list[Figure], of: list[Figure]) -> bool:
    """True when every figure of `of` is among `figs` (a count may name what it counts differently: 18 sectors, 18 industries)."""
    return all(any(same_value(a, b, loose=False) and (comparable(a, b) or a.kind == b.kind == "count") for b in figs) for a in of)


def _covers(index: Index, member: int, rep: int) -> float:
    """The idf-weighted share of the representative's words (figures aside) that a member sentence also uses."""
    numeric = {t for f in text_figures(index.sentences[rep].text) for t in terms(f.text)}
    want = {t for t in terms(index.sentences[rep].text) if t not in numeric and not t[0].isdigit()}
    have = set(terms(index.sentences[member].text))
    total = sum(index.sentence_lexical.idf_of(t) for t in want)
    return sum(index.sentence_lexical.idf_of(t) for t in want & have) / total if total else 1.0


def _same_fact(index: Index, a: int, b: int, sim: float) -> bool:
    """True when sentence `a` says what sentence `b` says: close in meaning and sharing most of its words, or nearly the same."""
    return sim >= SAME_TEXT or (sim >= SAME_FACT and _covers(index, a, b) >= 0.5)


def _cluster(index: Index, ids: list[int], rel: dict[int, float]) -> list[_Cluster]:
    """Group sentences that state the same fact; a sentence joins only when it states all the figures of the representative."""
    figs = {i: text_figures(index.sentences[i].text) for i in ids}
    clusters: list[_Cluster] = []
    for sid in ids:
        vec = index.sentence_vectors[sid]
        doc = index.sentences[sid].doc_id
        placed = False
        for cl in clusters:
            sim = float(vec @ index.sentence_vectors[cl.rep])
            rep_figs, own = figs[cl.rep], figs[sid]
            threshold = SAME_FACT if rep_figs and own else SAME_TEXT
            if sim < threshold:
                continue
            docs = {index.sentences[m].doc_id for m in [cl.rep, *cl.members]}
            if _states(own, rep_figs) and (doc in docs or _same_fact(index, sid, cl.rep, sim)):
                if doc not in docs:
                    cl.members.append(sid)
                    cl.weight += 0.15
                placed = True
                break
            if _states(rep_figs, own) and all(_states(figs[m], own) and _same_fact(index, m, sid, sim) for m in [cl.rep, *cl.members]):
                if doc not in docs:
                    cl.members.insert(0, cl.rep)
                    cl.rep = sid
                    cl.weight += 0.15
                placed = True
                break
        if not placed:
            clusters.append(_Cluster(sid, [], rel[sid]))
    return clusters


def _heading(text: str) -> str:
    """The section a fact belongs under, from plain cue words and the figures it states."""
    low = text.lower()
    figs = text_figures(text)
    if re.search(_CUES["Risks and views"], low):
        return "Risks and views"
    if re.search(_CUES["What was decided"], low):
        return "What was decided"
    if any(f.kind == "money" for f in figs):
        return "Money"
    if re.search(_CUES["Targets"], low) or (any(f.kind != "year" for f in figs) and re.search(r"\bby (?:19|20)\d\d\b", low)):
        return "Targets"
    if any(f.kind == "year" for f in figs) or re.search(r"\b(?:january|february|march|april|may|june|july|august|september|october|"
                                                        r"november|december|fiscal year|this year|next year)\b", low):
        return "Timeline"
    if re.search(_CUES["Who is involved"], low):
        return "Who is involved"
    if re.search(_CUES["Views"], low):
        return "Risks and views"
    return ""


# --- the figures table and the conflicts -----------------------------------------------------------

def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause of a sentence around a span: between commas, dashes, colons or semicolons, at least a few words."""
    cuts = [0] + [m.end() for m in re.finditer(r"[,;:]\s|\s[—–]\s|\s--\s", text)] + [len(text)]
    lo = max((c for c in cuts if c <= start), default=0)
    hi = min((c for c in cuts if c >= end), default=len(text))
    while len(text[lo:hi].split()) < 5 and (lo > 0 or hi < len(text)):
        lo = max((c for c in cuts if c < lo), default=0) if lo > 0 else lo
        hi = min((c for c in cuts if c > hi), default=len(text)) if len(text[lo:hi].split()) < 5 and hi < len(text) else hi
    clause = text[lo:hi]
    lead = len(clause) - len(clause.lstrip(" ,;:—–-"))
    trail = len(clause.rstrip(" ,;:—–-."))
    return lo + lead, lo + max(trail, lead + 1)


def _figure_rows(index: Index, ids: list[int], citer: _Citer) -> list[FigureRow]:
    """The money, shares and counts the chosen sentences state, one row per amount, cited to each article."""
    rows: list[tuple[Figure, list[tuple[str, int, int]]]] = []
    for sid in ids:
        sent = index.sentences[sid]
        for fig in text_figures(sent.text):
            if fig.kind == "year" or (fig.kind == "count" and (not fig.unit or fig.unit in _DURATIONS)):
                continue
            lo, hi = _clause(sent.text, fig.start, fig.end)
            place = (sent.doc_id, sent.start + lo, sent.start + hi)
            row = next((r for r in rows if same_value(r[0], fig, loose=False) and comparable(r[0], fig)), None)
            if row is None:
                rows.append((fig, [place]))
            elif sent.doc_id not in {p[0] for p in row[1]}:
                row[1].append(place)
    order = {"money": 0, "percent": 1, "count": 2}
    rows.sort(key=lambda r: (order[r[0].kind], -len(r[1])))
    out = []
    for fig, places in rows[:MAX_FIGURES]:
        cites = tuple(citer.cite(*p) for p in places)
        dates = tuple(index.docs[p[0]].date for p in places)
        out.append(FigureRow(fig.text, cites[0].quote, fig.kind, fig.unit, fig.value, cites, dates))
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


def _modifiers(fig: Figure) -> set[str]:
    """The lower-case words that narrow what a count counts ('17 priority sectors' -> {'prioriti'})."""
    words = re.findall(r"[A-Za-z][\w-]*", fig.text)
    return {t for w in words[:-1] if w[0].islower() and w.lower() not in STOPWORDS for t in terms(w)} - {fig.unit} - _NUMBERISH


_NUMBERISH = frozenset(terms("one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred dozen "
                             "thousand million billion trillion plus about around roughly nearly"))


def _count_disagreements(index: Index, ids: list[int], citer: _Citer) -> list[Disagreement]:
    """Counts of the same thing, with the same qualifiers, that articles on the same subject state differently."""
    found: list[tuple[int, Figure]] = []
    for sid in ids:
        for fig in text_figures(index.sentences[sid].text):
            if fig.kind == "count" and fig.unit and fig.unit not in _DURATIONS:
                found.append((sid, fig))
    out: list[Disagreement] = []
    done: set[str] = set()
    for unit in dict.fromkeys(f.unit for _, f in found):
        stated = [(sid, f) for sid, f in found if f.unit == unit]
        values: list[list[tuple[int, Figure]]] = []
        for sid, fig in stated:
            group = next((g for g in values if same_value(g[0][1], fig)), None)
            if group is None:
                values.append([(sid, fig)])
            else:
                group.append((sid, fig))
        if len(values) < 2 or unit in done:
            continue
        values.sort(key=lambda g: -len({index.sentences[s].doc_id for s, _ in g}))
        main = values[0]
        sides = [main]
        for other in values[1:]:
            if any(_disagree(index, a, b) for a in main for b in other):
                sides.append(other)
        if len(sides) > 1:
            done.add(unit)
            claims = []
            for group in sides:
                cites = tuple(dict.fromkeys(citer.cite(index.sentences[s].doc_id, index.sentences[s].start, index.sentences[s].end) for s, _ in group))
                claims.append(Side(group[0][1].text, cites))
            noun = re.findall(r"[A-Za-z][\w-]*", main[0][1].text)
            out.append(Disagreement(f"the number of {noun[-1] if noun else unit}", tuple(claims)))
    return out


def _disagree(index: Index, a: tuple[int, Figure], b: tuple[int, Figure]) -> bool:
    """True when two counts from different articles are about the same thing and neither admits the other."""
    (sa, fa), (sb, fb) = a, b
    if index.sentences[sa].doc_id == index.sentences[sb].doc_id or consistent(fa, fb) or consistent(fb, fa):
        return False
    if _modifiers(fa) != _modifiers(fb):
        return False
    return float(index.sentence_vectors[sa] @ index.sentence_vectors[sb]) >= SAME_SUBJECT


# --- the briefing ----------------------------------------------------------------------------------

def make_brief(engine: Engine, topic: str | None = None, doc_ids: Iterable[str] | None = None) -> Brief:
    """A briefing on a topic (or the whole corpus, or the articles doc_ids): cited points under headings, a figures table, and where sources differ."""
    topic = check_question(topic, engine.settings.max_question_chars) if topic is not None else None
    index = engine.index()
    ids, rel = _select(engine, index, topic, doc_ids)
    citer = _Citer(index)
    by_heading: dict[str, list[_Cluster]] = {h: [] for h in SECTIONS}
    for cl in _cluster(index, ids, rel):
        heading = _heading(index.sentences[cl.rep].text)
        if heading:
            by_heading[heading].append(cl)
    sections = []
    for heading in SECTIONS:
        chosen = sorted(by_heading[heading], key=lambda c: -c.weight)[:MAX_POINTS]
        chosen.sort(key=lambda c: (index.sentences[c.rep].doc_id, c.rep) if heading == "Timeline" else (-c.weight,))
        points = []
        for cl in chosen:
            cites = [citer.cite(index.sentences[s].doc_id, *_span(index.sentences[s])) for s in [cl.rep, *cl.members]]
            points.append(Point(cites[0].quote, tuple(cites)))
        if points:
            sections.append(Section(heading, tuple(points)))
    figures = _figure_rows(index, ids, citer)
    conflicts = _conversion_disagreements(index, ids, citer) + _count_disagreements(index, ids, citer)
    return Brief(topic, tuple(sections), tuple(figures), tuple(conflicts))


# --- rendering -------------------------------------------------------------------------------------

def _marks(citations: tuple[Citation, ...]) -> str:
    """'[1][4]' for a list of citations."""
    return "".join(f"[{c.n}]" for c in citations)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell, its HTML inert."""
    return one_line(text).replace("|", "\\|")


def to_markdown(brief: Brief) -> str:
    """The briefing as a Markdown document that reads on its own, sources listed at the end; text from articles is inert (no live HTML)."""
    title = f"Briefing: {one_line(brief.topic)}" if brief.topic else "Briefing: all articles"
    lines = [f"# {title}", ""]
    if not brief.sections and not brief.figures:
        lines += ["The articles say nothing about this topic.", ""]
    for section in brief.sections:
        lines += [f"## {section.heading}", ""]
        lines += [f"- {one_line(p.text)} {_marks(p.citations)}" for p in section.points]
        lines.append("")
    if brief.figures:
        lines += ["## Figures", "", "| Amount | What it is | Article | Date |", "| --- | --- | --- | --- |"]
        for row in brief.figures:
            articles = "; ".join(f"{_cell(c.title or c.doc_id)} [{c.n}]" for c in row.citations)
            dates = "; ".join(_cell(d) or "not given" for d in row.dates)
            lines.append(f"| {_cell(row.amount)} | “{_cell(row.what)}” | {articles} | {dates} |")
        lines.append("")
    lines += ["## Where sources differ", ""]
    if brief.conflicts:
        for conflict in brief.conflicts:
            sides = "; ".join(f"{_cell(side.text)} {_marks(side.citations)}" for side in conflict.claims)
            lines.append(f"- On {one_line(conflict.about)}: {sides}.")
    else:
        lines.append("No disagreement on figures was found.")
    lines += ["", "## Sources", ""]
    for c in brief.citations():
        lines.append(f"[{c.n}] {one_line(c.title or c.doc_id)} ({one_line(c.doc_id)}, characters {c.start}-{c.end}): “{one_line(c.quote)}”")
    return "\n".join(lines).rstrip() + "\n"

"""From what the reader found to an Answer: the answer span first, the sentence quoted, every claim cited."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from qa.answer.asked import (
    Asked,
    another_fate,
    another_year,
    answer_ranges,
    asked,
    asks_count,
    asks_when,
    counted,
    enclosing,
    foretold,
    items_asked,
    margins,
    named_age,
    named_as_asked,
    names_no_one,
    opposed,
    page_date_end,
    read_openly,
)
from qa.answer.conflicts import Statement, agree, disagreements, same_story, states, topic
from qa.answer.differences import names_another
from qa.answer.figures import Kind, candidate_spans, date_parts, date_value, fuller_date, states_quantity, states_time, text_figures
from qa.answer.lexicon import HEDGES, HONORIFICS, NAME_PARTICLES, NUMBER_WORDS, ORDINALS, SCALES, YEAR_DIGITS
from qa.answer.speech import TITLES
from qa.index import Index, common_stems
from qa.language import language_hint
from qa.reader import Reader, Window
from qa.text import STOPWORDS, is_name
from qa.types import Answer, Citation, Claim, Conflict, Hit


@dataclass(frozen=True)
class Found:
    """A window the reader has read: how likely it answers, and the answer it points at (offsets into the article)."""

    window: Window
    p: float
    start: int
    end: int
    text: str


class Citer:
    """Numbers citations in order of first use, one number per distinct span; a span inside one already cited takes its number."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.citations: list[Citation] = []

    def cite(self, doc_id: str, start: int, end: int) -> int:
        """The marker number of a span of an article, new or reused."""
        for c in self.citations:
            if c.doc_id == doc_id and c.start <= start and end <= c.end:
                return c.n
        doc = self.index.docs[doc_id]
        n = len(self.citations) + 1
        self.citations.append(Citation(n, doc_id, doc.title, start, end, doc.text[start:end]))
        return n


def markers(ns: list[int]) -> str:
    """'[1][2]' for a list of citation numbers."""
    return "".join(f"[{n}]" for n in dict.fromkeys(ns))


def window(index: Index, sid: int) -> Window:
    """A sentence with the one before it in the same article."""
    sent = index.sentences[sid]
    prev = index.sentences[sid - 1] if sid > 0 and index.sentences[sid - 1].doc_id == sent.doc_id else None
    start = prev.start if prev else sent.start
    return Window(sid, sent.doc_id, start, sent.start, sent.end, index.docs[sent.doc_id].text[start:sent.end])


def _ranked(index: Index, hits: list[Hit], question: str, query_vector: np.ndarray) -> list[int]:
    """The sentences of the chunks, most like the question first (dense and lexical rank fused)."""
    ids = sorted({sid for hit in hits for sid in index.sentences_of(hit.chunk.chunk_id)})
    if not ids:
        return []
    dense = index.sentence_vectors[ids] @ query_vector
    lexical = index.sentence_lexical.scores(question)[ids]
    fused = 1 / (10 + np.argsort(np.argsort(-dense))) + 1 / (10 + np.argsort(np.argsort(-lexical)))
    return [ids[i] for i in np.argsort(-fused, kind="stable")]


def candidates(index: Index, hits: list[Hit], question: str, query_vector: np.ndarray, limit: int, wider: Sequence[Hit] = ()) -> list[Window]:
    """The sentences of the retrieved chunks most like the question, each article's best among them; where the question names
    the kind of answer it wants (a date, an amount…) and none of them states one, those that do of the chunks and of the
    `wider` search's further chunks of the same articles instead, as only they can answer."""
    ranked = _ranked(index, hits, question, query_vector)
    seen: set[str] = set()
    firsts = [sid for sid in ranked if not (index.sentences[sid].doc_id in seen or seen.add(index.sentences[sid].doc_id))]
    chosen = list(dict.fromkeys(firsts[:limit // 2] + ranked))[:limit]
    kind = asked(question)
    # Not for a speaker (read openly where no window attributes words) nor an age: one given to nobody in a passage far from the
    # question's words is rarely the age of the person asked about (news questions: 1 answer gained, 5 near misses answered).
    if kind is None or kind in (Asked.SPEAKER, Asked.AGE):
        return [window(index, sid) for sid in chosen]

    def states_kind(sid: int) -> bool:
        return bool(answer_ranges(window(index, sid).text, kind, question, index.docs[index.sentences[sid].doc_id].text))
    if any(map(states_kind, chosen)):
        return [window(index, sid) for sid in chosen]
    articles, taken = {h.chunk.doc_id for h in hits}, set(chosen)
    rest = [sid for sid in _ranked(index, [*hits, *(h for h in wider if h.chunk.doc_id in articles)], question, query_vector) if sid not in taken]
    return [window(index, sid) for sid in [*filter(states_kind, rest), *chosen][:limit]]


def other_articles(index: Index, hits: list[Hit], question: str, query_vector: np.ndarray, read: Sequence[Window], limit: int) -> list[Window]:
    """For a question that names the kind of answer it wants (an amount, a date, an age…), the best window stating one of each
    article of the chunks that has none among the windows read, up to `limit` articles: where another report may give the answer
    differently. None for another question (each window costs the reader about 8 ms on 2 cores)."""
    kind = asked(question)
    if kind is None:
        return []
    done = {w.doc_id for w in read}
    chosen: dict[str, Window] = {}
    for sid in _ranked(index, hits, question, query_vector):
        doc_id = index.sentences[sid].doc_id
        if doc_id in done or doc_id in chosen:
            continue
        w = window(index, sid)
        if answer_ranges(w.text, kind, question, index.docs[doc_id].text):
            chosen[doc_id] = w
            if len(chosen) == limit:
                break
    return list(chosen.values())


_NUMBERISH = frozenset(NUMBER_WORDS) | ORDINALS | frozenset(SCALES) | HEDGES
_YEARLIKE = re.compile(rf"{YEAR_DIGITS}\b(?!,\d)")


def widen(text: str, start: int, end: int) -> tuple[int, int]:
    """An answer span widened to the whole figure, date or name it is part of ('9.3' -> '$9.3bn', '85' -> '85 years', 'fiscal year' ->
    'this fiscal year', 'Adal' -> 'Jaish al Adal') and trimmed."""
    spans = [(m.start, m.end, kind.value) for kind in (Kind.MONEY, Kind.DATE) for m in candidate_spans(text, kind)]
    spans += [(f.start, f.end, f.kind) for f in text_figures(text)]
    for s, e, kind in spans:
        # A count never swallows a year: '1606 for fifty steam' is the figure model's count of a pre-1900 year.
        # A span of figures or number words ('two', 'first two') takes the count's noun ('first two years'); one of other words does not.
        # So does a span cut inside the count's unit: '340 sq' -> '340 sq km'.
        counted = (kind == "count" and (all(w.lower() in _NUMBERISH for w in re.findall(r"[A-Za-z]+", text[start:end])) or start <= s < end < e)
                   and not _YEARLIKE.match(text[s:e]))
        # A count read without its hedge is read with it: '3,000 people' -> 'nearly 3,000 people'.
        if kind == "count" and s < start < e and all(w.lower() in HEDGES for w in re.findall(r"[A-Za-z]+", text[s:start])):
            start = s
        if s < end and start < e and (kind != "count" or counted):
            start, end = min(start, s), max(end, e)
    while end > start and text[end - 1] in " ,;:.—–-'\"”’(":
        end -= 1
    if re.search(r"\b[A-Za-z]\.[A-Za-z]$", text[start:end]) and text[end:end + 1] == ".":
        end += 1  # an abbreviation keeps its full stop: '2:30 p.m.', 'U.S.'
    while start < end and text[start] in " ,;:(\"“‘":
        start += 1
    if text[start:end].count("(") > text[start:end].count(")") and text[end:end + 1] == ")":
        end += 1
    # A bracket the span closes without opening ends it: '2:45 p.m. ET) on Wednesday' -> '2:45 p.m. ET'.
    depth = 0
    for i in range(start, end):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth < 0:
            end = i
            break
    while end > start and text[end - 1] in " ,;:":
        end -= 1
    # A name read from its last part is read whole: 'Adal' -> 'Jaish al Adal'.
    particles = re.search(rf"[A-Z][\w'’-]+\s+(?:(?:{'|'.join(NAME_PARTICLES)})(?:\s+|-))+$", text[:start])
    if particles and text[start:start + 1].isupper():
        start = particles.start()
    # A name read without its last words is read whole: 'New England' -> 'New England Patriots', 'Cardiff' -> 'Cardiff University',
    # 'Vincent' -> 'Vincent de Rivaz', 'Riad' -> 'Riad al-Malki', 'Sydney Radio' -> 'Sydney Radio 2GB'; not in a headline, whose
    # every word is capitalised ('Ashleigh Barty Wins Wimbledon Women's Singles Title').
    rest = re.match(rf"(?:[ \t](?:(?:{'|'.join(NAME_PARTICLES)})[ \t-])?(?:[A-Z]|\d+[A-Z])[\w'’-]*)+", text[end:])
    last = text[start:end].split()[-1:]
    if rest and last and last[0][:1].isupper() and sum(w[:1].isupper() for w in text[end:].split()[:6]) < 4:
        end += rest.end()
    # An ordinal is read with what it ranks: '83rd' -> '83rd minute', '18th' -> '18th century'.
    ranked = re.match(r" ([a-z]+)\b", text[end:]) if re.fullmatch(r"\d+(?:st|nd|rd|th)", text[start:end], re.I) or text[start:end].lower() in ORDINALS else None
    if ranked and ranked.group(1) not in STOPWORDS:
        end += ranked.end()
    return start, end


def read(reader: Reader, question: str, windows: list[Window], sure: float, article: Callable[[str], str] | None = None,
         naming: frozenset[str] | None = None, common: frozenset[str] = frozenset()) -> list[Found]:
    """The reader's verdict on each window, most likely answer first; an age a window gives by name to the person 'How old is X?'
    asks about is read at no less than `sure` (Settings.conflict_threshold: enough to answer, and to be a side of a disagreement).

    Where the question names the kind of answer it wants (a date, an age, a role's holder: its article, from `article`, may show
    whose role it is), the span is read only where a window states one, and a window that states none cannot answer; nor can
    one about a year other than the question's, nor one of an article not among those that name whom the question names
    (`naming`, from pipeline.naming_articles). Such a window stays, unread, as a closest passage. Where it asks by how much, the
    span is read in the figure after 'by' where a window states one. An answer read from a sentence that names someone else in
    place of one the question names is no answer (`common`: the corpus's lower-case stems, which tell names), nor one from a
    sentence that tells of the injured where the question asks about the killed, nor what will happen for what did.
    """
    if not windows:
        return []
    kind = asked(question)
    ranges = [answer_ranges(w.text, kind, question, article(w.doc_id) if article else "") if kind else [] for w in windows]
    if read_openly(kind, question, ranges):
        kind, ranges = None, [[] for _ in windows]
    readable = [i for i, w in enumerate(windows) if (not kind or ranges[i]) and (naming is None or w.doc_id in naming)
                and not another_year(question, w.text) and not opposed(question, w.text)]
    within = [margins(question, windows[i].text) or ranges[i] for i in readable]
    readings = dict(zip(readable, reader.read(question, [(windows[i].text, windows[i].centre_offset) for i in readable], within)))
    found = []
    for i, w in enumerate(windows):
        if i not in readings:
            found.append(Found(w, 0.0, w.centre, w.centre, ""))
            continue
        r = readings[i]
        s, e = enclosing(ranges[i], r.start, r.end) if kind else counted(question, w.text, *named_as_asked(question, w.text, *widen(w.text, r.start, r.end)))
        p = max(r.p, sure) if kind is Asked.AGE and named_age(question, w.text, s, e) else r.p
        # 'How many…?' is not answered by words that state no quantity ('months', 'large', 'number').
        p = 0.0 if asks_count(question) and not states_quantity(w.text[s:e]) else p
        # Nor 'Which city…?' by a bare figure ('8623').
        p = 0.0 if names_no_one(question, w.text[s:e]) else p
        # Nor 'When…?' by words that state no time ('2-0', 'Before council').
        p = 0.0 if kind is None and asks_when(question) and not states_time(w.text[s:e]) else p
        # Nor 'What did…?' by what will happen, nor any question by the date a web page heads its text with (when it was written).
        p = 0.0 if foretold(question, w.text, s) else p
        p = 0.0 if w.start == 0 and s < page_date_end(w.text) else p
        at, until = (w.centre_offset, len(w.text)) if s >= w.centre_offset else (0, w.centre_offset)
        other = w.text[:at] + w.text[until:]
        p = 0.0 if p and names_another(question, w.text[at:until], s - at, e - at, common, other) else p
        # Nor one told of the injured where the question asks about the killed.
        p = 0.0 if another_fate(question, w.text[at:until], s - at, e - at) else p
        found.append(Found(w, p, w.start + s, w.start + e, w.text[s:e]))
    return sorted(found, key=lambda f: (-f.p, f.window.sentence_id))


def quote_span(f: Found) -> tuple[int, int]:
    """What to quote for a finding: its sentence, from the sentence before when the answer stands there."""
    w = f.window
    return (w.start if f.start < w.centre else w.centre), w.end


@dataclass(frozen=True)
class Judgement:
    """The reader's probability an answer needs, the higher one another article's different answer needs to count as a conflict, and
    how much each further article that gives the same answer adds where no one passage is sure enough."""

    answer: float
    conflict: float
    pooling: float = 0.0


def pooled(found: list[Found], judge: Judgement) -> list[Found]:
    """The findings with the best-supported answer first where no one window reaches the answer's threshold: an answer read in
    several articles has the support of each (the doubt of the best times, for each further article, one less its probability
    times the pooling weight), which stands as the probability of each finding that gives it."""
    if not found or found[0].p >= judge.answer or not judge.pooling:
        return found
    groups: list[list[Found]] = []
    for f in found:
        group = next((g for g in groups if f.p and f.text and agree(g[0].text, f.text)), None)
        if group is None:
            groups.append([f])
        else:
            group.append(f)

    def support(group: list[Found]) -> float:
        by_article: dict[str, float] = {}
        for f in group:
            by_article[f.window.doc_id] = max(by_article.get(f.window.doc_id, 0.0), f.p)
        first, *rest = sorted(by_article.values(), reverse=True)
        return 1 - (1 - first) * float(np.prod([1 - judge.pooling * p for p in rest]))

    best = max(groups, key=support)
    p = support(best)
    return [*(replace(f, p=p) for f in best), *(f for f in found if f not in best)]


def _opening(span: str) -> str:
    """An answer span as the opening of a sentence of the answer: 'up to ¥1 trillion' -> 'Up to ¥1 trillion' ('eBay' as it is)."""
    first = span.split(maxsplit=1)[0] if span.strip() else ""
    return span[:1].upper() + span[1:] if first.isalpha() and first.islower() else span


_SURNAME = re.compile(r"[A-Z][\w'’]*(?:-[A-Z][\w'’]*)?")


def _named(word: str, common: frozenset[str]) -> bool:
    """Whether a capitalised word before a surname can be part of the name: one the corpus never writes in lower case ('Sam', not
    the headline's 'Puts'), no title, possessive or sentence's end."""
    return (is_name(word, common) and not TITLES.fullmatch(f"{word} ") and not word.endswith(("'s", "’s"))
            and not (word.endswith(".") and len(word) > 2))


def _sentence_at(index: Index, sid: int, at: int) -> int | None:
    """The sentence of an article that holds a character, found from another sentence of that article."""
    doc_id, step = index.sentences[sid].doc_id, (-1 if at < index.sentences[sid].start else 1)
    while not index.sentences[sid].start <= at < index.sentences[sid].end:
        sid += step
        if not 0 <= sid < len(index.sentences) or index.sentences[sid].doc_id != doc_id:
            return None
    return sid


def full_name(index: Index, f: Found, others: Sequence[Window] = ()) -> tuple[str, int] | None:
    """Where the answer is a surname alone ('Bankman-Fried', 'Mr Glazer'), the full name its article gives it ('Sam Bankman-Fried',
    'Taylor Swift'), or failing that the first of the other articles that names it, and the sentence where it first does; None
    where no article gives it a fuller name, or where the first that does gives several."""
    title, _, rest = f.text.partition(" ")
    surname = rest if rest and " " not in rest and title.rstrip(".").lower() in HONORIFICS else f.text
    if not _SURNAME.fullmatch(surname) or surname.lower() in STOPWORDS:
        return None
    common = common_stems(index)
    firsts: dict[str, Window] = {}
    for w in [f.window, *others]:
        firsts.setdefault(w.doc_id, w)
    for w in firsts.values():
        names: dict[str, int] = {}
        for m in re.finditer(rf"\b((?:[A-Z][\w'’.-]* +){{1,3}}){re.escape(surname)}\b(?![\w-])", index.docs[w.doc_id].text):
            words = list(re.finditer(r"\S+", m.group(1)))
            kept = words[max((i + 1 for i, word in enumerate(words) if not _named(word.group(), common)), default=0):]
            if kept:
                names.setdefault(" ".join([*(word.group() for word in kept), surname]), m.start(1) + kept[0].start())
        if len(names) > 1:
            return None
        if names:
            (name, at), = names.items()
            sid = _sentence_at(index, w.sentence_id, at)
            return (name, sid) if sid is not None else None
    return None


def part_answer(index: Index, citer: Citer, question: str, found: list[Found], judge: Judgement) -> tuple[str, str, list[Conflict]] | None:
    """The lead, its quote and any conflict for one question, or None when the reader finds no answer."""
    found = pooled(found, judge)
    if not found or found[0].p < judge.answer:
        return None
    best = found[0]
    others: list[tuple[Found, bool]] = []
    seen = [best.window.doc_id]
    # Two articles' descriptions of one name ('Industry Minister', 'Economy Minister') are two sides of it, and two things a speaker
    # said are two things said, not a disagreement.
    describes = asked(question) in (Asked.DEFINITION, Asked.SAID)
    # A question that asks for several things ('Who are the chief executives of the two exchanges?') lists the different answers
    # the reader finds, where the best is one thing (not already a list), rather than setting them against each other.
    wanted = items_asked(question) if not re.search(r",|\band\b", best.text) else 1
    listed = [best]
    for f in found[1:]:
        if len(listed) < wanted and f.p >= judge.answer and f.text and all(agree(x.text, f.text) is False for x in listed):
            listed.append(f)
    for f in found[1:]:
        if f.p < judge.answer or f.window.doc_id in seen or f in listed:
            continue
        verdict = agree(best.text, f.text)
        # A different answer read from a passage that also states the lead (or whose answer the lead's passage states) is a
        # misreading of one of them, not a disagreement between articles; nor is one from an article on another story.
        differs = (verdict is False and f.p >= judge.conflict and not states(f.window.text, best.text) and not states(best.window.text, f.text)
                   and not describes and same_story(index, best.window.doc_id, f.window.doc_id, question))
        if verdict or differs:
            seen.append(f.window.doc_id)
            others.append((f, verdict))
    # A date is given as fully as an article that agrees with it states it, from that article ('December 2015' where the best
    # passage says '2015').
    fuller = [f for f, v in others if v and fuller_date(best.text, f.text)] if len(listed) == 1 else []
    if fuller:
        fullest = max(fuller, key=lambda f: sum(map(bool, date_parts(f.text) or ())))
        others = [(best, True) if f is fullest else (f, v) for f, v in others]
        best = fullest
        listed = [best]
    statements = [Statement(f.window.doc_id, f.text, i) for i, f in enumerate([best, *(f for f, _ in others)])]
    groups = [] if len(listed) > 1 else disagreements(statements)
    shown = [*listed, *(f for f, v in others if v or groups)]
    number = {id(f): citer.cite(f.window.doc_id, *quote_span(f)) for f in shown}
    # A surname alone is given as the full name its article gives it, the sentence that does cited beside the answer's.
    named = full_name(index, best, [f.window for f in found])
    sentence = index.sentences[named[1]] if named else None
    named_at = [citer.cite(sentence.doc_id, sentence.start, sentence.end)] if sentence else []
    backing = markers([number[id(best)], *sorted([*named_at, *(number[id(f)] for f, v in others if v)])])
    lead = "; ".join([f"{_opening(named[0] if named else best.text)} {backing}", *(f"{f.text} {markers([number[id(f)]])}" for f in listed[1:])]) + "." if best.text else ""
    quote = " ".join(f"“{citer.citations[number[id(f)] - 1].quote}” [{number[id(f)]}]" for f in dict.fromkeys(listed))
    everyone = [best, *(f for f, _ in others)]
    conflicts = []
    if groups:
        claims = []
        for group in groups:
            claims.append(Claim(group[0].text, tuple(dict.fromkeys(number[id(everyone[st.ref])] for st in group))))
        conflicts.append(Conflict(topic(question), tuple(claims)))
    return lead, quote, conflicts


def conflict_sentence(conflict: Conflict, dates: dict[int, str]) -> str:
    """'The sources differ on X: A [1]; B [2].', saying which report is later when their dates differ."""
    parts = [f"{c.text} {markers(list(c.citations))}" + (f" ({dates[c.citations[0]]})" if dates.get(c.citations[0]) else "") for c in conflict.claims]
    text = f"The sources differ on {conflict.about}: " + "; ".join(parts) + "."
    latest = [max(((date_value(dates.get(n, "")), dates.get(n, "")) for n in c.citations if date_value(dates.get(n, ""))), default=None)
              for c in conflict.claims]
    known = [d for d in latest if d]
    if len({d[0] for d in known}) > 1:
        newest = max(range(len(latest)), key=lambda i: latest[i][0] if latest[i] else date.min)
        text += (f" The later report ({latest[newest][1]}) gives {conflict.claims[newest].text}; "
                 "it may be an update rather than a contradiction.")
    return text


def _bare(lead: str) -> str:
    """A lead without its markers and full stop: the answer alone ('Elena Brandt; Ilse Marten' of 'Elena Brandt [1]; Ilse Marten [2].')."""
    return re.sub(r"\.$", "", re.sub(r"\s*(?:\[\d+\])+(?=;|\.$)", "", lead))


def compose(index: Index, question: str, parts: list[tuple[str, list[Found]]], judge: Judgement, unmentioned: Sequence[str] = ()) -> Answer:
    """The answer to a question (one part or several) from the reader's findings for each part; none where the question names
    someone or something the articles never mention."""
    citer = Citer(index)
    leads, quotes, conflicts, missing = [], [], [], []
    for part, found in parts:
        result = None if unmentioned else part_answer(index, citer, part, found, judge)
        if result is None:
            missing.append(part)
            continue
        lead, quote, part_conflicts = result
        if _bare(lead) in map(_bare, leads):
            missing.append(part)
            continue
        leads.append(lead)
        if quote not in quotes:
            quotes.append(quote)
        conflicts += part_conflicts
    best_p = max((f[0].p for _, f in parts if f), default=0.0)
    if not leads:
        near = [citer.cite(f.window.doc_id, f.window.centre, f.window.end) for _, found in parts for f in found[:2]]
        said = f"The sources don't mention {' or '.join(f'“{n}”' for n in unmentioned)}." if unmentioned else "The sources don't say."
        text = said + (f" The closest passages are {markers(near)}." if near else "")
        text += f" {hint}" if (hint := language_hint(question)) else ""
        return Answer(question, text, True, tuple(citer.citations), evidence={"p_answer": best_p})
    dates = {c.n: index.docs[c.doc_id].date for c in citer.citations}
    lines = [conflict_sentence(c, dates) for c in conflicts]
    gaps = [f"The sources don't answer “{p}”." if len(parts) > 1 else "" for p in missing]
    text = " ".join(x for x in [*leads, *quotes, *lines, *gaps] if x)
    short = "; ".join(_bare(lead) for lead in leads if lead)
    return Answer(question, text, False, tuple(citer.citations), tuple(conflicts), short=short, evidence={"p_answer": best_p})

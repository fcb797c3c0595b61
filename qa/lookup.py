"""Citation lookup: where the sources state a quote or a claim, and how closely.

The quote matcher looks for the query's own words in the articles (exact after typographic
normalisation, else a word alignment that repairs typos and tolerates cut words). When no article has
the words exactly, the trained claim judge reads the claim against the nearest sentences (alone and
with a neighbour) and says whether each supports it, contradicts it, or does not address it.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import zip_longest
from typing import Any

import numpy as np

from qa.answer.compose import markers
from qa.answer.conflicts import differing_figure, unstated_figure
from qa.answer.differences import (
    ABOUT_SHARE,
    changed_figure,
    claim_share,
    diff_kind,
    differences,
    lends_name,
    named_forms,
    opposite_pair,
    phrase,
    replaced,
    tells_of_another,
    tokens,
)
from qa.answer.figures import text_figures
from qa.answer.lexicon import NEGATIONS
from qa.index import Index, common_stems
from qa.judge import Verdict
from qa.pipeline import Engine, check_question
from qa.text import STOPWORDS, is_name, unstated_names
from qa.types import Answer, Citation

EXACT, CLOSE, SUPPORTED, PARTLY, CONTRADICTED, NOT_FOUND = (
    "exact quote", "close quote", "supported paraphrase", "partly supported", "contradicted", "not found")
VERDICTS = (EXACT, CLOSE, SUPPORTED, PARTLY, CONTRADICTED, NOT_FOUND)
# Two runs of words are one spelt two ways at this similarity of their letters ('then' and 'than': 0.75).
RESPELT = 0.75
# The order of verdicts among matches: the words themselves, then a passage that states the claim (one source is enough),
# then one that says otherwise, then part of it.
_TIER = {EXACT: 0, CLOSE: 0, SUPPORTED: 1, CONTRADICTED: 2, PARTLY: 3, NOT_FOUND: 4}

# How an answer in the chat words each verdict on a statement typed there.
_SAID = {EXACT: "an article says this in these words", CLOSE: "an article says this in nearly these words",
         SUPPORTED: "an article says this in other words", PARTLY: "an article says part of this", CONTRADICTED: "an article says otherwise"}

# The judge's probability at which a passage supports or contradicts a claim (chosen on the dev lookup rows, README). A passage
# contradicts a claim only when it is about the same thing: it holds this idf-weighted share of the claim's words; one that
# holds them and neither supports nor contradicts it supports part of it.
SUPPORTS_AT, CONTRADICTS_AT = 0.5, 0.6
CLOSE_DICE, QUOTE_COVER = 0.75, 0.6
# Sentences aligned with a quote, and (fewer, the judge being slower) judged against a claim.
CANDIDATES, JUDGED = 30, 10

_TYPO = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "—": "-", "–": "-",
                       "‒": "-", "−": "-", "\u00a0": " ", "…": "."})


@dataclass(frozen=True)
class Context:
    """The sentences around a match, with their offsets into the article."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Match:
    """One place a source states (or contradicts) the query; text[start:end] == quote."""

    doc_id: str
    title: str
    start: int
    end: int
    quote: str
    score: float
    verdict: str
    note: str = ""
    context: Context | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the contract."""
        out: dict[str, Any] = {"doc_id": self.doc_id, "title": self.title, "start": self.start, "end": self.end, "quote": self.quote,
                               "score": round(self.score, 3), "verdict": self.verdict, "note": self.note}
        if self.context is not None:
            out["context"] = {"start": self.context.start, "end": self.context.end, "text": self.context.text}
        return out


@dataclass(frozen=True)
class LookupResult:
    """Every match for a query, best first; when nothing matches, the nearest passages marked `not found`."""

    query: str
    matches: tuple[Match, ...] = ()

    @property
    def verdict(self) -> str:
        """The verdict of the best match."""
        return self.matches[0].verdict if self.matches else NOT_FOUND

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the contract."""
        return {"query": self.query, "verdict": self.verdict, "matches": [m.to_dict() for m in self.matches]}


@dataclass
class _Found:
    """A match being built: a span, its verdict and score."""

    doc_id: str
    start: int
    end: int
    verdict: str
    score: float
    note: str = ""


# --- normalised text and tokens ---------------------------------------------------------------------

def normalise(text: str) -> tuple[str, list[int], list[int]]:
    """Text with typography unified, blanks collapsed and case lowered, and where each character came from."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    while i < len(text):
        c = text[i]
        step = 2 if text.startswith("--", i) else 1
        if c.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                starts.append(i)
                ends.append(i + 1)
            i += 1
            continue
        c = "-" if step == 2 else c.translate(_TYPO)
        low = c.lower()
        out.append(low if len(low) == 1 else c)
        starts.append(i)
        ends.append(i + step)
        i += step
    return "".join(out), starts, ends


def _strip_quote(text: str) -> str:
    """A query without the quote marks, ellipses and final stop a person adds around a quotation."""
    text = text.strip()
    text = re.sub(r"^(?:\.\.\.|…|[\"'“”‘’«»\s])+", "", text)
    return re.sub(r"(?:\.\.\.|…|[\"'“”‘’«»\s.,;:!?])+$", "", text)


@lru_cache(maxsize=8)
def _doc_tokens(index: Index) -> dict[str, list[tuple[str, int, int]]]:
    """The tokens of every article."""
    return {doc_id: tokens(doc.text) for doc_id, doc in index.docs.items()}


@lru_cache(maxsize=8)
def _known_words(index: Index) -> frozenset[str]:
    """Every word any article uses."""
    return frozenset(t[0] for toks in _doc_tokens(index).values() for t in toks)


@lru_cache(maxsize=8)
def _doc_normal(index: Index) -> dict[str, tuple[str, list[int], list[int]]]:
    """The normalised text of every article."""
    return {doc_id: normalise(doc.text) for doc_id, doc in index.docs.items()}


@lru_cache(maxsize=8)
def _doc_sentences(index: Index) -> dict[str, list[int]]:
    """The sentence ids of each article, in order."""
    out: dict[str, list[int]] = {}
    for sid, sent in enumerate(index.sentences):
        out.setdefault(sent.doc_id, []).append(sid)
    return out


# --- the quote matcher -----------------------------------------------------------------------------

def _exact(index: Index, query: str, keep: set[str] | None = None) -> list[_Found]:
    """Every place the query occurs verbatim in the articles kept (None: all), ignoring case, blanks and typographic variants.

    The span takes in the quote's own final punctuation where the article has it too, so it covers the whole quote.
    """
    needle, whole = normalise(_strip_quote(query))[0], normalise(query.strip())[0]
    if len(needle) < 3:
        return []
    tail = whole[whole.rfind(needle) + len(needle):]
    found = []
    for doc_id, (hay, starts, ends) in _doc_normal(index).items():
        if keep is not None and doc_id not in keep:
            continue
        pos = hay.find(needle)
        while pos >= 0 and len(found) < 20:
            last = pos + len(needle) - 1
            for c in tail:
                if hay[last + 1:last + 2] != c:
                    break
                last += 1
            found.append(_Found(doc_id, starts[pos], ends[last], EXACT, 1.0, "verbatim in the article"))
            pos = hay.find(needle, pos + 1)
    return found


def _repair(query: list[str], vocab: set[str], known: frozenset[str]) -> tuple[list[str], dict[str, str]]:
    """Query tokens with misspelt words (words no article uses) replaced by the nearest word of the passage."""
    out, fixed = [], {}
    for tok in query:
        if tok not in known and tok.isalpha() and len(tok) >= 4:
            near = difflib.get_close_matches(tok, vocab, n=1, cutoff=0.8)
            if near:
                fixed[tok] = near[0]
                tok = near[0]
        out.append(tok)
    return out, fixed


def _best_cluster(blocks: list[difflib.Match], gap: int) -> list[difflib.Match]:
    """The run of matching blocks, no further apart than `gap` tokens, that matches the most tokens."""
    clusters: list[list[difflib.Match]] = []
    for block in blocks:
        if clusters and block.b - (clusters[-1][-1].b + clusters[-1][-1].size) <= gap:
            clusters[-1].append(block)
        else:
            clusters.append([block])
    return max(clusters, key=lambda c: sum(b.size for b in c), default=[])


def _respelt(q_side: list[str], p_side: list[str]) -> bool:
    """True when a run of one or two words is the other's words spelt another way ('years' for 'year's', 'then' for 'than')."""
    return len(q_side) <= 2 and len(p_side) <= 2 and difflib.SequenceMatcher(None, "".join(q_side), "".join(p_side)).ratio() >= RESPELT


def _compare_words(q_words: list[str], q_toks: list[str], p_words: list[str], p_toks: list[str],
                   common: frozenset[str]) -> tuple[list[int], list[int], list[tuple[tuple[int, int], tuple[int, int], str]], int]:
    """Aligned word lists: query words not in the passage, passage words not in the query, changed figures or names (and words
    spelt another way, kind 'spelling'), words swapped."""
    swapped = 0
    added: list[int] = []
    cut: list[int] = []
    diffs = []
    p_named, q_named = named_forms(p_words, common), named_forms(q_words, common)
    ops = difflib.SequenceMatcher(None, q_toks, p_toks, autojunk=False).get_opcodes()
    for n, (op, i1, i2, j1, j2) in enumerate(ops):
        if op == "equal":
            continue
        anchored = (n > 0 and ops[n - 1][0] == "equal") or (n + 1 < len(ops) and ops[n + 1][0] == "equal")
        kind = diff_kind(q_words[i1:i2], p_words[j1:j2], common, p_named, q_named) if op == "replace" and anchored else ""
        if kind and i2 - i1 <= 4 and j2 - j1 <= 4:
            diffs.append(((i1, i2), (j1, j2), kind))
            continue
        if op == "replace" and anchored and _respelt(q_toks[i1:i2], p_toks[j1:j2]) and not {*q_toks[i1:i2], *p_toks[j1:j2]} & NEGATIONS:
            diffs.append(((i1, i2), (j1, j2), "spelling"))
            continue
        added += [i for i in range(i1, i2) if len(q_toks[i]) > 1 or q_toks[i] in NEGATIONS]
        cut += [j for j in range(j1, j2) if len(p_toks[j]) > 1 or p_toks[j] in NEGATIONS]
        swapped += (i2 - i1) if op == "replace" else 0
    return added, cut, diffs, swapped


def _balanced(text: str, start: int, end: int) -> int:
    """The end of a span moved past a closing bracket or quote mark whose opening it holds."""
    for opening, closing in (("(", ")"), ("“", "”"), ("[", "]")):
        if text.count(opening, start, end) > text.count(closing, start, end) and text[end:end + 1] == closing:
            end += 1
    return end


def _quote_match(index: Index, query: str, sid: int) -> _Found | None:
    """The query's words aligned with the text around one sentence: a close quote, a misquote, or nothing."""
    sent = index.sentences[sid]
    doc_toks = _doc_tokens(index)[sent.doc_id]
    q_text = _strip_quote(query)
    q_raw = tokens(q_text)
    if len(q_raw) < 3:
        return None
    starts = [t[1] for t in doc_toks]
    pad = 2 * len(q_raw) + 10
    lo = max(0, bisect_left(starts, sent.start) - pad)
    hi = min(len(doc_toks), bisect_right(starts, sent.end) + pad)
    region = doc_toks[lo:hi]
    r_toks = [t[0] for t in region]
    q_toks, fixed = _repair([t[0] for t in q_raw], set(r_toks), _known_words(index))
    blocks = [b for b in difflib.SequenceMatcher(None, q_toks, r_toks, autojunk=False).get_matching_blocks() if b.size]
    cluster = _best_cluster(blocks, max(6, len(q_toks) // 2))
    while len(cluster) > 1 and cluster[0].size == 1 and q_toks[cluster[0].a] in STOPWORDS:
        cluster = cluster[1:]
    while len(cluster) > 1 and cluster[-1].size == 1 and q_toks[cluster[-1].a] in STOPWORDS:
        cluster = cluster[:-1]
    matched = sum(b.size for b in cluster)
    if matched < 3 or matched / len(q_toks) < QUOTE_COVER:
        return None
    b0, b1 = cluster[0].b, cluster[-1].b + cluster[-1].size
    # A figure the query ends (or opens) on that the article words otherwise is compared with the article's words in its place,
    # not left out of the passage ('…stamp duty to £150,000' against '…to £120,000').
    head, tail = cluster[0].a, len(q_toks) - cluster[-1].a - cluster[-1].size
    if any(t[0].isdigit() for t in q_toks[len(q_toks) - tail:]):
        b1 = min(len(region), b1 + tail)
    if any(t[0].isdigit() for t in q_toks[:head]):
        b0 = max(0, b0 - head)
    if (b0 == 0 and lo > 0) or (b1 == len(region) and hi < len(doc_toks)):
        return None
    doc_text = index.docs[sent.doc_id].text
    span = region[b0:b1]
    q_words = [q_text[s:e] for _, s, e in q_raw]
    p_words = [doc_text[s:e] for _, s, e in span]
    common = common_stems(index)
    added, cut, diffs, swapped = _compare_words(q_words, q_toks, p_words, r_toks[b0:b1], common)
    dice = 2 * matched / (len(q_toks) + b1 - b0)
    if swapped or len(added) > (1 if len(q_toks) >= 8 else 0) or len(cut) > max(3, 0.4 * len(q_toks)) or dice < CLOSE_DICE:
        return None
    if any(is_name(q_words[i], common) for i in added):
        return None  # a name the article does not give there makes it another claim, for the judge
    start, end = span[0][1], _balanced(doc_text, span[0][1], span[-1][2])
    # The 't' of "can't" is shown with its word.
    negated = [f"the claim has “{q_text[q_raw[max(i - (q_toks[i] == 't'), 0)][1]:q_raw[i][2]]}”" for i in added if q_toks[i] in NEGATIONS]
    negated += [f"the article has “{doc_text[span[max(j - (r_toks[b0 + j] == 't'), 0)][1]:span[j][2]]}”" for j in cut if r_toks[b0 + j] in NEGATIONS]
    if negated:
        return _Found(sent.doc_id, start, end, CONTRADICTED, 0.5 + 0.4 * dice, "; ".join(negated) + ": one says the opposite of the other")
    respelt = [(i1, i2, j1, j2) for (i1, i2), (j1, j2), kind in diffs if kind == "spelling"]
    diffs = [d for d in diffs if d[2] != "spelling"]
    if diffs:
        p_figs, q_figs = text_figures(doc_text[start:end]), text_figures(q_text)
        notes = []
        for (i1, i2), (j1, j2), kind in diffs:
            said = phrase(p_figs, doc_text[start:end], span[j1][1] - start, span[j2 - 1][2] - start)
            claimed = phrase(q_figs, q_text, q_raw[i1][1], q_raw[i2 - 1][2])
            if kind == "opposite":
                claimed, said = opposite_pair(q_words[i1:i2], p_words[j1:j2])
            notes.append(f"the article says “{said}”, not “{claimed}”")
        return _Found(sent.doc_id, start, end, CONTRADICTED, 0.5 + 0.4 * dice, "; ".join(notes))
    as_written = {tok: word for tok, word in zip(r_toks[b0:b1], p_words)}
    notes = [f"“{q_words[i]}” is spelt “{as_written.get(fixed[t], fixed[t])}” in the article" for i, (t, _, _) in enumerate(q_raw) if t in fixed]
    notes += [f"“{q_text[q_raw[i1][1]:q_raw[i2 - 1][2]]}” is “{doc_text[span[j1][1]:span[j2 - 1][2]]}” in the article" for i1, i2, j1, j2 in respelt]
    if cut:
        notes.append("the article also has " + ", ".join(f"“{p_words[j]}”" for j in cut[:6]))
    if added:
        notes.append("not in the article: " + ", ".join(f"“{q_words[i]}”" for i in added))
    return _Found(sent.doc_id, start, end, CLOSE, 0.8 + 0.19 * dice, "; ".join(notes) or "same words, different punctuation or spacing")


# --- the claim matcher: the trained judge ----------------------------------------------------------

def _compare(index: Index, claim: str, passage: str, v: Verdict, common: frozenset[str]) -> tuple[str, float, str]:
    """What a passage does with a claim, given the judge's verdict on the pair: (verdict, score, note).

    A passage about the same thing that states one of the claim's figures differently contradicts it whatever the judge says;
    so does one that holds the rest of the claim but names someone else (or another month or weekday) where the claim names
    someone it never names, or has two of its names the other way round ('TCI said it would prefer to see Deutsche Boerse
    return…').
    A passage that does not name everyone the claim names, or states one of its figures differently or not at all, does not support
    it. One the judge calls contradicting contradicts only where it puts a figure, name or opposite of its own in place of some of
    the claim's words: the note says which.
    """
    share, missing = claim_share(index, claim, passage)
    stated_otherwise = differing_figure(claim, passage)
    differing = changed_figure(index, claim, passage, share, stated_otherwise)
    # Here the figure model or the names decide, not the judge (which often takes a changed figure for support): the passage
    # ranks by how surely the judge finds it addresses the claim at all, one way or the other.
    addressed = max(1 - v.unaddressed, share)
    if differing:
        return CONTRADICTED, addressed, f"the article says “{differing[1].text}”, not “{differing[0].text}”"
    swapped = replaced(index, claim, passage, common, ("name", "date", "opposite", "role"), anchored=True)
    if swapped:
        return CONTRADICTED, addressed, "; ".join(swapped)
    if (v.supports >= SUPPORTS_AT and v.supports >= v.contradicts and not unstated_names(claim, passage, common) and not stated_otherwise
            and not unstated_figure(claim, passage)):
        return SUPPORTED, v.supports, "the passage states this in other words"
    # A contradiction says what differs: the passage must put a figure, name or opposite of its own in place of some of the
    # claim's words. Other words in place of the claim's are most often the same thing said another way ('banned' for 'barred',
    # 'annually' for 'a year'), which the judge takes for a contradiction. Figures are the figure model's to weigh: where it finds
    # none stated otherwise, other words around a figure ('just under £26m' for '£25.98m') are no contradiction.
    found = differences(claim, passage, common) if v.contradicts >= CONTRADICTS_AT and share >= ABOUT_SHARE else []
    # A name swapped by a passage that may tell of someone else contradicts only as `replaced` weighs it, above.
    names = [d.claimed for d in found if d.kind == "name"]
    other = bool(names) and tells_of_another(claim, passage, names, common)
    if notes := [d.note for d in found if d.kind and (d.kind != "figure" or stated_otherwise) and not (d.kind == "name" and other)]:
        return CONTRADICTED, v.contradicts, "; ".join(notes)
    if share >= ABOUT_SHARE:
        # Every word and figure of the claim may be here and the judge still unsure they say the same thing (another order).
        held = "not in this passage: " + ", ".join(f"“{w}”" for w in missing[:6]) if missing else "the passage has every word of the claim; whether it says the same is unclear"
        return PARTLY, share * (1 - v.unaddressed), held
    return NOT_FOUND, share / 2, ""


def _judged(engine: Engine, index: Index, claim: str, windows: list[list[int]]) -> list[_Found]:
    """Each passage (a sentence, or two adjacent ones) with its verdict on the claim (_compare; the judge runs once for all), a
    passage of two sentences scoring a little under one of one."""
    passages = [index.docs[index.sentences[w[0]].doc_id].text[index.sentences[w[0]].start:index.sentences[w[-1]].end] for w in windows]
    verdicts = engine.judge.judge([(claim, p) for p in passages])
    common = common_stems(index)
    alone = {w[0]: (p, v) for w, p, v in zip(windows, passages, verdicts) if len(w) == 1}
    found = []
    for sids, passage, v in zip(windows, passages, verdicts):
        first, last = index.sentences[sids[0]], index.sentences[sids[-1]]
        verdict, score, note = _compare(index, claim, passage, v, common)
        # Two sentences do not support a claim together where one of them, read alone, says it of someone else.
        if verdict == SUPPORTED and lends_name(index, claim, sids, alone, common):
            continue
        found.append(_Found(first.doc_id, first.start, last.end, verdict, score - 0.02 * (len(sids) - 1) * (verdict != NOT_FOUND), note))
    return found


def _windows(index: Index, sid: int) -> list[list[int]]:
    """A sentence alone, then with each neighbour in the same article."""
    out = [[sid]]
    doc = index.sentences[sid].doc_id
    for other in (sid - 1, sid + 1):
        if 0 <= other < len(index.sentences) and index.sentences[other].doc_id == doc:
            out.append(sorted([sid, other]))
    return out


# --- putting it together ---------------------------------------------------------------------------

def _candidates(index: Index, query: str, dense: np.ndarray, keep: set[str] | None = None, n: int = CANDIDATES) -> list[int]:
    """The sentences of the articles kept (None: all) most similar to the query by meaning or by words, the two rankings interleaved."""
    allowed = None if keep is None else np.fromiter((s.doc_id in keep for s in index.sentences), dtype=bool, count=len(index.sentences))
    lexical = index.sentence_lexical.scores(query)
    ranked = dense if allowed is None else np.where(allowed, dense, -np.inf)
    by_dense = np.argsort(-ranked, kind="stable")[:n if allowed is None else min(n, int(allowed.sum()))]
    by_words = [i for i, _ in index.sentence_lexical.search(query, n, allowed)] if lexical.any() else []
    by_dense = [int(i) for i in by_dense]
    return list(dict.fromkeys(i for pair in zip_longest(by_dense, by_words) for i in pair if i is not None))


def _context(index: Index, doc_id: str, start: int, end: int) -> Context:
    """The sentence(s) holding a span and one sentence either side."""
    sids = _doc_sentences(index).get(doc_id, [])
    inside = [i for i in sids if index.sentences[i].end > start and index.sentences[i].start < end]
    if not inside:
        return Context(start, end, index.docs[doc_id].text[start:end])
    lo = max(sids.index(inside[0]) - 1, 0)
    hi = min(sids.index(inside[-1]) + 1, len(sids) - 1)
    s, e = min(index.sentences[sids[lo]].start, start), max(index.sentences[sids[hi]].end, end)
    return Context(s, e, index.docs[doc_id].text[s:e])


def _overlaps(a: _Found, b: _Found) -> bool:
    """True when two matches point at overlapping text of one article."""
    return a.doc_id == b.doc_id and a.start < b.end and b.start < a.end


def _rank(found: list[_Found], k: int) -> list[_Found]:
    """The best match per place, best first, `not found` only when nothing else is left."""
    ordered = sorted(found, key=lambda f: (_TIER[f.verdict], -f.score, f.doc_id, f.start))
    kept: list[_Found] = []
    for f in ordered:
        if not any(_overlaps(f, g) for g in kept):
            kept.append(f)
    real = [f for f in kept if f.verdict != NOT_FOUND]
    if real:
        return real[:k]
    return [f for f in sorted(kept, key=lambda f: -f.score)][:min(k, 2)]


def check_query(text: str, limit: int) -> str:
    """The quote or claim with its spaces tidied, or a BadInputError saying what is wrong with it."""
    return check_question(text, limit, "The quote or claim", "paste a sentence from an article, or a claim to check")


def lookup(engine: Engine, text: str, k: int = 5, doc_ids: Iterable[str] | None = None) -> LookupResult:
    """Where the sources (the articles doc_ids, None: all; one of each group of copies) state a quote or claim, each match with a verdict, best first."""
    query = check_query(text, engine.settings.max_question_chars)
    index = engine.index()
    if not index.sentences:
        return LookupResult(query)
    allowed = index.searchable(doc_ids)
    keep = None if allowed is None else set(allowed)
    vector = engine.embedder.encode([query])[0]
    dense = index.sentence_vectors @ vector
    found = _exact(index, query, keep)
    candidates = _candidates(index, query, dense, keep)
    found += [q for q in (_quote_match(index, query, sid) for sid in candidates) if q]
    if not any(f.verdict == EXACT for f in found):
        windows = list(dict.fromkeys(tuple(w) for sid in candidates[:JUDGED] for w in _windows(index, sid)))
        # Where the quote matcher aligned the query's own words, its span and note are the more exact; the judge adds the rest.
        found += [f for f in _judged(engine, index, query, [list(w) for w in windows]) if not any(_overlaps(f, q) for q in found)]
    ranked = _rank(found, k)
    matches = []
    for f in ranked:
        doc = index.docs[f.doc_id]
        note = f.note or ("the nearest passage; it does not state this" if f.verdict == NOT_FOUND else "")
        matches.append(Match(f.doc_id, doc.title, f.start, f.end, doc.text[f.start:f.end], max(0.0, min(1.0, f.score)), f.verdict,
                             note, _context(index, f.doc_id, f.start, f.end)))
    return LookupResult(query, tuple(matches))


def checked_claim(engine: Engine, text: str, doc_ids: Iterable[str] | None = None) -> Answer:
    """A statement typed as a question, or a question whether one holds, answered as lookup checks a claim: the verdict of its best
    match, which is quoted; or that the sources don't say it, with the nearest passages."""
    result = lookup(engine, text, k=2, doc_ids=doc_ids)
    found = result.verdict != NOT_FOUND
    cites = tuple(Citation(n, m.doc_id, m.title, m.start, m.end, m.quote) for n, m in enumerate(result.matches[:1 if found else 2], 1))
    if not found:
        near = f" The closest passages are {markers([c.n for c in cites])}." if cites else ""
        return Answer(result.query, f"Checked as a claim: the sources don't say this.{near}", True, cites, short=NOT_FOUND)
    best = result.matches[0]
    why = f" ({best.note})" if best.verdict in (PARTLY, CONTRADICTED) and best.note else ""
    return Answer(result.query, f"Checked as a claim: {_SAID[best.verdict]} [1]{why}. “{best.quote}” [1]", False, cites, short=best.verdict)

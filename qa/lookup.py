"""Citation lookup: where the sources state a quote or a claim, and how closely.

Two matchers run on every query. The quote matcher looks for the query's own words in the articles
(exact after typographic normalisation, else a word alignment that repairs typos and tolerates cut
words). The claim matcher weighs sentences by meaning (sentence vectors), by the idf-weighted share of
the claim's terms they contain, and by whether the claim's figures and names agree with theirs.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from qa.answer.figures import Figure, comparable, consistent, same_value, text_figures
from qa.answer.lexicon import FIGURE_WORDS
from qa.errors import BadInputError
from qa.index import Index
from qa.pipeline import Engine
from qa.text import STOPWORDS, stem, terms

EXACT, CLOSE, SUPPORTED, PARTLY, CONTRADICTED, NOT_FOUND = (
    "exact quote", "close quote", "supported paraphrase", "partly supported", "contradicted", "not found")
VERDICTS = (EXACT, CLOSE, SUPPORTED, PARTLY, CONTRADICTED, NOT_FOUND)
_TIER = {EXACT: 0, CLOSE: 0, SUPPORTED: 1, CONTRADICTED: 1, PARTLY: 2, NOT_FOUND: 3}

# Thresholds for the claim matcher, set on the default corpus with the MiniLM model (see tests/test_lookup.py).
SUPPORT_DENSE, SUPPORT_COVER = 0.5, 0.6
LOOSE_DENSE, LOOSE_COVER = 0.68, 0.35
PARTLY_DENSE, PARTLY_COVER = 0.4, 0.45
CONTRA_DENSE, CONTRA_REST = 0.4, 0.5
CLOSE_DICE, QUOTE_COVER = 0.75, 0.6
CANDIDATES = 30

_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+|[¥$€£%]")
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
    notes: list[str] = field(default_factory=list)


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


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Lower-case word, number and currency tokens with their offsets."""
    return [(m.group(0).lower().replace("’", "'"), m.start(), m.end()) for m in _TOKEN.finditer(text)]


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


def _figure_stems(text: str) -> set[str]:
    """The stems that belong to the figures of a text (numbers, scales, currencies)."""
    out: set[str] = set()
    for fig in text_figures(text):
        if fig.kind in ("money", "percent", "year"):
            out |= set(terms(fig.text))
        else:
            out |= {stem(w) for w, _, _ in tokens(fig.text) if w[0].isdigit() or w in FIGURE_WORDS}
    return out


# --- the quote matcher -----------------------------------------------------------------------------

def _exact(index: Index, query: str, keep: set[str] | None = None) -> list[_Found]:
    """Every place the query occurs verbatim in the articles kept (None: all), ignoring case, blanks and typographic variants."""
    needle = normalise(_strip_quote(query))[0]
    if len(needle) < 3:
        return []
    found = []
    for doc_id, (hay, starts, ends) in _doc_normal(index).items():
        if keep is not None and doc_id not in keep:
            continue
        pos = hay.find(needle)
        while pos >= 0 and len(found) < 20:
            found.append(_Found(doc_id, starts[pos], ends[pos + len(needle) - 1], EXACT, 1.0, "verbatim in the article"))
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


@lru_cache(maxsize=8)
def _common_stems(index: Index) -> frozenset[str]:
    """Stems the corpus writes in lower case somewhere: ordinary words, not names."""
    return frozenset(stem(m.group(0)) for doc in index.docs.values() for m in re.finditer(r"(?<![\w'’])[a-z]+", doc.text))


def _is_name(word: str, common: frozenset[str]) -> bool:
    """True for a capitalised word the corpus never writes in lower case."""
    return word[:1].isupper() and word.lower() not in STOPWORDS and stem(word.lower()) not in common


def _diff_kind(q_side: list[str], p_side: list[str], p_all: set[str], common: frozenset[str]) -> str:
    """'figure' or 'name' when two replaced runs of words state a different number or name, else ''."""
    if not q_side or not p_side:
        return ""
    if any(w[0].isdigit() for w in q_side) and any(w[0].isdigit() for w in p_side):
        return "figure"
    q_names = [w for w in q_side if _is_name(w, common)]
    if q_names and any(_is_name(w, common) for w in p_side) and not {w.lower() for w in q_names} & p_all:
        return "name"
    return ""


def _compare_words(q_words: list[str], q_toks: list[str], p_words: list[str], p_toks: list[str],
                   common: frozenset[str]) -> tuple[list[int], list[int], list[tuple[tuple[int, int], tuple[int, int], str]], int]:
    """Aligned word lists: query words not in the passage, passage words not in the query, changed figures or names, words swapped."""
    swapped = 0
    added: list[int] = []
    cut: list[int] = []
    diffs = []
    p_all = {w.lower() for w in p_words}
    ops = difflib.SequenceMatcher(None, q_toks, p_toks, autojunk=False).get_opcodes()
    for n, (op, i1, i2, j1, j2) in enumerate(ops):
        if op == "equal":
            continue
        anchored = (n > 0 and ops[n - 1][0] == "equal") or (n + 1 < len(ops) and ops[n + 1][0] == "equal")
        kind = _diff_kind(q_words[i1:i2], p_words[j1:j2], p_all, common) if op == "replace" and anchored else ""
        if kind and i2 - i1 <= 4 and j2 - j1 <= 4:
            diffs.append(((i1, i2), (j1, j2), kind))
            continue
        added += [i for i in range(i1, i2) if len(q_toks[i]) > 1]
        cut += [j for j in range(j1, j2) if len(p_toks[j]) > 1]
        swapped += (i2 - i1) if op == "replace" else 0
    return added, cut, diffs, swapped


def _balanced(text: str, start: int, end: int) -> int:
    """The end of a span moved past a closing bracket or quote mark whose opening it holds."""
    for opening, closing in (("(", ")"), ("“", "”"), ("[", "]")):
        if text.count(opening, start, end) > text.count(closing, start, end) and text[end:end + 1] == closing:
            end += 1
    return end


def _phrase(figs: list[Figure], text: str, start: int, end: int) -> str:
    """The figure of a text that covers a span, else the span itself."""
    for fig in figs:
        if fig.start <= start and end <= fig.end:
            return fig.text
    return text[start:end]


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
    if (b0 == 0 and lo > 0) or (b1 == len(region) and hi < len(doc_toks)):
        return None
    doc_text = index.docs[sent.doc_id].text
    span = region[b0:b1]
    q_words = [q_text[s:e] for _, s, e in q_raw]
    p_words = [doc_text[s:e] for _, s, e in span]
    added, cut, diffs, swapped = _compare_words(q_words, q_toks, p_words, r_toks[b0:b1], _common_stems(index))
    dice = 2 * matched / (len(q_toks) + b1 - b0)
    if swapped or len(added) > (1 if len(q_toks) >= 8 else 0) or len(cut) > max(3, 0.4 * len(q_toks)) or dice < CLOSE_DICE:
        return None
    start, end = span[0][1], _balanced(doc_text, span[0][1], span[-1][2])
    if diffs:
        p_figs, q_figs = text_figures(doc_text[start:end]), text_figures(q_text)
        notes = []
        for (i1, i2), (j1, j2), _ in diffs:
            said = _phrase(p_figs, doc_text[start:end], span[j1][1] - start, span[j2 - 1][2] - start)
            claimed = _phrase(q_figs, q_text, q_raw[i1][1], q_raw[i2 - 1][2])
            notes.append(f"the article says “{said}”, not “{claimed}”")
        return _Found(sent.doc_id, start, end, CONTRADICTED, 0.5 + 0.4 * dice, "; ".join(notes))
    as_written = {tok: word for tok, word in zip(r_toks[b0:b1], p_words)}
    notes = [f"“{q_words[i]}” is spelt “{as_written.get(fixed[t], fixed[t])}” in the article" for i, (t, _, _) in enumerate(q_raw) if t in fixed]
    if cut:
        notes.append("the article also has " + ", ".join(f"“{p_words[j]}”" for j in cut[:6]))
    if added:
        notes.append("not in the article: " + ", ".join(f"“{q_words[i]}”" for i in added))
    return _Found(sent.doc_id, start, end, CLOSE, 0.8 + 0.19 * dice, "; ".join(notes) or "same words, different punctuation or spacing")


# --- the claim matcher -----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Claim:
    """What a claim states: its content stems with weights, its figures and its aligned tokens."""

    text: str
    weights: dict[str, float]
    words: dict[str, str]
    figures: tuple[Figure, ...]
    figure_weight: float
    spelt: dict[str, str]


def _content(text: str) -> tuple[list[str], list[str]]:
    """The words of a text without stopwords, as written and as stems."""
    found = [(text[s:e], w) for w, s, e in tokens(text) if (w not in STOPWORDS and w.isalnum()) or w[0].isdigit()]
    return [w for w, _ in found], [stem(t) if t[0].isalpha() else t.replace(",", "") for _, t in found]


def _claim(index: Index, text: str) -> _Claim:
    """A claim broken into what a passage must state to support it."""
    numeric = _figure_stems(text)
    words: dict[str, str] = {}
    for w, s, e in tokens(text):
        if w not in STOPWORDS and w.isalpha():
            words.setdefault(stem(w), text[s:e])
    weights = {t: index.sentence_lexical.idf_of(t) for t in words if t not in numeric}
    rare = index.sentence_lexical.idf_of("")
    vocab = index.sentence_lexical.vocab
    spelt = {}
    for t in weights:
        near = difflib.get_close_matches(t, vocab, n=1, cutoff=0.85) if t not in vocab and len(t) >= 5 else []
        spelt[t] = near[0] if near else t
    return _Claim(text, weights, words, tuple(text_figures(text)), rare, spelt)


def _near(text: str, start: int, end: int, width: int = 60) -> set[str]:
    """The content stems around a span of a text."""
    return set(terms(text[max(0, start - width):start] + " " + text[end:end + width]))


def _compare_figures(claim: _Claim, passage: str) -> tuple[list[Figure], list[Figure], list[tuple[Figure, Figure]]]:
    """The claim's figures the passage states, misses, and states differently (with the passage's figure)."""
    theirs = text_figures(passage)
    matched: list[Figure] = []
    for fig in claim.figures:
        if any(same_value(fig, f) and (comparable(fig, f) or fig.kind == f.kind == "count") for f in theirs):
            matched.append(fig)
    anchors = [f for f in theirs if any(same_value(m, f) for m in matched)]
    numeric = _figure_stems(claim.text)
    missing, differ = [], []
    for fig in claim.figures:
        if fig in matched:
            continue
        context = _near(claim.text, fig.start, fig.end) - numeric
        rivals = [f for f in theirs if comparable(fig, f) and not consistent(fig, f)
                  and (context & _near(passage, f.start, f.end) or any(abs(a.start - f.start) < 60 for a in anchors))]
        if rivals and not any(comparable(fig, f) and consistent(fig, f) for f in theirs):
            differ.append((fig, min(rivals, key=lambda f: abs(np.log10(max(f.value, 1e-9)) - np.log10(max(fig.value, 1e-9))))))
        else:
            missing.append(fig)
    return matched, missing, differ


def _covered(claim: _Claim, passage_stems: set[str]) -> set[str]:
    """The claim stems a passage contains, allowing for misspellings of words the corpus uses."""
    return {t for t in claim.weights if t in passage_stems or claim.spelt[t] in passage_stems}


def _claim_match(index: Index, claim: _Claim, sids: list[int], dense: float) -> _Found:
    """How well a passage (one sentence or two adjacent ones) supports a claim."""
    first, last = index.sentences[sids[0]], index.sentences[sids[-1]]
    doc_text = index.docs[first.doc_id].text
    passage = doc_text[first.start:last.end]
    covered = _covered(claim, set(terms(passage)))
    matched, missing, differ = _compare_figures(claim, passage)
    c_words, c_toks = _content(claim.text)
    p_words, p_toks = _content(passage)
    _, _, diffs, _ = _compare_words(c_words, c_toks, p_words, p_toks, _common_stems(index))
    names = [(" ".join(p_words[j1:j2]), " ".join(c_words[i1:i2])) for (i1, i2), (j1, j2), kind in diffs if kind == "name"]
    total = sum(claim.weights.values()) + claim.figure_weight * len(claim.figures)
    got = sum(claim.weights[t] for t in covered) + claim.figure_weight * len(matched)
    cover = got / total if total else 0.0
    named = {stem(w.lower()) for _, q in names for w in q.split()}
    rest_total = sum(w for t, w in claim.weights.items() if t not in named)
    rest = sum(claim.weights[t] for t in covered) / rest_total if rest_total else 1.0
    score = 0.5 * dense + 0.5 * cover
    found = _Found(first.doc_id, first.start, last.end, NOT_FOUND, score)
    if (differ or names) and rest >= CONTRA_REST and dense >= CONTRA_DENSE:
        found.verdict = CONTRADICTED
        found.notes = [f"the article says “{f.text}”, not “{c.text}”" for c, f in differ] + [f"the article names “{p}”, not “{q}”" for p, q in names]
        return found
    absent = [claim.words[t] for t in claim.weights if t not in covered] + [f.text for f in missing + [c for c, _ in differ]]
    if not missing and not differ and ((dense >= SUPPORT_DENSE and cover >= SUPPORT_COVER) or (dense >= LOOSE_DENSE and cover >= LOOSE_COVER)):
        found.verdict = SUPPORTED
        found.notes = ["the passage states this in other words"] + [f"“{f.text}” matches" for f in matched]
    elif dense >= PARTLY_DENSE and cover >= PARTLY_COVER and (matched or not claim.figures):
        found.verdict = PARTLY
        found.notes = ["not in this passage: " + ", ".join(f"“{w}”" for w in dict.fromkeys(absent))] if absent else ["the passage only says part of this"]
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
    """The sentences of the articles kept (None: all) most similar to the query by meaning or by words."""
    allowed = None if keep is None else np.fromiter((s.doc_id in keep for s in index.sentences), dtype=bool, count=len(index.sentences))
    lexical = index.sentence_lexical.scores(query)
    ranked = dense if allowed is None else np.where(allowed, dense, -np.inf)
    by_dense = np.argsort(-ranked, kind="stable")[:n if allowed is None else min(n, int(allowed.sum()))]
    by_words = [i for i, _ in index.sentence_lexical.search(query, n, allowed)] if lexical.any() else []
    return list(dict.fromkeys([int(i) for i in by_dense] + by_words))


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
    query = " ".join((text or "").split())
    if not query:
        raise BadInputError("The quote or claim is empty; paste a sentence from an article, or a claim to check.")
    if len(query) > limit:
        raise BadInputError(f"The quote or claim is {len(query):,} characters long; keep it under {limit:,}.")
    return query


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
    claim = _claim(index, query)
    candidates = _candidates(index, query, dense, keep)
    singles = {sid: _claim_match(index, claim, [sid], float(dense[sid])) for sid in candidates}
    found += singles.values()
    for sid in candidates:
        quoted = _quote_match(index, query, sid)
        if quoted:
            found.append(quoted)
        for sids in _windows(index, sid)[1:]:
            if not any(singles.get(i) and singles[i].verdict in (SUPPORTED, CONTRADICTED) for i in sids):
                pair = _claim_match(index, claim, sids, float(max(dense[i] for i in sids)) - 0.03)
                pair.score -= 0.05
                found.append(pair)
    ranked = _rank(found, k)
    matches = []
    for f in ranked:
        doc = index.docs[f.doc_id]
        note = f.note or "; ".join(f.notes) or ("the nearest passage; it does not state this" if f.verdict == NOT_FOUND else "")
        matches.append(Match(f.doc_id, doc.title, f.start, f.end, doc.text[f.start:f.end], max(0.0, min(1.0, f.score)), f.verdict,
                             note, _context(index, f.doc_id, f.start, f.end)))
    return LookupResult(query, tuple(matches))

"""The grounding check of generated answers: the trained claim judge reads every sentence against the sentences it cites."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from qa.answer.conflicts import differing_figure, unstated_figure
from qa.answer.differences import lends_name, replaced
from qa.embed import Embedder
from qa.index import Index, common_stems
from qa.judge import Judge
from qa.text import QUESTION_WORDS, STOPWORDS, sentence_spans, stem, words
from qa.types import Sentence

# The judge's probability that the cited text supports a sentence, above which the sentence is kept ...
GROUNDED_AT = 0.5
# ... or, for a sentence that uses a word the cited text (and its article's title and outlet) does not, this probability: a
# model's answer that brings in a word of its own (a name, a term, a verb from the question) is kept only when the judge is
# sure (chosen on a hand-labelled audit of the external sets' dev halves, README "Grounding").
NEW_WORDS_GROUNDED_AT = 0.8
# Source sentences, closest first, read against each generated sentence (alone, and the first two together).
TRIES = 3
REFUSAL = "NOT IN SOURCES"

_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_MARKER_AFTER_END = re.compile(r"([.!?])((?:\s*\[\d+(?:\s*,\s*\d+)*\])+)")


class Shown(Protocol):
    """A numbered passage as the check needs it."""

    n: int
    sentence_ids: range


@dataclass(frozen=True)
class Checked:
    """One generated sentence and the verdict of the grounding check: the source sentence(s) that state it, or why none does."""

    text: str
    supported: bool
    reason: str
    source: Sentence | None = None
    also: Sentence | None = None


def _stems(text: str) -> set[str]:
    """The stems of a text's content words."""
    return {stem(w) for w in words(text) if w not in STOPWORDS}


# Words with which a model points at its sources ("according to the passage"): no claim of their own.
_ABOUT_SOURCES = frozenset({"according", "passage", "passages", "article", "articles", "source", "sources", "text", "context"})


def new_words(text: str, passage: str, sids: list[int], index: Index) -> list[str]:
    """The content words of a sentence (figures aside) that neither a passage nor the title and outlet of its articles use."""
    docs = [index.docs[doc_id] for doc_id in dict.fromkeys(index.sentences[i].doc_id for i in sids)]
    held = _stems(" ".join([passage, *(f"{d.title} {d.outlet}" for d in docs)]))
    return list(dict.fromkeys(w for w in words(text) if w not in STOPWORDS and w not in _ABOUT_SOURCES and not w[0].isdigit()
                              and stem(w) not in held))


def _window(index: Index, sid: int) -> str:
    """A source sentence with the one before it in its article (where "he" and "it" are named)."""
    sentence = index.sentences[sid]
    before = index.sentences[sid - 1] if sid and index.sentences[sid - 1].doc_id == sentence.doc_id else None
    return index.docs[sentence.doc_id].text[(before or sentence).start:sentence.end]


def check_sentence(text: str, shown: list[Shown], vector: np.ndarray, index: Index, judge: Judge, common: frozenset[str]) -> Checked:
    """Whether the passages' sentences closest to a generated one state it: one alone, one with the sentence before, or the two closest together.

    A bare answer (a name or figure without a verb) states nothing to judge; it must be quoted from the closest sentence. A
    reading that states one of the sentence's figures differently, names someone else where the sentence names someone it
    never names (`common`: the corpus's lower-case stems, which tell names from words), puts a word's opposite in place of one
    of its words, or has two of its names the other way round, does not support it, whatever the judge says; nor do two
    sentences where one of them, alone, says it of someone else.
    """
    ids = [i for p in shown for i in p.sentence_ids if not index.sentences[i].text.rstrip().endswith("?")]
    if not ids:
        return Checked(text, False, "cites no passage that states anything")
    mine = _stems(text)
    closeness = index.sentence_vectors[ids] @ vector + np.array([len(mine & _stems(index.sentences[i].text)) / max(len(mine), 1) for i in ids])
    best = [ids[k] for k in np.argsort(-closeness)[:TRIES]]
    if len(words(text)) <= 3:
        quoted = next((i for i in best if text.rstrip(".!? ").lower() in index.sentences[i].text.lower()), None)
        if quoted is None:
            return Checked(text, False, "a bare answer that the cited sentences do not quote", index.sentences[best[0]])
        return Checked(text, True, "", index.sentences[quoted])
    # Readings in order of preference: a sentence alone, then with the sentence before it, then the two closest together.
    readings = [(i, None, index.sentences[i].text) for i in best]
    readings += [(i, i - 1, window) for i in best if (window := _window(index, i)) != index.sentences[i].text]
    if len(best) > 1:
        a, b = sorted(best[:2])
        readings.append((a, b, f"{index.sentences[a].text} {index.sentences[b].text}"))
    verdicts = judge.judge([(text, passage) for _, _, passage in readings])
    differing = [differing_figure(text, passage) for _, _, passage in readings]
    swapped = [replaced(index, text, passage, common, ("name", "opposite", "role")) for _, _, passage in readings]
    unstated = [unstated_figure(text, passage) for _, _, passage in readings]
    # Two sentences do not state it together where one of them, read alone, says it of someone else (the other lending the name).
    alone = {first: (passage, v) for (first, second, passage), v in zip(readings, verdicts) if second is None}
    lent = [lends_name(index, text, [i for i in (first, second) if i is not None], alone, common) for first, second, _ in readings]
    plausible = [k for k, v in enumerate(verdicts)
                 if v.supports >= GROUNDED_AT and not differing[k] and not swapped[k] and not unstated[k] and not lent[k]]
    added = {k: new_words(text, readings[k][2], [i for i in readings[k][:2] if i is not None], index) for k in plausible}
    k = next((k for k in plausible if not added[k] or verdicts[k].supports >= NEW_WORDS_GROUNDED_AT), None)
    if k is not None:
        first, second, _ = readings[k]
        return Checked(text, True, "", index.sentences[first], index.sentences[second] if second is not None else None)
    if plausible:
        unsure = plausible[0]
        said = ", ".join(f"“{w}”" for w in added[unsure][:4])
        return Checked(text, False, f"uses words the cited sentence does not ({said}; judge: supported {verdicts[unsure].supports:.2f})",
                       index.sentences[readings[unsure][0]])
    changed = next((d for d in differing if d), None)
    if changed:
        return Checked(text, False, f"the cited sentence says “{changed[1].text}”, not “{changed[0].text}”", index.sentences[best[0]])
    if all(unstated) and not any(swapped):
        return Checked(text, False, f"the cited sentences do not state “{unstated[0].text}”", index.sentences[best[0]])
    renamed = next((notes for notes in swapped if notes), None)
    if renamed:
        return Checked(text, False, "; ".join(n.replace("the article ", "the cited sentence ", 1) for n in renamed), index.sentences[best[0]])
    top = max(verdicts, key=lambda v: v.supports)
    against = max(verdicts, key=lambda v: v.contradicts)
    reason = "the cited sentence says otherwise" if against.contradicts >= max(against.supports, against.unaddressed) else "not stated by the cited sentences"
    return Checked(text, False, f"{reason} (judge: supported {top.supports:.2f})", index.sentences[best[0]])


def split_reply(text: str) -> list[tuple[str, list[int]]]:
    """The reply's sentences, without markers, each with the passage numbers it cites; markers after a full stop belong before it."""
    text = _MARKER_AFTER_END.sub(lambda m: m.group(2) + m.group(1), text)
    out = []
    for s, e in sentence_spans(text):
        piece = text[s:e]
        cited = [int(n) for group in _MARKER.findall(piece) for n in re.split(r"\s*,\s*", group)]
        body = re.sub(r"\s+([.!?,;:])", r"\1", _MARKER.sub("", piece)).strip()
        if re.search(r"\w", body) and REFUSAL not in body.upper():
            out.append((body, cited))
    return out


def verify(text: str, shown: list[Shown], embedder: Embedder, index: Index, judge: Judge, question: str = "") -> list[Checked]:
    """Check every sentence against the passages it cites, then against all shown passages (models misnumber their citations).

    The citation of a kept sentence is the source sentence that states it, whichever number the model wrote. When no kept
    sentence or its source uses a content word of the question, the reply does not answer it and nothing is kept.
    """
    pieces = list(dict(split_reply(text)).items())
    by_n = {p.n: p for p in shown}
    encoded = embedder.encode([body for body, _ in pieces]) if pieces else np.zeros((0, 1))
    out = []
    common = common_stems(index)
    for (body, markers), vector in zip(pieces, encoded):
        cited = [by_n[n] for n in markers if n in by_n]
        verdict = check_sentence(body, cited, vector, index, judge, common)
        if not verdict.supported:
            verdict = check_sentence(body, shown, vector, index, judge, common)
        out.append(verdict)
    asked = {stem(w) for w in words(question) if w not in STOPWORDS and w not in QUESTION_WORDS}
    if asked and not any(c.supported and c.source and asked & {stem(w) for w in words(f"{c.text} {c.source.text}")} for c in out):
        out = [replace(c, supported=False, reason=c.reason or "does not answer the question (shares none of its words)") for c in out]
    return out

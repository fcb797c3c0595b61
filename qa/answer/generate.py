"""Generative answers: the model writes from numbered passages, then every sentence is checked against what it cites."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from qa.answer.spans import focus_words
from qa.embed import Embedder
from qa.index import Index
from qa.llm import Generator, Messages
from qa.text import STOPWORDS, sentence_spans, stem, words
from qa.types import Answer, Citation, Hit, Sentence

SYSTEM = (
    "You answer questions about news articles using only the numbered passages you are given. "
    "Write one to three short sentences in plain English. End every sentence with the number of the passage that states it, "
    "for example: The plant will have 40 turbines [2]. "
    "Copy numbers, names and dates exactly as the passage writes them. "
    "If the passages do not answer the question, reply exactly: NOT IN SOURCES"
)
REFUSAL = "NOT IN SOURCES"
MIN_SIMILARITY = 0.55
_MARKER = re.compile(r"\[(\d+)\]")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z]+")


@dataclass(frozen=True)
class Passage:
    """A numbered passage shown to the model: one retrieved chunk and its sentences."""

    n: int
    hit: Hit
    sentence_ids: range

    def sentences(self, index: Index) -> list[Sentence]:
        """The sentences of the passage."""
        return [index.sentences[i] for i in self.sentence_ids]


@dataclass(frozen=True)
class Checked:
    """One generated sentence and the verdict of the grounding check."""

    text: str
    supported: bool
    reason: str
    source: Sentence | None = None


def passages(index: Index, hits: list[Hit], limit: int = 5) -> list[Passage]:
    """The top chunks as numbered passages."""
    return [Passage(i, h, index.sentences_of(h.chunk.chunk_id)) for i, h in enumerate(hits[:limit], start=1)]


def prompt(index: Index, question: str, shown: list[Passage]) -> Messages:
    """The chat messages: instructions, passages with their article titles, the question."""
    blocks = []
    for p in shown:
        doc = index.docs[p.hit.chunk.doc_id]
        blocks.append(f"[{p.n}] ({doc.title}{', ' + doc.date if doc.date else ''})\n{p.hit.chunk.text.strip()}")
    user = "Passages:\n\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question}"
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def _facts(text: str, proper: set[str] = frozenset()) -> tuple[set[str], set[str]]:
    """The numbers and the names a sentence states; a sentence's first word counts when it is a known proper name."""
    numbers = {n.replace(",", "").rstrip(".") for n in re.findall(r"\d[\d,.]*\d|\d", text)}
    names = {m.group(0).lower() for m in _NAME.finditer(text) if m.group(0).lower() not in STOPWORDS}
    first = re.match(r"\s*([A-Z][a-zA-Z]+)", text)
    if first and first.group(1) in proper:
        names.add(first.group(1).lower())
    return numbers, names


def proper_names(text: str) -> set[str]:
    """Capitalised words that a text uses after a lower-case word: names, not sentence starts."""
    return set(re.findall(r"(?<=[a-z,;] )[A-Z][a-zA-Z]+", text))


def check_sentence(
    text: str, cited: list[Passage], vector: np.ndarray, index: Index, focus: set[str], proper: set[str],
) -> Checked:
    """The sentence of the cited passages closest in meaning must state the same numbers, names and asked-about terms."""
    if not cited:
        return Checked(text, False, "cites no passage")
    ids = [i for p in cited for i in p.sentence_ids]
    sims = index.sentence_vectors[ids] @ vector
    best, score = index.sentences[ids[int(np.argmax(sims))]], float(sims.max())
    numbers, names = _facts(text, proper)
    have_numbers, _ = _facts(best.text)
    low = best.text.lower()
    stems = {stem(w) for w in words(best.text)}
    asked = {w for w in words(text) if stem(w) in focus and stem(w) not in stems}
    missing = sorted(n for n in numbers if n not in have_numbers) + sorted(n for n in names if n not in low) + sorted(asked)
    if missing:
        return Checked(text, False, f"not in the cited sentence: {', '.join(missing)}", best)
    content = {stem(w) for w in words(text) if w not in STOPWORDS}
    overlap = len(content & stems) / max(len(content), 1)
    if score < MIN_SIMILARITY and overlap < 0.75:
        return Checked(text, False, f"meaning does not match the cited sentence (similarity {score:.2f})", best)
    return Checked(text, True, "", best)


def verify(text: str, shown: list[Passage], embedder: Embedder, index: Index, question: str = "") -> list[Checked]:
    """Check every sentence against the passages it cites (all shown passages when it cites none); markers to nothing count as none."""
    pieces = [text[s:e] for s, e in sentence_spans(text)]
    clean = [re.sub(r"\s*\[\d+\]", "", p).strip() for p in pieces]
    by_n = {p.n: p for p in shown}
    all_sentences = [s for p in shown for s in p.sentences(index)]
    encoded = embedder.encode([c or "." for c in clean]) if clean else np.zeros((0, 1))
    focus = {stem(w) for w in focus_words(question) if w not in STOPWORDS}
    proper = proper_names(" ".join(s.text for s in all_sentences))
    out = []
    for piece, body, vector in zip(pieces, clean, encoded):
        if not re.search(r"\w", body):
            continue
        markers = _MARKER.findall(piece)
        cited = [by_n[int(n)] for n in markers if int(n) in by_n]
        out.append(check_sentence(body, cited if markers else shown, vector, index, focus, proper))
    return out


def compose_generated(index: Index, question: str, checked: list[Checked], nearest: list[Sentence]) -> Answer:
    """An answer of the supported sentences, each cited to the exact sentence that supports it; abstain if none."""
    citations: list[Citation] = []
    parts = []
    for c in checked:
        if not c.supported or c.source is None:
            continue
        s = c.source
        n = next((x.n for x in citations if (x.doc_id, x.start) == (s.doc_id, s.start)), len(citations) + 1)
        if n > len(citations):
            citations.append(Citation(n, s.doc_id, index.docs[s.doc_id].title, s.start, s.end, s.text))
        body = c.text.rstrip()
        end = body[-1] if body[-1] in ".!?" else "."
        parts.append(f"{body.rstrip('.!?')} [{n}]{end}")
    dropped = [c for c in checked if not c.supported]
    evidence = {"sentences": float(len(checked)), "supported": float(len(parts)), "dropped": float(len(dropped))}
    if not parts:
        near = []
        for s in nearest[:2]:
            near.append(Citation(len(near) + 1, s.doc_id, index.docs[s.doc_id].title, s.start, s.end, s.text))
        text = "The sources don't say." + (" The closest passages are " + "".join(f"[{c.n}]" for c in near) + "." if near else "")
        return Answer(question, text, True, tuple(near), evidence=evidence)
    note = f" ({len(dropped)} generated sentence(s) removed: not supported by the cited passages.)" if dropped else ""
    return Answer(question, " ".join(parts) + note, False, tuple(citations), evidence=evidence)


def generate(
    index: Index, embedder: Embedder, generator: Generator, question: str, hits: list[Hit],
    on_token: Callable[[str], None] | None = None,
) -> Answer:
    """Ask the model from the top passages, stream its tokens, then keep only what the passages support."""
    shown = passages(index, hits)
    pieces: list[str] = []
    stream: Iterator[str] = generator.stream(prompt(index, question, shown))
    for piece in stream:
        pieces.append(piece)
        if on_token:
            on_token(piece)
    text = "".join(pieces).strip()
    nearest = [s for p in shown[:1] for s in p.sentences(index)[:2]]
    if not text or REFUSAL in text.upper():
        return compose_generated(index, question, [], nearest)
    return compose_generated(index, question, verify(text, shown, embedder, index, question), nearest)

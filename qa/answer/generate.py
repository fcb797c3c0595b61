"""Generative answers: the model writes from numbered passages, then every sentence is checked against what it cites."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from qa.answer.grounding import REFUSAL, Checked, verify
from qa.embed import Embedder
from qa.index import Index
from qa.judge import Judge
from qa.llm import Generator, Messages
from qa.types import Answer, Citation, Hit, Sentence

SYSTEM = (
    "You answer questions about news articles using only the numbered passages you are given. "
    "Write one to three short sentences in plain English. End every sentence with the number of the passage that states it, "
    "for example: The plant will have 40 turbines [2]. "
    "Copy numbers, names and dates exactly as the passage writes them. "
    "If the passages do not answer the question, reply exactly: NOT IN SOURCES"
)


@dataclass(frozen=True)
class Passage:
    """A numbered passage shown to the model: one retrieved chunk and its sentences."""

    n: int
    hit: Hit
    sentence_ids: range


def passages(index: Index, hits: list[Hit], limit: int = 5) -> list[Passage]:
    """The top chunks as numbered passages."""
    return [Passage(i, h, index.sentences_of(h.chunk.chunk_id)) for i, h in enumerate(hits[:limit], start=1)]


def prompt(index: Index, question: str, shown: list[Passage]) -> Messages:
    """The chat messages: instructions, passages with their article's title, outlet and date, the question."""
    blocks = []
    for p in shown:
        doc = index.docs[p.hit.chunk.doc_id]
        about = ", ".join(x for x in (doc.title, doc.outlet, doc.date) if x)
        blocks.append(f"[{p.n}] ({about})\n{p.hit.chunk.text.strip()}")
    user = "Passages:\n\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question}"
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def _cite(body: str, ns: list[int]) -> str:
    """A sentence with its markers before the final full stop; after a closing quote or an abbreviation, at the end."""
    marks = "".join(f"[{n}]" for n in ns)
    if re.search(r"[.!?][\"'”’)]$|\b(?:[A-Z]\.){2,}$", body):
        return f"{body} {marks}"
    end = body[-1] if body[-1] in ".!?" else "."
    return f"{body.rstrip('.!?')} {marks}{end}"


def compose_generated(index: Index, question: str, checked: list[Checked], nearest: list[Sentence]) -> Answer:
    """An answer of the supported sentences, each cited to the exact sentence that supports it; abstain if none."""
    citations: list[Citation] = []
    parts = []
    for c in checked:
        if not c.supported or c.source is None:
            continue
        marks = []
        for s in (c.source, c.also):
            if s is None:
                continue
            n = next((x.n for x in citations if (x.doc_id, x.start) == (s.doc_id, s.start)), len(citations) + 1)
            if n > len(citations):
                citations.append(Citation(n, s.doc_id, index.docs[s.doc_id].title, s.start, s.end, s.text))
            marks.append(n)
        parts.append(_cite(c.text.rstrip(), marks))
    dropped = [c for c in checked if not c.supported]
    evidence = {"sentences": float(len(checked)), "supported": float(len(parts)), "dropped": float(len(dropped))}
    if not parts:
        near = [Citation(n, s.doc_id, index.docs[s.doc_id].title, s.start, s.end, s.text) for n, s in enumerate(nearest[:2], start=1)]
        text = "The sources don't say." + (" The closest passages are " + "".join(f"[{c.n}]" for c in near) + "." if near else "")
        return Answer(question, text, True, tuple(near), evidence=evidence)
    return Answer(question, " ".join(parts), False, tuple(citations), removed=len(dropped), evidence=evidence)


def generate(
    index: Index, embedder: Embedder, judge: Judge, generator: Generator, question: str, hits: list[Hit], vector: np.ndarray,
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
    ids = [i for p in shown for i in p.sentence_ids]
    nearest = [index.sentences[ids[i]] for i in np.argsort(-(index.sentence_vectors[ids] @ vector))[:2]] if ids else []
    if re.sub(r"\W", "", text.upper()) in ("", REFUSAL.replace(" ", "")):
        return compose_generated(index, question, [], nearest)
    return compose_generated(index, question, verify(text, shown, embedder, index, judge, question), nearest)

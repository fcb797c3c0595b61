"""The nouns of the system: frozen dataclasses shared by every stage."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    """One article as the corpus loader reads it; offsets point into `text`."""

    doc_id: str
    text: str
    title: str
    path: str = ""
    outlet: str = ""
    author: str = ""
    date: str = ""
    url: str = ""

    def meta(self) -> dict[str, str]:
        """The article's metadata without its text."""
        return {k: v for k, v in asdict(self).items() if k != "text"}


@dataclass(frozen=True)
class Chunk:
    """A retrievable span of one document."""

    chunk_id: int
    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Sentence:
    """A sentence of one document, the unit an answer quotes."""

    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Hit:
    """A chunk found for a query, with its fused score and component ranks."""

    chunk: Chunk
    score: float
    lexical_rank: int | None = None
    dense_rank: int | None = None


@dataclass(frozen=True)
class Citation:
    """A pointer to the exact text that supports a claim: text[start:end] == quote."""

    n: int
    doc_id: str
    title: str
    start: int
    end: int
    quote: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the contract."""
        return asdict(self)


@dataclass(frozen=True)
class Claim:
    """One side of a disagreement: what a source states, and where."""

    text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class Conflict:
    """Sources that state different figures for the same thing."""

    about: str
    claims: tuple[Claim, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the contract."""
        return {"about": self.about, "claims": [{"text": c.text, "citations": list(c.citations)} for c in self.claims]}


@dataclass(frozen=True)
class Answer:
    """An answer whose every marker [n] has a citation, and whose every citation is used."""

    question: str
    answer: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    searched: str = ""
    short: str = ""
    note: str = ""
    removed: int = 0
    evidence: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the contract."""
        out: dict[str, Any] = {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "conflicts": [c.to_dict() for c in self.conflicts],
        }
        if self.searched and self.searched != self.question:
            out["searched"] = self.searched
        if self.short:
            out["short_answer"] = self.short
        if self.note:
            out["note"] = self.note
        if self.removed:
            out["removed_sentences"] = self.removed
        return out

"""Chunks and sentences carry exact offsets into the article text."""

from __future__ import annotations

from qa.chunk import chunk_document, split_sentences
from qa.config import REPO_ROOT
from qa.corpus import load_corpus
from qa.text import key_terms, sentence_spans, stem, terms
from qa.types import Document


def test_chunk_and_sentence_offsets_are_exact_on_the_default_corpus() -> None:
    docs, _ = load_corpus(REPO_ROOT / "corpus")
    for doc in docs:
        chunks = chunk_document(doc, 600, 120)
        assert chunks and all(doc.text[c.start:c.end] == c.text for c in chunks)
        assert all(len(c.text) <= 600 for c in chunks)
        covered = set()
        for c in chunks:
            covered.update(range(c.start, c.end))
        assert all(i in covered for i, ch in enumerate(doc.text) if not ch.isspace())
        sentences = split_sentences(doc)
        assert all(doc.text[s.start:s.end] == s.text for s in sentences)


def test_sentence_splitting_respects_abbreviations_and_decimals() -> None:
    text = "The U.S. and Japan agreed. Funding is ¥387.3 billion for FY2026. Mr. Son spoke on Jan. 5! Is it enough?\n• Next point"
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert got == ["The U.S. and Japan agreed.", "Funding is ¥387.3 billion for FY2026.", "Mr. Son spoke on Jan. 5!", "Is it enough?", "Next point"]


def test_terms_stem_and_spell_out_currency() -> None:
    assert terms("Companies began funding ¥1 trillion") == ["compani", "begin", "fund", "yen", "1", "trillion"]
    assert stem("began") == stem("begin")
    assert key_terms("How much is allocated for the first fiscal year?") == ["alloc", "first", "fiscal", "year"]


def test_chunking_is_pure_and_numbered() -> None:
    doc = Document("d", "One sentence here. " * 100, "T")
    first = chunk_document(doc, 200, 40, first_id=7)
    assert first == chunk_document(doc, 200, 40, first_id=7)
    assert [c.chunk_id for c in first] == list(range(7, 7 + len(first)))

"""Documents to chunks and sentences, pure, each with its character offsets into the article."""

from __future__ import annotations

from collections.abc import Iterable

from qa.text import sentence_spans
from qa.types import Chunk, Document, Sentence


def chunk_document(doc: Document, chunk_size: int, chunk_overlap: int, first_id: int = 0) -> list[Chunk]:
    """Split one document into overlapping chunks whose offsets satisfy text[start:end] == chunk.text."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter  # 0.3 s to import: only an index build needs it

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
        keep_separator="end",
        add_start_index=True,
    )
    chunks = []
    for piece in splitter.create_documents([doc.text]):
        start = int(piece.metadata["start_index"])
        text = piece.page_content
        if doc.text[start:start + len(text)] != text:
            start = doc.text.find(text)
        if start < 0 or not text.strip():
            continue
        chunks.append(Chunk(first_id + len(chunks), doc.doc_id, start, start + len(text), text))
    return chunks


def chunk_documents(docs: Iterable[Document], chunk_size: int, chunk_overlap: int) -> list[Chunk]:
    """Chunks of many documents, numbered in order."""
    out: list[Chunk] = []
    for doc in docs:
        out.extend(chunk_document(doc, chunk_size, chunk_overlap, first_id=len(out)))
    return out


def split_sentences(doc: Document) -> list[Sentence]:
    """The sentences of one document with their offsets."""
    return [Sentence(doc.doc_id, s, e, doc.text[s:e]) for s, e in sentence_spans(doc.text)]

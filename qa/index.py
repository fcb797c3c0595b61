"""The index on disk: documents, chunks, sentences, vectors, FAISS and lexical indexes, and a manifest.

Each build writes a new generation of files and then swaps the manifest atomically, so a build that is
killed half way leaves the previous index working. Per-article embeddings are cached as they are made,
so a killed build resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import numpy as np

from qa.chunk import chunk_document, split_sentences
from qa.config import Settings
from qa.copies import also_in, find_copies, searchable
from qa.corpus import Skipped, content_hash, load_corpus
from qa.embed import Embedder
from qa.errors import BadInputError, IndexCorruptError, IndexMismatchError, IndexMissingError
from qa.lexical import LexicalIndex
from qa.text import name_forms, stem
from qa.types import Chunk, Document, Sentence

FORMAT = 1
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class BuildProgress:
    """Where a build stands: its stage, the share done, articles and texts embedded of those to embed, seconds spent embedding."""

    stage: str
    share: float
    articles: tuple[int, int] = (0, 0)
    texts: tuple[int, int] = (0, 0)
    seconds: float = 0.0

    def line(self) -> str:
        """One line for a person waiting: "embedding: 3/5 articles, 120/480 texts, 35.2 texts/s, about 10 s left"."""
        if not self.texts[1]:
            return self.stage
        rate = self.texts[0] / self.seconds if self.seconds > 0 else 0.0
        left = f"about {(self.texts[1] - self.texts[0]) / rate:.0f} s left" if rate > 0 and self.share < 1 else "done" if self.share >= 1 else "starting"
        return (f"{self.stage}: {self.articles[0]}/{self.articles[1]} articles, {self.texts[0]}/{self.texts[1]} texts, "
                f"{rate:.1f} texts/s, {left}")


Reporter = Callable[[BuildProgress], None]


@dataclass
class BuildReport:
    """What an index build did."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    embedded_texts: int = 0
    chunks: int = 0
    sentences: int = 0
    seconds: float = 0.0

    @property
    def touched(self) -> bool:
        """True when the build wrote a new generation."""
        return bool(self.added or self.changed or self.removed)


def sha256_file(path: Path) -> str:
    """The sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old or the new content, never half."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The manifest of an index folder, or None where there is none."""
    path = index_dir / MANIFEST
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"The index manifest {path} is damaged ({exc}); run `qa index --rebuild`.") from exc


def check_compatible(manifest: dict[str, Any], settings: Settings, model: str, index_dir: Path) -> None:
    """Refuse an index built with another format, model or chunk settings."""
    fix = f"run `qa index --rebuild --index {index_dir}` to rebuild it"
    if manifest.get("format") != FORMAT:
        raise IndexMismatchError(f"The index in {index_dir} has format {manifest.get('format')}, this version reads {FORMAT}; {fix}.")
    if manifest.get("model") != model:
        raise IndexMismatchError(f"The index in {index_dir} was built with the model {manifest.get('model')}, not {model}; {fix}.")
    for key, value in settings.chunk_settings().items():
        if manifest.get("chunking", {}).get(key) != value:
            raise IndexMismatchError(f"The index in {index_dir} was built with {key}={manifest.get('chunking', {}).get(key)}, not {value}; {fix}.")


@dataclass(eq=False)
class Index:
    """A loaded index: everything retrieval and answering read."""

    manifest: dict[str, Any]
    docs: dict[str, Document]
    chunks: list[Chunk]
    sentences: list[Sentence]
    chunk_sentences: list[tuple[int, int]]
    chunk_vectors: np.ndarray
    sentence_vectors: np.ndarray
    lexical: LexicalIndex
    sentence_lexical: LexicalIndex
    dense: Any

    @property
    def model(self) -> str:
        """The embedding model the index was built with."""
        return str(self.manifest["model"])

    @property
    def copies(self) -> dict[str, list[str]]:
        """Each group of copies found at build time: {the article cited: [its copies]}."""
        return dict(self.manifest.get("copies", {}))

    @property
    def duplicates(self) -> dict[str, list[str]]:
        """For every article that has copies (or is one), the other articles with the same text."""
        return also_in(self.copies)

    def searchable(self, doc_ids: Iterable[str] | None = None) -> list[str] | None:
        """The articles to search, of those asked for (None: all): one per group of copies; None when that is all of them. An id
        the index does not hold is refused with a BadInputError."""
        wanted = None if doc_ids is None else list(doc_ids)
        unknown = [d for d in wanted or () if d not in self.docs]
        if unknown:
            raise BadInputError(f"Unknown article id(s): {', '.join(unknown)}; an article's id is its file name without the extension, "
                                "as its citations show it.")
        return searchable(self.copies, self.docs, wanted)

    def sentences_of(self, chunk_id: int) -> range:
        """The ids of the sentences that overlap a chunk."""
        lo, hi = self.chunk_sentences[chunk_id]
        return range(lo, hi)

    def doc_mask(self, doc_ids: Iterable[str] | None) -> np.ndarray | None:
        """A boolean mask over chunks restricted to some articles, or None for all."""
        if doc_ids is None:
            return None
        wanted = set(doc_ids)
        return np.fromiter((c.doc_id in wanted for c in self.chunks), dtype=bool, count=len(self.chunks))


def _faiss_index(vectors: np.ndarray, approximate_from: int = 50_000) -> Any:
    """An inner-product FAISS index over unit vectors: exact, or HNSW from `approximate_from` vectors on (docs/speed.md)."""
    import faiss

    if len(vectors) >= approximate_from:
        index = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = 256
    else:
        index = faiss.IndexFlatIP(vectors.shape[1])
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def _files(gen: str) -> dict[str, str]:
    """The file names of one generation, by role."""
    names = {"docs": "docs.jsonl", "chunks": "chunks.jsonl", "sentences": "sentences.jsonl",
             "chunk_vectors": "chunk_vectors.npy", "sentence_vectors": "sentence_vectors.npy", "chunk_faiss": "chunks.faiss"}
    return {role: f"{gen}.{name}" for role, name in names.items()}


def load_index(index_dir: Path, settings: Settings, model: str, verify: bool = True) -> Index:
    """Load the index, refusing one that is missing, built differently or damaged."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        raise IndexMissingError(f"There is no index in {index_dir}; run `qa index` to build it.")
    check_compatible(manifest, settings, model, index_dir)
    gen = manifest["generation"]
    fix = "run `qa index --rebuild` to rebuild it"
    try:
        if verify:
            for name, digest in manifest["files"].items():
                if sha256_file(index_dir / name) != digest:
                    raise IndexCorruptError(f"The index file {index_dir / name} does not match its manifest (damaged or edited); {fix}.")
        names = _files(gen)
        docs = {}
        for line in (index_dir / names["docs"]).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            docs[row["doc_id"]] = Document(**row)
        chunks, spans = [], []
        for i, line in enumerate((index_dir / names["chunks"]).read_text(encoding="utf-8").splitlines()):
            row = json.loads(line)
            text = docs[row["doc_id"]].text[row["start"]:row["end"]]
            chunks.append(Chunk(i, row["doc_id"], row["start"], row["end"], text))
            spans.append(tuple(row["sentences"]))
        sentences = []
        for line in (index_dir / names["sentences"]).read_text(encoding="utf-8").splitlines():
            doc_id, start, end = json.loads(line)
            sentences.append(Sentence(doc_id, start, end, docs[doc_id].text[start:end]))
        chunk_vectors = np.load(index_dir / names["chunk_vectors"], allow_pickle=False)
        sentence_vectors = np.load(index_dir / names["sentence_vectors"], allow_pickle=False)
        import faiss

        dense = faiss.read_index(str(index_dir / names["chunk_faiss"]))
    except IndexCorruptError:
        raise
    except FileNotFoundError as exc:
        raise IndexCorruptError(f"The index file {exc.filename} is missing; {fix}.") from exc
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"The index in {index_dir} cannot be read ({exc}); {fix}.") from exc
    if len(chunk_vectors) != len(chunks) or len(sentence_vectors) != len(sentences) or dense.ntotal != len(chunks):
        raise IndexCorruptError(f"The index in {index_dir} is inconsistent (vector and passage counts differ); {fix}.")
    lexical = LexicalIndex.build([c.text for c in chunks])
    sentence_lexical = LexicalIndex.build([s.text for s in sentences])
    return Index(manifest, docs, chunks, sentences, spans, chunk_vectors, sentence_vectors, lexical, sentence_lexical, dense)


def _passages(doc: Document, settings: Settings) -> tuple[list[Chunk], list[Sentence], list[tuple[int, int]]]:
    """Chunks and sentences of one document, and the sentence range of each chunk (relative)."""
    chunks = chunk_document(doc, settings.chunk_size, settings.chunk_overlap)
    sentences = split_sentences(doc)
    starts = [s.start for s in sentences]
    ends = [s.end for s in sentences]
    ranges = [(bisect_right(ends, c.start), bisect_left(starts, c.end)) for c in chunks]
    return chunks, sentences, ranges


def _embed_texts(doc: Document, chunks: list[Chunk], sentences: list[Sentence]) -> list[str]:
    """What gets embedded for one document: chunks under the article title, then sentences."""
    head = f"{doc.title}\n" if doc.title else ""
    return [head + c.text for c in chunks] + [s.text for s in sentences]


class _Cache:
    """Per-article embeddings saved as they are made, so an interrupted build resumes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, digest: str) -> Path:
        """Where one article's vectors live."""
        return self.folder / f"{digest}.npy"

    def get(self, digest: str, rows: int, dim: int) -> np.ndarray | None:
        """Cached vectors of an article, if intact."""
        try:
            vectors = np.load(self.path(digest), allow_pickle=False)
        except (OSError, ValueError):
            return None
        return vectors if vectors.shape == (rows, dim) else None

    def put(self, digest: str, vectors: np.ndarray) -> None:
        """Save one article's vectors atomically."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{digest}.{os.getpid()}.npy"
        np.save(tmp, vectors)
        tmp.replace(self.path(digest))

    def clear(self) -> None:
        """Drop every cached article."""
        for path in self.folder.glob("*.npy"):
            path.unlink(missing_ok=True)


def _previous(index_dir: Path, manifest: dict[str, Any] | None, settings: Settings, model: str) -> Index | None:
    """The current index, to reuse the vectors of unchanged articles."""
    if manifest is None:
        return None
    try:
        return load_index(index_dir, settings, model)
    except IndexCorruptError:
        return None


def _readable_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The manifest, or None where it is missing or damaged: a rebuild replaces it."""
    try:
        return read_manifest(index_dir)
    except IndexCorruptError:
        return None


def build_index(
    settings: Settings,
    embedder: Embedder,
    rebuild: bool = False,
    report: Reporter | None = None,
) -> BuildReport:
    """Bring the index in line with the corpus, embedding only new and changed articles."""
    from filelock import FileLock

    index_dir = settings.index_dir
    index_dir.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    with FileLock(str(index_dir / ".lock")):
        docs, skipped = load_corpus(settings.corpus_dir, settings.max_article_bytes)
        manifest = _readable_manifest(index_dir) if rebuild else read_manifest(index_dir)
        if manifest is not None and not rebuild:
            check_compatible(manifest, settings, embedder.name, index_dir)
        old = None if rebuild else _previous(index_dir, manifest, settings, embedder.name)
        old_hashes = {k: v["hash"] for k, v in (old.manifest["documents"].items() if old else [])}
        result = BuildReport(skipped=skipped)
        for doc in docs:
            status = "unchanged" if old_hashes.get(doc.doc_id) == content_hash(doc) else "changed" if doc.doc_id in old_hashes else "added"
            getattr(result, status).append(doc.doc_id)
        result.removed = sorted(set(old_hashes) - {d.doc_id for d in docs})
        if not result.touched and old is not None:
            result.chunks, result.sentences = len(old.chunks), len(old.sentences)
            result.seconds = time.perf_counter() - began
            return result
        _write_generation(settings, embedder, docs, old, result, report)
        result.seconds = time.perf_counter() - began
        return result


def _old_vectors(old: Index) -> dict[str, np.ndarray]:
    """The chunk and sentence vectors of each article in the previous index, stacked in that order."""
    rows_c: dict[str, list[int]] = {}
    rows_s: dict[str, list[int]] = {}
    for i, c in enumerate(old.chunks):
        rows_c.setdefault(c.doc_id, []).append(i)
    for i, s in enumerate(old.sentences):
        rows_s.setdefault(s.doc_id, []).append(i)
    return {d: np.vstack([old.chunk_vectors[rows_c.get(d, [])], old.sentence_vectors[rows_s.get(d, [])]]) for d in old.docs}


def _write_generation(
    settings: Settings, embedder: Embedder, docs: list[Document], old: Index | None, result: BuildReport, report: Reporter | None
) -> None:
    """Embed what changed, write a new generation of files, then swap the manifest."""
    index_dir = settings.index_dir
    cache = _Cache(index_dir / "cache")
    parts = {d.doc_id: _passages(d, settings) for d in docs}
    hashes = {d.doc_id: content_hash(d) for d in docs}
    previous = _old_vectors(old) if old is not None else {}
    vectors = {doc_id: previous[doc_id] for doc_id in result.unchanged}
    todo = []
    for doc in docs:
        if doc.doc_id in vectors:
            continue
        chunks, sentences, _ = parts[doc.doc_id]
        cached = cache.get(hashes[doc.doc_id], len(chunks) + len(sentences), embedder.dim)
        if cached is not None:
            vectors[doc.doc_id] = cached
        else:
            todo.append(doc)
    ends = list(accumulate(len(parts[d.doc_id][0]) + len(parts[d.doc_id][1]) for d in todo))
    total = ends[-1] if ends else 0
    began = time.perf_counter()

    def tell(stage: str, texts: int) -> None:
        if report:
            report(BuildProgress(stage, texts / max(total, 1) if stage == "embedding" else 1.0, (bisect_right(ends, texts), len(todo)),
                                 (texts, total), time.perf_counter() - began))

    done = 0
    batch: list[Document] = []
    for i, doc in enumerate(todo):
        batch.append(doc)
        size = sum(len(parts[d.doc_id][0]) + len(parts[d.doc_id][1]) for d in batch)
        if size < 256 and i < len(todo) - 1:
            continue
        texts = [t for d in batch for t in _embed_texts(d, *parts[d.doc_id][:2])]
        encoded = embedder.encode(texts, progress=lambda n, _t, base=done: tell("embedding", base + n))
        offset = 0
        for d in batch:
            rows = len(parts[d.doc_id][0]) + len(parts[d.doc_id][1])
            vectors[d.doc_id] = encoded[offset:offset + rows]
            cache.put(hashes[d.doc_id], vectors[d.doc_id])
            offset += rows
        done += len(texts)
        batch = []
    result.embedded_texts = done
    tell("writing the index", done)
    _write_files(index_dir, settings, embedder, docs, parts, hashes, vectors, result)
    cache.clear()


def _write_files(
    index_dir: Path,
    settings: Settings,
    embedder: Embedder,
    docs: list[Document],
    parts: dict[str, tuple[list[Chunk], list[Sentence], list[tuple[int, int]]]],
    hashes: dict[str, str],
    vectors: dict[str, np.ndarray],
    result: BuildReport,
) -> None:
    """Write one generation's files and swap the manifest in last."""
    import faiss

    manifest = _readable_manifest(index_dir)
    previous_gen = manifest.get("generation") if manifest else None
    gen = f"g{int(time.time() * 1000):013d}"
    names = _files(gen)
    chunk_rows, sentence_rows, chunk_vecs, sentence_vecs = [], [], [], []
    n_sentences = 0
    for doc in docs:
        chunks, sentences, ranges = parts[doc.doc_id]
        vecs = vectors[doc.doc_id]
        for chunk, (lo, hi) in zip(chunks, ranges):
            chunk_rows.append({"doc_id": doc.doc_id, "start": chunk.start, "end": chunk.end, "sentences": [n_sentences + lo, n_sentences + hi]})
        sentence_rows.extend([s.doc_id, s.start, s.end] for s in sentences)
        chunk_vecs.append(vecs[:len(chunks)])
        sentence_vecs.append(vecs[len(chunks):])
        n_sentences += len(sentences)
    chunk_matrix = np.vstack(chunk_vecs).astype(np.float32)
    sentence_matrix = np.vstack(sentence_vecs).astype(np.float32)

    def jsonl(rows: Iterable[Any]) -> bytes:
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")

    write_atomic(index_dir / names["docs"], jsonl(asdict(d) for d in docs))
    write_atomic(index_dir / names["chunks"], jsonl(chunk_rows))
    write_atomic(index_dir / names["sentences"], jsonl(sentence_rows))
    for key, matrix in (("chunk_vectors", chunk_matrix), ("sentence_vectors", sentence_matrix)):
        tmp = index_dir / f".{names[key]}.tmp.npy"
        np.save(tmp, matrix)
        tmp.replace(index_dir / names[key])
    tmp = index_dir / f".{names['chunk_faiss']}.tmp"
    faiss.write_index(_faiss_index(chunk_matrix), str(tmp))
    tmp.replace(index_dir / names["chunk_faiss"])
    new_manifest = {
        "format": FORMAT,
        "model": embedder.name,
        "dim": int(chunk_matrix.shape[1]),
        "chunking": settings.chunk_settings(),
        "generation": gen,
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "counts": {"documents": len(docs), "chunks": len(chunk_rows), "sentences": len(sentence_rows)},
        "documents": {d.doc_id: {"hash": hashes[d.doc_id], "title": d.title, "date": d.date, "outlet": d.outlet,
                                 "chunks": len(parts[d.doc_id][0])} for d in docs},
        "files": {name: sha256_file(index_dir / name) for name in names.values()},
        "copies": find_copies(docs),
    }
    write_atomic(index_dir / MANIFEST, json.dumps(new_manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    result.chunks, result.sentences = len(chunk_rows), len(sentence_rows)
    keep = {gen, previous_gen}
    for path in index_dir.glob("g*.*"):
        if path.name.split(".")[0] not in keep:
            path.unlink(missing_ok=True)


@lru_cache(maxsize=8)
def article_name_forms(index: Index) -> dict[str, frozenset[str]]:
    """The name forms of every word each article writes, its title included: what an article names."""
    return {doc_id: frozenset(name_forms(f"{doc.title}\n{doc.text}")) for doc_id, doc in index.docs.items()}


@lru_cache(maxsize=8)
def name_form_articles(index: Index) -> dict[str, frozenset[str]]:
    """The articles that write each name form, in their text, title or outlet: where a question's names are looked up."""
    where: dict[str, set[str]] = {}
    for doc_id, forms in article_name_forms(index).items():
        for form in forms | name_forms(index.docs[doc_id].outlet):
            where.setdefault(form, set()).add(doc_id)
    return {form: frozenset(docs) for form, docs in where.items()}


@lru_cache(maxsize=8)
def outlet_name_forms(index: Index) -> frozenset[str]:
    """The name forms of the words of the corpus's outlets' names."""
    return frozenset(name_forms(" ".join(doc.outlet for doc in index.docs.values())))


@lru_cache(maxsize=8)
def corpus_name_forms(index: Index) -> frozenset[str]:
    """The name forms of every word the corpus writes, its outlets' names included: what a question's names are looked for in."""
    return outlet_name_forms(index).union(*article_name_forms(index).values())


@lru_cache(maxsize=8)
def corpus_names(index: Index) -> tuple[str, ...]:
    """Every capitalised word the corpus writes, lower-cased: what a misspelt name of a question ('Hatmanis') is matched against."""
    return tuple(sorted({m.group().lower() for doc in index.docs.values() for m in re.finditer(r"(?<![\w'’])[A-Z][\w'’-]+", doc.text)}))


@lru_cache(maxsize=8)
def common_stems(index: Index) -> frozenset[str]:
    """Stems the corpus writes in lower case somewhere: ordinary words, not names."""
    # Web and mail addresses ('https://www.noetra.co.jp/…') are not prose: a name written in one is still a name.
    return frozenset(stem(m.group(0)) for doc in index.docs.values()
                     for m in re.finditer(r"(?<![\w'’])[a-z]+", re.sub(r"\S*(?:://|www\.|@)\S*", " ", doc.text)))

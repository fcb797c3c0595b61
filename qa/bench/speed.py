"""Speed and scale on this machine: build throughput against raw encoding, warm latency by stage, cold start, FAISS.

`qa bench speed` measures at the default corpus, at ~1,000 articles (SQuAD paragraphs and MultiHop-RAG
articles) and at 100k chunks (that corpus replicated: real BM25 over repeated text, random unit vectors
for the copies' dense side), sweeps exact FAISS search against an approximate index, and writes docs/speed.md.
Every figure is the median over `repeat` runs; the load average is recorded beside it.
"""

from __future__ import annotations

import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from qa.answer.compose import Judgement, compose
from qa.bench import datasets as ds
from qa.bench.quality import engines
from qa.bench.report import code_version, replace_section
from qa.config import REPO_ROOT, Settings
from qa.corpus import load_corpus
from qa.embed import Embedder, default_embedder
from qa.index import Index, _embed_texts, _faiss_index, _passages
from qa.lexical import LexicalIndex
from qa.pipeline import Engine, read_parts
from qa.reader import shared_reader
from qa.retrieve import dense_search, hybrid_search
from qa.types import Chunk, Document

STAGES = ("embed query", "lexical", "dense", "retrieve (hybrid)", "reader", "compose", "total")
EVAL_DEV = REPO_ROOT.parent / "shared" / "eval" / "dev.jsonl"
K = 10


def _log(message: str) -> None:
    """Progress on stderr."""
    print(message, file=sys.stderr, flush=True)


def load() -> str:
    """The 1, 5 and 15 minute load averages of this machine."""
    return " / ".join(f"{v:.1f}" for v in os.getloadavg())


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: Sequence[float], q: float) -> float:
    """The q-th percentile of some values."""
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def ms(seconds: float) -> str:
    """Seconds as milliseconds for a table."""
    return f"{seconds * 1000:.1f}"


@dataclass
class Report:
    """The sections of the speed report, in order, each a Markdown table with its notes."""

    sections: list[str] = field(default_factory=list)

    def add(self, title: str, head: Sequence[str], rows: Sequence[Sequence[str]], notes: str = "") -> None:
        """Append one table and print it."""
        lines = [f"### {title}", "", "| " + " | ".join(head) + " |", "|---|" + "--:|" * (len(head) - 1)]
        lines += ["| " + " | ".join(map(str, r)) + " |" for r in rows]
        text = "\n".join(lines) + (f"\n\n{notes}" if notes else "")
        self.sections.append(text)
        print(text + "\n", flush=True)


# Build throughput ----------------------------------------------------------------------------------------


def embed_texts(settings: Settings) -> tuple[list[str], int]:
    """The texts an index build embeds for a corpus (chunks under titles, then sentences), and the chunk count."""
    docs, _ = load_corpus(settings.corpus_dir, settings.max_article_bytes)
    texts, chunks = [], 0
    for doc in docs:
        doc_chunks, sentences, _ = _passages(doc, settings)
        texts += _embed_texts(doc, doc_chunks, sentences)
        chunks += len(doc_chunks)
    return texts, chunks


def build_throughput(report: Report, corpora: dict[str, Path], work: Path, embedder: Embedder, repeat: int) -> None:
    """A full rebuild of each corpus against encoding the same texts directly, median of `repeat` runs each."""
    rows = []
    for label, corpus in corpora.items():
        settings = replace(Settings(), corpus_dir=corpus, index_dir=work / "throughput-index")
        texts, chunks = embed_texts(settings)
        builds, raws = [], []
        for _ in range(repeat):
            shutil.rmtree(settings.index_dir, ignore_errors=True)
            began = time.perf_counter()
            Engine(settings, embedder).build(rebuild=True)
            builds.append(time.perf_counter() - began)
            began = time.perf_counter()
            embedder.encode(texts)
            raws.append(time.perf_counter() - began)
        build, raw = statistics.median(builds), statistics.median(raws)
        rows.append([label, f"{len(texts):,}", f"{chunks:,}", f"{build:.1f}", f"{len(texts) / build:.0f}", f"{chunks / build:.1f}",
                     f"{raw:.1f}", f"{len(texts) / raw:.0f}", f"{raw / build:.2f}", load()])
        _log(f"build {label}: {build:.1f}s build, {raw:.1f}s raw encode")
    shutil.rmtree(work / "throughput-index", ignore_errors=True)
    report.add("Index build throughput against raw encoding (target: build ≥ 0.85 × raw)",
               ["corpus", "texts embedded", "chunks", "build s", "texts/s", "chunks/s", "raw encode s", "raw texts/s", "build/raw",
                "load 1/5/15"],
               rows, f"`qa index --rebuild` work in-process (`Engine.build(rebuild=True)`, fresh index folder) against "
               f"`embedder.encode(texts)` on exactly the texts the build embeds (onnxruntime's default threads, as the build runs); "
               f"the two alternate, median of {repeat} runs.")


# Warm latency by stage -----------------------------------------------------------------------------------


def staged_ask(index: Index, embedder: Embedder, settings: Settings, question: str) -> dict[str, float]:
    """One answer made stage by stage as Engine.ask makes it, each stage timed (lexical and dense also alone)."""
    s = settings
    clock = time.perf_counter
    t0 = clock()
    vector = embedder.encode([question])[0]
    t1 = clock()
    index.lexical.search(question, s.candidates)
    t2 = clock()
    dense_search(index, vector, s.candidates)
    t3 = clock()
    hits = hybrid_search(index, question, vector, s.wider_chunks, s.candidates, s.rrf_k, None, s.retrieval)
    t4 = clock()
    found = read_parts(shared_reader(str(s.reader_path)), index, question, hits, vector, s)
    t5 = clock()
    compose(index, question, found, Judgement(s.reader_threshold, s.conflict_threshold, s.pooling))
    t6 = clock()
    return {"embed query": t1 - t0, "lexical": t2 - t1, "dense": t3 - t2, "retrieve (hybrid)": t4 - t3, "reader": t5 - t4,
            "compose": t6 - t5, "total": (t1 - t0) + (t6 - t3)}


def _passes(run: Callable[[str], dict[str, float]], questions: list[str], repeat: int) -> dict[str, tuple[float, float]]:
    """Median over `repeat` passes of each stage's p50 and p95, after one warm-up pass."""
    for q in questions:
        run(q)
    per_pass: dict[str, list[tuple[float, float]]] = {}
    for _ in range(repeat):
        times = [run(q) for q in questions]
        for stage in times[0]:
            values = [t[stage] for t in times]
            per_pass.setdefault(stage, []).append((pct(values, 50), pct(values, 95)))
    return {stage: (statistics.median(p for p, _ in v), statistics.median(p for _, p in v)) for stage, v in per_pass.items()}


def latency_rows(label: str, index: Index, engine: Engine | None, embedder: Embedder, questions: list[str],
                 repeat: int) -> tuple[list[list[str]], dict[str, tuple[float, float]]]:
    """A table row of p50/p95 by stage, and the figures.

    Each question is answered stage by stage, then by Engine.ask (where there is an engine), one after the other, so
    both share the machine's load.
    """
    settings = engine.settings if engine else Settings()

    def once(question: str) -> dict[str, float]:
        return staged_ask(index, embedder, settings, question) | (_timed_ask(engine, question) if engine else {})

    figures = _passes(once, questions, repeat)
    whole = figures.get("ask")
    cells = [label, f"{len(index.docs):,}", f"{len(index.chunks):,}", str(len(questions))]
    cells += [f"{ms(figures[s][0])} / {ms(figures[s][1])}" for s in STAGES]
    row = cells + [f"{ms(whole[0])} / {ms(whole[1])}" if whole else "-", load(), f"{peak_rss_mb():.0f}"]
    _log(f"latency {label}: total p50 {ms(figures['total'][0])} ms")
    return [row], {s: figures[s] for s in STAGES}


@contextmanager
def single_thread() -> Iterator[None]:
    """FAISS limited to one thread for a while (it defaults to one per CPU)."""
    import faiss

    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def _timed_ask(engine: Engine, question: str) -> dict[str, float]:
    """Engine.ask end to end."""
    began = time.perf_counter()
    engine.ask(question)
    return {"ask": time.perf_counter() - began}


def replicated(index: Index, chunks_wanted: int, seed: int = 0) -> Index:
    """The index copied until it holds `chunks_wanted` chunks: copies keep their text (real BM25) and get random unit chunk vectors."""
    copies = max(1, math.ceil(chunks_wanted / len(index.chunks)))
    docs, chunks, sentences, spans = {}, [], [], []
    for n in range(copies):
        tag = "" if n == 0 else f"~{n}"
        docs |= {f"{d}{tag}": replace(doc, doc_id=f"{d}{tag}") for d, doc in index.docs.items()}
        base = len(sentences)
        sentences += [replace(s, doc_id=f"{s.doc_id}{tag}") for s in index.sentences]
        for c, (lo, hi) in zip(index.chunks, index.chunk_sentences):
            chunks.append(Chunk(len(chunks), f"{c.doc_id}{tag}", c.start, c.end, c.text))
            spans.append((base + lo, base + hi))
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((len(chunks) - len(index.chunks), index.chunk_vectors.shape[1]), dtype=np.float32)
    chunk_vectors = np.vstack([index.chunk_vectors, noise / np.linalg.norm(noise, axis=1, keepdims=True)])
    sentence_vectors = np.tile(index.sentence_vectors, (copies, 1))
    manifest = index.manifest | {"generation": f"replicated-{copies}"}
    return Index(manifest, docs, chunks, sentences, spans, chunk_vectors, sentence_vectors, LexicalIndex.build([c.text for c in chunks]),
                 LexicalIndex.build([s.text for s in sentences]), _faiss_index(chunk_vectors))


# Cold start ------------------------------------------------------------------------------------------------


def cold_start(report: Report, targets: dict[str, tuple[Path, Path, str]], repeat: int) -> None:
    """Process start to first answer of `qa ask`, and its peak memory, median of `repeat` runs."""
    qa = Path(sys.executable).parent / "qa"
    env = os.environ | {"HF_HUB_OFFLINE": "1"}
    rows = []
    for label, (corpus, index_dir, question) in targets.items():
        walls, rss = [], []
        for _ in range(repeat):
            cmd = ["/usr/bin/time", "-f", "%e %M", str(qa), "ask", "--corpus", str(corpus), "--index", str(index_dir), question]
            began = time.perf_counter()
            done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
            walls.append(time.perf_counter() - began)
            rss.append(int(done.stderr.strip().splitlines()[-1].split()[1]) / 1024)
        rows.append([label, f"{statistics.median(walls):.2f}", f"{min(walls):.2f}-{max(walls):.2f}", f"{statistics.median(rss):.0f}", load()])
        _log(f"cold {label}: {statistics.median(walls):.2f}s")
    report.add("Cold start: `qa ask` from process start to the answer printed (target ≤ 1.5 s)",
               ["corpus", "wall s (median)", "range", "peak RSS MB", "load 1/5/15"], rows,
               f"`/usr/bin/time -f \"%e %M\" .venv/bin/qa ask --corpus ... --index ... QUESTION`, index already built; {repeat} runs.")


# FAISS: exact against approximate ------------------------------------------------------------------------


def _unit(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length."""
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _search(index: Any, queries: np.ndarray, k: int, repeat: int = 1) -> tuple[float, np.ndarray]:
    """Median single-query search time in seconds (median over `repeat` passes of each pass's median) and the ids found."""
    medians = []
    for _ in range(repeat):
        times, found = [], []
        for q in queries:
            began = time.perf_counter()
            _, ids = index.search(q[None, :], k)
            times.append(time.perf_counter() - began)
            found.append(ids[0])
        medians.append(statistics.median(times))
    return statistics.median(medians), np.array(found)


def _recall(found: np.ndarray, exact: np.ndarray) -> float:
    """Mean share of the exact top-10 that an approximate search found in its top-10."""
    return float(np.mean([len(set(f[:K]) & set(e[:K])) / K for f, e in zip(found, exact)]))


def _clustered(real: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n vectors drawn around the real ones: a real vector plus Gaussian noise (σ=0.04 per dimension), renormalised."""
    return _unit(real[rng.integers(0, len(real), n)] + rng.normal(0, 0.04, (n, real.shape[1])).astype(np.float32))


def faiss_sweep(report: Report, real: np.ndarray, queries: np.ndarray, sizes: Sequence[int], ann_sizes: Sequence[int],
                embed_query_s: float, candidates: int, repeat: int) -> None:
    """Exact search time by corpus size, and approximate indexes' time and recall@10 against exact search."""
    import faiss

    rng = np.random.default_rng(1)
    rows = []
    for n in sizes:
        data = _clustered(real, n, rng)
        flat = faiss.IndexFlatIP(real.shape[1])
        flat.add(data)
        product = _faiss_index(data)
        times: dict[str, list[float]] = {"exact": [], "single": [], "product": []}
        for _ in range(repeat):
            took, exact_ids = _search(flat, queries, candidates)
            times["exact"].append(took)
            with single_thread():
                times["single"].append(_search(flat, queries, candidates)[0])
            took, product_ids = _search(product, queries, candidates)
            times["product"].append(took)
        exact_s, single_s, product_s = (statistics.median(times[k]) for k in ("exact", "single", "product"))
        rows.append([f"{n:,}", ms(exact_s), ms(single_s), ms(embed_query_s), "yes" if exact_s > embed_query_s else "no", type(product).__name__,
                     ms(product_s), f"{_recall(product_ids, exact_ids):.3f}", load()])
        _log(f"faiss {n}: exact {ms(exact_s)} ms")
    report.add("FAISS exact search by corpus size, and what the product index does", [
        "chunks", "exact (IndexFlatIP) ms", "exact, 1 thread ms", "embed query ms (p50, ~1k corpus)", "exact slower than embedding the query?",
        "product index (_faiss_index)", "product ms", "product recall@10", "load 1/5/15"], rows,
        f"Single-query search for the {candidates} dense candidates the product asks for, median over {len(queries)} real question vectors "
        f"and {repeat} passes. Vectors: the real chunk and sentence vectors of the ~1k-article corpus resampled with Gaussian noise "
        f"(σ=0.04 per dimension, renormalised). Embedding the query is the largest fixed stage of an answer. `exact` runs with FAISS's "
        f"default {os.cpu_count()} OpenMP threads, as the product does; `1 thread` is the same search with `faiss.omp_set_num_threads(1)`.")
    sets = [("real", real, queries)]
    for n in ann_sizes:
        sets += [("clustered", _clustered(real, n, rng), queries),
                 ("uniform", _unit(rng.standard_normal((n, real.shape[1]), dtype=np.float32)),
                  _unit(rng.standard_normal(queries.shape, dtype=np.float32)))]
    ann_rows = []
    for label, data, qs in sets:
        flat = faiss.IndexFlatIP(data.shape[1])
        flat.add(data)
        exact_s, exact_ids = _search(flat, qs, candidates, repeat)
        ann_rows.append([label, f"{len(data):,}", "IndexFlatIP (exact)", "-", "0", ms(exact_s), "1.000", load()])
        for name, make, knob, values in _ann_candidates(len(data)):
            began = time.perf_counter()
            index = make(data)
            built = time.perf_counter() - began
            for value in values:
                _set(index, knob, value)
                took, found = _search(index, qs, candidates, repeat)
                ann_rows.append([label, f"{len(data):,}", name, f"{knob}={value}", f"{built:.1f}", ms(took), f"{_recall(found, exact_ids):.3f}", load()])
        _log(f"faiss approximate: {label} {len(data)} done")
    report.add("Approximate indexes against exact search (recall@10: share of the exact top 10 found)",
               ["vectors", "count", "index", "setting", "build s", "search ms", "recall@10", "load 1/5/15"], ann_rows,
               "real: the ~1k corpus's own chunk and sentence vectors with real question vectors as queries (the most faithful, but small). "
               "clustered: the resampled vectors above, real questions. uniform: random unit vectors and random queries, the worst "
               "case for any approximate index (no structure to exploit).")


def _ann_candidates(n: int) -> list[tuple[str, Callable[[np.ndarray], Any], str, list[int]]]:
    """The approximate indexes tried at a size: HNSW over the graph's efSearch, IVF over nprobe."""
    import faiss

    def hnsw(data: np.ndarray) -> Any:
        index = faiss.IndexHNSWFlat(data.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
        index.add(data)
        return index

    nlist = 4 * int(math.sqrt(n))

    def ivf(data: np.ndarray) -> Any:
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(data.shape[1]), data.shape[1], nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(data)
        index.add(data)
        return index

    return [("HNSW32,Flat", hnsw, "efSearch", [32, 64, 128, 256]), (f"IVF{nlist},Flat", ivf, "nprobe", [4, 16, 64])]


def _set(index: Any, knob: str, value: int) -> None:
    """Set an approximate index's search-time parameter."""
    if knob == "efSearch":
        index.hnsw.efSearch = value
    else:
        index.nprobe = value


# The corpora -----------------------------------------------------------------------------------------------


def thousand_articles(ext: Path) -> tuple[list[Document], list[str]]:
    """~1,000 articles (each SQuAD paragraph one article, plus the MultiHop-RAG articles) and questions spread over them."""
    squad_docs, squad_qs = ds.load_squad(ext / ds.SQUAD)
    docs = [Document(f"{d.doc_id}_{i:03d}", para, title=d.title, outlet=d.outlet)
            for d in squad_docs for i, para in enumerate(d.text.split("\n\n"))]
    hop_docs, hop_qs = ds.load_multihop(ext / ds.MULTIHOP)
    questions = [q.question for q in squad_qs[::101]] + [q.query for q in hop_qs[::13]]
    return docs + hop_docs, questions


def default_questions() -> list[str]:
    """The questions of shared/eval/dev.jsonl, asked of the default corpus."""
    return [json.loads(line)["question"] for line in EVAL_DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(corpus: Path, ext: Path, work: Path, out: Path | None, repeat: int, chunks: int, sizes: Sequence[int], ann_sizes: Sequence[int],
         limit: int | None) -> str:
    """Run every measurement, print each table, and write the report between its markers."""
    report = Report()
    began_load = load()
    embedder = default_embedder(Settings().encode_batch, Settings().embedder)
    embedder.encode(["warm up the model"])
    work.mkdir(parents=True, exist_ok=True)

    docs_1k, questions_1k = thousand_articles(ext)
    hop_docs, _ = ds.load_multihop(ext / ds.MULTIHOP)
    hop_corpus = ds.write_corpus(hop_docs, work / "speed-multihop" / "corpus")
    _log("indexing the ~1k-article corpus (cached after the first run)")
    engines_1k = engines(docs_1k, work / "speed-1k", embedder)
    engine_1k = engines_1k["hybrid"]
    default = Engine(replace(Settings(), corpus_dir=corpus, index_dir=work / "speed-default" / "index"), embedder)
    default.build()
    questions = default_questions()[:limit] if limit else default_questions()
    questions_1k = questions_1k[:limit] if limit else questions_1k

    build_throughput(report, {"default (corpus/)": corpus, f"MultiHop-RAG facts ({len(hop_docs)} articles)": hop_corpus}, work, embedder, repeat)

    rows, _ = latency_rows("default corpus", default.index(), default, embedder, questions, repeat)
    more, stages_1k = latency_rows("~1k articles", engine_1k.index(), engine_1k, embedder, questions_1k, repeat)
    big = replicated(engine_1k.index(), chunks)
    rows += more + latency_rows(f"{len(big.chunks) // 1000}k chunks (replicated)", big, None, embedder, questions_1k, repeat)[0]
    report.add("Warm latency by stage, p50 / p95 in ms (targets: ask p50 ≤ 100 ms at the default corpus, ≤ 250 ms at 100k chunks)",
               ["corpus", "articles", "chunks", "questions", *STAGES, "Engine.ask", "load 1/5/15", "process peak RSS MB"], rows,
               f"Stages timed by calling `embedder.encode`, `hybrid_search`, `read_parts` and `compose` as `Engine.ask` does; `lexical` and "
               f"`dense` are the two halves of `hybrid_search` timed alone (not added to `total`). One warm-up pass, then the median over "
               f"{repeat} passes of each pass's p50 and p95. The {len(big.chunks):,}-chunk index is the ~1k corpus copied "
               f"{len(big.chunks) // len(engine_1k.index().chunks)}x: BM25 over the repeated text, the copies' chunk vectors random unit "
               f"vectors, sentence vectors repeated; `Engine.ask` is not timed there (the index is in memory only). "
               f"onnxruntime and FAISS run with their default threads ({os.cpu_count()} each), as the product runs.")
    del big

    cold_start(report, {"default (corpus/)": (corpus, default.settings.index_dir, questions[0]),
                        "~1k articles": (engine_1k.settings.corpus_dir, engine_1k.settings.index_dir, questions_1k[0])}, repeat)

    real_index = engine_1k.index()
    real = np.vstack([real_index.chunk_vectors, real_index.sentence_vectors])
    faiss_sweep(report, real, embedder.encode(questions_1k), sizes, ann_sizes, stages_1k["embed query"][0], Settings().candidates, repeat)

    header = (f"Run {time.strftime('%Y-%m-%d %H:%M')} with `qa bench speed` at {code_version()} on {os.cpu_count()} CPUs; load average (1/5/15 min) "
              f"{began_load} at the start, {load()} at the end. Each table gives the load when its row was measured.")
    body = header + "\n\n" + "\n\n".join(report.sections)
    if out is not None:
        replace_section(out, "speed", body, title="# Speed and scale")
        _log(f"wrote {out}")
    return body

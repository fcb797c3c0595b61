"""Answer quality on external data, with the lexical and dense baselines run beside hybrid retrieval in the same process.

`qa bench quality` builds each corpus once (the index does not depend on the retrieval mode), asks every
question of every system, and writes the table of metrics x systems x datasets into docs/quality.md. With
`--mode generative` the systems are the shipped extractive answer and the model's checked answer, over the same retrieval.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from qa.bench import datasets as ds
from qa.bench.report import code_version, replace_section
from qa.config import REPO_ROOT, Settings
from qa.embed import Embedder, Progress, default_embedder
from qa.errors import QAError
from qa.llm import Generator
from qa.lookup import LookupResult, Match
from qa.pipeline import Engine
from qa.types import Answer, Citation, Claim, Conflict, Document

MODES = ("lexical", "dense", "hybrid")
SPLITS = ("test", "dev")
TOP_K = (1, 5, 10)
Record = dict[str, Any]


class Metric(NamedTuple):
    """A row of the table: its label, which questions it is over, one question's value (None: not counted), how to summarise."""

    label: str
    who: Callable[[Record], bool]
    value: Callable[[Record], float | None]
    fmt: str = "{:.3f}"
    median: bool = False


@dataclass(frozen=True)
class System:
    """A column of the table: how passages are retrieved, the model that writes a generative answer, or an earlier engine's commit."""

    name: str
    retrieval: str
    generator: Generator | None = None
    baseline: str = ""


# The last commit of the hand-written rule engine that the trained reader replaced.
RULE_ENGINE = "5f86d6f"


def systems_for(generator: Generator | None, baseline: str = "") -> list[System]:
    """The three retrieval modes with the reader (and an earlier engine beside them); or shipped extractive beside generative."""
    if generator is None:
        return [System(mode, mode) for mode in MODES] + ([System(f"rules@{baseline}", "hybrid", baseline=baseline)] if baseline else [])
    return [System("hybrid", "hybrid"), System(f"hybrid + {generator.name}", "hybrid", generator)]


class BaselineEngine:
    """An earlier engine, run from a git worktree of its commit in subprocesses (`qa ask --jsonl`, `qa lookup --jsonl`) over the same corpus."""

    def __init__(self, rev: str, settings: Settings, search: Engine | None = None) -> None:
        self.tree = REPO_ROOT / "build" / f"engine-{rev}"
        if not self.tree.exists():
            subprocess.run(["git", "worktree", "add", "--detach", str(self.tree), rev], cwd=REPO_ROOT, check=True, capture_output=True)
        # The earlier engine's own index of the same corpus, inside its worktree (one per index folder of ours).
        index = self.tree / f"index-{hashlib.sha256(str(settings.index_dir.resolve()).encode()).hexdigest()[:12]}"
        self.env = os.environ | {"PYTHONPATH": str(self.tree), "HF_HUB_OFFLINE": "1"}
        self.where = ["--corpus", str(settings.corpus_dir.resolve()), "--index", str(index)]
        subprocess.run([sys.executable, "-m", "qa.cli", "index", *self.where], cwd=self.tree, env=self.env, check=True, capture_output=True)
        self.processes: dict[str, subprocess.Popen] = {}
        self.search = search.search if search else None

    def _call(self, command: str, request: dict[str, str]) -> dict[str, Any]:
        """One JSON line to the earlier engine's `qa COMMAND --jsonl`, started on first use, and its JSON line back."""
        if command not in self.processes:
            self.processes[command] = subprocess.Popen([sys.executable, "-m", "qa.cli", command, *self.where, "--jsonl"], cwd=self.tree,
                                                       env=self.env, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                       stderr=subprocess.DEVNULL)
        process = self.processes[command]
        assert process.stdin and process.stdout
        process.stdin.write(json.dumps(request) + "\n")
        process.stdin.flush()
        return json.loads(process.stdout.readline())

    def ask(self, question: str, generator: Generator | None = None, on_token: Callable[[str], None] | None = None) -> Answer:
        """The earlier engine's answer, read back from its JSON line."""
        obj = self._call("ask", {"question": question})
        citations = tuple(Citation(c["n"], c["doc_id"], c["title"], c["start"], c["end"], c["quote"]) for c in obj.get("citations", []))
        conflicts = tuple(Conflict(c["about"], tuple(Claim(x["text"], tuple(x["citations"])) for x in c["claims"])) for c in obj.get("conflicts", []))
        return Answer(question, obj.get("answer", ""), bool(obj.get("abstained")), citations, conflicts, short=obj.get("short_answer", ""))

    def lookup(self, text: str) -> LookupResult:
        """The earlier engine's citation lookup of a quote or claim."""
        obj = self._call("lookup", {"query": text})
        return LookupResult(text, tuple(Match(m["doc_id"], m["title"], m["start"], m["end"], m["quote"], m["score"], m["verdict"], m.get("note", ""))
                                         for m in obj.get("matches", [])))

    def close(self) -> None:
        """Stop the subprocesses."""
        for process in self.processes.values():
            if process.stdin:
                process.stdin.close()
            process.wait(timeout=60)


def timed_ask(engine: Any, system: System, question: str) -> tuple[Answer, Record]:
    """Ask a question the system's way; the answer, and the per-answer figures (and the model's draft) kept for every dataset."""
    began = time.perf_counter()
    first: list[float] = []
    draft: list[str] = []

    def on_token(piece: str) -> None:
        first or first.append(time.perf_counter())
        draft.append(piece)

    answer = engine.ask(question, generator=system.generator, on_token=on_token)
    seconds = time.perf_counter() - began
    written, kept = answer.evidence.get("sentences"), answer.evidence.get("supported")
    return answer, {"seconds": seconds, "first_token": (first[0] - began) if first else seconds,
                    "kept": kept / written if written else None, "fallback": "fallback" in answer.evidence,
                    "draft": "".join(draft), "quotes": {c.n: c.quote for c in answer.citations}}


_MARKER = re.compile(r"\s*\[\d+\]")


def plain(answer: Answer) -> str:
    """A generated answer without its markers: what SQuAD scoring compares with the gold answer."""
    return _MARKER.sub("", answer.answer).strip()


class MemoEmbedder:
    """An embedder that encodes each distinct text once: questions recur across modes, passages across RGB conditions."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._memo: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """One row per text, from the memo or encoded now."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if missing:
            self._memo.update(zip(missing, self.inner.encode(missing, progress)))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._memo[t] for t in texts])


def engines(docs: list[Document], folder: Path, embedder: Embedder, systems: Sequence[System] = ()) -> dict[str, Any]:
    """Write a corpus, index it once, and return an engine per system over it (keyed by retrieval mode, or by name for an earlier engine)."""
    settings = replace(Settings(), corpus_dir=ds.write_corpus(docs, folder / "corpus"), index_dir=folder / "index")
    Engine(settings, embedder).build()
    out: dict[str, Any] = {mode: Engine(replace(settings, retrieval=mode), embedder) for mode in MODES}
    indexed = out["hybrid"].index().docs
    if any(indexed[d.doc_id].text != d.text for d in docs):
        raise QAError(f"The corpus in {folder} was not read back verbatim; gold offsets would not match.")
    for system in systems:
        if system.baseline:
            out[system.name] = BaselineEngine(system.baseline, settings, out["hybrid"])
    return out


def engine_of(by_mode: dict[str, Any], system: System) -> Any:
    """The engine that answers for a system."""
    return by_mode[system.name if system.baseline else system.retrieval]


def close(by_mode: dict[str, Any]) -> None:
    """Stop the subprocesses of earlier engines."""
    for engine in by_mode.values():
        if isinstance(engine, BaselineEngine):
            engine.close()


@dataclass
class Results:
    """Per-question records by dataset, split and system, and the metrics that summarise them."""

    systems: list[System] = field(default_factory=lambda: systems_for(None))
    records: dict[tuple[str, str, str], list[Record]] = field(default_factory=dict)
    metrics: dict[str, list[Metric]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, dataset: str, split: str, system: str, record: Record) -> None:
        """Keep one question's outcome."""
        self.records.setdefault((dataset, split, system), []).append(record)

    def cell(self, dataset: str, metric: Metric, split: str, system: str) -> tuple[float | None, int]:
        """The mean (or median) of a metric over its questions, and how many questions it is over."""
        rows = [r for r in self.records.get((dataset, split, system), []) if metric.who(r)]
        values = [v for v in map(metric.value, rows) if v is not None]
        summary = np.median if metric.median else np.mean
        return (float(summary(values)) if values else None), len(rows)

    def table(self, splits: Sequence[str]) -> str:
        """The markdown table: one row per dataset and metric, one column per split and system."""
        head = ["dataset", "metric"]
        for split in splits:
            head += [f"n {split}"] + [f"{s.name} {split}" + (" (shipped)" if s.name == "hybrid" else "") for s in self.systems]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "--:|" * (len(head) - 2)]
        for dataset, metrics in self.metrics.items():
            for metric in metrics:
                cells = [dataset, metric.label]
                for split in splits:
                    values = [self.cell(dataset, metric, split, s.name) for s in self.systems]
                    cells.append(str(values[-1][1]))
                    cells += ["-" if v is None else metric.fmt.format(v) for v, _ in values]
                lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)


def _log(message: str) -> None:
    """Progress on stderr."""
    print(message, file=sys.stderr, flush=True)


def _take(items: list[Any], splits: Sequence[str], limit: int | None) -> Iterator[Any]:
    """The items of the chosen splits, at most `limit` of each, spread evenly over the split."""
    for split in splits:
        chosen = [i for i in items if i.split == split]
        yield from chosen[:: -(-len(chosen) // limit)] if limit and chosen else chosen


# SQuAD 2.0 ---------------------------------------------------------------------------------------------

ANSWERABLE: Callable[[Record], bool] = lambda r: not r["impossible"]  # noqa: E731
EVERY: Callable[[Record], bool] = lambda r: True  # noqa: E731

# Rows every dataset has: what the grounding check kept of generated answers, and time.
ANSWER_METRICS: list[Metric] = [
    Metric("generated sentences kept by the grounding check (mean share per written answer)", EVERY, lambda r: r["kept"]),
    Metric("model failed, extractive answer given instead", EVERY, lambda r: r["fallback"]),
    Metric("time to first token, median ms (extractive: the whole answer)", EVERY, lambda r: 1000 * r["first_token"], "{:.0f}", True),
    Metric("time per answer, median ms", EVERY, lambda r: 1000 * r["seconds"], "{:.0f}", True),
]

SQUAD_METRICS: list[Metric] = [
    *[Metric(f"gold paragraph in top {k} chunks", ANSWERABLE, lambda r, k=k: r[f"para@{k}"]) for k in TOP_K],
    Metric("gold answer span inside a top-10 chunk", ANSWERABLE, lambda r: r["span@10"]),
    Metric("gold answer in the answer, not abstained (answerable)", ANSWERABLE, lambda r: r["contains"]),
    Metric("EM, answerable (short answer, or the whole written answer; abstained = empty)", ANSWERABLE, lambda r: r["em"]),
    Metric("F1, answerable", ANSWERABLE, lambda r: r["f1"]),
    Metric("EM, all (SQuAD 2.0: unanswerable right iff abstained)", EVERY, lambda r: r["em"]),
    Metric("F1, all", EVERY, lambda r: r["f1"]),
    Metric("abstention recall (unanswerable abstained)", lambda r: r["impossible"], lambda r: r["abstained"]),
    Metric("abstention precision (abstained that are unanswerable)", EVERY, lambda r: r["impossible"] if r["abstained"] else None),
    Metric("false abstention (answerable abstained)", ANSWERABLE, lambda r: r["abstained"]),
    Metric("first citation in the gold paragraph (answered)", ANSWERABLE, lambda r: None if r["abstained"] else r["cited_gold"]),
]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when two character ranges share a character."""
    return a[0] < b[1] and b[0] < a[1]


def run_squad(results: Results, ext: Path, work: Path, embedder: Embedder, splits: Sequence[str], limit: int | None) -> None:
    """Retrieval, short-answer EM/F1 and abstention on SQuAD 2.0, the 16 articles as one corpus."""
    docs, questions = ds.load_squad(ext / ds.SQUAD)
    by_mode = engines(docs, work / "squad", embedder, results.systems)
    chosen = list(_take(questions, splits, limit))
    for n, q in enumerate(chosen, start=1):
        for system in results.systems:
            engine = engine_of(by_mode, system)
            hits = engine.search(q.question, max(TOP_K))
            gold = [h.chunk.doc_id == q.doc_id and _overlaps((h.chunk.start, h.chunk.end), q.paragraph) for h in hits]
            answer, figures = timed_ask(engine, system, q.question)
            prediction = "" if answer.abstained else plain(answer) if system.generator else answer.short
            em, f1 = ds.squad_scores(q.answers, prediction)
            first = answer.citations[0] if answer.citations else None
            said = ds.normalize_answer(answer.answer)
            record = figures | {f"para@{k}": any(gold[:k]) for k in TOP_K} | {
                "span@10": any(h.chunk.doc_id == q.doc_id and h.chunk.start <= s and e <= h.chunk.end for h in hits for s, e in q.spans),
                "id": q.qid, "question": q.question, "short": prediction, "gold": list(q.answers),
                "impossible": q.impossible, "abstained": answer.abstained, "em": em, "f1": f1, "answer": answer.answer,
                "contains": not answer.abstained and any(ds.normalize_answer(a) in said for a in q.answers),
                "cited_gold": bool(first and first.doc_id == q.doc_id and _overlaps((first.start, first.end), q.paragraph)),
            }
            results.add("SQuAD 2.0", q.split, system.name, record)
        if n % 500 == 0:
            _log(f"squad: {n}/{len(chosen)} questions")
    close(by_mode)
    results.metrics["SQuAD 2.0"] = SQUAD_METRICS + ANSWER_METRICS


# RGB en_fact --------------------------------------------------------------------------------------------

RGB_METRICS: list[Metric] = [
    Metric("noise (positive + negative): accuracy, gold answer in the answer, not abstained", lambda r: r["condition"] == "noise",
     lambda r: r["correct"]),
    Metric("noise: gold answer in the short answer", lambda r: r["condition"] == "noise", lambda r: r["short_correct"]),
    Metric("noise: abstained (wrongly)", lambda r: r["condition"] == "noise", lambda r: r["abstained"]),
    Metric("rejection (negative only): abstained (rightly)", lambda r: r["condition"] == "rejection", lambda r: r["abstained"]),
    Metric("counterfactual (positive + positive_wrong): conflict flagged", lambda r: r["condition"] == "counterfactual", lambda r: r["flagged"]),
    Metric("counterfactual: true answer in the answer", lambda r: r["condition"] == "counterfactual", lambda r: r["correct"]),
    Metric("counterfactual: fake answer in the answer", lambda r: r["condition"] == "counterfactual", lambda r: r["fake"]),
]


def run_rgb(results: Results, ext: Path, work: Path, embedder: Embedder, splits: Sequence[str], limit: int | None) -> None:
    """Noise robustness, rejection and conflict flagging on RGB en_fact, a tiny corpus per question and condition."""
    items = list(_take(ds.load_rgb(ext / ds.RGB), splits, limit))
    work.mkdir(parents=True, exist_ok=True)
    for n, item in enumerate(items, start=1):
        for condition in ds.RGB_CONDITIONS:
            with tempfile.TemporaryDirectory(dir=work) as tmp:
                by_mode = engines(ds.rgb_corpus(item, condition), Path(tmp), embedder, results.systems)
                for system in results.systems:
                    answer, figures = timed_ask(engine_of(by_mode, system), system, item.query)
                    results.add("RGB en_fact", item.split, system.name, figures | {
                        "id": item.qid, "question": item.query, "answer": answer.answer, "gold": item.answer,
                        "condition": condition, "abstained": answer.abstained, "flagged": bool(answer.conflicts),
                        "correct": not answer.abstained and ds.rgb_correct(answer.answer, item.answer),
                        "short_correct": not answer.abstained and ds.rgb_correct(answer.short, item.answer),
                        "fake": not answer.abstained and ds.rgb_correct(answer.answer, item.fake),
                    })
                close(by_mode)
        if n % 25 == 0:
            _log(f"rgb: {n}/{len(items)} questions")
    results.metrics["RGB en_fact"] = RGB_METRICS + ANSWER_METRICS


# MultiHop-RAG -------------------------------------------------------------------------------------------


def _of(*kinds: str) -> Callable[[Record], bool]:
    """Questions of some MultiHop-RAG types."""
    return lambda r: r["kind"] in kinds


MULTIHOP_METRICS: list[Metric] = [
    Metric("inference: accuracy, gold answer in the answer", _of("inference_query"), lambda r: r["correct"]),
    Metric("inference, gold answer in the evidence facts: accuracy", lambda r: r["kind"] == "inference_query" and r["extractable"],
     lambda r: r["correct"]),
    *[Metric(f"{kind}: evidence-article recall in top 10 chunks", _of(f"{kind}_query"), lambda r: r["recall@10"])
      for kind in ("inference", "comparison", "temporal")],
    Metric("comparison + temporal: all evidence articles in top 10", _of("comparison_query", "temporal_query"), lambda r: r["all@10"]),
    Metric("comparison + temporal, yes/no gold: the answer starts with the right yes or no",
           lambda r: r["kind"] in ("comparison_query", "temporal_query") and r["gold"].lower() in ds.YES_NO, lambda r: r["yes_no"]),
    Metric("comparison + temporal: yes/no or judgement answers (not extractable; share)", _of("comparison_query", "temporal_query"),
     lambda r: not r["extractable"]),
    Metric("null_query: abstention recall", _of("null_query"), lambda r: r["abstained"]),
    Metric("abstention precision (abstained that are null)", EVERY, lambda r: r["kind"] == "null_query" if r["abstained"] else None),
    Metric("false abstention (non-null abstained)", lambda r: r["kind"] != "null_query", lambda r: r["abstained"]),
]


def run_multihop(results: Results, ext: Path, work: Path, embedder: Embedder, splits: Sequence[str], limit: int | None) -> None:
    """Accuracy, evidence retrieval and abstention on MultiHop-RAG, the evidence facts grouped by article as the corpus."""
    docs, questions = ds.load_multihop(ext / ds.MULTIHOP)
    by_mode = engines(docs, work / "multihop", embedder, results.systems)
    for q in _take(questions, splits, limit):
        for system in results.systems:
            engine = engine_of(by_mode, system)
            found = {h.chunk.doc_id for h in engine.search(q.query, 10)}
            answer, figures = timed_ask(engine, system, q.query)
            gold = set(q.gold_docs)
            results.add("MultiHop-RAG", q.split, system.name, figures | {
                "id": q.qid, "question": q.query, "answer": answer.answer, "gold": q.answer, "evidence": answer.evidence,
                "kind": q.kind, "extractable": q.extractable, "abstained": answer.abstained,
                "correct": not answer.abstained and q.answer.lower() in answer.answer.lower(),
                "yes_no": not answer.abstained and ds.normalize_answer(answer.answer).split()[:1] == [q.answer.lower()],
                "recall@10": len(gold & found) / len(gold) if gold else None, "all@10": bool(gold) and gold <= found,
            })
    close(by_mode)
    results.metrics["MultiHop-RAG"] = MULTIHOP_METRICS + ANSWER_METRICS


RUNNERS = {"squad": run_squad, "rgb": run_rgb, "multihop": run_multihop}


def run(ext: Path, work: Path, splits: Sequence[str] = SPLITS, limit: int | None = None, only: Sequence[str] = tuple(RUNNERS),
        embedder: Embedder | None = None, generator: Generator | None = None, baseline: str = "") -> Results:
    """Run the chosen datasets under every system, the embedding model loaded once."""
    memo = MemoEmbedder(embedder or default_embedder(Settings().encode_batch, Settings().embedder))
    results = Results(systems_for(generator, baseline))
    for name in only:
        began = time.perf_counter()
        RUNNERS[name](results, ext, work, memo, splits, limit)
        results.seconds[name] = time.perf_counter() - began
        _log(f"{name}: done in {results.seconds[name]:.0f}s")
    return results


def main(ext: Path, work: Path, out: Path | None, splits: Sequence[str], limit: int | None, only: Sequence[str],
         generator: Generator | None = None, baseline: str = "") -> str:
    """Run, print the table, write it into the report between its markers, and keep every answer in WORK/<section>-records.jsonl.

    Extractive runs fill the `quality` section; runs with a model fill a `generative <model>` section.
    """
    results = run(ext, work, splits, limit, only, generator=generator, baseline=baseline)
    section = f"generative {generator.name}" if generator else "quality"
    with (work / f"{re.sub(r'[^a-z0-9.]+', '-', section)}-records.jsonl").open("w", encoding="utf-8") as fh:
        for (dataset, split, system), records in results.records.items():
            fh.writelines(json.dumps({"dataset": dataset, "split": split, "system": system} | r, ensure_ascii=False, default=str) + "\n" for r in records)
    took = ", ".join(f"{k} {v:.0f}s" for k, v in results.seconds.items())
    scope = f"{limit} questions of each split, spread evenly" if limit else "every question"
    answers = (f"generative answers by {generator.name} beside the extractive ones" if generator else
               "extractive answers by the trained reader" + (f", beside the rule engine of commit {baseline} (`rules@{baseline}`)" if baseline else ""))
    body = (f"{results.table(splits)}\n\nRun {time.strftime('%Y-%m-%d %H:%M')} with `qa bench quality` at {code_version()}: {scope}; "
            f"{answers}; {took}.")
    print(body)
    if out is not None:
        replace_section(out, section, body, title="# Answer quality on external benchmarks")
        _log(f"wrote {out.relative_to(REPO_ROOT) if out.is_relative_to(REPO_ROOT) else out}")
    return body

"""The reader on news questions it never trained on (`../shared/train/eval-only/`), read as `qa ask` reads a passage.

RealTimeQA: weekly news-quiz questions (CNN, THE WEEK, USA Today) whose evidence paragraph states the answer, each read against
its own paragraph (it should answer, with the quiz's answer in its span) and against another question's paragraph from the same
quiz (it should abstain). TrecQA (Wang et al. 2007): for each question, newswire sentences judged as answering or not; the
reader's probability ranks them (MAP, MRR) beside BM25 and the embedder's cosine.
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.answer.compose import read
from qa.bench.datasets import f1_score, normalize_answer
from qa.bench.report import code_version, replace_section
from qa.config import Settings
from qa.embed import Embedder, default_embedder
from qa.lexical import LexicalIndex
from qa.pipeline import as_asked
from qa.reader import Reader, Window, shared_reader
from qa.train import auc, windows

# A sample of at most this many quiz questions, the same every run.
PER_SET = 2000
_TAG = re.compile(r"<[^>]*(?:>|$)")


@dataclass(frozen=True)
class Quiz:
    """A quiz question, its answer, the paragraph that states it, and another question's paragraph from the same quiz."""

    question: str
    answer: str
    evidence: str
    other: str


def quizzes(root: Path, limit: int = PER_SET) -> list[Quiz]:
    """RealTimeQA questions whose evidence states the answer, each with a paragraph of the same quiz that does not."""
    by_quiz: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for path in sorted((root / "realtimeqa_questions").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else None
            if row and row.get("evidence"):
                row["evidence"] = " ".join(_TAG.sub(" ", row["evidence"]).split())
                by_quiz[(row["question_date"], row["question_source"])].append(row)
    rng = random.Random(0)
    out = []
    for rows in by_quiz.values():
        for row in rows:
            answer = row["choices"][int(row["answer"][0])]
            others = [r["evidence"] for r in rows if r is not row and answer.lower() not in r["evidence"].lower()]
            if answer.lower() in row["evidence"].lower() and others:
                out.append(Quiz(row["question_sentence"].strip(), answer, row["evidence"], rng.choice(others)))
    rng.shuffle(out)
    return out[:limit]


def _windows(text: str) -> list[Window]:
    """A paragraph's sentences as the answer reads them: each with the sentence before."""
    return [Window(i, "evidence", start, centre, end, text[start:end]) for i, (start, centre, end) in enumerate(windows(text))]


def run_quizzes(reader: Reader, items: list[Quiz], threshold: float) -> dict[str, float]:
    """Answered right, F1, abstentions on the own paragraph and on another question's, and the AUC between them."""
    own, other, right, spans, f1 = [], [], [], [], []
    for q in items:
        found = read(reader, as_asked(q.question), _windows(q.evidence), Settings().conflict_threshold)
        wrong = read(reader, as_asked(q.question), _windows(q.other), Settings().conflict_threshold)
        best = found[0] if found else None
        p = best.p if best else 0.0
        own.append(p)
        other.append(wrong[0].p if wrong else 0.0)
        answered = best is not None and p >= threshold
        spans.append(best is not None and normalize_answer(q.answer) in normalize_answer(best.text))
        right.append(answered and spans[-1])
        f1.append(f1_score(q.answer, best.text) if answered else 0.0)
    own_a, other_a = np.array(own), np.array(other)
    return {"questions": len(items), "answered_right": float(np.mean(right)), "span_right": float(np.mean(spans)), "f1": float(np.mean(f1)),
            "abstained_wrongly": float(np.mean(own_a < threshold)), "abstained_rightly": float(np.mean(other_a < threshold)),
            "auc": auc(np.r_[np.ones(len(own)), np.zeros(len(other))], np.r_[own_a, other_a])}


def _detokenise(text: str) -> str:
    """TrecQA's tokenised text made closer to prose ('U.S. , he said' -> 'U.S., he said'; ``x'' -> "x")."""
    text = text.replace("``", '"').replace("''", '"')
    text = re.sub(r" ([,.;:?!%)])", r"\1", text)
    return re.sub(r"\( ", "(", re.sub(r" ('s|n't|'re|'ve|'ll|'d)\b", r"\1", text)).strip()


def trec_questions(root: Path, split: str) -> list[tuple[str, list[str], list[bool]]]:
    """TrecQA's questions of one split with their candidate sentences and labels; only those with both kinds (the 'clean' set)."""
    grouped: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    with (root / f"trecqa_wang/data__anssel__wang__{split}.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            grouped[_detokenise(row["qtext"])].append((_detokenise(row["atext"]), row["label"] == "1"))
    return [(q, [s for s, _ in c], [y for _, y in c]) for q, c in grouped.items() if any(y for _, y in c) and not all(y for _, y in c)]


def ranking(scores: list[np.ndarray], labels: list[list[bool]]) -> tuple[float, float]:
    """Mean average precision and mean reciprocal rank of candidates ranked by score."""
    aps, rrs = [], []
    for s, y in zip(scores, labels):
        order = np.argsort(-s, kind="stable")
        hits = np.asarray(y)[order]
        ranks = np.flatnonzero(hits) + 1
        aps.append(float(np.mean(np.arange(1, len(ranks) + 1) / ranks)))
        rrs.append(1.0 / ranks[0])
    return float(np.mean(aps)), float(np.mean(rrs))


def run_trec(reader: Reader, embedder: Embedder, questions: list[tuple[str, list[str], list[bool]]]) -> dict[str, tuple[float, float]]:
    """MAP and MRR of the reader's probability, BM25 and the embedder's cosine over each question's candidates."""
    by: dict[str, list[np.ndarray]] = {"reader": [], "BM25": [], "embedder (cosine)": []}
    for q, sentences, _ in questions:
        by["reader"].append(np.array([r.p for r in reader.read(as_asked(q), [(s, 0) for s in sentences])]))
        by["BM25"].append(LexicalIndex.build(sentences).scores(q))
        vectors = embedder.encode([q, *sentences])
        by["embedder (cosine)"].append(vectors[1:] @ vectors[0])
    labels = [y for _, _, y in questions]
    return {name: ranking(scores, labels) for name, scores in by.items()}


Trec = dict[str, tuple[int, dict[str, tuple[float, float]]]]


def table(quiz: dict[str, float], trec: Trec, threshold: float) -> str:
    """The figures as two Markdown tables."""
    lines = ["| RealTimeQA (news quizzes) | |", "| --- | --: |",
             f"| questions (evidence states the answer) | {quiz['questions']:,} |",
             f"| answered right: the quiz's answer in the span, reader probability at least {threshold} | {quiz['answered_right']:.3f} |",
             f"| the quiz's answer in the best span, at any probability | {quiz['span_right']:.3f} |",
             f"| span F1 (abstentions count 0) | {quiz['f1']:.3f} |",
             f"| abstained on its own evidence (wrongly) | {quiz['abstained_wrongly']:.3f} |",
             f"| abstained on another question's evidence from the same quiz (rightly) | {quiz['abstained_rightly']:.3f} |",
             f"| AUC, own evidence against another question's | {quiz['auc']:.3f} |",
             "", "| TrecQA answer-sentence selection (clean) | questions | MAP | MRR |", "| --- | --: | --: | --: |"]
    for split, (n, figures) in trec.items():
        lines += [f"| {split}: {name} | {n} | {map_:.3f} | {mrr:.3f} |" for name, (map_, mrr) in figures.items()]
    return "\n".join(lines)


def run(root: Path, per_set: int = PER_SET, reader: Reader | None = None, embedder: Embedder | None = None,
        log=print) -> tuple[dict[str, float], Trec]:  # noqa: ANN001 - a print-like callable
    """Both sets, read by the shipped reader at the answer's threshold."""
    reader = reader or shared_reader()
    embedder = embedder or default_embedder()
    began = time.perf_counter()
    quiz = run_quizzes(reader, quizzes(root, per_set), Settings().reader_threshold)
    log(f"realtimeqa: {quiz} ({time.perf_counter() - began:.0f} s)")
    trec: Trec = {}
    for split in ("dev", "test"):
        questions = trec_questions(root, split)
        trec[split] = (len(questions), run_trec(reader, embedder, questions))
        log(f"trecqa {split}: {trec[split]}")
    return quiz, trec


def main(root: Path, out: Path | None, per_set: int = PER_SET) -> str:
    """Run, print the tables, and write them into the report."""
    began = time.perf_counter()
    quiz, trec = run(root, per_set, log=lambda line: print(line, file=sys.stderr, flush=True))
    body = (f"{table(quiz, trec, Settings().reader_threshold)}\n\nRun {time.strftime('%Y-%m-%d %H:%M')} with `qa bench reader` at "
            f"{code_version()} ({time.perf_counter() - began:.0f} s): {per_set:,} quiz questions at most, sampled with seed 0; the reader "
            "never trained on either set.")
    print(body)
    if out is not None:
        replace_section(out, "reader", body, title="# The reader on news it never trained on")
    return body

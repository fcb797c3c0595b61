"""Score the system on a question file (format: shared/eval/README.md)."""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.corpus import load_corpus
from qa.errors import BadInputError
from qa.llm import Generator
from qa.lookup import CONTRADICTED, NOT_FOUND, LookupResult, lookup
from qa.pipeline import Engine
from qa.types import Answer, Citation

ANSWERABLE = ("factoid", "factoid-all", "conflict")
FOUND = ("quote", "quote-typo", "claim")
LOOKUPS = (*FOUND, "claim-contradicted", "notfound")
KINDS = (*ANSWERABLE, "unanswerable", *LOOKUPS)


@dataclass
class RowResult:
    """One scored question."""

    row: dict[str, Any]
    answer: Answer
    seconds: float
    correct: bool
    gold_cited: bool | None
    offsets_exact: bool
    conflict_flagged: bool | None
    lead_correct: bool | None = None
    first_token: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """A line of the per-question report."""
        return {"id": self.row.get("id"), "kind": self.row["kind"], "correct": self.correct, "gold_cited": self.gold_cited,
                "offsets_exact": self.offsets_exact, "conflict_flagged": self.conflict_flagged, "lead_correct": self.lead_correct, "ms": round(self.seconds * 1000, 1),
                "abstained": self.answer.abstained, "answer": self.answer.answer}


@dataclass
class Report:
    """The figures of one evaluation run."""

    rows: list[RowResult] = field(default_factory=list)
    # The lookup rows as an earlier commit's engine answered them, in the same run, and that commit.
    baseline_rows: list[RowResult] = field(default_factory=list)
    baseline: str = ""

    def _share(self, results: list[bool]) -> float | None:
        return round(sum(results) / len(results), 3) if results else None

    def _generative(self) -> dict[str, Any]:
        """Figures that only generative answers have: sentences kept by the grounding check, time to first token."""
        written = [r.answer.evidence for r in self.rows if "sentences" in r.answer.evidence]
        firsts = [r.first_token * 1000 for r in self.rows if r.first_token is not None]
        if not written and not firsts:
            return {}
        total = sum(e["sentences"] for e in written)
        return {"supported_sentence_share": round(sum(e["supported"] for e in written) / total, 3) if total else None,
                "fallbacks": sum(1 for r in self.rows if r.answer.note),
                "median_first_token_ms": round(statistics.median(firsts), 1) if firsts else None}

    def metrics(self) -> dict[str, Any]:
        """Accuracy, abstention, citation and latency figures."""
        answerable = [r for r in self.rows if r.row["kind"] in ANSWERABLE]
        unanswerable = [r for r in self.rows if r.row["kind"] == "unanswerable"]
        lookups = [r for r in self.rows if r.row["kind"] in LOOKUPS]
        conflicts = [r for r in self.rows if r.row["kind"] == "conflict"]
        agreeing = [r for r in answerable if r.row["kind"] != "conflict"]
        cited = [r.gold_cited for r in answerable + lookups if r.gold_cited is not None]
        ms = [r.seconds * 1000 for r in self.rows]
        return {
            "questions": len(self.rows),
            "answerable_correct": self._share([r.correct for r in answerable]),
            "unanswerable_abstained": self._share([r.answer.abstained for r in unanswerable]),
            "false_abstention": self._share([r.answer.abstained for r in answerable]),
            "gold_article_cited": self._share(cited),
            "offsets_exact": self._share([r.offsets_exact for r in self.rows]),
            "conflicts_flagged": self._share([bool(r.conflict_flagged) for r in conflicts]),
            "false_conflicts": self._share([bool(r.answer.conflicts) for r in agreeing]),
            "lead_answer_right": self._share([bool(r.lead_correct) for r in answerable]),
            "lookup_right": self._share([r.correct for r in lookups]),
            **({f"lookup_right_rules@{self.baseline}": self._share([r.correct for r in self.baseline_rows])} if self.baseline else {}),
            "median_ms": round(statistics.median(ms), 1) if ms else None,
            **self._generative(),
        }


def read_questions(path: Path) -> list[dict[str, Any]]:
    """The rows of a question file, checked."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInputError(f"The question file {path} cannot be read ({exc}).") from exc
    rows = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadInputError(f"Line {n} of {path} is not JSON ({exc.msg}).") from exc
        if not isinstance(row, dict) or not isinstance(row.get("question"), str) or row.get("kind") not in KINDS:
            raise BadInputError(f"Line {n} of {path} needs a 'question' string and a 'kind' among {', '.join(KINDS)}.")
        rows.append(row)
    if not rows:
        raise BadInputError(f"The question file {path} holds no question.")
    return rows


def score_row(row: dict[str, Any], answer: Answer, seconds: float, texts: dict[str, str]) -> RowResult:
    """Score one answer against its row."""
    kind = row["kind"]
    text = answer.answer.lower()
    wanted = [a.lower() for a in row.get("answers", [])]
    sources = set(row.get("sources", []))
    exact = all(texts.get(c.doc_id, "")[c.start:c.end] == c.quote for c in answer.citations)
    first = answer.citations[0].doc_id if answer.citations else None
    if kind == "unanswerable":
        return RowResult(row, answer, seconds, answer.abstained, None, exact, None)
    gold = None if answer.abstained or not sources else first in sources
    if kind == "notfound":
        return RowResult(row, answer, seconds, answer.abstained and answer.short != CONTRADICTED, None, exact, None)
    if kind == "claim-contradicted":
        gold = first in sources if first and sources else None
        return RowResult(row, answer, seconds, answer.short == CONTRADICTED and bool(gold), gold, exact, None)
    if kind in FOUND:
        return RowResult(row, answer, seconds, bool(gold) and not answer.abstained, gold, exact, None)
    hit = all(a in text for a in wanted) if kind == "factoid-all" else any(a in text for a in wanted)
    flagged = bool(answer.conflicts) if kind == "conflict" else None
    short = answer.short.lower().replace(",", "")
    lead = not answer.abstained and any(a.replace(",", "") in short for a in wanted)
    return RowResult(row, answer, seconds, hit and not answer.abstained, gold, exact, flagged, lead)


def lookup_answer(result: LookupResult, limit: int = 3) -> Answer:
    """A lookup in the shape of an answer: its best matches cited, the best one's verdict as its short answer, `abstained` when the
    best is not found or contradicted."""
    matches = result.matches[:limit]
    citations = tuple(Citation(n, m.doc_id, m.title, m.start, m.end, m.quote) for n, m in enumerate(matches, start=1))
    text = "; ".join(f"{m.verdict} [{n}]" for n, m in enumerate(matches, start=1)) or "not found"
    found = bool(matches) and matches[0].verdict not in (NOT_FOUND, CONTRADICTED)
    return Answer(result.query, text, not found, citations, short=matches[0].verdict if matches else NOT_FOUND)


def evaluate(engine: Engine, path: Path, generator: Generator | None = None, baseline: str = "") -> Report:
    """Answer every question of a file (with a language model when one is given) and score the answers.

    With a baseline commit, its engine (run from a git worktree) also answers the lookup rows, scored beside the judge's.
    """
    from qa.bench.quality import BaselineEngine

    rows = read_questions(path)
    engine.index(auto_build=True)
    docs, _ = load_corpus(engine.settings.corpus_dir, engine.settings.max_article_bytes)
    texts = {d.doc_id: d.text for d in docs}
    report = Report(baseline=baseline)
    earlier = BaselineEngine(baseline, engine.settings) if baseline and any(r["kind"] in LOOKUPS for r in rows) else None
    for row in rows:
        began = time.perf_counter()
        first: list[float] = []
        if row["kind"] in LOOKUPS and earlier:
            report.baseline_rows.append(score_row(row, lookup_answer(earlier.lookup(row["question"])), 0.0, texts))
        if row["kind"] in LOOKUPS:
            answer = lookup_answer(lookup(engine, row["question"]))
        else:
            answer = engine.ask(row["question"], generator=generator, on_token=lambda _, f=first: f or f.append(time.perf_counter()))
        result = score_row(row, answer, time.perf_counter() - began, texts)
        result.first_token = (first[0] - began) if first else None
        report.rows.append(result)
    if earlier:
        earlier.close()
    return report

"""The news questions of `eval/news_questions.jsonl` (docs/news-questions.md) and the news claims of `eval/news_claims.jsonl`
(docs/news-claims.md) as a corpus and a question file in `qa eval`'s format, the articles read from ../shared/train at run time
(their text is never committed), then scored:

    python scripts/news_eval.py [--part all|held-out] [--reader FILE] [--at 0.45,0.5]

Writes build/news-<part>/{corpus,index,questions.jsonl}; prints each threshold's figures, over all and by the kind the
question was written as. Near misses and unanswerable questions are `unanswerable` rows, answerable ones `factoid` rows
whose answer is the span the question was written for. Claims are lookup rows: a supported claim a `claim` row (found in its
article), a contradicted one `claim-contradicted`, one its article does not address `notfound`. `held-out` is the tenth of the
articles (by a hash of their names, as `qa train reader` holds them out) a reader trained on the other nine tenths has not seen.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

from qa.config import REPO_ROOT, Settings
from qa.evaluate import evaluate
from qa.pipeline import Engine
from qa.reader import READER_FILE, Reader
from qa.train import SHARED, _held_out
from qa.train_judge import WRITTEN_CLAIMS, sources, written_over_articles

QUESTIONS = REPO_ROOT / "eval" / "news_questions.jsonl"
KEYS = ("answerable_correct", "unanswerable_abstained", "false_abstention", "lead_answer_right", "gold_article_cited", "lookup_right")
CLAIM_KINDS = {"supports": "claim", "contradicts": "claim-contradicted", "not addressed": "notfound"}


def materialise(part: str, work: Path, shared: Path = SHARED) -> Path:
    """Write the part's articles (each checked against the sha256 its questions and claims were written for), questions and claims;
    returns the question file."""
    files = sources(shared)
    held = [(r, text) for r, text in written_over_articles(QUESTIONS, files) if part == "all" or _held_out(r["group"])]
    claims = [(r, text) for r, text in written_over_articles(WRITTEN_CLAIMS, files) if part == "all" or _held_out(r["group"])]
    names: dict[str, str] = {}
    (work / "corpus").mkdir(parents=True, exist_ok=True)
    out = []
    for r, text in held + claims:
        if r["group"] not in names:
            names[r["group"]] = f"news_{len(names):03d}"
            (work / "corpus" / f"{names[r['group']]}.txt").write_text(text, encoding="utf-8")
    for i, (r, text) in enumerate(held):
        answers = [text[r["answer"][0]:r["answer"][1]]] if r["answer"] else []
        out.append({"id": f"n{i:03d}", "question": r["question"], "answers": answers, "sources": [names[r["group"]]],
                    "kind": "factoid" if answers else "unanswerable", "written_as": r["kind"]})
    for i, (r, _) in enumerate(claims):
        out.append({"id": f"c{i:04d}", "question": r["claim"], "answers": [], "sources": [names[r["group"]]],
                    "kind": CLAIM_KINDS[r["label"]], "written_as": r["label"]})
    questions = work / "questions.jsonl"
    questions.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in out), encoding="utf-8")
    return questions


def main() -> None:
    """Materialise the set and print the reader's figures on it at each threshold."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reader", default=str(READER_FILE), help="a reader file, its sha256 not checked (default: the shipped one)")
    parser.add_argument("--at", default="", help="thresholds, comma-separated (default: the shipped setting)")
    parser.add_argument("--part", choices=("all", "held-out"), default="all", help="every question (default) or the held-out tenth")
    args = parser.parse_args()
    work = REPO_ROOT / "build" / f"news-{args.part}"
    questions = materialise(args.part, work)
    path = Path(args.reader)
    reader = Reader(path, sha256=None).load()
    base = replace(Settings(), corpus_dir=work / "corpus", index_dir=work / "index")
    for t in [float(x) for x in args.at.split(",") if x] or [base.reader_threshold]:
        report = evaluate(Engine(replace(base, reader_threshold=t), reader=reader), questions)
        m = report.metrics()
        print(f"{path.name} {args.part} at {t:.2f}: {m['questions']} questions  " + "  ".join(f"{k} {m[k]}" for k in KEYS), flush=True)
        for kind in ("nearmiss", "unanswerable"):
            rows = [r for r in report.rows if r.row["written_as"] == kind]
            print(f"    written as {kind}: {len(rows)}, abstained {sum(r.answer.abstained for r in rows) / len(rows):.3f}", flush=True)
        for label in CLAIM_KINDS:
            rows = [r for r in report.rows if r.row["written_as"] == label]
            verdicts = Counter(r.answer.short for r in rows)
            print(f"    claims written as {label}: {len(rows)}, right {sum(r.correct for r in rows) / len(rows):.3f}; "
                  + ", ".join(f"{v} {n}" for v, n in verdicts.most_common()), flush=True)


if __name__ == "__main__":
    main()

"""Yes/no questions checked as claims, measured on BoolQ (`../shared/train/boolq_val`, Clark et al. 2019, CC BY-SA 3.0; never
trained on): each question is asked over its own Wikipedia passage, and the verdict `qa ask` gives it is tallied by the gold
yes or no. A verdict that would read as a yes ("an article says this in other words") on a "no" question, or as a no ("an
article says otherwise") on a "yes" question, is the figure to watch: it is why `ask` shows the verdict and the passage, not a
yes or a no.

    python scripts/yes_no_eval.py [--limit 600] [--seed 40]

Writes build/yes-no/{corpus,index}; the passages are read from ../shared at run time and never committed.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from dataclasses import replace

from qa.config import REPO_ROOT, Settings
from qa.pipeline import Engine, asks_whether
from qa.train import SHARED

BOOLQ = SHARED / "train" / "boolq_val" / "data__BoolQ__val.jsonl"


def main() -> None:
    """Draw the questions, index their passages, ask each and print the verdicts by gold answer."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=600, help="questions drawn (default 600)")
    parser.add_argument("--seed", type=int, default=40, help="the draw's seed (default 40)")
    args = parser.parse_args()
    rows = [json.loads(line) for line in BOOLQ.read_text(encoding="utf-8").splitlines()]
    random.Random(args.seed).shuffle(rows)
    work = REPO_ROOT / "build" / "yes-no"
    (work / "corpus").mkdir(parents=True, exist_ok=True)
    asked = []
    for i, r in enumerate(rows[:args.limit]):
        title, _, body = r["passage"].partition(" -- ")
        (work / "corpus" / f"bq_{i:04d}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
        question = r["question"].strip()
        asked.append((f"bq_{i:04d}", question[:1].upper() + question[1:] + "?", r["label"]))
    engine = Engine(replace(Settings(), corpus_dir=work / "corpus", index_dir=work / "index"))
    engine.build()
    tally: Counter[tuple[bool, str]] = Counter()
    for doc_id, question, label in asked:
        if not asks_whether(question):
            continue
        answer = engine.ask(question, doc_ids=[doc_id])
        checked = answer.answer.startswith("Checked as a claim")
        tally[(label, answer.short if checked else "abstained" if answer.abstained else "answered with a span")] += 1
    for label in (True, False):
        total = sum(n for (gold, _), n in tally.items() if gold == label)
        print(f"gold {'yes' if label else 'no'}: {total} questions; " + ", ".join(
            f"{verdict} {n}" for (gold, verdict), n in tally.most_common() if gold == label))


if __name__ == "__main__":
    main()

"""Judge files on the held-out tenth of the written news claims (eval/news_claims.jsonl), each read on the same pairs:
`python scripts/judge_compare.py [judge files]` (default: the shipped judge; a candidate's sha256 is not checked)."""

import argparse
from collections import Counter

import numpy as np

from qa.bench.judge import balanced_accuracy
from qa.judge import JUDGE_FILE, LABELS, Judge
from qa.train import SHARED, _held_out
from qa.train_judge import SUPPORTS, sources, written_pairs


def main() -> None:
    """Print, per file, the balanced accuracy (supported against not, at 0.5) and what each written label is called."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("files", nargs="*", default=[str(JUDGE_FILE)])
    args = p.parse_args()
    held = [pair for pair in written_pairs(sources(SHARED)) if _held_out(pair.group)]
    supported = np.array([pair.label == SUPPORTS for pair in held])
    for path in args.files:
        verdicts = Judge(path, sha256=None).judge([(pair.claim, pair.passage) for pair in held])
        said = np.array([v.supports >= 0.5 for v in verdicts])
        called = Counter((LABELS[pair.label], v.label) for pair, v in zip(held, verdicts))
        print(f"{path}: {len(held)} claims, balanced accuracy {balanced_accuracy(supported, said):.3f}")
        for label in LABELS:
            print(f"  written {label}: " + ", ".join(f"{n} {said}" for (written, said), n in sorted(called.items()) if written == label))


if __name__ == "__main__":
    main()

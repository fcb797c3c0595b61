"""Abstention thresholds for one or more reader files on the dev question sets: `python scripts/threshold_sweep.py [reader files] [--at 0.45,0.5]`."""

import argparse
from dataclasses import replace
from pathlib import Path

from qa.config import REPO_ROOT, Settings
from qa.evaluate import evaluate
from qa.pipeline import Engine
from qa.reader import READER_FILE, Reader

SHARED = REPO_ROOT.parent / "shared" / "eval"
SETS = [("bbc-dev", SHARED / "bbc-dev" / "questions.jsonl", SHARED / "bbc-dev" / "corpus", REPO_ROOT / "build" / "bbc-index"),
        ("dev.jsonl", SHARED / "dev.jsonl", None, None), ("extra.jsonl", REPO_ROOT / "eval" / "extra.jsonl", None, None)]
KEYS = ("answerable_correct", "unanswerable_abstained", "false_abstention", "lead_answer_right", "conflicts_flagged", "false_conflicts")


class MemoReader(Reader):
    """A reader file (its sha256 not checked: it may be a candidate) whose readings are kept, so each threshold reuses them."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, sha256=None)
        self.memo: dict = {}

    def read(self, question, windows, within=()):  # noqa: ANN001, ANN201 - as Reader.read
        """Reader.read, each (question, window, ranges) read once."""
        keys = [(question, w, tuple(within[i]) if within else ()) for i, w in enumerate(windows)]
        todo = [i for i, k in enumerate(keys) if k not in self.memo]
        if todo:
            got = super().read(question, [windows[i] for i in todo], [within[i] for i in todo] if within else ())
            self.memo.update({keys[i]: r for i, r in zip(todo, got)})
        return [self.memo[k] for k in keys]


def main() -> None:
    """Print each set's figures at each threshold for each reader file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("readers", nargs="*", default=[str(READER_FILE)])
    parser.add_argument("--at", default="0.45,0.5,0.55,0.6", help="thresholds, comma-separated")
    args = parser.parse_args()
    for path in args.readers:
        reader = MemoReader(Path(path)).load()
        for name, questions, corpus, index in SETS:
            base = Settings() if corpus is None else replace(Settings(), corpus_dir=corpus, index_dir=index)
            for t in (float(x) for x in args.at.split(",")):
                settings = replace(base, reader_threshold=t, conflict_threshold=max(t, base.conflict_threshold))
                m = evaluate(Engine(settings, reader=reader), questions).metrics()
                print(f"{Path(path).name:20} {name:12} {t:.2f}  " + "  ".join(f"{k} {m[k]}" for k in KEYS), flush=True)


if __name__ == "__main__":
    main()

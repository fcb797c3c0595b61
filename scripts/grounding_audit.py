"""Material for the hand audit of the grounding check: a local model answers external questions; the trained judge and the
rule-based check of an earlier commit (run from a git worktree of it, on the same replies and passages) each say which sentences
stand. Writes one JSON line per generated sentence, with both verdicts and the source sentences each check cites.

    python scripts/grounding_audit.py --split test --limit 60 --out build/audit/sentences.jsonl

With --recheck LABELS it asks no model: the sentences written before are checked again by the current check (each question's
sentences as one reply, against every passage shown for it) and counted by their hand labels (docs/audit/).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from qa.answer.generate import passages, prompt
from qa.answer.grounding import split_reply, verify
from qa.bench import datasets as ds
from qa.bench.quality import MemoEmbedder, _take, engines
from qa.config import REPO_ROOT, Settings
from qa.embed import default_embedder
from qa.llm import generator_from
from qa.pipeline import Engine

RULES = "b7c538d"
# Run inside the earlier commit's worktree: its verify() on each reply, over the index the audit built.
RULE_CHECK = r"""
import json, sys
from dataclasses import replace
from pathlib import Path
from qa.answer.generate import passages
from qa.answer.grounding import verify
from qa.config import Settings
from qa.pipeline import Engine
from qa.types import Hit
engines = {}
for line in sys.stdin:
    job = json.loads(line)
    key = (job["corpus"], job["index"])
    if key not in engines:
        engines[key] = Engine(replace(Settings(), corpus_dir=Path(job["corpus"]), index_dir=Path(job["index"])))
    engine = engines[key]
    index = engine.index()
    chunks = {c.chunk_id: c for c in index.chunks}
    shown = passages(index, [Hit(chunks[c], 1.0) for c in job["chunks"]])
    out = [{"text": c.text, "kept": c.supported, "reason": c.reason, "source": c.source.text if c.source else ""}
           for c in verify(job["reply"], shown, engine.embedder, index, job["question"])]
    print(json.dumps(out), flush=True)
"""


def jobs(ext: Path, work: Path, split: str, limit: int) -> Iterator[tuple[str, Engine, str]]:
    """(dataset, engine, question) for the chosen external questions, each corpus indexed once (RGB, last: one per question)."""
    embedder = MemoEmbedder(default_embedder(Settings().encode_batch, Settings().embedder))
    docs, squad = ds.load_squad(ext / ds.SQUAD)
    engine = engines(docs, work / "squad", embedder)["hybrid"]
    for q in _take(squad, [split], limit):
        yield "SQuAD 2.0", engine, q.question
    docs, multihop = ds.load_multihop(ext / ds.MULTIHOP)
    engine = engines(docs, work / "multihop", embedder)["hybrid"]
    for q in _take(multihop, [split], limit):
        yield "MultiHop-RAG", engine, q.query
    for n, item in enumerate(_take(ds.load_rgb(ext / ds.RGB), [split], limit)):
        folder = Path(tempfile.mkdtemp(dir=work, prefix=f"rgb{n}-"))
        yield "RGB en_fact", engines(ds.rgb_corpus(item, "noise"), folder, embedder)["hybrid"], item.query


def rule_checker(rev: str) -> subprocess.Popen:
    """The earlier commit's check in a subprocess reading jobs on stdin."""
    tree = REPO_ROOT / "build" / f"engine-{rev}"
    if not tree.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), rev], cwd=REPO_ROOT, check=True, capture_output=True)
    env = os.environ | {"PYTHONPATH": str(tree), "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, "-c", RULE_CHECK], cwd=tree, env=env, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def recheck(sentences: Path, labels: Path, ext: Path, work: Path, split: str, limit: int) -> None:
    """Print, by hand label, what the audit's judge kept and what the current check keeps of the same sentences."""
    rows = [json.loads(line) for line in sentences.read_text(encoding="utf-8").splitlines()]
    label = {int(n): tag for n, tag, *_ in (line.split(" ", 2) for line in labels.read_text(encoding="utf-8").splitlines() if line[:1].isdigit())}
    by_question: dict[str, list[int]] = {}
    for n, row in enumerate(rows):
        by_question.setdefault(row["question"], []).append(n)
    then: Counter[str] = Counter()
    now: Counter[str] = Counter()
    for _, engine, question in jobs(ext, work, split, limit):
        index = engine.index()
        shown = passages(index, engine.search(question))
        ids = by_question.pop(question, [])
        reply = " ".join(rows[n]["sentence"].rstrip() + ("" if rows[n]["sentence"].rstrip()[-1:] in ".!?" else ".") for n in ids)
        checked = {c.text.rstrip("."): c for c in verify(reply, shown, engine.embedder, index, engine.judge, question)} if ids else {}
        for n in ids:
            then[label[n]] += bool(rows[n]["judge_kept"])
            kept = checked.get(rows[n]["sentence"].rstrip().rstrip("."))
            now[label[n]] += bool(kept and kept.supported)
            if kept and kept.supported != rows[n]["judge_kept"]:
                print(f"#{n} {label[n]} {'kept' if kept.supported else 'cut: ' + kept.reason} | {rows[n]['sentence'][:100]}")
    for name, counts in (("the audit's judge", then), ("the current check", now)):
        claims = sum(v for k, v in counts.items() if k != "X")
        print(f"{name}: kept {claims} (S {counts['S']}, P {counts['P']}, N {counts['N']}, X {counts['X']}), "
              f"unsupported {100 * counts['N'] / max(claims, 1):.1f} %")


def main() -> None:
    """Answer, check both ways, write the sentences (or, with --recheck, check the written ones again)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ext", default=str(REPO_ROOT.parent / "shared" / "ext"))
    p.add_argument("--split", default="test", choices=("dev", "test"))
    p.add_argument("--limit", type=int, default=60, help="questions per dataset, spread evenly over the split")
    p.add_argument("--rules", default=RULES, help="the commit whose rule-based check runs beside the judge")
    p.add_argument("--out", default=str(REPO_ROOT / "build" / "audit" / "sentences.jsonl"))
    p.add_argument("--recheck", metavar="LABELS", help="check the sentences in --out again and count them by these hand labels")
    args = p.parse_args()
    out = Path(args.out)
    work = out.parent / "work"
    work.mkdir(parents=True, exist_ok=True)
    if args.recheck:
        recheck(out, Path(args.recheck), Path(args.ext), work, args.split, args.limit)
        return
    generator = generator_from()
    rules = rule_checker(args.rules)
    assert rules.stdin and rules.stdout
    with out.open("w", encoding="utf-8") as fh:
        for n, (dataset, engine, question) in enumerate(jobs(Path(args.ext), work, args.split, args.limit), start=1):
            index = engine.index()
            hits = engine.search(question)
            shown = passages(index, hits)
            reply = "".join(generator.stream(prompt(index, question, shown))).strip()
            if not split_reply(reply):
                continue
            judged = verify(reply, shown, engine.embedder, index, engine.judge, question)
            rules.stdin.write(json.dumps({"corpus": str(engine.settings.corpus_dir.resolve()), "index": str(engine.settings.index_dir.resolve()), "question": question,
                                          "reply": reply, "chunks": [h.chunk.chunk_id for h in hits[:len(shown)]]}) + "\n")
            rules.stdin.flush()
            by_rules = {r["text"]: r for r in json.loads(rules.stdout.readline())}
            for c in judged:
                rule = by_rules.get(c.text, {})
                fh.write(json.dumps({
                    "dataset": dataset, "question": question, "sentence": c.text,
                    "judge_kept": c.supported, "judge_reason": c.reason,
                    "judge_source": " ".join(s.text for s in (c.source, c.also) if s is not None),
                    "rules_kept": rule.get("kept"), "rules_reason": rule.get("reason"), "rules_source": rule.get("source"),
                }, ensure_ascii=False) + "\n")
            fh.flush()
            print(f"{n} {dataset}: {sum(c.supported for c in judged)}/{len(judged)} kept by the judge", file=sys.stderr, flush=True)
    rules.stdin.close()
    rules.wait(timeout=60)


if __name__ == "__main__":
    main()

"""The claim judge on sets it never trained on (`../shared/train/eval-only/`): balanced accuracy of supported versus not.

Summaries and claims longer than a sentence are judged as factual-consistency checkers judge them: each sentence of the claim
against the source sentences that share most words with it (each alone, and the best two together), the claim supported only
when every one of its sentences is.
"""

from __future__ import annotations

import csv
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from qa.bench.report import code_version, replace_section
from qa.config import REPO_ROOT
from qa.judge import Judge, shared_judge
from qa.text import closest, sentence_spans

# (name, claim, source, supported) per set; each set is sampled to at most PER_SET pairs, the same ones every run.
Pair = tuple[str, str, bool]
PER_SET = 400
SUPPORTED_AT = 0.5
# Published balanced accuracy on LLM-AggreFact (news and other sources; a different benchmark from these sets).
PUBLISHED = {"MiniCheck-FT5": 74.7, "HHEM-2.1-Open": 76.6, "GPT-4": 75.3}


def _jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as f:
        yield from (json.loads(line) for line in f if line.strip())


def _tsv(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as f:
        yield from csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)


def qags(root: Path) -> Iterator[Pair]:
    """QAGS: summary sentences of CNN/DM and XSum articles, supported when most annotators said yes."""
    for name in ("cnndm", "xsum"):
        for row in _jsonl(root / f"qags/data__mturk_{name}.jsonl"):
            for s in row["summary_sentences"]:
                yes = sum(r["response"] == "yes" for r in s["responses"])
                yield s["sentence"], row["article"], yes * 2 > len(s["responses"])


def faithbench(root: Path) -> Iterator[Pair]:
    """FaithBench: LLM summaries with the worst annotated label; consistent (or only benign) counts as supported."""
    with (root / "faithbench/FaithBench.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["worst-label"]:
                yield row["summary"].strip(), row["source"], row["worst-label"] in ("Consistent", "Benign")


def anli(root: Path) -> Iterator[Pair]:
    """Adversarial NLI rounds 1-3, dev and test: entailment is supported."""
    for r in (1, 2, 3):
        for split in ("dev", "test"):
            for row in _jsonl(root / f"anli_devtest/data__anli_v1.0__R{r}__{split}.jsonl"):
                yield row["hypothesis"], row["context"], row["label"] == "e"


def rte(root: Path) -> Iterator[Pair]:
    """RTE (GLUE dev): entailment is supported."""
    for row in _tsv(root / "rte_glue/data__RTE__dev.tsv"):
        yield row["sentence2"], row["sentence1"], row["label"] == "entailment"


def covidfact(root: Path) -> Iterator[Pair]:
    """COVID-Fact as entailment (the labelled train and dev files): news-derived claims and their evidence."""
    for split in ("train", "dev"):
        for row in _tsv(root / f"covidfact/RTE-covidfact__{split}.tsv"):
            label = (row.get("entailment") or row.get("label") or "").strip()
            yield row["Sentence2"], row["sentence1"], label in ("e", "entailment")


def climate_fever(root: Path) -> Iterator[Pair]:
    """Climate-FEVER: each claim against each of its evidence sentences, supported where the evidence is labelled so."""
    for row in _jsonl(root / "climate_fever/dataset__climate-fever.jsonl"):
        for e in row["evidences"]:
            yield row["claim"], e["evidence"], e["evidence_label"] == "SUPPORTS"


def fnc1(root: Path) -> Iterator[Pair]:
    """FNC-1 (test): a headline against its article body; related stances only, 'agree' is supported."""
    with (root / "fnc1_test/competition_test_bodies.csv").open(encoding="utf-8") as f:
        bodies = {row["Body ID"]: row["articleBody"] for row in csv.DictReader(f)}
    with (root / "fnc1_test/competition_test_stances.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["Stance"] in ("agree", "disagree"):
                yield row["Headline"], bodies[row["Body ID"]], row["Stance"] == "agree"


def news_claims(root: Path) -> Iterator[Pair]:
    """Claims written for this project over news articles (docs/news-claims.md), the held-out tenth: each against the sentences its
    evidence spans, supported or not (contradicted or not addressed)."""
    from qa.train import _held_out
    from qa.train_judge import SUPPORTS, sources, written_pairs

    for pair in written_pairs(sources(root.parents[1])):
        if _held_out(pair.group):
            yield pair.claim, pair.passage, pair.label == SUPPORTS


SETS = {"news_claims": news_claims, "qags": qags, "faithbench": faithbench, "covidfact": covidfact, "fnc1": fnc1, "climate_fever": climate_fever, "anli": anli, "rte": rte}
NEWS = {"news_claims", "qags", "faithbench", "covidfact", "fnc1"}


def _readings(claim: str, source: str, k: int = 3) -> list[str]:
    """The passages one claim sentence is read against: the source itself when short, else its closest sentences and the best two."""
    if len(sentence_spans(source)) <= 2:
        return [source]
    best = closest(source, claim, k)
    return [source[s:e] for s, e in best] + [" ".join(source[s:e] for s, e in sorted(best[:2]))]


def support(judge: Judge, claim: str, source: str) -> float:
    """The probability the source supports every sentence of a claim: the least supported sentence's best reading."""
    parts = [claim[s:e] for s, e in sentence_spans(claim)] or [claim]
    jobs = [(i, reading) for i, part in enumerate(parts) for reading in _readings(part, source)]
    verdicts = judge.judge([(parts[i], reading) for i, reading in jobs])
    best = [max(v.supports for (i, _), v in zip(jobs, verdicts) if i == n) for n in range(len(parts))]
    return min(best)


def balanced_accuracy(labels: np.ndarray, said: np.ndarray) -> float:
    """The mean of the recall on supported and on unsupported pairs."""
    return float(np.mean([np.mean(said[labels]), np.mean(~said[~labels])]))


def run(root: Path, per_set: int = PER_SET, judge: Judge | None = None, log=print) -> dict[str, dict[str, float]]:  # noqa: ANN001 - a print-like callable
    """Each set sampled (seed 0), judged; balanced accuracy at SUPPORTED_AT and at the best threshold (an upper bound, not tuned on)."""
    judge = judge or shared_judge()
    out = {}
    for name, read in SETS.items():
        pairs = list(read(root))
        random.Random(0).shuffle(pairs)
        pairs = pairs[:per_set]
        began = time.perf_counter()
        scores = np.array([support(judge, c, s) for c, s, _ in pairs])
        labels = np.array([y for _, _, y in pairs])
        oracle = max(balanced_accuracy(labels, scores >= t) for t in np.arange(0.05, 0.96, 0.05))
        out[name] = {"pairs": len(pairs), "supported": float(labels.mean()), "balanced_accuracy": balanced_accuracy(labels, scores >= SUPPORTED_AT),
                     "best_threshold_balanced_accuracy": oracle, "seconds": time.perf_counter() - began}
        log(f"{name}: {out[name]}")
    return out


def table(results: dict[str, dict[str, float]]) -> str:
    """The figures as a Markdown table, the news sets' mean last."""
    lines = ["| set | news | pairs | supported share | balanced accuracy (at 0.5) | at the best threshold (upper bound) |",
             "| --- | --- | --: | --: | --: | --: |"]
    for name, m in results.items():
        lines.append(f"| {name} | {'yes' if name in NEWS else 'no'} | {m['pairs']} | {m['supported']:.2f} | {100 * m['balanced_accuracy']:.1f} | "
                     f"{100 * m['best_threshold_balanced_accuracy']:.1f} |")
    news = [results[n]["balanced_accuracy"] for n in results if n in NEWS]
    lines.append(f"| mean of the news sets | | | | {100 * np.mean(news):.1f} | |")
    published = ", ".join(f"{k} {v}" for k, v in PUBLISHED.items())
    return "\n".join(lines) + f"\n\nPublished balanced accuracy on LLM-AggreFact (another benchmark, for scale only): {published}."


def main(root: Path, out: Path | None, per_set: int = PER_SET) -> str:
    """Run, print the table, and write it into the report."""
    results = run(root, per_set, log=lambda line: print(line, file=sys.stderr, flush=True))
    body = (f"{table(results)}\n\nRun {time.strftime('%Y-%m-%d %H:%M')} with `qa bench judge` at {code_version()}: {per_set} pairs per set "
            "at most, sampled with seed 0; none of these sets was trained on.")
    print(body)
    if out is not None:
        replace_section(out, "judge", body, title="# Claim judge on held-out sets")
    return body


DEFAULT_ROOT = REPO_ROOT.parent / "shared" / "train" / "eval-only"

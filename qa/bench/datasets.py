"""The external benchmark sets as corpora and questions, and their standard answer checks.

SQuAD 2.0 (CS224N split): one article per Wikipedia page, paragraphs joined by blank lines, each paragraph's
offsets kept. RGB en_fact: a tiny corpus per question and condition. MultiHop-RAG: one article per evidence
article, its facts as paragraphs. Dev/test splits follow shared/ext/README.md.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.config import REPO_ROOT
from qa.corpus import META_FIELDS, META_SUFFIX
from qa.types import Document

EXT_DIR = REPO_ROOT.parent / "shared" / "ext"
SQUAD = "squad2_dev_cs224n/dev-v2.0.json"
RGB = "rgb/en_fact.json"
MULTIHOP = "multihop_rag_sample500/merged_sample500.jsonl"
SQUAD_DEV_ARTICLES = 8
RGB_DEV_IDS = 50
MULTIHOP_DEV_LINES = 250


def write_corpus(docs: Iterable[Document], folder: Path) -> Path:
    """Write articles as `<id>.txt` and `<id>.meta.json`, replacing whatever articles the folder held."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*"):
        if old.is_file():
            old.unlink()
    for doc in docs:
        (folder / f"{doc.doc_id}.txt").write_bytes(doc.text.encode("utf-8"))
        meta = {k: getattr(doc, k) for k in META_FIELDS}
        (folder / f"{doc.doc_id}{META_SUFFIX}").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return folder


# SQuAD 2.0 -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SquadQuestion:
    """A SQuAD question located in the corpus: its gold paragraph and answer spans as article offsets."""

    qid: str
    question: str
    doc_id: str
    split: str
    paragraph: tuple[int, int]
    answers: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    impossible: bool


def load_squad(path: Path) -> tuple[list[Document], list[SquadQuestion]]:
    """The articles of a SQuAD file as a corpus, and every question with its gold paragraph's offsets."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    docs, questions = [], []
    for n, article in enumerate(data):
        doc_id = f"{n:02d}_{re.sub(r'[^A-Za-z0-9_-]+', '_', article['title'])}"
        split = "dev" if n < SQUAD_DEV_ARTICLES else "test"
        parts, offset = [], 0
        for para in article["paragraphs"]:
            context = para["context"]
            for qa in para["qas"]:
                answers = tuple(a["text"] for a in qa["answers"])
                spans = tuple((offset + a["answer_start"], offset + a["answer_start"] + len(a["text"])) for a in qa["answers"])
                questions.append(SquadQuestion(qa["id"], qa["question"], doc_id, split, (offset, offset + len(context)), answers, spans,
                                               bool(qa.get("is_impossible"))))
            parts.append(context)
            offset += len(context) + 2
        docs.append(Document(doc_id, "\n\n".join(parts), title=article["title"].replace("_", " "), outlet="Wikipedia"))
    return docs, questions


_PUNCTUATION = frozenset(string.punctuation)


def normalize_answer(text: str) -> str:
    """SQuAD's normalisation: lower case, no punctuation, no articles, single spaces."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(re.sub(r"\b(a|an|the)\b", " ", text).split())


def exact_match(gold: str, prediction: str) -> float:
    """1.0 when the normalised strings are equal."""
    return float(normalize_answer(gold) == normalize_answer(prediction))


def f1_score(gold: str, prediction: str) -> float:
    """SQuAD's token-overlap F1 of two answers; two empty answers score 1."""
    gold_tokens, pred_tokens = normalize_answer(gold).split(), normalize_answer(prediction).split()
    if not gold_tokens or not pred_tokens:
        return float(gold_tokens == pred_tokens)
    same = sum((Counter(gold_tokens) & Counter(pred_tokens)).values())
    if not same:
        return 0.0
    precision, recall = same / len(pred_tokens), same / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def squad_scores(golds: Iterable[str], prediction: str) -> tuple[float, float]:
    """Exact match and F1 against the best gold answer; no gold answer means the right prediction is empty."""
    answers = [g for g in golds if normalize_answer(g)] or [""]
    return max(exact_match(g, prediction) for g in answers), max(f1_score(g, prediction) for g in answers)


# RGB en_fact -------------------------------------------------------------------------------------------

# The passages each condition puts in a question's corpus.
RGB_CONDITIONS = {"noise": ("positive", "negative"), "rejection": ("negative",), "counterfactual": ("positive", "positive_wrong")}


@dataclass(frozen=True)
class RgbItem:
    """One RGB question with its three groups of passages."""

    qid: int
    query: str
    answer: Any
    fake: Any
    split: str
    passages: dict[str, tuple[str, ...]]


def load_rgb(path: Path) -> list[RgbItem]:
    """The questions of an RGB file (JSON Lines)."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        passages = {group: tuple(row.get(group, [])) for group in ("positive", "negative", "positive_wrong")}
        items.append(RgbItem(int(row["id"]), row["query"], row["answer"], row.get("fakeanswer"),
                             "dev" if int(row["id"]) < RGB_DEV_IDS else "test", passages))
    return items


def rgb_corpus(item: RgbItem, condition: str) -> list[Document]:
    """The tiny corpus of one question under one condition: one untitled article per passage."""
    return [Document(f"{group}_{i:02d}", text, "") for group in RGB_CONDITIONS[condition] for i, text in enumerate(item.passages[group])
            if text.strip()]


def rgb_correct(prediction: str, answer: Any) -> bool:
    """RGB's check: every gold element (a string, or a list of alternatives) occurs in the prediction, case-insensitively."""
    text = prediction.lower()
    wanted = answer if isinstance(answer, list) else [answer]
    return bool(wanted) and all(any(a.lower() in text for a in (w if isinstance(w, list) else [w])) for w in wanted)


# MultiHop-RAG -------------------------------------------------------------------------------------------

YES_NO = frozenset({"yes", "no", "true", "false"})


@dataclass(frozen=True)
class MultihopQuestion:
    """A MultiHop-RAG question with the corpus articles its evidence comes from."""

    qid: str
    query: str
    kind: str
    answer: str
    split: str
    gold_docs: tuple[str, ...]
    extractable: bool


def _article_key(evidence: dict[str, Any]) -> str:
    """What identifies an evidence article."""
    return f"{evidence.get('source', '')}\n{evidence.get('title', '')}"


def load_multihop(path: Path) -> tuple[list[Document], list[MultihopQuestion]]:
    """A corpus of the evidence facts grouped by article (metadata kept), and the questions with their gold articles."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    facts: dict[str, list[str]] = {}
    meta: dict[str, dict[str, Any]] = {}
    for row in rows:
        for ev in row["evidence_list"]:
            key = _article_key(ev)
            meta.setdefault(key, ev)
            if ev["fact"].strip() not in facts.setdefault(key, []):
                facts[key].append(ev["fact"].strip())
    ids = {key: f"{n:03d}_{hashlib.sha1(key.encode()).hexdigest()[:8]}" for n, key in enumerate(facts)}
    docs = [Document(ids[key], "\n\n".join(facts[key]), title=meta[key].get("title", ""), outlet=meta[key].get("source", ""),
                      author=meta[key].get("author") or "", date=(meta[key].get("published_at") or "")[:10], url=meta[key].get("url") or "")
            for key in facts]
    questions = []
    for n, row in enumerate(rows):
        answer = str(row["answer"])
        evidence = row["evidence_list"]
        found = any(re.search(rf"(?<!\w){re.escape(answer)}(?!\w)", ev["fact"], re.I) for ev in evidence)
        questions.append(MultihopQuestion(str(row["id"]), row["query"], row["question_type"], answer,
                                          "dev" if n < MULTIHOP_DEV_LINES else "test",
                                          tuple(dict.fromkeys(ids[_article_key(ev)] for ev in evidence)),
                                          answer.lower() not in YES_NO and found))
    return docs, questions

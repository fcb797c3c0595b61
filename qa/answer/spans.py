"""What a question asks for, and the spans in a sentence that could answer it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from qa.text import stem, words


class Kind(Enum):
    """The kind of answer a question expects."""

    MONEY = "money"
    COUNT = "count"
    DATE = "date"
    PERCENT = "percent"
    PERSON = "person"
    ENTITY = "entity"
    OTHER = "other"


_KIND_PATTERNS = [
    (Kind.PERCENT, r"\bwhat (?:share|percentage|percent|proportion|fraction|portion)\b|\bhow (?:large|big) a share\b"),
    (Kind.MONEY, r"\bhow much\b|\b(?:dollar|yen) (?:value|amount|figure)\b|\bwhat (?:is|was|are|were) the (?:\w+ ){0,3}"
                 r"(?:ceiling|cost|price|budget|amount|value|funding|investment|sum|allocation)\b|\bhow (?:large|big) is the (?:\w+ )?(?:fund|budget|investment)"),
    (Kind.COUNT, r"\bhow many\b|\bwhat (?:is|was) the (?:number|count|population|headcount) of\b"),
    (Kind.DATE, r"^\s*(?:by |since |until )?when\b|\bwhat (?:year|date|month|day)\b|\bwhich (?:year|date|month|day)\b|\bby when\b|\bin what year\b"),
    (Kind.PERSON, r"^\s*who\b|\bwhom\b|\bwhich (?:person|minister|official|executive|researcher|analyst|ceo|founder)\b"),
    (Kind.ENTITY, r"^\s*which \w+|^\s*what (?!is\b|are\b|was\b|were\b|does\b|do\b|did\b|will\b|would\b|can\b|could\b|should\b|has\b|have\b|had\b"
                  r"|happen|caus|make|made|mean|lead|led|drive|prompt|trigger|worr|concern)\w+(?<!ed)\b"),
]

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s?(?:million|billion|trillion|bn|mn)\b)?"
_APPROX = r"(?:(?:~|about |roughly |around |approximately |nearly |almost |up to |more than |over |some )\s*)?"
_MONEY_RE = re.compile(
    rf"{_APPROX}(?:[¥$€£]\s?(?:{_NUM}){_SCALE}|(?:{_NUM}){_SCALE}\s?(?:yen|dollars|won|euros|pounds|US dollars)\b)", re.I
)
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty".split())} | {"thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12}
_COUNT_RE = re.compile(
    rf"\b{_APPROX}(?:(?:{_NUM})(?:\s?(?:million|billion|thousand))?(?:-plus)?|(?:{'|'.join(NUMBER_WORDS)})(?=[\s-]))"
    r"(?:[\s-]+(?:[A-Za-z][\w-]*\s){0,2}[A-Za-z][\w-]*)?", re.I
)
_MONTHS = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_DATE_RE = re.compile(
    rf"\b(?:(?:early|mid|late)-)?{_MONTHS}\.?(?: \d{{1,2}}(?:st|nd|rd|th)?)?(?:,? \d{{4}})?\b"
    r"|\b(?:FY|fiscal (?:year )?)\s?\d{4}\b|\bthis fiscal year\b|\b(?:19|20)\d{2}\b"
)
_PERCENT_RE = re.compile(
    rf"{_APPROX}(?:{_NUM})\s?(?:%|percent\b|per cent\b)|\b{_APPROX}(?:half|a third|one[- ]third|two[- ]thirds|a quarter|three[- ]quarters|seven[- ]tenths)\b",
    re.I,
)
_NAME_RE = re.compile(r"\b[A-Z][\w’'&.-]*(?:\s+(?:of\s+|de\s+|the\s+)?[A-Z][\w’'&.-]*){0,4}")
_NOT_NAMES = frozenset(
    "the a an on in at by for and but or as this that these those it its his her their he she they we i why what who when how "
    "which where if while after before since so our not no yes also about around roughly nearly some".split()
)


@dataclass(frozen=True)
class Span:
    """A candidate answer inside a sentence, offsets relative to the sentence."""

    start: int
    end: int
    text: str
    kind: Kind


def question_kind(question: str) -> Kind:
    """The kind of answer a question expects."""
    q = question.lower().strip()
    for kind, pattern in _KIND_PATTERNS:
        if re.search(pattern, q):
            return kind
    return Kind.OTHER


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


def focus_nouns(question: str) -> list[str]:
    """The stems of the focus words."""
    return [stem(w) for w in focus_words(question)]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim trailing punctuation and spaces off a span."""
    while end > start and text[end - 1] in " ,;:.)—–-'\"”’" and not (text[end - 1] == ")" and "(" in text[start:end]):
        end -= 1
    while start < end and text[start] in " (\"“‘":
        start += 1
    return start, end


def _name_spans(sentence: str, question_words: set[str]) -> list[tuple[int, int]]:
    """Capitalised runs that are not question words or sentence-initial function words."""
    spans = []
    for found in _NAME_RE.finditer(sentence):
        toks = found.group(0).split()
        while toks and (toks[0].lower() in _NOT_NAMES or toks[0].lower().strip("’'s") in question_words):
            toks = toks[1:]
        while toks and (toks[-1].lower() in _NOT_NAMES or toks[-1].lower() in question_words):
            toks = toks[:-1]
        if not toks:
            continue
        if len(toks) == 1 and re.fullmatch(_MONTHS, toks[0].rstrip(".")):
            continue
        start = sentence.find(toks[0], found.start())
        end = sentence.find(toks[-1], start) + len(toks[-1])
        end -= 2 if sentence[end - 2:end] in ("'s", "’s") else 0
        spans.append(_strip(sentence, start, end))
    return spans


def candidate_spans(sentence: str, kind: Kind, question: str) -> list[Span]:
    """Spans of the expected kind in a sentence that do not merely repeat the question."""
    qwords = set(words(question))
    qstems = {stem(w) for w in qwords}
    if kind is Kind.MONEY:
        raw = [(m.start(), m.end()) for m in _MONEY_RE.finditer(sentence)]
        for _, _, start, end in money_conversions(sentence):
            raw = [(a, b) for a, b in raw if not start <= a < end] + [(start, end)]
        raw.sort()
    elif kind is Kind.PERCENT:
        raw = [(m.start(), m.end()) for m in _PERCENT_RE.finditer(sentence)]
    elif kind is Kind.DATE:
        raw = [(m.start(), m.end()) for m in _DATE_RE.finditer(sentence)]
    elif kind is Kind.COUNT:
        money = [(m.start(), m.end()) for m in _MONEY_RE.finditer(sentence)]
        raw = []
        for m in _COUNT_RE.finditer(sentence):
            number = re.match(rf"{_APPROX}(\S+)", m.group(0), re.I)
            if number and re.fullmatch(r"(?:19|20)\d\d", number.group(1).rstrip(",.")):
                continue
            if re.match(r"\s*(?:%|percent|per cent)", sentence[m.end():]) or re.match(r"[\d.]+%", m.group(0)):
                continue
            if re.match(r"(?i)(?:one|two|three)\s+of\b", m.group(0)) or any(a <= m.start() < b for a, b in money) or re.search(rf"{_MONTHS}\.?\s*$", sentence[:m.start()]):
                continue
            raw.append((m.start(), m.end()))
    elif kind in (Kind.PERSON, Kind.ENTITY):
        raw = _name_spans(sentence, qwords)
    else:
        return []
    spans = []
    for start, end in raw:
        start, end = _strip(sentence, start, end)
        text = sentence[start:end]
        if not text:
            continue
        if kind in (Kind.PERSON, Kind.ENTITY) and {stem(w) for w in words(text)} <= qstems:
            continue
        if kind is not Kind.COUNT and {stem(w) for w in words(text)} <= qstems:
            continue
        spans.append(Span(start, end, text, kind))
    return spans


def count_span(span: Span, focus: list[str]) -> Span:
    """A counted span cut to its number and the thing counted: the last focus word, else the next word."""
    toks = span.text.split()
    number = next((i for i, t in enumerate(toks) if re.match(r"\d|" + "|".join(NUMBER_WORDS), t, re.I)), 0)
    while number + 1 < len(toks) and toks[number + 1].lower() in ("thousand", "million", "billion", "trillion"):
        number += 1
    keep = number + 1 if "-" in toks[number] and not toks[number].endswith("-plus") else min(len(toks), number + 2)
    for i, tok in enumerate(toks[number + 1:], start=number + 2):
        if any(stem(w) in focus for w in words(tok)):
            keep = i
    text = " ".join(toks[:keep])
    return Span(span.start, span.start + len(text), text, span.kind)


def number_value(text: str) -> float | None:
    """The magnitude a figure states: '¥1 trillion' -> 1e12, 'about 30 companies' -> 30."""
    scale = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
    found = re.search(rf"({_NUM})\s?(thousand|million|mn|billion|bn|trillion)?", text, re.I)
    if found:
        value = float(found.group(1).replace(",", ""))
        return value * scale.get((found.group(2) or "").lower(), 1.0)
    for word in words(text):
        for part in word.split("-"):
            if part in NUMBER_WORDS:
                return float(NUMBER_WORDS[part])
    return None


_CURRENCIES = {"¥": "yen", "yen": "yen", "$": "usd", "dollar": "usd", "won": "krw", "€": "eur", "euro": "eur", "£": "gbp", "pound": "gbp"}


def currency(text: str) -> str:
    """The currency a money span is stated in: the first one it names."""
    low = text.lower()
    found = [(low.find(symbol), name) for symbol, name in _CURRENCIES.items() if symbol in low]
    return min(found)[1] if found else ""


def dates(text: str) -> list[str]:
    """The dates a text states, as written: 'May 2025', 'FY2026', '2029'."""
    return [m.group(0) for m in _DATE_RE.finditer(text)]


def figures(text: str) -> list[tuple[str, float | None]]:
    """Every amount a money span states, with its currency: '¥1 trillion ($6.2 billion)' gives two."""
    return [(currency(m.group(0)), number_value(m.group(0))) for m in _MONEY_RE.finditer(text)]


def unit_noun(span_text: str) -> str:
    """The stem of the thing a count counts ('44 companies' -> 'compani')."""
    synonyms = {"firm": "compani", "compani": "compani", "busi": "compani", "member": "compani"}
    for tok in reversed(words(span_text)):
        for part in reversed(tok.split("-")):
            if part and not part[0].isdigit() and part not in NUMBER_WORDS and part not in ("about", "around", "roughly", "approximately", "plus", "nearly"):
                s = stem(part)
                return synonyms.get(s, s)
    return ""


def money_conversions(sentence: str) -> list[tuple[str, str, int, int]]:
    """Pairs like '¥1 trillion ($6.2 billion)': (amount, converted amount, start, end of the whole) in a sentence."""
    spans = list(_MONEY_RE.finditer(sentence))
    pairs = []
    for a, b in zip(spans, spans[1:]):
        between = sentence[a.end():b.start()]
        if re.fullmatch(r"\s*\(\s*", between) and currency(a.group(0)) != currency(b.group(0)):
            close = sentence.find(")", b.end())
            pairs.append((a.group(0).strip(), b.group(0).strip(), a.start(), close + 1 if close >= 0 else b.end()))
    return pairs

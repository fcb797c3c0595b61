"""Text primitives shared by the stages: sentence spans, tokens, stems, stopwords."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers him his how i if in into is it its itself just me more most my no nor not of off on once only or other our
    out over own same she should so some such than that the their them then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would you your yours
    also s t according did does say says said tell told piece article report reported much many among across within
    without via per upon toward towards onto beyond around near amid despite versus whether either neither yet still
    think thinks believe believes feel feels""".split()
)
QUESTION_WORDS = frozenset("what which who whom whose when where why how".split())

_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Col|Lt|St|Jr|Sr|Inc|Ltd|Co|Corp|vs|etc|No|Nos|Fig|approx|e\.g|i\.e|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z](?:\.[A-Z])*|\bU\.S|\bU\.K|\bU\.N)\.$"
)
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9¥$€£])")
_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*|[¥$€£]")
_CURRENCY = {"¥": "yen", "$": "dollar", "€": "euro", "£": "pound"}
_LEADING = " \t•·*-–—>|"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow a span past leading bullets and trailing blanks."""
    while start < end and text[start] in _LEADING:
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a text: lines first, then sentence ends within a line."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        pos = line.start()
        for boundary in _BOUNDARY.finditer(line.group(0)):
            cut = line.start() + boundary.start()
            head = text[pos:cut + 1]
            if _ABBREV.search(head) or re.search(r"\d\.$", head) and text[cut + 1:cut + 2].isdigit():
                continue
            spans.append((pos, cut + len(boundary.group(0).rstrip())))
            pos = line.start() + boundary.end()
        spans.append((pos, line.end()))
    trimmed = (_trim(text, s, e) for s, e in spans)
    return [(s, e) for s, e in trimmed if e - s >= 2 and re.search(r"\w", text[s:e])]


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    """The English Snowball stemmer, made once."""
    return snowballstemmer.stemmer("english")


IRREGULAR = {
    "began": "begin", "begun": "begin", "led": "lead", "won": "win", "made": "make", "took": "take", "taken": "take",
    "gave": "give", "given": "give", "went": "go", "gone": "go", "held": "hold", "paid": "pay", "sold": "sell",
    "bought": "buy", "built": "build", "brought": "bring", "chose": "choose", "chosen": "choose", "grew": "grow",
    "grown": "grow", "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall", "spent": "spend", "sent": "send",
    "met": "meet", "left": "leave", "lost": "lose", "found": "find", "thought": "think", "saw": "see", "seen": "see",
    "knew": "know", "known": "know", "wrote": "write", "written": "write", "spoke": "speak", "spoken": "speak",
    "set": "set", "struck": "strike", "drew": "draw", "drawn": "draw", "ran": "run", "bet": "bet", "came": "come",
    "became": "become", "men": "man", "women": "woman", "people": "person", "children": "child",
}


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one lower-case token; irregular forms are mapped first, numbers stay as they are."""
    if word[0].isdigit():
        return word.replace(",", "")
    return _stemmer().stemWord(IRREGULAR.get(word, word))


def words(text: str) -> list[str]:
    """Lower-case word tokens, currency symbols spelled out."""
    lowered = re.sub(r"\b(u)\.(s|k|n)\.?(?![a-z])", r"\1\2", text.lower())
    return [_CURRENCY.get(t, t) for t in _TOKEN.findall(lowered)]


def terms(text: str) -> list[str]:
    """Stemmed tokens for the lexical index, stopwords kept out."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def key_terms(question: str) -> list[str]:
    """The distinct content stems of a question, in order."""
    seen: dict[str, None] = {}
    for w in words(question):
        if w not in STOPWORDS and w not in QUESTION_WORDS:
            seen.setdefault(stem(w), None)
    return list(seen)

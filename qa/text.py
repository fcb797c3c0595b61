"""Text primitives shared by the stages: sentence spans, tokens, stems, stopwords."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import snowballstemmer

from qa.answer.lexicon import HONORIFICS, PLACE_FORMS

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
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|a\.m|p\.m)|\b[A-Z](?:\.[A-Z])*|\bU\.S|\bU\.K|\bU\.N)\.$"
)
# A sentence ends at a full stop before a capital; also where a space is missing after it ('on Wednesday.The bank'), though not
# in an abbreviation or address ('U.S.The', 'e.g.The').
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9¥$€£©])|(?<=[a-z]{2})[.!?](?=[A-Z][a-z])")
# A run this long with no capital after any full stop (text in lower case, an OCR or chat dump) is cut at every full stop.
LONG_SENTENCE = 600
_ANY_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=\S)")
# Letters of any script ('Chloé', 'Zürich', 'São' are one word each), digits with their decimals, and currency signs.
_TOKEN = re.compile(r"[^\W_]+(?:[.,][0-9]+)*|[¥$€£]")
_CURRENCY = {"¥": "yen", "$": "dollar", "€": "euro", "£": "pound"}
_LEADING = " \t•·*-–—>|"
_TERMINAL = re.compile(r"[.!?:;][\"'”’)\]]*$")
_FURNITURE = re.compile(
    r"^(?:(?:page|p\.)\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$|^(?:printed|downloaded|retrieved) (?:from|on|at)\b"
    r"|^(?:©|\(c\)\s|copyright\b)|\ball rights reserved\b",
    re.I,
)
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+")
# A footer is a line of its own; a paragraph that ends in one ('… ©2015 The Hollywood Reporter. All rights reserved.') is prose.
FOOTER_CHARS = 120
# A wire story's dateline at a paragraph's start: '(CNN)A man…', 'LONDON (Reuters) - Shares…', 'WASHINGTON (AP) — The…'; not
# 'NATO (North Atlantic Treaty Organization) said'.
DATELINE = re.compile(r"(?:[A-Z][A-Z.,' -]{1,40}\s)?\([A-Z][\w .&-]{0,30}\)(?:(?=[A-Z])|\s*[-—–]+\s*)")
MIN_WRAP, WRAP_WIDTH = 40, 130
FULL_LINE = 0.6


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow a span past leading bullets and trailing blanks."""
    while start < end and text[start] in _LEADING:
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _lines(text: str) -> list[tuple[int, int, int]]:
    """The non-blank lines of a text as (start, end, block): a blank line starts a new block (paragraph or page)."""
    out: list[tuple[int, int, int]] = []
    block = 0
    for line in re.finditer(r"[^\n]+", text):
        if not line.group(0).strip():
            continue
        if out and text.count("\n", out[-1][1], line.start()) > 1:
            block += 1
        out.append((line.start(), line.end(), block))
    return out


def _furniture(text: str, lines: list[tuple[int, int, int]]) -> set[int]:
    """The lines that are page furniture, not prose: page numbers, print footers (short lines), short lines repeated on every
    page, lists of links (a line that is mostly two or more web addresses)."""
    stripped = [text[s:e].strip() for s, e, _ in lines]
    counts = Counter(stripped)
    return {i for i, line in enumerate(stripped)
            if (_FURNITURE.search(line) and len(line) <= FOOTER_CHARS) or (counts[line] > 1 and len(line) < 80 and not _TERMINAL.search(line))
            or len(links := _URL.findall(line)) >= 2 and sum(map(len, links)) * 2 > len(line)}


def _soft_breaks(text: str, lines: list[tuple[int, int, int]], furniture: set[int]) -> set[int]:
    """The line breaks (after line i) that fall inside a sentence: hard-wrapped prose, or a next line that starts in lower case."""
    widths = [len(text[s:e].strip()) for s, e, _ in lines]
    wrap: dict[int, int] = {}
    for block in {b for _, _, b in lines}:
        own = [widths[i] for i, line in enumerate(lines) if line[2] == block and i not in furniture]
        width = max(own, default=0)
        if len(own) > 1 and MIN_WRAP <= width <= WRAP_WIDTH and sum(w >= FULL_LINE * width for w in own) * 2 >= len(own):
            wrap[block] = width
    soft = set()
    for i in range(1, len(lines) - 1):
        (_, _, block), (start, _, next_block) = lines[i], lines[i + 1]
        if block != next_block or i in furniture or i + 1 in furniture:
            continue
        prev = text[lines[i][0]:lines[i][1]].strip()
        full = block in wrap and widths[i] >= FULL_LINE * wrap[block]
        if full or (text[start:lines[i + 1][1]].lstrip()[:1].islower() and not _TERMINAL.search(prev)):
            soft.add(i)
    return soft


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a text, exact offsets into it.

    A sentence runs across a line break inside a paragraph (hard-wrapped text, PDF lines); a blank line, a short line
    (a title, a byline, a paragraph's last line) and the first line of the text end one. Page numbers, print footers (a line
    or a paragraph's closing sentences) and lines repeated on every page are not sentences, nor is a dateline part of one.
    """
    lines = _lines(text)
    furniture = _furniture(text, lines)
    soft = _soft_breaks(text, lines, furniture)
    runs: list[tuple[int, int]] = []
    for i, (start, end, _) in enumerate(lines):
        if i in furniture:
            continue
        if i - 1 in soft:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    spans = [part for run in runs for sentence in _cut(text, *run, _BOUNDARY)
             for part in (_cut(text, *sentence, _ANY_BOUNDARY) if sentence[1] - sentence[0] > LONG_SENTENCE else [sentence])]
    trimmed = (_trim(text, s, e) for s, e in spans)
    return [(s, e) for s, e in (_undated(text, s, e) for s, e in trimmed)
            if e - s >= 2 and re.search(r"\w", text[s:e]) and not _FURNITURE.search(text[s:e])]


def _undated(text: str, start: int, end: int) -> tuple[int, int]:
    """A sentence without the dateline that opens it: the agency that filed a story is not what its first sentence says."""
    dateline = DATELINE.match(text, start, end)
    return (dateline.end() if dateline and dateline.end() < end else start), end


def _cut(text: str, start: int, end: int, boundary: re.Pattern[str]) -> list[tuple[int, int]]:
    """A run of text cut into sentences at each boundary that does not follow an abbreviation or split a decimal."""
    spans: list[tuple[int, int]] = []
    pos = start
    for found in boundary.finditer(text, start, end):
        cut = found.start()
        head = text[pos:cut + 1]
        if _ABBREV.search(head) or re.search(r"\d\.$", head) and text[cut + 1:cut + 2].isdigit():
            continue
        spans.append((pos, cut + len(found.group(0).rstrip())))
        pos = found.end()
    spans.append((pos, end))
    return spans


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


def closest(document: str, claim: str, k: int) -> list[tuple[int, int]]:
    """The spans of the k sentences of a document that share most terms with a claim, most first."""
    wanted = set(terms(claim))
    return sorted(sentence_spans(document), key=lambda span: -len(wanted & set(terms(document[span[0]:span[1]]))))[:k]


def is_name(word: str, common: frozenset[str]) -> bool:
    """True for a capitalised word the corpus (its lower-case stems: `common`) never writes in lower case, not a title ('Mr')."""
    low = word.lower()
    return word[:1].isupper() and low not in STOPWORDS and low.rstrip(".") not in HONORIFICS and stem(low) not in common


# An acronym, perhaps plural ('ODI', 'MPs'): the letters are group 1.
_ACRONYM = re.compile(r"([A-Z]{2,6})s?")


def name_form(word: str) -> str:
    """What a name is matched by: its first four letters, lower-case ('British' and 'Britain's' are one name in two forms), or the
    country it names ('UK' for 'British', 'US' for 'America'); an acronym's plural is the acronym ('ODIs', 'ODI')."""
    acronym = _ACRONYM.fullmatch(word)
    low = (acronym.group(1) if acronym else word).lower().rstrip(".")
    return PLACE_FORMS.get(low, low)[:4]


def name_forms(text: str) -> set[str]:
    """The forms of every word of a text, as names are matched by them."""
    return {name_form(w) for w in words(text)}


def unstated_names(claim: str, passage: str, common: frozenset[str]) -> list[str]:
    """The names a claim uses (capitalised words the corpus never writes in lower case) that a passage does not; a name is held
    where the passage has a word that opens with the same four letters ('Japanese' by 'Japan's')."""
    return unheld_names(claim, name_forms(passage), common)


def unheld_names(claim: str, held: set[str] | frozenset[str], common: frozenset[str]) -> list[str]:
    """The names a claim uses that none of these name forms holds."""
    found = re.findall(r"(?<![\w'’])[A-Z](?:\.[A-Z])+\.?|(?<![\w'’])[A-Z][\w'’-]*", claim)
    return [w for w in dict.fromkeys(found) if is_name(w, common) and not name_forms(w) <= held]


def key_terms(question: str) -> list[str]:
    """The distinct content stems of a question, in order."""
    seen: dict[str, None] = {}
    for w in words(question):
        if w not in STOPWORDS and w not in QUESTION_WORDS:
            seen.setdefault(stem(w), None)
    return list(seen)


# Small words an acronym's letters pass over ('Court of Arbitration for Sport': 'CAS').
_PASSED_OVER = frozenset("of and the for on in de".split())


def abbreviates(short: Sequence[str], long: Sequence[str]) -> bool:
    """True when one word in capitals is the initials of several ('LSE' of 'London Stock Exchange', 'CAS' of 'Court of
    Arbitration for Sport'; a plural 's' aside)."""
    acronym = _ACRONYM.fullmatch(short[0]) if len(short) == 1 and len(long) > 1 else None
    return bool(acronym) and "".join(w[0] for w in long if w.lower() not in _PASSED_OVER).upper() == acronym.group(1)

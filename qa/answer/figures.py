"""The one figure model: money, percentages, counts and years in a text, with their values, units and bounds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import lru_cache

from qa.answer.lexicon import (
    APPROX,
    CURRENCIES,
    CURRENCY_WORDS,
    DOLLAR_PREFIXES,
    FIGURE_WORDS,
    FRACTIONS,
    HEDGES,
    LOWER_BOUND,
    MINUTES_IN,
    MONTHS,
    NUMBER_WORDS,
    QUANTITY_WORDS,
    RACE_WORDS,
    SCALES,
    TIME_WORDS,
    TIME_ZONES,
    UPPER_BOUND,
    WEEKDAYS,
)
from qa.text import STOPWORDS, stem, words


class Kind(Enum):
    """The kinds of figure a span can state."""

    MONEY = "money"
    COUNT = "count"
    DATE = "date"
    PERCENT = "percent"


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s?(?:million|billion|trillion|bn|mn)\b|m\b)?"
_APPROX = APPROX
_PENCE = rf"(?<![\w.,])(?:{_NUM})p\b"
_MONEY_RE = re.compile(
    rf"{_APPROX}(?:(?:\b(?-i:{DOLLAR_PREFIXES})\$|[¥$€£])\s?(?:{_NUM}){_SCALE}|(?:{_NUM}|\b(?:{'|'.join(NUMBER_WORDS)})(?=\s(?:million|billion|trillion)))"
    rf"{_SCALE}\s?{CURRENCY_WORDS}\b|{_PENCE})", re.I
)
_COUNT_RE = re.compile(
    rf"\b{_APPROX}(?:(?:{_NUM})(?:\s?(?:million|billion|thousand)|(?:m|bn)\b)?(?:-plus)?|(?:{'|'.join(NUMBER_WORDS)})(?=[\s-]))"
    r"(?:[\s-]+(?:[A-Za-z][\w-]*\s){0,2}[A-Za-z][\w-]*)?", re.I
)
_DATE_RE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{MONTHS}\b(?:,? \d{{4}})?"
    rf"|\b(?:(?:early|mid|late)-)?{MONTHS}\.?(?: \d{{1,2}}(?:st|nd|rd|th)?)?(?:,? \d{{4}})?\b"
    r"|\b(?:FY|fiscal (?:year )?)\s?\d{4}\b|\bthis fiscal year\b|\b(?:19|20)\d{2}\b"
)
# A fraction is a share only where it is one of something ('a third of the shares', 'half the staff', 'cut by a third.'), not
# an ordinal before a noun ('a third bid', 'a third term') nor a part of a period ('the second half', 'half an hour').
_SHARE_FOLLOWS = r"(?=\s+(?:of|the|its|their|his|her|our|all|them|those|these)\b|\s*[.,;:!?)]|\s*$)"
_PERCENT_RE = re.compile(
    rf"{_APPROX}(?:{_NUM}|\b(?:{'|'.join(NUMBER_WORDS)}))\s?(?:%|percent\b|per cent\b)|\b(?<!first )(?<!second )(?<!last )(?<!and a )"
    rf"{_APPROX}(?:half|a third|one[- ]third|two[- ]thirds|a quarter|three[- ]quarters|seven[- ]tenths)\b{_SHARE_FOLLOWS}",
    re.I,
)

# A length of time in words: 'half an hour', 'a quarter of an hour', 'a day and a half', 'a fortnight'.
_WORDED_TIME = re.compile(r"\b(?:(?P<part>half an?|a quarter of an?|three[- ]quarters of an?) (?P<of>minute|hour|day|week)"
                          r"|an? (?P<and>minute|hour|day|week) and a half|(?:an? |one )?(?P<fortnight>fortnight))\b", re.I)


@dataclass(frozen=True)
class Span:
    """A candidate answer inside a sentence, offsets relative to the sentence."""

    start: int
    end: int
    text: str
    kind: Kind


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim trailing punctuation and spaces off a span."""
    while end > start and text[end - 1] in " ,;:.)—–-'\"”’" and not (text[end - 1] == ")" and "(" in text[start:end]):
        end -= 1
    while start < end and text[start] in " (\"“‘":
        start += 1
    return start, end


_CLOCK = re.compile(r"(?:about |around |at )?\d{1,2}(?:[:.]\d\d)?\s?(?:am|pm|a\.m\.|p\.m\.)(?!\w)"
                    rf"|(?:about |around )?\d{{1,4}}(?:[:.]\d\d)?\s?{TIME_ZONES}\b", re.I)
_RACE = re.compile(rf"(?:^|\s)\d[\d,]*m\s+(?:{'|'.join(RACE_WORDS)})\b", re.I)


def candidate_spans(sentence: str, kind: Kind) -> list[Span]:
    """The spans of a sentence that state a figure of one kind."""
    if kind is Kind.MONEY:
        raw = [(m.start(), m.end()) for m in _MONEY_RE.finditer(sentence)]
        for _, _, start, end in money_conversions(sentence):
            raw = [(a, b) for a, b in raw if not start <= a < end] + [(start, end)]
        raw.sort()
    elif kind is Kind.PERCENT:
        raw = [(m.start(), m.end()) for m in _PERCENT_RE.finditer(sentence)]
    elif kind is Kind.DATE:
        raw = [(m.start(), m.end()) for m in _DATE_RE.finditer(sentence)]
    else:
        # A count never starts inside an amount of money or a date ('19 March 2025', '3rd of May'), nor right after a month.
        taken = [(m.start(), m.end()) for pattern in (_MONEY_RE, _DATE_RE) for m in pattern.finditer(sentence)]
        raw = []
        for m in _COUNT_RE.finditer(sentence):
            number = re.match(rf"{_APPROX}(\S+)", m.group(0), re.I)
            if number and re.fullmatch(r"(?:19|20)\d\d", number.group(1).rstrip(",.")):
                continue
            if re.match(r"\s*(?:%|percent|per cent)", sentence[m.end():]) or re.match(r"[\d.]+%|\S+\s+(?:percent|per cent)\b", m.group(0)):
                continue
            if re.match(r"(?i)(?:one|two|three)\s+of\b", m.group(0)) or any(a <= m.start() < b for a, b in taken) or re.search(rf"{MONTHS}\.?\s*$", sentence[:m.start()]):
                continue
            # A number right after a capitalised word is part of a name ('PlayStation 2', 'Nintendo 64', 'Channel 4'), unless that
            # word is one written in lower case mid-sentence ('Only 15 games', 'The 44 firms').
            named = re.search(r"\b([A-Z][\w'’-]*)\s$", sentence[:m.start()])
            if named and m.group(0)[:1].isdigit() and named.group(1).lower() not in STOPWORDS | HEDGES:
                continue
            # '100m silver', 'the 3,000m steeplechase': metres of a race, not millions ('1.5m people' are).
            if _RACE.search(m.group(0)) or _RACE.match(sentence[m.start():]):
                continue
            if _CLOCK.match(sentence[m.start():]) or re.search(r"\d[:.]$", sentence[:m.start()]):
                continue  # a time of day ('1230 GMT', '9am', '10:30 BST'), no count
            raw.append((m.start(), m.end()))
    spans = []
    for start, end in raw:
        start, end = _strip(sentence, start, end)
        if end > start:
            spans.append(Span(start, end, sentence[start:end], kind))
    return spans


# The number words that follow a ten ('twenty-one').
_ONES = "one|two|three|four|five|six|seven|eight|nine"
_COMPOUND = re.compile(rf"\b(twenty|thirty|forty|fifty)-({_ONES})\b", re.I)


def number_value(text: str) -> float | None:
    """The magnitude a figure states: '¥1 trillion' -> 1e12, 'about 30 companies' -> 30, 'three billion euros' -> 3e9."""
    found = re.search(rf"({_NUM})(?:\s?(thousand|million|mn|billion|bn|trillion)\b|(m)\b)?", text, re.I)
    if found:
        value = float(found.group(1).replace(",", ""))
        return value * SCALES.get((found.group(2) or found.group(3) or "").lower(), 1.0)
    compound = _COMPOUND.search(text)
    if compound:  # 'twenty-one' -> 21
        return float(NUMBER_WORDS[compound.group(1).lower()] + NUMBER_WORDS[compound.group(2).lower()])
    tokens = words(text)
    for i, word in enumerate(tokens):
        for part in word.split("-"):
            if part in NUMBER_WORDS:  # 'three billion' -> 3e9
                return float(NUMBER_WORDS[part]) * (SCALES.get(tokens[i + 1], 1.0) if i + 1 < len(tokens) and tokens[i + 1] != "m" else 1.0)
    return None


def states_quantity(text: str) -> bool:
    """True when a text states how many: a figure or a number word ('12', 'twelve', 'hundreds', 'a handful'); not 'months', 'large',
    nor an age ('31-year-old') or a day ('May 2 and 3')."""
    day = re.match(rf"{WRITTEN_DATE.pattern}\b", text.strip())
    if AGE.fullmatch(text.strip()) or day and (day.group("first") or day.group("day")):
        return False
    return bool(re.search(r"\d", text)) or any(w in NUMBER_WORDS or w in QUANTITY_WORDS for w in words(text))


def states_time(text: str) -> bool:
    """True when a text states a time: a month, weekday, year or clock time, or a word of time ('last week', 'at Christmas', 'as soon
    as…'); not '2-0' or 'ex-Derby'."""
    return (bool(re.search(rf"\b(?:{MONTHS})\b|\b(?:1\d|20)\d\ds?\b|\d:\d\d", text))
            or any(w in TIME_WORDS or w in WEEKDAYS for w in words(text)))


def currency(text: str) -> str:
    """The currency a money span is stated in: the first one it names ('533p' is in pence, never compared with pounds)."""
    if re.fullmatch(rf"{_APPROX}{_PENCE}", text.strip(), re.I):
        return "pence"
    low = text.lower()
    found = [(low.find(symbol), name) for symbol, name in CURRENCIES.items() if symbol in low]
    return min(found)[1] if found else ""


def date_value(text: str) -> date | None:
    """The calendar day a date as articles write it names ('2025-03-04', 'March 4, 2025', '4 March 2025'), or None."""
    cleaned = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", text.strip()).replace("Sept ", "Sep ").split("T")[0]
    for fmt in ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b. %d, %Y"):
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def dates(text: str) -> list[str]:
    """The dates a text states, as written: 'May 2025', 'FY2026', '2029'."""
    return [m.group(0) for m in _DATE_RE.finditer(text)]


def figures(text: str) -> list[tuple[str, float | None]]:
    """Every amount a money span states, with its currency: '¥1 trillion ($6.2 billion)' gives two."""
    return [(currency(m.group(0)), number_value(m.group(0))) for m in _MONEY_RE.finditer(text)]


def unit_noun(span_text: str) -> str:
    """The stem of the thing a count counts ('44 companies' -> 'compani')."""
    synonyms = {"firm": "compani", "compani": "compani", "busi": "compani", "member": "compani"}
    parts = [part for tok in words(span_text) for part in tok.split("-")]
    for i in range(len(parts) - 1, -1, -1):
        part = parts[i]
        if part and not part[0].isdigit() and part not in NUMBER_WORDS and part not in SCALES and part not in HEDGES:
            s = stem(part)
            # 'non-manufacturers' count other things than 'manufacturers'.
            return "non-" + s if i and parts[i - 1] == "non" else synonyms.get(s, s)
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


@dataclass(frozen=True)
class Figure:
    """A figure a text states: its kind, unit, value and wording."""

    kind: str
    unit: str
    value: float
    text: str
    start: int
    end: int
    approx: bool = False
    bound: str = ""




def _percent_value(text: str) -> float | None:
    """A percentage in points: '70%' -> 70, 'seven tenths' -> 70, 'roughly half' -> 50."""
    low = text.lower().replace("-", " ")
    found = re.search(r"(\d+(?:\.\d+)?)\s?(?:%|percent|per cent)", low)
    if found:
        return float(found.group(1))
    worded = re.search(r"([a-z]+)\s?(?:percent|per cent)", low)
    if worded and worded.group(1) in NUMBER_WORDS:
        return float(NUMBER_WORDS[worded.group(1)])
    for word, value in FRACTIONS.items():
        if re.search(rf"\b{word}s?\b", low):
            count = number_value(low.split(word)[0] + " ") if word != "half" else None
            return value * (count or 1.0)
    return None


def _bound(text: str, start: int, end: int) -> str:
    """'lower' when a figure is a floor ('more than 20%'), 'upper' when a ceiling ('up to ¥1 trillion'), else ''; the words of
    a figure just before it are its own ('by more than £4m to £25.98m': £25.98m is no floor)."""
    ahead = text[max(0, start - 18):start]
    before = ahead[max((m.end() for m in re.finditer(r"\d", ahead)), default=0):] + " " + text[start:end]
    if _LOWER_BOUND.search(before) or text[end:end + 5].startswith(("-plus", "+")):
        return "lower"
    return "upper" if _UPPER_BOUND.search(before) else ""


def _trim_words(text: str, start: int, end: int) -> int:
    """The end of a span moved back past trailing function words ('18 sectors by' -> '18 sectors')."""
    while True:
        found = re.search(r"[\s-]+([A-Za-z]+)$", text[start:end])
        if not found or found.group(1).lower() not in STOPWORDS:
            return end
        end = start + found.start()


def _count_end(text: str, start: int, end: int) -> int:
    """The end of a counted span cut after its first plural noun ('44 companies spanning automotive' -> '44 companies'), else
    before a participle or function word that follows its noun ('one takeover attempt turned' -> 'one takeover attempt'; 'Five
    people were' -> 'Five people'; 'one AI-powered robot' stays whole)."""
    found = list(re.finditer(r"[A-Za-z][\w-]*", text[start:end]))
    for m in found:
        word = m.group(0).lower()
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss") and word not in STOPWORDS and word not in FIGURE_WORDS:
            return start + m.end()
    nouns = [m for m in found if m.group(0).lower() not in FIGURE_WORDS]
    number = re.search(rf"\d|\b(?:{'|'.join(NUMBER_WORDS)})\b", text[start:end], re.I)
    following = next((m for m in nouns if number and m.start() > number.start()), None)
    if following and following.group(0).lower() in STOPWORDS:
        return start + len(text[start:start + following.start()].rstrip(" -"))  # a count of nothing named ('about 30 were hurt')
    for before, m in zip(nouns, nouns[1:]):
        # The counted thing ends before a verb or function word that follows it ('Five people were arrested' -> 'Five people').
        if (re.fullmatch(r"[a-z]{2,}(?:ed|ing)", m.group(0)) or m.group(0).lower() in STOPWORDS) and number and before.start() > number.start():
            return start + before.end()
    return end


def _approx(text: str) -> bool:
    """True when a figure is stated loosely ('about', 'roughly', '~')."""
    return bool(re.search(r"~|\b(?:about|roughly|around|approximately|nearly|almost|some|over|more than|up to)\b", text, re.I))


def text_figures(text: str) -> list[Figure]:
    """Money, percentages, counts and years stated in a text, each with its offsets."""
    return list(_figures(text))


# A date as articles write it ('19 March 2025', 'March 19', '3rd of May', 'late-May'), read whole: the one reading of a written
# date for the figures here and the briefing's timeline.
WRITTEN_DATE = re.compile(rf"(?:(?P<first>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?)?(?:(?P<part>early|mid|late)-)?(?P<month>{MONTHS})\.?"
                          rf"(?: (?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d))?(?:,? (?P<year>\d{{4}}))?")
_MONTH_STARTS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def month_number(name: str) -> int:
    """1 for 'January' or 'Jan', 12 for 'December'."""
    return _MONTH_STARTS.index(name[:3].lower()) + 1


def date_parts(text: str) -> tuple[int, int, int] | None:
    """The year, month and day a date answer states, 0 for each it leaves out ('December 2015': (2015, 12, 0); 'Thursday, Nov. 12':
    (0, 11, 12); '2015': (2015, 0, 0)); None for an answer that is no date, or only part of a month ('late May')."""
    cleaned = re.sub(rf"^(?:(?:on|in) )?(?:{'|'.join(WEEKDAYS)}),? ", "", text.strip().rstrip("."), flags=re.I)
    if re.fullmatch(r"(?:19|20)\d\d", cleaned):
        return int(cleaned), 0, 0
    m = WRITTEN_DATE.fullmatch(cleaned)
    if not m or m.group("part"):
        return None
    return int(m.group("year") or 0), month_number(m.group("month")), int(m.group("first") or m.group("day") or 0)


def fuller_date(a: str, b: str) -> bool:
    """True when the date b states everything the date a does, and more ('December 2015' of '2015', 'Nov 12, 2020' of 'Nov. 12')."""
    pa, pb = date_parts(a), date_parts(b)
    return bool(pa and pb) and pa != pb and all(x in (0, y) for x, y in zip(pa, pb))


def day_figures(text: str) -> list[Figure]:
    """The days of the year a text states ('June 30', '30 June 2026', '3rd of May'), as figures of kind 'day' (value month * 100 + day)."""
    out = []
    for span in candidate_spans(text, Kind.DATE):
        m = WRITTEN_DATE.fullmatch(span.text)
        day = int(m.group("first") or m.group("day") or 0) if m else 0
        if 1 <= day <= 31:
            out.append(Figure("day", "", month_number(m.group("month")) * 100 + day, span.text, span.start, span.end))
    return out


@lru_cache(maxsize=20_000)
def _figures(text: str) -> tuple[Figure, ...]:
    """The figures of a text, cached: the same sentences are read again and again."""
    out: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for span in candidate_spans(text, Kind.MONEY):
        for m in re.finditer(r"[^()]+", span.text):
            for cur, value in figures(m.group(0)):
                if value is not None and cur:
                    s = span.start + m.start()
                    e = s + len(m.group(0).rstrip())
                    out.append(Figure("money", cur, value, m.group(0).strip(), s, e, _approx(m.group(0)), _bound(text, s, e)))
        taken.append((span.start, span.end))
    times = [m for m in _WORDED_TIME.finditer(text) if not any(a < m.end() and m.start() < b for a, b in taken)]
    for span in candidate_spans(text, Kind.PERCENT):
        value = _percent_value(span.text)
        if value is not None and not any(m.start() < span.end and span.start < m.end() for m in times):
            out.append(Figure("percent", "%", value, span.text, span.start, span.end, _approx(span.text), _bound(text, span.start, span.end)))
            taken.append((span.start, span.end))
    for m in times:
        part = (m.group("part") or "").lower()
        share = 0.5 if part.startswith("half") else 0.25 if part.startswith("a quarter") else 0.75 if part else 1.5 if m.group("and") else 1.0
        unit = stem((m.group("of") or m.group("and") or m.group("fortnight")).lower())
        out.append(Figure("count", "minut", share * MINUTES_IN[unit], m.group(0), m.start(), m.end(), _approx(text[max(0, m.start() - 14):m.end()]),
                          _bound(text, m.start(), m.end())))
        taken.append((m.start(), m.end()))
    years = [(m.start(1), m.end(1)) for m in _YEAR.finditer(text)]
    ages = list(AGE.finditer(text))
    for span in candidate_spans(text, Kind.COUNT):
        value = number_value(span.text)
        scored = re.search(r"\d[-–]$", text[:span.start]) or re.match(r"\d+[-–]\d", text[span.start:])
        if value is None or scored or any(a < span.end and span.start < b for a, b in taken + years):
            continue
        end = _count_end(text, span.start, _trim_words(text, span.start, span.end))
        words = text[span.start:end]
        unit = unit_noun(words)
        if unit in ("", "year", "old") and any(m.start(g) <= span.start < m.end(g) for m in ages for g in AGE_GROUPS if m.group(g)):
            unit = "age"
        out.append(Figure("count", "minut" if unit in MINUTES_IN else unit, value * MINUTES_IN.get(unit, 1.0), words, span.start, end,
                          _approx(words), _bound(text, span.start, end)))
    for a, b in years:
        if not any(x <= a < y for x, y in taken):
            out.append(Figure("year", "", float(text[a:b]), text[a:b], a, b))
    return tuple(out)




def consistent(claim: Figure, source: Figure) -> bool:
    """True when a source's bound ('more than 20%', 'up to ¥1 trillion') admits the claim's figure; a bound the same way admits
    only the same amount ('up to ¥2 trillion' is not 'up to ¥1 trillion')."""
    if claim.bound and claim.bound == source.bound:
        return same_value(claim, source)
    if source.bound == "lower":
        return claim.value >= source.value * 0.99
    if source.bound == "upper":
        return claim.value <= source.value * 1.01
    return False


def same_value(a: Figure, b: Figure, loose: bool = True) -> bool:
    """True when two figures state the same amount, allowing for loose wording ('roughly $6 billion') unless `loose` is off."""
    if a.kind == "year" or b.kind == "year":
        return a.value == b.value
    tolerance = 0.1 if loose and (a.approx or b.approx) else 0.015
    return abs(a.value - b.value) <= tolerance * max(abs(a.value), abs(b.value), 1e-9)


def as_claimed(claim: str, passage: str) -> str:
    """The passage with each figure that states one of the claim's amounts written as the claim writes it ('half an hour' as
    '30 minutes', '$5bn' as '$5 billion'), so that a reader of the two need not convert; a figure the passage states loosely
    ('about 30') or as a bound is left as it is for an exact claim."""
    claimed = text_figures(claim)
    if not claimed:
        return passage
    out, last = [], 0
    for g in text_figures(passage):
        same = [f for f in claimed if f.text != g.text and comparable(f, g) and same_value(f, g, loose=False)
                and f.bound == g.bound and (f.approx or not g.approx)]
        if same:
            out += [passage[last:g.start], same[0].text]
            last = g.end
    return "".join(out) + passage[last:]


def comparable(a: Figure, b: Figure) -> bool:
    """True when two figures measure the same kind of thing (same currency, unit or kind)."""
    if a.kind != b.kind:
        return False
    return a.kind in ("percent", "year") or a.unit == b.unit



_YEAR = re.compile(r"\b(?:FY\s?)?((?:19|20)\d\d)\b")
# An age as written: in digits, or in words ('three', 'Twenty-one').
_AGE_NUMBER = rf"\d{{1,3}}|(?i:(?:{'|'.join(w for w in NUMBER_WORDS if w not in ('zero', 'hundred', 'dozen'))})(?:-(?:{_ONES}))?)"
# Where a number is someone's age ('aged 15', 'aged two', '17 years old', '34-year-old', 'three-year-old', 'Roy Oliver, 37, fired…',
# '(37)', 'at the age of 40', 'died at 35', 'Kerry, who is 71', 'She was 75.', 'in her 30s'): the age is the group that matched.
AGE = re.compile(rf"\b(?:aged?|ages|turn|turns|turned|turning) ({_AGE_NUMBER})\b|\b({_AGE_NUMBER})(?:-year-old|-years-old| years? old| year-old)\b"
                 r"|(?<=, )(\d{1,3})(?=,|\)| and\b)|(?<= \()(\d{1,3})(?=\))|\b(?i:now) (?:just |only )?(\d{1,3})(?=,)"
                 r"|\b[A-Z][\w'’-]+, (\d{1,3})(?=\.(?:\s|$))"
                 rf"|\b(?i:the age of) ({_AGE_NUMBER})\b|\bdie[ds] at (\d{{1,3}})\b(?!\s*(?:[ap]\.?m\b|%|{TIME_ZONES}))"
                 r"|\b(?:[Ww]ho|[Hh]e|[Ss]he|(?!It\b|This\b|That\b|There\b|What\b)[A-Z][a-z]+) (?:is|was) (?:now )?(?:just |only )?(\d{1,3})"
                 r"(?=[.,;]\s|[.,;]?$|\s+(?:at the time|when)\b)"
                 r"|\bin (?:his|her|their) (?:early |mid-|late )?(\d0s)\b")
AGE_GROUPS = range(1, AGE.groups + 1)


def age_value(m: re.Match[str]) -> tuple[int, int, float] | None:
    """The span and value of the age an AGE match gives, or None where it gives none from 1 to 124."""
    g = next(g for g in AGE_GROUPS if m.group(g))
    value = number_value(m.group(g))
    return (m.start(g), m.end(g), value) if value is not None and 0 < value < 125 else None


_LOWER_BOUND = re.compile(LOWER_BOUND, re.I)
_UPPER_BOUND = re.compile(UPPER_BOUND, re.I)

"""What kind of answer a question asks for (a date, a year, an age, an amount, a percentage, a weight), and where a passage states
one: the reader's span is read only there; and which year it asks about, which a passage must be about to answer it."""

from __future__ import annotations

import re
from enum import Enum

from qa.answer.figures import Kind, candidate_spans
from qa.answer.lexicon import MONTHS, YEAR_DIGITS


class Asked(Enum):
    """The kinds of answer whose form a question fixes."""

    DATE = "date"
    YEAR = "year"
    AGE = "age"
    MONEY = "money"
    PERCENT = "percent"
    WEIGHT = "weight"


# Only questions that name the kind: a bare "When" may be answered by "after the election" or "last week".
_ASKS = (
    (Asked.DATE, re.compile(r"\b(?:what|which) (?:exact )?(?:date|day of the month)\b", re.I)),
    (Asked.YEAR, re.compile(r"\b(?:what|which) year\b", re.I)),
    (Asked.AGE, re.compile(r"\bhow old\b|\bwhat age\b|\bat what age\b", re.I)),
    (Asked.PERCENT, re.compile(r"\b(?:what|which) (?:percentage|per ?cent|proportion)\b|\bhow many (?:per ?cent|percentage points)\b", re.I)),
    (Asked.WEIGHT, re.compile(r"\b(?:how much|what) (?:does|do|did|will|would)\b.*\bweigh\b|\bhow heavy\b|\bwhat (?:is|was) the weight\b", re.I)),
    (Asked.MONEY, re.compile(r"\bhow much money\b|\b(?:what|which) (?:price|sum|fee)\b|\bat what price\b|\bhow much\b.*\b(?:cost|costs|pay|paid|pays|"
                             r"paying|spend|spent|spending|invest|invested|investing|worth|priced?|fund|funding|raise|raised|sell|sold|charge|"
                             r"charged|earn|earned|earns|budget|owe|owed|bid|offer|offered|fine|fined|valued?|allocate|allocated)\b"
                             r"|\bwhat (?:is|was|are|were|will be|would be) (?:(?:the|an?|its|their|his|her) |[\w.&-]+(?: [\w.&-]+){0,2}['’]s? )?"
                             r"(?:\w+ ){0,2}?(?:revenues?|turnover|profits?|market value|market capitali[sz]ation|valuation|salary|price|cost|fee)\b(?!-)"
                             r"(?! of living)|\bwhat (?:is|was|are|were)\b[^?]* worth\b|\bwhat (?:does|do|did|will|would)\b[^?]*\bcosts?\b", re.I)),
)
_WEIGHT = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:kg|kilos?|kilograms?|g|grams?|tonnes?|tons?|lbs?|pounds?|ounces?|oz|stone)\b", re.I)
_RANGE_BEFORE = re.compile(r"(?:[¥$€£]\s?)?\d+(?:[.,]\d+)?\s?(?:-|–|to|and)\s?$")
_BOUND_YEAR = re.compile(rf"\b(?:since|after|before|until|till|between|from|through|by|to|and|or)\s+(?:(?:the|early|late|mid|end of)\s+)?({YEAR_DIGITS}s?)\b", re.I)
_HAS_MONTH = re.compile(rf"\b{MONTHS}\b")
_YEAR = re.compile(rf"\b{YEAR_DIGITS}(?:s\b|\b)")
_AGE = re.compile(r"\b(?:aged?|ages) (\d{1,3})\b|\b(\d{1,3})(?:-year-old|-years-old| years? old)\b|(?<=, )(\d{1,3})(?=,|\)| and\b)|(?<=\()(\d{1,3})(?=\))")


def asked(question: str) -> Asked | None:
    """The kind of answer a question names ('On what date…' a day or month, 'In what year…' a year, 'How old…' an age), or None when its form is open."""
    return next((kind for kind, pattern in _ASKS if pattern.search(question)), None)


def answer_ranges(text: str, kind: Asked) -> list[tuple[int, int]]:
    """Where a text states an answer of that kind, as character ranges."""
    if kind in (Asked.MONEY, Asked.PERCENT):
        # An amount may also be asked as a change in percent ('How much did the price rise?').
        found = [(s.start, s.end) for s in candidate_spans(text, Kind.PERCENT)]
        found += [(s.start, s.end) for s in candidate_spans(text, Kind.MONEY)] if kind is Asked.MONEY else []
    elif kind is Asked.WEIGHT:
        found = [(m.start(), m.end()) for m in _WEIGHT.finditer(text)]
    elif kind is Asked.DATE:
        found = [(s.start, s.end) for s in candidate_spans(text, Kind.DATE) if _HAS_MONTH.search(s.text)]
    elif kind is Asked.YEAR:
        found = [(m.start(), m.end()) for m in _YEAR.finditer(text)]
    else:
        found = [(m.start(g), m.end(g)) for m in _AGE.finditer(text) for g in range(1, 5) if m.group(g) and 0 < int(m.group(g)) < 125]
    return sorted({(_range_start(text, s), e) for s, e in found})


def another_year(question: str, passage: str) -> bool:
    """True when a passage is about a year other than the one the question asks about: the question names a year as a point in
    time ('in 2007', 'the 2004 Tour'), and the passage states other years and none of the question's (a forecast 'for 2007'
    against one for 2005 and 2006). A passage that states no year may still answer, and a year that bounds a span ('since 1997',
    'between 2004 and 2006') fixes no single year."""
    years, stated = set(_YEAR.findall(question)), set(_YEAR.findall(passage))
    points = years - {m.group(1) for m in _BOUND_YEAR.finditer(question)}
    return bool(points) and bool(stated - years) and not years & stated


def enclosing(ranges: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """A span read inside some of these ranges, widened to the largest of them it overlaps: the whole date, age or amount."""
    over = [(s, e) for s, e in ranges if s < end and start < e]
    return max(over, key=lambda r: r[1] - r[0]) if over else (start, end)


def _range_start(text: str, start: int) -> int:
    """Where a stated range ending at a figure begins ('27-30%', '£19 to £29', '1869–1909'), else the figure's own start."""
    before = _RANGE_BEFORE.search(text[:start])
    return before.start() if before else start

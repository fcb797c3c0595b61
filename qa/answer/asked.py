"""What kind of answer a question asks for (a date, a year, an age), and where a passage states one: the reader's span is read only there."""

from __future__ import annotations

import re
from enum import Enum

from qa.answer.figures import Kind, candidate_spans
from qa.answer.lexicon import MONTHS


class Asked(Enum):
    """The kinds of answer whose form a question fixes."""

    DATE = "date"
    YEAR = "year"
    AGE = "age"


# Only questions that name the kind: a bare "When" may be answered by "after the election" or "last week".
_ASKS = (
    (Asked.DATE, re.compile(r"\b(?:what|which) (?:exact )?(?:date|day of the month)\b", re.I)),
    (Asked.YEAR, re.compile(r"\b(?:what|which) year\b", re.I)),
    (Asked.AGE, re.compile(r"\bhow old\b|\bwhat age\b|\bat what age\b", re.I)),
)
_DAY_FIRST = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{MONTHS}\b(?:,? \d{{4}})?")
_HAS_MONTH = re.compile(rf"\b{MONTHS}\b")
_YEAR = re.compile(r"\b(?:1[0-9]|20)\d\d(?:s\b|\b)")
_AGE = re.compile(r"\b(?:aged?|ages) (\d{1,3})\b|\b(\d{1,3})(?:-year-old|-years-old| years? old)\b|(?<=, )(\d{1,3})(?=,|\)| and\b)|(?<=\()(\d{1,3})(?=\))")


def asked(question: str) -> Asked | None:
    """The kind of answer a question names ('On what date…' a day or month, 'In what year…' a year, 'How old…' an age), or None when its form is open."""
    return next((kind for kind, pattern in _ASKS if pattern.search(question)), None)


def answer_ranges(text: str, kind: Asked) -> list[tuple[int, int]]:
    """Where a text states an answer of that kind, as character ranges."""
    if kind is not Asked.AGE:
        dates = [(s.start, s.end) for s in candidate_spans(text, Kind.DATE)] + [(m.start(), m.end()) for m in _DAY_FIRST.finditer(text)]
        if kind is Asked.DATE:
            found = [(s, e) for s, e in dates if _HAS_MONTH.search(text[s:e])]
        else:
            found = [(s, e) for s, e in dates if _YEAR.search(text[s:e])] + [(m.start(), m.end()) for m in _YEAR.finditer(text)]
    else:
        found = [(m.start(g), m.end(g)) for m in _AGE.finditer(text) for g in range(1, 5) if m.group(g) and 0 < int(m.group(g)) < 125]
    return sorted(set(found))

"""What kind of answer a question asks for (a date, a year, an age, an amount, a percentage, a weight, a duration, what a name is,
what someone said, who said it, who holds a role, by how much), and where a passage states one: the reader's span is read only there;
which year it asks about, which a passage must be about to answer it; and which of its words a passage must not state the opposite of."""

from __future__ import annotations

import itertools
import re
from enum import Enum
from functools import lru_cache

from qa.answer.differences import opposite_forms
from qa.answer.figures import AGE, WRITTEN_DATE, Kind, age_value, candidate_spans, currency, text_figures
from qa.answer.lexicon import APPROX, CURRENCY_WORDS, FATES, HONORIFICS, MONTHS, NUMBER_WORDS, ORDINALS, ROLE_SYNONYMS, TIME_ZONES, WEEKDAYS, YEAR_DIGITS
from qa.answer.speech import NAME, NAME_RUN, QUOTED, said
from qa.text import STOPWORDS, sentence_spans, stem, words


class Asked(Enum):
    """The kinds of answer whose form a question fixes."""

    DATE = "date"
    YEAR = "year"
    AGE = "age"
    MONEY = "money"
    PERCENT = "percent"
    WEIGHT = "weight"
    DURATION = "duration"
    DEFINITION = "definition"
    SAID = "said"
    SPEAKER = "speaker"
    ROLE = "role"
    TIME = "time"
    MONTH = "month"
    MINUTE = "minute"
    SCORE = "score"
    DAY = "day"
    LENGTH = "length"


# Only questions that name the kind: a bare "When" may be answered by "after the election" or "last week".
_ASKS = (
    (Asked.TIME, re.compile(r"\bwhat time\b(?![\s-]+(?:of\s+(?:the\s+)?year|frame|period|limit|zone|slot|scale|span|lapse|line|table)\b)", re.I)),
    (Asked.MONTH, re.compile(r"\b(?:what|which) month\b", re.I)),
    (Asked.MINUTE, re.compile(r"\b(?:what|which) minute\b", re.I)),
    (Asked.SCORE, re.compile(r"\bby what score\b|\bwhat (?:is|was|were) the (?:(?:final|half-time|half time|full-time|full time|first-leg|"
                             r"second-leg|aggregate|match|current)\s+)?score\b(?!\s+(?:on|needed|required)\b)", re.I)),
    (Asked.DATE, re.compile(r"\b(?:what|which) (?:exact )?(?:date|day of the month)\b", re.I)),
    (Asked.DAY, re.compile(r"\b(?:what|which) day\b(?!-)(?!\s+(?:trips?|care|centres?|centers?|jobs?|rates?|release|pass|schools?)\b)", re.I)),
    (Asked.YEAR, re.compile(r"\b(?:what|which) year\b", re.I)),
    (Asked.AGE, re.compile(r"\bhow old\b|\bwhat age\b|\bat what age\b", re.I)),
    (Asked.DURATION, re.compile(r"\bhow long\b", re.I)),
    (Asked.LENGTH, re.compile(r"\bhow tall\b", re.I)),
    (Asked.PERCENT, re.compile(r"\b(?:what|which) (?:percentage|per ?cent|proportion|share of)\b|\bhow many (?:per ?cent|percentage points)\b", re.I)),
    (Asked.WEIGHT, re.compile(r"\b(?:how much|what) (?:does|do|did|will|would)\b.*\bweigh\b|\bhow heavy\b|\bwhat (?:is|was) the weight\b", re.I)),
    (Asked.MONEY, re.compile(r"\bhow much (?:money|revenue|capital|cash|funding|profit)\b"
                             r"|\bhow much (?:did|does|do|is|was|are|were|will|would|has|have|had|can|could)\b"
                             r"|\b(?:what|which) (?:price|sum|fee)\b|\bat what price\b|\bhow much\b.*\b(?:cost|costs|pay|paid|pays|"
                             r"paying|spend|spent|spending|invest|invested|investing|worth|priced?|fund|funding|raise|raised|sell|sold|charge|"
                             r"charged|earn|earned|earns|budget|owe|owed|bid|offer|offered|fine|fined|valued?|allocate|allocated)\b"
                             r"|\bwhat (?:is|was|are|were|will be|would be) (?:(?:the|an?|its|their|his|her) |[\w.&-]+(?: [\w.&-]+){0,2}['’]s? )?"
                             r"(?:\w+ ){0,2}?(?:revenues?|turnover|profits?|market value|market capitali[sz]ation|valuation|salary|price|cost|fee)\b(?!-)"
                             rf"(?! of living)|\bwhat (?:is|was|are|were)\b[^?]* worth\b(?!\s+{APPROX}[¥$€£\d])"
                             r"|\bwhat (?:does|do|did|will|would)\b[^?]*\b(?:costs?|fetch|sell for|go for)\b", re.I)),
)
# How long something lasted, or how long, tall or deep it is ('49 minute speech', 'a two-year ban', 'half an hour', '7½ hours', 'three
# and half years', 'the 5km tunnel', '3 to 4 inches', '70ft', '5ft 8ins'; not a '100m' race).
_LENGTH_UNIT = (r"(?:km|kilometres?|kilometers?|miles?|inch|inches|feet|foot|ft|yards?|metres?|meters?|centimetres?|centimeters?|cm|"
                r"millimetres?|millimeters?|mm)\b")
_UNIT = rf"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|seasons?|{_LENGTH_UNIT})"
_HOW_MANY = rf"(?:\d+(?:\.\d+)?[½¼¾]?|{'|'.join(NUMBER_WORDS)}|a|an|half an?)(?:[\s-]+and[\s-]+(?:a[\s-]+)?half)?[\s-]+{_UNIT}"
# ... read whole where it has several parts ('seven hours 45 minutes', '2 years and 3 months').
_DURATION = re.compile(rf"{APPROX}(?:(?<![\w.,]){_HOW_MANY}(?:,?\s+(?:and\s+)?{_HOW_MANY})*"
                       r"|(?<![\w.,£$€¥])\d+(?:\.\d+)?(?:km|ft|cm|mm)\b(?:\s?\d+ins?\b)?)", re.I)
# A time of day ('2 a.m.', '11.30am', 'about 05:30', '13:35 GMT', '21.00 GMT', 'midnight'); what 'What time of day…?' asks may be a part of one.
_ZONE = rf"(?:\s?{TIME_ZONES}\b)?"
_TIME = re.compile(rf"{APPROX}(?<![\w.:])(?:(?:[01]?\d|2[0-3])(?:[:.][0-5]\d)?\s?(?:am|pm|a\.m\.|p\.m\.)(?!\w){_ZONE}"
                   rf"|(?:[01]?\d|2[0-3]):[0-5]\d(?![\d:]){_ZONE}|(?:[01]?\d|2[0-3])\.[0-5]\d\s?(?:{TIME_ZONES}|local time)\b"
                   rf"|\d{{4}}\s?{TIME_ZONES}\b|(?:noon|midday|midnight)\b|\d{{1,2}} o['’]clock\b)", re.I)
_PART_OF_DAY = re.compile(r"\b(?:(?:early |late )?(?:morning|afternoon|evening|night)|overnight|dawn|dusk|daybreak|nightfall)\b", re.I)
# A day as news names one: a weekday, a holiday ('Boxing Day'), or yesterday, today, tomorrow, tonight (not 'USA Today').
_DAY = re.compile(rf"\b(?:{'|'.join(d.capitalize() for d in WEEKDAYS)}|yesterday|today|tomorrow|tonight|(?:Christmas|Boxing|"
                  r"New Year['’]s|Valentine['’]s|Easter|Independence|Thanksgiving|Memorial|Labou?r|Remembrance|Armistice) Day)\b")
# A month as articles write it, with its day or year where given ('April', 'June 21', 'late-May 2015').
_MONTH = re.compile(rf"\b(?:{WRITTEN_DATE.pattern})\b(?![-'’]\w)")
# A minute of a match ('83rd minute', 'the 64th', 'ninth minute', '52 minutes', "90+2 min"; not 'the 21st century').
_MINUTE = re.compile(rf"\b(?:(?:\d{{1,3}}(?:st|nd|rd|th)?|{'|'.join(sorted(ORDINALS | set(NUMBER_WORDS), key=len, reverse=True))})[\s-]+minutes?"
                     r"|\d{1,3}(?:st|nd|rd|th)\b(?!\s+(?!(?:and|or|but|as|when|with|after|before|to|in|of|for|from|on|at|by)\b)(?-i:[a-z]))"
                     r"|\d{1,3}(?:\+\d{1,2})?\s?(?:minutes?|mins?)\b)", re.I)
# A match's result ('2-1', '92-64', '4-6 7-6(3) 6-3', 'Cheltenham Town 0, West Ham United 2').
_SET = r"\d{1,3}\s?[-–]\s?\d{1,3}(?:\s?\(\d{1,2}\))?"
_RESULT = re.compile(rf"(?<![\w.-]){_SET}(?:,?\s{_SET})*(?![\w-])|{NAME_RUN} \d{{1,3}}, {NAME_RUN} \d{{1,3}}\b")
_WEIGHT = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:kg|kilos?|kilograms?|g|grams?|tonnes?|tons?|lbs?|pounds?|ounces?|oz|stone)\b", re.I)
_RANGE_BEFORE = re.compile(r"(?:[¥$€£]\s?)?\d+(?:[.,]\d+)?\s?(?:-|–|to|and)\s?$")


def _year_after(words: str) -> re.Pattern[str]:
    """A year (or decade) right after one of these words ('since 1997', 'before the late 1990s'), the year as group 1."""
    return re.compile(rf"\b(?:{words})\s+(?:(?:the|early|late|mid|end of)\s+)?({YEAR_DIGITS}s?)\b", re.I)


# A year a question names as the bound of a span or one of several ('since 1997', 'between 2004 and 2006'), not as a point in time;
# and a year a passage gives as a bound ('the first title since 2001'), not as the time of what it reports.
_BOUND_YEAR = _year_after("since|after|before|until|till|between|from|through|by|to|and|or")
_PASSAGE_BOUND = _year_after("since|until|till|before|after")
# A date that names its day: a month with a day's number ('16 December', 'Dec. 16th', 'the 3rd of March').
_HAS_DAY = re.compile(rf"\b(?:{MONTHS}\b.*\b(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\b(?!\d)|(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS}\b)")
_YEAR = re.compile(rf"\b{YEAR_DIGITS}(?:s\b|\b)")
# What ends the date a search result or web page heads its text with ('Sep 13, 2022 ... to The Legend of…').
_PAGE_DATE_END = re.compile(r"\s*(?:\.\.\.|…|\.(?=\s))\s*")


# 'Who is Malcolm Glazer?', 'What is Noetra?': a name and nothing else, answered by what the articles call it. A role ('Who is
# the Industry Minister?', 'Who is Japan's Industry Minister?') is asked for the name that holds it, so is not one.
_WORD = r"[A-Z][\w.&-]*(?:['’][A-Z][\w-]*)?"  # a capitalised word, 'O'Brien' but not 'Japan's'
_DEFINITION = re.compile(rf"^\s*(?i:who|what)\s+(?i:is|are|was|were)\s+(?P<name>{_WORD}(?:\s+(?:of|de|and|&|for|{_WORD}))*)"
                         r"\s*\??\s*$")
# Words after which a description running up to a name opens ('from US business tycoon Malcolm Glazer': 'US business tycoon').
_OPENS_DESCRIPTION = frozenset("the a an by from of and for in on at with said says told that as its his her their".split())
_AFTER = r"(?=\s*(?:,|\.|;|:|\)|—|–|\s--|$))"


# 'What did Akazawa say?', 'What has the IAAF said about the ban?': the words a speaker said, read only where a sentence says X said them.
_SAID = re.compile(r"^\s*what\s+(?:did|does|do|has|have|had|will|would)\s+(?P<name>.+?)\s+(?:say|said|tell|told|write|wrote|report|reported|"
                   r"add|added|claim|claimed|argue|argued|warn|warned|announce|announced|state|stated)\b(?:\s+(?:reporters|journalists|the press))?"
                   r"(?:\s+(?:about|of|on|regarding)\b.*)?\s*\??\s*$", re.I)


# 'Who said the charge cannot be substantiated?', 'Which fund manager told the BBC that…': who said the words, read only where a
# sentence attributes words to someone, and where the question quotes words, only in a passage that holds them ('Which paper is
# said to have…' is no such question).
_SPEAKER = re.compile(r"^\s*(?:who\s+|which\s+(?!(?:countr(?:y|ies)|states?|nations?|cit(?:y|ies)|towns?|regions?|provinces?)\s)"
                      r"(?:(?!(?:is|was|are|were|be|been)\s)[\w'’-]+\s+){1,3}?)(?:has\s+|had\s+)?(?:said|says|told|tells|stated|warned|declared|"
                      r"insisted|argued|claimed|admitted)\b", re.I)


_ROLES = (r"(?:CEO|chief executive officer|chief executive|chief financial officer|chief operating officer|executive|chairman|chairwoman|chair|president|director|"
          r"manager|coach|head|leader|minister|secretary|spokesman|spokeswoman|spokesperson|lawyer|owner|founder|editor|governor|"
          r"mayor|adviser|advisor|boss|chancellor|captain)")
# 'Who is the chief executive of the LSE?', 'Who is Japan's Industry Minister?', 'Who was the sprinters' coach?': the one name that
# holds the role, read only where a passage gives a name with it ('LSE's chief executive Clara Furse', 'Werner Seifert, chief
# executive of the Frankfurt-based exchange'), by the organisation the question names where a passage names one.
_ROLE = re.compile(rf"^\s*who\s+(?:is|was)\s+(?:the\s+)?(?:(?P<owner>[^?]+?)['’]s?\s+)?(?P<role>(?:[\w-]+\s+){{0,2}}?{_ROLES})"
                   r"(?:\s+(?:of|at|for)\s+(?:the\s+)?(?P<org>[^?]+?))?\s*\??\s*$", re.I)


def asked(question: str) -> Asked | None:
    """The kind of answer a question names ('On what date…' a day or month, 'On which day…' a weekday or date, 'In what year…' a
    year, 'How old…' an age, 'Who is X?' a description of X, 'What did X say?' X's words, 'Who said…?' a speaker, 'Who is the
    chief executive of X?' the name that holds the role, 'How long…' a duration, 'How tall…' a length, 'At what time…' a time of
    day, 'In which month…' a month, 'In which minute…' a minute of a match, 'By what score…' a result), or None when its form is
    open."""
    if _DEFINITION.match(question):
        return Asked.DEFINITION
    if _SAID.match(question):
        return Asked.SAID
    if _SPEAKER.match(question):
        return Asked.SPEAKER
    if _ROLE.match(question):
        return Asked.ROLE
    return next((kind for kind, pattern in _ASKS if pattern.search(question)), None)


_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "both": 2}
# A question that asks for a number of things: 'Which three banks…', 'the chief executives of the two exchanges', 'both'.
_SEVERAL = re.compile(r"\b(?:which|what|the|both|name|are)\s+(two|three|four|five)\b|\b(both)\b", re.I)


def items_asked(question: str) -> int:
    """How many answers a who, which or what question asks for: the number it names ('Which three banks…', 'the two exchanges',
    'both'), else one (a question for several things without a number, 'Which companies…', is answered by one span that lists them)."""
    named = _SEVERAL.search(question) if re.match(r"\s*(?:who|which|what|name)\b", question, re.I) else None
    return _COUNT_WORDS[(named.group(1) or named.group(2)).lower()] if named else 1


def _apposition(text: str, end: int) -> tuple[int, int] | None:
    """What the words after a name say it is: 'Noetra, a consortium…', 'Noetra -- a physical AI consortium…', 'Noetra is a…'
    (not the attribution of 'Northlight, the company said')."""
    after = re.match(rf"(?:['’]s)?\s*(?:,|—|–|\s--|\s+(?:is|was|are|were|has been)\s)\s*((?:a|an|the)\s[^,.;:—–()]{{2,150}}?){_AFTER}",
                     text[end:])
    if not after or re.search(r"\b(?:said|says|told|added|reported|announced)\b", after.group(1)):
        return None
    return end + after.start(1), end + after.end(1)


def _title_before(text: str, start: int, name: str) -> tuple[int, int] | None:
    """What the words just before a name call it: 'US business tycoon Malcolm Glazer', 'the Swedish studio Northlight'. They open
    after 'the', 'from', punctuation or a line's start (not a verb's 'to back Noetra' nor mid-clause), run two to four words, none a
    verb's form ('Tokyo picked SoftBank-backed Noetra', 'Noetra includes SoftBank', 'Tokyo backs Noetra'), and a first name before
    a surname is no description ('Katerina' of 'Katerina Thanou'), where a title before a full name is."""
    base = max(0, start - 80)
    run: list[re.Match[str]] = []
    opener = ""
    for w in reversed(list(re.finditer(r"[\w'’-]+", text[base:start]))):
        gap = text[base + w.end():base + run[0].start() if run else start]
        if gap.strip() or "\n" in gap or w.group(0).lower() in STOPWORDS or len(run) == 4:
            opener = "," if gap.strip() or "\n" in gap else w.group(0).lower()
            break
        run.insert(0, w)
    first = base + run[0].start() if run else start
    opens = opener in _OPENS_DESCRIPTION or opener == "," or not text[max(0, first - 2):first].strip()
    verb = any(re.fullmatch(r"[a-z]+(?:ed|es|ing)", w.group(0))
               or (n and run[n - 1].group(0)[0].isupper() and re.fullmatch(r"[a-z]+[^su]s", w.group(0))) for n, w in enumerate(run))
    if len(run) < 2 or not opens or verb or not (any(w.group(0)[0].islower() for w in run) or " " in name):
        return None
    return first, base + run[-1].end()


def _descriptions(text: str, name: str) -> list[tuple[int, int]]:
    """Where a text says what a name is: an apposition or copula after it, or a description before it."""
    found = []
    for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, re.I):
        found += [r for r in (_apposition(text, m.end()), _title_before(text, m.start(), name)) if r]
    return found


def _words_of(text: str, speaker: str) -> list[tuple[int, int]]:
    """Where a text gives the words a speaker said: the words of each sentence whose attribution names the speaker (every content
    word of 'Kenteris's lawyer' in 'Kenteris's lawyer, Gregory Ioannidis, said'), and a quotation in the sentence after one that does."""
    wanted = {w for w in re.findall(r"[a-z0-9]+", re.sub(r"['’]s\b", "", speaker.lower())) if w not in STOPWORDS}
    found: list[tuple[int, int]] = []
    named_before = False
    for base, stop in sentence_spans(text):
        sentence = text[base:stop]
        attribution = said(sentence)
        if attribution:
            held = set(re.findall(r"[a-z0-9]+", sentence[slice(*attribution.named_at)].lower()))
            named_before = bool(wanted) and wanted <= held
            if named_before and attribution.end > attribution.start:
                found.append(_unquoted(sentence, base, attribution.start, attribution.end))
        elif named_before:
            found += [_unquoted(sentence, base, q.start(1), q.end(1)) for q in QUOTED.finditer(sentence)]
    return [(a, b) for a, b in found if b > a]


def _plain(text: str) -> str:
    """A text's words and figures, lower-case, one space apart: quote marks and punctuation left out."""
    return " ".join(re.findall(r"[\w%£$€¥.-]+", text.lower()))


def _quoted_words(question: str) -> str:
    """The words a question quotes ('Who said "The charge cannot be substantiated"?'), plain, or ''."""
    quoted = re.search(r"[\"“]([^\"“”]{3,}?)[\"”]|(?<!\w)‘([^‘’]{3,}?)’(?!\w)", question)
    return _plain(quoted.group(1) or quoted.group(2)).strip(" .") if quoted else ""


def _holds(text: str, words: str) -> bool:
    """True when a text holds these words in this order (case, quote marks and punctuation aside), or no words are given."""
    return not words or words in _plain(text)


def _speakers(text: str) -> list[tuple[int, int]]:
    """Where a text names who said something: each sentence's attributed speaker ('Kostas Panagopoulos' of 'The head of that tribunal,
    Kostas Panagopoulos, said'; a quotation's 'he said' names nobody, the sentence before it does)."""
    found = []
    for base, stop in sentence_spans(text):
        sentence = text[base:stop]
        attribution = said(sentence)
        at = sentence.find(attribution.speaker, attribution.named_at[0]) if attribution else -1
        if at >= 0:
            found.append((base + at, base + at + len(attribution.speaker)))
    return found


def _unquoted(sentence: str, base: int, start: int, end: int) -> tuple[int, int]:
    """Words said without the quotation marks and punctuation at their edges."""
    while start < end and (sentence[start] in "\"“‘:" or sentence[start].isspace()):
        start += 1
    while end > start and sentence[end - 1] in " \"”’,.;:":
        end -= 1
    return base + start, base + end


def answer_ranges(text: str, kind: Asked, question: str = "", article: str = "") -> list[tuple[int, int]]:
    """Where a text (a passage of the article given) states an answer of that kind, as character ranges (for a description, of the
    name the question asks about; for words said, those of the speaker it asks about; for a role, its holder's)."""
    if kind is Asked.DEFINITION:
        named = _DEFINITION.match(question)
        return sorted(set(_descriptions(text, named.group("name")))) if named else []
    if kind is Asked.SAID:
        speaker = _SAID.match(question)
        return sorted(set(_words_of(text, speaker.group("name")))) if speaker else []
    if kind is Asked.SPEAKER:
        return _speakers(text) if _holds(text, _quoted_words(question)) else []
    if kind is Asked.ROLE:
        role = _ROLE.match(question)
        return _holders(text, role.group("role"), role.group("owner") or role.group("org") or "", article) if role else []
    return _figure_ranges(text, kind, question, article)


# 'By how much did sales fall?', 'predates The Game by how many years?': a difference, which a passage states after 'by'.
_MARGIN = re.compile(r"\bby how (?:much|many|far)\b", re.I)


def margins(question: str, text: str) -> list[tuple[int, int]]:
    """Where a text states a difference as a figure after 'by' ('broke the record by 14 seconds', 'cut its holdings by $230
    million'; not 'by 2040'), for a question that asks by how much; none for any other question."""
    if not _MARGIN.search(question):
        return []
    return [(f.start, f.end) for f in text_figures(text) if f.kind not in ("year", "day") and re.search(r"\bby\s+$", text[:f.start])]


_HOW_MANY_OF = re.compile(r"\bhow many\s+((?:[\w'’-]+\s+){0,2}[\w'’-]+)", re.I)


def asks_when(question: str) -> bool:
    """True for a question that asks when ('When did…', 'Since when has…', 'By when…'; not 'When X rolled out…, which…?')."""
    return bool(re.match(r"\W*(?:(?:since|until|till|by|from) )?when(?:['’]s\b|\s+(?:is|are|was|were|do|does|did|will|would|can|could|"
                         r"should|has|have|had|must|might|may)\b)", question, re.I))


# 'Which city…', 'What is the name of…', 'Which firm…': a question that asks for a place, a body or a person by what it is (not
# 'What club record fee…', whose noun only qualifies another).
_ASKS_NAMED = re.compile(r"\b(?:which|what)\s+(?:[\w'’-]+\s+)?(?:city|town|village|country|nation|state|county|region|province|firm|company|"
                         r"club|team|newspaper|paper|magazine|broadcaster|channel|network|party|school|university|college|hospital|"
                         r"airline|bank|band|group|organi[sz]ation|agency|charity|ministry|department|court|player|actor|actress|singer|"
                         r"politician|person|man|woman)(?:['’]s?|(?=\s+(?:is|was|are|were|did|does|do|has|have|had|will|would|can|could|"
                         r"of|in|on|at|for|to|from|that|whose|where)\b|\s*[?,]))|\bwhat (?:is|was|are|were) (?:the|his|her|their) "
                         r"(?:real |full |first |last )?names?\b", re.I)


# 'Who…?', 'To whom…?': a question that asks for a person or a body.
_ASKS_WHO = re.compile(r"^\W*(?:(?:to|by|with|for|from|of|against) )?(?:who|whom)\b", re.I)


def names_no_one(question: str, span: str) -> bool:
    """True when a question asks who, or which place, body or person (_ASKS_NAMED), and a span is a bare figure ('8623' for 'From
    which city…', '27-years-old' for 'Which firm…', '40' for 'Who was driving the car?'), naming none."""
    return bool(_ASKS_NAMED.search(question) or _ASKS_WHO.match(question)) and bool(re.match(r"\W*\d", span)) and not re.search(r"\b[A-Z][a-z]", span)


def asks_count(question: str) -> bool:
    """True for a question that asks how many ('How many people…', 'On how many days…'; not 'by how many')."""
    return bool(re.search(r"(?<!\bby )\bhow many\b", question, re.I))


def counted(question: str, text: str, start: int, end: int) -> tuple[int, int]:
    """A span that runs over several figures ('56 cases of H5N1, 37') cut to the first count of what a 'how many' question counts
    ('How many H5N1 cases…' -> '56 cases'); where the span holds no such count, or the question counts nothing, the span as it is."""
    asking = _HOW_MANY_OF.search(question)
    if not asking:
        return start, end
    nouns = {stem(w) for w in words(asking.group(1))}
    inside = [f for f in text_figures(text) if start <= f.start < end]
    match = next((f for f in inside if f.kind == "count" and f.unit and stem(f.unit) in nouns), None)
    return (match.start, match.end) if match and len(inside) > 1 else (start, end)


# The words a 'which' or 'what' question names its answer by ('Which university…', 'At which Super Bowl…', 'which peninsula').
_WHICH = re.compile(r"\b(?:which|what)\s+((?:[\w'’-]+\s+){0,2}[\w'’-]+)", re.I)
# Capitalised words right before a span, within its sentence, none of them possessive ('Bank of ', 'Super Bowl '; not "EnQuest's ").
_CAPITALS_BEFORE = re.compile(r"(?:[A-Z][\w'’-]*(?<!['’]s)[ \t]+)+(?:of[ \t]+(?:the[ \t]+)?)?$")
_CAPITALS_AFTER = re.compile(r"(?:['’]s)?(?:[ \t]+[A-Z][\w'’-]*)+")


def named_as_asked(question: str, text: str, start: int, end: int) -> tuple[int, int]:
    """A name read without the word a 'which' question names it by, read with it: 'Ireland' -> 'Bank of Ireland' for 'Outside which
    bank…', 'XXV' -> 'Super Bowl XXV', 'Shiretoko' -> 'Shiretoko Peninsula' for 'which peninsula' (after the name, only a word the
    question writes in lower case: not 'Facebook' of 'which Facebook page'). Any other span as it is."""
    asking = _WHICH.search(question)
    if not asking or not text[start:end][:1].isupper():
        return start, end
    asked_words = list(itertools.takewhile(lambda w: w.lower() not in STOPWORDS, re.findall(r"[\w'’-]+", asking.group(1))))
    nouns, common_nouns = {stem(w.lower()) for w in asked_words}, {stem(w) for w in asked_words if w.islower()}
    before = _CAPITALS_BEFORE.search(text[:start])
    # Before the name, only where it is the asked thing's name 'of' something or its number ('Bank of Ireland', 'Super Bowl XXV'):
    # 'Judge Pearson' for 'Which judge…' names a person, not a judge named 'Judge Pearson'.
    numbered = re.fullmatch(r"\d+|[IVXLC]+", text[start:end])
    if before and (numbered or before.group().rstrip().endswith(("of", "the"))) and nouns & {stem(w) for w in words(before.group())}:
        run = before.group().split()
        kept = next(i for i, w in enumerate(run) if w.lower() not in STOPWORDS)  # 'The University of' -> 'University of'
        start = before.start() + before.group().index(run[kept], sum(len(w) + 1 for w in run[:kept]))
    after = _CAPITALS_AFTER.match(text[end:])
    if after and common_nouns & {stem(w) for w in words(after.group())}:
        end += after.end()
    return start, end


def read_openly(kind: Asked | None, question: str, ranges: list[list[tuple[int, int]]]) -> bool:
    """True when a speaker is asked for and no window attributes words to anyone the way the attribution reads them: the reader
    then reads them all, unless the question quotes the words (whoever said them, no window says who)."""
    return kind is Asked.SPEAKER and not any(ranges) and not _quoted_words(question)


def _org_names(org: str) -> set[str]:
    """The names an organisation goes by: its capitalised words and, for several, their initials ('London Stock Exchange':
    'London', 'Stock', 'Exchange', 'LSE'; 'Liberian FA': 'LFA')."""
    names = [w for w in re.findall(r"[\w-]+", org) if w[:1].isupper()]
    initials = {"".join(w[0] for w in names).upper(), "".join(w if w.isupper() else w[0] for w in names).upper()}
    return set(names) | (initials if len(names) > 1 else set())


# Words before a role that make it another one than the role itself.
_OTHER_ROLE = r"(?:shadow|deputy|vice|assistant|acting|creative)"
# The verb a role is held by ('directed by James Cameron' names the director).
_HELD_BY = {"director": "directed", "head": "headed", "leader": "led", "owner": "owned", "founder": "founded", "manager": "managed",
            "coach": "coached", "editor": "edited", "chairman": "chaired", "chairwoman": "chaired", "chair": "chaired"}


def _owner_form(word: str) -> str:
    """What a role's owner is matched by: a word's first four letters, case kept ('Cuban' for 'Cuba', 'Moroccan' for 'Morocco'; not
    'health' for 'Health')."""
    return word[:4]


def _role_forms(role: str) -> str:
    """A pattern for a role in any of the words news writes it in: 'head of health' also as 'chief of health', 'boss of health'…
    ('Wales assistant boss' for its assistant manager, 'Blue Bell CEO' for its chief executive)."""
    low = role.lower()
    held = [w for group in ROLE_SYNONYMS for w in group if re.search(rf"\b{w.lower()}\b", low)]
    if not held:
        return re.escape(role)
    word = max(held, key=len)  # 'chief executive', not the 'chief' in it
    forms = sorted({w for group in ROLE_SYNONYMS if word in group for w in group}, key=len, reverse=True)
    head, tail = re.split(rf"\b{word.lower()}\b", low, maxsplit=1)
    return f"{re.escape(head)}(?:{'|'.join(map(re.escape, forms))}){re.escape(tail)}"


def _holders(text: str, role: str, org: str, article: str = "") -> list[tuple[int, int]]:
    """Where a text names who holds a role: the name right after it ('chief executive Clara Furse', 'chief executive of the LSE,
    Clara Furse'), set off before it ('Werner Seifert, chief executive of…') or after the role's verb ('directed by James
    Cameron'); not where the role is another organisation's ('Euronext chief executive…' for the LSE's) or no one's the text's
    article (by default the text itself) names, nor a 'shadow chancellor' for the chancellor."""
    wanted = {_owner_form(w) for w in _org_names(org)}
    written = {_owner_form(w) for w in re.findall(r"[\w-]+", article or text)} if wanted else set()
    found = []
    for m in re.finditer(rf"(?<![\w-]){_role_forms(role)}(?![\w-])", text, re.I):
        of = re.match(r"\s+(?:of|at|for)\s+(?:the\s+)?([A-Z][\w'’.&-]*(?:\s+[A-Z][\w'’.&-]*)*)", text[m.end():])
        owner = re.search(r"([A-Z][\w&-]*(?:\s+[A-Z][\w&-]*)*?)(?:['’]s)?\s+$", text[max(0, m.start() - 40):m.start()])
        # Whose role it is: 'Euronext chief executive', 'LSE's chief executive', 'chief executive of Deutsche Boerse' (not 'of the
        # Frankfurt-based exchange', a description); a modifier makes it another role ('shadow chancellor', 'creative director').
        qualifier = {w for q in (of, owner) if q and q.group(1).split()[0].lower() not in STOPWORDS
                     for w in re.findall(r"[\w-]+", q.group(1)) if not re.search(r"-(?:based|owned|listed|born|backed|led)$", w)}
        # A role no name qualifies is the asked one's only where the article names its owner ('his lawyer Keith Fink' is not Roy
        # Oliver's lawyer in an article that never names him).
        named = {_owner_form(w) for w in qualifier} if qualifier else written
        if (wanted and not wanted & named) or re.search(rf"\b{_OTHER_ROLE}\s+$", text[:m.start()], re.I):
            continue
        rest = m.end() + (of.end() if of else 0)
        after = re.match(rf",?\s+({NAME})", text[rest:])
        before = re.search(rf"({NAME}),\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)?(?:[\w'’.-]+\s+){{0,3}}$", text[:m.start()])
        if after and after.group(1).split()[0].lower() not in STOPWORDS:
            found.append((rest + after.start(1), rest + after.start(1) + len(after.group(1).rstrip("."))))
        elif before:
            found.append((before.start(1), before.end(1)))
    verb = _HELD_BY.get(role.lower().split()[-1])
    for m in re.finditer(rf"\b(?i:{verb})\s+by\s+({NAME})", text) if verb else ():
        found.append((m.start(1), m.start(1) + len(m.group(1).rstrip("."))))
    return sorted(set(found))


# A currency a question asks an amount in ('How much did it cost in euros?', 'in Australian dollars', 'in sterling').
_IN_CURRENCY = re.compile(rf"\bin\s+((?:(?:US|Australian|Canadian|British)\s+)?(?:{CURRENCY_WORDS}|sterling))\b", re.I)


def asked_currency(question: str) -> str:
    """The currency a question asks an amount in ('in euros' -> 'eur', 'in Australian dollars' -> 'aud'), or ''."""
    named = _IN_CURRENCY.search(question)
    return currency(re.sub(r"s$", "", named.group(1).lower())) if named else ""


# The person 'How old is…' asks about, named last before the question's end or its clause of time ('How old is Caf president Issa
# Hayatou?', 'How old was Alan Kurdi when…'); not a name that only qualifies the asked one ('Jak's sister', 'the Harry Potter author').
# The opening of a question that asks someone's age, up to the name it gives.
_ASKS_AGE = r"^\s*(?i:how old|at what age|what age)\b[^?]*?(?<![\w'’.-])"
_AGED = re.compile(rf"{_ASKS_AGE}((?:[A-Z][\w'’.-]*\s+){{0,3}}[A-Z][\w'’.-]*)"
                   r"(?:\?|,|\s+(?i:when|now|at|in|after|before|as|die|died)\b)")
# 'How old is X?' and no more: an age a passage gives X by name answers it (not 'How old was X when…', of another time).
_AGE_NOW = re.compile(r"^\s*how old (?:is|are) [^?,]+\?$", re.I)


def _aged(question: str) -> list[str]:
    """The words of the name of the person a question asks the age of, in order, or none."""
    m = _AGED.match(question)
    if not m or not m.group(1)[:1].isupper() or re.search(r"['’]s?$", m.group(1)):
        return []
    return _name_words(m.group(1))


# 'How old is Alan Kurdi's brother?': the age of someone named by whose they are.
_AGED_RELATIVE = re.compile(rf"{_ASKS_AGE}((?:[A-Z][\w.-]*\s+){{0,3}}[A-Z][\w.-]*)['’]s?\s+[a-z]")


def _relative_of(question: str) -> list[str]:
    """The words of the name of the person whose relative, partner or the like an age question asks about, or none."""
    m = _AGED_RELATIVE.match(question)
    return _name_words(m.group(1)) if m else []


def _name_words(name: str) -> list[str]:
    """The words of a name that tell it from another, in order: not a title ('Mr') nor a stopword."""
    return [w for w in re.findall(r"[\w'’-]+", name) if w[:1].isupper() and w.lower() not in STOPWORDS and w.lower() not in HONORIFICS]


def _age_holder(text: str, start: int, end: int) -> list[str]:
    """The words of the name an age is given to ('Serena Williams, 33,', 'Williams (33)', 'the 33-year-old Serena Williams', '24-year-old
    Bayern Munich forward Evans'), or none where no name stands beside it ('she turned 33')."""
    before = re.search(rf"({NAME_RUN})(?:,\s+(?:(?:who\s+is|now|aged?)\s+)?|\s+\(|\s+(?:aged?|turned|turns)\s+|\s+(?:is|was)\s+(?:now\s+)?(?:just\s+|only\s+)?)$", text[:start])
    after = re.match(rf"(?:-year-old|\s+years?\s+old) +({NAME_RUN}(?: [a-z]+){{0,2}} {NAME_RUN}|{NAME_RUN})", text[end:])
    name = (before or after)
    return _name_words(name.group(1)) if name else []


def _same_person(asked: list[str], holder: list[str]) -> bool | None:
    """Whether an age's holder is the person asked about: the surname given, and a first name, where both give one, shared ('Craig
    Hughes' is not 'Nathan Hughes'); None where the age is given to no name."""
    if not holder:
        return None
    return asked[-1] in holder and (len(asked) == 1 or len(holder) == 1 or bool(set(asked[:-1]) & set(holder)))


def named_age(question: str, text: str, start: int, end: int) -> bool:
    """True where a span of a text is the age it gives, by name, to the person 'How old is X?' asks about ('Williams, 33,')."""
    return bool(_AGE_NOW.match(question)) and (asked := _aged(question)) != [] and bool(_same_person(asked, _age_holder(text, start, end)))


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """Where a pattern matches in a text."""
    return [m.span() for m in pattern.finditer(text)]


def _figure_ranges(text: str, kind: Asked, question: str = "", article: str = "") -> list[tuple[int, int]]:
    """Where a text states a date, day, year, month, minute of a match, result, age, amount, percentage, weight, duration, length or
    time of day; an amount asked in a currency only in that currency ('three billion euros', not '$3.3 billion', for 'How much did
    it cost in euros?'; nothing for 'in pounds'); the age of a person asked about only where given to them, or to no name in an
    article that names them."""
    if kind in (Asked.MONEY, Asked.PERCENT):
        # 'How much' may also ask for a change in percent ('How much did the price rise?'); 'What were its revenues?' may not.
        changed = kind is Asked.PERCENT or re.search(r"\bhow much\b", question, re.I) or not question
        found = [(s.start, s.end) for s in candidate_spans(text, Kind.PERCENT)] if changed else []
        amounts = candidate_spans(text, Kind.MONEY) if kind is Asked.MONEY else []
        wanted = asked_currency(question)
        found += [(s.start, s.end) for s in amounts if not wanted or currency(s.text) == wanted]
    elif kind is Asked.WEIGHT:
        found = _spans(_WEIGHT, text)
    elif kind is Asked.MONTH:
        # 'May' after a capitalised word is a name ('Theresa May').
        found = [(m.start(), m.end()) for m in _MONTH.finditer(text)
                 if not (m.group().startswith("May") and re.search(r"[A-Z][\w'’.-]*\s+$", text[:m.start()]))]
    elif kind is Asked.SCORE:
        found = _spans(_RESULT, text)
    elif kind is Asked.MINUTE:
        found = _spans(_MINUTE, text)
    elif kind is Asked.TIME:
        of_day = re.search(r"\bwhat time of (?:the )?day\b", question, re.I)
        found = _spans(_TIME, text) + (_spans(_PART_OF_DAY, text) if of_day else [])
    elif kind in (Asked.DURATION, Asked.LENGTH):
        found = [(m.start(), m.end()) for m in _DURATION.finditer(text)
                 if kind is Asked.DURATION or re.search(rf"(?:\d|\b){_LENGTH_UNIT}", m.group(), re.I)]
    elif kind in (Asked.DATE, Asked.DAY):
        # 'On what date…' asks for a day: 'in December' does not give one; 'On which day…' may be answered by a weekday too.
        found = [(s.start, s.end) for s in candidate_spans(text, Kind.DATE) if _HAS_DAY.search(s.text)]
        if kind is Asked.DAY:
            found = _joined(sorted(found + _spans(_DAY, text)), text)
    elif kind is Asked.YEAR:
        found = _spans(_YEAR, text)
    else:
        found = [(a[0], a[1]) for m in AGE.finditer(text) if (a := age_value(m))]
        person, relative_of = _aged(question), _relative_of(question)
        found = [(s, e) for s, e in found if not person or (same := _same_person(person, _age_holder(text, s, e)))
                 or same is None and (not article or re.search(rf"\b{re.escape(person[-1])}\b", article))]
        # 'How old is Alan Kurdi's brother?' is not answered by the age given to Alan Kurdi.
        found = [(s, e) for s, e in found if not relative_of or not _same_person(relative_of, _age_holder(text, s, e))]
    return sorted({(_range_start(text, s), e) for s, e in found})


def page_date_end(text: str) -> int:
    """Where the date that heads a text before an ellipsis or a full stop ends (the page's date, not one its story states), else 0."""
    date = WRITTEN_DATE.match(text, len(text) - len(text.lstrip()))
    found = _PAGE_DATE_END.match(text, date.end()) if date and date.group("year") and (date.group("first") or date.group("day")) else None
    return found.end() if found else 0


def _joined(ranges: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Ranges in order, a weekday joined to the date right after it ('Friday' + '28 October'; not 'Friday, Saturday')."""
    joined: list[tuple[int, int]] = []
    for start, end in ranges:
        if joined and re.fullmatch(r"[ ,]*", text[joined[-1][1]:start]) and _DAY.fullmatch(text[joined[-1][0]:joined[-1][1]]) \
                and not _DAY.fullmatch(text[start:end]):
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


def _same_time(a: str, b: str) -> bool:
    """True when two years as written name the same time: one year twice, or a decade and a year in it ('1990s', '1998')."""
    return a == b or (a.endswith("s") and b[:3] == a[:3]) or (b.endswith("s") and a[:3] == b[:3])


def another_year(question: str, passage: str) -> bool:
    """True when a passage is about a year other than the one the question asks about: the question names a year as a point in
    time ('in 2007', 'the 2004 Tour'), and the passage states other years and none of the question's (a forecast 'for 2007'
    against one for 2005 and 2006). A passage that states no year may still answer, a decade holds its years ('the 1990s'
    for 1998), and a year that bounds a span ('since 1997', 'between 2004 and 2006') fixes no single year; nor does one in a sentence
    that sets the scene before the question itself ('The US entered the war in 1941. In which year did it end?'). A question about
    a span of years ('between 2012 and 2015') is about another time than a passage whose years all fall outside it."""
    years, points, span = _question_years(question)
    stated = set(_YEAR.findall(passage)) - {m.group(1) for m in _PASSAGE_BOUND.finditer(passage)}
    if span and stated and not (points - set(span)):
        return all(not span[0] <= s[:4] <= span[1] and not (s.endswith("s") and s[:3] in (span[0][:3], span[1][:3])) for s in stated)
    return bool(points) and bool(stated) and not any(_same_time(s, y) for s in stated for y in years)


# A question about what happened ('How long was he banned?'), and not about a plan, forecast or estimate.
_ASKS_PAST = re.compile(r"\b(?:did|was|were|had)\b", re.I)
_ASKS_AHEAD = re.compile(r"\b(?:(?:due|meant|supposed|set|aim(?:s|ed|ing)?|hop(?:e|es|ed|ing)|plans?|planned|planning) to|will|would|could|"
                         r"might|(?-i:may)|likely|expect\w*|forecast\w*|predict\w*|estimat\w*|projected|intend\w*)\b", re.I)
# What a clause says will or is expected to happen, six words or fewer before the span and no new clause between ('…will be
# suspended for ', '…estimated to cost '; not '…will face Nadal after he beat '); not 'could', which as often tells what could not be
# done, nor the noun 'will' ('against her will').
_AHEAD = re.compile(r"(?<!\bher )(?<!\bhis )(?<!\bthe )(?<!\btheir )(?<!\bown )(?<!\bfree )(?<!\bgood )"
                    r"\b(?:will|(?:is|are|was|were) likely to|(?:expected|expects?|aims?|aiming|plans?|planning|hopes?|"
                    r"estimated|forecast|predicted|set) to|forecasts?|predicts?)\b"
                    r"(?:\s+(?!(?:after|before|when|while|because|since|but|who|which|that|where|although|though|and)\b)[^\s.;:,!?]+){0,6}\s+$",
                    re.I)


def foretold(question: str, text: str, start: int) -> bool:
    """True when a question asks what happened and a span stands in what its clause says will or is expected to happen: 'players
    found guilty will be suspended for three years' does not say how long one was banned, nor 'estimated to cost $50 billion' what
    something cost."""
    return bool(_ASKS_PAST.search(question)) and not _ASKS_AHEAD.search(question) and bool(_AHEAD.search(text[max(0, start - 60):start]))


_FATES = {fate: re.compile(rf"\b(?:{words})\b", re.I) for fate, words in FATES.items()}


def _fates(text: str) -> set[str]:
    """What befell people, by the words a text says it in (FATES): killed, injured, arrested, evacuated, rescued, missing."""
    return {fate for fate, pattern in _FATES.items() if pattern.search(text)}


def another_fate(question: str, sentence: str, start: int, end: int) -> bool:
    """True when a question asks about one fate ('How many people were killed…?') and the words around an answer (sentence[start:end],
    six words either side) tell only of others ('…injured 11 people'): what it counts or names befell someone otherwise."""
    asked_fates = _fates(question)
    before = " ".join(sentence[:start].split()[-6:])
    after = " ".join(sentence[end:].split()[:6])
    told = _fates(f"{before} {sentence[start:end]} {after}")
    return len(asked_fates) == 1 and bool(told) and not asked_fates & told


def opposed(question: str, passage: str) -> bool:
    """True when a passage states the opposite of a word of the question and never the word itself: applications approved do not
    answer how many were rejected, the women's final not the men's."""
    said = set(words(passage))
    held = {stem(w) for w in said}
    return any(stems & held or prefixed & said for stems, prefixed in
               (opposite_forms(w) for w in words(question) if w not in STOPWORDS and stem(w) not in held))


_YEAR_SPAN = re.compile(rf"\b(?:between|from)\s+({YEAR_DIGITS})\s+(?:and|to|until|through)\s+({YEAR_DIGITS})\b", re.I)


@lru_cache(maxsize=256)
def _question_years(question: str) -> tuple[frozenset[str], frozenset[str], tuple[str, str] | None]:
    """The years the question's own sentence names (not one that sets the scene before it), those of them it names as points in
    time, and the span of years it asks about ('between 2012 and 2015'), if any; read once per question, not once for each
    passage set against it."""
    spans = sentence_spans(question)
    own = question[spans[-1][0]:] if spans else question
    years = frozenset(_YEAR.findall(own))
    between = _YEAR_SPAN.search(own)
    return years, years - {m.group(1) for m in _BOUND_YEAR.finditer(own)}, (between.group(1), between.group(2)) if between else None


def enclosing(ranges: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """A span read inside some of these ranges, widened to the largest of them it overlaps: the whole date, age or amount."""
    over = [(s, e) for s, e in ranges if s < end and start < e]
    return max(over, key=lambda r: r[1] - r[0]) if over else (start, end)


def _range_start(text: str, start: int) -> int:
    """Where a stated range ending at a figure begins ('27-30%', '£19 to £29', '1869–1909'), else the figure's own start."""
    before = _RANGE_BEFORE.search(text[:start])
    return before.start() if before else start

"""What a claim and a passage state differently: the runs of words one puts in place of the other, and the names it swaps."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from qa.answer.figures import Figure, comparable, same_value, text_figures
from qa.answer.lexicon import ANTONYMS, CAPITALS, HONORIFICS, MONTHS, NEGATIONS, WEEKDAYS
from qa.answer.speech import NAME_RUN
from qa.index import Index
from qa.judge import Verdict
from qa.text import STOPWORDS, abbreviates, is_name, name_form, name_forms, stem, unstated_names

# A passage is about the same thing as a claim when it holds this share of the claim's idf-weighted content words.
ABOUT_SHARE = 0.5
# ... and one that names none of the claim's names, other names in their place, when it holds this share of the rest: it may
# tell of someone else ('Gerrard made his Liverpool debut in 1998' against 'Buffon made his Italy debut in 1997').
ELSEWHERE_SHARE = 0.75

# A weekday or a month: a time, not a name.
TIME_WORD = re.compile(rf"(?i:{'|'.join(WEEKDAYS)})|{MONTHS}")
_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+|[¥$€£%]")


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Lower-case word, number and currency tokens with their offsets."""
    return [(m.group(0).lower().replace("’", "'"), m.start(), m.end()) for m in _TOKEN.finditer(text)]


_NEGATING_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non")


@lru_cache(maxsize=8192)
def opposite_forms(word: str) -> tuple[frozenset[str], frozenset[str]]:
    """What says the opposite of a word: the stems of its antonyms either way ('rejected' for 'accepted'), and the words it makes
    with a negating prefix added or taken off ('unlikely' for 'likely'); nothing for a word that is not all letters."""
    w = word.lower()
    if not w.isalpha():
        return frozenset(), frozenset()
    against = ANTONYMS.get(w) or ANTONYMS.get(stem(w))
    stems = {stem(against)} if against else set()
    stems |= {stem(k) for k, v in ANTONYMS.items() if stem(v) == stem(w)}
    prefixed = {p + w for p in _NEGATING_PREFIXES} | {w[len(p):] for p in _NEGATING_PREFIXES if w.startswith(p)}
    return frozenset(stems), frozenset(x for x in prefixed if len(x) > 3 and len(w) > 3)


def opposite(a: str, b: str) -> bool:
    """True when one word says the opposite of the other: 'accepted' and 'rejected', 'likely' and 'unlikely', 'rising' and 'falling'."""
    b = b.lower()
    stems, prefixed = opposite_forms(a)
    return b.isalpha() and (stem(b) in stems or b in prefixed)


def opposite_pair(q_side: list[str], p_side: list[str]) -> tuple[str, str]:
    """The first word of one run and the word of the other that says its opposite."""
    return next((q, p) for q in q_side for p in p_side if opposite(q, p))


def _forms(names: list[str]) -> set[str]:
    """The forms names are matched by, a capital's country's too ('Moscow' is 'Russia' as a party to what happens)."""
    return {name_form(w) for w in names} | {name_form(CAPITALS[w.lower()]) for w in names if w.lower() in CAPITALS}


def named_forms(words: Iterable[str], common: frozenset[str]) -> set[str]:
    """The forms of the names among a text's words, as diff_kind matches them."""
    return _forms([w for w in words if is_name(w, common)])


def _spelt_alike(a: str, b: str) -> bool:
    """True when two words of five letters or more differ by one letter added or dropped, or two swapped, or (eight letters or
    more) one changed: 'Gerogia' and 'Georgia', 'Sweeden' and 'Sweden'; not 'Austria' and 'Australia', nor 'Jones' and 'Jonas'."""
    a, b = a.lower(), b.lower()
    if a == b or min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return (len(diff) == 1 and len(a) >= 8) or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def diff_kind(q_side: list[str], p_side: list[str], common: frozenset[str], p_named: set[str], q_named: set[str]) -> str:
    """'figure', 'date', 'name' or 'opposite' when two replaced runs of words state a different number, month or weekday, or name,
    or the opposite ('rejected' for 'accepted'), else ''. Names that open with the same four letters are one name in two forms
    ('British' and 'Britain'); a name the other text gives elsewhere, in any form, is no other name ('Noetra is led by Toyota'
    against 'The project is led by Noetra'; 'Russian bombing' against 'Moscow stops bombing'), nor are its initials ('LSE' for
    'London Stock Exchange'); and a weekday or month is no name
    ('May' for 'March' is a date, 'Twitter' for 'Sunday' nothing). `p_named` and `q_named` are the name forms of each whole text
    (named_forms)."""
    if not q_side or not p_side:
        return ""
    if any(w[0].isdigit() for w in q_side) and any(w[0].isdigit() for w in p_side):
        return "figure"
    if any(TIME_WORD.fullmatch(w) for w in q_side) and any(TIME_WORD.fullmatch(w) for w in p_side):
        return "date"
    if len(q_side) <= 2 and len(p_side) <= 2 and any(opposite(q, p) for q in q_side for p in p_side):
        return "opposite"
    q_names = [w for w in q_side if is_name(w, common)]
    p_names = [w for w in p_side if is_name(w, common)]
    # A name spelt one letter differently is the same name mistyped ('Gerogia' for 'Georgia').
    q_names, p_names = ([w for w in a if not any(_spelt_alike(w, o) for o in b)] for a, b in ((q_names, p_names), (p_names, q_names)))
    timed = any(TIME_WORD.fullmatch(w) for w in q_names + p_names)
    # Names are set against each other by the words they do not share ('Beijing' against 'London' of 'Beijing Olympics' and
    # 'London Olympic Games').
    q_forms, p_forms = _forms(q_names) - _forms(p_names), _forms(p_names) - _forms(q_names)
    if (q_forms and p_forms and not timed and not q_forms & p_named and not p_forms & q_named
            and not abbreviates(p_names, [w for w in q_side if w[:1].isupper()]) and not abbreviates(q_names, [w for w in p_side if w[:1].isupper()])):
        return "name"
    return ""


# Two names are in a relation with a word between them when each stands within this many words of it, in one clause, with no
# preposition between ('the Games in Sydney' is 'the Sydney Games'; 'bought by SoftBank' is 'SoftBank bought').
ROLE_REACH = 12
_CLAUSE_BREAK = re.compile(r"[.;!?]\s|,\s+(?:and|but|while|whereas|although)\b")
_PREPOSITIONS = frozenset("by of in at on from with for into onto over under against after before since during between among "
                          "about across through via per than as".split())


@dataclass(frozen=True)
class _Name:
    """A run of name words in a text: the form it is matched by, its first and last words' positions among the text's tokens, its
    words and its offsets."""

    form: str
    first: int
    last: int
    words: str
    start: int
    end: int


def _roles(text: str, common: frozenset[str]) -> tuple[list[_Name], dict[str, list[tuple[int, int, int]]], set[int]]:
    """A text's names (not a weekday or month), each of its other content words' stems with the places of the word (position,
    start, end), and the positions of its prepositions."""
    names: list[_Name] = []
    content: dict[str, list[tuple[int, int, int]]] = {}
    prepositions = set()
    for i, (low, s, e) in enumerate(tokens(text)):
        if is_name(text[s:e], common) and not TIME_WORD.fullmatch(text[s:e]):
            joined = names[-1] if names and names[-1].last == i - 1 else None
            name = _Name(name_form(low), joined.first if joined else i, i, text[joined.start if joined else s:e], joined.start if joined else s, e)
            names[-1:] = [name] if joined else [*names[-1:], name]
        elif low in _PREPOSITIONS:
            prepositions.add(i)
        elif low.isalpha() and low not in STOPWORDS:
            content.setdefault(stem(low), []).append((i, s, e))
    return names, content, prepositions


def _around(text: str, names: list[_Name], word: tuple[int, int, int], prepositions: set[int]) -> set[tuple[str, str]]:
    """The ordered pairs of names a word (position, start, end) stands between: within ROLE_REACH words of it, in one clause, with
    no preposition between either and the word, and neither set off from it by a comma alone (a place described, not a party to
    the word: 'in Fujian, southeastern China' is 'in China's southeastern Fujian')."""
    at, start, end = word
    pairs = set()
    for a in (n for n in names if at - ROLE_REACH <= n.last < at and not any(n.last < k < at for k in prepositions)
              and text[n.end:start].strip() != ","):
        for b in (n for n in names if at < n.first <= at + ROLE_REACH and not any(at < k < n.first for k in prepositions)
                  and text[end:n.start].strip() != ","):
            if a.form != b.form and not _CLAUSE_BREAK.search(text[a.end:b.start]):
                pairs.add((a.form, b.form))
    return pairs


def swapped_roles(claim: str, passage: str, common: frozenset[str]) -> str:
    """A note when a passage puts two of the claim's names the other way round about a word both put between them ('TCI said it
    would prefer to see Deutsche Boerse return…' for 'Deutsche Boerse said it would prefer to see TCI return…'), else ''."""
    c_names, c_words, c_prepositions = _roles(claim, common)
    p_names, p_words, p_prepositions = _roles(passage, common)
    shown = {n.form: n.words for n in c_names}
    for word in c_words.keys() & p_words.keys():
        claimed = set().union(*(_around(claim, c_names, place, c_prepositions) for place in c_words[word]))
        stated = set().union(*(_around(passage, p_names, place, p_prepositions) for place in p_words[word]))
        for a, b in claimed:
            if (b, a) in stated and (a, b) not in stated and (b, a) not in claimed:
                return f"the article has {shown[b]} and {shown[a]} the other way round"
    return ""


def phrase(figs: list[Figure], text: str, start: int, end: int) -> str:
    """The figure of a text that covers a span, else the only one the span reaches ('27.1%' of 'a stake of 27.1'), else the span
    itself ('£19 to £29')."""
    over = [fig for fig in figs if fig.start < end and start < fig.end]
    covering = [fig for fig in over if fig.start <= start and end <= fig.end]
    return covering[0].text if covering else over[0].text if len(over) == 1 else text[start:end]


class Difference(NamedTuple):
    """A run of a claim's words a passage puts other words in place of: its kind ('figure', 'name', 'opposite' or ''), a note
    saying what differs, the claim's words replaced, and where the passage's words stand."""

    kind: str
    note: str
    claimed: str
    start: int
    end: int


def differences(claim: str, passage: str, common: frozenset[str]) -> list[Difference]:
    """What a passage says instead: for each short run of the claim's words that it replaces with words that say something (not
    only stopwords, not across a sentence's end), or where one of them denies what the other states ('not')."""
    c_raw, p_raw = tokens(claim), tokens(passage)
    c_toks, p_toks = [t[0] for t in c_raw], [t[0] for t in p_raw]
    c_figs, p_figs = text_figures(claim), text_figures(passage)
    c_named, p_named = (named_forms((text[s:e] for _, s, e in raw), common) for text, raw in ((claim, c_raw), (passage, p_raw)))
    notes = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, c_toks, p_toks, autojunk=False).get_opcodes():
        if op == "replace" and j2 - j1 > 4 and i2 == len(c_toks):  # the claim's last words, against as many of the passage's next
            j2 = j1 + i2 - i1
        if op == "replace" and j2 - j1 > 4 and i1 == 0:  # the claim's first words, against as many of the passage's before them
            j1 = j2 - i2
        if op != "equal" and i2 - i1 <= 4 and j2 - j1 <= 4 and _denial(c_toks[i1:i2], p_toks[j1:j2]):
            # One side denies what the other states ('does not apply' against 'also applies'), shown with a word either side.
            p_said = passage[p_raw[max(j1 - 1, 0)][1]:p_raw[min(j2, len(p_raw) - 1)][2]]
            if not re.search(r"[.!?]\s", p_said):
                c_said = claim[c_raw[max(i1 - 1, 0)][1]:c_raw[min(i2, len(c_raw) - 1)][2]]
                notes.append(Difference("opposite", f"the article says “{p_said}”, not “{c_said}”", claim[c_raw[i1][1]:c_raw[i2 - 1][2]] if i2 > i1 else "",
                                        p_raw[max(j1 - 1, 0)][1], p_raw[min(j2, len(p_raw) - 1)][2]))
            continue
        if op == "replace" and i2 - i1 <= 4 and j2 - j1 <= 4:
            c_words, p_words = c_toks[i1:i2], p_toks[j1:j2]
            if _empty(c_words) or _empty(p_words) or re.search(r"[.!?]\s", passage[p_raw[j1][1]:p_raw[j2 - 1][2]]):
                continue  # 'They' for 'McManus and Magnier', 'the' for 'Sony's', 'investment vehicle. Mr' for 'while' say nothing
            kind = diff_kind([claim[s:e] for _, s, e in c_raw[i1:i2]], [passage[s:e] for _, s, e in p_raw[j1:j2]], common, p_named,
                             c_named)
            if kind == "name":
                said, claimed = _names(passage, p_raw[j1:j2], common), _names(claim, c_raw[i1:i2], common)
            elif kind == "opposite":
                claimed, said = opposite_pair([claim[cs:ce] for _, cs, ce in c_raw[i1:i2]], [passage[ps:pe] for _, ps, pe in p_raw[j1:j2]])
            else:
                said = phrase(p_figs, passage, p_raw[j1][1], p_raw[j2 - 1][2])
                claimed = phrase(c_figs, claim, c_raw[i1][1], c_raw[i2 - 1][2])
            notes.append(Difference(kind, f"the article {'names' if kind == 'name' else 'says'} “{said}”, not “{claimed}”", claimed,
                                    p_raw[j1][1], p_raw[j2 - 1][2]))
    return notes


def _denial(c_words: list[str], p_words: list[str]) -> bool:
    """True when one of two aligned runs of words denies what the other states: a negation ('not', 'never', the 't' of "doesn't")
    on one side only, and nothing else but the same words ('does not apply' against 'also applies', "can't" against 'can', "won't"
    against 'will'; not 'did nothing to fix' against 'was only a temporary fix', which says it in other words)."""
    def stated(run: list[str]) -> set[str]:
        # 'cannot' states 'can', the 'won' of "won't" 'will'.
        said = ["can" if w == "cannot" else "will" if w == "won" and run[i + 1:i + 2] == ["t"] else w for i, w in enumerate(run)]
        return {stem(w) for w in said if w not in NEGATIONS and w not in STOPWORDS}

    if any(w in NEGATIONS for w in c_words) == any(w in NEGATIONS for w in p_words):
        return False
    bare = not [w for w in c_words if w not in NEGATIONS] or not [w for w in p_words if w not in NEGATIONS]
    c_said, p_said = stated(c_words), stated(p_words)
    return bare or bool(c_said & p_said) or not (c_said or p_said)


def _empty(words: list[str]) -> bool:
    """True for a run of words that are all stopwords (pronouns, articles, conjunctions) or titles ('Mr' for 'Gordon')."""
    return all(w in STOPWORDS or w in HONORIFICS for w in words)


def _names(text: str, run: list[tuple[str, int, int]], common: frozenset[str]) -> str:
    """The words of a run of tokens from its first name to its last ('Sony', 'Jean-Francois Theodore')."""
    named = [(s, e) for _, s, e in run if is_name(text[s:e], common)]
    return text[named[0][0]:named[-1][1]]


def _without(text: str, parts: list[str]) -> str:
    """A text with some of its words taken out."""
    for part in filter(None, parts):
        text = text.replace(part, " ")
    return text


def claim_share(index: Index, claim: str, passage: str) -> tuple[float, list[str]]:
    """The idf-weighted share of a claim's content words a passage holds, and the words it lacks; the words of a figure the
    passage states in other words ('$5 billion' as '$5bn') are held. A passage that holds only one of several is about something
    else however rare that word is: 'based' of 'Tokyo-based' is no sign that a passage says where Noetra is based, so it holds none."""
    held = {stem(w) if w.isalpha() else w for w, _, _ in tokens(passage)}
    p_figs = text_figures(passage)
    stated = [(f.start, f.end) for f in text_figures(claim) if any(comparable(f, g) and same_value(f, g, loose=False) for g in p_figs)]
    words: dict[str, str] = {}
    for w, s, e in tokens(claim):
        if w not in STOPWORDS and (w.isalpha() or w[0].isdigit()):
            key = stem(w) if w.isalpha() else w
            words.setdefault(key, claim[s:e])
            if any(a <= s and e <= b for a, b in stated):
                held.add(key)
    weights = {t: index.sentence_lexical.idf_of(t) for t in words}
    total = sum(weights.values())
    kept = [t for t in words if t in held]
    share = sum(weights[t] for t in kept) / total if len(kept) > 1 else 0.0
    return share, [words[t] for t in words if t not in held]


def changed_figure(index: Index, claim: str, passage: str, share: float, differing: tuple[Figure, Figure] | None) -> tuple[Figure, Figure] | None:
    """The figure a passage states differently from a claim (`differing`, from differing_figure), when the passage is about the
    same thing: it holds half the claim's words counting that figure (`share`, from claim_share), or half of the rest (the figure
    that differs does not count against it)."""
    if differing is None or (share < ABOUT_SHARE and claim_share(index, _without(claim, [differing[0].text]), passage)[0] < ABOUT_SHARE):
        return None
    return differing


def replaced(index: Index, claim: str, passage: str, common: frozenset[str], kinds: tuple[str, ...] = ("name",),
             anchored: bool = False) -> list[str]:
    """Notes on what a passage puts in place of the claim's words, of each kind asked for, when it holds the rest of the claim:
    a name where the claim names someone it never names ('name'; with `anchored`, a passage that names none of the claim's
    other names must hold ELSEWHERE_SHARE of the rest: see tells_of_another), another month or weekday ('date'), a word that
    says the opposite ('opposite'), two of the claim's names the other way round ('role')."""
    found = differences(claim, passage, common)
    notes = []
    for kind in kinds:
        if kind == "role":
            roles = swapped_roles(claim, passage, common)
            notes += [roles] if roles and claim_share(index, claim, passage)[0] >= ABOUT_SHARE else []
            continue
        swapped = [(d.claimed, d.note) for d in found if d.kind == kind]
        if not swapped:
            continue
        claimed = [c for c, _ in swapped]
        other = kind == "name" and anchored and tells_of_another(claim, passage, claimed, common)
        if claim_share(index, _without(claim, claimed), passage)[0] >= (ELSEWHERE_SHARE if other else ABOUT_SHARE):
            notes += [note for _, note in swapped]
    return notes


def tells_of_another(claim: str, passage: str, swapped: list[str], common: frozenset[str]) -> bool:
    """True when a passage names none of the claim's names but those it puts other names in place of (`swapped`): it may tell of
    someone else ('Gerrard made his Liverpool debut in 1998' against 'Buffon made his Italy debut in 1997'; not 'led by
    SoftBank' against 'Noetra is led by Toyota', which names Noetra)."""
    taken = {w for c in swapped for w in re.findall(r"[\w'’-]+", c)}
    held = name_forms(passage)
    return not any(name_forms(n) <= held for n in unstated_names(claim, "", common) if n not in taken)


def names_another(question: str, sentence: str, start: int, end: int, common: frozenset[str], context: str = "") -> bool:
    """True when the sentence an answer (sentence[start:end]) is read from puts another name in place of one the question gives,
    outside the answer itself, and neither it elsewhere nor the sentence read with it (`context`) names the question's name:
    'Gordon Getty … has a net worth of $2.1 billion' does not say what Andrew Getty's is; 'Kenteris, 31, … where Thanou, 29, …'
    does say how old Katerina Thanou is, and 'Lauren Hill … Her principal at Lawrenceburg High School, Bill Snyder, …' which
    school Lauren Hill attended."""
    names = [m.group() for m in re.finditer(NAME_RUN, question)]
    runs = [m.span() for m in re.finditer(NAME_RUN, sentence)]

    def another(d: Difference) -> bool:
        whole = next((n for n in names if d.claimed and d.claimed in n), d.claimed)
        s, e = next(((a, b) for a, b in runs if a <= d.start < b), (d.start, d.end))
        elsewhere = named_forms(re.findall(r"[\w'’-]+", f"{sentence[:s]} {sentence[e:]} {context}"), common)
        return not named_forms(re.findall(r"[\w'’-]+", whole), common) & elsewhere

    return any(d.kind == "name" and not (d.start < end and start < d.end) and another(d) for d in differences(question, sentence, common))


def lends_name(index: Index, claim: str, sentence_ids: Iterable[int], alone: dict[int, tuple[str, Verdict]], common: frozenset[str]) -> bool:
    """True when sentences read together for a claim are several and one of them, read alone (`alone`: its text and the judge's
    verdict, by sentence id), holds the claim's words while naming someone the claim does not name and no one it does, and is
    read by the judge as contradicting the claim more than supporting it: the others lend it the claim's name ('China … leads
    the world in patent filings. … Japan is caught between the two' for 'Japan leads…')."""
    ids = list(sentence_ids)
    # Who is named, acronyms aside ('AI', 'US'): the sentence must name no one the claim names.
    named = {n for n in unstated_names(claim, "", common) if not n.isupper()}

    def said_of_another(sentence: str, v: Verdict) -> bool:
        """One sentence, read alone, says the claim of someone else."""
        return (v.contradicts > v.supports and named <= set(unstated_names(claim, sentence, common))
                and bool(unstated_names(sentence, claim, common)) and claim_share(index, claim, sentence)[0] >= ABOUT_SHARE)

    return len(ids) > 1 and bool(named) and any(i in alone and said_of_another(*alone[i]) for i in ids)

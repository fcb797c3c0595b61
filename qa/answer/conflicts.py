"""The one conflict detector: answers to the same question, from different articles, that state different things."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from qa.answer.differences import TIME_WORD, tokens
from qa.answer.figures import (
    Figure,
    comparable,
    consistent,
    currency,
    day_figures,
    fuller_date,
    money_conversions,
    number_value,
    same_value,
    text_figures,
)
from qa.answer.lexicon import HONORIFICS, NUMBER_WORDS, ORDINALS
from qa.index import Index, article_name_forms, common_stems
from qa.text import STOPWORDS, stem, unheld_names, words


@dataclass(frozen=True)
class Statement:
    """What one article states in answer to a question: the answer's words, and which finding said it."""

    doc_id: str
    text: str
    ref: int


def _words(text: str) -> set[str]:
    """The content words of an answer, for comparing names and places."""
    return {w for w in words(text) if w not in STOPWORDS and w not in HONORIFICS}


def _same_figure(fa: Figure, fb: Figure, claimed: bool = False) -> bool | None:
    """Whether two figures state the same amount (None: they measure different things); hedged ones within rounding, exact ones exactly.
    A claimed figure fa is stated by a source's fb only where fb's bound admits it, or where fa is a floor that fb meets: a cap
    ('up to ¥2 trillion') is not stated by an amount under it ('¥1 trillion')."""
    if fa.kind != fb.kind or (fa.kind != "count" and not comparable(fa, fb)) or (fa.kind == "count" and fa.unit and fb.unit and fa.unit != fb.unit):
        return None
    if not claimed:
        # Two answers state the same amount, hedged or bounded or not ('up to ¥1 trillion' and '¥1 trillion'); a bound that merely
        # admits the other's amount ('more than 2.8 million' and 'almost 4m') states another.
        return _equal(fa, fb)
    return consistent(fa, fb) or (consistent(fb, fa) and fa.bound == "lower") or _equal(fa, fb)


def _equal(fa: Figure, fb: Figure) -> bool:
    """Whether two figures' amounts are equal: within rounding when either is hedged, else exactly."""
    return same_value(fa, fb) if fa.approx or fb.approx else abs(fa.value - fb.value) <= 1e-9 * max(abs(fa.value), 1.0)


def agree(a: str, b: str) -> bool | None:
    """True when two answers state the same thing, False when they differ, None when they cannot be compared.

    Figures are compared pairwise (so '¥1 trillion ($6.2 billion)' and '¥1 trillion ($61.6 billion)' differ); names and places by their words;
    a date and a fuller one agree ('Nov. 12' and 'November 12, 2020').
    """
    if fuller_date(a, b) or fuller_date(b, a):
        return True
    figs_a, figs_b = text_figures(a), text_figures(b)
    if figs_a and figs_b:
        verdicts = [_same_figure(fa, fb) for fa in figs_a for fb in figs_b if fa.kind != "count" or (fa is figs_a[0] and fb is figs_b[0])]
        return False if False in verdicts else True if True in verdicts else None
    if figs_a or figs_b:
        return None
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return None
    if wa <= wb or wb <= wa:
        return True
    # Different names, places or ordinals differ; answers that word a description differently ('domestic AI foundation' against
    # 'sovereign physical-AI foundation') cannot be compared, nor can a weekday or month with another time ('Sunday', '12 December').
    named = {part for w in re.findall(r"[^\W\d_][\w'’-]*", f"{a} {b}") if w[0].isupper() and not TIME_WORD.fullmatch(w) for part in words(w)}
    return False if all(w in named or w in ORDINALS or w in NUMBER_WORDS or w[0].isdigit() for w in wa ^ wb) else None


# Two sentences say one thing when their words in common make up this share of the shorter one's.
SAME_WORDING = 0.6


def stated_differently(a: str, b: str) -> tuple[str, str] | None:
    """Where two sentences say one thing two ways: most of their words the same, and a short run of one (three words at most) in
    place of the other's stating a different figure, name, ordinal or date ('Mr Brown's eighth since…' against '…ninth since…'):
    the two runs, a figure's run as the figure; else None, and None where another run names other things too."""
    ta, tb = tokens(a), tokens(b)
    wa, wb = [t[0] for t in ta], [t[0] for t in tb]
    blocks = difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes()
    if sum(i2 - i1 for op, i1, i2, _, _ in blocks if op == "equal") < SAME_WORDING * min(len(wa), len(wb)):
        return None
    found, differences, names = None, 0, (_story_names(a), _story_names(b))
    for op, i1, i2, j1, j2 in blocks:
        if op != "replace":
            continue
        ra, rb = a[ta[i1][1]:ta[i2 - 1][2]], b[tb[j1][1]:tb[j2 - 1][2]]
        # The names a run gives, as its sentence's names are read (not its first word: 'Next month's' against 'The').
        named = [{w for w in re.findall(r"[A-Z][\w'’-]+", r) if w in held} for r, held in zip((ra, rb), names)]
        if i2 - i1 <= 3 and j2 - j1 <= 3 and agree(ra, rb) is False:
            fa, fb = text_figures(ra), text_figures(rb)
            found = found or ((fa[0].text if fa else ra), (fb[0].text if fb else rb))
            differences += 1
        elif all(named) and not named[0] & named[1]:
            differences += 1
    # A second difference ('Nintendo … the DS' against 'Rival Sony … the PSP') makes two things, not one said two ways.
    return found if differences == 1 else None


def states(passage: str, answer: str) -> bool:
    """True when a passage states an answer: each of its figures at the same amount (a bound aside), or, with none, every one of its
    content words."""
    figs = text_figures(answer)
    if figs:
        said = text_figures(passage)
        return all(any(comparable(f, g) and _equal(f, g) for g in said) for f in figs)
    wanted = _words(answer)
    return bool(wanted) and wanted <= _words(passage)


def unstated_figure(claim: str, passage: str) -> Figure | None:
    """A figure a claim states that a passage states nowhere, in these words or others ('2,000 jobs' against a passage that
    counts no jobs; '$5 billion' is stated by '$5bn', a year by itself)."""
    stated = text_figures(passage)
    return next((fc for fc in text_figures(claim) if not any(_same_figure(fc, fp, claimed=True) for fp in stated)), None)


def differing_figure(claim: str, passage: str) -> tuple[Figure, Figure] | None:
    """A figure, day or year a claim states that a passage states differently, and nowhere as the claim does: (the claim's, the
    passage's). A bound is weighed against the passage's bound the same way where it states one ('up to ¥2 trillion'
    against 'up to ¥1 trillion', not against the '¥387.3 billion' it would admit)."""
    c_figs, p_figs = text_figures(claim), text_figures(passage)
    claimed = [f for f in c_figs if f.kind != "year"]
    # A passage's figure that states one of the claim's figures is not set against the claim's others ('£120,000' stated, '£200'
    # of another fact of the claim not contradicted by it).
    stated = [fp for fp in p_figs if fp.kind != "year"]
    said = [fp for fp in stated if not any(_same_figure(fc, fp, claimed=True) for fc in claimed)]
    for fc in claimed:
        same_way = [fp for fp in stated if fc.bound and fp.bound == fc.bound and comparable(fc, fp)]
        # Where a passage gives a cap and amounts under it ('up to ¥1 trillion, with 387.3 billion yen for FY2026'), a claim's
        # plain amount is stated by one of them or by the cap's own figure, not merely admitted by the cap ('¥487.3 billion').
        exact = [fp for fp in stated if not fc.bound and not fp.bound and comparable(fc, fp)]
        if any(_same_figure(fc, fp, claimed=True) for fp in same_way or stated):
            if not exact or any(_equal(fc, fp) for fp in stated):
                continue
            return fc, exact[0]
        # A count of something ('six years', '2,000 adults') is not set against a bare number ('37', an age), nor a bare one against it;
        # two bare numbers only where a word beside them is the same ('Heroes 2' is no 'Order No. 227', 'hit on 16' no 'a soft 17').
        other = next((fp for fp in same_way or said if _same_figure(fc, fp, claimed=True) is False
                      and (fc.kind != "count" or bool(fc.unit) == bool(fp.unit))
                      and (fc.kind != "count" or bool(fc.unit) or bool(_beside(claim, fc) & _beside(passage, fp)))), None)
        if other:
            return fc, other
    # Then a day, then a year ('by 2050' against 'by 2040'; 'pushed back from 27 January to 24 March' is not contradicted by
    # 'delayed until 24 March').
    return (_unstated_against(day_figures(claim), day_figures(passage))
            or _unstated_against([f for f in c_figs if f.kind == "year"], [f for f in p_figs if f.kind == "year"]))


def _beside(text: str, figure: Figure) -> set[str]:
    """The stems of the content words within three words of a figure on either side ('singles tally to 17' -> {'singl', 'talli'})."""
    near = re.findall(r"[^\W\d_]+", text[:figure.start])[-3:] + re.findall(r"[^\W\d_]+", text[figure.end:])[:3]
    return {stem(w.lower()) for w in near if w.lower() not in STOPWORDS}


def _unstated_against(claimed: list[Figure], stated: list[Figure]) -> tuple[Figure, Figure] | None:
    """A day or year a claim states that a passage does not, with one the passage states that the claim does not; else None."""
    unstated = [f for f in claimed if f.value not in {g.value for g in stated}]
    other = [g for g in stated if g.value not in {f.value for f in claimed}]
    return (unstated[0], other[0]) if unstated and other else None


@lru_cache(maxsize=64)
def _story_names(text: str) -> frozenset[str]:
    """The names an article uses (capitalised words inside sentences, not a weekday, month or title): what its story is about."""
    return frozenset(m.group(0) for m in re.finditer(r"(?<![.!?\"“]\s)(?<!^)\b[A-Z][\w'’-]+", text)
                     if m.group(0).lower() not in STOPWORDS and m.group(0).lower() not in HONORIFICS and not TIME_WORD.fullmatch(m.group(0)))


def same_story(index: Index, doc_a: str, doc_b: str, question: str = "") -> bool:
    """True when two articles share a name, and the second names every name of the question the first does, so that their answers
    to it can be about the same thing: a Budget's borrowing and a football club's are not two reports of one figure, nor the parent
    of Germanwings an answer to which company owns Terminix."""
    if not _story_names(index.docs[doc_a].text) & _story_names(index.docs[doc_b].text):
        return False
    if not question:
        return True
    common, named = common_stems(index), article_name_forms(index)
    return not set(unheld_names(question, named[doc_b], common)) - set(unheld_names(question, named[doc_a], common))


def disagreements(statements: list[Statement]) -> list[list[Statement]]:
    """The statements grouped by what they state, best-supported group first, when more than one article disagrees; else []."""
    groups: list[list[Statement]] = []
    for st in statements:
        home = next((g for g in groups if agree(g[0].text, st.text)), None)
        if home is None:
            groups.append([st])
        else:
            home.append(st)
    differing = [g for g in groups if any(agree(g[0].text, other[0].text) is False for other in groups if other is not g)]
    if len(differing) < 2 or len({st.doc_id for g in differing for st in g}) < 2:
        return []
    return differing


def topic(question: str) -> str:
    """The question as asked, quoted, for 'the sources differ on …': turned into a clause, a question that inverts reads wrong
    ('the sources differ on how old is Katerina Thanou')."""
    return f"“{' '.join(question.split())}”"


@dataclass(frozen=True)
class Converted:
    """A converted amount one sentence states; offsets are into the article."""

    about: str
    value: float
    text: str
    sentence_id: int
    start: int
    end: int


def _differs(a: float, b: float, tolerance: float) -> bool:
    """True when two figures are further apart than rounding explains."""
    return abs(a - b) > tolerance * max(abs(a), abs(b))


def _cluster(statements: list[Converted], tolerance: float) -> list[list[Converted]]:
    """Group statements whose figures agree within a tolerance, largest group first."""
    groups: list[list[Converted]] = []
    for st in sorted(statements, key=lambda s: s.value):
        if groups and not _differs(groups[-1][0].value, st.value, tolerance):
            groups[-1].append(st)
        else:
            groups.append([st])
    return sorted(groups, key=lambda g: (-len(g), g[0].sentence_id))


@lru_cache(maxsize=8)
def _conversions(index: Index) -> dict[tuple[str, float], list[Converted]]:
    """Every 'amount (converted amount)' pair in the corpus, keyed by the amount converted."""
    table: dict[tuple[str, float], list[Converted]] = {}
    for sid, sent in enumerate(index.sentences):
        for source, target, start, end in money_conversions(sent.text):
            value, converted = number_value(source), number_value(target)
            if value is None or converted is None:
                continue
            about = f"{source.replace('up to ', '').strip()} in {currency(target).upper().replace('USD', 'US dollars')}"
            key = (currency(source) + ">" + currency(target), value)
            table.setdefault(key, []).append(Converted(about, converted, target, sid, sent.start + start, sent.start + end))
    return table


def conversion_conflicts(index: Index, amounts: list[str], tolerance: float = 0.2) -> list[list[Converted]]:
    """For amounts an answer gives, the sides when sources convert them to different figures."""
    table = _conversions(index)
    found = []
    for amount in amounts:
        value, cur = number_value(amount), currency(amount)
        for (pair, src_value), statements in table.items():
            if value is None or pair.split(">")[0] != cur or _differs(src_value, value, 0.01):
                continue
            groups = _cluster(statements, tolerance)
            if len(groups) > 1 and groups not in found:
                found.append(groups)
    return found

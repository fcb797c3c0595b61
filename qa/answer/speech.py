"""Who a sentence says is speaking and the words it reports as said: the one attribution that the briefing's who said what and
the answer to 'What did X say?' share."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer.lexicon import NAME_PARTICLES
from qa.text import STOPWORDS

# A name: up to five capitalised words, a particle between two of them ('Vincent de Rivaz', 'Jaish al Adal', 'Riad al-Malki').
NAME = rf"(?:[A-Z][\w'’.-]*\s(?:(?:{'|'.join(NAME_PARTICLES)})[\s-])?){{0,4}}[A-Z][\w'’.-]*"
# Capitalised words in a row on one line ('Atticus Capital', 'Bayern Munich'), without particles or full stops.
NAME_RUN = r"[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*"
SPEECH = (r"(?:said|says|told|stated|noted|added|argued|warned|explained|wrote|reported|reports|flags|flagged|insisted|insists|"
          r"claimed|claims|admitted|stressed|confirmed|denied|announced|revealed|suggested|replied|urged|commented)")
TITLES = re.compile(r"^(?:.*\b(?:Minister|President|Secretary|Chairman|Chair|CEO|Director|Governor|Mayor|Professor|Senator|Spokesperson|"
                    r"Spokesman|Spokeswoman|Chief|Head|Analyst|Economist|Mr|Mrs|Ms|Dr)\.?\s)?(?:The\s)?", re.S)
# Words in quotation marks, at least 20 characters of them.
QUOTED = re.compile(r"[\"“]([^\"“”]{20,}?)[\"”]")
_NOT_NAMES = frozenset({"officials", "sources", "analysts", "critics", "experts", "reports", "it", "he", "she", "they", "this", "that",
                        "the", "a", "an", "we", "i", "and", "but", "government", "company"})
# When the words were said, between the attribution and the words: 'on June 30:', 'in December that', 'last week that'.
_WHEN_SAID = r"(?:\s*(?:on|in|at|last|this|earlier|late)\s+(?:[\w-]+\s+){0,3}?[\w-]+(?=\s*:|\s+that\b))"


@dataclass(frozen=True)
class Said:
    """A sentence's attribution: the speaker's name (title, possessor and opening stopwords stripped), where the words said are, and
    where the sentence names the speaker ('Kenteris's lawyer, Gregory Ioannidis, said')."""

    speaker: str
    start: int
    end: int
    named_at: tuple[int, int]


def said(text: str) -> Said | None:
    """The person or body a sentence says is speaking ('Minister Ryosei Akazawa said', 'according to Ary News', 'his lawyer, Gregory
    Ioannidis, said') and the words it reports as said: what follows 'X said' or a leading 'According to X,', else what comes before
    the attribution."""
    # A clause may open with the name and set its role off after it ('David Cummings, head of UK equities at Standard Life, said';
    # 'But, Hans Reckers, a board member of Germany's central bank, the Bundesbank, said'; '"…Europe," Alois Rhiel, its minister
    # for economic affairs added').
    apposed = re.search(rf"(?:^|(?<=, )|(?<=[,.!?][\"”] ))({NAME}),\s(?:(?:[a-z]|[A-Z][\w-]*['’]s\s)[^\"“”;]{{2,120}}?,|"
                        rf"(?:its|his|her|their)\s[^,\"“”;]{{2,80}}?)\s+(?:has |had )?{SPEECH}\b(?!\s+[A-Z])()", text)
    if apposed and apposed.group(1).split()[0].lower() in STOPWORDS:
        apposed = None
    before = apposed or re.search(rf"(?:(?<=, )({NAME}),|({NAME}))\s+(?:has |had )?{SPEECH}\b", text)
    if before and not apposed and re.search(r"\bof\s+(?:[a-z][\w'’-]*\s+){0,3}$", text[:before.start()]):
        before = None  # 'The boss of pizza giant Domino's has admitted': the speaker is the boss, whom the sentence does not name
    found = before or re.search(rf"\b(said|says|[Aa]ccording to)\s+({NAME})", text)
    if not found:
        return None
    raw = (found.group(1) or found.group(2)) if before else found.group(2)
    lead = TITLES.match(raw)
    name = re.sub(r"^.*['’]s\s+", "", raw[lead.end() if lead else 0:].strip(" .,"))
    while " " in name and name.split()[0].lower() in STOPWORDS:
        name = name.split(maxsplit=1)[1]
    if not name or name.lower() in _NOT_NAMES:
        return None
    # The attribution reaches back over a role set off before the name ('Kenteris's lawyer, Gregory Ioannidis, said').
    role = re.search(r"[\w'’-]+(?:\s+[\w'’-]+){0,3},\s*$", text[:found.start()]) if before and found.group(1) else None
    named_at = (role.start() if role else found.start(), found.end())
    end = len(text.rstrip(" ."))
    if before:
        # Whom it was told to ('told reporters', 'told BBC Sport:') and when ('on June 30:') are not the words said.
        told = r"(?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*(?=\s*[:,])" if found.group(0).endswith("told") else "(?!)"
        tail = re.match(rf"\s*(?:reporters\b|{told})?{_WHEN_SAID}?(?:\s*that\s+)?[\s:,]*", text[found.end():])
        start = found.end() + (tail.end() if tail else 0)
        if found.start() == 0 or text[start:].strip(" ."):
            return Said(name, start, end, named_at)
    if not before and found.start() == 0:
        comma = next((m.end() for m in re.finditer(r",\s", text[found.end():]) if not re.search(r"\([^)]*$", text[:found.end() + m.start()])), None)
        return Said(name, found.end() + comma, end, named_at) if comma is not None else None
    return Said(name, 0, len(text[:found.start()].rstrip(" ,—–")), named_at)

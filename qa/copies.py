"""Copies among articles: the same article under another name, or a syndicated copy with its own header or footer.

Found at index time from word 5-gram shingles of the normalised text: two articles are copies when nearly all the
shingles of the shorter one (90 %) are in the longer one and the shorter has at least 60 % of the longer's length.
In each group the first article by id is the one searched and cited (corpus files are named in the order they came in);
the others are named beside it ("also in").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from qa.types import Document

SHINGLE = 5
CONTAINED = 0.9
LENGTH_RATIO = 0.6


def shingles(text: str) -> set[str]:
    """The word 5-grams of a text, lower-cased, punctuation and spacing ignored."""
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))} if words else set()


def find_copies(docs: Sequence[Document]) -> dict[str, list[str]]:
    """Each group of copies as {the article cited: [its copies]}, the cited one the first by id."""
    sets = {d.doc_id: shingles(d.text) for d in docs}
    holders: dict[str, list[str]] = {}
    for doc_id, grams in sets.items():
        for gram in grams:
            holders.setdefault(gram, []).append(doc_id)
    parent = {d.doc_id: d.doc_id for d in docs}

    def root(doc_id: str) -> str:
        while parent[doc_id] != doc_id:
            parent[doc_id] = parent[parent[doc_id]]
            doc_id = parent[doc_id]
        return doc_id

    for doc_id, grams in sets.items():
        shared = Counter(other for gram in grams for other in holders[gram] if other > doc_id)
        for other, n in shared.items():
            small, large = sorted((len(grams), len(sets[other])))
            if small and n / small >= CONTAINED and small / large >= LENGTH_RATIO:
                parent[root(other)] = root(doc_id)
    groups: dict[str, list[str]] = {}
    for doc_id in sorted(parent):
        groups.setdefault(root(doc_id), []).append(doc_id)
    return {members[0]: members[1:] for members in groups.values() if len(members) > 1}


def also_in(copies: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """For every article in a group of copies, the other articles of its group."""
    out: dict[str, list[str]] = {}
    for first, rest in copies.items():
        group = [first, *rest]
        for doc_id in group:
            out[doc_id] = [m for m in group if m != doc_id]
    return out


def searchable(copies: Mapping[str, Sequence[str]], all_ids: Iterable[str], wanted: Iterable[str] | None) -> list[str] | None:
    """The articles to search: one article per group of copies, the cited one unless only other members were asked for by id."""
    if not copies:
        return list(wanted) if wanted is not None else None
    group = {member: first for first, rest in copies.items() for member in (first, *rest)}
    chosen = list(all_ids) if wanted is None else list(wanted)
    asked = set(chosen)
    kept, seen = [], set()
    for doc_id in chosen:
        first = group.get(doc_id)
        if first is not None and ((first in asked and doc_id != first) or first in seen):
            continue
        seen.add(first)
        kept.append(doc_id)
    return kept


def mark_copies(obj: dict, duplicates: Mapping[str, Sequence[str]]) -> dict:
    """An answer object whose citations name the other copies of their article ("also_in"), where there are any."""
    cites = [c | {"also_in": list(duplicates[c["doc_id"]])} if duplicates.get(c["doc_id"]) else c for c in obj.get("citations", [])]
    return obj | {"citations": cites}

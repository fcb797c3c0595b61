"""The one place that wires the stages together: index, retrieve, weigh evidence, answer."""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace

import numpy as np

from qa.answer.compose import Found, Judgement, candidates, compose, other_articles, read
from qa.answer.generate import generate
from qa.answer.lexicon import MONTHS, NAME_PARTICLES, WEEKDAYS
from qa.answer.speech import NAME_RUN
from qa.config import Settings
from qa.embed import Embedder, default_embedder
from qa.errors import BadInputError, IndexMissingError
from qa.index import (
    BuildReport,
    Index,
    Reporter,
    build_index,
    common_stems,
    corpus_name_forms,
    corpus_names,
    load_index,
    name_form_articles,
    outlet_name_forms,
    read_manifest,
)
from qa.judge import Judge, shared_judge
from qa.llm import Generator, LLMError
from qa.reader import Reader, shared_reader
from qa.retrieve import hybrid_search, named_outlets
from qa.text import STOPWORDS, is_name, name_forms, unheld_names
from qa.types import Answer, Hit


def check_question(text: str, limit: int, what: str = "The question", hint: str = "type a question about the articles") -> str:
    """The question (or other text typed in: `what`, with a `hint` for when it is empty) with its spaces tidied, or a BadInputError
    saying what is wrong with it."""
    question = " ".join((text or "").split())
    if not question:
        raise BadInputError(f"{what} is empty; {hint}.")
    if len(question) > limit:
        raise BadInputError(f"{what} is {len(question):,} characters long; keep it under {limit:,}.")
    return question


def as_asked(question: str) -> str:
    """A question as the models read it: they learned from questions that end with a question mark, so one typed without it is
    searched and read with it."""
    return question if question.endswith("?") else question + "?"


# The verbs that open a question to be answered yes or no ('Is…', "Didn't…").
_AUXILIARY = (r"(?:is|isn't|are|aren't|was|wasn't|were|weren't|do|does|doesn't|did|didn't|can|can't|could|couldn't|will|won't|would|"
              r"wouldn't|should|shall|has|hasn't|have|haven't|had|hadn't|may|might|must)")
# What opens a question or a request ('Who…', 'Is…', 'Tell me…', 'Please…'); a text ending in a full stop that opens with none of
# these states something (of the 4,891 questions in ../shared/eval and ../shared/ext, only the 13 quotes and claims do).
_ASKING = re.compile(rf"^\W*(?:what|what's|who|who's|whom|whose|when|where|why|how|which|{_AUXILIARY}|tell|list|give|show|"
                     r"explain|describe|summari[sz]e|name|find|compare|define|identify|please|i want|i'd like|i would like|i wonder|"
                     r"according to)\b", re.I)
# A question to be answered yes or no: an auxiliary, then not a request ('Can you tell me…', 'Do you know…') nor 'there'.
_YES_NO = re.compile(rf"^\W*{_AUXILIARY}\s+(?!(?:you|i|we|there)\b)", re.I)


def is_statement(text: str) -> bool:
    """True when text typed as a question states a claim instead ('Noetra is led by Toyota.'): it is checked as a claim."""
    text = text.strip()
    return text.endswith(".") and "?" not in text and len(text.split()) >= 4 and not _ASKING.match(text)


def asks_whether(text: str) -> bool:
    """True when a question asks whether a claim holds ('Is Noetra led by Toyota?'; not 'Is it X or Y?', nor a question of several
    parts), which a span of the best sentence could not answer: it is checked as a claim where a passage addresses it."""
    text = text.strip()
    return (text.endswith("?") and text.count("?") == 1 and bool(_YES_NO.match(text)) and not re.search(r"\bor\b", text, re.I)
            and len(question_parts(text)) == 1)


_PREPOSITION = r"(?:(?:for|in|at|by|on|to|with|from|since|until|after|before|under|over|during|within|through|according to) )?"
# Where a question asks again: ', and how many…' (the last part), and before it ', how many…' (a middle part of a list of three;
# not ', who…' or ', which…', which after a comma open a relative clause: 'the individual…, who faced…, and who is accused…').
_LAST_PART = re.compile(rf",?\s+and\s+(?={_PREPOSITION}(?:how|what|who|whom|when|where|which|why)\b)", re.I)
_MIDDLE_PART = re.compile(rf",\s+(?={_PREPOSITION}(?:how|what|when|where|why)\b)", re.I)


# A part's question words, which an elliptic later part replaces: up to its auxiliary ('Which studio is', 'How many robots are'), or
# the subject of a question without one ('Who' of 'Who bought Ampere', 'Which minister' of 'Which minister chose X').
_WH_HEAD = re.compile(r"^\s*(?:(?:(?P<object>who|whom|what|which|how many|how much)|when|where|why|how)\b(?P<noun>(?:\s+\w+){0,2}?)\s+"
                      r"(?P<aux>is|are|was|were|will|would|do|does|did|has|have|had|can|could)\s+|(?P<subject>(?:which|how many)\s+\w+|who|what)\s+)", re.I)
_COPULA = frozenset("is are was were".split())


def _base_words(base: str, answer: str) -> str:
    """The words of the part an elliptic part leans on, its question words dropped and its answer, when known, put where they stood
    ('Who bought Ampere' -> 'SoftBank bought Ampere'; 'Which studio is Rivera Games buying' -> 'Rivera Games buying Northlight';
    'how many robots are planned' -> '10 million robots are planned'; 'how many robots does Japan want' -> 'Japan want 10
    million robots')."""
    head = _WH_HEAD.match(base)
    if not head:
        return base
    rest = base[head.end():]
    if head.group("subject"):
        return f"{answer} {rest}" if answer else rest
    if head.group("object") and head.group("noun") and head.group("aux").lower() in _COPULA and len(rest.split()) == 1:
        # The asked thing is the subject of a passive ('how many robots are planned'): the answer counts it.
        return f"{answer}{head.group('noun')} {head.group('aux')} {rest}".strip()
    counted = (head.group("object") or "").lower().startswith("how")
    if answer and counted and head.group("noun") and head.group("noun").split()[-1].lower() not in answer.lower():
        # The answer counts or names the asked thing: 'how many robots does Japan want' -> 'Japan want 10 million robots'.
        return f"{rest} {answer}{head.group('noun')}"
    return f"{rest} {answer}" if answer and head.group("object") else rest


def question_parts(question: str) -> list[str]:
    """The parts of a question, each ending in '?': 'Who bought X, and for how much?' is two; 'A, B, and C?' is three."""
    last = list(_LAST_PART.finditer(question))
    if not last:
        return [question]
    head, tail = question[:last[-1].start()], question[last[-1].end():]
    middles = list(_MIDDLE_PART.finditer(head))
    starts, ends = [0, *(m.end() for m in middles)], [*(m.start() for m in middles), len(head)]
    return [t.strip().rstrip("?,").strip() + "?" for t in [*(head[a:b] for a, b in zip(starts, ends)), tail]]


# A later part that asks the same again of something else, with no verb ('and how many for its US launch?', 'and who in Boston?').
_GAPPED = re.compile(r"^(?:how many|how much|what|who|which|when|where)\s+(?P<modifier>(?:for|in|at|on|during|by|from|to|with|after|before|"
                     r"since|over|under|among|within)\s.*)$", re.I)
_SUBORDINATORS = frozenset("when while after before since until once".split())
_PREPOSITIONS = frozenset("for in at on during by from to with after before since over under among within".split())


def is_elliptic(part: str) -> bool:
    """True for a later part that cannot stand alone: too short ('and for how much?', 'and by when?') or with no verb ('and how
    many for its US launch?')."""
    return len(part.split()) <= 3 or bool(_GAPPED.match(part[:-1]))


def _without_modifier(base: str) -> tuple[str, str]:
    """A part without the clause or phrase that ends it, which a gapped part replaces, and that clause or phrase: 'How many games
    were on offer when the PSP launched in Japan' -> 'How many games were on offer', 'when the PSP launched in Japan'."""
    words = base.split()
    clause = [i for i, w in enumerate(words) if i > 1 and w.lower() in _SUBORDINATORS]
    phrase = [i for i, w in enumerate(words) if i > 1 and w.lower() in _PREPOSITIONS]
    cut = clause[0] if clause else phrase[-1] if phrase else len(words)
    return " ".join(words[:cut]), " ".join(words[cut:])


def read_as(part: str, base: str, answer: str) -> str:
    """How a later part is read: a gapped one as the part before it that stands alone, with its own phrase in place of that part's
    last ("How many games were on offer for the PSP's US launch?"); another elliptic one with the words of that part and its answer
    ('for how much SoftBank bought Ampere?', 'by when 10 million robots are planned?'); any other as asked."""
    if gapped := _GAPPED.match(part[:-1]):
        kept, dropped = _without_modifier(base[:-1])
        # 'its' of the gapped phrase is what the dropped one named: 'for its US launch' after 'when the PSP launched' -> "the PSP's".
        named = re.search(rf"(?:\bthe\s+)?{NAME_RUN}", dropped)
        modifier = re.sub(r"\b(?:its|their)\b", f"{named.group()}'s", gapped.group("modifier"), count=1) if named else gapped.group("modifier")
        return f"{kept} {modifier}?"
    return f"{part[:-1]} {_base_words(base[:-1], answer)}?" if is_elliptic(part) else part


def read_parts(reader: Reader, index: Index, question: str, hits: list[Hit], vector: np.ndarray, s: Settings,
               search: Callable[[str], tuple[list[Hit], np.ndarray]] | None = None) -> list[tuple[str, list[Found]]]:
    """What the reader finds for each part of a question among the sentences of the retrieved chunks (the first `context_chunks`;
    the rest for other articles' reports of an answer found), in order, so that the answer of a part that stands alone can fill
    the words an elliptic part after it leaves out."""
    found: list[tuple[str, list[Found]]] = []
    base, answer = "", ""
    common = common_stems(index)

    def article(doc_id: str) -> str:
        """An article's text, by its id."""
        return index.docs[doc_id].text

    for i, part in enumerate(question_parts(question)):
        text = read_as(part, base, answer) if i else part
        part_hits, part_vector = search(text) if i and search else (hits, vector)
        windows = candidates(index, part_hits[:s.context_chunks], text, part_vector, s.reader_candidates, part_hits[s.context_chunks:])
        naming = naming_articles(index, text)
        findings = read(reader, text, windows, s.conflict_threshold, article, naming, common)
        if findings and findings[0].p >= s.reader_threshold:
            # An answer found, the other articles of the wider search are read too, for a disagreement or support; never for the lead.
            more = read(reader, text, other_articles(index, part_hits, text, part_vector, windows, s.other_articles), s.conflict_threshold,
                        article, naming, common)
            findings = [findings[0], *sorted([*findings[1:], *more], key=lambda f: (-f.p, f.window.sentence_id))]
        found.append((part, findings))
        if not i or not is_elliptic(part):
            best = findings[0] if findings else None
            base, answer = part, (best.text if best and best.p >= s.reader_threshold else "")
    return found


def _name_phrases(question: str, common: frozenset[str]) -> list[str]:
    """The runs of capitalised words of a question ('Tour de France', 'Toyota Motor'), without a capitalised word that is no name
    opening them ('Is', 'Considering')."""
    phrases = []
    for m in re.finditer(rf"[A-Z][\w'’-]*(?:\s+(?:(?:{'|'.join(('of', *NAME_PARTICLES))})\s+)?[A-Z][\w'’-]*)*", question):
        words = m.group().split()
        while len(words) > 1 and not is_name(words[0], common):
            words = words[1:]
        phrases.append(" ".join(words))
    return phrases


# A word that may be an acronym or abbreviation the articles spell out ('CEO', 'LSE', 'Sr'), not a name to look for as written.
_SHORTENED = re.compile(r"[A-Z0-9.&]{2,6}s?|\w{1,2}")


def _phrase_names(phrase: str) -> list[str]:
    """The capitalised words of a name phrase that are no stopword ('Tour', 'France' of 'Tour de France')."""
    return [w for w in re.findall(r"[A-Z][\w'’-]*", phrase) if w.lower() not in STOPWORDS]


def unmentioned(index: Index, question: str) -> list[str]:
    """The names a question gives ('Tesla', 'Tour de France') of which no article, title or outlet of the corpus writes any word in
    any form or spelt nearly so ('Hatmanis' for 'Hartmanis'); acronyms and abbreviations ('CEO', 'Rep.', 'Sr') aside, which the
    articles may spell out."""
    common = common_stems(index)
    missing = set(unheld_names(question, corpus_name_forms(index), common))
    out = []
    for phrase in _name_phrases(question, common):
        names = _phrase_names(phrase)
        shortened = [w for w in names if _SHORTENED.fullmatch(w) or re.search(rf"\b{re.escape(w)}\.(?!$)", question) and len(w) <= 4]
        if (names and not shortened and all(w in missing for w in names)
                and not any(difflib.get_close_matches(w.lower(), corpus_names(index), n=1, cutoff=0.8) for w in names)):
            out.append(phrase)
    # One of the choices a question offers may be one the articles never name ('led by SoftBank or Toyota?'): it asks which.
    offered = [pair for a, b in re.findall(rf"({NAME_RUN}),?\s+or\s+(?:[a-z]+\s+)?({NAME_RUN})", question) for pair in ((a, b), (b, a))]
    return [p for p in dict.fromkeys(out) if not any(p == chosen and other not in out for chosen, other in offered)]


def naming_articles(index: Index, question: str) -> frozenset[str] | None:
    """The articles that write some word of every name the question gives ('Union Investment', 'Roger Rodas'; not an acronym, a
    weekday or a month): a passage of another article is about something else. None where every article does, or none does, or
    the question names outlets ('as reported by The Verge and TechCrunch'): those last two ask across articles."""
    common, outlets, where = common_stems(index), outlet_name_forms(index), name_form_articles(index)
    giving: frozenset[str] | None = None
    for phrase in _name_phrases(re.sub(r"['’]s\b", "", question), common):
        names = [w for w in _phrase_names(phrase) if w.lower() not in WEEKDAYS and not re.fullmatch(MONTHS, w) and not _SHORTENED.fullmatch(w)
                 and is_name(w, common)]
        if any(name_forms(w) <= outlets for w in names):
            return None
        if names:
            docs = frozenset().union(*(frozenset.intersection(*(where.get(f, frozenset()) for f in name_forms(w))) for w in names))
            giving = docs if giving is None else giving & docs
    return giving if giving and len(giving) < len(index.docs) else None


def sourced(index: Index, question: str, doc_ids: Iterable[str] | None) -> list[str] | None:
    """The articles a question may be answered from: those asked for, narrowed to the outlets the question names where any of
    them is one ('Which company, as reported by TechCrunch, …')."""
    asked = None if doc_ids is None else list(doc_ids)
    named = set(named_outlets(question, index.docs) or ())
    narrowed = [d for d in (asked if asked is not None else index.docs) if d in named]
    return narrowed or asked


class Engine:
    """A loaded index and model, answering questions; reloads when the index on disk changes."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None, reader: Reader | None = None,
                 judge: Judge | None = None) -> None:
        self.settings = settings or Settings()
        self.embedder = embedder or default_embedder(self.settings.encode_batch, self.settings.embedder)
        self._reader = reader
        self._judge = judge
        self._index: Index | None = None
        self._lock = threading.Lock()

    def build(self, rebuild: bool = False, report: Reporter | None = None) -> BuildReport:
        """Bring the index in line with the corpus."""
        result = build_index(self.settings, self.embedder, rebuild=rebuild, report=report)
        self._index = None
        return result

    def index(self, auto_build: bool = False) -> Index:
        """The current index, loaded once and again whenever a build has replaced it."""
        with self._lock:
            manifest = read_manifest(self.settings.index_dir)
            if manifest is None and auto_build:
                build_index(self.settings, self.embedder)
                manifest = read_manifest(self.settings.index_dir)
            if manifest is None:
                raise IndexMissingError(f"There is no index in {self.settings.index_dir}; run `qa index` to build it.")
            if self._index is None or self._index.manifest.get("generation") != manifest.get("generation"):
                self._index = load_index(self.settings.index_dir, self.settings, self.embedder.name)
            return self._index

    @property
    def reader(self) -> Reader:
        """The trained reader, loaded on first use (a missing or damaged file raises ModelError)."""
        if self._reader is None:
            self._reader = shared_reader(str(self.settings.reader_path))
        return self._reader

    @property
    def judge(self) -> Judge:
        """The trained claim judge, loaded on first use (a missing or damaged file raises ModelError)."""
        if self._judge is None:
            self._judge = shared_judge(str(self.settings.judge_path))
        return self._judge

    def search(self, query: str, k: int | None = None, doc_ids: Iterable[str] | None = None) -> list[Hit]:
        """The chunks that best match a query."""
        index = self.index()
        vector = self.embedder.encode([query])[0]
        s = self.settings
        return hybrid_search(index, query, vector, k or s.context_chunks, s.candidates, s.rrf_k, doc_ids, s.retrieval)

    def ask(
        self, question: str, doc_ids: Iterable[str] | None = None, generator: Generator | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        """Answer a question from the articles, every claim cited, or say the sources don't; a statement, or a question whether one
        holds, is checked as a claim.

        With a generator the model writes the answer and every sentence is checked against its citation;
        when the model is missing or fails, the extractive answer is given instead.
        """
        question = check_question(question, self.settings.max_question_chars)
        whether = asks_whether(question)
        if whether or is_statement(question):
            from qa.lookup import checked_claim  # lookup builds on this module

            checked = checked_claim(self, question, doc_ids)
            # A question whether something holds that no passage addresses as a claim is read as any question is.
            if not (checked.abstained and whether):
                return checked
        asked = as_asked(question)
        index = self.index()
        s = self.settings

        scope = sourced(index, question, doc_ids)

        def search(text: str) -> tuple[list[Hit], np.ndarray]:
            v = self.embedder.encode([text])[0]
            return hybrid_search(index, text, v, s.wider_chunks, s.candidates, s.rrf_k, index.searchable(scope), s.retrieval), v

        hits, vector = search(asked)
        if generator is not None:
            try:
                return generate(index, self.embedder, self.judge, generator, question, hits[:s.context_chunks], vector, on_token)
            except LLMError as exc:
                note = str(exc)
        found = read_parts(self.reader, index, asked, hits, vector, s, search)
        judgement = Judgement(s.reader_threshold, s.conflict_threshold, s.pooling)
        extractive = replace(compose(index, asked, found, judgement, unmentioned(index, asked)), question=question)
        if generator is None:
            return extractive
        return replace(extractive, evidence=extractive.evidence | {"fallback": 1.0}, note=note)

"""Follow-up questions made standalone from the conversation, by rule or by a language model.

A question such as "and how much of that comes this year?" means nothing to the search on its own. These pure
functions detect a follow-up (a leading "and"/"what about", a pronoun that points back, or a bare fragment such as
"and in 2030?") and merge in what the previous standalone question was about: its named subject (capitalised
words) and its focus (the noun phrase after "how much", "how many", "what", "which"). With a language model,
`rewrite_with_model` asks it for the standalone question instead, and falls back on these rules when its reply
cannot be used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.llm import Generator, LLMError, Messages
from qa.text import STOPWORDS

WH = frozenset("what which who whom whose when where why how".split())
AUX = frozenset("is are was were will would do does did has have had can could should may might shall be been being".split())
PREP = frozenset("of in on at for to by with from about into over under than as after before since during until between per".split())
ARTICLES = frozenset("the a an".split())
COPULA = frozenset("is are was were".split())
LIGHT_VERBS = frozenset("get gets got getting receive receives received make makes made say says said".split())
CONNECTIVES = ("and what about", "and how about", "what about", "how about", "and", "but", "also", "so", "then", "or", "plus", "ok", "okay", "well")
PERSONAL = frozenset("it they them he she him".split())
PERSON = frozenset("he she him his her".split())
POSSESSIVE = frozenset("its their his her".split())
DEMONSTRATIVE = frozenset("that this those these".split())
_TOKEN = re.compile(r"[\w$¥€£][\w$¥€£.,'’-]*[\w]|[\w$¥€£]")
REWRITE_SYSTEM = (
    "You rewrite the follow-up question of a conversation about news articles as one standalone question that can be "
    "understood without the conversation: replace words like it, he, they and that with what they refer to. "
    "Reply with the question only."
)
REWRITE_TURNS = 3
REWRITE_ANSWER_CHARS = 200
REWRITE_TOKENS = 80
MAX_REWRITE_CHARS = 300
_LABEL = re.compile(r"^\W*(?:standalone|rewritten)?\s*(?:question|follow-up)?\s*:\s*", flags=re.IGNORECASE)


@dataclass(frozen=True)
class Topic:
    """What a standalone question is about: its named subject, the noun phrase it asks about, its grammatical subject."""

    subject: str
    focus: str
    thing: str = ""

    def phrase(self) -> str:
        """The topic as a noun phrase, e.g. "Noetra's state funding"."""
        if self.subject and self.focus and self.subject.lower() not in self.focus.lower():
            return f"{possessive(self.subject)} {self.focus}"
        return self.subject or (f"the {self.focus}" if self.focus else self.thing)

    def referent(self) -> str:
        """What "it" or "he" most likely points at: the named subject, else the grammatical subject, else the topic."""
        return self.subject or self.thing or self.phrase()


def possessive(name: str) -> str:
    """A name in the possessive: "Noetra's", "the robots'"."""
    return f"{name}'" if name.endswith("s") and not name.endswith("ss") else f"{name}'s"


def _tokens(text: str) -> list[str]:
    """Word tokens in their original case, keeping figures like ¥1,000 and names like SoftBank-backed whole."""
    return _TOKEN.findall(text)


def _bare(token: str) -> str:
    """A token lower-cased, without a possessive 's."""
    return re.sub(r"['’]s$", "", token.lower())


def _is_name(token: str, first: bool) -> bool:
    """True for a capitalised word that names something (not a question word at the start)."""
    if not token[:1].isupper():
        return False
    return not (first and token.lower() in STOPWORDS | WH | AUX | PREP | ARTICLES)


def _names(tokens: list[str]) -> list[str]:
    """Runs of capitalised words, in order, possessive 's removed: ["Noetra", "Ryosei Akazawa"]."""
    runs: list[list[str]] = []
    prev_name = False
    for i, tok in enumerate(tokens):
        if _is_name(tok, i == 0):
            word = re.sub(r"['’]s$", "", tok)
            if prev_name:
                runs[-1].append(word)
            else:
                runs.append([word])
            prev_name = not re.search(r"['’]s$", tok)
        else:
            prev_name = False
    return [" ".join(run) for run in runs]


def _focus(tokens: list[str]) -> str:
    """The noun phrase a question asks about: "state funding" in "How much state funding does Noetra get?"."""
    lower = [t.lower() for t in tokens]
    wh = next((i for i, t in enumerate(lower) if t in WH), None)
    if wh is None or lower[wh] in ("who", "whom", "when", "where", "why"):
        return ""
    i = wh + 1
    if lower[wh] == "how":
        if i >= len(lower) or lower[i] not in ("much", "many"):
            return ""
        i += 1
    if i < len(lower) and lower[i] in AUX:
        return ""
    while i < len(lower) and lower[i] in ARTICLES:
        i += 1
    out: list[str] = []
    while i < len(lower):
        tok = lower[i]
        if tok in AUX or tok in WH or tok in LIGHT_VERBS or _is_name(tokens[i], False):
            break
        if tok in PREP:
            if tok != "of" or not out:
                break
        out.append(tok)
        i += 1
    while out and (out[-1] in PREP or out[-1] in ARTICLES):
        out.pop()
    return " ".join(out)


def _thing(tokens: list[str]) -> str:
    """The grammatical subject between the auxiliary and the verb: "the plant" in "How many turbines will the plant have?"."""
    lower = [t.lower() for t in tokens]
    wh = next((i for i, t in enumerate(lower) if t in WH), None)
    start = next((i for i in range((wh or 0) + 1, len(lower)) if lower[i] in AUX), None)
    if wh is None or start is None:
        return ""
    out: list[str] = []
    verb_is_aux = False
    for tok, low in zip(tokens[start + 1:], lower[start + 1:]):
        if low in PREP or low in AUX or low in WH:
            verb_is_aux = low in AUX
            break
        out.append(tok)
    later_article = next((j for j in range(2, len(out)) if out[j].lower() in ARTICLES), None)
    if lower[start] in COPULA or verb_is_aux:
        pass
    elif later_article is not None:
        out = out[:later_article - 1]
    elif len(out) >= 3:
        out = out[:2] if out[0].lower() in ARTICLES else out[:1]
    else:
        out = out[:-1]
    return " ".join(out) if 0 < len(out) <= 5 and any(t.lower() not in ARTICLES for t in out) else ""


def topic(question: str) -> Topic:
    """The named subject, the focus and the grammatical subject of a standalone question."""
    tokens = _tokens(question)
    names = _names(tokens)
    return Topic(subject=names[0] if names else "", focus=_focus(tokens), thing=_thing(tokens))


def answer_name(question: str, answer: str | None) -> str:
    """The name an answer gives to a who/which/what question ("Jun Okafor [1]. ..." -> "Jun Okafor"), else ""."""
    if not answer or not re.match(r"\s*(who|which|what)\b", question, flags=re.IGNORECASE):
        return ""
    lead = re.split(r"\s*\[\d+\]", answer, maxsplit=1)[0].strip().rstrip(".")
    tokens = lead.split()
    if not 1 <= len(tokens) <= 5 or len(lead) == len(answer.strip()):
        return ""
    joiners = {"of", "and", "&", "de", "van", "von", "der", "la"}
    return lead if all(t[:1].isupper() or t in joiners for t in tokens) and tokens[0][:1].isupper() else ""


def _strip_connective(question: str) -> tuple[str, str]:
    """The question without a leading "and", "but", "what about"...; and which kind was there ("", "and" or "about")."""
    text = question.strip()
    kind = ""
    changed = True
    while changed:
        changed = False
        for conn in CONNECTIVES:
            pattern = rf"^{re.escape(conn)}\b[,:]?\s*"
            if re.match(pattern, text, flags=re.IGNORECASE) and len(text) > len(conn) + 1:
                text = re.sub(pattern, "", text, flags=re.IGNORECASE)
                if conn.endswith("about"):
                    return text, "about"
                kind, changed = "and", True
                break
    return text, kind


def _pointing(tokens: list[str]) -> list[int]:
    """Positions of pronouns that point back at the previous question; not in a statement that opens with a name, whose pronouns
    stand for it ('Noetra cannot lose its funding if it misses milestones')."""
    lower = [t.lower() for t in tokens]
    if tokens and _is_name(tokens[0], True) and lower[0] not in CONNECTIVES:
        return []
    out = []
    for i, tok in enumerate(lower):
        before = lower[i - 1] if i else ""
        after = lower[i + 1] if i + 1 < len(lower) else ""
        if tok in PERSONAL or tok in POSSESSIVE:
            out.append(i)
        elif tok in DEMONSTRATIVE:
            verb_like = bool(re.fullmatch(r"[a-z]+(?:s|ed)", after)) and not after.endswith(("ss", "us", "is"))
            after2 = lower[i + 2] if i + 2 < len(lower) else ""
            bare_verb = before in AUX and (not after2 or after2 in PREP)
            if not after or after in AUX or after in PREP or bare_verb or (verb_like and (not before or before in PREP | WH | AUX)):
                out.append(i)
    return out


def is_followup(question: str, previous: str | None = None) -> bool:
    """True when a question leans on the one before it: a leading "and", a pronoun pointing back, or a bare fragment."""
    if not previous or not question.strip():
        return False
    text, connective = _strip_connective(question)
    if connective:
        return True
    tokens = _tokens(text)
    if _pointing(tokens):
        return True
    content = [t for t in tokens if t.lower() not in WH | AUX | PREP | ARTICLES | {"much", "many"}]
    return len(content) <= 1 and not _names(tokens)


def _capitalise(text: str) -> str:
    """The first letter upper-cased."""
    return text[:1].upper() + text[1:]


def _question(text: str) -> str:
    """A question with one question mark at the end."""
    return _capitalise(text.strip().rstrip("?.! ").strip()) + "?"


def _merge_fragment(fragment: str, previous: str) -> str:
    """"and this year?" after "How much does X get?" -> "How much does X get this year?"; a new name replaces the old."""
    frag = fragment.strip().rstrip("?.! ").strip()
    base = previous.strip().rstrip("?.! ").strip()
    frag_tokens = _tokens(frag)
    frag_names = _names(frag_tokens)
    old_names = _names(_tokens(base))
    rest = [t for t in frag_tokens if not _is_name(t, False) and t.lower() not in ARTICLES]
    if frag_names and old_names and not rest:
        return _question(base.replace(old_names[0], frag_names[0], 1))
    head = frag_tokens[0].lower() if frag_tokens else ""
    if head in PREP:
        same = re.search(rf"\b{head}\s+(?:the\s+)?[\w$¥€£][\w.,$¥€£-]*$", base, flags=re.IGNORECASE)
        if same:
            return _question(base[:same.start()] + frag)
    return _question(f"{base} {frag}")


def _substitute(text: str, previous: str, named: str = "") -> str:
    """Pronouns that point back replaced by what the previous question was about; 'he', 'she', 'his', 'her' by the person its
    answer named, where it named one ('Who is the chief engineer?' 'Jun Okafor': 'he' is Jun Okafor, while after 'Who leads
    Noetra?' 'SoftBank', 'it' is still Noetra)."""
    asked_about = topic(previous)
    tokens = _tokens(text)
    positions = set(_pointing(tokens))
    if not positions:
        return text
    out, pos, index = [], 0, 0
    for match in _TOKEN.finditer(text):
        if index in positions:
            tok = match.group(0).lower()
            about = Topic(subject=named, focus="", thing="") if named and tok in PERSON else asked_about
            plural_focus = about.focus.split()[-1].endswith("s") if about.focus else False
            if tok in DEMONSTRATIVE or (tok in ("they", "them", "their") and plural_focus):
                repl = about.phrase() or about.subject
            else:
                repl = about.referent()
            if tok in POSSESSIVE and repl:
                repl = possessive(repl)
            if repl:
                out.append(text[pos:match.start()])
                out.append(repl)
                pos = match.end()
        index += 1
    out.append(text[pos:])
    return "".join(out)


def rewrite(question: str, previous: str | None, previous_answer: str | None = None) -> str:
    """The standalone form of a question, given the previous standalone question and its answer (unchanged if not a follow-up)."""
    question = " ".join(question.split())
    if not previous or not is_followup(question, previous):
        return question
    text, connective = _strip_connective(question)
    if connective == "about":
        return _merge_fragment(text, previous)
    tokens = _tokens(text)
    lower = {t.lower() for t in tokens}
    pointing = _pointing(tokens)
    if pointing:
        named = answer_name(previous, previous_answer) if any(tokens[i].lower() in PERSON for i in pointing) else ""
        return _question(_substitute(text, previous, named))
    if not (lower & WH) and not (tokens and tokens[0].lower() in AUX):
        return _merge_fragment(text, previous)
    about = topic(previous).phrase()
    return _question(f"{text.rstrip('?.! ')} ({about})" if about else text)


def resolve(questions: Sequence[str], answers: Sequence[str] = ()) -> list[str]:
    """The standalone form of each question of a conversation, oldest first; answers[i], where given, answered questions[i]."""
    out: list[str] = []
    for i, question in enumerate(questions):
        previous_answer = answers[i - 1] if 0 < i <= len(answers) else None
        out.append(rewrite(question, out[-1] if out else None, previous_answer))
    return out


def rewrite_prompt(questions: Sequence[str], answers: Sequence[str], question: str) -> Messages:
    """The chat messages asking a model to make a follow-up standalone: the last few turns (answers shortened, markers dropped), then the follow-up."""
    turns = []
    start = max(0, len(questions) - REWRITE_TURNS)
    for i, earlier in enumerate(questions[start:], start=start):
        turns.append(f"Question: {' '.join(earlier.split())}")
        answer = " ".join(re.sub(r"\s*\[\d+\]", "", answers[i] if i < len(answers) else "").split())
        if answer:
            turns.append(f"Answer: {answer if len(answer) <= REWRITE_ANSWER_CHARS else answer[:REWRITE_ANSWER_CHARS].rstrip() + '…'}")
    user = ("Conversation so far:\n" + "\n".join(turns) + f"\n\nFollow-up: {' '.join(question.split())}\n\n"
            "Rewrite the follow-up as one standalone question; reply with the question only.")
    return [{"role": "system", "content": REWRITE_SYSTEM}, {"role": "user", "content": user}]


def parse_rewrite(reply: str) -> str:
    """The question in a model's reply, cleaned ("Standalone question:", quotes and text after the "?" dropped); "" when unusable."""
    lines = (_LABEL.sub("", line).strip(" \t\"'“”‘’*`") for line in reply.splitlines())
    text = next((line for line in lines if line), "")
    if "?" in text:
        text = text[:text.index("?") + 1]
    words = text.lower().split()
    if not words or len(text) > MAX_REWRITE_CHARS or not (text.endswith("?") or words[0] in WH | AUX):
        return ""
    return _question(text)


def rewrite_with_model(generator: Generator, questions: Sequence[str], answers: Sequence[str], question: str) -> str:
    """A follow-up made standalone by the model (a question that is not one is left alone); by rule if the model fails or its reply is unusable."""
    # questions: the earlier questions as asked, oldest first; answers[i], where given, answered questions[i]. A reply is unusable
    # when it is empty, longer than MAX_REWRITE_CHARS, not a question, still a follow-up, or one of the earlier questions again.
    by_rule = resolve([*questions, question], answers)[-1]
    if not questions or not is_followup(question, questions[-1]):
        return by_rule
    try:
        reply = "".join(generator.stream(rewrite_prompt(questions, answers, question), max_tokens=REWRITE_TOKENS))
    except LLMError:
        return by_rule
    rewritten = parse_rewrite(reply)
    earlier = {_question(q).lower() for q in (*questions, *resolve(questions, answers))}
    if not rewritten or is_followup(rewritten, questions[-1]) or rewritten.lower() in earlier:
        return by_rule
    return rewritten

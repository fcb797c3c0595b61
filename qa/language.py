"""Which languages a question can be asked in: the index (English MiniLM, English stems) understands English only.

A question written mostly in another script (Japanese, Chinese, Korean, Cyrillic, Arabic...) would only be matched
by accident, so the front ends say so plainly instead of answering "the sources don't say" over unrelated passages.
"""

from __future__ import annotations

import re
import unicodedata

from qa.errors import BadInputError
from qa.text import STOPWORDS

INDEX_LANGUAGES = "English"
_SCRIPTS = {"HIRAGANA": "Japanese", "KATAKANA": "Japanese", "HANGUL": "Korean", "CJK": "Chinese or Japanese", "CYRILLIC": "Cyrillic script",
            "ARABIC": "Arabic script", "HEBREW": "Hebrew script", "GREEK": "Greek script", "DEVANAGARI": "Devanagari script",
            "THAI": "Thai script"}


# Function words of other languages written in the Latin alphabet (French, German, Spanish, Italian, Portuguese, Dutch) that
# English does not use ('comment', 'come', 'son', 'die' left out).
_OTHER_FUNCTION_WORDS = frozenset("""
    qui quel quelle quels quelles combien où pourquoi les des une dans avec sont été leur aux cette du au ce il elle nous vous ils
    elles sur le la et est wer wann warum wie welche welcher welches wieviel der das dem ein eine einen ist sind nicht und mit für
    auf haben wurde wird zu bei nach über quién quien qué cuál cuándo dónde cómo cuánto cuántos cuánta por para los las el es del
    una está fue y chi che cosa quale quando quanto quanti gli della nel sono è quem qual onde quantos uma não são em wat wanneer
    waar waarom hoe welke het een zijn niet voor heeft""".split())
_WORD = re.compile(r"[^\W\d_]+")


def reads_as_english(text: str) -> bool:
    """False for a question in the Latin alphabet that has another language's function words and none of English's."""
    found = [w.lower() for w in _WORD.findall(text)]
    return any(w in STOPWORDS for w in found) or not any(w in _OTHER_FUNCTION_WORDS for w in found)


def script_of(text: str) -> str | None:
    """The script a text is mostly written in when it is not the Latin alphabet ("Japanese", "Cyrillic script"), else None."""
    letters = [c for c in text if c.isalpha()]
    others = [unicodedata.name(c, "").split(" ")[0] for c in letters if not unicodedata.name(c, "").startswith("LATIN")]
    if not letters or len(others) * 2 <= len(letters):
        return None
    if "HIRAGANA" in others or "KATAKANA" in others:
        return "Japanese"
    first = max(set(others), key=others.count)
    return _SCRIPTS.get(first, "a script other than the Latin alphabet")


def language_hint(question: str) -> str:
    """A sentence for an answer that found nothing, when the question does not read as English; else ''."""
    if reads_as_english(question):
        return ""
    return f"This question does not look like {INDEX_LANGUAGES}: the articles are indexed in {INDEX_LANGUAGES} only, so ask in {INDEX_LANGUAGES}."


def check_language(question: str) -> str:
    """The question, or a BadInputError saying which languages the index understands when it is written in another script."""
    script = script_of(question)
    if script is not None:
        raise BadInputError(f"This question is in {script}, but these articles are indexed in {INDEX_LANGUAGES} only; please ask in {INDEX_LANGUAGES}.")
    return question

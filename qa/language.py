"""Which languages a question can be asked in: the index (English MiniLM, English stems) understands English only.

A question written mostly in another script (Japanese, Chinese, Korean, Cyrillic, Arabic...) would only be matched
by accident, so the front ends say so plainly instead of answering "the sources don't say" over unrelated passages.
"""

from __future__ import annotations

import unicodedata

from qa.errors import BadInputError

INDEX_LANGUAGES = "English"
_SCRIPTS = {"HIRAGANA": "Japanese", "KATAKANA": "Japanese", "HANGUL": "Korean", "CJK": "Chinese or Japanese", "CYRILLIC": "Cyrillic script",
            "ARABIC": "Arabic script", "HEBREW": "Hebrew script", "GREEK": "Greek script", "DEVANAGARI": "Devanagari script",
            "THAI": "Thai script"}


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


def check_language(question: str) -> str:
    """The question, or a BadInputError saying which languages the index understands when it is written in another script."""
    script = script_of(question)
    if script is not None:
        raise BadInputError(f"This question is in {script}, but these articles are indexed in {INDEX_LANGUAGES} only; please ask in {INDEX_LANGUAGES}.")
    return question

"""Text from articles made inert for Markdown exports: it reads the same, but no renderer that allows HTML runs any of it."""

from __future__ import annotations

import re
from urllib.parse import quote

URL_SAFE = ":/?#@!$&'()*+,;=%~"


_ENTITY = re.compile(r"&(?=#?\w+;)")


def inert(text: str) -> str:
    """Text for a Markdown export: `<` and `>` as entities (a tag is shown as text, never run), an `&` that would open an entity
    as `&amp;` ('Q&A' stays as written), and link syntax `](` broken."""
    return _ENTITY.sub("&amp;", text or "").replace("<", "&lt;").replace(">", "&gt;").replace("](", "]\\(")


def one_line(text: str) -> str:
    """Inert text with its runs of spaces and line breaks made one space, for a list item, quote or table cell."""
    return " ".join(inert(text).split())


def safe_url(url: str) -> str:
    """An http(s) address as a Markdown autolink, its unsafe characters percent-encoded; "" for anything else."""
    url = (url or "").strip()
    return f"<{quote(url, safe=URL_SAFE)}>" if re.match(r"https?://", url) else ""

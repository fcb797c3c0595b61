"""Load a folder of articles (.txt, .md, .html, .pdf) into Documents, with editable metadata beside them."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from qa.errors import ArticleError, CorpusError
from qa.types import Document

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
META_SUFFIX = ".meta.json"
META_FIELDS = ("title", "outlet", "author", "date", "url")

_MONTHS = "Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
_DATE_RE = re.compile(rf"\b(?:(?:{_MONTHS})\.? \d{{1,2}}, \d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b")
# A date written day first counts only on a short line of its own near the top (a dateline), never in the story's sentences.
_DAY_FIRST = re.compile(rf"\b\d{{1,2}} (?:{_MONTHS}) \d{{4}}\b")
_BYLINE = re.compile(r"^[|*_\s]*By\s+([A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|de|van|von|da|di|del|la|le)){0,4})[|*_\s]*$")


@dataclass(frozen=True)
class Skipped:
    """An article file the loader could not use, and why."""

    path: str
    reason: str


def is_article(path: Path) -> bool:
    """True for a file the loader reads as an article."""
    return path.is_file() and path.suffix.lower() in ARTICLE_SUFFIXES and not path.name.startswith(".")


def content_hash(doc: Document) -> str:
    """A hash of what the index depends on: the text and the metadata."""
    payload = json.dumps(doc.meta() | {"text": doc.text, "path": ""}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _decode(raw: bytes, name: str) -> str:
    """Bytes to text: UTF-8 only, a clear error otherwise."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ArticleError(f"{name} is not UTF-8 text (it is UTF-16); save it as UTF-8 and try again.")
    if b"\x00" in raw[:8192]:
        raise ArticleError(f"{name} looks like a binary file, not text.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{name} is not UTF-8 text (byte {exc.start} is invalid); save it as UTF-8 and try again.") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _html_text(html: str) -> tuple[str, dict[str, str]]:
    """The main text of an HTML page (trafilatura: no navigation, cookie banners, asides or footers), and what its head says about it.

    A page trafilatura finds no article in gives its visible text, block by block.
    """
    import trafilatura
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    meta: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = (tag.get("property") or tag.get("name") or "").lower()
        value = (tag.get("content") or "").strip()
        field = {"og:title": "title", "og:site_name": "outlet", "author": "author", "og:url": "url",
                 "article:published_time": "date", "date": "date"}.get(key)
        if field and value and field not in meta:
            meta[field] = value[:10] if field == "date" and re.match(r"\d{4}-\d{2}-\d{2}", value) else value
    if "title" not in meta and soup.title and soup.title.string:
        meta["title"] = soup.title.string.strip()
    main = trafilatura.extract(html, output_format="txt", include_comments=False, include_tables=True)
    if main and main.strip():
        return main.strip(), meta
    for tag in soup(["script", "style", "noscript", "template", "svg", "head"]):
        tag.decompose()
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in soup.get_text("\n").split("\n"))
    return "\n".join(line for line in lines if line), meta


def _pdf_text(raw: bytes, name: str) -> tuple[str, dict[str, str]]:
    """Text of a PDF, page by page, and its document info."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or {}
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ArticleError(f"{name} is not a readable PDF ({exc}).") from exc
    meta = {k: str(info.get(f"/{k.title()}") or "").strip() for k in ("title", "author")}
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    return text.replace("\r\n", "\n").replace("\r", "\n"), {k: v for k, v in meta.items() if v}


_MD_LINE = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+)")
_MD_RULE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.M)
_MD_INLINE = (
    (re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)"), r"\1"),          # [text](url) and ![alt](src): the words
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),         # **strong**, __strong__
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # *emphasis*
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), r"\1"),      # _emphasis_ (not snake_case)
    (re.compile(r"`([^`\n]+)`"), r"\1"),                                     # `code`
)


def _markdown_text(text: str) -> str:
    """The words of a Markdown article as plain text (headings, list and quote markers, emphasis and link syntax removed), so
    answers and citations quote what a reader sees."""
    text = _MD_RULE.sub("", text)
    lines = [_MD_LINE.sub("", line) for line in text.split("\n")]
    text = "\n".join(lines)
    for pattern, words in _MD_INLINE:
        text = pattern.sub(words, text)
    return text


def _headed(line: str) -> bool:
    """True for a line in title case ('Japan Targets Sovereign AI Model'): most of its longer words capitalised."""
    words = [w for w in line.split() if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _guess_title(lines: list[str]) -> str:
    """A title from the first lines that are not sentences, datelines or section trails ('Political risk / Jul 2, 2026'):
    above the first paragraph, one repeated below or in title case first; else the first sentence."""
    body = next((i for i, ln in enumerate(lines) if len(ln) > 150 or ln.endswith((".", "!", "?", "”", '"'))), len(lines))
    heads = [ln for ln in lines[:8] if 25 <= len(ln) <= 150 and not ln.endswith((".", ":"))
             and not _DATE_RE.search(ln) and not re.search(r"\s[/|·]\s", ln)]
    if heads:
        return max(heads, key=lambda ln: (lines.index(ln) < body, lines.count(ln) > 1 or _headed(ln), -heads.index(ln)))
    first = re.split(r"(?<=[.!?])\s", lines[0], maxsplit=1)[0]
    return first if len(first) <= 150 else first[:147].rstrip() + "..."


def _guess_meta(text: str, suffix: str) -> dict[str, str]:
    """Title, date and author read off the text itself, where it shows them (a dateline, a 'By …' line)."""
    meta: dict[str, str] = {}
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if suffix == ".md":
        heading = next((ln.lstrip("#").strip() for ln in lines if ln.startswith("# ")), "")
        if heading:
            meta["title"] = heading
    if "title" not in meta and lines:
        meta["title"] = _guess_title(lines)
    top = [ln for ln in lines[:8] if len(ln) <= 80]
    found = _DATE_RE.search(text[:2000]) or next((m for m in map(_DAY_FIRST.search, top) if m), None)
    if found:
        meta["date"] = found.group(0)
    byline = next((m for m in map(_BYLINE.match, top) if m), None)
    if byline:
        meta["author"] = byline.group(1)
    return meta


def read_article(path: Path, max_bytes: int = 5_000_000) -> Document:
    """Read one article file into a Document, raising ArticleError with the reason if it cannot be used."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ArticleError(f"{name} is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit for one article.")
        raw = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{name} cannot be read ({exc.strerror or exc}).") from exc
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        text, meta = _pdf_text(raw, name)
    elif suffix in (".html", ".htm"):
        text, meta = _html_text(_decode(raw, name))
    elif suffix == ".md":
        written = _decode(raw, name)
        text, meta = _markdown_text(written), _guess_meta(written, suffix)
    else:
        text, meta = _decode(raw, name), {}
    if not text.strip():
        raise ArticleError(f"{name} has no text.")
    meta = _guess_meta(text, suffix) | meta
    sidecar = path.with_name(path.stem + META_SUFFIX)
    if sidecar.exists():
        try:
            edited = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ArticleError(f"{sidecar.name} is not valid JSON ({exc}); fix or delete it.") from exc
        meta |= {k: str(v) for k, v in edited.items() if k in META_FIELDS and v is not None}
    return Document(doc_id=path.stem, text=text, path=str(path), **{k: meta.get(k, "") for k in META_FIELDS})


def load_corpus(corpus_dir: Path, max_bytes: int = 5_000_000) -> tuple[list[Document], list[Skipped]]:
    """Every readable article in a folder, sorted by id, and the files that were skipped with why."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"The corpus folder {corpus_dir} does not exist.")
    docs: dict[str, Document] = {}
    skipped: list[Skipped] = []
    for path in sorted(p for p in corpus_dir.iterdir() if is_article(p)):
        if path.stem in docs:
            skipped.append(Skipped(str(path), f"{path.name} has the same name as {Path(docs[path.stem].path).name}."))
            continue
        try:
            docs[path.stem] = read_article(path, max_bytes)
        except ArticleError as exc:
            skipped.append(Skipped(str(path), str(exc)))
    if not docs:
        why = f" ({len(skipped)} file(s) skipped: {skipped[0].reason})" if skipped else ""
        raise CorpusError(f"The corpus folder {corpus_dir} holds no readable article (.txt, .md, .html, .pdf){why}.")
    return list(docs.values()), skipped


def safe_doc_id(name: str) -> str:
    """A file stem that is safe as an article id."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).stem).strip("._")
    return stem[:80] or "article"


def add_article(src: Path, corpus_dir: Path, max_bytes: int = 5_000_000, name: str | None = None) -> Document:
    """Copy a readable, new article into the corpus folder; refuse duplicates and unreadable files."""
    suffix = src.suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise ArticleError(f"{src.name} is not an article file; use .txt, .md, .html or .pdf.")
    doc = read_article(src, max_bytes)
    existing, _ = load_corpus(corpus_dir, max_bytes) if corpus_dir.is_dir() and any(map(is_article, corpus_dir.iterdir())) else ([], [])
    for other in existing:
        if other.text.strip() == doc.text.strip():
            raise ArticleError(f"{src.name} is already in the corpus as {other.doc_id}.")
    doc_id = safe_doc_id(name or src.name)
    taken = {d.doc_id for d in existing}
    base, n = doc_id, 2
    while doc_id in taken:
        doc_id, n = f"{base}-{n}", n + 1
    corpus_dir.mkdir(parents=True, exist_ok=True)
    dest = corpus_dir / f"{doc_id}{suffix}"
    tmp = dest.with_name(f".{dest.name}.tmp")
    shutil.copyfile(src, tmp)
    tmp.replace(dest)
    return replace(doc, doc_id=doc_id, path=str(dest))

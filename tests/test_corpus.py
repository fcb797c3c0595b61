"""The corpus loader: formats, metadata, and files it must skip with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.corpus import add_article, load_corpus, read_article
from qa.errors import ArticleError, CorpusError
from tests.pdfmaker import write_pdf


def test_reads_txt_md_html_with_metadata(corpus_dir: Path) -> None:
    docs, skipped = load_corpus(corpus_dir)
    by_id = {d.doc_id: d for d in docs}
    assert sorted(by_id) == ["alpha", "beta", "gamma"] and not skipped
    assert by_id["alpha"].title == "Harbor City Approves Tidal Power Plant"
    assert by_id["alpha"].date == "March 3, 2025"
    assert by_id["beta"].title == "Tidal plant wins approval despite fishing concerns"
    gamma = by_id["gamma"]
    assert (gamma.title, gamma.outlet, gamma.date) == ("Seaforce names new chief engineer", "Energy Wire", "2025-03-10")
    assert "alert(" not in gamma.text and "named Jun Okafor as chief engineer" in gamma.text


def test_a_markdown_article_reads_as_the_words_a_reader_sees(tmp_path: Path) -> None:
    path = tmp_path / "election.md"
    path.write_text("# Election Results\n\n## Reaction\n\n- Turnout was **59.8%**.\n> Keir Starmer said *change begins now*.\n\n"
                    "See [the full results](https://example.org/results) in `results_2024`.\n\n---\n")
    doc = read_article(path)
    assert doc.title == "Election Results"
    assert doc.text == ("Election Results\n\nReaction\n\nTurnout was 59.8%.\nKeir Starmer said change begins now.\n\n"
                        "See the full results in results_2024.\n\n\n")


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ("Pulse\n\nPolitical risk / Jul 2, 2026 / 4 min\n\nTokyo Puts SoftBank in Charge of the Robot Brain\n\n", "Tokyo Puts SoftBank in Charge of the Robot Brain"),
        ("Infrastructuresovereign airoboticsphysical ai\n\nJapan Targets Sovereign AI Model\n\nJapan Targets Sovereign AI Model\n", "Japan Targets Sovereign AI Model"),
        ("", "Tokyo picked Noetra to build a sovereign physical-AI foundation model on June 30."),
    ],
)
def test_a_plain_text_title_is_the_headline_not_a_section_trail_or_a_tag_line(tmp_path: Path, head: str, title: str) -> None:
    body = "Tokyo picked Noetra to build a sovereign physical-AI foundation model on June 30. It starts in July.\n"
    (tmp_path / "story.txt").write_text(head + body, encoding="utf-8")
    assert read_article(tmp_path / "story.txt").title == title


def test_sidecar_metadata_overrides_guesses(corpus_dir: Path) -> None:
    (corpus_dir / "alpha.meta.json").write_text(json.dumps({"title": "Edited title", "outlet": "Harbor Herald", "url": "https://x.test/a"}))
    doc = read_article(corpus_dir / "alpha.txt")
    assert (doc.title, doc.outlet, doc.url, doc.date) == ("Edited title", "Harbor Herald", "https://x.test/a", "March 3, 2025")


def test_reads_pdf(tmp_path: Path) -> None:
    write_pdf(tmp_path / "report.pdf", ["Tidal output reached 310 megawatts in June.", "Officials praised the result."], title="Tidal report")
    doc = read_article(tmp_path / "report.pdf")
    assert doc.title == "Tidal report" and "310 megawatts" in doc.text


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "has no text"),
        ("blank.md", b"   \n\n  ", "has no text"),
        ("binary.txt", b"\x00\x01\x02PNG\x00" * 20, "binary"),
        ("latin1.txt", "Caf\u00e9 prices rose 5% in M\u00e1laga.".encode("latin-1"), "not UTF-8"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "not a readable PDF"),
    ],
)
def test_bad_files_are_skipped_with_a_reason(corpus_dir: Path, name: str, content: bytes, reason: str) -> None:
    (corpus_dir / name).write_bytes(content)
    docs, skipped = load_corpus(corpus_dir)
    assert len(docs) == 3
    assert len(skipped) == 1 and reason in skipped[0].reason and name in skipped[0].reason


def test_too_large_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000)
    with pytest.raises(ArticleError, match="over the"):
        read_article(big, max_bytes=1000)


def test_missing_or_empty_corpus_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no readable article"):
        load_corpus(tmp_path / "empty")


def test_add_article_copies_and_refuses_duplicates(corpus_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "My New Story!.txt"
    src.write_text("Seaforce Hires Divers\n\nSeaforce hired 12 divers for the tidal project on April 2, 2025.\n")
    doc = add_article(src, corpus_dir)
    assert doc.doc_id == "My_New_Story" and (corpus_dir / "My_New_Story.txt").exists()
    with pytest.raises(ArticleError, match="already in the corpus"):
        add_article(src, corpus_dir)
    odd = tmp_path / "notes.docx"
    odd.write_text("x")
    with pytest.raises(ArticleError, match="not an article file"):
        add_article(odd, corpus_dir)


def test_html_articles_keep_the_story_and_drop_the_page_around_it(tmp_path: Path) -> None:
    """Navigation, a cookie banner, a related-stories aside and the footer are not indexed; the paragraphs are, in order."""
    page = Path(__file__).parent / "fixtures" / "pages" / "news-with-chrome.html"
    doc = read_article(page)
    assert doc.title == "Noetra opens Osaka lab" and doc.outlet == "Convina Pulse" and doc.date == "2026-07-20"
    paragraphs = ["Noetra opened a robotics laboratory in Osaka on July 20, 2026", "The laboratory cost ¥12 billion",
                  "Workers at the site will wear motion-capture suits"]
    assert [doc.text.find(p) for p in paragraphs] == sorted(doc.text.find(p) for p in paragraphs) and all(p in doc.text for p in paragraphs)
    for chrome in ("cookies", "Subscribe now", "Related stories", "SoftBank shares rise", "All rights reserved", "Privacy policy", "newsletter"):
        assert chrome not in doc.text, chrome
    tiny = tmp_path / "tiny.html"
    tiny.write_text("<p>Noetra hired 250.</p>", encoding="utf-8")
    import trafilatura

    assert trafilatura.extract(tiny.read_text(), output_format="txt") is None, "a page too small for trafilatura gives its visible text"
    assert read_article(tiny).text == "Noetra hired 250."


def test_a_byline_and_a_day_first_dateline_are_read_but_not_a_date_in_the_story(tmp_path: Path) -> None:
    (tmp_path / "osaka.txt").write_text("Osaka Opens Robot Test Port\nBy Hana Moriyama\n14 July 2026\n\nThe port opened on Tuesday.\n",
                                        encoding="utf-8")
    doc = read_article(tmp_path / "osaka.txt")
    assert (doc.author, doc.date) == ("Hana Moriyama", "14 July 2026")
    (tmp_path / "story.txt").write_text("Robot port opens\n\nThe port, planned since 3 July 2019 by the city, opened on Tuesday "
                                        "and was bought by Tamura Freight for a sum nobody would name.\n", encoding="utf-8")
    doc = read_article(tmp_path / "story.txt")
    assert (doc.author, doc.date) == ("", ""), "a date or a 'by' inside a sentence is the story's, not the article's"

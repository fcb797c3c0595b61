"""Chunks and sentences carry exact offsets into the article text."""

from __future__ import annotations

from qa.chunk import chunk_document, split_sentences
from qa.config import REPO_ROOT
from qa.corpus import load_corpus
from qa.text import key_terms, sentence_spans, stem, terms, unstated_names
from qa.types import Document


def test_chunk_and_sentence_offsets_are_exact_on_the_default_corpus() -> None:
    docs, _ = load_corpus(REPO_ROOT / "corpus")
    for doc in docs:
        chunks = chunk_document(doc, 600, 120)
        assert chunks and all(doc.text[c.start:c.end] == c.text for c in chunks)
        assert all(len(c.text) <= 600 for c in chunks)
        covered = set()
        for c in chunks:
            covered.update(range(c.start, c.end))
        assert all(i in covered for i, ch in enumerate(doc.text) if not ch.isspace())
        sentences = split_sentences(doc)
        assert all(doc.text[s.start:s.end] == s.text for s in sentences)


def test_sentence_splitting_respects_abbreviations_and_decimals() -> None:
    text = "The U.S. and Japan agreed. Funding is ¥387.3 billion for FY2026. Mr. Son spoke on Jan. 5! Is it enough?\n• Next point"
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert got == ["The U.S. and Japan agreed.", "Funding is ¥387.3 billion for FY2026.", "Mr. Son spoke on Jan. 5!", "Is it enough?", "Next point"]
    wired = "Man charged\n(CNN)A 32-year-old man is facing charges. LONDON (Reuters) - Shares fell. NATO (North Atlantic Treaty Organization) said so."
    assert [wired[s:e] for s, e in sentence_spans(wired)] == ["Man charged", "A 32-year-old man is facing charges.", "Shares fell.",
                                                              "NATO (North Atlantic Treaty Organization) said so."], "no dateline in a sentence"
    timed = "The outage began at 8:45 p.m. Paris time (2:45 p.m. ET). At 9 a.m. Monday staff returned."
    assert [timed[s:e] for s, e in sentence_spans(timed)] == ["The outage began at 8:45 p.m. Paris time (2:45 p.m. ET).",
                                                              "At 9 a.m. Monday staff returned."]


def test_a_sentence_ends_where_the_space_after_its_full_stop_is_missing() -> None:
    text = "Rates rose on Wednesday.The bank said 4.75% was the peak. The U.S.The rest is on Amazon.com today."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Rates rose on Wednesday.", "The bank said 4.75% was the peak.", "The U.S.The rest is on Amazon.com today."]


def test_a_run_in_lower_case_is_cut_at_its_full_stops_so_no_citation_quotes_a_whole_article() -> None:
    text = "Fair news: " + "the Nagoya robot fair drew 12,000 visitors on July 5, 2026. " * 40 + "the fair ends on Mr. Sato's birthday."
    spans = sentence_spans(text)
    assert len(spans) == 41 and max(e - s for s, e in spans) < 100
    assert text[spans[1][0]:spans[1][1]] == "the Nagoya robot fair drew 12,000 visitors on July 5, 2026."
    assert text[spans[-1][0]:spans[-1][1]] == "the fair ends on Mr. Sato's birthday."
    short = "the fair opened. the fair closed."
    assert sentence_spans(short) == [(0, len(short))], "a short run is left whole: a full stop before lower case is often no end"


def test_a_line_of_links_is_no_sentence_but_a_sentence_with_a_link_is() -> None:
    text = ("Research Signals\n\nhttps://www.asahi.com/ajw/articles/16686174 https://www.japantimes.co.jp/news/2026/07/01/japan-ai/ "
            "NHK World — 10 million AI robots by 2040 https://physicalainews.com/japans-answer/\n\nSee https://example.com/a for the report.\n")
    assert [text[s:e] for s, e in sentence_spans(text)] == ["Research Signals", "See https://example.com/a for the report."]


def test_terms_stem_and_spell_out_currency() -> None:
    assert terms("Companies began funding ¥1 trillion") == ["compani", "begin", "fund", "yen", "1", "trillion"]
    assert stem("began") == stem("begin")
    assert key_terms("How much is allocated for the first fiscal year?") == ["alloc", "first", "fiscal", "year"]


def test_a_word_with_accents_is_one_word() -> None:
    assert terms("Chloé Zhao met Pedro Sánchez in Zürich") == ["chloé", "zhao", "meet", "pedro", "sánchez", "zürich"]
    assert unstated_names("Pedro Sánchez approved it", "Sánchez approved the grant", frozenset()) == ["Pedro"]


def test_chunking_is_pure_and_numbered() -> None:
    doc = Document("d", "One sentence here. " * 100, "T")
    first = chunk_document(doc, 200, 40, first_id=7)
    assert first == chunk_document(doc, 200, 40, first_id=7)
    assert [c.chunk_id for c in first] == list(range(7, 7 + len(first)))


def test_pdf_sentences_run_across_line_breaks_and_footers_are_not_sentences(tmp_path) -> None:  # noqa: ANN001 - pytest fixture
    """A figure and a quote's speaker split over two PDF lines stay in one sentence, offsets exact; page furniture is dropped."""
    from qa.corpus import read_article
    from tests.pdfmaker import write_pdf

    write_pdf(tmp_path / "report.pdf", [
        "Noetra gets its first payment",
        "The industry ministry will pay Noetra \xa525",
        "billion in the first year, officials said on Tuesday. \"We will not fall",
        "behind,\" said Masayoshi Son, the chief executive of SoftBank, who leads",
        "the consortium of nine companies building the model.",
        "Page 1 of 2",
        "Printed from convinapulse.example on 2026-07-03",
    ])
    doc = read_article(tmp_path / "report.pdf")
    sentences = split_sentences(doc)
    assert all(doc.text[s.start:s.end] == s.text for s in sentences)
    assert [" ".join(s.text.split()) for s in sentences] == [
        "Noetra gets its first payment",
        "The industry ministry will pay Noetra ¥25 billion in the first year, officials said on Tuesday.",
        "\"We will not fall behind,\" said Masayoshi Son, the chief executive of SoftBank, who leads the consortium of nine companies building the model.",
    ]


def test_an_article_in_one_line_that_ends_in_a_footer_is_prose() -> None:
    """A web article pasted as one paragraph ending '©2015 … All rights reserved.' keeps its sentences; the footer alone on a
    line is still dropped."""
    text = ("ABC is filming a revival of the Muppets. Randall Einhorn is attached to direct the presentation. "
            "©2015 The Hollywood Reporter. All rights reserved.")
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert got[:2] == ["ABC is filming a revival of the Muppets.", "Randall Einhorn is attached to direct the presentation."]
    assert sentence_spans("Ferries cost more.\n©2015 The Harbor Post. All rights reserved.") == [(0, 18)]


def test_hard_wrapped_paragraphs_join_and_blank_lines_and_short_lines_still_end_them() -> None:
    text = ("Harbor City buys ferries\nBy Mara Quint\n\n"
            "The city will buy six electric ferries for ninety million euros, the\n"
            "mayor said on Monday. The boats will enter service in 2027 and carry\n"
            "about 4,000 passengers a day.\n"
            "A second order may follow.\n\n"
            "Critics said the price was\ntoo high.\n")
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert got == ["Harbor City buys ferries", "By Mara Quint",
                   "The city will buy six electric ferries for ninety million euros, the\nmayor said on Monday.",
                   "The boats will enter service in 2027 and carry\nabout 4,000 passengers a day.",
                   "A second order may follow.", "Critics said the price was\ntoo high."]


def test_an_abbreviated_name_is_one_name_however_it_is_written() -> None:
    """'U.S.' in a claim is the passage's 'US', not an unstated 'U'; a name the passage never gives is still unstated."""
    passage = "The US government ordered Anthropic to suspend access."
    assert unstated_names("The U.S. ordered Anthropic to suspend access.", passage, frozenset()) == []
    assert unstated_names("The U.K. ordered Anthropic to suspend access.", passage, frozenset()) == ["U.K."]
    assert unstated_names("America ordered Anthropic to suspend access.", passage, frozenset()) == [], "a country's other name"
    assert unstated_names("Many British shops opened at midnight.", "Shops in the UK opened at midnight.", frozenset()) == []
    assert unstated_names("Many French shops opened at midnight.", "Shops in the UK opened at midnight.", frozenset()) == ["French"]

"""Briefings: key points (one per fact, several citations), a timeline, who said what, figures with dates, where sources differ; every line quoted exactly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from qa.answer.speech import said
from qa.brief import MAX_POINTS, Brief, _covers, human_date, make_brief, to_markdown
from qa.errors import BadInputError, ModelError
from qa.judge import Judge
from qa.pipeline import Engine
from qa.types import Citation
from tests.test_lookup import _qa

ALLOCATION = "387.3"


def _all_citations(brief: Brief) -> list[Citation]:
    """Every citation object the briefing holds, with repeats."""
    out = [c for part in (brief.points, brief.timeline, brief.quotes, brief.figures) for x in part for c in x.citations]
    return out + [c for conflict in brief.conflicts for side in conflict.claims for c in side.citations]


def _check_grounded(engine: Engine, brief: Brief) -> None:
    """Every citation quotes its article exactly; every point, event and quote is its first citation's words, one citation per article."""
    docs = engine.index().docs
    cites = _all_citations(brief)
    assert cites
    for c in cites:
        assert docs[c.doc_id].text[c.start:c.end] == c.quote
        assert c.title == docs[c.doc_id].title
    by_n: dict[int, Citation] = {}
    for c in cites:
        assert by_n.setdefault(c.n, c) == c, "one number, one span"
    assert len(brief.points) <= MAX_POINTS
    for line in (*brief.points, *brief.timeline, *brief.quotes):
        assert line.citations and line.text == line.citations[0].quote
        docs_cited = [c.doc_id for c in line.citations]
        assert len(docs_cited) == len(set(docs_cited)), "one citation per article per line"


def _check_no_repeats(brief: Brief) -> None:
    """No point is stated twice and no passage backs two points."""
    texts = [" ".join(p.text.split()).lower() for p in brief.points]
    assert len(texts) == len(set(texts))
    spans = [(c.doc_id, c.start, c.end) for p in brief.points for c in p.citations]
    assert len(spans) == len(set(spans))


def test_brief_points_are_cited_exactly_and_not_repeated(fake_engine: Engine) -> None:
    brief = make_brief(fake_engine)
    _check_grounded(fake_engine, brief)
    _check_no_repeats(brief)
    points = [p.text for p in brief.points]
    assert any("approved a tidal power plant" in t for t in points)
    assert any("Tomas Reuter voted against" in t for t in points)
    assert len(make_brief(fake_engine, max_points=3).points) == 3


def test_same_fact_in_two_articles_is_one_point(fake_engine: Engine, corpus_dir: Path) -> None:
    (corpus_dir / "delta.txt").write_text(
        "Tidal plant size confirmed\n\nOfficials said the plant will have 40 turbines and is expected to supply 120,000 homes.\n"
        "The harbor authority will publish the turbine contracts next month.\n", encoding="utf-8")
    fake_engine.build()
    brief = make_brief(fake_engine)
    _check_grounded(fake_engine, brief)
    _check_no_repeats(brief)
    homes = [p for p in brief.points if "120,000 homes" in p.text]
    assert len(homes) == 1
    assert {c.doc_id for c in homes[0].citations} == {"alpha", "delta"}
    assert brief.points[0] is homes[0], "the one fact two articles state comes first"


def test_a_fact_stated_with_less_detail_is_the_line_of_its_point(fake_engine: Engine, corpus_dir: Path) -> None:
    (corpus_dir / "delta.txt").write_text(
        "Tidal plant to power homes\n\nThe harbor authority said the tidal plant is expected to supply 120,000 homes.\n", encoding="utf-8")
    fake_engine.build()
    brief = make_brief(fake_engine)
    _check_grounded(fake_engine, brief)
    homes = [p for p in brief.points if "120,000 homes" in p.text]
    assert len(homes) == 1 and {c.doc_id for c in homes[0].citations} == {"alpha", "delta"}
    assert "40 turbines" not in homes[0].text, "the line says only what every citation states"
    assert all(_covers(homes[0].text, c.quote) for c in homes[0].citations)


def test_timeline_is_dated_from_the_text_in_date_order(fake_engine: Engine) -> None:
    """Events with a day or month: 'on Monday' against the article's own date (Monday 3 March 2025), in date order, quoted exactly."""
    brief = make_brief(fake_engine)
    _check_grounded(fake_engine, brief)
    dates = [e.date for e in brief.timeline]
    assert dates == sorted(dates)
    by_date = {e.date: e for e in brief.timeline}
    assert "approved a tidal power plant" in by_date["2025-03-03"].text and by_date["2025-03-03"].when == "Monday"
    assert "Jun Okafor as chief engineer on March 10, 2025" in by_date["2025-03-10"].text
    assert "construction will begin in May 2025" in by_date["2025-05"].text
    assert not any(d.startswith("2029") for d in dates), "a year alone ('by 2029') is no event date"


def test_who_said_what_names_the_speaker_and_quotes_exactly(fake_engine: Engine, corpus_dir: Path) -> None:
    (corpus_dir / "port.txt").write_text(
        "Harbor reopens to ships\n\nPort director Anna Vik said the northern quay will reopen to cargo ships in June 2025.\n"
        "\"We expect the first container ships to arrive within a week of reopening,\" she said.\n", encoding="utf-8")
    fake_engine.build()
    brief = make_brief(fake_engine)
    _check_grounded(fake_engine, brief)
    said = {(q.speaker, q.text) for q in brief.quotes}
    assert ("Elena Brandt", "construction will begin in May 2025 and the plant should deliver power by 2029") in said
    assert ("Ilse Marten", "the turbines would close traditional fishing grounds") in said
    assert ("Anna Vik", "the northern quay will reopen to cargo ships in June 2025") in said
    assert ("Anna Vik", "We expect the first container ships to arrive within a week of reopening") in said, "'she said' is the speaker before"
    speakers = [q.speaker for q in brief.quotes]
    assert speakers == sorted(speakers, key=speakers.index), "grouped by speaker"
    direct = {q.text: q.direct for q in brief.quotes}
    assert direct["We expect the first container ships to arrive within a week of reopening"], "in quotation marks"
    assert not direct["the northern quay will reopen to cargo ships in June 2025"], "reported speech, not her words"
    exported = to_markdown(brief)
    assert "- “We expect the first container ships" in exported and "- Reported: the northern quay will reopen" in exported
    said_section = exported[exported.index("## Who said what"):exported.index("## Sources")]
    assert "“the northern quay" not in said_section, "reported speech is never shown as a quotation"


@pytest.mark.parametrize(("sentence", "speaker"), [
    ("\"We refute both charges,\" his lawyer, Gregory Ioannidis, said.", "Gregory Ioannidis"),
    ("But Deutsche Boerse told Reuters such a move would have to wait until May.", "Deutsche Boerse"),
    ("Xbox's Peter Moore said the game would outsell any film.", "Peter Moore"),
    ("\"The law was broken,\" said a lecturer at the University of Buckingham.", None),
])
def test_the_speaker_of_a_sentence(sentence: str, speaker: str | None) -> None:
    """A name set off by commas before 'said' speaks; an opening 'But' or a possessor is no part of the name; a place is no speaker."""
    found = said(sentence)
    assert (found.speaker if found else None) == speaker


@pytest.mark.parametrize(("sentence", "words"), [
    ("Mr Gill said in December that talks would not resume.", "talks would not resume"),
    ("Sony said on Monday that the plan would fail, adding that it was sad.", "the plan would fail, adding that it was sad"),
    ("Akazawa told reporters on June 30: the plan is set.", "the plan is set"),
])
def test_when_words_were_said_is_not_part_of_them(sentence: str, words: str) -> None:
    found = said(sentence)
    assert found and sentence[found.start:found.end] == words


def test_quoted_words_keep_the_marks_of_a_quotation_inside_them_and_are_direct_when_closed_after(fake_engine: Engine, corpus_dir: Path) -> None:
    """'…came up with "definitive proposals"' keeps its closing mark; words closed by a quotation mark right after them are the speaker's own."""
    brief = _brief_with(fake_engine, corpus_dir,
                        "Tidal plant talks\n\nHarbour chief Ola Berg said in May that tidal plant talks would not resume without \"definitive "
                        "proposals\".\n\"We will fight the tidal plant at every turn. We do not want the tidal plant or anything like it in our "
                        "harbour,\" said Kari Lund of the fishing association.\n", "tidal plant")
    quotes = {q.speaker: q for q in brief.quotes}
    assert quotes["Ola Berg"].text.endswith('"definitive proposals"') and not quotes["Ola Berg"].direct
    assert quotes["Kari Lund"].direct and quotes["Kari Lund"].text.startswith("We do not want the tidal plant")
    assert not any("in our harbour" in p.text for p in brief.points), "the end of a quotation is no key point"


def test_who_said_what_draws_on_the_whole_of_the_articles_on_the_topic(fake_engine: Engine, corpus_dir: Path) -> None:
    """A quotation in an article on the topic is in who said what though it shares no word with the topic."""
    brief = _brief_with(fake_engine, corpus_dir,
                        "Tidal plant harbour\n\nThe tidal plant will sit beside the harbour, where the tidal plant's turbines face the sea.\n"
                        "The tidal plant has 40 turbines in the harbour.\n"
                        "\"We will keep every berth open while the work goes on,\" harbour master Ola Berg said.\n", "tidal plant")
    assert any(q.speaker == "Ola Berg" and q.text.startswith("We will keep every berth open") for q in brief.quotes)


def test_figures_table_lists_amounts_with_articles_and_dates(fake_engine: Engine) -> None:
    brief = make_brief(fake_engine)
    rows = {row.amount: row for row in brief.figures}
    euro = rows["€2 billion"]
    assert euro.kind == "money" and euro.unit == "eur" and euro.value == 2e9
    assert {c.doc_id for c in euro.citations} == {"alpha", "beta"}
    assert set(euro.dates) == {"March 3, 2025", "March 4, 2025"}, "no date in the sentence: the article's"
    assert "€2 billion" in euro.what
    assert "40 turbines" in rows and {c.doc_id for c in rows["40 turbines"].citations} == {"alpha", "beta"}
    assert not any("council vote" in amount for amount in rows), "a 7-2 vote is not a count"


def test_conflicts_cite_each_side(fake_engine: Engine) -> None:
    brief = make_brief(fake_engine)
    conversion = [c for c in brief.conflicts if "€2 billion" in c.about]
    assert len(conversion) == 1
    sides = {side.text: {c.doc_id for c in side.citations} for side in conversion[0].claims}
    assert sides == {"$2.2 billion": {"alpha"}, "$22 billion": {"beta"}}
    for side in conversion[0].claims:
        assert all(side.text in c.quote for c in side.citations)


def test_articles_that_say_one_thing_two_ways_differ(fake_engine: Engine, corpus_dir: Path) -> None:
    """Two articles whose sentences differ only in an ordinal are a disagreement, each side cited to its article."""
    (corpus_dir / "delta.txt").write_text("Harbor City budget\n\nThe tidal plant vote was the council's eighth on energy since 2019.\n")
    (corpus_dir / "epsilon.txt").write_text("Council energy votes\n\nThe tidal plant vote was the council's ninth on energy since 2019.\n")
    fake_engine.build()
    brief = make_brief(fake_engine)
    differing = [c for c in brief.conflicts if "on energy since 2019" in c.about]
    assert len(differing) == 1 and "…" in differing[0].about
    assert {side.text: [c.doc_id for c in side.citations] for side in differing[0].claims} == {"eighth": ["delta"], "ninth": ["epsilon"]}
    assert "No disagreement" not in to_markdown(brief)


def test_a_bare_number_anchors_no_clause_of_a_point(fake_engine: Engine, corpus_dir: Path) -> None:
    """Two articles giving the same ages: the point is a statement, not the clause around the ages ('Elena Brandt, 52, and Tomas Reuter, 47')."""
    (corpus_dir / "delta.txt").write_text("Tidal feud\n\nElena Brandt, 52, and Tomas Reuter, 47, have argued about the tidal plant for two years.\n")
    (corpus_dir / "epsilon.txt").write_text("Council ages\n\nElena Brandt, 52, and Tomas Reuter, 47, have argued about the tidal plant since 2023.\n")
    fake_engine.build()
    points = [p.text for p in make_brief(fake_engine).points if "Reuter, 47" in p.text]
    assert points and all("have argued about the tidal plant" in text for text in points), points


def test_a_briefing_without_dated_events_says_why_it_has_no_timeline(fake_engine: Engine, corpus_dir: Path) -> None:
    """An article with no date of its own cannot place '16 December': the timeline section says so rather than vanishing."""
    (corpus_dir / "delta.txt").write_text("Harbour hearing\n\nThe harbour board will hear the fishermen's appeal on 16 December in the town hall.\n"
                                          "The fishermen say the tidal plant will close their traditional grounds for good.\n")
    fake_engine.build()
    brief = make_brief(fake_engine, doc_ids=["delta"])
    assert brief.points and not brief.timeline
    exported = to_markdown(brief)
    assert "## Timeline\n\nNo dated events:" in exported


def test_json_shape(fake_engine: Engine) -> None:
    data = json.loads(json.dumps(make_brief(fake_engine, "tidal plant").to_dict(), ensure_ascii=False))
    assert set(data) == {"topic", "points", "timeline", "quotes", "figures", "conflicts"} and data["topic"] == "tidal plant"
    cite_keys = {"n", "doc_id", "title", "start", "end", "quote"}
    for point in data["points"]:
        assert set(point) == {"text", "citations"} and all(set(c) == cite_keys for c in point["citations"])
    for event in data["timeline"]:
        assert set(event) == {"date", "when", "text", "citations"} and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", event["date"])
    for quote in data["quotes"]:
        assert set(quote) == {"speaker", "text", "citations"}
    for row in data["figures"]:
        assert {"amount", "what", "citations", "dates"} <= set(row)
    for conflict in data["conflicts"]:
        assert conflict["about"] and len(conflict["claims"]) >= 2
        assert all(set(side) == {"text", "citations"} for side in conflict["claims"])


def test_markdown_reads_on_its_own(fake_engine: Engine) -> None:
    brief = make_brief(fake_engine)
    text = to_markdown(brief)
    assert text.startswith("# Briefing: all articles\n")
    for heading in ["Key points", "Timeline", "Who said what", "Figures", "Where sources differ", "Sources"]:
        assert f"\n## {heading}\n" in text
    assert "| Date | Event | Sources |" in text and "| 3 March 2025 | " in text
    assert "| Amount | What it is | Article | Date |" in text
    sources = dict(re.findall(r"^\[(\d+)\] (.+)$", text, re.M))
    used = set(re.findall(r"\[(\d+)\]", text.split("\n## Sources\n")[0]))
    assert used and used <= set(sources), "every marker has a source line"
    assert all(re.search(r", characters \d+-\d+\): “", line) for line in sources.values())
    assert "$22 billion" in text.split("## Where sources differ")[1]


def test_markdown_export_carries_no_live_html(fake_engine: Engine, corpus_dir: Path) -> None:
    """Tags and entities in an article are shown as text in the export: `<`, `>` and `&` escaped, nothing a renderer would run."""
    (corpus_dir / "hostile.txt").write_text(
        "Tidal plant adds a visitor centre\n\nMarch 12, 2025\n\nThe tidal power plant will add a visitor centre costing €4 million "
        "<script>alert(1)</script> with a <b>glass roof</b> &amp; a café, Mayor Elena Brandt said on Wednesday.\n", encoding="utf-8")
    fake_engine.build()
    text = to_markdown(make_brief(fake_engine, "tidal plant visitor centre"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; with a &lt;b&gt;glass roof&lt;/b&gt; &amp;amp; a café" in text
    assert "<" not in text and ">" not in text.replace("&gt;", "")


def test_undated_articles_give_a_figures_table_without_a_date_column(fake_engine: Engine, corpus_dir: Path) -> None:
    """Articles with no date: no column of "not given"; an ampersand in a title reads as written; a bound amount is its own row."""
    for old in corpus_dir.iterdir():
        old.unlink()
    (corpus_dir / "qa.txt").write_text(
        "Q&A: the club takeover\n\nReports have put the offer at 300p per share, which would value the club at about £800m.\n",
        encoding="utf-8")
    (corpus_dir / "board.txt").write_text(
        "Board weighed a buyout\n\nThe board of the club also considered a management buyout at just over 300p but did not go "
        "ahead with it.\n", encoding="utf-8")
    fake_engine.build()
    brief = make_brief(fake_engine)
    text = to_markdown(brief)
    assert "| Amount | What it is | Article |\n" in text and "Date" not in text.split("## Figures")[1].split("## Where")[0].split("\n\n")[1]
    assert "None of these articles gives its date." in text and "not given" not in text
    assert "Q&A: the club takeover" in text and "&amp;" not in text
    rows = {row.amount: {c.doc_id for c in row.citations} for row in brief.figures}
    assert rows["300p"] == {"qa"} and rows["over 300p"] == {"board"}, "an offer of 300p and a buyout at over 300p are two amounts"


@pytest.mark.parametrize(("second", "differ"), [
    ("The Bay Star ferry will carry 60 passengers on each crossing from the harbour.", True),
    ("The North Pier ferry will carry 60 passengers on each crossing from the harbour.", False),
])
def test_counts_differ_only_where_their_sentences_name_the_same_things(fake_engine: Engine, corpus_dir: Path, second: str,
                                                                       differ: bool) -> None:
    """Two articles' counts of one thing are a disagreement; counts of the same noun for a thing named differently (another
    ferry) are two facts."""
    (corpus_dir / "delta.txt").write_text("Ferries\n\nThe Bay Star ferry will carry 40 passengers on each crossing from the harbour.\n")
    (corpus_dir / "epsilon.txt").write_text(f"More ferries\n\n{second}\n")
    fake_engine.build()
    counted = [c for c in make_brief(fake_engine).conflicts if c.about == "the number of passengers"]
    assert bool(counted) is differ
    if differ:
        assert {side.text: [c.doc_id for c in side.citations] for side in counted[0].claims} == {"40 passengers": ["delta"], "60 passengers": ["epsilon"]}


def _brief_with(engine: Engine, corpus_dir: Path, article: str, topic: str) -> Brief:
    """A briefing on a topic after one more article is added to the fixture corpus."""
    (corpus_dir / "added.txt").write_text(article, encoding="utf-8")
    engine.build()
    return make_brief(engine, topic)


def test_a_point_is_never_a_clause_cut_from_inside_a_sentence(fake_engine: Engine, corpus_dir: Path) -> None:
    """Two articles state a fact only in a relative clause ('…, who has offered £790m …,'): the point quotes a whole sentence."""
    for old in corpus_dir.iterdir():
        old.unlink()
    (corpus_dir / "a.txt").write_text("Tycoon returns with new plan\n\nThe US tycoon, who has offered £790m for the club since last spring, "
                                      "returned with a detailed plan on Sunday.\n", encoding="utf-8")
    (corpus_dir / "b.txt").write_text("Glazer back at United\n\nMalcolm Glazer, who has offered £790m for the club since last spring, is "
                                      "back with a fresh approach.\n", encoding="utf-8")
    fake_engine.build()
    brief = make_brief(fake_engine)
    _check_grounded(fake_engine, brief)
    assert brief.points and all(p.text[:1].isupper() for p in brief.points), [p.text for p in brief.points]


def test_a_target_year_is_not_a_figures_date(fake_engine: Engine, corpus_dir: Path) -> None:
    brief = _brief_with(fake_engine, corpus_dir, "Tidal plant sets goals\n\nMarch 5, 2025\n\nThe tidal power plant will add 60 turbines by 2031, "
                        "and a 2035 target of 90 turbines follows.\n", "tidal power plant turbines goals")
    rows = {row.amount: row.dates for row in brief.figures}
    assert rows["60 turbines"] == ("March 5, 2025",) and rows["90 turbines"] == ("March 5, 2025",), "the article's date, not the target year"


def test_reported_words_lose_stray_quote_marks(fake_engine: Engine, corpus_dir: Path) -> None:
    brief = _brief_with(fake_engine, corpus_dir, "Fans vow to fight takeover\n\nSupporters vowed to fight on. \"We will fight him whatever "
                        "his offer says. We do not want him or anybody else taking over the club,\" said Mark Longden of the supporters' "
                        "association.\n", "Mark Longden and the supporters against anybody taking over the club")
    _check_grounded(fake_engine, brief)
    said = {q.text for q in brief.quotes if q.speaker == "Mark Longden"}
    assert "We do not want him or anybody else taking over the club" in said


def test_a_quotation_left_open_runs_on_and_whom_it_was_told_is_not_quoted(fake_engine: Engine, corpus_dir: Path) -> None:
    """News copy opens each quoted sentence and closes only the last: the quote runs on (two sentences more at most), and 'told
    BBC Sport:' is not part of it."""
    brief = _brief_with(fake_engine, corpus_dir, "Fishermen lose appeal\n\nFishermen's lawyer Petra Lund told BBC Sport: \"We refute "
                        "the ruling on the tidal power plant as illogical. \"The fishing grounds were never surveyed. We will appeal "
                        "again. \"Our members cannot wait another year.\"\n", "fishermen appeal tidal power plant ruling")
    _check_grounded(fake_engine, brief)
    said = [q.text for q in brief.quotes if q.speaker == "Petra Lund"]
    assert said == ["We refute the ruling on the tidal power plant as illogical. \"The fishing grounds were never surveyed. "
                    "We will appeal again"], said


def test_a_quotation_ends_where_a_sentence_closes_it(fake_engine: Engine, corpus_dir: Path) -> None:
    """The sentence that closes the quotation is its last: the reporter's next sentence is not quoted as the speaker's."""
    brief = _brief_with(fake_engine, corpus_dir, "Pilots fear narrow quay\n\nHarbour pilot Ida Moe told the BBC: \"The new quay by the "
                        "tidal power plant is too narrow for ferries. \"It has to be widened before summer.\" The council will vote "
                        "on the quay in May.\n", "harbour pilot quay tidal power plant ferries")
    _check_grounded(fake_engine, brief)
    said = [q.text for q in brief.quotes if q.speaker == "Ida Moe"]
    assert said == ["The new quay by the tidal power plant is too narrow for ferries. \"It has to be widened before summer"], said


def test_a_key_point_stands_alone(fake_engine: Engine, corpus_dir: Path) -> None:
    """A sentence whose speaker is 'he' or that is only a quotation is quoted under who said what, never a key point on its own."""
    brief = _brief_with(fake_engine, corpus_dir, "Harbour chief backs tidal plant\n\nHarbour master Olaf Berg said the tidal power plant "
                        "would not disturb shipping lanes.\n\"I do not think there is anything the fishermen can do about the tidal power "
                        "plant now,\" he told the BBC.\n", "tidal power plant harbour shipping fishermen")
    assert not any(p.text.startswith(("\"", "“")) or "he told" in p.text for p in brief.points)
    assert any(q.speaker == "Olaf Berg" and "fishermen can do" in q.text for q in brief.quotes), "quoted, with its speaker"


def test_topic_narrows_the_briefing(fake_engine: Engine) -> None:
    fishing = make_brief(fake_engine, "fishing grounds and fish stocks")
    _check_grounded(fake_engine, fishing)
    points = [p.text for p in fishing.points]
    assert any("fishing grounds" in t for t in points)
    assert len(points) < len(make_brief(fake_engine).points)
    one_word = make_brief(fake_engine, "the football world cup final in the city")
    assert not one_word.points and not one_word.figures, "one shared word ('city') is no coverage of a topic"
    nothing = make_brief(fake_engine, "volcanic eruption in Iceland")
    assert not nothing.points and not nothing.figures and not nothing.timeline
    assert to_markdown(nothing) == "# Briefing: volcanic eruption in Iceland\n\nThe articles say nothing about this topic.\n"


def test_a_corpus_with_nothing_to_brief_says_so_without_empty_sections() -> None:
    empty = Brief(None, (), (), (), (), ())
    assert to_markdown(empty) == "# Briefing: all articles\n\nThe articles hold no statements to brief.\n"


def test_empty_and_overlong_topics_are_refused(fake_engine: Engine) -> None:
    with pytest.raises(BadInputError):
        make_brief(fake_engine, "  ")
    with pytest.raises(BadInputError):
        make_brief(fake_engine, "topic " * 500)


def test_a_missing_judge_is_one_clear_error(fake_engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"^The judge model .* is missing; "):
        make_brief(fake_engine, judge=Judge(tmp_path / "missing.safetensors"))


@pytest.mark.slow
def test_real_corpus_brief(real_engine: Engine) -> None:
    brief = make_brief(real_engine)
    _check_grounded(real_engine, brief)
    _check_no_repeats(brief)
    docs = real_engine.index().docs
    stating = {d for d, doc in docs.items() if ALLOCATION in doc.text}
    assert stating == {"000_56eeb5b127caad4d", "001_c6a43ca1d36bf8f2", "002_d4358042b09386d2", "003_a453474d336db964"}
    allocation = [p for p in brief.points if all(ALLOCATION in c.quote for c in p.citations)]
    assert len(allocation) == 1, "the first-year allocation is one point"
    assert {c.doc_id for c in allocation[0].citations} == stating
    for point in brief.points:
        assert all(_covers(point.text, c.quote) for c in point.citations), f"every citation states the amounts of {point.text!r}"
    robots = [p for p in brief.points if "10 million" in p.text and len(p.citations) >= 3]
    assert robots and all("$6 billion" not in p.text for p in robots), "a fact shared on one figure quotes only the clause they share"
    # The 2040 robot target in 18 sectors, or in 18 industries, said another way, is one point however each article counts them.
    target = [p for p in brief.points if re.search(r"10 million AI-equipped robots (?:\w+ )?across 18 \w+ by 2040", p.text)]
    assert len(target) == 1 and len(target[0].citations) >= 3, [p.text for p in target]
    counts = [len(p.citations) for p in brief.points]
    assert max(i for i, n in enumerate(counts) if n >= 3) < min(i for i, n in enumerate(counts) if n == 1), "facts many articles state come first"
    dates = [e.date for e in brief.timeline]
    assert dates == sorted(dates) and "2026-04-13" in dates and "2026-06-30" in dates
    assert all(e.date.startswith("2026-06-30") for e in brief.timeline if "June 30" in e.citations[0].quote)
    akazawa = [q for q in brief.quotes if q.speaker == "Ryosei Akazawa"]
    assert len(akazawa) >= 3 and brief.quotes[0].speaker == "Ryosei Akazawa"
    assert any(len(q.citations) >= 2 for q in akazawa), "the same words reported by two articles are one quote"
    for row in brief.figures:
        for c, when in zip(row.citations, row.dates):
            assert when or not docs[c.doc_id].date, "a figure from a dated article has a date"
    abouts = " | ".join(c.about for c in brief.conflicts)
    assert "1 trillion" in abouts and "companies" in abouts
    dollars = next(c for c in brief.conflicts if "1 trillion" in c.about)
    texts = {side.text for side in dollars.claims}
    assert "$6.2 billion" in texts and any("61.6" in t for t in texts)


@pytest.mark.slow
def test_cli_brief_json_and_markdown(tmp_path: Path) -> None:
    done = _qa(["brief", "--json"], tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["topic"] is None and data["points"] and data["timeline"] and data["quotes"] and data["conflicts"]
    done = _qa(["brief", "fishing", "--markdown"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Briefing: fishing") and "## Sources" in done.stdout


def test_dates_are_written_out_and_other_text_kept() -> None:
    assert human_date("2026-07-02") == "2 July 2026" and human_date("2026-07") == "July 2026"
    assert human_date("spring 2026") == "spring 2026" and human_date("2026-13-40") == "2026-13-40"

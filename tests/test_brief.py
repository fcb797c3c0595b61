"""Briefings: every point quoted and cited with exact offsets, no repeats, a figures table, and where sources differ."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from qa.brief import SECTIONS, Brief, make_brief, to_markdown
from qa.errors import BadInputError
from qa.pipeline import Engine
from qa.types import Citation
from tests.test_lookup import _qa


def _all_citations(brief: Brief) -> list[Citation]:
    """Every citation object the briefing holds, with repeats."""
    out = [c for s in brief.sections for p in s.points for c in p.citations]
    out += [c for row in brief.figures for c in row.citations]
    out += [c for conflict in brief.conflicts for side in conflict.claims for c in side.citations]
    return out


def _check_grounded(engine: Engine, brief: Brief) -> None:
    """Every citation quotes its article exactly; every point is its first citation's words; numbers are consistent."""
    docs = engine.index().docs
    cites = _all_citations(brief)
    assert cites
    for c in cites:
        assert docs[c.doc_id].text[c.start:c.end] == c.quote
        assert c.title == docs[c.doc_id].title
    by_n: dict[int, Citation] = {}
    for c in cites:
        assert by_n.setdefault(c.n, c) == c, "one number, one span"
    for section in brief.sections:
        assert section.heading in SECTIONS and section.points
        for point in section.points:
            assert point.citations, "no point without a source"
            assert point.text == point.citations[0].quote
            docs_cited = [c.doc_id for c in point.citations]
            assert len(docs_cited) == len(set(docs_cited)), "one citation per article per point"


def _check_no_repeats(brief: Brief) -> None:
    """No point is stated twice and no passage backs two points."""
    texts = [" ".join(p.text.split()).lower() for s in brief.sections for p in s.points]
    assert len(texts) == len(set(texts))
    spans = [(c.doc_id, c.start, c.end) for s in brief.sections for p in s.points for c in p.citations]
    assert len(spans) == len(set(spans))


def test_brief_points_are_cited_exactly_and_not_repeated(fake_engine: Engine) -> None:
    brief = make_brief(fake_engine)
    _check_grounded(fake_engine, brief)
    _check_no_repeats(brief)
    headings = [s.heading for s in brief.sections]
    assert "What was decided" in headings and "Risks and views" in headings
    points = [p.text for s in brief.sections for p in s.points]
    assert any("approved a tidal power plant" in t for t in points)
    assert any("Tomas Reuter voted against" in t for t in points)


def test_same_fact_in_two_articles_is_one_point(fake_engine: Engine, corpus_dir: Path) -> None:
    (corpus_dir / "delta.txt").write_text(
        "Tidal plant size confirmed\n\nOfficials said the plant will have 40 turbines and is expected to supply 120,000 homes.\n"
        "The harbor authority will publish the turbine contracts next month.\n", encoding="utf-8")
    fake_engine.build()
    brief = make_brief(fake_engine)
    _check_grounded(fake_engine, brief)
    _check_no_repeats(brief)
    homes = [p for s in brief.sections for p in s.points if "120,000 homes" in p.text]
    assert len(homes) == 1
    assert {c.doc_id for c in homes[0].citations} == {"alpha", "delta"}


def test_figures_table_lists_amounts_with_articles_and_dates(fake_engine: Engine) -> None:
    brief = make_brief(fake_engine)
    rows = {row.amount: row for row in brief.figures}
    euro = rows["€2 billion"]
    assert euro.kind == "money" and euro.unit == "eur" and euro.value == 2e9
    assert {c.doc_id for c in euro.citations} == {"alpha", "beta"}
    assert set(euro.dates) == {"March 3, 2025", "March 4, 2025"}
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


def test_json_shape(fake_engine: Engine) -> None:
    data = json.loads(json.dumps(make_brief(fake_engine, "tidal plant").to_dict(), ensure_ascii=False))
    assert set(data) == {"topic", "sections", "figures", "conflicts"} and data["topic"] == "tidal plant"
    for section in data["sections"]:
        assert set(section) == {"heading", "points"}
        for point in section["points"]:
            assert set(point) == {"text", "citations"}
            for c in point["citations"]:
                assert set(c) == {"n", "doc_id", "title", "start", "end", "quote"}
    for row in data["figures"]:
        assert {"amount", "what", "citations", "dates"} <= set(row)
    for conflict in data["conflicts"]:
        assert conflict["about"] and len(conflict["claims"]) >= 2
        assert all(set(side) == {"text", "citations"} for side in conflict["claims"])


def test_markdown_reads_on_its_own(fake_engine: Engine) -> None:
    brief = make_brief(fake_engine)
    text = to_markdown(brief)
    assert text.startswith("# Briefing: all articles\n")
    for heading in [s.heading for s in brief.sections] + ["Figures", "Where sources differ", "Sources"]:
        assert f"\n## {heading}\n" in text
    assert "| Amount | What it is | Article | Date |" in text
    sources = dict(re.findall(r"^\[(\d+)\] (.+)$", text, re.M))
    used = set(re.findall(r"\[(\d+)\]", text.split("\n## Sources\n")[0]))
    assert used and used <= set(sources), "every marker has a source line"
    assert "$22 billion" in text.split("## Where sources differ")[1]


def test_topic_narrows_the_briefing(fake_engine: Engine) -> None:
    fishing = make_brief(fake_engine, "fishing grounds and fish stocks")
    _check_grounded(fake_engine, fishing)
    points = [p.text for s in fishing.sections for p in s.points]
    assert any("fishing grounds" in t for t in points)
    assert len(points) < sum(len(s.points) for s in make_brief(fake_engine).sections)
    nothing = make_brief(fake_engine, "volcanic eruption in Iceland")
    assert not nothing.sections and not nothing.figures
    assert "say nothing" in to_markdown(nothing)


def test_empty_and_overlong_topics_are_refused(fake_engine: Engine) -> None:
    with pytest.raises(BadInputError):
        make_brief(fake_engine, "  ")
    with pytest.raises(BadInputError):
        make_brief(fake_engine, "topic " * 500)


@pytest.mark.slow
def test_real_corpus_brief(real_engine: Engine) -> None:
    brief = make_brief(real_engine)
    _check_grounded(real_engine, brief)
    _check_no_repeats(brief)
    abouts = " | ".join(c.about for c in brief.conflicts)
    assert "1 trillion" in abouts and "companies" in abouts
    dollars = next(c for c in brief.conflicts if "1 trillion" in c.about)
    texts = {side.text for side in dollars.claims}
    assert "$6.2 billion" in texts and any("61.6" in t for t in texts)
    assert any(len(p.citations) >= 3 for s in brief.sections for p in s.points), "a fact stated by several articles"
    assert any(row.amount.endswith("387.3 billion") for row in brief.figures)


@pytest.mark.slow
def test_cli_brief_json_and_markdown(tmp_path: Path) -> None:
    done = _qa(["brief", "--json"], tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["topic"] is None and data["sections"] and data["conflicts"]
    done = _qa(["brief", "fishing", "--markdown"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Briefing: fishing") and "## Sources" in done.stdout

"""Copies among articles: found at index time, one of each group searched and cited, the others named beside it."""

from __future__ import annotations

from pathlib import Path

from qa.copies import find_copies, mark_copies, searchable
from qa.index import build_index, load_index
from qa.types import Document
from tests.fakes import HashEmbedder

STORY = ("The city council approved a tidal power plant with a budget of two billion euros on Monday. Mayor Elena Brandt said "
         "construction will begin in May and the plant should deliver power by 2029. The plant will have 40 turbines and is "
         "expected to supply 120,000 homes. Council member Tomas Reuter voted against the plan, citing the risk to local fisheries. "
         "Engineers said the turbines would be built in the port and towed out to sea in calm weather over two summers.")


def doc(doc_id: str, text: str) -> Document:
    """A document with only an id and a text."""
    return Document(doc_id=doc_id, text=text, title=doc_id)


def test_exact_and_syndicated_copies_are_one_group_and_a_story_on_the_same_subject_is_not() -> None:
    docs = [doc("a-original", STORY),
            doc("b-renamed", STORY),
            doc("c-wire", "HARBOR CITY (Wire) - " + STORY.replace("Monday", "Monday,") + "\n(Reporting by J. Doe; editing by K. Roe)"),
            doc("d-other", "The tidal power plant approved by the council will have 40 turbines, the mayor said, but fishermen "
                           "plan to protest on Friday against the project and its budget of two billion euros.")]
    assert find_copies(docs) == {"a-original": ["b-renamed", "c-wire"]}


def test_one_article_per_group_is_searched_unless_a_copy_is_asked_for() -> None:
    copies = {"a": ["b", "c"]}
    assert searchable({}, ["a", "b"], None) is None
    assert searchable(copies, ["a", "b", "c", "d"], None) == ["a", "d"]
    assert searchable(copies, ["a", "b", "c", "d"], ["b", "d"]) == ["b", "d"]
    assert searchable(copies, ["a", "b", "c", "d"], ["b", "c", "a"]) == ["a"]
    answer = {"citations": [{"n": 1, "doc_id": "a"}, {"n": 2, "doc_id": "d"}]}
    assert mark_copies(answer, {"a": ["b", "c"], "b": ["a", "c"], "c": ["a", "b"]})["citations"] == [
        {"n": 1, "doc_id": "a", "also_in": ["b", "c"]}, {"n": 2, "doc_id": "d"}]


def test_the_index_records_its_copies(settings, corpus_dir: Path) -> None:  # noqa: ANN001 - pytest fixture
    (corpus_dir / "alpha-copy.txt").write_text((corpus_dir / "alpha.txt").read_text(encoding="utf-8"), encoding="utf-8")
    build_index(settings, HashEmbedder())
    index = load_index(settings.index_dir, settings, HashEmbedder.name)
    assert index.copies == {"alpha": ["alpha-copy"]}
    assert index.duplicates == {"alpha": ["alpha-copy"], "alpha-copy": ["alpha"]}
    assert index.searchable() == ["alpha", "beta", "gamma"]

"""The grounding check on single sentences, by the trained judge: what a paraphrase may change, and what it must keep."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from qa.answer.generate import compose_generated, passages
from qa.answer.grounding import split_reply, verify
from qa.config import Settings
from qa.judge import Verdict
from qa.pipeline import Engine
from qa.types import Hit
from tests.fakes import HashEmbedder

ARTICLE = (
    "Harbor City council approved the tidal plant with a budget of €2 billion ($2.2 billion). "
    "Mayor Elena Brandt said construction will begin in May 2025 and the plant should deliver power by 2029. "
    "The plant will have 40 turbines and is expected to supply 120,000 homes. "
    "Council member Tomas Reuter voted against the plan. "
    "Jun Okafor replaced Tomas Reuter as chief engineer. "
    "Sales rose 12% in the third quarter. "
    "Dredging work will not start before June 2025. "
    "The line will serve Harbor City, Eastport and Lowell. "
    "The company employs 1,000 people. "
    "The turbines sit in the larger eastern channel. "
    "Minister Wang approved the $5 million grant. "
    "Will the plant pay off?"
)

# Changes the shipped judge still calls supported: a word put for its opposite, a year stated elsewhere in the sentence.
KNOWN_MISS = pytest.mark.xfail(strict=True, reason="known miss of the shipped judge (README, What still fails)")
# Synonyms the judge is not sure of (under NEW_WORDS_GROUNDED_AT): the price of cutting the model's own words (README, Grounding).
NEW_WORD_COST = pytest.mark.xfail(strict=True, reason="a synonym the judge is unsure of is cut as a word the source does not use")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """One article, every sentence reachable, the fake embedder."""
    root = tmp_path_factory.mktemp("grounding")
    (root / "corpus").mkdir()
    (root / "corpus" / "plant.txt").write_text("Harbor City Tidal Plant\n\n" + ARTICLE, encoding="utf-8")
    engine = Engine(replace(Settings(), corpus_dir=root / "corpus", index_dir=root / "index"), HashEmbedder())
    engine.build()
    return engine


def check(engine: Engine, reply: str, question: str = "") -> list[bool]:
    """The verdict on each sentence of a reply that may cite any chunk of the article as [1], [2]..."""
    index = engine.index()
    shown = passages(index, [Hit(c, 1.0) for c in index.chunks], limit=len(index.chunks))
    return [c.supported for c in verify(reply, shown, engine.embedder, index, engine.judge, question)]


@pytest.mark.parametrize("sentence", [
    "Dredging work will start before June 2025.",
    pytest.param("Council member Tomas Reuter voted for the plan.", marks=KNOWN_MISS),
    "Tomas Reuter replaced Jun Okafor as chief engineer.",
    "Sales fell 12% in the third quarter.",
    "Sales rose 12% in the fourth quarter.",
    "The plant has a budget of €2 million.",
    "The plant has a budget of 2 billion dollars.",
    "The company employs five people.",
    "Minister Li approved the $5 million grant.",
    "Mayor Øystein Brandt said construction will begin in May 2025.",
    pytest.param("Construction will begin in May 2029.", marks=KNOWN_MISS),
    "The line will serve Harbor City, Eastport, Lowell and Springfield.",
    "The plant will pay off.",
    "The turbines sit in the smaller eastern channel.",
    "The turbines sit in the larger western channel.",
])
def test_a_changed_fact_is_not_supported(engine: Engine, sentence: str) -> None:
    assert check(engine, sentence) == [False]


@pytest.mark.parametrize("sentence", [
    "The plant will have forty turbines.",
    "The company employs 1000 people.",
    "The budget is 2 billion euros.",
    "Sales rose 12 percent in the third quarter.",
    "Tomas Reuter was replaced by Jun Okafor as chief engineer.",
    "Elena Brandt said construction will begin in May 2025.",
    "Dredging will not start before June 2025.",
    "Sales increased 12% in the third quarter.",
    "According to the article, the company employs 1,000 people.",
    pytest.param("Council member Tomas Reuter opposed the plan.", marks=NEW_WORD_COST),
    pytest.param("The plant is expected to supply 120,000 households.", marks=NEW_WORD_COST),
])
def test_a_faithful_paraphrase_is_supported(engine: Engine, sentence: str) -> None:
    assert check(engine, sentence) == [True]


def test_a_word_the_source_does_not_use_needs_a_sure_judge_and_is_named(engine: Engine) -> None:
    """A model echoing the question ('promoted') where the source says something else is cut, and the reason names the word."""
    index = engine.index()
    shown = passages(index, [Hit(c, 1.0) for c in index.chunks], limit=len(index.chunks))
    [checked] = verify("Mayor Elena Brandt promoted the tidal plant.", shown, engine.embedder, index, engine.judge, "Who promoted the tidal plant?")
    assert not checked.supported and checked.reason.startswith("uses words the cited sentence does not (“promoted”")


def test_markers_after_the_full_stop_and_in_lists_belong_to_their_sentence() -> None:
    assert split_reply("It has 40 turbines. [1] It cost €2 billion.[2] Both [1, 3].") == [
        ("It has 40 turbines.", [1]), ("It cost €2 billion.", [2]), ("Both.", [1, 3])]
    assert split_reply("It has 40 turbines [1]. Whether it floats is NOT IN SOURCES.") == [("It has 40 turbines.", [1])]


def test_a_name_put_in_anothers_place_is_not_supported_and_the_reason_names_both(engine: Engine) -> None:
    index = engine.index()
    shown = passages(index, [Hit(c, 1.0) for c in index.chunks], limit=len(index.chunks))
    [checked] = verify("Council member Anna Holt voted against the plan.", shown, engine.embedder, index, engine.judge)
    assert not checked.supported and checked.reason == "the cited sentence names “Tomas Reuter”, not “Anna Holt”"
    [same] = verify("Tomas Reuter, a council member, voted against the plan.", shown, engine.embedder, index, engine.judge)
    assert same.supported, "the same name in another order is no swap"
    [swapped] = verify("Tomas Reuter replaced Jun Okafor as chief engineer.", shown, engine.embedder, index, engine.judge)
    assert not swapped.supported and swapped.reason.startswith("the cited sentence has") and swapped.reason.endswith("Okafor and Tomas Reuter the other way round")


class _SureJudge:
    """A judge that finds every passage supports every sentence."""

    def judge(self, pairs: list[tuple[str, str]]) -> list[Verdict]:
        return [Verdict(0.99, 0.005, 0.005) for _ in pairs]


def test_a_word_put_for_its_opposite_is_not_supported_whatever_the_judge_says(engine: Engine) -> None:
    index = engine.index()
    shown = passages(index, [Hit(c, 1.0) for c in index.chunks], limit=len(index.chunks))
    [checked] = verify("Minister Wang rejected the $5 million grant.", shown, engine.embedder, index, _SureJudge())
    assert not checked.supported
    [same] = verify("Minister Wang approved the $5 million grant.", shown, engine.embedder, index, _SureJudge())
    assert same.supported


def test_citations_are_exact_and_markers_sit_before_the_full_stop(engine: Engine) -> None:
    index = engine.index()
    shown = passages(index, [Hit(c, 1.0) for c in index.chunks], limit=len(index.chunks))
    checked = verify('Brandt said: "construction will begin in May 2025." [1] It will have 40 turbines [1]. It will have 40 turbines.',
                     shown, engine.embedder, index, engine.judge)
    answer = compose_generated(index, "", checked, [])
    text = index.docs["plant"].text
    assert answer.answer.count("40 turbines") == 1 and re.search(r'2025\." (\[\d\])+ It will', answer.answer)
    assert re.search(r"turbines \[\d\]\.$", answer.answer)
    assert all(text[c.start:c.end] == c.quote for c in answer.citations)



def test_a_reply_that_does_not_touch_the_question_is_not_an_answer(engine: Engine) -> None:
    assert check(engine, "The plant will have 40 turbines [1].", "Who opposed the plan?") == [False]
    assert check(engine, "Tomas Reuter [1].", "Who voted against the plan?") == [True]


class _SureJudge:
    """A judge that calls every sentence supported: what the check decides whatever the judge says."""

    def judge(self, pairs: list[tuple[str, str]]) -> list[Verdict]:
        return [Verdict(supports=0.99, contradicts=0.005, unaddressed=0.005) for _ in pairs]


def test_a_figure_the_cited_sentences_never_state_is_not_supported(engine: Engine) -> None:
    index = engine.index()
    shown = passages(index, [Hit(c, 1.0) for c in index.chunks], limit=len(index.chunks))
    [added] = verify("The company employs 1,000 people at 3 sites.", shown, engine.embedder, index, _SureJudge())
    assert not added.supported and added.reason == "the cited sentences do not state “3 sites”"
    [kept] = verify("The company employs 1,000 people.", shown, engine.embedder, index, _SureJudge())
    assert kept.supported

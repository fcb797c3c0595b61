"""Citation lookup: quotes found exactly despite typos, paraphrases supported, changed figures contradicted, strangers not found."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.answer.differences import claim_share, differences, swapped_roles
from qa.config import REPO_ROOT
from qa.errors import BadInputError
from qa.evaluate import evaluate
from qa.judge import Verdict
from qa.lookup import CLOSE, CONTRADICTED, EXACT, NOT_FOUND, PARTLY, SUPPORTED, VERDICTS, LookupResult, _compare, lookup, text_figures
from qa.pipeline import Engine

SHARED_DEV = REPO_ROOT.parent / "shared" / "eval" / "dev.jsonl"
MAYOR = "Mayor Elena Brandt said construction will begin in May 2025"


def _check_offsets(engine: Engine, result: LookupResult) -> None:
    """Every match quotes its article exactly, and its context holds the quote."""
    docs = engine.index().docs
    assert result.matches
    for m in result.matches:
        assert m.verdict in VERDICTS
        assert docs[m.doc_id].text[m.start:m.end] == m.quote
        assert m.title == docs[m.doc_id].title
        assert 0.0 <= m.score <= 1.0
        assert m.context is not None and m.context.start <= m.start and m.end <= m.context.end
        assert docs[m.doc_id].text[m.context.start:m.context.end] == m.context.text


def test_exact_quote_has_exact_offsets_and_context(fake_engine: Engine) -> None:
    result = lookup(fake_engine, f"“{MAYOR}.”")
    best = result.matches[0]
    assert (best.verdict, best.doc_id, best.quote) == (EXACT, "alpha", MAYOR)
    assert "Harbor City council" in best.context.text and "40 turbines" in best.context.text
    assert result.verdict == EXACT
    _check_offsets(fake_engine, result)


def test_an_exact_quote_covers_its_final_punctuation_where_the_article_has_it(fake_engine: Engine) -> None:
    whole = "The plant will have 40 turbines and is expected to supply 120,000 homes."
    assert lookup(fake_engine, whole).matches[0].quote == whole
    assert lookup(fake_engine, f"“{whole}”").matches[0].quote == whole
    assert lookup(fake_engine, whole.rstrip(".")).matches[0].quote == whole.rstrip(".")


def test_quote_with_typos_is_found_at_the_same_place(fake_engine: Engine) -> None:
    exact = lookup(fake_engine, MAYOR).matches[0]
    typo = lookup(fake_engine, "Mayor Elena Brant said constructon will begin in May 2025").matches[0]
    assert typo.verdict == CLOSE
    assert (typo.doc_id, typo.start, typo.end) == (exact.doc_id, exact.start, exact.end)
    assert "Brandt" in typo.note and "construction" in typo.note


def test_a_real_word_typed_for_another_is_a_close_quote(fake_engine: Engine) -> None:
    """'too' for 'to' (both words the articles use) is a slip of spelling, not another claim for the judge."""
    typo = lookup(fake_engine, "Council member Tomas Reuter voted against the plan, citing the risk too local fisheries").matches[0]
    assert typo.verdict == CLOSE and typo.doc_id == "alpha" and "“too” is “to” in the article" in typo.note, typo


def test_quote_with_changed_punctuation_and_cut_words_is_close(fake_engine: Engine) -> None:
    punct = lookup(fake_engine, "Mayor Elena Brandt said: construction will begin in May, 2025!").matches[0]
    assert (punct.verdict, punct.quote) == (CLOSE, MAYOR)
    cut = lookup(fake_engine, "The plant will have 40 turbines and supply 120,000 homes").matches[0]
    assert cut.verdict == CLOSE and cut.doc_id == "alpha"
    assert cut.quote == "The plant will have 40 turbines and is expected to supply 120,000 homes"


def test_changed_figure_is_contradicted_and_named(fake_engine: Engine) -> None:
    homes = lookup(fake_engine, "The plant will have 40 turbines and supply 150,000 homes").matches[0]
    assert homes.verdict == CONTRADICTED and homes.doc_id == "alpha"
    assert "120,000" in homes.note and "150,000" in homes.note
    budget = lookup(fake_engine, "The council approved a tidal power plant with a budget of €3 billion").matches[0]
    assert budget.verdict == CONTRADICTED and "€2 billion" in budget.note and "€3 billion" in budget.note
    years = lookup(fake_engine, "Okafor previously ran offshore wind farms in Denmark for six years").matches[0]
    assert years.verdict == CONTRADICTED and years.doc_id == "gamma" and "nine years" in years.note


def test_a_quote_with_a_negation_added_or_a_figure_changed_at_its_end_is_no_close_quote(fake_engine: Engine) -> None:
    negated = lookup(fake_engine, "The plant will not have 40 turbines and is expected to supply 120,000 homes").matches[0]
    assert negated.verdict == CONTRADICTED and negated.note.startswith("the claim has “not”"), negated
    last = lookup(fake_engine, "The plant will have 40 turbines and is expected to supply 150,000").matches[0]
    assert last.verdict == CONTRADICTED and "“120,000" in last.note and "150,000”" in last.note, last


def test_a_contraction_is_a_negation(fake_engine: Engine) -> None:
    """The 't' of "can't" negates; the note shows the word it belongs to."""
    best = lookup(fake_engine, "The plant can't have 40 turbines and is expected to supply 120,000 homes").matches[0]
    assert best.verdict == CONTRADICTED and "can't" in best.note, best
    best = lookup(fake_engine, "The plant won't have 40 turbines and is expected to supply 120,000 homes").matches[0]
    assert best.verdict == CONTRADICTED and best.note == "the article says “plant will have”, not “plant won't have”", best


@pytest.mark.parametrize(("claim", "passage", "note"), [
    ("The draft guidance also applies to plant-based cheese and yogurt.", "The draft guidance does not apply to plant-based cheese and yogurt.",
     "the article says “guidance does not apply to”, not “guidance also applies to”"),
    ("The plant will have 40 turbines.", "The plant will not have 40 turbines.", "the article says “will not have”, not “will have”"),
    ("Tokyo cannot pull back if Noetra misses its milestones.", "Tokyo can pull back if Noetra misses its milestones.",
     "the article says “Tokyo can pull”, not “Tokyo cannot pull”"),
])
def test_a_passage_that_denies_what_the_claim_states_differs_from_it(claim: str, passage: str, note: str) -> None:
    """A 'not' on one side only, the other words the same, is what differs."""
    assert [(d.kind, d.note) for d in differences(claim, passage, frozenset())] == [("opposite", note)]


def test_a_negation_in_other_words_is_no_denial() -> None:
    """'did nothing to fix' says 'was only a temporary fix' another way; it does not deny it."""
    claim = "Kennedy said the rebate for pensioners was only a temporary fix for a much bigger problem."
    passage = "Kennedy said the rebate for pensioners did nothing to fix a much bigger problem."
    assert all(d.kind != "opposite" for d in differences(claim, passage, frozenset()))


def test_a_word_put_for_its_opposite_is_contradicted(fake_engine: Engine) -> None:
    best = lookup(fake_engine, "The Harbor City council on Monday rejected the tidal power plant").matches[0]
    assert best.verdict == CONTRADICTED and best.doc_id == "alpha" and best.note == "the article says “approved”, not “rejected”", best


def test_a_reworded_claim_with_a_changed_count_is_contradicted(fake_engine: Engine) -> None:
    best = lookup(fake_engine, "Around 150,000 homes are expected to get their supply from the 40 tidal turbines").matches[0]
    assert best.verdict == CONTRADICTED and best.doc_id == "alpha" and "120,000 homes" in best.quote
    assert "120,000 homes" in best.note and "150,000 homes" in best.note


def test_a_changed_amount_in_other_words_is_contradicted(fake_engine: Engine) -> None:
    """The amount that differs does not count against the passage being about the claim (with it counted the claim was 'not found')."""
    best = lookup(fake_engine, "The tidal plant in Harbor City is to be paid for with €5 billion").matches[0]
    assert best.verdict == CONTRADICTED and best.doc_id == "alpha" and "€2 billion" in best.note, best


def test_changed_name_is_contradicted(fake_engine: Engine) -> None:
    best = lookup(fake_engine, "Mayor Tomas Reuter said construction will begin in May 2025").matches[0]
    assert best.verdict == CONTRADICTED and best.quote == MAYOR
    assert "Elena Brandt" in best.note and "Tomas Reuter" in best.note


def test_a_quote_put_in_another_name_is_no_close_quote(fake_engine: Engine) -> None:
    best = lookup(fake_engine, "Reuter said construction will begin in May 2025 and the plant should deliver power by 2029").matches[0]
    assert best.verdict not in (EXACT, CLOSE, SUPPORTED) and best.doc_id == "alpha"


def test_a_name_swapped_for_another_is_contradicted_with_both_names(fake_engine: Engine) -> None:
    best = lookup(fake_engine, "The project is led by the utility Northwind").matches[0]
    assert best.verdict == CONTRADICTED and best.doc_id == "beta" and best.note == "the article names “Seaforce”, not “Northwind”"


def test_a_passage_that_names_none_of_the_claims_names_tells_of_someone_else(fake_engine: Engine, corpus_dir: Path) -> None:
    """'Gerrard made his Liverpool debut in 1998' does not contradict 'Buffon made his Italy debut in 1997': it names neither;
    'led by the utility Seaforce' still contradicts 'led by the utility Northwind', holding all the rest."""
    (corpus_dir / "debut.txt").write_text("Gerrard retires\n\nGerrard made his Liverpool debut in 1998 and left Anfield in 2015.\n",
                                          encoding="utf-8")
    fake_engine.build()
    assert CONTRADICTED not in {m.verdict for m in lookup(fake_engine, "Buffon made his Italy debut in 1997").matches}
    assert lookup(fake_engine, "The project is led by the utility Northwind").matches[0].verdict == CONTRADICTED


def test_a_name_mistyped_is_no_other_name() -> None:
    """'Gerogia' for 'Georgia' is a typo; 'Armenia' for 'Georgia' another country."""
    common = frozenset({"beat", "sunday"})
    assert not [d for d in differences("Germany beat Georgia 2-0 on Sunday.", "Germany beat Gerogia 2-0 on Sunday.", common) if d.kind]
    assert [d.kind for d in differences("Germany beat Georgia 2-0 on Sunday.", "Germany beat Armenia 2-0 on Sunday.", common)] == ["name"]


def test_two_names_the_other_way_round_are_contradicted(fake_engine: Engine, corpus_dir: Path) -> None:
    """Who pays whom: the claim's names swapped about the verb is a contradiction, not a paraphrase."""
    (corpus_dir / "deal.txt").write_text("Turbine deal\n\nSeaforce will pay Northwind €40 million for the turbines, the utility said.\n", encoding="utf-8")
    fake_engine.build()
    best = lookup(fake_engine, "Northwind will pay Seaforce €40 million for the turbines").matches[0]
    assert best.verdict == CONTRADICTED and best.doc_id == "deal" and best.note == "the article has Seaforce and Northwind the other way round", best
    assert lookup(fake_engine, "Seaforce will pay Northwind €40 million for the turbines").matches[0].verdict in (EXACT, CLOSE)


@pytest.mark.parametrize(("claim", "passage", "swapped"), [
    ("Halden said it would like to see Brightwater return $200m to its owners.",
     "In a letter, Brightwater said it would like to see Halden return $200m to its owners.", True),
    ("Maria Lopez has criticised Tom Evans's plan as reckless.", "Party leader Tom Evans has criticised Maria Lopez's plan as reckless.", True),
    ("Northgate was bought by Alvarion.", "Alvarion bought Northgate last year.", False),
    ("Rivera ran the 100m final at the Games in Lisbon.", "At the Lisbon Games, Rivera ran the 100m final.", False),
    ("Shares in Halden rose 4% on Monday after the offer from Brightwater.", "Shares in Halden closed up 4% on Monday after Brightwater's offer.", False),
    ("A blast at a chemical plant in Zhangzhou, southeastern Fujian, injured six people.",
     "An explosion at a chemical plant in Fujian's southeastern Zhangzhou injured six people.", False),
])
def test_names_the_other_way_round(claim: str, passage: str, swapped: bool) -> None:
    """Two names put the other way round about a word both sentences put between them, in one clause and with no preposition
    between ('bought by', 'the Games in Lisbon', 'on Monday' say the same thing another way)."""
    assert bool(swapped_roles(claim, passage, frozenset({"letter", "party", "leader", "shares", "offer", "games", "final"}))) is swapped


def test_what_differs_leaves_out_words_that_say_nothing() -> None:
    """A pronoun for names, an article for a possessive and words across a sentence's end are not what a passage states
    instead; a changed figure is."""
    claim = "Byrne and Moran own 29% of the club through Tarn Holdings, while Keane and his family hold 28.1%."
    passage = "They own 29% of the club through their Tarn Holdings vehicle. Mr Keane and his family hold a stake of 27.1%."
    assert [d.note for d in differences(claim, passage, frozenset())] == ["the article says “27.1%”, not “28.1%”"]
    assert differences("Mr Brown will deliver his ninth Budget.", "Gordon Brown will deliver his ninth Budget.", frozenset()) == [], \
        "a title is no name: not 'the article names “Gordon”, not “Mr”'"
    assert all(d.kind != "name" for d in differences("The bid for the London Stock Exchange failed.", "The bid for the LSE failed.", frozenset())), \
        "initials are no other name"
    assert [d.kind for d in differences("The bid for the London Stock Exchange failed.", "The bid for the NYSE failed.", frozenset())] == ["name"]
    assert [d.note for d in differences("Bolt won gold at the Beijing Olympics.", "Bolt won gold at the London Olympic Games.", frozenset())] \
        == ["the article names “London Olympic Games”, not “Beijing Olympics”"], "names set against each other by the words they do not share"


def test_paraphrase_is_supported(fake_engine: Engine) -> None:
    best = lookup(fake_engine, "The plant will supply 120,000 homes").matches[0]
    assert best.verdict == SUPPORTED and best.doc_id == "alpha" and "120,000 homes" in best.quote
    swapped = lookup(fake_engine, "Okafor previously ran offshore wind farms in Denmark for nine years").matches[0]
    assert swapped.verdict == SUPPORTED, "a swapped word makes a paraphrase, not a close quote"


def test_a_reordered_paraphrase_is_supported(fake_engine: Engine) -> None:
    assert lookup(fake_engine, "The tidal plant is expected to power 120,000 homes with its 40 turbines").matches[0].verdict == SUPPORTED


def test_claim_with_unstated_parts_is_partly_supported(fake_engine: Engine) -> None:
    best = lookup(fake_engine, "Seaforce named Jun Okafor as chief engineer and hired 200 welders").matches[0]
    assert best.verdict == PARTLY and best.doc_id == "gamma"
    assert "welders" in best.note and "200" in best.note


def test_text_from_no_article_is_not_found(fake_engine: Engine) -> None:
    result = lookup(fake_engine, "The stock market fell sharply on Friday after weak earnings reports")
    assert result.verdict == NOT_FOUND
    assert all(m.verdict == NOT_FOUND for m in result.matches)
    _check_offsets(fake_engine, result)


def test_matches_are_ranked_and_shaped(fake_engine: Engine) -> None:
    result = lookup(fake_engine, "Harbor City approved a €2 billion tidal power plant", k=3)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["query"] == "Harbor City approved a €2 billion tidal power plant"
    assert 1 <= len(data["matches"]) <= 3
    for m in data["matches"]:
        assert {"doc_id", "title", "start", "end", "quote", "score", "verdict", "note", "context"} <= set(m)
    tiers = [{EXACT: 0, CLOSE: 0, SUPPORTED: 1, CONTRADICTED: 1, PARTLY: 2, NOT_FOUND: 3}[m["verdict"]] for m in data["matches"]]
    assert tiers == sorted(tiers)
    _check_offsets(fake_engine, result)


def test_empty_and_overlong_input_are_refused(fake_engine: Engine) -> None:
    with pytest.raises(BadInputError):
        lookup(fake_engine, "   ")
    with pytest.raises(BadInputError):
        lookup(fake_engine, "word " * 1000)


def test_figures_are_read_with_units_and_bounds() -> None:
    def seen(text: str) -> list[tuple[str, str, float, str]]:
        return [(f.kind, f.unit, f.value, f.bound) for f in text_figures(text)]

    assert seen("about seven tenths of the market") == [("percent", "%", 70.0, "")]
    assert seen("shrink by more than 20% by 2040") == [("percent", "%", 20.0, "lower"), ("year", "", 2040.0, "")]
    assert seen("grow to 44 companies spanning automotive") == [("count", "compani", 44.0, "")]
    assert seen("up to ¥1 trillion ($6.2 billion)")[:2] == [("money", "yen", 1e12, "upper"), ("money", "usd", 6.2e9, "")]
    assert seen("after a 7-2 council vote") == []
    assert seen("cut by more than £4m to £25.98m")[1] == ("money", "gbp", 25.98e6, ""), "the bound words of the figure before are its own"
    counted = [(f.text, f.unit) for f in text_figures("Four people, three men and one woman, were arrested; about 30 were hurt.")]
    assert counted == [("Four people", "person"), ("three men", "man"), ("about 30", "")], "a count ends before a verb or function word"


def test_evaluate_scores_quote_and_claim_rows_with_lookup(fake_engine: Engine, tmp_path: Path) -> None:
    rows = [
        {"id": "q1", "question": "Mayor Elena Brant said constructon will begin in May 2025", "answers": [], "sources": ["alpha"], "kind": "quote"},
        {"id": "c1", "question": "The tidal plant is expected to power 120,000 homes with its 40 turbines", "answers": [], "sources": ["alpha"], "kind": "claim"},
        {"id": "c2", "question": "The plant will have 40 turbines and supply 150,000 homes", "answers": [], "sources": ["alpha"], "kind": "claim"},
        {"id": "x1", "question": "The plant will have 40 turbines and supply 150,000 homes", "answers": [], "sources": ["alpha"],
         "kind": "claim-contradicted"},
        {"id": "x2", "question": "The plant will have 40 turbines and supply 150,000 homes", "answers": [], "sources": ["beta"],
         "kind": "claim-contradicted"},
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    report = evaluate(fake_engine, path)
    assert [r.correct for r in report.rows] == [True, True, False, True, False], "contradicted counts only citing the article that says otherwise"
    assert report.metrics()["lookup_right"] == round(3 / 5, 3)
    assert all(r.offsets_exact for r in report.rows)


@pytest.mark.slow
def test_dev_quote_and_claim_rows(real_engine: Engine) -> None:
    rows = [json.loads(line) for line in SHARED_DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["kind"] in ("quote", "claim")]
    assert rows
    for row in rows:
        best = lookup(real_engine, row["question"]).matches[0]
        assert best.doc_id in row["sources"], row["id"]
        assert best.verdict not in (NOT_FOUND, CONTRADICTED), row["id"]


@pytest.mark.slow
def test_real_model_supports_a_reworded_figure(real_engine: Engine) -> None:
    paraphrase = lookup(real_engine, "Japan's robot makers control about seven tenths of the world robotics market").matches[0]
    assert paraphrase.verdict == SUPPORTED and paraphrase.doc_id == "002_d4358042b09386d2" and "70%" in paraphrase.quote


@pytest.mark.slow
def test_real_model_does_not_lend_a_claims_name_from_the_next_sentence(real_engine: Engine) -> None:
    """'China … leads the world in physical-AI patent filings. … Japan is caught between the two' does not support 'Japan leads…'."""
    best = lookup(real_engine, "Japan leads the world in physical-AI patent filings.").matches[0]
    assert best.verdict not in (EXACT, CLOSE, SUPPORTED) and "China" in best.quote and "Japan" in best.note


@pytest.mark.slow
def test_real_model_verdicts(real_engine: Engine) -> None:
    paraphrase = lookup(real_engine, "Japanese manufacturers hold roughly 70% of the global industrial robotics market").matches[0]
    assert paraphrase.verdict in (EXACT, CLOSE, SUPPORTED) and "70%" in paraphrase.quote
    changed = lookup(real_engine, "Japan committed up to ¥2 trillion to Noetra").matches[0]
    assert changed.verdict == CONTRADICTED and "1 trillion" in changed.note and "¥2 trillion" in changed.note
    subject = lookup(real_engine, "Hitachi plans to deploy 10 million AI-equipped robots across 18 industries by 2040.").matches[0]
    assert subject.verdict == CONTRADICTED and "Hitachi" in subject.note, "a claim put in another name's mouth is neither quoted nor supported"
    leader = lookup(real_engine, "Noetra is led by Toyota")
    assert leader.verdict == CONTRADICTED and leader.matches[0].note == "the article names “SoftBank”, not “Toyota”"
    year = lookup(real_engine, "Japan aims to have 10 million robots by 2050.")
    assert year.verdict == CONTRADICTED and year.matches[0].note == "the article says “2040”, not “2050”", "a year put for another"
    picked = lookup(real_engine, "Noetra picked Tokyo to build a sovereign physical-AI foundation model.")
    assert picked.verdict == CONTRADICTED and "the other way round" in picked.matches[0].note, "a name in a web address is still a name"
    split = lookup(real_engine, "The investor base will grow to 44 companies, 16 manufacturers and 28 non-manufacturers.")
    assert split.verdict == CONTRADICTED and "28 manufacturers" in split.matches[0].note, "non-manufacturers are counted apart"
    assert lookup(real_engine, "Tokyo selected Noetra on June 30").verdict == SUPPORTED, "a name the passage holds is no swap"
    denied = lookup(real_engine, "Tokyo cannot pull back if Noetra misses its milestones.")
    assert denied.verdict == CONTRADICTED and "cannot" in denied.matches[0].note, "the judge had called it a supported paraphrase"
    cap = lookup(real_engine, "Japan will give Noetra up to 2 trillion yen")
    assert cap.verdict == CONTRADICTED and "not “up to 2 trillion yen”" in cap.matches[0].note, "a cap is not stated by an amount under it"
    day = lookup(real_engine, "Noetra was picked on May 30")
    assert day.verdict == CONTRADICTED and day.matches[0].note == "the article says “June 30”, not “May 30”"
    assert lookup(real_engine, "The quick brown fox jumps over the lazy dog near the river bank").verdict == NOT_FOUND
    assert lookup(real_engine, "Noetra has 500 employees in Osaka").verdict == NOT_FOUND
    typo = lookup(real_engine, "brilliant press conferance, brutal data hoarding at the factory gate").matches[0]
    assert typo.verdict == CLOSE and typo.quote == "brilliant press conference, brutal data-hoarding at the factory gate"


def _qa(args: list[str], tmp_path: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the qa command on the fixture corpus with its own index folder."""
    qa = Path(sys.executable).with_name("qa")
    corpus = Path(__file__).parent / "fixtures" / "corpus"
    env = os.environ | {"HF_HUB_OFFLINE": "1"}
    return subprocess.run([str(qa), *args, "--corpus", str(corpus), "--index", str(tmp_path / "index")], input=stdin,
                          capture_output=True, text=True, timeout=600, env=env)


@pytest.mark.slow
def test_cli_lookup_json_and_jsonl(tmp_path: Path) -> None:
    done = _qa(["lookup", "--json", "Mayor Elena Brant said constructon will begin in May 2025"], tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["matches"][0]["verdict"] == CLOSE and data["matches"][0]["doc_id"] == "alpha"
    text = (Path(__file__).parent / "fixtures" / "corpus" / "alpha.txt").read_text(encoding="utf-8")
    assert text[data["matches"][0]["start"]:data["matches"][0]["end"]] == data["matches"][0]["quote"]
    stdin = "\n".join([MAYOR, "The plant will have 40 turbines and supply 150,000 homes", "", "The stock market fell sharply on Friday"]) + "\n"
    done = _qa(["lookup", "--jsonl"], tmp_path, stdin)
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.strip().splitlines()]
    assert len(out) == 4
    assert out[0]["matches"][0]["verdict"] == EXACT
    assert out[1]["matches"][0]["verdict"] == CONTRADICTED
    assert "error" in out[2]
    assert out[3]["verdict"] == NOT_FOUND
    empty = _qa(["lookup", "  "], tmp_path)
    assert empty.returncode == 2 and empty.stderr.startswith("error: ")


def test_a_contradiction_says_what_the_passage_states_instead(fake_engine: Engine) -> None:
    """The judge alone does not make a contradiction: the passage must put words of its own in place of some of the claim's."""
    index = fake_engine.index()
    sure = Verdict(supports=0.05, contradicts=0.9, unaddressed=0.05)
    claim = "The council approved the tidal plant in March."
    verdict, _, note = _compare(index, claim, "The council approved the tidal plant in March, after a long debate.", sure, frozenset())
    assert verdict != CONTRADICTED
    verdict, _, note = _compare(index, claim, "The council rejected the tidal plant in March.", sure, frozenset())
    assert verdict == CONTRADICTED and "rejected" in note


def test_words_said_another_way_are_no_contradiction(fake_engine: Engine) -> None:
    """However sure the judge, other words in the claim's place ('banned' for 'barred') or a capital for its country ('Moscow' for
    'Russian') contradict nothing; another month does."""
    index = fake_engine.index()
    sure = Verdict(supports=0.05, contradicts=0.9, unaddressed=0.05)
    reworded = _compare(index, "The council barred the engineer from the harbour site.", "The council banned the engineer from the harbour site.",
                        sure, frozenset())
    assert reworded[0] != CONTRADICTED
    assert _compare(index, "Russian jets struck the harbour on Monday.", "Moscow's jets struck the harbour on Monday.", sure, frozenset())[0] != CONTRADICTED
    verdict, _, note = _compare(index, "The council approved the tidal plant in March.", "The council approved the tidal plant in May.", sure, frozenset())
    assert verdict == CONTRADICTED and "“May”" in note and "“March”" in note
    bounded = _compare(index, "The council cut the tidal plant's budget by over £4m to just under £26m.",
                       "The council cut the tidal plant's budget by more than £4m to £25.98m.", sure, frozenset())
    assert bounded[0] != CONTRADICTED, "the figure model finds no figure stated otherwise: other words around one contradict nothing"


def test_a_passage_about_something_else_contradicts_nothing(fake_engine: Engine) -> None:
    """A passage that shares one word with a claim ('based' of 'Tokyo-based') is not about it, whatever names it gives; nor is a
    bare number ('37', an age) set against a count of something ('six years'), nor a date the claim also states against its other."""
    index = fake_engine.index()
    sure = Verdict(supports=0.05, contradicts=0.9, unaddressed=0.05)
    assert claim_share(index, "Noetra is based in Osaka.", "A Tokyo-based startup called Sakana launched a system in June.")[0] == 0.0
    assert _compare(index, "Noetra is based in Osaka.", "A Tokyo-based startup called Sakana launched a system in June.", sure,
                    frozenset())[0] == NOT_FOUND
    assert _compare(index, "Officer Roy Oliver had served with the police force for six years.",
                    "Officer Roy Oliver, 37, was fired by the police force.", sure, frozenset())[0] != CONTRADICTED
    verdict, _, note = _compare(index, "Officer Roy Oliver was 47 years old when the police force fired him.",
                                "Officer Roy Oliver, 37, was fired by the police force.", sure, frozenset())
    assert verdict == CONTRADICTED and "“37”" in note, "an age is set against an age"
    assert _compare(index, "Rockstar pushed the game's launch back from 27 January to 24 March.",
                    "Rockstar has delayed the game's launch until 24 March.", sure, frozenset())[0] != CONTRADICTED
    assert _compare(index, "Rockstar will launch the game on 27 January.", "Rockstar will launch the game on 24 March.", sure,
                    frozenset())[0] == CONTRADICTED


def test_a_figure_in_other_words_is_held_by_the_passage(fake_engine: Engine) -> None:
    share, missing = claim_share(fake_engine.index(), "The plant cost $5 billion to build.", "Building the plant cost $5bn.")
    assert missing == [] and share == 1.0
    assert claim_share(fake_engine.index(), "The plant cost $6 billion to build.", "Building the plant cost $5bn.")[1] == ["6", "billion"]


def test_a_figure_the_passage_never_states_is_not_supported(fake_engine: Engine) -> None:
    """However sure the judge, a passage that states none of the claim's figure (in any words) does not support the claim."""
    index = fake_engine.index()
    sure = Verdict(supports=0.9, contradicts=0.05, unaddressed=0.05)
    passage = "The tidal plant will be built in the bay; its budget is $5bn."
    assert _compare(index, "The tidal plant will create 2,000 jobs.", passage, sure, frozenset())[0] != SUPPORTED
    assert _compare(index, "The tidal plant's budget is $5 billion.", passage, sure, frozenset())[0] == SUPPORTED


def test_a_claim_whose_words_are_all_there_but_unconfirmed_is_partly_supported(fake_engine: Engine) -> None:
    unsure = Verdict(supports=0.3, contradicts=0.1, unaddressed=0.6)
    claim = "Moderna expects about $5 billion in contracted Spikevax sales for 2023."
    passage = "For 2023, Moderna expects Spikevax to have sales contracted for delivery of $5bn."
    verdict, _, note = _compare(fake_engine.index(), claim, passage, unsure, frozenset())
    assert verdict == PARTLY and note == "the passage has every word of the claim; whether it says the same is unclear"

"""Answers on the fixture corpus: direct figure first, exact citations, conflicts, abstention, bad questions."""

from __future__ import annotations

import re

import pytest

from qa.answer.asked import asks_when, items_asked
from qa.answer.compose import Found, Judgement, compose, widen, window
from qa.answer.conflicts import agree, differing_figure, same_story, stated_differently
from qa.answer.figures import Kind, candidate_spans, money_conversions, number_value, states_quantity, states_time, text_figures
from qa.errors import BadInputError
from qa.pipeline import Engine, asks_whether, is_statement, unmentioned
from qa.retrieve import named_outlets, rrf
from qa.types import Answer, Document


def check_contract(answer: Answer, engine: Engine) -> None:
    """Every marker has a citation, every citation is used, and every quote is exact."""
    docs = engine.index().docs
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {c.n for c in answer.citations}
    for c in answer.citations:
        assert docs[c.doc_id].text[c.start:c.end] == c.quote and c.title == docs[c.doc_id].title
    for conflict in answer.conflicts:
        assert len(conflict.claims) >= 2 and all(set(cl.citations) <= markers for cl in conflict.claims)


@pytest.mark.parametrize(
    ("question", "expected", "doc"),
    [
        ("Who was named chief engineer of Seaforce?", "Jun Okafor", "gamma"),
        ("How many turbines will the plant have?", "40 turbines", "alpha"),
        ("When will construction begin?", "May 2025", "alpha"),
        ("How many homes will the plant supply?", "120,000 homes", "alpha"),
    ],
)
def test_direct_answer_comes_first_and_is_cited(fake_engine: Engine, question: str, expected: str, doc: str) -> None:
    answer = fake_engine.ask(question)
    assert not answer.abstained and answer.answer.startswith(expected)
    assert answer.citations[0].doc_id == doc and expected in answer.citations[0].quote
    check_contract(answer, fake_engine)


def test_same_figure_in_two_articles_cites_both(fake_engine: Engine) -> None:
    answer = fake_engine.ask("How many turbines will be installed?")
    assert answer.answer.startswith("40 turbines [1][2]")
    assert {c.doc_id for c in answer.citations} == {"alpha", "beta"}


def _finding(engine: Engine, doc_id: str, phrase: str, p: float, sentence: str = "") -> Found:
    """What the reader would report for the sentence of an article holding a phrase (or the words `sentence`, the phrase then in
    its window): the phrase as the answer, with probability p."""
    index = engine.index()
    sid = next(i for i, s in enumerate(index.sentences) if s.doc_id == doc_id and (sentence or phrase) in s.text)
    w = window(index, sid)
    start = w.start + w.text.index(phrase)
    return Found(w, p, start, start + len(phrase), phrase)


def test_disagreeing_conversions_are_flagged_with_each_side_cited(fake_engine: Engine) -> None:
    found = [_finding(fake_engine, "alpha", "€2 billion ($2.2 billion)", 0.9), _finding(fake_engine, "beta", "€2 billion ($22 billion)", 0.8)]
    answer = compose(fake_engine.index(), "What is the plant's budget in dollars?", [("What is the plant's budget in dollars?", found)], Judgement(0.5, 0.65))
    check_contract(answer, fake_engine)
    assert len(answer.conflicts) == 1 and "The sources differ on “What is the plant's budget in dollars?”: " in answer.answer
    sides = {cl.text: {answer.citations[n - 1].doc_id for n in cl.citations} for cl in answer.conflicts[0].claims}
    assert sides == {"€2 billion ($2.2 billion)": {"alpha"}, "€2 billion ($22 billion)": {"beta"}}
    assert "The later report (March 4, 2025) gives €2 billion ($22 billion)" in answer.answer


def test_a_different_answer_from_a_passage_that_states_the_lead_is_no_conflict(fake_engine: Engine) -> None:
    found = [_finding(fake_engine, "gamma", "Seaforce", 0.9), _finding(fake_engine, "beta", "Harbor City", 0.8, "led by the utility Seaforce")]
    answer = compose(fake_engine.index(), "Who leads the tidal plant project?", [("Who leads the tidal plant project?", found)], Judgement(0.5, 0.65))
    assert not answer.conflicts, "the beta passage says the project is led by Seaforce: its other answer is a misreading"
    found = [_finding(fake_engine, "gamma", "Seaforce", 0.9), _finding(fake_engine, "alpha", "Tomas Reuter", 0.8)]
    answer = compose(fake_engine.index(), "Who leads the tidal plant project?", [("Who leads the tidal plant project?", found)], Judgement(0.5, 0.65))
    assert len(answer.conflicts) == 1, "a passage that does not state the lead can disagree with it"


def test_answers_from_articles_on_other_stories_are_no_conflict() -> None:
    """Two articles that share no name (weekdays, months and titles aside) tell different stories: a Budget's borrowing of £168
    billion and a club owner's £200m less borrowing are not two reports of one figure."""
    from types import SimpleNamespace

    docs = {"budget": "The chancellor said on Monday that Gordon Brown would borrow £168 billion, Mr Howard said in March.",
            "club": "On Monday the tycoon Malcolm Glazer cut his borrowing by £200m, Mr Gill said in March.",
            "vote": "Tory leader Michael Howard said Gordon Brown's Budget was a vote now, pay later Budget."}
    index = SimpleNamespace(docs={k: SimpleNamespace(text=v) for k, v in docs.items()})
    assert not same_story(index, "budget", "club") and same_story(index, "budget", "vote")


def test_an_article_that_does_not_name_the_question_s_subject_is_on_another_story() -> None:
    """Both are CNN's, but the parent of Germanwings is no answer to which company owns Terminix."""
    from types import SimpleNamespace

    class Corpus:
        docs = {"pests": SimpleNamespace(title="Boys ill after pesticide use", text="(CNN) ServiceMaster, the parent company of Terminix, "
                                         "said the company is looking into it."),
                "crash": SimpleNamespace(title="Crash site cleared", text="(CNN) Lufthansa, the parent company of Germanwings, said so."),
                "pests2": SimpleNamespace(title="Terminix under inquiry", text="(CNN) Officials said the company was fined.")}

    question = "Which company is the parent of Terminix?"
    assert same_story(Corpus(), "pests", "crash") and not same_story(Corpus(), "pests", "crash", question)
    assert same_story(Corpus(), "pests", "pests2", question), "a name the headline gives is named"


def test_a_weak_different_answer_is_no_conflict_but_a_weak_same_one_corroborates(fake_engine: Engine) -> None:
    weak_other = [_finding(fake_engine, "alpha", "€2 billion ($2.2 billion)", 0.9), _finding(fake_engine, "beta", "€2 billion ($22 billion)", 0.55)]
    answer = compose(fake_engine.index(), "q", [("q", weak_other)], Judgement(0.5, 0.65))
    assert not answer.conflicts and len(answer.citations) == 1
    same = [_finding(fake_engine, "alpha", "40 turbines", 0.9), _finding(fake_engine, "beta", "40 turbines", 0.55)]
    assert compose(fake_engine.index(), "q", [("q", same)], Judgement(0.5, 0.65)).answer.startswith("40 turbines [1][2].")


def test_a_passage_inside_one_already_quoted_is_not_quoted_again(fake_engine: Engine) -> None:
    """The second part's sentence is part of the first part's quote (its answer stood in the sentence before): one quote, one number."""
    turbines = _finding(fake_engine, "alpha", "40 turbines", 0.9, "Council member Tomas Reuter")
    homes = _finding(fake_engine, "alpha", "120,000 homes", 0.8)
    parts = [("How many turbines will the plant have?", [turbines]), ("how many homes?", [homes])]
    answer = compose(fake_engine.index(), "How many turbines will the plant have, and how many homes?", parts, Judgement(0.5, 0.65))
    check_contract(answer, fake_engine)
    assert answer.answer.startswith("40 turbines [1]. 120,000 homes [1]. “The plant will have 40 turbines")
    assert len(answer.citations) == 1 and answer.answer.count("“") == 1


def test_a_question_for_two_things_lists_two_answers_not_a_conflict(fake_engine: Engine) -> None:
    """'Who are the two…?' read as Elena Brandt in one article and Ilse Marten in another: both are the answer, each cited."""
    found = [_finding(fake_engine, "alpha", "Elena Brandt", 0.9), _finding(fake_engine, "beta", "Ilse Marten", 0.6)]
    question = "Who are the two people quoted on the tidal plant?"
    answer = compose(fake_engine.index(), question, [(question, found)], Judgement(0.5, 0.65))
    check_contract(answer, fake_engine)
    assert answer.short == "Elena Brandt; Ilse Marten" and not answer.conflicts and answer.answer.startswith("Elena Brandt [1]; Ilse Marten [2]. “")
    assert "“Mayor Elena Brandt said" in answer.answer and "“Fishermen's association head Ilse Marten said" in answer.answer
    single = "Who is quoted on the tidal plant?"
    assert compose(fake_engine.index(), single, [(single, found)], Judgement(0.5, 0.65)).short == "Elena Brandt"


@pytest.mark.parametrize(("question", "items"), [
    ("Who are the chief executives of the two exchanges competing to buy the LSE?", 2),
    ("Which three investment banks is Euronext working with?", 3),
    ("Which companies will lead AI development?", 1),
    ("How many of the two bids were rejected?", 1),
])
def test_how_many_answers_a_question_asks_for(question: str, items: int) -> None:
    assert items_asked(question) == items


def test_a_lead_opens_its_sentence_with_a_capital(fake_engine: Engine) -> None:
    found = [_finding(fake_engine, "alpha", "construction will begin in May 2025", 0.9)]
    answer = compose(fake_engine.index(), "What did the mayor say?", [("What did the mayor say?", found)], Judgement(0.5, 0.65))
    assert answer.answer.startswith("Construction will begin in May 2025 [1]. “Mayor Elena Brandt said construction will begin")


def test_unrelated_question_abstains_and_lists_nearest_passages(fake_engine: Engine) -> None:
    answer = fake_engine.ask("What is the capital of Australia?")
    assert answer.abstained and answer.answer.startswith("The sources don't mention “Australia”. The closest passages are")
    answer = fake_engine.ask("What is the capital of the region?")
    assert answer.abstained and answer.answer.startswith("The sources don't say. The closest passages are")
    check_contract(answer, fake_engine)


@pytest.mark.parametrize("question", ["Qui dirige le projet de la centrale ?", "Wer leitet das Projekt?", "¿Quién dirige el proyecto?"])
def test_an_unanswered_question_in_another_language_is_told_to_ask_in_english(fake_engine: Engine, question: str) -> None:
    answer = fake_engine.ask(question)
    assert answer.abstained and answer.answer.endswith("This question does not look like English: the articles are indexed in "
                                                       "English only, so ask in English.")


def test_an_english_question_gets_no_language_hint(fake_engine: Engine) -> None:
    assert "look like English" not in fake_engine.ask("What is the capital of Australia?").answer
    assert "look like English" not in fake_engine.ask("Le Pen's party, who leads it?").answer


def test_restricting_to_articles(fake_engine: Engine) -> None:
    answer = fake_engine.ask("How many turbines will the plant have?", doc_ids=["beta"])
    assert {c.doc_id for c in answer.citations} == {"beta"}


@pytest.mark.parametrize(("question", "message"), [("", "empty"), ("   \n ", "empty"), ("why " * 2500, "characters long")])
def test_bad_questions_are_refused(fake_engine: Engine, question: str, message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        fake_engine.ask(question)


@pytest.mark.parametrize(("text", "claim"), [
    ("Noetra is led by Toyota.", True), ("Tokyo can withdraw funding if Noetra misses its milestones.", True),
    ("Who selected Noetra.", False), ("Is Noetra led by Toyota.", False), ("Tell me who leads Noetra.", False),
    ("Please list the members of Noetra.", False), ("Noetra is led by Toyota", False), ("Noetra's budget.", False),
    ("Noetra is led by Toyota. Is it?", False), ("Is Noetra led by Toyota?", True), ("Didn't Tokyo pick Noetra?", True),
    ("Who leads Noetra?", False), ("Can you tell me who leads Noetra?", False), ("Is Noetra led by SoftBank or Toyota?", False),
    ("Are there robots?", False), ("Is Noetra led by Toyota, and how much does it get?", False),
])
def test_a_claim_is_told_from_a_question_that_asks_for_something(text: str, claim: bool) -> None:
    assert (is_statement(text) or asks_whether(text)) is claim


def test_figures_are_parsed_with_their_units_and_scales() -> None:
    sentence = "Tokyo committed up to ¥1 trillion ($6.2 billion), starting with ¥387.3 billion this fiscal year."
    assert [s.text for s in candidate_spans(sentence, Kind.MONEY)] == ["up to ¥1 trillion ($6.2 billion)", "¥387.3 billion"]
    assert money_conversions(sentence)[0][:2] == ("up to ¥1 trillion", "$6.2 billion")
    assert number_value("about 30 companies") == 30 and number_value("¥1 trillion") == 1e12 and number_value("nine-company") == 9
    assert number_value("£266m") == 266e6 and number_value("$9.3bn") == 9.3e9
    # Whose dollar it is, and an amount in words, are read: 'A$900,000' is not $900,000; 'three billion euros' is money.
    worth = "The opal is worth A$900,000 (US$680,000); the machine cost three billion euros."
    assert [(f.text, f.unit, f.value) for f in text_figures(worth)] == [
        ("A$900,000", "aud", 900e3), ("US$680,000", "usd", 680e3), ("three billion euros", "eur", 3e9)]
    assert agree("A$900,000", "$900,000") is None and agree("three million people", "3 million people")


@pytest.mark.parametrize(("text", "share"), [
    ("Investors hold a third of the shares.", "a third"), ("Profits were cut by a third.", "a third"), ("Roughly half the staff left.", "Roughly half"),
    ("The family submitted a third bid.", None), ("She won a third term in office.", None), ("Sales rose in the second half of the year.", None),
    ("The text was printed half an hour before the speech.", None), ("The hearing lasted an hour and a half.", None),
])
def test_a_fraction_is_a_share_only_where_it_is_one_of_something(text: str, share: str | None) -> None:
    assert [f.text for f in text_figures(text) if f.kind == "percent"] == ([share] if share else [])


@pytest.mark.parametrize(("text", "count"), [
    ("Mr Glazer has already had one takeover attempt turned down by the Red Devils.", "one takeover attempt"),
    ("Police said one man injured in the blast was released.", "one man"),
    ("The group has 44 companies spanning automotive and logistics.", "44 companies"),
    ("It owns one ring-fenced fund.", "one ring-fenced fund"),
    ("SoftBank agreed on 19 March 2025 to buy Ampere.", None),
    ("The vote was held on the 3rd of May.", None),
    ("Sales of the PlayStation 2 console have slowed.", None),
    ("Only 15 games will be on sale at launch.", "15 games"),
    ("She won the 100m silver in Sydney.", None),
    ("The statement is due at about 1230 GMT on Wednesday.", None),
    ("The market opens at 9am on Monday.", None),
    ("The company says it has 1.5m people on its books.", "1.5m people"),
])
def test_a_count_ends_with_its_noun_not_the_verb_after_it(text: str, count: str | None) -> None:
    assert [f.text for f in text_figures(text) if f.kind == "count"] == ([count] if count else []), "a day of a month is no count"


@pytest.mark.parametrize(("text", "span", "widened"), [
    ("The deal was worth $9.3bn in cash.", "9.3", "$9.3bn"),
    ("She retired at 85 years old.", "85", "85 years"),
    ("It rose 4.75% on Friday.", "4.75", "4.75%"),
    ("The board named Ruth Kelly, the minister.", "Ruth Kelly,", "Ruth Kelly"),
    ("A first model release is planned this fiscal year.", "fiscal year", "this fiscal year"),
    ("The tribunal ruled on 18 March after a delay.", "18", "18 March"),
    ("Ayanz received a patent in 1606 for fifty steam-powered inventions.", "1606", "1606"),
    ("The army of 1500 soldiers marched north.", "1500", "1500"),
    ("Some 1,500 soldiers marched north.", "1,500", "Some 1,500 soldiers"),
    ("Only the first two years are locked in.", "first two", "first two years"),
    ("The plant will have forty turbines.", "forty", "forty turbines"),
    ("A militant group called Jaish al Adal claimed the attack.", "Adal", "Jaish al Adal"),
    ("The raid that killed Osama bin Laden was in May.", "Laden", "Osama bin Laden"),
    ("The mayor of La Paz spoke.", "Paz", "Paz"),
    ("Coverage had shrunk to 340 sq km by 1985.", "340 sq", "340 sq km"),
    ("Some were paid less than £4 an hour.", "£4", "less than £4"),
    ("You now propose to borrow no less than £168 billion; so much for prudence.", "£168 billion", "no less than £168 billion"),
    ("At least $480m was lost.", "$480m", "At least $480m"),
    ("Nearly 3,000 people came to the rally.", "3,000 people", "Nearly 3,000 people"),
    ("The outage began at 8:45 p.m. Paris time (2:45 p.m. ET) on Wednesday.", "2:45 p.m. ET) on Wednesday", "2:45 p.m. ET"),
    ("It fell 4% (to £1.3bn) in 2004.", "4% (to £1.3bn)", "4% (to £1.3bn)"),
    ("Brady plays for the New England Patriots in Boston.", "New England", "New England Patriots"),
    ("She is an economist at Cardiff University, in Wales.", "Cardiff", "Cardiff University"),
    ("He came on in the 83rd minute.", "83rd", "83rd minute"),
    ("The city was sealed up in the 18th century.", "18th", "18th century"),
    ("She finished third in the race.", "third", "third"),
    ("EDF chief executive Vincent de Rivaz said so.", "Vincent", "Vincent de Rivaz"),
    ("Foreign Minister Riad al-Malki, speaking on Wednesday, said so.", "Riad", "Riad al-Malki"), ("The group Jaish al-Adal said so.", "Adal", "Jaish al-Adal"),
    ("He told Sydney Radio 2GB it was worse.", "Sydney Radio", "Sydney Radio 2GB"),
    ("Paris 2024 was a success.", "Paris", "Paris"),
    ("Sold to Cardiff in May.", "Cardiff", "Cardiff"),
    ("Ashleigh Barty Wins Wimbledon Women's Singles Title", "Ashleigh Barty", "Ashleigh Barty"),
    ("The match kicks off at 2:30 p.m. on Sunday.", "2:30 p.m", "2:30 p.m."),
    ("It was sold for $5m. Then it was resold.", "$5m.", "$5m"),
])
def test_answer_spans_widen_to_their_unit_and_scale(text: str, span: str, widened: str) -> None:
    start = text.index(span)
    s, e = widen(text, start, start + len(span))
    assert text[s:e] == widened


@pytest.mark.parametrize(("a", "b", "same"), [
    ("$9.3bn", "$9.4bn", False), ("about 30", "29", True), ("£1.3bn", "£1.35bn", False), ("Malcolm Glazer", "Glazer", True),
    ("Tampa, Florida", "Glendale, Arizona", False), ("2.8 million", "almost 4m", False), ("$150", "£132", None),
    ("eighth", "ninth", False), ("Hugh Dalton", "Oliver Letwin", False), ("Gregory Ioannidis", "criminal charges in Greece", None),
    ("domestic AI foundation", "sovereign physical-AI foundation", None),
    ("More than 2.8 million DS consoles", "almost 4m DS consoles", False), ("up to ¥1 trillion", "¥1 trillion", True),
    ("Jean-Francois Theodore", "Werner Seifert", False), ("half an hour", "30 minutes", True), ("a fortnight", "14 days", True),
    ("two weeks", "three weeks", False), ("an hour and a half", "a 90-minute delay", None), ("three-quarters of an hour", "45 minutes", True),
    ("2015", "December 2015", True), ("Nov. 12", "Thursday, November 12, 2020", True), ("May 2012", "March 25, 2014", False),
])
def test_answers_agree_within_rounding_and_differ_beyond_it(a: str, b: str, same: bool | None) -> None:
    assert agree(a, b) is same


@pytest.mark.parametrize(("claim", "passage", "differs"), [
    ("Japan gives up to ¥2 trillion.", "METI committed up to ¥1 trillion, with ¥387.3 billion this year.", ("up to ¥2 trillion", "up to ¥1 trillion")),
    ("Japan gives up to ¥2 trillion.", "The ¥1 trillion figure is a ceiling.", ("up to ¥2 trillion", "¥1 trillion")),
    ("Japan gives up to ¥1 trillion.", "The ¥1 trillion figure is a ceiling.", None),
    ("The first-year allocation is ¥487.3 billion.", "METI commits up to ¥1 trillion, with ¥387.3 billion for FY2026.",
     ("¥487.3 billion", "¥387.3 billion")),
    ("Japan committed ¥1 trillion.", "METI commits up to ¥1 trillion, with ¥387.3 billion for FY2026.", None),
    ("Japan committed ¥500 billion.", "METI commits up to ¥1 trillion over five years.", None),
    ("More than 40 companies joined.", "In all, 44 companies joined.", None),
    ("Noetra was picked on May 30.", "On June 30, Tokyo picked Noetra.", ("May 30", "June 30")),
    ("Noetra was picked on June 30.", "On 30 June 2026, Tokyo picked Noetra.", None),
    ("The threshold rose to £120,000 and homes get £200.", "The threshold rose to £120,000.", None),
    ("The threshold rose to £150,000 and homes get £200.", "The threshold rose to £120,000.", ("£150,000", "£120,000")),
    ("Standard Life owns a two per cent stake.", "Standard Life owns a 1% stake.", ("two per cent", "1%")),
    ("The plans leaked some 30 minutes before the speech.", "The plans were printed half an hour before the speech.", None),
    ("The plans leaked a fortnight before the vote.", "The plans were printed ten days before the vote.", ("a fortnight", "ten days")),
    # Two bare numbers are set against each other only where a word beside them is the same.
    ("The dealer must hit on 16.", "The dealer must hit on 17.", ("16", "17")),
    ("The dealer has to hit on 16.", "At most tables the dealer also hits on a soft 17.", None),
    ("Company of Heroes 2 has a campaign.", "Company of Heroes 2's campaign tackles Stalin's Order No. 227.", None),
])
def test_a_figure_or_day_a_passage_states_otherwise(claim: str, passage: str, differs: tuple[str, str] | None) -> None:
    found = differing_figure(claim, passage)
    assert (found[0].text, found[1].text) == differs if differs else found is None


def test_rrf_prefers_items_ranked_well_by_both() -> None:
    fused = rrf([[(1, 9.0), (2, 8.0), (3, 7.0)], [(3, 0.9), (1, 0.8), (4, 0.1)]], k=60)
    assert max(fused, key=fused.get) == 1 and fused[3] > fused[2] and set(fused) == {1, 2, 3, 4}


def test_a_weekday_or_month_is_not_a_name_to_set_against_a_date() -> None:
    """'Sunday' and '12 December' may be the same day; '12 December' and '16 December' are not."""
    assert agree("Sunday", "12 December") is None and agree("March", "December") is None
    assert agree("12 December", "16 December") is False


@pytest.mark.parametrize(("a", "b", "runs"), [
    ("Next month's Budget will be Mr Brown's eighth since Labour came to power in 1997.",
     "The Budget will be Mr Brown's ninth since Labour came to power in 1997.", ("eighth", "ninth")),
    ("Kenteris, 31, and Thanou, 30, who won silver in Sydney, face a two-year ban.",
     "Kenteris, 31, and Thanou, 29, who won silver in Sydney, face a two-year ban.", ("30", "29")),
    ("The console went on sale in Japan on Sunday.", "The console went on sale in Japan on 12 December.", None),
    ("Sony said it would ship 500,000 consoles by the end of the year.", "Nintendo has sold almost 4m DS consoles since launch.", None),
    ("The LSE rejected the £1.3bn offer in December.", "The LSE rejected the £1.3bn offer last month.", None),
    # Two things named differently are two facts, not one said two ways (bbc-dev's whole-corpus briefing had set them apart).
    ("Nintendo has said it will release the DS in Europe from 11 March.",
     "Rival Sony has said it will launch its first handheld console, the PSP, in the US and Europe before the end of March.", None),
])
def test_sentences_that_say_one_thing_two_ways(a: str, b: str, runs: tuple[str, str] | None) -> None:
    """Most words the same and one short run stating a different figure, name, ordinal or date, and no other run naming other
    things: the two runs; else nothing."""
    assert stated_differently(a, b) == runs


def test_an_answer_no_passage_is_sure_of_is_given_where_several_articles_give_it(fake_engine: Engine) -> None:
    """Below the threshold in every window, one article's answer is no answer; the same answer read in two articles is, with both
    cited, and it leads over a surer different answer that only one article gives."""
    index, q = fake_engine.index(), "How many turbines will the plant have?"
    judge = Judgement(0.5, 0.65, pooling=0.5)
    alone = [_finding(fake_engine, "alpha", "40 turbines", 0.4)]
    assert compose(index, q, [(q, alone)], judge).abstained
    both = [_finding(fake_engine, "gamma", "Seaforce", 0.45), *alone, _finding(fake_engine, "beta", "40 turbines", 0.4)]
    answer = compose(index, q, [(q, both)], judge)
    assert answer.answer.startswith("40 turbines [1][2].") and {c.doc_id for c in answer.citations} == {"alpha", "beta"}
    check_contract(answer, fake_engine)
    assert compose(index, q, [(q, both)], Judgement(0.5, 0.65, pooling=0.0)).abstained
    sure = [_finding(fake_engine, "gamma", "Seaforce", 0.7), *both[1:]]
    assert compose(index, q, [(q, sure)], judge).answer.startswith("Seaforce [1]."), "a passage sure enough stands on its own"


def test_a_question_that_names_an_outlet_is_answered_from_its_articles(fake_engine: Engine) -> None:
    """'According to Energy Wire' narrows the answer to that outlet's article (gamma, which counts no turbines); an outlet the
    corpus lacks narrows nothing."""
    docs = fake_engine.index().docs
    assert docs["gamma"].outlet == "Energy Wire"
    named = fake_engine.ask("According to Energy Wire, how many turbines will be installed?")
    assert named.abstained and {c.doc_id for c in named.citations} == {"gamma"}
    assert fake_engine.ask("According to Energy Wire, how many engineers will work on the tidal project?").answer.startswith("About 60 engineers [1]")
    other = fake_engine.ask("According to the Daily Planet, how many turbines will be installed?")
    assert other.answer.startswith("40 turbines [1][2]")
    assert named_outlets("Energy Wire: who is the chief engineer?", docs) is None, "not as the question's first words"
    assert named_outlets("Who did Energy Wire report as chief engineer?", docs) == ["gamma"]
    papers = {"g": Document("g", "x", "t", outlet="The Guardian"), "a": Document("a", "x", "t", outlet="The Age")}
    assert named_outlets("What did the Guardian report?", papers) == ["g"], "'the Guardian' names The Guardian"
    assert named_outlets("Which tools were used in the Stone Age?", papers) is None and named_outlets("Who are the Guardians?", papers) is None


def test_a_surname_alone_is_given_as_the_full_name_its_article_gives(fake_engine: Engine) -> None:
    """'Okafor' is answered 'Jun Okafor', the sentence that names him in full cited; a name no fuller one ends ('Seaforce') stays."""
    index, q = fake_engine.index(), "Who managed offshore wind farms in Denmark?"
    w = _finding(fake_engine, "gamma", "Okafor", 0.8, "previously managed").window
    found = [Found(w, 0.8, w.centre, w.centre + len("Okafor"), "Okafor")]
    answer = compose(index, q, [(q, found)], Judgement(0.5, 0.65))
    assert answer.answer.startswith("Jun Okafor [1][2]. “Okafor previously managed") and answer.short == "Jun Okafor"
    check_contract(answer, fake_engine)
    assert "named Jun Okafor" in answer.citations[1].quote
    q = "Who will build the plant?"
    assert compose(index, q, [(q, [_finding(fake_engine, "beta", "Seaforce", 0.8, "led by the utility")])], Judgement(0.5, 0.65)).short == "Seaforce"
    titled = Found(w, 0.8, w.centre, w.centre + len("Okafor"), "Mr Okafor")
    assert compose(index, q, [(q, [titled])], Judgement(0.5, 0.65)).short == "Jun Okafor", "'Mr Okafor' is Jun Okafor too"


def test_a_question_about_a_name_no_article_mentions_says_so(fake_engine: Engine) -> None:
    """'Tesla' appears in no article, title or outlet: the answer says the sources don't mention it, rather than giving another
    company's chief engineer; an acronym the articles may spell out ('CEO'), or a name with one word the corpus has ('Seaforce
    Energy'), is no such name."""
    answer = fake_engine.ask("Who is the chief engineer of Tesla?")
    assert answer.abstained and answer.answer.startswith("The sources don't mention “Tesla”. The closest passages are")
    check_contract(answer, fake_engine)
    assert unmentioned(fake_engine.index(), "Who won the Tour de France for Toyota Motor?") == ["Tour de France", "Toyota Motor"]
    assert unmentioned(fake_engine.index(), "Who is the CEO of Seaforce Energy?") == []
    assert unmentioned(fake_engine.index(), "Did Rep. Marten oppose the plant?") == [], "an abbreviation is no name; Marten is named"
    assert unmentioned(fake_engine.index(), "Where did Okafr work before, and did Sr engineers follow?") == [], "a misspelt name; 'Sr'"
    assert not fake_engine.ask("Who was named chief engineer of Seaforce?").abstained


def test_a_question_whether_a_claim_holds_is_checked_as_one_or_else_answered(fake_engine: Engine) -> None:
    """'Is the project led by the utility Northwind?' gets lookup's verdict with both names, not a span of the best sentence; one
    no passage addresses as a claim is read as any question is."""
    checked = fake_engine.ask("Is the project led by the utility Northwind?")
    assert checked.answer.startswith("Checked as a claim: an article says otherwise [1]") and "Seaforce" in checked.answer
    assert not fake_engine.ask("Is the tidal plant painted blue?").answer.startswith("Checked as a claim")


def test_a_choice_the_articles_never_name_is_no_reason_to_abstain(fake_engine: Engine) -> None:
    """'Is the project led by Seaforce or Zorblax?' asks which: Zorblax, named by no article, is one of the choices, not a name
    the question is about; a question about names no article gives is still refused."""
    index = fake_engine.index()
    assert unmentioned(index, "Is the project led by Seaforce or Zorblax?") == []
    assert unmentioned(index, "Is the project led by Zorblax or Vextrom?") == ["Zorblax", "Vextrom"]


def _hashed_engine(tmp_path, files: dict[str, str]) -> Engine:  # noqa: ANN001 - pytest's tmp_path
    """An engine over these files (name -> text) of a corpus in tmp_path, indexed with the hashing embedder."""
    from dataclasses import replace

    from qa.config import Settings
    from tests.fakes import HashEmbedder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in files.items():
        (corpus / name).write_text(text)
    engine = Engine(replace(Settings(), corpus_dir=corpus, index_dir=tmp_path / "index"), HashEmbedder())
    engine.build()
    return engine


def test_other_articles_give_their_window_stating_the_kind_asked(tmp_path) -> None:  # noqa: ANN001
    """Where an answer is found, each article not yet read gives the window that states an age for 'How old…?' (not its sentence
    most like the question), so that another report's age can stand against the lead's; a question naming no kind reads none."""

    from qa.answer.compose import candidates, other_articles

    engine = _hashed_engine(tmp_path, {
        "first.txt": "Sprinter ruling\n\nKaterina Thanou, 30, was suspended by the tribunal.\n",
        "second.txt": "Greek sprinters\n\nKaterina Thanou is a Greek sprinter who trains in Athens. In Sydney, Thanou, 29, won silver in the 100m.\n",
    })
    index = engine.index()
    question = "How old is Katerina Thanou?"
    vector = engine.embedder.encode([question])[0]
    hits = engine.search(question, k=16)
    read = [w for w in candidates(index, hits, question, vector, 12) if w.doc_id == "first"]
    others = other_articles(index, hits, question, vector, read, 4)
    assert [(w.doc_id, index.docs[w.doc_id].text[w.centre:w.end]) for w in others] == [("second", "In Sydney, Thanou, 29, won silver in the 100m.")]
    assert other_articles(index, hits, "Why was Katerina Thanou suspended?", vector, read, 4) == []


def test_an_article_that_never_names_whom_the_question_asks_about_cannot_answer(tmp_path) -> None:  # noqa: ANN001
    """'What percentage of Deutsche Boerse does Union Investment own?' is not answered by another fund's 2% in an article that
    never names Union Investment, where another article names both; names spread over articles, acronyms, weekdays and a
    possessive's 's do not count."""

    from qa.answer.compose import Found, read
    from qa.pipeline import naming_articles
    from qa.reader import Reading, Window

    index = _hashed_engine(tmp_path, {
        "atticus.txt": "Fund wants buyback\n\nAtticus Capital, holding 2% of Deutsche Boerse, wants a buyback.\n",
        "union.txt": "Shareholders split\n\nUnion Investment, a shareholder in Deutsche Boerse, said the price was too high.\n",
        "union.meta.json": '{"outlet": "Bourse Daily"}',
    }).index()
    question = "What percentage of Deutsche Boerse does Union Investment own?"
    assert naming_articles(index, question) == {"union"}
    assert naming_articles(index, "What did Union Investment's spokesman say on Monday about the LSE?") == {"union"}
    assert naming_articles(index, "Did Atticus Capital and Union Investment agree?") is None, "no one article names both"
    assert naming_articles(index, "What does the fund want?") is None
    assert naming_articles(index, "What did Deutsche Boerse say?") is None, "every article names it"
    assert naming_articles(index, "What did Union Investment say, as Bourse Daily reports?") is None, "a question across reports"

    class Sure:
        """A reader sure of every window."""

        def read(self, question: str, windows: list, within: list = ()) -> list[Reading]:  # noqa: ANN001
            return [Reading(0.9, 0, len(text)) for text, _ in windows]

    text = index.docs["atticus"].text
    start = text.index("Atticus")
    window = Window(0, "atticus", start, start, len(text.rstrip()), text[start:].rstrip())
    found = read(Sure(), question, [window], 0.65, naming=naming_articles(index, question))
    assert found == [Found(window, 0.0, window.centre, window.centre, "")]


def test_candidates_stating_no_kind_asked_give_way_to_further_chunks_that_do(tmp_path) -> None:  # noqa: ANN001
    """'By what date…?' where none of the best chunks' sentences gives a date reads the sentences of the wider search's further
    chunks of the same articles that do (only they can answer); where one does, the candidates are the best chunks' as they were."""

    from qa.answer.compose import candidates

    filler = " ".join(f"The tribunal heard witness number {n} in Athens about the missed drugs tests." for n in range(1, 9))
    engine = _hashed_engine(tmp_path, {
        "charges.txt": "Greek pair charged\n\nKenteris and Thanou must reply to the charges of the IAAF. "
                       f"{filler}\n\nThey have until midnight on 16 December to respond.\n",
        "other.txt": "Another story\n\nA marathon in Boston was held on 3 April.\n",
    })
    index = engine.index()
    question = "By what date did Kenteris and Thanou have to reply to the charges?"
    vector = engine.embedder.encode([question])[0]
    hits = engine.search(question, k=16)
    best = [h for h in hits if h.chunk.doc_id == "charges" and "16 December" not in h.chunk.text]
    further = [h for h in hits if h not in best]
    assert "16 December" not in " ".join(w.text for w in candidates(index, best, question, vector, 12))
    windows = candidates(index, best, question, vector, 12, further)
    assert index.docs[windows[0].doc_id].text[windows[0].centre:windows[0].end] == "They have until midnight on 16 December to respond."
    assert all(w.doc_id == "charges" for w in windows), "another article's dates are not read in their place"
    assert candidates(index, [*best, *further], question, vector, 12, further) == candidates(index, [*best, *further], question, vector, 12)


@pytest.mark.parametrize(("text", "states"), [
    ("12 people", True), ("twelve", True), ("Hundreds", True), ("a handful", True), ("Three or four", True), ("twice", True),
    ("Months", False), ("Large group", False), ("Number", False), ("Third", False), ("31-year-old", False), ("May 2 and 3", False),
    ("2 May", False), ("12 Marchers", True), ("More than 600 firefighters", True),
])
def test_how_many_is_answered_only_by_words_that_state_a_quantity(text: str, states: bool) -> None:
    """'How many airstrikes…?' read as 'Months' (of 'carried out airstrikes for months') is no answer; 'Hundreds' is; an age
    ('The 31-year-old also altered…' for how many pupils did) or a day is none."""
    assert states_quantity(text) is states


@pytest.mark.parametrize(("text", "states"), [
    ("Last month", True), ("Sunday morning", True), ("1990s", True), ("2:30 p.m.", True), ("After the election", True),
    ("mid-January", True), ("As soon as they enter into force", True), ("2-0", False), ("Council chamber", False), ("ex-Derby", False),
])
def test_when_is_answered_only_by_words_that_state_a_time(text: str, states: bool) -> None:
    """'When did Newcastle last win at Anfield?' read as '2-0' is no answer; 'Last month' is. A sentence that opens with 'When' asks
    when only with a verb after it."""
    assert states_time(text) is states
    assert asks_when("When did Newcastle last win?") and asks_when("Since when has ISIS held it?") and asks_when("When's the final?")
    assert not asks_when("When American car companies rolled out their cars, which policy ended?")

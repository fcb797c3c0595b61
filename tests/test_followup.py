"""Follow-up questions made standalone from the conversation: pure functions, no model."""

from __future__ import annotations

import pytest

from qa.followup import answer_name, is_followup, resolve, rewrite, topic

FUNDING = "How much state funding does Noetra get?"
TURBINES = "How many turbines will the plant have?"


def test_the_issue_example_merges_the_previous_subject_and_focus() -> None:
    """ "and how much of that comes this year?" is searched with what "that" meant."""
    assert rewrite("and how much of that comes this year?", FUNDING) == "How much of Noetra's state funding comes this year?"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("And this year?", "How much state funding does Noetra get this year?"),
        ("what about Sony?", "How much state funding does Sony get?"),
        ("and by 2030?", "How much state funding does Noetra get by 2030?"),
        ("What is its budget?", "What is Noetra's budget?"),
        ("Who leads it?", "Who leads Noetra?"),
        ("Is that confirmed?", "Is Noetra's state funding confirmed?"),
        ("How does that compare with Korea?", "How does Noetra's state funding compare with Korea?"),
    ],
)
def test_follow_ups_become_standalone(question: str, expected: str) -> None:
    """Pronouns, ellipsis and "what about" each take what they need from the previous question."""
    assert rewrite(question, FUNDING) == expected


@pytest.mark.parametrize(
    "question",
    ["What is the capital of France?", "Where is Sony based?", "How many robots does Japan want by 2040?", "How much of this year's budget goes to AI?",
     "How does that plan compare with Korea's?"],
)
def test_standalone_questions_are_left_alone(question: str) -> None:
    """A question with its own subject and no pointing word is searched as asked."""
    assert not is_followup(question, FUNDING)
    assert rewrite(question, FUNDING) == question


def test_nothing_to_lean_on_without_a_previous_question() -> None:
    """The first question of a conversation is never rewritten."""
    assert not is_followup("and how much of that comes this year?", None)
    assert rewrite("and how much of that comes this year?", None) == "and how much of that comes this year?"
    assert rewrite("  spaced   out  ", None) == "spaced out"


def test_it_points_at_the_grammatical_subject_when_nothing_is_named() -> None:
    """ "it" after "How many turbines will the plant have?" is the plant, not the turbines."""
    assert rewrite("and how many homes will it supply?", TURBINES) == "How many homes will the plant supply?"


def test_a_bare_question_word_keeps_the_topic_in_brackets() -> None:
    """ "and when?" cannot be merged grammatically, so the topic rides along for the search."""
    assert rewrite("and when?", FUNDING) == "When (Noetra's state funding)?"


def test_he_points_at_the_person_the_previous_answer_named() -> None:
    """After "Who is the chief engineer?" answered "Jun Okafor", "he" is Jun Okafor."""
    previous = "Who is the chief engineer of Seaforce?"
    answer = "Jun Okafor [1]. “Seaforce ... named Jun Okafor as chief engineer.” [1]"
    assert rewrite("and where did he work before?", previous, answer) == "Where did Jun Okafor work before?"
    assert rewrite("and where did he work before?", previous, "The sources don't say. The closest passages are [1][2].") == "Where did Seaforce work before?"


def test_answer_name_only_takes_a_short_name() -> None:
    """A figure, an abstention or a long lead is not a name."""
    assert answer_name("Who leads Noetra?", "Sony Group [1]. “...” [1]") == "Sony Group"
    assert answer_name("What is the budget?", "€2 billion ($2.2 billion) [1].") == ""
    assert answer_name("Who leads Noetra?", "The sources don't say.") == ""
    assert answer_name("How much?", "Sony Group [1].") == ""


def test_topic_parts() -> None:
    """The named subject, the focus and the grammatical subject of a question."""
    assert topic(FUNDING).subject == "Noetra" and topic(FUNDING).focus == "state funding"
    assert topic("How many robots does Japan want by 2040?").focus == "robots"
    assert topic("Why did the council approve the plan?").thing == "the council"
    assert topic("In which sectors will Japan's robots work?").subject == "Japan"


def test_resolve_chains_follow_ups_through_the_conversation() -> None:
    """Each follow-up leans on the standalone form of the one before, and on its answer."""
    questions = ["How many robots does Japan want by 2040?", "and by 2030?", "in which sectors will they work?", "what about Korea?"]
    assert resolve(questions) == [
        "How many robots does Japan want by 2040?",
        "How many robots does Japan want by 2030?",
        "In which sectors will Japan's robots work?",
        "In which sectors will Korea's robots work?",
    ]
    assert resolve(["Which company leads Noetra?", "how much does it invest?"], ["SoftBank [1]. “...” [1]"])[-1] == "How much does SoftBank invest?"

"""The shipped reader: pinned and offline, a clear error when missing or damaged, right on real sentences, and its answers end to end."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qa.config import REPO_ROOT
from qa.errors import ModelError
from qa.reader import READER_FILE, READER_SHA256, Reader, lines, sha256_of, shared_reader

SENTENCES = {
    "deal": ("Rivera Games said on Monday it had agreed to buy the Swedish studio Northlight. "
             "The company will pay $7.5bn in cash for the studio, its largest purchase since 2019."),
    "title": "The exchange's chief executive, Werner Seifert, said the offer was fair to shareholders.",
    "pronoun": ("Hans Reckers is a member of the Bundesbank's board. "
                "He said important trading segments should remain in Frankfurt for good."),
    "age": "Katerina Thanou, who won silver in Sydney, has denied any wrongdoing.",
}


def read(question: str, key: str) -> tuple[float, str]:
    """The reader's probability and answer for a question over one of the windows above (its last sentence read)."""
    text = SENTENCES[key]
    centre = text.rfind(". ") + 2 if ". " in text else 0
    found = shared_reader(str(READER_FILE)).read(question, [(text, centre)])[0]
    return found.p, text[found.start:found.end]


def test_shipped_reader_is_pinned_small_and_described_by_its_card() -> None:
    assert sha256_of(READER_FILE) == READER_SHA256
    card = json.loads(READER_FILE.with_suffix(".json").read_text())
    assert card["sha256"] == READER_SHA256 and card["bytes"] == READER_FILE.stat().st_size < 16_000_000
    assert {"squad2_dev_rest", "multihop_dev_half"} <= set(card["data"]) and all(len(d["sha256"]) == 64 for d in card["data"].values())
    assert card["held_out"]["all"]["auc"] > 0.8 and card["held_out"]["all"]["top1_answering_window"] > 0.9


def test_reader_loads_offline_in_a_fresh_process() -> None:
    code = "from qa.reader import shared_reader; print(shared_reader().read('Who?', [('Anna Holt spoke.', 0)])[0].p)"
    env = os.environ | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HOME": "/nonexistent"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert 0.0 <= float(done.stdout) <= 1.0


def test_missing_or_damaged_reader_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="missing; restore it"):
        Reader(tmp_path / "nothing.safetensors").load()
    damaged = tmp_path / "reader.safetensors"
    data = bytearray(READER_FILE.read_bytes())
    data[-1000:] = bytes(1000)
    damaged.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="damaged"):
        Reader(damaged).load()


def test_a_window_reads_the_same_whatever_it_is_read_with() -> None:
    windows = [(text, text.rfind(". ") + 2 if ". " in text else 0) for text in SENTENCES.values()]
    reader = shared_reader(str(READER_FILE))
    alone = [reader.read("Who said the offer was fair?", [w])[0] for w in windows]
    together = reader.read("Who said the offer was fair?", windows[::-1])[::-1]
    assert alone == together


@pytest.mark.parametrize(("question", "key", "answer"), [
    ("How much will Rivera Games pay for Northlight?", "deal", "$7.5bn"),
    ("Who is the exchange's chief executive?", "title", "Werner Seifert"),
    ("Which Bundesbank board member wants trading segments to stay in Frankfurt?", "pronoun", "Hans Reckers"),
])
def test_reader_finds_the_answer_span(question: str, key: str, answer: str) -> None:
    p, span = read(question, key)
    assert p > 0.5 and span == answer


def test_an_answer_never_runs_from_the_headline_into_the_sentence() -> None:
    text = "SoftBank Buys Chip Designer\nSoftBank Group agreed to buy Ampere Computing for $6.5bn, the company said."
    found = shared_reader(str(READER_FILE)).read("Who bought Ampere Computing?", [(text, text.index("\n") + 1)])[0]
    assert "\n" not in text[found.start:found.end] and "SoftBank" in text[found.start:found.end]



@pytest.mark.parametrize(("text", "read"), [
    ("(CNN)The mother of a man faces charges.", ["The mother of a man faces charges."]),
    ("LONDON (Reuters) - Shares fell.", ["Shares fell."]),
    ("WASHINGTON (AP) — The Senate voted.", ["The Senate voted."]),
    ("Mr Smith (Labour) said so.", ["Mr Smith (Labour) said so."]),
    ("NATO (North Atlantic Treaty Organization) said so.", ["NATO (North Atlantic Treaty Organization) said so."]),
    ("Crash site cleared\n(CNN)Investigators left.", ["Crash site cleared", "Investigators left."]),
])
def test_an_answer_is_never_the_agency_of_a_dateline(text: str, read: list[str]) -> None:
    """'(CNN)' opens a wire story; it answers no question put to it ('What charges does the mother face?' had been 'CNN')."""
    assert [text[a:b] for a, b in lines(text)] == read


LONG_SENTENCE = (
    "The company, which was founded in a garage in Leeds in 1987 by two brothers who had left school at sixteen, grew over three "
    "decades into one of the largest makers of kitchen appliances in northern Europe, with factories in Poland, Hungary, Portugal "
    "and Turkey, a workforce of more than 40,000 people, sales offices in 31 countries, a research centre in Eindhoven that employs "
    "900 engineers, a design studio in Milan, a logistics hub outside Rotterdam, a training school in Porto for apprentices, a "
    "recycling plant near Izmir that takes back old machines, a venture fund that has backed 60 start-ups in Berlin and Tallinn, "
    "a museum of household technology in its home city that draws 200,000 visitors a year, and a charitable foundation that pays "
    "for cookery lessons in 400 schools, and on Friday it agreed to be bought by the Swedish group Hemma for £2.4bn in cash.")


@pytest.mark.parametrize(("question", "answer"), [
    ("Who agreed to buy the kitchen appliance maker?", "Hemma"), ("How much will Hemma pay for the company?", "£2.4bn")])
def test_a_sentence_too_long_for_one_run_is_read_to_its_end(question: str, answer: str) -> None:
    found = shared_reader(str(READER_FILE)).read(question, [(LONG_SENTENCE, 0)])[0]
    assert answer in LONG_SENTENCE[found.start:found.end]


KNOWN_MISS = pytest.mark.xfail(strict=True, reason="known weakness: a year or buyer changed inside an otherwise matching sentence still scores over 0.5")


@pytest.mark.parametrize(("question", "key"), [
    pytest.param("How much will Rivera Games pay for Northlight in 2021?", "deal", marks=KNOWN_MISS),
    pytest.param("How much did Sony pay for Northlight?", "deal", marks=KNOWN_MISS),
    ("How old is Katerina Thanou?", "age"),
    ("What did Rivera Games sell Northlight for?", "pronoun"),
])
def test_reader_rejects_near_misses(question: str, key: str) -> None:
    p, _ = read(question, key)
    assert p < 0.5


# End to end through the qa command ------------------------------------------------------------------

ARTICLES = {
    "wire_a": ("Rivera Games agrees to buy Northlight\n\nJanuary 10, 2005\n\n"
               "Rivera Games will pay $9.3bn for the Swedish studio Northlight, the company said on Monday. "
               "Chief executive Anna Holt said the deal should close in March.\n"),
    "wire_b": ("Northlight sale confirmed\n\nJanuary 12, 2005\n\n"
               "Rivera Games will pay $9.4bn for Northlight, according to the final terms published on Wednesday. "
               "Northlight employs 1,200 people in Stockholm and Malmo.\n"),
    "wire_c": ("Harbour tunnel opens\n\nJanuary 11, 2005\n\n"
               "The new harbour tunnel opened to traffic on Tuesday after four years of work. "
               "The city council said about 30 companies had worked on the tunnel.\n"),
    "wire_d": ("Tribunal clears sprinter\n\nJanuary 13, 2005\n\n"
               "The head of the tribunal, Maria Lindqvist, said it had not been proven that Pavel Novak refused a test. "
               "\"The charge against Pavel Novak cannot be substantiated,\" she said. \"In no way was he told to appear for a test.\" "
               "The sum the federation spent on the case \"exceeds any possible benefit to the sport\", said Harwood Capital.\n"),
}


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small corpus of invented wire copy, indexed through the CLI."""
    root = tmp_path_factory.mktemp("news")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    done = qa("index", "--corpus", str(corpus), "--index", str(root / "index"))
    assert done.returncode == 0, done.stderr
    return corpus, root / "index"


def qa(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the qa command."""
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], capture_output=True, text=True, timeout=300, cwd=REPO_ROOT,
                          env=os.environ | {"HF_HUB_OFFLINE": "1"} | (env or {}))


def ask(news: tuple[Path, Path], question: str) -> dict:
    """The JSON answer of `qa ask`, its offsets checked against the article files."""
    corpus, index = news
    done = qa("ask", "--corpus", str(corpus), "--index", str(index), question, "--json")
    assert done.returncode == 0, done.stderr
    obj = json.loads(done.stdout)
    assert {int(n) for n in re.findall(r"\[(\d+)\]", obj["answer"])} == {c["n"] for c in obj["citations"]}
    for c in obj["citations"]:
        assert (corpus / f"{c['doc_id']}.txt").read_text(encoding="utf-8")[c["start"]:c["end"]] == c["quote"]
    return obj


@pytest.mark.slow
def test_cli_flags_a_disagreement_with_each_side_cited_and_the_later_report_named(news: tuple[Path, Path]) -> None:
    obj = ask(news, "How much is Rivera Games paying for Northlight?")
    assert not obj["abstained"] and len(obj["conflicts"]) == 1
    sides = {c["text"]: {obj["citations"][n - 1]["doc_id"] for n in c["citations"]} for c in obj["conflicts"][0]["claims"]}
    assert sides == {"$9.3bn": {"wire_a"}, "$9.4bn": {"wire_b"}}
    assert "later report (January 12, 2005)" in obj["answer"]


@pytest.mark.parametrize(("question", "second"), [
    ("Who bought Ampere, and for how much?", "for how much bought Ampere?"),
    ("Who founded Ampere, and when?", "when founded Ampere?"),
    ("Which studio is Rivera Games buying, and for how much?", "for how much Rivera Games buying?"),
    ("Where is Northlight based, and how many people does it employ?", "how many people does it employ?"),
    ("How much does Noetra get, how many robots are planned, and by when?", "how many robots are planned?"),
    ("How many games were on offer when the PSP launched in Japan, and how many for its US launch?",
     "How many games were on offer for the PSP's US launch?"),
    ("How much did Glazer offer for Manchester United in 2004, and how much in 2005?", "How much did Glazer offer for Manchester United in 2005?"),
])
def test_an_elliptic_second_part_is_read_with_the_first_parts_words_not_its_question_word(question: str, second: str) -> None:
    from qa.pipeline import question_parts, read_as

    first, part = question_parts(question)[:2]
    assert read_as(part, first, "") == second


def test_a_list_of_three_questions_is_read_as_three() -> None:
    from qa.pipeline import question_parts, read_as

    parts = question_parts("How much does Noetra get, how many robots are planned, and by when?")
    assert parts == ["How much does Noetra get?", "how many robots are planned?", "by when?"]
    assert read_as(parts[2], parts[1], "10 million") == "by when 10 million robots are planned?", "the part before it, with its answer"
    assert read_as(parts[2], parts[1], "") == "by when robots are planned?"
    assert question_parts("Who is Akazawa, who chose Noetra?") == ["Who is Akazawa, who chose Noetra?"], "a relative clause is no part"
    assert question_parts("How much will Noetra get, and over how many years?") == ["How much will Noetra get?", "over how many years?"]
    relative = question_parts("Who is the man on trial, as TechCrunch reports, who ran FTX, and who is accused of fraud?")
    assert relative == ["Who is the man on trial, as TechCrunch reports, who ran FTX?", "who is accused of fraud?"]


@pytest.mark.parametrize(("question", "answer", "second"), [
    ("Who bought Ampere, and for how much?", "SoftBank", "for how much SoftBank bought Ampere?"),
    ("Which studio is Rivera Games buying, and for how much?", "Northlight", "for how much Rivera Games buying Northlight?"),
    ("When was Ampere founded, and by whom?", "2017", "by whom Ampere founded?"),
    ("How many robots does Japan want, and by when?", "10 million", "by when Japan want 10 million robots?"),
])
def test_the_first_parts_answer_stands_where_its_question_word_stood(question: str, answer: str, second: str) -> None:
    from qa.pipeline import question_parts, read_as

    first, part = question_parts(question)
    assert read_as(part, first, answer) == second


@pytest.mark.slow
def test_an_elliptic_last_part_leans_on_the_nearest_part_that_stands_alone(real_engine) -> None:  # noqa: ANN001 - the conftest fixture
    """'…, how many robots are planned, and by when?' asks when the robots are planned, not when the funding comes."""
    answer = real_engine.ask("How much state funding does Noetra get, how many robots are planned, and by when?")
    assert "2040" in answer.short.split("; ")[-1], answer.short


@pytest.mark.slow
def test_cli_answers_each_part_of_a_two_part_question_or_says_which_is_missing(news: tuple[Path, Path]) -> None:
    obj = ask(news, "Which studio is Rivera Games buying, and for how much?")
    assert not obj["abstained"] and obj["answer"].startswith("Northlight [1]")
    assert "$9." in obj["short_answer"], "the second part read with the first part's answer in it"
    obj = ask(news, "Where is Northlight based, and how many people does it employ?")
    assert "1,200 people" in obj["short_answer"] and ("Stockholm" in obj["short_answer"] or "don't answer “Where is Northlight based?”" in obj["answer"])


@pytest.mark.slow
def test_cli_leads_with_the_name_and_no_false_conflict_from_rounding(news: tuple[Path, Path]) -> None:
    obj = ask(news, "Who is the chief executive of Rivera Games?")
    assert obj["answer"].startswith("Anna Holt [1]") and not obj["conflicts"]


@pytest.mark.slow
def test_cli_abstains_on_a_near_miss(news: tuple[Path, Path]) -> None:
    obj = ask(news, "How much did the harbour tunnel cost?")
    assert obj["abstained"] and obj["answer"].startswith("The sources don't say")


@pytest.mark.slow
def test_cli_who_said_takes_the_speaker_a_quotation_is_attributed_to(news: tuple[Path, Path]) -> None:
    """The words stand in a quotation whose 'she said' names nobody: the speaker is the name the sentence before attributes."""
    obj = ask(news, "Who said the charge against Pavel Novak cannot be substantiated?")
    assert obj["short_answer"] == "Maria Lindqvist" and obj["citations"][0]["doc_id"] == "wire_d", obj["answer"]
    obj = ask(news, "Who said the federation's spending on the case exceeds any possible benefit?")
    assert obj["short_answer"] == "Harwood Capital", obj["answer"]


@pytest.mark.slow
def test_cli_damaged_reader_is_exit_code_4_with_one_sentence(news: tuple[Path, Path], tmp_path: Path) -> None:
    damaged = tmp_path / "reader.safetensors"
    damaged.write_bytes(READER_FILE.read_bytes()[:1000])
    done = qa("ask", "--corpus", str(news[0]), "--index", str(news[1]), "Who?", env={"QA_READER": str(damaged)})
    assert done.returncode == 4 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "damaged" in done.stderr


@pytest.mark.slow
def test_training_smoke_run_is_reproducible_with_a_fixed_seed(tmp_path: Path) -> None:
    from qa.train import SHARED, train_reader

    if not (SHARED / "train").is_dir():
        pytest.skip("../shared/train is not beside the checkout")
    cards = [train_reader(SHARED, tmp_path / f"run{i}" / "reader.safetensors", seed=5, limit=48, threads=1, log=lambda _: None) for i in (1, 2)]
    assert cards[0]["sha256"] == cards[1]["sha256"] and cards[0]["settings"]["limit"] == 48
    assert Reader(tmp_path / "run1" / "reader.safetensors", sha256=cards[0]["sha256"]).load().read("Who spoke?", [("Anna Holt spoke.", 0)])


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="known regression: the reader gives '¥1 trillion in US dollars' p 0.39, so the answer abstains; "
                   "the rule engine flagged $6.2 billion against ~$61.6 billion here")
def test_default_corpus_conversion_disagreement_is_flagged(real_engine) -> None:  # noqa: ANN001 - the conftest fixture
    answer = real_engine.ask("How much is ¥1 trillion in US dollars?")
    assert len(answer.conflicts) == 1


@pytest.mark.slow
def test_default_corpus_minister_who_picked_the_leader_is_no_conflict(real_engine) -> None:  # noqa: ANN001 - the conftest fixture
    answer = real_engine.ask("Who leads Noetra?")
    assert answer.short == "SoftBank" and not answer.conflicts, "“Akazawa selected Noetra — a consortium led by SoftBank” does not disagree"

"""The benchmark tooling on tiny inline samples: loaders, corpus builders, answer checks, report writing (no timings)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from qa.bench import datasets as ds
from qa.bench import reader as reader_bench
from qa.bench.quality import MemoEmbedder, engines, run
from qa.bench.report import replace_section
from qa.corpus import load_corpus
from qa.index import _faiss_index
from qa.llm import Messages
from qa.reader import READER_FILE, shared_reader
from qa.types import Document
from tests.fakes import HashEmbedder

SQUAD = {"version": "v2.0", "data": [{"title": "Steam_engine", "paragraphs": [
    {"context": "James Watt improved the steam engine in 1776.", "qas": [
        {"id": "a", "question": "Who improved the steam engine?", "is_impossible": False,
         "answers": [{"text": "James Watt", "answer_start": 0}, {"text": "Watt", "answer_start": 6}]}]},
    {"context": "Newcomen built the first practical engine.", "qas": [
        {"id": "b", "question": "Who built the last engine?", "is_impossible": True, "answers": [],
         "plausible_answers": [{"text": "Newcomen", "answer_start": 0}]}]},
]}]}

MULTIHOP = [
    {"id": "0", "query": "Who runs the exchange covered by TechCrunch and The Verge?", "question_type": "inference_query", "answer": "Sam Bankman-Fried",
     "evidence_list": [
         {"fact": "Sam Bankman-Fried founded FTX.", "title": "FTX trial", "source": "TechCrunch", "published_at": "2023-10-01T10:00:00+00:00",
          "author": "A", "url": "u1"},
         {"fact": "The exchange collapsed in 2022.", "title": "Crypto fall", "source": "The Verge", "published_at": "2023-10-02T10:00:00+00:00",
          "author": "B", "url": "u2"}]},
    {"id": "1", "query": "Did both outlets report the trial?", "question_type": "comparison_query", "answer": "Yes",
     "evidence_list": [
         {"fact": "Sam Bankman-Fried founded FTX.", "title": "FTX trial", "source": "TechCrunch", "published_at": "2023-10-01T10:00:00+00:00"},
         {"fact": "The trial began in October.", "title": "FTX trial", "source": "TechCrunch", "published_at": "2023-10-01T10:00:00+00:00"}]},
    {"id": "2", "query": "Which network did she partner with?", "question_type": "null_query", "answer": "Insufficient information.",
     "evidence_list": []},
]


@pytest.mark.parametrize(("text", "normal"), [("The  Eiffel-Tower!", "eiffeltower"), ("an apple, a pear", "apple pear"), ("", "")])
def test_squad_normalisation(text: str, normal: str) -> None:
    assert ds.normalize_answer(text) == normal


def test_squad_exact_match_and_f1() -> None:
    assert ds.exact_match("the Normans", "Normans.") == 1.0
    assert ds.f1_score("10th and 11th centuries", "in the 10th century") == pytest.approx(2 / 7)  # P 1/3, R 1/4
    assert ds.f1_score("France", "Paris") == 0.0
    assert ds.squad_scores(["James Watt", "Watt"], "Watt") == (1.0, 1.0)
    assert ds.squad_scores([], "") == (1.0, 1.0) and ds.squad_scores([], "Newcomen") == (0.0, 0.0)


def test_squad_corpus_keeps_paragraph_and_answer_offsets(tmp_path: Path) -> None:
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(SQUAD))
    docs, questions = ds.load_squad(path)
    (doc,) = docs
    assert doc.title == "Steam engine" and doc.text == SQUAD["data"][0]["paragraphs"][0]["context"] + "\n\n" + SQUAD["data"][0]["paragraphs"][1]["context"]
    first, second = questions
    assert doc.text[slice(*first.paragraph)] == SQUAD["data"][0]["paragraphs"][0]["context"]
    assert [doc.text[s:e] for s, e in first.spans] == ["James Watt", "Watt"] and not first.impossible and first.split == "dev"
    assert doc.text[slice(*second.paragraph)].startswith("Newcomen") and second.impossible and second.answers == ()


def test_written_corpus_reads_back_verbatim_with_metadata(tmp_path: Path) -> None:
    docs = [Document("a", " leading space\n\nsecond paragraph\n", title="", outlet="Wire", date="2023-10-01"),
            Document("b", "Another article.", title="B title")]
    folder = ds.write_corpus(docs, tmp_path / "corpus")
    ds.write_corpus(docs[1:], folder)
    loaded, skipped = load_corpus(folder)
    assert not skipped and [d.doc_id for d in loaded] == ["b"]
    ds.write_corpus(docs, folder)
    loaded, _ = load_corpus(folder)
    by_id = {d.doc_id: d for d in loaded}
    assert by_id["a"].text == docs[0].text and by_id["a"].title == "" and by_id["a"].outlet == "Wire" and by_id["b"].title == "B title"


def test_rgb_conditions_and_answer_check(tmp_path: Path) -> None:
    row = {"id": 57, "query": "Who won?", "answer": [["Tampa", "Tampa Bay"], "Florida"], "fakeanswer": "Glendale",
           "positive": ["Held in Tampa, Florida."], "negative": ["Tickets on sale.", " "], "positive_wrong": ["Held in Glendale, Arizona."]}
    path = tmp_path / "rgb.json"
    path.write_text(json.dumps(row) + "\n")
    (item,) = ds.load_rgb(path)
    assert item.split == "test"
    assert [d.doc_id for d in ds.rgb_corpus(item, "noise")] == ["positive_00", "negative_00"]
    assert [d.doc_id for d in ds.rgb_corpus(item, "rejection")] == ["negative_00"]
    assert [d.text for d in ds.rgb_corpus(item, "counterfactual")] == ["Held in Tampa, Florida.", "Held in Glendale, Arizona."]
    assert ds.rgb_correct("It was in tampa bay, Florida [1].", item.answer)
    assert not ds.rgb_correct("It was in Tampa [1].", item.answer)
    assert ds.rgb_correct("Glendale [2]", item.fake) and not ds.rgb_correct("anything", [])


def test_multihop_corpus_groups_facts_by_article(tmp_path: Path) -> None:
    path = tmp_path / "multihop.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in MULTIHOP))
    docs, questions = ds.load_multihop(path)
    assert [(d.title, d.outlet, d.date) for d in docs] == [("FTX trial", "TechCrunch", "2023-10-01"), ("Crypto fall", "The Verge", "2023-10-02")]
    assert docs[0].text == "Sam Bankman-Fried founded FTX.\n\nThe trial began in October."
    inference, comparison, null = questions
    assert inference.gold_docs == (docs[0].doc_id, docs[1].doc_id) and inference.extractable
    assert comparison.gold_docs == (docs[0].doc_id,) and not comparison.extractable
    assert null.gold_docs == () and null.kind == "null_query" and all(q.split == "dev" for q in questions)


def test_engines_share_one_index_across_modes(tmp_path: Path) -> None:
    embedder = MemoEmbedder(HashEmbedder())
    docs = [Document("steam", "James Watt improved the steam engine in 1776.", title="Steam"),
            Document("rail", "The railway reached the coast in 1830.", title="Rail")]
    by_mode = engines(docs, tmp_path, embedder)
    assert sorted(by_mode) == ["dense", "hybrid", "lexical"]
    encoded = embedder.inner.encoded
    assert all(e.search("Who improved the steam engine?", 1)[0].chunk.doc_id == "steam" for e in by_mode.values())
    assert embedder.inner.encoded == encoded + 1


def test_replace_section_keeps_the_written_text(tmp_path: Path) -> None:
    report = tmp_path / "docs" / "quality.md"
    replace_section(report, "quality", "| a |\n|---|", title="# Quality")
    report.write_text(report.read_text() + "\nAnalysis written by hand.\n")
    replace_section(report, "quality", "| b |\n|---|", title="# Quality")
    text = report.read_text()
    assert text.startswith("# Quality") and "| b |" in text and "| a |" not in text and text.rstrip().endswith("Analysis written by hand.")


@pytest.mark.parametrize("approximate_from", [10_000, 1_000])
def test_product_faiss_index_against_exact_search(approximate_from: int) -> None:
    """Exact search is the oracle: the flat index matches it, the HNSW index above the size threshold finds nearly all of its top 10."""
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((200, 64), dtype=np.float32)
    vectors = centres[rng.integers(0, 200, 3_000)] + rng.normal(0, 0.05, (3_000, 64)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = _faiss_index(vectors, approximate_from)
    _, found = index.search(vectors[:50], 30)
    exact = np.argsort(-(vectors[:50] @ vectors.T), axis=1)[:, :10]
    recall = np.mean([len(set(f[:10]) & set(e)) / 10 for f, e in zip(found, exact)])
    assert type(index).__name__ == ("IndexFlatIP" if approximate_from > len(vectors) else "IndexHNSWFlat")
    assert recall == 1.0 if approximate_from > len(vectors) else recall >= 0.95


class Echo:
    """A model that restates the first sentence of passage [1], cited, then adds a figure no passage states."""

    name = "test/echo"

    def stream(self, messages: Messages, max_tokens: int = 300) -> Iterator[str]:
        first = re.search(r"\[1\] \(.*?\)\n(.+?\.)", messages[-1]["content"]).group(1)
        yield from (first.rstrip("."), " [1].", " It cost 99 dollars [1].")


def test_generative_bench_puts_the_checked_model_answer_beside_the_extractive_one(tmp_path: Path) -> None:
    ext = tmp_path / "ext"
    (ext / ds.MULTIHOP).parent.mkdir(parents=True)
    (ext / ds.MULTIHOP).write_text("".join(json.dumps(r) + "\n" for r in MULTIHOP))
    results = run(ext, tmp_path / "work", splits=("dev",), only=("multihop",), embedder=HashEmbedder(), generator=Echo())
    assert [s.name for s in results.systems] == ["hybrid", "hybrid + test/echo"]
    written = results.records[("MultiHop-RAG", "dev", "hybrid + test/echo")]
    extractive = results.records[("MultiHop-RAG", "dev", "hybrid")]
    assert len(written) == len(extractive) == 3
    for record in written:
        assert "99" not in record["answer"] and 0 < record["first_token"] <= record["seconds"] and not record["fallback"]
    inference = next(r for r in written if r["kind"] == "inference_query")
    assert inference["kept"] == 0.5 and "[1]" in inference["answer"] and not inference["abstained"]
    assert all(r["kept"] is None for r in extractive)
    table = results.table(("dev",))
    assert "| hybrid + test/echo dev |" in table
    kept = sum(r["kept"] for r in written) / 3
    assert f"| MultiHop-RAG | generated sentences kept by the grounding check (mean share per written answer) | 3 | - | {kept:.3f} |" in table


def _quiz(date: str, question: str, choices: list[str], answer: int, evidence: str) -> dict:
    """A RealTimeQA row as the quiz files hold it."""
    return {"question_date": date, "question_source": "CNN", "question_sentence": question, "choices": choices, "answer": [str(answer)],
            "evidence": evidence}


def test_reader_bench_reads_news_quizzes_and_ranks_trec_sentences(tmp_path: Path) -> None:
    quiz = tmp_path / "realtimeqa_questions"
    quiz.mkdir()
    rows = [_quiz("2023/11/24", "Who won the 2023 Booker Prize?", ["Paul Lynch", "Zadie Smith"], 0,
                  'Irish author <a href="https://x">Paul Lynch</a> won the 2023 Booker Prize for his novel Prophet Song.'),
            _quiz("2023/11/24", "Which city was flooded on Monday?", ["Tokyo", "Osaka"], 0, "Heavy rain flooded parts of Tokyo on Monday."),
            _quiz("2023/11/24", "Which team won?", ["Leeds", "York"], 1, "The evidence does not name the winner."),
            _quiz("2023/12/01", "Who resigned?", ["Ann", "Bo"], 0, "Ann resigned on Friday.")]
    (quiz / "backnumber__2023__20231124_qa.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    items = reader_bench.quizzes(tmp_path)
    # Only questions whose evidence states the answer, each against another question's evidence of the same quiz; tags are stripped.
    assert sorted(q.question for q in items) == ["Which city was flooded on Monday?", "Who won the 2023 Booker Prize?"]
    booker = next(q for q in items if "Booker" in q.question)
    assert booker.evidence.startswith("Irish author Paul Lynch won") and booker.other != booker.evidence
    figures = reader_bench.run_quizzes(shared_reader(str(READER_FILE)), items, 0.5)
    assert figures["questions"] == 2 and figures["abstained_rightly"] == 1.0 and figures["auc"] == 1.0
    assert figures["answered_right"] == figures["span_right"] == 1.0 and figures["f1"] == 1.0

    trec = tmp_path / "trecqa_wang"
    trec.mkdir()
    (trec / "data__anssel__wang__dev.csv").write_text(
        "qtext,label,atext\n"
        "Who founded Honda ?,1,\"Soichiro Honda founded the company in <num> .\"\n"
        "Who founded Honda ?,0,Honda makes cars and motorcycles .\n"
        "Who wrote Hamlet ?,1,Shakespeare wrote Hamlet .\n", encoding="utf-8")
    questions = reader_bench.trec_questions(tmp_path, "dev")
    # Only questions with both an answering and a non-answering sentence; the tokenised text is put back together.
    assert questions == [("Who founded Honda?", ["Soichiro Honda founded the company in <num>.", "Honda makes cars and motorcycles."], [True, False])]
    scores = reader_bench.run_trec(shared_reader(str(READER_FILE)), HashEmbedder(), questions)
    assert scores["reader"] == (1.0, 1.0)


def test_ranking_figures() -> None:
    # The answering sentences at ranks 1 and 3: AP = (1/1 + 2/3) / 2; at rank 2 alone: AP = RR = 1/2.
    map_, mrr = reader_bench.ranking([np.array([0.9, 0.5, 0.7]), np.array([0.1, 0.2])], [[True, True, False], [True, False]])
    assert map_ == pytest.approx(((1 + 2 / 3) / 2 + 0.5) / 2) and mrr == pytest.approx((1 + 0.5) / 2)


def test_news_questions_become_a_corpus_and_rows_that_point_at_their_articles(tmp_path: Path) -> None:
    """The held-out tenth of the news questions and claims is written as articles read from ../shared/train and `qa eval` rows: an
    answerable row's answer is the span of its own article the question was written for; a near miss is an unanswerable row; a
    claim is a lookup row of the kind its label says."""
    import importlib.util

    from qa.train import SHARED

    if not (SHARED / "train").is_dir():
        pytest.skip("../shared/train is not beside the checkout")
    spec = importlib.util.spec_from_file_location("news_eval", Path(__file__).parents[1] / "scripts" / "news_eval.py")
    news_eval = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(news_eval)
    every = [json.loads(line) for line in news_eval.materialise("held-out", tmp_path).read_text(encoding="utf-8").splitlines()]
    rows, claims = [r for r in every if r["id"].startswith("n")], [r for r in every if r["id"].startswith("c")]
    written = [json.loads(line) for line in news_eval.QUESTIONS.read_text(encoding="utf-8").splitlines()]
    assert 0 < len(rows) < len(written) / 5 and {r["written_as"] for r in rows} == {"answerable", "nearmiss", "unanswerable"}
    assert claims and {(r["written_as"], r["kind"]) for r in claims} == {("supports", "claim"), ("contradicts", "claim-contradicted"),
                                                                         ("not addressed", "notfound")}
    assert all((tmp_path / "corpus" / f"{r['sources'][0]}.txt").is_file() for r in claims)
    for r in rows:
        text = (tmp_path / "corpus" / f"{r['sources'][0]}.txt").read_text(encoding="utf-8")
        assert (r["kind"] == "factoid") == (r["written_as"] == "answerable") and r["question"].endswith("?")
        assert all(a in text for a in r["answers"]) and (r["answers"] or r["kind"] == "unanswerable")

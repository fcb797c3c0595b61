"""The whole path with the real model, through the qa command in a subprocess, bad inputs included."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qa.config import REPO_ROOT
from tests.conftest import SHARED

pytestmark = pytest.mark.slow
QA = [sys.executable, "-m", "qa.cli"]


def qa(*args: str, stdin: str | None = None, corpus: Path | None = None, index: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the qa command."""
    where = [*(["--corpus", str(corpus)] if corpus else []), *(["--index", str(index)] if index else [])]
    cmd = [*QA, *args[:1], *where, *args[1:]]
    env = os.environ | {"HF_HUB_OFFLINE": "1"}
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=600, cwd=REPO_ROOT, env=env)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the default corpus and its index, built through the CLI once."""
    root = tmp_path_factory.mktemp("cli")
    corpus = root / "corpus"
    shutil.copytree(REPO_ROOT / "corpus", corpus)
    index = root / "index"
    done = qa("index", corpus=corpus, index=index)
    assert done.returncode == 0, done.stderr
    assert sorted(re.findall(r"^added: (\S+)$", done.stdout, re.M)) == sorted(p.stem for p in corpus.glob("*.txt"))
    return corpus, index


@pytest.fixture
def copy(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the built corpus and index, for tests that change them."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(built[0], corpus)
    shutil.copytree(built[1], index)
    return corpus, index


def check_answer(obj: dict, corpus: Path) -> None:
    """The answer contract of DESIGN.md, offsets checked against the article files."""
    assert set(obj) >= {"question", "answer", "abstained", "citations", "conflicts"}
    assert {int(n) for n in re.findall(r"\[(\d+)\]", obj["answer"])} == {c["n"] for c in obj["citations"]}
    for c in obj["citations"]:
        text = (corpus / f"{c['doc_id']}.txt").read_text(encoding="utf-8")
        assert text[c["start"]:c["end"]] == c["quote"]


def test_ask_json_gives_the_figure_with_its_sentence(built: tuple[Path, Path]) -> None:
    done = qa("ask", "How much is allocated for the first fiscal year?", "--json", corpus=built[0], index=built[1])
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1
    obj = json.loads(done.stdout)
    check_answer(obj, built[0])
    assert re.match(r"(?:¥387\.3 billion|387\.3 billion yen) \[1\]", obj["answer"]) and not obj["abstained"]


def test_ask_text_lists_sources(built: tuple[Path, Path]) -> None:
    done = qa("ask", "Who is Japan's Industry Minister?", corpus=built[0], index=built[1])
    assert done.returncode == 0 and "Akazawa" in done.stdout and "Sources:" in done.stdout


def test_a_statement_typed_to_ask_is_checked_as_a_claim(built: tuple[Path, Path]) -> None:
    """A statement is not answered as if it asked something ('Noetra cannot lose its funding…' had been answered 'Tokyo'): the chat
    gives lookup's verdict on it with the passage quoted, or says the sources don't state it; so does a question whether it holds
    ('Is Noetra majority-owned by SoftBank?' had been answered 'Consortium'); a question asking for something is still answered."""
    said = [json.loads(qa("ask", text, "--json", corpus=built[0], index=built[1]).stdout)
            for text in ("Noetra is led by Toyota.", "The plan was approved by the Diet in March.", "Who selected Noetra.",
                         "Is Noetra led by Toyota?")]
    for obj in said:
        check_answer(obj, built[0])
    assert said[0]["answer"].startswith("Checked as a claim: an article says otherwise [1]") and "Toyota" in said[0]["answer"]
    assert said[0]["short_answer"] == "contradicted" and not said[0]["abstained"]
    assert said[1]["answer"].startswith("Checked as a claim: the sources don't say this.") and said[1]["abstained"]
    assert "Akazawa" in said[2]["answer"] and "Checked" not in said[2]["answer"]
    assert said[3]["answer"].startswith("Checked as a claim: an article says otherwise [1]") and "Toyota" in said[3]["answer"]


def test_jsonl_answers_each_line_in_one_process(built: tuple[Path, Path]) -> None:
    lines = ["Who won the 2026 World Cup?", "", "How much is allocated for the first fiscal year?", '{"question": "When did Noetra begin operations?"}']
    done = qa("ask", "--jsonl", stdin="\n".join(lines) + "\n", corpus=built[0], index=built[1])
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["abstained"] is True and "don't say" in out[0]["answer"]
    assert "empty" in out[1]["error"]
    assert "387.3 billion" in out[2]["short_answer"]
    assert "July 1" in out[3]["answer"]
    for obj in (out[0], out[2], out[3]):
        check_answer(obj, built[0])


@pytest.mark.skipif(not (SHARED / "eval" / "dev.jsonl").exists(), reason="shared/eval/dev.jsonl is not beside the repo")
def test_eval_on_dev_questions_meets_the_bar(built: tuple[Path, Path]) -> None:
    from qa.cli import RULE_LOOKUP

    # The rule-based lookup of an earlier commit runs beside the judge when the history holds it (a shallow clone may not).
    history = subprocess.run(["git", "cat-file", "-e", f"{RULE_LOOKUP}^{{commit}}"], cwd=REPO_ROOT, capture_output=True).returncode == 0
    done = qa("eval", str(SHARED / "eval" / "dev.jsonl"), "--json", *([] if history else ["--no-baseline"]), corpus=built[0], index=built[1])
    assert done.returncode == 0, done.stderr
    m = json.loads(done.stdout)
    assert m["lookup_right"] == 1.0
    assert not history or m[f"lookup_right_rules@{RULE_LOOKUP}"] is not None
    # The reader answers every answerable row; it abstains on 2 of the 3 unanswerable ones (below the 1.00 target; README, "What still fails").
    assert m["answerable_correct"] >= 0.9 and m["unanswerable_abstained"] >= 0.6 and m["false_abstention"] <= 0.05
    assert m["lead_answer_right"] >= 0.9
    assert m["gold_article_cited"] >= 0.9 and m["offsets_exact"] == 1.0


def test_index_reports_add_change_remove_and_no_change(copy: tuple[Path, Path]) -> None:
    corpus, index = copy
    same = qa("index", corpus=corpus, index=index)
    assert same.returncode == 0 and "up to date" in same.stdout and "nothing embedded" in same.stdout
    (corpus / "new_story.md").write_text("# Noetra hires robot trainers\n\nNoetra hired 250 robot trainers in Osaka on July 20, 2026.\n")
    (corpus / "004_11fc894b4c4c29f0.txt").unlink()
    done = qa("index", corpus=corpus, index=index)
    assert "added: new_story" in done.stdout and "removed: 004_11fc894b4c4c29f0" in done.stdout
    asked = qa("ask", "How many robot trainers did Noetra hire?", "--json", corpus=corpus, index=index)
    assert json.loads(asked.stdout)["answer"].startswith("250 robot trainers")


@pytest.mark.parametrize(("question", "message"), [("", "empty"), ("x" * 10_000, "10,000 characters")])
def test_bad_questions_exit_2_with_one_sentence(built: tuple[Path, Path], question: str, message: str) -> None:
    done = qa("ask", question, corpus=built[0], index=built[1])
    assert done.returncode == 2 and done.stderr.startswith("error: ") and message in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_missing_and_empty_corpus(tmp_path: Path) -> None:
    done = qa("index", corpus=tmp_path / "nope", index=tmp_path / "index")
    assert done.returncode == 2 and "does not exist" in done.stderr and "Traceback" not in done.stderr
    (tmp_path / "empty").mkdir()
    done = qa("index", corpus=tmp_path / "empty", index=tmp_path / "index")
    assert done.returncode == 2 and "no readable article" in done.stderr


def test_bad_files_are_skipped_and_the_rest_indexed(copy: tuple[Path, Path]) -> None:
    corpus, index = copy
    (corpus / "blank.txt").write_text("")
    (corpus / "image.txt").write_bytes(b"\x89PNG\x00\x00\x00" * 50)
    (corpus / "latin.txt").write_bytes("Noetra a ouvert un bureau à Kyōto".encode("utf-16"))
    done = qa("index", corpus=corpus, index=index)
    assert done.returncode == 0
    skipped = sorted(line for line in done.stderr.splitlines() if line.startswith("skipped:"))
    assert len(skipped) == 3, done.stderr
    assert "blank.txt has no text" in skipped[0] and "image.txt looks like a binary file" in skipped[1] and "latin.txt is not UTF-8" in skipped[2]
    asked = qa("ask", "When did Noetra begin operations?", "--json", corpus=corpus, index=index)
    assert "July 1" in json.loads(asked.stdout)["answer"]


def test_index_from_another_model_is_refused_with_the_fix(copy: tuple[Path, Path]) -> None:
    corpus, index = copy
    manifest = json.loads((index / "manifest.json").read_text())
    manifest["model"] = "sentence-transformers/all-mpnet-base-v2"
    (index / "manifest.json").write_text(json.dumps(manifest))
    done = qa("ask", "Who selected Noetra?", corpus=corpus, index=index)
    assert done.returncode == 3 and "all-mpnet-base-v2" in done.stderr and "qa index --rebuild" in done.stderr
    rebuilt = qa("index", "--rebuild", corpus=corpus, index=index)
    assert rebuilt.returncode == 0 and rebuilt.stdout.count("added:") == 5


def test_corrupted_index_is_refused_and_rebuild_fixes_it(copy: tuple[Path, Path]) -> None:
    corpus, index = copy
    target = next(index.glob("g*.chunks.jsonl"))
    target.write_text(target.read_text()[:-40])
    done = qa("ask", "Who selected Noetra?", corpus=corpus, index=index)
    assert done.returncode == 3 and "qa index --rebuild" in done.stderr and "Traceback" not in done.stderr
    assert qa("index", "--rebuild", corpus=corpus, index=index).returncode == 0
    assert qa("ask", "Who selected Noetra?", corpus=corpus, index=index).returncode == 0


def test_ask_builds_a_missing_index_first(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO_ROOT / "corpus", corpus)
    done = qa("ask", "Which country leads the world in physical-AI patent filings?", corpus=corpus, index=tmp_path / "index")
    assert done.returncode == 0 and "China" in done.stdout and "Building the index" in done.stderr


def test_a_date_is_given_as_fully_as_an_agreeing_article_states_it(tmp_path: Path) -> None:
    """One article says Harbor Robotics was founded in 2015, another in December 2015: the answer leads with 'December 2015' from
    the article that says so, both cited, and no disagreement."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "launch.txt").write_text("Harbor Robotics opens Osaka plant\n\nHarbor Robotics, the warehouse-robot maker, opened its first "
                                       "factory in Osaka on Monday. Harbor Robotics was founded in 2015. It now employs 400 people.\n")
    (corpus / "funding.txt").write_text("Robot start-up raises new funding\n\nHarbor Robotics, set up by three engineers in December 2015, said "
                                        "on Tuesday it had raised $80m from investors led by a Tokyo bank.\n")
    done = qa("ask", "When was Harbor Robotics founded?", "--json", corpus=corpus, index=tmp_path / "index")
    obj = json.loads(done.stdout)
    check_answer(obj, corpus)
    assert obj["answer"].startswith("December 2015 [1][2]. “Harbor Robotics, set up by three engineers in December 2015")
    assert [c["doc_id"] for c in obj["citations"]] == ["funding", "launch"] and not obj["conflicts"]


def test_output_closed_early_ends_quietly(built: tuple[Path, Path]) -> None:
    """`qa ask ... | head -2`: the reader stops reading, and no traceback follows."""
    cmd = [*QA, "ask", "--corpus", str(built[0]), "--index", str(built[1]), "Who is Japan's Industry Minister?"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT, env=os.environ | {"HF_HUB_OFFLINE": "1"})
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=600) == 141
    assert "Traceback" not in err and "BrokenPipeError" not in err and err == ""


def test_ask_without_a_question_is_bad_input(built: tuple[Path, Path]) -> None:
    done = qa("ask", corpus=built[0], index=built[1])
    assert done.returncode == 2 and done.stderr.startswith("error: Give a question")


def test_empty_lookup_is_refused_before_the_index_is_read(tmp_path: Path) -> None:
    """The input is checked first: no index is built or loaded for an empty quote."""
    for text in ("", "   "):
        done = qa("lookup", text, corpus=REPO_ROOT / "corpus", index=tmp_path / "index")
        assert done.returncode == 2 and done.stderr == "error: The quote or claim is empty; paste a sentence from an article, or a claim to check.\n"
    assert not (tmp_path / "index").exists()
    done = qa("lookup", corpus=REPO_ROOT / "corpus", index=tmp_path / "index")
    assert done.returncode == 2 and "quote or claim" in done.stderr and not (tmp_path / "index").exists()


def test_index_prints_progress_lines_when_stderr_is_not_a_terminal(copy: tuple[Path, Path]) -> None:
    """A build whose output goes to a file or pipe still tells the waiting person how far it is."""
    done = qa("index", "--rebuild", corpus=copy[0], index=copy[1])
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("embedding:")]
    assert lines and re.fullmatch(r"embedding: \d/5 articles, \d+/\d+ texts, \d+\.\d texts/s, (about \d+ s left|starting)", lines[0]), done.stderr
    assert re.search(r"^writing the index: 5/5 articles, (\d+)/\1 texts, \d+\.\d texts/s, done$", done.stderr, re.M), done.stderr


def test_damaged_manifest_is_repaired_by_the_command_the_error_names(copy: tuple[Path, Path]) -> None:
    corpus, index = copy
    (index / "manifest.json").write_text('{"format": 1, "model": "sentence-tr')
    done = qa("ask", "Who selected Noetra?", corpus=corpus, index=index)
    assert done.returncode == 3 and "damaged" in done.stderr and "qa index --rebuild" in done.stderr
    rebuilt = qa("index", "--rebuild", corpus=corpus, index=index)
    assert rebuilt.returncode == 0 and rebuilt.stdout.count("added:") == 5, rebuilt.stderr
    assert qa("ask", "Who selected Noetra?", corpus=corpus, index=index).returncode == 0


HOSTILE_ARTICLE = ("Harbor City tidal plant adds a visitor centre\n\nMarch 12, 2025\n\n"
                   "The tidal power plant will add a visitor centre costing €4 million <img src=x onerror=alert(1)> that opens in May 2026, "
                   "the council said on Wednesday.\n")


def test_brief_markdown_carries_no_live_html(tmp_path: Path) -> None:
    """An article's markup is shown as text in `qa brief --markdown`, never passed on as HTML a renderer would run."""
    from tests.conftest import FIXTURE_CORPUS

    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    (corpus / "hostile.txt").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    done = qa("brief", "tidal plant visitor centre", "--markdown", corpus=corpus, index=tmp_path / "index")
    assert done.returncode == 0, done.stderr
    assert "visitor centre costing €4 million &lt;img src=x onerror=alert(1)&gt; that opens" in done.stdout
    assert "<img" not in done.stdout and "<" not in done.stdout.replace("&lt;", "")


def test_a_syndicated_copy_is_not_counted_as_support(copy: tuple[Path, Path]) -> None:
    """The same article under another name, with a wire header and footer: cited once, its copy named beside it."""
    corpus, index = copy
    original = (corpus / "001_c6a43ca1d36bf8f2.txt").read_text(encoding="utf-8")
    (corpus / "zz_wire_copy.txt").write_text("TOKYO (Wire Service) -\n" + original + "\n(Reporting by the wire desk; editing by the night desk)\n",
                                             encoding="utf-8")
    (corpus / "zz_renamed.txt").write_text(original, encoding="utf-8")
    assert qa("index", corpus=corpus, index=index).returncode == 0
    done = qa("ask", "How much is allocated for the first fiscal year?", "--json", corpus=corpus, index=index)
    obj = json.loads(done.stdout)
    check_answer(obj, corpus)
    cited = {c["doc_id"] for c in obj["citations"]}
    assert "001_c6a43ca1d36bf8f2" in cited and not cited & {"zz_wire_copy", "zz_renamed"}, obj
    first = next(c for c in obj["citations"] if c["doc_id"] == "001_c6a43ca1d36bf8f2")
    assert first["also_in"] == ["zz_renamed", "zz_wire_copy"]
    text = qa("ask", "How much is allocated for the first fiscal year?", corpus=corpus, index=index).stdout
    assert re.search(r"^    also in: .*\(zz_renamed\); .*\(zz_wire_copy\)$", text, re.M), text


def test_a_question_in_another_script_is_told_which_language_the_index_understands(built: tuple[Path, Path]) -> None:
    done = qa("ask", "「ノエトラの予算はいくら？」", corpus=built[0], index=built[1])
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "error: This question is in Japanese, but these articles are indexed in English only; please ask in English.\n"
    lines = qa("ask", "--jsonl", stdin="Сколько денег получит Noetra?\nHow much state funding does Noetra get?\n", corpus=built[0], index=built[1])
    first, second = (json.loads(line) for line in lines.stdout.splitlines())
    assert first["error"].startswith("This question is in Cyrillic script") and "English" in first["error"] and not second["abstained"]


def test_ask_brief_and_lookup_keep_to_the_articles_asked_for(built: tuple[Path, Path]) -> None:
    """--doc reaches the answer, the briefing and the lookup: nothing from another article is cited."""
    doc = "002_d4358042b09386d2"
    brief = qa("brief", "state funding", "--json", "--doc", doc, corpus=built[0], index=built[1])
    assert brief.returncode == 0, brief.stderr
    obj = json.loads(brief.stdout)
    cited = {c["doc_id"] for part in ("points", "timeline", "quotes") for x in obj[part] for c in x["citations"]} | {
        c["doc_id"] for row in obj["figures"] for c in row["citations"]}
    assert cited == {doc}, cited
    found = qa("lookup", "Japan will fund Noetra with up to ¥1 trillion", "--json", "--doc", doc, corpus=built[0], index=built[1])
    matches = json.loads(found.stdout)["matches"]
    assert matches and {m["doc_id"] for m in matches} == {doc}
    asked = qa("ask", "How much state funding does Noetra get?", "--json", "--doc", doc, corpus=built[0], index=built[1])
    assert asked.returncode == 0, asked.stderr
    assert {c["doc_id"] for c in json.loads(asked.stdout)["citations"]} == {doc}, "the issue's case cited four articles"


@pytest.mark.parametrize("command", [("ask", "How much state funding does Noetra get?"), ("brief", "state funding"), ("lookup", "Noetra")])
def test_an_unknown_article_id_is_one_clear_error(built: tuple[Path, Path], command: tuple[str, str]) -> None:
    done = qa(*command, "--doc", "no_such_article", corpus=built[0], index=built[1])
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("error: Unknown article id(s): no_such_article; an article's id is its file name without the extension, "
                           "as its citations show it.\n")

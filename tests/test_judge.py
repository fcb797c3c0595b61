"""The shipped claim judge: pinned and offline, a clear error when missing or damaged, and right on real news sentences."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.answer.figures import as_claimed
from qa.config import REPO_ROOT
from qa.errors import ModelError
from qa.judge import JUDGE_FILE, JUDGE_SHA256, Judge, shared_judge
from qa.reader import sha256_of

# Sentences of the default corpus (../shared/seeds) and of the test fixtures, as the articles write them.
FUNDING = ("METI commits up to 1 trillion yen over five years to Noetra's physical AI foundation model, with 387.3 billion yen "
           "allocated for FY2026 and a first model release planned this fiscal year.")
LEADERS = ("On June 30, Industry Minister Ryosei Akazawa selected Noetra, a consortium led by SoftBank, Sony, NEC, and Honda, "
           "to build Japan's sovereign physical-AI foundation model.")
MARKET = "Japan's industrial manufacturers currently hold roughly 70% of the global industrial robotics market per METI data."
PLANT = "The plant will have 40 turbines and is expected to supply 120,000 homes."
VOTE = "Council member Tomas Reuter voted against the plan, citing the risk to local fisheries."


def verdict(claim: str, passage: str) -> str:
    """The judge's most probable label for a claim read against a passage."""
    return shared_judge().judge([(claim, passage)])[0].label


def test_shipped_judge_is_pinned_small_and_described_by_its_card() -> None:
    assert sha256_of(JUDGE_FILE) == JUDGE_SHA256
    card = json.loads(JUDGE_FILE.with_suffix(".json").read_text())
    assert card["sha256"] == JUDGE_SHA256 and card["bytes"] == JUDGE_FILE.stat().st_size < 16_000_000
    assert {"summedits", "xsumfaith", "wice", "liar_plus"} <= set(card["data"])
    assert all(len(sha) == 64 for d in card["data"].values() for sha in d["files"].values())
    assert not any("eval-only" in path for d in card["data"].values() for path in d["files"])
    assert card["held_out"]["all"]["balanced_accuracy"] > 0.75
    assert [part["twins"] for part in card["parts"].values()] == [False, True], "the judge averages a part without the twins and one with"
    assert "JUDGE_SHA256" in JUDGE_FILE.with_suffix(".md").read_text()


def test_judge_loads_offline_in_a_fresh_process() -> None:
    code = "from qa.judge import shared_judge; print(shared_judge().judge([('Anna spoke.', 'Anna Holt spoke on Monday.')])[0].supports)"
    env = os.environ | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HOME": "/nonexistent"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert 0.0 <= float(done.stdout) <= 1.0


def test_missing_or_damaged_judge_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="judge model .* is missing; restore it"):
        Judge(tmp_path / "nothing.safetensors").load()
    damaged = tmp_path / "judge.safetensors"
    data = bytearray(JUDGE_FILE.read_bytes())
    data[-1000:] = bytes(1000)
    damaged.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="damaged"):
        Judge(damaged).load()


@pytest.mark.parametrize(("claim", "passage"), [
    ("METI commits up to 2 trillion yen over five years to Noetra's physical AI foundation model.", FUNDING),
    ("METI commits up to 1 trillion yen over seven years to Noetra's physical AI foundation model.", FUNDING),
    ("Japan's industrial manufacturers currently hold roughly 40% of the global industrial robotics market.", MARKET),
    ("The plant will have 40 turbines and is expected to supply 150,000 homes.", PLANT),
    ("Council member Tomas Reuter voted for the plan, citing the risk to local fisheries.", VOTE),
    ("Industry Minister Ryosei Akazawa rejected Noetra, a consortium led by SoftBank, Sony, NEC, and Honda.", LEADERS),
])
def test_one_number_or_one_word_changed_is_contradicted(claim: str, passage: str) -> None:
    assert verdict(claim, passage) == "contradicts"


@pytest.mark.parametrize(("claim", "passage"), [
    ("METI will give Noetra as much as 1 trillion yen across five years.", FUNDING),
    ("387.3 billion yen is allocated for FY2026.", FUNDING),
    ("Japanese manufacturers have about 70% of the world's industrial robot market.", MARKET),
    ("The plant is expected to supply 120,000 homes.", PLANT),
    pytest.param("Tomas Reuter opposed the plan.", VOTE, marks=pytest.mark.xfail(strict=True, reason="known miss: a paraphrase with no word in common")),
    ("Akazawa picked Noetra to build the foundation model.", LEADERS),
])
def test_a_faithful_paraphrase_is_supported(claim: str, passage: str) -> None:
    assert verdict(claim, passage) == "supports"


@pytest.mark.parametrize(("claim", "passage"), [
    ("Noetra has 500 employees in Osaka.", FUNDING),
    ("The plant will be built by a Danish company.", PLANT),
])
def test_a_claim_the_passage_does_not_touch_is_not_addressed(claim: str, passage: str) -> None:
    assert verdict(claim, passage) == "not addressed"


def test_the_passage_is_read_with_the_claims_figures_where_they_state_the_same_amount() -> None:
    claim = "The Budget appeared in a London paper some 30 minutes before the speech."
    assert as_claimed(claim, "It was printed half an hour before he spoke.") == "It was printed some 30 minutes before he spoke."
    assert as_claimed(claim, "It was printed 40 minutes before he spoke.") == "It was printed 40 minutes before he spoke."
    assert as_claimed("It costs $5 billion.", "It costs about $5bn.") == "It costs about $5bn.", "a loose amount is no exact one"
    assert as_claimed("It costs up to $5 billion.", "It costs $5bn.") == "It costs $5bn.", "an amount is no cap"


def test_verdicts_do_not_depend_on_the_batch() -> None:
    pairs = [("The plant will supply 150,000 homes.", PLANT), ("Tomas Reuter opposed the plan.", VOTE), ("Noetra is in Osaka.", FUNDING)]
    alone = [shared_judge().judge([p])[0] for p in pairs]
    together = shared_judge().judge(pairs)
    assert all(abs(a.supports - b.supports) < 1e-4 and a.label == b.label for a, b in zip(alone, together))


def test_written_claims_are_read_against_the_sentences_of_their_evidence() -> None:
    """Each claim of eval/news_claims.jsonl becomes one training pair whose passage is the whole sentences of its own article that
    its evidence spans; a tenth of the articles is held out."""
    from qa.train import SHARED, _held_out
    from qa.train_judge import WRITTEN_CLAIMS, news_articles, sources, written_pairs

    if not (SHARED / "train").is_dir():
        pytest.skip("../shared/train is not beside the checkout")
    rows = [json.loads(line) for line in WRITTEN_CLAIMS.read_text(encoding="utf-8").splitlines()]
    texts = dict(news_articles(sources(SHARED)))
    pairs = list(written_pairs(sources(SHARED)))
    assert len(pairs) == len(rows) and {p.label for p in pairs} == {0, 1, 2}
    assert 0 < sum(_held_out(p.group) for p in pairs) < len(pairs) / 5
    for row, pair in zip(rows, pairs):
        start, end = row["evidence"]
        at = texts[row["group"]].find(pair.passage)
        assert pair.claim == row["claim"] and at >= 0 and at < end and at + len(pair.passage) > start


@pytest.mark.slow
def test_training_smoke_run_is_reproducible_with_a_fixed_seed(tmp_path: Path) -> None:
    from qa.train import SHARED
    from qa.train_judge import train_judge

    if not (SHARED / "train").is_dir():
        pytest.skip("../shared/train is not beside the checkout")
    cards = [train_judge(SHARED, tmp_path / f"run{i}" / "judge.safetensors", seed=5, limit=48, threads=1, log=lambda _: None) for i in (1, 2)]
    assert cards[0]["sha256"] == cards[1]["sha256"] and cards[0]["settings"]["limit"] == 48
    assert Judge(tmp_path / "run1" / "judge.safetensors", sha256=cards[0]["sha256"]).judge([("Anna spoke.", "Anna Holt spoke.")])

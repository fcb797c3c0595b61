"""Generative answers: every generated sentence checked against its citation; fallbacks."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from qa.llm import LLMError, Messages
from qa.pipeline import Engine


class Scripted:
    """A generator that replies with a fixed text, streamed word by word, and records its prompt."""

    name = "test/scripted"

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.messages: Messages = []

    def stream(self, messages: Messages, max_tokens: int = 300) -> Iterator[str]:
        self.messages = messages
        yield from re.split(r"(\s+)", self.reply)


class Broken:
    """A generator whose endpoint is down."""

    name = "test/broken"

    def stream(self, messages: Messages, max_tokens: int = 300) -> Iterator[str]:
        raise LLMError("The model endpoint http://127.0.0.1:9 did not answer (connection refused).")
        yield ""


def _passage_number(generator: Scripted, needle: str) -> int:
    """The number the prompt gave to the passage containing a text."""
    user = generator.messages[-1]["content"]
    for block in user.split("\n\n["):
        if needle in block:
            return int(re.match(r"\[?(\d+)\]", block).group(1))
    raise AssertionError(f"{needle!r} not in the prompt")


def test_supported_sentence_is_kept_with_an_exact_citation(fake_engine: Engine) -> None:
    probe = Scripted("x")
    fake_engine.ask("Who was named chief engineer of Seaforce?", generator=probe)
    n = _passage_number(probe, "Jun Okafor")
    tokens: list[str] = []
    reply = Scripted(f"Seaforce named Jun Okafor as chief engineer on March 10, 2025 [{n}].")
    answer = fake_engine.ask("Who was named chief engineer of Seaforce?", generator=reply, on_token=tokens.append)
    assert "".join(tokens) == reply.reply
    assert not answer.abstained and answer.answer.startswith("Seaforce named Jun Okafor") and answer.answer.endswith("[1].")
    c = answer.citations[0]
    assert c.doc_id == "gamma" and fake_engine.index().docs["gamma"].text[c.start:c.end] == c.quote and "Jun Okafor" in c.quote


def test_unsupported_figure_and_dangling_marker_are_removed(fake_engine: Engine) -> None:
    probe = Scripted("x")
    fake_engine.ask("How many turbines will the plant have?", generator=probe)
    n = _passage_number(probe, "40 turbines")
    reply = Scripted(f"The plant will have 40 turbines [{n}]. The plant will have 55 turbines [{n}]. It will be painted blue [9].")
    answer = fake_engine.ask("How many turbines will the plant have?", generator=reply)
    assert "40 turbines [1]." in answer.answer and "55" not in answer.answer and "blue" not in answer.answer
    assert answer.removed == 2 and answer.to_dict()["removed_sentences"] == 2
    assert answer.evidence["dropped"] == 2 and len(answer.citations) == 1


def test_nothing_supported_or_a_refusal_abstains(fake_engine: Engine) -> None:
    answer = fake_engine.ask("What is the capital of Australia?", generator=Scripted("The capital of Australia is Canberra [1]."))
    assert answer.abstained and answer.answer.startswith("The sources don't say")
    assert fake_engine.ask("What is the capital of Australia?", generator=Scripted("NOT IN SOURCES")).abstained


def test_a_failing_model_falls_back_to_the_extractive_answer(fake_engine: Engine) -> None:
    answer = fake_engine.ask("How many turbines will the plant have?", generator=Broken())
    assert answer.answer.startswith("40 turbines") and "did not answer" in answer.note and answer.to_dict()["note"]


def test_unknown_local_model_is_a_clear_error() -> None:
    from qa.llm import LocalLlama

    with pytest.raises(LLMError, match="Unknown local model"):
        LocalLlama("gpt-17")


def test_swapped_name_and_unasked_for_term_are_removed(fake_engine: Engine) -> None:
    probe = Scripted("x")
    fake_engine.ask("Who was named chief engineer of Seaforce?", generator=probe)
    n = _passage_number(probe, "Jun Okafor")
    swapped = fake_engine.ask("Who was named chief engineer of Seaforce?",
                              generator=Scripted(f"Tomas Reuter was named chief engineer of Seaforce [{n}]."))
    assert swapped.abstained and swapped.evidence["dropped"] == 1
    fake_engine.ask("What is the price of the tidal plant?", generator=probe)
    n = _passage_number(probe, "€2 billion")
    priced = fake_engine.ask("What is the price of the tidal plant?", generator=Scripted(f"The price of the tidal plant is €2 billion [{n}]."))
    assert priced.abstained

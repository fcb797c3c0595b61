"""Inference on onnxruntime: the int8 layers read like float ones, the cached graphs heal and are pruned, and answering never imports torch."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa.bert import cache_dir
from qa.config import REPO_ROOT
from qa.reader import READER_FILE, Reader
from tests.test_reader import SENTENCES

QUESTIONS = [("How much will Rivera Games pay for Northlight?", "deal"), ("Who is the exchange's chief executive?", "title"),
             ("Which Bundesbank board member wants trading segments to stay in Frankfurt?", "pronoun"), ("How old is Katerina Thanou?", "age")]


def readings(reader: Reader) -> list:
    """The reader's readings of the test sentences, each read as a window centred on its last sentence."""
    windows = {key: (text, text.rfind(". ") + 2 if ". " in text else 0) for key, text in SENTENCES.items()}
    return [reader.read(question, [windows[key]])[0] for question, key in QUESTIONS]


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own."""
    monkeypatch.setenv("QA_CACHE", str(tmp_path / "cache"))
    return cache_dir()


def test_int8_layers_read_like_float_ones(own_cache: Path) -> None:
    shipped = readings(Reader().load())
    widened = Reader()
    widened.float_weights = ("weight",)
    float32 = readings(widened.load())
    assert [(r.start, r.end) for r in shipped] == [(r.start, r.end) for r in float32]
    assert all(abs(a.p - b.p) < 0.05 for a, b in zip(shipped, float32))
    assert len(list(own_cache.glob("reader-*.onnx"))) == 2


def test_a_damaged_cached_graph_is_rebuilt(own_cache: Path) -> None:
    first = readings(Reader().load())
    [graph] = own_cache.glob("reader-*.onnx")
    graph.write_bytes(b"not a graph")
    assert readings(Reader().load()) == first
    assert graph.stat().st_size > 1_000_000


def test_building_a_graph_removes_stale_ones_and_keeps_those_in_use(own_cache: Path) -> None:
    """A graph of an older version, or one not opened for a month, goes when another is built; one just opened stays."""
    readings(Reader().load())
    [graph] = own_cache.glob("reader-*.onnx")
    month_ago = time.time() - 40 * 86400
    os.utime(graph, (month_ago, month_ago))
    readings(Reader().load())
    assert graph.stat().st_mtime > month_ago
    old_version, unused = own_cache / "reader-0123-abcd-v0.onnx", own_cache / "judge-4567-abcd-v1.onnx"
    for stale in (old_version, unused):
        stale.write_bytes(b"graph")
    os.utime(unused, (month_ago, month_ago))
    widened = Reader()
    widened.float_weights = ("weight",)
    readings(widened.load())
    assert not old_version.exists() and not unused.exists()
    assert graph.exists() and len(list(own_cache.glob("reader-*.onnx"))) == 2


def test_an_unwritable_cache_still_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("QA_CACHE", str(blocked))
    assert readings(Reader(READER_FILE).load())[0].p > 0.5


@pytest.mark.slow
def test_answering_imports_no_torch(real_engine) -> None:  # noqa: ANN001 - the session's real engine, for its built index
    settings = real_engine.settings
    cmd = [sys.executable, "-X", "importtime", "-m", "qa.cli", "ask", "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir),
           "Who leads Noetra?"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO_ROOT, env=os.environ | {"HF_HUB_OFFLINE": "1"}, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "onnxruntime" in imported and "[1]" in done.stdout
    assert not {"torch", "transformers", "sentence_transformers", "langchain_text_splitters"} & imported

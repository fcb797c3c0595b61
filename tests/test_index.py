"""The index on disk: incremental updates, refusals, damage, and a crash half way through a build."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa.config import Settings
from qa.errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from qa.index import build_index, load_index, read_manifest
from qa.pipeline import Engine
from tests.fakes import HashEmbedder


def _load(settings: Settings, embedder: HashEmbedder):  # noqa: ANN202
    return load_index(settings.index_dir, settings, embedder.name)


def test_build_writes_manifest_and_exact_passages(settings: Settings) -> None:
    embedder = HashEmbedder()
    report = build_index(settings, embedder)
    assert sorted(report.added) == ["alpha", "beta", "gamma"] and report.embedded_texts == embedder.encoded
    manifest = read_manifest(settings.index_dir)
    assert manifest["model"] == embedder.name and manifest["dim"] == embedder.dim
    assert manifest["chunking"] == {"chunk_size": settings.chunk_size, "chunk_overlap": settings.chunk_overlap}
    assert set(manifest["documents"]) == {"alpha", "beta", "gamma"} and all(len(d["hash"]) == 64 for d in manifest["documents"].values())
    index = _load(settings, embedder)
    assert all(index.docs[c.doc_id].text[c.start:c.end] == c.text for c in index.chunks)
    assert all(index.docs[s.doc_id].text[s.start:s.end] == s.text for s in index.sentences)
    assert index.chunk_vectors.shape == (len(index.chunks), embedder.dim)
    assert np.allclose(np.linalg.norm(index.sentence_vectors, axis=1), 1.0, atol=1e-5)


def test_rerun_without_change_embeds_nothing(settings: Settings) -> None:
    build_index(settings, HashEmbedder())
    again = HashEmbedder()
    report = build_index(settings, again)
    assert again.encoded == 0 and not report.touched and sorted(report.unchanged) == ["alpha", "beta", "gamma"]


def test_add_change_remove_re_embed_only_that_article(settings: Settings) -> None:
    build_index(settings, HashEmbedder())
    before = _load(settings, HashEmbedder())
    alpha_vectors = before.chunk_vectors[[i for i, c in enumerate(before.chunks) if c.doc_id == "alpha"]]

    (settings.corpus_dir / "delta.txt").write_text("Ferry Line Extended\n\nThe ferry line will add 3 stops in 2026.\n")
    embedder = HashEmbedder()
    report = build_index(settings, embedder)
    index = _load(settings, embedder)
    delta_texts = sum(1 for c in index.chunks if c.doc_id == "delta") + sum(1 for s in index.sentences if s.doc_id == "delta")
    assert report.added == ["delta"] and embedder.encoded == delta_texts

    beta = settings.corpus_dir / "beta.md"
    beta.write_text(beta.read_text() + "\nThe vote was held on Tuesday.\n")
    embedder = HashEmbedder()
    report = build_index(settings, embedder)
    assert report.changed == ["beta"] and 0 < embedder.encoded < delta_texts + 30

    (settings.corpus_dir / "gamma.html").unlink()
    embedder = HashEmbedder()
    report = build_index(settings, embedder)
    index = _load(settings, embedder)
    assert report.removed == ["gamma"] and embedder.encoded == 0 and "gamma" not in index.docs
    assert not any(c.doc_id == "gamma" for c in index.chunks)
    after = index.chunk_vectors[[i for i, c in enumerate(index.chunks) if c.doc_id == "alpha"]]
    assert np.array_equal(alpha_vectors, after)


def test_index_built_with_another_model_is_refused(settings: Settings) -> None:
    build_index(settings, HashEmbedder())
    other = HashEmbedder()
    other.name = "test/another-model"
    with pytest.raises(IndexMismatchError, match="another-model.*qa index --rebuild"):
        load_index(settings.index_dir, settings, other.name)
    with pytest.raises(IndexMismatchError):
        build_index(settings, other)
    assert build_index(settings, other, rebuild=True).added


def test_index_built_with_other_chunk_settings_is_refused(settings: Settings) -> None:
    build_index(settings, HashEmbedder())
    with pytest.raises(IndexMismatchError, match="chunk_size"):
        load_index(settings.index_dir, replace(settings, chunk_size=300), HashEmbedder.name)


def test_missing_and_corrupted_index(settings: Settings) -> None:
    with pytest.raises(IndexMissingError, match="qa index"):
        load_index(settings.index_dir, settings, HashEmbedder.name)
    build_index(settings, HashEmbedder())
    manifest = read_manifest(settings.index_dir)
    vectors = settings.index_dir / f"{manifest['generation']}.chunk_vectors.npy"
    vectors.write_bytes(vectors.read_bytes()[:-16] + b"\x00" * 16)
    with pytest.raises(IndexCorruptError, match="does not match its manifest"):
        load_index(settings.index_dir, settings, HashEmbedder.name)
    (settings.index_dir / "manifest.json").write_text("{ not json")
    with pytest.raises(IndexCorruptError, match="damaged"):
        load_index(settings.index_dir, settings, HashEmbedder.name)


def test_a_crash_half_way_leaves_the_previous_index_and_resumes(settings: Settings, corpus_dir: Path) -> None:
    engine = Engine(settings, HashEmbedder())
    engine.build()
    generation = read_manifest(settings.index_dir)["generation"]
    for i in range(6):
        (corpus_dir / f"extra{i}.txt").write_text(f"Extra Story {i}\n\n" + " ".join(f"Sentence {j} of story {i} about tides." for j in range(60)))
    crashing = HashEmbedder(fail_after=400)
    with pytest.raises(RuntimeError, match="simulated crash"):
        build_index(settings, crashing)
    assert read_manifest(settings.index_dir)["generation"] == generation
    assert engine.ask("Who was named chief engineer?").citations
    cached = list((settings.index_dir / "cache").glob("*.npy"))
    assert cached, "articles embedded before the crash are kept"
    resumed = HashEmbedder()
    report = build_index(settings, resumed)
    index = load_index(settings.index_dir, settings, HashEmbedder.name)
    total = sum(1 for c in index.chunks if c.doc_id.startswith("extra")) + sum(1 for s in index.sentences if s.doc_id.startswith("extra"))
    assert len(report.added) == 6 and report.embedded_texts == resumed.encoded
    assert 0 < resumed.encoded <= total - 250, "the rerun embeds only what the crash had not saved"
    assert not list((settings.index_dir / "cache").glob("*.npy"))


def test_old_generations_are_cleaned(settings: Settings) -> None:
    for i in range(3):
        (settings.corpus_dir / f"n{i}.txt").write_text(f"Note {i}\n\nA short note number {i} about the harbor.")
        build_index(settings, HashEmbedder())
    generations = {p.name.split(".")[0] for p in settings.index_dir.glob("g*.*")}
    assert len(generations) <= 2
    assert json.loads((settings.index_dir / "manifest.json").read_text())["generation"] in generations


@pytest.mark.slow
def test_onnx_backend_gives_the_sentence_transformers_vectors() -> None:
    from qa.embed import SentenceTransformerEmbedder
    from qa.minilm import MiniLMEmbedder

    texts = ["Tokyo picked Noetra on June 30.", "¥387.3 billion funds fiscal 2026 development. " * 30, "short"]
    ours, theirs = MiniLMEmbedder().encode(texts), SentenceTransformerEmbedder().encode(texts)
    assert MiniLMEmbedder.name == SentenceTransformerEmbedder.name
    assert np.allclose(ours, theirs, atol=1e-5)

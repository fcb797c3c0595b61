"""Shared fixtures: a three-article corpus with a fake embedder, and the real model on the default corpus."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from qa.config import REPO_ROOT, Settings
from qa.pipeline import Engine
from tests.fakes import HashEmbedder

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A writable copy of the three-article fixture corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, target)
    return target


@pytest.fixture
def settings(tmp_path: Path, corpus_dir: Path) -> Settings:
    """Settings pointing at the fixture corpus and a fresh index folder."""
    return replace(Settings(), corpus_dir=corpus_dir, index_dir=tmp_path / "index")


@pytest.fixture
def fake_engine(settings: Settings) -> Engine:
    """An engine over the fixture corpus with the deterministic fake embedder, index built."""
    engine = Engine(settings, HashEmbedder())
    engine.build()
    return engine


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The default corpus with its own index folder, so tests never touch index/."""
    return replace(Settings(), corpus_dir=REPO_ROOT / "corpus", index_dir=tmp_path_factory.mktemp("real") / "index")


@pytest.fixture(scope="session")
def real_engine(real_settings: Settings) -> Engine:
    """The real embedding model over the default corpus, built once per session."""
    engine = Engine(real_settings)
    engine.build()
    return engine

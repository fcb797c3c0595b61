"""One Settings object; every default lives here."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_dir(env: str, name: str) -> Path:
    """A folder from the environment, else the one beside the package."""
    return Path(os.environ.get(env) or REPO_ROOT / name)


@dataclass(frozen=True)
class Settings:
    """Paths, chunking, retrieval and answering parameters."""

    corpus_dir: Path = _default_dir("QA_CORPUS", "corpus")
    index_dir: Path = _default_dir("QA_INDEX", "index")
    embedder: str = os.environ.get("QA_EMBEDDER", "onnx")
    reader_path: Path = _default_dir("QA_READER", "models/reader.safetensors")
    judge_path: Path = _default_dir("QA_JUDGE", "models/judge.safetensors")
    chunk_size: int = 600
    chunk_overlap: int = 120
    max_question_chars: int = 1000
    max_article_bytes: int = 5_000_000
    retrieval: str = "hybrid"
    rrf_k: int = 60
    candidates: int = 30
    context_chunks: int = 8
    reader_candidates: int = 12
    # Where an answer is found, the chunks searched for other articles' reports of it, and how many such articles are read.
    wider_chunks: int = 16
    other_articles: int = 4
    # The reader's probability above which a sentence answers; chosen on dev data (README, "Abstention").
    reader_threshold: float = 0.5
    # Another article's answer is weighed as agreement or conflict only above this probability.
    conflict_threshold: float = 0.65
    # Where no sentence reaches reader_threshold, each further article giving the same answer adds this share of its probability's
    # support (0.5 chosen on the MultiHop-RAG and RGB dev halves; bbc-dev, dev.jsonl and eval/extra.jsonl unchanged; 0.75 answered
    # a bbc-dev unanswerable question).
    pooling: float = 0.5
    # Texts embedded per onnxruntime run when indexing: 207 texts/s on 2 cores against 187 at 32 (less padding).
    encode_batch: int = 16

    def chunk_settings(self) -> dict[str, int]:
        """The settings an index must share with the query side."""
        return {"chunk_size": self.chunk_size, "chunk_overlap": self.chunk_overlap}

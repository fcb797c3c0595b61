"""Start the chat app on the default corpus: it is up at once, and builds a missing index first while showing the progress.

Host and port come from QA_HOST and QA_PORT (default 127.0.0.1:7860); QA_CORPUS and QA_INDEX choose other folders.
With QA_MODE=generative a language model writes the answers (QA_LLM_URL: an OpenAI-compatible endpoint, with QA_LLM_MODEL;
else the local GGUF model QA_LLM_LOCAL), streamed token by token, every sentence checked against its citation.
"""

from __future__ import annotations

import os
import sys

from qa.pipeline import Engine
from qa.ui import Preparer, build_app, launch


def main() -> None:
    """Prepare the index and model in the background and serve the app."""
    engine = Engine()
    if not (engine.settings.index_dir / "manifest.json").exists():
        print(f"No index in {engine.settings.index_dir}: building it from {engine.settings.corpus_dir}; the app shows the progress.", file=sys.stderr)
    echo = (lambda line: print(f"\r{line}", end="", file=sys.stderr, flush=True)) if sys.stderr.isatty() else None
    preparer = Preparer(engine, echo=echo)
    preparer.start()
    generator = None
    if os.environ.get("QA_MODE", "extractive") == "generative":
        from qa.llm import generator_from

        generator = generator_from()
    demo = build_app(engine, preparer=preparer, generator=generator)
    launch(demo, host=os.environ.get("QA_HOST", "127.0.0.1"), port=int(os.environ.get("QA_PORT", "7860")),
           max_file_bytes=engine.settings.max_article_bytes)


if __name__ == "__main__":
    main()

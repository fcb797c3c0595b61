"""A stand-in for llama.cpp's OpenAI-compatible server, in its own process: `python tests/fake_llm_server.py PORT`.

It answers "Who was named chief engineer of Seaforce?" by citing the passage that names Jun Okafor, streamed as server-sent
events. While the file named by QA_FAKE_CRASH exists, it sends one piece of a reply and then dies of SIGILL, as llama.cpp
did on hosts that advertise AMX without granting it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SENTENCE = "Seaforce named Jun Okafor as chief engineer on March 10, 2025"


def reply(messages: list[dict[str, str]]) -> str:
    """The sentence citing the passage that names Jun Okafor, or NOT IN SOURCES."""
    block = next((b for b in messages[-1]["content"].split("\n\n[") if "Jun Okafor" in b), None)
    if block is None:
        return "NOT IN SOURCES"
    n = re.match(r"\[?(\d+)\]", block).group(1)
    return f"{SENTENCE} [{n}]."


class Handler(BaseHTTPRequestHandler):
    """/v1/models and a streamed /v1/chat/completions."""

    def log_message(self, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        body = json.dumps({"object": "list", "data": [{"id": "fake", "object": "model"}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802 - the http.server name
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        crash = os.path.exists(os.environ.get("QA_FAKE_CRASH", "/nonexistent"))
        for piece in re.split(r"(\s+)", reply(request["messages"])):
            self.wfile.write(f"data: {json.dumps({'choices': [{'delta': {'content': piece}}]})}\n\n".encode())
            self.wfile.flush()
            if crash:
                os.kill(os.getpid(), signal.SIGILL)
        self.wfile.write(b"data: [DONE]\n\n")


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()

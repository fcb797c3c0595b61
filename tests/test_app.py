"""app.py, the app's start script: where it serves, through the real process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app import address
from qa.config import REPO_ROOT
from tests.conftest import FIXTURE_CORPUS
from tests.test_ui_client import free_port


def test_the_project_names_win_over_gradios() -> None:
    """QA_HOST / QA_PORT first, then GRADIO_SERVER_NAME / GRADIO_SERVER_PORT, then 127.0.0.1:7860."""
    assert address({}) == ("127.0.0.1", 7860)
    assert address({"GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": "8000"}) == ("0.0.0.0", 8000)
    assert address({"GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": "8000", "QA_HOST": "127.0.0.2", "QA_PORT": "9000"}) == ("127.0.0.2", 9000)
    with pytest.raises(SystemExit, match="is not a number"):
        address({"GRADIO_SERVER_PORT": "http"})


def listening(port: int) -> list[str]:
    """The local addresses (hex, as /proc/net/tcp writes them) of the sockets listening on a port."""
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return [r.split()[1].split(":")[0] for r in rows if r.split()[3] == "0A" and int(r.split()[1].split(":")[1], 16) == port]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads the listening sockets from /proc/net/tcp")
def test_a_container_setting_gradio_server_name_gets_a_reachable_app(tmp_path: Path) -> None:
    """GRADIO_SERVER_NAME=0.0.0.0 and GRADIO_SERVER_PORT, as containers set them, are where app.py serves."""
    shutil.copytree(FIXTURE_CORPUS, tmp_path / "corpus")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("QA_HOST", "QA_PORT", "QA_LLM_URL")}
    env |= {"GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": str(port), "QA_CORPUS": str(tmp_path / "corpus"),
            "QA_INDEX": str(tmp_path / "index"), "HF_HUB_OFFLINE": "1", "QA_LLM_LOCAL": "none"}
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not listening(port):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.5)
        assert listening(port) == ["00000000"], "bound to 0.0.0.0"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as reply:
            assert reply.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)

"""Writing measured tables into a Markdown report between markers, leaving the written analysis around them alone."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from qa.config import REPO_ROOT


def code_version() -> str:
    """The commit the code was run at, marked when the working tree differs from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" plus uncommitted changes" if git("status", "--porcelain", "--untracked-files=no", "qa") else "")


def replace_section(path: Path, name: str, body: str, title: str) -> None:
    """Put `body` between the `<!-- bench:NAME -->` markers of a report, creating the report or the markers if missing."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else f"{title}\n\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip("\n") + f"\n\n{block}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")

"""Warm `ask` latency on the default corpus with the reader in the loop: dev.jsonl questions, 3 passes after a warm-up (median p50/p95)."""

import json
import statistics
import time

from qa.config import REPO_ROOT
from qa.pipeline import Engine


def main() -> None:
    """Print the median over three passes of each pass's p50 and p95, in milliseconds."""
    engine = Engine()
    rows = [json.loads(line) for line in (REPO_ROOT.parent / "shared" / "eval" / "dev.jsonl").read_text().splitlines() if line.strip()]
    questions = [r["question"] for r in rows if r["kind"] not in ("quote", "claim")]
    for q in questions:
        engine.ask(q)
    p50s, p95s = [], []
    for _ in range(3):
        times = []
        for q in questions:
            began = time.perf_counter()
            engine.ask(q)
            times.append((time.perf_counter() - began) * 1000)
        times.sort()
        p50s.append(statistics.median(times))
        p95s.append(times[int(0.95 * (len(times) - 1))])
    print(f"warm ask, {len(questions)} questions: p50 {statistics.median(p50s):.0f} ms, p95 {statistics.median(p95s):.0f} ms")


if __name__ == "__main__":
    main()

"""The trained claim judge: does a source passage support a claim, contradict it, or not address it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa.answer.figures import as_claimed
from qa.reader import MODEL_DIR, Features, TrainedModel, featurise

JUDGE_FILE = MODEL_DIR / "judge.safetensors"
# The sha256 of the shipped judge; `qa train judge` prints the new one to pin here.
JUDGE_SHA256 = "4cf1ebb1d42c5efa7246650677cf54fb8123ad83174f42a7dc575afba606d41e"
MAX_TOKENS = 160
MAX_CLAIM_TOKENS = 64
LABELS = ("supports", "contradicts", "not addressed")


@dataclass(frozen=True)
class Verdict:
    """The judge's probabilities that a passage supports a claim, contradicts it, or does not address it."""

    supports: float
    contradicts: float
    unaddressed: float

    @property
    def label(self) -> str:
        """The most probable of the three."""
        return max(zip((self.supports, self.contradicts, self.unaddressed), LABELS))[1]


def claim_features(claim: str, passage: str) -> Features:
    """[CLS] claim [SEP] passage [SEP], the passage cut at its end when too long."""
    return featurise(claim, passage, 0, MAX_TOKENS, MAX_CLAIM_TOKENS)


class Judge(TrainedModel):
    """The shipped judge model: packaged MiniLM embeddings plus the trained layers and its three-way head."""

    kind = "judge"
    # All in float32: its verdicts on one-word swaps sit near the line ("fell" against "rose": 0.49 supports, 0.47 contradicts),
    # and int8 inputs move them across it.
    float_weights = ("weight",)

    def __init__(self, path: Path | str | None = None, sha256: str | None = JUDGE_SHA256) -> None:
        super().__init__(Path(path or JUDGE_FILE), sha256)

    def judge(self, pairs: Sequence[tuple[str, str]]) -> list[Verdict]:
        """For each (claim, passage): the probabilities that the passage supports, contradicts or does not address the claim. The
        passage is read with its figures written as the claim writes them where they state the same amount (the figure model
        converts 'half an hour' to '30 minutes'; the judge compares words)."""
        self.load()
        out = []
        for claim, passage in pairs:
            logits = self.head(self.hidden(claim_features(claim, as_claimed(claim, passage)))[0], "head") / self.temperature
            probs = np.exp(logits - logits.max())
            out.append(Verdict(*map(float, probs / probs.sum())))
        return out


@lru_cache(maxsize=2)
def shared_judge(path: str | None = None) -> Judge:
    """One loaded judge per process and file."""
    return Judge(path).load()

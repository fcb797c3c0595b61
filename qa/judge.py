"""The trained claim judge: does a source passage support a claim, contradict it, or not address it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qa.reader import MODEL_DIR, Features, TrainedModel, featurise, pad

JUDGE_FILE = MODEL_DIR / "judge.safetensors"
# The sha256 of the shipped judge; `qa train judge` prints the new one to pin here.
JUDGE_SHA256 = "0a75c4fd6c21b111b74a8fcfd81b819f62b94367520b5d0ea69099d16779d71e"
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

    def __init__(self, path: Path | str | None = None, sha256: str | None = JUDGE_SHA256) -> None:
        super().__init__(Path(path or JUDGE_FILE), sha256)

    def judge(self, pairs: Sequence[tuple[str, str]], batch_size: int = 8) -> list[Verdict]:
        """For each (claim, passage): the probabilities that the passage supports, contradicts or does not address the claim."""
        import torch

        from qa.minilm import bert_hidden

        self.load()
        feats = [claim_features(claim, passage) for claim, passage in pairs]
        out: list[Verdict | None] = [None] * len(feats)
        order = sorted(range(len(feats)), key=lambda i: -len(feats[i].ids))
        w = self._weights
        with torch.inference_mode():
            for lo in range(0, len(order), batch_size):
                rows = order[lo:lo + batch_size]
                ids, types, mask = pad(feats, rows)
                hidden = bert_hidden(w, *self._shape, ids, mask, types)
                logits = torch.nn.functional.linear(hidden[:, 0], w["judge.head.weight"], w["judge.head.bias"])
                probs = torch.softmax(logits / self.temperature, dim=-1).tolist()
                for r, i in enumerate(rows):
                    out[i] = Verdict(*probs[r])
        return [v for v in out if v is not None]


@lru_cache(maxsize=2)
def shared_judge(path: str | None = None) -> Judge:
    """One loaded judge per process and file."""
    return Judge(path).load()

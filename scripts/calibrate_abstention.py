"""Fit the abstention weights (qa/answer/abstain.py) by logistic regression on labelled question files.

Usage: python scripts/calibrate_abstention.py ../shared/eval/dev.jsonl eval/extra.jsonl
Prints the evidence features of every row and the fitted weights and bias to paste into WEIGHTS and BIAS.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from qa.answer.abstain import WEIGHTS
from qa.evaluate import ANSWERABLE, read_questions
from qa.pipeline import Engine


def main(paths: list[str]) -> None:
    """Collect features, fit, print."""
    engine = Engine()
    names = list(WEIGHTS)
    xs, ys = [], []
    for path in paths:
        for row in read_questions(Path(path)):
            if row["kind"] not in (*ANSWERABLE, "unanswerable"):
                continue
            features = engine.ask(row["question"]).evidence
            xs.append([features[n] for n in names])
            ys.append(int(row["kind"] != "unanswerable"))
            print(f"{ys[-1]} {row['question'][:60]:60s} " + " ".join(f"{n}={features[n]:.2f}" for n in names))
    x, y = np.array(xs), np.array(ys)
    best_c, best_loo = 1.0, -1.0
    for c in (0.3, 1.0, 3.0, 10.0, 30.0):
        loo = np.mean([LogisticRegression(C=c, class_weight="balanced").fit(np.delete(x, i, 0), np.delete(y, i)).predict(x[i:i + 1])[0] == y[i]
                       for i in range(len(y))])
        print(f"C={c}: leave-one-out accuracy {loo:.3f}")
        if loo > best_loo:
            best_c, best_loo = c, loo
    model = LogisticRegression(C=best_c, class_weight="balanced").fit(x, y)
    weights = {n: round(float(w), 2) for n, w in zip(names, model.coef_[0])}
    print(f"WEIGHTS = {weights}\nBIAS = {round(float(model.intercept_[0]), 2)}")
    print(f"C={best_c}: training accuracy {model.score(x, y):.3f}, leave-one-out {best_loo:.3f}, on {len(y)} rows")


if __name__ == "__main__":
    main(sys.argv[1:])

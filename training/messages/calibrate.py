"""Calibrate the key messages' similarity threshold on training/messages/ and report it.

    python -m training.messages.calibrate [--centre]

Every row's sentence is analysed by presswatch's own Analyzer (the press tone backend,
the messages of messages.yaml, the similarity threshold at -1 so every score is kept);
each (row, message) pair is one decision. The threshold chosen is the lowest at which
lemmas and similarity together are at least as precise as lemmas alone on the calibration
split (similarity may add recall, never at the cost of precision); precision and recall
are then reported on the test split, lemmas alone and lemmas with similarity, per
language. ``--centre`` first writes the centre of press sentences
(the mean E5 vector of training/tone/'s training rows) to
presswatch/analysis/nlp/data/message_centre.npz.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from presswatch.analysis.analyzer import Analyzer
from presswatch.analysis.nlp.messages import CENTRE_FILE
from presswatch.config import parse_config
from presswatch.models import Article

HERE = Path(__file__).resolve().parent
TONE = HERE.parent / "tone"
LANGUAGES = ("fr", "en")
GRID = [round(0.20 + 0.01 * step, 2) for step in range(51)]


def rows(language: str) -> list[dict[str, Any]]:
    """The calibration rows of one language."""
    with (HERE / f"{language}.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_centre() -> None:
    """The mean E5 vector of the tone training rows, saved for presswatch."""
    import numpy as np

    from presswatch.analysis.nlp.sentiment import embed

    sentences = []
    for language in LANGUAGES:
        with (TONE / f"{language}.jsonl").open(encoding="utf-8") as handle:
            sentences += [json.loads(line)["sentence"] for line in handle if line.strip()]
    centre = np.asarray(embed(sentences), dtype=np.float64).mean(axis=0)
    with CENTRE_FILE.open("wb") as handle:
        np.savez(handle, centre=centre.astype(np.float32))
    print(f"centre of {len(sentences)} sentences written to {CENTRE_FILE}")


def analyse(
    data: list[dict[str, Any]], messages: dict[str, list[str]]
) -> list[tuple[set[str], dict[str, float]]]:
    """Per row, the messages its company carries by phrasing, and its similarity scores."""
    companies = sorted({name for r in data for name in [r["company"], *r["others"]]})
    config = parse_config(
        {
            "companies": [{"name": name, "role": "tracked"} for name in companies],
            "messages": messages,
            "message_similarity": -1.0,
        }
    )
    analyzer = Analyzer(config)
    articles = [
        Article(
            id=r["id"],
            source="calibration",
            entry_key=r["id"],
            text=r["sentence"],
            language=r["language"],
        )
        for r in data
    ]
    out = []
    for row, result in zip(data, analyzer.analyse_many(articles), strict=True):
        if isinstance(result, Exception):
            raise result
        own = [m for m in result.messages if m.company == row["company"]]
        phrased = {m.topic for m in own if m.similarity is None}
        scored = {m.topic: m.similarity for m in own if m.similarity is not None}
        out.append((phrased, scored))
    return out


def counts(
    data: Iterable[tuple[dict[str, Any], tuple[set[str], dict[str, float]]]],
    messages: Iterable[str],
    threshold: float | None,
) -> tuple[int, int, int]:
    """True positives, false positives, false negatives over the (row, message) pairs;
    threshold None: lemmas only."""
    tp = fp = fn = 0
    names = list(messages)
    for row, (phrased, scored) in data:
        for message in names:
            found = message in phrased or (
                threshold is not None and scored.get(message, -2.0) >= threshold
            )
            truth = message in row["messages"]
            tp += found and truth
            fp += found and not truth
            fn += truth and not found
    return tp, fp, fn


def report(name: str, tp: int, fp: int, fn: int) -> str:
    """A line of precision and recall."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return (
        f"{name:<34} precision {precision:.2f} ({tp}/{tp + fp})"
        f"  recall {recall:.2f} ({tp}/{tp + fn})"
    )


def main() -> None:
    """Choose the threshold on the calibration split; report both systems on the test split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--centre", action="store_true", help="write the centre first")
    args = parser.parse_args()
    if args.centre:
        write_centre()
    messages = yaml.safe_load((HERE / "messages.yaml").read_text(encoding="utf-8"))
    results: dict[str, list[Any]] = {}
    for language in LANGUAGES:
        data = rows(language)
        results[language] = list(zip(data, analyse(data, messages), strict=True))

    def split(name: str, language: str | None = None) -> list[Any]:
        return [
            pair
            for code, pairs in results.items()
            if language in (None, code)
            for pair in pairs
            if pair[0]["split"] == name
        ]

    calibration = split("calibration")
    tp, fp, _ = counts(calibration, messages, None)
    floor = tp / (tp + fp)
    chosen = None
    for threshold in GRID:
        tp, fp, _ = counts(calibration, messages, threshold)
        if tp / (tp + fp) >= floor:
            chosen = threshold
            break
    print(
        f"threshold: {chosen} (lowest of {GRID[0]}..{GRID[-1]} as precise on the "
        f"calibration split as lemmas alone, {floor:.2f})"
    )
    print(report("calibration, lemmas only", *counts(calibration, messages, None)))
    print(report("calibration, lemma + similarity", *counts(calibration, messages, chosen)))
    for language in (*LANGUAGES, None):
        test = split("test", language)
        label = language or "fr+en"
        print(report(f"test {label}, lemmas only", *counts(test, messages, None)))
        print(report(f"test {label}, lemmas + similarity", *counts(test, messages, chosen)))
    # Each kind of row on the test split: where the errors are.
    kinds = sorted({row["kind"] for row, _ in split("test")})
    for kind in kinds:
        test = [pair for pair in split("test") if pair[0]["kind"] == kind]
        print(report(f"test kind {kind}", *counts(test, messages, chosen)))


if __name__ == "__main__":
    main()

"""A first collection, analysis included: the press tone model beside vader (the floor).

Writes N articles (seeded) as text files, each three to six sentences made from the
project's own tone rows (training/tone/, French and English press-style sentences that
name companies): each sentence reworded into new text, except the share of wire copies
real press has (an earlier sentence copied verbatim), so that a cache keyed by text gains
here what it gains on real press. Configures the 60 companies those rows name most, and
runs `collect` on a files source into fresh SQLite files once per backend: `press`,
`press-uncached` (the press backend without its embedding cache, the baseline) and
`vader`. Prints the share of repeated targets, then the time to store the articles
(collection) and to analyse them (the analysis stage: language, mentions, tone toward
each company, topics, stories), with mentions per second.

    python -m bench.bench_analysis --articles 10000
    python -m bench.bench_analysis --measure archive.db   # repeats in a real collection
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from presswatch.analysis.nlp import sentiment
from presswatch.collect import collect
from presswatch.config import load_config
from presswatch.store import Store

ROWS = Path(__file__).resolve().parent.parent / "training" / "tone"


# The share of (company, sentence) targets that an earlier article already had, measured
# on a real collected corpus (`--measure` on it: 8.4% of 3,539 targets in 792 articles
# naming a company): wire copies and follow-ups. The generated articles copy an earlier
# sentence verbatim this often, and every other sentence is new text, so a cache keyed by
# text gains here what it would on real press (drawing from ~3,800 rows, unchanged, the
# same sentence came back ~12 times in 10,000 articles).
WIRE_COPY_SHARE = 0.084
# The share of a sentence's ordinary words replaced by another word of its language.
REWORDED_SHARE = 0.4

_WORD = re.compile(r"[^\W\d_]{4,}")
_NUMBER = re.compile(r"\d+")


def _vary(sentence: str, picker: random.Random, words: list[str], kept: set[str]) -> str:
    """The sentence as new text: its numbers redrawn, some of its lower-case words
    replaced by other words of the rows (company names and capitalised words kept)."""

    def number(match: re.Match[str]) -> str:
        digits = len(match.group())
        return str(picker.randrange(10 ** (digits - 1) if digits > 1 else 0, 10**digits))

    def word(match: re.Match[str]) -> str:
        text = match.group()
        if text[0].isupper() or text.lower() in kept or picker.random() > REWORDED_SHARE:
            return text
        return picker.choice(words)

    return _WORD.sub(word, _NUMBER.sub(number, sentence))


def write_articles(folder: Path, count: int, seed: int) -> list[str]:
    """Write ``count`` articles into ``folder``; return the companies they name most."""
    rows = [
        json.loads(line)
        for name in ("fr.jsonl", "en.jsonl")
        for line in (ROWS / name).read_text(encoding="utf-8").splitlines()
    ]
    by_language = {lang: [r for r in rows if r["language"] == lang] for lang in ("fr", "en")}
    names = Counter(t["company"] for r in rows for t in r["targets"])
    # Words of company names (and of the clause cuts the tone model reads) are never
    # replaced: the mentions and clauses stay those of the rows.
    kept = {w.lower() for name in names for w in _WORD.findall(name)}
    kept |= {"mais", "tandis", "alors", "malgré", "selon", "contrairement", "while", "whereas"}
    kept |= {"than", "unlike", "although", "despite", "which", "according", "ahead", "behind"}
    words = {
        lang: sorted(
            {
                w
                for r in chosen
                for w in _WORD.findall(r["sentence"])
                if w.islower() and w not in kept
            }
        )
        for lang, chosen in by_language.items()
    }
    picker = random.Random(seed)
    written: dict[str, list[str]] = {"fr": [], "en": []}
    for index in range(count):
        language = "fr" if index % 3 else "en"  # two French articles for one English
        sentences = []
        for row in picker.sample(by_language[language], picker.randint(3, 6)):
            earlier = written[language]
            if earlier and picker.random() < WIRE_COPY_SHARE:
                sentences.append(picker.choice(earlier))
            else:
                sentences.append(_vary(row["sentence"], picker, words[language], kept))
        written[language].extend(sentences)
        title, *body = sentences
        (folder / f"{index:05d}.txt").write_text(f"{title}\n\n" + " ".join(body), "utf-8")
    return [name for name, _ in names.most_common(60)]


def repeated_targets(store: Store) -> tuple[int, float]:
    """How many (article, company, sentence) targets the store holds, and the share of
    them whose (company, sentence) an earlier one already had."""
    mentions = store.mentions_frame()
    targets = mentions[["article_id", "company", "sentence"]].drop_duplicates()
    if targets.empty:
        return 0, 0.0
    distinct = len(targets[["company", "sentence"]].drop_duplicates())
    return len(targets), 1 - distinct / len(targets)


def run(
    folder: Path, companies: list[str], variant: str, work: Path, *, count_only: bool = False
) -> dict[str, float]:
    """Collect the folder into a new database with a tone backend; the stages' times.

    ``press-uncached`` is the press backend as it was before its embedding cache: the
    same tones, each batch of articles embedding its texts afresh. ``count_only`` gives
    E5 zero vectors: the texts embedded are counted, the times and tones mean nothing."""
    backend = "press" if variant.startswith("press") else variant
    config_path = work / f"{variant}.yaml"
    config_path.write_text(
        yaml.safe_dump(
            {
                "database": str(work / f"{variant}.db"),
                "languages": ["fr", "en"],
                "companies": [
                    {"name": name, "role": "tracked" if i == 0 else "competitor"}
                    for i, name in enumerate(companies)
                ],
                "sources": [{"name": "Clips", "kind": "files", "path": str(folder)}],
                "tone": {"backend": backend},
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    config = load_config(config_path)
    marks: dict[str, float] = {}

    def analysing(done: int, waiting: int) -> None:
        marks.setdefault("analysis_start", time.perf_counter())

    cache_size, embed = sentiment.EMBEDDING_CACHE_SIZE, sentiment.embed
    if variant == "press-uncached":
        sentiment.EMBEDDING_CACHE_SIZE = 0
    embedded = [0]

    def counted(texts: Sequence[str]) -> Any:
        # The texts given to E5: the work the load of a shared machine does not blur.
        embedded[0] += len(texts)
        return np.zeros((len(texts), 384), dtype=np.float32) if count_only else embed(texts)

    sentiment.embed = counted
    started = time.perf_counter()
    try:
        with Store(f"sqlite:///{work / f'{variant}.db'}") as store:
            summary = collect(config, store, on_analysis=analysing)
            finished = time.perf_counter()
            mentions = len(store.mentions_frame())
            targets, repeated = repeated_targets(store)
    finally:
        sentiment.EMBEDDING_CACHE_SIZE, sentiment.embed = cache_size, embed
    # The analysis stage announces itself (0 done) once every source is written.
    stored_at = marks.get("analysis_start", finished)
    return {
        "articles": float(summary.new),
        "mentions": float(mentions),
        "targets": float(targets),
        "repeated": repeated,
        "embedded": float(embedded[0]),
        "total": finished - started,
        "collection": stored_at - started,
        "analysis": finished - stored_at,
    }


def main() -> None:
    """Generate, collect with each backend, print the table (or measure a store)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument(
        "--backends",
        default="press-uncached,press,vader",
        help="comma-separated: press, press-uncached (no embedding cache), vader",
    )
    parser.add_argument(
        "--measure",
        type=Path,
        help="only print how often targets recur in this SQLite store (a real collection)",
    )
    parser.add_argument(
        "--count-only",
        action="store_true",
        help="count the texts each backend embeds, E5 replaced by zeros (no timing)",
    )
    args = parser.parse_args()
    if args.measure is not None:
        with Store(f"sqlite:///{args.measure}") as store:
            targets, repeated = repeated_targets(store)
        print(f"{targets:,} targets, {repeated:.1%} repeat an earlier (company, sentence)")
        return
    variants = args.backends.split(",")
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        folder = work / "clips"
        folder.mkdir()
        companies = write_articles(folder, args.articles, args.seed)
        results = {v: run(folder, companies, v, work, count_only=args.count_only) for v in variants}
    first = results[variants[0]]
    print(
        f"{first['targets']:,.0f} targets, {first['repeated']:.1%} repeat an earlier "
        "(company, sentence)"
    )
    print(
        "| backend | articles | mentions | texts embedded | total s | store s | analysis s "
        "| mentions/s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['articles']:,.0f} | {r['mentions']:,.0f} | {r['embedded']:,.0f} | "
            f"{r['total']:.0f} | "
            f"{r['collection']:.0f} | {r['analysis']:.0f} | "
            f"{r['mentions'] / r['analysis']:,.0f} |"
        )


if __name__ == "__main__":
    main()

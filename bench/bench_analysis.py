"""A first collection, analysis included: the press tone model beside vader (the floor).

Writes N articles (seeded) as text files, each three to six sentences drawn from the
project's own tone rows (training/tone/, French and English press-style sentences that
name companies), configures the 60 companies those rows name most, and runs
`collect` on a files source twice into fresh SQLite files: with the default `press`
backend, then with `vader`. Prints, ratio first, the time to store the articles
(collection) and to analyse them (the analysis stage: language, mentions, tone toward
each company, topics, stories), with mentions per second.

    python -m bench.bench_analysis --articles 10000
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

from presswatch.collect import collect
from presswatch.config import load_config
from presswatch.store import Store

ROWS = Path(__file__).resolve().parent.parent / "training" / "tone"


def write_articles(folder: Path, count: int, seed: int) -> list[str]:
    """Write ``count`` articles into ``folder``; return the companies they name most."""
    rows = [
        json.loads(line)
        for name in ("fr.jsonl", "en.jsonl")
        for line in (ROWS / name).read_text(encoding="utf-8").splitlines()
    ]
    by_language = {lang: [r for r in rows if r["language"] == lang] for lang in ("fr", "en")}
    names = Counter(t["company"] for r in rows for t in r["targets"])
    picker = random.Random(seed)
    for index in range(count):
        language = "fr" if index % 3 else "en"  # two French articles for one English
        chosen = picker.sample(by_language[language], picker.randint(3, 6))
        title, *body = [r["sentence"] for r in chosen]
        (folder / f"{index:05d}.txt").write_text(f"{title}\n\n" + " ".join(body), "utf-8")
    return [name for name, _ in names.most_common(60)]


def run(folder: Path, companies: list[str], backend: str, work: Path) -> dict[str, float]:
    """Collect the folder into a new database with a tone backend; the stages' times."""
    config_path = work / f"{backend}.yaml"
    config_path.write_text(
        yaml.safe_dump(
            {
                "database": str(work / f"{backend}.db"),
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

    started = time.perf_counter()
    with Store(f"sqlite:///{work / f'{backend}.db'}") as store:
        summary = collect(config, store, on_analysis=analysing)
        finished = time.perf_counter()
        mentions = len(store.mentions_frame())
    # The analysis stage announces itself (0 done) once every source is written.
    stored_at = marks.get("analysis_start", finished)
    return {
        "articles": float(summary.new),
        "mentions": float(mentions),
        "total": finished - started,
        "collection": stored_at - started,
        "analysis": finished - stored_at,
    }


def main() -> None:
    """Generate, collect with both backends, print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        folder = work / "clips"
        folder.mkdir()
        companies = write_articles(folder, args.articles, args.seed)
        results = {b: run(folder, companies, b, work) for b in ("press", "vader")}
    press, vader = results["press"], results["vader"]
    print(
        f"press / vader, whole first collection: {press['total'] / vader['total']:.1f}x "
        f"({press['total']:.0f} s against {vader['total']:.0f} s)"
    )
    print("| backend | articles | mentions | total s | store s | analysis s | mentions/s |")
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['articles']:,.0f} | {r['mentions']:,.0f} | {r['total']:.0f} | "
            f"{r['collection']:.0f} | {r['analysis']:.0f} | "
            f"{r['mentions'] / r['analysis']:,.0f} |"
        )


if __name__ == "__main__":
    main()

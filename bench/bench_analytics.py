"""Analytics speed: every figure over 1,000,000 mentions of 200,000 articles, beside DuckDB.

The same generated frames (seeded) go through presswatch.analytics and through DuckDB
group-bys that compute the same numbers, in one run. Ratios first.

    python -m bench.bench_analytics --articles 200000 --mentions 1000000
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from presswatch import analytics

COMPANIES = ["Mistral AI", "OpenAI", "Anthropic", "Google DeepMind", "Meta AI", "Aleph Alpha"]
OUTLETS = [f"Outlet {i}" for i in range(300)]
TOPICS = ["funding", "products", "partnerships", "open source", "regulation", "talent", "expansion"]


def generate(articles: int, mentions: int, seed: int) -> dict[str, pd.DataFrame]:
    """Articles over two years, mentions, per-company tones and topics."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"a{i:07d}" for i in range(articles)])
    start = pd.Timestamp("2024-01-01", tz="UTC")
    published = start + pd.to_timedelta(rng.integers(0, 730 * 24 * 3600, articles), unit="s")
    precision = rng.choice(
        ["datetime", "day", "month", None], size=articles, p=[0.9, 0.05, 0.03, 0.02]
    )
    frame = pd.DataFrame(
        {
            "id": ids,
            "published": pd.Series(published).where(precision != None, pd.NaT),  # noqa: E711
            "date_precision": precision,
            "outlet": rng.choice(OUTLETS, size=articles),
            "author": rng.choice([f"Author {i}" for i in range(2000)], size=articles),
            "language": rng.choice(["fr", "en"], size=articles),
            "story_id": ids[np.minimum(np.arange(articles), rng.integers(0, articles, articles))],
            "first_seen": published,
        }
    )
    article_of = rng.integers(0, articles, mentions)
    company = rng.choice(COMPANIES, size=mentions, p=[0.35, 0.25, 0.1, 0.12, 0.12, 0.06])
    mention_frame = pd.DataFrame(
        {
            "id": np.arange(mentions),
            "article_id": ids[article_of],
            "company": company,
            "prominence": rng.choice(["title", "lead", "body"], size=mentions, p=[0.1, 0.2, 0.7]),
            "start": rng.integers(0, 5000, mentions),
            "sentence": "s",
        }
    )
    pairs = mention_frame[["article_id", "company"]].drop_duplicates()
    tones = pairs.assign(
        score=rng.uniform(-1, 1, len(pairs)),
        label=rng.choice(["positive", "neutral", "negative"], size=len(pairs)),
        evidence="s",
    )
    topic_rows = pd.DataFrame(
        {
            "article_id": ids[rng.integers(0, articles, articles // 2)],
            "topic": rng.choice(TOPICS, size=articles // 2),
            "keyword": "k",
            "sentence": "s",
        }
    )
    return {"articles": frame, "mentions": mention_frame, "tones": tones, "topics": topic_rows}


def presswatch_figures(data: dict[str, pd.DataFrame]) -> dict[str, Callable[[], Any]]:
    """Each figure as presswatch computes it."""
    a, m, t, p = data["articles"], data["mentions"], data["tones"], data["topics"]
    return {
        "mentions per day": lambda: analytics.mentions_over_time(a, m, "day"),
        "mentions per week": lambda: analytics.mentions_over_time(a, m, "week"),
        "share of voice": lambda: analytics.share_of_voice(a, m),
        "tone per month": lambda: analytics.tone_over_time(a, t, "month"),
        "topics per month": lambda: analytics.topics_over_time(a, m, p, "month"),
        "top outlets": lambda: analytics.top_outlets(a, m),
        "prominence": lambda: analytics.prominence(m),
        "spikes": lambda: analytics.spikes(a, m),
    }


def duckdb_figures(data: dict[str, pd.DataFrame]) -> dict[str, Callable[[], Any]]:
    """The same numbers as DuckDB group-bys over the same frames (the floor)."""
    # The peers are not dependencies of presswatch: imported only when their run is asked for.
    import duckdb

    con = duckdb.connect()
    for name, frame in data.items():
        con.register(name, frame)
    placed = "a.date_precision IN ('datetime', 'day')"
    pairs = "SELECT article_id, company, count(*) AS n FROM mentions GROUP BY article_id, company"
    return {
        "mentions per day": lambda: con.execute(
            f"SELECT date_trunc('day', a.published) d, p.company, sum(n), count(*) FROM ({pairs}) p "
            f"JOIN articles a ON a.id = p.article_id WHERE {placed} GROUP BY 1, 2"
        ).df(),
        "mentions per week": lambda: con.execute(
            f"SELECT date_trunc('week', a.published) d, p.company, sum(n), count(*) FROM ({pairs}) p "
            f"JOIN articles a ON a.id = p.article_id WHERE {placed} GROUP BY 1, 2"
        ).df(),
        "share of voice": lambda: con.execute(
            f"SELECT p.company, count(*), count(DISTINCT a.story_id), sum(n) FROM ({pairs}) p "
            "JOIN articles a ON a.id = p.article_id GROUP BY 1"
        ).df(),
        "tone per month": lambda: con.execute(
            "SELECT date_trunc('month', a.published), t.company, t.label, count(*) FROM tones t "
            "JOIN articles a ON a.id = t.article_id WHERE a.date_precision IN "
            "('datetime', 'day', 'month') GROUP BY 1, 2, 3"
        ).df(),
        "topics per month": lambda: con.execute(
            f"SELECT date_trunc('month', a.published), p.company, t.topic, count(DISTINCT p.article_id) "
            f"FROM ({pairs}) p JOIN (SELECT DISTINCT article_id, topic FROM topics) t "
            "ON t.article_id = p.article_id JOIN articles a ON a.id = p.article_id "
            "WHERE a.date_precision IN ('datetime', 'day', 'month') GROUP BY 1, 2, 3"
        ).df(),
        "top outlets": lambda: con.execute(
            f"SELECT * FROM (SELECT p.company, a.outlet, count(*) c, count(DISTINCT a.story_id), "
            "row_number() OVER (PARTITION BY p.company ORDER BY count(*) DESC) r "
            f"FROM ({pairs}) p JOIN articles a ON a.id = p.article_id GROUP BY 1, 2) WHERE r <= 10"
        ).df(),
        "prominence": lambda: con.execute(
            "SELECT company, prominence, count(*) FROM mentions GROUP BY 1, 2"
        ).df(),
        "spikes": lambda: con.execute(
            f"WITH daily AS (SELECT date_trunc('day', a.published) d, p.company, sum(n) c FROM ({pairs}) p "
            f"JOIN articles a ON a.id = p.article_id WHERE {placed} GROUP BY 1, 2), "
            "w AS (SELECT *, median(c) OVER (PARTITION BY company ORDER BY d ROWS BETWEEN 14 PRECEDING "
            "AND 1 PRECEDING) base FROM daily) SELECT * FROM w WHERE c > base * 3"
        ).df(),
    }


def timed(functions: dict[str, Callable[[], Any]]) -> dict[str, float]:
    """Seconds for each function, run in order as a page does (best of two whole runs).

    Before each run presswatch's cache of (article, company) pairs is cleared, so each
    run pays for computing them once, in the first figure that needs them; the figures
    after it share them, as the dashboard's figures of one filtered view do.
    """
    runs = []
    for _ in range(2):
        analytics.clear_cache()
        seconds = {}
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            seconds[name] = time.perf_counter() - started
        runs.append(seconds)
    return min(runs, key=lambda run: sum(run.values()))


def main() -> None:
    """Run the benchmark and print a table for bench/RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    data = generate(args.articles, args.mentions, args.seed)
    ours = timed(presswatch_figures(data))
    floor = timed(duckdb_figures(data))
    total_ours, total_floor = sum(ours.values()), sum(floor.values())
    print(f"ratio presswatch/DuckDB, whole set: {total_ours / total_floor:.1f}x (goal: <= 3x)")
    print(f"whole set: presswatch {total_ours:.2f} s (goal: < 2 s), DuckDB {total_floor:.2f} s")
    print(f"{args.mentions:,} mentions of {args.articles:,} articles")
    print("| figure | presswatch (s) | DuckDB (s) | ratio |")
    print("|---|---|---|---|")
    for name in ours:
        print(
            f"| {name} | {ours[name]:.3f} | {floor[name]:.3f} | {ours[name] / floor[name]:.1f}x |"
        )


if __name__ == "__main__":
    main()

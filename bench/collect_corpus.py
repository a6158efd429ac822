"""Collection on the real feed corpus: failed feeds, stored articles, entries merged away.

Collects the 260 real feed snapshots of ../shared/corpus/feeds/real (served from
127.0.0.1, as bench/eval_matching.py does, with ../shared/eval/press/config_dev.yaml)
twice into a fresh SQLite archive (the second run gets every feed in full, never a
304), then prints:

- the failed sources, grouped by the first words of their error;
- the articles stored, and what the second run reported (a stable archive: 0 new, 0 updated);
- per feed, the articles credited to the source beside the distinct entry ids a reader
  sees (feedparser's ``id``, else the link, else the title; a JSON Feed's ``id``): fewer
  articles than ids means distinct entries were merged or lost.

    python -m bench.collect_corpus [--port 8766] [--feeds NAME ...]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import sqlite3
import tempfile
import threading
import time
import warnings
from collections import Counter
from pathlib import Path

import feedparser
import yaml

from bench.eval_matching import SHARED, _QuietHandler
from presswatch.collect import collect
from presswatch.config import load_config
from presswatch.store import Store

FEEDS = SHARED / "corpus" / "feeds"
WATCHED = (
    "real/rsparser/scriptingNews.rss",
    "real/rss-parser/itunes-missing-image.rss",
    "real/rsparser/DaringFireball.rss",
)


class _FreshHandler(_QuietHandler):
    """Every request answered in full: the second run parses every feed again (no 304)."""

    def send_head(self) -> object:
        """Forget the conditional headers, then answer as the plain handler does."""
        del self.headers["If-Modified-Since"]
        del self.headers["If-None-Match"]
        return super().send_head()


def serve(folder: Path, port: int) -> http.server.ThreadingHTTPServer:
    """The corpus's feeds on 127.0.0.1:``port``, in a thread, never answered with a 304."""
    handler = functools.partial(_FreshHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def distinct_ids(path: Path) -> int:
    """How many distinct entries a reader sees in a feed file (0 when it reads none)."""
    data = path.read_bytes()
    if path.suffix == ".json":
        try:
            items = json.loads(data).get("items") or []
        except (ValueError, AttributeError):
            return 0
        return len({str(i.get("id") or i.get("url") or n) for n, i in enumerate(items)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        entries = feedparser.parse(data).entries
    # An entry without id, link or title is skipped by rule (and counted): not one to find.
    keys = {e.get("id") or e.get("link") or e.get("title") for e in entries}
    return len(keys - {None, ""})


def main() -> None:
    """Collect twice and print the figures for bench/RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--feeds", nargs="*", default=list(WATCHED))
    args = parser.parse_args()
    server = serve(FEEDS, args.port)
    try:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            raw = (SHARED / "eval" / "press" / "config_dev.yaml").read_text(encoding="utf-8")
            config = yaml.safe_load(raw.replace("127.0.0.1:8765", f"127.0.0.1:{args.port}"))
            config["database"] = str(work / "corpus.db")
            # Feeds only: the saved pages are not feeds.
            config["sources"] = [s for s in config["sources"] if s.get("kind") == "rss"]
            (work / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
            loaded = load_config(work / "config.yaml")
            runs = []
            with Store(f"sqlite:///{work / 'corpus.db'}") as store:
                for _ in range(2):
                    began = time.perf_counter()
                    runs.append((collect(loaded, store), time.perf_counter() - began))
            with sqlite3.connect(work / "corpus.db") as conn:
                stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
                per_source = dict(
                    conn.execute("SELECT source, count(*) FROM article_sources GROUP BY source")
                )
    finally:
        server.shutdown()
    first, seconds = runs[0]
    print(f"{len(first.outcomes)} sources in {seconds:.1f} s; failed: {len(first.failed)}")
    reasons = Counter(" ".join((o.error or "").split(":")[0].split()[:8]) for o in first.failed)
    for reason, count in reasons.most_common():
        print(f"  {count:3d}  {reason}")
    for outcome in first.failed:
        print(f"      {outcome.name}: {(outcome.error or '')[:110]}")
    print(f"articles stored: {stored}")
    for number, (summary, seconds) in enumerate(runs, 1):
        print(f"run {number}: {summary.new} new, {summary.updated} updated ({seconds:.1f} s)")
    ids = {name: distinct_ids(FEEDS / name) for name in per_source | dict.fromkeys(args.feeds)}
    short = {name: (per_source.get(name, 0), ids[name]) for name in ids}
    fewer = {name: pair for name, pair in short.items() if pair[0] < pair[1]}
    print(
        f"feeds with fewer articles than distinct entry ids: {len(fewer)}; entries missing: "
        f"{sum(b - a for a, b in fewer.values())}"
    )
    for name, (credited, distinct) in sorted(fewer.items()):
        print(f"      {name}: {credited} articles, {distinct} distinct ids")
    print("| feed | articles credited | distinct entry ids |")
    print("|---|---|---|")
    for name in args.feeds:
        print(f"| {name} | {short[name][0]} | {short[name][1]} |")


if __name__ == "__main__":
    main()

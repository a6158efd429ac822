"""Collection throughput with 1, 2 and 4 `presswatch watch` workers on PostgreSQL, beside
one on SQLite (the floor), on the same local feeds, in one run. Ratios first.

The feeds (generated, seeded: bench_feeds.make_feed) are served from 16 loopback addresses
(127.0.0.1 to 127.0.0.16), so that the per-host politeness limit (2 at once per host)
behaves as it does with real publishers rather than throttling everything to one host.
Each configuration starts its workers on an empty database and stops them once every
source has been collected; the time is read from the database itself (first claim to last
write), so interpreter start-up is not counted. Every feed must be fetched exactly once.

    python -m bench.bench_workers --feeds 240
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
import yaml

from bench.bench_feeds import make_feed, serve
from presswatch.store import Store
from tests import pgserver

HOSTS = 16


def run(
    url: str,
    workers: int,
    names: list[str],
    bases: list[str],
    folder: Path,
    hits: collections.Counter[str],
) -> float:
    """Seconds from the first claim to the last write with this many workers on this URL."""
    config = folder / f"config-{workers}.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "database": url,
                "companies": [{"name": "Mistral AI", "role": "tracked"}, {"name": "OpenAI"}],
                "sources": [
                    {
                        "name": name,
                        "kind": "rss",
                        "url": f"{bases[i % len(bases)]}/{name}.xml",
                        "every": "1d",
                    }
                    for i, name in enumerate(names)
                ],
            }
        ),
        encoding="utf-8",
    )
    with Store(url) as store:
        store.sync_sources([])  # the schema, before the workers race to use it
    hits.clear()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "presswatch.cli", "watch", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={k: v for k, v in os.environ.items() if k != "PRESSWATCH_DB"},
        )
        for _ in range(workers)
    ]
    try:
        with Store(url) as store:
            deadline = time.monotonic() + 900
            while time.monotonic() < deadline:
                states = store.source_states()
                if len(states) == len(names) and all(s.last_success for s in states):
                    break
                time.sleep(0.5)
            else:
                raise RuntimeError(f"{url}: not every source was collected in 15 minutes")
            with store.engine.connect() as conn:
                first = conn.execute(sa.text("SELECT min(started_at) FROM runs")).scalar_one()
                last = conn.execute(sa.text("SELECT max(at) FROM source_events")).scalar_one()
            articles = store.count_articles()
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
    doubles = {path: n for path, n in hits.items() if n != 1}
    if doubles or len(hits) != len(names):
        raise RuntimeError(f"feeds not fetched exactly once: {list(doubles.items())[:5]}")
    print(f"  {url.split(':')[0]:<20} {workers} worker(s): {articles} articles", flush=True)
    return float((_as_datetime(last) - _as_datetime(first)).total_seconds())


def _as_datetime(value: object) -> datetime:
    """A timestamp read back from min()/max(): SQLite gives text, PostgreSQL a datetime."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value


def main() -> None:
    """Run every configuration, print a results block for bench/RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=240)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    names = [f"feed{i:03d}" for i in range(args.feeds)]
    feeds = {f"/{name}.xml": make_feed(rng, i) for i, name in enumerate(names)}
    # One server per loopback address, all serving the same feeds and counting requests.
    hits: collections.Counter[str] = collections.Counter()
    started = [serve(feeds, f"127.0.0.{k}", hits) for k in range(1, HOSTS + 1)]
    servers = [server for server, _base in started]
    bases = [base for _server, base in started]
    folder = Path(tempfile.mkdtemp(prefix="presswatch-bench-workers-"))
    server_folder = Path(tempfile.mkdtemp(prefix="presswatch-bench-pg-"))
    seconds: dict[str, float] = {}
    try:
        seconds["sqlite x1"] = run(f"sqlite:///{folder / 'one.db'}", 1, names, bases, folder, hits)
        server = pgserver.start(server_folder)
        engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        for workers in (1, 2, 4):
            with engine.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS bench{workers}"))
                conn.execute(sa.text(f"CREATE DATABASE bench{workers}"))
            url = sa.engine.make_url(server).set(database=f"bench{workers}")
            seconds[f"postgresql x{workers}"] = run(
                url.render_as_string(hide_password=False), workers, names, bases, folder, hits
            )
        engine.dispose()
    finally:
        for http in servers:
            http.shutdown()
        pgserver.stop(server_folder)
        shutil.rmtree(server_folder, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
    floor = seconds["sqlite x1"]
    print(f"{args.feeds} feeds, 30 entries each, {os.cpu_count()} cores")
    for name, value in seconds.items():
        print(
            f"{name:<15} {floor / value:5.2f}x SQLite x1 throughput   {value:6.2f} s   "
            f"{args.feeds / value:6.1f} feeds/s"
        )


if __name__ == "__main__":
    main()

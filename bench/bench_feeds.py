"""Feed collection throughput: presswatch beside lemon24/reader, on the same local feeds.

Serves N generated feeds (seeded; French and English, RSS 2.0 and Atom, 30 entries each,
with ETag and Last-Modified) from 127.0.0.1, then collects them twice with each: a first
pass (everything new) and a second pass (every feed unchanged: 304s). Ratios first.
With ``--corpus``, serves real feeds instead (the issue's own baseline for reader was
measured on real feeds): their entries are longer, richer in HTML and less regular, and
few of them name a tracked company.

    pip install reader   # the peer, for this benchmark only
    python -m bench.bench_feeds --feeds 240
    python -m bench.bench_feeds --corpus ../shared/corpus/feeds/real
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import random
import socket
import tempfile
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import feedparser
import httpx
import yaml

from bench.bench_matching import ENGLISH, FRENCH
from collectors.rss import read_feed
from presswatch.collect import collect
from presswatch.config import load_config
from presswatch.store import Store


def make_feed(rng: random.Random, index: int, entries: int = 30) -> bytes:
    """One feed, RSS 2.0 or Atom, French or English."""
    words = FRENCH if index % 2 else ENGLISH
    start = datetime(2026, 11, 1, tzinfo=UTC)
    items = []
    for number in range(entries):
        title = " ".join(rng.choices(words, k=8)).capitalize()
        body = " ".join(rng.choices(words, k=120))
        if rng.random() < 0.2:
            body += " Mistral AI et OpenAI."
        when = start + timedelta(hours=rng.randint(0, 500))
        link = f"https://site{index}.example.com/{number}"
        if index % 3 == 0:
            items.append(
                f"<entry><id>tag:site{index},{number}</id><title>{title}</title>"
                f'<link href="{link}"/><updated>{when.isoformat()}</updated>'
                f'<content type="html">&lt;p&gt;{body}&lt;/p&gt;</content></entry>'
            )
        else:
            items.append(
                f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
                f"<pubDate>{format_datetime(when)}</pubDate><description>{body}</description></item>"
            )
    if index % 3 == 0:
        return (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Site {index}</title>{''.join(items)}</feed>"
        ).encode()
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Site {index}</title>{''.join(items)}</channel></rss>"
    ).encode()


def serve(
    feeds: dict[str, bytes],
    host: str = "127.0.0.1",
    hits: collections.Counter[str] | None = None,
) -> tuple[ThreadingHTTPServer, str]:
    """A local server for the feeds, answering 304 to a matching ETag or Last-Modified;
    each request's path is counted in ``hits`` when given."""
    stamp = format_datetime(datetime(2026, 11, 20, tzinfo=UTC), usegmt=True)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body leave in separate writes: without TCP_NODELAY, Nagle's
            # algorithm holds the body until the client's delayed ACK, 40 ms per response
            # on a kept-alive connection, for every client alike.
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            if hits is not None:
                with lock:
                    hits[self.path] += 1
            body = feeds.get(self.path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = '"' + hashlib.md5(body).hexdigest() + '"'
            if (
                self.headers.get("If-None-Match") == etag
                or self.headers.get("If-Modified-Since") == stamp
            ):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", stamp)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}"


def run_presswatch(
    bases: list[str], names: list[str], folder: Path, companies: list[dict[str, Any]]
) -> tuple[float, float, int, int]:
    """First and second pass seconds, articles stored, and those that name a company."""
    config_path = folder / "config.yaml"
    config_path.write_text(
        yaml.safe_dump(
            {
                "database": str(folder / "pw.db"),
                "companies": companies,
                "sources": [
                    {"name": n, "kind": "rss", "url": f"{bases[i % len(bases)]}/{n}.xml"}
                    for i, n in enumerate(names)
                ],
            }
        ),
        encoding="utf-8",
    )
    config = load_config(config_path)
    with Store(f"sqlite:///{folder / 'pw.db'}") as store:
        started = time.perf_counter()
        first = collect(config, store)
        first_seconds = time.perf_counter() - started
        assert not first.failed, first.failed[:2]
        started = time.perf_counter()
        second = collect(config, store)
        second_seconds = time.perf_counter() - started
        assert all(o.status == "not_modified" for o in second.outcomes)
        named = len(set(store.mentions_frame()["article_id"]))
        return first_seconds, second_seconds, store.count_articles(), named


CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"


def real_feeds(folder: Path) -> list[bytes]:
    """The bodies of the files under ``folder`` in which feedparser finds entries, in path
    order (a corpus mixes feeds with other files)."""
    bodies = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        body = path.read_bytes()
        if feedparser.parse(body).entries:
            bodies.append(body)
    return bodies


def run_floor(bases: list[str], names: list[str], *, parse: bool) -> float:
    """Seconds to fetch every feed once with httpx, 8 at once as presswatch does, reading
    the bodies and storing nothing; with ``parse``, each body also read by presswatch's
    parser (the fast path, else feedparser). No collector can do less."""
    urls = [f"{bases[i % len(bases)]}/{name}.xml" for i, name in enumerate(names)]
    with httpx.Client(limits=httpx.Limits(max_connections=8)) as client:

        def fetch(url: str) -> tuple[bytes, dict[str, str]]:
            response = client.get(url)
            response.raise_for_status()
            return response.content, dict(response.headers)

        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            # Parsed on this thread as each body arrives, as presswatch does (pure Python
            # parsing in 8 threads is slower than in one).
            for future in as_completed([pool.submit(fetch, url) for url in urls]):
                body, headers = future.result()
                assert body
                if parse:
                    assert read_feed(body, headers)["entries"]
        return time.perf_counter() - started


def run_reader(bases: list[str], names: list[str], folder: Path) -> tuple[float, float, int]:
    """The same with reader: first and second pass seconds, entries stored."""
    # The peer is not a dependency of presswatch: imported only when it is compared.
    from reader import make_reader

    with make_reader(str(folder / "reader.sqlite")) as peer, warnings.catch_warnings():
        # reader warns once per entry it cannot key (real feeds have a few): noise here.
        warnings.simplefilter("ignore")
        for i, name in enumerate(names):
            peer.add_feed(f"{bases[i % len(bases)]}/{name}.xml")
        started = time.perf_counter()
        peer.update_feeds(workers=8, scheduled=False)
        first = time.perf_counter() - started
        started = time.perf_counter()
        # scheduled=False: fetch every feed again (by default reader would skip them all
        # as not due yet, which measures nothing).
        peer.update_feeds(workers=8, scheduled=False)
        second = time.perf_counter() - started
        return first, second, peer.get_entry_counts().total


def main() -> None:
    """Run both, print a results block for bench/RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=240)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument(
        "--hosts",
        type=int,
        default=1,
        help="spread the feeds over this many loopback addresses (127.0.0.1 to 127.0.0.N): "
        "presswatch fetches at most 2 at once per host, as politeness asks, reader has no "
        "such limit; real feeds come from as many publishers as feeds",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        help="serve the real feeds of this folder (every file feedparser finds entries in, "
        "e.g. ../shared/corpus/feeds/real) instead of generated ones, and track the "
        "companies of the project's config.yaml",
    )
    args = parser.parse_args()
    if args.corpus:
        bodies = real_feeds(args.corpus)[: args.feeds]
        companies = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["companies"]
    else:
        rng = random.Random(args.seed)
        bodies = [make_feed(rng, i) for i in range(args.feeds)]
        companies = [{"name": "Mistral AI", "role": "tracked"}, {"name": "OpenAI"}]
    names = [f"feed{i:03d}" for i in range(len(bodies))]
    feeds = {f"/{name}.xml": body for name, body in zip(names, bodies, strict=True)}
    servers = [serve(feeds, f"127.0.0.{k}") for k in range(1, args.hosts + 1)]
    bases = [base for _server, base in servers]
    try:
        with tempfile.TemporaryDirectory() as temporary:
            ours = run_presswatch(bases, names, Path(temporary), companies)
            peer = run_reader(bases, names, Path(temporary))
            fetched = run_floor(bases, names, parse=False)
            parsed = run_floor(bases, names, parse=True)
    finally:
        for server, _base in servers:
            server.shutdown()
    n = len(names)
    origin = f"real feeds of {args.corpus}" if args.corpus else "generated feeds"
    print(f"{n} {origin} on {args.hosts} host(s)")
    print(f"first pass, presswatch/reader throughput: {peer[0] / ours[0]:.2f}x (goal: >= 5x)")
    print(f"presswatch second pass {ours[0] / ours[1]:.1f}x faster than its first (goal: >= 10x)")
    print(f"reader second pass {peer[0] / peer[1]:.1f}x faster than its first")
    print(
        f"ceilings over reader's first pass: fetching alone {peer[0] / fetched:.2f}x, "
        f"fetching and parsing alone {peer[0] / parsed:.2f}x"
    )
    print(
        f"presswatch: first {ours[0]:.2f} s ({n / ours[0]:.0f} feeds/s), second {ours[1]:.2f} s "
        f"({n / ours[1]:.0f} feeds/s), {ours[2]} articles, {ours[3]} naming a company"
    )
    print(
        f"reader:     first {peer[0]:.2f} s ({n / peer[0]:.0f} feeds/s), second {peer[1]:.2f} s "
        f"({n / peer[1]:.0f} feeds/s), {peer[2]} entries"
    )
    print(
        f"floors: fetching every body {fetched:.2f} s ({n / fetched:.0f} feeds/s), fetching "
        f"and parsing {parsed:.2f} s ({n / parsed:.0f} feeds/s), nothing stored"
    )


if __name__ == "__main__":
    main()

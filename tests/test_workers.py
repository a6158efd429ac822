"""Several `presswatch watch` workers sharing one PostgreSQL: each feed fetched once per due
time, each article stored once, a worker killed with SIGKILL loses nothing."""

from __future__ import annotations

import collections
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from presswatch.config import Config
from presswatch.store import Store
from tests import pgserver
from tests.conftest import FeedServer, Route
from tests.processes import logged_output, presswatch, presswatch_logged, wait_for

# Real worker processes, one killed with SIGKILL; a PostgreSQL server stopped and restarted.
pytestmark = pytest.mark.slow

FEEDS = 100
ITEMS_PER_FEED = 3


def feed(number: int) -> bytes:
    """A feed of its own three articles plus one wire story that every feed carries."""
    items = "".join(
        f"<item><title>Article {number}-{i}</title>"
        f"<link>https://journal{number}.example.com/{i}</link><guid>f{number}-{i}</guid>"
        f"<description>Mistral AI, article {i} du flux {number}.</description></item>"
        for i in range(ITEMS_PER_FEED)
    )
    wire = (
        "<item><title>Dépêche commune</title><link>https://agence.example.com/depeche</link>"
        "<description>Mistral AI lève des fonds, selon l'agence.</description></item>"
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Journal {number}</title>'
        f"{items}{wire}</channel></rss>"
    ).encode()


def test_three_workers_share_the_feeds_and_survive_one_killed(
    write_config: Callable[..., Config], feed_server: FeedServer, postgres_url: str
) -> None:
    for number in range(FEEDS):
        # A little latency, so that a worker is killed with fetches in flight.
        feed_server.routes[f"/feed{number}.xml"] = Route(feed(number), delay=0.4)
    # vader: this is about sharing the work and surviving a kill, not about tone, and it
    # keeps each worker's analysis short.
    config = write_config(
        database=postgres_url,
        lease_seconds=5,
        tone={"backend": "vader"},
        sources=[
            {
                "name": f"Journal {number}",
                "kind": "rss",
                "url": feed_server.url(f"/feed{number}.xml"),
                "every": "1h",  # one due time in this test: a second fetch is a double
            }
            for number in range(FEEDS)
        ],
    )
    with Store(postgres_url):
        pass  # the schema exists before the workers race to use it

    def collected() -> int:
        with Store(postgres_url) as store:
            return sum(1 for s in store.source_states() if s.last_success is not None)

    workers = [presswatch_logged("watch", config.path, f"worker{index}") for index in range(3)]
    try:
        victim = workers[0]

        def victim_holds_sources() -> bool:
            with Store(postgres_url) as store:
                return any(
                    f":{victim.pid}:" in (s.lease_owner or "") for s in store.source_states()
                )

        # Killed in the middle of its work: while it holds claims on sources.
        assert wait_for(victim_holds_sources, 90, step=0.05), "the worker never claimed a source"
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        with Store(postgres_url) as store:
            orphaned = {
                s.name
                for s in store.source_states()
                if s.lease_owner and f":{victim.pid}:" in s.lease_owner
            }
        assert orphaned, "the worker was killed with no source in hand: nothing to take over"
        # Its claims expire after 5 s and the two others take its sources over.
        # Bounds for a loaded machine (CI shares its two cores with pytest-xdist workers):
        # the takeover needs the 5 s lease to expire and a survivor's next look.
        assert wait_for(lambda: collected() == FEEDS, 300), f"{collected()} of {FEEDS} collected"
        time.sleep(3)  # and nobody fetches anything again: the next due time is an hour away
    finally:
        for worker in workers[1:]:
            worker.send_signal(signal.SIGTERM)
        for worker in workers[1:]:
            worker.wait(timeout=120)
        outputs = [logged_output(config.path, f"worker{index}") for index in (1, 2)]
    assert [w.returncode for w in workers[1:]] == [0, 0], outputs

    hits = collections.Counter(path for path, _headers in feed_server.requests)
    for number in range(FEEDS):
        path = f"/feed{number}.xml"
        if f"Journal {number}" in orphaned:
            # The killed worker may have fetched it without storing it: once more, no more.
            assert 1 <= hits[path] <= 2, (path, hits[path])
        else:
            assert hits[path] == 1, (path, hits[path])
    # Both surviving workers did part of the work.
    assert all("new" in out for out, _err in outputs), outputs

    with Store(postgres_url) as store:
        articles = store.articles_frame()
        mentions = store.mentions_frame()
        with store.engine.connect() as conn:
            links = conn.execute(sa.text("SELECT count(*) FROM article_sources")).scalar_one()
    assert len(articles) == FEEDS * ITEMS_PER_FEED + 1  # the wire story once
    assert articles["id"].is_unique
    assert links == FEEDS * (ITEMS_PER_FEED + 1)  # every source recorded on its articles
    assert (
        mentions.groupby("article_id").size().max() == mentions.groupby("article_id").size().min()
    )


@pytest.mark.postgresql
def test_a_worker_rides_out_a_postgresql_restart(
    write_config: Callable[..., Config], feed_server: FeedServer, tmp_path: Path
) -> None:
    # A server of this test's own, since it is stopped and started again.
    folder = Path(tempfile.mkdtemp(prefix="presswatch-pg-restart-"))
    url = pgserver.start(folder)
    try:
        feed_server.routes["/feed.xml"] = Route(feed(1))
        config = write_config(
            database=url,
            tone={"backend": "vader"},  # about the outage, not about tone
            sources=[
                {
                    "name": "Journal",
                    "kind": "rss",
                    "url": feed_server.url("/feed.xml"),
                    "every": "2s",
                }
            ],
        )
        log_path = tmp_path / "worker.log"

        def stored() -> int:
            with Store(url) as store:
                return store.count_articles()

        def analysed(count: int) -> bool:
            # SIGTERM stops the analysis stage between batches, so the test waits for the
            # queue to empty too: the mentions checked below are written by that stage.
            with Store(url) as store:
                return store.count_articles() == count and store.count_pending_analysis() == 0

        with log_path.open("w") as log_file:
            worker = presswatch("watch", config.path, stdout=log_file, stderr=subprocess.STDOUT)
            try:
                assert wait_for(lambda: stored() == ITEMS_PER_FEED + 1, 60)
                pgserver.stop(folder)
                feed_server.routes["/feed.xml"] = Route(
                    feed(1).replace(
                        b"</channel>",
                        b"<item><title>Pendant la panne</title>"
                        b"<link>https://journal1.example.com/panne</link>"
                        b"<description>Mistral AI.</description></item></channel>",
                    )
                )
                assert wait_for(lambda: "cannot reach database" in log_path.read_text(), 60)
                assert worker.poll() is None, "the worker stopped when the database went away"
                pgserver.resume(folder)
                assert wait_for(lambda: analysed(ITEMS_PER_FEED + 2), 90), log_path.read_text()
            finally:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=120)
        assert worker.returncode == 0, log_path.read_text()
        log = log_path.read_text()
        assert "Traceback" not in log, log
        # One line per failure, naming the database without a password and saying when it
        # is tried again (the collection and the schedule in so many seconds; the alerts and
        # the daily digest, which may be the ones to meet the outage, after the next run).
        failures = [line for line in log.splitlines() if "cannot reach database" in line]
        assert failures and all("retrying" in line for line in failures), failures
        with Store(url) as store:
            mentions = store.mentions_frame()
            assert store.articles_frame()["id"].is_unique
        assert mentions.groupby("article_id").size().max() == 1
    finally:
        pgserver.stop(folder)
        shutil.rmtree(folder, ignore_errors=True)

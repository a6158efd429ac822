"""Scheduling: jitter, exponential backoff with a cap, Retry-After, 410, politeness per host."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from collectors.schedule import BACKOFF_CAP, is_due, next_collection, parse_retry_after
from presswatch.collect import collect
from presswatch.config import Config
from presswatch.store import Store
from tests.conftest import FeedServer, Route
from tests.test_collectors_rss import ATOM_EN

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
EVERY = timedelta(minutes=30)


def test_success_comes_back_after_the_interval_with_jitter() -> None:
    rng = random.Random(1)
    dues = [
        next_collection(now=NOW, every=EVERY, failures=0, http_status=200, rng=rng).next_due
        for _ in range(200)
    ]
    offsets = {(due - NOW).total_seconds() for due in dues if due}
    assert min(offsets) >= 27 * 60 and max(offsets) <= 33 * 60
    assert len(offsets) > 100  # spread, not in lockstep


def test_failures_back_off_exponentially_up_to_a_cap() -> None:
    rng = random.Random(2)
    delays = [
        next_collection(now=NOW, every=EVERY, failures=n, http_status=500, rng=rng).next_due - NOW  # type: ignore[operator]
        for n in range(1, 12)
    ]
    assert delays[0] < timedelta(minutes=34) and timedelta(minutes=54) < delays[1] < timedelta(
        minutes=66
    )
    assert all(later >= earlier * 1.6 for earlier, later in itertools.pairwise(delays[:5]))
    assert max(delays) <= BACKOFF_CAP * 1.1


def test_retry_after_is_honoured_and_410_disables() -> None:
    asked = NOW + timedelta(hours=3)
    upcoming = next_collection(now=NOW, every=EVERY, failures=1, http_status=429, retry_after=asked)
    assert upcoming.next_due == asked
    gone = next_collection(now=NOW, every=EVERY, failures=1, http_status=410)
    assert gone.next_due is None and "410 Gone" in (gone.disabled_reason or "")
    assert not is_due(None, gone.disabled_reason, NOW)


def test_retry_after_header_forms() -> None:
    assert parse_retry_after("120", NOW) == NOW + timedelta(seconds=120)
    assert parse_retry_after("Sun, 22 Nov 2026 13:00:00 GMT", NOW) == NOW + timedelta(hours=1)
    assert parse_retry_after("soon", NOW) is None and parse_retry_after(None, NOW) is None


def test_a_429_is_waited_for_a_410_disables_and_success_recovers(
    write_config: Callable[..., Config], feed_server: FeedServer, store: Store
) -> None:
    feed_server.routes["/busy.xml"] = Route(status=429, headers={"Retry-After": "3600"})
    feed_server.routes["/gone.xml"] = Route(status=410)
    feed_server.routes["/flaky.xml"] = Route(status=500)
    config = write_config(
        sources=[
            {"name": "Busy", "kind": "rss", "url": feed_server.url("/busy.xml")},
            {"name": "Gone", "kind": "rss", "url": feed_server.url("/gone.xml")},
            {"name": "Flaky", "kind": "rss", "url": feed_server.url("/flaky.xml")},
        ]
    )
    first = collect(config, store)
    assert {o.name for o in first.failed} == {"Busy", "Gone", "Flaky"}
    busy = store.source_state("Busy")
    assert busy is not None and busy.next_due is not None
    assert busy.next_due - datetime.now(UTC) > timedelta(minutes=55)
    assert "asked to wait until" in (busy.error or "")
    gone = store.source_state("Gone")
    assert gone is not None and "410 Gone" in (gone.disabled_reason or "")

    requests_before = len(feed_server.requests)
    feed_server.routes["/flaky.xml"] = Route(ATOM_EN.encode())
    second = collect(config, store)
    skipped = dict(second.skipped)
    assert "asked to wait" in skipped["Busy"] and "410 Gone" in skipped["Gone"]
    assert [r[0] for r in feed_server.requests[requests_before:]] == ["/flaky.xml"]
    flaky = store.source_state("Flaky")
    assert flaky is not None and flaky.consecutive_failures == 0 and flaky.error is None

    # Fixing the URL of a gone feed brings it back.
    feed_server.routes["/moved.xml"] = Route(ATOM_EN.encode())
    config = write_config(
        sources=[{"name": "Gone", "kind": "rss", "url": feed_server.url("/moved.xml")}]
    )
    third = collect(config, store)
    assert [o.status for o in third.outcomes] == ["ok"]


def test_due_only_collects_only_what_is_due(
    write_config: Callable[..., Config], feed_server: FeedServer, store: Store
) -> None:
    feed_server.routes["/a.xml"] = Route(ATOM_EN.encode())
    config = write_config(sources=[{"name": "A", "kind": "rss", "url": feed_server.url("/a.xml")}])
    assert len(collect(config, store, due_only=True).outcomes) == 1
    assert collect(config, store, due_only=True).outcomes == []  # due again in ~30 minutes
    assert len(collect(config, store).outcomes) == 1  # a manual run collects it anyway


def test_at_most_two_requests_at_once_per_host(
    write_config: Callable[..., Config], feed_server: FeedServer, store: Store
) -> None:
    for index in range(6):
        feed_server.routes[f"/slow{index}.xml"] = Route(ATOM_EN.encode(), delay=0.3)
    config = write_config(
        sources=[
            {"name": f"Slow {index}", "kind": "rss", "url": feed_server.url(f"/slow{index}.xml")}
            for index in range(6)
        ]
    )
    summary = collect(config, store)
    assert len(summary.outcomes) == 6 and not summary.failed
    assert feed_server.concurrency[1] == 2

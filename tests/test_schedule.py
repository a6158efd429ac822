"""Scheduling: jitter, exponential backoff with a cap, Retry-After, 410, politeness per host."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from collectors.schedule import (
    BACKOFF_CAP,
    is_due,
    next_collection,
    parse_retry_after,
    read_retry_after,
)
from presswatch.collect import collect
from presswatch.config import Config
from presswatch.models import CollectionRecord
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


def test_absurd_retry_after_values_are_capped_or_told_in_words() -> None:
    # 99999999999 s was a wait until year 5195; 300000000000 s an OverflowError.
    for value in ("99999999999", "300000000000", "Thu, 01 Jan 5195 00:00:00 GMT"):
        assert parse_retry_after(value, NOW) == NOW + BACKOFF_CAP, value
    when, note = read_retry_after("3e11", NOW)
    assert when is None and "neither seconds nor an HTTP date" in note
    when, note = read_retry_after("Thu, 01 Jan 5195 00:00:00 GMT", NOW)
    assert note == "it asked to wait until 5195-01-01: waiting 24 hours at most"
    asked = NOW + timedelta(days=365 * 3000)
    upcoming = next_collection(now=NOW, every=EVERY, failures=1, http_status=429, retry_after=asked)
    assert upcoming.next_due == NOW + BACKOFF_CAP


def test_every_backoff_is_capped_even_after_many_failures() -> None:
    for failures in (40, 64, 1000, 10**6):
        upcoming = next_collection(now=NOW, every=EVERY, failures=failures, http_status=500)
        assert upcoming.next_due is not None
        assert upcoming.next_due - NOW <= BACKOFF_CAP * 1.1


def test_a_huge_retry_after_is_one_failure_in_words_and_a_day_at_most(
    write_config: Callable[..., Config], feed_server: FeedServer, store: Store
) -> None:
    feed_server.routes["/huge.xml"] = Route(status=429, headers={"Retry-After": "300000000000"})
    feed_server.routes["/year.xml"] = Route(status=503, headers={"Retry-After": "99999999999"})
    config = write_config(
        sources=[
            {"name": "Huge", "kind": "rss", "url": feed_server.url("/huge.xml")},
            {"name": "Year", "kind": "rss", "url": feed_server.url("/year.xml")},
        ]
    )
    summary = collect(config, store)
    errors = {o.name: o.error or "" for o in summary.failed}
    assert "internal error" not in errors["Huge"] and "waiting 24 hours at most" in errors["Huge"]
    for name in ("Huge", "Year"):
        state = store.source_state(name)
        assert state is not None and state.next_due is not None
        assert state.next_due - datetime.now(UTC) <= BACKOFF_CAP + timedelta(minutes=1)


def test_a_wait_stored_before_the_cap_is_over(
    write_config: Callable[..., Config], feed_server: FeedServer, store: Store
) -> None:
    feed_server.routes["/feed.xml"] = Route(ATOM_EN.encode())
    config = write_config(
        sources=[{"name": "Feed", "kind": "rss", "url": feed_server.url("/feed.xml")}]
    )
    store.sync_sources((s.name, s.kind, s.location) for s in config.sources)
    far = datetime(5195, 1, 1, tzinfo=UTC)
    store.record_collections(
        [
            CollectionRecord(
                "Feed",
                {"http_status": 429, "next_due": far, "consecutive_failures": 1},
                datetime.now(UTC),
                ok=False,
                http_status=429,
                error="asked to wait",
            )
        ]
    )
    summary = collect(config, store, due_only=True)
    assert [o.status for o in summary.outcomes] == ["ok"] and not summary.skipped

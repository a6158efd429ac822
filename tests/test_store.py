"""The store: idempotent writes, updates that keep first_seen, schema versions, WAL."""

from __future__ import annotations

import dataclasses
import fcntl
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from presswatch.errors import StoreError
from presswatch.models import Article, Mention, make_article_id
from presswatch.store import SCHEMA_VERSION, Store
from presswatch.store.migrations import MIGRATION_LOCK_KEY


def make_article(**changes: object) -> Article:
    base = Article(
        id=make_article_id("https://example.com/a?utm_source=x", "Feed", "guid-1"),
        source="Feed",
        entry_key="guid-1",
        title="Mistral AI lève 600 millions",
        text="Mistral AI lève des fonds.",
        url="https://example.com/a",
        outlet="Exemple",
        published=datetime(2024, 6, 11, 8, 30, tzinfo=UTC),
        date_precision="datetime",
        date_source="feed",
        language="fr",
        mentions=(
            Mention(
                "Mistral AI",
                "Mistral AI",
                "Mistral AI",
                "text",
                0,
                10,
                "Mistral AI lève des fonds.",
                "lead",
            ),
        ),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_writing_the_same_article_twice_changes_nothing(store: Store) -> None:
    first = store.save_articles([make_article()])
    second = store.save_articles([make_article()])
    assert (first.new, first.updated, first.unchanged) == (1, 0, 0)
    assert (second.new, second.updated, second.unchanged) == (0, 0, 1)
    assert store.count_articles() == 1
    assert len(store.mentions_frame()) == 1


def test_a_changed_article_is_updated_and_keeps_first_seen(store: Store) -> None:
    store.save_articles([make_article()])
    before = store.articles_frame().iloc[0]
    edited = make_article(text="Mistral AI lève des fonds. Le Chat aussi.", mentions=())
    counts = store.save_articles([edited])
    after = store.articles_frame().iloc[0]
    assert counts.updated == 1
    assert after["first_seen"] == before["first_seen"]
    assert after["content_hash"] != before["content_hash"]
    assert store.mentions_frame().empty  # mentions follow the new text
    stored = store.get_article(edited.id)
    assert stored is not None and stored.text.endswith("Le Chat aussi.")


def test_the_same_article_from_two_sources_is_stored_once(store: Store) -> None:
    store.save_articles([make_article()])
    other = make_article(
        source="Other feed",
        entry_key="other-guid",
        id=make_article_id("https://EXAMPLE.COM/a#top", "Other feed", "x"),
    )
    store.save_articles([other])
    frame = store.articles_frame()
    assert len(frame) == 1
    assert frame.iloc[0]["source_count"] == 2


def test_dates_come_back_in_utc(store: Store) -> None:
    store.save_articles([make_article()])
    article = store.get_article(make_article().id)
    assert article is not None
    assert article.published == datetime(2024, 6, 11, 8, 30, tzinfo=UTC)
    assert article.mentions[0].sentence == "Mistral AI lève des fonds."


def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="naive datetime"):
        store.save_articles([make_article(published=datetime(2024, 1, 1))])
    assert store.count_articles() == 0


def test_sqlite_runs_in_wal_mode_with_a_schema_version(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'wal.db'}") as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert store.schema_version() == SCHEMA_VERSION


def test_a_newer_schema_is_refused(db_url: str) -> None:
    url = db_url
    with Store(url) as store, store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE meta SET value = '999' WHERE key = 'schema_version'"))
    with pytest.raises(StoreError, match="newer than this presswatch"):
        Store(url)


def test_reopening_migrates_nothing(db_url: str) -> None:
    url = db_url
    with Store(url) as first:
        assert first.migrations_done == [f"created schema version {SCHEMA_VERSION}"]
    with Store(url) as second:
        assert second.migrations_done == []


@contextmanager
def migration_lock_held(url: str) -> Iterator[None]:
    """The lock migrations take (a lock file for SQLite, an advisory lock on PostgreSQL),
    held by another holder for the block."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        with open(str(parsed.database) + ".migrate.lock", "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        return
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            yield
    finally:
        engine.dispose()


def test_opening_an_archive_at_this_version_waits_for_no_migration(store: Store) -> None:
    """A store at SCHEMA_VERSION opens without the migration lock (every command and page
    opens one): it does not wait behind a migration of another process."""
    opened: list[list[str]] = []

    def open_store() -> None:
        with Store(store.url) as again:
            opened.append(again.migrations_done)

    with migration_lock_held(store.url):
        thread = threading.Thread(target=open_store, daemon=True)
        thread.start()
        thread.join(timeout=30)
        assert opened == [[]], "the open waited for the migration lock"
    thread.join(timeout=30)


def test_source_state_is_kept(store: Store) -> None:
    store.sync_sources([("Feed", "rss", "http://127.0.0.1/feed")])
    store.update_source_state("Feed", etag='"v1"', consecutive_failures=2, error="boom")
    store.sync_sources([("Feed", "rss", "http://127.0.0.1/feed")])
    state = store.source_state("Feed")
    assert state is not None and state.etag == '"v1"' and state.consecutive_failures == 2
    store.sync_sources([("Feed", "rss", "http://127.0.0.1/moved")])
    moved = store.source_state("Feed")
    assert moved is not None and moved.etag is None  # a new address forgets old validators


@pytest.mark.slow
def test_processes_opening_a_new_database_at_once_take_turns(db_url: str) -> None:
    url = db_url
    code = f"from presswatch.store import Store; Store({url!r}).close()"
    processes = [
        subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE) for _ in range(6)
    ]
    errors = [p.communicate(timeout=120)[1].decode() for p in processes]
    assert [p.returncode for p in processes] == [0] * 6, errors
    with Store(url) as store:
        assert store.schema_version() == SCHEMA_VERSION and store.migrations_done == []


def test_nul_characters_are_dropped_on_every_backend(store: Store) -> None:
    saved = make_article(text="Mistral AI\x00 lève des fonds.", title="Titre\x00")
    store.save_articles([saved])
    article = store.get_article(saved.id)
    assert article is not None and article.text == "Mistral AI lève des fonds."
    assert article.title == "Titre"


def test_claims_keep_a_source_to_one_worker_until_its_lease_expires(postgres_url: str) -> None:
    store = Store(postgres_url)

    store.sync_sources([("A", "rss", "http://127.0.0.1/a"), ("B", "rss", "http://127.0.0.1/b")])
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    lease = timedelta(minutes=10)
    assert store.claim_sources(["A", "B"], "w1", now, lease) == ["A", "B"]
    assert store.claim_sources(["A", "B"], "w2", now, lease) == []
    # The holder may claim again (a retry after a database error).
    assert store.claim_sources(["A"], "w1", now, lease) == ["A"]
    store.release_sources("w1", ["B"])
    assert store.claim_sources(["A", "B"], "w2", now, lease) == ["B"]
    # w1 died: once its lease has expired, its source is taken over.
    assert store.claim_sources(["A"], "w2", now + lease + timedelta(seconds=1), lease) == ["A"]
    state = store.source_state("A")
    assert state is not None and state.lease_owner == "w2"
    # A source collected since (next due later) is not claimed by a scheduled worker.
    store.release_sources("w2", ["A", "B"])
    store.update_source_state("A", next_due=now + timedelta(minutes=30))
    assert store.claim_sources(["A", "B"], "w3", now, lease, due_only=True) == ["B"]
    assert store.claim_sources(["A"], "w3", now, lease) == ["A"]
    store.close()


def test_on_sqlite_a_killed_collectors_claim_does_not_block_the_next(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'one.db'}") as store:
        store.sync_sources([("A", "rss", "http://127.0.0.1/a")])
        now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
        assert store.claim_sources(["A"], "killed", now, timedelta(hours=1)) == ["A"]
        assert store.claim_sources(["A"], "next", now, timedelta(hours=1)) == ["A"]


def test_two_writers_storing_the_same_articles_at_once_store_them_once(db_url: str) -> None:
    articles = [
        make_article(
            id=make_article_id(f"https://example.com/{n}", "Feed", str(n)), entry_key=str(n)
        )
        for n in range(200)
    ]
    with Store(db_url) as first, Store(db_url) as second:
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def write(store: Store, source: str) -> None:
            barrier.wait()
            try:
                for start in range(0, 200, 20):
                    batch = [dataclasses.replace(a, source=source) for a in articles]
                    store.save_articles(batch[start : start + 20])
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [
            threading.Thread(target=write, args=(first, "Feed 1")),
            threading.Thread(target=write, args=(second, "Feed 2")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        assert first.count_articles() == 200
        mentions = first.mentions_frame()
        assert len(mentions) == 200 * len(articles[0].mentions)
        with first.engine.connect() as conn:
            links = conn.execute(sa.text("SELECT count(*) FROM article_sources")).scalar_one()
        assert links == 400  # both sources recorded on every article


def test_a_wrong_password_names_the_database_but_not_the_password(
    postgres_server: str,
) -> None:
    url = sa.engine.make_url(postgres_server).set(
        username="nobody", password="s3cret-pw", database="missing"
    )
    with pytest.raises(StoreError) as caught:
        Store(url.render_as_string(hide_password=False))
    message = str(caught.value)
    assert "s3cret-pw" not in message and "***" in message
    assert "cannot reach database" in message and "nobody" in message


def test_sqlite_gets_planner_statistics_as_the_archive_grows(tmp_path: Path) -> None:
    """SQLite gathers no statistics by itself: the store does, when the archive is new
    or has grown by a tenth, and a collection run asks for them."""
    store = Store(f"sqlite:///{tmp_path / 'stats.db'}")

    def statistics() -> set[str]:
        with store.engine.connect() as conn:
            if not conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
            ).first():
                return set()
            return {row[0] for row in conn.exec_driver_sql("SELECT idx FROM sqlite_stat1")}

    assert statistics() == set()
    articles = [
        make_article(id=f"a{n}", entry_key=str(n), url=f"https://example.com/{n}")
        for n in range(300)
    ]
    store.save_articles(articles[:10])
    assert store.refresh_statistics() is True
    assert {"ix_coverage_published", "ix_mentions_article"} <= statistics()
    assert store.refresh_statistics() is False  # nothing new
    store.save_articles(articles[10:20])
    assert store.refresh_statistics() is False  # not yet a tenth more (and 100)
    store.save_articles(articles[20:])
    assert store.refresh_statistics() is True
    store.close()


def test_authors_of_some_articles_are_their_distinct_author_fields(store: Store) -> None:
    first = make_article(author="Jeanne Roux")
    second = make_article(
        id=make_article_id("https://example.com/b", "Feed", "guid-2"),
        entry_key="guid-2",
        url="https://example.com/b",
        author="Jeanne Roux",
    )
    third = make_article(
        id=make_article_id("https://example.com/c", "Feed", "guid-3"),
        entry_key="guid-3",
        url="https://example.com/c",
        author="Sam Lee",
    )
    unsigned = make_article(
        id=make_article_id("https://example.com/d", "Feed", "guid-4"),
        entry_key="guid-4",
        url="https://example.com/d",
    )
    store.save_articles([first, second, third, unsigned])
    assert store.authors([first.id, second.id, unsigned.id]) == ["Jeanne Roux"]
    assert store.authors([a.id for a in (first, third, unsigned)]) == ["Jeanne Roux", "Sam Lee"]
    assert store.authors([]) == []


def test_reads_on_postgresql_share_a_read_only_snapshot_and_leave_the_pool_as_it_was(
    postgres_url: str,
) -> None:
    """``reading()``: one snapshot (a write committed meanwhile is not seen), read-only,
    its sort memory and full-read planning set; the connection then goes back to the pool
    in its default mode, so a write on it after works."""
    store = Store(postgres_url)
    store.set_meta("probe", "before")
    modes = ("transaction_isolation", "transaction_read_only", "work_mem")
    try:
        with store._begin() as conn:
            defaults = [conn.execute(sa.text(f"SHOW {name}")).scalar_one() for name in modes]
        assert defaults[:2] == ["read committed", "off"]
        with store.reading() as conn:
            used = conn.connection.dbapi_connection
            assert store.get_meta("probe") == "before"
            show = [
                conn.execute(sa.text(f"SHOW {name}")).scalar_one()
                for name in (
                    "transaction_isolation",
                    "transaction_read_only",
                    "work_mem",
                    "cursor_tuple_fraction",
                )
            ]
            assert show == ["repeatable read", "on", "64MB", "1"]
            first = conn.execute(sa.text("SELECT value FROM meta WHERE key = 'probe'")).scalar()
            store.set_meta("probe", "after")  # another connection, committed
            again = conn.execute(sa.text("SELECT value FROM meta WHERE key = 'probe'")).scalar()
            assert first == again == "before"
            with pytest.raises(sa.exc.InternalError, match="read-only transaction"):
                conn.execute(sa.text("UPDATE meta SET value = 'x' WHERE key = 'probe'"))
        with store.reading(first_rows=True) as conn:
            assert conn.execute(sa.text("SHOW cursor_tuple_fraction")).scalar_one() == "0.1"
            assert conn.execute(sa.text("SHOW work_mem")).scalar_one() == "64MB"
        # The pool hands its connections out in turn: find the one the reads used.
        for _ in range(5):
            with store._begin() as conn:
                if conn.connection.dbapi_connection is not used:
                    continue
                show = [conn.execute(sa.text(f"SHOW {name}")).scalar_one() for name in modes]
                assert show == defaults
                conn.execute(sa.text("UPDATE meta SET value = 'written' WHERE key = 'probe'"))
                break
        else:
            pytest.fail("the connection of the reads never came back from the pool")
        assert store.get_meta("probe") == "written"
    finally:
        store.close()

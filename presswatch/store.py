"""The only module that speaks SQL: SQLAlchemy Core over SQLite (WAL) or PostgreSQL."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from presswatch import search
from presswatch.errors import StoreError
from presswatch.models import (
    UNKNOWN_OUTLET,
    Article,
    CollectionRecord,
    CompanyTone,
    FileState,
    Mention,
    SaveCounts,
    SourceState,
    Topic,
)

SCHEMA_VERSION = 11
# Memory for the sorts of one aggregate query on PostgreSQL (read_frame's ``grouping``).
GROUPING_WORK_MEM = "64MB"


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: the same on SQLite and PostgreSQL."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Convert an aware datetime to naive UTC before it is written."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise StoreError(f"refusing to store a naive datetime ({value}); give it a timezone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Mark a stored naive UTC datetime as UTC."""
        return value.replace(tzinfo=UTC) if value is not None else None


metadata = sa.MetaData()


def _article_reference(*, primary_key: bool = False) -> sa.Column[str]:
    """The article_id column of a table that hangs on articles (deleted with them)."""
    return sa.Column(
        "article_id",
        sa.String(40),
        sa.ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


meta_table = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

sources_table = sa.Table(
    "sources",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("location", sa.Text, nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("last_attempt", UTCDateTime),
    sa.Column("last_success", UTCDateTime),
    sa.Column("http_status", sa.Integer),
    sa.Column("error", sa.Text),
    sa.Column("consecutive_failures", sa.Integer, nullable=False, default=0),
    sa.Column("entries_seen", sa.Integer, nullable=False, default=0),
    sa.Column("entries_new", sa.Integer, nullable=False, default=0),
    sa.Column("next_due", UTCDateTime),
    sa.Column("disabled_reason", sa.Text),
    # Several collectors on one PostgreSQL: the worker fetching the source now, and until
    # when its claim holds (a dead worker's sources are taken over once it expires).
    sa.Column("lease_owner", sa.String(200)),
    sa.Column("lease_until", UTCDateTime),
)

articles_table = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("url", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("outlet", sa.Text),
    sa.Column("author", sa.Text),
    sa.Column("published", UTCDateTime),
    sa.Column("date_precision", sa.String(16)),
    sa.Column("date_source", sa.String(32)),
    sa.Column("language", sa.String(8)),
    sa.Column("flags", sa.Text, nullable=False, default=""),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("first_seen", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    # Republished copies share a story id: the id of the first copy seen (stories.py).
    sa.Column("story_id", sa.String(40)),
    sa.Column("signature", sa.LargeBinary),
    sa.Column("tone_score", sa.Float),
    sa.Column("tone_label", sa.String(8)),
    sa.Index("ix_articles_published", "published"),
    sa.Index("ix_articles_story", "story_id"),
)

article_sources_table = sa.Table(
    "article_sources",
    metadata,
    _article_reference(primary_key=True),
    sa.Column("source", sa.String(200), primary_key=True),
    sa.Column("entry_key", sa.Text, nullable=False),
    sa.Column("first_seen", UTCDateTime, nullable=False),
    sa.Index("ix_article_sources_source", "source"),
)

mentions_table = sa.Table(
    "mentions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _article_reference(),
    sa.Column("company", sa.String(200), nullable=False),
    sa.Column("alias", sa.Text, nullable=False),
    sa.Column("matched", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("field", sa.String(8), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("sentence", sa.Text, nullable=False),
    sa.Column("prominence", sa.String(8), nullable=False),
    sa.Column("tone_score", sa.Float),
    sa.Column("tone_label", sa.String(8)),
    sa.Index("ix_mentions_article", "article_id"),
    sa.Index("ix_mentions_company", "company"),
)

tones_table = sa.Table(
    "tones",
    metadata,
    _article_reference(primary_key=True),
    sa.Column("company", sa.String(200), primary_key=True),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("label", sa.String(8), nullable=False),
    sa.Column("evidence", sa.Text, nullable=False),
)

topics_table = sa.Table(
    "topics",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _article_reference(),
    sa.Column("topic", sa.String(200), nullable=False),
    sa.Column("keyword", sa.Text, nullable=False),
    sa.Column("sentence", sa.Text, nullable=False),
    sa.Index("ix_topics_article", "article_id"),
    sa.Index("ix_topics_topic", "topic"),
)

# One row per (article, company it mentions): what the overview's figures count. Written
# with the mentions at analysis time (and when a story or a tone correction changes), so
# that the database groups an indexed range of dates without joining the articles or
# counting distinct over millions of mentions (bench/bench_store_queries.py).
coverage_table = sa.Table(
    "coverage",
    metadata,
    _article_reference(primary_key=True),
    sa.Column("company", sa.String(200), primary_key=True),
    sa.Column("published", UTCDateTime),
    sa.Column("date_precision", sa.String(16)),
    sa.Column("outlet", sa.Text),
    sa.Column("language", sa.String(8)),
    sa.Column("story_id", sa.String(40), nullable=False),
    sa.Column("mentions", sa.Integer, nullable=False),
    # The article's tone towards the company: a person's correction, else the model's.
    sa.Column("tone", sa.String(8)),
    # Whether this row is its story's first for the company (dated before undated, then
    # by date and article id): summed, the unique stories of any period that starts at the
    # archive's beginning, without counting distinct over the rows.
    sa.Column("story_first", sa.Boolean, nullable=False, server_default=sa.false()),
    # The same for the story, the company and the outlet: the top outlets' unique stories.
    sa.Column("outlet_first", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_coverage_published", "published", "company"),
    # Articles known to the month or year are found by their own short range of dates.
    sa.Index("ix_coverage_precision", "date_precision", "published"),
    sa.Index("ix_coverage_story", "story_id", "company"),
)

# Rollups of the coverage rows per day (an ISO date; '' for undated articles, and '' for
# any missing precision, language or tone, so that keys compare equal), kept up to date
# in the same transaction as coverage by adding and subtracting each change. Figures of
# long periods read a few thousand rows instead of millions (bench_store_queries).
daily_coverage_table = sa.Table(
    "daily_coverage",
    metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("company", sa.String(200), primary_key=True),
    sa.Column("date_precision", sa.String(16), primary_key=True),
    sa.Column("language", sa.String(8), primary_key=True),
    sa.Column("tone", sa.String(8), primary_key=True),
    sa.Column("articles", sa.Integer, nullable=False),  # (article, company) rows
    sa.Column("mentions", sa.Integer, nullable=False),
    sa.Column("stories", sa.Integer, nullable=False),  # rows that are their story's first
)

# Articles per day and set of companies they mention (sorted names, one per line): the
# articles of any choice of companies are the sum over the sets that meet it, so distinct
# articles are counted without reading the coverage rows.
daily_articles_table = sa.Table(
    "daily_articles",
    metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("date_precision", sa.String(16), primary_key=True),
    sa.Column("language", sa.String(8), primary_key=True),
    sa.Column("companies", sa.Text, primary_key=True),
    sa.Column("articles", sa.Integer, nullable=False),
)

# Articles and unique stories per day, company and outlet (UNKNOWN_OUTLET for none): the
# top outlets of a view without a start, a language, a tone or a topic, read without
# grouping millions of coverage rows.
daily_outlets_table = sa.Table(
    "daily_outlets",
    metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("company", sa.String(200), primary_key=True),
    sa.Column("outlet", sa.Text, primary_key=True),
    sa.Column("articles", sa.Integer, nullable=False),  # (article, company) rows
    sa.Column("stories", sa.Integer, nullable=False),  # rows first of story at the outlet
)

# A person's tone: it always wins over the model. company NULL is the article's overall
# tone; field and start name one mention.
corrections_table = sa.Table(
    "corrections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(40), nullable=False),
    sa.Column("company", sa.String(200)),
    sa.Column("field", sa.String(8)),
    sa.Column("start", sa.Integer),
    sa.Column("label", sa.String(8), nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_corrections_article", "article_id"),
)

# One row per source per collection: the history that coverage gaps are read from.
source_events_table = sa.Table(
    "source_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Column("http_status", sa.Integer),
    sa.Column("error", sa.Text),
    sa.Column("articles_new", sa.Integer, nullable=False, default=0),
    sa.Index("ix_source_events_source_at", "source", "at"),
)

# Every alert, with its delivery state: an alert is never lost silently.
alerts_table = sa.Table(
    "alerts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("rule", sa.String(32), nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("links", sa.Text, nullable=False, default="[]"),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("last_error", sa.Text),
    sa.Column("sent_at", UTCDateTime),
    sa.Index("ix_alerts_rule_subject", "rule", "subject"),
)

files_table = sa.Table(
    "files",
    metadata,
    sa.Column("source", sa.String(200), primary_key=True),
    sa.Column("path", sa.Text, primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("mtime_ns", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    # The path the file had when first read: a moved file keeps its article.
    sa.Column("identity", sa.Text, nullable=False),
)

runs_table = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime),
    sa.Column("sources_ok", sa.Integer, nullable=False, default=0),
    sa.Column("sources_failed", sa.Integer, nullable=False, default=0),
    sa.Column("articles_new", sa.Integer, nullable=False, default=0),
    sa.Column("articles_updated", sa.Integer, nullable=False, default=0),
    sa.Column("errors", sa.Text, nullable=False, default="[]"),
)


def _add_story_columns(conn: Connection) -> None:
    binary = sa.LargeBinary().compile(dialect=conn.dialect)
    conn.execute(sa.text("ALTER TABLE articles ADD COLUMN story_id VARCHAR(40)"))
    conn.execute(sa.text(f"ALTER TABLE articles ADD COLUMN signature {binary}"))
    # Until `presswatch reanalyze` groups them, every stored article is its own story.
    conn.execute(sa.text("UPDATE articles SET story_id = id"))
    conn.execute(sa.text("CREATE INDEX ix_articles_story ON articles (story_id)"))


# Upgrades from version N-1 to N, applied in order to an existing database. A new database
# is created at the latest version directly.
def _add_tone_and_topics(conn: Connection) -> None:
    for name in ("mentions", "articles"):
        conn.execute(sa.text(f"ALTER TABLE {name} ADD COLUMN tone_score FLOAT"))
        conn.execute(sa.text(f"ALTER TABLE {name} ADD COLUMN tone_label VARCHAR(8)"))
    for table in (tones_table, topics_table, corrections_table):
        table.create(conn)


def _add_leases(conn: Connection) -> None:
    timestamp = sa.DateTime().compile(dialect=conn.dialect)
    conn.execute(sa.text("ALTER TABLE sources ADD COLUMN lease_owner VARCHAR(200)"))
    conn.execute(sa.text(f"ALTER TABLE sources ADD COLUMN lease_until {timestamp}"))


def _rebuild_with_rollups(conn: Connection) -> None:
    # Coverage rows from before schema 10 lack outlet_first (before 9, story_first too):
    # the table is rewritten whole, with every rollup, in publication order.
    conn.execute(sa.text("DROP TABLE IF EXISTS coverage"))
    coverage_table.create(conn)
    for table in (daily_coverage_table, daily_articles_table, daily_outlets_table):
        table.create(conn, checkfirst=True)
    _rebuild_coverage(conn)


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    2: _add_story_columns,
    3: lambda conn: files_table.create(conn),
    4: _add_tone_and_topics,
    5: lambda conn: source_events_table.create(conn),
    6: lambda conn: alerts_table.create(conn),
    7: _add_leases,
    8: lambda conn: None,  # the coverage table, made whole by 10
    9: lambda conn: None,  # the first rollups, made by 10 with the others
    10: _rebuild_with_rollups,
    11: search.create_index,
}

# Tables in the order their rows can be written (a row's references come first): the order
# of `presswatch copy`.
COPY_ORDER: tuple[sa.Table, ...] = (
    meta_table,
    sources_table,
    articles_table,
    article_sources_table,
    mentions_table,
    tones_table,
    topics_table,
    corrections_table,
    coverage_table,
    daily_coverage_table,
    daily_articles_table,
    daily_outlets_table,
    source_events_table,
    alerts_table,
    files_table,
    runs_table,
)

# SQLSTATEs of a write that lost a race with another worker and may simply be tried again:
# unique violation, serialization failure, deadlock.
RETRYABLE_SQLSTATES = frozenset({"23505", "40001", "40P01"})


# Any fixed number, the same in every presswatch process: the key of the advisory lock
# that serialises schema migrations on PostgreSQL.
MIGRATION_LOCK_KEY = 0x70726573


def shares_work(url: str) -> bool:
    """Whether several collectors may run on this database: on PostgreSQL they share the
    sources by claiming them; SQLite has one collector (watch.collector_lock)."""
    return sa.engine.make_url(url).get_backend_name() == "postgresql"


def _now() -> datetime:
    return datetime.now(UTC)


# C0 control characters but tab, line feed and carriage return: invalid in XML, never
# meaningful in an article, and NUL is refused by PostgreSQL.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What COPY writes for NULL in _copy_frame: a control character, which _clean keeps out of
# every stored text, so no text can be mistaken for it.
_COPY_NULL = "\x01"


def _clean(value: Any) -> Any:
    """Text without control characters (tab and line breaks kept)."""
    return _CONTROLS.sub("", value) if isinstance(value, str) else value


def _retryable(exc: BaseException) -> bool:
    """Whether a failed write lost a race with another worker and can be tried again."""
    cause = exc.__cause__
    if isinstance(cause, sa.exc.IntegrityError):
        return True
    return getattr(getattr(cause, "orig", None), "sqlstate", None) in RETRYABLE_SQLSTATES


def _redact(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the dashboard read while the collector writes; busy_timeout waits out a
    # short lock instead of failing at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Store:
    """The archive: sources and their state, articles, mentions, collection runs."""

    def __init__(self, url: str, *, create: bool = True) -> None:
        self.url = url
        self.engine: Engine = self._connect(url, create)
        self.migrations_done = self.migrate()

    @staticmethod
    def _connect(url: str, create: bool) -> Engine:
        try:
            parsed = sa.engine.make_url(url)
        except sa.exc.ArgumentError as exc:
            raise StoreError(f"database '{url}' is not a path or a database URL: {exc}") from None
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            path = Path(parsed.database or "")
            if not path.exists() and not create:
                raise StoreError(f"no database at {path}; run `presswatch collect` first")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the folder of {path}: {exc.strerror}") from None
        try:
            # pre_ping: after a server restart, a pooled connection is found dead and
            # replaced before use instead of failing the next write.
            engine = sa.create_engine(url, pool_pre_ping=parsed.get_backend_name() != "sqlite")
        except (SQLAlchemyError, ImportError) as exc:
            raise StoreError(f"cannot open database {_redact(url)}: {exc}") from None
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    @property
    def display_url(self) -> str:
        """The database's URL as it may be printed: without its password."""
        return _redact(self.url)

    @property
    def backend(self) -> str:
        """The database's kind: sqlite or postgresql."""
        return self.engine.dialect.name

    @property
    def shares_work(self) -> bool:
        """Whether several collectors may write here at once (they claim sources)."""
        return shares_work(self.url)

    def database_size(self) -> int | None:
        """Bytes the database takes (SQLite: its files, WAL included), or None if unknown."""
        if self.backend == "postgresql":
            with self._begin() as conn:
                return int(
                    conn.execute(
                        sa.text("SELECT pg_database_size(current_database())")
                    ).scalar_one()
                )
        database = sa.engine.make_url(self.url).database
        if self.backend != "sqlite" or not database or database == ":memory:":
            return None
        path = Path(database)
        return (
            sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file()) or None
        )

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except StoreError:
            raise
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc

    @contextmanager
    def reading(self, *, first_rows: bool = False) -> Iterator[Connection]:
        """One transaction for reads that go together (an export's rows and their details):
        one snapshot on PostgreSQL, and room to sort in memory; errors as StoreError.

        ``first_rows``: the reader stops early (a list's first page), so cursors are planned
        for their first rows, as PostgreSQL does by default.
        """
        with self._begin() as conn:
            if self.backend == "postgresql":
                conn.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
                conn.execute(sa.text(f"SET LOCAL work_mem = '{GROUPING_WORK_MEM}'"))
                if not first_rows:
                    # Plans for reading every row: a cursor's plan would favour the first.
                    conn.execute(sa.text("SET LOCAL cursor_tuple_fraction = 1.0"))
            yield conn

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """A connection outside any transaction block (autocommit), errors as StoreError."""
        try:
            with self.engine.connect() as conn:
                yield conn.execution_options(isolation_level="AUTOCOMMIT")
        except StoreError:
            raise
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc

    def _error(self, exc: SQLAlchemyError) -> StoreError:
        """One line naming the database (never its password) and what went wrong."""
        cause = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        first = cause[0] if cause else exc.__class__.__name__
        if isinstance(exc, sa.exc.OperationalError) and self.engine.dialect.name != "sqlite":
            return StoreError(
                f"cannot reach database {_redact(self.url)}: {first} (is the server running, "
                "and are the URL's host, port, user, password and database right?)"
            )
        return StoreError(f"database {_redact(self.url)}: {exc.__class__.__name__}: {first}")

    # -- schema -----------------------------------------------------------------------

    def schema_version(self) -> int:
        """The schema version stored in the database (0 for an empty database)."""
        with self._begin() as conn:
            if not sa.inspect(conn).has_table("meta"):
                return 0
            row = conn.execute(
                sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")
            ).first()
            return int(row[0]) if row else 0

    def migrate(self) -> list[str]:
        """Bring the schema to SCHEMA_VERSION; return what was done, one line per step.

        Processes opening a new SQLite file at once (the collector and the dashboard of
        `presswatch run`) take turns: a lock file beside the database serialises migrations.
        """
        with self._migration_lock():
            return self._migrate()

    @contextmanager
    def _migration_lock(self) -> Iterator[None]:
        parsed = sa.engine.make_url(self.url)
        if parsed.get_backend_name() == "postgresql":
            # Workers starting together on a new database: one creates the schema, the
            # others wait for it (a session-level advisory lock, released on close).
            with self._connection() as conn:
                conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
                try:
                    yield
                finally:
                    conn.execute(
                        sa.text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY}
                    )
            return
        if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
            yield
            return
        import fcntl

        with open(str(parsed.database) + ".migrate.lock", "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def _migrate(self) -> list[str]:
        done: list[str] = []
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"database {_redact(self.url)} has schema version {current}, newer than this "
                f"presswatch ({SCHEMA_VERSION}); upgrade presswatch"
            )
        with self._begin() as conn:
            if current == 0:
                metadata.create_all(conn)
                search.create_index(conn)
                done.append(f"created schema version {SCHEMA_VERSION}")
            else:
                for version in range(current + 1, SCHEMA_VERSION + 1):
                    MIGRATIONS[version](conn)
                    done.append(f"migrated schema {version - 1} -> {version}")
            if done:
                self._set_meta(conn, "schema_version", str(SCHEMA_VERSION))
        return done

    def get_meta(self, key: str) -> str | None:
        """A value of the key-value ``meta`` table, or None."""
        with self._begin() as conn:
            return conn.execute(
                sa.select(meta_table.c.value).where(meta_table.c.key == key)
            ).scalar_one_or_none()

    def set_meta(self, key: str, value: str) -> None:
        """Write a value of the key-value ``meta`` table."""
        with self._begin() as conn:
            self._set_meta(conn, key, value)

    @staticmethod
    def _set_meta(conn: Connection, key: str, value: str) -> None:
        updated = conn.execute(
            sa.update(meta_table).where(meta_table.c.key == key).values(value=value)
        )
        if updated.rowcount == 0:
            conn.execute(sa.insert(meta_table).values(key=key, value=value))

    # -- articles ---------------------------------------------------------------------

    def save_articles(self, articles: Iterable[Article]) -> SaveCounts:
        """Insert new articles, update changed ones (keeping first_seen), skip unchanged ones.

        Each batch is one transaction: a run killed mid-way leaves no half-written article.
        """
        counts = SaveCounts()
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= 500:
                counts.add(self._save_batch(batch))
                batch = []
        if batch:
            counts.add(self._save_batch(batch))
        return counts

    def _save_batch(self, articles: Sequence[Article]) -> SaveCounts:
        # Two workers may store the same article (from two feeds) at the same moment: the
        # one that loses the race rolls back and tries again, and then sees the other's row.
        for attempt in range(5):
            try:
                return self._save_batch_once(articles)
            except StoreError as exc:
                if attempt == 4 or not _retryable(exc):
                    raise
        raise AssertionError("unreachable")

    def _save_batch_once(self, articles: Sequence[Article]) -> SaveCounts:
        counts = SaveCounts()
        now = _now()
        # The last copy of an id in a batch wins, as if the batch were written one by one.
        unique = {a.id: a for a in articles}
        with self._begin() as conn:
            # FOR UPDATE (PostgreSQL): a concurrent batch touching the same articles waits
            # for this one, so their mentions are never written twice.
            existing = dict(
                conn.execute(
                    sa.select(articles_table.c.id, articles_table.c.content_hash)
                    .where(articles_table.c.id.in_(list(unique)))
                    .order_by(articles_table.c.id)
                    .with_for_update()
                ).all()
            )
            known_links: set[tuple[str, str]] = {
                (row[0], row[1])
                for row in conn.execute(
                    sa.select(
                        article_sources_table.c.article_id, article_sources_table.c.source
                    ).where(article_sources_table.c.article_id.in_(list(unique)))
                )
            }
            inserts: list[dict[str, Any]] = []
            links: list[dict[str, Any]] = []
            analysed: list[Article] = []
            for article in unique.values():
                digest = article.content_hash
                values = _article_values(article, digest)
                previous = existing.get(article.id)
                if previous is None:
                    inserts.append({**values, "first_seen": now, "updated_at": now})
                    analysed.append(article)
                    counts.new += 1
                    counts.new_ids.append(article.id)
                elif previous != digest:
                    if article.date_source == "first_seen":
                        # Keep the date it was first seen with, not the time of this edit.
                        for key in ("published", "date_precision", "date_source"):
                            values.pop(key)
                    conn.execute(
                        sa.update(articles_table)
                        .where(articles_table.c.id == article.id)
                        .values(**values, updated_at=now)
                    )
                    analysed.append(article)
                    counts.updated += 1
                    counts.updated_ids.append(article.id)
                else:
                    counts.unchanged += 1
            # Every copy's source, not only the last copy's: a batch may hold one article
            # from two feeds.
            for article in articles:
                if (article.id, article.source) not in known_links:
                    known_links.add((article.id, article.source))
                    links.append(
                        {
                            "article_id": article.id,
                            "source": article.source,
                            "entry_key": article.entry_key,
                            "first_seen": now,
                        }
                    )
            # One statement per table for the whole batch: far fewer round trips than one
            # per article (bench/bench_feeds.py).
            if inserts:
                conn.execute(sa.insert(articles_table), inserts)
            self._write_analyses(
                conn, analysed, replace=counts.updated > 0, new=frozenset(counts.new_ids)
            )
            if links:
                conn.execute(sa.insert(article_sources_table), links)
        return counts

    @staticmethod
    def _write_analyses(
        conn: Connection,
        articles: Sequence[Article],
        *,
        replace: bool,
        coverage: bool = True,
        new: frozenset[str] = frozenset(),
    ) -> None:
        """Write the mentions, tones and topics of several articles in one statement each,
        and (unless told not to, by a caller that changes the articles after) their coverage;
        ``new``: the ids of these articles that were not stored before."""
        if not articles:
            return
        ids = [a.id for a in articles]
        if replace:
            for table in (mentions_table, tones_table, topics_table):
                conn.execute(sa.delete(table).where(table.c.article_id.in_(ids)))
        mentions = [_mention_row(a.id, m) for a in articles for m in a.mentions]
        tones = [
            {
                "article_id": a.id,
                "company": t.company,
                "score": t.score,
                "label": t.label,
                "evidence": _clean(t.evidence),
            }
            for a in articles
            for t in a.company_tones
        ]
        topics = [
            {
                "article_id": a.id,
                "topic": t.topic,
                "keyword": _clean(t.keyword),
                "sentence": _clean(t.sentence),
            }
            for a in articles
            for t in a.topics
        ]
        for table, rows in (
            (mentions_table, mentions),
            (tones_table, tones),
            (topics_table, topics),
        ):
            if rows:
                conn.execute(sa.insert(table), rows)
        if coverage:
            # A new article that names no company has no coverage row, before or after, and
            # no row of its story changes: most of a feed (5,759 of 7,200 articles in
            # bench_feeds; their writes 0.72 s -> 0.67 s).
            _refresh_coverage(conn, [a.id for a in articles if a.mentions or a.id not in new])

    def rebuild_coverage(self) -> int:
        """Rewrite the whole coverage table and its rollups from the stored mentions, tones
        and corrections (after rows were written outside presswatch); return its rows."""
        with self._begin() as conn:
            _rebuild_coverage(conn)
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(coverage_table)).scalar_one()
            )

    def content_hashes(self, ids: Iterable[str]) -> dict[str, str]:
        """The stored content hash of each of these article ids that is stored."""
        wanted = list(ids)
        found: dict[str, str] = {}
        with self._begin() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                found.update(
                    conn.execute(
                        sa.select(articles_table.c.id, articles_table.c.content_hash).where(
                            articles_table.c.id.in_(chunk)
                        )
                    ).all()
                )
        return found

    def story_rows(self, since: datetime | None = None) -> list[tuple[str, str, bytes | None]]:
        """(article id, story id, signature) of articles first seen since a time, oldest first."""
        query = sa.select(
            articles_table.c.id, articles_table.c.story_id, articles_table.c.signature
        ).order_by(articles_table.c.first_seen, articles_table.c.id)
        if since is not None:
            query = query.where(articles_table.c.first_seen >= since)
        with self._begin() as conn:
            return [(r.id, r.story_id or r.id, r.signature) for r in conn.execute(query)]

    def replace_analysis(self, article: Article) -> None:
        """Replace an article's mentions, tones, topics and story (after a reanalysis)."""
        with self._begin() as conn:
            self._write_analyses(conn, [article], replace=True, coverage=False)
            conn.execute(
                sa.update(articles_table)
                .where(articles_table.c.id == article.id)
                .values(
                    tone_score=article.tone_score,
                    tone_label=article.tone_label,
                    story_id=article.story_id or article.id,
                    signature=article.signature,
                )
            )
            _refresh_coverage(conn, [article.id])

    def iter_articles(self) -> Iterator[Article]:
        """Every stored article, without its mentions, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(articles_table).order_by(articles_table.c.first_seen, articles_table.c.id)
            )
            for row in rows.mappings():
                yield _article_from_row(row)

    def get_article(self, article_id: str) -> Article | None:
        """One article with its mentions, or None."""
        with self._begin() as conn:
            row = (
                conn.execute(sa.select(articles_table).where(articles_table.c.id == article_id))
                .mappings()
                .first()
            )
            if row is None:
                return None
            mention_rows = conn.execute(
                sa.select(mentions_table)
                .where(mentions_table.c.article_id == article_id)
                .order_by(mentions_table.c.field.desc(), mentions_table.c.start)
            ).mappings()
            mentions = tuple(
                Mention(
                    company=m["company"],
                    alias=m["alias"],
                    matched=m["matched"],
                    field=m["field"],
                    start=m["start"],
                    end=m["end"],
                    sentence=m["sentence"],
                    prominence=m["prominence"],
                    kind=m["kind"],
                    tone_score=m["tone_score"],
                    tone_label=m["tone_label"],
                )
                for m in mention_rows
            )
            tones = tuple(
                CompanyTone(t.company, t.score, t.label, t.evidence)
                for t in conn.execute(
                    sa.select(tones_table).where(tones_table.c.article_id == article_id)
                )
            )
            topics = tuple(
                Topic(t.topic, t.keyword, t.sentence)
                for t in conn.execute(
                    sa.select(topics_table)
                    .where(topics_table.c.article_id == article_id)
                    .order_by(topics_table.c.id)
                )
            )
        return dataclasses.replace(
            _article_from_row(row, mentions), company_tones=tones, topics=topics
        )

    def texts(self, ids: Iterable[str]) -> dict[str, str]:
        """Title and text of each of these articles, by id."""
        wanted = list(ids)
        found: dict[str, str] = {}
        with self._begin() as conn:
            for start in range(0, len(wanted), 500):
                rows = conn.execute(
                    sa.select(
                        articles_table.c.id, articles_table.c.title, articles_table.c.text
                    ).where(articles_table.c.id.in_(wanted[start : start + 500]))
                )
                found.update({r.id: f"{r.title or ''}\n{r.text}" for r in rows})
        return found

    def article_ids(self) -> list[str]:
        """Every stored article id."""
        with self._begin() as conn:
            return list(conn.execute(sa.select(articles_table.c.id)).scalars())

    def has_articles_since(self, moment: datetime) -> bool:
        """Whether any article was published since this moment (an index lookup)."""
        with self._begin() as conn:
            found = conn.execute(
                sa.select(articles_table.c.id).where(articles_table.c.published >= moment).limit(1)
            ).first()
        return found is not None

    def has_coverage(self) -> bool:
        """Whether any stored article mentions a company (one row of the coverage table)."""
        with self._begin() as conn:
            found = conn.execute(sa.select(coverage_table.c.article_id).limit(1)).first()
        return found is not None

    def count_articles(self) -> int:
        """How many articles are stored."""
        with self._begin() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(articles_table)).scalar_one()
            )

    # -- sources ----------------------------------------------------------------------

    def sync_sources(self, sources: Iterable[tuple[str, str, str]]) -> None:
        """Make sure each (name, kind, location) from the config has a row; keep its state."""
        with self._begin() as conn:
            known = {
                row.name: row
                for row in conn.execute(
                    sa.select(sources_table.c.name, sources_table.c.kind, sources_table.c.location)
                )
            }
            for name, kind, location in sources:
                row = known.get(name)
                if row is None:
                    conn.execute(
                        sa.insert(sources_table).values(
                            name=name,
                            kind=kind,
                            location=location,
                            consecutive_failures=0,
                            entries_seen=0,
                            entries_new=0,
                        )
                    )
                elif (row.kind, row.location) != (kind, location):
                    # A source pointed somewhere else: its HTTP validators, backoff and a
                    # 410 that disabled it no longer apply.
                    conn.execute(
                        sa.update(sources_table)
                        .where(sources_table.c.name == name)
                        .values(
                            kind=kind,
                            location=location,
                            etag=None,
                            last_modified=None,
                            next_due=None,
                            disabled_reason=None,
                            consecutive_failures=0,
                        )
                    )

    def source_state(self, name: str) -> SourceState | None:
        """The stored state of one source, or None if it was never synced."""
        with self._begin() as conn:
            row = (
                conn.execute(sa.select(sources_table).where(sources_table.c.name == name))
                .mappings()
                .first()
            )
        return SourceState(**dict(row)) if row else None

    def source_states(self) -> list[SourceState]:
        """Every source's stored state, by name."""
        with self._begin() as conn:
            rows = conn.execute(sa.select(sources_table).order_by(sources_table.c.name)).mappings()
            return [SourceState(**dict(row)) for row in rows]

    def update_source_state(self, name: str, **values: Any) -> None:
        """Write some fields of a source's state."""
        with self._begin() as conn:
            _update_source(conn, name, values)

    def claim_sources(
        self,
        names: Sequence[str],
        owner: str,
        now: datetime,
        lease: timedelta,
        *,
        due_only: bool = False,
    ) -> list[str]:
        """Claim sources for one worker until now + lease; return those it got.

        A source held by another worker whose lease has not expired is skipped (with SKIP
        LOCKED on PostgreSQL, two workers claiming at once never wait on each other); with
        ``due_only``, so is one that another worker collected since this one last looked.
        """
        if not names:
            return []
        table = sources_table
        conditions: list[sa.ColumnElement[bool]] = [table.c.name.in_(list(names))]
        if self.shares_work:
            # On SQLite the single-collector lock (watch.collector_lock) already keeps other
            # collectors out, so a lease left there is a killed collector's: ignore it.
            conditions.append(
                sa.or_(
                    table.c.lease_until.is_(None),
                    table.c.lease_until < now,
                    table.c.lease_owner == owner,
                )
            )
        if due_only:
            conditions.append(sa.or_(table.c.next_due.is_(None), table.c.next_due <= now))
        with self._begin() as conn:
            claimed = list(
                conn.execute(
                    sa.select(table.c.name)
                    .where(*conditions)
                    .order_by(table.c.name)
                    .with_for_update(skip_locked=True)
                ).scalars()
            )
            if claimed:
                conn.execute(
                    sa.update(table)
                    .where(table.c.name.in_(claimed))
                    .values(lease_owner=owner, lease_until=now + lease)
                )
        return claimed

    def release_sources(self, owner: str, names: Iterable[str]) -> None:
        """Give back the claims this worker still holds on these sources."""
        wanted = list(names)
        if not wanted:
            return
        with self._begin() as conn:
            conn.execute(
                sa.update(sources_table)
                .where(sources_table.c.name.in_(wanted), sources_table.c.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
            )

    def record_collections(self, records: Sequence[CollectionRecord]) -> None:
        """Several sources' collections in one transaction (a run of 240 feeds answering
        304 is mostly these: one commit for all of them instead of one each)."""
        if not records:
            return
        # One statement per kind of state (its set of fields), run for every source of that
        # kind: statement by statement, 240 sources cost 0.2 s of compiling and executing.
        # Sorted by name: concurrent workers take the rows' locks in one order.
        kinds: dict[tuple[str, ...], list[CollectionRecord]] = {}
        for record in sorted(records, key=lambda r: r.name):
            kinds.setdefault(tuple(sorted(record.state)), []).append(record)
        with self._begin() as conn:
            for fields, group in kinds.items():
                _check_source_fields(fields)
                statement = (
                    sa.update(sources_table)
                    .where(sources_table.c.name == sa.bindparam("source_name"))
                    .values({name: sa.bindparam(f"new_{name}") for name in fields})
                )
                conn.execute(
                    statement,
                    [
                        {"source_name": r.name, **{f"new_{k}": r.state[k] for k in fields}}
                        for r in group
                    ],
                )
            _add_source_events(conn, records)

    def record_source_event(
        self,
        name: str,
        at: datetime,
        *,
        ok: bool,
        http_status: int | None = None,
        error: str | None = None,
        articles_new: int = 0,
    ) -> None:
        """Add one collection of a source to its history."""
        with self._begin() as conn:
            _add_source_events(
                conn, [CollectionRecord(name, {}, at, ok, http_status, error, articles_new)]
            )

    def source_events_frame(self) -> pd.DataFrame:
        """Every collection of every source, oldest first."""
        frame = self.read_frame(
            sa.select(source_events_table).order_by(
                source_events_table.c.at, source_events_table.c.id
            )
        )
        frame["at"] = pd.to_datetime(frame["at"], utc=True, format="ISO8601")
        return frame

    def file_states(self, source: str) -> dict[str, FileState]:
        """The files of a folder source as last read, by relative path."""
        with self._begin() as conn:
            rows = conn.execute(sa.select(files_table).where(files_table.c.source == source))
            return {
                r.path: FileState(r.path, r.size, r.mtime_ns, r.sha256, r.identity) for r in rows
            }

    def save_file_states(self, source: str, states: Iterable[FileState]) -> None:
        """Record what was read of these files (replacing their previous records)."""
        rows = [
            {
                "source": source,
                "path": s.path,
                "size": s.size,
                "mtime_ns": s.mtime_ns,
                "sha256": s.sha256,
                "identity": s.identity,
            }
            for s in states
        ]
        if not rows:
            return
        with self._begin() as conn:
            for start in range(0, len(rows), 500):
                chunk = rows[start : start + 500]
                conn.execute(
                    sa.delete(files_table).where(
                        files_table.c.source == source,
                        files_table.c.path.in_([r["path"] for r in chunk]),
                    )
                )
                conn.execute(sa.insert(files_table), chunk)

    # -- alerts -------------------------------------------------------------------------

    def last_alert_at(self, rule: str, subject: str) -> datetime | None:
        """When an alert of this rule about this subject was last raised."""
        with self._begin() as conn:
            value = conn.execute(
                sa.select(sa.func.max(alerts_table.c.created_at)).where(
                    alerts_table.c.rule == rule, alerts_table.c.subject == subject
                )
            ).scalar_one_or_none()
        if isinstance(value, str):  # SQLite's max() of a DateTime column comes back as text
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value

    def add_alert(self, rule: str, subject: str, title: str, body: str, links: list[str]) -> int:
        """Record a new alert, pending delivery."""
        with self._begin() as conn:
            result = conn.execute(
                sa.insert(alerts_table).values(
                    rule=rule,
                    subject=subject,
                    title=title,
                    body=body,
                    links=json.dumps(links),
                    created_at=_now(),
                    state="pending",
                    attempts=0,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def pending_alerts(self) -> list[dict[str, Any]]:
        """Alerts not delivered yet, oldest first."""
        with self._begin() as conn:
            rows = conn.execute(
                sa.select(alerts_table)
                .where(alerts_table.c.state == "pending")
                .order_by(alerts_table.c.id)
            ).mappings()
            return [dict(r) for r in rows]

    def mark_alert(self, alert_id: int, state: str, attempts: int, error: str | None) -> None:
        """Record how a delivery went: sent, or failed with the error."""
        with self._begin() as conn:
            conn.execute(
                sa.update(alerts_table)
                .where(alerts_table.c.id == alert_id)
                .values(
                    state=state,
                    attempts=attempts,
                    last_error=error,
                    sent_at=_now() if state == "sent" else None,
                )
            )

    def alerts_frame(self) -> pd.DataFrame:
        """Every alert and its delivery state."""
        return self.read_frame(sa.select(alerts_table).order_by(alerts_table.c.id))

    # -- runs -------------------------------------------------------------------------

    def start_run(self) -> int:
        """Record the start of a collection run; return its id."""
        with self._begin() as conn:
            result = conn.execute(sa.insert(runs_table).values(started_at=_now(), errors="[]"))
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def finish_run(
        self,
        run_id: int,
        *,
        sources_ok: int,
        sources_failed: int,
        articles_new: int,
        articles_updated: int,
        errors: list[str],
    ) -> None:
        """Record the end of a collection run with its counts and errors."""
        with self._begin() as conn:
            conn.execute(
                sa.update(runs_table)
                .where(runs_table.c.id == run_id)
                .values(
                    finished_at=_now(),
                    sources_ok=sources_ok,
                    sources_failed=sources_failed,
                    articles_new=articles_new,
                    articles_updated=articles_updated,
                    errors=json.dumps(errors, ensure_ascii=False),
                )
            )

    def refresh_statistics(self) -> bool:
        """On SQLite, give the query planner statistics once the archive has grown by a
        tenth since they were last gathered (or never were); return whether it did.

        SQLite gathers none by itself: without them it once chose a plan that took
        minutes for an export at 10 million mentions (worked around since), and the
        benchmarks measure analysed archives. ``analysis_limit`` samples each index
        (milliseconds at any size), as SQLite advises for PRAGMA optimize. PostgreSQL's
        autovacuum does this.
        """
        if self.backend != "sqlite":
            return False
        articles = self.count_articles()
        last = self.get_meta("analyzed_articles")
        with self._begin() as conn:
            # A copied archive brings the meta table, not the statistics.
            gathered = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
            ).first()
            if gathered and last is not None and articles < int(last) * 1.1 + 100:
                return False
            conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
            conn.exec_driver_sql("ANALYZE")
            self._set_meta(conn, "analyzed_articles", str(articles))
        return True

    # -- frames for analytics -----------------------------------------------------------

    @staticmethod
    def _in_window(since: datetime | None, seen_since: datetime | None = None) -> Any:
        """Articles that can matter to a view starting at ``since``: dated since then,
        undated (always listed), or known only to the month or year (placed by overlap);
        with ``seen_since``, only those first collected since then."""
        a = articles_table
        conditions = []
        if since is not None:
            conditions.append(
                sa.or_(
                    a.c.published >= since,
                    a.c.published.is_(None),
                    a.c.date_precision.in_(("month", "year")),
                )
            )
        if seen_since is not None:
            conditions.append(a.c.first_seen >= seen_since)
        return sa.and_(*conditions) if conditions else sa.true()

    def _of_window(
        self, table: sa.Table, since: datetime | None, seen_since: datetime | None = None
    ) -> Any:
        """Rows of a table hanging on articles, for the articles of a window."""
        if since is None and seen_since is None:
            return sa.true()
        kept = sa.select(articles_table.c.id).where(self._in_window(since, seen_since))
        return table.c.article_id.in_(kept)

    def articles_frame(
        self, since: datetime | None = None, seen_since: datetime | None = None
    ) -> pd.DataFrame:
        """Articles without their text, one row each, with the sources that found them.

        With ``since`` or ``seen_since``, only the articles of that window (_in_window): the
        database leaves the rest out, so a large archive need not fit in memory.
        """
        cols = [c for c in articles_table.c if c.name not in ("text", "signature")]
        links = article_sources_table
        sources = (
            sa.select(
                links.c.article_id,
                sa.func.min(links.c.source).label("source"),
                sa.func.count().label("source_count"),
            )
            .where(self._of_window(links, since, seen_since))
            .group_by(links.c.article_id)
            .subquery()
        )
        query = (
            sa.select(*cols, sources.c.source, sources.c.source_count)
            .outerjoin(sources, sources.c.article_id == articles_table.c.id)
            .where(self._in_window(since, seen_since))
        )
        frame = self.read_frame(query, bulk=True)
        for column in ("published", "first_seen", "updated_at"):
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
        return frame

    def _hanging_frame(
        self, table: sa.Table, since: datetime | None, seen_since: datetime | None
    ) -> pd.DataFrame:
        return self.read_frame(
            sa.select(table).where(self._of_window(table, since, seen_since)), bulk=True
        )

    def mentions_frame(
        self, since: datetime | None = None, seen_since: datetime | None = None
    ) -> pd.DataFrame:
        """Mentions, one row each, without article text (the window: as articles_frame)."""
        return self._hanging_frame(mentions_table, since, seen_since)

    def tones_frame(
        self, since: datetime | None = None, seen_since: datetime | None = None
    ) -> pd.DataFrame:
        """The model's tone per (article, company), with its evidence sentence."""
        return self._hanging_frame(tones_table, since, seen_since)

    def topics_frame(
        self, since: datetime | None = None, seen_since: datetime | None = None
    ) -> pd.DataFrame:
        """Topic hits, one row per (article, topic, sentence)."""
        return self._hanging_frame(topics_table, since, seen_since)

    def corrections_frame(self, article_id: str | None = None) -> pd.DataFrame:
        """Every tone correction (of one article, given its id), oldest first (a later one
        wins)."""
        query = sa.select(corrections_table).order_by(corrections_table.c.id)
        if article_id is not None:
            query = query.where(corrections_table.c.article_id == article_id)
        return self.read_frame(query)

    def add_correction(
        self,
        article_id: str,
        label: str,
        author: str,
        *,
        company: str | None = None,
        field: str | None = None,
        start: int | None = None,
        note: str | None = None,
    ) -> int:
        """Record a person's tone for an article, a company in it, or one mention."""
        if label not in ("positive", "neutral", "negative"):
            raise StoreError(f"tone '{label}' is not positive, neutral or negative")
        if not author.strip() or len(author) > 200:
            raise StoreError("give the corrector's name, at most 200 characters")
        with self._begin() as conn:
            exists = conn.execute(
                sa.select(articles_table.c.id).where(articles_table.c.id == article_id)
            ).first()
            if exists is None:
                raise StoreError(f"no article with id {article_id}: copy the id from an export")
            result = conn.execute(
                sa.insert(corrections_table).values(
                    article_id=article_id,
                    company=company,
                    field=field,
                    start=start,
                    label=label,
                    author=author,
                    note=note,
                    created_at=_now(),
                )
            )
            if company is not None and field is None:  # the figures' tone of that company
                _refresh_coverage(conn, [article_id])
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def sources_frame(self) -> pd.DataFrame:
        """Sources and their collection state."""
        frame = self.read_frame(sa.select(sources_table).order_by(sources_table.c.name))
        for column in ("last_attempt", "last_success", "next_due"):
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
        return frame

    def articles_per_source(self) -> dict[str, int]:
        """How many stored articles each source has found (an article two sources found
        counts for both)."""
        links = article_sources_table.c
        query = sa.select(links.source, sa.func.count()).group_by(links.source)
        with self._begin() as conn:
            return {source: int(count) for source, count in conn.execute(query)}

    def runs_frame(self, limit: int = 50) -> pd.DataFrame:
        """The latest collection runs, newest first."""
        return self.read_frame(sa.select(runs_table).order_by(runs_table.c.id.desc()).limit(limit))

    def _copy_frame(self, query: sa.Select[Any]) -> pd.DataFrame:
        """A large frame from PostgreSQL through COPY ... TO STDOUT (CSV), parsed by pandas.

        Rows never become Python objects one by one: 1 million mentions load several times
        faster than through the driver's rows (bench/bench_store_queries.py).
        """
        compiled = query.compile(
            dialect=self.engine.dialect, compile_kwargs={"render_postcompile": True}
        )
        params = {
            key: value.astimezone(UTC).replace(tzinfo=None)
            if isinstance(value, datetime) and value.tzinfo is not None
            else value
            for key, value in compiled.params.items()
        }
        statement = (
            f"COPY ({compiled.string}) TO STDOUT WITH (FORMAT csv, HEADER true, NULL E'\\x01')"
        )
        buffer = io.BytesIO()
        try:
            raw = self.engine.raw_connection()
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc
        except Exception as exc:  # a raw connection's driver errors come unwrapped
            first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
            raise StoreError(
                f"cannot reach database {self.display_url}: {first} (is the server running?)"
            ) from exc
        try:
            cursor = raw.cursor()
            with cursor.copy(statement, params) as copy:
                for block in copy:
                    buffer.write(block)
            raw.commit()
        except Exception as exc:  # the driver's own errors: name the database
            raise StoreError(f"database {self.display_url}: {exc}") from exc
        finally:
            raw.close()
        buffer.seek(0)
        types: dict[str, Any] = {}
        booleans = []
        for column in query.selected_columns:
            kind = column.type
            if isinstance(kind, sa.Boolean):
                booleans.append(column.name)
            elif isinstance(kind, sa.Integer):
                types[column.name] = "Int64"
            elif isinstance(kind, sa.Float):
                types[column.name] = "float64"
            else:  # text, and timestamps as text (callers convert those they use)
                types[column.name] = "str"  # pandas 3's default string dtype, as elsewhere
        frame = pd.read_csv(
            buffer, dtype=types, na_values=[_COPY_NULL], keep_default_na=False, encoding="utf-8"
        )
        for name in booleans:
            frame[name] = frame[name].map({"t": True, "f": False})
        return frame

    def read_frame(
        self, query: sa.Select[Any], *, bulk: bool = False, grouping: bool = False
    ) -> pd.DataFrame:
        """The rows of a query as a frame (``bulk``: through COPY on PostgreSQL).

        ``grouping``: a group-by over millions of rows; on PostgreSQL its sorts get
        GROUPING_WORK_MEM for this transaction (the server's default, 4 MB, sends them to
        disk).
        """
        if bulk and self.backend == "postgresql":
            return self._copy_frame(query)
        with self._begin() as conn:
            if grouping and self.backend == "postgresql":
                conn.execute(sa.text(f"SET LOCAL work_mem = '{GROUPING_WORK_MEM}'"))
            result = conn.execute(query)
            columns = list(result.keys())
            # Plain tuples: pandas builds a frame from them about 5x faster than from
            # SQLAlchemy's Row objects (1 million mentions: 0.9 s against 4.7 s).
            rows = [tuple(row) for row in result]
        return pd.DataFrame.from_records(rows, columns=columns)


def _check_source_fields(names: Iterable[str]) -> None:
    """Refuse fields that a source's state does not have."""
    unknown = set(names) - set(sources_table.c.keys())
    if unknown:
        raise StoreError(f"unknown source state fields: {', '.join(sorted(unknown))}")


def _update_source(conn: Connection, name: str, values: dict[str, Any]) -> None:
    """Write some fields of a source's state, refusing unknown ones."""
    _check_source_fields(values)
    conn.execute(sa.update(sources_table).where(sources_table.c.name == name).values(**values))


def _add_source_events(conn: Connection, records: Sequence[CollectionRecord]) -> None:
    """These collections in their sources' history, in one statement."""
    conn.execute(
        sa.insert(source_events_table),
        [
            {
                "source": r.name,
                "at": r.at,
                "ok": r.ok,
                "http_status": r.http_status,
                "error": r.error,
                "articles_new": r.articles_new,
            }
            for r in records
        ],
    )


def copy_archive(
    source: Store,
    target: Store,
    *,
    batch: int = 5_000,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Copy every table of one store into another, empty one; return the rows per table.

    One transaction on the target: a copy that fails midway leaves the target as it was.
    The counts are read back from the target and checked against the source's.
    """
    if target.count_articles() or target.source_states():
        raise StoreError(
            f"database {target.display_url} already holds articles or sources; copy into an "
            "empty database (a new SQLite file, or a new PostgreSQL database)"
        )
    copied: dict[str, int] = {}
    current = COPY_ORDER[0].name
    try:
        with source.engine.connect() as read, target._begin() as write:
            for table in COPY_ORDER:
                current = table.name
                query = sa.select(table)
                if table is meta_table:
                    # The target's schema version is its own (both are up to date).
                    query = query.where(meta_table.c.key != "schema_version")
                    write.execute(sa.delete(meta_table).where(meta_table.c.key != "schema_version"))
                result = read.execution_options(yield_per=batch).execute(query)
                copied[table.name] = 0
                for rows in result.partitions():
                    write.execute(
                        sa.insert(table),
                        [
                            {key: _clean(value) for key, value in row._mapping.items()}
                            for row in rows
                        ],
                    )
                    copied[table.name] += len(rows)
                    if progress:
                        progress(table.name, copied[table.name])
            if target.backend == "postgresql":
                _reset_sequences(write)
            for table in COPY_ORDER:
                query = sa.select(sa.func.count()).select_from(table)
                if table is meta_table:
                    query = query.where(meta_table.c.key != "schema_version")
                found = write.execute(query).scalar_one()
                if found != copied[table.name]:
                    raise StoreError(
                        f"copy check failed: {table.name} has {found} rows in "
                        f"{target.display_url}, {copied[table.name]} were read; nothing was kept"
                    )
    except SQLAlchemyError as exc:
        raise StoreError(
            f"copying table {current}: {source._error(exc)}; nothing was kept in the target"
        ) from exc
    except StoreError as exc:
        raise StoreError(f"copying table {current}: {exc}; nothing was kept in the target") from exc
    target.refresh_statistics()
    return copied


def _reset_sequences(conn: Connection) -> None:
    """Move PostgreSQL's id sequences past the copied ids, so new rows get fresh ones."""
    for table in COPY_ORDER:
        column = table.c.get("id")
        if column is None or not isinstance(column.type, sa.Integer):
            continue
        # Table names from our own metadata, never from input.
        statement = (
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
            f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM {table.name}"
        )
        conn.execute(sa.text(statement))


def _mention_row(article_id: str, m: Mention) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "company": m.company,
        "alias": _clean(m.alias),
        "matched": _clean(m.matched),
        "kind": m.kind,
        "field": m.field,
        "start": m.start,
        "end": m.end,
        "sentence": _clean(m.sentence),
        "prominence": m.prominence,
        "tone_score": m.tone_score,
        "tone_label": m.tone_label,
    }


def _article_values(article: Article, digest: str) -> dict[str, Any]:
    return {
        "id": article.id,
        "url": _clean(article.url),
        "title": _clean(article.title),
        "text": _clean(article.text),
        "outlet": _clean(article.outlet),
        "author": _clean(article.author),
        "published": article.published,
        "date_precision": article.date_precision,
        "date_source": article.date_source,
        "language": article.language,
        "flags": ",".join(article.flags),
        "content_hash": digest,
        "story_id": article.story_id or article.id,
        "signature": article.signature,
        "tone_score": article.tone_score,
        "tone_label": article.tone_label,
    }


def _article_from_row(row: Any, mentions: tuple[Mention, ...] = ()) -> Article:
    return Article(
        id=row["id"],
        source="",
        entry_key="",
        text=row["text"],
        title=row["title"],
        url=row["url"],
        outlet=row["outlet"],
        author=row["author"],
        published=row["published"],
        date_precision=row["date_precision"],
        date_source=row["date_source"],
        language=row["language"],
        flags=tuple(f for f in (row["flags"] or "").split(",") if f),
        mentions=mentions,
        story_id=row["story_id"],
        signature=row["signature"],
        tone_score=row["tone_score"],
        tone_label=row["tone_label"],
    )


def _coverage_insert(ids: Sequence[str] | None) -> sa.Insert:
    """INSERT ... SELECT of the coverage rows of these articles (None: of every article),
    from their mentions, their article, their tones and the latest tone corrections.

    A whole archive's rows get their first-of-story flags here; some articles' rows get
    False, and _mark_firsts sets their stories' flags after."""
    m, a, t, c = mentions_table, articles_table, tones_table, corrections_table
    counted = sa.select(m.c.article_id, m.c.company, sa.func.count().label("mentions"))
    latest = sa.select(sa.func.max(c.c.id).label("id")).where(
        c.c.company.is_not(None), c.c.field.is_(None)
    )
    if ids is not None:
        counted = counted.where(m.c.article_id.in_(ids))
        latest = latest.where(c.c.article_id.in_(ids))
    counts = counted.group_by(m.c.article_id, m.c.company).subquery("counts")
    newest = latest.group_by(c.c.article_id, c.c.company).subquery("newest")
    fixed = (
        sa.select(c.c.article_id, c.c.company, c.c.label)
        .join(newest, newest.c.id == c.c.id)
        .subquery("fixed")
    )
    story = sa.func.coalesce(a.c.story_id, a.c.id)
    first: Any = sa.false()
    outlet_first: Any = sa.false()
    if ids is None:
        order = (_undated_last(a.c.published), a.c.published, counts.c.article_id)
        first = sa.func.row_number().over(partition_by=(story, counts.c.company), order_by=order)
        first = first == 1
        outlet = sa.func.coalesce(a.c.outlet, UNKNOWN_OUTLET)
        outlet_first = sa.func.row_number().over(
            partition_by=(story, counts.c.company, outlet), order_by=order
        )
        outlet_first = outlet_first == 1
    rows = sa.select(
        counts.c.article_id,
        counts.c.company,
        a.c.published,
        a.c.date_precision,
        a.c.outlet,
        a.c.language,
        story,
        counts.c.mentions,
        sa.func.coalesce(fixed.c.label, t.c.label),
        first,
        outlet_first,
    ).select_from(
        counts.join(a, a.c.id == counts.c.article_id)
        .outerjoin(
            t, sa.and_(t.c.article_id == counts.c.article_id, t.c.company == counts.c.company)
        )
        .outerjoin(
            fixed,
            sa.and_(fixed.c.article_id == counts.c.article_id, fixed.c.company == counts.c.company),
        )
    )
    if ids is None:
        # A whole archive (migration, rebuild): written in publication order, as collection
        # writes it, so that a period's rows sit together on disk (10M mentions, a 30-day
        # overview on PostgreSQL: 3.7 s with the rows in id order, 1.5 s in date order).
        rows = rows.order_by(a.c.published, counts.c.article_id, counts.c.company)
    columns = [
        "article_id",
        "company",
        "published",
        "date_precision",
        "outlet",
        "language",
        "story_id",
        "mentions",
        "tone",
        "story_first",
        "outlet_first",
    ]
    return sa.insert(coverage_table).from_select(columns, rows)


def _undated_last(published: Any) -> Any:
    """An ORDER BY key putting undated rows after dated ones on every database."""
    return sa.case((published.is_(None), 1), else_=0)


def _day_text(conn: Connection, published: Any) -> Any:
    """The UTC day of a stored timestamp as 'YYYY-MM-DD' ('' when undated), in SQL."""
    if conn.dialect.name == "sqlite":
        day = sa.func.date(published)
    else:
        day = sa.func.to_char(published, "YYYY-MM-DD")
    return sa.func.coalesce(day, "")


def _rebuild_coverage(conn: Connection) -> None:
    """Rewrite the whole coverage table and every rollup from the stored analyses."""
    for table in (daily_outlets_table, daily_articles_table, daily_coverage_table, coverage_table):
        conn.execute(sa.delete(table))
    conn.execute(_coverage_insert(None))
    c = coverage_table.c
    day = _day_text(conn, c.published)
    outlet_keys = [day, c.company, sa.func.coalesce(c.outlet, UNKNOWN_OUTLET)]
    per_outlet = sa.select(
        *outlet_keys, sa.func.count(), sa.func.sum(sa.case((c.outlet_first, 1), else_=0))
    ).group_by(*outlet_keys)
    conn.execute(
        sa.insert(daily_outlets_table).from_select(
            ["day", "company", "outlet", "articles", "stories"], per_outlet
        )
    )
    keys = [
        day,
        c.company,
        sa.func.coalesce(c.date_precision, ""),
        sa.func.coalesce(c.language, ""),
        sa.func.coalesce(c.tone, ""),
    ]
    daily = sa.select(
        *keys,
        sa.func.count(),
        sa.func.sum(c.mentions),
        sa.func.sum(sa.case((c.story_first, 1), else_=0)),
    ).group_by(*keys)
    conn.execute(
        sa.insert(daily_coverage_table).from_select(
            [
                "day",
                "company",
                "date_precision",
                "language",
                "tone",
                "articles",
                "mentions",
                "stories",
            ],
            daily,
        )
    )
    if conn.dialect.name == "sqlite":
        # SQLite 3.40 has no ORDER BY inside an aggregate; group_concat follows the order
        # of its input rows. Readers split the sets, so an odd order would still count right.
        ordered = sa.select(c.article_id, c.company, c.published, c.date_precision, c.language)
        ordered_rows = ordered.order_by(c.article_id, c.company).subquery("ordered")
        o = ordered_rows.c
        companies: Any = sa.func.group_concat(o.company, COMPANY_SEPARATOR)
        source: Any = ordered_rows
    else:
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        o = c
        companies = sa.func.string_agg(
            o.company, aggregate_order_by(sa.literal(COMPANY_SEPARATOR), o.company)
        )
        source = coverage_table
    per_article = (
        sa.select(
            _day_text(conn, o.published).label("day"),
            sa.func.coalesce(o.date_precision, "").label("date_precision"),
            sa.func.coalesce(o.language, "").label("language"),
            companies.label("companies"),
        )
        .select_from(source)
        .group_by(o.article_id, o.published, o.date_precision, o.language)
        .subquery("per_article")
    )
    p = per_article.c
    sets = sa.select(p.day, p.date_precision, p.language, p.companies, sa.func.count()).group_by(
        p.day, p.date_precision, p.language, p.companies
    )
    conn.execute(
        sa.insert(daily_articles_table).from_select(
            ["day", "date_precision", "language", "companies", "articles"], sets
        )
    )


# Between the company names of a daily_articles set (names never hold a line break).
COMPANY_SEPARATOR = "\n"


def _coverage_rows(conn: Connection, condition: Any) -> list[Any]:
    """The coverage rows meeting a condition, with what the rollups are keyed on."""
    c = coverage_table.c
    return list(
        conn.execute(
            sa.select(
                c.article_id,
                c.company,
                c.published,
                c.date_precision,
                c.language,
                c.tone,
                c.mentions,
                c.story_first,
                c.outlet,
                c.outlet_first,
            ).where(condition)
        )
    )


def _day_of(published: datetime | None) -> str:
    """The rollups' day of a timestamp read back from the store ('' when undated)."""
    return published.astimezone(UTC).date().isoformat() if published is not None else ""


@dataclass(slots=True)
class _RollupDeltas:
    """What a change adds to or takes from each rollup, by the rollup's key."""

    daily: dict[tuple[str, ...], list[int]] = field(default_factory=dict)
    articles: dict[tuple[str, ...], int] = field(default_factory=dict)
    outlets: dict[tuple[str, ...], list[int]] = field(default_factory=dict)


def _rollup_deltas(rows: list[Any], chunk: set[str], sign: int, deltas: _RollupDeltas) -> None:
    """Add (sign 1) or take away (-1) what these coverage rows count in the rollups: the
    articles and mentions of the chunk's rows, the stories of every first row."""
    sets: dict[str, tuple[tuple[str, str, str], list[str]]] = {}
    for row in rows:
        day = _day_of(row.published)
        key = (day, row.company, row.date_precision or "", row.language or "", row.tone or "")
        counts = deltas.daily.setdefault(key, [0, 0, 0])
        outlet = row.outlet if row.outlet is not None else UNKNOWN_OUTLET
        at_outlet = deltas.outlets.setdefault((day, row.company, outlet), [0, 0])
        if row.article_id in chunk:
            counts[0] += sign
            counts[1] += sign * row.mentions
            at_outlet[0] += sign
            entry = sets.setdefault(
                row.article_id, ((day, row.date_precision or "", row.language or ""), [])
            )
            entry[1].append(row.company)
        if row.story_first:
            counts[2] += sign
        if row.outlet_first:
            at_outlet[1] += sign
    for (day, precision, language), companies in sets.values():
        article_key = (day, precision, language, COMPANY_SEPARATOR.join(sorted(companies)))
        deltas.articles[article_key] = deltas.articles.get(article_key, 0) + sign


def _upsert_adding(
    conn: Connection, table: sa.Table, keys: list[str], rows: list[dict[str, Any]]
) -> None:
    """Insert these rows, or add their counts to the rows already under their keys."""
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement: Any = sqlite_insert(table)
    else:
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        statement = postgresql_insert(table)
    counted = [name for name in rows[0] if name not in keys]
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: table.c[name] + statement.excluded[name] for name in counted},
    )
    # Sorted: concurrent writers take the rows' locks in one order (no deadlock).
    conn.execute(statement, sorted(rows, key=lambda row: tuple(row[k] for k in keys)))


def _mark_firsts(conn: Connection, stories: Sequence[str]) -> None:
    """Set the first-of-story flags on the rows of these stories: story_first on one row
    per story and company, outlet_first on one per story, company and outlet."""
    c = coverage_table.c
    other = coverage_table.alias("other")
    for flag, same_outlet in (("story_first", False), ("outlet_first", True)):
        alike = [other.c.story_id == c.story_id, other.c.company == c.company]
        if same_outlet:
            unknown = sa.literal(UNKNOWN_OUTLET)
            alike.append(
                sa.func.coalesce(other.c.outlet, unknown) == sa.func.coalesce(c.outlet, unknown)
            )
        first = (
            sa.select(other.c.article_id)
            .where(*alike)
            .order_by(_undated_last(other.c.published), other.c.published, other.c.article_id)
            .limit(1)
            .correlate(coverage_table)
            .scalar_subquery()
        )
        is_first = c.article_id == first
        # Only the rows whose flag changes are written (PostgreSQL rewrites every updated
        # row).
        conn.execute(
            sa.update(coverage_table)
            .where(c.story_id.in_(stories), c[flag] != is_first)
            .values({flag: is_first})
        )


def _refresh_coverage(conn: Connection, ids: Sequence[str]) -> None:
    """Rewrite the coverage rows of these articles from what is stored about them now, the
    first-of-story flags of their stories, and what the rollups count of them."""
    c, a = coverage_table.c, articles_table.c
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        stories = set(
            conn.execute(sa.select(c.story_id).where(c.article_id.in_(chunk)).distinct()).scalars()
        )
        stories.update(
            conn.execute(
                sa.select(sa.func.coalesce(a.story_id, a.id)).where(a.id.in_(chunk))
            ).scalars()
        )
        ordered = sorted(stories)
        if conn.dialect.name == "postgresql":
            # Two workers writing copies of one story wait for each other here, so that each
            # sets the story's first row seeing the other's rows.
            # One statement (a round trip per story cost 30% of a worker's throughput);
            # the array is sorted, so every writer takes the locks in one order.
            conn.execute(
                sa.text(
                    "SELECT count(pg_advisory_xact_lock(hashtextextended(story, 0))) "
                    "FROM unnest(CAST(:stories AS text[])) WITH ORDINALITY AS s(story, n)"
                ),
                {"stories": ordered},
            )
        touched = sa.or_(
            c.article_id.in_(chunk),
            sa.and_(c.story_id.in_(ordered), sa.or_(c.story_first, c.outlet_first)),
        )
        deltas = _RollupDeltas()
        members = set(chunk)
        _rollup_deltas(_coverage_rows(conn, touched), members, -1, deltas)
        conn.execute(sa.delete(coverage_table).where(c.article_id.in_(chunk)))
        conn.execute(_coverage_insert(chunk))
        if ordered:
            _mark_firsts(conn, ordered)
        _rollup_deltas(_coverage_rows(conn, touched), members, 1, deltas)
        _upsert_adding(
            conn,
            daily_coverage_table,
            ["day", "company", "date_precision", "language", "tone"],
            [
                dict(
                    zip(("day", "company", "date_precision", "language", "tone"), key, strict=True)
                )
                | {"articles": n[0], "mentions": n[1], "stories": n[2]}
                for key, n in deltas.daily.items()
                if any(n)
            ],
        )
        _upsert_adding(
            conn,
            daily_outlets_table,
            ["day", "company", "outlet"],
            [
                {"day": key[0], "company": key[1], "outlet": key[2]}
                | {"articles": n[0], "stories": n[1]}
                for key, n in deltas.outlets.items()
                if any(n)
            ],
        )
        _upsert_adding(
            conn,
            daily_articles_table,
            ["day", "date_precision", "language", "companies"],
            [
                dict(zip(("day", "date_precision", "language", "companies"), key, strict=True))
                | {"articles": n}
                for key, n in deltas.articles.items()
                if n
            ],
        )

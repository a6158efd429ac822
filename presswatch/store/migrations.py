"""Schema upgrades, applied in order under a lock, and the mixin that runs them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from presswatch.errors import StoreError
from presswatch.store.base import StoreBase, redact_url
from presswatch.store.coverage import _rebuild_coverage
from presswatch.store.schema import (
    SCHEMA_VERSION,
    alerts_table,
    analysis_queue_table,
    corrections_table,
    coverage_table,
    daily_articles_table,
    daily_coverage_table,
    daily_outlets_table,
    files_table,
    mention_reviews_table,
    messages_table,
    meta_table,
    metadata,
    source_events_table,
    tones_table,
    topics_table,
)
from presswatch.store.search import create_index


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
    # The coverage leaves out the mentions marked wrong: the table of marks (schema 12)
    # must be there, empty, for the rebuild to read.
    mention_reviews_table.create(conn, checkfirst=True)
    for table in (daily_coverage_table, daily_articles_table, daily_outlets_table):
        table.create(conn, checkfirst=True)
    _rebuild_coverage(conn)


def _topics_per_company(conn: Connection) -> None:
    # Self-contained: themes were per article; from 14 each row is about one company. The
    # rows of before are kept for every company their article covers (what the figures
    # counted then) until the next analysis, which the new rules' fingerprint triggers.
    present = {column["name"] for column in sa.inspect(conn).get_columns("topics")}
    added = {
        "company": f"{sa.String(200).compile(dialect=conn.dialect)} NOT NULL DEFAULT ''",
        "weight": f"{sa.Float().compile(dialect=conn.dialect)} NOT NULL DEFAULT 0",
        "theme_rank": "INTEGER NOT NULL DEFAULT 1",
    }
    for name, definition in added.items():
        if name not in present:
            conn.execute(sa.text(f"ALTER TABLE topics ADD COLUMN {name} {definition}"))
    conn.execute(
        sa.text(
            "INSERT INTO topics (article_id, topic, keyword, sentence, company, weight,"
            " theme_rank) SELECT DISTINCT t.article_id, t.topic, t.keyword, t.sentence,"
            " c.company, 0, 1 FROM topics t JOIN coverage c ON c.article_id = t.article_id"
            " WHERE t.company = ''"
        )
    )
    conn.execute(sa.text("DELETE FROM topics WHERE company = ''"))
    indexes = {index["name"] for index in sa.inspect(conn).get_indexes("topics")}
    if "ix_topics_article_company" not in indexes:
        conn.execute(
            sa.text("CREATE INDEX ix_topics_article_company ON topics (article_id, company)")
        )
    # The key messages carried per (article, company): found from the next analysis on.
    messages_table.create(conn, checkfirst=True)


def _add_message_similarity(conn: Connection) -> None:
    # A database created at 14 by this version's metadata already has the column.
    present = {column["name"] for column in sa.inspect(conn).get_columns("messages")}
    if "similarity" not in present:
        real = sa.Float().compile(dialect=conn.dialect)
        conn.execute(sa.text(f"ALTER TABLE messages ADD COLUMN similarity {real}"))


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
    11: create_index,
    12: lambda conn: mention_reviews_table.create(conn, checkfirst=True),
    13: lambda conn: analysis_queue_table.create(conn, checkfirst=True),
    14: _topics_per_company,
    15: _add_message_similarity,
}


# Any fixed number, the same in every presswatch process: the key of the advisory lock
# that serialises schema migrations on PostgreSQL.
MIGRATION_LOCK_KEY = 0x70726573


class SchemaMixin(StoreBase):
    """Creates the schema of a new database and upgrades an older one."""

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
        # Every open of an archive already at this version (all but the first after an
        # upgrade) skips the lock and the migration's transaction: the version is written
        # in the transaction that migrates, so reading it means the schema is complete.
        if self.schema_version() == SCHEMA_VERSION:
            return []
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
                f"database {redact_url(self.url)} has schema version {current}, newer than this "
                f"presswatch ({SCHEMA_VERSION}); upgrade presswatch"
            )
        with self._begin() as conn:
            if current == 0:
                metadata.create_all(conn)
                create_index(conn)
                done.append(f"created schema version {SCHEMA_VERSION}")
            else:
                for version in range(current + 1, SCHEMA_VERSION + 1):
                    MIGRATIONS[version](conn)
                    done.append(f"migrated schema {version - 1} -> {version}")
            if done:
                self._set_meta(conn, "schema_version", str(SCHEMA_VERSION))
        return done

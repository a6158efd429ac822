"""The full-text index of the articles: its DDL, kept up to date by triggers (an FTS5
table on SQLite, a tsvector column with a GIN index on PostgreSQL), and its queries.
presswatch.search parses what a person types; this module runs it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from presswatch.errors import StoreError
from presswatch.search import Search, fts5_query, tsquery

# Punctuation PostgreSQL's parser could read as part of a word: in a database of the C
# locale every character beyond ASCII is a letter to it, so "gouvernement\u00a0:" or
# "«\u00a0Mistral\u00a0»" would be single words (the no-break spaces of French
# typography become plain spaces in NFKD; the rest is listed here). A bracket expression:
# "-" first, "'" doubled for SQL.
_GLUE_CLASS = "[-._/:@''’‘‚‛“”„«»‹›‐‒–—―…·•°€£]"


def _pg_document(row: str = "") -> str:
    """The words of an article's title and text (of the row ``row``, e.g. "NEW."), folded
    as presswatch.search.fold does: NFKD splits the accents off their letters and they are
    dropped, the glue becomes spaces, and to_tsvector lowers the ASCII letters; the
    capitals that do not decompose (Œ, Æ, Ø) are lowered by hand, since a C-locale
    database lowers ASCII only.

    Three times cheaper than translate() over a table of Latin-1's accented letters
    (0.35 s against 0.87 s for 2,000 texts; to_tsvector alone 0.22 s).
    """
    text = f"coalesce({row}title, '') || ' ' || coalesce({row}text, '')"
    unaccented = f"regexp_replace(normalize({text}, NFKD), '[\\u0300-\\u036f]', '', 'g')"
    spaced = f"regexp_replace({unaccented}, '{_GLUE_CLASS}', ' ', 'g')"
    return f"to_tsvector('simple'::regconfig, translate({spaced}, 'ŒÆØ', 'œæø'))"


# Only the articles that mention a company are indexed: the others are in no list (the
# search narrows the coverage), and folding every text cost collection 14% of its time
# on SQLite and 26% on PostgreSQL (bench_workers). An article is indexed when its first
# coverage row is written, and again when its title or text change.
SQLITE_SEARCH_DDL = (
    "CREATE TABLE IF NOT EXISTS article_search_rows ("
    "rowid INTEGER PRIMARY KEY, article_id VARCHAR(40) NOT NULL UNIQUE)",
    # Contentless: the index alone, the text stays in articles. A row's id in the index is
    # its rowid in article_search_rows, which VACUUM never renumbers (articles' could be).
    "CREATE VIRTUAL TABLE IF NOT EXISTS article_search USING fts5("
    "title, text, content='', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS article_search_cover AFTER INSERT ON coverage "
    "WHEN NOT EXISTS (SELECT 1 FROM article_search_rows WHERE article_id = new.article_id) "
    "BEGIN "
    "INSERT INTO article_search_rows (article_id) VALUES (new.article_id); "
    "INSERT INTO article_search (rowid, title, text) SELECT r.rowid, a.title, a.text "
    "FROM article_search_rows r JOIN articles a ON a.id = r.article_id "
    "WHERE r.article_id = new.article_id; END",
    # A contentless index forgets a row given the values it indexed.
    "CREATE TRIGGER IF NOT EXISTS article_search_update AFTER UPDATE OF title, text "
    "ON articles BEGIN "
    "INSERT INTO article_search (article_search, rowid, title, text) "
    "SELECT 'delete', rowid, old.title, old.text FROM article_search_rows "
    "WHERE article_id = old.id; "
    "INSERT INTO article_search (rowid, title, text) SELECT rowid, new.title, new.text "
    "FROM article_search_rows WHERE article_id = new.id; END",
    "CREATE TRIGGER IF NOT EXISTS article_search_delete AFTER DELETE ON articles BEGIN "
    "INSERT INTO article_search (article_search, rowid, title, text) "
    "SELECT 'delete', rowid, old.title, old.text FROM article_search_rows "
    "WHERE article_id = old.id; "
    "DELETE FROM article_search_rows WHERE article_id = old.id; END",
)

PG_SEARCH_DDL = (
    "ALTER TABLE articles ADD COLUMN IF NOT EXISTS search_words tsvector",
    "CREATE INDEX IF NOT EXISTS ix_articles_search ON articles USING gin (search_words)",
    "CREATE OR REPLACE FUNCTION presswatch_search_cover() RETURNS trigger "  # noqa: S608
    "LANGUAGE plpgsql AS $$ BEGIN "
    f"UPDATE articles SET search_words = {_pg_document()} "
    "WHERE id = NEW.article_id AND search_words IS NULL; RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS article_search_cover ON coverage",
    "CREATE TRIGGER article_search_cover AFTER INSERT ON coverage FOR EACH ROW "
    "EXECUTE FUNCTION presswatch_search_cover()",
    "CREATE OR REPLACE FUNCTION presswatch_search_update() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN IF OLD.search_words IS NOT NULL THEN "
    f"NEW.search_words := {_pg_document('NEW.')}; END IF; RETURN NEW; END $$",
    "DROP TRIGGER IF EXISTS article_search_update ON articles",
    "CREATE TRIGGER article_search_update BEFORE UPDATE OF title, text ON articles "
    "FOR EACH ROW EXECUTE FUNCTION presswatch_search_update()",
)


def create_index(conn: Connection) -> None:
    """Create the search index and fill it with the stored articles that mention a company."""
    if conn.dialect.name == "sqlite":
        for statement in SQLITE_SEARCH_DDL:
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql(
            "INSERT INTO article_search_rows (article_id) SELECT DISTINCT article_id "
            "FROM coverage WHERE article_id NOT IN (SELECT article_id FROM article_search_rows)"
        )
        conn.exec_driver_sql("INSERT INTO article_search (article_search) VALUES ('delete-all')")
        conn.exec_driver_sql(
            "INSERT INTO article_search (rowid, title, text) SELECT r.rowid, a.title, "
            "a.text FROM article_search_rows r JOIN articles a ON a.id = r.article_id"
        )
    else:
        _check_unicode(conn)
        for statement in PG_SEARCH_DDL:
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql(
            f"UPDATE articles SET search_words = {_pg_document()} "  # noqa: S608 - our constant
            "WHERE search_words IS NULL AND id IN (SELECT article_id FROM coverage)"
        )


def _check_unicode(conn: Connection) -> None:
    """Refuse a PostgreSQL server the search cannot fold text on: normalize() needs
    PostgreSQL 13 and a UTF8 database."""
    version = int(conn.exec_driver_sql("SHOW server_version_num").scalar_one())
    encoding = conn.exec_driver_sql("SHOW server_encoding").scalar_one()
    if version < 130000 or encoding != "UTF8":
        raise StoreError(
            f"presswatch needs PostgreSQL 13 or later and a UTF8 database (this one: "
            f"version {version // 10000}, encoding {encoding}): create the database with "
            "ENCODING 'UTF8' on a current server, then run presswatch copy into it"
        )


def drop_index(conn: Connection) -> None:
    """Remove the search index: the schema as it was before version 11."""
    if conn.dialect.name == "sqlite":
        for trigger in ("cover", "update", "delete"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS article_search_{trigger}")
        conn.exec_driver_sql("DROP TABLE IF EXISTS article_search")
        conn.exec_driver_sql("DROP TABLE IF EXISTS article_search_rows")
    else:
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS article_search_cover ON coverage")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS article_search_update ON articles")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS presswatch_search_cover()")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS presswatch_search_update()")
        # The GIN index goes with its column.
        conn.exec_driver_sql("ALTER TABLE articles DROP COLUMN IF EXISTS search_words")


def count_matches(conn: Connection, search: Search) -> int:
    """How many indexed articles match a search (an index read: 0.08 s for 2 million)."""
    if conn.dialect.name == "sqlite":
        query = "SELECT count(*) FROM article_search WHERE article_search MATCH :search_query"
        found = conn.execute(sa.text(query), {"search_query": fts5_query(search)})
    else:
        query = (
            "SELECT count(*) FROM articles WHERE search_words @@ "
            "to_tsquery('simple'::regconfig, :search_query)"
        )
        found = conn.execute(sa.text(query), {"search_query": tsquery(search)})
    return int(found.scalar_one())


def coverage_matches(search: Search) -> Any:
    """A condition on coverage rows (SQLite): their article matches a search, checked row
    by row. For a search that matches more articles than the view holds: as an IN list,
    SQLite walks every match and looks its coverage rows up (3.7 s for a word in all 2
    million articles of a 10M-mention archive, against 0.8 s this way for a 30-day view).
    """
    return sa.text(
        "EXISTS (SELECT 1 FROM article_search_rows r WHERE r.article_id = coverage.article_id "
        "AND r.rowid IN (SELECT rowid FROM article_search WHERE article_search MATCH "
        ":search_query))"
    ).bindparams(search_query=fts5_query(search))


def matching_ids(dialect: str, search: Search) -> Any:
    """A subquery of the ids of the articles that match a search."""
    if dialect == "sqlite":
        found = sa.text(
            "SELECT article_id FROM article_search_rows WHERE rowid IN "
            "(SELECT rowid FROM article_search WHERE article_search MATCH :search_query)"
        ).bindparams(search_query=fts5_query(search))
    else:
        found = sa.text(
            "SELECT id AS article_id FROM articles WHERE search_words @@ "
            "to_tsquery('simple'::regconfig, :search_query)"
        ).bindparams(search_query=tsquery(search))
    return found.columns(sa.column("article_id", sa.String))

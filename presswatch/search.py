"""Full-text search of the stored articles, in French and English.

A search is words, which must all appear, "exact phrases" (straight, curly or French
quotes), -words left out and prefix* words. Case and accents never matter ("levee" finds
"levée"), nor does punctuation inside a phrase ("l'IA" finds "l’IA", "start up" finds
"start-up").

The database keeps the index up to date itself, with triggers: on SQLite an FTS5 table,
on PostgreSQL a tsvector column with a GIN index, over the title and text of the articles
that mention a company, folded the way this module folds a search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from presswatch.analysis.nlp.text import fold_for_index
from presswatch.errors import QueryError, StoreError

# Quotes a person may type around a phrase, French ones included.
_QUOTES = str.maketrans({q: '"' for q in "«»“”„‟"})
# Inside a word: letters and digits (the underscore is punctuation, as for FTS5).
_WORD = re.compile(r"[^\W_]+")


class SearchError(QueryError):
    """A search that cannot be run, in words a person understands."""


def words(text: str) -> tuple[str, ...]:
    """The folded words of a text, as the index cuts them (see fold_for_index)."""
    return tuple(_WORD.findall(fold_for_index(text)))


# Marks a phrase's last word as a prefix (a folded word never holds it).
PREFIX = "*"


@dataclass(frozen=True)
class Search:
    """A parsed search: phrases (tuples of folded words, the last one ending with PREFIX
    when it is a prefix) that must appear, and ones that must not."""

    required: tuple[tuple[str, ...], ...]
    excluded: tuple[tuple[str, ...], ...] = ()


def parse_search(text: str) -> Search | None:
    """The search a person typed, or None when there is nothing to search for.

    Raises SearchError when it only leaves words out.
    """
    required: list[tuple[str, ...]] = []
    excluded: list[tuple[str, ...]] = []
    # Phrases in quotes, then single words; a leading "-" leaves either out.
    for sign, phrase, word in re.findall(r'(-?)(?:"([^"]*)"?|(\S+))', text.translate(_QUOTES)):
        # An unquoted word with inner punctuation ("mistral.ai") is a phrase of its parts;
        # one ending with * is a prefix ("entrepris*" finds "entreprises").
        found = words(phrase or word)
        if found and word.endswith("*"):
            found = (*found[:-1], found[-1] + PREFIX)
        if found:
            (excluded if sign else required).append(found)
    if not required and not excluded:
        return None
    if not required:
        raise SearchError(
            f"the search '{text.strip()}' only leaves words out: add a word to find "
            "(for example: Mistral -OpenAI)"
        )
    return Search(tuple(dict.fromkeys(required)), tuple(dict.fromkeys(excluded)))


def hits(text: str, search: Search) -> list[tuple[int, int]]:
    """Where a search's required phrases stand in a text, as (start, end) offsets: the
    words the index matched, to highlight them."""
    found: list[tuple[str, int, int]] = []
    for token in _WORD.finditer(text):
        # A token folds to one word, rarely more ("ﬁn" is "fin", "½" is "1", "2").
        found.extend((word, token.start(), token.end()) for word in words(token.group()))
    spans = []
    for phrase in search.required:
        size = len(phrase)
        for first in range(len(found) - size + 1):
            if all(
                _word_matches(found[first + k][0], phrase[k], last=k == size - 1)
                for k in range(size)
            ):
                spans.append((found[first][1], found[first + size - 1][2]))
    return sorted(set(spans))


def _word_matches(word: str, wanted: str, *, last: bool) -> bool:
    if last and wanted.endswith(PREFIX):
        return word.startswith(wanted.removesuffix(PREFIX))
    return word == wanted


def _fts5_phrase(phrase: tuple[str, ...]) -> str:
    # Folded words hold letters and digits only: nothing to escape inside the quotes.
    text = " ".join(phrase)
    if text.endswith(PREFIX):
        return '"' + text.removesuffix(PREFIX) + '"' + PREFIX
    return '"' + text + '"'


def fts5_query(search: Search) -> str:
    """The search in SQLite FTS5's query language."""
    query = " AND ".join(_fts5_phrase(p) for p in search.required)
    for phrase in search.excluded:
        query += f" NOT {_fts5_phrase(phrase)}"
    return query


def _ts_phrase(phrase: tuple[str, ...]) -> str:
    lexemes = [
        f"'{word.removesuffix(PREFIX)}':*" if word.endswith(PREFIX) else f"'{word}'"
        for word in phrase
    ]
    return "(" + " <-> ".join(lexemes) + ")"


def tsquery(search: Search) -> str:
    """The search in PostgreSQL's tsquery language."""
    parts = [_ts_phrase(p) for p in search.required]
    parts += [f"!{_ts_phrase(p)}" for p in search.excluded]
    return " & ".join(parts)


# Punctuation PostgreSQL's parser could read as part of a word: in a database of the C
# locale every character beyond ASCII is a letter to it, so "gouvernement\u00a0:" or
# "«\u00a0Mistral\u00a0»" would be single words (the no-break spaces of French
# typography become plain spaces in NFKD; the rest is listed here). A bracket expression:
# "-" first, "'" doubled for SQL.
_GLUE_CLASS = "[-._/:@''’‘‚‛“”„«»‹›‐‒–—―…·•°€£]"


def _pg_document(row: str = "") -> str:
    """The words of an article's title and text (of the row ``row``, e.g. "NEW."), folded
    as fold() does: NFKD splits the accents off their letters and they are dropped, the
    glue becomes spaces, and to_tsvector lowers the ASCII letters; the capitals that do
    not decompose (Œ, Æ, Ø) are lowered by hand, since a C-locale database lowers ASCII
    only.

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

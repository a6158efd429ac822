"""The coverage table and its three daily rollups: rebuilt whole, or kept up to date
change by change in the transaction that writes the change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from presswatch.models import UNKNOWN_OUTLET
from presswatch.store.base import StoreBase
from presswatch.store.conditions import not_marked_wrong
from presswatch.store.schema import (
    COMPANY_SEPARATOR,
    articles_table,
    corrections_table,
    coverage_table,
    daily_articles_table,
    daily_coverage_table,
    daily_outlets_table,
    mentions_table,
    meta_table,
    tones_table,
)

# The meta key holding the languages whose articles the figures count (comma-separated).
FIGURE_LANGUAGES_KEY = "figure_languages"


class CoverageMixin(StoreBase):
    """Rebuilds the coverage and its rollups on request."""

    def set_figure_languages(self, languages: Sequence[str]) -> bool:
        """Count in the figures only articles in these languages (or of no known language),
        rebuilding the coverage when that changes; return whether it changed.

        An article in another language keeps its mentions (it is listed, and found by
        search) but is in no figure: no share of voice, timeline, tone or alert counts it.
        """
        value = ",".join(sorted(set(languages)))
        with self._begin() as conn:
            current = conn.execute(
                sa.select(meta_table.c.value).where(meta_table.c.key == FIGURE_LANGUAGES_KEY)
            ).scalar_one_or_none()
            if current == value:
                return False
            self._set_meta(conn, FIGURE_LANGUAGES_KEY, value)
            _rebuild_coverage(conn)
        return True

    def figure_languages(self) -> list[str] | None:
        """The languages the figures count (None: every language)."""
        with self._begin() as conn:
            return _figure_languages(conn)

    def other_language_articles(self, limit: int = 200) -> list[dict[str, Any]]:
        """Articles that name a company but are in a language the figures leave out, newest
        first: id, title, outlet, published, language and the companies named."""
        with self._begin() as conn:
            languages = _figure_languages(conn)
            if languages is None:
                return []
            a, m = articles_table.c, mentions_table.c
            # The newest `limit` such articles first, then their companies: an archive with
            # many foreign items reads only what is listed.
            listed = (
                sa.select(a.id)
                .where(
                    a.language.is_not(None),
                    a.language.not_in(languages),
                    sa.exists().where(m.article_id == a.id),
                )
                .order_by(_undated_last(a.published), a.published.desc(), a.id)
                .limit(limit)
                .subquery("listed")
            )
            named = sa.select(m.article_id, m.company).distinct().subquery("named")
            rows = conn.execute(
                sa.select(a.id, a.title, a.outlet, a.published, a.language, named.c.company)
                .join(listed, listed.c.id == a.id)
                .join(named, named.c.article_id == a.id)
                .order_by(_undated_last(a.published), a.published.desc(), a.id, named.c.company)
            ).all()
        articles: dict[str, dict[str, Any]] = {}
        for row in rows:
            item = articles.setdefault(
                row.id,
                {
                    "id": row.id,
                    "title": row.title,
                    "outlet": row.outlet,
                    "published": row.published,
                    "language": row.language,
                    "companies": [],
                },
            )
            item["companies"].append(row.company)
        return list(articles.values())

    def rebuild_coverage(self) -> int:
        """Rewrite the whole coverage table and its rollups from the stored mentions, tones
        and corrections (after rows were written outside presswatch); return its rows."""
        with self._begin() as conn:
            _rebuild_coverage(conn)
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(coverage_table)).scalar_one()
            )


# The statements a save runs for every batch are built once per process, their article
# ids and stories bound at each run (expanding IN lists): building SQLAlchemy expressions
# cost several times what executing them did for a feed's batch (bench/bench_save.py).
_IDS: sa.BindParameter[str] = sa.bindparam("ids", expanding=True)
_STORIES: sa.BindParameter[str] = sa.bindparam("stories", expanding=True)
_LANGUAGES: sa.BindParameter[str] = sa.bindparam("languages", expanding=True)
_FIGURE_LANGUAGES = sa.select(meta_table.c.value).where(meta_table.c.key == FIGURE_LANGUAGES_KEY)


def _figure_languages(conn: Connection) -> list[str] | None:
    """The languages the figures count, from the meta table (None: every language)."""
    value = conn.execute(_FIGURE_LANGUAGES).scalar_one_or_none()
    return [code for code in value.split(",") if code] if value else None


@cache
def _coverage_insert(chunked: bool, filtered: bool) -> sa.Insert:
    """INSERT ... SELECT of the coverage rows of the articles bound as ``ids`` (chunked) or
    of every article, from their mentions (less those marked wrong), their article, their
    tones and the latest tone corrections; when filtered, only articles in the languages
    bound as ``languages`` or of no known language.

    A whole archive's rows get their first-of-story flags here; some articles' rows get
    False, and _mark_firsts sets their stories' flags after."""
    m, a, t, c = mentions_table, articles_table, tones_table, corrections_table
    # A mention a person marked wrong is not counted: a pair left with none has no row.
    counted = sa.select(m.c.article_id, m.c.company, sa.func.count().label("mentions")).where(
        not_marked_wrong()
    )
    latest = sa.select(sa.func.max(c.c.id).label("id")).where(
        c.c.company.is_not(None), c.c.field.is_(None)
    )
    if chunked:
        counted = counted.where(m.c.article_id.in_(_IDS))
        latest = latest.where(c.c.article_id.in_(_IDS))
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
    if not chunked:
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
    if filtered:
        rows = rows.where(sa.or_(a.c.language.is_(None), a.c.language.in_(_LANGUAGES)))
    if not chunked:
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
    languages = _figure_languages(conn)
    conn.execute(_coverage_insert(False, languages is not None), _languages_bound(languages))
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


def _languages_bound(languages: Sequence[str] | None) -> dict[str, Any]:
    """The parameters of ``_coverage_insert`` for these figure languages."""
    return {} if languages is None else {"languages": list(languages)}


@cache
def _touched_rows() -> sa.Select[Any]:
    """The coverage rows a change of the articles bound as ``ids`` can move in the
    rollups: theirs, and the first rows of the stories bound as ``stories``; with what the
    rollups are keyed on."""
    c = coverage_table.c
    return sa.select(
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
    ).where(
        sa.or_(
            c.article_id.in_(_IDS),
            sa.and_(c.story_id.in_(_STORIES), sa.or_(c.story_first, c.outlet_first)),
        )
    )


@cache
def _stories_of_articles() -> sa.CompoundSelect[Any]:
    """The stories of the articles bound as ``ids``: those their coverage rows are in and
    those the articles are in now (one round trip)."""
    c, a = coverage_table.c, articles_table.c
    return sa.union(
        sa.select(c.story_id).where(c.article_id.in_(_IDS)),
        sa.select(sa.func.coalesce(a.story_id, a.id)).where(a.id.in_(_IDS)),
    )


_DELETE_COVERAGE = sa.delete(coverage_table).where(coverage_table.c.article_id.in_(_IDS))


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
    counted = tuple(name for name in rows[0] if name not in keys)
    statement = _upsert_statement(conn.dialect.name, table, tuple(keys), counted)
    # Sorted: concurrent writers take the rows' locks in one order (no deadlock).
    conn.execute(statement, sorted(rows, key=lambda row: tuple(row[k] for k in keys)))


@cache
def _upsert_statement(
    dialect: str, table: sa.Table, keys: tuple[str, ...], counted: tuple[str, ...]
) -> Any:
    """INSERT ... ON CONFLICT of the table adding the ``counted`` columns under ``keys``."""
    statement: Any = sqlite_insert(table) if dialect == "sqlite" else postgresql_insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + statement.excluded[name] for name in counted},
    )


def _mark_firsts(conn: Connection, stories: Sequence[str]) -> None:
    """Set the first-of-story flags on the rows of these stories: story_first on one row
    per story and company, outlet_first on one per story, company and outlet.

    One UPDATE for every story (a window function ranks each story's rows, both flags at
    once), not a subquery per row and flag: the statement's cost grows with the rows of
    these stories only."""
    conn.execute(_mark_firsts_statement(), {"stories": list(stories)})


@cache
def _mark_firsts_statement() -> sa.Update:
    """The UPDATE of ``_mark_firsts``, of the stories bound as ``stories``."""
    c = coverage_table.c
    order = (_undated_last(c.published), c.published, c.article_id)
    outlet = sa.func.coalesce(c.outlet, UNKNOWN_OUTLET)
    ranked = (
        sa.select(
            c.article_id,
            c.company,
            (
                sa.func.row_number().over(partition_by=(c.story_id, c.company), order_by=order) == 1
            ).label("is_story_first"),
            (
                sa.func.row_number().over(
                    partition_by=(c.story_id, c.company, outlet), order_by=order
                )
                == 1
            ).label("is_outlet_first"),
        )
        .where(c.story_id.in_(_STORIES))
        .subquery("ranked")
    )
    r = ranked.c
    # Only the rows whose flags change are written (PostgreSQL rewrites every updated row).
    return (
        sa.update(coverage_table)
        .where(
            c.article_id == r.article_id,
            c.company == r.company,
            sa.or_(c.story_first != r.is_story_first, c.outlet_first != r.is_outlet_first),
        )
        .values(story_first=r.is_story_first, outlet_first=r.is_outlet_first)
    )


def _refresh_coverage(conn: Connection, ids: Sequence[str]) -> None:
    """Rewrite the coverage rows of these articles from what is stored about them now, the
    first-of-story flags of their stories, and what the rollups count of them."""
    languages = _figure_languages(conn)
    insert = _coverage_insert(True, languages is not None)
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        ordered = sorted(conn.execute(_stories_of_articles(), {"ids": chunk}).scalars())
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
        touched = {"ids": chunk, "stories": ordered}
        deltas = _RollupDeltas()
        members = set(chunk)
        _rollup_deltas(list(conn.execute(_touched_rows(), touched)), members, -1, deltas)
        conn.execute(_DELETE_COVERAGE, {"ids": chunk})
        conn.execute(insert, {"ids": chunk} | _languages_bound(languages))
        if ordered:
            _mark_firsts(conn, ordered)
        _rollup_deltas(list(conn.execute(_touched_rows(), touched)), members, 1, deltas)
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

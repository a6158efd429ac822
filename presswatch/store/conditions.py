"""The WHERE conditions and columns the figures, lists and exports share: a view's
filters on coverage rows and on the rollups, periods, and orders that match pandas."""

from __future__ import annotations

import dataclasses
import functools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from presswatch.models import Filters
from presswatch.search import Search
from presswatch.store.schema import (
    coverage_table,
    mention_reviews_table,
    mentions_table,
    topics_table,
)
from presswatch.store.search import coverage_matches, matching_ids


def _moment(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


def period_condition(start: date | None, end: date | None) -> Any:
    """Coverage rows whose article may have appeared in [start, end] (inclusive days).

    As Filters: an article dated to the second or the day is in when its date is; one known
    to the month or year when its month or year overlaps the period; an undated one never.
    Each branch is a range of one index, so the database reads only the period's rows.
    """
    c = coverage_table.c
    fine: list[Any] = (
        [c.published >= _moment(start)] if start is not None else [c.published.is_not(None)]
    )
    if end is not None:
        fine.append(c.published < _moment(end + timedelta(days=1)))
    if start is None:
        return sa.and_(*fine)
    lower = _moment(start)
    coarse = [
        sa.and_(c.date_precision == precision, c.published >= floor, c.published < lower)
        for precision, floor in (
            ("month", lower.replace(day=1)),
            ("year", lower.replace(month=1, day=1)),
        )
    ]
    return sa.or_(sa.and_(*fine), *coarse)


def scope(filters: Filters) -> list[Any]:
    """The WHERE conditions on coverage rows of every filter."""
    return list(_scope(filters))


@functools.lru_cache(maxsize=256)
def _scope(filters: Filters) -> tuple[Any, ...]:
    # SQLAlchemy's conditions are immutable, so a view's are built once and shared by
    # every figure, list and drill of it: building them cost more than the cached
    # compilation of the statements that use them.
    c = coverage_table.c
    conditions = []
    if filters.start is not None or filters.end is not None:
        conditions.append(period_condition(filters.start, filters.end))
    for column, values in (
        (c.company, filters.companies),
        (c.outlet, filters.outlets),
        (c.language, filters.languages),
        (c.tone, filters.tones),
    ):
        if values:
            conditions.append(column.in_(list(values)))
    if filters.topics:
        # A theme is about one company: the filter keeps the (article, company) rows that
        # carry it, not the article's other companies. An alias: the figure itself may
        # join the topics table, which the subquery must not correlate with.
        t = topics_table.alias("tagged").c
        tagged = sa.exists().where(
            t.article_id == c.article_id,
            t.company == c.company,
            t.topic.in_(list(filters.topics)),
        )
        conditions.append(tagged)
    return tuple(conditions)


def text_order(backend: str, column: Any) -> Any:
    """A text column ordered by code point, as Python sorts strings: PostgreSQL would use
    the database's locale, SQLite already compares the UTF-8 bytes."""
    return column.collate("C") if backend == "postgresql" else column


def rollups_apply(filters: Filters) -> bool:
    """Whether the daily rollups hold this view's additive figures: they are keyed by day,
    company, precision, language and tone, not by outlet or topic."""
    return not filters.outlets and not filters.topics


def _stories_from_rollup(filters: Filters) -> bool:
    # A row that is its story's first counts the story for a period starting at the
    # beginning; a later start, or a language or tone that leaves out the first row, does not.
    return (
        rollups_apply(filters)
        and filters.start is None
        and not filters.languages
        and not (filters.tones)
    )


def _rollup_period(table: sa.Table, start: date | None, end: date | None) -> Any:
    """period_condition on a rollup's ISO days: the same rows, since every bound is a day."""
    d = table.c
    fine: list[Any] = [d.day != ""]
    if start is not None:
        fine.append(d.day >= start.isoformat())
    if end is not None:
        fine.append(d.day <= end.isoformat())
    if start is None:
        return sa.and_(*fine)
    coarse = [
        sa.and_(
            d.date_precision == precision, d.day >= floor.isoformat(), d.day < start.isoformat()
        )
        for precision, floor in (
            ("month", start.replace(day=1)),
            ("year", start.replace(month=1, day=1)),
        )
    ]
    return sa.or_(sa.and_(*fine), *coarse)


def _rollup_scope(table: sa.Table, filters: Filters) -> list[Any]:
    """The WHERE conditions of every filter a rollup is keyed by (see rollups_apply)."""
    d = table.c
    conditions = []
    if filters.start is not None or filters.end is not None:
        conditions.append(_rollup_period(table, filters.start, filters.end))
    for name, values in (
        ("company", filters.companies),
        ("language", filters.languages),
        ("tone", filters.tones),
    ):
        if values and name in d:
            conditions.append(d[name].in_(list(values)))
    return conditions


def day_of(backend: str, column: Any) -> Any:
    """The calendar day (UTC) of a timestamp column, as the database spells it."""
    if backend == "sqlite":
        return sa.func.date(column)
    return sa.cast(column, sa.Date)


def mentions_of_pair() -> Any:
    """A mention belongs to a coverage row: same article and company. The mention's company
    is an expression no index serves: without statistics (no ANALYZE), SQLite would look
    each row's mentions up by company, reading every mention of that company per row
    (minutes for 44,000 rows), instead of by article."""
    c, m = coverage_table.c, mentions_table.c
    return sa.and_(c.article_id == m.article_id, c.company == m.company.concat(""))


def not_marked_wrong(mentions: Any = None) -> Any:
    """A mention (of ``mentions``, the mentions table or an alias of it) that no person
    marked wrong: the condition every count of mentions carries (a wrong mark takes the
    mention out of every figure)."""
    m = (mentions if mentions is not None else mentions_table).c
    r = mention_reviews_table.c
    return ~(
        sa.select(r.article_id)
        .where(
            r.article_id == m.article_id,
            r.company == m.company,
            r.field == m.field,
            r.start == m.start,
            r.matched == m.matched,
            r.verdict == "wrong",
        )
        .exists()
    )


def kept_flag(kept: list[Any]) -> Any:
    """A column ``is_kept``: whether a row meets the conditions ``kept``.

    A story's copies are read with it rather than filtered by the conditions: as a
    condition, PostgreSQL ANDs the story index with a bitmap of the whole period, rebuilt
    for each chunk of stories (what made per-chunk pickups cost 26 s at 10M mentions).
    """
    return (sa.and_(*kept) if kept else sa.true()).label("is_kept")


def _undated_rows(backend: str, filters: Filters, search: Search | None) -> list[Any]:
    """Conditions on coverage rows: undated, kept by the filters other than the period,
    their article matching ``search`` if any."""
    c = coverage_table.c
    kept = [c.published.is_(None), *scope(dataclasses.replace(filters, start=None, end=None))]
    if search is None:
        return kept
    if backend == "sqlite":
        # Undated rows are few: each is checked, never the whole list of matches read.
        return [*kept, coverage_matches(search)]
    return [*kept, c.article_id.in_(matching_ids(backend, search))]

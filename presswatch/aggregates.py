"""The overview's figures grouped by the database, for views too large for pandas.

They read the coverage table (one row per article and company it mentions, written at
analysis time) with the same filters as frames.Filters, so that only aggregated rows
travel: a 30-day view of an archive of 10 million mentions never loads its mentions.
analytics.py computes the same figures from frames; tests/test_aggregates.py holds the
two to the same numbers.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from presswatch.analytics import (
    LISTING_COLUMNS,
    STORY_COLUMNS,
    UNDATED_COLUMNS,
    prominence_from_counts,
    rank_topic_counts,
)
from presswatch.models import UNKNOWN_OUTLET, Filters
from presswatch.search import Search, count_matches, coverage_matches, matching_ids
from presswatch.store import (
    COMPANY_SEPARATOR,
    Store,
    article_sources_table,
    articles_table,
    coverage_table,
    daily_articles_table,
    daily_coverage_table,
    daily_outlets_table,
    mentions_table,
    topics_table,
)

# A search that matches at most this many articles is listed from its matches (PostgreSQL).
FEW_MATCHES = 10_000


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
        t = topics_table.c
        tagged = sa.select(t.article_id).where(t.topic.in_(list(filters.topics)))
        conditions.append(c.article_id.in_(tagged))
    return conditions


def text_order(store: Store, column: Any) -> Any:
    """A text column ordered by code point, as Python sorts strings: PostgreSQL would use
    the database's locale, SQLite already compares the UTF-8 bytes."""
    return column.collate("C") if store.backend == "postgresql" else column


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


def day_of(store: Store, column: Any) -> Any:
    """The calendar day (UTC) of a timestamp column, as the database spells it."""
    if store.backend == "sqlite":
        return sa.func.date(column)
    return sa.cast(column, sa.Date)


def daily_counts(store: Store, filters: Filters) -> pd.DataFrame:
    """Mentions and articles per day, company and date precision, dated articles only.

    Columns: day (midnight, naive UTC), company, date_precision, mentions, articles. An
    article known to the month or year sits on its first day; callers keep the precisions
    their grain can place (analytics.timeline_from_daily).
    """
    return _per_day(store, filters, by_tone=False)


def daily_tones(store: Store, filters: Filters) -> pd.DataFrame:
    """Articles per day, company, date precision and tone (a person's correction wins),
    dated articles only: analytics.tone_from_daily turns them into tone over time.
    Columns: day, company, date_precision, tone, articles."""
    return _per_day(store, filters, by_tone=True)


def _per_day(store: Store, filters: Filters, *, by_tone: bool) -> pd.DataFrame:
    """Dated (article, company) rows per day, company and precision (and tone, which then
    must be known): their articles, and their mentions unless grouped by tone."""
    if rollups_apply(filters):
        d = daily_coverage_table.c
        keys = [d.day, d.company, d.date_precision]
        measures = [sa.func.sum(d.mentions).label("mentions")]
        known = [d.day != "", *_rollup_scope(daily_coverage_table, filters)]
        if by_tone:
            keys, measures, known = [*keys, d.tone], [], [*known, d.tone != ""]
        query = (
            sa.select(*keys, *measures, sa.func.sum(d.articles).label("articles"))
            .where(*known)
            .group_by(*keys)
            .having(sa.func.sum(d.articles) > 0)
            .order_by(d.day, d.company)
        )
        frame = store.read_frame(query)
    else:
        c = coverage_table.c
        day = day_of(store, c.published).label("day")
        keys = [day, c.company, c.date_precision]
        measures = [sa.func.sum(c.mentions).label("mentions")]
        known = [c.published.is_not(None), *scope(filters)]
        if by_tone:
            keys, measures, known = [*keys, c.tone], [], [*known, c.tone.is_not(None)]
        query = (
            sa.select(*keys, *measures, sa.func.count().label("articles"))  # a row per pair
            .where(*known)
            .group_by(*keys)
            .order_by(day, c.company)
        )
        frame = store.read_frame(query, grouping=True)
    frame["day"] = pd.to_datetime(frame["day"])
    frame["date_precision"] = frame["date_precision"].astype(object)
    for column in ("mentions", "articles"):
        if column in frame:
            frame[column] = frame[column].astype("int64")
    return frame


def topic_counts(store: Store, filters: Filters) -> pd.DataFrame:
    """Articles per company and topic, as analytics.topic_counts."""
    c, t = coverage_table.c, topics_table.c
    query = (
        sa.select(c.company, t.topic, sa.func.count(sa.distinct(c.article_id)).label("articles"))
        .select_from(coverage_table.join(topics_table, t.article_id == c.article_id))
        .where(*scope(filters))
        .group_by(c.company, t.topic)
    )
    frame = store.read_frame(query, grouping=True)
    if frame.empty:
        return pd.DataFrame(columns=["company", "topic", "articles"])
    return rank_topic_counts(frame.astype({"articles": "int64"}))


def daily_topics(store: Store, filters: Filters) -> pd.DataFrame:
    """Articles per day, date precision, company and topic, dated articles only (an
    article counts once per topic): what analytics.topics_from_daily sums into periods.
    Columns: day, date_precision, company, topic, articles."""
    c, t = coverage_table.c, topics_table.c
    day = day_of(store, c.published).label("day")
    keys = [day, c.date_precision, c.company, t.topic]
    query = (
        sa.select(*keys, sa.func.count(sa.distinct(c.article_id)).label("articles"))
        .select_from(coverage_table.join(topics_table, t.article_id == c.article_id))
        .where(c.published.is_not(None), *scope(filters))
        .group_by(*keys)
    )
    frame = store.read_frame(query, grouping=True)
    frame["day"] = pd.to_datetime(frame["day"])
    return frame.astype({"articles": "int64", "date_precision": object})


def articles_about(
    store: Store, filters: Filters, companies: list[str], since: datetime
) -> pd.DataFrame:
    """The dated articles that mention one of ``companies`` (among the chosen ones) under
    the filters, published since a moment. Columns: article_id, published."""
    chosen = [c for c in companies if not filters.companies or c in filters.companies]
    if not chosen:
        return pd.DataFrame(columns=["article_id", "published"])
    c = coverage_table.c
    scoped = scope(dataclasses.replace(filters, companies=tuple(chosen)))
    query = (
        sa.select(c.article_id, sa.func.min(c.published).label("published"))
        .where(c.published >= since, *scoped)
        .group_by(c.article_id)
    )
    frame = store.read_frame(query, grouping=True)
    frame["published"] = pd.to_datetime(frame["published"], utc=True, format="ISO8601")
    return frame


def company_counts(store: Store, filters: Filters) -> pd.DataFrame:
    """Articles, unique stories and mentions per company. Columns: company, articles,
    stories, mentions (analytics.share_from_counts turns them into shares of voice)."""
    c = coverage_table.c
    if rollups_apply(filters):
        d = daily_coverage_table.c
        query = (
            sa.select(
                d.company,
                sa.func.sum(d.articles).label("articles"),
                sa.func.sum(d.stories).label("stories"),
                sa.func.sum(d.mentions).label("mentions"),
            )
            .where(*_rollup_scope(daily_coverage_table, filters))
            .group_by(d.company)
            .having(sa.func.sum(d.articles) > 0)
        )
        frame = store.read_frame(query)
        if not _stories_from_rollup(filters):
            # Unique stories of a later start: counted distinct over the coverage rows.
            distinct = (
                sa.select(c.company, sa.func.count(sa.distinct(c.story_id)).label("stories"))
                .where(*scope(filters))
                .group_by(c.company)
            )
            stories = store.read_frame(distinct, grouping=True).set_index("company")["stories"]
            frame["stories"] = frame["company"].map(stories).fillna(0)
    else:
        query = (
            sa.select(
                c.company,
                sa.func.count().label("articles"),
                sa.func.count(sa.distinct(c.story_id)).label("stories"),
                sa.func.sum(c.mentions).label("mentions"),
            )
            .where(*scope(filters))
            .group_by(c.company)
        )
        frame = store.read_frame(query, grouping=True)
    for column in ("articles", "stories", "mentions"):
        frame[column] = frame[column].astype("int64")
    return frame


def tone_counts(store: Store, filters: Filters) -> pd.DataFrame:
    """Articles per company and tone (a person's correction wins). Columns: company, tone,
    articles."""
    c = coverage_table.c
    if rollups_apply(filters):
        d = daily_coverage_table.c
        query = (
            sa.select(d.company, d.tone, sa.func.sum(d.articles).label("articles"))
            .where(d.tone != "", *_rollup_scope(daily_coverage_table, filters))
            .group_by(d.company, d.tone)
            .having(sa.func.sum(d.articles) > 0)
            .order_by(d.company, d.tone)
        )
        frame = store.read_frame(query)
    else:
        query = (
            sa.select(c.company, c.tone, sa.func.count().label("articles"))
            .where(c.tone.is_not(None), *scope(filters))
            .group_by(c.company, c.tone)
            .order_by(c.company, c.tone)
        )
        frame = store.read_frame(query, grouping=True)
    frame["articles"] = frame["articles"].astype("int64")
    return frame


def outlet_counts(
    store: Store, filters: Filters, top: int = 10, by: str = "outlet"
) -> pd.DataFrame:
    """The outlets (or authors, with ``by="author"``) with most articles per company, as
    analytics.top_outlets. Columns: company, <by>, articles, stories."""
    query: Any
    if by == "outlet" and _stories_from_rollup(filters):
        # Each outlet's unique stories are its rows that are their story's first there.
        d = daily_outlets_table.c
        query = (
            sa.select(
                d.company,
                d.outlet,
                sa.func.sum(d.articles).label("articles"),
                sa.func.sum(d.stories).label("stories"),
            )
            .where(*_rollup_scope(daily_outlets_table, filters))
            .group_by(d.company, d.outlet)
            .having(sa.func.sum(d.articles) > 0)
        )
    else:
        c = coverage_table.c
        source: Any = coverage_table
        if by == "author":
            source = coverage_table.join(articles_table, articles_table.c.id == c.article_id)
            column = articles_table.c.author
        elif by == "outlet":
            column = c.outlet
        else:
            raise ValueError(f"top outlets by '{by}': use outlet or author")
        name = sa.func.coalesce(column, UNKNOWN_OUTLET).label(by)
        query = (
            sa.select(
                c.company,
                name,
                sa.func.count().label("articles"),
                sa.func.count(sa.distinct(c.story_id)).label("stories"),
            )
            .select_from(source)
            .where(*scope(filters))
            .group_by(c.company, name)
        )
    # Grouped rows are few (companies x outlets): ranked here, so that ties sort by code
    # point as in pandas whatever the database's collation.
    frame = store.read_frame(query, grouping=True)
    columns = ["company", by, "articles", "stories"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    for count in ("articles", "stories"):
        frame[count] = frame[count].astype("int64")
    ranked = frame.sort_values(["company", "articles", by], ascending=[True, False, True])
    return ranked.groupby("company").head(top).reset_index(drop=True)[columns]


def mentions_of_pair() -> Any:
    """A mention belongs to a coverage row: same article and company. The mention's company
    is an expression no index serves: without statistics (no ANALYZE), SQLite would look
    each row's mentions up by company, reading every mention of that company per row
    (minutes for 44,000 rows), instead of by article."""
    c, m = coverage_table.c, mentions_table.c
    return sa.and_(c.article_id == m.article_id, c.company == m.company.concat(""))


def prominence_counts(store: Store, filters: Filters) -> pd.DataFrame:
    """Mentions per company in titles, leads and bodies, as analytics.prominence."""
    m = mentions_table.c
    query = (
        sa.select(m.company, m.prominence, sa.func.count().label("mentions"))
        .select_from(mentions_table.join(coverage_table, mentions_of_pair()))
        .where(*scope(filters))
        .group_by(m.company, m.prominence)
    )
    frame = store.read_frame(query, grouping=True)
    counts = frame.set_index(["company", "prominence"])["mentions"].astype("int64")
    return prominence_from_counts(counts.sort_index())


def article_counts(store: Store, filters: Filters) -> pd.DataFrame:
    """Articles mentioning the chosen companies, per date precision (None: undated).
    Columns: date_precision, articles; their sum is the view's article count."""
    if rollups_apply(filters) and not filters.tones:
        counts = _article_sets(store, filters).groupby("date_precision", dropna=False)
        frame = counts["articles"].sum().reset_index()
        frame["date_precision"] = frame["date_precision"].replace("", None)
        return frame[frame["articles"] > 0].reset_index(drop=True)
    c = coverage_table.c
    query = (
        sa.select(c.date_precision, sa.func.count(sa.distinct(c.article_id)).label("articles"))
        .where(*scope(filters))
        .group_by(c.date_precision)
    )
    frame = store.read_frame(query, grouping=True)
    frame["articles"] = frame["articles"].astype("int64")
    return frame


def _article_sets(store: Store, filters: Filters) -> pd.DataFrame:
    """Articles per day, precision and set of companies, of the sets that meet the chosen
    companies: an article naming two chosen companies is one article. Columns: day,
    date_precision, articles."""
    d = daily_articles_table.c
    query = sa.select(d.day, d.date_precision, d.companies, d.articles).where(
        d.articles != 0, *_rollup_scope(daily_articles_table, filters)
    )
    frame = store.read_frame(query)
    if filters.companies and not frame.empty:
        chosen = set(filters.companies)
        meets = [
            not chosen.isdisjoint(names.split(COMPANY_SEPARATOR)) for names in frame["companies"]
        ]
        frame = frame[meets]
    frame = frame.astype({"articles": "int64", "date_precision": object, "day": object})
    return frame[["day", "date_precision", "articles"]]


def undated_articles(store: Store, filters: Filters, search: Search | None = None) -> int:
    """Undated articles mentioning the chosen companies under the other filters (and
    matching ``search``, if any): what a bounded period leaves out (and the overview says
    so)."""
    if search is None and rollups_apply(filters) and not filters.tones:
        every_day = _article_sets(store, dataclasses.replace(filters, start=None, end=None))
        return int(every_day.loc[every_day["day"] == "", "articles"].sum())
    c = coverage_table.c
    query = sa.select(sa.func.count(sa.distinct(c.article_id))).where(
        *_undated_rows(store, filters, search)
    )
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def articles_of_days(
    store: Store, filters: Filters, days: Iterable[tuple[str, pd.Timestamp]]
) -> pd.DataFrame:
    """The articles behind some (company, day) points of the daily timeline, with their
    titles: what a spike's hover lists. Columns: company, day, article_id, title."""
    c, a = coverage_table.c, articles_table.c
    frames = []
    for company, day in days:
        start = _moment(pd.Timestamp(day).date())
        query = (
            sa.select(c.company, c.article_id, a.title)
            .join(articles_table, a.id == c.article_id)
            .where(
                c.company == company,
                c.published >= start,
                c.published < start + timedelta(days=1),
                c.date_precision.in_(("datetime", "day")),
                *scope(filters),
            )
            .order_by(c.published, c.article_id)
        )
        found = store.read_frame(query, grouping=True)
        frames.append(found.assign(day=pd.Timestamp(day)))
    columns = ["company", "day", "article_id", "title"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def window_size(store: Store, since: date | None) -> int:
    """Coverage rows ((article, company) pairs) a view reading from ``since`` would load."""
    c = coverage_table.c
    query = sa.select(sa.func.count()).select_from(coverage_table)
    if since is not None:
        query = query.where(sa.or_(period_condition(since, None), c.published.is_(None)))
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def filter_options(store: Store, since: date | None) -> dict[str, list[str]]:
    """The outlets, languages and topics found in the articles of a window, sorted: the
    sidebar's choices."""
    c = coverage_table.c
    window = sa.or_(period_condition(since, None), c.published.is_(None)) if since else sa.true()
    options = {}
    for name, column in (("outlets", c.outlet), ("languages", c.language)):
        query = sa.select(column).where(window, column.is_not(None)).distinct()
        options[name] = sorted(store.read_frame(query, grouping=True).iloc[:, 0].astype(str))
    t = topics_table.c
    tagged = sa.select(t.topic).distinct()
    options["topics"] = sorted(store.read_frame(tagged).iloc[:, 0].astype(str))
    return options


def coverage_listing(
    store: Store,
    filters: Filters,
    limit: int,
    search: Search | None = None,
    *,
    sizes: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """The first ``limit`` articles of analytics.coverage_listing, read from the coverage
    rows newest first: the database stops after them instead of sorting the view.

    With ``search``, only the articles whose title or text match it (their pickups still
    count the story's copies the filters keep); ``sizes`` as for search_condition.
    """
    c = coverage_table.c
    kept = scope(filters)
    if search is not None:
        kept.append(search_condition(store, filters, search, listing=True, sizes=sizes))
    # Dated rows, then undated ones: with the nulls left out, a descending read of the
    # date index is already the order (PostgreSQL puts nulls first in a descending index).
    dated = sa.select(
        c.article_id,
        c.company,
        c.published,
        c.date_precision,
        c.outlet,
        c.language,
        c.story_id,
        c.mentions,
        c.tone,
    ).where(*kept)
    ties = [text_order(store, c.article_id), c.mentions.desc(), text_order(store, c.company)]
    queries = [
        dated.where(c.published.is_not(None)).order_by(c.published.desc(), *ties),
        dated.where(c.published.is_(None)).order_by(*ties),
    ]
    listed: dict[str, dict[str, Any]] = {}
    with store.reading(first_rows=True) as conn:
        for query in queries:
            result = conn.execute(query.execution_options(stream_results=True, yield_per=500))
            try:
                for row in result:
                    entry = listed.get(row.article_id)
                    if entry is None:
                        if len(listed) == limit:
                            break
                        entry = listed[row.article_id] = {
                            "id": row.article_id,
                            "published": row.published,
                            "date_precision": row.date_precision,
                            "outlet": row.outlet,
                            "language": row.language,
                            "story_id": row.story_id,
                            "companies": [],
                            "tones": [],
                            "mentions": 0,
                        }
                    entry["companies"].append(row.company)
                    entry["tones"].append(row.tone or "")
                    entry["mentions"] += row.mentions
            finally:
                result.close()  # a cursor left half read (PostgreSQL: server-side)
            if len(listed) == limit:
                break
        titles = _titles(conn, list(listed))
        topics = article_topic_names(conn, list(listed))
        pickups = _kept_copies(conn, scope(filters), {e["story_id"] for e in listed.values()})
    rows = [
        {
            **entry,
            "title": titles.get(article_id),
            "companies": ", ".join(entry["companies"]),
            "tones": ", ".join(entry["tones"]),
            "topics": topics.get(article_id, ""),
            "pickups": len(pickups.get(entry["story_id"], ())),
        }
        for article_id, entry in listed.items()
    ]
    frame = pd.DataFrame.from_records(rows, columns=LISTING_COLUMNS)
    frame["published"] = pd.to_datetime(frame["published"], utc=True)
    return frame.astype({"mentions": "int64", "pickups": "int64"})


def _titles(conn: Connection, ids: list[str]) -> dict[str, str | None]:
    """article id -> its title."""
    a = articles_table.c
    found: dict[str, str | None] = {}
    for start in range(0, len(ids), 500):
        query = sa.select(a.id, a.title).where(a.id.in_(ids[start : start + 500]))
        found.update({row.id: row.title for row in conn.execute(query)})
    return found


def article_topic_names(conn: Connection, ids: list[str]) -> dict[str, str]:
    """article id -> its topics, comma-separated and sorted (analytics.article_topics)."""
    t = topics_table.c
    found: dict[str, set[str]] = defaultdict(set)
    for start in range(0, len(ids), 500):
        query = sa.select(t.article_id, t.topic).where(t.article_id.in_(ids[start : start + 500]))
        for article_id, topic in conn.execute(query):
            found[article_id].add(topic)
    return {article_id: ", ".join(sorted(names)) for article_id, names in found.items()}


def kept_flag(kept: list[Any]) -> Any:
    """A column ``is_kept``: whether a row meets the conditions ``kept``.

    A story's copies are read with it rather than filtered by the conditions: as a
    condition, PostgreSQL ANDs the story index with a bitmap of the whole period, rebuilt
    for each chunk of stories (what made per-chunk pickups cost 26 s at 10M mentions).
    """
    return (sa.and_(*kept) if kept else sa.true()).label("is_kept")


def _kept_copies(conn: Connection, kept: list[Any], stories: Iterable[str]) -> dict[str, set[str]]:
    """story id -> the ids of its articles that meet the conditions ``kept``."""
    c = coverage_table.c
    is_kept = kept_flag(kept)
    wanted = sorted(stories)
    copies: dict[str, set[str]] = defaultdict(set)
    for start in range(0, len(wanted), 500):
        query = sa.select(c.story_id, c.article_id, is_kept).where(
            c.story_id.in_(wanted[start : start + 500])
        )
        for row in conn.execute(query):
            if row.is_kept:
                copies[row.story_id].add(row.article_id)
    return copies


def republished_stories(
    store: Store, filters: Filters, limit: int, search: Search | None = None
) -> tuple[pd.DataFrame, int]:
    """The stories the filters keep in more than one copy (copies that match ``search``,
    if any), as analytics.stories orders them (most picked up first), the first ``limit``
    of them; and how many there are."""
    c, a = coverage_table.c, articles_table.c
    kept = scope(filters)
    if search is not None:
        kept.append(search_condition(store, filters, search))
    pickups = sa.func.count(sa.distinct(c.article_id))
    groups = (
        sa.select(c.story_id, pickups.label("pickups"), sa.func.min(c.published).label("first"))
        .where(*kept)
        .group_by(c.story_id)
        .having(pickups > 1)
    )
    stories: dict[str, dict[str, Any]] = {}
    with store.reading() as conn:
        # Every republished story in one pass, ordered here: counting them, then ordering
        # them in the database, would group the view's rows twice (at 10M mentions, all
        # time, 3.5 s each on SQLite).
        found = pd.DataFrame.from_records(
            [tuple(row) for row in conn.execute(groups)], columns=["story_id", "pickups", "first"]
        )
        found["first"] = pd.to_datetime(found["first"], utc=True)
        top = found.sort_values(
            ["pickups", "first", "story_id"], ascending=[False, False, True], na_position="last"
        ).head(limit)
        for story_id, count, first in zip(
            top["story_id"], top["pickups"], top["first"], strict=True
        ):
            stories[story_id] = {
                "story_id": story_id,
                "pickups": int(count),
                "first_published": first,
                "title": None,
                "outlets": set(),
                "companies": set(),
            }
        is_kept = kept_flag(kept)
        wanted = sorted(stories)
        for start in range(0, len(wanted), 500):
            copies = (
                sa.select(c.story_id, c.company, c.outlet, a.title, is_kept)
                .join(articles_table, a.id == c.article_id)
                .where(c.story_id.in_(wanted[start : start + 500]))
                # The first copy's title: dated before undated, then by date and collection.
                .order_by(c.published.nulls_last(), a.first_seen, text_order(store, c.article_id))
            )
            for copy in conn.execute(copies):
                if not copy.is_kept:
                    continue
                story = stories[copy.story_id]
                story["companies"].add(copy.company)
                if copy.outlet is not None:
                    story["outlets"].add(copy.outlet)
                if story["title"] is None:
                    story["title"] = copy.title
    for story in stories.values():
        story["outlets"] = ", ".join(sorted(story["outlets"]))
        story["companies"] = ", ".join(sorted(story["companies"]))
    frame = pd.DataFrame.from_records(list(stories.values()), columns=STORY_COLUMNS)
    frame["first_published"] = pd.to_datetime(frame["first_published"], utc=True)
    return frame.astype({"pickups": "int64"}), len(found)


def _undated_rows(store: Store, filters: Filters, search: Search | None) -> list[Any]:
    """Conditions on coverage rows: undated, kept by the filters other than the period,
    their article matching ``search`` if any."""
    c = coverage_table.c
    kept = [c.published.is_(None), *scope(dataclasses.replace(filters, start=None, end=None))]
    if search is None:
        return kept
    if store.backend == "sqlite":
        # Undated rows are few: each is checked, never the whole list of matches read.
        return [*kept, coverage_matches(search)]
    return [*kept, c.article_id.in_(matching_ids(store.backend, search))]


def undated_listing(
    store: Store, filters: Filters, limit: int, search: Search | None = None
) -> pd.DataFrame:
    """The first ``limit`` undated articles of analytics.undated_listing under the filters
    other than the period (which leaves them out), matching ``search`` if any."""
    c, a, links = coverage_table.c, articles_table.c, article_sources_table.c
    undated = sa.select(c.article_id).where(*_undated_rows(store, filters, search))
    source = (
        sa.select(sa.func.min(links.source))
        .where(links.article_id == a.id)
        .scalar_subquery()
        .label("source")
    )
    query = (
        sa.select(a.id, a.outlet, a.title, source)
        .where(a.id.in_(undated))
        .order_by(a.first_seen.desc(), text_order(store, a.id))
        .limit(limit)
    )
    return store.read_frame(query).reindex(columns=UNDATED_COLUMNS)


def search_sizes(store: Store, filters: Filters, search: Search) -> tuple[int, int]:
    """How many indexed articles match a search, and how many articles the view holds:
    what search_condition steers SQLite by."""
    with store.engine.connect() as conn:
        matches = count_matches(conn, search)
    return matches, int(article_counts(store, filters)["articles"].sum())


def search_condition(
    store: Store,
    filters: Filters,
    search: Search,
    *,
    listing: bool = False,
    sizes: tuple[int, int] | None = None,
) -> Any:
    """A condition on coverage rows: their article matches the search.

    On SQLite the database is steered to the cheaper start: from the matches (an IN
    list), or from the view's rows, each checked. A count reads the view when the search
    matches more articles than the view holds; a list, read newest first until it has
    its rows, when at least a tenth of the view's articles match (it then stops early).
    ``sizes``: search_sizes, when already read.

    On PostgreSQL a list of a search that few articles match names them: planned for its
    first rows, the list otherwise read the view newest first, each row checked against
    the matches, to its end when they were few (5.2 to 5.8 s for a phrase in one article
    of 2 million). The planner weighs the rest itself.
    """
    c = coverage_table.c
    if store.backend == "sqlite":
        matches, in_view = sizes or search_sizes(store, filters, search)
        if matches * (10 if listing else 1) > in_view:
            return coverage_matches(search)
    elif listing:
        found = few_matches(store, search, FEW_MATCHES)
        if found is not None:
            return c.article_id == sa.any_(
                sa.bindparam("search_ids", found, type_=postgresql.ARRAY(sa.String))
            )
    return c.article_id.in_(matching_ids(store.backend, search))


def few_matches(store: Store, search: Search, most: int) -> list[str] | None:
    """The ids of the articles that match a search when at most ``most`` do, else None
    (reads at most ``most`` + 1 of them)."""
    found = matching_ids(store.backend, search).subquery()
    with store.engine.connect() as conn:
        ids = list(conn.execute(sa.select(found.c.article_id).limit(most + 1)).scalars())
    return ids if len(ids) <= most else None


def search_coverage(
    store: Store, filters: Filters, search: Search, limit: int
) -> tuple[pd.DataFrame, int]:
    """The Coverage page's search: the view's newest ``limit`` articles that match, and
    how many match (the sizes that steer SQLite read once for both)."""
    sizes = search_sizes(store, filters, search) if store.backend == "sqlite" else None
    listing = coverage_listing(store, filters, limit, search, sizes=sizes)
    return listing, search_count(store, filters, search, sizes=sizes)


def search_count(
    store: Store, filters: Filters, search: Search, *, sizes: tuple[int, int] | None = None
) -> int:
    """How many articles the filters keep match a search."""
    c = coverage_table.c
    query = sa.select(sa.func.count(sa.distinct(c.article_id))).where(
        *scope(filters), search_condition(store, filters, search, sizes=sizes)
    )
    with store.reading() as conn:
        return int(conn.execute(query).scalar_one())

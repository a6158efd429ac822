"""The lists of a view read from the coverage rows (newest articles, undated ones,
republished stories) and the full-text search that narrows them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from presswatch.analytics import LISTING_COLUMNS, STORY_COLUMNS, UNDATED_COLUMNS
from presswatch.drill import UNDATED, Drill, is_unknown
from presswatch.models import UNKNOWN_OUTLET, Filters
from presswatch.search import Search, parse_search
from presswatch.store.base import cast_columns
from presswatch.store.conditions import (
    _undated_rows,
    kept_flag,
    not_marked_wrong,
    scope,
    text_order,
)
from presswatch.store.figures import FiguresMixin
from presswatch.store.schema import (
    article_sources_table,
    articles_table,
    coverage_table,
    mentions_table,
    messages_table,
    topics_table,
)
from presswatch.store.search import count_matches, coverage_matches, matching_ids

# A search that matches at most this many articles is listed from its matches (PostgreSQL).
FEW_MATCHES = 10_000


def _titles_and_topics(conn: Connection, ids: list[str]) -> dict[str, tuple[str | None, str]]:
    """article id -> its title and its topics, comma-separated and sorted
    (analytics.article_topics): one read of the articles joined to their topics."""
    a, t = articles_table.c, topics_table.c
    titles: dict[str, str | None] = {}
    topics: dict[str, set[str]] = defaultdict(set)
    for start in range(0, len(ids), 500):
        query = (
            sa.select(a.id, a.title, t.topic)
            .select_from(articles_table.outerjoin(topics_table, t.article_id == a.id))
            .where(a.id.in_(ids[start : start + 500]))
        )
        for article_id, title, topic in conn.execute(query):
            titles[article_id] = title
            if topic is not None:
                topics[article_id].add(topic)
    return {
        article_id: (title, ", ".join(sorted(topics.get(article_id, ()))))
        for article_id, title in titles.items()
    }


def pair_topic_names(conn: Connection, ids: list[str]) -> dict[tuple[str, str], str]:
    """(article id, company) -> the themes found about that company, the main one first,
    comma-separated (what a row of the articles export, one per pair, shows)."""
    t = topics_table.c
    found: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        query = sa.select(t.article_id, t.company, t.theme_rank, t.topic).where(
            t.article_id.in_(ids[start : start + 500])
        )
        for article_id, company, rank, topic in conn.execute(query):
            found[(article_id, company)].append((rank, topic))
    return {
        pair: ", ".join(dict.fromkeys(topic for _, topic in sorted(ranked)))
        for pair, ranked in found.items()
    }


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


def drill_conditions(drill: Drill) -> list[Any]:
    """The conditions on coverage rows a drill adds to its narrowed filters: the date
    precisions its timeline period places, an unknown outlet, an author, a theme, where a
    mention stands, a key message, a story (its search is Store.drilled_articles'), how
    far the date is known."""
    c, a = coverage_table.c, articles_table.c
    conditions: list[Any] = []
    precisions = drill.precisions()
    if precisions is not None:
        conditions.append(c.date_precision.in_(list(precisions)))
    if drill.outlet is not None and is_unknown(drill.outlet):
        conditions.append(sa.or_(c.outlet.is_(None), c.outlet == ""))
    if drill.author is not None:
        # As Store.outlet_counts groups authors: no author is "(unknown)".
        author = (
            sa.or_(a.author.is_(None), a.author == UNKNOWN_OUTLET)
            if is_unknown(drill.author)
            else a.author == drill.author
        )
        conditions.append(c.article_id.in_(sa.select(a.id).where(author)))
    if drill.topic is not None:
        # On top of the view's themes, as Store.topic_counts counts a pair's other themes.
        t = topics_table.alias("clicked").c
        conditions.append(
            sa.exists().where(
                t.article_id == c.article_id, t.company == c.company, t.topic == drill.topic
            )
        )
    if drill.prominence is not None:
        # As Store.prominence_counts counts them: the company's mentions no person marked
        # wrong, in that place of the article.
        m = mentions_table.alias("placed")
        conditions.append(
            sa.exists().where(
                m.c.article_id == c.article_id,
                m.c.company == c.company,
                m.c.prominence == drill.prominence,
                not_marked_wrong(m),
            )
        )
    if drill.message is not None:
        # As Store.message_shares counts them: the message carried by the company's article.
        g = messages_table.alias("carried").c
        conditions.append(
            sa.exists().where(
                g.article_id == c.article_id, g.company == c.company, g.message == drill.message
            )
        )
    if drill.story is not None:
        conditions.append(c.story_id == drill.story)
    if drill.precision is not None:
        # As Store.article_counts groups them: no precision is undated.
        conditions.append(
            c.date_precision.is_(None)
            if drill.precision == UNDATED
            else c.date_precision == drill.precision
        )
    return conditions


# pandas' type for a column of text (and None): what the installed pandas infers from a
# list of them (its string type since pandas 3, object before).
_TEXT = pd.Series(["text", None]).dtype
# The listing's columns of text, named: a column of another kind added to LISTING_COLUMNS
# must not become text (tests/test_drill.py holds the frame's types to pandas' inference).
_TEXT_COLUMNS = [
    "id",
    "date_precision",
    "outlet",
    "title",
    "language",
    "story_id",
    "companies",
    "tones",
    "topics",
]


def _empty_listing() -> pd.DataFrame:
    """The frame of an empty list: object columns, as pandas builds a frame of no records."""
    empty = pd.DataFrame(columns=LISTING_COLUMNS)
    empty["published"] = pd.to_datetime(empty["published"], utc=True)
    return cast_columns(empty, {"mentions": "int64", "pickups": "int64"})


# Built once, copied for each empty list (a drill of a period without coverage).
_EMPTY_LISTING = _empty_listing()


def _listing_frame(listed: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """coverage_listing's frame of the articles ListingsMixin._listed read."""
    entries = list(listed.values())
    if not entries:
        return _EMPTY_LISTING.copy()
    # Every column built with its type, then one frame: setting or casting columns of a
    # built frame costs pandas more than reading a drill's few rows. The text columns are
    # given the string type pandas would infer (none for a column of None only): its
    # inference was a large part of the frame's cost, and the columns' order is the dict's.
    data: dict[str, Any] = {name: [entry[name] for entry in entries] for name in LISTING_COLUMNS}
    data["companies"] = [", ".join(names) for names in data["companies"]]
    data["tones"] = [", ".join(tones) for tones in data["tones"]]
    for name in _TEXT_COLUMNS:
        values = data[name]
        if any(value is not None for value in values):
            data[name] = pd.array(values, dtype=_TEXT)
    data["published"] = pd.to_datetime(data["published"], utc=True)
    data["mentions"] = np.array(data["mentions"], dtype=np.int64)
    data["pickups"] = np.array(data["pickups"], dtype=np.int64)
    return pd.DataFrame(data)


class ListingsMixin(FiguresMixin):
    """The newest articles, undated articles and republished stories of a view, and
    their full-text search."""

    def coverage_listing(
        self,
        filters: Filters,
        limit: int,
        search: Search | None = None,
        *,
        sizes: tuple[int, int] | None = None,
        extra: Sequence[Any] = (),
    ) -> pd.DataFrame:
        """The first ``limit`` articles of the oracle's coverage_listing, read from the coverage
        rows newest first: the database stops after them instead of sorting the view.

        With ``search``, only the articles whose title or text match it (their pickups still
        count the story's copies the filters keep); ``sizes`` as for search_condition;
        ``extra``: more conditions on the coverage rows (drill_conditions).
        """
        in_view = scope(filters)
        kept = [*in_view, *extra]
        if search is not None:
            kept.append(self.search_condition(filters, search, listing=True, sizes=sizes))
        with self.reading(first_rows=True) as conn:
            listed = self._listed(conn, filters, in_view, kept, limit)
        return _listing_frame(listed)

    def _listed(
        self, conn: Connection, view: Filters, in_view: list[Any], kept: list[Any], limit: int
    ) -> dict[str, dict[str, Any]]:
        """coverage_listing's articles (rows meeting ``kept``, newest first, the first
        ``limit``) with their titles, topics and pickups (a story's copies meeting
        ``in_view``, the scope of the filters ``view``), read on ``conn``."""
        c = coverage_table.c
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
        ties = [
            text_order(self.backend, c.article_id),
            c.mentions.desc(),
            text_order(self.backend, c.company),
        ]
        queries = [dated.where(c.published.is_not(None)).order_by(c.published.desc(), *ties)]
        if view.start is None and view.end is None:
            # A period keeps no undated row (period_condition): no query for them.
            queries.append(dated.where(c.published.is_(None)).order_by(*ties))
        listed: dict[str, dict[str, Any]] = {}
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
        described = _titles_and_topics(conn, list(listed))
        pickups = _kept_copies(conn, in_view, {e["story_id"] for e in listed.values()})
        for article_id, entry in listed.items():
            entry["title"], entry["topics"] = described.get(article_id, (None, ""))
            entry["pickups"] = len(pickups.get(entry["story_id"], ()))
        return listed

    def main_themes(self, ids: Iterable[str], companies: Iterable[str]) -> dict[str, str]:
        """article id -> its main theme about these companies (its rank 1 theme, the heaviest
        when several companies have one); articles without a theme are left out."""
        t = topics_table.c
        wanted, names = sorted(set(ids)), sorted(set(companies))
        chosen: dict[str, tuple[int, float, str]] = {}
        with self._begin() as conn:
            for start in range(0, len(wanted), 500):
                query = sa.select(t.article_id, t.theme_rank, t.weight, t.topic).where(
                    t.article_id.in_(wanted[start : start + 500]), t.company.in_(names)
                )
                for article_id, rank, weight, topic in conn.execute(query):
                    key = (int(rank), -float(weight), str(topic))
                    if article_id not in chosen or key < chosen[article_id]:
                        chosen[article_id] = key
        return {article_id: key[2] for article_id, key in chosen.items()}

    def republished_stories(
        self, filters: Filters, limit: int, search: Search | None = None
    ) -> tuple[pd.DataFrame, int]:
        """The stories the filters keep in more than one copy (copies that match ``search``,
        if any), as the oracle's stories orders them (most picked up first), the first ``limit``
        of them; and how many there are."""
        c, a = coverage_table.c, articles_table.c
        kept = scope(filters)
        if search is not None:
            kept.append(self.search_condition(filters, search))
        pickups = sa.func.count(sa.distinct(c.article_id))
        groups = (
            sa.select(c.story_id, pickups.label("pickups"), sa.func.min(c.published).label("first"))
            .where(*kept)
            .group_by(c.story_id)
            .having(pickups > 1)
        )
        stories: dict[str, dict[str, Any]] = {}
        with self.reading() as conn:
            # Every republished story in one pass, ordered here: counting them, then ordering
            # them in the database, would group the view's rows twice (at 10M mentions, all
            # time, 3.5 s each on SQLite).
            found = pd.DataFrame.from_records(
                [tuple(row) for row in conn.execute(groups)],
                columns=["story_id", "pickups", "first"],
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
                    .order_by(
                        c.published.nulls_last(),
                        a.first_seen,
                        text_order(self.backend, c.article_id),
                    )
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
        return cast_columns(frame, {"pickups": "int64"}), len(found)

    def first_copies(self, filters: Filters, story_ids: Iterable[str]) -> dict[str, str]:
        """Each story's first copy that the filters keep, in republished_stories' order of
        copies (dated before undated, then by date and collection): story id -> article id."""
        c, a = coverage_table.c, articles_table.c
        wanted = sorted(set(story_ids))
        found: dict[str, str] = {}
        with self.reading() as conn:
            for start in range(0, len(wanted), 500):
                query = (
                    sa.select(c.story_id, c.article_id)
                    .join(articles_table, a.id == c.article_id)
                    .where(c.story_id.in_(wanted[start : start + 500]), *scope(filters))
                    .order_by(
                        c.published.nulls_last(),
                        a.first_seen,
                        text_order(self.backend, c.article_id),
                    )
                )
                for row in conn.execute(query):
                    found.setdefault(row.story_id, row.article_id)
        return found

    def undated_listing(
        self, filters: Filters, limit: int, search: Search | None = None
    ) -> pd.DataFrame:
        """The first ``limit`` undated articles of the oracle's undated_listing under the filters
        other than the period (which leaves them out), matching ``search`` if any."""
        c, a, links = coverage_table.c, articles_table.c, article_sources_table.c
        undated = sa.select(c.article_id).where(*_undated_rows(self.backend, filters, search))
        source = (
            sa.select(sa.func.min(links.source))
            .where(links.article_id == a.id)
            .scalar_subquery()
            .label("source")
        )
        query = (
            sa.select(a.id, a.outlet, a.title, source)
            .where(a.id.in_(undated))
            .order_by(a.first_seen.desc(), text_order(self.backend, a.id))
            .limit(limit)
        )
        return self.read_frame(query).reindex(columns=UNDATED_COLUMNS)

    def search_sizes(self, filters: Filters, search: Search) -> tuple[int, int]:
        """How many indexed articles match a search, and how many articles the view holds:
        what search_condition steers SQLite by."""
        with self.engine.connect() as conn:
            matches = count_matches(conn, search)
        return matches, int(self.article_counts(filters)["articles"].sum())

    def search_condition(
        self,
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
        if self.backend == "sqlite":
            matches, in_view = sizes or self.search_sizes(filters, search)
            if matches * (10 if listing else 1) > in_view:
                return coverage_matches(search)
        elif listing:
            found = self.few_matches(search, FEW_MATCHES)
            if found is not None:
                return c.article_id == sa.any_(
                    sa.bindparam("search_ids", found, type_=postgresql.ARRAY(sa.String))
                )
        return c.article_id.in_(matching_ids(self.backend, search))

    def few_matches(self, search: Search, most: int) -> list[str] | None:
        """The ids of the articles that match a search when at most ``most`` do, else None
        (reads at most ``most`` + 1 of them)."""
        found = matching_ids(self.backend, search).subquery()
        with self.engine.connect() as conn:
            ids = list(conn.execute(sa.select(found.c.article_id).limit(most + 1)).scalars())
        return ids if len(ids) <= most else None

    def search_coverage(
        self, filters: Filters, search: Search, limit: int
    ) -> tuple[pd.DataFrame, int]:
        """The Coverage page's search: the view's newest ``limit`` articles that match, and
        how many match (the sizes that steer SQLite read once for both)."""
        sizes = self.search_sizes(filters, search) if self.backend == "sqlite" else None
        listing = self.coverage_listing(filters, limit, search, sizes=sizes)
        return listing, self.search_count(filters, search, sizes=sizes)

    def search_count(
        self, filters: Filters, search: Search, *, sizes: tuple[int, int] | None = None
    ) -> int:
        """How many articles the filters keep match a search."""
        c = coverage_table.c
        query = sa.select(sa.func.count(sa.distinct(c.article_id))).where(
            *scope(filters), self.search_condition(filters, search, sizes=sizes)
        )
        with self.reading() as conn:
            return int(conn.execute(query).scalar_one())

    def drilled_articles(
        self, filters: Filters, drill: Drill, limit: int
    ) -> tuple[pd.DataFrame, int]:
        """The articles behind one clicked number (Drill) of a view, newest first (the
        first ``limit``, coverage_listing's columns), and how many there are: the number
        clicked."""
        narrowed = drill.filters(filters)
        extra = drill_conditions(drill)
        if drill.search is not None:
            found = parse_search(drill.search)
            if found is not None:
                extra.append(self.search_condition(narrowed, found))
        in_view = scope(narrowed)
        kept = [*in_view, *extra]
        c = coverage_table.c
        # One transaction for the number and its list: one snapshot on PostgreSQL (the list
        # holds the articles counted, even while a collector writes), one connection.
        with self.reading(first_rows=True) as conn:
            listed = self._listed(conn, narrowed, in_view, kept, limit)
            total = len(listed)
            if total == limit:
                # The list read every row meeting the conditions unless it stopped at the
                # limit: only then is the number a query of its own.
                query = sa.select(sa.func.count(sa.distinct(c.article_id))).where(*kept)
                total = int(conn.execute(query).scalar_one())
        return _listing_frame(listed), total

    def card_details(self, ids: Iterable[str]) -> pd.DataFrame:
        """What an article's card shows of each of its companies: tone, the tone's evidence
        sentence (else the first sentence naming it) and the words that named it.

        Columns: article_id, company, title, url, tone, evidence, matched (a list).
        """
        rows = self.coverage_of_articles(ids)
        columns = ["article_id", "company", "title", "url", "tone", "evidence", "matched"]
        if rows.empty:
            return pd.DataFrame(columns=columns)
        m = mentions_table.c
        wanted = sorted(set(rows["article_id"]))
        named: dict[tuple[str, str], list[str]] = defaultdict(list)
        sentences: dict[tuple[str, str], str] = {}
        with self.reading() as conn:
            for start in range(0, len(wanted), 500):
                query = (
                    sa.select(m.article_id, m.company, m.matched, m.sentence)
                    .where(m.article_id.in_(wanted[start : start + 500]), not_marked_wrong())
                    .order_by(m.article_id, m.company, m.field.desc(), m.start)
                )
                for row in conn.execute(query):
                    pair = (row.article_id, row.company)
                    if row.matched not in named[pair]:
                        named[pair].append(row.matched)
                    sentences.setdefault(pair, row.sentence)
        pairs = list(zip(rows["article_id"], rows["company"], strict=True))
        evidence = [
            e if isinstance(e, str) and e else sentences.get(pair)
            for e, pair in zip(rows["evidence"], pairs, strict=True)
        ]
        matched = pd.Series([named.get(pair, []) for pair in pairs], index=rows.index, dtype=object)
        return rows.assign(
            evidence=pd.Series(evidence, index=rows.index, dtype=object), matched=matched
        )[columns]

"""Every figure, grouped by the database: the one engine of presswatch's numbers.

They read the coverage table (one row per article and company it mentions, written at
analysis time) and its daily rollups for a Filters, so that only grouped rows travel: a
view of an archive of 10 million mentions never loads its mentions. presswatch.analytics
finishes them; tests/oracle.py computes the same figures from every row, and the tests
hold the two to the same numbers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa

from presswatch.analytics import prominence_from_counts, rank_topic_counts
from presswatch.models import UNKNOWN_OUTLET, Filters
from presswatch.search import Search
from presswatch.store.base import StoreBase, cast_columns
from presswatch.store.conditions import (
    _moment,
    _rollup_scope,
    _stories_from_rollup,
    _undated_rows,
    day_of,
    mentions_of_pair,
    not_marked_wrong,
    period_condition,
    rollups_apply,
    scope,
)
from presswatch.store.schema import (
    COMPANY_SEPARATOR,
    articles_table,
    coverage_table,
    daily_articles_table,
    daily_coverage_table,
    daily_outlets_table,
    mentions_table,
    messages_table,
    tones_table,
    topics_table,
)

# Ids per IN (...) list: well under SQLite's and PostgreSQL's limits on bound parameters.
IDS_PER_QUERY = 500


class FiguresMixin(StoreBase):
    """The overview's figures of a view (Filters), grouped by the database."""

    def daily_counts(self, filters: Filters) -> pd.DataFrame:
        """Mentions and articles per day, company and date precision, dated articles only.

        Columns: day (midnight, naive UTC), company, date_precision, mentions, articles. An
        article known to the month or year sits on its first day; callers keep the precisions
        their grain can place (analytics.timeline_from_daily).
        """
        return self._per_day(filters, by_tone=False)

    def daily_tones(self, filters: Filters) -> pd.DataFrame:
        """Articles per day, company, date precision and tone (a person's correction wins),
        dated articles only: analytics.tone_from_daily turns them into tone over time.
        Columns: day, company, date_precision, tone, articles."""
        return self._per_day(filters, by_tone=True)

    def _per_day(self, filters: Filters, *, by_tone: bool) -> pd.DataFrame:
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
            frame = self.read_frame(query)
        else:
            c = coverage_table.c
            day = day_of(self.backend, c.published).label("day")
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
            frame = self.read_frame(query, grouping=True)
        frame["day"] = pd.to_datetime(frame["day"])
        frame["date_precision"] = frame["date_precision"].astype(object)
        for column in ("mentions", "articles"):
            if column in frame:
                frame[column] = frame[column].astype("int64")
        return frame

    def topic_counts(self, filters: Filters) -> pd.DataFrame:
        """Articles per company and topic (the themes found about that company), as the
        oracle's topic_counts."""
        c, t = coverage_table.c, topics_table.c
        query = (
            sa.select(
                c.company, t.topic, sa.func.count(sa.distinct(c.article_id)).label("articles")
            )
            .select_from(
                coverage_table.join(
                    topics_table, (t.article_id == c.article_id) & (t.company == c.company)
                )
            )
            .where(*scope(filters))
            .group_by(c.company, t.topic)
        )
        frame = self.read_frame(query, grouping=True)
        if frame.empty:
            return pd.DataFrame(columns=["company", "topic", "articles"])
        return rank_topic_counts(cast_columns(frame, {"articles": "int64"}))

    def daily_topics(self, filters: Filters) -> pd.DataFrame:
        """Articles per day, date precision, company and topic, dated articles only (an
        article counts once per topic): what analytics.topics_from_daily sums into periods.
        Columns: day, date_precision, company, topic, articles."""
        c, t = coverage_table.c, topics_table.c
        day = day_of(self.backend, c.published).label("day")
        keys = [day, c.date_precision, c.company, t.topic]
        query = (
            sa.select(*keys, sa.func.count(sa.distinct(c.article_id)).label("articles"))
            .select_from(
                coverage_table.join(
                    topics_table, (t.article_id == c.article_id) & (t.company == c.company)
                )
            )
            .where(c.published.is_not(None), *scope(filters))
            .group_by(*keys)
        )
        frame = self.read_frame(query, grouping=True)
        frame["day"] = pd.to_datetime(frame["day"])
        return cast_columns(frame, {"articles": "int64", "date_precision": object})

    def message_shares(self, filters: Filters) -> pd.DataFrame:
        """Per company and key message: the articles carrying it, the company's articles,
        their share (percent) and one sentence carrying it (naming the company): one where
        a phrasing stands if there is any, else the most similar one. Columns: company,
        message, articles, of, share, sentence, phrasing (the one found, or the nearest),
        similarity (NaN where the phrasing stands in the sentence)."""
        c, m = coverage_table.c, messages_table.c
        columns = ["company", "message", "articles", "of", "share", "sentence"]
        columns += ["phrasing", "similarity"]
        joined = coverage_table.join(
            messages_table, (m.article_id == c.article_id) & (m.company == c.company)
        )
        carried = (
            sa.select(
                c.company,
                m.message,
                sa.func.count(sa.distinct(c.article_id)).label("articles"),
            )
            .select_from(joined)
            .where(*scope(filters))
            .group_by(c.company, m.message)
        )
        frame = self.read_frame(carried, grouping=True)
        if frame.empty:
            return pd.DataFrame(columns=columns)
        ranked = (
            sa.select(
                c.company,
                m.message,
                m.sentence,
                m.phrasing,
                m.similarity,
                sa.func.row_number()
                .over(
                    partition_by=(c.company, m.message),
                    order_by=(m.similarity.is_not(None), m.similarity.desc(), m.sentence.desc()),
                )
                .label("place"),
            )
            .select_from(joined)
            .where(*scope(filters))
            .subquery()
        )
        shown = self.read_frame(
            sa.select(
                ranked.c.company,
                ranked.c.message,
                ranked.c.sentence,
                ranked.c.phrasing,
                ranked.c.similarity,
            ).where(ranked.c.place == 1),
            grouping=True,
        )
        totals = self.read_frame(
            sa.select(c.company, sa.func.count(sa.distinct(c.article_id)).label("of"))
            .where(*scope(filters))
            .group_by(c.company),
            grouping=True,
        )
        frame = frame.merge(totals, on="company").merge(shown, on=["company", "message"])
        frame = cast_columns(frame, {"articles": "int64", "of": "int64", "similarity": "float64"})
        frame["share"] = 100.0 * frame["articles"] / frame["of"]
        ordered = frame.sort_values(["company", "share", "message"], ascending=[True, False, True])
        return ordered.reset_index(drop=True)[columns]

    def theme_sentences(
        self,
        filters: Filters,
        company: str,
        topic: str,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
    ) -> pd.DataFrame:
        """The sentences a company's theme rests on (newest first), published in [since,
        until) under the filters: what one bar of the themes chart counts. Columns:
        published, outlet, title, sentence, weight."""
        c, t, a = coverage_table.c, topics_table.c, articles_table.c
        conditions = [*scope(filters), c.company == company, t.topic == topic]
        if since is not None:
            conditions.append(c.published >= since)
        if until is not None:
            conditions.append(c.published < until)
        query = (
            sa.select(c.published, c.outlet, a.title, t.sentence, t.weight)
            .select_from(
                coverage_table.join(
                    topics_table, (t.article_id == c.article_id) & (t.company == c.company)
                ).join(articles_table, a.id == c.article_id)
            )
            .where(*conditions)
            .order_by(c.published.desc(), c.article_id)
            .limit(limit)
        )
        frame = self.read_frame(query)
        frame["published"] = pd.to_datetime(frame["published"], utc=True, format="ISO8601")
        return frame

    def articles_about(
        self, filters: Filters, companies: list[str], since: datetime
    ) -> pd.DataFrame:
        """The dated articles that mention one of ``companies`` (among the chosen ones) under
        the filters, published since a moment. Columns: article_id, published, outlet."""
        chosen = [c for c in companies if not filters.companies or c in filters.companies]
        if not chosen:
            return pd.DataFrame(columns=["article_id", "published", "outlet"])
        c = coverage_table.c
        scoped = scope(dataclasses.replace(filters, companies=tuple(chosen)))
        query = (
            sa.select(
                c.article_id,
                sa.func.min(c.published).label("published"),
                sa.func.min(c.outlet).label("outlet"),
            )
            .where(c.published >= since, *scoped)
            .group_by(c.article_id)
        )
        frame = self.read_frame(query, grouping=True)
        frame["published"] = pd.to_datetime(frame["published"], utc=True, format="ISO8601")
        return frame

    def company_counts(self, filters: Filters) -> pd.DataFrame:
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
            frame = self.read_frame(query)
            if not _stories_from_rollup(filters):
                # Unique stories of a later start: counted distinct over the coverage rows.
                distinct = (
                    sa.select(c.company, sa.func.count(sa.distinct(c.story_id)).label("stories"))
                    .where(*scope(filters))
                    .group_by(c.company)
                )
                stories = self.read_frame(distinct, grouping=True).set_index("company")["stories"]
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
            frame = self.read_frame(query, grouping=True)
        for column in ("articles", "stories", "mentions"):
            frame[column] = frame[column].astype("int64")
        return frame

    def tone_counts(self, filters: Filters) -> pd.DataFrame:
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
            frame = self.read_frame(query)
        else:
            query = (
                sa.select(c.company, c.tone, sa.func.count().label("articles"))
                .where(c.tone.is_not(None), *scope(filters))
                .group_by(c.company, c.tone)
                .order_by(c.company, c.tone)
            )
            frame = self.read_frame(query, grouping=True)
        frame["articles"] = frame["articles"].astype("int64")
        return frame

    def tone_articles(self, filters: Filters) -> tuple[int, int, int, int]:
        """Articles with a positive tone, with a negative one, with any tone, and with
        both (positive towards one, negative towards another) towards the chosen companies,
        each article once however many of them it names (a person's correction wins): the
        overview's tone card of several tracked companies."""
        c = coverage_table.c

        def articles_of(*tones: str) -> Any:
            return sa.func.count(sa.distinct(sa.case((c.tone.in_(tones), c.article_id))))

        query = sa.select(
            articles_of("positive"),
            articles_of("negative"),
            sa.func.count(sa.distinct(c.article_id)),
            articles_of("positive", "negative"),
        ).where(c.tone.is_not(None), *scope(filters))
        with self.engine.connect() as conn:
            positive, negative, toned, either = conn.execute(query).one()
        # Those in both are counted in the positive and in the negative, once in either.
        return int(positive), int(negative), int(toned), int(positive) + int(negative) - int(either)

    def outlet_articles(self, filters: Filters, top: int = 10) -> pd.DataFrame:
        """The outlets with most articles naming one of the chosen companies, each article
        once however many of them it names (the overview's top outlet of several tracked
        companies). Columns: outlet, articles, stories; most articles first, ties by name."""
        c = coverage_table.c
        name = sa.func.coalesce(c.outlet, UNKNOWN_OUTLET).label("outlet")
        query: Any = (
            sa.select(
                name,
                sa.func.count(sa.distinct(c.article_id)).label("articles"),
                sa.func.count(sa.distinct(c.story_id)).label("stories"),
            )
            .where(*scope(filters))
            .group_by(name)
        )
        frame = self.read_frame(query, grouping=True)
        columns = ["outlet", "articles", "stories"]
        if frame.empty:
            return pd.DataFrame(columns=columns)
        for count in ("articles", "stories"):
            frame[count] = frame[count].astype("int64")
        # Ranked here, as outlet_counts: ties sort by code point whatever the collation.
        ranked = frame.sort_values(["articles", "outlet"], ascending=[False, True])
        return ranked.head(top).reset_index(drop=True)[columns]

    def outlet_counts(self, filters: Filters, top: int = 10, by: str = "outlet") -> pd.DataFrame:
        """The outlets (or authors, with ``by="author"``) with most articles per company, as
        the oracle's top_outlets. Columns: company, <by>, articles, stories."""
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
        frame = self.read_frame(query, grouping=True)
        columns = ["company", by, "articles", "stories"]
        if frame.empty:
            return pd.DataFrame(columns=columns)
        for count in ("articles", "stories"):
            frame[count] = frame[count].astype("int64")
        ranked = frame.sort_values(["company", "articles", by], ascending=[True, False, True])
        return ranked.groupby("company").head(top).reset_index(drop=True)[columns]

    def prominence_counts(self, filters: Filters) -> pd.DataFrame:
        """Mentions per company in titles, leads and bodies, as the oracle's prominence."""
        m = mentions_table.c
        query = (
            sa.select(m.company, m.prominence, sa.func.count().label("mentions"))
            .select_from(mentions_table.join(coverage_table, mentions_of_pair()))
            .where(*scope(filters), not_marked_wrong())
            .group_by(m.company, m.prominence)
        )
        frame = self.read_frame(query, grouping=True)
        counts = frame.set_index(["company", "prominence"])["mentions"].astype("int64")
        return prominence_from_counts(counts.sort_index())

    def article_counts(self, filters: Filters) -> pd.DataFrame:
        """Articles mentioning the chosen companies, per date precision (None: undated).
        Columns: date_precision, articles; their sum is the view's article count."""
        if rollups_apply(filters) and not filters.tones:
            counts = self._article_sets(filters).groupby("date_precision", dropna=False)
            frame = counts["articles"].sum().reset_index()
            frame["date_precision"] = frame["date_precision"].replace("", None)
            return frame[frame["articles"] > 0].reset_index(drop=True)
        c = coverage_table.c
        query = (
            sa.select(c.date_precision, sa.func.count(sa.distinct(c.article_id)).label("articles"))
            .where(*scope(filters))
            .group_by(c.date_precision)
        )
        frame = self.read_frame(query, grouping=True)
        frame["articles"] = frame["articles"].astype("int64")
        return frame

    def _article_sets(self, filters: Filters) -> pd.DataFrame:
        """Articles per day, precision and set of companies, of the sets that meet the chosen
        companies: an article naming two chosen companies is one article. Columns: day,
        date_precision, articles."""
        d = daily_articles_table.c
        query = sa.select(d.day, d.date_precision, d.companies, d.articles).where(
            d.articles != 0, *_rollup_scope(daily_articles_table, filters)
        )
        frame = self.read_frame(query)
        if filters.companies and not frame.empty:
            chosen = set(filters.companies)
            meets = [
                not chosen.isdisjoint(names.split(COMPANY_SEPARATOR))
                for names in frame["companies"]
            ]
            frame = frame[meets]
        frame = cast_columns(frame, {"articles": "int64", "date_precision": object, "day": object})
        return frame[["day", "date_precision", "articles"]]

    def undated_articles(self, filters: Filters, search: Search | None = None) -> int:
        """Undated articles mentioning the chosen companies under the other filters (and
        matching ``search``, if any): what a bounded period leaves out (and the overview says
        so)."""
        if search is None and rollups_apply(filters) and not filters.tones:
            every_day = self._article_sets(dataclasses.replace(filters, start=None, end=None))
            return int(every_day.loc[every_day["day"] == "", "articles"].sum())
        c = coverage_table.c
        query = sa.select(sa.func.count(sa.distinct(c.article_id))).where(
            *_undated_rows(self.backend, filters, search)
        )
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def articles_of_days(
        self, filters: Filters, days: Iterable[tuple[str, pd.Timestamp]]
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
            found = self.read_frame(query, grouping=True)
            frames.append(found.assign(day=pd.Timestamp(day)))
        columns = ["company", "day", "article_id", "title"]
        if not frames:
            return pd.DataFrame(columns=columns)
        return pd.concat(frames, ignore_index=True)[columns]

    def coverage_of_articles(self, ids: Iterable[str]) -> pd.DataFrame:
        """The (article, company) rows of these articles, with what an alert says of them.

        Columns: article_id, company, published, date_precision, outlet, title, url, tone
        (a person's correction wins), evidence (the sentence the model's tone rests on).
        """
        c, a, t = coverage_table.c, articles_table.c, tones_table.c
        selected = [
            c.article_id,
            c.company,
            c.published,
            c.date_precision,
            c.outlet,
            a.title,
            a.url,
            c.tone,
            t.evidence,
        ]
        wanted = sorted(set(ids))
        frames = []
        for first in range(0, len(wanted), IDS_PER_QUERY):
            query = (
                sa.select(*selected)
                .join(articles_table, a.id == c.article_id)
                .outerjoin(tones_table, (t.article_id == c.article_id) & (t.company == c.company))
                .where(c.article_id.in_(wanted[first : first + IDS_PER_QUERY]))
                .order_by(c.article_id, c.company)
            )
            frames.append(self.read_frame(query))
        if not frames:
            return pd.DataFrame(columns=[column.name for column in selected])
        return pd.concat(frames, ignore_index=True)

    def filter_options(self, since: date | None) -> dict[str, list[str]]:
        """The outlets, languages and topics found in the articles of a window, sorted: the
        sidebar's choices."""
        c = coverage_table.c
        window = (
            sa.or_(period_condition(since, None), c.published.is_(None)) if since else sa.true()
        )
        options = {}
        for name, column in (("outlets", c.outlet), ("languages", c.language)):
            query = sa.select(column).where(window, column.is_not(None)).distinct()
            options[name] = sorted(self.read_frame(query, grouping=True).iloc[:, 0].astype(str))
        t = topics_table.c
        tagged = sa.select(t.topic).distinct()
        options["topics"] = sorted(self.read_frame(tagged).iloc[:, 0].astype(str))
        return options

"""The rows of an export, read in chunks in their final order (presswatch.export writes
them as CSV): a 30-day view of an archive of 10 million mentions is never loaded whole
into memory (bench/bench_store_queries.py). An export's rows are the coverage rows (one
per article and company) that the filters keep, as the dashboard's figures count them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from presswatch.analytics import PROMINENCE_RANK
from presswatch.models import Filters
from presswatch.store.base import StoreBase
from presswatch.store.conditions import (
    day_of,
    kept_flag,
    mentions_of_pair,
    not_marked_wrong,
    scope,
    text_order,
)
from presswatch.store.listings import pair_topic_names
from presswatch.store.schema import (
    articles_table,
    corrections_table,
    coverage_table,
    mentions_table,
    tones_table,
)

# Rows read from the database at a time, and looked up together (mentions, topics).
CHUNK_ROWS = 2000

_TONES = ("positive", "neutral", "negative")

# One row of an export: its cells by column name, but for the date (the rows give
# ``published`` and ``date_precision``; the daily level gives ``date``, a day) and the
# company's role (from the config).
ExportRow = dict[str, Any]


def _score(value: float | None) -> float | None:
    return None if value is None else round(float(value), 3)


def _chunks(
    conn: Connection, query: sa.Select[Any], limit: int | None, size: int
) -> Iterator[Sequence[sa.Row[Any]]]:
    """The rows of a query (the first ``limit``), ``size`` at a time (a server-side cursor
    on PostgreSQL)."""
    if limit is not None:
        query = query.limit(limit)
    # Options of this statement only: the lookups made per chunk are plain queries.
    streamed = query.execution_options(stream_results=True, yield_per=size)
    result = conn.execute(streamed)
    yield from result.partitions()


class ExportsMixin(StoreBase):
    """The rows of an export at each level, and their count."""

    def export_rows(
        self,
        filters: Filters,
        level: str = "articles",
        *,
        limit: int | None = None,
        chunk: int = CHUNK_ROWS,
    ) -> Iterator[ExportRow]:
        """The rows of an export at one level (articles, mentions, stories or daily), in
        order, as ExportRow; only the first ``limit`` (a preview) when given; read ``chunk``
        rows at a time."""
        builders = {
            "articles": self._article_rows,
            "mentions": self._mention_rows,
            "stories": self._story_rows,
            "daily": self._daily_rows,
        }
        if level not in builders:
            raise ValueError(f"unknown export level '{level}': use one of {', '.join(builders)}")
        with self.reading() as conn:
            for rows in builders[level](conn, scope(filters), limit, chunk):
                yield from rows

    def _article_rows(
        self, conn: Connection, kept: list[Any], limit: int | None, size: int
    ) -> Iterator[list[ExportRow]]:
        """One row per (article, company) kept, newest first, undated last.

        The evidence sentence is the one the tone rests on when there is a tone, else the
        sentence of the most prominent mention (title, then lead, then body; earliest
        first); a person's correction of the tone wins over the model. Pickups: the story's
        articles in the export.
        """
        c = coverage_table.c
        # The database sorts the coverage rows alone (narrow rows, no join): titles, texts
        # and tones are looked up a chunk at a time. Sorting the joined rows, sentences and
        # all, took 30 s for 864,000 rows on PostgreSQL (bench/bench_store_queries.py).
        # Pickups counted once over the kept rows: per chunk, the database would rebuild the
        # period's bitmap for each lookup (about 26 s of 45 s at 10M mentions on PostgreSQL).
        pickups = (
            sa.select(c.story_id, sa.func.count(sa.distinct(c.article_id)).label("pickups"))
            .where(*kept)
            .group_by(c.story_id)
            .subquery()
        )
        query = (
            sa.select(c.article_id, *_row_columns(), c.mentions, c.tone, pickups.c.pickups)
            .join(pickups, pickups.c.story_id == c.story_id)
            .where(*kept)
            .order_by(
                c.published.desc().nulls_last(),
                text_order(self.backend, c.company),
                c.article_id,
            )
        )
        for chunk in _chunks(conn, query, limit, size):
            ids = sorted({row.article_id for row in chunk})
            articles = _article_details(conn, ids)
            tones = _tones(conn, ids)
            corrected = _corrected_pairs(conn, ids)
            best = _best_mentions(conn, ids)
            # A row is one (article, company): the themes found about that company.
            topics = pair_topic_names(conn, ids)
            rows = []
            for row in chunk:
                title, url, author, dating = articles[row.article_id]
                score, evidence = tones.get((row.article_id, row.company), (None, None))
                prominence, sentence = best.get((row.article_id, row.company), ("", ""))
                rows.append(
                    {
                        **_pair_cells(row, title, url, author, dating),
                        "mention_count": row.mentions,
                        "prominence": prominence,
                        "tone": row.tone,
                        "tone_score": _score(score),
                        "tone_corrected": (row.article_id, row.company) in corrected,
                        "evidence_sentence": evidence if evidence is not None else sentence,
                        "topics": topics.get((row.article_id, row.company), ""),
                        "pickups": row.pickups,
                    }
                )
            yield rows

    def _mention_rows(
        self, conn: Connection, kept: list[Any], limit: int | None, size: int
    ) -> Iterator[list[ExportRow]]:
        """One row per mention of a kept (article, company), with its sentence and its own
        tone: a person's label for that very mention wins over the model's."""
        c, m = coverage_table.c, mentions_table.c
        # As for articles: the sort holds narrow rows; texts are looked up per chunk.
        query = (
            sa.select(m.id, m.article_id, m.field, m.start, *_row_columns())
            .join(coverage_table, mentions_of_pair())
            .where(*kept, not_marked_wrong())
            .order_by(c.published.desc().nulls_last(), m.article_id, m.field.desc(), m.start, m.id)
        )
        fixes = _mention_corrections(conn)
        for chunk in _chunks(conn, query, limit, size):
            articles = _article_details(conn, sorted({row.article_id for row in chunk}))
            mentions = _mention_details(conn, [row.id for row in chunk])
            rows = []
            for row in chunk:
                title, url, author, dating = articles[row.article_id]
                alias, matched, kind, prominence, label, score, sentence = mentions[row.id]
                rows.append(
                    {
                        **_pair_cells(row, title, url, author, dating),
                        "alias": alias,
                        "matched": matched,
                        "spokesperson": "yes" if kind == "person" else "no",
                        "prominence": prominence,
                        "tone": fixes.get((row.article_id, row.field, row.start), label),
                        "tone_score": _score(score),
                        "tone_corrected": (row.article_id, row.field, row.start) in fixes,
                        "evidence_sentence": sentence,
                    }
                )
            yield rows

    def _story_rows(
        self, conn: Connection, kept: list[Any], limit: int | None, size: int
    ) -> Iterator[list[ExportRow]]:
        """One row per (story, company): its first copy's date and title, pickups, outlets,
        mentions and its most frequent tone; newest first, then the most picked up.

        The database groups and orders the stories; their copies are read a chunk of
        stories at a time.
        """
        c, a = coverage_table.c, articles_table.c
        stories = _story_groups(kept).order_by(
            sa.func.min(c.published).desc().nulls_last(),
            sa.func.count().desc(),
            text_order(self.backend, c.story_id),
            text_order(self.backend, c.company),
        )
        is_kept = kept_flag(kept)
        for chunk in _chunks(conn, stories, limit, size):
            wanted = {(row.story_id, row.company) for row in chunk}
            query = (
                sa.select(
                    c.story_id,
                    c.company,
                    c.published,
                    c.date_precision,
                    a.title,
                    a.date_source,
                    c.outlet,
                    c.mentions,
                    c.tone,
                    is_kept,
                )
                .join(articles_table, a.id == c.article_id)
                .where(c.story_id.in_(sorted({story for story, _ in wanted})))
                # The first copy: dated before undated, then by date and first collection.
                .order_by(c.published.nulls_last(), a.first_seen.nulls_last(), c.article_id)
            )
            copies: dict[tuple[str, str], list[Any]] = defaultdict(list)
            for copy in conn.execute(query):
                if copy.is_kept and (copy.story_id, copy.company) in wanted:
                    copies[(copy.story_id, copy.company)].append(copy)
            yield [
                _story(row.story_id, row.company, copies[(row.story_id, row.company)])
                for row in chunk
            ]

    def _daily_rows(
        self, conn: Connection, kept: list[Any], limit: int | None, size: int
    ) -> Iterator[list[ExportRow]]:
        """One row per (day, company) of the articles dated to the day: articles, stories,
        mentions and tone counts, grouped by the database."""
        query = self._daily_groups(kept).order_by(
            "day", text_order(self.backend, coverage_table.c.company)
        )
        for chunk in _chunks(conn, query, limit, size):
            rows = []
            for row in chunk:
                when, company, articles, stories, mentions, positive, neutral, negative = tuple(row)
                toned = positive + neutral + negative
                rows.append(
                    {
                        "date": str(when)[:10],
                        "company": company,
                        "articles": articles,
                        "stories": stories,
                        "mentions": mentions,
                        "positive": positive,
                        "neutral": neutral,
                        "negative": negative,
                        "net_tone": round((positive - negative) / toned, 3) if toned else None,
                    }
                )
            yield rows

    def _daily_groups(self, kept: list[Any]) -> sa.Select[Any]:
        """Per (day, company) of the kept rows dated to the day: articles, stories, mentions
        and tone counts."""
        c = coverage_table.c
        day = day_of(self.backend, c.published).label("day")
        counts = [sa.func.sum(sa.case((c.tone == tone, 1), else_=0)) for tone in _TONES]
        return (
            sa.select(
                day,
                c.company,
                sa.func.count(),
                sa.func.count(sa.distinct(c.story_id)),
                sa.func.sum(c.mentions),
                *counts,
            )
            .where(c.date_precision.in_(("datetime", "day")), *kept)
            .group_by(day, c.company)
        )

    def export_count(self, filters: Filters, level: str = "articles") -> int:
        """How many rows export_rows would give, counted by the database."""
        kept = scope(filters)
        if level == "articles":
            query = sa.select(sa.func.count()).select_from(coverage_table).where(*kept)
        elif level == "mentions":
            query = (
                sa.select(sa.func.count())
                .select_from(mentions_table)
                .join(coverage_table, mentions_of_pair())
                .where(*kept, not_marked_wrong())
            )
        elif level == "stories":
            query = sa.select(sa.func.count()).select_from(_story_groups(kept).subquery())
        elif level == "daily":
            groups = self._daily_groups(kept).subquery()
            query = sa.select(sa.func.count()).select_from(groups)
        else:
            raise ValueError(
                f"unknown export level '{level}': use one of articles, mentions, stories, daily"
            )
        with self.reading() as conn:
            return int(conn.execute(query).scalar_one())


def _row_columns() -> list[Any]:
    """The coverage columns every article and mention row carries."""
    c = coverage_table.c
    return [c.company, c.published, c.date_precision, c.outlet, c.language, c.story_id]


def _pair_cells(
    row: Any, title: Any, url: Any, author: Any, dating: Any = (None, None)
) -> ExportRow:
    """The cells of the article and mention levels that come from the (article, company)
    pair: when, where, what and who; ``dating`` is the article's (date_source, first_seen)."""
    return {
        "published": row.published,
        "date_precision": row.date_precision,
        "date_source": dating[0],
        "first_seen": dating[1],
        "outlet": row.outlet,
        "title": title,
        "url": url,
        "company": row.company,
        "language": row.language,
        "author": author,
        "story_id": row.story_id,
        "article_id": row.article_id,
    }


def _article_details(
    conn: Connection, ids: list[str]
) -> dict[str, tuple[Any, Any, Any, tuple[Any, Any]]]:
    """article id -> its title, URL, author, and (date source, first seen)."""
    a = articles_table.c
    query = sa.select(a.id, a.title, a.url, a.author, a.date_source, a.first_seen).where(
        a.id.in_(ids)
    )
    return {
        row.id: (row.title, row.url, row.author, (row.date_source, row.first_seen))
        for row in conn.execute(query)
    }


def _tones(conn: Connection, ids: list[str]) -> dict[tuple[str, str], tuple[float, str]]:
    """(article, company) -> the model's tone score and its evidence sentence."""
    t = tones_table.c
    query = sa.select(t.article_id, t.company, t.score, t.evidence).where(t.article_id.in_(ids))
    return {(row.article_id, row.company): (row.score, row.evidence) for row in conn.execute(query)}


def _best_mentions(conn: Connection, ids: list[str]) -> dict[tuple[str, str], tuple[str, str]]:
    """(article, company) -> the prominence and sentence of its most prominent mention (of
    those no person marked wrong)."""
    m = mentions_table.c
    query = sa.select(m.article_id, m.company, m.prominence, m.start, m.id, m.sentence).where(
        m.article_id.in_(ids), not_marked_wrong()
    )
    ranked: dict[tuple[str, str], tuple[int, int, int, str, str]] = {}
    for row in conn.execute(query):
        key = (row.article_id, row.company)
        rank = (PROMINENCE_RANK.get(row.prominence, 3), row.start, row.id)
        held = ranked.get(key)
        if held is None or rank < held[:3]:
            ranked[key] = (*rank, row.prominence, row.sentence)
    return {key: (value[3], value[4]) for key, value in ranked.items()}


def _mention_details(conn: Connection, ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """mention id -> alias, matched text, kind, prominence, tone label and score, sentence."""
    m = mentions_table.c
    query = sa.select(
        m.id, m.alias, m.matched, m.kind, m.prominence, m.tone_label, m.tone_score, m.sentence
    ).where(m.id.in_(ids))
    return {row[0]: tuple(row[1:]) for row in conn.execute(query)}


def _corrected_pairs(conn: Connection, ids: list[str]) -> set[tuple[str, str]]:
    """The (article, company) pairs whose tone a person corrected."""
    r = corrections_table.c
    query = sa.select(r.article_id, r.company).where(
        r.article_id.in_(ids), r.company.is_not(None), r.field.is_(None)
    )
    return {(row.article_id, row.company) for row in conn.execute(query)}


def _mention_corrections(conn: Connection) -> dict[tuple[str, str, int], str]:
    """(article, field, start) -> the latest label a person gave that mention."""
    r = corrections_table.c
    query = (
        sa.select(r.article_id, r.field, r.start, r.label)
        .where(r.field.is_not(None), r.start.is_not(None))
        .order_by(r.id)
    )
    return {(row.article_id, row.field, row.start): row.label for row in conn.execute(query)}


def _story_groups(kept: list[Any]) -> sa.Select[Any]:
    """The (story, company) groups of the kept coverage rows: the stories level's rows."""
    c = coverage_table.c
    return sa.select(c.story_id, c.company).where(*kept).group_by(c.story_id, c.company)


def _story(story_id: str, company: str, copies: list[sa.Row[Any]]) -> ExportRow:
    """A story's row from its copies, first copy first."""
    # The first copy with a date of its own: a collection time is no publication date.
    dated = next(
        (r for r in copies if r.published is not None and r.date_source != "first_seen"), None
    )
    title = next((r.title for r in copies if r.title is not None), None)
    tones: dict[str, int] = defaultdict(int)
    for copy in copies:
        if copy.tone is not None:
            tones[copy.tone] += 1
    # The most frequent tone; a tie goes to the first in alphabetical order.
    tone = min(tones, key=lambda label: (-tones[label], label)) if tones else None
    return {
        "published": dated.published if dated else None,
        "date_precision": dated.date_precision if dated else None,
        "title": title,
        "company": company,
        "pickups": len(copies),
        "outlets": ", ".join(sorted({r.outlet for r in copies if r.outlet is not None})),
        "mention_count": sum(r.mentions for r in copies),
        "tone": tone,
        "story_id": story_id,
    }

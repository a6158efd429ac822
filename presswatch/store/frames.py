"""The articles and what hangs on them as pandas frames, for a window of dates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from presswatch.store.base import StoreBase
from presswatch.store.schema import (
    article_sources_table,
    articles_table,
    mentions_table,
    tones_table,
    topics_table,
)


class FramesMixin(StoreBase):
    """Articles, mentions, tones and topics as frames (the pandas figures' input)."""

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
        """Themes, one row per (article, company, topic) with its evidence sentence."""
        return self._hanging_frame(topics_table, since, seen_since)

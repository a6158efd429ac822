"""The analysis queue: articles stored by collection and waiting for their analysis.

Collection writes an article and its queue row in one transaction; the analysis stage
writes the article's mentions, tones, topics and story and removes its row in another. A
run killed between the two leaves the row, and the next run analyses the article: none
is lost, none is analysed twice into the figures.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from presswatch.errors import StoreError
from presswatch.models import Article
from presswatch.store.articles import (
    ArticlesMixin,
    _article_from_row,
    _write_article_analysis,
)
from presswatch.store.base import StoreBase, _retryable
from presswatch.store.coverage import _refresh_coverage
from presswatch.store.schema import analysis_queue_table, articles_table

Queued = tuple[Article, str]  # an article as stored, and its content hash when read
# The meta key naming the tone model that gave the archive's tones: one model for the
# whole archive, since a new model's fingerprint brings a reanalysis.
TONE_MODEL_KEY = "tone_model"


class AnalysisQueueMixin(StoreBase):
    """Which articles wait for their analysis, and the write that ends the wait."""

    def set_tone_model(self, name: str) -> None:
        """Record which tone model analyses the archive (the export and dashboard name it)."""
        self.set_meta(TONE_MODEL_KEY, name)

    def tone_model(self) -> str | None:
        """The tone model that gave the archive's tones, as recorded (None: not recorded)."""
        return self.get_meta(TONE_MODEL_KEY)

    def count_pending_analysis(self) -> int:
        """How many stored articles wait for their analysis."""
        with self._begin() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(analysis_queue_table)
                ).scalar_one()
            )

    def queued_articles(self, limit: int) -> list[Queued]:
        """Up to ``limit`` queued articles, the longest waiting first, as stored (without
        mentions), each with its content hash."""
        q, a = analysis_queue_table.c, articles_table
        query = (
            sa.select(a)
            .join(analysis_queue_table, q.article_id == a.c.id)
            .order_by(q.queued_at, q.article_id)
            .limit(limit)
        )
        with self._begin() as conn:
            return [
                (_article_from_row(row), row["content_hash"])
                for row in conn.execute(query).mappings()
            ]

    def finish_analysis(self, analysed: Sequence[Queued]) -> list[str]:
        """Write the analyses of queued articles and take them out of the queue, in one
        transaction; return the ids written. An article no longer queued (another worker
        analysed it) or edited since it was read (its new text is queued) is skipped."""
        if not analysed:
            return []
        # Two workers finishing the same articles may deadlock on PostgreSQL: the one that
        # loses rolls back and tries again, and then finds them out of the queue.
        for attempt in range(5):
            try:
                return self._finish_once(analysed)
            except StoreError as exc:
                if attempt == 4 or not _retryable(exc):
                    raise
        raise AssertionError("unreachable")

    def _finish_once(self, analysed: Sequence[Queued]) -> list[str]:
        ids = [article.id for article, _ in analysed]
        with self._begin() as conn:
            # FOR UPDATE (PostgreSQL): a worker finishing the same articles waits, then
            # finds them out of the queue.
            stored = dict(
                conn.execute(
                    sa.select(articles_table.c.id, articles_table.c.content_hash)
                    .where(articles_table.c.id.in_(ids))
                    .order_by(articles_table.c.id)
                    .with_for_update()
                ).all()
            )
            queued = set(
                conn.execute(
                    sa.select(analysis_queue_table.c.article_id).where(
                        analysis_queue_table.c.article_id.in_(ids)
                    )
                ).scalars()
            )
            ready = [
                article
                for article, digest in analysed
                if article.id in queued and stored.get(article.id) == digest
            ]
            if not ready:
                return []
            written = [article.id for article in ready]
            ArticlesMixin._write_analyses(conn, ready, replace=True, coverage=False)
            _write_article_analysis(conn, ready)
            conn.execute(
                sa.delete(analysis_queue_table).where(
                    analysis_queue_table.c.article_id.in_(written)
                )
            )
            _refresh_coverage(conn, written)
        return written

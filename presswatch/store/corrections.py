"""A person's tone: corrections always win over the model."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from presswatch.errors import StoreError
from presswatch.store.base import StoreBase, _now
from presswatch.store.coverage import _refresh_coverage
from presswatch.store.schema import articles_table, corrections_table


class CorrectionsMixin(StoreBase):
    """Tone corrections: recorded, read back, and carried into the coverage."""

    def corrections_frame(self, article_id: str | None = None) -> pd.DataFrame:
        """Every tone correction (of one article, given its id), oldest first (a later one
        wins)."""
        query = sa.select(corrections_table).order_by(corrections_table.c.id)
        if article_id is not None:
            query = query.where(corrections_table.c.article_id == article_id)
        return self.read_frame(query)

    def add_correction(
        self,
        article_id: str,
        label: str,
        author: str,
        *,
        company: str | None = None,
        field: str | None = None,
        start: int | None = None,
        note: str | None = None,
    ) -> int:
        """Record a person's tone for an article, a company in it, or one mention."""
        if label not in ("positive", "neutral", "negative"):
            raise StoreError(f"tone '{label}' is not positive, neutral or negative")
        if not author.strip() or len(author) > 200:
            raise StoreError("give the corrector's name, at most 200 characters")
        with self._begin() as conn:
            exists = conn.execute(
                sa.select(articles_table.c.id).where(articles_table.c.id == article_id)
            ).first()
            if exists is None:
                raise StoreError(f"no article with id {article_id}: copy the id from an export")
            result = conn.execute(
                sa.insert(corrections_table).values(
                    article_id=article_id,
                    company=company,
                    field=field,
                    start=start,
                    label=label,
                    author=author,
                    note=note,
                    created_at=_now(),
                )
            )
            if company is not None and field is None:  # the figures' tone of that company
                _refresh_coverage(conn, [article_id])
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

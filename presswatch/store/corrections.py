"""A person's tone: corrections always win over the model."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from presswatch.errors import StoreError
from presswatch.store.base import StoreBase, _now
from presswatch.store.coverage import _refresh_coverage
from presswatch.store.schema import articles_table, corrections_table, mentions_table

# How many of an article's mentions an error lists when a correction names none of them.
LISTED_MENTIONS = 20


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
            if field is not None or start is not None:
                _check_mention(conn, article_id, company, field, start)
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


def _check_mention(
    conn: sa.Connection, article_id: str, company: str | None, field: str | None, start: int | None
) -> None:
    """Refuse a mention correction where no mention (of that company) starts, listing the
    positions where the article's mentions do start."""
    rows = conn.execute(
        sa.select(mentions_table.c.field, mentions_table.c.start, mentions_table.c.company)
        .where(mentions_table.c.article_id == article_id)
        .order_by(mentions_table.c.field.desc(), mentions_table.c.start)  # title, then text
    ).all()
    if any(r.field == field and r.start == start and company in (None, r.company) for r in rows):
        return
    whose = f" of {company}" if company else ""
    problem = f"no mention{whose} starts at {field}:{start} in article {article_id}"
    if not rows:
        raise StoreError(f"{problem}: it has no mention; correct its tone without --mention")
    listed = ", ".join(f"{r.field}:{r.start} ({r.company})" for r in rows[:LISTED_MENTIONS])
    more = f" and {len(rows) - LISTED_MENTIONS} more" if len(rows) > LISTED_MENTIONS else ""
    raise StoreError(f"{problem}; its mentions start at {listed}{more}")

"""A person's verdict on a mention: right or wrong. A wrong mention counts in no figure,
and the verdicts give each company's precision estimate."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from presswatch.analytics import precision_from_counts
from presswatch.errors import StoreError
from presswatch.models import MentionKey, tone_of_sentences
from presswatch.store.base import StoreBase, _now
from presswatch.store.conditions import not_marked_wrong
from presswatch.store.coverage import _refresh_coverage
from presswatch.store.schema import (
    articles_table,
    mention_reviews_table,
    mentions_table,
    tones_table,
)

VERDICTS = ("right", "wrong")

SAMPLE_COLUMNS = [
    "article_id",
    "company",
    "field",
    "start",
    "end",
    "matched",
    "alias",
    "kind",
    "sentence",
    "title",
    "outlet",
    "published",
    "date_precision",
    "field_text",
]


def _same_mention(m: Any, r: Any) -> Any:
    """A review and a mention name the same place: article, company, field, start, text."""
    return sa.and_(
        r.article_id == m.article_id,
        r.company == m.company,
        r.field == m.field,
        r.start == m.start,
        r.matched == m.matched,
    )


def _of_key(key: MentionKey, columns: Any) -> list[Any]:
    """Conditions naming one mention (or its review) by its key."""
    return [
        columns.article_id == key.article_id,
        columns.company == key.company,
        columns.field == key.field,
        columns.start == key.start,
        columns.matched == key.matched,
    ]


# The label a tone model gives a score in a language (ToneBackend.label): a company's tone
# in an article is re-read from its remaining mentions with it when one is marked wrong.
LabelOf = Callable[[float, str | None], str]


def _retone(conn: Connection, article_id: str, company: str, label_of: LabelOf) -> None:
    """A company's tone in an article from its mentions no person marked wrong, by the
    analysis's rule: the mean of its sentences' scores, labelled by the model's cut-offs,
    with the sentence that weighs most in that direction as evidence."""
    m = mentions_table.c
    rows = conn.execute(
        sa.select(m.sentence, m.tone_score).where(
            m.article_id == article_id,
            m.company == company,
            m.tone_score.is_not(None),
            not_marked_wrong(),
        )
    ).all()
    scored = {row.sentence: float(row.tone_score) for row in rows}
    language = conn.execute(
        sa.select(articles_table.c.language).where(articles_table.c.id == article_id)
    ).scalar_one_or_none()
    if scored:
        score, evidence = tone_of_sentences(scored)
        conn.execute(
            sa.update(tones_table)
            .where(tones_table.c.article_id == article_id, tones_table.c.company == company)
            .values(score=score, label=label_of(score, language), evidence=evidence)
        )
    # The article's own tone: the mean over the companies it still names (a company whose
    # every mention is marked wrong is named no more).
    named = sa.select(m.company).where(m.article_id == article_id, not_marked_wrong()).distinct()
    t = tones_table.c
    scores = list(
        conn.execute(
            sa.select(t.score).where(t.article_id == article_id, t.company.in_(named))
        ).scalars()
    )
    overall = sum(scores) / len(scores) if scores else None
    conn.execute(
        sa.update(articles_table)
        .where(articles_table.c.id == article_id)
        .values(
            tone_score=overall,
            tone_label=label_of(overall, language) if overall is not None else None,
        )
    )


class ReviewsMixin(StoreBase):
    """Verdicts on mentions: recorded (the latest wins), removed, sampled and estimated."""

    def mark_mention(
        self,
        key: MentionKey,
        verdict: str,
        reviewer: str,
        *,
        at: datetime | None = None,
        label_of: LabelOf | None = None,
    ) -> None:
        """Record a person's verdict on a stored mention (replacing an earlier one), and
        carry it into the coverage at once: a wrong mention leaves every figure. Given the
        tone model's ``label_of``, the company's tone in the article is read again from its
        mentions that are left."""
        if verdict not in VERDICTS:
            raise StoreError(f"verdict '{verdict}' is not right or wrong")
        if not reviewer.strip() or len(reviewer) > 200:
            raise StoreError("give the reviewer's name, at most 200 characters")
        values = {
            "article_id": key.article_id,
            "company": key.company,
            "field": key.field,
            "start": key.start,
            "matched": key.matched,
            "verdict": verdict,
            "reviewer": reviewer.strip(),
            "reviewed_at": at or _now(),
        }
        with self._begin() as conn:
            found = conn.execute(
                sa.select(mentions_table.c.id).where(*_of_key(key, mentions_table.c)).limit(1)
            ).first()
            if found is None:
                raise StoreError(
                    f"no mention of {key.company} at {key.field}:{key.start} "
                    f"('{key.matched}') in article {key.article_id}"
                )
            if conn.dialect.name == "sqlite":
                statement: Any = sqlite_insert(mention_reviews_table)
            else:
                statement = postgresql_insert(mention_reviews_table)
            keys = ["article_id", "company", "field", "start", "matched"]
            statement = statement.values(values).on_conflict_do_update(
                index_elements=keys,
                set_={name: statement.excluded[name] for name in values if name not in keys},
            )
            conn.execute(statement)
            if label_of is not None:
                _retone(conn, key.article_id, key.company, label_of)
            _refresh_coverage(conn, [key.article_id])

    def unmark_mention(self, key: MentionKey, *, label_of: LabelOf | None = None) -> bool:
        """Remove a person's verdict on a mention; return whether there was one (given the
        model's ``label_of``, the company's tone in the article is read again)."""
        with self._begin() as conn:
            removed = conn.execute(
                sa.delete(mention_reviews_table).where(*_of_key(key, mention_reviews_table.c))
            ).rowcount
            if removed:
                if label_of is not None:
                    _retone(conn, key.article_id, key.company, label_of)
                _refresh_coverage(conn, [key.article_id])
        return bool(removed)

    def mention_reviews_frame(self, article_id: str | None = None) -> pd.DataFrame:
        """Every verdict stored (of one article, given its id), whether or not its mention
        is still found: the table as it is."""
        query = sa.select(mention_reviews_table).order_by(
            mention_reviews_table.c.article_id,
            mention_reviews_table.c.field,
            mention_reviews_table.c.start,
        )
        if article_id is not None:
            query = query.where(mention_reviews_table.c.article_id == article_id)
        return self.read_frame(query)

    def reviewed_mentions(self, company: str) -> pd.DataFrame:
        """A company's reviewed mentions that are still found, with their verdict, reviewer,
        date, alias, kind and sentence (a mark whose mention a reanalysis removed is left
        out: it no longer says anything of the matching)."""
        m, r = mentions_table.c, mention_reviews_table.c
        marks = (
            r.article_id,
            r.company,
            r.field,
            r.start,
            r.matched,
            r.verdict,
            r.reviewer,
            r.reviewed_at,
        )
        query = (
            sa.select(
                *marks,
                sa.func.min(m.alias).label("alias"),
                sa.func.min(m.kind).label("kind"),
                sa.func.min(m.sentence).label("sentence"),
            )
            .join(mentions_table, _same_mention(m, r))
            .where(r.company == company)
            .group_by(*marks)
            .order_by(r.reviewed_at, r.article_id, r.field, r.start)
        )
        return self.read_frame(query)

    def precision_estimates(self) -> pd.DataFrame:
        """Per reviewed company, in one query: mentions reviewed, right, the precision
        right / reviewed with its 95% Wilson interval (low, high) and the last review's
        time (analytics.PRECISION_COLUMNS). Only marks whose mention is still found count:
        those are a uniform sample of the company's mentions as matched today."""
        m, r = mentions_table.c, mention_reviews_table.c
        still_found = sa.select(m.id).where(_same_mention(m, r)).exists()
        query = (
            sa.select(
                r.company,
                sa.func.count().label("reviewed"),
                sa.func.sum(sa.case((r.verdict == "right", 1), else_=0)).label("right"),
                sa.func.max(r.reviewed_at).label("last_review"),
            )
            .where(still_found)
            .group_by(r.company)
        )
        return precision_from_counts(self.read_frame(query))

    def review_sample(self, company: str, size: int, seed: int | None = None) -> pd.DataFrame:
        """A uniform random sample of a company's mentions that nobody reviewed yet (the
        same sample for the same seed and archive), each with its article's title, outlet
        and date and the text of its field: columns SAMPLE_COLUMNS, in the drawn order."""
        if size < 0:
            raise StoreError(f"a sample of {size} mentions: give a positive number")
        m, r = mentions_table.c, mention_reviews_table.c
        reviewed = sa.select(r.article_id).where(_same_mention(m, r)).exists()
        candidates = sa.select(m.id).where(m.company == company, ~reviewed).order_by(m.id)
        with self.reading() as conn:
            # Ids only (an integer per mention): the drawing is Python's, so that a seed
            # gives the same sample on SQLite and PostgreSQL. A seeded generator is the
            # point (a reproducible sample), not a secret: S311 does not apply.
            ids = list(conn.execute(candidates).scalars())
            chosen = random.Random(seed).sample(ids, min(size, len(ids)))  # noqa: S311
            rows = _sample_rows(conn, chosen)
        order = {mention_id: n for n, mention_id in enumerate(chosen)}
        rows.sort(key=lambda row: order[row[0]])
        return pd.DataFrame.from_records([row[1:] for row in rows], columns=SAMPLE_COLUMNS)


def _sample_rows(conn: Connection, ids: list[int]) -> list[tuple[Any, ...]]:
    """The mention id and SAMPLE_COLUMNS of these mentions."""
    if not ids:
        return []
    m, a = mentions_table.c, articles_table.c
    field_text = sa.case((m.field == "title", sa.func.coalesce(a.title, "")), else_=a.text)
    query = (
        sa.select(
            m.id,
            m.article_id,
            m.company,
            m.field,
            m.start,
            m.end,
            m.matched,
            m.alias,
            m.kind,
            m.sentence,
            a.title,
            a.outlet,
            a.published,
            a.date_precision,
            field_text.label("field_text"),
        )
        .join(articles_table, a.id == m.article_id)
        .where(m.id.in_(ids))
    )
    return [tuple(row) for row in conn.execute(query)]

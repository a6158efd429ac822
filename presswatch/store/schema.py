"""The tables of the archive, the UTCDateTime type and the schema's version."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from presswatch.errors import StoreError

SCHEMA_VERSION = 15


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: the same on SQLite and PostgreSQL."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Convert an aware datetime to naive UTC before it is written."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise StoreError(f"refusing to store a naive datetime ({value}); give it a timezone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Mark a stored naive UTC datetime as UTC."""
        return value.replace(tzinfo=UTC) if value is not None else None


metadata = sa.MetaData()


def _article_reference(*, primary_key: bool = False) -> sa.Column[str]:
    """The article_id column of a table that hangs on articles (deleted with them)."""
    return sa.Column(
        "article_id",
        sa.String(40),
        sa.ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


meta_table = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

sources_table = sa.Table(
    "sources",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("location", sa.Text, nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("last_attempt", UTCDateTime),
    sa.Column("last_success", UTCDateTime),
    sa.Column("http_status", sa.Integer),
    sa.Column("error", sa.Text),
    sa.Column("consecutive_failures", sa.Integer, nullable=False, default=0),
    sa.Column("entries_seen", sa.Integer, nullable=False, default=0),
    sa.Column("entries_new", sa.Integer, nullable=False, default=0),
    sa.Column("next_due", UTCDateTime),
    sa.Column("disabled_reason", sa.Text),
    # Several collectors on one PostgreSQL: the worker fetching the source now, and until
    # when its claim holds (a dead worker's sources are taken over once it expires).
    sa.Column("lease_owner", sa.String(200)),
    sa.Column("lease_until", UTCDateTime),
)

articles_table = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("url", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("outlet", sa.Text),
    sa.Column("author", sa.Text),
    sa.Column("published", UTCDateTime),
    sa.Column("date_precision", sa.String(16)),
    sa.Column("date_source", sa.String(32)),
    sa.Column("language", sa.String(8)),
    sa.Column("flags", sa.Text, nullable=False, default=""),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("first_seen", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    # Republished copies share a story id: the id of the first copy seen (stories.py).
    sa.Column("story_id", sa.String(40)),
    sa.Column("signature", sa.LargeBinary),
    sa.Column("tone_score", sa.Float),
    sa.Column("tone_label", sa.String(8)),
    sa.Index("ix_articles_published", "published"),
    sa.Index("ix_articles_story", "story_id"),
)

article_sources_table = sa.Table(
    "article_sources",
    metadata,
    _article_reference(primary_key=True),
    sa.Column("source", sa.String(200), primary_key=True),
    sa.Column("entry_key", sa.Text, nullable=False),
    sa.Column("first_seen", UTCDateTime, nullable=False),
    sa.Index("ix_article_sources_source", "source"),
)

mentions_table = sa.Table(
    "mentions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _article_reference(),
    sa.Column("company", sa.String(200), nullable=False),
    sa.Column("alias", sa.Text, nullable=False),
    sa.Column("matched", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("field", sa.String(8), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("sentence", sa.Text, nullable=False),
    sa.Column("prominence", sa.String(8), nullable=False),
    sa.Column("tone_score", sa.Float),
    sa.Column("tone_label", sa.String(8)),
    sa.Index("ix_mentions_article", "article_id"),
    sa.Index("ix_mentions_company", "company"),
)

tones_table = sa.Table(
    "tones",
    metadata,
    _article_reference(primary_key=True),
    sa.Column("company", sa.String(200), primary_key=True),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("label", sa.String(8), nullable=False),
    sa.Column("evidence", sa.Text, nullable=False),
)

topics_table = sa.Table(
    "topics",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _article_reference(),
    sa.Column("topic", sa.String(200), nullable=False),
    sa.Column("keyword", sa.Text, nullable=False),
    sa.Column("sentence", sa.Text, nullable=False),
    # The company the theme is about (the sentence names it), how much it weighs in the
    # article and its rank among that company's themes there (1: the main one). Schema 14.
    sa.Column("company", sa.String(200), nullable=False, server_default=""),
    sa.Column("weight", sa.Float, nullable=False, server_default="0"),
    sa.Column("theme_rank", sa.Integer, nullable=False, server_default="1"),
    sa.Index("ix_topics_article", "article_id"),
    sa.Index("ix_topics_topic", "topic"),
    sa.Index("ix_topics_article_company", "article_id", "company"),
)

# The key messages (config.yaml `messages`) an article carries about a company, with the
# phrasing found and the sentence naming the company. Schema 14.
messages_table = sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _article_reference(),
    sa.Column("company", sa.String(200), nullable=False),
    sa.Column("message", sa.String(200), nullable=False),
    sa.Column("phrasing", sa.Text, nullable=False),
    sa.Column("sentence", sa.Text, nullable=False),
    # Found by meaning: the sentence's similarity to the phrasing (NULL: the phrasing
    # stands in the sentence).
    sa.Column("similarity", sa.Float, nullable=True),
    sa.Index("ix_messages_article_company", "article_id", "company"),
)

# One row per (article, company it mentions): what the overview's figures count. Written
# with the mentions at analysis time (and when a story or a tone correction changes), so
# that the database groups an indexed range of dates without joining the articles or
# counting distinct over millions of mentions (bench/bench_store_queries.py).
coverage_table = sa.Table(
    "coverage",
    metadata,
    _article_reference(primary_key=True),
    sa.Column("company", sa.String(200), primary_key=True),
    sa.Column("published", UTCDateTime),
    sa.Column("date_precision", sa.String(16)),
    sa.Column("outlet", sa.Text),
    sa.Column("language", sa.String(8)),
    sa.Column("story_id", sa.String(40), nullable=False),
    sa.Column("mentions", sa.Integer, nullable=False),
    # The article's tone towards the company: a person's correction, else the model's.
    sa.Column("tone", sa.String(8)),
    # Whether this row is its story's first for the company (dated before undated, then
    # by date and article id): summed, the unique stories of any period that starts at the
    # archive's beginning, without counting distinct over the rows.
    sa.Column("story_first", sa.Boolean, nullable=False, server_default=sa.false()),
    # The same for the story, the company and the outlet: the top outlets' unique stories.
    sa.Column("outlet_first", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_coverage_published", "published", "company"),
    # Articles known to the month or year are found by their own short range of dates.
    sa.Index("ix_coverage_precision", "date_precision", "published"),
    sa.Index("ix_coverage_story", "story_id", "company"),
)

# Rollups of the coverage rows per day (an ISO date; '' for undated articles, and '' for
# any missing precision, language or tone, so that keys compare equal), kept up to date
# in the same transaction as coverage by adding and subtracting each change. Figures of
# long periods read a few thousand rows instead of millions (bench_store_queries).
daily_coverage_table = sa.Table(
    "daily_coverage",
    metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("company", sa.String(200), primary_key=True),
    sa.Column("date_precision", sa.String(16), primary_key=True),
    sa.Column("language", sa.String(8), primary_key=True),
    sa.Column("tone", sa.String(8), primary_key=True),
    sa.Column("articles", sa.Integer, nullable=False),  # (article, company) rows
    sa.Column("mentions", sa.Integer, nullable=False),
    sa.Column("stories", sa.Integer, nullable=False),  # rows that are their story's first
)

# Articles per day and set of companies they mention (sorted names, one per line): the
# articles of any choice of companies are the sum over the sets that meet it, so distinct
# articles are counted without reading the coverage rows.
daily_articles_table = sa.Table(
    "daily_articles",
    metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("date_precision", sa.String(16), primary_key=True),
    sa.Column("language", sa.String(8), primary_key=True),
    sa.Column("companies", sa.Text, primary_key=True),
    sa.Column("articles", sa.Integer, nullable=False),
)

# Articles and unique stories per day, company and outlet (UNKNOWN_OUTLET for none): the
# top outlets of a view without a start, a language, a tone or a topic, read without
# grouping millions of coverage rows.
daily_outlets_table = sa.Table(
    "daily_outlets",
    metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("company", sa.String(200), primary_key=True),
    sa.Column("outlet", sa.Text, primary_key=True),
    sa.Column("articles", sa.Integer, nullable=False),  # (article, company) rows
    sa.Column("stories", sa.Integer, nullable=False),  # rows first of story at the outlet
)

# A person's tone: it always wins over the model. company NULL is the article's overall
# tone; field and start name one mention.
corrections_table = sa.Table(
    "corrections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(40), nullable=False),
    sa.Column("company", sa.String(200)),
    sa.Column("field", sa.String(8)),
    sa.Column("start", sa.Integer),
    sa.Column("label", sa.String(8), nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_corrections_article", "article_id"),
)

# A person's verdict on one mention: right (the company is meant) or wrong (a false
# match: the wind, the cat). A wrong mention counts in no figure. The mention is named by
# where it stands and what it matched, not by its id: reanalysis rewrites the mentions
# (new ids) and the mark holds as long as the text is unchanged. One row per mention: a new
# verdict replaces the old one (the latest wins); removing the mark deletes the row.
mention_reviews_table = sa.Table(
    "mention_reviews",
    metadata,
    _article_reference(primary_key=True),
    sa.Column("company", sa.String(200), primary_key=True),
    sa.Column("field", sa.String(8), primary_key=True),
    sa.Column("start", sa.Integer, primary_key=True),
    sa.Column("matched", sa.Text, primary_key=True),
    sa.Column("verdict", sa.String(8), nullable=False),
    sa.Column("reviewer", sa.String(200), nullable=False),
    sa.Column("reviewed_at", UTCDateTime, nullable=False),
    sa.Index("ix_mention_reviews_company", "company", "verdict"),
)

# Articles stored but not yet analysed (mentions, tone, topics, story): collection writes
# an article and its row here in one transaction, the analysis stage removes the row in
# the transaction that writes the analysis. A run killed in between leaves the row, and
# the next run analyses the article.
analysis_queue_table = sa.Table(
    "analysis_queue",
    metadata,
    _article_reference(primary_key=True),
    sa.Column("queued_at", UTCDateTime, nullable=False),
    sa.Index("ix_analysis_queue_queued_at", "queued_at"),
)

# One row per source per collection: the history that coverage gaps are read from.
source_events_table = sa.Table(
    "source_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Column("http_status", sa.Integer),
    sa.Column("error", sa.Text),
    sa.Column("articles_new", sa.Integer, nullable=False, default=0),
    sa.Index("ix_source_events_source_at", "source", "at"),
)

# Every alert, with its delivery state: an alert is never lost silently.
alerts_table = sa.Table(
    "alerts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("rule", sa.String(32), nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("links", sa.Text, nullable=False, default="[]"),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("last_error", sa.Text),
    sa.Column("sent_at", UTCDateTime),
    sa.Index("ix_alerts_rule_subject", "rule", "subject"),
)

files_table = sa.Table(
    "files",
    metadata,
    sa.Column("source", sa.String(200), primary_key=True),
    sa.Column("path", sa.Text, primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("mtime_ns", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    # The path the file had when first read: a moved file keeps its article.
    sa.Column("identity", sa.Text, nullable=False),
)

runs_table = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime),
    sa.Column("sources_ok", sa.Integer, nullable=False, default=0),
    sa.Column("sources_failed", sa.Integer, nullable=False, default=0),
    sa.Column("articles_new", sa.Integer, nullable=False, default=0),
    sa.Column("articles_updated", sa.Integer, nullable=False, default=0),
    sa.Column("errors", sa.Text, nullable=False, default="[]"),
)


# Between the company names of a daily_articles set (names never hold a line break).
COMPANY_SEPARATOR = "\n"

# Tables in the order their rows can be written (a row's references come first): the order
# of `presswatch copy`.
COPY_ORDER: tuple[sa.Table, ...] = (
    meta_table,
    sources_table,
    articles_table,
    article_sources_table,
    mentions_table,
    tones_table,
    topics_table,
    messages_table,
    corrections_table,
    mention_reviews_table,
    coverage_table,
    daily_coverage_table,
    daily_articles_table,
    daily_outlets_table,
    source_events_table,
    alerts_table,
    files_table,
    runs_table,
)

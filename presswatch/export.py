"""CSV for comms teams: opens right in Excel and LibreOffice, and never runs a formula.

An export's rows are read from the database in chunks, in their final order, and written
as they come: a 30-day view of an archive of 10 million mentions is never loaded whole
into memory (bench/bench_store_queries.py). The rows of an export are the coverage rows
(one per article and company) that the filters keep, as the dashboard's figures count them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
from collections import defaultdict
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from presswatch import __version__
from presswatch.aggregates import (
    article_topic_names,
    day_of,
    kept_flag,
    mentions_of_pair,
    scope,
    text_order,
    undated_articles,
)
from presswatch.analytics import PROMINENCE_RANK, coverage_gaps
from presswatch.config import Config
from presswatch.models import Filters
from presswatch.store import (
    Store,
    articles_table,
    corrections_table,
    coverage_table,
    mentions_table,
    tones_table,
)

ARTICLE_COMPANY_COLUMNS = [
    "date",
    "date_precision",
    "outlet",
    "title",
    "url",
    "company",
    "role",
    "mention_count",
    "prominence",
    "tone",
    "tone_score",
    "evidence_sentence",
    "topics",
    "language",
    "author",
    "story_id",
    "pickups",
    "article_id",
]

# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Rows read from the database at a time, and looked up together (mentions, topics).
CHUNK_ROWS = 2000


def neutralize_cell(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def format_date(published: Any, precision: Any) -> str:
    """An ISO date cut to what is known: 2024-03-19, 2024-03, 2024, or empty when unknown."""
    if published is None or not precision or not isinstance(precision, str):
        return ""
    if not isinstance(published, datetime):
        if pd.isna(published):
            return ""
        published = pd.Timestamp(published).to_pydatetime()
    if precision == "year":
        return f"{published.year:04d}"
    if precision == "month":
        return f"{published.year:04d}-{published.month:02d}"
    if precision == "day":
        return f"{published.year:04d}-{published.month:02d}-{published.day:02d}"
    return str(published.strftime("%Y-%m-%dT%H:%M:%SZ"))


LEVELS = ("articles", "mentions", "stories", "daily")

MENTION_COLUMNS = [
    "date",
    "date_precision",
    "outlet",
    "title",
    "url",
    "company",
    "role",
    "alias",
    "matched",
    "spokesperson",
    "prominence",
    "tone",
    "tone_score",
    "evidence_sentence",
    "language",
    "author",
    "story_id",
    "article_id",
]
STORY_COLUMNS = [
    "date",
    "title",
    "company",
    "role",
    "pickups",
    "outlets",
    "mention_count",
    "tone",
    "story_id",
]
DAILY_COLUMNS = [
    "date",
    "company",
    "role",
    "articles",
    "stories",
    "mentions",
    "positive",
    "neutral",
    "negative",
    "net_tone",
]


COLUMNS = {
    "articles": ARTICLE_COMPANY_COLUMNS,
    "mentions": MENTION_COLUMNS,
    "stories": STORY_COLUMNS,
    "daily": DAILY_COLUMNS,
}

_TONES = ("positive", "neutral", "negative")


def _roles(config: Config) -> dict[str, str]:
    return {c.name: c.role for c in config.companies}


def _score(value: float | None) -> float | None:
    return None if value is None else round(float(value), 3)


def _chunks(
    conn: Connection, query: sa.Select[Any], limit: int | None = None
) -> Iterator[Sequence[sa.Row[Any]]]:
    """The rows of a query (the first ``limit``), CHUNK_ROWS at a time (a server-side
    cursor on PostgreSQL)."""
    if limit is not None:
        query = query.limit(limit)
    # Options of this statement only: the lookups made per chunk are plain queries.
    streamed = query.execution_options(stream_results=True, yield_per=CHUNK_ROWS)
    result = conn.execute(streamed)
    yield from result.partitions()


def export_rows(
    store: Store,
    filters: Filters,
    config: Config,
    level: str = "articles",
    *,
    limit: int | None = None,
) -> Generator[tuple[Any, ...]]:
    """The rows of an export at one level (articles, mentions, stories or daily), in order,
    one tuple of cells per row in the order of COLUMNS[level]; only the first ``limit``
    (a preview) when given."""
    if level not in COLUMNS:
        raise ValueError(f"unknown export level '{level}': use one of {', '.join(LEVELS)}")
    builders = {
        "articles": _article_rows,
        "mentions": _mention_rows,
        "stories": _story_rows,
        "daily": _daily_rows,
    }
    with store.reading() as conn:
        yield from builders[level](store, conn, filters, _roles(config), limit)


def _article_rows(
    store: Store, conn: Connection, filters: Filters, roles: dict[str, str], limit: int | None
) -> Iterator[tuple[Any, ...]]:
    """One row per (article, company) kept, newest first, undated last.

    The evidence sentence is the one the tone rests on when there is a tone, else the
    sentence of the most prominent mention (title, then lead, then body; earliest first);
    a person's correction of the tone wins over the model. Pickups: the story's articles
    in the export.
    """
    c = coverage_table.c
    kept = scope(filters)
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
        .order_by(c.published.desc().nulls_last(), text_order(store, c.company), c.article_id)
    )
    for chunk in _chunks(conn, query, limit):
        ids = sorted({row.article_id for row in chunk})
        articles = _article_details(conn, ids)
        tones = _tones(conn, ids)
        best = _best_mentions(conn, ids)
        topics = article_topic_names(conn, ids)
        for row in chunk:
            title, url, author = articles[row.article_id]
            score, evidence = tones.get((row.article_id, row.company), (None, None))
            prominence, sentence = best.get((row.article_id, row.company), ("", ""))
            yield (
                *_leading_cells(row, title, url, roles),
                row.mentions,
                prominence,
                row.tone,
                _score(score),
                evidence if evidence is not None else sentence,
                topics.get(row.article_id, ""),
                row.language,
                author,
                row.story_id,
                row.pickups,
                row.article_id,
            )


def _row_columns() -> list[Any]:
    """The coverage columns every article and mention row carries."""
    c = coverage_table.c
    return [c.company, c.published, c.date_precision, c.outlet, c.language, c.story_id]


def _leading_cells(row: Any, title: Any, url: Any, roles: dict[str, str]) -> tuple[Any, ...]:
    """The first columns of the article and mention levels: when, where, what and who."""
    return (
        format_date(row.published, row.date_precision),
        row.date_precision,
        row.outlet,
        title,
        url,
        row.company,
        roles.get(row.company, ""),
    )


def _article_details(conn: Connection, ids: list[str]) -> dict[str, tuple[Any, Any, Any]]:
    """article id -> its title, URL and author."""
    a = articles_table.c
    query = sa.select(a.id, a.title, a.url, a.author).where(a.id.in_(ids))
    return {row.id: (row.title, row.url, row.author) for row in conn.execute(query)}


def _tones(conn: Connection, ids: list[str]) -> dict[tuple[str, str], tuple[float, str]]:
    """(article, company) -> the model's tone score and its evidence sentence."""
    t = tones_table.c
    query = sa.select(t.article_id, t.company, t.score, t.evidence).where(t.article_id.in_(ids))
    return {(row.article_id, row.company): (row.score, row.evidence) for row in conn.execute(query)}


def _best_mentions(conn: Connection, ids: list[str]) -> dict[tuple[str, str], tuple[str, str]]:
    """(article, company) -> the prominence and sentence of its most prominent mention."""
    m = mentions_table.c
    query = sa.select(m.article_id, m.company, m.prominence, m.start, m.id, m.sentence).where(
        m.article_id.in_(ids)
    )
    ranked: dict[tuple[str, str], tuple[int, int, int, str, str]] = {}
    for row in conn.execute(query):
        key = (row.article_id, row.company)
        rank = (PROMINENCE_RANK.get(row.prominence, 3), row.start, row.id)
        held = ranked.get(key)
        if held is None or rank < held[:3]:
            ranked[key] = (*rank, row.prominence, row.sentence)
    return {key: (value[3], value[4]) for key, value in ranked.items()}


def _mention_rows(
    store: Store, conn: Connection, filters: Filters, roles: dict[str, str], limit: int | None
) -> Iterator[tuple[Any, ...]]:
    """One row per mention of a kept (article, company), with its sentence and its own
    tone: a person's label for that very mention wins over the model's."""
    c, m = coverage_table.c, mentions_table.c
    # As for articles: the sort holds narrow rows; texts are looked up per chunk.
    query = (
        sa.select(m.id, m.article_id, m.field, m.start, *_row_columns())
        .join(coverage_table, mentions_of_pair())
        .where(*scope(filters))
        .order_by(c.published.desc().nulls_last(), m.article_id, m.field.desc(), m.start, m.id)
    )
    fixes = _mention_corrections(conn)
    for chunk in _chunks(conn, query, limit):
        articles = _article_details(conn, sorted({row.article_id for row in chunk}))
        mentions = _mention_details(conn, [row.id for row in chunk])
        for row in chunk:
            title, url, author = articles[row.article_id]
            alias, matched, kind, prominence, label, score, sentence = mentions[row.id]
            yield (
                *_leading_cells(row, title, url, roles),
                alias,
                matched,
                "yes" if kind == "person" else "no",
                prominence,
                fixes.get((row.article_id, row.field, row.start), label),
                _score(score),
                sentence,
                row.language,
                author,
                row.story_id,
                row.article_id,
            )


def _mention_details(conn: Connection, ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """mention id -> alias, matched text, kind, prominence, tone label and score, sentence."""
    m = mentions_table.c
    query = sa.select(
        m.id, m.alias, m.matched, m.kind, m.prominence, m.tone_label, m.tone_score, m.sentence
    ).where(m.id.in_(ids))
    return {row[0]: tuple(row[1:]) for row in conn.execute(query)}


def _mention_corrections(conn: Connection) -> dict[tuple[str, str, int], str]:
    """(article, field, start) -> the latest label a person gave that mention."""
    r = corrections_table.c
    query = (
        sa.select(r.article_id, r.field, r.start, r.label)
        .where(r.field.is_not(None), r.start.is_not(None))
        .order_by(r.id)
    )
    return {(row.article_id, row.field, row.start): row.label for row in conn.execute(query)}


def _story_rows(
    store: Store, conn: Connection, filters: Filters, roles: dict[str, str], limit: int | None
) -> Iterator[tuple[Any, ...]]:
    """One row per (story, company): its first copy's date and title, pickups, outlets,
    mentions and its most frequent tone; newest first, then the most picked up.

    The database groups and orders the stories; their copies are read a chunk of stories
    at a time.
    """
    c, a = coverage_table.c, articles_table.c
    kept = scope(filters)
    stories = _story_groups(kept).order_by(
        sa.func.min(c.published).desc().nulls_last(),
        sa.func.count().desc(),
        text_order(store, c.story_id),
        text_order(store, c.company),
    )
    is_kept = kept_flag(kept)
    for chunk in _chunks(conn, stories, limit):
        wanted = {(row.story_id, row.company) for row in chunk}
        query = (
            sa.select(
                c.story_id,
                c.company,
                c.published,
                c.date_precision,
                a.title,
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
        for row in chunk:
            yield _story(row.story_id, row.company, copies[(row.story_id, row.company)], roles)


def _story_groups(kept: list[Any]) -> sa.Select[Any]:
    """The (story, company) groups of the kept coverage rows: the stories level's rows."""
    c = coverage_table.c
    return sa.select(c.story_id, c.company).where(*kept).group_by(c.story_id, c.company)


def _story(
    story_id: str, company: str, copies: list[sa.Row[Any]], roles: dict[str, str]
) -> tuple[Any, ...]:
    """A story's row from its copies, first copy first."""
    dated = next((r for r in copies if r.published is not None), None)
    title = next((r.title for r in copies if r.title is not None), None)
    tones: dict[str, int] = defaultdict(int)
    for copy in copies:
        if copy.tone is not None:
            tones[copy.tone] += 1
    # The most frequent tone; a tie goes to the first in alphabetical order.
    tone = min(tones, key=lambda label: (-tones[label], label)) if tones else None
    return (
        format_date(dated.published, dated.date_precision) if dated else "",
        title,
        company,
        roles.get(company, ""),
        len(copies),
        ", ".join(sorted({r.outlet for r in copies if r.outlet is not None})),
        sum(r.mentions for r in copies),
        tone,
        story_id,
    )


def _daily_groups(store: Store, kept: list[Any]) -> sa.Select[Any]:
    """Per (day, company) of the kept rows dated to the day: articles, stories, mentions
    and tone counts."""
    c = coverage_table.c
    day = day_of(store, c.published).label("day")
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


def _daily_rows(
    store: Store, conn: Connection, filters: Filters, roles: dict[str, str], limit: int | None
) -> Iterator[tuple[Any, ...]]:
    """One row per (day, company) of the articles dated to the day: articles, stories,
    mentions and tone counts, grouped by the database."""
    query = _daily_groups(store, scope(filters)).order_by(
        "day", text_order(store, coverage_table.c.company)
    )
    for chunk in _chunks(conn, query, limit):
        for row in chunk:
            when, company, articles, stories, mentions, positive, neutral, negative = tuple(row)
            toned = positive + neutral + negative
            yield (
                str(when)[:10],
                company,
                roles.get(company, ""),
                articles,
                stories,
                mentions,
                positive,
                neutral,
                negative,
                round((positive - negative) / toned, 3) if toned else None,
            )


def export_count(store: Store, filters: Filters, level: str = "articles") -> int:
    """How many rows export_rows would give, counted by the database."""
    kept = scope(filters)
    if level == "articles":
        query = sa.select(sa.func.count()).select_from(coverage_table).where(*kept)
    elif level == "mentions":
        query = (
            sa.select(sa.func.count())
            .select_from(mentions_table)
            .join(coverage_table, mentions_of_pair())
            .where(*kept)
        )
    elif level == "stories":
        query = sa.select(sa.func.count()).select_from(_story_groups(kept).subquery())
    elif level == "daily":
        groups = _daily_groups(store, kept).subquery()
        query = sa.select(sa.func.count()).select_from(groups)
    else:
        raise ValueError(f"unknown export level '{level}': use one of {', '.join(LEVELS)}")
    with store.reading() as conn:
        return int(conn.execute(query).scalar_one())


@dataclass(frozen=True)
class WrittenCsv:
    """What was written: the row count and the SHA-256 of the bytes (for the manifest)."""

    rows: int
    sha256: str
    size: int


def write_csv(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sink: IO[bytes],
    *,
    delimiter: str = ",",
    bom: bool = True,
) -> WrittenCsv:
    """Write rows as CSV to a binary sink as they come: UTF-8 (with a BOM for Excel), quoted
    where needed, every cell a spreadsheet would run as a formula neutralized."""
    if delimiter not in (",", ";", "\t"):
        raise ValueError("delimiter must be ',', ';' or a tab")
    digest = hashlib.sha256()
    size = 0
    count = 0

    def put(data: bytes) -> None:
        nonlocal size
        sink.write(data)
        digest.update(data)
        size += len(data)

    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n"
    )
    if bom:
        put(b"\xef\xbb\xbf")
    writer.writerow([neutralize_cell(c) for c in columns])
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, CHUNK_ROWS)):
        # neutralize_cell, inlined: a call per cell cost 0.7 s of 2 s for 82,550 rows.
        # The csv module writes None as an empty cell; only text can be a formula.
        writer.writerows(
            ["'" + v if isinstance(v, str) and v.startswith(_FORMULA_STARTS) else v for v in row]
            for row in batch
        )
        count += len(batch)
        put(buffer.getvalue().encode("utf-8"))
        buffer.seek(0)
        buffer.truncate()
    put(buffer.getvalue().encode("utf-8"))
    return WrittenCsv(rows=count, sha256=digest.hexdigest(), size=size)


def build_manifest(
    *,
    store: Store,
    filters: Filters,
    config: Config,
    level: str,
    written: WrittenCsv,
) -> dict[str, Any]:
    """What makes an exported figure traceable: filters, config, sources, gaps, checksum."""
    start = pd.Timestamp(filters.start, tz="UTC") if filters.start else None
    end = pd.Timestamp(filters.end, tz="UTC") + pd.Timedelta(days=1) if filters.end else None
    gaps = coverage_gaps(store.source_events_frame(), start, end)
    bounded = filters.start is not None or filters.end is not None
    sources = []
    for row in store.sources_frame().to_dict("records"):
        own = gaps[gaps["source"] == row["name"]]
        sources.append(
            {
                "name": row["name"],
                "kind": row.get("kind"),
                "last_success": _iso(row.get("last_success")),
                "error": row.get("error") if isinstance(row.get("error"), str) else None,
                "coverage_gaps": [
                    {
                        "start": _iso(g["start"]),
                        "end": _iso(g["end"]),
                        "failures": int(g["failures"]),
                        "error": g["error"],
                    }
                    for g in own.to_dict("records")
                ],
            }
        )
    return {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "presswatch_version": __version__,
        "level": level,
        "filters": filters.as_dict(),
        "config": str(config.path) if config.path else None,
        "config_sha256": config.sha256,
        "database": store.display_url,
        "rows": written.rows,
        "csv_sha256": written.sha256,
        # Undated articles the other filters keep: outside any bounded period.
        "undated_articles_left_out": undated_articles(store, filters) if bounded else 0,
        "sources": sources,
    }


def _iso(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).isoformat()


def export_to_file(
    store: Store,
    filters: Filters,
    config: Config,
    path: Path,
    *,
    level: str = "articles",
    delimiter: str = ",",
    bom: bool = True,
) -> tuple[dict[str, Any], Path]:
    """Write an export's CSV atomically (through NAME.part), then its manifest beside it as
    NAME.manifest.json; return the manifest and its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    try:
        with temporary.open("wb") as sink:
            written = write_csv(
                COLUMNS[level],
                export_rows(store, filters, config, level),
                sink,
                delimiter=delimiter,
                bom=bom,
            )
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    temporary.replace(path)
    manifest = build_manifest(
        store=store, filters=filters, config=config, level=level, written=written
    )
    target = path.with_name(path.stem + ".manifest.json")
    target.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest, target

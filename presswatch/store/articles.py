"""Articles and their analyses: mentions, tones, topics, stories and texts."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from presswatch.errors import StoreError
from presswatch.models import Article, CompanyTone, Mention, SaveCounts, Topic
from presswatch.store.base import StoreBase, _clean, _now, _retryable
from presswatch.store.coverage import _refresh_coverage
from presswatch.store.schema import (
    analysis_queue_table,
    article_sources_table,
    articles_table,
    coverage_table,
    mentions_table,
    messages_table,
    tones_table,
    topics_table,
)

# The flag of an article whose text is its page's full text (collectors/fulltext.py).
FULLTEXT_FLAG = "fulltext"


class ArticlesMixin(StoreBase):
    """Saves articles with their analyses, and reads them back."""

    def save_articles(self, articles: Iterable[Article], *, queue: bool = False) -> SaveCounts:
        """Insert new articles, update changed ones (keeping first_seen), skip unchanged ones.

        With ``queue``, the new and changed articles are stored without analysis and wait
        in the analysis queue (the collection's way); otherwise the analysis they carry is
        written with them. Each batch is one transaction: a run killed mid-way leaves no
        half-written article.
        """
        counts = SaveCounts()
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= 500:
                counts.add(self._save_batch(batch, queue))
                batch = []
        if batch:
            counts.add(self._save_batch(batch, queue))
        return counts

    def _save_batch(self, articles: Sequence[Article], queue: bool = False) -> SaveCounts:
        # Two workers may store the same article (from two feeds) at the same moment: the
        # one that loses the race rolls back and tries again, and then sees the other's row.
        for attempt in range(5):
            try:
                return self._save_batch_once(articles, queue)
            except StoreError as exc:
                if attempt == 4 or not _retryable(exc):
                    raise
        raise AssertionError("unreachable")

    def _save_batch_once(self, articles: Sequence[Article], queue: bool = False) -> SaveCounts:
        counts = SaveCounts()
        now = _now()
        copies: dict[str, list[Article]] = {}
        for article in articles:
            copies.setdefault(article.id, []).append(article)
        with self._begin() as conn:
            # FOR UPDATE (PostgreSQL): a concurrent batch touching the same articles waits
            # for this one, so their mentions are never written twice.
            stored_rows = conn.execute(
                sa.select(
                    articles_table.c.id, articles_table.c.content_hash, articles_table.c.flags
                )
                .where(articles_table.c.id.in_(list(copies)))
                .order_by(articles_table.c.id)
                .with_for_update()
            ).all()
            existing = {row.id: row.content_hash for row in stored_rows}
            full_texts = _stored_full_texts(
                conn,
                [
                    row.id
                    for row in stored_rows
                    if FULLTEXT_FLAG in (row.flags or "").split(",")
                    and any(FULLTEXT_FLAG not in a.flags for a in copies[row.id])
                ],
            )
            known_links: set[tuple[str, str]] = {
                (row[0], row[1])
                for row in conn.execute(
                    sa.select(
                        article_sources_table.c.article_id, article_sources_table.c.source
                    ).where(article_sources_table.c.article_id.in_(list(copies)))
                )
            }
            owners = _owners(conn, list(copies))
            inserts: list[dict[str, Any]] = []
            links: list[dict[str, Any]] = []
            analysed: list[Article] = []
            for article_id, group in copies.items():
                # The owner's copy is the article: the first source that stored it, or for
                # a new one the first source by name (the order _owners reads them back
                # in). Its last copy wins, as if the batch were written one by one; other
                # sources' copies only add their source below.
                owner = owners.get(article_id) or min(a.source for a in group)
                own = [a for a in group if a.source == owner]
                if not own:
                    counts.unchanged += 1
                    continue
                article = own[-1]
                if article.id in full_texts and FULLTEXT_FLAG not in article.flags:
                    article = _with_stored_full_text(article, full_texts[article.id])
                digest = article.content_hash
                values = _article_values(article, digest)
                previous = existing.get(article.id)
                if previous is None:
                    inserts.append({**values, "first_seen": now, "updated_at": now})
                    analysed.append(article)
                    counts.new += 1
                    counts.new_ids.append(article.id)
                elif previous != digest:
                    if article.date_source == "first_seen":
                        # Keep the date it was first seen with, not the time of this edit.
                        for key in ("published", "date_precision", "date_source"):
                            values.pop(key)
                    conn.execute(
                        sa.update(articles_table)
                        .where(articles_table.c.id == article.id)
                        .values(**values, updated_at=now)
                    )
                    analysed.append(article)
                    counts.updated += 1
                    counts.updated_ids.append(article.id)
                else:
                    counts.unchanged += 1
            # Every copy's source, not only the last copy's: a batch may hold one article
            # from two feeds.
            for article in articles:
                if (article.id, article.source) not in known_links:
                    known_links.add((article.id, article.source))
                    links.append(
                        {
                            "article_id": article.id,
                            "source": article.source,
                            "entry_key": article.entry_key,
                            "first_seen": now,
                        }
                    )
            # One statement per table for the whole batch: far fewer round trips than one
            # per article (bench/bench_feeds.py).
            if inserts:
                conn.execute(sa.insert(articles_table), inserts)
            if queue:
                # Stored now, analysed by the analysis stage: an edited article's old
                # analysis goes (its mentions were of the old text) until then.
                bare = [_unanalysed(a) for a in analysed]
                self._write_analyses(
                    conn, bare, replace=counts.updated > 0, new=frozenset(counts.new_ids)
                )
                _queue(conn, [a.id for a in analysed])
            else:
                self._write_analyses(
                    conn, analysed, replace=counts.updated > 0, new=frozenset(counts.new_ids)
                )
            if links:
                conn.execute(sa.insert(article_sources_table), links)
        return counts

    @staticmethod
    def _write_analyses(
        conn: Connection,
        articles: Sequence[Article],
        *,
        replace: bool,
        coverage: bool = True,
        new: frozenset[str] = frozenset(),
    ) -> None:
        """Write the mentions, tones and topics of several articles in one statement each,
        and (unless told not to, by a caller that changes the articles after) their coverage;
        ``new``: the ids of these articles that were not stored before."""
        if not articles:
            return
        ids = [a.id for a in articles]
        if replace:
            for table in (mentions_table, tones_table, topics_table, messages_table):
                conn.execute(sa.delete(table).where(table.c.article_id.in_(ids)))
        mentions = [_mention_row(a.id, m) for a in articles for m in a.mentions]
        tones = [
            {
                "article_id": a.id,
                "company": t.company,
                "score": t.score,
                "label": t.label,
                "evidence": _clean(t.evidence),
            }
            for a in articles
            for t in a.company_tones
        ]
        topics = [
            {
                "article_id": a.id,
                "topic": t.topic,
                "keyword": _clean(t.keyword),
                "sentence": _clean(t.sentence),
                "company": t.company,
                "weight": t.weight,
                "theme_rank": t.rank,
            }
            for a in articles
            for t in a.topics
        ]
        messages = [
            {
                "article_id": a.id,
                "company": m.company,
                "message": m.topic,
                "phrasing": _clean(m.keyword),
                "sentence": _clean(m.sentence),
                "similarity": m.similarity,
            }
            for a in articles
            for m in a.messages
        ]
        for table, rows in (
            (mentions_table, mentions),
            (tones_table, tones),
            (topics_table, topics),
            (messages_table, messages),
        ):
            if rows:
                conn.execute(sa.insert(table), rows)
        if coverage:
            # A new article that names no company has no coverage row, before or after, and
            # no row of its story changes: most of a feed (5,759 of 7,200 articles in
            # bench_feeds; their writes 0.72 s -> 0.67 s).
            _refresh_coverage(conn, [a.id for a in articles if a.mentions or a.id not in new])

    def resolve_articles(self, articles: Sequence[Article]) -> list[Article]:
        """The articles under the ids the archive already knows them by, where it does.

        An entry is found by its key in its source when its id is not stored: archives
        written before guids won over links keyed most entries by their link, and those
        rows must not be stored again under their new id. An entry without a link whose
        key is unknown (a feed that gives its items a new guid each time) is the article
        of that source with the same content (title, text, date, author), if one is not
        already claimed by another entry of the batch.
        """
        if not articles:
            return []
        ids = list(dict.fromkeys(a.id for a in articles))
        with self._begin() as conn:
            present = set(self._stored(conn, articles_table.c.id, articles_table.c.id, ids))
            pending = [n for n, a in enumerate(articles) if a.id not in present]
            if not pending:
                return list(articles)
            sources = sorted({articles[n].source for n in pending})
            keys = list(dict.fromkeys(articles[n].entry_key for n in pending))
            by_key: dict[tuple[str, str], str] = {}
            for start in range(0, len(keys), 500):
                rows = conn.execute(
                    sa.select(
                        article_sources_table.c.source,
                        article_sources_table.c.entry_key,
                        article_sources_table.c.article_id,
                    ).where(
                        article_sources_table.c.source.in_(sources),
                        article_sources_table.c.entry_key.in_(keys[start : start + 500]),
                    )
                )
                by_key.update({(r.source, r.entry_key): r.article_id for r in rows})
            # Never onto the article another entry of the same source already is (its
            # guid is the link an older id was made from): that would merge them again.
            own = {(a.source, a.id) for a in articles if a.id in present}
            found = {
                n: by_key[key]
                for n in pending
                if (key := (articles[n].source, articles[n].entry_key)) in by_key
                and (articles[n].source, by_key[key]) not in own
            }
            orphans = [n for n in pending if n not in found and articles[n].url is None]
            if orphans:
                found.update(self._same_content(conn, articles, orphans, present, found))
        return [
            dataclasses.replace(a, id=found[n]) if n in found else a for n, a in enumerate(articles)
        ]

    @staticmethod
    def _stored(conn: Connection, column: Any, key: Any, values: Sequence[str]) -> list[Any]:
        """``column`` of the rows whose ``key`` is one of ``values``, 500 values a query."""
        found: list[Any] = []
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            found.extend(conn.execute(sa.select(column).where(key.in_(chunk))).scalars())
        return found

    @staticmethod
    def _same_content(
        conn: Connection,
        articles: Sequence[Article],
        orphans: Sequence[int],
        present: set[str],
        found: dict[int, str],
    ) -> dict[int, str]:
        """The stored article of the same source, without URL and with the same content
        hash, of each orphan entry; each stored article taken once."""
        hashes = list({articles[n].content_hash for n in orphans})
        sources = sorted({articles[n].source for n in orphans})
        candidates: dict[tuple[str, str], list[str]] = {}
        for start in range(0, len(hashes), 500):
            rows = conn.execute(
                sa.select(
                    article_sources_table.c.source,
                    articles_table.c.content_hash,
                    articles_table.c.id,
                )
                .join(articles_table, articles_table.c.id == article_sources_table.c.article_id)
                .where(
                    article_sources_table.c.source.in_(sources),
                    articles_table.c.url.is_(None),
                    articles_table.c.content_hash.in_(hashes[start : start + 500]),
                )
                .order_by(articles_table.c.first_seen, articles_table.c.id)
            )
            for row in rows:
                candidates.setdefault((row.source, row.content_hash), []).append(row.id)
        # An article another entry of this batch already is cannot be this one too.
        taken = present | set(found.values())
        matched: dict[int, str] = {}
        for n in orphans:
            article = articles[n]
            for candidate in candidates.get((article.source, article.content_hash), []):
                if candidate not in taken:
                    matched[n] = candidate
                    taken.add(candidate)
                    break
        return matched

    def entry_keys(self, sources: Iterable[str]) -> list[tuple[str, str]]:
        """(source, entry key) of every article these sources stored."""
        wanted = list(sources)
        with self._begin() as conn:
            rows = conn.execute(
                sa.select(article_sources_table.c.source, article_sources_table.c.entry_key).where(
                    article_sources_table.c.source.in_(wanted)
                )
            )
            return [(r.source, r.entry_key) for r in rows]

    def article_owners(self, ids: Iterable[str]) -> dict[str, str]:
        """The source each of these stored articles belongs to: the first that stored it.

        Only that source's copy may change the article: the same article in a later feed
        adds a source and never swaps the outlet or URL (issue 25).
        """
        wanted = list(dict.fromkeys(ids))
        owners: dict[str, str] = {}
        with self._begin() as conn:
            for start in range(0, len(wanted), 500):
                owners.update(_owners(conn, wanted[start : start + 500]))
        return owners

    def collection_dated(self, ids: Iterable[str]) -> set[str]:
        """The ids, among these, of the articles dated by their collection time: no source
        gave them a date, so their date is when they were first seen, not published."""
        wanted = list(dict.fromkeys(ids))
        a = articles_table.c
        found: set[str] = set()
        with self._begin() as conn:
            for start in range(0, len(wanted), 500):
                query = sa.select(a.id).where(
                    a.id.in_(wanted[start : start + 500]), a.date_source == "first_seen"
                )
                found.update(conn.execute(query).scalars())
        return found

    def content_hashes(self, ids: Iterable[str]) -> dict[str, str]:
        """The stored content hash of each of these article ids that is stored."""
        wanted = list(ids)
        found: dict[str, str] = {}
        with self._begin() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                found.update(
                    conn.execute(
                        sa.select(articles_table.c.id, articles_table.c.content_hash).where(
                            articles_table.c.id.in_(chunk)
                        )
                    ).all()
                )
        return found

    def story_rows(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[tuple[str, str, bytes | None, datetime | None, int | None]]:
        """(article id, story id, signature, date, signature's length) of the articles
        dated in [since, until), oldest first. The date is the publication date, else the
        first-seen one; the signature is given for each story's first signed article in
        the range only (the one a story index compares with), the length for every one."""
        a = articles_table.c
        when = sa.func.coalesce(a.published, a.first_seen)
        story = sa.func.coalesce(a.story_id, a.id)
        rank = sa.func.row_number().over(
            partition_by=story, order_by=(sa.case((a.signature.is_(None), 1), else_=0), when, a.id)
        )
        rows = sa.select(
            a.id,
            story.label("story"),
            a.signature,
            when.label("when"),
            sa.func.length(a.signature).label("length"),
            rank.label("rank"),
        )
        # Dated articles by the published index, undated ones by their first-seen date.
        if since is not None:
            rows = rows.where(
                sa.or_(a.published >= since, sa.and_(a.published.is_(None), a.first_seen >= since))
            )
        if until is not None:
            rows = rows.where(
                sa.or_(a.published < until, sa.and_(a.published.is_(None), a.first_seen < until))
            )
        ranked = rows.subquery("ranked")
        r = ranked.c
        query = sa.select(
            r.id, r.story, sa.case((r.rank == 1, r.signature)), r.when, r.length
        ).order_by(r.when, r.id)
        with self._begin() as conn:
            return [tuple(row) for row in conn.execute(query)]

    def replace_analysis(self, article: Article) -> None:
        """Replace an article's mentions, tones, topics and story (after a reanalysis)."""
        with self._begin() as conn:
            self._write_analyses(conn, [article], replace=True, coverage=False)
            _write_article_analysis(conn, [article])
            _refresh_coverage(conn, [article.id])

    def iter_articles(self) -> Iterator[Article]:
        """Every stored article, without its mentions, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(articles_table).order_by(articles_table.c.first_seen, articles_table.c.id)
            )
            for row in rows.mappings():
                yield _article_from_row(row)

    def get_article(self, article_id: str) -> Article | None:
        """One article with its mentions, or None."""
        with self._begin() as conn:
            row = (
                conn.execute(sa.select(articles_table).where(articles_table.c.id == article_id))
                .mappings()
                .first()
            )
            if row is None:
                return None
            mention_rows = conn.execute(
                sa.select(mentions_table)
                .where(mentions_table.c.article_id == article_id)
                .order_by(mentions_table.c.field.desc(), mentions_table.c.start)
            ).mappings()
            mentions = tuple(
                Mention(
                    company=m["company"],
                    alias=m["alias"],
                    matched=m["matched"],
                    field=m["field"],
                    start=m["start"],
                    end=m["end"],
                    sentence=m["sentence"],
                    prominence=m["prominence"],
                    kind=m["kind"],
                    tone_score=m["tone_score"],
                    tone_label=m["tone_label"],
                )
                for m in mention_rows
            )
            tones = tuple(
                CompanyTone(t.company, t.score, t.label, t.evidence)
                for t in conn.execute(
                    sa.select(tones_table).where(tones_table.c.article_id == article_id)
                )
            )
            topics = tuple(
                Topic(t.topic, t.keyword, t.sentence, t.company, t.weight, t.theme_rank)
                for t in conn.execute(
                    sa.select(topics_table)
                    .where(topics_table.c.article_id == article_id)
                    .order_by(topics_table.c.id)
                )
            )
        return dataclasses.replace(
            _article_from_row(row, mentions), company_tones=tones, topics=topics
        )

    def texts(self, ids: Iterable[str]) -> dict[str, str]:
        """Title and text of each of these articles, by id."""
        wanted = list(ids)
        found: dict[str, str] = {}
        with self._begin() as conn:
            for start in range(0, len(wanted), 500):
                rows = conn.execute(
                    sa.select(
                        articles_table.c.id, articles_table.c.title, articles_table.c.text
                    ).where(articles_table.c.id.in_(wanted[start : start + 500]))
                )
                found.update({r.id: f"{r.title or ''}\n{r.text}" for r in rows})
        return found

    def languages(self, ids: Iterable[str]) -> dict[str, str | None]:
        """The stored language of each of these articles, by id (None: not known)."""
        wanted = list(ids)
        found: dict[str, str | None] = {}
        with self._begin() as conn:
            for start in range(0, len(wanted), 500):
                rows = conn.execute(
                    sa.select(articles_table.c.id, articles_table.c.language).where(
                        articles_table.c.id.in_(wanted[start : start + 500])
                    )
                )
                found.update({r.id: r.language for r in rows})
        return found

    def authors(self, ids: Iterable[str]) -> list[str]:
        """The distinct author fields of these articles (emerging terms leave them out)."""
        wanted = list(ids)
        found: set[str] = set()
        with self._begin() as conn:
            for start in range(0, len(wanted), 500):
                found.update(
                    conn.execute(
                        sa.select(articles_table.c.author)
                        .where(articles_table.c.id.in_(wanted[start : start + 500]))
                        .where(articles_table.c.author.is_not(None))
                        .distinct()
                    ).scalars()
                )
        return sorted(found)

    def article_ids(self) -> list[str]:
        """Every stored article id."""
        with self._begin() as conn:
            return list(conn.execute(sa.select(articles_table.c.id)).scalars())

    def mentioned_article_ids(self, company: str) -> set[str]:
        """The ids of the articles with a stored mention of this company."""
        m = mentions_table.c
        with self._begin() as conn:
            query = sa.select(m.article_id).where(m.company == company).distinct()
            return set(conn.execute(query).scalars())

    def has_articles_since(self, moment: datetime) -> bool:
        """Whether any article was published since this moment (an index lookup)."""
        with self._begin() as conn:
            found = conn.execute(
                sa.select(articles_table.c.id).where(articles_table.c.published >= moment).limit(1)
            ).first()
        return found is not None

    def has_coverage(self) -> bool:
        """Whether any stored article mentions a company (one row of the coverage table)."""
        with self._begin() as conn:
            found = conn.execute(sa.select(coverage_table.c.article_id).limit(1)).first()
        return found is not None

    def count_articles(self) -> int:
        """How many articles are stored."""
        with self._begin() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(articles_table)).scalar_one()
            )

    def refresh_statistics(self) -> bool:
        """On SQLite, give the query planner statistics once the archive has grown by a
        tenth since they were last gathered (or never were); return whether it did.

        SQLite gathers none by itself: without them it once chose a plan that took
        minutes for an export at 10 million mentions (worked around since), and the
        benchmarks measure analysed archives. ``analysis_limit`` samples each index
        (milliseconds at any size), as SQLite advises for PRAGMA optimize. PostgreSQL's
        autovacuum does this.
        """
        if self.backend != "sqlite":
            return False
        articles = self.count_articles()
        last = self.get_meta("analyzed_articles")
        with self._begin() as conn:
            # A copied archive brings the meta table, not the statistics.
            gathered = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
            ).first()
            if gathered and last is not None and articles < int(last) * 1.1 + 100:
                return False
            conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
            conn.exec_driver_sql("ANALYZE")
            self._set_meta(conn, "analyzed_articles", str(articles))
        return True


def _owners(conn: Connection, ids: Sequence[str]) -> dict[str, str]:
    """The owning source of each of these articles that has a source: the earliest
    first_seen, then the smallest name (sources stored in one write share a first_seen)."""
    rows = conn.execute(
        sa.select(
            article_sources_table.c.article_id,
            article_sources_table.c.source,
            article_sources_table.c.first_seen,
        ).where(article_sources_table.c.article_id.in_(list(ids)))
    )
    best: dict[str, tuple[Any, str]] = {}
    for row in rows:
        rank = (row.first_seen, row.source)
        if row.article_id not in best or rank < best[row.article_id]:
            best[row.article_id] = rank
    return {article_id: rank[1] for article_id, rank in best.items()}


def _stored_full_texts(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[str, str | None]]:
    """(text, outlet) of these stored articles, whose text is their page's full text."""
    found: dict[str, tuple[str, str | None]] = {}
    for start in range(0, len(ids), 500):
        rows = conn.execute(
            sa.select(articles_table.c.id, articles_table.c.text, articles_table.c.outlet).where(
                articles_table.c.id.in_(ids[start : start + 500])
            )
        )
        found.update({row.id: (row.text, row.outlet) for row in rows})
    return found


def _with_stored_full_text(article: Article, stored: tuple[str, str | None]) -> Article:
    """A feed's copy of an article whose page was fetched before, with that page's text.

    A full-text source fetches an entry's page only when it is new: every later reading of
    the feed gives the entry with its summary, which must not replace the full text. The
    title, date and the rest come from the feed as usual; the outlet stays the page's site
    name where the feed gave none of its own.
    """
    text, outlet = stored
    changes: dict[str, Any] = {"text": text, "flags": (*article.flags, FULLTEXT_FLAG)}
    if outlet and (not article.outlet or article.outlet == article.source):
        changes["outlet"] = outlet
    return dataclasses.replace(article, **changes)


def _mention_row(article_id: str, m: Mention) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "company": m.company,
        "alias": _clean(m.alias),
        "matched": _clean(m.matched),
        "kind": m.kind,
        "field": m.field,
        "start": m.start,
        "end": m.end,
        "sentence": _clean(m.sentence),
        "prominence": m.prominence,
        "tone_score": m.tone_score,
        "tone_label": m.tone_label,
    }


def _queue(conn: Connection, ids: Sequence[str]) -> None:
    """Put articles in the queue (again, if they are in it: an edit waits its turn anew)."""
    if not ids:
        return
    now = _now()
    conn.execute(sa.delete(analysis_queue_table).where(analysis_queue_table.c.article_id.in_(ids)))
    conn.execute(
        sa.insert(analysis_queue_table), [{"article_id": i, "queued_at": now} for i in ids]
    )


def _write_article_analysis(conn: Connection, articles: Sequence[Article]) -> None:
    """Write what an analysis sets on the articles' own rows, in one executemany: their
    language (detected when the source gave none), tone, story and signature."""
    if not articles:
        return
    conn.execute(
        sa.update(articles_table)
        .where(articles_table.c.id == sa.bindparam("article_id"))
        .values(
            language=sa.bindparam("language"),
            tone_score=sa.bindparam("tone_score"),
            tone_label=sa.bindparam("tone_label"),
            story_id=sa.bindparam("story_id"),
            signature=sa.bindparam("signature"),
        ),
        [
            {
                "article_id": a.id,
                "language": a.language,
                "tone_score": a.tone_score,
                "tone_label": a.tone_label,
                "story_id": a.story_id or a.id,
                "signature": a.signature,
            }
            for a in articles
        ],
    )


def _unanalysed(article: Article) -> Article:
    """The article without mentions, tones, topics or story: as the queue holds it."""
    return dataclasses.replace(
        article,
        mentions=(),
        company_tones=(),
        topics=(),
        messages=(),
        tone_score=None,
        tone_label=None,
        story_id=None,
        signature=None,
    )


def _article_values(article: Article, digest: str) -> dict[str, Any]:
    return {
        "id": article.id,
        "url": _clean(article.url),
        "title": _clean(article.title),
        "text": _clean(article.text),
        "outlet": _clean(article.outlet),
        "author": _clean(article.author),
        "published": article.published,
        "date_precision": article.date_precision,
        "date_source": article.date_source,
        "language": article.language,
        "flags": ",".join(article.flags),
        "content_hash": digest,
        "story_id": article.story_id or article.id,
        "signature": article.signature,
        "tone_score": article.tone_score,
        "tone_label": article.tone_label,
    }


def _article_from_row(row: Any, mentions: tuple[Mention, ...] = ()) -> Article:
    return Article(
        id=row["id"],
        source="",
        entry_key="",
        text=row["text"],
        title=row["title"],
        url=row["url"],
        outlet=row["outlet"],
        author=row["author"],
        published=row["published"],
        date_precision=row["date_precision"],
        date_source=row["date_source"],
        language=row["language"],
        flags=tuple(f for f in (row["flags"] or "").split(",") if f),
        mentions=mentions,
        story_id=row["story_id"],
        signature=row["signature"],
        tone_score=row["tone_score"],
        tone_label=row["tone_label"],
    )

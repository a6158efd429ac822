"""Sources: their state, the leases of shared collection, and their history."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from presswatch.errors import StoreError
from presswatch.models import CollectionRecord, SourceState
from presswatch.store.base import StoreBase
from presswatch.store.schema import (
    article_sources_table,
    articles_table,
    source_events_table,
    sources_table,
)


class SourcesMixin(StoreBase):
    """The sources of the config, their collection state, claims and history."""

    def sync_sources(self, sources: Iterable[tuple[str, str, str]]) -> None:
        """Make sure each (name, kind, location) from the config has a row; keep its state."""
        with self._begin() as conn:
            known = {
                row.name: row
                for row in conn.execute(
                    sa.select(sources_table.c.name, sources_table.c.kind, sources_table.c.location)
                )
            }
            for name, kind, location in sources:
                row = known.get(name)
                if row is None:
                    conn.execute(
                        sa.insert(sources_table).values(
                            name=name,
                            kind=kind,
                            location=location,
                            consecutive_failures=0,
                            entries_seen=0,
                            entries_new=0,
                        )
                    )
                elif (row.kind, row.location) != (kind, location):
                    # A source pointed somewhere else: its HTTP validators, backoff and a
                    # 410 that disabled it no longer apply.
                    conn.execute(
                        sa.update(sources_table)
                        .where(sources_table.c.name == name)
                        .values(
                            kind=kind,
                            location=location,
                            etag=None,
                            last_modified=None,
                            next_due=None,
                            disabled_reason=None,
                            consecutive_failures=0,
                        )
                    )

    def source_state(self, name: str) -> SourceState | None:
        """The stored state of one source, or None if it was never synced."""
        with self._begin() as conn:
            row = (
                conn.execute(sa.select(sources_table).where(sources_table.c.name == name))
                .mappings()
                .first()
            )
        return SourceState(**dict(row)) if row else None

    def source_states(self) -> list[SourceState]:
        """Every source's stored state, by name."""
        with self._begin() as conn:
            rows = conn.execute(sa.select(sources_table).order_by(sources_table.c.name)).mappings()
            return [SourceState(**dict(row)) for row in rows]

    def update_source_state(self, name: str, **values: Any) -> None:
        """Write some fields of a source's state."""
        with self._begin() as conn:
            _update_source(conn, name, values)

    def claim_sources(
        self,
        names: Sequence[str],
        owner: str,
        now: datetime,
        lease: timedelta,
        *,
        due_only: bool = False,
        longest_wait: timedelta | None = None,
    ) -> list[str]:
        """Claim sources for one worker until now + lease; return those it got.

        With ``longest_wait``, a source that a server asked to wait (429, 503) for longer
        than that is due all the same (a wait stored before waits were capped).

        A source held by another worker whose lease has not expired is skipped (with SKIP
        LOCKED on PostgreSQL, two workers claiming at once never wait on each other); with
        ``due_only``, so is one that another worker collected since this one last looked.
        """
        if not names:
            return []
        table = sources_table
        conditions: list[sa.ColumnElement[bool]] = [table.c.name.in_(list(names))]
        if self.shares_work:
            # On SQLite the single-collector lock (lock.collector_lock) already keeps other
            # collectors out, so a lease left there is a killed collector's: ignore it.
            conditions.append(
                sa.or_(
                    table.c.lease_until.is_(None),
                    table.c.lease_until < now,
                    table.c.lease_owner == owner,
                )
            )
        if due_only:
            due = [table.c.next_due.is_(None), table.c.next_due <= now]
            if longest_wait is not None:
                due.append(
                    sa.and_(
                        table.c.http_status.in_((429, 503)), table.c.next_due > now + longest_wait
                    )
                )
            conditions.append(sa.or_(*due))
        with self._begin() as conn:
            claimed = list(
                conn.execute(
                    sa.select(table.c.name)
                    .where(*conditions)
                    .order_by(table.c.name)
                    .with_for_update(skip_locked=True)
                ).scalars()
            )
            if claimed:
                conn.execute(
                    sa.update(table)
                    .where(table.c.name.in_(claimed))
                    .values(lease_owner=owner, lease_until=now + lease)
                )
        return claimed

    def release_sources(self, owner: str, names: Iterable[str]) -> None:
        """Give back the claims this worker still holds on these sources."""
        wanted = list(names)
        if not wanted:
            return
        with self._begin() as conn:
            conn.execute(
                sa.update(sources_table)
                .where(sources_table.c.name.in_(wanted), sources_table.c.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
            )

    def record_collections(self, records: Sequence[CollectionRecord]) -> None:
        """Several sources' collections in one transaction (a run of 240 feeds answering
        304 is mostly these: one commit for all of them instead of one each)."""
        if not records:
            return
        # One statement per kind of state (its set of fields), run for every source of that
        # kind: statement by statement, 240 sources cost 0.2 s of compiling and executing.
        # Sorted by name: concurrent workers take the rows' locks in one order.
        kinds: dict[tuple[str, ...], list[CollectionRecord]] = {}
        for record in sorted(records, key=lambda r: r.name):
            kinds.setdefault(tuple(sorted(record.state)), []).append(record)
        with self._begin() as conn:
            for fields, group in kinds.items():
                _check_source_fields(fields)
                statement = (
                    sa.update(sources_table)
                    .where(sources_table.c.name == sa.bindparam("source_name"))
                    .values({name: sa.bindparam(f"new_{name}") for name in fields})
                )
                conn.execute(
                    statement,
                    [
                        {"source_name": r.name, **{f"new_{k}": r.state[k] for k in fields}}
                        for r in group
                    ],
                )
            _add_source_events(conn, records)

    def record_source_event(
        self,
        name: str,
        at: datetime,
        *,
        ok: bool,
        http_status: int | None = None,
        error: str | None = None,
        articles_new: int = 0,
    ) -> None:
        """Add one collection of a source to its history."""
        with self._begin() as conn:
            _add_source_events(
                conn, [CollectionRecord(name, {}, at, ok, http_status, error, articles_new)]
            )

    def source_events_frame(self) -> pd.DataFrame:
        """Every collection of every source, oldest first."""
        frame = self.read_frame(
            sa.select(source_events_table).order_by(
                source_events_table.c.at, source_events_table.c.id
            )
        )
        frame["at"] = pd.to_datetime(frame["at"], utc=True, format="ISO8601")
        return frame

    def sources_frame(self) -> pd.DataFrame:
        """Sources and their collection state."""
        frame = self.read_frame(sa.select(sources_table).order_by(sources_table.c.name))
        for column in ("last_attempt", "last_success", "next_due"):
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
        return frame

    def articles_per_source(self) -> dict[str, int]:
        """How many stored articles each source has found (an article two sources found
        counts for both)."""
        links = article_sources_table.c
        query = sa.select(links.source, sa.func.count()).group_by(links.source)
        with self._begin() as conn:
            return {source: int(count) for source, count in conn.execute(query)}

    def source_articles(self, source: str, limit: int) -> tuple[pd.DataFrame, int]:
        """The articles one source has found, newest first (the first ``limit``; undated
        ones last, by collection), and how many: the Sources page's count of that source.
        Columns: id, title, published, date_precision, outlet."""
        links = article_sources_table.c
        found = sa.select(links.article_id).where(links.source == source)
        count = sa.select(sa.func.count()).select_from(found.subquery())
        with self.reading() as conn:
            total = int(conn.execute(count).scalar_one())
            frame = _newest_first(conn, found, limit)
        return frame, total

    def articles_listed(self, ids: Sequence[str], limit: int) -> tuple[pd.DataFrame, int]:
        """These articles, newest first (the first ``limit``; undated ones last, by
        collection), and how many of them the archive holds: the list behind a number
        computed from the articles' texts (an emerging term's). Columns as source_articles."""
        unique = list(dict.fromkeys(str(i) for i in ids))
        if not unique:
            return _newest_first(None, None, 0), 0
        a = articles_table.c
        found = sa.select(a.id).where(a.id.in_(unique))
        count = sa.select(sa.func.count()).select_from(found.subquery())
        with self.reading() as conn:
            total = int(conn.execute(count).scalar_one())
            frame = _newest_first(conn, found, limit)
        return frame, total


def _newest_first(
    conn: Connection | None, found: sa.Select[Any] | None, limit: int
) -> pd.DataFrame:
    """The articles whose id ``found`` selects, newest first, undated ones last by
    collection, the first ``limit``: id, title, published, date_precision, outlet."""
    a = articles_table.c
    rows: list[tuple[Any, ...]] = []
    if conn is not None and found is not None and limit > 0:
        query = (
            sa.select(a.id, a.title, a.published, a.date_precision, a.outlet)
            .where(a.id.in_(found))
            .order_by(a.published.is_(None), a.published.desc(), a.first_seen.desc(), a.id)
            .limit(limit)
        )
        rows = [tuple(row) for row in conn.execute(query)]
    frame = pd.DataFrame.from_records(
        rows, columns=["id", "title", "published", "date_precision", "outlet"]
    )
    frame["published"] = pd.to_datetime(frame["published"], utc=True)
    return frame


def _check_source_fields(names: Iterable[str]) -> None:
    """Refuse fields that a source's state does not have."""
    unknown = set(names) - set(sources_table.c.keys())
    if unknown:
        raise StoreError(f"unknown source state fields: {', '.join(sorted(unknown))}")


def _update_source(conn: Connection, name: str, values: dict[str, Any]) -> None:
    """Write some fields of a source's state, refusing unknown ones."""
    _check_source_fields(values)
    conn.execute(sa.update(sources_table).where(sources_table.c.name == name).values(**values))


def _add_source_events(conn: Connection, records: Sequence[CollectionRecord]) -> None:
    """These collections in their sources' history, in one statement."""
    conn.execute(
        sa.insert(source_events_table),
        [
            {
                "source": r.name,
                "at": r.at,
                "ok": r.ok,
                "http_status": r.http_status,
                "error": r.error,
                "articles_new": r.articles_new,
            }
            for r in records
        ],
    )

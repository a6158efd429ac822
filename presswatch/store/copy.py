"""`presswatch copy`: every table of one store into another, in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from presswatch.errors import StoreError
from presswatch.store.base import _clean
from presswatch.store.schema import COPY_ORDER, meta_table

if TYPE_CHECKING:
    from presswatch.store.core import Store


def copy_archive(
    source: Store,
    target: Store,
    *,
    batch: int = 5_000,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Copy every table of one store into another, empty one; return the rows per table.

    One transaction on the target: a copy that fails midway leaves the target as it was.
    The counts are read back from the target and checked against the source's.
    """
    if target.count_articles() or target.source_states():
        raise StoreError(
            f"database {target.display_url} already holds articles or sources; copy into an "
            "empty database (a new SQLite file, or a new PostgreSQL database)"
        )
    copied: dict[str, int] = {}
    current = COPY_ORDER[0].name
    try:
        with source.engine.connect() as read, target._begin() as write:
            for table in COPY_ORDER:
                current = table.name
                query = sa.select(table)
                if table is meta_table:
                    # The target's schema version is its own (both are up to date).
                    query = query.where(meta_table.c.key != "schema_version")
                    write.execute(sa.delete(meta_table).where(meta_table.c.key != "schema_version"))
                result = read.execution_options(yield_per=batch).execute(query)
                copied[table.name] = 0
                for rows in result.partitions():
                    write.execute(
                        sa.insert(table),
                        [
                            {key: _clean(value) for key, value in row._mapping.items()}
                            for row in rows
                        ],
                    )
                    copied[table.name] += len(rows)
                    if progress:
                        progress(table.name, copied[table.name])
            if target.backend == "postgresql":
                _reset_sequences(write)
            for table in COPY_ORDER:
                query = sa.select(sa.func.count()).select_from(table)
                if table is meta_table:
                    query = query.where(meta_table.c.key != "schema_version")
                found = write.execute(query).scalar_one()
                if found != copied[table.name]:
                    raise StoreError(
                        f"copy check failed: {table.name} has {found} rows in "
                        f"{target.display_url}, {copied[table.name]} were read; nothing was kept"
                    )
    except SQLAlchemyError as exc:
        raise StoreError(
            f"copying table {current}: {source._error(exc)}; nothing was kept in the target"
        ) from exc
    except StoreError as exc:
        raise StoreError(f"copying table {current}: {exc}; nothing was kept in the target") from exc
    target.refresh_statistics()
    return copied


def _reset_sequences(conn: Connection) -> None:
    """Move PostgreSQL's id sequences past the copied ids, so new rows get fresh ones."""
    for table in COPY_ORDER:
        column = table.c.get("id")
        if column is None or not isinstance(column.type, sa.Integer):
            continue
        # Table names from our own metadata, never from input.
        statement = (
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
            f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM {table.name}"
        )
        conn.execute(sa.text(statement))

"""What was last read of the files of folder sources."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from presswatch.models import FileState
from presswatch.store.base import StoreBase
from presswatch.store.schema import files_table


class FilesMixin(StoreBase):
    """The files of a folder source as last read."""

    def file_states(self, source: str) -> dict[str, FileState]:
        """The files of a folder source as last read, by relative path."""
        with self._begin() as conn:
            rows = conn.execute(sa.select(files_table).where(files_table.c.source == source))
            return {
                r.path: FileState(r.path, r.size, r.mtime_ns, r.sha256, r.identity) for r in rows
            }

    def save_file_states(self, source: str, states: Iterable[FileState]) -> None:
        """Record what was read of these files (replacing their previous records)."""
        rows = [
            {
                "source": source,
                "path": s.path,
                "size": s.size,
                "mtime_ns": s.mtime_ns,
                "sha256": s.sha256,
                "identity": s.identity,
            }
            for s in states
        ]
        if not rows:
            return
        with self._begin() as conn:
            for start in range(0, len(rows), 500):
                chunk = rows[start : start + 500]
                conn.execute(
                    sa.delete(files_table).where(
                        files_table.c.source == source,
                        files_table.c.path.in_([r["path"] for r in chunk]),
                    )
                )
                conn.execute(sa.insert(files_table), chunk)

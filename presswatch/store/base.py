"""The engine and the connection helpers every part of the store builds on."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from presswatch.errors import StoreError
from presswatch.store.schema import meta_table
from presswatch.urls import mask_url

# Memory for the sorts of one aggregate query on PostgreSQL (read_frame's ``grouping``).
GROUPING_WORK_MEM = "64MB"

# The settings of a transaction of reads (``reading``) on PostgreSQL, local to it: memory
# for its sorts, and plans for reading every row (a cursor's plan would favour the first)
# unless the reader stops early.
_READ_SETTINGS_FIRST_ROWS = sa.text(f"SELECT set_config('work_mem', '{GROUPING_WORK_MEM}', true)")
_READ_SETTINGS = sa.text(
    f"SELECT set_config('work_mem', '{GROUPING_WORK_MEM}', true),"
    " set_config('cursor_tuple_fraction', '1.0', true)"
)


# SQLSTATEs of a write that lost a race with another worker and may simply be tried again:
# unique violation, serialization failure, deadlock.
RETRYABLE_SQLSTATES = frozenset({"23505", "40001", "40P01"})


def shares_work(url: str) -> bool:
    """Whether several collectors may run on this database: on PostgreSQL they share the
    sources by claiming them; SQLite has one collector (lock.collector_lock)."""
    return sa.engine.make_url(url).get_backend_name() == "postgresql"


def _now() -> datetime:
    return datetime.now(UTC)


# C0 control characters but tab, line feed and carriage return: invalid in XML, never
# meaningful in an article, and NUL is refused by PostgreSQL.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What COPY writes for NULL in _copy_frame: a control character, which _clean keeps out of
# every stored text, so no text can be mistaken for it.
_COPY_NULL = "\x01"


def _clean(value: Any) -> Any:
    """Text without control characters (tab and line breaks kept)."""
    return _CONTROLS.sub("", value) if isinstance(value, str) else value


def cast_columns(frame: pd.DataFrame, types: dict[str, Any]) -> pd.DataFrame:
    """``frame`` with these columns cast, one column at a time, in place.

    DataFrame.astype with a mapping rebuilds every column of the frame through a concat:
    for the few rows of a list or a figure that costs more than reading them.
    """
    for column, kind in types.items():
        frame[column] = frame[column].astype(kind)
    return frame


def _retryable(exc: BaseException) -> bool:
    """Whether a failed write lost a race with another worker and can be tried again."""
    cause = exc.__cause__
    if isinstance(cause, sa.exc.IntegrityError):
        return True
    return getattr(getattr(cause, "orig", None), "sqlstate", None) in RETRYABLE_SQLSTATES


def redact_url(url: str) -> str:
    """A database URL as it may be printed: without its password (nor a secret parameter)."""
    try:
        return mask_url(sa.engine.make_url(url).render_as_string(hide_password=True))
    except sa.exc.ArgumentError:
        return mask_url(url)


def sqlite_file(url: str) -> str | None:
    """The file of a SQLite database URL; None for an in-memory one or another server."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return str(parsed.database)
    return None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the dashboard read while the collector writes; busy_timeout waits out a
    # short lock instead of failing at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class StoreBase:
    """The engine, its transactions and errors, the meta table, and frames of queries."""

    url: str
    engine: Engine

    @staticmethod
    def _connect(url: str, create: bool) -> Engine:
        try:
            parsed = sa.engine.make_url(url)
        except sa.exc.ArgumentError as exc:
            raise StoreError(f"database '{url}' is not a path or a database URL: {exc}") from None
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            path = Path(parsed.database or "")
            if not path.exists() and not create:
                raise StoreError(f"no database at {path}; run `presswatch collect` first")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the folder of {path}: {exc.strerror}") from None
        try:
            # pre_ping: after a server restart, a pooled connection is found dead and
            # replaced before use instead of failing the next write.
            engine = sa.create_engine(url, pool_pre_ping=parsed.get_backend_name() != "sqlite")
        except (SQLAlchemyError, ImportError) as exc:
            raise StoreError(f"cannot open database {redact_url(url)}: {exc}") from None
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    @property
    def display_url(self) -> str:
        """The database's URL as it may be printed: without its password."""
        return redact_url(self.url)

    @property
    def backend(self) -> str:
        """The database's kind: sqlite or postgresql."""
        return self.engine.dialect.name

    @property
    def shares_work(self) -> bool:
        """Whether several collectors may write here at once (they claim sources)."""
        return shares_work(self.url)

    def database_size(self) -> int | None:
        """Bytes the database takes (SQLite: its files, WAL included), or None if unknown."""
        if self.backend == "postgresql":
            with self._begin() as conn:
                return int(
                    conn.execute(
                        sa.text("SELECT pg_database_size(current_database())")
                    ).scalar_one()
                )
        database = sa.engine.make_url(self.url).database
        if self.backend != "sqlite" or not database or database == ":memory:":
            return None
        path = Path(database)
        return (
            sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file()) or None
        )

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except StoreError:
            raise
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc

    @contextmanager
    def reading(self, *, first_rows: bool = False) -> Iterator[Connection]:
        """One transaction for reads that go together (an export's rows and their details):
        one snapshot on PostgreSQL, and room to sort in memory; errors as StoreError.

        ``first_rows``: the reader stops early (a list's first page), so cursors are planned
        for their first rows, as PostgreSQL does by default.
        """
        if self.backend != "postgresql":
            with self._begin() as conn:
                yield conn
            return
        try:
            with self.engine.connect() as conn:
                # The snapshot and read-only mode go with the BEGIN (psycopg sends them in
                # it), the settings in one statement: one round trip before the reads, not
                # three SETs. The pool gives the connection back to its default mode.
                conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
                with conn.begin():
                    conn.execute(_READ_SETTINGS_FIRST_ROWS if first_rows else _READ_SETTINGS)
                    yield conn
        except StoreError:
            raise
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """A connection outside any transaction block (autocommit), errors as StoreError."""
        try:
            with self.engine.connect() as conn:
                yield conn.execution_options(isolation_level="AUTOCOMMIT")
        except StoreError:
            raise
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc

    def _error(self, exc: SQLAlchemyError) -> StoreError:
        """One line naming the database (never its password) and what went wrong."""
        cause = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        first = cause[0] if cause else exc.__class__.__name__
        if isinstance(exc, sa.exc.OperationalError) and self.engine.dialect.name != "sqlite":
            return StoreError(
                f"cannot reach database {redact_url(self.url)}: {first} (is the server running, "
                "and are the URL's host, port, user, password and database right?)"
            )
        return StoreError(f"database {redact_url(self.url)}: {exc.__class__.__name__}: {first}")

    def get_meta(self, key: str) -> str | None:
        """A value of the key-value ``meta`` table, or None."""
        with self._begin() as conn:
            return conn.execute(
                sa.select(meta_table.c.value).where(meta_table.c.key == key)
            ).scalar_one_or_none()

    def set_meta(self, key: str, value: str) -> None:
        """Write a value of the key-value ``meta`` table."""
        with self._begin() as conn:
            self._set_meta(conn, key, value)

    @staticmethod
    def _set_meta(conn: Connection, key: str, value: str) -> None:
        updated = conn.execute(
            sa.update(meta_table).where(meta_table.c.key == key).values(value=value)
        )
        if updated.rowcount == 0:
            conn.execute(sa.insert(meta_table).values(key=key, value=value))

    def _copy_frame(self, query: sa.Select[Any]) -> pd.DataFrame:
        """A large frame from PostgreSQL through COPY ... TO STDOUT (CSV), parsed by pandas.

        Rows never become Python objects one by one: 1 million mentions load several times
        faster than through the driver's rows (bench/bench_store_queries.py).
        """
        compiled = query.compile(
            dialect=self.engine.dialect, compile_kwargs={"render_postcompile": True}
        )
        params = {
            key: value.astimezone(UTC).replace(tzinfo=None)
            if isinstance(value, datetime) and value.tzinfo is not None
            else value
            for key, value in compiled.params.items()
        }
        statement = (
            f"COPY ({compiled.string}) TO STDOUT WITH (FORMAT csv, HEADER true, NULL E'\\x01')"
        )
        buffer = io.BytesIO()
        try:
            raw = self.engine.raw_connection()
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc
        except Exception as exc:  # a raw connection's driver errors come unwrapped
            first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
            raise StoreError(
                f"cannot reach database {self.display_url}: {first} (is the server running?)"
            ) from exc
        try:
            cursor = raw.cursor()
            with cursor.copy(statement, params) as copy:
                for block in copy:
                    buffer.write(block)
            raw.commit()
        except Exception as exc:  # the driver's own errors: name the database
            raise StoreError(f"database {self.display_url}: {exc}") from exc
        finally:
            raw.close()
        buffer.seek(0)
        types: dict[str, Any] = {}
        booleans = []
        for column in query.selected_columns:
            kind = column.type
            if isinstance(kind, sa.Boolean):
                booleans.append(column.name)
            elif isinstance(kind, sa.Integer):
                types[column.name] = "Int64"
            elif isinstance(kind, sa.Float):
                types[column.name] = "float64"
            else:  # text, and timestamps as text (callers convert those they use)
                types[column.name] = "str"  # pandas 3's default string dtype, as elsewhere
        frame = pd.read_csv(
            buffer, dtype=types, na_values=[_COPY_NULL], keep_default_na=False, encoding="utf-8"
        )
        for name in booleans:
            frame[name] = frame[name].map({"t": True, "f": False})
        return frame

    def read_frame(
        self, query: sa.Select[Any], *, bulk: bool = False, grouping: bool = False
    ) -> pd.DataFrame:
        """The rows of a query as a frame (``bulk``: through COPY on PostgreSQL).

        ``grouping``: a group-by over millions of rows; on PostgreSQL its sorts get
        GROUPING_WORK_MEM for this transaction (the server's default, 4 MB, sends them to
        disk).
        """
        if bulk and self.backend == "postgresql":
            return self._copy_frame(query)
        with self._begin() as conn:
            if grouping and self.backend == "postgresql":
                conn.execute(sa.text(f"SET LOCAL work_mem = '{GROUPING_WORK_MEM}'"))
            result = conn.execute(query)
            columns = list(result.keys())
            # Plain tuples: pandas builds a frame from them about 5x faster than from
            # SQLAlchemy's Row objects (1 million mentions: 0.9 s against 4.7 s).
            rows = [tuple(row) for row in result]
        return pd.DataFrame.from_records(rows, columns=columns)

"""The only package that speaks SQL: SQLAlchemy Core over SQLite (WAL) or PostgreSQL.

Store composes one mixin per concern (schema, articles, sources, files, alerts and runs,
corrections, mention reviews, coverage, figures, lists, search, exports) over StoreBase,
which holds the engine. The tables (schema.py) are the package's own: other modules call
Store methods.
"""

from presswatch.store.base import redact_url, shares_work, sqlite_file
from presswatch.store.copy import copy_archive
from presswatch.store.core import Store
from presswatch.store.schema import COPY_ORDER, SCHEMA_VERSION

__all__ = [
    "COPY_ORDER",
    "SCHEMA_VERSION",
    "Store",
    "copy_archive",
    "redact_url",
    "shares_work",
    "sqlite_file",
]

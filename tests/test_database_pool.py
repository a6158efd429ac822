"""The PostgreSQL copies the `store` fixture hands out (DatabasePool in tests/conftest.py):
each a fresh copy of the migrated template, none seen by another, all dropped at the end."""

from __future__ import annotations

import sqlalchemy as sa

from presswatch.store import Store
from tests.conftest import DatabasePool
from tests.generated import generated_articles


def _databases(server: str) -> set[str]:
    engine = sa.create_engine(server)
    try:
        with engine.connect() as conn:
            return set(conn.execute(sa.text("SELECT datname FROM pg_database")).scalars())
    finally:
        engine.dispose()


def test_each_copy_is_a_fresh_template_and_every_copy_is_dropped(
    postgres_server: str, postgres_template: str | None
) -> None:
    assert postgres_template is not None, "the tests' server lets its user create databases"
    pool = DatabasePool(postgres_server, postgres_template)
    try:
        with pool.database() as first, pool.database() as second:
            assert first != second
            with Store(first) as one, Store(second) as other:
                assert one.migrations_done == other.migrations_done == []  # migrated already
                one.save_articles(generated_articles(3))
                assert len(one.articles_frame()) == 3
                assert other.articles_frame().empty  # a copy of its own
        with pool.database() as third, Store(third) as again:
            assert again.articles_frame().empty  # never a used copy
    finally:
        pool.close()
    # The copies handed out and the one made ahead are all gone. Only this pool's copies
    # are counted: the session's own pool makes and drops others meanwhile.
    assert len(pool.made) == 4
    assert not pool.made & _databases(postgres_server)

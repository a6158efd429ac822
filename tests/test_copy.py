"""`presswatch copy`: an archive moves SQLite -> PostgreSQL -> SQLite without loss."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from presswatch.cli import main
from presswatch.collect import collect
from presswatch.config import Config
from presswatch.errors import StoreError
from presswatch.models import Article, Filters, MentionKey
from presswatch.search import parse_search
from presswatch.store import COPY_ORDER, Store, copy_archive
from tests.conftest import FeedServer, Route
from tests.test_collectors_rss import RSS_FR


def snapshot(store: Store) -> dict[str, pd.DataFrame]:
    """Every table's rows in a stable order, ids of autoincrement tables included."""
    frames: dict[str, pd.DataFrame] = {}
    with store.engine.connect() as conn:
        for table in COPY_ORDER:
            rows = conn.execute(table.select()).mappings().all()
            frame = pd.DataFrame([dict(r) for r in rows], columns=list(table.c.keys()))
            if table.name == "meta":
                frame = frame[frame["key"] != "schema_version"]
            keys = [c.name for c in table.primary_key.columns]
            frames[table.name] = frame.sort_values(keys).reset_index(drop=True)
    return frames


def test_an_archive_goes_to_postgresql_and_back_unchanged(
    write_config: Callable[..., Config],
    seeds_dir: Path,
    feed_server: FeedServer,
    tmp_path: Path,
    postgres_url: str,
) -> None:
    feed_server.routes["/fr.xml"] = Route(RSS_FR.encode())
    config = write_config(
        sources=[
            {"name": "Seeds", "kind": "files", "path": "seeds"},
            {"name": "Journal", "kind": "rss", "url": feed_server.url("/fr.xml")},
            {"name": "Broken", "kind": "rss", "url": feed_server.url("/missing.xml")},
        ]
    )
    first = tmp_path / "first.db"
    with Store(f"sqlite:///{first}") as store:
        collect(config, store)
        article_id = store.article_ids()[0]
        store.add_correction(article_id, "negative", "camille", company="Mistral AI")
        mention = store.mentions_frame().iloc[0]
        store.mark_mention(
            MentionKey(
                mention["article_id"],
                mention["company"],
                mention["field"],
                int(mention["start"]),
                mention["matched"],
            ),
            "wrong",
            "léa",
        )
        store.add_alert(
            "negative_article", article_id, "Un titre", "corps", ["http://127.0.0.1/alerte"]
        )
        original = snapshot(store)
    assert all(
        len(original[name]) for name in ("articles", "mentions", "mention_reviews", "files", "runs")
    )

    runner = CliRunner()
    there = runner.invoke(main, ["copy", "--from", str(first), "--to", postgres_url])
    assert there.exit_code == 0, there.output
    assert f"articles: {len(original['articles'])} rows" in there.output
    assert "counts were read back and match" in there.output
    back = tmp_path / "back.db"
    again = runner.invoke(main, ["copy", "--from", postgres_url, "--to", str(back)])
    assert again.exit_code == 0, again.output

    with Store(postgres_url) as on_server, Store(f"sqlite:///{back}") as returned:
        for name, frame in snapshot(on_server).items():
            pd.testing.assert_frame_equal(frame, original[name], check_dtype=False, obj=name)
        for name, frame in snapshot(returned).items():
            pd.testing.assert_frame_equal(frame, original[name], check_dtype=False, obj=name)
        # The search index and SQLite's planner statistics come with the copy.
        mistral = parse_search("mistral")
        assert mistral is not None
        with Store(f"sqlite:///{first}") as origin:
            found = origin.search_count(Filters(), mistral)
        assert found > 0
        assert on_server.search_count(Filters(), mistral) == found
        assert returned.search_count(Filters(), mistral) == found
        with returned.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_stat1").scalar_one() > 0
        # New rows on the server get fresh ids after the copied ones.
        copied_max = int(original["corrections"]["id"].max())
        assert on_server.add_correction(article_id, "neutral", "léa") == copied_max + 1

    refused = runner.invoke(main, ["copy", "--from", str(first), "--to", postgres_url])
    assert refused.exit_code == 1 and "already holds articles" in refused.output


def test_a_failed_copy_leaves_the_target_empty(tmp_path: Path, postgres_url: str) -> None:
    with Store(f"sqlite:///{tmp_path / 'bad.db'}") as source:
        source.save_articles(
            [
                Article(
                    id="a1",
                    source="Feed",
                    entry_key="a1",
                    text="Mistral AI.",
                    language="fr",
                    published=datetime(2024, 1, 1, tzinfo=UTC),
                )
            ]
        )
        with source.engine.begin() as conn:  # SQLite does not check lengths; PostgreSQL does
            conn.exec_driver_sql("UPDATE articles SET language = 'far-too-long-a-code'")
        with Store(postgres_url) as target:
            with pytest.raises(StoreError, match=r"copying table articles: .*too long"):
                copy_archive(source, target)
            assert target.count_articles() == 0 and target.source_states() == []

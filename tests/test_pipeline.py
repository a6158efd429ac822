"""A collection run: seeds and feeds together, failures recorded, reruns idempotent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from presswatch.config import Config
from presswatch.pipeline import collect
from presswatch.store import Store
from tests.conftest import COMPANIES, FeedServer, Route
from tests.test_collectors_rss import RSS_FR


def test_seeds_and_a_feed_and_a_broken_feed(
    write_config: Callable[..., Config], seeds_dir: Path, feed_server: FeedServer, store: Store
) -> None:
    feed_server.routes["/fr.xml"] = Route(RSS_FR.encode())
    config = write_config(
        sources=[
            {"name": "Seeds", "kind": "files", "path": "seeds"},
            {"name": "Journal", "kind": "rss", "url": feed_server.url("/fr.xml")},
            {"name": "Broken", "kind": "rss", "url": feed_server.url("/nothing-here.xml")},
        ]
    )
    summary = collect(config, store)
    assert {o.name: o.status for o in summary.outcomes} == {
        "Seeds": "ok",
        "Journal": "ok",
        "Broken": "failed",
    }
    assert summary.new == 5  # two seeds, three feed entries
    broken = store.source_state("Broken")
    assert broken is not None and broken.consecutive_failures == 1
    assert "404" in (broken.error or "")
    seeds = store.source_state("Seeds")
    assert seeds is not None and seeds.last_success is not None and seeds.error is None

    mentions = store.mentions_frame()
    per_company = mentions.groupby("company")["article_id"].nunique().to_dict()
    assert per_company["Mistral AI"] == 3  # both seeds and one feed entry
    assert per_company["Aleph Alpha"] == 1
    assert {"OpenAI", "Google DeepMind", "Meta AI"} <= set(per_company)
    people = mentions[mentions["kind"] == "person"]
    assert "Arthur Mensch" in set(people["alias"])

    again = collect(config, store)
    assert again.new == 0 and again.updated == 0
    assert store.count_articles() == 5
    assert len(store.mentions_frame()) == len(mentions)


def test_changed_aliases_recompute_old_mentions(
    write_config: Callable[..., Config], seeds_dir: Path, store: Store
) -> None:
    sources = [{"name": "Seeds", "kind": "files", "path": "seeds"}]
    config = write_config(sources=sources)
    collect(config, store)
    assert "Nvidia" not in set(store.mentions_frame()["company"])
    config = write_config(sources=sources, companies=[*COMPANIES, {"name": "Nvidia"}])
    summary = collect(config, store)
    assert summary.reanalyzed == 2
    nvidia = store.mentions_frame().query("company == 'Nvidia'")
    assert len(nvidia) >= 4 and set(nvidia["article_id"]) == {
        a for a in store.articles_frame()["id"] if a
    } - {store.articles_frame().query("outlet.isna()")["id"].iloc[0]}

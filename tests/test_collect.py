"""A collection run: seeds and feeds together, failures recorded, reruns idempotent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import collectors.rss as rss
import presswatch.collect as collect_module
from presswatch.collect import collect
from presswatch.config import Config
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

    if store.backend == "sqlite":  # the run gave the planner its statistics
        assert store.get_meta("analyzed_articles") == "5"
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
    assert len(nvidia) >= 2 and set(nvidia["article_id"]) == {
        a for a in store.articles_frame()["id"] if a
    } - {store.articles_frame().query("outlet.isna()")["id"].iloc[0]}


def test_a_rerun_reads_only_new_or_changed_files(
    write_config: Callable[..., Config], seeds_dir: Path, store: Store
) -> None:
    config = write_config(sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}])

    def run() -> tuple[int, int, int]:
        (outcome,) = collect(config, store).outcomes
        return outcome.files_read, outcome.new, outcome.updated

    assert run() == (2, 2, 0)
    ids = set(store.articles_frame()["id"])
    first_seen = store.articles_frame().set_index("id")["first_seen"].to_dict()
    assert run() == (0, 0, 0)  # nothing read at all

    tribune = seeds_dir / "003_bac9d4bfc824f801.txt"
    edited = tribune.read_text(encoding="utf-8").replace("Message passé.", "Message bien passé.")
    tribune.write_text(edited, encoding="utf-8")
    assert run() == (1, 0, 1)  # the changed file updates its article
    frame = store.articles_frame().set_index("id")
    assert set(frame.index) == ids
    assert frame["first_seen"].to_dict() == first_seen

    (seeds_dir / "archive").mkdir()
    for name in ("000_ac3c3f190bfc7c90.txt", "000_ac3c3f190bfc7c90.meta.yaml"):
        (seeds_dir / name).rename(seeds_dir / "archive" / name)
    assert run() == (1, 0, 0)  # read once at its new place, recognised by its content
    assert set(store.articles_frame()["id"]) == ids  # moved: still the same article

    tribune.unlink()
    (seeds_dir / "003_bac9d4bfc824f801.meta.yaml").unlink()
    run()
    assert set(store.articles_frame()["id"]) == ids  # deleted: the coverage stays


def test_a_parser_crash_is_one_failed_source_and_the_run_goes_on(
    write_config: Callable[..., Config],
    feed_server: FeedServer,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    feed_server.routes["/good.xml"] = Route(RSS_FR.encode())
    feed_server.routes["/bad.xml"] = Route(RSS_FR.replace("Journal Tech", "Crash").encode())
    original = rss.parse_feed

    def parse(content: bytes, *args: object, **kwargs: object) -> object:
        if b"Crash" in content:
            raise RuntimeError("a bug")
        return original(content, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rss, "parse_feed", parse)
    config = write_config(
        sources=[
            {"name": "Good", "kind": "rss", "url": feed_server.url("/good.xml")},
            {"name": "Bad", "kind": "rss", "url": feed_server.url("/bad.xml")},
        ]
    )
    summary = collect(config, store)
    outcomes = {o.name: o for o in summary.outcomes}
    assert outcomes["Good"].status == "ok" and outcomes["Good"].new == 3
    assert outcomes["Bad"].status == "failed"
    assert "internal error (RuntimeError: a bug)" in (outcomes["Bad"].error or "")


def test_unchanged_feeds_are_recorded_together_and_an_error_loses_no_claim(
    write_config: Callable[..., Config],
    feed_server: FeedServer,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = [f"Feed {n:02d}" for n in range(5)]
    for n in range(5):
        feed_server.routes[f"/{n}.xml"] = Route(RSS_FR.encode(), etag=f'"v{n}"')
    config = write_config(
        sources=[
            {"name": name, "kind": "rss", "url": feed_server.url(f"/{n}.xml")}
            for n, name in enumerate(names)
        ]
    )
    collect(config, store)
    first = {s.name: s.last_attempt for s in store.source_states()}
    monkeypatch.setattr(collect_module, "UNCHANGED_BATCH", 2)  # two batches and a remainder
    summary = collect(config, store)
    assert {o.status for o in summary.outcomes} == {"not_modified"}
    states = {s.name: s for s in store.source_states()}
    for name in names:
        assert states[name].http_status == 304
        assert states[name].last_attempt is not None and first[name] is not None
        assert states[name].last_attempt > first[name]
    events = store.source_events_frame()
    assert events.groupby("source").size().to_dict() == dict.fromkeys(names, 2)

    # A store error while writing a batch: the run stops with it, and the sources whose
    # state was not written are released, not left claimed.
    def broken(records: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "record_collections", broken)
    released: list[set[str]] = []
    monkeypatch.setattr(store, "release_sources", lambda owner, left: released.append(set(left)))
    monkeypatch.setattr(type(store), "shares_work", property(lambda self: True))
    monkeypatch.setattr(store, "claim_sources", lambda names, *a, **k: list(names))
    monkeypatch.setattr(store, "source_state", lambda name: states[name])
    with pytest.raises(RuntimeError, match="disk full"):
        collect(config, store)
    assert released and released[-1] == set(names)


def test_one_article_from_two_feeds_written_together_is_stored_once_with_both_sources(
    write_config: Callable[..., Config], feed_server: FeedServer, store: Store
) -> None:
    # Both feeds land in one write (sources are written a few at a time).
    feed_server.routes["/a.xml"] = Route(RSS_FR.encode())
    feed_server.routes["/b.xml"] = Route(RSS_FR.replace("Le Journal Tech", "Autre titre").encode())
    config = write_config(
        sources=[
            {"name": "A", "kind": "rss", "url": feed_server.url("/a.xml")},
            {"name": "B", "kind": "rss", "url": feed_server.url("/b.xml")},
        ]
    )
    summary = collect(config, store)
    outcomes = {o.name: o for o in summary.outcomes}
    articles = store.articles_frame()
    assert len(articles) == 3
    assert articles["source_count"].tolist() == [2, 2, 2]
    # Each new article is counted once, for whichever feed came first.
    assert outcomes["A"].new + outcomes["B"].new == 3
    assert sorted(outcomes["A"].new_ids + outcomes["B"].new_ids) == sorted(articles["id"])
    assert summary.new == 3 and summary.updated == 0


def _entry(guid: str, title: str, text: str) -> str:
    return (
        f"<item><guid>{guid}</guid><title>{title}</title><link>https://example.org/{guid}</link>"
        f"<pubDate>Mon, 02 Dec 2024 10:00:00 +0000</pubDate><description>{text}</description></item>"
    )


LANGUAGES_FEED = (
    '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Mixte</title>'
    + _entry(
        "fr",
        "Mistral AI lève des fonds",
        "La start-up française Mistral AI a annoncé mardi une levée de fonds auprès de ses "
        "investisseurs historiques, qui saluent une croissance rapide de son chiffre "
        "d'affaires et de ses équipes à Paris comme à Londres.",
    )
    + _entry(
        "en",
        "Mistral AI raises money",
        "The French start-up Mistral AI announced on Tuesday that it had raised new money "
        "from its existing investors, who praised the fast growth of its revenue and of its "
        "teams in Paris and in London.",
    )
    + _entry(
        "de",
        "Mistral AI sammelt Geld ein",
        "Das französische Start-up Mistral AI hat am Dienstag bekannt gegeben, dass es neues "
        "Geld von seinen bisherigen Investoren erhalten hat, die das schnelle Wachstum des "
        "Umsatzes und der Teams in Paris und London lobten.",
    )
    + "</channel></rss>"
)


def test_other_languages_are_listed_but_in_no_figure(
    write_config: Callable[..., Config], feed_server: FeedServer, store: Store
) -> None:
    from presswatch.models import Filters

    feed_server.routes["/mixed.xml"] = Route(LANGUAGES_FEED.encode())
    sources = [{"name": "Mixte", "kind": "rss", "url": feed_server.url("/mixed.xml")}]
    collect(write_config(sources=sources), store)
    articles = store.articles_frame().set_index("title")
    assert articles.loc["Mistral AI sammelt Geld ein", "language"] == "de"
    assert articles.loc["Mistral AI raises money", "language"] == "en"
    assert articles.loc["Mistral AI lève des fonds", "language"] == "fr"
    # Matched and kept: three articles name Mistral AI; two count.
    assert store.mentions_frame()["article_id"].nunique() == 3
    counts = store.company_counts(Filters()).set_index("company")
    assert counts.loc["Mistral AI", "articles"] == 2
    tones = store.tones_frame()
    german_id = articles.loc["Mistral AI sammelt Geld ein", "id"]
    assert german_id not in set(tones["article_id"])  # scored by no French or English model
    listed = store.other_language_articles()
    assert [(a["title"], a["language"], a["companies"]) for a in listed] == [
        ("Mistral AI sammelt Geld ein", "de", ["Mistral AI"])
    ]
    # Following French only: the English article leaves the figures too, on the next run.
    summary = collect(write_config(sources=sources, languages=["fr"]), store)
    assert summary.reanalyzed == 3
    counts = store.company_counts(Filters()).set_index("company")
    assert counts.loc["Mistral AI", "articles"] == 1
    assert store.figure_languages() == ["fr"]
    assert {a["language"] for a in store.other_language_articles()} == {"de", "en"}

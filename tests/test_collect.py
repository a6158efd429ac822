"""A collection run: seeds and feeds together, failures recorded, reruns idempotent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def _rss(title: str, items: list[tuple[str | None, str | None, str]]) -> bytes:
    """A small RSS feed: one item per (guid, link, title), each with its own text."""
    body = "".join(
        "<item>"
        + (f"<guid isPermaLink='false'>{guid}</guid>" if guid else "")
        + (f"<link>{link}</link>" if link else "")
        + f"<title>{item_title}</title><description>Text of {item_title}.</description>"
        + "<pubDate>Fri, 20 Nov 2026 10:00:00 GMT</pubDate></item>"
        for guid, link, item_title in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title>{body}</channel></rss>"
    ).encode()


def test_a_guid_wins_over_the_link(
    write_config: Callable[..., Config], feed_server: FeedServer, store: Store
) -> None:
    # Podcast episodes that all link to the show's page; posts of one day page told apart
    # by their anchor only. Each has its own guid: each is an article.
    feed_server.routes["/show.xml"] = Route(
        _rss(
            "The Show",
            [(f"show-episode-{n}", "https://show.example.com/", f"Episode {n}") for n in (1, 2, 3)],
        )
    )
    day = "https://blog.example.com/2026/11/20.html"
    feed_server.routes["/day.xml"] = Route(
        _rss("Day Blog", [(f"{day}#a{n}", f"{day}#a{n}", f"Post {n}") for n in (1, 2)])
    )
    config = write_config(
        sources=[
            {"name": "Show", "kind": "rss", "url": feed_server.url("/show.xml")},
            {"name": "Day", "kind": "rss", "url": feed_server.url("/day.xml")},
        ]
    )
    summary = collect(config, store)
    assert summary.new == 5 and summary.updated == 0
    titles = store.articles_frame().set_index("title")["url"].to_dict()
    assert titles == {
        "Episode 1": "https://show.example.com/",
        "Episode 2": "https://show.example.com/",
        "Episode 3": "https://show.example.com/",
        "Post 1": f"{day}#a1",
        "Post 2": f"{day}#a2",
    }
    again = collect(config, store)
    assert (again.new, again.updated, store.count_articles()) == (0, 0, 5)


def test_the_same_guid_in_two_feeds_keeps_the_first_feeds_outlet_and_url(
    write_config: Callable[..., Config], feed_server: FeedServer, store: Store
) -> None:
    guid = "tag:wire.example.com,2026:4711"
    feed_server.routes["/wire.xml"] = Route(
        _rss("Wire", [(guid, "https://wire.example.com/4711", "Mistral AI opens an office")])
    )
    feed_server.routes["/paper.xml"] = Route(
        _rss(
            "Paper",
            [(guid, "https://paper.example.com/copy?utm_source=rss", "Mistral AI opens an office")],
        )
    )
    sources = [
        {"name": "Wire", "kind": "rss", "url": feed_server.url("/wire.xml")},
        {"name": "Paper", "kind": "rss", "url": feed_server.url("/paper.xml")},
    ]
    config = write_config(sources=sources)
    first = collect(config, store, only=["Wire"])
    assert first.new == 1
    for _ in range(2):  # the later feed adds its source, and never swaps anything
        summary = collect(config, store)
        assert (summary.new, summary.updated) == (0, 0)
        (article,) = store.articles_frame().itertuples()
        assert (article.outlet, article.url) == ("Wire", "https://wire.example.com/4711")
        assert article.source_count == 2


def test_the_same_guid_in_two_feeds_of_one_run_stays_put(
    write_config: Callable[..., Config], feed_server: FeedServer, store: Store
) -> None:
    guid = "https://agency.example.org/story/9"
    for name in ("a", "b"):
        feed_server.routes[f"/{name}.xml"] = Route(
            _rss(f"Outlet {name}", [(guid, f"https://{name}.example.com/9", "One story")])
        )
    config = write_config(
        sources=[
            {"name": name, "kind": "rss", "url": feed_server.url(f"/{name}.xml")}
            for name in ("b", "a")
        ]
    )
    assert (collect(config, store).new, store.count_articles()) == (1, 1)
    stored = store.articles_frame()[["outlet", "url"]].to_dict("records")
    for _ in range(2):
        summary = collect(config, store)
        assert (summary.new, summary.updated) == (0, 0)
        assert store.articles_frame()[["outlet", "url"]].to_dict("records") == stored


def test_an_entry_whose_guid_changes_each_time_is_stored_once(
    write_config: Callable[..., Config], feed_server: FeedServer, store: Store
) -> None:
    # No link, and a guid made afresh at each request (a generator's random id): only
    # the content says it is the same entry. Two entries, so that neither is taken for
    # the other.
    config = write_config(
        sources=[{"name": "Gen", "kind": "rss", "url": feed_server.url("/gen.xml")}]
    )
    for run in range(3):
        feed_server.routes["/gen.xml"] = Route(
            _rss("Generated", [(f"urn:uuid:{run}-a", None, "Alpha"), (f"{run}-b", None, "Beta")])
        )
        summary = collect(config, store)
        assert (summary.new, summary.updated) == ((2, 0) if run == 0 else (0, 0))
    assert sorted(store.articles_frame()["title"]) == ["Alpha", "Beta"]


def test_an_archive_keyed_by_links_is_not_stored_again(
    write_config: Callable[..., Config],
    feed_server: FeedServer,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An archive written when links won over guids: three episodes under one link were one
    # article, a post whose guid is not its link had its link's id, and an entry with
    # neither a guid nor a link was keyed by title and date only. On the radio, a trailer
    # whose guid is the show's link now owns that old id: the episodes merged into it
    # become their own articles, not it.
    feed_server.routes["/show.xml"] = Route(
        _rss(
            "The Show",
            [(f"ep-{n}", "https://show.example.com/", f"Episode {n}") for n in (1, 2, 3)],
        )
    )
    home = "https://radio.example.com/"
    feed_server.routes["/radio.xml"] = Route(
        _rss("Radio", [("r-1", home, "Radio 1"), ("r-2", home, "Radio 2"), (home, home, "Trailer")])
    )
    feed_server.routes["/blog.xml"] = Route(
        _rss(
            "Blog",
            [
                ("https://blog.example.com/?p=7", "https://blog.example.com/post-7", "Post 7"),
                (None, None, "Untitled note"),
            ],
        )
    )
    config = write_config(
        sources=[
            {"name": "Show", "kind": "rss", "url": feed_server.url("/show.xml")},
            {"name": "Blog", "kind": "rss", "url": feed_server.url("/blog.xml")},
            {"name": "Radio", "kind": "rss", "url": feed_server.url("/radio.xml")},
        ]
    )
    with monkeypatch.context() as old:
        old.setattr(rss, "make_article_id", _links_first_id)
        old.setattr(rss, "_entry_key", _title_and_date_key)
        assert collect(config, store).new == 4  # the show 1, the blog 2, the radio 1
    before = store.articles_frame().set_index("id")[["title", "url"]]

    summary = collect(config, store)
    # The four episodes the old ids had merged away are new; nothing else is. The show's
    # old article held the last episode's text under the first one's key: it becomes the
    # first episode again (one update, once).
    assert (summary.new, summary.updated) == (4, 1)
    after = store.articles_frame().set_index("id")
    assert set(before.index) <= set(after.index) and len(after) == 8
    assert sorted(after["title"]) == [
        "Episode 1",
        "Episode 2",
        "Episode 3",
        "Post 7",
        "Radio 1",
        "Radio 2",
        "Trailer",
        "Untitled note",
    ]
    again = collect(config, store)
    assert (again.new, again.updated, store.count_articles()) == (0, 0, 8)


def _links_first_id(
    url: str | None, source: str, entry_key: str, *, guid: str | None = None
) -> str:
    """The article id before guids won over links."""
    from presswatch.models import make_article_id

    return make_article_id(url, source, entry_key)


def _title_and_date_key(entry: Any, text: str, guid_is_id: bool) -> tuple[str, bool] | None:
    """The entry key before guids won over links: an entry without guid or link was
    keyed by its title and date only."""
    import hashlib

    guid = (entry.get("id") or "").strip()
    link = (entry.get("link") or "").strip()
    if guid:
        return guid, True
    if link:
        return link, False
    title = (entry.get("title") or "").strip()
    when = (entry.get("published") or "").strip()
    return "hash:" + hashlib.sha256(f"{title}\x00{when}".encode()).hexdigest()[:24], False

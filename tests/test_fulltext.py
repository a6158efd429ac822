"""Full text: feed entries' pages fetched once and extracted, summaries kept when that fails."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest

from collectors import http
from presswatch.collect import collect
from presswatch.config import Config
from presswatch.store import Store
from tests.conftest import FeedServer, Route

PARAGRAPH = (
    "Mistral AI a présenté mardi à Paris son nouveau modèle de langage, destiné aux "
    "entreprises européennes qui veulent garder la maîtrise de leurs données. "
)
ARTICLE_PAGE = f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Mistral AI présente un modèle</title><meta property="og:site_name" content="Le Journal Tech">
</head><body><nav><a href="/">Accueil</a></nav><article><h1>Mistral AI présente un modèle</h1>
<p>{PARAGRAPH * 3}</p><p>{PARAGRAPH * 2}</p></article><footer>Mentions légales</footer></body></html>"""
COOKIE_PAGE = """<html><body><div><p>Nous utilisons des cookies pour améliorer votre expérience.
Acceptez les cookies pour continuer.</p><button>Accepter</button></div></body></html>"""
TEMPLATE_PAGE = (
    """<html><body><article><p>{{ article.body }} {{ article.author }} """
    + ("{{ content }} " * 80)
    + """</p></article></body></html>"""
)


def feed(base: str) -> bytes:
    items = "".join(
        f"<item><title>Entrée {name}</title><link>{base}/{name}</link><guid>{name}</guid>"
        f"<description>Résumé court de {name}, Mistral AI.</description></item>"
        for name in ("article", "cookies", "template")
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Flux</title>{items}</channel></rss>'.encode()


def test_full_text_replaces_summaries_and_failures_keep_them(
    write_config: Callable[..., Config], feed_server: FeedServer, store: Store
) -> None:
    feed_server.routes["/feed.xml"] = Route(feed(feed_server.base_url))
    feed_server.routes["/article"] = Route(
        ARTICLE_PAGE.encode(), headers={"Content-Type": "text/html"}
    )
    feed_server.routes["/cookies"] = Route(
        COOKIE_PAGE.encode(), headers={"Content-Type": "text/html"}
    )
    feed_server.routes["/template"] = Route(
        TEMPLATE_PAGE.encode(), headers={"Content-Type": "text/html"}
    )
    config = write_config(
        sources=[
            {"name": "Flux", "kind": "rss", "url": feed_server.url("/feed.xml"), "fulltext": True}
        ]
    )
    (outcome,) = collect(config, store).outcomes
    problems = "\n".join(outcome.problems)
    assert "/cookies: summary kept: a cookie wall stands before the article" in problems
    assert "/template: summary kept: the page is an unrendered template" in problems
    texts = {(a.url or "").rsplit("/", 1)[-1]: a for a in store.iter_articles()}
    assert "garder la maîtrise de leurs données" in texts["article"].text
    assert "fulltext" in texts["article"].flags
    assert texts["cookies"].text == "Résumé court de cookies, Mistral AI."
    assert "summary_only" in texts["cookies"].flags

    pages = [p for p, _ in feed_server.requests if p != "/feed.xml"]
    collect(config, store)
    again = [p for p, _ in feed_server.requests if p != "/feed.xml"]
    assert again == pages  # stored entries' pages are not fetched again


def test_an_endless_or_trickling_page_keeps_the_summary(
    write_config: Callable[..., Config],
    feed_server: FeedServer,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(http, "FETCH_DEADLINE_SECONDS", 1.0)
    feed_server.routes["/feed.xml"] = Route(feed(feed_server.base_url))
    feed_server.routes["/article"] = Route(ARTICLE_PAGE.encode())
    feed_server.routes["/cookies"] = Route(b"<p>" + b"cookies " * 8192, endless=True)
    feed_server.routes["/template"] = Route(b"<html>", endless=True, trickle=0.05)
    config = write_config(
        sources=[
            {"name": "Flux", "kind": "rss", "url": feed_server.url("/feed.xml"), "fulltext": True}
        ]
    )
    (outcome,) = collect(config, store).outcomes
    assert outcome.status == "ok" and outcome.new == 3
    problems = "\n".join(outcome.problems)
    assert "/cookies: summary kept: the page is larger than 5 MB: not read" in problems
    assert "/template: summary kept: the server sent the page too slowly (0 KB in 1 s)" in problems
    texts = {(a.url or "").rsplit("/", 1)[-1]: a.text for a in store.iter_articles()}
    assert "garder la maîtrise de leurs données" in texts["article"]
    assert texts["template"] == "Résumé court de template, Mistral AI."


def test_pages_are_not_fetched_again_for_articles_stored_under_older_ids(
    write_config: Callable[..., Config],
    feed_server: FeedServer,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import collectors.rss as rss
    from tests.test_collect import _links_first_id

    feed_server.routes["/feed.xml"] = Route(feed(feed_server.base_url))
    for name in ("article", "cookies", "template"):
        feed_server.routes[f"/{name}"] = Route(
            ARTICLE_PAGE.replace("un modèle", f"le modèle {name}").encode(),
            headers={"Content-Type": "text/html"},
        )
    config = write_config(
        sources=[
            {"name": "Flux", "kind": "rss", "url": feed_server.url("/feed.xml"), "fulltext": True}
        ]
    )
    with monkeypatch.context() as old:  # links won over guids when the archive was written
        old.setattr(rss, "make_article_id", _links_first_id)
        assert collect(config, store).new == 3
    fetched = len(feed_server.requests)
    summary = collect(config, store)
    assert (summary.new, store.count_articles()) == (0, 3)
    # Only the feed was asked again: each page was fetched when its article was new.
    assert [path for path, _ in feed_server.requests[fetched:]] == ["/feed.xml"]


def test_fetching_an_unchanged_feed_again_keeps_the_stored_full_text(
    write_config: Callable[..., Config], feed_server: FeedServer, store: Store
) -> None:
    # No ETag: the feed is read again in full, its entries carry only their summaries.
    feed_server.routes["/feed.xml"] = Route(feed(feed_server.base_url))
    for name in ("article", "cookies", "template"):
        feed_server.routes[f"/{name}"] = Route(
            ARTICLE_PAGE.replace("un modèle", f"le modèle {name}").encode(),
            headers={"Content-Type": "text/html"},
        )
    config = write_config(
        sources=[
            {"name": "Flux", "kind": "rss", "url": feed_server.url("/feed.xml"), "fulltext": True}
        ]
    )
    assert collect(config, store).new == 3
    before = {a.id: (a.text, a.flags) for a in store.iter_articles()}
    assert all("garder la maîtrise" in text for text, _flags in before.values())

    again = collect(config, store)
    assert (again.new, again.updated) == (0, 0)
    assert {a.id: (a.text, a.flags) for a in store.iter_articles()} == before


def test_an_edited_title_is_stored_and_the_full_text_kept(
    write_config: Callable[..., Config], feed_server: FeedServer, store: Store
) -> None:
    feed_server.routes["/feed.xml"] = Route(feed(feed_server.base_url))
    feed_server.routes["/article"] = Route(
        ARTICLE_PAGE.encode(), headers={"Content-Type": "text/html"}
    )
    config = write_config(
        sources=[
            {"name": "Flux", "kind": "rss", "url": feed_server.url("/feed.xml"), "fulltext": True}
        ]
    )
    collect(config, store)
    feed_server.routes["/feed.xml"] = Route(
        feed(feed_server.base_url).replace(b"Entr\xc3\xa9e article", b"Titre corrig\xc3\xa9")
    )
    assert collect(config, store).updated == 1
    article = next(a for a in store.iter_articles() if (a.url or "").endswith("/article"))
    assert article.title == "Titre corrigé"
    assert "garder la maîtrise de leurs données" in article.text
    assert "fulltext" in article.flags


def test_a_fetched_page_keeps_its_chapo_first_and_loses_its_boxes(
    write_config: Callable[..., Config], feed_server: FeedServer, store: Store
) -> None:
    from tests.test_pagetext import CHAPO, FRENCH_PAGE

    feed_server.routes["/feed.xml"] = Route(feed(feed_server.base_url))
    feed_server.routes["/article"] = Route(
        FRENCH_PAGE.encode(), headers={"Content-Type": "text/html"}
    )
    config = write_config(
        sources=[
            {"name": "Flux", "kind": "rss", "url": feed_server.url("/feed.xml"), "fulltext": True}
        ]
    )
    collect(config, store)
    article = next(a for a in store.iter_articles() if (a.url or "").endswith("/article"))
    assert "fulltext" in article.flags
    assert article.text.split("\n", 1)[0] == CHAPO
    assert "Lire aussi" not in article.text and "Helionis" not in article.text


def page_feed(base: str, links: dict[str, str]) -> bytes:
    items = "".join(
        f"<item><title>Entrée {name}</title><link>{link}</link><guid>{name}</guid>"
        f"<description>Résumé court de {name}, Mistral AI.</description></item>"
        for name, link in links.items()
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Flux</title>{items}</channel></rss>'.encode()


def test_full_text_links_to_internal_addresses_are_refused_before_connecting(
    write_config: Callable[..., Config],
    feed_server: FeedServer,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attempts: list[object] = []
    connect_ex = socket.socket.connect_ex

    def record(self: socket.socket, address: object) -> int:
        attempts.append(address)
        return connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect_ex", record)
    feed_server.routes["/article"] = Route(
        ARTICLE_PAGE.encode(), headers={"Content-Type": "text/html"}
    )
    feed_server.routes["/to-metadata"] = Route(
        status=301, headers={"Location": "http://169.254.169.254/latest/meta-data/iam/"}
    )
    feed_server.routes["/feed.xml"] = Route(
        page_feed(
            feed_server.base_url,
            {
                "article": feed_server.url("/article"),
                "intranet": "http://10.1.2.3/wiki/page",
                "redirected": feed_server.url("/to-metadata"),
            },
        )
    )
    config = write_config(
        sources=[
            {"name": "Flux", "kind": "rss", "url": feed_server.url("/feed.xml"), "fulltext": True}
        ]
    )
    (outcome,) = collect(config, store).outcomes
    assert outcome.status == "ok" and outcome.new == 3
    problems = "\n".join(outcome.problems)
    hint = "allow_private_addresses: true on the source 'Flux' in config.yaml"
    assert (
        "http://10.1.2.3/wiki/page: summary kept: refused to fetch http://10.1.2.3/wiki/page: "
        "it leads to "
        f"10.1.2.3, a private address; presswatch reaches internal addresses only for a "
        f"source that is itself on one, or with {hint}"
    ) in problems
    assert (
        "/to-metadata: summary kept: refused to fetch http://169.254.169.254/latest/meta-data/"
        "iam/: it leads to 169.254.169.254, a cloud metadata address"
    ) in problems
    assert all(address[0] == "127.0.0.1" for address in attempts)  # type: ignore[index]
    texts = {a.title: a.text for a in store.iter_articles()}
    assert "garder la maîtrise de leurs données" in texts["Entrée article"]
    assert texts["Entrée intranet"] == "Résumé court de intranet, Mistral AI."


def test_pages_are_fetched_concurrently_within_the_host_limit_and_a_budget(
    write_config: Callable[..., Config],
    feed_server: FeedServer,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import collectors.rss as rss

    monkeypatch.setattr(rss, "FULLTEXT_MAX_PAGES", 4)
    names = [f"slow{n}" for n in range(5)]
    for name in names:
        feed_server.routes[f"/{name}"] = Route(
            ARTICLE_PAGE.encode(), headers={"Content-Type": "text/html"}, delay=0.5
        )
    feed_server.routes["/feed.xml"] = Route(
        page_feed(feed_server.base_url, {n: feed_server.url(f"/{n}") for n in names})
    )
    config = write_config(
        sources=[
            {"name": "Flux", "kind": "rss", "url": feed_server.url("/feed.xml"), "fulltext": True}
        ]
    )
    (outcome,) = collect(config, store).outcomes
    # Two at once: the per-host limit, not one after another.
    assert feed_server.concurrency[1] == http.HOSTS.per_host == 2
    fetched = sorted(p for p, _ in feed_server.requests if p != "/feed.xml")
    assert fetched == ["/slow0", "/slow1", "/slow2", "/slow3"]  # the count budget
    assert outcome.problems == [
        f"{feed_server.url('/slow4')}: summary kept: not fetched: at most 4 full-text pages "
        "per feed per collection"
    ]


def test_pages_past_the_time_budget_keep_their_summary(
    write_config: Callable[..., Config],
    feed_server: FeedServer,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import collectors.rss as rss

    monkeypatch.setattr(rss, "FULLTEXT_BUDGET_SECONDS", 1.0)
    names = ["a", "b", "c"]
    for name in names:  # headers trickled for 30 s: each page alone would stall the feed
        feed_server.routes[f"/{name}"] = Route(
            ARTICLE_PAGE.encode(), header_trickle=0.1, header_pad=300
        )
    feed_server.routes["/feed.xml"] = Route(
        page_feed(feed_server.base_url, {n: feed_server.url(f"/{n}") for n in names})
    )
    config = write_config(
        sources=[
            {"name": "Flux", "kind": "rss", "url": feed_server.url("/feed.xml"), "fulltext": True}
        ]
    )
    (outcome,) = collect(config, store).outcomes
    assert outcome.status == "ok" and outcome.new == 3
    problems = "\n".join(outcome.problems)
    assert "/a: summary kept: the server sent the page too slowly (0 KB in 1 s)" in problems
    assert (
        "/c: summary kept: not fetched: this collection's time for full-text pages was spent"
        in problems
    )

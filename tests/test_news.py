"""News-search sources: outlet from <source>, title suffix stripped, links resolved, dedup."""

from __future__ import annotations

import base64
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest

from collectors.news import resolve_aggregator_link
from presswatch.collect import collect
from presswatch.config import Config, NewsSourceConfig
from presswatch.errors import ConfigError
from presswatch.store import Store
from tests.conftest import FeedServer, Route

PUBLISHER = "https://www.lemonde.test/pixels/article/2024/06/11/mistral-ai-leve-600-millions.html"


def google_link(url: str) -> str:
    """A Google News article link in the older format, which encodes the publisher's URL."""
    raw = url.encode()
    payload = b"\x08\x13\x22" + bytes([len(raw)]) + raw + b"\xd2\x01\x00"
    token = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"https://news.google.com/rss/articles/{token}?oc=5"


def search_feed(language: str) -> bytes:
    title = (
        "Mistral AI lève 600 millions d’euros - Le Monde"
        if language == "fr"
        else "Mistral AI raises $640m - Le Monde"
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
<title>"Mistral AI" - Google News</title>
<item><title>{title}</title><link>{google_link(PUBLISHER)}</link>
<guid isPermaLink="false">CBMi-{language}</guid><pubDate>Tue, 11 Jun 2024 08:00:00 GMT</pubDate>
<description>Mistral AI lève des fonds.</description>
<source url="https://www.lemonde.test">Le Monde</source></item>
<item><title>Mistral AI recrute à Londres - Les Echos</title>
<link>https://news.google.com/rss/articles/AU_yqLopaque?oc=5</link><guid>opaque-{language}</guid>
<pubDate>Wed, 12 Jun 2024 08:00:00 GMT</pubDate><description>Recrutement.</description>
<source url="https://www.lesechos.test">Les Echos</source></item>
</channel></rss>""".encode()


def test_links_that_encode_the_publisher_are_resolved() -> None:
    assert resolve_aggregator_link(google_link(PUBLISHER)) == PUBLISHER
    opaque = "https://news.google.com/rss/articles/AU_yqLopaque?oc=5"
    assert resolve_aggregator_link(opaque) == opaque
    assert resolve_aggregator_link(PUBLISHER) == PUBLISHER


def test_search_urls_per_edition() -> None:
    source = NewsSourceConfig(name="GN", kind="news", company="Mistral AI")
    fr, en = source.feed_urls()
    assert parse_qs(urlsplit(fr).query) == {
        "q": ['"Mistral AI"'],
        "hl": ["fr"],
        "gl": ["FR"],
        "ceid": ["FR:fr"],
    }
    assert parse_qs(urlsplit(en).query)["ceid"] == ["US:en"]


def test_news_source_end_to_end(
    write_config: Callable[..., Config], feed_server: FeedServer, store: Store
) -> None:
    feed_server.routes["/search?q=%22Mistral+AI%22&hl=fr&gl=FR&ceid=FR%3Afr"] = Route(
        search_feed("fr")
    )
    feed_server.routes["/search?q=%22Mistral+AI%22&hl=en-US&gl=US&ceid=US%3Aen"] = Route(
        search_feed("en")
    )
    feed_server.routes["/lemonde.xml"] = Route(
        f"""<?xml version="1.0"?><rss version="2.0"><channel>
<title>Le Monde</title><item><title>Mistral AI lève 600 millions d’euros</title>
<link>{PUBLISHER}?utm_source=rss</link><description>Le texte.</description></item></channel></rss>""".encode()
    )
    config = write_config(
        sources=[
            {
                "name": "Google News",
                "kind": "news",
                "company": "Mistral AI",
                "endpoint": feed_server.url("/search"),
            },
            {"name": "Le Monde", "kind": "rss", "url": feed_server.url("/lemonde.xml")},
        ]
    )
    summary = collect(config, store)
    assert not summary.failed, [o.error for o in summary.failed]
    articles = store.articles_frame()
    assert len(articles) == 2  # the Le Monde piece once, whichever way it came; the opaque one
    lemonde = articles[articles["outlet"] == "Le Monde"].iloc[0]
    assert lemonde["title"] in ("Mistral AI lève 600 millions d’euros", "Mistral AI raises $640m")
    assert lemonde["source_count"] == 2
    echos = articles[articles["outlet"] == "Les Echos"].iloc[0]
    assert echos["title"] == "Mistral AI recrute à Londres"


def test_a_news_source_needs_a_known_company_or_a_query(
    write_config: Callable[..., Config],
) -> None:
    with pytest.raises(ConfigError, match="no company named 'Nobody'"):
        write_config(sources=[{"name": "GN", "kind": "news", "company": "Nobody"}])
    with pytest.raises(ConfigError, match="give either company: NAME or query: TERMS"):
        write_config(sources=[{"name": "GN", "kind": "news"}])

"""The RSS collector against a real HTTP server on 127.0.0.1: formats, dates, errors, 304."""

from __future__ import annotations

import gzip
import json
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from collectors import CollectContext, http
from collectors.rss import collect_feed
from presswatch.analysis.analyzer import Analyzer
from presswatch.config import Config, RssSourceConfig
from presswatch.models import SourceState
from tests.conftest import FeedServer, Route

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)

RSS_FR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>Le Journal Tech</title><link>https://journal.example.com/</link>
<item>
  <title>Mistral AI lève 600 millions d’euros</title>
  <link>https://journal.example.com/mistral?utm_source=rss</link>
  <guid>https://journal.example.com/mistral</guid>
  <pubDate>Mon, 10 Jun 2024 10:05:00 +0200</pubDate>
  <description>&lt;p&gt;La start-up &lt;b&gt;Mistral AI&lt;/b&gt; lève des fonds.&lt;/p&gt;</description>
</item>
<item>
  <title>Une date à la française</title>
  <link>https://journal.example.com/date</link>
  <pubDate>lun., 22 nov. 2026 10:05:00 +0100</pubDate>
  <description>Le texte de l'article.</description>
</item>
<item>
  <title>Sans date</title>
  <link>https://journal.example.com/sans-date</link>
  <description>Pas de date ici.</description>
</item>
<item><description>No id, no link, no title.</description></item>
</channel></rss>"""

ATOM_EN = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Tech Daily</title>
<entry>
  <id>tag:techdaily.example.com,2024:1</id>
  <title>OpenAI answers Mistral</title>
  <link href="https://techdaily.example.com/openai"/>
  <updated>2024-06-11T08:00:00Z</updated>
  <author><name>Jane Doe</name></author>
  <content type="html">&lt;p&gt;OpenAI said on Tuesday that the model would ship.&lt;/p&gt;</content>
</entry>
</feed>"""


FEED_BYTES = ATOM_EN.encode()


def source(server: FeedServer, path: str) -> RssSourceConfig:
    return RssSourceConfig(name="Test feed", kind="rss", url=server.url(path))


def context(state: SourceState | None = None) -> CollectContext:
    return CollectContext(state=state, base_dir=__import__("pathlib").Path("."), now=NOW)


def test_rss_entries_with_french_dates(
    feed_server: FeedServer, write_config: Callable[..., Config]
) -> None:
    feed_server.routes["/fr.xml"] = Route(
        RSS_FR.encode(), headers={"Content-Type": "application/rss+xml"}
    )
    result = collect_feed(source(feed_server, "/fr.xml"), context())
    assert result.status == "ok"
    assert result.entries_seen == 4
    assert result.problems == ["entry 4 has no id, link or title: skipped"]
    first, french, undated = result.articles
    assert first.title == "Mistral AI lève 600 millions d’euros"
    assert first.text == "La start-up Mistral AI lève des fonds."
    assert first.published == datetime(2024, 6, 10, 8, 5, tzinfo=UTC)
    assert first.outlet == "Le Journal Tech"
    # The language is left to the analysis, which detects it for articles naming a company.
    assert first.language is None
    analysed = Analyzer(write_config()).analyse(first)
    assert analysed.mentions and analysed.language == "fr"
    assert french.published == datetime(2026, 11, 22, 9, 5, tzinfo=UTC)
    assert undated.published == NOW and undated.date_source == "first_seen"
    assert "date_from_first_seen" in undated.flags
    user_agent = feed_server.requests[0][1]["User-Agent"]
    assert user_agent.startswith("presswatch/")


def test_atom_entries(feed_server: FeedServer, write_config: Callable[..., Config]) -> None:
    feed_server.routes["/atom.xml"] = Route(
        ATOM_EN.encode(), headers={"Content-Type": "application/atom+xml"}
    )
    result = collect_feed(source(feed_server, "/atom.xml"), context())
    (article,) = result.articles
    assert article.entry_key == "tag:techdaily.example.com,2024:1"
    assert article.author == "Jane Doe" and article.language is None
    assert Analyzer(write_config()).analyse(article).language == "en"  # it names OpenAI
    assert article.published == datetime(2024, 6, 11, 8, 0, tzinfo=UTC)


RDF_FR = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://agence.example.fr/">
  <title>L’Agence</title><link>https://agence.example.fr/</link>
  <items><rdf:Seq><rdf:li rdf:resource="https://agence.example.fr/1"/></rdf:Seq></items>
</channel>
<item rdf:about="https://agence.example.fr/1">
  <title>Mistral AI s’installe à Londres</title>
  <link>https://agence.example.fr/1</link>
  <dc:date>2026-11-20T18:30:00+01:00</dc:date>
  <dc:creator>Rédaction</dc:creator>
  <description>La start-up française ouvre un bureau outre-Manche.</description>
</item>
</rdf:RDF>"""


def test_rdf_entries(feed_server: FeedServer) -> None:
    feed_server.routes["/rdf"] = Route(
        RDF_FR.encode(), headers={"Content-Type": "application/rdf+xml"}
    )
    result = collect_feed(source(feed_server, "/rdf"), context())
    (article,) = result.articles
    assert result.status == "ok" and result.problems == []
    assert article.entry_key == "https://agence.example.fr/1"
    assert article.title == "Mistral AI s’installe à Londres"
    assert article.outlet == "L’Agence" and article.author == "Rédaction"
    assert article.published == datetime(2026, 11, 20, 17, 30, tzinfo=UTC)
    assert article.text == "La start-up française ouvre un bureau outre-Manche."


JSON_FEED_1_0 = {
    "version": "https://jsonfeed.org/version/1",
    "title": "Le Carnet &amp; Cie",
    "home_page_url": "https://carnet.example.org/",
    "items": [
        {
            "id": "https://carnet.example.org/p/1",
            "url": "https://carnet.example.org/p/1",
            "title": "Mistral AI ouvre un bureau à Lyon",
            "content_html": "<p>La start-up <b>Mistral AI</b> recrute.</p><p>Deuxième paragraphe.</p>",
            "summary": "Un bureau de plus.",
            "date_published": "2026-11-20T09:30:00+01:00",
            "author": {"name": "Léa Martin", "url": "https://carnet.example.org/lea"},
        },
        {
            "id": 42,
            "url": "/p/2",
            "title": "Second billet",
            "content_text": "Texte brut avec <des chevrons> qui restent du texte.",
            "date_modified": "2026-11-21T08:00:00Z",
        },
        {"id": "p3", "title": ["not", "a", "string"], "content_text": "Broken item."},
    ],
}

JSON_FEED_1_1 = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Linked Notes",
    "language": "en-US",
    "items": [
        {
            "id": "note-1",
            "external_url": "https://elsewhere.example.com/story",
            "content_text": "A note about OpenAI, without a date.",
            "authors": [{"name": "Sam Writer"}, {"name": "Alex Editor"}, {"avatar": "x.png"}],
        },
        {
            "id": "note-2",
            "url": "https://notes.example.com/2",
            "title": "Une note en français",
            "language": "fr-FR",
            "content_html": "<p>Le texte.</p>",
            "date_published": "2026-11-19T10:00:00Z",
        },
    ],
}


def test_json_feed_1_0(feed_server: FeedServer) -> None:
    feed_server.routes["/feed.json"] = Route(
        json.dumps(JSON_FEED_1_0).encode(), headers={"Content-Type": "application/feed+json"}
    )
    result = collect_feed(source(feed_server, "/feed.json"), context())
    assert result.status == "ok" and result.entries_seen == 3
    assert result.title == "Le Carnet & Cie"
    assert result.problems == ["JSON Feed item 3: title: input should be a valid string: skipped"]
    first, second = result.articles
    assert first.entry_key == "https://carnet.example.org/p/1"
    assert first.url == "https://carnet.example.org/p/1"
    assert first.title == "Mistral AI ouvre un bureau à Lyon"
    assert first.text == "La start-up Mistral AI recrute.\n\nDeuxième paragraphe."
    assert first.author == "Léa Martin" and first.outlet == "Le Carnet & Cie"
    assert first.published == datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    assert first.date_source == "feed" and first.flags == ()
    # A number as id is read as a string; a relative url is resolved against the home page;
    # content_text stays text; date_modified is the date when there is no date_published.
    assert second.entry_key == "42" and second.url == "https://carnet.example.org/p/2"
    assert second.text == "Texte brut avec <des chevrons> qui restent du texte."
    assert second.published == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


def test_json_feed_1_1(feed_server: FeedServer) -> None:
    # Served as plain JSON, as many servers do: the body's first character says it.
    feed_server.routes["/feed"] = Route(
        json.dumps(JSON_FEED_1_1).encode(), headers={"Content-Type": "text/plain"}
    )
    result = collect_feed(source(feed_server, "/feed"), context())
    assert result.status == "ok" and result.problems == []
    note, french = result.articles
    assert note.url == "https://elsewhere.example.com/story" and note.title is None
    assert note.author == "Sam Writer, Alex Editor"
    assert note.text == "A note about OpenAI, without a date."
    assert note.published == NOW and note.date_source == "first_seen"
    assert note.flags == ("date_from_first_seen",)
    # A declared language is kept when it is one of the configured ones (fr, en).
    assert note.language == "en" and french.language == "fr"
    assert french.text == "Le texte."


def test_a_json_feed_without_version_is_read_and_flagged(feed_server: FeedServer) -> None:
    body = {"items": [{"id": "a", "url": "https://x.example.com/a", "content_text": "Hi"}]}
    feed_server.routes["/bare.json"] = Route(json.dumps(body).encode())
    result = collect_feed(source(feed_server, "/bare.json"), context())
    (article,) = result.articles
    assert article.flags == ("ill_formed_feed", "date_from_first_seen")
    assert result.problems == [
        "ill-formed feed, entries read anyway: a JSON Feed without its 'version'"
    ]


def test_other_formats_say_what_they_are(feed_server: FeedServer) -> None:
    bodies = {
        "/api.json": (b'{"status": "ok", "data": []}', "this is a JSON document, not a JSON Feed"),
        "/rss.json": (
            b'{"rss": {"version": "2.0", "channel": {"title": "T", "item": []}}}',
            "this is RSS written as JSON",
        ),
        "/cut.json": (
            json.dumps(JSON_FEED_1_1).encode()[:80],
            "not a readable JSON Feed: invalid JSON at line 1 column",
        ),
        "/sitemap.xml": (
            b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<url><loc>https://x.example.com/</loc></url></urlset>",
            "this is an XML sitemap, not a feed",
        ),
        "/feeds.opml": (
            b'<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>'
            b'<outline text="A" xmlUrl="https://a.example.com/feed"/></body></opml>',
            "this is an OPML outline (a list of feeds), not a feed",
        ),
        "/doc.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "this is a PDF document"),
        "/text": (b"Service temporarily moved.\n", "this is plain text, not a feed"),
        "/other.xml": (b"<?xml version='1.0'?><config><a/></config>", "root element is <config>"),
    }
    for path, (body, _) in bodies.items():
        feed_server.routes[path] = Route(body)
    for path, (_, message) in bodies.items():
        result = collect_feed(source(feed_server, path), context())
        assert result.status == "failed", path
        assert message in (result.error or ""), (path, result.error)


def test_gzip_and_redirects(feed_server: FeedServer) -> None:
    feed_server.routes["/old"] = Route(status=301, headers={"Location": "/gz"})
    feed_server.routes["/gz"] = Route(
        gzip.compress(ATOM_EN.encode()),
        headers={"Content-Type": "application/atom+xml", "Content-Encoding": "gzip"},
    )
    result = collect_feed(source(feed_server, "/old"), context())
    assert result.status == "ok" and len(result.articles) == 1


def test_a_gzip_body_without_content_encoding_is_unpacked(feed_server: FeedServer) -> None:
    # A server handing out feed.xml.gz as it is: no Content-Encoding, only the gzip bytes;
    # another compresses a body that was compressed already.
    feed_server.routes["/feed.xml.gz"] = Route(
        gzip.compress(ATOM_EN.encode()), headers={"Content-Type": "application/octet-stream"}
    )
    feed_server.routes["/twice"] = Route(
        gzip.compress(gzip.compress(ATOM_EN.encode())), headers={"Content-Encoding": "gzip"}
    )
    for path in ("/feed.xml.gz", "/twice"):
        result = collect_feed(source(feed_server, path), context())
        assert result.status == "ok", (path, result.error)
        assert [a.title for a in result.articles] == ["OpenAI answers Mistral"]


def test_a_gzip_bomb_is_refused_at_the_sources_cap(feed_server: FeedServer) -> None:
    # 40 KB on the wire, 40 MB once unpacked: it must stop at the cap, not fill memory.
    feed_server.routes["/bomb"] = Route(gzip.compress(b"<rss>" + b" " * (40 << 20)))
    feed_server.routes["/broken"] = Route(gzip.compress(ATOM_EN.encode())[:60])
    config = RssSourceConfig(name="Bomb", kind="rss", url=feed_server.url("/bomb"), max_feed_mb=1)
    result = collect_feed(config, context())
    assert result.status == "failed"
    assert result.error == "the feed is a gzip file that unpacks to more than 1 MB: not read"
    result = collect_feed(source(feed_server, "/broken"), context())
    assert result.error == "the feed is a truncated gzip file: not read"


def test_conditional_get_answers_304_without_parsing(feed_server: FeedServer) -> None:
    feed_server.routes["/etag.xml"] = Route(ATOM_EN.encode(), etag='"v1"')
    first = collect_feed(source(feed_server, "/etag.xml"), context())
    assert first.etag == '"v1"'
    state = SourceState(name="Test feed", kind="rss", location="", etag=first.etag)
    second = collect_feed(source(feed_server, "/etag.xml"), context(state))
    assert second.status == "not_modified" and second.articles == []
    assert feed_server.requests[-1][1]["If-None-Match"] == '"v1"'


def test_failures_are_one_clear_message(feed_server: FeedServer) -> None:
    feed_server.routes["/500"] = Route(b"oops", status=500)
    feed_server.routes["/html"] = Route(
        b"<!DOCTYPE html><html><body><p>Welcome</p></body></html>",
        headers={"Content-Type": "text/html"},
    )
    feed_server.routes["/empty"] = Route(b"")
    feed_server.routes["/loop"] = Route(status=302, headers={"Location": "/loop"})
    expected = {
        "/500": "the server answered 500",
        "/html": "this is an HTML page, not a feed: check the feed URL",
        "/empty": "empty body",
        "/loop": "redirects",
        "/missing": "the server answered 404",
    }
    for path, message in expected.items():
        result = collect_feed(source(feed_server, path), context())
        assert result.status == "failed", path
        assert message in (result.error or ""), (path, result.error)


def test_connection_refused_is_reported() -> None:
    config = RssSourceConfig(name="Down", kind="rss", url="http://127.0.0.1:9/feed.xml")
    result = collect_feed(config, context())
    assert result.status == "failed"
    assert "127.0.0.1" in (result.error or "")


def test_an_endless_body_stops_at_the_sources_cap(feed_server: FeedServer) -> None:
    feed_server.routes["/endless"] = Route(b"<rss><channel>" + b"<item/>" * 8192, endless=True)
    config = RssSourceConfig(
        name="Endless", kind="rss", url=feed_server.url("/endless"), max_feed_mb=1
    )
    result = collect_feed(config, context())
    assert result.status == "failed"
    assert result.error == "the feed is larger than 1 MB: not read"


def test_a_slow_trickle_stops_at_the_deadline(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A byte every 50 ms, for ever: each read is quick, so only a deadline ends it.
    monkeypatch.setattr(http, "FETCH_DEADLINE_SECONDS", 1.0)
    feed_server.routes["/trickle"] = Route(b"<rss>", endless=True, trickle=0.05)
    started = time.monotonic()
    result = collect_feed(source(feed_server, "/trickle"), context())
    assert result.status == "failed"
    assert (result.error or "").startswith("the server sent the feed too slowly (0 KB in 1 s)")
    assert time.monotonic() - started < 30  # not the read timeout: the deadline


def test_a_server_that_stops_answering_times_out(feed_server: FeedServer) -> None:
    feed_server.routes["/silent"] = Route(FEED_BYTES, delay=2.0)
    with httpx.Client(timeout=httpx.Timeout(0.3)) as client:
        result = collect_feed(source(feed_server, "/silent"), context(), client)
    assert result.status == "failed"
    assert result.error == "127.0.0.1 stopped sending data (read timeout): try again later"


def test_tls_and_name_failures_are_named(feed_server: FeedServer) -> None:
    # TLS spoken to a server that speaks plain HTTP; a name that does not resolve (the
    # tests' guard refuses the lookup as an offline machine's resolver would).
    feed_server.routes["/feed.xml"] = Route(FEED_BYTES)
    tls = RssSourceConfig(
        name="TLS", kind="rss", url=feed_server.url("/feed.xml").replace("http:", "https:")
    )
    result = collect_feed(tls, context())
    assert (result.error or "").startswith("TLS handshake with 127.0.0.1 failed")
    nowhere = RssSourceConfig(name="DNS", kind="rss", url="https://feeds.presswatch.invalid/")
    result = collect_feed(nowhere, context())
    assert result.error == (
        "could not resolve the host feeds.presswatch.invalid: check the URL or the network"
    )


def test_identity_rules_of_feed_entries() -> None:
    from collectors.rss import parse_feed
    from presswatch.models import make_article_id

    # A guid that is the entry's link keeps the id of the link (as links were keyed first,
    # and as the files and news collectors key an article by its URL).
    link = "https://journal.example.com/a?utm_source=rss"
    assert make_article_id(link, "A", "k", guid="https://journal.example.com/a") == (
        make_article_id(link, "B", "other")
    )
    # A bare guid is scoped to its link's host: "42" of two publishers are two articles,
    # "42" of one publisher's two feeds is one.
    ids = {
        make_article_id(f"https://{host}/{path}", source, "42", guid="42")
        for host, path, source in [("a.example.com", "x", "A1"), ("a.example.com", "y", "A2")]
    }
    assert len(ids) == 1
    assert make_article_id("https://b.example.com/x", "B", "42", guid="42") not in ids
    # A guid every entry shares under different links is no id: each entry is its link.
    feed = """<?xml version="1.0"?><rss version="2.0"><channel><title>Same guid</title>
    <item><guid>https://same.example.com/</guid><link>https://same.example.com/1</link>
    <title>One</title></item>
    <item><guid>https://same.example.com/</guid><link>https://same.example.com/2</link>
    <title>Two</title></item></channel></rss>"""
    result = parse_feed(feed.encode(), "Same", context())
    assert [a.entry_key for a in result.articles] == [
        "https://same.example.com/1",
        "https://same.example.com/2",
    ]
    assert len({a.id for a in result.articles}) == 2
    assert result.problems == [
        "several entries share the guid 'https://same.example.com/' under different links: "
        "each is identified by its link"
    ]


RSS_DATES = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Jornal</title><language>pt-BR</language>
<item><title>Data impossível</title><link>https://jornal.example.com/a</link>
  <pubDate>Sun, 22 Nov 2026 10:05:00 +9900</pubDate><description>Texto.</description></item>
<item><title>Data relativa</title><link>https://jornal.example.com/b</link>
  <pubDate>hier</pubDate><description>Texto.</description></item>
<item><title>Data em português</title><link>https://jornal.example.com/c</link>
  <pubDate>sáb, 21 nov 2026 10:05:00 -0300</pubDate><description>Texto.</description></item>
</channel></rss>"""


@pytest.mark.parametrize("fast", [True, False])
def test_feed_dates_refused_relative_and_portuguese(fast: bool) -> None:
    from collectors.rss import parse_feed

    result = parse_feed(RSS_DATES.encode(), "Jornal", context(), fast=fast)
    impossible, relative, portuguese = result.articles
    # Refused, not moved by 99 hours: the collection time stands in, and says so.
    assert impossible.date_source == "first_seen"
    assert "unreadable_date" in impossible.flags
    assert any(
        p.startswith("entry 1: its published date") and "+9900 does not exist" in p
        for p in result.problems
    )
    # "hier" is the day before the collection, with no invented hour.
    assert (relative.published, relative.date_precision) == (
        datetime(2026, 11, 21, tzinfo=UTC),
        "day",
    )
    assert relative.date_source == "feed"
    assert portuguese.published == datetime(2026, 11, 21, 13, 5, tzinfo=UTC)
    assert portuguese.date_source == "feed"


def test_a_server_trickling_its_headers_stops_at_the_deadline(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The deadline covers the whole fetch: status line and headers sent a byte every 50 ms
    # (about 25 s of headers) used to be waited for, and the body deadline began after.
    monkeypatch.setattr(http, "FETCH_DEADLINE_SECONDS", 1.0)
    feed_server.routes["/slow-headers"] = Route(FEED_BYTES, header_trickle=0.05, header_pad=400)
    result = collect_feed(source(feed_server, "/slow-headers"), context())
    assert result.status == "failed"
    assert result.error == (
        "the server sent the feed too slowly (0 KB in 1 s): stopped; it is asked again next time"
    )


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The addresses every socket of the test tries to connect to."""
    attempts: list[str] = []
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def record(self: socket.socket, address: object) -> None:
        attempts.append(str(address[0]) if isinstance(address, tuple) else str(address))
        connect(self, address)

    def record_ex(self: socket.socket, address: object) -> int:
        attempts.append(str(address[0]) if isinstance(address, tuple) else str(address))
        return connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", record)
    monkeypatch.setattr(socket.socket, "connect_ex", record_ex)
    return attempts


def test_redirects_to_internal_addresses_are_refused_before_connecting(
    feed_server: FeedServer, connections: list[str]
) -> None:
    # A feed on 127.0.0.1 may redirect to 127.0.0.1 (or localhost): the source is there
    # itself. Not to another kind of internal address, and never to a metadata service.
    port = feed_server.base_url.rsplit(":", 1)[1]
    targets = {
        "/metadata": ("http://169.254.169.254/latest/meta-data/", "a cloud metadata address"),
        "/intranet": ("http://10.20.30.40/feed.xml", "a private address"),
        "/ula": ("http://[fd00::1]/feed.xml", "a private address"),
        "/link-local": ("http://169.254.1.1/feed.xml", "a link-local address"),
    }
    for path, (location, _kind) in targets.items():
        feed_server.routes[path] = Route(status=302, headers={"Location": location})
    feed_server.routes["/local"] = Route(
        status=302, headers={"Location": f"http://localhost:{port}/feed.xml"}
    )
    feed_server.routes["/feed.xml"] = Route(FEED_BYTES)
    for path, (location, kind) in targets.items():
        result = collect_feed(source(feed_server, path), context())
        address = location.split("/")[2].strip("[]")
        assert result.status == "failed", path
        assert result.error == (
            f"refused to fetch {location}: it leads to {address}, {kind}; presswatch reaches "
            "internal addresses only for a source that is itself on one, or with "
            "allow_private_addresses: true on the source 'Test feed' in config.yaml"
        )
    assert result.http_status is None
    assert set(connections) <= {"127.0.0.1", "::1"}  # no attempt anywhere else
    assert collect_feed(source(feed_server, "/local"), context()).status == "ok"

    allowed = RssSourceConfig(
        name="Intranet",
        kind="rss",
        url=feed_server.url("/intranet"),
        allow_private_addresses=True,
    )
    result = collect_feed(allowed, context())
    # Allowed: the connection is attempted (and refused by the tests' own guard).
    assert "10.20.30.40" in connections
    assert (result.error or "").endswith("tests may only reach 127.0.0.1, not 10.20.30.40")


def test_every_kind_of_internal_address_is_named() -> None:
    import ipaddress

    kinds = {
        "127.0.0.1": "a loopback address",
        "::1": "a loopback address",
        "0.0.0.0": "a loopback address",
        "10.1.2.3": "a private address",
        "192.168.1.1": "a private address",
        "fd00::1": "a private address",
        "::ffff:10.0.0.1": "a private address",
        "169.254.10.1": "a link-local address",
        "fe80::1": "a link-local address",
        "169.254.169.254": "a cloud metadata address",
        "fd00:ec2::254": "a cloud metadata address",
        "100.64.0.1": "a reserved address",
        "93.184.215.14": None,
        "2a00:1450:4007:80e::200e": None,
    }
    for text, kind in kinds.items():
        assert http.address_kind(ipaddress.ip_address(text)) == kind, text
    # A feed on 127.0.0.1 may reach loopback addresses only; metadata needs the key.
    policy = http.AddressPolicy.for_source("http://127.0.0.1:8080/feed.xml", "Local")
    assert policy.allowed == {"a loopback address"}
    policy.check("http://[::1]/", [ipaddress.ip_address("::1")])
    with pytest.raises(http.AddressRefused, match="allow_private_addresses: true on the source"):
        policy.check("http://10.0.0.1/", [ipaddress.ip_address("10.0.0.1")])
    anything = http.AddressPolicy.for_source("http://127.0.0.1/", "Local", allow_private=True)
    anything.check("http://169.254.169.254/", [ipaddress.ip_address("169.254.169.254")])


def test_a_cancelled_collection_cuts_a_fetch_in_the_middle_of_its_headers(
    feed_server: FeedServer,
) -> None:
    import dataclasses
    import threading

    # Headers a byte every 0.2 s (about 100 s of them): the stop must not wait for them.
    feed_server.routes["/stalled"] = Route(FEED_BYTES, header_trickle=0.2, header_pad=400)
    stop = threading.Event()
    results: list[object] = []
    cancellable = dataclasses.replace(context(), cancel=stop)
    fetching = threading.Thread(
        target=lambda: results.append(collect_feed(source(feed_server, "/stalled"), cancellable))
    )
    fetching.start()
    assert wait_until(lambda: any(p == "/stalled" for p, _ in feed_server.requests))
    stop.set()
    assert http.abort_fetches(stop) == 1
    fetching.join(timeout=30)
    assert not fetching.is_alive()
    (result,) = results
    assert result.error == "the feed was not fetched: the collection is stopping"  # type: ignore[attr-defined]


def wait_until(condition: Callable[[], bool], seconds: float = 10) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.05)
    return condition()

"""The fast path for plain feeds: the same articles as feedparser's, or no answer at all."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from feedparser.urls import _urljoin

from collectors import CollectContext, CollectResult
from collectors.fastfeed import _unchanged_by_any_base, read_entries
from collectors.rss import parse_feed, prepare_body
from presswatch.analysis.nlp.html import html_to_text, normalize_whitespace

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
CONTEXT = CollectContext(state=None, base_dir=Path("."), now=NOW)

RSS_WORDPRESS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"
 xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/">
<channel><title>L’Usine &amp; la Tech</title><link>https://usine.example.com/</link>
<item>
  <title>L’IA française : Mistral AI lève 600 millions d’euros</title>
  <link>https://usine.example.com/mistral?utm_source=rss&amp;fbclid=x</link>
  <guid isPermaLink="false">https://usine.example.com/?p=42</guid>
  <pubDate>lun., 22 nov. 2026 10:05:00 +0100</pubDate>
  <dc:creator>Élodie Martin</dc:creator>
  <category>Intelligence artificielle</category>
  <description><![CDATA[<p>La start-up <b>Mistral AI</b>…</p>]]></description>
  <content:encoded><![CDATA[<p>La start-up parisienne<br>a levé des fonds.</p>
  <p>« C’est une étape », dit-elle.</p><script>alert(1)</script>]]></content:encoded>
  <media:content url="https://usine.example.com/a.jpg" medium="image">
    <media:credit>AFP</media:credit>
  </media:content>
  <wfw:commentRss>https://usine.example.com/mistral/feed</wfw:commentRss>
  <slash:comments>3</slash:comments>
</item>
<item>
  <title>OpenAI &lt;b&gt;répond&lt;/b&gt;</title>
  <link>https://usine.example.com/openai</link>
  <pubDate>Tue, 23 Nov 2026 08:00:00 GMT</pubDate>
  <dc:date>2026-11-23T09:00:00+01:00</dc:date>
  <description>Court résumé.</description>
  <source url="https://agence.example.com/rss">Agence Exemple</source>
</item>
</channel></rss>"""

ATOM_BLOG = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title type="text">Tech &lt;Daily&gt;</title>
<entry>
  <id>tag:techdaily.example.com,2026:1</id>
  <title type="text">History of the &lt;blink&gt; tag at OpenAI</title>
  <link rel="alternate" type="text/html" href="https://techdaily.example.com/blink"/>
  <link rel="replies" href="https://techdaily.example.com/blink#comments"/>
  <published>2026-11-20T08:00:00+02:00</published>
  <updated>2026-11-21T08:00:00Z</updated>
  <author><name>Jane Doe</name><email>jane@techdaily.example.com</email></author>
  <category term="ai"/>
  <summary type="html">&lt;p&gt;Short.&lt;/p&gt;</summary>
  <content type="html">&lt;p&gt;OpenAI said on Tuesday&lt;br/&gt;that it would ship.&lt;/p&gt;</content>
</entry>
</feed>"""


PODCAST = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
 xmlns:georss="http://www.georss.org/georss" xmlns:thr="http://purl.org/syndication/thread/1.0"
 xmlns:wp="com-wordpress:feed-additions:1">
<channel><title>Le podcast de l’IA</title>
<item>
  <title>Épisode 12 : Mistral AI &amp; les modèles ouverts</title>
  <link>https://podcast.example.com/12</link>
  <guid isPermaLink="false">podcast-12</guid>
  <pubDate>Mon, 23 Nov 2026 06:00:00 GMT</pubDate>
  <itunes:author>Claire Dubois</itunes:author>
  <itunes:subtitle>Les modèles ouverts</itunes:subtitle>
  <itunes:summary>Arthur Mensch explique pourquoi Mistral AI publie ses poids.</itunes:summary>
  <itunes:keywords>ia, mistral</itunes:keywords>
  <itunes:title>Les modèles ouverts</itunes:title>
  <georss:point>48.85 2.35</georss:point>
  <thr:total>4</thr:total>
  <wp:post-id>812</wp:post-id>
</item>
<item>
  <title>Episode 13: OpenAI</title>
  <link>https://podcast.example.com/13</link>
  <description>&lt;p&gt;OpenAI, &lt;b&gt;again&lt;/b&gt;.&lt;/p&gt;</description>
  <itunes:summary>&lt;p&gt;OpenAI &lt;b&gt;again&lt;/b&gt;, the long way.&lt;/p&gt;</itunes:summary>
</item>
</channel></rss>"""

# WordPress's block editor leaves a comment around every block of an article.
RSS_GUTENBERG = RSS_WORDPRESS.replace(
    "<content:encoded><![CDATA[<p>",
    "<content:encoded><![CDATA[<!-- wp:paragraph -->\n<p>",
).replace("</p><script>", "</p>\n<!-- /wp:paragraph --><script>")

# A base changes nothing here: the link is absolute, the id a tag URI.
ATOM_WITH_BASE = ATOM_BLOG.replace("<entry>", '<entry xml:base="https://other.example.com/">')


def _both(body: str) -> tuple[CollectResult, CollectResult]:
    data = body.encode()
    return parse_feed(data, "feed", CONTEXT), parse_feed(data, "feed", CONTEXT, fast=False)


@pytest.mark.parametrize(
    "body",
    [RSS_WORDPRESS, ATOM_BLOG, PODCAST, ATOM_WITH_BASE, RSS_GUTENBERG],
    ids=["rss", "atom", "podcast", "atom with xml:base", "rss with block comments"],
)
def test_plain_feeds_take_the_fast_path_and_equal_feedparser(body: str) -> None:
    assert read_entries(body.encode(), {}) is not None
    fast, slow = _both(body)
    assert fast.status == slow.status == "ok"
    assert fast.title == slow.title and fast.problems == slow.problems == []
    assert fast.articles == slow.articles
    # dataclass equality leaves out what analysis adds; these are every collected field
    assert [a.text for a in fast.articles] == [a.text for a in slow.articles]


def test_the_fast_path_reads_french_dates_apostrophes_and_sources() -> None:
    fast, _slow = _both(RSS_WORDPRESS)
    first, second = fast.articles
    assert fast.title == "L’Usine & la Tech"
    assert first.title == "L’IA française : Mistral AI lève 600 millions d’euros"
    assert first.entry_key == "https://usine.example.com/?p=42"
    # feedparser cannot read the French date: dateparser does, with the offset applied
    assert first.published == datetime(2026, 11, 22, 9, 5, tzinfo=UTC)
    assert first.author == "Élodie Martin"
    assert first.text == (
        "La start-up parisienne\na levé des fonds.\n\n« C’est une étape », dit-elle."
    )
    assert second.title == "OpenAI répond"
    assert second.outlet == "Agence Exemple"
    assert second.published == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    (atom,) = _both(ATOM_BLOG)[0].articles
    assert atom.title == "History of the <blink> tag at OpenAI"
    assert atom.author == "Jane Doe (jane@techdaily.example.com)"
    assert atom.url == "https://techdaily.example.com/blink"
    assert atom.published == datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


LEFT_TO_FEEDPARSER = {
    "ill-formed": RSS_WORDPRESS.replace("</description>", "", 1),
    "latin-1": RSS_WORDPRESS.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'),
    "media description": RSS_WORDPRESS.replace(
        "<media:credit>AFP</media:credit>",
        "<media:description>Photo caption</media:description>",
    ),
    "no link": RSS_WORDPRESS.replace("<link>https://usine.example.com/openai</link>", ""),
    "relative link": RSS_WORDPRESS.replace("https://usine.example.com/openai", "/openai"),
    "two publication dates": RSS_WORDPRESS.replace(
        "<dc:date>", "<pubDate>Tue, 23 Nov 2026 09:00:00 GMT</pubDate><dc:date>"
    ),
    "itunes summary": RSS_WORDPRESS.replace(
        "<slash:comments>3</slash:comments>",
        '<summary xmlns="http://www.itunes.com/dtds/podcast-1.0.dtd">Other</summary>',
    ),
    "doctype with an entity": RSS_WORDPRESS.replace(
        "<rss ", '<!DOCTYPE rss [<!ENTITY co "Mistral AI">]>\n<rss ', 1
    ).replace("OpenAI &lt;b&gt;", "&co; &lt;b&gt;"),
    "xml:base and a relative id": ATOM_WITH_BASE.replace(
        "tag:techdaily.example.com,2026:1", "posts/1"
    ),
    "a second summary after a content": PODCAST.replace(
        "<itunes:summary>&lt;p&gt;",
        '<encoded xmlns="http://purl.org/rss/1.0/modules/content/">Full.</encoded>'
        "<itunes:summary>&lt;p&gt;",
    ),
    "a comment that is not plain": RSS_GUTENBERG.replace("wp:paragraph -->", "wp -- p -->", 1),
    "a comment left open": RSS_GUTENBERG.replace("/wp:paragraph -->", "/wp:paragraph"),
    "two authors": PODCAST.replace(
        "<itunes:author>", "<author>claire@podcast.example.com</author><itunes:author>"
    ),
    "xhtml content": ATOM_BLOG.replace(
        '<content type="html">&lt;p&gt;OpenAI said on Tuesday&lt;br/&gt;that it would '
        "ship.&lt;/p&gt;</content>",
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Hi</div></content>',
    ),
    "rdf": """<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/"><channel><title>T</title></channel>
 <item><title>A</title><link>https://a.example.com/</link></item></rdf:RDF>""",
}


@pytest.mark.parametrize("name", sorted(LEFT_TO_FEEDPARSER))
def test_other_feeds_are_left_to_feedparser(name: str) -> None:
    body = LEFT_TO_FEEDPARSER[name]
    assert read_entries(body.encode(), {}) is None
    fast, slow = _both(body)
    assert fast.articles == slow.articles and fast.articles
    if name == "ill-formed":
        assert all("ill_formed_feed" in a.flags for a in fast.articles)


def test_feedparser_resolves_an_entry_link_against_xml_base() -> None:
    # feedparser is told not to resolve the URIs inside an entry's HTML (its text is all
    # presswatch keeps): the entry's own link must still be resolved.
    body = (
        ATOM_BLOG.replace("<entry>", '<entry xml:base="https://other.example.com/news/">')
        .replace('href="https://techdaily.example.com/blink"', 'href="blink"')
        .replace("OpenAI said", "&lt;a href=&quot;../x&quot;&gt;OpenAI&lt;/a&gt; said")
    )
    assert read_entries(body.encode(), {}) is None
    (article,) = parse_feed(body.encode(), "feed", CONTEXT).articles
    assert article.url == "https://other.example.com/news/blink"
    assert article.text == "OpenAI said on Tuesday\nthat it would ship."


def test_podcast_fields_are_read_as_feedparser_reads_them() -> None:
    first, second = _both(PODCAST)[0].articles
    assert first.author == "Claire Dubois"
    assert first.text == "Arthur Mensch explique pourquoi Mistral AI publie ses poids."
    assert first.entry_key == "podcast-12"
    # Its description is the summary, its iTunes summary (longer) the content.
    assert second.text == "OpenAI again, the long way."


@pytest.mark.parametrize(
    ("uri", "unchanged"),
    [
        ("https://a.example.com/b?c=1#d", True),
        ("tag:techdaily.example.com,2026:1", True),
        ("urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a", True),
        ("posts/1", False),
        ("/posts/1", False),
        ("https:posts/1", False),  # the base's scheme and no host: relative to the base
        ("http:///a.example.com/", False),  # feedparser's fixer removes the extra slash
        ("https://a.example.com/b?", False),  # rebuilt without the empty query
        ("https://a.example.com/b;", False),  # and without empty parameters
    ],
)
def test_a_uri_that_any_base_leaves_unchanged(uri: str, unchanged: bool) -> None:
    assert _unchanged_by_any_base(uri) is unchanged
    if unchanged:
        for base in ("https://other.example.com/x/", "http://b.example.com/", "ftp://c/"):
            assert _urljoin(base, uri) == uri


def test_a_charset_header_other_than_utf8_is_left_to_feedparser() -> None:
    headers = {"content-type": "application/rss+xml; charset=windows-1252"}
    assert read_entries(RSS_WORDPRESS.encode(), headers) is None
    assert read_entries(RSS_WORDPRESS.encode(), {"content-type": "text/xml; charset=utf-8"})
    # Declared UTF-8, written in Latin-1: feedparser reads it (and flags it).
    latin = RSS_WORDPRESS.encode().replace("française".encode(), "française".encode("latin-1"))
    assert read_entries(latin, {}) is None


def test_a_line_break_is_one_line_however_it_is_written() -> None:
    assert html_to_text("a<br>b") == html_to_text("a<br/>b") == html_to_text("a<br />b")
    assert html_to_text("a<br>b") == "a\nb"


def test_whitespace_is_collapsed_within_lines_and_blank_lines_kept_single() -> None:
    text = "  Mistral \t AI\u00a0 lève\r\n\n\n\n  des \f fonds \v \n\n"
    # The no-break space is French typography, not spacing to collapse.
    assert normalize_whitespace(text) == "Mistral AI\u00a0 lève\n\ndes fonds"
    assert normalize_whitespace("\n \t\n") == ""


def test_an_element_left_open_does_not_hide_the_rest_of_an_article() -> None:
    # A video embed's <iframe> never closed: feedparser's sanitizer drops the tag and
    # keeps the text after it, and so must the fast path (a real blog feed of the corpus).
    assert html_to_text('<p>Avant</p><iframe src="v"></p><p>Après l’embed</p>') == (
        "Avant\n\nAprès l’embed"
    )
    assert html_to_text('a<iframe src="v"/>b') == "ab"
    # What a closed one holds is still left out, and code is never text, closed or not.
    assert html_to_text("<p>a</p><iframe>Fallback</iframe><p>b</p>") == "a\n\nb"
    assert html_to_text("<p>a</p><iframe><script>run()</script><p>b") == "a\n\nb"
    assert html_to_text("<p>a</p><script>run()") == "a"


def test_blank_lines_before_the_xml_declaration_flag_the_feed_and_lose_nothing() -> None:
    body = ("\n\n  " + RSS_WORDPRESS).encode()
    raw = feedparser.parse(body)  # ill-formed for feedparser: its loose parser reads it
    assert raw.bozo and len(raw.entries) == 2
    result = parse_feed(body, "feed", CONTEXT)
    assert result.problems == [
        "ill-formed feed, entries read anyway: blank space before the XML declaration "
        "(a feed must start with '<?xml')"
    ]
    assert all("ill_formed_feed" in a.flags for a in result.articles)
    plain = parse_feed(RSS_WORDPRESS.encode(), "feed", CONTEXT).articles
    assert [dataclasses.replace(a, flags=()) for a in result.articles] == [
        dataclasses.replace(a, flags=()) for a in plain
    ]
    assert [a.text for a in result.articles] == [a.text for a in plain]


LE_MONDE = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>Le Monde.fr - Actualités et Infos en France et dans le monde</title>
<item><title><![CDATA[Mistral AI ouvre un bureau à Londres]]></title>
<pubDate>Thu, 18 Jan 2024 11:28:50 +0100</pubDate>
<description><![CDATA[La start-up française s’étend outre-Manche.]]></description>
<guid isPermaLink="true">https://www.lemonde.fr/economie/article/2024/01/18/mistral_1.html</guid>
<link>https://www.lemonde.fr/economie/article/2024/01/18/mistral_1.html</link>
<media:content width="644" height="322" url="https://img.lemde.fr/2024/01/18/photo.jpg">
<media:description type="plain">Arthur Mensch, cofondateur de Mistral AI, lors d’une
conférence à Paris, le 17 janvier 2024, devant un public d’investisseurs.</media:description>
<media:credit scheme="urn:ebu">AFP</media:credit></media:content></item>
</channel></rss>"""

YOUTUBE = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
<title>Chaîne IA</title>
<entry><id>yt:video:1</id><title>Mistral AI en dix minutes</title>
<link rel="alternate" href="https://www.youtube.com/watch?v=1"/>
<published>2024-01-18T10:00:00+00:00</published>
<media:group><media:title>Mistral AI en dix minutes</media:title>
<media:description>Tout sur la start-up française.</media:description></media:group>
</entry></feed>"""


@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "feedparser"])
def test_a_photo_caption_is_not_the_article(fast: bool) -> None:
    # feedparser reads a media object's description as the entry's content, and it is
    # longer than Le Monde's description: it used to become the article's text.
    # Another encoding takes feedparser's path; the feed keeps its encoding when rewritten.
    legacy = LE_MONDE.replace("UTF-8", "windows-1252").encode("cp1252")
    body = LE_MONDE.encode() if fast else legacy
    charset = "utf-8" if fast else "windows-1252"
    headers = {"content-type": f"application/rss+xml; charset={charset}"}
    (article,) = parse_feed(body, "Le Monde", CONTEXT, headers).articles
    assert article.text == "La start-up française s’étend outre-Manche."
    assert article.title == "Mistral AI ouvre un bureau à Londres"
    assert (read_entries(prepare_body(body)[0], {}) is not None) is fast


def test_the_description_of_a_whole_entry_is_kept() -> None:
    (article,) = parse_feed(YOUTUBE.encode(), "YouTube", CONTEXT).articles
    assert article.text == "Tout sur la start-up française."

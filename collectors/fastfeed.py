"""A fast reading of plain, well-formed RSS 2.0 and Atom 1.0 feeds, equal to feedparser's.

feedparser is the reference for tolerance, but its pure-Python SAX handlers read a few
thousand entries a second; lxml's C parser reads ten times more. This module reads with
lxml only the feeds where presswatch's fields come out exactly as feedparser gives them,
and answers None for every other feed, which feedparser then reads:

- the body is well-formed XML in UTF-8 without a DOCTYPE (feedparser flags an ill-formed
  feed); with an ``xml:base``, every entry's link and id is one that resolving against
  any base gives back unchanged (feedparser resolves them against the base);
- the root is an RSS 2.0 ``rss`` with one channel, or an Atom 1.0 ``feed``;
- every element of every entry is one whose meaning is plain (title, link, guid or id,
  description, summary, content, author, dates, category, a podcast's author and
  summary...): an entry holding another (a Media RSS description, XHTML content, several
  authors or links...) sends the whole feed to feedparser, which maps such elements onto
  the same fields in ways of its own;
- dates go through feedparser's own date parser.

bench/conformance_feeds.py checks, on every feed of the shared corpus that takes this
path, that the articles equal feedparser's field by field (a CI step): a feed that moves
from one path to the other keeps the ids of its articles.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse, urlunparse, uses_relative

from feedparser.datetimes import _parse_date as feedparser_date
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urifixer
from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"

# Elements that feedparser keeps apart from every field presswatch reads (enclosures,
# thumbnails, comment counts, podcast details, places, other tools' own ids): skipped,
# provided they hold no element.
MEDIA = "{http://search.yahoo.com/mrss/}"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
SLASH = "{http://purl.org/rss/1.0/modules/slash/}"
GEORSS = "{http://www.georss.org/georss}"
# Blogger's authors carry an avatar, in a namespace feedparser does not know.
GOOGLE_AVATAR = "{http://schemas.google.com/g/2005}image"
IGNORED = frozenset(
    {
        f"{ITUNES}subtitle",
        f"{ITUNES}title",
        f"{ITUNES}keywords",
        f"{ITUNES}season",
        f"{ITUNES}block",
        f"{GEORSS}point",
        f"{GEORSS}box",
        # Namespaces feedparser does not know: kept under their own names.
        "{http://purl.org/syndication/thread/1.0}total",
        "{com-wordpress:feed-additions:1}post-id",
        "enclosure",
        f"{ATOM}category",
        f"{MEDIA}content",
        f"{MEDIA}thumbnail",
        "{http://wellformedweb.org/CommentAPI/}commentRss",
        f"{SLASH}comments",
        f"{SLASH}department",
        f"{SLASH}section",
        f"{ITUNES}duration",
        f"{ITUNES}episode",
        f"{ITUNES}episodeType",
        f"{ITUNES}explicit",
        f"{ITUNES}image",
        "{http://rssnamespace.org/feedburner/ext/1.0}origLink",
    }
)
# What each element of an entry becomes, in feedparser's names; any other element sends
# the feed to feedparser.
RSS_FIELDS = {
    "title": "title",
    "link": "link",
    "description": "summary",
    f"{CONTENT}encoded": "content",
    "guid": "id",
    "pubDate": "published",
    f"{DC}date": "updated",
    f"{ATOM}updated": "updated",
    "author": "author",
    f"{DC}creator": "author",
    f"{ITUNES}author": "author",
    # feedparser reads it as the summary, plain text unless it looks like HTML
    f"{ITUNES}summary": "plain summary",
    "source": "source",
    "category": "",
    f"{DC}subject": "",
    "comments": "",
    **dict.fromkeys(IGNORED, ""),
}
ATOM_FIELDS = {
    f"{ATOM}id": "id",
    f"{ATOM}title": "title",
    f"{ATOM}link": "link",
    f"{ATOM}summary": "summary",
    f"{ATOM}content": "content",
    f"{ATOM}published": "published",
    f"{ATOM}updated": "updated",
    f"{ATOM}author": "author",
    **dict.fromkeys(IGNORED, ""),
}
DATES = ("published", "updated")
ATOM_TYPES = {"text": "text/plain", "text/plain": "text/plain", "html": "text/html"}
ATOM_TYPES["text/html"] = "text/html"
looks_like_html = _FeedParserMixin.looks_like_html

_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']""")
# lxml parsers must not be shared between threads (full-text sources parse in the fetch
# threads): one per thread.
_PARSERS = threading.local()


def _strict_parser() -> Any:
    """This thread's strict XML parser: no recovery, no entities expanded, no network."""
    parser = getattr(_PARSERS, "strict", None)
    if parser is None:
        parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
        _PARSERS.strict = parser
    return parser


class _NeedsFeedparser(Exception):
    """Raised inside this module when a feed holds something only feedparser reads right."""


def _is_plain_utf8(content: bytes, headers: dict[str, str]) -> bool:
    """True when the body says it is UTF-8 (declaration, header, no other byte order mark)
    and holds no DOCTYPE or xml:base."""
    declared = _DECLARED_ENCODING.match(content[:200])
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return False
    content_type = headers.get("content-type", "").lower()
    if "charset=" in content_type and "utf-8" not in content_type.split("charset=", 1)[1]:
        return False
    if content.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return False
    # Bytes that are not UTF-8 need no check here: the strict parser refuses them.
    return b"<!doctype" not in content[:4096].lower()


def _unchanged_by_any_base(uri: str) -> bool:
    """True when feedparser's resolution of ``uri`` against any base gives it back as is:
    an absolute URI that urljoin does not rebuild and feedparser's slash fixer leaves."""
    parts = urlparse(uri)
    if not parts.scheme or _urifixer.sub(r"\1\3", uri) != uri:
        return False
    # urljoin returns a URI of another scheme untouched, and rebuilds one of the base's
    # scheme from its parts when it has a host (without one, it is relative to the base).
    return parts.scheme not in uses_relative or (bool(parts.netloc) and urlunparse(parts) == uri)


def _only_text(element: Any) -> str:
    """The element's text, stripped; child elements or comments need feedparser."""
    if len(element):
        raise _NeedsFeedparser
    text = (element.text or "").strip()
    if "<!--" in text and not _plain_comments(text):
        raise _NeedsFeedparser  # feedparser's sanitizer drops comments, even broken ones
    return text


def _plain_comments(text: str) -> bool:
    """True when every comment in ``text`` is closed and holds no '--': both feedparser's
    sanitizer and presswatch's HTML-to-text drop such a comment whole."""
    bodies = _COMMENT.findall(text)
    return "<!--" not in _COMMENT.sub("", text) and not any("--" in b for b in bodies)


def _no_field_inside(element: Any) -> None:
    """Check that a skipped element holds nothing feedparser would read into a field.

    An image in a category has a title and a link; a Media RSS ``content`` may hold a
    ``media:description``, which feedparser takes as the entry's summary or content
    (``without_media_captions`` removes those first); a photo credit is kept apart.
    """
    for child in element:
        if isinstance(child.tag, str) and child.tag != f"{MEDIA}credit":
            raise _NeedsFeedparser
        if isinstance(child.tag, str):
            _only_text(child)


def _atom_text(element: Any) -> tuple[str, dict[str, str]]:
    """An Atom text construct and its type, as feedparser gives them."""
    kind = ATOM_TYPES.get(element.get("type", "text"))
    if element.get("src") is not None or kind is None:
        raise _NeedsFeedparser
    return _only_text(element), {"type": kind}


def _rss_title(element: Any) -> tuple[str, dict[str, str]]:
    """An RSS title and its type: plain text unless it looks like HTML, feedparser's guess."""
    text = _only_text(element)
    return text, {"type": "text/html" if looks_like_html(text) else "text/plain"}


def _set(fields: dict[str, Any], name: str, value: Any) -> None:
    """Set a field once: a second value is a case where feedparser's choice decides."""
    if name in fields:
        raise _NeedsFeedparser
    fields[name] = value


def _named_children(element: Any, names: dict[str, str]) -> Iterator[tuple[str, Any]]:
    """The children that become a field, with the field's name: an unknown element needs
    feedparser, and a skipped one must hold nothing feedparser would read."""
    for child in element:
        if not isinstance(child.tag, str):
            continue  # a comment or processing instruction
        name = names.get(child.tag)
        if name is None:
            raise _NeedsFeedparser
        if name:
            yield name, child
        else:
            _no_field_inside(child)


def _rss_entry(item: Any) -> dict[str, Any]:
    """One RSS 2.0 item in feedparser's shape."""
    fields: dict[str, Any] = {}
    for name, child in _named_children(item, RSS_FIELDS):
        if name == "source":
            _set(fields, "source", {"title": _only_text(child)})
        elif name == "title":
            _set(fields, "title", "")
            fields["title"], fields["title_detail"] = _rss_title(child)
        elif name == "content":
            _set(fields, "content", [{"value": _only_text(child)}])
        elif name == "id":
            _set(fields, "id", _only_text(child))
            # feedparser resolves a guid against the base unless it says it is no link
            # (its attribute names are read in any case, the value must be exactly "true").
            permalink = {k.lower(): v for k, v in child.attrib.items()}.get("ispermalink")
            fields["id_is_permalink"] = permalink in (None, "true")
        elif name in ("summary", "plain summary") and "summary" in fields:
            # A second summary (a podcast's description and iTunes summary): feedparser
            # reads it as the content, plain text unless it looks like HTML, when the entry
            # has no content yet; otherwise its choice is its own.
            if "content" in fields:
                raise _NeedsFeedparser
            text, detail = _rss_title(child)
            fields["content"] = [{"value": text, **detail}]
        elif name == "plain summary":
            fields["summary"], fields["summary_detail"] = _rss_title(child)
        else:
            _set(fields, name, _only_text(child))
    _check_link(fields)
    return fields


def _check_link(fields: dict[str, Any]) -> None:
    """An entry needs an absolute link here: without one, feedparser may take the guid or
    id as the link, and it resolves a relative one against the response's location."""
    if not fields.get("link", "").startswith(("https://", "http://")):
        raise _NeedsFeedparser


def _atom_author(element: Any) -> str:
    """'name (email)' as feedparser writes an Atom author."""
    name = email = ""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == f"{ATOM}name" and not name:
            name = _only_text(child)
        elif child.tag == f"{ATOM}email" and not email:
            email = _only_text(child)
        elif child.tag == GOOGLE_AVATAR:
            _no_field_inside(child)
        elif child.tag != f"{ATOM}uri":
            raise _NeedsFeedparser
    if not name:
        raise _NeedsFeedparser
    return f"{name} ({email})" if email else name


def _atom_entry(entry: Any) -> dict[str, Any]:
    """One Atom 1.0 entry in feedparser's shape."""
    fields: dict[str, Any] = {}
    for name, child in _named_children(entry, ATOM_FIELDS):
        if name == "link":
            if child.get("rel", "alternate") == "alternate":
                kind = child.get("type", "text/html")
                if kind not in ("text/html", "application/xhtml+xml"):
                    raise _NeedsFeedparser
                _set(fields, "link", (child.get("href") or "").strip())
            elif not child.get("href"):
                raise _NeedsFeedparser
        elif name == "author":
            _set(fields, "author", _atom_author(child))
        elif name in ("title", "summary"):
            _set(fields, name, "")
            fields[name], fields[f"{name}_detail"] = _atom_text(child)
        elif name == "content":
            value, detail = _atom_text(child)
            _set(fields, "content", [{"value": value, **detail}])
        else:
            _set(fields, name, _only_text(child))
    _check_link(fields)
    return fields


_MEDIA_NAMESPACES = ("http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss")


def without_media_captions(content: bytes) -> bytes:
    """The feed without the descriptions of its media objects (a photo's caption).

    feedparser reads a ``media:description`` as the entry's summary, or as its content
    when the entry has a summary: Le Monde's feeds give every article a photo whose
    caption is often longer than the article's description, and the longer of the two
    would be the article's text. A description of the entry itself (YouTube's
    ``media:group``) is kept. A feed the strict parser refuses is left as it is.
    """
    if b"search.yahoo.com/mrss" not in content or b"description" not in content:
        return content
    try:
        root = etree.fromstring(content, _strict_parser())
    except (etree.XMLSyntaxError, ValueError):
        return content
    captions = [
        caption
        for namespace in _MEDIA_NAMESPACES
        for caption in root.iterfind(f".//{{{namespace}}}content/{{{namespace}}}description")
    ]
    if not captions:
        return content
    for caption in captions:
        caption.getparent().remove(caption)
    tree = root.getroottree()
    # The bytes keep their encoding, so that a charset header still describes them.
    try:
        return bytes(etree.tostring(tree, encoding=tree.docinfo.encoding, xml_declaration=True))
    except (LookupError, ValueError):  # an encoding lxml reads but cannot write
        return content


def read_entries(content: bytes, headers: dict[str, str]) -> dict[str, Any] | None:
    """The feed as feedparser.parse shapes it (the fields presswatch reads), or None for
    feedparser to read it."""
    if not _is_plain_utf8(content, headers):
        return None
    try:
        root = etree.fromstring(content, _strict_parser())
    except (etree.XMLSyntaxError, ValueError):
        return None
    try:
        if root.tag == "rss" and root.get("version", "").startswith("2."):
            channels = root.findall("channel")
            if len(channels) != 1:
                return None
            titles = channels[0].findall("title")
            if len(titles) != 1:
                return None
            title, title_detail = _rss_title(titles[0])
            language = channels[0].findtext("language")
            entries = [_rss_entry(item) for item in channels[0].iterchildren("item")]
        elif root.tag == f"{ATOM}feed":
            titles = root.findall(f"{ATOM}title")
            if len(titles) != 1:
                return None
            title, title_detail = _atom_text(titles[0])
            language = root.get("{http://www.w3.org/XML/1998/namespace}lang")
            entries = [_atom_entry(entry) for entry in root.iterchildren(f"{ATOM}entry")]
        else:
            return None
    except _NeedsFeedparser:
        return None
    if sum(1 for _ in root.iter("{*}item", "{*}entry")) != len(entries):
        return None  # entries elsewhere than where they belong: feedparser's tolerance
    if b"xml:base" in content and not all(
        _unchanged_by_any_base(fields[name])
        for fields in entries
        for name in ("link", "id")
        if name in fields and (name == "link" or fields.get("id_is_permalink", True))
    ):
        return None
    for fields in entries:
        for name in DATES:
            raw = fields.get(name)
            if raw is not None:
                fields[f"{name}_parsed"] = feedparser_date(raw) if raw else None
    feed = {"title": title, "title_detail": title_detail}
    if language and language.strip():  # as feedparser gives it: read entries' dates in it
        feed["language"] = language.strip()
    return {"bozo": False, "feed": feed, "entries": entries}

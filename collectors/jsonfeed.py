"""JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/), read into feedparser's shape.

feedparser 6 reads XML only, and collectors.fastfeed is presswatch's own lxml reader of
plain RSS and Atom. Of the maintained parsers that read JSON Feed, fastfeedparser keeps an
item's first author only, drops its language and writes dates its own way, and would bring
a compiled extension for one format; the spec is a dozen fields. So this module reads it
with pydantic, one item at a time (an item that breaks the spec is skipped with its reason,
the others are kept), and gives each item the names feedparser gives an entry: the RSS
collector then applies the same identity, date and text rules to both.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin, urlsplit

from feedparser.datetimes import _parse_date as feedparser_date
from feedparser.mixin import _FeedParserMixin
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

looks_like_html = _FeedParserMixin.looks_like_html
JSON_FEED_VERSIONS = ("https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1")


class _Lenient(BaseModel):
    """Fields presswatch does not read (images, tags, attachments, extensions) are ignored."""

    model_config = ConfigDict(extra="ignore")


class JsonFeedAuthor(_Lenient):
    """An author object: presswatch keeps the name."""

    name: str | None = None


def _as_text(value: Any) -> Any:
    """A number where the spec asks for a string (an id): the spec says to read it as one."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class JsonFeedItem(_Lenient):
    """One item of a JSON Feed, as the spec defines the fields presswatch reads."""

    id: str | None = None
    url: str | None = None
    external_url: str | None = None
    title: str | None = None
    content_html: str | None = None
    content_text: str | None = None
    summary: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    author: JsonFeedAuthor | None = None  # 1.0
    authors: list[JsonFeedAuthor] | None = None  # 1.1
    language: str | None = None  # 1.1

    _text_id = field_validator("id", mode="before")(_as_text)


class JsonFeed(_Lenient):
    """A JSON Feed document: its items are read one by one (JsonFeedItem)."""

    version: str | None = None
    title: str | None = None
    home_page_url: str | None = None
    feed_url: str | None = None
    language: str | None = None
    items: list[Any]


def looks_like_json(content: bytes, headers: dict[str, str]) -> bool:
    """Whether a body is JSON rather than XML: its first character, or its Content-Type."""
    start = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"{", b"["):
        return True
    kind = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return kind in ("application/feed+json", "application/json") and start != b"<"


def _first_error(exc: ValidationError) -> str:
    """A pydantic error as one short phrase: the field and what is wrong with it."""
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "the item"
    return f"{where}: {error['msg'].lower()}"


def _date(value: str | None) -> tuple[str | None, Any]:
    """An RFC 3339 date and its parsed form, by feedparser's own date parser."""
    if not value or not value.strip():
        return None, None
    return value.strip(), feedparser_date(value.strip())


def _link(item: JsonFeedItem, base: str | None) -> str | None:
    """The item's page: its url, else the page it links to (a link blog's external_url);
    a relative one is resolved against the feed's home page."""
    link = (item.url or "").strip() or (item.external_url or "").strip()
    if link and base and not urlsplit(link).scheme:
        link = urljoin(base, link)
    return link or None


def _plain_or_html(text: str) -> dict[str, str]:
    """The spec's titles and summaries are plain text, but publishers escape them as HTML
    (``&amp;``): read as feedparser reads an RSS title, HTML when it looks like HTML."""
    return {"type": "text/html" if looks_like_html(text) else "text/plain"}


def _entry(item: JsonFeedItem, feed: JsonFeed) -> dict[str, Any]:
    """One item in the shape of a feedparser entry (the fields the RSS collector reads)."""
    fields: dict[str, Any] = {}
    if item.id is not None and item.id.strip():
        fields["id"] = item.id.strip()
    link = _link(item, feed.home_page_url or feed.feed_url)
    if link:
        fields["link"] = link
    if item.title:
        fields["title"], fields["title_detail"] = item.title, _plain_or_html(item.title)
    # Both forms are the same content: the HTML keeps its paragraphs, the text is used
    # when there is no HTML.
    if item.content_html:
        fields["content"] = [{"value": item.content_html, "type": "text/html"}]
    elif item.content_text:
        fields["content"] = [{"value": item.content_text, "type": "text/plain"}]
    if item.summary:
        fields["summary"], fields["summary_detail"] = item.summary, _plain_or_html(item.summary)
    for name, value in (("published", item.date_published), ("updated", item.date_modified)):
        raw, parsed = _date(value)
        if raw:
            fields[name], fields[f"{name}_parsed"] = raw, parsed
    people = item.authors if item.authors else ([item.author] if item.author else [])
    names = [p.name.strip() for p in people if p.name and p.name.strip()]
    if names:
        fields["author"] = ", ".join(dict.fromkeys(names))
    language = item.language or feed.language
    if language:
        fields["language"] = language
    return fields


def read_json_feed(content: bytes) -> dict[str, Any]:
    """A JSON Feed as feedparser.parse shapes a feed, with ``problems`` for skipped items
    and ``entries_seen``; ``bozo`` with a reason in words when it cannot be read whole."""
    try:
        # strict=False: raw control characters inside strings (a tab, a line break) are a
        # common slip of hand-made feeds, and they change nothing of the meaning.
        document = json.loads(content, strict=False)
    except UnicodeDecodeError:
        return _unreadable("not a readable JSON Feed: it is not UTF-8 text, as JSON must be")
    except json.JSONDecodeError as exc:
        end = " (the body ends early: a truncated download?)" if exc.pos >= len(content) - 1 else ""
        where = f"line {exc.lineno} column {exc.colno}"
        return _unreadable(f"not a readable JSON Feed: invalid JSON at {where}: {exc.msg}{end}")
    if isinstance(document, dict) and isinstance(document.get("rss"), dict):
        return _unreadable(
            "this is RSS written as JSON ('rss' and 'channel' objects), not a JSON Feed: "
            "use the site's XML feed"
        )
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        return _unreadable(
            "this is a JSON document, not a JSON Feed (no 'items' list): check the feed URL"
        )
    try:
        feed = JsonFeed.model_validate(document)
    except ValidationError as exc:
        return _unreadable(f"not a readable JSON Feed: {_first_error(exc)}")
    entries: list[dict[str, Any]] = []
    problems: list[str] = []
    for number, raw in enumerate(feed.items, 1):
        try:
            item = JsonFeedItem.model_validate(raw)
        except ValidationError as exc:
            problems.append(f"JSON Feed item {number}: {_first_error(exc)}: skipped")
            continue
        entries.append(_entry(item, feed))
    version = (feed.version or "").strip().rstrip("/").replace("http://", "https://")
    parsed: dict[str, Any] = {
        "version": "json1" if version in JSON_FEED_VERSIONS else "json",
        "bozo": False,
        "feed": {"title": feed.title or "", "title_detail": _plain_or_html(feed.title or "")},
        "entries": entries,
        "entries_seen": len(feed.items),
        "problems": problems,
    }
    if version not in JSON_FEED_VERSIONS:
        # Read anyway (the items are what matters), flagged as any ill-formed feed is.
        parsed["bozo"] = True
        parsed["bozo_exception"] = (
            f"a JSON Feed whose version is {feed.version!r}, not one of jsonfeed.org's"
            if feed.version
            else "a JSON Feed without its 'version'"
        )
    return parsed


def _unreadable(reason: str) -> dict[str, Any]:
    """A body that gave no items, with the reason."""
    return {"version": "", "bozo": True, "bozo_exception": reason, "feed": {}, "entries": []}

"""News-search feeds of an aggregator (Google News) built from a company's name or query.

The cheapest way for a small team to cover thousands of outlets. Their entries name the
outlet in a <source> element and again as a " - Outlet" title suffix (stripped here), and
link through the aggregator: where the link encodes the publisher's URL, it is resolved, so
the same article from a direct feed is recognised as the same article.
"""

from __future__ import annotations

import base64
import dataclasses
from urllib.parse import urlsplit

from collectors import CollectContext, CollectResult
from collectors.rss import collect_feed
from presswatch.config import NewsSourceConfig, RssSourceConfig
from presswatch.models import Article, make_article_id


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while position < len(data):
        byte = data[position]
        value |= (byte & 0x7F) << shift
        position += 1
        if not byte & 0x80:
            break
        shift += 7
    return value, position


def resolve_aggregator_link(url: str) -> str:
    """The publisher's URL encoded in a Google News article link, or the link unchanged.

    Older links carry the URL in a base64 protobuf (field 4, a length-prefixed string);
    newer ones ("AU_yqL...") are opaque and cannot be resolved without a request.
    """
    parts = urlsplit(url)
    if "news.google." not in parts.netloc or "/articles/" not in parts.path:
        return url
    token = parts.path.rsplit("/articles/", 1)[-1].split("/")[0]
    try:
        data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        return url
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        wire = key & 0x07
        if wire == 2:
            length, position = _varint(data, position)
            value = data[position : position + length]
            position += length
            if value.startswith((b"http://", b"https://")):
                try:
                    return value.decode("utf-8")
                except UnicodeDecodeError:
                    return url
        elif wire == 0:
            _, position = _varint(data, position)
        else:
            return url
    return url


def clean_entry(article: Article, source_name: str, entry_key: str) -> Article:
    """Outlet from the title suffix, title without it, publisher link resolved."""
    title = article.title
    outlet = article.outlet
    if title and " - " in title:
        head, _, suffix = title.rpartition(" - ")
        if head and (outlet is None or suffix.strip() == outlet or outlet == source_name):
            title, outlet = head.strip(), suffix.strip()
    url = resolve_aggregator_link(article.url) if article.url else None
    return dataclasses.replace(
        article,
        title=title,
        outlet=outlet,
        url=url,
        id=make_article_id(url, source_name, entry_key),
    )


def collect_news(source: NewsSourceConfig, context: CollectContext) -> CollectResult:
    """Collect every edition's search feed; one result for the source."""
    merged = CollectResult("ok")
    errors = []
    by_id: dict[str, Article] = {}
    for url in source.feed_urls():
        feed = RssSourceConfig(name=source.name, kind="rss", url=url, every=source.every)
        # The aggregator's search feeds answer no conditional GET: no validators to keep.
        edition = collect_feed(feed, dataclasses.replace(context, state=None, defer=False))
        merged.http_status = edition.http_status
        if edition.status == "failed":
            errors.append(edition.error or "failed")
            merged.retry_after = edition.retry_after or merged.retry_after
            continue
        merged.entries_seen += edition.entries_seen
        merged.problems.extend(edition.problems)
        for article in edition.articles:
            cleaned = clean_entry(article, source.name, article.entry_key)
            by_id.setdefault(cleaned.id, cleaned)
    merged.articles = list(by_id.values())
    if errors and not merged.entries_seen:
        return CollectResult(
            "failed",
            error="; ".join(dict.fromkeys(errors)),
            http_status=merged.http_status,
            retry_after=merged.retry_after,
        )
    merged.problems.extend(f"one edition failed: {e}" for e in errors)
    return merged

"""RSS, Atom, RDF and JSON feeds over HTTP: conditional GET; plain XML feeds read fast, other
XML by feedparser, JSON Feed by collectors.jsonfeed."""

from __future__ import annotations

import hashlib
import logging
import ssl
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from html import escape
from typing import Any
from xml.sax import SAXException

import feedparser
import httpx

from collectors import CollectContext, CollectResult
from collectors.fastfeed import read_entries, without_media_captions
from collectors.formats import describe_unreadable
from collectors.fulltext import BUDGET_SPENT, with_fulltext
from collectors.http import (
    HOSTS,
    AddressPolicy,
    describe_http_error,
    guarded_stream,
    read_body,
    shared_client,
)
from collectors.jsonfeed import looks_like_json, read_json_feed
from collectors.schedule import read_retry_after
from presswatch.analysis.nlp.html import html_to_text
from presswatch.config import RssSourceConfig
from presswatch.dates import from_struct_time, is_in_future, offset_problem, parse_free_date
from presswatch.models import Article, DatePrecision, make_article_id
from presswatch.urls import canonical_url

log = logging.getLogger(__name__)

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.9, */*;q=0.5"
)


def _as_html(value: str, detail: Any) -> str:
    """A text construct as HTML: plain text is escaped, so that a '<' stays a character."""
    kind = detail.get("type") if hasattr(detail, "get") else None
    return escape(value, quote=False) if kind == "text/plain" else value


def _entry_text(entry: Any) -> str:
    contents = [_as_html(c.get("value") or "", c) for c in entry.get("content") or []]
    best = max(contents, key=len, default="")
    summary = _as_html(entry.get("summary", "") or "", entry.get("summary_detail"))
    return html_to_text(best if len(best) >= len(summary) else summary)


def _entry_date(
    entry: Any, now: datetime, languages: tuple[str, ...]
) -> tuple[datetime, DatePrecision, str, list[str], list[str]]:
    """The entry's date, its precision and source, its flags, and notes on dates refused.

    The first of published, updated and created that reads as a real date wins. A date
    with an offset that cannot exist ("+9900") is refused (feedparser would shift it by
    99 hours); a relative one ("hier") is kept to the day; without any, the collection
    time stands in, flagged, and date_source says so: it is never shown as published.
    """
    flags: list[str] = []
    notes: list[str] = []
    for key in ("published", "updated", "created"):
        raw = str(entry.get(key) or "").strip()
        if raw and (problem := offset_problem(raw)):
            flags.append("unreadable_date")
            notes.append(f"its {key} date {raw!r} is ignored: {problem}")
            continue
        value = from_struct_time(entry.get(f"{key}_parsed"))
        precision: DatePrecision = "datetime"
        if value is None and raw:
            parsed = parse_free_date(raw, languages, now)
            if parsed is None:
                flags.append("unreadable_date")
                notes.append(f"its {key} date {raw!r} is not a date presswatch can read")
                continue
            value, precision = parsed.value, parsed.precision
        if value is None:
            continue
        if is_in_future(value, now):
            flags.append("future_date")
            break
        return value, precision, "feed", flags, notes
    flags.append("date_from_first_seen")
    return now, "datetime", "first_seen", flags, notes


def _date_languages(feed: Any, entry: Any, configured: tuple[str, ...]) -> tuple[str, ...]:
    """The languages to read an entry's dates in: the configured ones, then the entry's and
    the feed's declared language ("pt-BR" reads as "pt")."""
    declared = [
        str(value or "").strip().lower().replace("_", "-").split("-")[0]
        for value in (entry.get("language"), feed.get("language") if feed else None)
    ]
    return tuple(dict.fromkeys([*configured, *(d for d in declared if d.isalpha())]))


def _entry_key(entry: Any, text: str, guid_is_id: bool) -> tuple[str, bool] | None:
    """The entry's key within its feed, and whether it is its guid: the guid, else the
    canonical link, else a hash of title, date and text; None without guid, link or title.

    The hash keys an entry that has neither: it is the same entry while it reads the same.
    """
    guid = (entry.get("id") or "").strip()
    if guid and guid_is_id:
        return guid, True
    link = (entry.get("link") or "").strip()
    if link:
        return canonical_url(link), False
    if guid:
        return guid, True
    title = (entry.get("title") or "").strip()
    when = (entry.get("published") or entry.get("updated") or "").strip()
    if title:
        digest = hashlib.sha256(f"{title}\x00{when}\x00{text}".encode()).hexdigest()[:24]
        return "hash:" + digest, False
    return None


def _guids_that_are_no_ids(entries: list[Any]) -> set[str]:
    """Guids that several entries of the feed share under different links: a feed that
    gives every item one guid (its home page, say) would otherwise be a single article."""
    links: dict[str, set[str]] = {}
    for entry in entries:
        guid = (entry.get("id") or "").strip()
        link = (entry.get("link") or "").strip()
        if guid and link:
            links.setdefault(guid, set()).add(canonical_url(link))
    return {guid for guid, seen in links.items() if len(seen) > 1}


def prepare_body(content: bytes) -> tuple[bytes, bool]:
    """The body as presswatch reads it, and whether it had blank space before its XML
    declaration (then removed); its media objects' captions are removed too."""
    stripped = content.lstrip()
    blank_first = len(stripped) != len(content) and stripped.startswith(b"<?xml")
    return without_media_captions(stripped if blank_first else content), blank_first


def read_feed(content: bytes, headers: dict[str, str], *, fast: bool = True) -> Any:
    """The feed as feedparser shapes it: from the fast path when it can read the feed, from
    collectors.jsonfeed for a JSON body."""
    if looks_like_json(content, headers):
        return read_json_feed(content)
    # Blank lines before the XML declaration (a common slip of publishing tools) make a
    # feed ill-formed, and feedparser then reads it with its slowest parser: 0.4 s for one
    # 600 KB feed of the corpus. Without them, the strict parser or the fast path reads the
    # same articles (all 12 such files of the corpus); the feed is still flagged.
    content, blank_first = prepare_body(content)
    parsed = read_entries(content, headers) if fast else None
    if parsed is None:
        # presswatch keeps the text of an entry's HTML, never its links: resolving every
        # relative URI inside the HTML was a quarter of feedparser's time on real feeds
        # (bench/RESULTS.md) and changes no article's text. Entry links are still resolved.
        parsed = feedparser.parse(content, response_headers=headers, resolve_relative_uris=False)
    if blank_first and not parsed.get("bozo"):
        parsed["bozo"] = True
        parsed["bozo_exception"] = (
            "blank space before the XML declaration (a feed must start with '<?xml')"
        )
    return parsed


def parse_feed(
    content: bytes,
    source_name: str,
    context: CollectContext,
    headers: dict[str, str] | None = None,
    fast: bool = True,
) -> CollectResult:
    """Parse a feed body into articles; an entry that cannot be read is skipped and counted.

    A plain, well-formed feed is read by the fast path (collectors.fastfeed), any other by
    feedparser; ``fast=False`` always uses feedparser (the conformance check compares both).
    """
    if not content.strip():
        return CollectResult("failed", error="the server sent an empty body instead of a feed")
    parsed = read_feed(content, headers or {}, fast=fast)
    entries = parsed.get("entries") or []
    feed = parsed.get("feed") or {}
    feed_title = (
        html_to_text(_as_html(feed.get("title", "") or "", feed.get("title_detail"))) or None
    )
    # No entries, and the parser found errors or no feed format (its version is then ''):
    # say what the body is instead (an HTML page, a sitemap, JSON that is no JSON Feed...).
    if not entries and (parsed.get("bozo") or parsed.get("version", "feed") == ""):
        reason = parsed.get("bozo_exception")
        if looks_like_json(content, headers or {}):
            return CollectResult("failed", error=str(reason))
        # feedparser also flags a missing or odd Content-Type: only a SAX error is ill-formed.
        well_formed = not isinstance(reason, SAXException)
        return CollectResult(
            "failed", error=describe_unreadable(content, reason, well_formed=well_formed)
        )
    seen = int(parsed.get("entries_seen", len(entries)))
    result = CollectResult("ok", title=feed_title, entries_seen=seen)
    result.problems.extend(parsed.get("problems") or [])
    flags_feed: tuple[str, ...] = ("ill_formed_feed",) if parsed.get("bozo") else ()
    if flags_feed:
        result.problems.append(
            f"ill-formed feed, entries read anyway: {parsed.get('bozo_exception')}"
        )
    outlet = feed_title or source_name
    try:
        shared = _guids_that_are_no_ids(entries)
    except ValueError:  # a link urllib cannot split: that entry says so below
        shared = set()
    for guid in sorted(shared):
        result.problems.append(
            f"several entries share the guid {guid!r} under different links: "
            "each is identified by its link"
        )
    for position, entry in enumerate(entries):
        notes: list[str] = []
        try:
            article = _article(entry, source_name, outlet, flags_feed, shared, context, feed, notes)
        except ValueError as exc:  # one unreadable entry (a link urllib refuses) only
            result.problems.append(f"entry {position + 1} cannot be read ({exc}): skipped")
            continue
        if article is None:
            result.problems.append(f"entry {position + 1} has no id, link or title: skipped")
            continue
        result.problems.extend(f"entry {position + 1}: {note}" for note in notes)
        result.articles.append(article)
    return result


def _article(
    entry: Any,
    source_name: str,
    outlet: str,
    flags_feed: tuple[str, ...],
    shared_guids: set[str],
    context: CollectContext,
    feed: Any = None,
    notes: list[str] | None = None,
) -> Article | None:
    """One entry as an Article, or None when it has no id, link or title; what was
    refused of its dates is added to ``notes``."""
    title: str | None = html_to_text(
        _as_html(entry.get("title", "") or "", entry.get("title_detail"))
    )
    text = unicodedata.normalize("NFC", _entry_text(entry))
    title = unicodedata.normalize("NFC", title) if title else None
    guid = (entry.get("id") or "").strip()
    keyed = _entry_key(entry, text, guid not in shared_guids)
    if keyed is None:
        return None
    key, by_guid = keyed
    link = (entry.get("link") or "").strip() or None
    published, precision, date_source, flags, date_notes = _entry_date(
        entry, context.now, _date_languages(feed, entry, context.languages)
    )
    if notes is not None:
        notes.extend(date_notes)
    author = (entry.get("author") or "").strip() or None
    # RSS <source> names the channel an item came from (aggregators use it for the outlet).
    origin = entry.get("source") or {}
    entry_outlet = html_to_text(origin.get("title", "") or "") if hasattr(origin, "get") else ""
    # The language is detected at analysis, for the articles that name a company: the
    # others are in no figure, and detection was a third of a feed's parsing time. A
    # JSON Feed states it per item (feedparser gives RSS and Atom entries none): kept
    # when it is one of the configured languages.
    declared = str(entry.get("language") or "").strip().lower().replace("_", "-").split("-")[0]
    language = declared if declared in context.languages else None
    return Article(
        id=make_article_id(link, source_name, key, guid=key if by_guid else None),
        source=source_name,
        entry_key=key,
        text=text,
        title=title,
        url=link,
        outlet=entry_outlet or outlet,
        author=author,
        published=published,
        date_precision=precision,
        date_source=date_source,
        language=language,
        flags=flags_feed + tuple(flags),
    )


def collect_feed(
    source: RssSourceConfig, context: CollectContext, client: httpx.Client | None = None
) -> CollectResult:
    """Fetch a feed with a conditional GET and parse it; every failure becomes one message."""
    headers = {
        "User-Agent": context.user_agent,
        "Accept": ACCEPT,
    }
    state = context.state
    if state and state.etag:
        headers["If-None-Match"] = state.etag
    if state and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    http = client or shared_client()
    policy = AddressPolicy.for_source(source.url, source.name, source.allow_private_addresses)
    try:
        with (
            HOSTS.slot(source.url),
            guarded_stream(
                http,
                source.url,
                headers=headers,
                what="feed",
                policy=policy,
                cancel=context.cancel,
            ) as response,
        ):
            if response.status_code == 304:
                return CollectResult(
                    "not_modified",
                    http_status=304,
                    etag=state.etag if state else None,
                    last_modified=state.last_modified if state else None,
                )
            if response.status_code >= 400:
                reason = response.reason_phrase or "error"
                status_code = response.status_code
                retry_after = None
                message = f"the server answered {status_code} {reason} for {source.url}"
                if status_code in (429, 503):
                    retry_after, note = read_retry_after(
                        response.headers.get("retry-after"), context.now
                    )
                    if note:
                        message += f"; {note}"
                    if retry_after is not None:
                        message += f"; it asked to wait until {retry_after:%Y-%m-%d %H:%M} UTC"
                elif status_code == 410:
                    message += ": the feed is gone; the source is disabled until its URL changes"
                return CollectResult(
                    "failed", http_status=status_code, error=message, retry_after=retry_after
                )
            body = read_body(response, source.max_feed_mb, "feed")
            response_headers = {k.lower(): v for k, v in response.headers.items()}
            status = response.status_code
    except (httpx.HTTPError, ssl.SSLError, OSError) as exc:
        return CollectResult("failed", error=describe_http_error(exc, source.url))
    except ValueError as exc:
        return CollectResult("failed", error=str(exc))
    # feedparser would decompress again and trust a charset header that httpx already used
    response_headers.pop("content-encoding", None)

    def parse() -> CollectResult:
        result = parse_feed(body, source.name, context, response_headers)
        result.http_status = status
        result.etag = response_headers.get("etag")
        result.last_modified = response_headers.get("last-modified")
        return result

    if source.fulltext or not context.defer:
        # Full text: the pages are fetched here, in this thread: parse first to know them.
        result = parse()
        if source.fulltext and result.status == "ok":
            _add_fulltext(result, context, http, policy)
        return result
    # Parsing is pure Python: left to the thread that writes, where it costs no contention
    # (8 parsing threads made the first collection 1.5 times slower, bench_feeds.py).
    return CollectResult("fetched", http_status=status, finish=parse)


# Full-text pages of one feed, fetched a few at once (each host still sees at most
# HOSTS.per_host requests at a time), within a budget per collection: a feed of slow pages
# must not hold its fetching thread for an hour. Entries past the budget keep their summary.
FULLTEXT_WORKERS = 4
FULLTEXT_MAX_PAGES = 60
FULLTEXT_BUDGET_SECONDS = 240.0


def _add_fulltext(
    result: CollectResult, context: CollectContext, http: httpx.Client, policy: AddressPolicy
) -> None:
    """Fetch the pages of the entries not stored yet, a few at once, within the budget;
    keep the summary where that fails, and say why."""
    headers = {"User-Agent": context.user_agent, "Accept": "text/html,application/xhtml+xml"}
    wanted = [i for i, article in enumerate(result.articles) if not context.known(article)]
    budget_end = time.monotonic() + FULLTEXT_BUDGET_SECONDS
    reasons: dict[int, str] = {}

    def fetch(index: int) -> None:
        if time.monotonic() >= budget_end:
            reasons[index] = BUDGET_SPENT
            return
        updated, why = with_fulltext(
            result.articles[index],
            http,
            headers,
            policy=policy,
            cancel=context.cancel,
            deadline=budget_end,
        )
        result.articles[index] = updated
        if why:
            reasons[index] = why

    with ThreadPoolExecutor(FULLTEXT_WORKERS, thread_name_prefix="fulltext") as pool:
        for future in [pool.submit(fetch, index) for index in wanted[:FULLTEXT_MAX_PAGES]]:
            future.result()
    for index in wanted[FULLTEXT_MAX_PAGES:]:
        reasons[index] = (
            f"not fetched: at most {FULLTEXT_MAX_PAGES} full-text pages per feed per collection"
        )
    for index in sorted(reasons):
        url = result.articles[index].url
        result.problems.append(f"{url}: summary kept: {reasons[index]}")

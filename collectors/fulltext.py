"""Full text of a feed entry: fetch its page and extract the article body with trafilatura.

Feeds often carry only a summary. When an extraction yields little, or template text (an
unrendered "{{ }}" page, a cookie wall), the summary is kept and the reason recorded.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time

import httpx

from collectors.http import HOSTS, AddressPolicy, describe_http_error, guarded_stream, read_body
from collectors.pagetext import extract_page
from presswatch.models import Article

MAX_PAGE_MB = 5
BUDGET_SPENT = "not fetched: this collection's time for full-text pages was spent"
# Below this many characters an "article" is a teaser, a paywall or an error page.
MIN_FULLTEXT_CHARS = 400
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_COOKIE_WALL = re.compile(
    r"\b(accept(ez)? (all )?(the )?cookies|cookie (policy|settings|consent)|"
    r"consentement|gérer (mes|les) (choix|cookies)|nous utilisons des cookies)\b",
    re.IGNORECASE,
)


def extract_fulltext(html: bytes, url: str | None) -> tuple[str | None, str | None, str]:
    """(text, site name, why not) from a page; text is None when the summary should stay.

    The text has the page's lead first and no related-content boxes (collectors.pagetext).
    """
    page = extract_page(html, url)
    text, site = page.text, page.sitename
    if text is None:
        return None, site, page.why
    if _TEMPLATE.search(text):
        return None, site, "the page is an unrendered template"
    if len(text) < MIN_FULLTEXT_CHARS:
        if _COOKIE_WALL.search(text):
            return None, site, "a cookie wall stands before the article"
        return None, site, f"the page holds only {len(text)} characters of text"
    if _COOKIE_WALL.search(text[:600]) and len(text) < 3 * MIN_FULLTEXT_CHARS:
        return None, site, "a cookie wall stands before the article"
    return text, site, ""


def with_fulltext(
    article: Article,
    client: httpx.Client,
    headers: dict[str, str],
    *,
    policy: AddressPolicy | None = None,
    cancel: threading.Event | None = None,
    deadline: float | None = None,
) -> tuple[Article, str | None]:
    """The article with its page's full text, or unchanged with the reason it was kept.

    The page is fetched under the feed's address ``policy``, by the monotonic ``deadline``
    at the latest (the run's budget for full text), and stops when ``cancel`` is set.
    """
    if not article.url:
        return article, "no link to fetch"
    try:
        with HOSTS.slot(article.url):
            if deadline is not None and time.monotonic() >= deadline:
                return article, BUDGET_SPENT  # spent while waiting for the host
            with guarded_stream(
                client,
                article.url,
                headers=headers,
                what="page",
                policy=policy,
                cancel=cancel,
                deadline=deadline,
            ) as response:
                if response.status_code >= 400:
                    return article, f"the page answered {response.status_code}"
                page = read_body(response, MAX_PAGE_MB, "page")
    except httpx.HTTPError as exc:
        return article, describe_http_error(exc, article.url)
    except ValueError as exc:  # too large, too slow, or an internal address
        return article, str(exc)
    text, site, why = extract_fulltext(page, article.url)
    if text is None:
        flags = (*article.flags, "summary_only")
        return dataclasses.replace(article, flags=flags), why
    # Keep the summary's first words as the lead when the page repeats them: no loss.
    changes: dict[str, object] = {"text": text, "flags": (*article.flags, "fulltext")}
    if site and (not article.outlet or article.outlet == article.source):
        changes["outlet"] = site
    return dataclasses.replace(article, **changes), None  # type: ignore[arg-type]

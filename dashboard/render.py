"""Untrusted text to safe HTML: everything escaped, mentions highlighted on the escaped text."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Any

from presswatch.export import format_date

# One colour per company slot, readable on light and dark themes.
PALETTE = ["#fde68a", "#bfdbfe", "#fecaca", "#bbf7d0", "#ddd6fe", "#fed7aa", "#a5f3fc", "#e5e7eb"]
# The words a search found (no company has it).
SEARCH_COLOR = "#f5d0fe"


def highlight(text: str, spans: Iterable[tuple[int, int, str]], colors: dict[str, str]) -> str:
    """HTML of ``text`` with each (start, end, company) span in a <mark>; all text escaped.

    Overlapping spans keep the first one. The result holds no markup but our own marks and
    line breaks: an article's ``<img onerror=...>`` or markdown link shows as plain text.
    """
    out: list[str] = []
    cursor = 0
    for start, end, company in sorted(spans):
        if start < cursor or start >= end or end > len(text):
            continue
        out.append(_escape(text[cursor:start]))
        color = colors.get(company, PALETTE[-1])
        out.append(
            f'<mark style="background:{color};color:#111;padding:0 2px;border-radius:3px" '
            f'title="{html.escape(company, quote=True)}">{_escape(text[start:end])}</mark>'
        )
        cursor = end
    out.append(_escape(text[cursor:]))
    return "".join(out)


def _escape(fragment: str) -> str:
    return html.escape(fragment, quote=True).replace("\n", "<br>")


def article_html(title_html: str | None, body_html: str) -> str:
    """A readable block from two fragments that ``highlight`` made safe: title, then text."""
    heading = f"<h3>{title_html}</h3>" if title_html else ""
    return f'<div style="line-height:1.6">{heading}<div>{body_html}</div></div>'


def company_colors(companies: list[str]) -> dict[str, str]:
    """A stable colour per company, in config order."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(companies)}


# Where an article's date comes from, as the article view says it (translated by the view).
DATE_ORIGINS = {
    "feed": "from the feed",
    "page": "from the page's metadata",
    "metadata": "from the file's metadata",
    "export": "from the exported file",
}


def date_line(published: Any, precision: Any, source: str | None, t: Callable[..., str]) -> str:
    """The article view's date: its value and where it comes from; a collection time is
    said to be one ("date unknown, first seen ..."), never shown as the publication date."""
    if source == "first_seen":
        return t("Date: unknown, first seen {when}", when=format_date(published, "datetime"))
    date = format_date(published, precision)
    if not date:
        return t("Date: {date}", date=t("unknown"))
    origin = DATE_ORIGINS.get(source or "")
    if origin is None:
        return t("Date: {date}", date=date)
    return t("Date: {date} ({origin})", date=date, origin=t(origin))

"""The records that cross every boundary: an Article and the Mentions found in it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

DatePrecision = Literal["datetime", "day", "month", "year"]
"""How much of ``published`` is known; ``None`` on an article means the date is unknown."""

Prominence = Literal["title", "lead", "body"]
MentionKind = Literal["alias", "person"]
TextField = Literal["title", "text"]

# What every figure calls an article without an outlet (or an author), in SQL and pandas.
UNKNOWN_OUTLET = "(unknown)"


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of a company (or of one of its spokespeople) in an article."""

    company: str
    alias: str
    matched: str
    field: TextField
    start: int
    end: int
    sentence: str
    prominence: Prominence
    kind: MentionKind = "alias"
    tone_score: float | None = None
    tone_label: str | None = None


@dataclass(frozen=True, slots=True)
class CompanyTone:
    """The tone of an article towards one company, and the sentence it rests on."""

    company: str
    score: float
    label: str
    evidence: str


@dataclass(frozen=True, slots=True)
class Topic:
    """A theme of the taxonomy found in an article, with the sentence it stands in."""

    topic: str
    keyword: str
    sentence: str


@dataclass(frozen=True, slots=True)
class Article:
    """An article as a collector found it, with the mentions found in it once analysed.

    ``published`` is timezone-aware UTC when known. ``date_precision`` says whether it is
    known to the second, the day, the month or the year; both are ``None`` when unknown:
    a date that is not known is never invented.
    """

    id: str
    source: str
    entry_key: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: datetime | None = None
    date_precision: DatePrecision | None = None
    date_source: str | None = None
    language: str | None = None
    flags: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = field(default=(), compare=False)
    story_id: str | None = field(default=None, compare=False)
    tone_score: float | None = field(default=None, compare=False)
    tone_label: str | None = field(default=None, compare=False)
    company_tones: tuple[CompanyTone, ...] = field(default=(), compare=False)
    topics: tuple[Topic, ...] = field(default=(), compare=False)
    signature: bytes | None = field(default=None, compare=False, repr=False)

    @property
    def content_hash(self) -> str:
        """A hash of what a reader sees: a changed hash means the article was edited."""
        parts = [
            self.title or "",
            self.text,
            self.url or "",
            self.outlet or "",
            self.author or "",
            # A first-seen date is not the article's own: it must not make it look edited.
            self.published.isoformat()
            if self.published and self.date_source != "first_seen"
            else "",
            self.date_precision or "" if self.date_source != "first_seen" else "",
        ]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def make_article_id(url: str | None, source: str, entry_key: str) -> str:
    """A stable id: from the canonical URL when there is one, else from source and entry key.

    Keying on the URL is what lets the same article reached through two feeds be stored once.
    """
    from presswatch.urls import canonical_url

    basis = "url:" + canonical_url(url) if url else f"entry:{source}\x00{entry_key}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:20]

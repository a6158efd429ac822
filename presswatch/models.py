"""The records that cross every boundary: an Article and its Mentions, the filters of a view,
and what is remembered of sources and files between runs."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlsplit

from presswatch.urls import canonical_url

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


Verdict = Literal["right", "wrong"]
"""A person's verdict on a mention: the company is meant (right) or not (wrong)."""


@dataclass(frozen=True, slots=True)
class MentionKey:
    """Which mention a review is about: its article and company, where it stands and what
    it matched. Not the mention's id: a reanalysis rewrites the mentions, and the key still
    names the same one while the article's text is unchanged."""

    article_id: str
    company: str
    field: TextField
    start: int
    matched: str

    @classmethod
    def of(cls, article_id: str, mention: Mention) -> MentionKey:
        """The key of one of an article's mentions."""
        return cls(article_id, mention.company, mention.field, mention.start, mention.matched)


@dataclass(frozen=True, slots=True)
class CompanyTone:
    """The tone of an article towards one company, and the sentence it rests on."""

    company: str
    score: float
    label: str
    evidence: str


def tone_of_sentences(scored: Mapping[str, float]) -> tuple[float, str]:
    """A company's tone in an article from its sentences' scores (each sentence once): the
    mean, and as evidence the sentence that weighs most in the mean's direction."""
    score = sum(scored.values()) / len(scored)
    evidence = max(scored, key=lambda s: scored[s] * (1 if score >= 0 else -1))
    return score, evidence


@dataclass(frozen=True, slots=True)
class Topic:
    """A theme of the taxonomy in an article for one company: the keyword and the sentence
    naming the company it rests on, its weight and its rank (1: the article's main theme
    for that company)."""

    topic: str
    keyword: str
    sentence: str
    company: str = ""
    weight: float = 0.0
    rank: int = 1
    # A key message found by meaning: the similarity of the sentence to ``keyword``, its
    # nearest phrasing (None: the phrasing stands in the sentence, found by its lemmas).
    similarity: float | None = None


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
    # Key messages carried, as Topics whose topic is the message and keyword its phrasing.
    messages: tuple[Topic, ...] = field(default=(), compare=False)
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


# A guid that names its own scheme (http:, tag:, urn:...) is unique on its own; a bare one
# ("42", "t3_abc") is unique only among the entries of its publisher.
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def make_article_id(
    url: str | None, source: str, entry_key: str, *, guid: str | None = None
) -> str:
    """A stable id: from the entry's guid when it has one, else from its canonical URL, else
    from source and entry key.

    A guid wins over the link: distinct guids are distinct articles even under one link
    (131 podcast episodes all linking to the show's home page) or links that differ only
    by their fragment; the same guid in two feeds is one article. A guid that is an http(s)
    URL is keyed as that URL, fragment kept, so that an entry whose guid is its link keeps
    the id it had when links were keyed first. A bare guid is scoped to its link's host
    (else its source). Without a guid, the canonical URL is what lets the same article
    reached through two feeds be stored once.
    """
    guid = (guid or "").strip()
    if guid and urlsplit(guid).scheme.lower() in ("http", "https") and urlsplit(guid).netloc:
        basis = "url:" + canonical_url(guid, keep_fragment=True)
    elif guid and _URI.match(guid):
        basis = "guid:" + guid
    elif guid:
        scope = (urlsplit(url).hostname or "") if url else ""
        basis = f"guid:{scope or 'source:' + source}\x00{guid}"
    elif url:
        basis = "url:" + canonical_url(url)
    else:
        basis = f"entry:{source}\x00{entry_key}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:20]


@dataclass(slots=True)
class SaveCounts:
    """What a batch of writes did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    new_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)

    def add(self, other: SaveCounts) -> None:
        """Add another batch's counts to these."""
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.new_ids.extend(other.new_ids)
        self.updated_ids.extend(other.updated_ids)


@dataclass(frozen=True, slots=True)
class FileState:
    """What was last read of one file of a folder source."""

    path: str
    size: int
    mtime_ns: int
    sha256: str
    identity: str


@dataclass(frozen=True, slots=True)
class CollectionRecord:
    """One collection of a source: its new state and its history entry."""

    name: str
    state: dict[str, Any]
    at: datetime
    ok: bool
    http_status: int | None = None
    error: str | None = None
    articles_new: int = 0


@dataclass(frozen=True, slots=True)
class SourceState:
    """What the store remembers of a source between runs."""

    name: str
    kind: str
    location: str
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    http_status: int | None = None
    error: str | None = None
    consecutive_failures: int = 0
    entries_seen: int = 0
    entries_new: int = 0
    next_due: datetime | None = None
    disabled_reason: str | None = None
    lease_owner: str | None = None
    lease_until: datetime | None = None


@dataclass(frozen=True)
class Filters:
    """The filters of the dashboard's sidebar and of `presswatch export`.

    ``start`` and ``end`` are inclusive days (UTC); an article known only to the month or
    year is in the period when its month or year overlaps it; an undated article is left
    out of any bounded period (and counted in the export's manifest).
    """

    start: date | None = None
    end: date | None = None
    companies: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    tones: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The filters as plain values, for a manifest."""
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            out[item.name] = (
                value.isoformat()
                if isinstance(value, date)
                else list(value)
                if isinstance(value, tuple)
                else value
            )
        return out

    def previous(self) -> Filters | None:
        """The same filters over the period of the same length just before, if bounded."""
        if self.start is None or self.end is None:
            return None
        length = (self.end - self.start) + timedelta(days=1)
        return replace(self, start=self.start - length, end=self.start - timedelta(days=1))

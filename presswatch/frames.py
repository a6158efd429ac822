"""The stored data as pandas frames, and the filters every figure and export shares.

Each filter only removes rows (articles, or an article's link to a company), so filters
commute: applying them in any order gives the same frames.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from presswatch.analytics import company_tones, isin
from presswatch.models import Filters
from presswatch.store import Store

ARTICLE_COLUMNS = ["id", "published", "date_precision", "outlet", "language", "story_id"]


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=columns)


@dataclass(frozen=True)
class Frames:
    """Articles (without text), mentions, tones, topics, corrections and sources."""

    articles: pd.DataFrame
    mentions: pd.DataFrame
    tones: pd.DataFrame = field(
        default_factory=lambda: _empty(["article_id", "company", "score", "label", "evidence"])
    )
    topics: pd.DataFrame = field(
        default_factory=lambda: _empty(["article_id", "topic", "keyword", "sentence"])
    )
    corrections: pd.DataFrame = field(
        default_factory=lambda: _empty(
            ["article_id", "company", "field", "start", "label", "author"]
        )
    )
    sources: pd.DataFrame = field(default_factory=lambda: _empty(["name"]))
    source_events: pd.DataFrame = field(
        default_factory=lambda: _empty(["source", "at", "ok", "error"])
    )

    @classmethod
    def from_store(
        cls, store: Store, since: date | None = None, seen_since: datetime | None = None
    ) -> Frames:
        """Everything the figures need, read from the store.

        With ``since`` (a view's first day, less whatever comparisons need before it),
        only the articles that can matter from that day on: undated articles and those
        known to the month or year are always read. With ``seen_since``, only the articles
        first collected since then (what a collection run's alerts look at).
        """
        moment = (
            datetime.combine(since, datetime.min.time(), tzinfo=UTC) if since is not None else None
        )
        return cls(
            articles=store.articles_frame(moment, seen_since),
            mentions=store.mentions_frame(moment, seen_since),
            tones=store.tones_frame(moment, seen_since),
            topics=store.topics_frame(moment, seen_since),
            corrections=store.corrections_frame(),
            sources=store.sources_frame(),
            source_events=store.source_events_frame(),
        )

    def keep_articles(self, mask: Any) -> Frames:
        """Only the articles where ``mask`` (a boolean Series or array) holds, and the rest."""
        articles = self.articles[np.asarray(mask, dtype=bool)]
        ids = articles["id"]
        return replace(
            self,
            articles=articles,
            mentions=self.mentions[isin(self.mentions["article_id"], ids)],
            tones=self.tones[isin(self.tones["article_id"], ids)],
            topics=self.topics[isin(self.topics["article_id"], ids)],
        )

    def keep_pairs(self, pairs: pd.DataFrame) -> Frames:
        """Only these (article_id, company) links: mentions and tones of other pairs go."""
        key = pairs[["article_id", "company"]].drop_duplicates()
        mentions = self.mentions.merge(key, on=["article_id", "company"])
        tones = self.tones.merge(key, on=["article_id", "company"])
        kept = isin(self.articles["id"], mentions["article_id"])
        return replace(self.keep_articles(kept), mentions=mentions, tones=tones)


# An article dated to the second is an instant: it is in a period when its moment is (a
# 23:00 article is not in the next day's period). One dated to the day spans its day.
_PRECISION_SPAN = {"datetime": pd.Timedelta(microseconds=1), "day": pd.Timedelta(days=1)}


def _article_interval(articles: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """When each article may have appeared: [start, end) from its date and precision."""
    start = articles["published"]
    end = start.copy()
    for precision, offset in (("month", pd.DateOffset(months=1)), ("year", pd.DateOffset(years=1))):
        mask = articles["date_precision"] == precision
        if mask.any():
            end[mask] = start[mask] + offset
    for precision, span in _PRECISION_SPAN.items():
        mask = articles["date_precision"] == precision
        if mask.any():
            end[mask] = start[mask] + span
    return start, end


def filter_steps(filters: Filters) -> list[Callable[[Frames], Frames]]:
    """One function per active filter; any order gives the same result."""
    steps: list[Callable[[Frames], Frames]] = []
    if filters.start is not None or filters.end is not None:
        steps.append(lambda f: _by_period(filters, f))
    if filters.companies:
        steps.append(lambda f: _by_company(filters, f))
    if filters.outlets:
        steps.append(lambda f: f.keep_articles(f.articles["outlet"].isin(filters.outlets)))
    if filters.languages:
        steps.append(lambda f: f.keep_articles(f.articles["language"].isin(filters.languages)))
    if filters.tones:
        steps.append(lambda f: _by_tone(filters, f))
    if filters.topics:
        steps.append(lambda f: _by_topic(filters, f))
    return steps


def apply_filters(filters: Filters, frames: Frames) -> Frames:
    """The frames with every filter applied."""
    for step in filter_steps(filters):
        frames = step(frames)
    return frames


def _by_period(filters: Filters, frames: Frames) -> Frames:
    start, end = _article_interval(frames.articles)
    mask = frames.articles["published"].notna()
    if filters.start is not None:
        lower = pd.Timestamp(datetime.combine(filters.start, datetime.min.time()), tz="UTC")
        mask &= end > lower
    if filters.end is not None:
        upper = pd.Timestamp(
            datetime.combine(filters.end + timedelta(days=1), datetime.min.time()), tz="UTC"
        )
        mask &= start < upper
    return frames.keep_articles(mask.fillna(False).astype(bool))


def _by_company(filters: Filters, frames: Frames) -> Frames:
    # The chosen companies' mentions and tones are their rows with that company: no merge
    # on (article, company) as keep_pairs does.
    mentions = frames.mentions[frames.mentions["company"].isin(filters.companies)]
    tones = frames.tones[frames.tones["company"].isin(filters.companies)]
    kept = isin(frames.articles["id"], mentions["article_id"])
    articles = frames.articles[kept]
    return replace(
        frames,
        articles=articles,
        mentions=mentions,
        # A tone is written for a pair with mentions, and every filter removes both
        # together: a chosen company's tones are all of kept articles.
        tones=tones,
        topics=frames.topics[isin(frames.topics["article_id"], articles["id"])],
    )


def _by_tone(filters: Filters, frames: Frames) -> Frames:
    toned = company_tones(frames.tones, frames.corrections)
    return frames.keep_pairs(toned[toned["tone"].isin(filters.tones)])


def _by_topic(filters: Filters, frames: Frames) -> Frames:
    wanted = frames.topics.loc[frames.topics["topic"].isin(filters.topics), "article_id"]
    return frames.keep_articles(isin(frames.articles["id"], wanted))

"""The filtered view shared by every page: sidebar filters applied to the stored frames."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd

from dashboard.data import Frames
from presswatch.config import Config
from presswatch.frames import Filters

PERIODS: dict[str, int | None] = {
    "All time": None,
    "Last 7 days": 7,
    "Last 30 days": 30,
    "Last 90 days": 90,
}


@dataclass(frozen=True)
class View:
    """What the pages show: the filtered articles and mentions, and the config."""

    config: Config
    database: str
    articles: pd.DataFrame
    mentions: pd.DataFrame
    sources: pd.DataFrame
    tones: pd.DataFrame
    topics: pd.DataFrame
    corrections: pd.DataFrame
    companies: list[str]
    period: str

    @property
    def filters(self) -> Filters:
        """The sidebar's choices as the Filters that exports and figures share."""
        days = PERIODS.get(self.period)
        start = (datetime.now(UTC) - timedelta(days=days)).date() if days is not None else None
        return Filters(start=start, companies=tuple(self.companies))

    @property
    def relevant_articles(self) -> pd.DataFrame:
        """The articles that mention at least one of the chosen companies."""
        return self.articles[self.articles["id"].isin(self.mentions["article_id"])]


def build_view(
    config: Config,
    database: str,
    frames: Frames,
    companies: list[str],
    period: str,
    now: datetime | None = None,
) -> View:
    """Apply the filters: chosen companies, and a period (undated articles only in All time)."""
    articles = frames.articles
    mentions = frames.mentions[frames.mentions["company"].isin(companies)]
    days = PERIODS.get(period)
    if days is not None and not articles.empty:
        start = (now or datetime.now(UTC)) - timedelta(days=days)
        articles = articles[articles["published"].notna() & (articles["published"] >= start)]
    mentions = mentions[mentions["article_id"].isin(articles["id"])]
    kept = articles["id"]
    tones = frames.tones[
        frames.tones["article_id"].isin(kept) & frames.tones["company"].isin(companies)
    ]
    topics = frames.topics[frames.topics["article_id"].isin(kept)]
    return View(
        config,
        database,
        articles,
        mentions,
        frames.sources,
        tones,
        topics,
        frames.corrections,
        companies,
        period,
    )

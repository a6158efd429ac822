"""The filtered view shared by every page: the sidebar's filters applied to the stored frames.

The filters live in the URL's query parameters, so a shared link reproduces the view.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

import pandas as pd

from dashboard.data import load_frames_overview, load_overview, load_source_events
from dashboard.i18n import interface_language, translate
from presswatch import analytics, overview
from presswatch.analytics import isin
from presswatch.config import Config
from presswatch.frames import Frames, apply_filters
from presswatch.models import Filters
from presswatch.overview import Overview

PERIODS: dict[str, int | None] = {
    "All time": None,
    "Last 7 days": 7,
    "Last 30 days": 30,
    "Last 90 days": 90,
    "Custom": None,
}


def period_bounds(
    period: str, custom: tuple[date, date] | None, today: date
) -> tuple[date | None, date | None]:
    """The first and last day of a period choice (None: unbounded)."""
    if period == "Custom" and custom is not None:
        return custom
    days = PERIODS.get(period)
    if days is None:
        return None, None
    return today - timedelta(days=days - 1), today


# Days read before a bounded view's first day besides the previous period: the spike
# detector's baseline (analytics.spikes' window).
BASELINE_DAYS = 14


def load_since(start: date | None, end: date | None) -> date | None:
    """The first day whose articles a view needs: its own period, the period of the same
    length before it (for changes) and a baseline before that; None when unbounded."""
    if start is None or end is None:
        return None
    length = (end - start) + timedelta(days=1)
    return start - length - timedelta(days=BASELINE_DAYS)


@dataclass(frozen=True)
class View:
    """What the pages show: the frames with the sidebar's filters applied, and the config.

    The frames are read when a page first asks for them. With ``aggregated``, the view's
    window is too large for pandas (config ``aggregate_in_database_above``): the overview
    is grouped by the database and reads no frames.
    """

    config: Config
    database: str
    load: Callable[[], Frames]
    filters: Filters
    period: str
    all_companies: list[str] = field(default_factory=list)
    language: str = "en"
    aggregated: bool = False
    # Set when the frames are load_frames(database, window): the overview is then cached
    # per filters. A one-element tuple, since the window itself is None for all time.
    cached_window: tuple[date | None] | None = None

    def t(self, text: str, /, **values: object) -> str:
        """The text in the interface language, its {placeholders} filled with ``values``."""
        return translate(text, self.language, **values)

    @cached_property
    def everything(self) -> Frames:
        """The stored frames the view's window needs, unfiltered."""
        return self.load()

    @cached_property
    def overview(self) -> Overview:
        """The overview's figures: grouped by the database for an aggregated view."""
        tracked = [c.name for c in self.config.tracked]
        if self.aggregated:
            return load_overview(self.database, self.filters, tuple(tracked))
        if self.cached_window is not None:
            (window,) = self.cached_window
            return load_frames_overview(self.database, window, self.filters, tuple(tracked))
        return overview.from_frames(self.everything, self.filters, tracked, view=self.frames)

    @property
    def has_articles(self) -> bool:
        """Whether anything is stored (an aggregated view always has articles)."""
        return self.aggregated or not self.everything.articles.empty

    @property
    def source_events(self) -> pd.DataFrame:
        """Every source's collection history (coverage gaps)."""
        if self.aggregated:
            return load_source_events(self.database)
        return self.everything.source_events

    @cached_property
    def frames(self) -> Frames:
        """The filtered frames."""
        return apply_filters(self.filters, self.everything)

    @property
    def articles(self) -> pd.DataFrame:
        """Filtered articles (without text)."""
        return self.frames.articles

    @property
    def mentions(self) -> pd.DataFrame:
        """Mentions of the chosen companies in the filtered articles."""
        return self.frames.mentions

    @property
    def tones(self) -> pd.DataFrame:
        """Per (article, company) tones of the filtered view."""
        return self.frames.tones

    @property
    def topics(self) -> pd.DataFrame:
        """Topic hits of the filtered articles."""
        return self.frames.topics

    @property
    def corrections(self) -> pd.DataFrame:
        """Every tone correction."""
        return self.everything.corrections

    @property
    def companies(self) -> list[str]:
        """The chosen companies (all of them when none is chosen)."""
        return list(self.filters.companies) or self.all_companies

    @property
    def relevant_articles(self) -> pd.DataFrame:
        """The articles that mention at least one of the chosen companies."""
        return self.articles[isin(self.articles["id"], self.mentions["article_id"])]

    @property
    def undated(self) -> pd.DataFrame:
        """Undated articles of the chosen companies: outside any bounded period, never hidden
        (analytics.undated_listing)."""
        unbounded = dataclasses.replace(self.filters, start=None, end=None)
        frames = apply_filters(unbounded, self.everything)
        return analytics.undated_listing(frames.articles, frames.mentions)


def build_view(
    config: Config,
    database: str,
    everything: Frames | Callable[[], Frames],
    *,
    companies: list[str],
    period: str,
    custom: tuple[date, date] | None = None,
    outlets: list[str] | None = None,
    languages: list[str] | None = None,
    tones: list[str] | None = None,
    topics: list[str] | None = None,
    today: date | None = None,
    aggregated: bool = False,
    cached_window: tuple[date | None] | None = None,
) -> View:
    """The view for these sidebar choices."""
    start, end = period_bounds(period, custom, today or datetime.now(UTC).date())
    all_companies = [c.name for c in config.companies]
    filters = Filters(
        start=start,
        end=end,
        # Every company chosen is no filter at all (and costs nothing to apply).
        companies=tuple(companies) if companies and set(companies) != set(all_companies) else (),
        outlets=tuple(outlets or ()),
        languages=tuple(languages or ()),
        tones=tuple(tones or ()),
        topics=tuple(topics or ()),
    )
    load = everything if callable(everything) else (lambda: everything)
    return View(
        config,
        database,
        load,
        filters,
        period,
        all_companies,
        interface_language(config),
        aggregated,
        cached_window,
    )

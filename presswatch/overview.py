"""The overview's figures: grouped by the database, finished in pandas.

The database reads only grouped rows (the coverage table and its daily rollups), whatever
the archive's size; presswatch.analytics turns them into the page's figures.
tests/test_overview.py holds them equal to the oracle's (every row, in pandas).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from presswatch import analytics
from presswatch.models import Filters
from presswatch.store import Store

TONE_COLUMNS = ["company", "tone", "articles"]
OUTLET_COLUMNS = ["outlet", "articles", "stories"]


@dataclass(frozen=True)
class PeriodFigures:
    """The key figures of one period: what the overview's cards compare."""

    articles: int  # articles mentioning the chosen companies
    mentions: int
    share: pd.DataFrame  # analytics.SHARE_COLUMNS
    tones: pd.DataFrame  # company, tone, articles (a person's correction wins)
    # The focus (several companies, the tracked ones) and its positive, negative and toned
    # articles, each article once however many of them it names: a sum over the companies
    # of ``tones`` would count an article once per company.
    focus: tuple[str, ...] = ()
    # ... and, last, its articles positive towards one and negative towards another.
    focus_tones: tuple[int, int, int, int] = (0, 0, 0, 0)

    def tone_counts(self, companies: list[str]) -> tuple[int, int, int]:
        """Positive articles, negative articles and articles with a tone, towards these
        companies, each article once: what the overview's tone card shows as shares with
        their counts (an article positive towards one and negative towards another counts
        in both)."""
        if len(companies) > 1:
            if tuple(companies) != self.focus:
                raise ValueError(
                    f"the tone of {', '.join(companies)} counts each article once: "
                    "build the figures with them as focus (period_figures' focus)"
                )
            positive, negative, toned, _ = self.focus_tones
            return positive, negative, toned
        own = self.tones[self.tones["company"].isin(companies)]
        positive = int(own.loc[own["tone"] == "positive", "articles"].sum())
        negative = int(own.loc[own["tone"] == "negative", "articles"].sum())
        return positive, negative, int(own["articles"].sum())

    def tone_in_both(self, companies: list[str]) -> int:
        """The articles positive towards one of these companies and negative towards
        another, counted in both of tone_counts' positive and negative (none for one
        company: an article has one tone towards it)."""
        if len(companies) < 2:
            return 0
        self.tone_counts(companies)  # the same check: the figures' focus are these
        return self.focus_tones[3]

    def tone_shares(self, companies: list[str]) -> tuple[float, float] | None:
        """The shares in percent of positive and of negative articles among those with a
        tone towards these companies; None below analytics.MIN_ARTICLES_FOR_TONE_SHARE
        articles with a tone (too few for a share)."""
        positive, negative, toned = self.tone_counts(companies)
        if toned < analytics.MIN_ARTICLES_FOR_TONE_SHARE:
            return None
        return 100 * positive / toned, 100 * negative / toned

    def positive_change(self, previous: PeriodFigures | None, companies: list[str]) -> float | None:
        """The change, in points, of the share of positive articles towards these companies
        against the ``previous`` period's (None when either period has too few articles
        with a tone for a share, or there is no previous period)."""
        now = self.tone_shares(companies)
        before = previous.tone_shares(companies) if previous is not None else None
        if now is None or before is None:
            return None
        return now[0] - before[0]

    def share_of(self, companies: list[str], by: str = "articles") -> float | None:
        """The share of voice of these companies in percent, by articles (the headline, as
        comms teams count), "stories" or "mentions" (None: no mention)."""
        if by not in ("articles", "stories", "mentions"):
            raise ValueError(f"share of voice by '{by}': use articles, stories or mentions")
        if self.share.empty:
            return None
        return float(self.share[self.share["company"].isin(companies)][f"share_{by}"].sum())


@dataclass(frozen=True)
class Overview:
    """Everything the overview page shows for a filtered view."""

    current: PeriodFigures
    previous: PeriodFigures | None  # the period of the same length before; None if unbounded
    # outlet, articles, stories: the outlets of the tracked companies' articles (as far as
    # the view's companies go), each article once, most first (the Top outlet card)
    outlets: pd.DataFrame
    frequency: analytics.Frequency
    # period, company, mentions, articles (timeline_from_daily), every period of the view
    # for every company, zeros included (analytics.fill_periods)
    timeline: pd.DataFrame
    tone_timeline: pd.DataFrame  # analytics.TONE_TABLE_COLUMNS, same frequency
    spikes: pd.DataFrame  # detect_spikes' columns, article_ids and articles (daily only)
    titles: dict[str, str]  # the titles of the spikes' articles, for the hover
    unplaced: pd.DataFrame  # reason, articles: what the timeline cannot place
    undated: int  # undated articles, outside any bounded period (0 when unbounded)


# The overview's queries are independent: run side by side, the database uses every core
# (PostgreSQL's backends, SQLite's connections with the GIL released while they step).
QUERY_THREADS = 4


def _period_from_database(
    counts: pd.DataFrame,
    precisions: pd.DataFrame,
    tones: pd.DataFrame,
    focus_tones: tuple[int, int, int, int] = (0, 0, 0, 0),
    *,
    focus: tuple[str, ...] = (),
) -> PeriodFigures:
    return PeriodFigures(
        articles=int(precisions["articles"].sum()),
        mentions=int(counts["mentions"].sum()),
        share=analytics.share_from_counts(counts),
        tones=tones,
        focus=focus,
        focus_tones=focus_tones,
    )


def _within_view(filters: Filters, companies: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """These companies as far as the view's companies go (as a card's drill counts them)."""
    return tuple(c for c in companies if not filters.companies or c in filters.companies)


def _focus_tones(
    store: Store, filters: Filters, focus: tuple[str, ...]
) -> tuple[int, int, int, int]:
    """The focus's articles by tone, each once (none when the view leaves the focus out)."""
    chosen = _within_view(filters, focus)
    return store.tone_articles(replace(filters, companies=chosen)) if chosen else (0, 0, 0, 0)


def period_figures(store: Store, filters: Filters, focus: list[str] | None = None) -> PeriodFigures:
    """The key figures of one view (the overview's cards), from the same three queries;
    with a ``focus`` of several companies, their tone counts each article once."""
    chosen = tuple(focus or ())
    return _period_from_database(
        store.company_counts(filters),
        store.article_counts(filters),
        store.tone_counts(filters),
        _focus_tones(store, filters, chosen) if len(chosen) > 1 else (0, 0, 0, 0),
        focus=chosen if len(chosen) > 1 else (),
    )


def build_overview(store: Store, filters: Filters, tracked: list[str]) -> Overview:
    """The overview of a filtered view: only grouped rows are read from the database."""
    earlier = filters.previous()
    chosen = list(_within_view(filters, tracked))
    focus = tuple(tracked) if len(tracked) > 1 else ()
    bounded = filters.start is not None or filters.end is not None
    with ThreadPoolExecutor(QUERY_THREADS) as pool:

        def periods(chosen: Filters) -> tuple[Future[Any], ...]:
            queries: list[Future[Any]] = [
                pool.submit(query, chosen)
                for query in (
                    store.company_counts,
                    store.article_counts,
                    store.tone_counts,
                )
            ]
            if focus:
                queries.append(pool.submit(_focus_tones, store, chosen, focus))
            return tuple(queries)

        daily_query = pool.submit(store.daily_counts, filters)
        tones_query = pool.submit(store.daily_tones, filters)
        now = periods(filters)
        before = periods(earlier) if earlier else None
        # One tracked company: its rollups; several: each article once, whichever it names.
        outlets_query = (
            pool.submit(store.outlet_counts, replace(filters, companies=tuple(chosen)))
            if len(chosen) == 1
            else pool.submit(store.outlet_articles, replace(filters, companies=tuple(chosen)))
            if chosen
            else None
        )
        undated_query = pool.submit(store.undated_articles, filters) if bounded else None
        daily = daily_query.result()
        frequency = analytics.frequency_from_daily(daily)
        placed = analytics.timeline_from_daily(daily, frequency)
        # A period without coverage is a zero on the chart, from the view's first day to
        # its last (the spikes' baseline keeps the span of the coverage itself).
        timeline = analytics.fill_periods(placed, frequency, filters.start, filters.end)
        spikes = pd.DataFrame(columns=["company", "day", "mentions", "articles", "article_ids"])
        titles: dict[str, str] = {}
        if frequency == "day":
            found = analytics.detect_spikes(analytics.fill_days(placed))
            behind = store.articles_of_days(
                filters, zip(found["company"], found["day"], strict=True)
            )
            drivers = behind.groupby(["company", "day"])["article_id"].agg(list)
            found["article_ids"] = [
                drivers.get((c, d), []) for c, d in zip(found["company"], found["day"], strict=True)
            ]
            found["articles"] = found["article_ids"].map(len)
            spikes = found
            titles = {
                str(k): str(v) for k, v in zip(behind["article_id"], behind["title"], strict=True)
            }
        current = _period_from_database(*(query.result() for query in now), focus=focus)
        previous = (
            _period_from_database(*(query.result() for query in before), focus=focus)
            if before
            else None
        )
        outlets = (
            outlets_query.result()[OUTLET_COLUMNS]
            if outlets_query
            else pd.DataFrame(columns=OUTLET_COLUMNS)
        )
        undated = undated_query.result() if undated_query else 0
    return Overview(
        current=current,
        previous=previous,
        outlets=outlets,
        frequency=frequency,
        timeline=timeline,
        tone_timeline=analytics.tone_from_daily(tones_query.result(), frequency),
        spikes=spikes,
        titles=titles,
        unplaced=analytics.unplaced_from_counts(now[1].result(), frequency),
        undated=undated,
    )

"""The view shared by every page: the sidebar's filters, read by the database.

The filters live in the URL's query parameters, so a shared link reproduces the view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any

import pandas as pd

from dashboard.data import (
    has_coverage,
    load_overview,
    load_precision_estimates,
    load_source_events,
)
from dashboard.i18n import translate
from dashboard.render import company_colors
from presswatch.config import Config, interface_language
from presswatch.formatting import Formatting, machine_timezone
from presswatch.models import Filters
from presswatch.overview import Overview
from presswatch.review import estimate_text, estimates_by_company

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
# detector's baseline (analytics.detect_spikes' window).
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
    """What the pages show: the sidebar's filters, the config, and the database to read.

    Every figure is grouped by the database and read through one cached loader of
    dashboard/data.py; the view itself holds no rows.
    """

    config: Config
    database: str
    filters: Filters
    period: str
    all_companies: list[str] = field(default_factory=list)
    language: str = "en"
    # Who signed in (dashboard.auth; None without sign-in), and whether they may correct.
    user: str | None = None
    may_edit: bool = True

    def t(self, text: str, /, **values: object) -> str:
        """The text in the interface language, its {placeholders} filled with ``values``."""
        return translate(text, self.language, **values)

    @cached_property
    def fmt(self) -> Formatting:
        """Numbers, dates and times in the interface language and the config's time zone
        (else the machine's)."""
        return Formatting(self.language, self.config.timezone or machine_timezone())

    @cached_property
    def overview(self) -> Overview:
        """The overview's figures for the view's filters."""
        tracked = [c.name for c in self.config.tracked]
        return load_overview(self.database, self.filters, tuple(tracked))

    @cached_property
    def precision(self) -> dict[str, dict[str, Any]]:
        """Each reviewed company's precision estimate, by company."""
        return estimates_by_company(load_precision_estimates(self.database))

    def precision_label(self, company: str) -> str:
        """A company's precision as a cell reads: 0.92 (0.81–0.97), 40 reviewed, 2026-12-01,
        or "not reviewed"."""
        row = self.precision.get(company)
        if row is None:
            return self.t("not reviewed")
        if self.language == "en":
            return estimate_text(row, self.t("reviewed"))
        fmt = self.fmt
        last = row.get("last_review")
        day = "" if last is None or pd.isna(last) else f", {fmt.day(last)}"
        return (
            f"{fmt.number(row['precision'], 2)} ({fmt.number(row['low'], 2)}–"
            f"{fmt.number(row['high'], 2)}), {fmt.integer(row['reviewed'])} "
            f"{self.t('reviewed')}{day}"
        )

    @property
    def has_articles(self) -> bool:
        """Whether any article mentioning a company is stored."""
        return has_coverage(self.database)

    @property
    def source_events(self) -> pd.DataFrame:
        """Every source's collection history (coverage gaps)."""
        return load_source_events(self.database)

    @property
    def colors(self) -> dict[str, str]:
        """Each company's chart colour, from the config's order of every company: the same
        on every page and chart, whichever companies the sidebar chooses."""
        return company_colors(self.all_companies)

    @property
    def companies(self) -> list[str]:
        """The chosen companies (all of them when none is chosen)."""
        return list(self.filters.companies) or self.all_companies


def build_view(
    config: Config,
    database: str,
    *,
    companies: list[str],
    period: str,
    custom: tuple[date, date] | None = None,
    outlets: list[str] | None = None,
    languages: list[str] | None = None,
    tones: list[str] | None = None,
    topics: list[str] | None = None,
    today: date | None = None,
    user: str | None = None,
    may_edit: bool = True,
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
    return View(
        config,
        database,
        filters,
        period,
        all_companies,
        interface_language(config),
        user=user,
        may_edit=may_edit,
    )

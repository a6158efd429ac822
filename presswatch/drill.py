"""The articles behind one number: a chart's bar or point, a table's row, as filters.

Every figure of the dashboard is grouped by the database from coverage rows (an article
and a company). A clicked number names the group it counts (a company, a period of the
timeline, an outlet, an author, a theme, a tone); ``Drill`` narrows the view's filters to
that group, so that the articles listed are exactly the ones the number counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Any

from presswatch.analytics import PLACEABLE
from presswatch.models import UNKNOWN_OUTLET, Filters

# The grains of the timelines (analytics.Frequency), each period's length.
UNITS = ("day", "week", "month", "year")
# Where a mention stands in its article (the Prominence table's columns).
PROMINENCES = ("title", "lead", "body")
# Drill.precision of the articles without a date.
UNDATED = "undated"


def period_end(start: date, unit: str) -> date:
    """The last day of the period of ``unit`` starting on ``start``."""
    if unit == "day":
        return start
    if unit == "week":
        return start + timedelta(days=6)
    if unit == "month":
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return following - timedelta(days=1)
    if unit == "year":
        return date(start.year, 12, 31)
    raise ValueError(f"period of '{unit}': use one of {', '.join(UNITS)}")


def _day(value: object) -> date:
    """A period's first day from a date, a datetime (pandas' Timestamp is one) or an ISO
    date ("2026-02-01", or with a time as plotly writes a date axis's values)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return datetime.fromisoformat(value).date()
    raise ValueError(f"not a period's first day: {value!r}")


def is_unknown(name: str | None) -> bool:
    """Whether an outlet or author as a figure names it stands for none ("(unknown)")."""
    return name is not None and name in ("", UNKNOWN_OUTLET)


@dataclass(frozen=True)
class Drill:
    """The group one clicked number counts, on top of the view's filters.

    ``period`` is the first day of a timeline's period of ``unit``: only the articles the
    timeline places in it count (those dated precisely enough for that grain).
    """

    company: str | None = None
    outlet: str | None = None  # UNKNOWN_OUTLET: the articles without an outlet
    author: str | None = None  # UNKNOWN_OUTLET: the articles without an author
    topic: str | None = None
    tones: tuple[str, ...] = ()
    period: date | None = None
    unit: str | None = None
    # Several companies at once (the overview's cards of the tracked companies); with
    # ``company``, the company wins.
    companies: tuple[str, ...] = ()
    # Where one of the company's mentions stands: "title", "lead" or "body" (Prominence).
    prominence: str | None = None
    message: str | None = None  # a key message of the config the company's article carries
    story: str | None = None  # the copies of one republished story
    # The Coverage page's search (presswatch.search's syntax): only the articles matching it.
    search: str | None = None
    # How far the date is known ("month", "year", or UNDATED): the articles a timeline
    # cannot place, which the Overview counts under it.
    precision: str | None = None

    def key(self) -> str:
        """The drill as a text a chart carries in a clickable trace's meta (JSON, with <,
        > and & escaped)."""
        # The fields read one by one, not dataclasses.asdict (which deep-copies): the
        # Topics and Outlets charts read one per point.
        values: dict[str, Any] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value is None or value == ():
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            values[field.name] = value
        text = json.dumps(values, ensure_ascii=False, sort_keys=True)
        # No markup character in a chart's data, even where nothing shows it: JSON reads
        # the escapes back.
        return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")

    @classmethod
    def from_key(cls, text: object) -> Drill | None:
        """The drill a chart carries as a key (Drill.key), or None when it carries none."""
        if not isinstance(text, str):
            return None
        try:
            values = json.loads(text)
        except ValueError:
            return None
        return cls.from_values(values)

    @classmethod
    def from_values(cls, values: object) -> Drill | None:
        """The drill of a mapping of its fields (a key read back, completed by a clicked
        point's own values): a period as a date, a datetime or an ISO date; None when the
        mapping is not one."""
        if not isinstance(values, dict):
            return None
        known = {f.name for f in fields(cls)}
        try:
            kept: dict[str, Any] = {k: v for k, v in values.items() if k in known}
            if "period" in kept:
                kept["period"] = _day(kept["period"])
            for name in ("tones", "companies"):
                if name in kept:
                    kept[name] = tuple(str(v) for v in kept[name])
            drill = cls(**kept)
        except (TypeError, ValueError):
            return None
        if drill.period is not None and drill.unit not in UNITS:
            return None
        if drill.prominence is not None and drill.prominence not in PROMINENCES:
            return None
        return drill

    def filters(self, view: Filters) -> Filters:
        """The view's filters narrowed to this group (the precision, an unknown outlet, an
        author, a theme, which the view's own themes keep, a mention's place, a message, a
        story and a search are conditions of their own: store.listings.drill_conditions)."""
        narrowed = view
        if self.company is not None:
            narrowed = replace(narrowed, companies=(self.company,))
        elif self.companies:
            # As far as the view's own companies go (no company left: no article).
            chosen = tuple(c for c in self.companies if not view.companies or c in view.companies)
            narrowed = replace(narrowed, companies=chosen or ("",))
        if self.outlet is not None and not is_unknown(self.outlet):
            narrowed = replace(narrowed, outlets=(self.outlet,))
        if self.tones:
            kept = tuple(t for t in self.tones if not view.tones or t in view.tones)
            narrowed = replace(narrowed, tones=kept or ("",))
        if self.period is not None and self.unit is not None:
            first, last = self.period, period_end(self.period, self.unit)
            # The clicked period as far as the view's own period covers it.
            if view.start is not None:
                first = max(first, view.start)
            if view.end is not None:
                last = min(last, view.end)
            narrowed = replace(narrowed, start=first, end=last)
        return narrowed

    def precisions(self) -> tuple[str, ...] | None:
        """The date precisions a timeline's period places (None: any, or undated)."""
        if self.period is None or self.unit is None:
            return None
        return tuple(sorted(PLACEABLE[self.unit]))

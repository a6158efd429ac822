"""Numbers, percentages, dates and times as the reader's language writes them, by Babel.

One ``Formatting`` per interface language and time zone, shared by the dashboard and the
report: "79,7 %", "+0,12", "févr. 2024", "25 juil. 2024, 17:00 (Europe/Paris)". Every
date-time names its time zone, UTC included; a date without a time is the day it was
published and is never shifted. French text gets its typography (a narrow no-break space
before ; : ! ? and inside « »), as CLDR's French data does for the percent sign.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from dataclasses import dataclass
from datetime import UTC, tzinfo
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent

from presswatch.config import Config, interface_language

__all__ = ["Formatting", "formatting_for", "french_typography", "machine_timezone"]

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
# A space (or none) before the French high punctuation, and the spaces inside « ».
_HIGH_PUNCTUATION = re.compile(r"[ \u00a0]([;:!?])(?=\s|$|[^\w/])")
_BEFORE_PERCENT = re.compile(r"(?<=[\w}]) %")
_OPENING_GUILLEMET = re.compile(r"« ?")
_CLOSING_GUILLEMET = re.compile(r" ?»")


def french_typography(text: str) -> str:
    """French text with a narrow no-break space before ; : ! ? and inside « », and Babel's
    no-break space before %, so that a line never breaks before them."""
    text = _HIGH_PUNCTUATION.sub(lambda m: NARROW_NBSP + m.group(1), text)
    text = _BEFORE_PERCENT.sub(NBSP + "%", text)
    text = _OPENING_GUILLEMET.sub("«" + NARROW_NBSP, text)
    return _CLOSING_GUILLEMET.sub(NARROW_NBSP + "»", text)


def machine_timezone() -> str:
    """This machine's IANA time zone (TZ, else /etc/localtime), else UTC."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        target = Path("/etc/localtime").resolve()
        if "zoneinfo" in target.parts:
            candidates.append("/".join(target.parts[target.parts.index("zoneinfo") + 1 :]))
    except OSError:
        pass
    for name in candidates:
        if not name:
            continue
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        return "UTC" if name in ("Etc/UTC", "Etc/Universal", "Universal", "Zulu") else name
    return "UTC"


def formatting_for(config: Config | None) -> Formatting:
    """The config's interface language and time zone (else the machine's)."""
    zone = (config.timezone if config is not None else None) or machine_timezone()
    return Formatting(interface_language(config), zone)


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


@cache
def _percent_pattern(language: str, decimals: int) -> str:
    """The locale's own percent pattern ("#,##0 %" in French) with ``decimals`` places."""
    pattern = str(_locale(language).percent_formats[None].pattern)
    if decimals <= 0:
        return pattern
    head, zero, tail = pattern.rpartition("0")
    return f"{head}{zero}.{'0' * decimals}{tail}"


# A chart names the same periods and shares again and again (the tone figure: a hover per
# period and company): Babel formats each (language, value) once. Bounded, since the
# report formats many distinct dates.
@lru_cache(maxsize=8192)
def _medium_date(language: str, day: dt.date) -> str:
    return str(babel_date(day, "medium", locale=language))


@lru_cache(maxsize=8192)
def _month_name(language: str, year: int, month: int) -> str:
    return str(format_skeleton("yMMM", dt.datetime(year, month, 1), locale=language))


# The share as its repr: as floats, -0.0 and 0.0 would be one key, and Babel writes "-0%".
@lru_cache(maxsize=8192)
def _percent_text(language: str, decimals: int, share: str) -> str:
    return str(format_percent(float(share), _percent_pattern(language, decimals), locale=language))


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class Formatting:
    """How one reader's interface writes numbers and dates: its language and time zone."""

    language: str = "en"
    timezone: str = "UTC"

    @property
    def zone(self) -> tzinfo:
        """The time zone as a tzinfo."""
        return ZoneInfo(self.timezone)

    def text(self, text: str) -> str:
        """A sentence of the interface with the language's typography."""
        return french_typography(text) if self.language == "fr" else text

    def integer(self, value: Any) -> str:
        """A whole number with the language's grouping ("12 345"); empty when missing."""
        if _missing(value):
            return ""
        return str(format_decimal(round(float(value)), locale=self.language))

    def number(self, value: Any, decimals: int = 1) -> str:
        """A number with ``decimals`` places and the language's decimal sign ("0,36")."""
        if _missing(value):
            return ""
        pattern = "#,##0." + "0" * decimals if decimals > 0 else "#,##0"
        return str(format_decimal(float(value), pattern, locale=self.language))

    def signed(self, value: Any, decimals: int = 2) -> str:
        """A number with its sign, + included ("+0,12", "-3")."""
        if _missing(value):
            return ""
        digits = "#,##0." + "0" * decimals if decimals > 0 else "#,##0"
        rounded = round(float(value), decimals)
        pattern = f"+{digits};-{digits}"
        return str(format_decimal(0.0 if rounded == 0 else rounded, pattern, locale=self.language))

    def percent(self, value: Any, decimals: int = 0) -> str:
        """A percentage given out of 100 ("79,7 %" in French, "79.7%" in English)."""
        if _missing(value) or (isinstance(value, float) and math.isinf(value)):
            return ""
        return _percent_text(self.language, decimals, repr(float(value) / 100))

    def date(self, value: Any, precision: str | None = "day") -> str:
        """A publication date cut to what is known: "25 juil. 2024", "juil. 2024", "2024"
        (empty when unknown). A date with a time is shown in the time zone."""
        if _missing(value) or not precision:
            return ""
        moment = pd.Timestamp(value)
        if precision == "year":
            return str(moment.year)
        if precision == "month":
            return self.month(moment)
        if precision == "day":
            return _medium_date(self.language, moment.date())
        return self.datetime(moment)

    def day(self, value: dt.date | dt.datetime | pd.Timestamp) -> str:
        """A calendar day: "25 juil. 2024"."""
        return _medium_date(self.language, pd.Timestamp(value).date())

    def month(self, value: Any) -> str:
        """A month and its year: "févr. 2024", "Feb 2024"."""
        moment = pd.Timestamp(value)
        return _month_name(self.language, moment.year, moment.month)

    def period(self, value: Any, unit: str) -> str:
        """The start of a timeline period as its unit names it: a day or a week's first
        day, a month, or a year."""
        if unit == "year":
            return str(pd.Timestamp(value).year)
        if unit == "month":
            return self.month(value)
        return self.day(value)

    def datetime(self, value: Any) -> str:
        """A moment in the time zone, the zone named: "25 juil. 2024, 17:00 (Europe/Paris)".
        A moment without a zone is taken as UTC (the store keeps UTC)."""
        if _missing(value):
            return ""
        moment = pd.Timestamp(value)
        if moment.tzinfo is None:
            moment = moment.tz_localize(UTC)
        local = moment.to_pydatetime().astimezone(self.zone)
        shown = babel_datetime(local, "medium", tzinfo=self.zone, locale=self.language)
        return f"{shown} ({self.timezone})"

    def time(self, value: Any) -> str:
        """The time of day in the time zone, the zone named: "17:00:59 (Europe/Paris)"."""
        moment = pd.Timestamp(value)
        if moment.tzinfo is None:
            moment = moment.tz_localize(UTC)
        local = moment.to_pydatetime().astimezone(self.zone)
        return f"{local:%H:%M:%S} ({self.timezone})"

    @property
    def plotly_separators(self) -> str:
        """plotly's layout.separators: the decimal sign then the thousands separator."""
        symbols = _locale(self.language).number_symbols["latn"]
        return f"{symbols['decimal']}{symbols['group']}"

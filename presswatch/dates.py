"""Dates as the press writes them (French, English and other European languages), to UTC
with their precision."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from presswatch.models import DatePrecision

_YEAR = re.compile(r"^\s*(\d{4})\s*$")
# A numeric UTC offset after a time of day: "10:05:00 +0100", "T10:05+01:00".
_OFFSET = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:GMT|UTC)?\s*([+-])(\d{2}):?(\d{2})\s*$"
)
# Real offsets run from UTC-12:00 to UTC+14:00.
_MAX_OFFSET = timedelta(hours=14)
# Tried when the configured and declared languages read no date: the European languages
# whose press a French or English team also follows (dateparser reads them all).
FALLBACK_DATE_LANGUAGES = ("es", "pt", "de", "it", "nl")
_YEAR_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A point in time (UTC) and how much of it is known."""

    value: datetime
    precision: DatePrecision


def parse_known_date(
    value: Any, languages: tuple[str, ...] = ("fr", "en"), now: datetime | None = None
) -> ParsedDate | None:
    """Parse a date given by a person (metadata, front matter): 2024, 2024-03, 2024-03-19, ...

    Returns None for None or an empty value; raises ValueError for text that is not a date,
    so that a typo in a sidecar file is reported, not silently dropped. ``now`` is the
    moment a relative date ("hier") is read against.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return ParsedDate(aware.astimezone(UTC), "datetime")
    if isinstance(value, date):
        return ParsedDate(datetime(value.year, value.month, value.day, tzinfo=UTC), "day")
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2200:
        return ParsedDate(datetime(value, 1, 1, tzinfo=UTC), "year")
    text = str(value).strip()
    if match := _YEAR.match(text):
        return ParsedDate(datetime(int(match[1]), 1, 1, tzinfo=UTC), "year")
    if match := _YEAR_MONTH.match(text):
        month = int(match[2])
        if not 1 <= month <= 12:
            raise ValueError(f"'{text}' has no month {month}")
        return ParsedDate(datetime(int(match[1]), month, 1, tzinfo=UTC), "month")
    if problem := offset_problem(text):
        raise ValueError(f"'{text}': {problem}; write the offset as +01:00 or leave it out")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed_free = parse_free_date(text, languages, now)
        if parsed_free is None:
            raise ValueError(f"'{text}' is not a date; write 2024-03-19, 2024-03 or 2024") from None
        return parsed_free
    if len(text) <= 10:
        return ParsedDate(datetime(parsed.year, parsed.month, parsed.day, tzinfo=UTC), "day")
    aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return ParsedDate(aware.astimezone(UTC), "datetime")


def offset_problem(text: str) -> str | None:
    """Why the UTC offset a date ends with cannot be real ("+9900"), or None.

    feedparser applies any offset it reads: "+9900" moved a date by 99 hours. An offset
    beyond UTC-12:00..UTC+14:00, or with 60 minutes or more, makes the date unreadable.
    """
    match = _OFFSET.search(text)
    if match is None:
        return None
    hours, minutes = int(match[2]), int(match[3])
    if minutes >= 60 or timedelta(hours=hours, minutes=minutes) > _MAX_OFFSET:
        return f"the time zone offset {match[1]}{match[2]}{match[3]} does not exist"
    return None


def _dateparser_settings(base: datetime) -> dict[str, Any]:
    return {
        "TIMEZONE": "UTC",
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DAY_OF_MONTH": "first",
        # 12/05/2024 is 12 May in France and Britain; only US sources write month first.
        "DATE_ORDER": "DMY",
        "REQUIRE_PARTS": ["year", "month", "day"],
        "RELATIVE_BASE": base.astimezone(UTC).replace(tzinfo=None),
    }


def parse_free_date(
    text: str, languages: tuple[str, ...] = ("fr", "en"), now: datetime | None = None
) -> ParsedDate | None:
    """Parse a date string of any common form with dateparser; None if it is not a date.

    "lun., 22 nov. 2026 10:05:00 +0100" and "22 novembre 2026 à 10h05" both work; a string
    without a timezone is taken as UTC. ``languages`` are tried first (the configured ones
    and those the source declares), then FALLBACK_DATE_LANGUAGES. A relative date ("hier",
    "il y a 3 heures", "yesterday") is read against ``now`` (default: the present) and
    kept to the day: the hour it gives would be the collection's, not the article's. A
    date with an offset that cannot exist ("+9900") is None.
    """
    if offset_problem(text):
        return None
    # dateparser takes 0.2 s to import: only dates that feeds give in free form need it.
    import dateparser

    cleaned = re.sub(r"(\d{1,2})h(\d{2})", r"\1:\2", text.strip())
    cleaned = re.sub(r"\s+à\s+", " ", cleaned)
    base = now or datetime.now(UTC)
    parsed = None
    tried = tuple(dict.fromkeys(languages))
    for group in (tried, tuple(x for x in FALLBACK_DATE_LANGUAGES if x not in tried)):
        if group:
            parsed = dateparser.parse(
                cleaned, languages=list(group), settings=_dateparser_settings(base)
            )
        if parsed is not None:
            break
    if parsed is None:
        return None
    # A relative date moves with the moment it is read against; an absolute one does not.
    other_base = base - timedelta(days=3, hours=7)
    again = dateparser.parse(
        cleaned, languages=list(group), settings=_dateparser_settings(other_base)
    )
    if again is not None and again != parsed:
        day = parsed.astimezone(UTC)
        return ParsedDate(datetime(day.year, day.month, day.day, tzinfo=UTC), "day")
    has_time = bool(re.search(r"\d{1,2}:\d{2}", cleaned))
    return ParsedDate(parsed.astimezone(UTC), "datetime" if has_time else "day")


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """feedparser's UTC struct_time to an aware datetime, or None if it is not a real date."""
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def is_in_future(value: datetime, now: datetime, tolerance: timedelta = timedelta(days=1)) -> bool:
    """True when a date lies more than ``tolerance`` after ``now``: not to be trusted."""
    return value > now + tolerance

"""When to collect a source next: its interval with jitter, backoff on failure, Retry-After.

Pure functions of a source's state and the last result, so the scheduled collector and a
manual `presswatch collect` agree, and tests need no clock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

# A failing source is retried later and later, but at least once a day.
BACKOFF_CAP = timedelta(hours=24)
# Spread the next collection over +-10% of the interval, so that feeds collected together
# once do not stay in lockstep and a publisher never sees every reader at the same second.
JITTER = 0.10


@dataclass(frozen=True, slots=True)
class NextCollection:
    """What the store records after a collection: the next due time, or why it stopped."""

    next_due: datetime | None
    disabled_reason: str | None = None


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """A Retry-After header (seconds or an HTTP date) as an absolute time, or None."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return now + timedelta(seconds=int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(when, now)


def next_collection(
    *,
    now: datetime,
    every: timedelta,
    failures: int,
    http_status: int | None,
    retry_after: datetime | None = None,
    rng: random.Random | None = None,
) -> NextCollection:
    """The next due time after a collection; ``failures`` counts this one if it failed."""
    if http_status == 410:
        return NextCollection(
            None,
            "410 Gone: the publisher removed this feed; fix its URL in config.yaml "
            "or remove the source",
        )
    jitter = (rng or random).uniform(-JITTER, JITTER)
    if failures <= 0:
        return NextCollection(now + every * (1 + jitter))
    backoff = min(every * (2 ** (failures - 1)), BACKOFF_CAP)
    due = now + backoff * (1 + jitter)
    if retry_after is not None and retry_after > due:
        due = retry_after
    return NextCollection(due)


def is_due(next_due: datetime | None, disabled_reason: str | None, now: datetime) -> bool:
    """Whether a source should be collected now."""
    if disabled_reason:
        return False
    return next_due is None or next_due <= now

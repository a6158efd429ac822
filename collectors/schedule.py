"""When to collect a source next: its interval with jitter, backoff on failure, Retry-After.

Pure functions of a source's state and the last result, so the scheduled collector and a
manual `presswatch collect` agree, and tests need no clock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

# A failing source is retried later and later, but at least once a day; a server asking
# for a longer wait (Retry-After) is asked again after a day too.
BACKOFF_CAP = timedelta(hours=24)
# Spread the next collection over +-10% of the interval, so that feeds collected together
# once do not stay in lockstep and a publisher never sees every reader at the same second.
JITTER = 0.10
# The furthest a failure puts the next collection: the capped backoff with its jitter.
LONGEST_WAIT = BACKOFF_CAP * (1 + JITTER)


@dataclass(frozen=True, slots=True)
class NextCollection:
    """What the store records after a collection: the next due time, or why it stopped."""

    next_due: datetime | None
    disabled_reason: str | None = None


def read_retry_after(value: str | None, now: datetime) -> tuple[datetime | None, str]:
    """A Retry-After header (seconds or an HTTP date) as an absolute time at most
    BACKOFF_CAP away, and what to tell the user about it ('' when the header was plain)."""
    if not value:
        return None, ""
    text = value.strip()
    cap = now + BACKOFF_CAP
    if text.isdigit():
        # Compared as a number first: a timedelta of 3e11 seconds is an OverflowError.
        seconds = int(text)
        if seconds > BACKOFF_CAP.total_seconds():
            return cap, f"it asked to wait {text} seconds: waiting 24 hours at most"
        return now + timedelta(seconds=seconds), ""
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, OverflowError, IndexError):
        when = None
    if when is None or when.tzinfo is None:
        shown = text[:40]
        return None, (
            f"its Retry-After {shown!r} is neither seconds nor an HTTP date: ignored, "
            "the usual backoff applies"
        )
    if when > cap:
        return cap, f"it asked to wait until {when:%Y-%m-%d}: waiting 24 hours at most"
    return max(when, now), ""


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """A Retry-After header (seconds or an HTTP date) as an absolute time at most
    BACKOFF_CAP away, or None when it is missing or unreadable."""
    return read_retry_after(value, now)[0]


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
    # Counted in float seconds: a timedelta doubled 40 times is an OverflowError.
    doubled = every.total_seconds() * 2.0 ** min(failures - 1, 64)
    backoff = timedelta(seconds=min(doubled, BACKOFF_CAP.total_seconds()))
    due = now + backoff * (1 + jitter)
    if retry_after is not None and retry_after > due:
        due = min(retry_after, now + BACKOFF_CAP)
    return NextCollection(due)


def is_due(next_due: datetime | None, disabled_reason: str | None, now: datetime) -> bool:
    """Whether a source should be collected now."""
    if disabled_reason:
        return False
    return next_due is None or next_due <= now


def beyond_cap(next_due: datetime | None, now: datetime) -> bool:
    """Whether a due time set after a failure lies further than any wait this module sets
    (a Retry-After stored before waits were capped): such a source is due now."""
    return next_due is not None and next_due > now + LONGEST_WAIT

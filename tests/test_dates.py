"""Dates as feeds and files write them: relative ones kept to the day, impossible offsets
refused, other European languages read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from presswatch.dates import offset_problem, parse_free_date, parse_known_date

# Half past midnight: "3 hours ago" is the day before, and any invented hour would show.
NOW = datetime(2026, 11, 22, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("hier", 21),
        ("Hier à 10h05", 21),
        ("il y a 3 heures", 21),
        ("aujourd'hui", 22),
        ("yesterday", 21),
        ("2 days ago", 20),
    ],
)
def test_a_relative_date_is_kept_to_its_day(text: str, day: int) -> None:
    parsed = parse_free_date(text, ("fr", "en"), NOW)
    assert parsed is not None
    assert (parsed.value, parsed.precision) == (datetime(2026, 11, day, tzinfo=UTC), "day")


def test_an_absolute_date_keeps_its_time() -> None:
    parsed = parse_free_date("22 novembre 2026 à 10h05", ("fr", "en"), NOW)
    assert parsed is not None
    assert (parsed.value, parsed.precision) == (
        datetime(2026, 11, 22, 10, 5, tzinfo=UTC),
        "datetime",
    )


@pytest.mark.parametrize(
    "text",
    [
        "Sun, 22 Nov 2026 10:05:00 +9900",
        "2026-11-22T10:05:00+99:00",
        "Sun, 22 Nov 2026 10:05:00 +0175",
        "22 novembre 2026 10:05 -1500",
    ],
)
def test_an_offset_that_cannot_exist_makes_the_date_unreadable(text: str) -> None:
    assert offset_problem(text) is not None
    assert parse_free_date(text, ("fr", "en"), NOW) is None
    with pytest.raises(ValueError, match="does not exist"):
        parse_known_date(text, ("fr", "en"), NOW)


@pytest.mark.parametrize(
    "text",
    ["Sun, 22 Nov 2026 10:05:00 +1400", "2026-11-22T10:05:00-12:00", "10:05 +0530", "2026-11-22"],
)
def test_real_offsets_are_accepted(text: str) -> None:
    assert offset_problem(text) is None


@pytest.mark.parametrize(
    ("text", "languages", "expected"),
    [
        ("domingo, 22 de novembro de 2026 10:05", ("pt",), datetime(2026, 11, 22, 10, 5)),
        ("Dom, 22 Nov 2026 10:05:00 -0300", ("pt",), datetime(2026, 11, 22, 13, 5)),
        ("22 de noviembre de 2026", ("es",), datetime(2026, 11, 22)),
        ("Sonntag, 22. November 2026 10:05", ("de",), datetime(2026, 11, 22, 10, 5)),
        ("22 novembre 2026, ore 10:05", ("it",), datetime(2026, 11, 22, 10, 5)),
        # Not declared: read by the fallback languages after French and English fail.
        ("22 de noviembre de 2026", (), datetime(2026, 11, 22)),
    ],
)
def test_dates_in_other_european_languages(
    text: str, languages: tuple[str, ...], expected: datetime
) -> None:
    parsed = parse_free_date(text, ("fr", "en", *languages), NOW)
    assert parsed is not None
    assert parsed.value == expected.replace(tzinfo=UTC)


def test_words_that_are_no_date_stay_unread() -> None:
    assert parse_free_date("Entrée numéro cinq", ("fr", "en"), NOW) is None

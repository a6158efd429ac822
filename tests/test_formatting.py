"""Numbers, percentages, dates and times in the interface language, by Babel."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from presswatch.formatting import Formatting, french_typography, machine_timezone

FRENCH = Formatting("fr", "Europe/Paris")
ENGLISH = Formatting("en", "UTC")


def test_numbers_use_the_languages_decimal_sign_and_grouping() -> None:
    assert FRENCH.number(0.361, 3) == "0,361"
    assert ENGLISH.number(0.361, 3) == "0.361"
    assert FRENCH.integer(12345) == "12\u202f345"
    assert ENGLISH.integer(12345) == "12,345"
    assert FRENCH.signed(0.123) == "+0,12"
    assert FRENCH.signed(-3, 0) == "-3"
    assert FRENCH.number(None) == ""


def test_percentages_follow_cldr_french_a_no_break_space_before_the_sign() -> None:
    assert FRENCH.percent(79.66, 1) == "79,7\u00a0%"
    assert FRENCH.percent(37) == "37\u00a0%"
    assert ENGLISH.percent(79.66, 1) == "79.7%"
    assert FRENCH.percent(float("nan")) == ""


def test_a_remembered_text_is_the_one_of_its_own_language_and_value() -> None:
    """Babel's texts are kept per language and value: a cached one never answers for
    another language, another number of decimals, or -0.0 for 0.0 (Babel writes "-0%")."""
    from babel.dates import format_date
    from babel.numbers import format_percent

    for _ in range(2):  # the second time from the cache
        assert [ENGLISH.percent(0.0), ENGLISH.percent(-0.0)] == [
            format_percent(0.0, locale="en"),
            format_percent(-0.0, locale="en"),
        ]
        assert [FRENCH.percent(12.5), FRENCH.percent(12.5, 1), ENGLISH.percent(12.5, 1)] == [
            format_percent(0.125, locale="fr"),
            "12,5\u00a0%",
            "12.5%",
        ]
        day = pd.Timestamp("2024-02-05")
        assert [FRENCH.day(day), ENGLISH.day(day), ENGLISH.day(day + pd.Timedelta(days=1))] == [
            format_date(day.date(), "medium", locale="fr"),
            "Feb 5, 2024",
            "Feb 6, 2024",
        ]
        assert [FRENCH.month(day), ENGLISH.month(day)] == ["févr. 2024", "Feb 2024"]


def test_dates_are_cut_to_what_is_known_and_name_french_months() -> None:
    day = pd.Timestamp("2024-02-05")
    assert FRENCH.date(day, "day") == "5 févr. 2024"
    assert FRENCH.date(day, "month") == "févr. 2024"
    assert FRENCH.date(day, "year") == "2024"
    assert ENGLISH.date(day, "month") == "Feb 2024"
    assert FRENCH.date(None, "day") == FRENCH.date(day, None) == ""
    assert FRENCH.period(day, "week") == "5 févr. 2024"


def test_a_moment_is_shown_in_the_time_zone_and_names_it() -> None:
    """The store keeps UTC; the reader sees the configured zone, named, UTC included."""
    moment = "2024-07-25T15:00:59Z"
    assert FRENCH.datetime(moment) == "25 juil. 2024, 17:00:59 (Europe/Paris)"
    assert ENGLISH.datetime(moment) == "Jul 25, 2024, 3:00:59\u202fPM (UTC)"
    # A naive moment is UTC, as the store writes it.
    assert FRENCH.time(datetime(2024, 1, 1, 12, 0)) == "13:00:00 (Europe/Paris)"
    assert FRENCH.time(datetime(2024, 1, 1, 12, 0, tzinfo=UTC)) == "13:00:00 (Europe/Paris)"


def test_french_typography_puts_narrow_no_break_spaces_before_high_punctuation() -> None:
    text = french_typography("Date : {date} ; « oui » ! Vraiment ? 95 % https://x.fr:8080/a?b")
    assert text == (
        "Date\u202f: {date}\u202f; «\u202foui\u202f»\u202f! Vraiment\u202f? 95\u00a0% "
        "https://x.fr:8080/a?b"
    )


def test_the_machines_time_zone_is_an_iana_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Paris")
    assert machine_timezone() == "Europe/Paris"
    monkeypatch.setenv("TZ", "Not/AZone")
    assert machine_timezone()  # the machine's file, else UTC: never empty

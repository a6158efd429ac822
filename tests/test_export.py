"""CSV export: formulas neutralized, BOM and delimiters, round trip through pandas."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pandas as pd
import pytest

from presswatch.export import format_date, neutralize_cell, to_csv_bytes


@pytest.mark.parametrize("value", ["=1+1", "+33 1 23", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_cells_that_would_be_formulas_are_neutralized(value: str) -> None:
    assert neutralize_cell(value) == "'" + value


def test_plain_cells_are_untouched() -> None:
    assert neutralize_cell("Mistral AI lève 600 M€") == "Mistral AI lève 600 M€"
    assert neutralize_cell(3) == 3


def test_csv_round_trips_with_accents_and_no_formula() -> None:
    frame = pd.DataFrame(
        {
            "title": ['=HYPERLINK("http://x.invalid")', "L’IA « souveraine », à Paris; vite"],
            "mention_count": [1, 2],
            "author": [None, "Zoé"],
        }
    )
    for delimiter in (",", ";"):
        data = to_csv_bytes(frame, delimiter=delimiter)
        assert data.startswith(b"\xef\xbb\xbf")
        back = pd.read_csv(
            io.BytesIO(data), sep=delimiter, encoding="utf-8-sig", keep_default_na=False
        )
        assert back["title"].tolist() == [
            '\'=HYPERLINK("http://x.invalid")',
            "L’IA « souveraine », à Paris; vite",
        ]
        assert back["author"].tolist() == ["", "Zoé"]
    assert not to_csv_bytes(frame, bom=False).startswith(b"\xef\xbb\xbf")


def test_dates_show_only_what_is_known() -> None:
    when = datetime(2024, 3, 19, 15, 4, 5, tzinfo=UTC)
    assert format_date(when, "month") == "2024-03"
    assert format_date(when, "year") == "2024"
    assert format_date(when, "day") == "2024-03-19"
    assert format_date(when, "datetime") == "2024-03-19T15:04:05Z"
    assert format_date(None, None) == ""

"""Figure builders: aggregated data in, readable axes out."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.charts import timeline_figure, tone_figure


def _timeline(periods: int, freq: str) -> pd.DataFrame:
    starts = pd.date_range("2024-01-01", periods=periods, freq=freq)
    rows = [
        {"period": start, "company": company, "mentions": 3, "articles": 2}
        for start in starts
        for company in ("Mistral AI", "OpenAI")
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("periods", "freq", "unit", "dtick"),
    [
        # at most 12 labels, a whole number of periods apart: two years of weeks, every 9
        (105, "W-MON", "week", 9 * 7 * 86_400_000),
        (6, "W-MON", "week", 7 * 86_400_000),
        (90, "D", "day", 8 * 86_400_000),
        (30, "MS", "month", "M3"),
        (3, "YS", "year", "M12"),
    ],
)
def test_period_axes_carry_a_few_labels_on_period_starts(
    periods: int, freq: str, unit: str, dtick: int | str
) -> None:
    timeline = _timeline(periods, freq)
    axis = timeline_figure(timeline, ["Mistral AI", "OpenAI"], unit).layout.xaxis
    assert axis.dtick == dtick
    assert pd.Timestamp(axis.tick0) == timeline["period"].min()


def test_the_net_tone_panel_uses_the_same_ticks() -> None:
    timeline = _timeline(105, "W-MON").assign(
        positive=1, neutral=0, negative=0, total=1, net_tone=1.0
    )
    counts = pd.DataFrame(
        {"company": ["Mistral AI"], "positive": [1], "neutral": [0], "negative": [0]}
    ).assign(total=1)
    figure = tone_figure(counts, timeline, ["Mistral AI", "OpenAI"], "week")
    assert figure.layout.xaxis2.dtick == 9 * 7 * 86_400_000

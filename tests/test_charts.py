"""Figure builders: aggregated data in, readable axes out."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.charts import (
    TONE_COLORS,
    clicked_drill,
    outlets_figure,
    share_of_voice_figure,
    timeline_figure,
    tone_figure,
)
from dashboard.render import COMPANY_COLORS, PALETTE, company_colors, company_mark_colors
from presswatch import analytics
from presswatch.drill import Drill
from presswatch.formatting import Formatting
from presswatch.overview import PeriodFigures


def _click(figure: go.Figure, trace: Any, index: int) -> Drill | None:
    """The group a click on point ``index`` of ``trace`` lists, from the event Streamlit
    gives (the trace's and the point's numbers, the point's customdata)."""
    data = trace.customdata[index]
    return clicked_drill(
        figure,
        {
            "curve_number": list(figure.data).index(trace),
            "point_number": index,
            "point_index": index,
            "customdata": list(data) if isinstance(data, tuple | list) else data,
        },
    )


def _timeline(periods: int, freq: str) -> pd.DataFrame:
    starts = pd.date_range("2024-01-01", periods=periods, freq=freq)
    rows = [
        {"period": start, "company": company, "mentions": 3, "articles": 2}
        for start in starts
        for company in ("Mistral AI", "OpenAI")
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("periods", "freq", "unit", "step"),
    [
        # at most 12 labels, a whole number of periods apart: two years of weeks, every 9
        (105, "W-MON", "week", 9),
        (6, "W-MON", "week", 1),
        (90, "D", "day", 8),
        (30, "MS", "month", 3),
        (3, "YS", "year", 1),
    ],
)
def test_period_axes_carry_a_few_labels_on_period_starts(
    periods: int, freq: str, unit: str, step: int
) -> None:
    timeline = _timeline(periods, freq)
    axis = timeline_figure(timeline, ["Mistral AI", "OpenAI"], unit).layout.xaxis
    starts = sorted(timeline["period"].unique())
    assert [pd.Timestamp(v) for v in axis.tickvals] == [pd.Timestamp(p) for p in starts[::step]]
    assert len(axis.ticktext) == len(axis.tickvals) <= 12


def test_the_tone_panel_uses_the_same_ticks() -> None:
    timeline = _timeline(105, "W-MON").assign(
        positive=5, neutral=0, negative=0, total=5, positive_share=100.0, negative_share=0.0
    )
    counts = pd.DataFrame(
        {"company": ["Mistral AI"], "positive": [1], "neutral": [0], "negative": [0]}
    ).assign(total=1)
    figure = tone_figure(counts, timeline, ["Mistral AI", "OpenAI"], "week")
    # Each company has its row of the right column; the last row carries the period ticks.
    main = timeline_figure(timeline, ["Mistral AI", "OpenAI"], "week").layout.xaxis
    assert figure.layout.xaxis3.tickvals == main.tickvals


def test_french_axes_name_months_in_french_with_decimal_commas() -> None:
    """Streamlit's plotly.js has only English month names: the axes' labels, the hovers'
    periods and every percentage come from Babel in the interface language."""
    french = Formatting("fr", "Europe/Paris")
    timeline = _timeline(14, "MS")
    figure = timeline_figure(timeline, ["Mistral AI", "OpenAI"], "month", fmt=french)
    assert list(figure.layout.xaxis.ticktext[:3]) == ["janv. 2024", "mars 2024", "mai 2024"]
    assert figure.layout.separators == ",\u202f"
    assert figure.data[0].customdata[1][1] == "févr. 2024"
    assert "%{x}" not in figure.data[0].hovertemplate
    english = timeline_figure(timeline, ["Mistral AI", "OpenAI"], "month").layout.xaxis
    assert list(english.ticktext[:2]) == ["Jan 2024", "Mar 2024"]

    counts = pd.DataFrame(
        {
            "company": ["Mistral AI", "OpenAI"],
            "articles": [797, 203],
            "stories": [1, 1],
            "mentions": [1, 1],
        }
    )
    shares = analytics.share_from_counts(counts)
    bars = share_of_voice_figure(shares, ["Mistral AI", "OpenAI"], fmt=french)
    assert bars.data[0].text[0] == "80\u00a0%"
    assert bars.data[0].customdata[0][1] == "79,7\u00a0%"
    assert "100\u00a0%" in bars.layout.xaxis.ticktext


COMPANIES = ["Mistral AI", "OpenAI", "Google DeepMind"]


def _sparse_months() -> pd.DataFrame:
    """Google DeepMind covered in April 2012 and September 2015 only, 3 mentions each."""
    return pd.DataFrame(
        {
            "period": pd.to_datetime(["2012-04-01", "2015-09-01", "2012-04-01"]),
            "company": ["Google DeepMind", "Google DeepMind", "Mistral AI"],
            "mentions": [3, 3, 1],
            "articles": [1, 2, 1],
        }
    )


def test_a_month_without_coverage_is_drawn_at_zero() -> None:
    filled = analytics.fill_periods(_sparse_months(), "month")
    figure = timeline_figure(filled, COMPANIES, "month")
    deepmind = next(trace for trace in figure.data if trace.name == "Google DeepMind")
    points = dict(zip(pd.to_datetime(deepmind.x), deepmind.y, strict=True))
    # April 2012 to September 2015 is 42 months: every one is a point, the empty ones at 0,
    # so no line runs flat at 3 across three years without coverage.
    assert len(points) == 42
    assert points[pd.Timestamp("2013-06-01")] == 0
    assert points[pd.Timestamp("2012-04-01")] == points[pd.Timestamp("2015-09-01")] == 3
    # Past MAX_PERIODS_FOR_BARS a line, with a marker only where there is coverage.
    assert deepmind.type == "scatter"
    sizes = dict(zip(pd.to_datetime(deepmind.x), deepmind.marker.size, strict=True))
    assert sizes[pd.Timestamp("2013-06-01")] == 0
    assert sizes[pd.Timestamp("2012-04-01")] > 0


def test_a_few_periods_are_bars_and_a_bounded_view_fills_its_whole_span() -> None:
    daily = pd.DataFrame(
        {
            "day": pd.to_datetime(["2024-03-04"]),
            "company": ["Mistral AI"],
            "date_precision": ["day"],
            "mentions": [2],
            "articles": [1],
        }
    )
    timeline = analytics.timeline_from_daily(daily, "week")
    # A view from 1 February to 31 March 2024 by week: every week of it, zeros included.
    filled = analytics.fill_periods(timeline, "week", date(2024, 2, 1), date(2024, 3, 31))
    assert filled["mentions"].tolist().count(0) == len(filled) - 1
    assert filled["period"].min() <= pd.Timestamp("2024-02-01")
    assert filled["period"].max() >= pd.Timestamp("2024-03-25")
    figure = timeline_figure(filled, COMPANIES, "week")
    assert [trace.type for trace in figure.data] == ["bar"]


def test_counts_are_whole_numbers_on_the_axis_and_in_the_hover() -> None:
    filled = analytics.fill_periods(_sparse_months(), "month")
    assert filled["mentions"].dtype == "int64"
    figure = timeline_figure(filled, COMPANIES, "month")
    axis = figure.layout.yaxis
    # Counts up to 3: a tick per unit, never 0.5 or 1.5.
    assert (axis.dtick, axis.tickformat, axis.rangemode) == (1, "d", "tozero")
    for trace in figure.data:
        assert "%{y:d}" in trace.hovertemplate
        assert "%{customdata[0]:d}" in trace.hovertemplate
    # The other count charts too.
    outlets = pd.DataFrame(
        {"company": ["Mistral AI"], "outlet": ["Le Monde"], "articles": [2], "stories": [2]}
    )
    assert outlets_figure(outlets, "outlet").layout.xaxis.dtick == 1


def _daily_tones(counts: dict[tuple[str, str], int]) -> pd.DataFrame:
    """Articles per (day, tone) for Mistral AI, as Store.daily_tones gives them."""
    return pd.DataFrame(
        [
            {
                "day": pd.Timestamp(day),
                "company": "Mistral AI",
                "date_precision": "day",
                "tone": tone,
                "articles": articles,
            }
            for (day, tone), articles in counts.items()
        ]
    )


def test_tone_over_time_is_shares_with_their_counts_and_too_few_is_no_share() -> None:
    daily = _daily_tones(
        {
            ("2024-03-05", "positive"): 12,
            ("2024-03-06", "negative"): 8,
            ("2024-03-07", "neutral"): 20,
            # April: one positive article, which a net score would draw as +1.
            ("2024-04-02", "positive"): 1,
        }
    )
    tones = analytics.tone_from_daily(daily, "month").set_index("period")
    march, april = tones.loc[pd.Timestamp("2024-03-01")], tones.loc[pd.Timestamp("2024-04-01")]
    assert (march["positive_share"], march["negative_share"], march["total"]) == (30.0, 20.0, 40)
    assert pd.isna(april["positive_share"]) and pd.isna(april["negative_share"])
    assert april["total"] == 1 < analytics.MIN_ARTICLES_FOR_TONE_SHARE
    assert "net_tone" not in tones.columns

    counts = pd.DataFrame(
        {"company": ["Mistral AI"], "positive": [13], "neutral": [20], "negative": [8]}
    )
    figure = tone_figure(counts, tones.reset_index(), COMPANIES, "month")
    positive = next(t for t in figure.data if t.name == "positive" and t.xaxis == "x2")
    negative = next(t for t in figure.data if t.name == "negative" and t.xaxis == "x2")
    # March only: 30% up, 20% down, each with its count of the period's articles.
    assert list(positive.y) == [30.0] and list(negative.y) == [-20.0]
    # The counts and period the hover shows; a click lists the bar's group (presswatch.drill).
    assert [list(row)[:4] for row in positive.customdata] == [[12, 40, "30%", "Mar 2024"]]
    assert [list(row)[:4] for row in negative.customdata] == [[8, 40, "20%", "Mar 2024"]]
    assert _click(figure, positive, 0) == Drill(
        company="Mistral AI", tones=("positive",), period=date(2024, 3, 1), unit="month"
    )
    hover = positive.hovertemplate.replace("%{customdata[0]:d}", "12").replace(
        "%{customdata[1]:d}", "40"
    )
    assert "(12 of 40 articles)" in hover
    # April is marked too few at 0, with its count, never plotted as a share.
    few = next(t for t in figure.data if t.name == "Too few articles")
    assert list(pd.to_datetime(few.x)) == [pd.Timestamp("2024-04-01")]
    assert list(few.y) == [0] and [list(row)[:2] for row in few.customdata] == [[1, "Apr 2024"]]
    assert all(abs(v) < 100 for t in (positive, negative) for v in t.y)


def test_the_headline_share_of_voice_counts_articles() -> None:
    # One piece naming Mistral AI 22 times: 1 article of 4, 22 mentions of 25.
    counts = pd.DataFrame(
        {
            "company": ["Mistral AI", "OpenAI"],
            "articles": [1, 3],
            "stories": [1, 2],
            "mentions": [22, 3],
        }
    )
    share = analytics.share_from_counts(counts)
    assert share["company"].tolist() == ["OpenAI", "Mistral AI"]  # most articles first
    period = PeriodFigures(articles=4, mentions=25, share=share, tones=pd.DataFrame())
    assert period.share_of(["Mistral AI"]) == 25.0
    assert period.share_of(["Mistral AI"], "stories") == pytest.approx(100 / 3)
    assert period.share_of(["Mistral AI"], "mentions") == 88.0
    with pytest.raises(ValueError, match="use articles, stories or mentions"):
        period.share_of(["Mistral AI"], "words")

    figure = share_of_voice_figure(share, COMPANIES, colors=company_colors(COMPANIES))
    mistral = next(t for t in figure.data if t.name == "Mistral AI")
    # Three labelled bars, by articles (the headline) on top.
    assert list(mistral.y) == ["By articles", "By unique stories", "By mentions"]
    assert figure.layout.yaxis.autorange == "reversed"
    assert list(mistral.x) == pytest.approx([25.0, 100 / 3, 88.0])
    assert [list(row)[:2] for row in mistral.customdata] == [
        ["1 of 4 articles", "25.0%"],
        ["1 of 3 unique stories", "33.3%"],
        ["22 of 25 mentions", "88.0%"],
    ]
    # Each bar opens Mistral AI's articles.
    assert {_click(figure, mistral, n) for n in range(3)} == {Drill(company="Mistral AI")}
    assert [t.name for t in figure.data] == ["Mistral AI", "OpenAI"]  # config order


def test_a_company_keeps_its_colour_whichever_companies_are_chosen() -> None:
    colors = company_colors(COMPANIES)
    assert len(set(colors.values())) == len(COMPANIES)
    assert not set(colors.values()) & set(TONE_COLORS.values())  # never a tone's colour
    filled = analytics.fill_periods(_sparse_months(), "month")
    only_deepmind = filled[filled["company"] == "Google DeepMind"]
    # Google DeepMind alone (a filter) keeps the colour of its place in the config.
    figure = timeline_figure(only_deepmind, ["Google DeepMind"], "month", colors=colors)
    assert figure.data[0].marker.color == colors["Google DeepMind"] == COMPANY_COLORS[2]
    outlets = pd.DataFrame(
        {
            "company": ["Google DeepMind", "Mistral AI"],
            "outlet": ["Le Monde", "Les Echos"],
            "articles": [2, 1],
            "stories": [2, 1],
        }
    )
    bars = outlets_figure(outlets, "outlet", companies=COMPANIES, colors=colors)
    assert {t.name: t.marker.color for t in bars.data} == {
        "Google DeepMind": COMPANY_COLORS[2],
        "Mistral AI": COMPANY_COLORS[0],
    }
    # Its mentions are marked in a text with the light tint of the same hue.
    assert company_mark_colors(COMPANIES)["Google DeepMind"] == PALETTE[2]


def test_a_click_reads_its_group_from_the_trace_and_its_period_from_the_point() -> None:
    """A trace carries its group once (meta), a point only what varies: a click on any
    point resolves to the group and period that point counts, and a point that is not
    this figure's (another run's customdata, a trace or point out of range) to none."""
    days = pd.date_range("2024-03-01", periods=3, freq="D")
    timeline = pd.DataFrame(
        {
            "period": list(days) * 2,
            "company": ["Mistral AI"] * 3 + ["L’Usine <b>"] * 3,
            "mentions": [1, 9, 0, 2, 0, 1],
            "articles": [1, 4, 0, 1, 0, 1],
        }
    )
    spikes = pd.DataFrame(
        {
            "company": ["Mistral AI"],
            "day": [days[1]],
            "mentions": [9],
            "articles": [4],
            "article_ids": [["a1", "a2", "a3", "a4"]],
        }
    )
    figure = timeline_figure(timeline, ["Mistral AI"], "day", spikes=spikes)
    mistral, usine, spike = figure.data
    assert [_click(figure, usine, n) for n in range(3)] == [
        Drill(company="L’Usine <b>", period=day.date(), unit="day") for day in days
    ]
    assert _click(figure, spike, 0) == Drill(
        company="Mistral AI", period=days[1].date(), unit="day"
    )
    # No point carries its trace's company: a key is once per trace (but the spikes', whose
    # one trace holds every company's), and never a markup character.
    assert all(len(row) == 2 for trace in (mistral, usine) for row in trace.customdata)
    assert "<b>" not in figure.to_json()
    point = {"curve_number": 1, "point_index": 1, "customdata": list(usine.customdata[1])}
    assert clicked_drill(figure, point) == Drill(
        company="L’Usine <b>", period=days[1].date(), unit="day"
    )
    # The point as another figure drew it (another count or period name): no list at all
    # rather than another point's articles.
    assert clicked_drill(figure, {**point, "customdata": [3, "Mar 2, 2024"]}) is None
    for broken in (
        {**point, "curve_number": 7},
        {**point, "point_index": 3},
        {**point, "point_index": -1},
        {**point, "curve_number": None},
        {},
    ):
        assert clicked_drill(figure, broken) is None
    # The tone totals: a trace per tone, a point per company.
    counts = pd.DataFrame(
        {
            "company": ["Mistral AI", "OpenAI"],
            "positive": [3, 1],
            "neutral": [0, 2],
            "negative": [1, 0],
        }
    )
    tones = analytics.tone_from_daily(_daily_tones({("2024-03-05", "positive"): 12}), "month")
    toned = tone_figure(counts, tones, COMPANIES, "month")
    negative = next(t for t in toned.data if t.name == "negative" and t.xaxis == "x")
    assert [_click(toned, negative, n) for n in range(2)] == [
        Drill(company=c, tones=("negative",)) for c in ("Mistral AI", "OpenAI")
    ]

"""Plotly figure builders; they take aggregated frames, never one point per article."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "legend_title_text": ""}


_TICK_FORMAT = {"day": "%d %b %Y", "week": "%d %b %Y", "month": "%b %Y", "year": "%Y"}
_PERIOD_MS = {"day": 86_400_000, "week": 7 * 86_400_000, "month": "M1", "year": "M12"}
# Below this many periods a line says little: grouped bars read better.
MIN_PERIODS_FOR_LINES = 4


def timeline_figure(timeline: pd.DataFrame, companies: list[str], unit: str) -> go.Figure:
    """Mentions per period and company, in config order: lines, or bars for a few periods."""
    options = {
        "x": "period",
        "y": "mentions",
        "color": "company",
        "category_orders": {"company": companies},
        "labels": {"period": unit.capitalize(), "mentions": "Mentions", "company": "Company"},
        "hover_data": {"articles": True},
    }
    if timeline["period"].nunique() < MIN_PERIODS_FOR_LINES:
        figure = px.bar(timeline, barmode="group", **options)
    else:
        figure = px.line(timeline, markers=True, **options)
    figure.update_xaxes(tickformat=_TICK_FORMAT.get(unit, "%d %b %Y"), dtick=_PERIOD_MS.get(unit))
    figure.update_layout(**_LAYOUT)
    return figure


def share_of_voice_figure(share: pd.DataFrame, companies: list[str]) -> go.Figure:
    """Share of voice by mentions, as horizontal bars summing to 100%."""
    figure = px.bar(
        share,
        x="share_mentions",
        y="company",
        orientation="h",
        category_orders={"company": companies},
        labels={"share_mentions": "Share of mentions (%)", "company": ""},
        hover_data={"mentions": True, "articles": True},
        text=share["share_mentions"].map(lambda v: f"{v:.0f}%"),
    )
    figure.update_layout(**_LAYOUT, showlegend=False)
    return figure


TONE_COLORS = {"positive": "#16a34a", "neutral": "#9ca3af", "negative": "#dc2626"}


def tone_figure(tone: pd.DataFrame, companies: list[str]) -> go.Figure:
    """Articles per tone for each company, stacked: positive, neutral, negative."""
    totals = tone.groupby("company")[["positive", "neutral", "negative"]].sum().reset_index()
    long = totals.melt(id_vars="company", var_name="tone", value_name="articles")
    figure = px.bar(
        long,
        x="articles",
        y="company",
        color="tone",
        orientation="h",
        color_discrete_map=TONE_COLORS,
        category_orders={"company": companies, "tone": ["positive", "neutral", "negative"]},
        labels={"articles": "Articles", "company": "", "tone": "Tone"},
    )
    figure.update_layout(**_LAYOUT, barmode="stack")
    return figure


def topics_figure(counts: pd.DataFrame, companies: list[str]) -> go.Figure:
    """Articles per topic for each company, grouped bars."""
    figure = px.bar(
        counts,
        x="articles",
        y="topic",
        color="company",
        orientation="h",
        barmode="group",
        category_orders={"company": companies},
        labels={"articles": "Articles", "topic": "", "company": "Company"},
    )
    figure.update_layout(**_LAYOUT)
    return figure

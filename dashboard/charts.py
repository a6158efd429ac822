"""Plotly figure builders; they take aggregated frames, never one point per article."""

from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

Translate = Callable[[str], str]


def _english(text: str) -> str:
    return text


_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "legend_title_text": ""}


_TICK_FORMAT = {"day": "%d %b %Y", "week": "%d %b %Y", "month": "%b %Y", "year": "%Y"}
_PERIOD_MS = {"day": 86_400_000, "week": 7 * 86_400_000, "month": "M1", "year": "M12"}
# Below this many periods a line says little: grouped bars read better.
MIN_PERIODS_FOR_LINES = 4
MAX_PERIODS_WITH_MARKERS = 60


def timeline_figure(
    timeline: pd.DataFrame,
    companies: list[str],
    unit: str,
    *,
    spikes: pd.DataFrame | None = None,
    gaps: pd.DataFrame | None = None,
    titles: dict[str, str] | None = None,
    t: Translate = _english,
) -> go.Figure:
    """Mentions per period and company, in config order: lines, or bars for a few periods.

    Spikes are marked (hovering one lists the articles behind it) and coverage gaps, when
    a source was failing, are shaded.
    """
    options = {
        "x": "period",
        "y": "mentions",
        "color": "company",
        "category_orders": {"company": companies},
        "labels": {
            "period": t(unit).capitalize(),
            "mentions": t("Mentions"),
            "company": t("Company"),
            "articles": t("Articles"),
        },
        "hover_data": {"articles": True},
    }
    if timeline["period"].nunique() < MIN_PERIODS_FOR_LINES:
        figure = px.bar(timeline, barmode="group", **options)
    else:
        # Markers help read a few dozen points; past that they only cost drawing time.
        many = timeline["period"].nunique() > MAX_PERIODS_WITH_MARKERS
        figure = px.line(timeline, markers=not many, **options)
    figure.update_xaxes(tickformat=_TICK_FORMAT.get(unit, "%d %b %Y"), dtick=_PERIOD_MS.get(unit))
    if spikes is not None and not spikes.empty:
        names = titles or {}
        hover = [
            "<br>".join(html.escape(str(names.get(a) or t("(untitled)")))[:90] for a in ids[:8])
            for ids in spikes["article_ids"]
        ]
        figure.add_trace(
            go.Scatter(
                x=spikes["day"],
                y=spikes["mentions"],
                mode="markers",
                marker={"symbol": "star", "size": 14, "color": "#dc2626"},
                name=t("Spike"),
                text=hover,
                customdata=spikes["company"],
                hovertemplate="%{customdata}: %{y} "
                + t("mentions")
                + "<br>%{text}<extra>"
                + t("spike")
                + "</extra>",
            )
        )
    if gaps is not None and not gaps.empty and not timeline.empty:
        first, last = timeline["period"].min(), timeline["period"].max()
        starts = pd.to_datetime(gaps["start"], utc=True).dt.tz_localize(None)
        ends = pd.to_datetime(gaps["end"], utc=True).dt.tz_localize(None).fillna(last)
        for source, start, end in zip(gaps["source"], starts, ends, strict=True):
            if end < first or start > last:
                continue
            figure.add_vrect(
                x0=max(start, first),
                x1=min(end, last),
                fillcolor="#9ca3af",
                opacity=0.2,
                line_width=0,
                annotation_text=t("{source} failing").format(source=source),
                annotation_position="top left",
            )
    figure.update_layout(**_LAYOUT)
    return figure


def share_of_voice_figure(
    share: pd.DataFrame, companies: list[str], t: Translate = _english
) -> go.Figure:
    """Share of voice by mentions, as horizontal bars summing to 100%."""
    figure = px.bar(
        share,
        x="share_mentions",
        y="company",
        orientation="h",
        category_orders={"company": companies},
        labels={
            "share_mentions": t("Share of mentions (%)"),
            "company": "",
            "mentions": t("Mentions"),
            "articles": t("Articles"),
        },
        hover_data={"mentions": True, "articles": True},
        text=share["share_mentions"].map(lambda v: f"{v:.0f}%"),
    )
    figure.update_layout(**_LAYOUT, showlegend=False)
    return figure


TONE_COLORS = {"positive": "#16a34a", "neutral": "#9ca3af", "negative": "#dc2626"}


def tone_figure(tone: pd.DataFrame, companies: list[str], t: Translate = _english) -> go.Figure:
    """Articles per tone for each company, stacked: positive, neutral, negative."""
    labels = ["positive", "neutral", "negative"]
    totals = tone.groupby("company")[labels].sum().reset_index()
    long = totals.melt(id_vars="company", var_name="tone", value_name="articles")
    long["tone"] = long["tone"].map(t)  # the legend in the interface's language
    figure = px.bar(
        long,
        x="articles",
        y="company",
        color="tone",
        orientation="h",
        color_discrete_map={t(label): color for label, color in TONE_COLORS.items()},
        category_orders={"company": companies, "tone": [t(label) for label in labels]},
        labels={"articles": t("Articles"), "company": "", "tone": t("Tone")},
    )
    figure.update_layout(**_LAYOUT, barmode="stack")
    return figure


def topics_figure(counts: pd.DataFrame, companies: list[str], t: Translate = _english) -> go.Figure:
    """Articles per topic for each company, grouped bars."""
    figure = px.bar(
        counts,
        x="articles",
        y="topic",
        color="company",
        orientation="h",
        barmode="group",
        category_orders={"company": companies},
        labels={"articles": t("Articles"), "topic": "", "company": t("Company")},
    )
    figure.update_layout(**_LAYOUT)
    return figure


def outlets_figure(outlets: pd.DataFrame, column: str, t: Translate = _english) -> go.Figure:
    """Articles per outlet (or author) for each company, horizontal bars."""
    figure = px.bar(
        outlets,
        x="articles",
        y=column,
        color="company",
        orientation="h",
        barmode="group",
        labels={"articles": t("Articles"), column: "", "company": t("Company")},
    )
    figure.update_layout(**_LAYOUT)
    figure.update_yaxes(categoryorder="total ascending")
    return figure

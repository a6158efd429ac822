"""Plotly figure builders; they take aggregated frames, never one point per article.

plotly reads <a href>, <b>, <br> and entities in every label, legend, annotation and
hover: every text, from the data, the config or the translations, goes through ``label``
(<, > and & escaped, bidi controls removed).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard.render import chart_text as label

Translate = Callable[[str], str]


def _english(text: str) -> str:
    return text


_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "legend_title_text": ""}


_TICK_FORMAT = {"day": "%d %b %Y", "week": "%d %b %Y", "month": "%b %Y", "year": "%Y"}
_PERIOD_MS = {"day": 86_400_000, "week": 7 * 86_400_000}
_PERIOD_MONTHS = {"month": 1, "year": 12}
# A label per period over two years of weeks is 105 labels, whose measuring and overlap
# checks took 0.4 s of the browser's drawing (bench/RESULTS.md): one every few periods.
MAX_TICKS = 12
# Below this many periods a line says little: grouped bars read better.
MIN_PERIODS_FOR_LINES = 4
MAX_PERIODS_WITH_MARKERS = 60


def _period_ticks(unit: str, periods: pd.Series) -> dict[str, Any]:
    """Axis ticks on period starts, a whole number of periods apart, at most MAX_TICKS."""
    ticks: dict[str, Any] = {"tickformat": _TICK_FORMAT.get(unit, "%d %b %Y")}
    if periods.empty:
        return ticks
    step = max(1, math.ceil(periods.nunique() / MAX_TICKS))
    if unit in _PERIOD_MS:
        ticks["dtick"] = step * _PERIOD_MS[unit]
    elif unit in _PERIOD_MONTHS:
        ticks["dtick"] = f"M{step * _PERIOD_MONTHS[unit]}"
    else:
        return ticks
    ticks["tick0"] = periods.min()
    return ticks


def _in_order(present: list[str], companies: list[str]) -> list[str]:
    """The companies present, in config order, then any other in name order."""
    known = [c for c in companies if c in present]
    return known + sorted(c for c in present if c not in companies)


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
    # Built with graph_objects, not plotly express: px took 0.25 s of a redraw for the
    # overview's three figures, these take a few milliseconds (bench/bench_dashboard.py).
    periods = timeline["period"].nunique()
    bars = periods < MIN_PERIODS_FOR_LINES
    # Markers help read a few dozen points; past that they only cost drawing time.
    mode = "lines" if periods > MAX_PERIODS_WITH_MARKERS else "lines+markers"
    period_label = label(t(unit).capitalize())
    figure = go.Figure()
    groups = {str(key): rows for key, rows in timeline.groupby("company", sort=False)}
    for company in _in_order(list(groups), companies):
        rows = groups[company]
        name = label(company)
        common: dict[str, Any] = {
            "x": rows["period"],
            "y": rows["mentions"],
            "name": name,
            "legendgroup": name,
            "customdata": rows[["articles"]].to_numpy(),
            "hovertemplate": f"{label(t('Company'))}={name}<br>{period_label}=%{{x}}"
            f"<br>{label(t('Mentions'))}=%{{y}}"
            f"<br>{label(t('Articles'))}=%{{customdata[0]}}<extra></extra>",
        }
        # No colour set: the dashboard theme's colour sequence, in config order.
        if bars:
            figure.add_trace(go.Bar(**common))
        else:
            figure.add_trace(go.Scatter(mode=mode, **common))
    figure.update_layout(barmode="group")
    figure.update_xaxes(title_text=t(unit).capitalize())
    figure.update_yaxes(title_text=t("Mentions"))
    figure.update_xaxes(**_period_ticks(unit, timeline["period"]))
    if spikes is not None and not spikes.empty:
        names = titles or {}
        hover = [
            # Cut before escaping: a cut never splits an entity.
            "<br>".join(label(str(names.get(a) or t("(untitled)"))[:90]) for a in ids[:8])
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
                customdata=spikes["company"].map(label),
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
                annotation_text=label(t("{source} failing")).format(source=label(source)),
                annotation_position="top left",
            )
    figure.update_layout(**_LAYOUT)
    return figure


def share_of_voice_figure(
    share: pd.DataFrame, companies: list[str], t: Translate = _english
) -> go.Figure:
    """Share of voice by mentions, as horizontal bars summing to 100%."""
    ordered = share.set_index("company").loc[_in_order(list(share["company"]), companies)]
    figure = go.Figure(
        go.Bar(
            x=ordered["share_mentions"],
            y=[label(c) for c in ordered.index],
            orientation="h",
            text=[f"{v:.0f}%" for v in ordered["share_mentions"]],
            customdata=ordered[["mentions", "articles"]].to_numpy(),
            hovertemplate="%{y}<br>"
            + label(t("Share of mentions (%)"))
            + "=%{x:.1f}<br>"
            + label(t("Mentions"))
            + "=%{customdata[0]}<br>"
            + label(t("Articles"))
            + "=%{customdata[1]}<extra></extra>",
        )
    )
    figure.update_xaxes(title_text=t("Share of mentions (%)"))
    figure.update_yaxes(autorange="reversed")  # the first company on top
    figure.update_layout(**_LAYOUT, showlegend=False)
    return figure


TONE_COLORS = {"positive": "#16a34a", "neutral": "#9ca3af", "negative": "#dc2626"}


def tone_figure(
    tone: pd.DataFrame,
    timeline: pd.DataFrame,
    companies: list[str],
    unit: str,
    t: Translate = _english,
) -> go.Figure:
    """Tone in one figure: articles per tone for each company, stacked (left), and each
    company's net tone per period, (positive - negative) / articles, over time (right)."""
    # Imported by the one figure that needs it: plotly.subplots takes 0.3 s to import.
    from plotly.subplots import make_subplots

    # One figure, not two: every plot costs the browser a draw (bench/bench_dashboard.py).
    figure = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.4, 0.6],
        horizontal_spacing=0.12,
        subplot_titles=(t("Articles by tone"), t("Net tone per {period}").format(period=t(unit))),
    )
    period_label = label(t(unit).capitalize())
    groups = {str(key): rows for key, rows in timeline.groupby("company", sort=False)}
    # The companies' lines come first, uncoloured: the theme gives company n the colour of
    # the timeline's trace n.
    for company in _in_order(list(groups), companies):
        rows = groups[company]
        name = label(company)
        figure.add_trace(
            go.Scatter(
                x=rows["period"],
                y=rows["net_tone"],
                mode="lines+markers" if len(rows) <= MAX_PERIODS_WITH_MARKERS else "lines",
                name=name,
                legendgroup=name,
                customdata=rows[["total"]].to_numpy(),
                hovertemplate=f"{name}<br>{period_label}=%{{x}}<br>"
                + label(t("Net tone"))
                + "=%{y:+.2f}<br>"
                + label(t("Articles"))
                + "=%{customdata[0]}<extra></extra>",
            ),
            row=1,
            col=2,
        )
    tones = ["positive", "neutral", "negative"]
    totals = tone.groupby("company")[tones].sum()
    totals = totals.loc[_in_order(list(totals.index), companies)]
    for kind in tones:
        name = label(t(kind))  # the legend in the interface's language
        figure.add_trace(
            go.Bar(
                x=totals[kind],
                y=[label(c) for c in totals.index],
                orientation="h",
                name=name,
                legendgroup="tone",
                marker_color=TONE_COLORS[kind],
                hovertemplate="%{y}<br>"
                + name
                + ": %{x} "
                + label(t("Articles").lower())
                + "<extra></extra>",
            ),
            row=1,
            col=1,
        )
    figure.update_xaxes(title_text=t("Articles"), row=1, col=1)
    figure.update_yaxes(autorange="reversed", row=1, col=1)  # the first company on top
    periods = timeline["period"] if not timeline.empty else pd.Series([], dtype=object)
    figure.update_xaxes(**_period_ticks(unit, periods), row=1, col=2)
    figure.update_yaxes(range=[-1.05, 1.05], zeroline=True, row=1, col=2)
    figure.update_layout(**_LAYOUT, barmode="stack", legend_traceorder="normal")
    figure.update_layout(margin={"t": 50})
    return figure


def topics_figure(counts: pd.DataFrame, companies: list[str], t: Translate = _english) -> go.Figure:
    """Articles per topic for each company, grouped bars."""
    figure = px.bar(
        counts.assign(topic=counts["topic"].map(label), company=counts["company"].map(label)),
        x="articles",
        y="topic",
        color="company",
        orientation="h",
        barmode="group",
        category_orders={"company": [label(c) for c in companies]},
        labels={"articles": t("Articles"), "topic": "", "company": t("Company")},
    )
    figure.update_layout(**_LAYOUT)
    return figure


def themes_over_time_figure(
    over_time: pd.DataFrame, labels: dict[pd.Timestamp, str], t: Translate = _english
) -> go.Figure:
    """Articles per period and theme, one panel per company: stacked bars whose periods
    are named by ``labels`` (the interface language's month names, from Babel)."""
    shown = over_time.assign(label=over_time["period"].map(labels))
    order = [labels[p] for p in sorted(labels)]
    figure = px.bar(
        shown,
        x="label",
        y="articles",
        color="topic",
        facet_row="company",
        category_orders={"label": order},
        labels={"articles": t("Articles"), "label": "", "topic": t("Topic"), "company": ""},
    )
    figure.update_layout(**_LAYOUT)
    return figure


def outlets_figure(outlets: pd.DataFrame, column: str, t: Translate = _english) -> go.Figure:
    """Articles per outlet (or author) for each company, horizontal bars."""
    figure = px.bar(
        outlets.assign(
            **{column: outlets[column].map(label)}, company=outlets["company"].map(label)
        ),
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

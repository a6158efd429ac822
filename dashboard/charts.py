"""Plotly figure builders; they take aggregated frames, never one point per article.

plotly reads <a href>, <b>, <br> and entities in every label, legend, annotation and
hover: every text, from the data, the config or the translations, goes through ``label``
(<, > and & escaped, bidi controls removed).

Every clickable trace says in its ``meta`` which articles each of its points counts
(presswatch.drill.Drill), read back by ``clicked_drill`` from Streamlit's selection event:

- ``drill``: the group all the trace's points share (Drill.key: a company, a tone, the
  timeline's unit), once per trace;
- ``x_is_period``: the point's x is the first day of the period it counts;
- ``point_has_key``: the point's customdata ends with a Drill.key of its own fields (a
  company, an outlet, a topic), over the trace's.

A key per point, as the charts carried before, was three quarters of the Overview's
bytes.
"""

from __future__ import annotations

import json
import math
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import pandas as pd
import plotly.graph_objects as go

from dashboard.render import chart_text as label
from presswatch.analytics import MIN_ARTICLES_FOR_TONE_SHARE
from presswatch.drill import Drill
from presswatch.formatting import Formatting


class Translate(Protocol):
    """The interface's translation (View.t): the text, its {placeholders} filled."""

    def __call__(self, text: str, /, **values: object) -> str: ...


def _english(text: str, /, **values: object) -> str:
    return text.format(**values) if values else text


_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "legend_title_text": ""}
# English, times in UTC: the figures' default when no view gives its own.
_ENGLISH = Formatting()


def _layout(fmt: Formatting) -> dict[str, Any]:
    """The common layout, with the language's decimal sign and thousands separator for
    every number plotly formats itself (axes, hovers)."""
    return {**_LAYOUT, "separators": fmt.plotly_separators}


# A label per period over two years of weeks is 105 labels, whose measuring and overlap
# checks took 0.4 s of the browser's drawing (bench/RESULTS.md): one every few periods.
MAX_TICKS = 12
# Counts per period are bars up to this many periods; past it, bars get too thin to read
# and a line (zero-filled: it falls to 0 in a period without coverage) with a marker only
# where there is coverage reads better.
MAX_PERIODS_FOR_BARS = 36
# A count axis up to this value gets a tick per unit: plotly's own ticks would otherwise
# fall on halves ("1.5 mentions").
MAX_COUNT_FOR_UNIT_TICKS = 10
# A company the view's colours do not know (no longer in the config).
OTHER_COLOR = "#9ca3af"


def _period_ticks(unit: str, periods: pd.Series, fmt: Formatting) -> dict[str, Any]:
    """Axis ticks on period starts, a whole number of periods apart, at most MAX_TICKS,
    named by Babel in the interface language ("févr. 2024"): Streamlit's plotly.js has
    no locale but English, so plotly never names a month itself."""
    if periods.empty:
        return {}
    starts = sorted(pd.Series(periods.unique()).map(pd.Timestamp))
    step = max(1, math.ceil(len(starts) / MAX_TICKS))
    shown = starts[::step]
    return {"tickvals": shown, "ticktext": [label(fmt.period(p, unit)) for p in shown]}


def _period_names(periods: pd.Series, unit: str, fmt: Formatting) -> list[str]:
    """Each period's name for a hover, in the interface language."""
    names = {p: label(fmt.period(p, unit)) for p in periods.unique()}
    return [names[p] for p in periods]


def _count_axis(largest: float) -> dict[str, Any]:
    """An axis of counts: whole numbers only, from zero."""
    axis: dict[str, Any] = {"rangemode": "tozero", "tickformat": "d"}
    if largest <= MAX_COUNT_FOR_UNIT_TICKS:
        axis["dtick"] = 1
    return axis


def _largest(values: pd.Series) -> float:
    return float(values.max()) if len(values) else 0.0


def _clickable(
    drill: Drill, *, x_is_period: bool = False, point_has_key: bool = False
) -> dict[str, Any]:
    """A clickable trace's meta (see the module's docstring)."""
    meta: dict[str, Any] = {"drill": drill.key()}
    if x_is_period:
        meta["x_is_period"] = True
    if point_has_key:
        meta["point_has_key"] = True
    return meta


# The figures kept by drawn_once: a page's few, for the sessions that read the same view.
KEPT_FIGURES = 24
_kept: OrderedDict[bytes, go.Figure] = OrderedDict()
_kept_lock = threading.Lock()


def drawn_once(
    build: Callable[..., go.Figure],
    *args: Any,
    t: Translate,
    language: str,
    **kwargs: Any,
) -> go.Figure:
    """``build(*args, t=t, **kwargs)``, or the figure it gave the same inputs before.

    A click on a chart reruns its page, which draws every figure again from the same
    frames; plotly's checks of each property were about half of such a rerun. ``language`` is
    the one ``t`` speaks (it stands for ``t`` in the inputs compared). The figure is
    shared: nothing may change it once built (Streamlit copies it to draw it).
    """
    try:
        inputs = pickle.dumps(
            (build.__module__, build.__qualname__, args, sorted(kwargs.items()), language),
            protocol=pickle.HIGHEST_PROTOCOL,
        )
    except (pickle.PicklingError, TypeError, AttributeError):
        return build(*args, t=t, **kwargs)
    with _kept_lock:
        figure = _kept.get(inputs)
        if figure is not None:
            _kept.move_to_end(inputs)
            return figure
    figure = build(*args, t=t, **kwargs)
    with _kept_lock:
        _kept[inputs] = figure
        while len(_kept) > KEPT_FIGURES:
            _kept.popitem(last=False)
    return figure


def _plain(value: Any) -> Any:
    """A point's customdata as JSON carries it (numpy values as Python's, tuples as
    lists): the figure's and the browser's compare equal."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def clicked_drill(figure: go.Figure, point: Mapping[str, Any]) -> Drill | None:
    """The group behind one point of Streamlit's selection event (its trace's
    ``curve_number``, its ``point_index``), read from ``figure``, the page's figure of the
    same run; None when the point is not one of a clickable trace.

    Streamlit names a chart's selection by the figure's whole JSON, so a selection always
    belongs to the figure the run drew again; the point's customdata must match all the
    same, so that a point of another figure never lists someone else's articles."""
    curve, index = point.get("curve_number"), point.get("point_index", point.get("point_number"))
    if not isinstance(curve, int) or not isinstance(index, int) or index < 0:
        return None
    if not 0 <= curve < len(figure.data):
        return None
    trace = figure.data[curve]
    meta = trace.meta
    if not isinstance(meta, dict) or not isinstance(meta.get("drill"), str):
        return None
    customdata = trace.customdata
    if customdata is not None and (
        index >= len(customdata) or _plain(point.get("customdata")) != _plain(customdata[index])
    ):
        return None
    try:
        values = json.loads(meta["drill"])
        if not isinstance(values, dict):
            return None
        if meta.get("x_is_period"):
            if trace.x is None or index >= len(trace.x):
                return None
            values["period"] = pd.Timestamp(trace.x[index]).to_pydatetime()
        if meta.get("point_has_key"):
            data = _plain(customdata[index]) if customdata is not None else None
            key = data[-1] if isinstance(data, list) and data else data
            own = json.loads(key) if isinstance(key, str) else None
            if not isinstance(own, dict):
                return None
            values.update(own)
    except (TypeError, ValueError):
        return None
    return Drill.from_values(values)


def _drills(rows: pd.DataFrame, unit: str | None = None, **fixed: Any) -> list[str]:
    """Each row's group as a clickable point carries it (Drill.key, the customdata's last
    value, in a trace whose meta says ``point_has_key``): the row's company, topic, outlet
    or author columns, its period of ``unit``, and the ``fixed`` values."""
    columns = [c for c in ("company", "topic", "outlet", "author") if c in rows.columns]
    keys = []
    for record in rows.to_dict("records"):
        values: dict[str, Any] = {c: str(record[c]) for c in columns}
        if unit is not None and "period" in record:
            values.update(period=pd.Timestamp(record["period"]).date(), unit=unit)
        keys.append(Drill(**{**values, **fixed}).key())
    return keys


def _in_order(present: list[str], companies: list[str]) -> list[str]:
    """The companies present, in config order, then any other in name order."""
    known = [c for c in companies if c in present]
    return known + sorted(c for c in present if c not in companies)


def timeline_figure(
    timeline: pd.DataFrame,
    companies: list[str],
    unit: str,
    *,
    colors: dict[str, str] | None = None,
    spikes: pd.DataFrame | None = None,
    gaps: pd.DataFrame | None = None,
    titles: dict[str, str] | None = None,
    t: Translate = _english,
    fmt: Formatting = _ENGLISH,
) -> go.Figure:
    """Mentions per period and company, in config order, each in its colour: bars, or past
    MAX_PERIODS_FOR_BARS periods lines with a marker only where there is coverage.

    The timeline has every period, zeros included (analytics.fill_periods): a period
    without coverage is drawn at 0. Counts are whole numbers on the axis and in the hover.
    Spikes are marked (hovering one lists the articles behind it) and coverage gaps, when
    a source was failing, are shaded.
    """
    # Built with graph_objects, not plotly express: px took 0.25 s of a redraw for the
    # overview's three figures, these take a few milliseconds (bench/bench_dashboard.py).
    periods = timeline["period"].nunique()
    bars = periods <= MAX_PERIODS_FOR_BARS
    palette = colors or {}
    period_label = label(t(unit).capitalize())
    figure = go.Figure()
    groups = {str(key): rows for key, rows in timeline.groupby("company", sort=False)}
    for company in _in_order(list(groups), companies):
        rows = groups[company]
        name = label(company)
        color = palette.get(company, OTHER_COLOR)
        common: dict[str, Any] = {
            "x": rows["period"],
            "y": rows["mentions"],
            "name": name,
            "legendgroup": name,
            # The count and the period's name; a click lists the company's articles of the
            # point's period (x).
            "customdata": list(
                zip(rows["articles"], _period_names(rows["period"], unit, fmt), strict=True)
            ),
            "meta": _clickable(Drill(company=company, unit=unit), x_is_period=True),
            "hovertemplate": f"{label(t('Company'))}={name}<br>{period_label}=%{{customdata[1]}}"
            f"<br>{label(t('Mentions'))}=%{{y:d}}"
            f"<br>{label(t('Articles'))}=%{{customdata[0]:d}}<extra></extra>",
        }
        if bars:
            figure.add_trace(go.Bar(marker_color=color, **common))
        else:
            # A marker where the company has coverage, none on the zeros between.
            sizes = [6 if count > 0 else 0 for count in rows["mentions"]]
            figure.add_trace(
                go.Scatter(
                    mode="lines+markers",
                    line={"color": color, "width": 1.5},
                    marker={"color": color, "size": sizes},
                    **common,
                )
            )
    figure.update_layout(barmode="group")
    figure.update_xaxes(title_text=t(unit).capitalize())
    figure.update_yaxes(title_text=t("Mentions"), **_count_axis(_largest(timeline["mentions"])))
    figure.update_xaxes(**_period_ticks(unit, timeline["period"], fmt))
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
                customdata=list(
                    zip(
                        spikes["company"].map(label),
                        [Drill(company=str(c)).key() for c in spikes["company"]],
                        strict=True,
                    )
                ),
                meta=_clickable(Drill(unit="day"), x_is_period=True, point_has_key=True),
                hovertemplate="%{customdata[0]}: %{y:d} "
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
    figure.update_layout(**_layout(fmt))
    return figure


# The measures of share of voice, headline first: comms teams count articles.
SHARE_MEASURES = [
    ("articles", "By articles", "{count} of {total} articles"),
    ("stories", "By unique stories", "{count} of {total} unique stories"),
    ("mentions", "By mentions", "{count} of {total} mentions"),
]


def share_of_voice_figure(
    share: pd.DataFrame,
    companies: list[str],
    t: Translate = _english,
    *,
    colors: dict[str, str] | None = None,
    fmt: Formatting = _ENGLISH,
) -> go.Figure:
    """Share of voice as three stacked bars of 100%, each labelled: by articles (the
    headline, on top), by unique stories and by mentions; a company per colour, in config
    order, each segment's hover giving its count ("12 of 40 articles")."""
    ordered = share.set_index("company").loc[_in_order(list(share["company"]), companies)]
    palette = colors or {}
    measures = [label(t(name)) for _, name, _ in SHARE_MEASURES]
    totals = {column: int(ordered[column].sum()) for column, _, _ in SHARE_MEASURES}
    figure = go.Figure()
    for company, row in ordered.iterrows():
        name = label(company)
        shares = [float(row[f"share_{column}"]) for column, _, _ in SHARE_MEASURES]
        counts = [
            [
                label(t(text, count=int(row[column]), total=totals[column])),
                label(fmt.percent(share, 1)),
            ]
            for (column, _, text), share in zip(SHARE_MEASURES, shares, strict=True)
        ]
        figure.add_trace(
            go.Bar(
                x=shares,
                y=measures,
                orientation="h",
                name=name,
                marker_color=palette.get(str(company), OTHER_COLOR),
                text=[fmt.percent(v) if v >= 5 else "" for v in shares],
                textposition="inside",
                insidetextanchor="middle",
                customdata=counts,
                meta=_clickable(Drill(company=str(company))),
                hovertemplate=f"{name}<br>%{{y}}: %{{customdata[1]}}<br>%{{customdata[0]}}"
                "<extra></extra>",
            )
        )
    figure.update_xaxes(
        title_text=t("Share of voice (%)"),
        range=[0, 100],
        tickvals=list(range(0, 101, 20)),
        ticktext=[fmt.percent(v) for v in range(0, 101, 20)],
    )
    figure.update_yaxes(autorange="reversed")  # by articles, the headline, on top
    figure.update_layout(**_layout(fmt), barmode="stack", legend_traceorder="normal")
    return figure


TONE_COLORS = {"positive": "#16a34a", "neutral": "#9ca3af", "negative": "#dc2626"}
TOO_FEW_COLOR = "#9ca3af"


def tone_figure(
    tone: pd.DataFrame,
    timeline: pd.DataFrame,
    companies: list[str],
    unit: str,
    t: Translate = _english,
    *,
    colors: dict[str, str] | None = None,
    fmt: Formatting = _ENGLISH,
) -> go.Figure:
    """Tone in one figure: articles per tone for each company, stacked (left), and for each
    company (a row each, right) the share of positive articles (up) and of negative ones
    (down) per period, their counts in the hover ("12 of 40 articles").

    ``timeline`` is analytics.tone_from_daily's: a period with too few articles has no
    share (NaN) and shows as a grey "too few" mark at 0, never as a 100% swing.
    """
    # Imported by the one figure that needs it: plotly.subplots takes 0.3 s to import.
    from plotly.subplots import make_subplots

    palette = colors or {}
    groups = {str(key): rows for key, rows in timeline.groupby("company", sort=False)}
    rows_of = _in_order(list(groups), companies) or [""]
    # One figure, not two: every plot costs the browser a draw (bench/bench_dashboard.py).
    specs: list[list[dict[str, Any] | None]] = [[{"rowspan": len(rows_of)}, {}]]
    specs += [[None, {}] for _ in rows_of[1:]]
    figure = make_subplots(
        rows=len(rows_of),
        cols=2,
        specs=specs,
        column_widths=[0.4, 0.6],
        horizontal_spacing=0.12,
        vertical_spacing=min(0.08, 0.3 / len(rows_of)),
        shared_xaxes=True,
        subplot_titles=[t("Articles by tone"), *(label(c) for c in rows_of)],
    )
    period_label = label(t(unit).capitalize())
    of_articles = label(
        t("{count} of {total} articles", count="%{customdata[0]:d}", total="%{customdata[1]:d}")
    )
    too_few_shown = False
    for row, company in enumerate(rows_of, start=1):
        if company not in groups:
            continue
        rows = groups[company]
        name = label(company)
        enough = rows[rows["positive_share"].notna()]
        for kind, sign in (("positive", 1), ("negative", -1)):
            kind_name = label(t(kind))
            figure.add_trace(
                go.Bar(
                    x=enough["period"],
                    y=sign * enough[f"{kind}_share"],
                    name=kind_name,
                    legendgroup=kind,
                    showlegend=False,
                    marker_color=TONE_COLORS[kind],
                    customdata=list(
                        zip(
                            enough[kind],
                            enough["total"],
                            [label(fmt.percent(v)) for v in enough[f"{kind}_share"]],
                            _period_names(enough["period"], unit, fmt),
                            strict=True,
                        )
                    ),
                    meta=_clickable(
                        Drill(company=company, tones=(kind,), unit=unit), x_is_period=True
                    ),
                    hovertemplate=f"{name}<br>{period_label}=%{{customdata[3]}}<br>{kind_name}: "
                    f"%{{customdata[2]}} ({of_articles})<extra></extra>",
                ),
                row=row,
                col=2,
            )
        few = rows[rows["positive_share"].isna()]
        if not few.empty:
            figure.add_trace(
                go.Scatter(
                    x=few["period"],
                    y=[0] * len(few),
                    mode="markers",
                    marker={"symbol": "circle-open", "size": 8, "color": TOO_FEW_COLOR},
                    name=label(t("Too few articles")),
                    legendgroup="too few",
                    showlegend=not too_few_shown,
                    customdata=list(
                        zip(few["total"], _period_names(few["period"], unit, fmt), strict=True)
                    ),
                    meta=_clickable(
                        Drill(
                            company=company, tones=("positive", "neutral", "negative"), unit=unit
                        ),
                        x_is_period=True,
                    ),
                    hovertemplate=f"{name}<br>{period_label}=%{{customdata[1]}}<br>"
                    + label(
                        t(
                            "Too few articles for a share: {count} (at least {minimum})",
                            count="%{customdata[0]:d}",
                            minimum=MIN_ARTICLES_FOR_TONE_SHARE,
                        )
                    )
                    + "<extra></extra>",
                ),
                row=row,
                col=2,
            )
            too_few_shown = True
        figure.update_yaxes(
            range=[-105, 105],
            tickvals=[-100, -50, 0, 50, 100],
            ticktext=[fmt.percent(100), fmt.percent(50), "0", fmt.percent(50), fmt.percent(100)],
            zeroline=True,
            row=row,
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
                legendgroup=kind,
                marker_color=TONE_COLORS[kind],
                customdata=[Drill(company=str(c)).key() for c in totals.index],
                meta=_clickable(Drill(tones=(kind,)), point_has_key=True),
                hovertemplate="%{y}<br>"
                + name
                + ": %{x:d} "
                + label(t("Articles").lower())
                + "<extra></extra>",
            ),
            row=1,
            col=1,
        )
    largest = float(totals.sum(axis=1).max()) if not totals.empty else 0.0
    figure.update_xaxes(title_text=t("Articles"), **_count_axis(largest), row=1, col=1)
    figure.update_yaxes(autorange="reversed", row=1, col=1)  # the first company on top
    periods = timeline["period"] if not timeline.empty else pd.Series([], dtype=object)
    figure.update_xaxes(**_period_ticks(unit, periods, fmt), row=len(rows_of), col=2)
    # Each company's row title in its colour, as on every other chart.
    for annotation, company in zip(figure.layout.annotations[1:], rows_of, strict=False):
        annotation.font = {"color": palette.get(company, OTHER_COLOR)}
    figure.update_layout(**_layout(fmt), barmode="relative", legend_traceorder="normal")
    figure.update_layout(margin={"t": 50}, height=max(360, 150 * len(rows_of) + 80))
    return figure


def _color_map(colors: dict[str, str] | None, present: pd.Series) -> dict[str, str]:
    """plotly express's colour per (labelled) company: the view's colour of each."""
    palette = colors or {}
    return {label(c): palette.get(str(c), OTHER_COLOR) for c in present.unique()}


def topics_figure(
    counts: pd.DataFrame,
    companies: list[str],
    t: Translate = _english,
    *,
    colors: dict[str, str] | None = None,
    fmt: Formatting = _ENGLISH,
) -> go.Figure:
    """Articles per topic for each company, grouped bars, a company per colour."""
    # plotly express is imported by the pages that draw with it (Topics, Outlets), not by
    # the first page: its import is a noticeable part of a cold start.
    import plotly.express as px

    figure = px.bar(
        counts.assign(
            topic=counts["topic"].map(label),
            company=counts["company"].map(label),
            drill=_drills(counts),
        ),
        x="articles",
        y="topic",
        color="company",
        custom_data=["drill"],
        orientation="h",
        barmode="group",
        category_orders={"company": [label(c) for c in companies]},
        color_discrete_map=_color_map(colors, counts["company"]),
        labels={"articles": t("Articles"), "topic": "", "company": t("Company")},
    )
    figure.update_traces(meta=_clickable(Drill(), point_has_key=True))
    figure.update_xaxes(**_count_axis(_largest(counts["articles"])))
    figure.update_layout(**_layout(fmt))
    return figure


def themes_over_time_figure(
    over_time: pd.DataFrame,
    labels: dict[pd.Timestamp, str],
    t: Translate = _english,
    unit: str = "month",
    fmt: Formatting = _ENGLISH,
) -> go.Figure:
    """Articles per period of ``unit`` and theme, one panel per company: stacked bars whose
    periods are named by ``labels`` (the interface language's month names, from Babel)."""
    shown = over_time.assign(label=over_time["period"].map(labels), drill=_drills(over_time, unit))
    order = [labels[p] for p in sorted(labels)]
    # plotly express is imported by the pages that draw with it (Topics, Outlets), not by
    # the first page: its import is a noticeable part of a cold start.
    import plotly.express as px

    figure = px.bar(
        shown,
        x="label",
        y="articles",
        color="topic",
        custom_data=["drill"],
        facet_row="company",
        category_orders={"label": order},
        labels={"articles": t("Articles"), "label": "", "topic": t("Topic"), "company": ""},
    )
    figure.update_traces(meta=_clickable(Drill(), point_has_key=True))
    figure.update_layout(**_layout(fmt))
    return figure


def outlets_figure(
    outlets: pd.DataFrame,
    column: str,
    t: Translate = _english,
    *,
    companies: list[str] | None = None,
    colors: dict[str, str] | None = None,
    fmt: Formatting = _ENGLISH,
) -> go.Figure:
    """Articles per outlet (or author) for each company, horizontal bars, a company per
    colour (in config order)."""
    # plotly express is imported by the pages that draw with it (Topics, Outlets), not by
    # the first page: its import is a noticeable part of a cold start.
    import plotly.express as px

    figure = px.bar(
        outlets.assign(
            **{column: outlets[column].map(label)},
            company=outlets["company"].map(label),
            drill=_drills(outlets),
        ),
        x="articles",
        y=column,
        color="company",
        custom_data=["drill"],
        orientation="h",
        barmode="group",
        category_orders={
            "company": [label(c) for c in _in_order(list(outlets["company"]), companies or [])]
        },
        color_discrete_map=_color_map(colors, outlets["company"]),
        labels={"articles": t("Articles"), column: "", "company": t("Company")},
    )
    figure.update_traces(meta=_clickable(Drill(), point_has_key=True))
    figure.update_xaxes(**_count_axis(_largest(outlets["articles"])))
    figure.update_layout(**_layout(fmt))
    figure.update_yaxes(categoryorder="total ascending")
    return figure

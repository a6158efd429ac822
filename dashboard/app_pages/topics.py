"""Topics: themes per company, and the terms that rose in the coverage of the tracked company."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pandas as pd
import streamlit as st
from babel.dates import format_date

from dashboard.articles import (
    LISTED,
    articles_panel,
    chart_drill,
    drill_panel,
    selected_row,
)
from dashboard.charts import drawn_once, themes_over_time_figure, topics_figure
from dashboard.data import (
    load_articles_about,
    load_articles_listed,
    load_daily_topics,
    load_emerging_terms,
    load_message_shares,
    load_theme_sentences,
    load_topic_counts,
)
from dashboard.render import md, numbers_shown_as, period_name, plain, table
from dashboard.view import View
from presswatch import analytics
from presswatch.drill import Drill
from presswatch.report import how_found

NEXT_PERIOD = {
    "day": pd.DateOffset(days=1),
    "week": pd.DateOffset(weeks=1),
    "month": pd.DateOffset(months=1),
    "year": pd.DateOffset(years=1),
}
# Articles per period whose texts the emerging terms read at most.
EMERGING_SAMPLE = 2000

view: View = st.session_state["view"]
st.title(view.t("Topics"))

counts = load_topic_counts(view.database, view.filters)
if counts.empty:
    st.info(
        view.t(
            "No topic found yet: add keywords under `topics` in config.yaml, "
            "then run `presswatch reanalyze`."
        )
    )
else:
    st.subheader(view.t("Topics per company"))
    figure = drawn_once(
        topics_figure,
        counts,
        view.companies,
        t=view.t,
        language=view.language,
        colors=view.colors,
        fmt=view.fmt,
    )
    clicked = st.plotly_chart(figure, key="topics", on_select="rerun", selection_mode="points")
    topic_drill = chart_drill(clicked, figure)
    if topic_drill is not None:
        drill_panel(view, topic_drill, "topic_articles")
    daily = load_daily_topics(view.database, view.filters)
    # The overview's grain (its figures are cached for these filters).
    frequency = view.overview.frequency
    over_time = analytics.topics_from_daily(daily, frequency)
    if not over_time.empty:
        st.subheader(view.t("Themes per company and {period}", period=view.t(frequency)))
        starts = sorted(over_time["period"].unique())
        # Each period named as every chart's axis and a clicked bar's list name it
        # ("févr. 2024"), in the interface language.
        labels = {pd.Timestamp(p): period_name(p, frequency, view.fmt) for p in starts}
        figure = drawn_once(
            themes_over_time_figure,
            over_time,
            labels,
            t=view.t,
            language=view.language,
            unit=frequency,
            fmt=view.fmt,
        )
        clicked = st.plotly_chart(
            figure, key="themes_over_time", on_select="rerun", selection_mode="points"
        )
        theme_drill = chart_drill(clicked, figure)
        if theme_drill is not None:
            drill_panel(view, theme_drill, "theme_articles")
        # The sentences behind a bar: they name the company, and are shown as data.
        st.caption(view.t("The sentences behind a bar:"))
        left, middle, right = st.columns(3)
        company = left.selectbox(
            view.t("Company"), sorted(over_time["company"].unique()), key="theme_company"
        )
        mine = over_time[over_time["company"] == company]
        topic = middle.selectbox(view.t("Topic"), sorted(mine["topic"].unique()), key="theme_topic")
        periods = sorted(mine.loc[mine["topic"] == topic, "period"].unique(), reverse=True)
        period = right.selectbox(
            md(view.t(frequency).capitalize()),
            periods,
            format_func=lambda p: labels[pd.Timestamp(p)],
            key="theme_period",
        )
        since = pd.Timestamp(period).tz_localize(UTC).to_pydatetime()
        until = (pd.Timestamp(period) + NEXT_PERIOD[frequency]).tz_localize(UTC).to_pydatetime()
        sentences = load_theme_sentences(view.database, view.filters, company, topic, since, until)
        st.dataframe(
            table(sentences),
            hide_index=True,
            column_config={
                # The day in the configured zone, as the interface writes a date (the
                # browser's own formats are English: numbers only).
                "published": st.column_config.DatetimeColumn(
                    view.t("Date"),
                    format="DD/MM/YYYY" if view.language == "fr" else "YYYY-MM-DD",
                    timezone=view.fmt.timezone,
                ),
                "outlet": view.t("Outlet"),
                "title": view.t("Title"),
                "sentence": view.t("Evidence sentence (names the company)"),
                "weight": st.column_config.NumberColumn(view.t("Weight"), format="%.0f"),
            },
        )

if view.config.messages:
    st.subheader(view.t("Key messages"))
    st.caption(
        view.t(
            "The share of each company's articles carrying a message of config.yaml, in a "
            "sentence naming the company."
        )
    )
    shares = load_message_shares(view.database, view.filters)
    if shares.empty:
        st.info(view.t("No key message found in the articles of this view."))
    else:
        # Whether the sentence holds a phrasing or is similar to one (with the score).
        found_by = [
            how_found(p, s, view.language)
            for p, s in zip(shares["phrasing"], shares["similarity"], strict=True)
        ]
        chosen = st.dataframe(
            table(shares.drop(columns=["phrasing", "similarity"]).assign(found=found_by)),
            hide_index=True,
            column_config={
                "company": view.t("Company"),
                "message": view.t("Message"),
                "articles": view.t("Articles"),
                "of": view.t("Of"),
                "share": st.column_config.NumberColumn(view.t("Share (%)"), format="%.0f"),
                "sentence": view.t("Evidence sentence (names the company)"),
                "found": view.t("Found by"),
            },
            key="messages_table",
            on_select="rerun",
            selection_mode="single-row",
        )
        # A row lists the company's articles that carry the message (its "Articles").
        row = selected_row(chosen)
        if row is not None and row < len(shares):
            drill_panel(
                view,
                Drill(
                    company=str(shares["company"].iloc[row]),
                    message=str(shares["message"].iloc[row]),
                ),
                "message_articles",
                opened_by="table",
            )

st.subheader(view.t("Emerging terms"))
tracked = [c.name for c in view.config.tracked]
# The view's own period against the one just before it; "All time" compares the last 30
# days of the archive (not of the calendar) with the 30 before, so an old archive has terms.
unbounded = dataclasses.replace(view.filters, start=None, end=None)
# Every dated article about them: the archive that says which terms are ordinary.
archive = load_articles_about(
    view.database, unbounded, tuple(tracked), datetime(1970, 1, 1, tzinfo=UTC)
)
if view.filters.start is not None and view.filters.end is not None:
    first_day, last_day = view.filters.start, view.filters.end
else:
    last_day = archive["published"].max().date() if not archive.empty else datetime.now(UTC).date()
    first_day = last_day - timedelta(days=29)
days = (last_day - first_day).days + 1
start = datetime.combine(first_day, datetime.min.time(), tzinfo=UTC)
stop = start + timedelta(days=days)
before = start - timedelta(days=days)
# The period before lies outside the view's own period: the other filters apply to both.
found = load_articles_about(view.database, unbounded, tuple(tracked), before)
dated = found.rename(columns={"article_id": "id"})
current = dated[(dated["published"] >= start) & (dated["published"] < stop)]
previous = dated[(dated["published"] < start) & (dated["published"] >= before)]
current_ids, previous_ids = current["id"].tolist(), previous["id"].tolist()
st.caption(
    view.t(
        "Words and phrases that rose most in articles about {companies}: {first} to {last} "
        "({current} articles) against the {days} days before ({previous} articles). Ranked "
        "by articles, each outlet's weight capped; a row lists the articles it counts.",
        companies=md(", ".join(tracked)),
        first=md(format_date(first_day, format="medium", locale=view.language)),
        last=md(format_date(last_day, format="medium", locale=view.language)),
        days=f"{days:d}",
        current=len(current_ids),
        previous=len(previous_ids),
    )
)
# The texts of a large view's periods are many: the terms come from the newest of each.
if max(len(current_ids), len(previous_ids)) > EMERGING_SAMPLE:
    st.caption(
        view.t(
            "Terms from the newest {count} articles of each period.", count=f"{EMERGING_SAMPLE:d}"
        )
    )
    current = current.nlargest(EMERGING_SAMPLE, "published")
    previous = previous.nlargest(EMERGING_SAMPLE, "published")
    current_ids, previous_ids = current["id"].tolist(), previous["id"].tolist()
if len(current_ids) < analytics.MIN_PERIOD_ARTICLES:
    terms = pd.DataFrame()
    st.info(
        view.t(
            "Too few articles in this period for emerging terms ({count}; at least {least}): "
            "with a handful of articles, a shared phrase is chance, not news.",
            count=f"{len(current_ids):d}",
            least=f"{analytics.MIN_PERIOD_ARTICLES:d}",
        )
    )
else:
    sample = analytics.background_sample(archive.rename(columns={"article_id": "id"}), before)
    terms = load_emerging_terms(
        view.database,
        current[["id", "outlet"]].reset_index(drop=True),
        previous[["id", "outlet"]].reset_index(drop=True),
        sample[["id", "outlet", "month"]],
    )
    if terms.empty:
        st.info(view.t("No term rose in this period against the one before."))
if not terms.empty:
    shown_terms = terms.drop(columns="articles")
    picked = st.dataframe(
        # The rise is a number (sorted by value), with the interface's decimal sign.
        numbers_shown_as(shown_terms, {"z": lambda v: view.fmt.number(v, 1)}),
        hide_index=True,
        column_config={
            # The term as the texts write it ("FBI", "iPhone"); its lower-case key is hidden.
            "term": None,
            "written": view.t("Term"),
            "current": view.t("This period"),
            "previous": view.t("Period before"),
            "z": st.column_config.NumberColumn(view.t("Rise (z)")),
        },
        key="emerging_table",
        on_select="rerun",
        selection_mode="single-row",
    )
    # A row lists the articles its "This period" counts: the period's articles holding it.
    row = selected_row(picked)
    if row is not None and row < len(terms):
        listed, total = load_articles_listed(
            view.database, tuple(terms["articles"].iloc[row]), LISTED
        )
        articles_panel(
            view,
            listed,
            total,
            view.t(
                "holding the term {term} in this period",
                term=plain(str(terms["written"].iloc[row])),
            ),
            "term_articles",
            "table",
        )

"""Overview: key figures against the previous period, timeline with spikes, tone, share of voice."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.charts import share_of_voice_figure, timeline_figure, tone_figure
from dashboard.view import View
from presswatch import analytics
from presswatch.analytics import isin

view: View = st.session_state["view"]
st.title(view.t("Overview"))

if view.everything.articles.empty:
    st.info(
        view.t(
            "No articles yet: run `presswatch collect` (or `presswatch run`), "
            "then reload this page."
        )
    )
    st.stop()
if view.mentions.empty:
    st.info(
        view.t(
            "No mentions of the chosen companies with these filters: "
            "widen the period or the filters."
        )
    )
    st.stop()

tracked = [c.name for c in view.config.tracked]
share = analytics.share_of_voice(view.articles, view.mentions)
toned = analytics.company_tones(view.tones, view.corrections)
previous = view.previous


def delta(now: float, before: float | None, unit: str = "") -> str | None:
    """The change against the previous period, as Streamlit shows it under a metric."""
    if before is None:
        return None
    return f"{now - before:+.0f}{unit} {view.t('vs previous period')}"


def net_tone(frame: pd.DataFrame) -> float | None:
    """(positive - negative) / all, over the tracked company's article tones."""
    own = frame[frame["company"].isin(tracked)] if not frame.empty else frame
    if own.empty:
        return None
    return float(((own["tone"] == "positive").sum() - (own["tone"] == "negative").sum()) / len(own))


before_share = analytics.share_of_voice(previous.articles, previous.mentions) if previous else None
before_tones = analytics.company_tones(previous.tones, view.corrections) if previous else None
cards = st.columns(5)
articles_now = len(view.relevant_articles)
articles_before = (
    int(isin(previous.articles["id"], previous.mentions["article_id"]).sum()) if previous else None
)
cards[0].metric(view.t("Articles"), articles_now, delta(articles_now, articles_before))
mentions_before = len(previous.mentions) if previous else None
cards[1].metric(view.t("Mentions"), len(view.mentions), delta(len(view.mentions), mentions_before))
own_share = float(share[share["company"].isin(tracked)]["share_mentions"].sum())
own_share_before = (
    float(before_share[before_share["company"].isin(tracked)]["share_mentions"].sum())
    if before_share is not None and not before_share.empty
    else None
)
cards[2].metric(
    view.t("Share of voice of {companies}", companies=", ".join(tracked)),
    f"{own_share:.0f}%",
    delta(own_share, own_share_before, " pts"),
)
tone_now = net_tone(toned)
tone_before = net_tone(before_tones) if before_tones is not None else None
cards[3].metric(
    view.t("Net tone"),
    f"{tone_now:+.2f}" if tone_now is not None else view.t("n/a"),
    f"{tone_now - tone_before:+.2f} {view.t('vs previous period')}"
    if tone_now is not None and tone_before is not None
    else None,
    help=view.t("(positive - negative) / articles, towards the tracked company"),
)
outlets = analytics.top_outlets(
    view.articles, view.mentions[view.mentions["company"].isin(tracked)], top=10
)
known = outlets[outlets["outlet"] != "(unknown)"]
cards[4].metric(view.t("Top outlet"), known.iloc[0]["outlet"] if not known.empty else view.t("n/a"))

frequency = analytics.choose_frequency(view.relevant_articles)
st.subheader(view.t("Mentions per {period}", period=view.t(frequency)))
timeline = analytics.mentions_over_time(view.articles, view.mentions, frequency)
if timeline.empty:
    st.info(view.t("None of these articles has a date precise enough to place on a chart."))
else:
    spikes = (
        analytics.spikes(view.articles, view.mentions) if frequency == "day" else pd.DataFrame()
    )
    gaps = analytics.coverage_gaps(view.everything.source_events)
    # Titles of the spikes' articles only (for the hover), not of every article.
    behind = {a for ids in spikes.get("article_ids", []) for a in ids}
    shown = view.articles[isin(view.articles["id"], behind)] if behind else view.articles[:0]
    titles = {str(k): str(v) for k, v in zip(shown["id"], shown["title"], strict=True)}
    st.plotly_chart(
        timeline_figure(
            timeline,
            view.companies,
            frequency,
            spikes=spikes,
            gaps=gaps,
            titles=titles,
            t=view.t,
        ),
        key="timeline",
    )
unplaced = analytics.unplaced_articles(view.articles, view.mentions, frequency)
undated = view.undated
notes = [f"{row.articles} {view.t(str(row.reason))}" for row in unplaced.itertuples()]
if view.filters.start is not None and not undated.empty:
    notes.append(view.t("{count} undated (outside any period)", count=len(undated)))
if notes:
    st.caption(
        view.t("Not on this chart: {notes}; listed on the Coverage page.", notes=", ".join(notes))
    )

if not toned.empty:
    st.subheader(view.t("Tone"))
    counts = toned.groupby(["company", "tone"]).size().unstack("tone", fill_value=0).reset_index()
    for label in ("positive", "neutral", "negative"):
        if label not in counts.columns:
            counts[label] = 0
    st.plotly_chart(tone_figure(counts, view.companies, view.t), key="tone")
    st.caption(view.t("Articles by their tone towards each company; a person's correction wins."))

st.subheader(view.t("Share of voice"))
st.plotly_chart(share_of_voice_figure(share, view.companies, view.t), key="share_of_voice")
st.dataframe(
    share,
    hide_index=True,
    column_config={
        "company": view.t("Company"),
        "articles": view.t("Articles"),
        "stories": st.column_config.NumberColumn(
            view.t("Unique stories"), help=view.t("Republished copies of one story count once")
        ),
        "mentions": view.t("Mentions"),
        "share_articles": st.column_config.NumberColumn(
            view.t("Share of articles"), format="%.1f%%"
        ),
        "share_stories": st.column_config.NumberColumn(view.t("Share of stories"), format="%.1f%%"),
        "share_mentions": st.column_config.NumberColumn(
            view.t("Share of mentions"), format="%.1f%%"
        ),
    },
)

"""Overview: mention timeline per company and share of voice."""

from __future__ import annotations

import streamlit as st

from dashboard.charts import share_of_voice_figure, timeline_figure, tone_figure
from dashboard.view import View
from presswatch import analytics

view: View = st.session_state["view"]
st.title("Overview")

if view.articles.empty:
    st.info("No articles yet: run `presswatch collect`, then reload this page.")
    st.stop()
if view.mentions.empty:
    st.info(
        "No mentions of the chosen companies in this period: widen the period or the companies."
    )
    st.stop()

tracked = [c.name for c in view.config.tracked]
share = analytics.share_of_voice(view.articles, view.mentions)
left, middle, right = st.columns(3)
left.metric("Articles with mentions", len(view.relevant_articles))
middle.metric("Mentions", int(view.mentions.shape[0]))
if tracked:
    own = share[share["company"].isin(tracked)]["share_mentions"].sum()
    right.metric(f"Share of voice of {', '.join(tracked)}", f"{own:.0f}%")

frequency = analytics.choose_frequency(view.relevant_articles)
st.subheader(f"Mentions per {frequency}")
timeline = analytics.mentions_over_time(view.articles, view.mentions, frequency)
if timeline.empty:
    st.info("None of these articles has a date precise enough to place on a chart.")
else:
    st.plotly_chart(timeline_figure(timeline, view.companies, frequency), key="timeline")
unplaced = analytics.unplaced_articles(view.articles, view.mentions, frequency)
if not unplaced.empty:
    parts = [f"{row.articles} {row.reason}" for row in unplaced.itertuples()]
    st.caption(
        f"Not on this chart: {', '.join(parts)} (listed on the Coverage page, counted below)."
    )

undated_tone = analytics.company_tones(view.tones, view.corrections)
if not undated_tone.empty:
    st.subheader("Tone")
    counts = (
        undated_tone.groupby(["company", "tone"]).size().unstack("tone", fill_value=0).reset_index()
    )
    for label in ("positive", "neutral", "negative"):
        if label not in counts.columns:
            counts[label] = 0
    st.plotly_chart(tone_figure(counts, view.companies), key="tone")
    st.caption("Articles by their tone towards each company; a person's correction wins.")

st.subheader("Share of voice")
st.plotly_chart(share_of_voice_figure(share, view.companies), key="share_of_voice")
st.dataframe(
    share,
    hide_index=True,
    column_config={
        "company": "Company",
        "articles": "Articles",
        "stories": st.column_config.NumberColumn(
            "Unique stories", help="Republished copies of one story count once"
        ),
        "mentions": "Mentions",
        "share_articles": st.column_config.NumberColumn("Share of articles", format="%.1f%%"),
        "share_stories": st.column_config.NumberColumn("Share of stories", format="%.1f%%"),
        "share_mentions": st.column_config.NumberColumn("Share of mentions", format="%.1f%%"),
    },
)

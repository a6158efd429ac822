"""Sources: collector health per source, and coverage gaps (when a source was failing)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.view import View
from presswatch import analytics

view: View = st.session_state["view"]
st.title(view.t("Sources"))

sources = view.sources
if sources.empty:
    st.info("No source collected yet: run `presswatch collect` (or `presswatch run`).")
    st.stop()

counts = (
    view.everything.articles.groupby("source")["id"].count()
    if "source" in view.everything.articles
    else pd.Series(dtype=int)
)
table = sources.assign(
    health=[
        "disabled"
        if isinstance(d, str) and d
        else ("failing" if isinstance(e, str) and e else "ok")
        for d, e in zip(sources["disabled_reason"], sources["error"], strict=True)
    ],
    articles=sources["name"].map(counts).fillna(0).astype(int),
)
failing = int((table["health"] != "ok").sum())
left, right = st.columns(2)
left.metric("Sources", len(table))
right.metric("Failing or disabled", failing)
st.dataframe(
    table[
        [
            "name",
            "kind",
            "health",
            "last_success",
            "last_attempt",
            "next_due",
            "consecutive_failures",
            "error",
            "disabled_reason",
            "articles",
            "location",
        ]
    ],
    hide_index=True,
    column_config={
        "name": "Source",
        "kind": "Kind",
        "health": "Health",
        "last_success": st.column_config.DatetimeColumn("Last success", format="YYYY-MM-DD HH:mm"),
        "last_attempt": st.column_config.DatetimeColumn("Last attempt", format="YYYY-MM-DD HH:mm"),
        "next_due": st.column_config.DatetimeColumn("Next due", format="YYYY-MM-DD HH:mm"),
        "consecutive_failures": "Failures in a row",
        "error": st.column_config.TextColumn("Error", width="large"),
        "disabled_reason": "Disabled because",
        "articles": "Articles",
        "location": "Address or folder",
    },
    key="sources_table",
)

st.subheader(view.t("Coverage gaps"))
st.caption(
    "Periods when a source was failing: a dip in coverage then says nothing about the press."
)
gaps = analytics.coverage_gaps(view.everything.source_events)
if gaps.empty:
    st.success("No coverage gap: every source has been collected since its first run.")
else:
    st.dataframe(
        gaps,
        hide_index=True,
        column_config={
            "source": "Source",
            "start": st.column_config.DatetimeColumn("From", format="YYYY-MM-DD HH:mm"),
            "end": st.column_config.DatetimeColumn(
                "To (empty: still failing)", format="YYYY-MM-DD HH:mm"
            ),
            "failures": "Failed collections",
            "error": st.column_config.TextColumn("Last error", width="large"),
        },
        key="gaps_table",
    )

"""Sources: collector health per source, and coverage gaps (when a source was failing)."""

from __future__ import annotations

import streamlit as st

from dashboard.data import load_sources
from dashboard.render import table
from dashboard.view import View
from presswatch import analytics

view: View = st.session_state["view"]
st.title(view.t("Sources"))

# Read from the sources' own tables, whatever the view's size: no frames.
sources = load_sources(view.database)
if sources.empty:
    st.info(view.t("No source collected yet: run `presswatch collect` (or `presswatch run`)."))
    st.stop()

healths = [
    "disabled" if isinstance(d, str) and d else ("failing" if isinstance(e, str) and e else "ok")
    for d, e in zip(sources["disabled_reason"], sources["error"], strict=True)
]
# Shown in the interface's language; times in its time zone, which the columns name.
states = sources.assign(
    health=[
        view.t("disabled") if h == "disabled" else view.t("failing") if h == "failing" else "ok"
        for h in healths
    ]
)
failing = sum(h != "ok" for h in healths)
zone = view.fmt.timezone
when = "DD/MM/YYYY HH:mm" if view.language == "fr" else "YYYY-MM-DD HH:mm"
left, right = st.columns(2)
left.metric(view.t("Sources"), len(states))
right.metric(view.t("Failing or disabled"), view.fmt.integer(failing))
st.dataframe(
    table(
        states[
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
        ]
    ),
    hide_index=True,
    column_config={
        "name": view.t("Source"),
        "kind": view.t("Kind"),
        "health": view.t("Health"),
        "last_success": st.column_config.DatetimeColumn(
            view.t("Last success ({zone})", zone=zone), format=when, timezone=zone
        ),
        "last_attempt": st.column_config.DatetimeColumn(
            view.t("Last attempt ({zone})", zone=zone), format=when, timezone=zone
        ),
        "next_due": st.column_config.DatetimeColumn(
            view.t("Next due ({zone})", zone=zone), format=when, timezone=zone
        ),
        "consecutive_failures": view.t("Failures in a row"),
        "error": st.column_config.TextColumn(view.t("Error"), width="large"),
        "disabled_reason": view.t("Disabled because"),
        "articles": st.column_config.NumberColumn(
            view.t("Articles"), help=view.t("Articles this source has found, all time")
        ),
        "location": view.t("Address or folder"),
    },
    key="sources_table",
)

st.subheader(view.t("Coverage gaps"))
st.caption(
    view.t(
        "Periods when a source was failing: a dip in coverage then says nothing about the press."
    )
)
gaps = analytics.coverage_gaps(view.source_events)
if gaps.empty:
    st.success(view.t("No coverage gap: every source has been collected since its first run."))
else:
    st.dataframe(
        table(gaps),
        hide_index=True,
        column_config={
            "source": view.t("Source"),
            "start": st.column_config.DatetimeColumn(
                view.t("From ({zone})", zone=zone), format=when, timezone=zone
            ),
            "end": st.column_config.DatetimeColumn(
                view.t("To ({zone}; empty: still failing)", zone=zone), format=when, timezone=zone
            ),
            "failures": view.t("Failed collections"),
            "error": st.column_config.TextColumn(view.t("Last error"), width="large"),
        },
        key="gaps_table",
    )

"""Sources: collector health per source, and coverage gaps (when a source was failing)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.articles import LISTED, articles_panel, selected_row
from dashboard.data import load_source_articles, load_sources
from dashboard.render import plain, table
from dashboard.view import View
from presswatch import analytics

HEALTH_ORDER = {"failing": 0, "disabled": 1, "ok": 2}
SEARCHED = ["name", "kind", "location", "error", "disabled_reason"]
# Pixels of the table's header and of a row (Streamlit's defaults), and the tallest table.
TABLE_HEADER, ROW_HEIGHT, MAX_TABLE_HEIGHT = 38, 35, 2000


def matches(sources: pd.DataFrame, text: str) -> pd.Series:
    """The sources with every word of ``text`` in their name, kind, address, error or
    reason (case and accents as typed, in any case)."""
    words = text.casefold().split()
    haystack = sources[SEARCHED].fillna("").astype(str).agg(" ".join, axis=1).str.casefold()
    return haystack.map(lambda found: all(word in found for word in words))


def empty_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its missing texts empty (a table shows "None" for them)."""
    texts = [
        c
        for c in frame.columns
        if (frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c].dtype))
        and all(isinstance(v, str) for v in frame[c].dropna())
    ]
    return frame.assign(**{str(c): frame[c].where(frame[c].notna(), "") for c in texts})


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
# Failing sources first (the longest failing on top), then disabled ones, then the rest
# (ranked by the state itself: the shown health is translated).
states = states.assign(
    rank=[HEALTH_ORDER[h] for h in healths],
    failures=states["consecutive_failures"].fillna(0),
    order=states["name"].astype(str).str.casefold(),
).sort_values(["rank", "failures", "order"], ascending=[True, False, True], kind="stable")
found = st.text_input(
    view.t("Find a source"),
    key="sources_search",
    placeholder=view.t("A name, an address, an error"),
)
shown = states[matches(states, found)] if found.strip() else states
if found.strip():
    st.caption(
        view.t(
            "Sources found: {count} of {total}",
            count=view.fmt.integer(len(shown)),
            total=view.fmt.integer(len(states)),
        )
    )
chosen = st.dataframe(
    table(
        empty_cells(
            shown[
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
        )
    ),
    hide_index=True,
    # Every source in view (the page scrolls), not a box of ten rows.
    height=min(TABLE_HEADER + ROW_HEIGHT * max(len(shown), 1), MAX_TABLE_HEIGHT),
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
    on_select="rerun",
    selection_mode="single-row",
)
# A row lists the articles its "Articles" counts: every one the source found, all time.
row = selected_row(chosen)
if row is not None and row < len(shown):
    name = str(shown["name"].iloc[row])
    articles, total = load_source_articles(view.database, name, LISTED)
    articles_panel(
        view,
        articles,
        total,
        view.t("found by {source}, all time", source=plain(name)),
        "source_articles",
        "table",
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
        table(empty_cells(gaps)),
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

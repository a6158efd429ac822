"""presswatch dashboard: the entry point (`presswatch dashboard` runs it with Streamlit)."""

from __future__ import annotations

import streamlit as st

from dashboard.data import get_config, get_database_url, load_frames
from dashboard.view import PERIODS, build_view
from presswatch.errors import PresswatchError

st.set_page_config(page_title="presswatch", page_icon=":material/newspaper:", layout="wide")

try:
    config = get_config()
    database = get_database_url(config)
    frames = load_frames(database)
except PresswatchError as exc:
    st.error(f"{exc}\n\nFix the configuration, then reload this page.", icon=":material/error:")
    st.stop()

company_names = [c.name for c in config.companies]
with st.sidebar:
    st.header("Filters")
    chosen = st.multiselect("Companies", company_names, default=company_names, key="companies")
    period = st.selectbox("Period", list(PERIODS), key="period")

st.session_state["view"] = build_view(config, database, frames, chosen, period)

page = st.navigation(
    [
        st.Page(
            "app_pages/overview.py",
            title="Overview",
            icon=":material/monitoring:",
            help="Mentions over time per company and share of voice.",
            default=True,
        ),
        st.Page(
            "app_pages/topics.py",
            title="Topics",
            icon=":material/topic:",
            help="Themes per company over time, and the terms that rose in recent coverage.",
        ),
        st.Page(
            "app_pages/coverage.py",
            title="Coverage",
            icon=":material/article:",
            help="The articles, and each one's source text with the mentions highlighted.",
        ),
        st.Page(
            "app_pages/export.py",
            title="Export",
            icon=":material/download:",
            help="The CSV of the current filters for spreadsheets, with its manifest.",
        ),
    ]
)
page.run()

"""Export: the CSV of the current filters, with its manifest (the same function as the CLI)."""

from __future__ import annotations

import json
from functools import partial

import streamlit as st

from dashboard.data import build_export_file, load_export_count, load_export_preview
from dashboard.view import View
from presswatch.export import LEVELS

PREVIEW_ROWS = 200

view: View = st.session_state["view"]
st.title(view.t("Export"))
st.caption(
    view.t(
        "The CSV opens right in Excel and LibreOffice (UTF-8 with BOM); choose ';' for French "
        "spreadsheets. The manifest records the filters, the config's hash, the sources and "
        "their coverage gaps, the row count and the CSV's SHA-256."
    )
)
left, right = st.columns(2)
level = left.selectbox(
    view.t("One row per"),
    LEVELS,
    format_func=lambda value: {
        "articles": "article and company",
        "mentions": "mention",
        "stories": "story and company",
        "daily": "day and company",
    }[value],
    key="export_level",
)
delimiter = right.selectbox(view.t("Delimiter"), [",", ";"], key="export_delimiter")

filters = view.filters
rows = load_export_count(view.database, filters, level)
st.text(
    view.t(
        "{rows} rows · filters: {filters}",
        rows=rows,
        filters=json.dumps(filters.as_dict(), ensure_ascii=False),
    )
)
# The CSV is built when a button is clicked, not at every rerun of the page.
build = partial(build_export_file, view.database, filters, level, delimiter, view.config.sha256)
st.download_button(
    view.t("Download the CSV"),
    data=lambda: build().data,
    file_name=f"presswatch-{level}.csv",
    mime="text/csv",
    key="download_csv",
)
st.download_button(
    view.t("Download its manifest"),
    data=lambda: build().manifest,
    file_name=f"presswatch-{level}.manifest.json",
    mime="application/json",
    key="download_manifest",
)
if rows > PREVIEW_ROWS:
    st.caption(view.t("The first {count} rows:", count=PREVIEW_ROWS))
st.dataframe(
    load_export_preview(view.database, filters, level, view.config.sha256, PREVIEW_ROWS),
    hide_index=True,
)

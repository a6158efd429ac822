"""Export: the CSV of the current filters, with its manifest (the same function as the CLI)."""

from __future__ import annotations

import json

import streamlit as st

from dashboard.view import View
from presswatch.export import LEVELS, build_manifest, export_frame, to_csv_bytes

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

everything = view.everything
filters = view.filters
frame = export_frame(filters.apply(everything), view.config, level)
data = to_csv_bytes(frame, delimiter=delimiter)
manifest = build_manifest(
    everything=everything,
    filters=filters,
    config=view.config,
    level=level,
    rows=len(frame),
    data=data,
    database=view.database,
)
st.text(
    view.t(
        "{rows} rows · filters: {filters}",
        rows=len(frame),
        filters=json.dumps(filters.as_dict(), ensure_ascii=False),
    )
)
st.download_button(
    view.t("Download the CSV"),
    data=data,
    file_name=f"presswatch-{level}.csv",
    mime="text/csv",
    key="download_csv",
)
st.download_button(
    view.t("Download its manifest"),
    data=json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"),
    file_name=f"presswatch-{level}.manifest.json",
    mime="application/json",
    key="download_manifest",
)
st.dataframe(frame.head(200), hide_index=True)

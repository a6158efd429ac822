"""Export: the CSV of the current filters, with its manifest (the same function as the CLI)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import streamlit as st

from dashboard.data import (
    build_export_file,
    load_export_count,
    load_export_preview,
)
from dashboard.render import md, plain, table
from dashboard.reports import build_report_file
from dashboard.view import View
from presswatch.errors import PresswatchError
from presswatch.export import LEVELS, default_delimiter
from presswatch.models import Filters
from presswatch.report import period_between

PREVIEW_ROWS = 200
REPORT_FORMATS = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "html": "text/html",
    "md": "text/markdown",
}

view: View = st.session_state["view"]
st.title(view.t("Export"))
st.caption(
    view.t(
        "The CSV opens right in Excel and LibreOffice (UTF-8 with BOM); in the French format "
        "a French spreadsheet reads its numbers and dates as figures. The manifest records the "
        "filters, the config's hash, the sources and their coverage gaps, the row count and "
        "the CSV's SHA-256."
    )
)
left, right = st.columns(2)
level = left.selectbox(
    view.t("One row per"),
    LEVELS,
    format_func=lambda value: view.t(
        {
            "articles": "article and company",
            "mentions": "mention",
            "stories": "story and company",
            "daily": "day and company",
        }[value]
    ),
    key="export_level",
)
# The interface's own spreadsheet mode first: French (';', decimal commas, dates a
# French spreadsheet reads as dates, French headers) in French.
modes = ["fr", "en"] if view.language == "fr" else ["en", "fr"]
locale = right.selectbox(
    view.t("Spreadsheet format"),
    modes,
    format_func=lambda mode: view.t(
        "French (';', decimal commas)" if mode == "fr" else "English (',', decimal points)"
    ),
    key="export_locale",
)
delimiter = default_delimiter(locale)


def filters_in_words(filters: Filters) -> str:
    """The view's filters as a sentence ("Period: 5 Feb 2024 to 4 Mar 2024; Companies: ...")."""
    parts = []
    if filters.start or filters.end:
        parts.append(
            view.t(
                "Period: {start} to {end}",
                start=view.fmt.day(filters.start) if filters.start else "…",
                end=view.fmt.day(filters.end) if filters.end else "…",
            )
        )
    named = [
        ("Companies: {names}", filters.companies),
        ("Outlets: {names}", filters.outlets),
        ("Languages: {names}", filters.languages),
        ("Tones: {names}", tuple(view.t(tone) for tone in filters.tones)),
        ("Topics: {names}", filters.topics),
    ]
    parts += [view.t(text, names=", ".join(values)) for text, values in named if values]
    return "; ".join(parts) if parts else view.t("none (every article)")


filters = view.filters
rows = load_export_count(view.database, filters, level)
st.text(
    view.t(
        "{rows} rows · filters: {filters}",
        rows=view.fmt.integer(rows),
        # The chosen outlets and topics come from the data: plain text.
        filters=plain(filters_in_words(filters)),
    )
)
# The CSV is built when asked for, not at every rerun of the page, and then served as
# bytes: a download button whose data is a callable (built on the server at the click)
# was left dead by a quick rerun of the page in about 1 run of 7 of the browser test, the
# server having dropped the callable the browser still pointed to.
signature = json.dumps([filters.as_dict(), level, locale], sort_keys=True, default=str)
if st.button(view.t("Prepare the CSV"), key="export_prepare"):
    with st.spinner(view.t("Building the CSV…")):
        built = build_export_file(
            view.database, filters, level, delimiter, view.config.sha256, locale
        )
    st.session_state["export_file"] = (signature, built, datetime.now(UTC))
prepared = st.session_state.get("export_file")
if prepared and prepared[0] == signature:
    _, built, at = prepared
    st.caption(view.t("Prepared at {time}, with these filters.", time=view.fmt.time(at)))
    # Two calls, not a loop: the labels stay literal, for the translations' check.
    st.download_button(
        view.t("Download the CSV"),
        data=built.data,
        file_name=f"presswatch-{level}.csv",
        mime="text/csv",
        key="download_csv",
        on_click="ignore",
    )
    st.download_button(
        view.t("Download its manifest"),
        data=built.manifest,
        file_name=f"presswatch-{level}.manifest.json",
        mime="application/json",
        key="download_manifest",
        on_click="ignore",
    )
if rows > PREVIEW_ROWS:
    st.caption(view.t("The first {count} rows:", count=view.fmt.integer(PREVIEW_ROWS)))
st.dataframe(
    table(
        load_export_preview(view.database, filters, level, view.config.sha256, PREVIEW_ROWS, locale)
    ),
    hide_index=True,
)

# The report of `presswatch report` for the sidebar's period and companies: built when
# asked for and served as bytes, as the CSV above.
st.subheader(view.t("Report"))
if filters.start is None or filters.end is None:
    st.info(view.t("Choose a period in the sidebar to make its report."))
else:
    period = period_between(filters.start, filters.end)
    st.caption(
        view.t(
            "The report of {period} for the chosen companies, as `presswatch report` makes "
            "it: key figures against the previous period, share of voice, tone, outlets, "
            "themes, top articles and what the figures rest on. Outlet, language, tone and "
            "theme filters do not apply to it.",
            period=md(period.code),
        )
    )
    left, right = st.columns(2)
    report_format = left.selectbox(view.t("Format"), list(REPORT_FORMATS), key="report_format")
    languages = ["fr", "en"] if view.language == "fr" else ["en", "fr"]
    report_language = right.selectbox(
        view.t("Report language"),
        languages,
        format_func=lambda code: {"fr": "Français", "en": "English"}[code],
        key="report_language",
    )
    wanted = json.dumps(
        [period.code, filters.companies, report_format, report_language], default=str
    )
    if st.button(view.t("Prepare the report"), key="report_prepare"):
        with st.spinner(view.t("Building the report…")):
            try:
                made = build_report_file(
                    view.database,
                    filters.start,
                    filters.end,
                    filters.companies,
                    report_format,
                    report_language,
                )
                st.session_state["report_file"] = (wanted, made)
            except PresswatchError as exc:  # no chromium for a PDF: the error says the fix
                st.error(md(str(exc)))
    ready = st.session_state.get("report_file")
    if ready and ready[0] == wanted:
        st.download_button(
            view.t("Download the report"),
            data=ready[1],
            file_name=f"presswatch-{period.code}-{report_language}.{report_format}",
            mime=REPORT_FORMATS[report_format],
            key="download_report",
            on_click="ignore",
        )

"""Outlets: who covers each company (outlets, authors) and how prominently."""

from __future__ import annotations

import streamlit as st

from dashboard.articles import chart_drill, drill_panel, selected_row
from dashboard.charts import drawn_once, outlets_figure
from dashboard.data import load_outlet_counts, load_prominence
from dashboard.render import table
from dashboard.view import View
from presswatch.drill import PROMINENCES, Drill
from presswatch.models import UNKNOWN_OUTLET

view: View = st.session_state["view"]
st.title(view.t("Outlets"))

# The store's "(unknown)" outlet or author reads in the interface's language.
outlets = load_outlet_counts(view.database, view.filters, "outlet")
outlets = outlets.assign(outlet=outlets["outlet"].replace(UNKNOWN_OUTLET, view.t("(unknown)")))
authors = load_outlet_counts(view.database, view.filters, "author")
authors = authors.assign(author=authors["author"].replace(UNKNOWN_OUTLET, view.t("(unknown)")))
prominence = load_prominence(view.database, view.filters)
if outlets.empty:
    st.info(view.t("No mentions with these filters: widen the period or the filters."))
    st.stop()

st.subheader(view.t("Top outlets"))
figure = drawn_once(
    outlets_figure,
    outlets,
    "outlet",
    t=view.t,
    language=view.language,
    companies=view.companies,
    colors=view.colors,
    fmt=view.fmt,
)
clicked = st.plotly_chart(figure, key="outlets_chart", on_select="rerun", selection_mode="points")
outlet_drill = chart_drill(clicked, figure)
chosen = st.dataframe(
    table(outlets),
    hide_index=True,
    column_config={
        "company": view.t("Company"),
        "outlet": view.t("Outlet"),
        "articles": view.t("Articles"),
        "stories": st.column_config.NumberColumn(view.t("Unique stories")),
    },
    key="outlets_table",
    on_select="rerun",
    selection_mode="single-row",
)
row = selected_row(chosen)
if row is not None and row < len(outlets):
    outlet_drill = Drill(
        company=str(outlets["company"].iloc[row]), outlet=str(outlets["outlet"].iloc[row])
    )
if outlet_drill is not None:
    drill_panel(view, outlet_drill, "outlet_articles")

st.subheader(view.t("Top authors"))
chosen = st.dataframe(
    table(authors),
    hide_index=True,
    column_config={
        "company": view.t("Company"),
        "author": view.t("Author"),
        "articles": view.t("Articles"),
        "stories": st.column_config.NumberColumn(view.t("Unique stories")),
    },
    key="authors_table",
    on_select="rerun",
    selection_mode="single-row",
)
row = selected_row(chosen)
if row is not None and row < len(authors):
    drill_panel(
        view,
        Drill(company=str(authors["company"].iloc[row]), author=str(authors["author"].iloc[row])),
        "author_articles",
        opened_by="table",
    )

st.subheader(view.t("Prominence"))
st.caption(
    view.t("Where the mentions stand: in the title, the lead (first paragraph) or the body.")
)
chosen = st.dataframe(
    table(prominence),
    hide_index=True,
    column_config={
        "company": view.t("Company"),
        "title": view.t("Title"),
        "lead": view.t("Lead"),
        "body": view.t("Body"),
    },
    key="prominence_table",
    on_select="rerun",
    selection_mode=["single-row", "single-cell"],
)
# A count (a cell) lists the articles with the company's mentions in that place; a row,
# the company's articles.
prominence_drill = None
cells = chosen["selection"].get("cells", []) if chosen else []
if cells and cells[0][0] < len(prominence):
    row, place = int(cells[0][0]), str(cells[0][1])
    prominence_drill = Drill(
        company=str(prominence["company"].iloc[row]),
        prominence=place if place in PROMINENCES else None,
    )
elif (row := selected_row(chosen)) is not None and row < len(prominence):
    prominence_drill = Drill(company=str(prominence["company"].iloc[row]))
if prominence_drill is not None:
    st.caption(
        view.t(
            "The table counts mentions; the list gives the articles that carry them "
            "(an article may carry several)."
        )
    )
    drill_panel(view, prominence_drill, "prominence_articles", opened_by="table")

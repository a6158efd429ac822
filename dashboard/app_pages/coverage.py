"""Coverage: the list of articles, and one article's text with its mentions highlighted."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.data import load_article
from dashboard.render import article_html, company_colors, highlight
from dashboard.view import View
from presswatch import analytics
from presswatch.export import format_date

view: View = st.session_state["view"]
st.title("Coverage")

pairs = analytics.article_companies(view.articles, view.mentions)
if pairs.empty:
    st.info("No articles mention the chosen companies yet: run `presswatch collect`.")
    st.stop()

companies_per_article = (
    pairs.sort_values("mention_count", ascending=False)
    .groupby("article_id")["company"]
    .agg(", ".join)
)
listing = view.articles[view.articles["id"].isin(pairs["article_id"])].copy()
listing["date"] = [
    format_date(p, q) or "undated"
    for p, q in zip(listing["published"], listing["date_precision"], strict=True)
]
listing["companies"] = listing["id"].map(companies_per_article)
listing["mentions"] = listing["id"].map(pairs.groupby("article_id")["mention_count"].sum())
listing["pickups"] = listing["story_id"].map(view.articles["story_id"].value_counts()).fillna(1)
listing["title"] = listing["title"].fillna("(untitled)")
listing["outlet"] = listing["outlet"].fillna("(unknown outlet)")
listing = listing.sort_values("published", ascending=False, na_position="last")

st.dataframe(
    listing[["date", "outlet", "title", "companies", "mentions", "pickups", "language"]],
    hide_index=True,
    column_config={
        "date": "Date",
        "outlet": "Outlet",
        "title": "Title",
        "companies": "Companies",
        "mentions": "Mentions",
        "pickups": st.column_config.NumberColumn(
            "Pickups", help="Copies of this story in the archive (same story, other outlets)"
        ),
        "language": "Language",
    },
)

story_table = analytics.stories(view.articles, view.mentions)
republished = story_table[story_table["pickups"] > 1]
if not republished.empty:
    with st.expander(f"Republished stories ({len(republished)})"):
        st.caption("Copies of one story (wire copy, one piece under several URLs) count once.")
        st.dataframe(
            republished[["title", "pickups", "outlets", "companies"]],
            hide_index=True,
            column_config={
                "title": "First copy's title",
                "pickups": "Pickups",
                "outlets": "Outlets",
                "companies": "Companies",
            },
        )

labels: dict[str, str] = {
    str(key): f"{date} · {outlet} · {str(title)[:90]}"
    for key, date, outlet, title in zip(
        listing["id"], listing["date"], listing["outlet"], listing["title"], strict=True
    )
}
chosen = st.selectbox(
    "Read an article", list(labels), format_func=lambda key: labels[key], key="article"
)
article = load_article(view.database, chosen) if chosen else None
if article is None:
    st.warning("This article is no longer in the database: reload the page.")
    st.stop()

colors = company_colors([c.name for c in view.config.companies])
shown = [m for m in article.mentions if m.company in view.companies]
meta = [
    f"Outlet: {article.outlet or 'unknown'}",
    f"Date: {format_date(article.published, article.date_precision) or 'unknown'}",
    f"Language: {article.language or 'unknown'}",
]
if article.url:
    meta.append(f"URL: {article.url}")
st.text(" · ".join(meta))
counts = pd.Series([m.company for m in shown]).value_counts()
st.text("Mentions: " + ", ".join(f"{name} ({count})" for name, count in counts.items()))

title_spans = [(m.start, m.end, m.company) for m in shown if m.field == "title"]
text_spans = [(m.start, m.end, m.company) for m in shown if m.field == "text"]
title_html = highlight(article.title, title_spans, colors) if article.title else None
body = highlight(article.text, text_spans, colors)
st.html(article_html(title_html, body))

"""The articles behind a figure, as readable cards: what a clicked bar, point or row opens.

Every chart of dashboard/charts.py says, in each clickable trace's meta, the group each
of its points counts (presswatch.drill.Drill); a table's row names it by its columns.
The pages turn the selection into a Drill and call ``drill_panel``: the articles listed
are the ones the number counts, and their count is that number.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from dashboard.charts import clicked_drill
from dashboard.data import load_article, load_card_details, load_drilled
from dashboard.render import (
    MARK_BACKGROUNDS,
    article_date,
    article_html,
    company_mark_colors,
    highlight,
    markdown_link,
    marked_sentence,
    md,
    period_name,
    plain,
)
from dashboard.view import View
from presswatch.drill import Drill
from presswatch.plurals import counted

if TYPE_CHECKING:
    import plotly.graph_objects as go

# Cards per page: a screen or two of reading.
PAGE_SIZE = 20
# The articles behind a figure listed at most (newest first); the count is always whole.
LISTED = 1000
TONE_BADGES = {"positive": "green", "neutral": "gray", "negative": "red"}
# Where a mention stands (Drill.prominence), as a list of its articles names it.
PLACES = {
    "title": "mentioned in the title",
    "lead": "mentioned in the lead",
    "body": "mentioned in the body",
}


def chart_drill(event: Any, figure: go.Figure) -> Drill | None:
    """The group behind the first selected point of a chart's selection event, read from
    ``figure``, the chart drawn in this run (None: no point selected, or one that carries
    no group)."""
    points = event["selection"]["points"] if event else []
    for point in points:
        drill = clicked_drill(figure, point)
        if drill is not None:
            return drill
    return None


def selected_row(event: Any) -> int | None:
    """The position of the row selected in a table's selection event, if any."""
    rows = event["selection"]["rows"] if event else []
    return int(rows[0]) if rows else None


def describe(view: View, drill: Drill) -> str:
    """What a drill counts, in words ("Mistral AI · mars 2024 · Le Monde · positive")."""
    parts: list[str] = []
    if drill.company:
        parts.append(drill.company)
    elif drill.companies:
        parts.append(", ".join(drill.companies))
    if drill.period is not None and drill.unit:
        parts.append(period_name(drill.period, drill.unit, view.fmt))
    for value in (drill.outlet, drill.author, drill.topic, drill.message):
        if value:
            parts.append(value)
    if drill.tones:
        parts.append(" / ".join(view.t(tone) for tone in drill.tones))
    if drill.prominence:
        parts.append(view.t(PLACES[drill.prominence]))
    if drill.search:
        parts.append(view.t("search: {search}", search=drill.search))
    return " · ".join(plain(p) for p in parts)


def read_article(view: View, article_id: str) -> None:
    """One article's full text with its mentions marked, in a dialog over the page."""

    @st.dialog(view.t("Article"), width="large")
    def show() -> None:
        article = load_article(view.database, article_id)
        if article is None:
            st.warning(view.t("This article is no longer in the database: reload the page."))
            return
        colors = company_mark_colors(view.all_companies)
        shown = [m for m in article.mentions if m.company in view.companies]
        st.markdown(markdown_link(article.title or view.t("(untitled)"), article.url))
        st.caption(
            view.t(
                "{outlet} · {date}",
                outlet=md(article.outlet or view.t("(unknown outlet)")),
                date=md(
                    article_date(article.published, article.date_precision, view.fmt)
                    or view.t("(undated)")
                ),
            )
        )
        title_spans = [(m.start, m.end, m.company) for m in shown if m.field == "title"]
        text_spans = [(m.start, m.end, m.company) for m in shown if m.field == "text"]
        title_html = highlight(article.title, title_spans, colors) if article.title else None
        st.html(article_html(title_html, highlight(article.text, text_spans, colors)))

    show()


def _evidence_spans(evidence: str, named: list[str]) -> list[tuple[int, int]]:
    """Where the words that named the company stand in its evidence sentence."""
    spans: list[tuple[int, int]] = []
    for word in named:
        if not word:
            continue
        start = evidence.find(word)
        while start != -1:
            spans.append((start, start + len(word)))
            start = evidence.find(word, start + len(word))
    return spans


def article_cards(
    view: View,
    listing: pd.DataFrame,
    key: str,
    *,
    read: Callable[[str], None] | None = None,
    dates: list[str] | None = None,
) -> None:
    """The articles of a listing (coverage_listing's columns) as cards, a page at a time:
    the title as a link to the original, outlet and date, each company's tone, the evidence
    sentence with the mention marked, and a button for the full text (``read``, else a
    dialog). ``dates``: each row's date as the page words it (else the card's own)."""
    if listing.empty:
        return
    pages = math.ceil(len(listing) / PAGE_SIZE)
    page = 1
    if pages > 1:
        page = int(
            st.number_input(
                view.t("Page (of {pages})", pages=int(pages)),
                min_value=1,
                max_value=pages,
                value=1,
                step=1,
                key=f"{key}_page",
            )
        )
    first = (page - 1) * PAGE_SIZE
    shown = listing.iloc[first : first + PAGE_SIZE]
    st.caption(
        view.t(
            "Articles {first} to {last} of {count}",
            first=view.fmt.integer(first + 1),
            last=view.fmt.integer(first + len(shown)),
            count=view.fmt.integer(len(listing)),
        )
    )
    details = load_card_details(view.database, tuple(shown["id"]))
    by_article = {str(k): rows for k, rows in details.groupby("article_id", sort=False)}
    order = {name: i for i, name in enumerate(view.all_companies)}
    shown_dates = dates[first : first + PAGE_SIZE] if dates is not None else None
    for number, row in enumerate(shown.to_dict("records")):
        article_id = str(row["id"])
        mine = by_article.get(article_id, details.iloc[0:0])
        mine = mine.assign(rank=mine["company"].map(lambda c: order.get(c, len(order))))
        mine = mine.sort_values(["rank", "company"])
        url = next((u for u in mine["url"] if isinstance(u, str)), None)
        title = row["title"] if isinstance(row["title"], str) and row["title"] else None
        when = (
            shown_dates[number]
            if shown_dates is not None
            else article_date(row["published"], row["date_precision"], view.fmt)
        )
        with st.container(border=True):
            st.markdown(markdown_link(title or view.t("(untitled)"), url))
            st.caption(
                view.t(
                    "{outlet} · {date}",
                    # A missing outlet reads back from the database as NaN (truthy).
                    outlet=md(
                        row["outlet"]
                        if isinstance(row["outlet"], str) and row["outlet"]
                        else view.t("(unknown outlet)")
                    ),
                    date=md(when or view.t("(undated)")),
                )
            )
            if not mine.empty:
                with st.container(horizontal=True):
                    for company, tone in zip(mine["company"], mine["tone"], strict=True):
                        label = (
                            view.t(tone) if isinstance(tone, str) and tone else view.t("no tone")
                        )
                        st.badge(
                            view.t("{company}: {tone}", company=md(company), tone=md(label)),
                            color=TONE_BADGES.get(str(tone), "gray"),  # type: ignore[arg-type]
                        )
            evidence = next(
                (
                    (str(c), str(e), list(m))
                    for c, e, m in zip(
                        mine["company"], mine["evidence"], mine["matched"], strict=True
                    )
                    if c in view.companies and isinstance(e, str) and e
                ),
                None,
            )
            if evidence is not None:
                company, sentence, named = evidence
                background = MARK_BACKGROUNDS[order.get(company, 0) % len(MARK_BACKGROUNDS)]
                st.markdown(marked_sentence(sentence, _evidence_spans(sentence, named), background))
            if st.button(view.t("Read the full text"), key=f"{key}_read_{article_id}"):
                (read or (lambda chosen: read_article(view, chosen)))(article_id)


def drill_panel(
    view: View, drill: Drill, key: str, *, what: str | None = None, opened_by: str = "chart"
) -> None:
    """The articles behind one clicked number, as cards, with their count and what the
    number counts (``what``, else the drill described); ``opened_by``: a "chart", a
    "table" or a "button", which the caption says how to change the list of."""
    listing, total = load_drilled(view.database, view.filters, drill, LISTED)
    articles_panel(
        view, listing, total, what if what is not None else describe(view, drill), key, opened_by
    )


def articles_panel(
    view: View, listing: pd.DataFrame, total: int, what: str, key: str, opened_by: str
) -> None:
    """A list of the articles behind a number: its heading, how many there are and what
    they are (``what``, plain text already), how to change it (``opened_by``: "chart",
    "table" or "button"), a note when only the newest are listed, and the cards."""
    st.subheader(view.t("The articles behind this figure"))
    articles = counted(total, view.t("article"), view.t("articles"), view.language)
    # A caption per template, each a literal: the architecture test reads what it shows.
    if opened_by == "table":
        st.caption(
            view.t(
                "{articles}: {what}. Choose another row to change the list.",
                articles=md(articles),
                what=md(what),
            )
        )
    elif opened_by == "button":
        st.caption(
            view.t(
                "{articles}: {what}. Click the button again to close the list.",
                articles=md(articles),
                what=md(what),
            )
        )
    else:
        st.caption(
            view.t(
                "{articles}: {what}. Click elsewhere on the chart, or another bar, to change "
                "the list.",
                articles=md(articles),
                what=md(what),
            )
        )
    listing_cut_note(view, len(listing), total)
    article_cards(view, listing, key)


def listing_cut_note(view: View, shown: int, total: int) -> None:
    """Say so when a list shows only the newest of its articles."""
    if total > shown:
        st.caption(
            view.t(
                "The newest {shown} of {total} articles: narrow the period or the filters to "
                "list the others.",
                shown=view.fmt.integer(shown),
                total=view.fmt.integer(total),
            )
        )

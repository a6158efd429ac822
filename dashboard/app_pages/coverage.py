"""Coverage: the list of articles, and one article's text with its mentions highlighted."""

from __future__ import annotations

import random
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.articles import (
    article_cards,
    drill_panel,
    listing_cut_note,
    read_article,
    selected_row,
)
from dashboard.data import (
    draw_review_sample,
    load_article,
    load_article_reviews,
    load_article_tones,
    load_collection_dated,
    load_listing,
    load_other_languages,
    load_republished,
    load_search,
    load_undated,
    save_correction,
    save_review,
)
from dashboard.render import (
    SEARCH_COLOR,
    article_date,
    article_html,
    company_mark_colors,
    date_line,
    dates_shown_as,
    highlight,
    md,
    numbers_shown_as,
    plain,
    table,
)
from dashboard.view import View
from presswatch.drill import Drill
from presswatch.models import MentionKey
from presswatch.review import clean_text, sampled_excerpt, sampled_key
from presswatch.search import SearchError, hits, parse_search

# Articles listed, newest first: enough to read a period's coverage, few enough for the
# browser (the rest are a filter away), and the same in pandas and in the database.
LISTED = 1000
# Views of more articles group their republished stories only when asked.
STORIES_WITHOUT_ASKING = 50_000
# Mentions shown at once in the review panel: a few to read closely, then another draw.
REVIEW_SAMPLE = 5

view: View = st.session_state["view"]
st.title(view.t("Coverage"))
bounded = view.filters.start is not None or view.filters.end is not None

if "search" not in st.session_state:  # a shared link's search
    st.session_state["search"] = st.query_params.get("search", "")
typed = st.text_input(
    view.t("Search the titles and texts"),
    key="search",
    placeholder=view.t('levée de fonds, "l’IA générative", Mistral -OpenAI'),
    help=view.t(
        "Every word must appear, in any case and with or without accents; "
        '"quotes" find an exact phrase; -word leaves out the articles that have it; '
        "word* finds the words that start with it."
    ),
)
try:
    search = parse_search(typed)
except SearchError:
    st.error(
        view.t(
            "This search only leaves words out: add a word to find, for example Mistral -OpenAI."
        )
    )
    st.stop()


def _choose(article_id: str) -> None:
    """Open an article's full text below the cards."""
    st.session_state["article_id"] = article_id


def _choose_row(key: str, ids: list[str]) -> None:
    """A row selected in a table of articles opens its article (a callback, before the
    page runs)."""
    row = selected_row(st.session_state.get(key))
    if row is not None and row < len(ids):
        _choose(ids[row])


def _choose_changed_row(key: str, ids: list[str]) -> bool:
    """A row newly selected in a table of articles opens its article; a selection already
    seen leaves the article a card's button chose since. Whether it chose one now."""
    row = selected_row(st.session_state.get(key))
    if row != st.session_state.get(f"{key}_seen"):
        st.session_state[f"{key}_seen"] = row
        if row is not None and row < len(ids):
            _choose(ids[row])
            return True
    return False


undated: pd.DataFrame | None
# An undated row chosen in this run (a dialog opens once per choice, not on every rerun).
undated_chosen = False
# Streamlit shows one dialog per run: the first event of the run opens it.
dialog_shown = False
# The database lists the newest articles and stops; a search uses its full-text index.
if search is not None:
    listing, total = load_search(view.database, view.filters, typed, LISTED)
else:
    listing, total = load_listing(view.database, view.filters, LISTED)
if not bounded:
    undated, undated_total = None, 0  # listed with the others
else:
    undated, undated_total = load_undated(view.database, view.filters, LISTED, typed)

if undated is not None and undated_total:
    with st.expander(
        view.t(
            "Undated articles ({count}): outside any period, listed here",
            count=view.fmt.integer(undated_total),
        )
    ):
        if undated_total > len(undated):
            st.caption(view.t("The {shown} collected last:", shown=view.fmt.integer(len(undated))))
        st.caption(view.t("Choose a row to read its article below."))
        undated_ids = undated["id"].astype(str).tolist()
        st.dataframe(
            table(
                undated[["outlet", "title", "source"]].fillna(
                    {"title": view.t("(untitled)"), "outlet": view.t("(unknown outlet)")}
                )
            ),
            hide_index=True,
            column_config={
                "outlet": view.t("Outlet"),
                "title": view.t("Title"),
                "source": view.t("Source"),
            },
            key="undated_table",
            on_select="rerun",
            selection_mode="single-row",
        )
        undated_chosen = _choose_changed_row("undated_table", undated_ids)

other_languages = load_other_languages(view.database, LISTED)
if not other_languages.empty:
    with st.expander(
        view.t(
            "Articles in other languages ({count}): stored and listed, in no figure",
            count=len(other_languages),
        )
    ):
        st.caption(
            view.t(
                "They name a company but are in none of the configured languages: no "
                "share of voice, tone or alert counts them."
            )
        )
        st.dataframe(
            table(
                other_languages[["language", "outlet", "title", "companies"]].fillna(
                    {"title": view.t("(untitled)"), "outlet": view.t("(unknown outlet)")}
                )
            ),
            hide_index=True,
            column_config={
                "language": view.t("Language"),
                "outlet": view.t("Outlet"),
                "title": view.t("Title"),
                "companies": view.t("Companies"),
            },
            key="other_languages_table",
            on_select="rerun",
            selection_mode="single-row",
        )
        # A row opens its article's text in a dialog (it is in no list of the page).
        row = selected_row(st.session_state.get("other_languages_table"))
        if row != st.session_state.get("other_languages_table_seen"):
            st.session_state["other_languages_table_seen"] = row
            if row is not None and row < len(other_languages):
                read_article(view, str(other_languages["id"].iloc[row]))
                dialog_shown = True

# An undated article chosen in its table while the period lists no dated one: its full
# text in a dialog (the page below needs a listed article).
if listing.empty and undated is not None and undated_chosen and not dialog_shown:
    opened = str(st.session_state.get("article_id"))
    if opened in set(undated["id"].astype(str)):
        read_article(view, opened)
if listing.empty and search is not None:
    st.info(
        view.t(
            "No article of this view matches the search: check the spelling, remove a "
            "word, or widen the filters."
        )
    )
    st.stop()
if listing.empty:
    st.info(
        view.t(
            "No articles mention the chosen companies with these filters: "
            "run `presswatch collect`, or widen the filters."
        )
    )
    st.stop()

# A collection time is no publication date: it says so (the article view says more).
collection_dated = load_collection_dated(view.database, tuple(listing["id"]))
# The table's dates are dates (a click on the header sorts them by date), each shown as
# far as it is known, in the interface's language and time zone (render.dates_shown_as).
date_kinds = [
    "first seen" if article_id in collection_dated else str(q or "undated")
    for article_id, q in zip(listing["id"], listing["date_precision"], strict=True)
]
date_formats: dict[str, Any] = {
    kind: (lambda value, kind=kind: view.fmt.date(value, kind) or view.t("(undated)"))
    for kind in set(date_kinds) - {"first seen", "undated"}
}
# A collection time is a moment: its day in the configured time zone, as on its card.
date_formats["first seen"] = lambda value: view.t(
    "first seen {date}", date=article_date(value, "datetime", view.fmt)
)
date_formats["undated"] = lambda value: view.t("(undated)")
listing = listing.assign(
    date=pd.to_datetime(listing["published"], utc=True),
    title=listing["title"].fillna(view.t("(untitled)")),
    # Each company's tone, in the order of the companies.
    tones=[
        ", ".join(view.t(label) if label else "–" for label in str(cell).split(", "))
        for cell in listing["tones"]
    ],
    outlet=listing["outlet"].fillna(view.t("(unknown outlet)")),
)


if search is not None:
    st.caption(view.t("Articles that match the search: {total}", total=view.fmt.integer(total)))
listing_cut_note(view, len(listing), total)
# The articles as cards, a page at a time; "Read the full text" opens one below. The
# table of the same articles is one click away, a row opening its article too.
card_dates = [
    view.t("first seen {date}", date=article_date(p, "datetime", view.fmt))
    if article_id in collection_dated
    else article_date(p, q, view.fmt) or view.t("(undated)")
    for article_id, p, q in zip(
        listing["id"], listing["published"], listing["date_precision"], strict=True
    )
]
article_cards(view, listing, "coverage", read=_choose, dates=card_dates)
with st.expander(view.t("The listed articles as a table")):
    columns = [
        "date",
        "outlet",
        "title",
        "companies",
        "tones",
        "topics",
        "mentions",
        "pickups",
        "language",
    ]
    st.dataframe(
        dates_shown_as(numbers_shown_as(listing[columns], {}), "date", date_kinds, date_formats),
        hide_index=True,
        column_config={
            "date": st.column_config.DatetimeColumn(view.t("Date")),
            "outlet": view.t("Outlet"),
            "title": view.t("Title"),
            "companies": view.t("Companies"),
            "tones": st.column_config.TextColumn(
                view.t("Tone"), help=view.t("Each company's tone, in the order of the companies")
            ),
            "topics": view.t("Topics"),
            "mentions": view.t("Mentions"),
            "pickups": st.column_config.NumberColumn(
                view.t("Pickups"),
                help=view.t("Copies of this story in this view (same story, other outlets)"),
            ),
            "language": view.t("Language"),
        },
        key="listing_table",
        on_select=lambda: _choose_row("listing_table", listing["id"].tolist()),
        selection_mode="single-row",
    )

republished: pd.DataFrame | None
if total > STORIES_WITHOUT_ASKING and not st.toggle(
    view.t("Find the republished stories"), key="republished"
):
    # Grouping every story of a long period takes seconds at millions of mentions: only
    # when asked.
    republished, republished_total = None, 0
else:
    republished, republished_total = load_republished(view.database, view.filters, LISTED, typed)
if republished is not None and republished_total:
    with st.expander(
        view.t("Republished stories ({count})", count=view.fmt.integer(republished_total))
    ):
        st.caption(
            view.t("Copies of one story (wire copy, one piece under several URLs) count once.")
        )
        stories = republished.head(LISTED)
        chosen_story = st.dataframe(
            table(stories[["title", "pickups", "outlets", "companies"]]),
            hide_index=True,
            column_config={
                "title": view.t("First copy's title"),
                "pickups": view.t("Pickups"),
                "outlets": view.t("Outlets"),
                "companies": view.t("Companies"),
            },
            key="republished_table",
            on_select="rerun",
            selection_mode="single-row",
        )
        # A row lists the story's copies its "Pickups" counts (those the search finds).
        row = selected_row(chosen_story)
        if row is not None and row < len(stories):
            title = stories["title"].iloc[row]
            drill_panel(
                view,
                Drill(story=str(stories["story_id"].iloc[row]), search=typed if search else None),
                "story_articles",
                what=view.t(
                    "the copies of the story {title}",
                    title=plain(
                        title if isinstance(title, str) and title else view.t("(untitled)")
                    ),
                ),
                opened_by="table",
            )


def _tone_form(tones: pd.DataFrame, article_id: str) -> None:
    """Correct a company's tone in the article, recorded under the signed-in reader's
    name (else the name typed)."""
    with st.form("correct_tone", clear_on_submit=True):
        st.caption(view.t("Correct a tone: a person's label always wins over the model."))
        left, middle, right = st.columns(3)
        company = left.selectbox(
            view.t("Company"), tones["company"].tolist(), key="correct_company"
        )
        label = middle.selectbox(
            view.t("Tone"),
            ["positive", "neutral", "negative"],
            format_func=view.t,
            key="correct_label",
        )
        # Signed in: the correction is recorded under that name, never a typed one.
        author = view.user or right.text_input(view.t("Your name"), key="correct_author")
        if st.form_submit_button(view.t("Save the correction")):
            if not author.strip():
                st.error(view.t("Give your name: each correction is kept with who made it."))
            else:
                save_correction(view.database, article_id, label, author.strip(), company, None)
                st.success(
                    view.t(
                        "Tone of {company} set to {label}.",
                        company=md(company),
                        label=md(view.t(label)),
                    )
                )


# The article a card's button or a table's row chose (an undated one too), else the
# newest listed.
chosen = str(st.session_state.get("article_id"))
choosable = set(listing["id"]) | (set(undated["id"]) if undated is not None else set())
if chosen not in choosable:
    chosen = str(listing["id"].iloc[0])
st.subheader(view.t("Full text"))
article = load_article(view.database, chosen)
if article is None:
    st.warning(view.t("This article is no longer in the database: reload the page."))
    st.stop()

colors = company_mark_colors(view.all_companies)
# A mention a person marked wrong is in no figure: it is not highlighted either.
marks = load_article_reviews(view.database, article.id)
wrong = {
    MentionKey(r["article_id"], r["company"], r["field"], int(r["start"]), r["matched"])
    for r in marks.to_dict("records")
    if r["verdict"] == "wrong"
}
shown = [
    m
    for m in article.mentions
    if m.company in view.companies and MentionKey.of(article.id, m) not in wrong
]
unknown = view.t("unknown")
meta = [
    view.t("Outlet: {outlet}", outlet=article.outlet or unknown),
    date_line(article.published, article.date_precision, article.date_source, view.t, view.fmt),
    view.t("Language: {language}", language=article.language or unknown),
]
if article.url:
    meta.append(view.t("URL: {url}", url=article.url))
st.text(plain(" · ".join(meta)))
counts = pd.Series([m.company for m in shown]).value_counts()
st.text(
    view.t(
        "Mentions: {counts}",
        counts=plain(", ".join(f"{name} ({count})" for name, count in counts.items())),
    )
)

tones = load_article_tones(view.database, article.id)
if article.tone_label:
    st.text(
        view.t(
            "Overall tone: {label} ({score})",
            label=view.t(article.tone_label),
            score=view.fmt.signed(article.tone_score),
        )
    )
if not tones.empty:
    st.dataframe(
        # The score is a number (sorted by value), shown as the interface writes it.
        numbers_shown_as(
            tones[["company", "tone", "tone_score", "evidence", "corrected_by"]].assign(
                tone=tones["tone"].map(view.t)
            ),
            {"tone_score": view.fmt.signed},
        ),
        hide_index=True,
        column_config={
            "company": view.t("Company"),
            "tone": view.t("Tone"),
            "tone_score": st.column_config.NumberColumn(view.t("Score")),
            "evidence": st.column_config.TextColumn(view.t("Evidence sentence"), width="large"),
            "corrected_by": view.t("Corrected by"),
        },
        key="tones",
    )
    if view.may_edit:
        _tone_form(tones, article.id)
    else:
        st.caption(
            view.t(
                "Only the editors named in dashboard.auth.editors may correct a tone or "
                "mark a mention."
            )
        )
topic_names = sorted({t.topic for t in article.topics})
if topic_names:
    st.text(view.t("Topics: {topics}", topics=plain(", ".join(topic_names))))

title_spans = [(m.start, m.end, m.company) for m in shown if m.field == "title"]
text_spans = [(m.start, m.end, m.company) for m in shown if m.field == "text"]
if search is not None:
    # The words the search found, in their own colour where no mention stands.
    searched = view.t("Search")
    colors = {**colors, searched: SEARCH_COLOR}
    for spans, text in ((title_spans, article.title or ""), (text_spans, article.text)):
        marked = list(spans)
        spans.extend(
            (start, end, searched)
            for start, end in hits(text, search)
            if all(end <= s or start >= e for s, e, _ in marked)
        )
title_html = highlight(article.title, title_spans, colors) if article.title else None
body = highlight(article.text, text_spans, colors)
st.html(article_html(title_html, body))


def _review_panel() -> None:
    """A random sample of a company's mentions, each marked right or wrong by a button:
    the estimate beside the company moves, and a wrong mention leaves every figure."""
    company = st.selectbox(view.t("Company"), view.companies, key="review_company")
    reviewer = view.user or st.text_input(view.t("Your name"), key="review_author")
    st.text(
        view.t(
            "Precision of {company}: {estimate}",
            company=company,
            estimate=view.precision_label(company),
        )
    )
    if "review_seed" not in st.session_state or st.button(
        view.t("Draw another sample"), key="review_draw"
    ):
        st.session_state["review_seed"] = random.SystemRandom().randrange(1_000_000)
        st.session_state.pop("review_sample", None)
    seed = st.session_state["review_seed"]
    drawn = st.session_state.get("review_sample")
    # The sample stays while its mentions are marked: marking one does not draw again.
    if drawn is None or drawn[0] != (company, seed):
        given: dict[int, str] = {}  # the verdicts given in this panel, by row
        fresh = draw_review_sample(view.database, company, REVIEW_SAMPLE, seed)
        drawn = ((company, seed), fresh, given)
        st.session_state["review_sample"] = drawn
    sample: pd.DataFrame = drawn[1]
    verdicts: dict[int, str] = drawn[2]
    if sample.empty:
        st.info(view.t("Every mention of {company} has been reviewed.", company=md(company)))
        return
    st.caption(
        view.t(
            "Is {company} meant? Each answer is saved at once (a new one replaces it).",
            company=md(company),
        )
    )
    for number, row in enumerate(sample.to_dict("records")):
        when = view.fmt.date(row["published"], row["date_precision"]) or view.t("(undated)")
        outlet = clean_text(row["outlet"]) or view.t("(unknown outlet)")
        title = clean_text(row["title"]) or view.t("(untitled)")
        st.text(f"{when} · {outlet} · {title}")
        # Plain text: an article's sentence is data, never markdown or HTML.
        st.text(sampled_excerpt(row))
        left, middle, right = st.columns(3)
        arguments: tuple[Any, ...] = (sampled_key(row), number, reviewer, verdicts)
        left.button(
            view.t("Right"),
            key=f"review_right_{number}",
            on_click=_mark,
            args=("right", *arguments),
        )
        middle.button(
            view.t("Wrong"),
            key=f"review_wrong_{number}",
            on_click=_mark,
            args=("wrong", *arguments),
        )
        if number in verdicts:
            right.button(
                view.t("Remove the mark"),
                key=f"review_remove_{number}",
                on_click=_mark,
                args=(None, *arguments),
            )
            st.caption(view.t("Marked {verdict}.", verdict=md(view.t(verdicts[number]))))
    if st.session_state.pop("review_unnamed", False):
        st.error(view.t("Give your name: each mark is kept with who made it."))


def _mark(
    verdict: str | None, key: MentionKey, number: int, reviewer: str, verdicts: dict[int, str]
) -> None:
    """A button's click: save the verdict (None: remove it) before the page runs again."""
    # Signed in: the mark is recorded under that name, never a typed one.
    name = view.user or str(st.session_state.get("review_author", reviewer)).strip()
    if not name:
        st.session_state["review_unnamed"] = True
        return
    save_review(view.database, key, verdict, name)
    if verdict is None:
        verdicts.pop(number, None)
    else:
        verdicts[number] = verdict


if view.may_edit and st.toggle(view.t("Review the mentions of a company"), key="review"):
    _review_panel()

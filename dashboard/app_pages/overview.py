"""Overview: key figures against the previous period, timeline with spikes, tone, share of voice."""

from __future__ import annotations

import dataclasses

import streamlit as st

from dashboard.articles import chart_drill, describe, drill_panel, selected_row
from dashboard.charts import drawn_once, share_of_voice_figure, timeline_figure, tone_figure
from dashboard.data import load_tone_model
from dashboard.first_chart import after_first_chart
from dashboard.render import md, numbers_shown_as
from dashboard.view import View
from presswatch import analytics
from presswatch.analytics import MIN_ARTICLES_FOR_TONE_SHARE
from presswatch.drill import UNDATED, Drill
from presswatch.models import UNKNOWN_OUTLET
from presswatch.plurals import counted

view: View = st.session_state["view"]
st.title(view.t("Overview"))

if not view.has_articles:
    st.info(
        view.t(
            "No articles yet: run `presswatch collect` (or `presswatch run`), "
            "then reload this page."
        )
    )
    st.stop()
figures = view.overview
if figures.current.mentions == 0:
    st.info(
        view.t(
            "No mentions of the chosen companies with these filters: "
            "widen the period or the filters."
        )
    )
    st.stop()

tracked = [c.name for c in view.config.tracked]
now, before = figures.current, figures.previous


def delta(now: float, before: float | None, unit: str = "") -> str | None:
    """The change against the previous period, as Streamlit shows it under a metric."""
    if before is None:
        return None
    return f"{view.fmt.signed(now - before, 0)}{unit} {view.t('vs previous period')}"


cards = st.columns(5)
cards[0].metric(
    view.t("Articles"),
    view.fmt.integer(now.articles),
    delta(now.articles, before.articles if before else None),
)
cards[1].metric(
    view.t("Mentions"),
    view.fmt.integer(now.mentions),
    delta(now.mentions, before.mentions if before else None),
    # How far the count can be trusted: the tracked companies' precision, as reviewed.
    help=view.t(
        "Precision (reviewed) of {companies}",
        companies=md("; ".join(f"{name}: {view.precision_label(name)}" for name in tracked)),
    ),
)
# The headline share of voice counts articles, as comms teams do ("retombées"); unique
# stories and mentions are beside it (the card's help, the chart and the table).
own_share = now.share_of(tracked) or 0.0
cards[2].metric(
    view.t("Share of voice (articles) of {companies}", companies=md(", ".join(tracked))),
    view.fmt.percent(own_share),
    delta(own_share, before.share_of(tracked) if before else None, " pts"),
    help=view.t(
        "By articles; by unique stories: {stories}%; by mentions: {mentions}%",
        stories=view.fmt.integer(now.share_of(tracked, "stories") or 0.0),
        mentions=view.fmt.integer(now.share_of(tracked, "mentions") or 0.0),
    ),
)
positive, negative, toned = now.tone_counts(tracked)
# Shares of one or two articles swing from 0 to 100%: below the minimum, "too few" (the
# same rule as the report's, in PeriodFigures.tone_shares).
tone_shares = now.tone_shares(tracked)
cards[3].metric(
    view.t("Positive / negative"),
    view.t(
        "{positive}% / {negative}%",
        positive=view.fmt.integer(tone_shares[0]),
        negative=view.fmt.integer(tone_shares[1]),
    )
    if tone_shares is not None
    else view.t("Too few"),
    # The change of the positive share against the previous period (when both have enough
    # articles with a tone for a share).
    view.t("{change} pts positive vs previous period", change=f"{change:+.0f}")
    if (change := now.positive_change(before, tracked)) is not None
    else None,
    # Each article once, however many tracked companies it names (as its list counts
    # them): one positive towards one and negative towards another counts in both, and the
    # help says how many do.
    help=view.t(
        "{positive} positive and {negative} negative of {total} articles with a tone towards "
        "the tracked company (a share needs at least {minimum})",
        positive=int(positive),
        negative=int(negative),
        total=int(toned),
        minimum=int(MIN_ARTICLES_FOR_TONE_SHARE),
    )
    if len(tracked) == 1
    else view.t(
        "{positive} positive and {negative} negative of {total} articles with a tone towards "
        "{companies}, each article once (articles positive towards one and negative "
        "towards another, counted in both: {both}; a share needs at least {minimum})",
        positive=int(positive),
        negative=int(negative),
        total=int(toned),
        both=int(now.tone_in_both(tracked)),
        companies=md(", ".join(tracked)),
        minimum=int(MIN_ARTICLES_FOR_TONE_SHARE),
    ),
)
# The outlets of the tracked companies' articles, each article once (whichever of them
# it names), most first: the card names the first known one and counts its articles.
known = figures.outlets[figures.outlets["outlet"] != UNKNOWN_OUTLET]
# The outlet is the feed's own title for RSS: data, never Markdown.
cards[4].metric(
    view.t("Top outlet"),
    md(known.iloc[0]["outlet"]) if not known.empty else view.t("n/a"),
    help=view.t(
        "{articles} about {companies}, each article once: the most of any known outlet",
        articles=md(
            counted(
                int(known.iloc[0]["articles"]), view.t("article"), view.t("articles"), view.language
            )
        ),
        companies=md(", ".join(tracked)),
    )
    if not known.empty
    else None,
)

# Each card's number is one click from its articles: a button under it opens (and closes)
# the list, which stays open while its cards are paged or read.
# As companies, never as one company: a drill's company replaces the view's companies, and
# a view that leaves the tracked company out counts none of its articles (nor may its list).
own = Drill(companies=tuple(tracked))
card_drills: dict[str, tuple[Drill, str]] = {
    "articles": (Drill(), view.t("the articles of this view")),
    "mentions": (Drill(), view.t("the articles that carry this view's mentions")),
    "share": (own, describe(view, own)),
    "tone": (
        dataclasses.replace(own, tones=("positive", "negative")),
        describe(view, dataclasses.replace(own, tones=("positive", "negative"))),
    ),
}
if not known.empty:
    top = dataclasses.replace(own, outlet=str(known.iloc[0]["outlet"]))
    card_drills["outlet"] = (top, describe(view, top))


def _toggle_card(card: str) -> None:
    """Open a card's list of articles, or close it when it is the one open."""
    open_card = st.session_state.get("overview_card")
    st.session_state["overview_card"] = None if open_card == card else card


for column, card in zip(cards, ("articles", "mentions", "share", "tone", "outlet"), strict=True):
    if card in card_drills:
        column.button(
            view.t("The articles"),
            key=f"card_{card}",
            icon=":material/list:",
            type="tertiary",
            on_click=_toggle_card,
            args=(card,),
        )
opened = st.session_state.get("overview_card")
if opened in card_drills:
    card_drill, card_what = card_drills[opened]
    drill_panel(view, card_drill, "card_articles", what=card_what, opened_by="button")

frequency = figures.frequency
st.subheader(view.t("Mentions per {period}", period=view.t(frequency)))
if figures.timeline.empty:
    st.info(view.t("None of these articles has a date precise enough to place on a chart."))
else:
    figure = drawn_once(
        timeline_figure,
        figures.timeline,
        view.companies,
        frequency,
        colors=view.colors,
        spikes=figures.spikes,
        gaps=analytics.coverage_gaps(view.source_events),
        titles=figures.titles,
        t=view.t,
        language=view.language,
        fmt=view.fmt,
    )
    clicked = st.plotly_chart(figure, key="timeline", on_select="rerun", selection_mode="points")
    timeline_drill = chart_drill(clicked, figure)
    if timeline_drill is not None:
        drill_panel(view, timeline_drill, "timeline_articles")
notes = [f"{row.articles} {view.t(str(row.reason))}" for row in figures.unplaced.itertuples()]
if view.filters.start is not None and figures.undated:
    notes.append(view.t("{count} undated (outside any period)", count=figures.undated))
if notes:
    st.caption(
        view.t(
            "Not on this chart: {notes}; listed on the Coverage page.", notes=md(", ".join(notes))
        )
    )
# The articles the chart cannot place, one click away as the cards' are (the undated
# outside a bounded period are the Coverage page's undated table).
reasons: dict[str, str] = {}
for reason in figures.unplaced["reason"].astype(str):
    precision = {"known to the month": "month", "known to the year": "year"}.get(reason, UNDATED)
    card_drills[f"unplaced_{precision}"] = (
        Drill(precision=precision),
        view.t("not on the chart, {reason}", reason=view.t(reason)),
    )
    reasons[f"unplaced_{precision}"] = view.t(reason)
unplaced = [card for card in card_drills if card.startswith("unplaced_")]
if unplaced:
    with st.container(horizontal=True):
        for card in unplaced:
            st.button(
                view.t("The articles: {reason}", reason=md(reasons[card])),
                key=f"card_{card}",
                icon=":material/list:",
                type="tertiary",
                on_click=_toggle_card,
                args=(card,),
            )
opened = st.session_state.get("overview_card")
if opened in card_drills and opened.startswith("unplaced_"):
    card_drill, card_what = card_drills[opened]
    drill_panel(view, card_drill, "unplaced_articles", what=card_what, opened_by="button")


def below_the_timeline() -> None:
    """The tone chart, the share of voice chart and table, with their lists of articles."""
    if not now.tones.empty:
        st.subheader(view.t("Tone"))
        counts = (
            now.tones.pivot_table(
                index="company", columns="tone", values="articles", aggfunc="sum", fill_value=0
            )
            .rename_axis(columns=None)
            .reset_index()
        )
        for label in ("positive", "neutral", "negative"):
            if label not in counts.columns:
                counts[label] = 0
        figure = drawn_once(
            tone_figure,
            counts,
            figures.tone_timeline,
            view.companies,
            frequency,
            t=view.t,
            language=view.language,
            colors=view.colors,
            fmt=view.fmt,
        )
        clicked = st.plotly_chart(figure, key="tone", on_select="rerun", selection_mode="points")
        tone_drill = chart_drill(clicked, figure)
        if tone_drill is not None:
            drill_panel(view, tone_drill, "tone_articles")
        st.caption(
            view.t(
                "Articles by their tone towards each company; per {period}, the share of positive "
                "(up) and negative (down) articles with their count; a {period} with fewer than "
                "{minimum} articles is marked too few, not given a share. A person's correction "
                "wins.",
                period=view.t(frequency),
                minimum=int(MIN_ARTICLES_FOR_TONE_SHARE),
            )
        )
        model = load_tone_model(view.database)
        if model:
            st.caption(view.t("Tone model: {model}.", model=md(model)))

    st.subheader(view.t("Share of voice"))
    figure = drawn_once(
        share_of_voice_figure,
        now.share,
        view.companies,
        t=view.t,
        language=view.language,
        colors=view.colors,
        fmt=view.fmt,
    )
    clicked = st.plotly_chart(
        figure, key="share_of_voice", on_select="rerun", selection_mode="points"
    )
    share_drill = chart_drill(clicked, figure)
    st.caption(
        view.t(
            "By articles, the headline: an article counts once however often it names the "
            "company. By unique stories, republished copies count once; by mentions, every "
            "naming counts."
        )
    )
    shares = ("share_articles", "share_stories", "share_mentions")
    chosen_row = st.dataframe(
        # Shares are numbers (sorted by value), shown as the interface writes them ("37,5 %").
        numbers_shown_as(
            now.share.assign(precision=[view.precision_label(c) for c in now.share["company"]]),
            dict.fromkeys(shares, lambda v: view.fmt.percent(v, 1)),
        ),
        hide_index=True,
        column_order=[
            "company",
            "share_articles",
            "share_stories",
            "share_mentions",
            "articles",
            "stories",
            "mentions",
            "precision",
        ],
        column_config={
            "company": view.t("Company"),
            "articles": view.t("Articles"),
            "stories": st.column_config.NumberColumn(
                view.t("Unique stories"), help=view.t("Republished copies of one story count once")
            ),
            "mentions": view.t("Mentions"),
            "share_articles": st.column_config.NumberColumn(view.t("Share of voice by articles")),
            "share_stories": st.column_config.NumberColumn(view.t("Share of stories")),
            "share_mentions": st.column_config.NumberColumn(view.t("Share of mentions")),
            "precision": st.column_config.TextColumn(
                view.t("Precision (reviewed)"),
                help=view.t(
                    "The share of the company's mentions that are really about it, from the "
                    "mentions people reviewed (Coverage page, or presswatch review): the "
                    "estimate, its 95% interval, how many were reviewed and the last review. "
                    "Mentions marked wrong count in no figure."
                ),
            ),
        },
        key="share_table",
        on_select="rerun",
        selection_mode="single-row",
    )
    row = selected_row(chosen_row)
    if row is not None and row < len(now.share):
        share_drill = Drill(company=str(now.share["company"].iloc[row]))
    if share_drill is not None:
        drill_panel(view, share_drill, "share_articles")


# On a browser session's first Overview, the browser paints the timeline before it works
# on these (dashboard/first_chart.py); without a timeline there is nothing to wait for.
if figures.timeline.empty:
    below_the_timeline()
else:
    after_first_chart(below_the_timeline)

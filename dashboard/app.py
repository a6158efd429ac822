"""presswatch dashboard: the entry point (`presswatch dashboard` runs it with Streamlit)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import streamlit as st

from dashboard.access import sign_in
from dashboard.data import (
    get_config,
    get_database_url,
    has_recent_coverage,
    load_filter_options,
    load_pending_analysis,
)
from dashboard.i18n import translate
from dashboard.render import md, one_line
from dashboard.view import PERIODS, build_view, load_since, period_bounds
from presswatch.config import interface_language
from presswatch.errors import PresswatchError
from presswatch.formatting import formatting_for
from presswatch.models import UNKNOWN_OUTLET

# An emoji icon is drawn locally; a :material/...: page icon would be fetched from Google.
st.set_page_config(page_title="presswatch", page_icon="📰", layout="wide")

try:
    config = get_config()
    database = get_database_url(config)
except PresswatchError as exc:
    st.error(
        # No config, so no interface_language: the system locale chooses.
        translate(
            "{error}\n\nFix the configuration, then reload this page.",
            interface_language(None),
            error=md(exc),
        ),
        icon=":material/error:",
    )
    st.stop()

params = st.query_params
language = interface_language(config)


def t(text: str, /, **values: object) -> str:
    """The text in the interface language, its {placeholders} filled with ``values``."""
    return translate(text, language, **values)


# Nothing is read from the database before the reader is signed in and allowed.
reader = sign_in(config.dashboard.auth, t)


def from_url(key: str, options: list[str]) -> list[str]:
    """A list filter as the shared link gives it, keeping only known values."""
    return [v for v in params.get_all(key) if v in options]


# The morning view: the last 30 days, compared with the 30 before, when there is recent
# coverage (it also reads the least); a new archive of older clippings shows all of it.
try:
    default_period = "Last 30 days" if has_recent_coverage(database, 30) else "All time"
except PresswatchError as exc:
    st.error(t("{error}\n\nCheck the database, then reload this page.", error=md(exc)))
    st.stop()
if params.get("period") not in PERIODS:
    params.pop("period", None)

with st.sidebar:
    st.header(t("Filters"))
    period = st.selectbox(
        t("Period"),
        list(PERIODS),
        format_func=t,
        index=list(PERIODS).index(params.get("period") or default_period),
        key="period",
    )
    custom = None
    if period == "Custom":
        today = datetime.now(UTC).date()
        try:
            default = (date.fromisoformat(params["from"]), date.fromisoformat(params["to"]))
        except (KeyError, ValueError):
            default = (today - timedelta(days=29), today)
        picked = st.date_input(t("From, to"), value=default, key="custom_period")
        if isinstance(picked, tuple) and len(picked) == 2:
            custom = (picked[0], picked[1])

# The sidebar offers the outlets, languages and topics of the articles this period can show
# (and of the period before it, which the overview compares), read by the database.
since = load_since(*period_bounds(period, custom, datetime.now(UTC).date()))
try:
    options = load_filter_options(database, since)
except PresswatchError as exc:
    st.error(
        t("{error}\n\nCheck the database, then reload this page.", error=md(exc)),
        icon=":material/error:",
    )
    st.stop()

company_names = [c.name for c in config.companies]
outlet_names = options["outlets"]
language_names = options["languages"]
topic_names = sorted(set(config.topics) | set(options["topics"]))
tone_names = ["positive", "neutral", "negative"]


def choose(label: str, options: list[str], url_key: str, key: str, **extra: Any) -> list[str]:
    """A list filter of the sidebar, its choices first taken from the shared link."""
    extra.setdefault("default", from_url(url_key, options))
    # Outlets and topics come from the data: each option shows as one line of plain text.
    extra.setdefault("format_func", one_line)
    chosen: list[str] = st.multiselect(
        md(label), options, key=key, placeholder=t("Choose options"), **extra
    )
    return chosen


with st.sidebar:
    companies = choose(
        t("Companies"),
        company_names,
        "company",
        "companies",
        default=from_url("company", company_names) or company_names,
        help=t("All companies when none is chosen."),
    )
    outlets = choose(
        t("Outlets"),
        outlet_names,
        "outlet",
        "outlets",
        # The stored "(unknown)" stays the value (links keep working); it reads translated.
        format_func=lambda o: t("(unknown outlet)") if o == UNKNOWN_OUTLET else one_line(o),
    )
    languages = choose(t("Languages"), language_names, "language", "languages")
    tones = choose(t("Tone"), tone_names, "tone", "tones", format_func=t)
    topics = choose(t("Topics"), topic_names, "topic", "topics_filter")
    # Collection stores articles first and analyses them after: until then they are in
    # the listings but in no figure, and the figures say so.
    pending = load_pending_analysis(database)
    # Grouped as the interface language writes it ("12 345" in French).
    fmt = formatting_for(config)
    if pending:
        st.caption(
            t(
                "Articles still being analysed: {count} (in no figure yet).",
                count=fmt.integer(pending),
            )
        )

# The view's filters go into the URL, so that a shared link reproduces it.
shared: dict[str, str | list[str]] = {"period": period}
if custom:
    shared.update({"from": custom[0].isoformat(), "to": custom[1].isoformat()})
if set(companies) != set(company_names):
    shared["company"] = companies
for key, values in (
    ("outlet", outlets),
    ("language", languages),
    ("tone", tones),
    ("topic", topics),
):
    if values:
        shared[key] = values
# The Coverage page's search too (its box's value, else the link's until the page opens).
search = st.session_state.get("search", params.get("search"))
if search:
    shared["search"] = search
st.query_params.from_dict(shared)

st.session_state["view"] = build_view(
    config,
    database,
    companies=companies,
    period=period,
    custom=custom,
    outlets=outlets,
    languages=languages,
    tones=tones,
    topics=topics,
    user=reader.name,
    may_edit=reader.may_edit,
)

page = st.navigation(
    [
        st.Page(
            "app_pages/overview.py",
            title=t("Overview"),
            icon=":material/monitoring:",
            help=t(
                "Key figures against the previous period, mentions over time with spikes, "
                "tone and share of voice."
            ),
            default=True,
        ),
        st.Page(
            "app_pages/coverage.py",
            title=t("Coverage"),
            icon=":material/article:",
            help=t("The articles, and each one's source text with the mentions highlighted."),
        ),
        st.Page(
            "app_pages/topics.py",
            title=t("Topics"),
            icon=":material/topic:",
            help=t("Themes per company over time, and the terms that rose in recent coverage."),
        ),
        st.Page(
            "app_pages/outlets.py",
            title=t("Outlets"),
            icon=":material/newspaper:",
            help=t("Top outlets and authors per company, and where in the article they appear."),
        ),
        st.Page(
            "app_pages/sources.py",
            title=t("Sources"),
            icon=":material/rss_feed:",
            help=t("Collector health per source and coverage gaps, when a source was failing."),
        ),
        st.Page(
            "app_pages/export.py",
            title=t("Export"),
            icon=":material/download:",
            help=t("The CSV of the current filters for spreadsheets, with its manifest."),
        ),
    ]
)
page.run()

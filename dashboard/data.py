"""Every cached loader of the dashboard: the only place that reads config and store."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import streamlit as st

from presswatch import analytics, export, overview
from presswatch.analysis.nlp.sentiment import get_backend
from presswatch.config import CONFIG_ENV, DATABASE_ENV, Config, database_url, load_config
from presswatch.drill import Drill
from presswatch.errors import PresswatchError
from presswatch.models import Article, Filters, MentionKey
from presswatch.search import parse_search
from presswatch.store import Store
from presswatch.urls import mask_urls_in

# Collection writes while people read: a minute-old view is fresh enough for press coverage.
TTL_SECONDS = 60


@st.cache_resource
def _config(path: str | None, mtime: float) -> Config:
    return load_config(path)


def get_config() -> Config:
    """The config named by $PRESSWATCH_CONFIG (set by `presswatch dashboard`), or ./config.yaml."""
    path = os.environ.get(CONFIG_ENV) or "config.yaml"
    try:
        mtime = os.path.getmtime(path)
    except OSError:
        mtime = 0.0
    return _config(path, mtime)


def get_database_url(config: Config) -> str:
    """The database the dashboard reads: $PRESSWATCH_DB, else the config's."""
    return database_url(config, os.environ.get(DATABASE_ENV))


@st.cache_resource
def _store(url: str) -> Store:
    return Store(url)


def open_store(url: str) -> Store:
    """The dashboard's one Store of a database, shared by every loader."""
    return _store(url)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_export_count(url: str, filters: Filters, level: str) -> int:
    """How many rows the Export page's CSV has, counted by the database."""
    return _store(url).export_count(filters, level)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_export_preview(
    url: str,
    filters: Filters,
    level: str,
    config_sha256: str,
    rows: int = 200,
    locale: str = "en",
) -> pd.DataFrame:
    """The first rows of the Export page's CSV, as the file has them (in its spreadsheet
    mode: French headers, values and decimal commas with "fr")."""
    columns = export.COLUMNS[level]
    head = export.export_rows(_store(url), filters, get_config(), level, limit=rows)
    return pd.DataFrame.from_records(
        [tuple(row) for row in export.spreadsheet_rows(columns, head, locale)],
        columns=export.spreadsheet_columns(columns, locale),
    )


@dataclass(frozen=True)
class ExportFile:
    """An export's CSV bytes and its manifest, built together so the checksum matches."""

    data: bytes
    manifest: bytes


# Built when a download button is clicked (on Streamlit's thread for it), kept for both
# buttons: the CSV of a 30-day view of 10 million mentions is about 100 MB.
@st.cache_resource(ttl=TTL_SECONDS, show_spinner=False, max_entries=1)
def build_export_file(
    url: str,
    filters: Filters,
    level: str,
    delimiter: str,
    config_sha256: str,
    locale: str = "en",
) -> ExportFile:
    """The Export page's CSV (in its spreadsheet mode) and manifest, streamed from the
    database."""
    store, config = _store(url), get_config()
    sink = io.BytesIO()
    columns = export.COLUMNS[level]
    written = export.write_csv(
        export.spreadsheet_columns(columns, locale),
        export.spreadsheet_rows(columns, export.export_rows(store, filters, config, level), locale),
        sink,
        delimiter=delimiter,
    )
    manifest = export.build_manifest(
        store=store, filters=filters, config=config, level=level, written=written
    )
    manifest["spreadsheet_locale"] = locale
    text = json.dumps(manifest, ensure_ascii=False, indent=2)
    return ExportFile(sink.getvalue(), text.encode("utf-8"))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_outlet_counts(url: str, filters: Filters, by: str) -> pd.DataFrame:
    """The top outlets or authors per company, grouped by the database."""
    return _store(url).outlet_counts(filters, top=10, by=by)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_prominence(url: str, filters: Filters) -> pd.DataFrame:
    """Mentions per company in titles, leads and bodies, grouped by the database."""
    return _store(url).prominence_counts(filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_topic_counts(url: str, filters: Filters) -> pd.DataFrame:
    """Articles per company and topic, grouped by the database."""
    return _store(url).topic_counts(filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_daily_topics(url: str, filters: Filters) -> pd.DataFrame:
    """Articles per day, company and topic, grouped by the database."""
    return _store(url).daily_topics(filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_message_shares(url: str, filters: Filters) -> pd.DataFrame:
    """Per company and key message, the share of its articles carrying it."""
    return _store(url).message_shares(filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_theme_sentences(
    url: str,
    filters: Filters,
    company: str,
    topic: str,
    since: datetime | None,
    until: datetime | None,
) -> pd.DataFrame:
    """The sentences behind one bar of the themes chart."""
    return _store(url).theme_sentences(filters, company, topic, since, until)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_articles_about(
    url: str, filters: Filters, companies: tuple[str, ...], since: datetime
) -> pd.DataFrame:
    """The dated articles about some companies since a moment."""
    return _store(url).articles_about(filters, list(companies), since)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_listing(url: str, filters: Filters, limit: int) -> tuple[pd.DataFrame, int]:
    """The Coverage page's newest articles and how many the view has."""
    store = _store(url)
    total = int(store.article_counts(filters)["articles"].sum())
    return store.coverage_listing(filters, limit), total


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_drilled(url: str, filters: Filters, drill: Drill, limit: int) -> tuple[pd.DataFrame, int]:
    """The articles behind one clicked number of a view (the newest ``limit``, as the
    Coverage page lists them), and how many: the number clicked."""
    return _store(url).drilled_articles(filters, drill, limit)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_card_details(url: str, ids: tuple[str, ...]) -> pd.DataFrame:
    """What the cards of these articles show per company (Store.card_details)."""
    return _store(url).card_details(ids)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_collection_dated(url: str, ids: tuple[str, ...]) -> frozenset[str]:
    """Which of these articles are dated by their collection time, not by a source."""
    return frozenset(_store(url).collection_dated(ids))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_search(url: str, filters: Filters, text: str, limit: int) -> tuple[pd.DataFrame, int]:
    """The view's newest articles that match a search (already checked by parse_search),
    and how many match."""
    found = parse_search(text)
    if found is None:
        raise ValueError("load_search needs a search")
    return _store(url).search_coverage(filters, found, limit)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_undated(
    url: str, filters: Filters, limit: int, text: str = ""
) -> tuple[pd.DataFrame, int]:
    """The undated articles a period leaves out (those that match the search ``text``, if
    any), and how many."""
    store = _store(url)
    search = parse_search(text)
    return (
        store.undated_listing(filters, limit, search),
        store.undated_articles(filters, search),
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_tone_model(url: str) -> str | None:
    """The tone model that gave the archive's tones, as the collection recorded it."""
    return _store(url).tone_model()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_pending_analysis(url: str) -> int:
    """How many stored articles still wait for their analysis (in no figure yet)."""
    return _store(url).count_pending_analysis()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_other_languages(url: str, limit: int) -> pd.DataFrame:
    """Articles that name a company in a language the figures leave out, newest first."""
    rows = _store(url).other_language_articles(limit)
    frame = pd.DataFrame(
        rows, columns=["id", "title", "outlet", "published", "language", "companies"]
    )
    frame["companies"] = frame["companies"].map(", ".join)
    return frame


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_republished(
    url: str, filters: Filters, limit: int, text: str = ""
) -> tuple[pd.DataFrame, int]:
    """The most picked-up stories of the view (their copies that match the search ``text``,
    if any), and how many were republished."""
    return _store(url).republished_stories(filters, limit, parse_search(text))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_filter_options(url: str, since: date | None) -> dict[str, list[str]]:
    """The sidebar's outlets, languages and topics, read by the database."""
    return _store(url).filter_options(since)


# cache_resource: the figures are never modified, and a reload or a return to a view seen
# in the last minute draws without asking the database again.
@st.cache_resource(ttl=TTL_SECONDS, show_spinner=False, max_entries=8)
def load_overview(url: str, filters: Filters, tracked: tuple[str, ...]) -> overview.Overview:
    """The overview's figures for a view's filters, grouped by the database."""
    return overview.build_overview(_store(url), filters, list(tracked))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_sources(url: str) -> pd.DataFrame:
    """Every source's state, with the articles it has found (column ``articles``)."""
    store = _store(url)
    sources = store.sources_frame()
    found = store.articles_per_source()
    return sources.assign(
        articles=[found.get(name, 0) for name in sources["name"]],
        # A feed's credentials and tokens are never shown (older rows kept them in errors).
        location=sources["location"].map(_masked),
        error=sources["error"].map(_masked),
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_source_articles(url: str, source: str, limit: int) -> tuple[pd.DataFrame, int]:
    """The articles one source has found (the newest ``limit``) and how many."""
    return _store(url).source_articles(source, limit)


def _masked(value: object) -> object:
    """A text with its URLs masked (urls.mask_urls_in); anything else as it is."""
    return mask_urls_in(value) if isinstance(value, str) else value


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_source_events(url: str) -> pd.DataFrame:
    """Every source's collection history."""
    events = _store(url).source_events_frame()
    return events.assign(error=events["error"].map(_masked)) if "error" in events else events


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def has_coverage(url: str) -> bool:
    """Whether any article that mentions a company is stored."""
    return _store(url).has_coverage()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def has_recent_coverage(url: str, days: int) -> bool:
    """Whether anything was published in the last ``days`` days."""
    return _store(url).has_articles_since(datetime.now(UTC) - timedelta(days=days))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_article(url: str, article_id: str) -> Article | None:
    """One article with its text and mentions."""
    return _store(url).get_article(article_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_article_tones(url: str, article_id: str) -> pd.DataFrame:
    """One article's tone per company, a person's correction winning over the model's
    (analytics.company_tones' columns)."""
    article = load_article(url, article_id)  # the page's own, already read
    if article is None:
        return analytics.company_tones(pd.DataFrame())
    tones = pd.DataFrame.from_records(
        [(article_id, t.company, t.score, t.label, t.evidence) for t in article.company_tones],
        columns=["article_id", "company", "score", "label", "evidence"],
    )
    return analytics.company_tones(tones, _store(url).corrections_frame(article_id))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=16)
def load_emerging_terms(
    url: str, current: pd.DataFrame, previous: pd.DataFrame, background: pd.DataFrame
) -> pd.DataFrame:
    """The emerging terms of a period (``current``: id, outlet) against the one before
    (``previous``), with the archive's ``background`` (id, outlet, month): cached per
    these articles, since reading and vectorising their texts is the page's heaviest step.
    Column articles: the ids of the period's articles holding each term."""
    ids = tuple(current["id"]) + tuple(previous["id"])
    texts = _store(url).texts(ids + tuple(background["id"]))
    languages = _store(url).languages(ids)

    def column(frame: pd.DataFrame, values: Mapping[str, str | None]) -> pd.Series:
        return pd.Series([values.get(i) for i in frame["id"]], dtype=object)

    terms = analytics.emerging_terms(
        column(current, texts).fillna(""),
        column(previous, texts).fillna(""),
        current_outlets=current["outlet"].reset_index(drop=True),
        previous_outlets=previous["outlet"].reset_index(drop=True),
        current_languages=column(current, languages),
        previous_languages=column(previous, languages),
        authors=_store(url).authors(ids),
        background=background.reset_index(drop=True).assign(
            text=column(background, texts).fillna("")
        ),
        with_articles=True,
    )
    current_ids = [str(i) for i in current["id"]]
    terms["articles"] = [
        tuple(current_ids[p] for p in positions) for positions in terms["articles"]
    ]
    return terms


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_articles_listed(url: str, ids: tuple[str, ...], limit: int) -> tuple[pd.DataFrame, int]:
    """These articles (the newest ``limit``) and how many the archive holds."""
    return _store(url).articles_listed(ids, limit)


def _clear_figures() -> None:
    """Drop every cached frame a person's input changes, so that it shows at once."""
    load_overview.clear()
    load_article.clear()
    load_article_tones.clear()
    load_listing.clear()
    load_drilled.clear()
    load_card_details.clear()
    load_search.clear()
    load_republished.clear()
    load_undated.clear()
    load_outlet_counts.clear()
    load_prominence.clear()
    load_topic_counts.clear()
    load_daily_topics.clear()
    load_export_count.clear()
    load_export_preview.clear()


def save_correction(
    url: str, article_id: str, label: str, author: str, company: str | None, note: str | None
) -> None:
    """Store a person's tone correction and drop the cached frames so it shows at once."""
    _store(url).add_correction(article_id, label, author, company=company, note=note)
    _clear_figures()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_precision_estimates(url: str) -> pd.DataFrame:
    """Each reviewed company's precision estimate (Store.precision_estimates)."""
    return _store(url).precision_estimates()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_article_reviews(url: str, article_id: str) -> pd.DataFrame:
    """The verdicts people gave on one article's mentions."""
    return _store(url).mention_reviews_frame(article_id)


def draw_review_sample(url: str, company: str, size: int, seed: int) -> pd.DataFrame:
    """A random sample of a company's mentions nobody reviewed yet (not cached: the page
    keeps the sample it drew while its mentions are marked)."""
    return _store(url).review_sample(company, size, seed)


@st.cache_resource(show_spinner=False)
def _tone_labeller(backend: str, model: str) -> Callable[[float, str | None], str] | None:
    """The configured tone model's rule from score to label (None when it cannot load)."""
    try:
        return get_backend(backend, Path(model)).label
    except PresswatchError:
        return None


def save_review(url: str, key: MentionKey, verdict: str | None, reviewer: str) -> None:
    """Store a person's verdict on a mention (None: remove it) and drop the cached frames:
    a wrong mention leaves the figures at once, its company's tone in the article is read
    again from the mentions left, and the estimate moves."""
    store = _store(url)
    config = get_config()
    label_of = _tone_labeller(config.tone.backend, str(config.resolve_path(config.tone.model)))
    if verdict is None:
        store.unmark_mention(key, label_of=label_of)
    else:
        store.mark_mention(key, verdict, reviewer, label_of=label_of)
    load_precision_estimates.clear()
    load_article_reviews.clear()
    _clear_figures()

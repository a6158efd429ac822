"""A period's report (`presswatch report`): the dashboard's figures, in the interface language.

Every figure comes from the functions the dashboard draws with (Store's figure methods,
presswatch.overview, presswatch.analytics), for the period and for the previous one; this
module only chooses the filters and gathers the results into a `Report`, which
presswatch.report_render writes as HTML, Markdown or PowerPoint. Nothing is recomputed
here: tests/test_report.py holds the report's figures equal to the dashboard's.
"""

from __future__ import annotations

import calendar
import re
import string
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from presswatch import overview
from presswatch.analytics import coverage_gaps
from presswatch.config import Config
from presswatch.errors import PresswatchError
from presswatch.models import UNKNOWN_OUTLET, Filters
from presswatch.review import manifest_estimates
from presswatch.store import Store

LANGUAGES = ("en", "fr")
TONES = ("positive", "neutral", "negative")
# Per company: the outlets, themes and articles a report lists (the dashboard's top 10
# outlets, cut to what a slide holds).
TOP_OUTLETS = 5
SPIKE_TITLES = 3  # titles named per spike; the rest are counted
TOP_THEMES = 5
TOP_ARTICLES = 5

_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


class ReportError(PresswatchError):
    """A report cannot be made as asked (a period or a language it cannot read)."""


# -- the report's words ---------------------------------------------------------------------

# English text -> French, as dashboard/i18n.py's table (which the product layer cannot
# import): tests/test_report.py checks every text given to translate() here is in it, with
# the same {placeholders}.
FRENCH: dict[str, str] = {
    "Press report": "Revue de presse",
    "all companies": "toutes les entreprises",
    "Previous period: {period}": "Période précédente : {period}",
    "Made on {day} by presswatch {version}.": "Réalisé le {day} par presswatch {version}.",
    "Key figures": "Chiffres clés",
    "Figure": "Indicateur",
    "This period": "Cette période",
    "Previous period": "Période précédente",
    "Change": "Évolution",
    "Articles": "Articles",
    "Mentions": "Mentions",
    "Unique stories": "Sujets distincts",
    "Positive / negative": "Positifs / négatifs",
    "too few": "trop peu",
    "n/a": "n.d.",
    "Share of voice": "Part de voix",
    "Company": "Entreprise",
    "Share of articles": "Part des articles",
    "Share of stories": "Part des sujets distincts",
    "Share of mentions": "Part des mentions",
    "Change in share of articles": "Évolution de la part des articles",
    "Copies of one story (wire copy, one piece under several URLs) count once.": (
        "Les copies d'une même histoire (dépêche, un article sous plusieurs adresses) "
        "comptent une fois."
    ),
    "Tone": "Tonalité",
    "Positive": "Positive",
    "Neutral": "Neutre",
    "Negative": "Négative",
    "positive": "positive",
    "neutral": "neutre",
    "negative": "négative",
    "no tone": "sans tonalité",
    "Articles by their tone towards each company; positive / negative are their shares of "
    "the articles with a tone (none below {minimum} articles). A person's correction wins "
    "over the model.": (
        "Articles selon leur tonalité envers chaque entreprise ; positifs / négatifs sont "
        "leurs parts parmi les articles ayant une tonalité (aucune sous {minimum} articles). "
        "La correction d'une personne l'emporte sur le modèle."
    ),
    "Top outlets": "Principaux médias",
    "Outlet": "Média",
    "unknown outlet": "média inconnu",
    "Themes": "Thèmes",
    "Theme": "Thème",
    "Top articles": "Principaux articles",
    "Top articles: {company}": "Principaux articles : {company}",
    "Most picked-up stories of the period first (one article per story), then the newest.": (
        "Les histoires les plus reprises de la période d'abord (un article par histoire), "
        "puis les plus récentes."
    ),
    "Title": "Titre",
    "Date": "Date",
    "Pickups": "Reprises",
    "Evidence sentence": "Phrase justificative",
    "untitled": "sans titre",
    "undated": "non daté",
    "Nothing to show for this period.": "Rien à montrer pour cette période.",
    "No source has been collected yet.": "Aucune source n'a encore été collectée.",
    "Item": "Élément",
    "Mention precision (reviewed)": "Précision des mentions (revue)",
    "Precision": "Précision",
    "95% interval": "Intervalle à 95 %",
    "Mentions reviewed": "Mentions revues",
    "not reviewed": "non revue",
    "No mention has been reviewed yet (presswatch review).": (
        "Aucune mention n'a encore été revue (presswatch review)."
    ),
    "Value": "Valeur",
    "What the figures rest on": "Sur quoi reposent ces chiffres",
    "What the figures rest on: sources": "Sur quoi reposent ces chiffres : les sources",
    "Period": "Période",
    "Filters": "Filtres",
    "Companies": "Entreprises",
    "Undated articles left out": "Articles non datés laissés de côté",
    "Tone model": "Modèle de tonalité",
    "none recorded": "aucun enregistré",
    "Config": "Configuration",
    "Config SHA-256": "SHA-256 de la configuration",
    "Database": "Base de données",
    "Sources": "Sources",
    "Source": "Source",
    "Kind": "Type",
    "Last success": "Dernier succès",
    "never": "jamais",
    "Collection gaps in the period": "Trous de collecte dans la période",
    "none": "aucun",
    "Figures are those of the dashboard for the same filters: articles that mention a "
    "company and are dated in the period; undated articles are outside any period.": (
        "Les chiffres sont ceux du tableau de bord pour les mêmes filtres : les articles "
        "qui mentionnent une entreprise et sont datés dans la période ; les articles non "
        "datés sont hors de toute période."
    ),
    "{count} article": "{count} article",
    "{count} articles": "{count} articles",
    "{count} pt": "{count} pt",
    "{count} pts": "{count} pts",
    "week {week} of {year}": "semaine {week} de {year}",
    "{start} to {end}": "du {start} au {end}",
    "Top authors": "Principaux auteurs",
    "Author": "Auteur",
    "unknown author": "auteur inconnu",
    "Key messages": "Messages clés",
    "Key message": "Message clé",
    "Share of the company's articles": "Part des articles de l'entreprise",
    "Sentence carrying it": "Phrase qui le porte",
    "Found by": "Trouvé par",
    "phrasing “{phrasing}”": "formulation « {phrasing} »",
    "similarity {score} to “{phrasing}”": "similarité {score} avec « {phrasing} »",
    "Each key message's articles among the company's articles of the period (the Topics "
    "page's figures), with a sentence that carries it.": (
        "Les articles portant chaque message clé parmi les articles de l'entreprise sur la "
        "période (les chiffres de la page Thèmes), avec une phrase qui le porte."
    ),
    "Spikes": "Pics",
    "Day": "Jour",
    "Usual": "Habituel",
    "Articles behind it": "Articles à l'origine",
    "and {count} more": "et {count} de plus",
    "Days when a company's mentions rose far above their usual level (the Overview's "
    "detector), with the articles of that day.": (
        "Jours où les mentions d'une entreprise ont dépassé de loin leur niveau habituel (le "
        "détecteur de la Vue d'ensemble), avec les articles de ce jour."
    ),
    "Press review — {companies} — {day}": "Revue de presse — {companies} — {day}",
    "No theme": "Sans thème",
}


def translate(text: str, language: str, /, **values: object) -> str:
    """The text in the report's language (English when no translation is known), its
    {placeholders} filled with ``values``."""
    chosen = FRENCH.get(text, text) if language == "fr" else text
    return chosen.format(**values) if values else chosen


def plural(count: int, one: str, other: str, language: str) -> str:
    """``one`` or ``other`` (English texts with a {count}) by the language's plural rule
    (Babel's CLDR rules: French says "0 article", "1 article", "2 articles")."""
    form = Locale.parse(language).plural_form(abs(count))
    return translate(one if form == "one" else other, language, count=format_count(count, language))


def format_count(value: int, language: str) -> str:
    """A whole number as the language writes it (French groups thousands with a space)."""
    return format_decimal(value, locale=language)


def format_share(value: float | None, language: str) -> str:
    """A share in percent with one decimal: 12.5% or 12,5 %."""
    if value is None or pd.isna(value):
        return translate("n/a", language)
    number = format_decimal(round(float(value), 1), format="0.0", locale=language)
    return f"{number}\u202f%" if language == "fr" else f"{number}%"


def format_signed(value: float, language: str, decimals: int = 0) -> str:
    """A change with its sign: +3, -1.5 (French: +3, -1,5)."""
    pattern = "0" if decimals == 0 else "0." + "0" * decimals
    number = format_decimal(abs(round(value, decimals)), format=pattern, locale=language)
    return ("-" if round(value, decimals) < 0 else "+") + number


def format_points(value: float, language: str) -> str:
    """A change of a share, in percentage points: +3.2 pts."""
    points = format_signed(value, language, 1)
    return plural(2, "{count} pt", "{count} pts", language).replace("2", points, 1)


def how_found(phrasing: object, similarity: object, language: str) -> str:
    """How a key message was found in its sentence: its phrasing stands there, or the
    sentence is similar to its nearest phrasing (with the score)."""
    text = phrasing if isinstance(phrasing, str) else ""
    if similarity is None or pd.isna(similarity):  # type: ignore[call-overload]
        return translate("phrasing “{phrasing}”", language, phrasing=text)
    score = format_decimal(round(float(similarity), 2), format="0.00", locale=language)  # type: ignore[arg-type]
    return translate("similarity {score} to “{phrasing}”", language, score=score, phrasing=text)


def format_day(value: Any, precision: Any, language: str) -> str:
    """An article's date cut to what is known: 19 mars 2024, mars 2024, 2024, or undated."""
    if value is None or not isinstance(precision, str) or pd.isna(value):
        return translate("undated", language)
    moment = pd.Timestamp(value)
    if precision == "year":
        return f"{moment.year:04d}"
    if precision == "month":
        return format_date(moment.date(), "LLLL y", locale=language)
    return format_date(moment.date(), "medium", locale=language)


def tone_label(tone: Any, language: str) -> str:
    """A tone as a reader of the report's language reads it."""
    return translate(tone, language) if tone in TONES else translate("no tone", language)


def outlet_label(outlet: Any, language: str) -> str:
    """An outlet's name (data), or the words for an unknown one."""
    if not isinstance(outlet, str) or not outlet or outlet == UNKNOWN_OUTLET:
        return translate("unknown outlet", language)
    return outlet


def placeholders(text: str) -> set[str]:
    """The {names} a text fills."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# -- periods --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A report's period: an ISO week, a calendar month or a range of days (inclusive)."""

    kind: str  # week, month, range
    start: date
    end: date

    @property
    def code(self) -> str:
        """The period as `presswatch report --period` reads it."""
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def previous(self) -> Period:
        """The week, month or range of the same length just before."""
        if self.kind == "week":
            return Period("week", self.start - timedelta(days=7), self.start - timedelta(days=1))
        if self.kind == "month":
            end = self.start - timedelta(days=1)
            return Period("month", end.replace(day=1), end)
        length = self.end - self.start + timedelta(days=1)
        return Period("range", self.start - length, self.start - timedelta(days=1))

    def label(self, language: str) -> str:
        """The period in words: week 12 of 2024, March 2024, 1 Mar 2024 to 31 Mar 2024."""
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return translate("week {week} of {year}", language, week=week, year=year)
        if self.kind == "month":
            return format_date(self.start, "LLLL y", locale=language)
        return translate(
            "{start} to {end}",
            language,
            start=format_date(self.start, "medium", locale=language),
            end=format_date(self.end, "medium", locale=language),
        )


def parse_period(text: str) -> Period:
    """2024-W12 (ISO week), 2024-03 (month) or 2024-03-01..2024-03-31 (days, inclusive)."""
    value = text.strip()
    try:
        if found := _WEEK.match(value):
            start = date.fromisocalendar(int(found[1]), int(found[2]), 1)
            return Period("week", start, start + timedelta(days=6))
        if found := _MONTH.match(value):
            year, month = int(found[1]), int(found[2])
            last = calendar.monthrange(year, month)[1]
            return Period("month", date(year, month, 1), date(year, month, last))
        if found := _RANGE.match(value):
            start, end = date.fromisoformat(found[1]), date.fromisoformat(found[2])
            if end < start:
                raise ReportError(
                    f"--period {text}: the range ends before it starts; write FIRST..LAST"
                )
            return Period("range", start, end)
    except ValueError as exc:  # week 54, month 13, 2024-02-30
        raise ReportError(f"--period {text}: no such week, month or day ({exc})") from exc
    raise ReportError(
        f"--period {text}: write a week (2024-W12), a month (2024-03) or days "
        "(2024-03-01..2024-03-31)"
    )


def period_between(start: date, end: date) -> Period:
    """The period of two days (inclusive): an ISO week or a calendar month when the days are
    exactly one (so that the previous period is the week or month before), else a range."""
    if end < start:
        raise ReportError(f"the period {start}..{end} ends before it starts")
    if start.weekday() == 0 and end == start + timedelta(days=6):
        return Period("week", start, end)
    if start.day == 1 and end == start.replace(day=calendar.monthrange(start.year, start.month)[1]):
        return Period("month", start, end)
    return Period("range", start, end)


# -- the figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodReport:
    """One period's figures, each from the function the dashboard shows it with."""

    period: Period
    filters: Filters
    figures: overview.PeriodFigures  # articles, mentions, share of voice, tones
    outlets: pd.DataFrame  # Store.outlet_counts: company, outlet, articles, stories
    themes: pd.DataFrame  # Store.topic_counts: company, topic, articles
    undated: int  # Store.undated_articles: outside the period, left out
    # Store.outlet_counts(by="author"): company, author, articles, stories (empty when the
    # sources give no authors).
    authors: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Store.message_shares: company, message, articles, of, share, sentence (the Topics
    # page's key messages; empty without `messages:` in the config).
    messages: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass(frozen=True)
class Report:
    """Everything a report shows, in no language yet."""

    current: PeriodReport
    previous: PeriodReport
    companies: list[str]  # the companies the report is about, in share-of-voice order
    focus: list[str]  # whose tone shares the key figures give (--company, else tracked)
    top_articles: dict[str, pd.DataFrame]  # per company: TOP_ARTICLE_COLUMNS
    sources: pd.DataFrame  # name, kind, last_success, gaps
    precision: list[dict[str, Any]]  # review.manifest_estimates: each company's mentions
    tone_model: str | None
    config_path: str | None
    config_sha256: str
    database: str
    created_at: datetime
    # Every company of the config in its order: each one's chart colour, as the dashboard.
    all_companies: list[str] = field(default_factory=list)
    # The Overview's spikes for the period's filters (overview.build_overview: company,
    # day, mentions, baseline, z, article_ids, articles) and the titles of the articles
    # behind them; empty when the view is not drawn by day.
    spikes: pd.DataFrame = field(default_factory=pd.DataFrame)
    spike_titles: dict[str, str] = field(default_factory=dict)


TOP_ARTICLE_COLUMNS = [
    "article_id",
    "title",
    "outlet",
    "published",
    "date_precision",
    "url",
    "tone",
    "evidence",
    "pickups",
]


def period_report(
    store: Store, period: Period, filters: Filters, focus: list[str] | None = None
) -> PeriodReport:
    """A period's figures under the filters, through the dashboard's functions (the tone of
    a ``focus`` of several companies counts each article once, as the Overview's card)."""
    chosen = replace(filters, start=period.start, end=period.end)
    return PeriodReport(
        period=period,
        filters=chosen,
        figures=overview.period_figures(store, chosen, focus),
        outlets=store.outlet_counts(chosen, top=TOP_OUTLETS),
        themes=store.topic_counts(chosen),
        undated=store.undated_articles(chosen),
        authors=store.outlet_counts(chosen, top=TOP_OUTLETS, by="author"),
        messages=store.message_shares(chosen),
    )


def top_articles(store: Store, filters: Filters, company: str) -> pd.DataFrame:
    """A company's top articles of the view, one per story: its most picked-up stories
    (the Coverage page's republished stories, shown by their first copy), then its newest
    articles (the Coverage page's listing); with link, tone and the sentence the tone
    rests on (as the alerts give them)."""
    own = replace(filters, companies=(company,))
    stories, _ = store.republished_stories(own, TOP_ARTICLES)
    firsts = store.first_copies(own, stories["story_id"])
    chosen = [
        (firsts[story], story, int(pickups))
        for story, pickups in zip(stories["story_id"], stories["pickups"], strict=True)
        if story in firsts
    ]
    if len(chosen) < TOP_ARTICLES:
        # Every republished story is chosen already: the rest are single copies, newest first.
        taken = {story for _, story, _ in chosen}
        most = TOP_ARTICLES + sum(pickups for _, _, pickups in chosen)
        newest = store.coverage_listing(own, most)
        for article_id, story, pickups in zip(
            newest["id"], newest["story_id"], newest["pickups"], strict=True
        ):
            if len(chosen) == TOP_ARTICLES:
                break
            if story not in taken:
                taken.add(story)
                chosen.append((article_id, story, int(pickups)))
    if not chosen:
        return pd.DataFrame(columns=TOP_ARTICLE_COLUMNS)
    details = store.coverage_of_articles([article_id for article_id, _, _ in chosen])
    facts = details[details["company"] == company].set_index("article_id")
    rows = []
    for article_id, _, pickups in chosen:
        fact = facts.loc[article_id]
        rows.append(
            {
                "article_id": article_id,
                "title": fact["title"],
                "outlet": fact["outlet"],
                "published": fact["published"],
                "date_precision": fact["date_precision"],
                "url": fact["url"],
                "tone": fact["tone"],
                "evidence": fact["evidence"],
                "pickups": pickups,
            }
        )
    return pd.DataFrame.from_records(rows, columns=TOP_ARTICLE_COLUMNS)


def _sources(store: Store, period: Period) -> pd.DataFrame:
    """Each source, its last success and how many collection gaps fall in the period."""
    start = pd.Timestamp(period.start, tz="UTC")
    end = pd.Timestamp(period.end, tz="UTC") + pd.Timedelta(days=1)
    gaps = coverage_gaps(store.source_events_frame(), start, end)
    frame = store.sources_frame()
    counted = gaps.groupby("source").size() if not gaps.empty else pd.Series(dtype="int64")
    return pd.DataFrame(
        {
            "name": frame["name"],
            "kind": frame["kind"],
            "last_success": frame["last_success"],
            "gaps": [int(counted.get(name, 0)) for name in frame["name"]],
        }
    )


def build_report(
    store: Store, config: Config, period: Period, companies: tuple[str, ...] = ()
) -> Report:
    """The report of a period (for some companies, else all), with the previous period's
    figures to compare with."""
    filters = Filters(companies=companies)
    focus = list(companies) or [c.name for c in config.tracked]
    current = period_report(store, period, filters, focus)
    previous = period_report(store, period.previous(), filters, focus)
    shown = list(current.figures.share["company"])
    if companies:
        shown = [c for c in companies if c in shown] + [c for c in companies if c not in shown]
    # The Overview's own loader for the same filters: its spikes are the dashboard's.
    shown_overview = overview.build_overview(
        store, current.filters, [c.name for c in config.tracked]
    )
    return Report(
        current=current,
        previous=previous,
        companies=shown,
        focus=focus,
        top_articles={name: top_articles(store, current.filters, name) for name in shown},
        sources=_sources(store, period),
        precision=manifest_estimates(store.precision_estimates(), shown),
        tone_model=store.tone_model(),
        config_path=str(config.path) if config.path else None,
        config_sha256=config.sha256,
        database=store.display_url,
        created_at=datetime.now(UTC),
        all_companies=[c.name for c in config.companies],
        spikes=shown_overview.spikes,
        spike_titles=shown_overview.titles,
    )


def tone_table(figures: overview.PeriodFigures, companies: list[str]) -> pd.DataFrame:
    """Articles per company and tone (Store.tone_counts) as one row per company: positive,
    neutral, negative, and the shares of positive and negative articles (the overview's tone
    card; empty with too few articles)."""
    tones = figures.tones
    rows = []
    for company in companies:
        own = tones[tones["company"] == company]
        counts = {tone: int(own.loc[own["tone"] == tone, "articles"].sum()) for tone in TONES}
        shares = figures.tone_shares([company])
        rows.append(
            {
                "company": company,
                **counts,
                "positive_share": shares[0] if shares else None,
                "negative_share": shares[1] if shares else None,
            }
        )
    return pd.DataFrame.from_records(
        rows, columns=["company", *TONES, "positive_share", "negative_share"]
    )

"""The oracle: every figure computed in pandas over all the stored rows.

presswatch groups its figures in the database (presswatch.store's figures) and pandas
finishes the grouped rows (presswatch.analytics). This module is the other way, kept for
the tests only: it reads every article, mention, tone and topic of a seeded archive into
frames, filters them in pandas and computes each figure from the rows. Tests hold the
database's figures equal to these, on SQLite and PostgreSQL; it is never used by the
product (it would load every mention into memory).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from presswatch.analytics import (
    _PANDAS_PERIOD,
    LISTING_COLUMNS,
    PLACEABLE,
    PROMINENCE_RANK,
    SHARE_COLUMNS,
    STORY_COLUMNS,
    TONE_TABLE_COLUMNS,
    UNDATED_COLUMNS,
    Frequency,
    company_tones,
    detect_spikes,
    fill_days,
    fill_periods,
    frequency_of_dates,
    prominence_from_counts,
    rank_topic_counts,
    share_from_counts,
    tone_table,
    unplaced_from_counts,
)
from presswatch.models import UNKNOWN_OUTLET, Filters
from presswatch.overview import TONE_COLUMNS, Overview, PeriodFigures
from presswatch.store import Store

ARTICLE_COLUMNS = ["id", "published", "date_precision", "outlet", "language", "story_id"]


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=columns)


@dataclass(frozen=True)
class Frames:
    """Articles (without text), mentions, tones, topics, corrections and sources."""

    articles: pd.DataFrame
    mentions: pd.DataFrame
    tones: pd.DataFrame = field(
        default_factory=lambda: _empty(["article_id", "company", "score", "label", "evidence"])
    )
    topics: pd.DataFrame = field(
        default_factory=lambda: _empty(
            ["article_id", "topic", "keyword", "sentence", "company", "weight", "theme_rank"]
        )
    )
    corrections: pd.DataFrame = field(
        default_factory=lambda: _empty(
            ["article_id", "company", "field", "start", "label", "author"]
        )
    )
    sources: pd.DataFrame = field(default_factory=lambda: _empty(["name"]))
    source_events: pd.DataFrame = field(
        default_factory=lambda: _empty(["source", "at", "ok", "error"])
    )

    @classmethod
    def from_store(
        cls, store: Store, since: date | None = None, seen_since: datetime | None = None
    ) -> Frames:
        """Everything the figures need, read from the store.

        With ``since`` (a view's first day, less whatever comparisons need before it),
        only the articles that can matter from that day on: undated articles and those
        known to the month or year are always read. With ``seen_since``, only the articles
        first collected since then (what a collection run's alerts look at).
        """
        moment = (
            datetime.combine(since, datetime.min.time(), tzinfo=UTC) if since is not None else None
        )
        mentions, tones = without_wrong_mentions(
            store.mentions_frame(moment, seen_since),
            store.tones_frame(moment, seen_since),
            store.mention_reviews_frame(),
        )
        return cls(
            articles=store.articles_frame(moment, seen_since),
            mentions=mentions,
            tones=tones,
            topics=store.topics_frame(moment, seen_since),
            corrections=store.corrections_frame(),
            sources=store.sources_frame(),
            source_events=store.source_events_frame(),
        )

    def keep_articles(self, mask: Any) -> Frames:
        """Only the articles where ``mask`` (a boolean Series or array) holds, and the rest."""
        articles = self.articles[np.asarray(mask, dtype=bool)]
        ids = articles["id"]
        return replace(
            self,
            articles=articles,
            mentions=self.mentions[isin(self.mentions["article_id"], ids)],
            tones=self.tones[isin(self.tones["article_id"], ids)],
            topics=self.topics[isin(self.topics["article_id"], ids)],
        )

    def keep_pairs(self, pairs: pd.DataFrame) -> Frames:
        """Only these (article_id, company) links: mentions and tones of other pairs go."""
        key = pairs[["article_id", "company"]].drop_duplicates()
        mentions = self.mentions.merge(key, on=["article_id", "company"])
        tones = self.tones.merge(key, on=["article_id", "company"])
        kept = isin(self.articles["id"], mentions["article_id"])
        return replace(self.keep_articles(kept), mentions=mentions, tones=tones)


MENTION_KEY = ["article_id", "company", "field", "start", "matched"]


def without_wrong_mentions(
    mentions: pd.DataFrame, tones: pd.DataFrame, reviews: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The mentions no person marked wrong (the latest verdict is the one stored), and the
    tones of the (article, company) pairs that still have a mention: a pair whose
    mentions are all wrong is in no figure."""
    wrong = reviews[reviews["verdict"] == "wrong"][MENTION_KEY] if not reviews.empty else None
    if wrong is None or wrong.empty or mentions.empty:
        return mentions, tones
    keyed = mentions.merge(
        wrong.astype({"start": "int64"}).assign(_wrong=True),
        on=MENTION_KEY,
        how="left",
    )
    kept = mentions[keyed["_wrong"].isna().to_numpy()]
    pairs = kept[["article_id", "company"]].drop_duplicates()
    if tones.empty:
        return kept, tones
    toned = tones.merge(pairs.assign(_kept=True), on=["article_id", "company"], how="left")
    return kept, tones[toned["_kept"].notna().to_numpy()]


# An article dated to the second is an instant: it is in a period when its moment is (a
# 23:00 article is not in the next day's period). One dated to the day spans its day.
_PRECISION_SPAN = {"datetime": pd.Timedelta(microseconds=1), "day": pd.Timedelta(days=1)}


def _article_interval(articles: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """When each article may have appeared: [start, end) from its date and precision."""
    start = articles["published"]
    end = start.copy()
    for precision, offset in (("month", pd.DateOffset(months=1)), ("year", pd.DateOffset(years=1))):
        mask = articles["date_precision"] == precision
        if mask.any():
            end[mask] = start[mask] + offset
    for precision, span in _PRECISION_SPAN.items():
        mask = articles["date_precision"] == precision
        if mask.any():
            end[mask] = start[mask] + span
    return start, end


def filter_steps(filters: Filters) -> list[Callable[[Frames], Frames]]:
    """One function per active filter; any order gives the same result."""
    steps: list[Callable[[Frames], Frames]] = []
    if filters.start is not None or filters.end is not None:
        steps.append(lambda f: _by_period(filters, f))
    if filters.companies:
        steps.append(lambda f: _by_company(filters, f))
    if filters.outlets:
        steps.append(lambda f: f.keep_articles(f.articles["outlet"].isin(filters.outlets)))
    if filters.languages:
        steps.append(lambda f: f.keep_articles(f.articles["language"].isin(filters.languages)))
    if filters.tones:
        steps.append(lambda f: _by_tone(filters, f))
    if filters.topics:
        steps.append(lambda f: _by_topic(filters, f))
    return steps


def apply_filters(filters: Filters, frames: Frames) -> Frames:
    """The frames with every filter applied."""
    for step in filter_steps(filters):
        frames = step(frames)
    return frames


def _by_period(filters: Filters, frames: Frames) -> Frames:
    start, end = _article_interval(frames.articles)
    mask = frames.articles["published"].notna()
    if filters.start is not None:
        lower = pd.Timestamp(datetime.combine(filters.start, datetime.min.time()), tz="UTC")
        mask &= end > lower
    if filters.end is not None:
        upper = pd.Timestamp(
            datetime.combine(filters.end + timedelta(days=1), datetime.min.time()), tz="UTC"
        )
        mask &= start < upper
    return frames.keep_articles(mask.fillna(False).astype(bool))


def _by_company(filters: Filters, frames: Frames) -> Frames:
    # The chosen companies' mentions and tones are their rows with that company: no merge
    # on (article, company) as keep_pairs does.
    mentions = frames.mentions[frames.mentions["company"].isin(filters.companies)]
    tones = frames.tones[frames.tones["company"].isin(filters.companies)]
    kept = isin(frames.articles["id"], mentions["article_id"])
    articles = frames.articles[kept]
    return replace(
        frames,
        articles=articles,
        mentions=mentions,
        # A tone is written for a pair with mentions, and every filter removes both
        # together: a chosen company's tones are all of kept articles.
        tones=tones,
        topics=frames.topics[isin(frames.topics["article_id"], articles["id"])],
    )


def _by_tone(filters: Filters, frames: Frames) -> Frames:
    toned = company_tones(frames.tones, frames.corrections)
    return frames.keep_pairs(toned[toned["tone"].isin(filters.tones)])


def _by_topic(filters: Filters, frames: Frames) -> Frames:
    # A theme is about one company: the (article, company) pairs carrying it are kept.
    wanted = frames.topics[frames.topics["topic"].isin(filters.topics)]
    return frames.keep_pairs(wanted[["article_id", "company"]])


def isin(values: pd.Series, among: Any) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """A boolean array: which ``values`` are in ``among``.

    Thirty times faster than Series.isin on pandas 3 string columns of 100,000 ids
    (0.02 s against 0.62 s, bench/bench_dashboard.py).
    """
    column = getattr(values.array, "_pa_array", None)
    if column is not None and not isinstance(among, set | frozenset):
        # Both arrow strings (pandas 3's default): arrow's hash lookup, twice as fast again.
        wanted = getattr(getattr(among, "array", None), "_pa_array", None)
        if wanted is not None:
            if isinstance(wanted, pa.ChunkedArray):
                wanted = wanted.combine_chunks()
            hits = pc.fill_null(pc.is_in(column, value_set=wanted), False)
            arrow_found: np.ndarray[Any, np.dtype[np.bool_]] = np.asarray(
                hits.to_numpy(zero_copy_only=False), dtype=bool
            )
            return arrow_found
    index = pd.Index(
        pd.Series(list(among) if isinstance(among, set | frozenset) else among)
    ).unique()
    found: np.ndarray[Any, np.dtype[np.bool_]] = index.get_indexer(pd.Index(values)) >= 0
    return found


_Rows = np.ndarray[Any, np.dtype[np.intp]]


def article_companies(articles: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per (article, company) mentioned: counts, best prominence, first sentence.

    The evidence is the sentence of the most prominent mention (title, then lead, then
    body; earliest first). Mentions of articles not in ``articles`` are left out.
    """
    return _pairs_and_rows(articles, mentions)[0]


def _pairs_and_rows(articles: pd.DataFrame, mentions: pd.DataFrame) -> tuple[pd.DataFrame, _Rows]:
    """The pairs, and for each the position of its article in ``articles``."""
    return _article_companies(articles, mentions)


def _article_companies(
    articles: pd.DataFrame, mentions: pd.DataFrame
) -> tuple[pd.DataFrame, _Rows]:
    columns = ["article_id", "company", "mention_count", "prominence", "evidence"]
    if mentions.empty or articles.empty:
        return pd.DataFrame(columns=columns), np.zeros(0, dtype=np.intp)
    # Integer codes and one lexsort: 7 times faster than sorting and grouping on strings
    # (bench/bench_analytics.py, 1M mentions).
    article_codes, article_ids = pd.factorize(mentions["article_id"])
    company_codes, company_names = pd.factorize(mentions["company"])
    place_codes, places = pd.factorize(mentions["prominence"])
    ranks = np.array([PROMINENCE_RANK.get(str(p), 3) for p in places], dtype=np.int64)
    place_rank = ranks[place_codes] if len(ranks) else np.zeros(len(mentions), dtype=np.int64)
    key = article_codes.astype(np.int64) * max(len(company_names), 1) + company_codes
    starts = mentions["start"].to_numpy(dtype=np.int64, na_value=0)
    order = np.lexsort((starts, place_rank, key))
    sorted_key = key[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = sorted_key[1:] != sorted_key[:-1]
    firsts = order[first]
    counts = np.diff(np.append(np.flatnonzero(first), len(order)))
    positions = pd.Index(articles["id"]).get_indexer(article_ids)
    rows = positions[article_codes[firsts]]
    keep = rows >= 0
    firsts, counts, rows = firsts[keep], counts[keep], rows[keep]
    # take() keeps pandas' own string arrays: no Python objects built per row.
    pairs = pd.DataFrame(
        {
            "article_id": mentions["article_id"].array.take(firsts),
            "company": mentions["company"].array.take(firsts),
            "mention_count": counts,
            "prominence": mentions["prominence"].array.take(firsts),
            "evidence": mentions["sentence"].array.take(firsts),
        }
    )
    return pairs, rows.astype(np.intp)


def _column_of_pairs(articles: pd.DataFrame, rows: _Rows, column: str) -> np.ndarray[Any, Any]:
    """An article column, one value per pair (looked up by position)."""
    values: np.ndarray[Any, Any] = articles[column].to_numpy()[rows]
    return values


def _story_of_pairs(articles: pd.DataFrame, rows: _Rows) -> np.ndarray[Any, Any]:
    """Each pair's story id (an article without one is its own story)."""
    if "story_id" not in articles.columns:
        stories = articles["id"]
    else:
        stories = articles["story_id"].fillna(articles["id"])
    chosen: np.ndarray[Any, Any] = stories.to_numpy()[rows]
    return chosen


def mentions_over_time(
    articles: pd.DataFrame, mentions: pd.DataFrame, frequency: Frequency = "day"
) -> pd.DataFrame:
    """Mentions and articles per period and company, for articles placeable at that grain.

    Columns: period (start of the day/week/month/year), company, mentions, articles.
    Articles whose date is unknown or coarser than ``frequency`` are left to
    ``unplaced_articles``, which counts them: none is silently dropped.
    """
    columns = ["period", "company", "mentions", "articles"]
    pairs, rows = _pairs_and_rows(articles, mentions)
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    joined = _with_period(pairs, rows, articles, frequency)
    if joined.empty:
        return pd.DataFrame(columns=columns)
    # One pair per (article, company): counting pairs counts articles (no nunique needed).
    # Each measure of one grouping rather than agg's named aggregation: the same frame for
    # less CPU (agg sets up a pass per name).
    grouped = joined.groupby(["period", "company"])["mention_count"]
    out = (
        pd.DataFrame({"mentions": grouped.sum(), "articles": grouped.size()})
        .reset_index()
        .sort_values(["period", "company"])
        .reset_index(drop=True)
    )
    return out


def _with_period(
    pairs: pd.DataFrame, rows: _Rows, articles: pd.DataFrame, frequency: Frequency
) -> pd.DataFrame:
    """The pairs of articles placeable at this grain, with their period's start.

    A positional lookup rather than a merge on the id strings (4 times faster at 1M pairs).
    """
    placeable = articles["date_precision"].isin(PLACEABLE[frequency]).to_numpy()
    periods = _period_start(articles["published"], frequency).to_numpy()
    found = placeable[rows]
    placed: pd.DataFrame = pairs[found].assign(period=periods[rows[found]])
    return placed


def unplaced_articles(
    articles: pd.DataFrame, mentions: pd.DataFrame, frequency: Frequency = "day"
) -> pd.DataFrame:
    """Articles with mentions that a chart of this grain cannot place, counted by reason.

    Columns: reason ("undated", "known to the month", "known to the year"), articles.
    """
    pairs = article_companies(articles, mentions)
    relevant = articles[isin(articles["id"], pairs["article_id"])]
    counts = (
        relevant["date_precision"]
        .value_counts(dropna=False)
        .rename_axis("date_precision")
        .reset_index(name="articles")
    )
    return unplaced_from_counts(counts, frequency)


def share_of_voice(articles: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Share of voice per company: articles and mentions, and each as a percentage.

    Columns: company, articles, stories (unique stories: republished copies count once),
    mentions, and share_articles, share_stories, share_mentions in percent, each summing to
    100 over companies whenever there is a mention.
    """
    pairs, rows = _pairs_and_rows(articles, mentions)
    if pairs.empty:
        return pd.DataFrame(columns=SHARE_COLUMNS)
    pairs = pairs.assign(story_id=_story_of_pairs(articles, rows))
    grouped = pairs.groupby("company")
    counts = pd.DataFrame(
        {
            "articles": grouped.size(),  # one pair per (article, company)
            "stories": grouped["story_id"].nunique(),
            "mentions": grouped["mention_count"].sum(),
        }
    ).reset_index()
    return share_from_counts(counts)


def _story_ids(articles: pd.DataFrame) -> pd.Series:
    """article id -> story id (an article without one is its own story)."""
    if "story_id" not in articles.columns:
        return pd.Series(articles["id"].to_numpy(), index=articles["id"])
    return pd.Series(articles["story_id"].fillna(articles["id"]).to_numpy(), index=articles["id"])


def stories(articles: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per story that mentions a company: its pickups (copies) and outlets.

    Columns: story_id, pickups, outlets (comma-separated, sorted), first_published,
    title (of the earliest copy), companies (comma-separated).
    """
    columns = STORY_COLUMNS
    pairs = article_companies(articles, mentions)
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    relevant = articles[isin(articles["id"], pairs["article_id"])].copy()
    relevant["story_id"] = relevant["id"].map(_story_ids(articles))
    companies = (
        pairs.assign(story_id=pairs["article_id"].map(_story_ids(articles)))
        .groupby("story_id")["company"]
        .agg(lambda names: ", ".join(sorted(set(names))))
    )
    ordered = relevant.sort_values(["published", "first_seen", "id"], na_position="last")
    grouped = ordered.groupby("story_id", sort=False)
    out = grouped.agg(
        pickups=("id", "size"),
        outlets=(
            "outlet",
            lambda names: ", ".join(sorted({n for n in names if isinstance(n, str)})),
        ),
        first_published=("published", "min"),
        title=("title", "first"),
    ).reset_index()
    out["companies"] = out["story_id"].map(companies)
    return out.sort_values(
        ["pickups", "first_published", "story_id"], ascending=[False, False, True]
    )[columns].reset_index(drop=True)


def coverage_listing(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    tones: pd.DataFrame | None = None,
    topics: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The articles that mention a company, newest first (undated last, then by id): the
    Coverage page's list.

    Columns: LISTING_COLUMNS; companies most mentioned first (then by name); tones: each
    company's tone in that order ("" for none; ``tones`` is company_tones' frame);
    topics sorted; mentions of the listed companies; pickups: the story's articles in
    the list.
    """
    pairs = article_companies(articles, mentions)
    if pairs.empty:
        return pd.DataFrame(columns=LISTING_COLUMNS)
    ranked = pairs.sort_values(["mention_count", "company"], ascending=[False, True])
    if tones is not None and not tones.empty:
        ranked = ranked.merge(
            tones[["article_id", "company", "tone"]], on=["article_id", "company"], how="left"
        )
    else:
        ranked = ranked.assign(tone=None)
    ranked["tone"] = ranked["tone"].fillna("").astype(str)
    listing = articles[isin(articles["id"], pairs["article_id"])].copy()
    listing["story_id"] = listing["id"].map(_story_ids(articles))
    per_article = ranked.groupby("article_id", sort=False)
    listing["companies"] = listing["id"].map(per_article["company"].agg(", ".join))
    listing["tones"] = listing["id"].map(per_article["tone"].agg(", ".join))
    named = article_topics(topics) if topics is not None else pd.Series(dtype=object)
    listing["topics"] = listing["id"].map(named).astype(object).fillna("")
    listing["mentions"] = listing["id"].map(pairs.groupby("article_id")["mention_count"].sum())
    listing["pickups"] = listing["story_id"].map(listing["story_id"].value_counts())
    listing = listing.sort_values(["published", "id"], ascending=[False, True], na_position="last")
    return listing[LISTING_COLUMNS].reset_index(drop=True)


def undated_listing(articles: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """The undated articles that mention a company, latest collected first (then by id).

    Columns: UNDATED_COLUMNS.
    """
    relevant = articles[isin(articles["id"], mentions["article_id"])]
    undated = relevant[relevant["published"].isna()]
    undated = undated.sort_values(["first_seen", "id"], ascending=[False, True])
    return undated[UNDATED_COLUMNS].reset_index(drop=True)


def tone_over_time(
    articles: pd.DataFrame,
    tones: pd.DataFrame,
    frequency: Frequency = "month",
    corrections: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Articles per period, company and tone, with the shares of positive and negative ones.

    Columns: period, company, positive, neutral, negative (counts), total, positive_share
    and negative_share (percent; NaN below MIN_ARTICLES_FOR_TONE_SHARE articles).
    """
    columns = TONE_TABLE_COLUMNS
    toned = company_tones(tones, corrections)
    if toned.empty:
        return pd.DataFrame(columns=columns)
    dated = articles[articles["date_precision"].isin(PLACEABLE[frequency])]
    dated = dated.assign(period=_period_start(dated["published"], frequency))
    joined = toned.merge(dated[["id", "period"]], left_on="article_id", right_on="id")
    if joined.empty:
        return pd.DataFrame(columns=columns)
    return tone_table(joined.groupby(["period", "company", "tone"]).size())


def article_topics(topics: pd.DataFrame) -> pd.Series:
    """article id -> its topics, comma-separated and sorted."""
    if topics.empty:
        return pd.Series(dtype=object)
    return topics.groupby("article_id")["topic"].agg(lambda t: ", ".join(sorted(set(t))))


def choose_frequency(articles: pd.DataFrame) -> Frequency:
    """A readable grain for the dated articles: days for a few weeks, months for years."""
    dated = articles.loc[articles["date_precision"].isin(PLACEABLE["day"]), "published"]
    return frequency_of_dates(dated, bool(articles["date_precision"].isin(["month"]).any()))


def topics_over_time(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    topics: pd.DataFrame,
    frequency: Frequency = "month",
) -> pd.DataFrame:
    """Articles per period, company and topic (an article counts once per topic).

    Columns: period, company, topic, articles.
    """
    columns = ["period", "company", "topic", "articles"]
    pairs = article_companies(articles, mentions)
    if pairs.empty or topics.empty:
        return pd.DataFrame(columns=columns)
    dated = articles[articles["date_precision"].isin(PLACEABLE[frequency])]
    dated = dated.assign(period=_period_start(dated["published"], frequency))
    per_pair = topics[["article_id", "company", "topic"]].drop_duplicates()
    joined = (
        pairs[["article_id", "company"]]
        .merge(per_pair, on=["article_id", "company"])
        .merge(dated[["id", "period"]], left_on="article_id", right_on="id")
    )
    if joined.empty:
        return pd.DataFrame(columns=columns)
    return (
        joined.groupby(["period", "company", "topic"])["article_id"]
        .nunique()
        .rename("articles")
        .reset_index()
        .sort_values(["period", "company", "articles"], ascending=[True, True, False])
        .reset_index(drop=True)
    )


def topic_counts(
    articles: pd.DataFrame, mentions: pd.DataFrame, topics: pd.DataFrame
) -> pd.DataFrame:
    """Articles per company and topic over the whole frame (dated or not).

    Columns: company, topic, articles.
    """
    pairs = article_companies(articles, mentions)
    if pairs.empty or topics.empty:
        return pd.DataFrame(columns=["company", "topic", "articles"])
    per_pair = topics[["article_id", "company", "topic"]].drop_duplicates()
    joined = pairs[["article_id", "company"]].merge(per_pair, on=["article_id", "company"])
    counted = joined.groupby(["company", "topic"])["article_id"].nunique().rename("articles")
    return rank_topic_counts(counted.reset_index())


def top_outlets(
    articles: pd.DataFrame, mentions: pd.DataFrame, by: str = "outlet", top: int = 10
) -> pd.DataFrame:
    """The outlets (or authors, with ``by="author"``) with most articles per company.

    Columns: company, <by>, articles, stories. Unknown outlets or authors are counted as
    UNKNOWN_OUTLET.
    """
    columns = ["company", by, "articles", "stories"]
    pairs, rows = _pairs_and_rows(articles, mentions)
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    joined = pairs.assign(
        **{by: _column_of_pairs(articles, rows, by)}, story_id=_story_of_pairs(articles, rows)
    )
    joined[by] = joined[by].fillna(UNKNOWN_OUTLET)
    grouped = joined.groupby(["company", by])
    counted = (
        pd.DataFrame({"articles": grouped.size(), "stories": grouped["story_id"].nunique()})
        .reset_index()
        .sort_values(["company", "articles", by], ascending=[True, False, True])
    )
    return counted.groupby("company").head(top).reset_index(drop=True)[columns]


def prominence(mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions per company in titles, leads and bodies. Columns: company, title, lead, body."""
    if mentions.empty:
        return pd.DataFrame(columns=["company", "title", "lead", "body"])
    return prominence_from_counts(mentions.groupby(["company", "prominence"]).size())


def daily_counts(articles: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions and articles per day and company, every day of the span (zeros included).

    Only articles dated to the day or better are placed. Columns: day, company, mentions,
    articles.
    """
    return fill_days(mentions_over_time(articles, mentions, "day"))


def spikes(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    window: int = 14,
    threshold: float = 3.5,
    minimum: int = 3,
) -> pd.DataFrame:
    """Days whose mentions stand well above the company's rolling baseline.

    The baseline is the median of the ``window`` days before (zeros included) and the
    spread their median absolute deviation (MAD, scaled by 1.4826, at least 1 mention);
    a day is a spike when its robust z-score reaches ``threshold`` and it has at least
    ``minimum`` mentions. Columns: company, day, mentions, articles, baseline, z,
    article_ids (the articles that drove it).
    """
    columns = ["company", "day", "mentions", "articles", "baseline", "z", "article_ids"]
    out = detect_spikes(daily_counts(articles, mentions), window, threshold, minimum)
    if out.empty:
        return pd.DataFrame(columns=columns)
    pairs = _with_period(*_pairs_and_rows(articles, mentions), articles, "day")
    # Only the spike days' articles are listed: a handful of days, not the whole span.
    wanted = pd.MultiIndex.from_frame(out[["company", "day"]])
    spiking = wanted.get_indexer(pd.MultiIndex.from_arrays([pairs["company"], pairs["period"]]))
    pairs = pairs[spiking >= 0].rename(columns={"period": "day"})
    # Each spike's articles in the order they appeared (then by id), as the database
    # lists them (Store.articles_of_days).
    behind = articles[isin(articles["id"], pairs["article_id"])]
    order = {
        article_id: position
        for position, article_id in enumerate(behind.sort_values(["published", "id"])["id"])
    }
    drivers = pairs.groupby(["company", "day"])["article_id"].agg(list)
    out["article_ids"] = [
        sorted(drivers.get((c, d), []), key=order.__getitem__)
        for c, d in zip(out["company"], out["day"], strict=True)
    ]
    out["articles"] = out["article_ids"].map(len)
    return out[columns].sort_values(["day", "company"]).reset_index(drop=True)


def _period_from_frames(
    frames: Frames, corrections: pd.DataFrame, focus: list[str] | None = None
) -> PeriodFigures:
    toned = company_tones(frames.tones, corrections)
    tones = (
        toned.groupby(["company", "tone"]).size().reset_index(name="articles")
        if not toned.empty
        else pd.DataFrame(columns=TONE_COLUMNS)
    )
    relevant = isin(frames.articles["id"], frames.mentions["article_id"])
    several = tuple(focus or ()) if len(focus or ()) > 1 else ()
    own = toned[toned["company"].isin(several)] if several else toned[:0]
    return PeriodFigures(
        articles=int(relevant.sum()),
        mentions=len(frames.mentions),
        share=share_of_voice(frames.articles, frames.mentions),
        tones=tones,
        focus=several,
        # Each article once, whichever of the focus's companies its tone is towards.
        focus_tones=(
            own.loc[own["tone"] == "positive", "article_id"].nunique(),
            own.loc[own["tone"] == "negative", "article_id"].nunique(),
            own["article_id"].nunique(),
            # Positive towards one of them and negative towards another.
            len(
                set(own.loc[own["tone"] == "positive", "article_id"])
                & set(own.loc[own["tone"] == "negative", "article_id"])
            ),
        ),
    )


def tracked_outlets(
    articles: pd.DataFrame, mentions: pd.DataFrame, tracked: list[str], top: int = 10
) -> pd.DataFrame:
    """The outlets of the tracked companies' articles, each article once whichever of them
    it names, most first. Columns: outlet, articles, stories."""
    own = mentions[mentions["company"].isin(tracked)].drop_duplicates("article_id")
    counted = top_outlets(articles, own.assign(company=""), top=top)
    return counted[["outlet", "articles", "stories"]]


def overview(
    everything: Frames, filters: Filters, tracked: list[str], *, view: Frames | None = None
) -> Overview:
    """The overview computed in pandas from every stored row (``view``: already filtered)."""
    view = view if view is not None else apply_filters(filters, everything)
    corrections = everything.corrections
    earlier = filters.previous()
    previous = (
        _period_from_frames(apply_filters(earlier, everything), corrections, tracked)
        if earlier
        else None
    )
    articles, mentions = view.articles, view.mentions
    relevant = articles[isin(articles["id"], mentions["article_id"])]
    frequency = choose_frequency(relevant)
    found = (
        spikes(articles, mentions)
        if frequency == "day"
        else pd.DataFrame(columns=["company", "day", "mentions", "articles", "article_ids"])
    )
    behind = {a for ids in found["article_ids"] for a in ids}
    shown = articles[isin(articles["id"], behind)] if behind else articles[:0]
    undated = 0
    if filters.start is not None or filters.end is not None:
        unbounded = apply_filters(replace(filters, start=None, end=None), everything)
        placed = isin(unbounded.articles["id"], unbounded.mentions["article_id"])
        undated = int((placed & unbounded.articles["published"].isna().to_numpy()).sum())
    return Overview(
        current=_period_from_frames(view, corrections, tracked),
        previous=previous,
        outlets=tracked_outlets(articles, mentions, tracked),
        frequency=frequency,
        timeline=fill_periods(
            mentions_over_time(articles, mentions, frequency), frequency, filters.start, filters.end
        ),
        tone_timeline=tone_over_time(articles, view.tones, frequency, corrections),
        spikes=found,
        titles={str(k): str(v) for k, v in zip(shown["id"], shown["title"], strict=True)},
        unplaced=unplaced_articles(articles, mentions, frequency),
        undated=undated,
    )


def _period_start(published: pd.Series, frequency: Frequency) -> pd.Series:
    naive = published.dt.tz_convert("UTC").dt.tz_localize(None)
    starts: pd.Series = naive.dt.to_period(_PANDAS_PERIOD[frequency]).dt.start_time
    return starts

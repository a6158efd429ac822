"""Pure pandas functions: stored articles and mentions in, the figures of a media report out.

No Streamlit and no SQL here. ``articles`` is ``Store.articles_frame()`` (one row per
article, ``published`` in UTC, ``date_precision`` one of datetime/day/month/year or None);
``mentions`` is ``Store.mentions_frame()`` (one row per mention).
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from presswatch.analysis import nlp
from presswatch.models import UNKNOWN_OUTLET

Frequency = Literal["day", "week", "month", "year"]

_PANDAS_PERIOD = {"day": "D", "week": "W-MON", "month": "M", "year": "Y"}
# Which date precisions can be placed on a chart of each granularity: an article known to
# the month cannot be put on a given day, but it has its place on a monthly chart.
_PLACEABLE = {
    "day": {"datetime", "day"},
    "week": {"datetime", "day"},
    "month": {"datetime", "day", "month"},
    "year": {"datetime", "day", "month", "year"},
}


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


PROMINENCE_RANK = {"title": 0, "lead": 1, "body": 2}


# The (article, company) pairs of the last few frames seen: every figure of a page starts
# from them, and computing them is most of a figure's cost (0.8 s at 1M mentions,
# bench/bench_analytics.py). Keyed by the frames' identity, checked through weak
# references; frames are never modified in place (Frames is frozen, pandas copy-on-write).
_Rows = np.ndarray[Any, np.dtype[np.intp]]
_PAIRS_CACHE: OrderedDict[
    tuple[int, int],
    tuple[weakref.ref[pd.DataFrame], weakref.ref[pd.DataFrame], pd.DataFrame, _Rows],
] = OrderedDict()
_PAIRS_CACHE_SIZE = 8


def clear_cache() -> None:
    """Forget the (article, company) pairs computed so far (benchmarks start cold)."""
    _PAIRS_CACHE.clear()


def article_companies(articles: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per (article, company) mentioned: counts, best prominence, first sentence.

    The evidence is the sentence of the most prominent mention (title, then lead, then
    body; earliest first). Mentions of articles not in ``articles`` are left out. Computed
    once per pair of frames and shared by the figures that follow.
    """
    return _pairs_and_rows(articles, mentions)[0]


def _pairs_and_rows(articles: pd.DataFrame, mentions: pd.DataFrame) -> tuple[pd.DataFrame, _Rows]:
    """The pairs, and for each the position of its article in ``articles``: figures look
    article columns up by position instead of joining on the id strings."""
    key = (id(articles), id(mentions))
    hit = _PAIRS_CACHE.get(key)
    if hit is not None and hit[0]() is articles and hit[1]() is mentions:
        _PAIRS_CACHE.move_to_end(key)
        return hit[2].copy(deep=False), hit[3]
    pairs, rows = _article_companies(articles, mentions)
    rows.flags.writeable = False  # shared by every caller
    _PAIRS_CACHE[key] = (weakref.ref(articles), weakref.ref(mentions), pairs, rows)
    while len(_PAIRS_CACHE) > _PAIRS_CACHE_SIZE:
        _PAIRS_CACHE.popitem(last=False)
    return pairs.copy(deep=False), rows


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


def _period_start(published: pd.Series, frequency: Frequency) -> pd.Series:
    naive = published.dt.tz_convert("UTC").dt.tz_localize(None)
    starts: pd.Series = naive.dt.to_period(_PANDAS_PERIOD[frequency]).dt.start_time
    return starts


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
    out = (
        joined.groupby(["period", "company"])
        .agg(mentions=("mention_count", "sum"), articles=("article_id", "size"))
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
    placeable = articles["date_precision"].isin(_PLACEABLE[frequency]).to_numpy()
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


def unplaced_from_counts(counts: pd.DataFrame, frequency: Frequency = "day") -> pd.DataFrame:
    """unplaced_articles from articles per date precision (aggregates.article_counts).

    Columns: reason, articles.
    """
    unplaced = counts[~counts["date_precision"].isin(_PLACEABLE[frequency])]
    reasons = (
        unplaced["date_precision"]
        .map({"month": "known to the month", "year": "known to the year"})
        .fillna("undated")
    )
    out = (
        pd.DataFrame({"reason": reasons, "articles": unplaced["articles"].astype("int64")})
        .groupby("reason", as_index=False)["articles"]
        .sum()
    )
    out = out[out["articles"] > 0]
    result: pd.DataFrame = out.sort_values("reason").reset_index(drop=True)
    return result[["reason", "articles"]]


SHARE_COLUMNS = [
    "company",
    "articles",
    "stories",
    "mentions",
    "share_articles",
    "share_stories",
    "share_mentions",
]


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
    counts = (
        pairs.groupby("company")
        .agg(
            articles=("article_id", "size"),  # one pair per (article, company)
            stories=("story_id", "nunique"),
            mentions=("mention_count", "sum"),
        )
        .reset_index()
    )
    return share_from_counts(counts)


def share_from_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Shares of voice from articles, stories and mentions per company (as share_of_voice,
    whose columns it returns, from counts grouped elsewhere: aggregates.company_counts)."""
    if counts.empty:
        return pd.DataFrame(columns=SHARE_COLUMNS)
    out = counts.copy()
    for column in ("articles", "stories", "mentions"):
        out[f"share_{column}"] = 100.0 * out[column] / out[column].sum()
    out = out[SHARE_COLUMNS]
    return out.sort_values(["mentions", "company"], ascending=[False, True]).reset_index(drop=True)


def _story_ids(articles: pd.DataFrame) -> pd.Series:
    """article id -> story id (an article without one is its own story)."""
    if "story_id" not in articles.columns:
        return pd.Series(articles["id"].to_numpy(), index=articles["id"])
    return pd.Series(articles["story_id"].fillna(articles["id"]).to_numpy(), index=articles["id"])


STORY_COLUMNS = ["story_id", "pickups", "outlets", "first_published", "title", "companies"]


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


LISTING_COLUMNS = [
    "id",
    "published",
    "date_precision",
    "outlet",
    "title",
    "language",
    "story_id",
    "companies",
    "tones",
    "topics",
    "mentions",
    "pickups",
]


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


UNDATED_COLUMNS = ["id", "outlet", "title", "source"]


def undated_listing(articles: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """The undated articles that mention a company, latest collected first (then by id).

    Columns: UNDATED_COLUMNS.
    """
    relevant = articles[isin(articles["id"], mentions["article_id"])]
    undated = relevant[relevant["published"].isna()]
    undated = undated.sort_values(["first_seen", "id"], ascending=[False, True])
    return undated[UNDATED_COLUMNS].reset_index(drop=True)


def company_tones(tones: pd.DataFrame, corrections: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tone per (article, company): the model's, unless a person corrected it (the latest wins).

    Columns: article_id, company, tone_score, tone, evidence, corrected (bool), corrected_by.
    """
    columns = [
        "article_id",
        "company",
        "tone_score",
        "tone",
        "evidence",
        "corrected",
        "corrected_by",
    ]
    if tones.empty:
        return pd.DataFrame(columns=columns)
    out = tones.rename(columns={"score": "tone_score", "label": "tone"}).copy()
    out["corrected"] = False
    out["corrected_by"] = None
    if corrections is not None and not corrections.empty:
        per_company = corrections[corrections["company"].notna() & corrections["field"].isna()]
        latest = per_company.drop_duplicates(["article_id", "company"], keep="last")
        merged = out.merge(
            latest[["article_id", "company", "label", "author"]],
            on=["article_id", "company"],
            how="left",
        )
        fixed = merged["label"].notna()
        merged.loc[fixed, "tone"] = merged.loc[fixed, "label"]
        merged.loc[fixed, "corrected"] = True
        merged.loc[fixed, "corrected_by"] = merged.loc[fixed, "author"]
        out = merged
    return out[columns].reset_index(drop=True)


def tone_over_time(
    articles: pd.DataFrame,
    tones: pd.DataFrame,
    frequency: Frequency = "month",
    corrections: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Shares of positive, neutral and negative articles per period and company, and net tone.

    Columns: period, company, positive, neutral, negative (counts), total, net_tone
    ((positive - negative) / total, in [-1, 1]).
    """
    columns = TONE_TABLE_COLUMNS
    toned = company_tones(tones, corrections)
    if toned.empty:
        return pd.DataFrame(columns=columns)
    dated = articles[articles["date_precision"].isin(_PLACEABLE[frequency])]
    dated = dated.assign(period=_period_start(dated["published"], frequency))
    joined = toned.merge(dated[["id", "period"]], left_on="article_id", right_on="id")
    if joined.empty:
        return pd.DataFrame(columns=columns)
    return _tone_table(joined.groupby(["period", "company", "tone"]).size())


TONE_TABLE_COLUMNS = ["period", "company", "positive", "neutral", "negative", "total", "net_tone"]


def _tone_table(counts: pd.Series) -> pd.DataFrame:
    """Articles per (period, company, tone) as tone_over_time's table, net tone added."""
    table = counts.unstack("tone", fill_value=0)
    for label in ("positive", "neutral", "negative"):
        if label not in table.columns:
            table[label] = 0
    table = table.reset_index()
    table["total"] = table[["positive", "neutral", "negative"]].sum(axis=1)
    table["net_tone"] = (table["positive"] - table["negative"]) / table["total"]
    return table[TONE_TABLE_COLUMNS].sort_values(["period", "company"]).reset_index(drop=True)


def article_topics(topics: pd.DataFrame) -> pd.Series:
    """article id -> its topics, comma-separated and sorted."""
    if topics.empty:
        return pd.Series(dtype=object)
    return topics.groupby("article_id")["topic"].agg(lambda t: ", ".join(sorted(set(t))))


def choose_frequency(articles: pd.DataFrame) -> Frequency:
    """A readable grain for the dated articles: days for a few weeks, months for years."""
    dated = articles.loc[articles["date_precision"].isin(_PLACEABLE["day"]), "published"]
    return _frequency(dated, bool(articles["date_precision"].isin(["month"]).any()))


def frequency_from_daily(daily: pd.DataFrame) -> Frequency:
    """choose_frequency for daily counts (aggregates.daily_counts) instead of articles."""
    dated = daily.loc[daily["date_precision"].isin(_PLACEABLE["day"]), "day"]
    return _frequency(dated, bool(daily["date_precision"].isin(["month"]).any()))


def _frequency(dated: pd.Series, known_to_the_month: bool) -> Frequency:
    if known_to_the_month and dated.empty:
        return "month"
    if dated.empty:
        return "day"
    span = dated.max() - dated.min()
    if span > pd.Timedelta(days=730):
        return "month"
    if span > pd.Timedelta(days=120):
        return "week"
    return "day"


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
    dated = articles[articles["date_precision"].isin(_PLACEABLE[frequency])]
    dated = dated.assign(period=_period_start(dated["published"], frequency))
    per_article = topics[["article_id", "topic"]].drop_duplicates()
    joined = (
        pairs[["article_id", "company"]]
        .merge(per_article, on="article_id")
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
    per_article = topics[["article_id", "topic"]].drop_duplicates()
    joined = pairs[["article_id", "company"]].merge(per_article, on="article_id")
    counted = joined.groupby(["company", "topic"])["article_id"].nunique().rename("articles")
    return rank_topic_counts(counted.reset_index())


def rank_topic_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Topic counts (company, topic, articles) by company, then most articles first, then
    topic: topic_counts' order, for counts grouped by the database too."""
    ordered = counts.sort_values(["company", "topic"])
    ranked = ordered.sort_values(["company", "articles"], ascending=[True, False], kind="stable")
    return ranked.reset_index(drop=True)[["company", "topic", "articles"]]


def topics_from_daily(daily: pd.DataFrame, frequency: Frequency = "month") -> pd.DataFrame:
    """topics_over_time from articles per day, precision, company and topic
    (aggregates.daily_topics): the same columns and the same placeable articles."""
    columns = ["period", "company", "topic", "articles"]
    placed = daily[daily["date_precision"].isin(_PLACEABLE[frequency])]
    if placed.empty:
        return pd.DataFrame(columns=columns)
    period = placed["day"].dt.to_period(_PANDAS_PERIOD[frequency]).dt.start_time
    counted = placed.assign(period=period).groupby(["period", "company", "topic"])["articles"]
    return (
        counted.sum()
        .reset_index()
        .sort_values(["period", "company", "articles"], ascending=[True, True, False])
        .reset_index(drop=True)[columns]
    )


def emerging_terms(current: pd.Series, previous: pd.Series, top: int = 20) -> pd.DataFrame:
    """Words and two-word phrases whose use rose most from ``previous`` texts to ``current``.

    Weighted log-odds with an informative Dirichlet prior (Monroe et al., 2008) over counts
    from scikit-learn's CountVectorizer, French and English function words left out; a term
    needs two articles in the current period. Columns: term, current, previous (counts),
    z (how surely it rose; above 2 is notable).
    """
    from sklearn.feature_extraction.text import CountVectorizer

    columns = ["term", "current", "previous", "z"]
    texts_now = [t for t in current.dropna().astype(str) if t.strip()]
    texts_before = [t for t in previous.dropna().astype(str) if t.strip()]
    if len(texts_now) < 2:
        return pd.DataFrame(columns=columns)
    vectorizer = CountVectorizer(
        ngram_range=(1, 2),
        stop_words=sorted(stop_words()),
        token_pattern=r"(?u)\b[^\W\d_][\w-]+\b",  # noqa: S106 - a regex, not a password
        min_df=2,
        strip_accents=None,
        lowercase=True,
    )
    try:
        matrix = vectorizer.fit_transform(texts_now + texts_before)
    except ValueError:  # no term left (every word a stop word, or too few texts)
        return pd.DataFrame(columns=columns)

    if matrix.shape[1] < 2:
        # A term's log-odds are against every other term: with one term there is none.
        return pd.DataFrame(columns=columns)
    split = len(texts_now)
    now = np.asarray(matrix[:split].sum(axis=0)).ravel().astype(float)
    before = np.asarray(matrix[split:].sum(axis=0)).ravel().astype(float)
    in_articles_now = np.asarray((matrix[:split] > 0).sum(axis=0)).ravel()
    prior = now + before + 0.01
    total_now, total_before, total_prior = now.sum(), before.sum(), prior.sum()
    log_odds_now = np.log((now + prior) / (total_now + total_prior - now - prior))
    log_odds_before = np.log((before + prior) / (total_before + total_prior - before - prior))
    variance = 1.0 / (now + prior) + 1.0 / (before + prior)
    z = (log_odds_now - log_odds_before) / np.sqrt(variance)
    terms = vectorizer.get_feature_names_out()
    frame = pd.DataFrame(
        {"term": terms, "current": now.astype(int), "previous": before.astype(int), "z": z}
    )
    frame = frame[(in_articles_now >= 2) & (frame["z"] > 0)]
    return frame.sort_values("z", ascending=False).head(top).reset_index(drop=True)


def stop_words() -> frozenset[str]:
    """French and English function words (the French list ships with presswatch)."""
    from importlib.resources import files

    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    text = files(nlp).joinpath("data/stopwords_fr.txt").read_text(encoding="utf-8")
    french = {
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    }
    english: frozenset[str] = frozenset(ENGLISH_STOP_WORDS)
    return frozenset(french) | english


def period_change(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Per company, articles and mentions now and in the period before, and their change.

    Takes two share-of-voice frames (``share_of_voice`` of the period and of the one
    before). Columns: company, articles, previous_articles, change_articles (percent, NaN
    when there was nothing before), mentions, previous_mentions, change_mentions.
    """
    columns = [
        "company",
        "articles",
        "previous_articles",
        "change_articles",
        "mentions",
        "previous_mentions",
        "change_mentions",
    ]
    now = (
        current[["company", "articles", "mentions"]]
        if not current.empty
        else pd.DataFrame(columns=["company", "articles", "mentions"])
    )
    before = (
        previous[["company", "articles", "mentions"]]
        if not previous.empty
        else pd.DataFrame(columns=["company", "articles", "mentions"])
    )
    merged = now.merge(before, on="company", how="outer", suffixes=("", "_before")).fillna(0)
    if merged.empty:
        return pd.DataFrame(columns=columns)
    merged = merged.rename(
        columns={"articles_before": "previous_articles", "mentions_before": "previous_mentions"}
    )
    for column in ("articles", "mentions"):
        merged[column] = merged[column].astype(int)
        merged[f"previous_{column}"] = merged[f"previous_{column}"].astype(int)
        before_values = merged[f"previous_{column}"].where(merged[f"previous_{column}"] > 0)
        merged[f"change_{column}"] = 100.0 * (merged[column] - before_values) / before_values
    return merged[columns].sort_values("company").reset_index(drop=True)


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
    counted = (
        joined.groupby(["company", by])
        .agg(articles=("article_id", "size"), stories=("story_id", "nunique"))
        .reset_index()
        .sort_values(["company", "articles", by], ascending=[True, False, True])
    )
    return counted.groupby("company").head(top).reset_index(drop=True)[columns]


def prominence(mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions per company in titles, leads and bodies. Columns: company, title, lead, body."""
    if mentions.empty:
        return pd.DataFrame(columns=["company", "title", "lead", "body"])
    return prominence_from_counts(mentions.groupby(["company", "prominence"]).size())


def prominence_from_counts(counts: pd.Series) -> pd.DataFrame:
    """prominence from mentions counted per (company, prominence) (aggregates.py)."""
    if counts.empty:
        return pd.DataFrame(columns=["company", "title", "lead", "body"])
    table = counts.unstack("prominence", fill_value=0)
    for place in ("title", "lead", "body"):
        if place not in table.columns:
            table[place] = 0
    return table[["title", "lead", "body"]].reset_index()


def timeline_from_daily(daily: pd.DataFrame, frequency: Frequency = "day") -> pd.DataFrame:
    """mentions_over_time from daily counts per date precision (aggregates.daily_counts):
    the same columns (period, company, mentions, articles), the same placeable articles."""
    columns = ["period", "company", "mentions", "articles"]
    placed = daily[daily["date_precision"].isin(_PLACEABLE[frequency])]
    if placed.empty:
        return pd.DataFrame(columns=columns)
    period = placed["day"].dt.to_period(_PANDAS_PERIOD[frequency]).dt.start_time
    out = (
        placed.assign(period=period)
        .groupby(["period", "company"])[["mentions", "articles"]]
        .sum()
        .reset_index()
        .sort_values(["period", "company"])
        .reset_index(drop=True)
    )
    return out[columns]


def tone_from_daily(daily_tones: pd.DataFrame, frequency: Frequency = "month") -> pd.DataFrame:
    """tone_over_time from articles per day, company, precision and tone
    (aggregates.daily_tones): the same columns, the same placeable articles."""
    placed = daily_tones[daily_tones["date_precision"].isin(_PLACEABLE[frequency])]
    if placed.empty:
        return pd.DataFrame(columns=TONE_TABLE_COLUMNS)
    period = placed["day"].dt.to_period(_PANDAS_PERIOD[frequency]).dt.start_time
    return _tone_table(
        placed.assign(period=period).groupby(["period", "company", "tone"])["articles"].sum()
    )


def daily_counts(articles: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions and articles per day and company, every day of the span (zeros included).

    Only articles dated to the day or better are placed. Columns: day, company, mentions,
    articles.
    """
    return fill_days(mentions_over_time(articles, mentions, "day"))


def fill_days(timeline: pd.DataFrame) -> pd.DataFrame:
    """A daily timeline (period, company, mentions, articles) with every day of its span
    for every company, zeros included. Columns: day, company, mentions, articles."""
    if timeline.empty:
        return pd.DataFrame(columns=["day", "company", "mentions", "articles"])
    days = pd.date_range(timeline["period"].min(), timeline["period"].max(), freq="D")
    full = pd.MultiIndex.from_product(
        [days, sorted(timeline["company"].unique())], names=["day", "company"]
    )
    filled = (
        timeline.rename(columns={"period": "day"})
        .set_index(["day", "company"])
        .reindex(full, fill_value=0)
        .reset_index()
    )
    return filled


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
    # lists them (aggregates.articles_of_days).
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


def detect_spikes(
    daily: pd.DataFrame, window: int = 14, threshold: float = 3.5, minimum: int = 3
) -> pd.DataFrame:
    """The spike days of a filled daily series (fill_days), as ``spikes`` finds them,
    without the articles behind them. Columns: company, day, mentions, baseline, z."""
    columns = ["company", "day", "mentions", "baseline", "z"]
    if daily.empty:
        return pd.DataFrame(columns=columns)
    found = []
    for company, series in daily.groupby("company"):
        counts = series.set_index("day")["mentions"].astype(float)
        values = counts.to_numpy(dtype=np.float64)
        centre, spread = _rolling_median_mad(values, window, window // 2)
        scale = np.clip(1.4826 * spread, 1.0, None)
        z = pd.Series((values - centre) / scale, index=counts.index)
        baseline = pd.Series(centre, index=counts.index)
        for day in counts.index[(z >= threshold) & (counts >= minimum)]:
            found.append((company, day, int(counts[day]), float(baseline[day]), float(z[day])))
    out = pd.DataFrame(found, columns=columns)
    return out.sort_values(["day", "company"]).reset_index(drop=True)


def _rolling_median_mad(
    counts: np.ndarray[Any, Any], window: int, min_periods: int
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Median and median absolute deviation of the ``window`` values before each one.

    NaN where fewer than ``min_periods`` values precede. All windows at once with numpy
    (a Python function per window took 1.5 s over two years of six companies).
    """
    padded = np.concatenate([np.full(window, np.nan), counts.astype(float)])
    history = np.lib.stride_tricks.sliding_window_view(padded, window)[: len(counts)]
    enough = np.count_nonzero(~np.isnan(history), axis=1) >= min_periods
    median = np.full(len(counts), np.nan)
    spread = np.full(len(counts), np.nan)
    if enough.any():
        chosen = history[enough]
        centre = np.nanmedian(chosen, axis=1)
        median[enough] = centre
        spread[enough] = np.nanmedian(np.abs(chosen - centre[:, None]), axis=1)
    return median, spread


def coverage_gaps(
    events: pd.DataFrame, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Periods when a source was failing, so a dip in coverage is not read as silence.

    A gap runs from a source's first failed collection after a success (or its first
    collection) to its next success (open, ``end`` NaT, while it still fails). Columns:
    source, start, end, failures, error (the last one).
    """
    columns = ["source", "start", "end", "failures", "error"]
    if events.empty:
        return pd.DataFrame(columns=columns)
    gaps = []
    for source, history in events.sort_values("at").groupby("source"):
        current: list[Any] | None = None
        for row in history.itertuples():
            if not row.ok:
                if current is None:
                    current = [source, row.at, pd.NaT, 0, row.error]
                current[3] += 1
                current[4] = row.error
            elif current is not None:
                current[2] = row.at
                gaps.append(current)
                current = None
        if current is not None:
            gaps.append(current)
    out = pd.DataFrame(gaps, columns=columns)
    out["start"] = pd.to_datetime(out["start"], utc=True)
    out["end"] = pd.to_datetime(out["end"], utc=True)
    if start is not None:
        out = out[out["end"].isna() | (out["end"] >= start)]
    if end is not None:
        out = out[out["start"] <= end]
    return out.sort_values(["start", "source"]).reset_index(drop=True)

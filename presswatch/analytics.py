"""The analytics layer: pandas finishes the rows the database grouped.

The store groups (per day, company, precision, tone, outlet, topic: presswatch.store's
figures); these pure functions turn those grouped rows into the figures of a media report:
timelines at a readable grain, shares of voice, tone tables, spikes (median/MAD), changes
against the previous period, emerging terms, coverage gaps. No Streamlit and no SQL here,
and never every mention: each input is already grouped. tests/oracle.py computes the same
figures from every row, for the tests.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import pandas as pd
from babel import Locale
from babel.dates import get_day_names, get_month_names

from presswatch.analysis import nlp
from presswatch.analysis.nlp.furniture import strip_furniture
from presswatch.analysis.nlp.html import html_to_text
from presswatch.analysis.nlp.lexicon import (
    COMMON_WORD_LANGUAGES,
    is_german_common_noun,
    is_proper_noun,
    is_word,
    lemmatize,
)

Frequency = Literal["day", "week", "month", "year"]

_PANDAS_PERIOD = {"day": "D", "week": "W-MON", "month": "M", "year": "Y"}
# Which date precisions can be placed on a chart of each granularity: an article known to
# the month cannot be put on a given day, but it has its place on a monthly chart.
PLACEABLE = {
    "day": {"datetime", "day"},
    "week": {"datetime", "day"},
    "month": {"datetime", "day", "month"},
    "year": {"datetime", "day", "month", "year"},
}


PROMINENCE_RANK = {"title": 0, "lead": 1, "body": 2}


def unplaced_from_counts(counts: pd.DataFrame, frequency: Frequency = "day") -> pd.DataFrame:
    """unplaced_articles from articles per date precision (Store.article_counts).

    Columns: reason, articles.
    """
    unplaced = counts[~counts["date_precision"].isin(PLACEABLE[frequency])]
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


def share_from_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Shares of voice from articles, stories and mentions per company (as share_of_voice,
    whose columns it returns, from counts grouped elsewhere: Store.company_counts)."""
    if counts.empty:
        return pd.DataFrame(columns=SHARE_COLUMNS)
    out = counts.copy()
    for column in ("articles", "stories", "mentions"):
        out[f"share_{column}"] = 100.0 * out[column] / out[column].sum()
    out = out[SHARE_COLUMNS]
    # Articles first: a comms team counts articles ("retombées"), and one piece naming a
    # company twenty times is still one article.
    ranked = out.sort_values(["articles", "mentions", "company"], ascending=[False, False, True])
    return ranked.reset_index(drop=True)


# The normal quantile of a two-sided 95% interval.
Z_95 = 1.959963984540054


def wilson_interval(right: int, reviewed: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion right / reviewed (95% by default); None
    when nothing was reviewed.

    Unlike the normal approximation it stays within [0, 1] and is not zero-wide at 10 of
    10: a small sample gives the wide interval it deserves.
    """
    if reviewed <= 0:
        return None
    if not 0 <= right <= reviewed:
        raise ValueError(f"{right} right of {reviewed} reviewed is not a proportion")
    share = right / reviewed
    square = z * z
    denominator = 1 + square / reviewed
    center = (share + square / (2 * reviewed)) / denominator
    half = z * math.sqrt(share * (1 - share) / reviewed + square / (4 * reviewed**2))
    half /= denominator
    # All right (or all wrong): the bound is exactly 1 (or 0), not a rounding away from it.
    low = 0.0 if right == 0 else max(0.0, center - half)
    high = 1.0 if right == reviewed else min(1.0, center + half)
    return low, high


PRECISION_COLUMNS = ["company", "reviewed", "right", "precision", "low", "high", "last_review"]


def precision_from_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Per company, the precision of its mentions estimated from the reviewed sample:
    right / reviewed and its Wilson interval, from reviews counted elsewhere
    (Store.precision_estimates). Columns: PRECISION_COLUMNS."""
    if counts.empty:
        return pd.DataFrame(columns=PRECISION_COLUMNS)
    out = counts.copy()
    out["reviewed"] = out["reviewed"].astype("int64")
    out["right"] = out["right"].astype("int64")
    bounds = [
        wilson_interval(int(r), int(n)) for r, n in zip(out["right"], out["reviewed"], strict=True)
    ]
    out["precision"] = out["right"] / out["reviewed"]
    out["low"] = [b[0] if b else math.nan for b in bounds]
    out["high"] = [b[1] if b else math.nan for b in bounds]
    return out[PRECISION_COLUMNS].sort_values("company").reset_index(drop=True)


STORY_COLUMNS = ["story_id", "pickups", "outlets", "first_published", "title", "companies"]


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


UNDATED_COLUMNS = ["id", "outlet", "title", "source"]


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
        # The latest per pair wins. A lookup by pair rather than a merge on two text
        # columns: a person corrects a handful of pairs, and a merge would rebuild the
        # whole frame however few they are.
        latest = {
            (article_id, company): (label, author)
            for article_id, company, label, author in zip(
                per_company["article_id"],
                per_company["company"],
                per_company["label"],
                per_company["author"],
                strict=True,
            )
        }
        # Each row's correction: its (label, author), or None where none applies.
        fixes: list[tuple[Any, Any] | None] = []
        for pair in zip(out["article_id"], out["company"], strict=True):
            fix = latest.get(pair)
            fixes.append(fix if fix is not None and pd.notna(fix[0]) else None)
        fixed = np.array([fix is not None for fix in fixes], dtype=bool)
        if fixed.any():
            out.loc[fixed, "tone"] = [fix[0] for fix in fixes if fix is not None]
            out["corrected"] = fixed
            out["corrected_by"] = pd.Series(
                [None if fix is None else fix[1] for fix in fixes], index=out.index, dtype=object
            )
    return out[columns].reset_index(drop=True)


AGREEMENT_COLUMNS = ["company", "corrections", "overruled", "overruled_share"]


def correction_agreement(
    corrections: pd.DataFrame, tones: pd.DataFrame, mentions: pd.DataFrame
) -> pd.DataFrame:
    """How often people overrule the tone model, per company: of the tones a person set
    (a company's tone in an article, or one mention's; the latest per place), how many
    differ from the model's label. A correction that repeats the model's label confirms it.

    Columns: company, corrections, overruled, overruled_share; most overruled first.
    """
    if corrections.empty:
        return pd.DataFrame(columns=AGREEMENT_COLUMNS)
    latest = corrections.drop_duplicates(["article_id", "company", "field", "start"], keep="last")
    by_company = latest[latest["company"].notna() & latest["field"].isna()].merge(
        tones[["article_id", "company", "label"]].rename(columns={"label": "model"}),
        on=["article_id", "company"],
    )
    placed = latest[latest["field"].notna() & latest["start"].notna()].copy()
    placed["start"] = placed["start"].astype(int)
    by_mention = placed.drop(columns=["company"]).merge(
        mentions[["article_id", "field", "start", "company", "tone_label"]].rename(
            columns={"tone_label": "model"}
        ),
        on=["article_id", "field", "start"],
    )
    judged = pd.concat(
        [by_company[["company", "label", "model"]], by_mention[["company", "label", "model"]]]
    )
    if judged.empty:
        return pd.DataFrame(columns=AGREEMENT_COLUMNS)
    judged["overruled"] = judged["label"] != judged["model"]
    out = (
        judged.groupby("company")
        .agg(corrections=("label", "size"), overruled=("overruled", "sum"))
        .reset_index()
    )
    out["overruled_share"] = out["overruled"] / out["corrections"]
    out = out.sort_values(["overruled_share", "corrections"], ascending=[False, False])
    return out[AGREEMENT_COLUMNS].reset_index(drop=True)


TONE_TABLE_COLUMNS = [
    "period",
    "company",
    "positive",
    "neutral",
    "negative",
    "total",
    "positive_share",
    "negative_share",
]
# Below this many articles with a tone, a period's shares say more about one article than
# about the coverage (one article is 100% either way): they are left empty, "too few".
MIN_ARTICLES_FOR_TONE_SHARE = 5


def tone_table(counts: pd.Series) -> pd.DataFrame:
    """Articles per (period, company, tone) as tone_over_time's table, with the shares of
    positive and negative articles in percent (NaN for fewer than
    MIN_ARTICLES_FOR_TONE_SHARE articles: too few to give a share)."""
    table = counts.unstack("tone", fill_value=0)
    for label in ("positive", "neutral", "negative"):
        if label not in table.columns:
            table[label] = 0
    table = table.reset_index()
    table["total"] = table[["positive", "neutral", "negative"]].sum(axis=1)
    enough = table["total"] >= MIN_ARTICLES_FOR_TONE_SHARE
    for label in ("positive", "negative"):
        share = 100.0 * table[label] / table["total"]
        table[f"{label}_share"] = share.where(enough)
    return table[TONE_TABLE_COLUMNS].sort_values(["period", "company"]).reset_index(drop=True)


def frequency_from_daily(daily: pd.DataFrame) -> Frequency:
    """choose_frequency for daily counts (Store.daily_counts) instead of articles."""
    dated = daily.loc[daily["date_precision"].isin(PLACEABLE["day"]), "day"]
    return frequency_of_dates(dated, bool(daily["date_precision"].isin(["month"]).any()))


def frequency_of_dates(dated: pd.Series, known_to_the_month: bool) -> Frequency:
    """A readable grain for these dates: days for a few months, weeks, months for years."""
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


def rank_topic_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Topic counts (company, topic, articles) by company, then most articles first, then
    topic: topic_counts' order, for counts grouped by the database too."""
    ordered = counts.sort_values(["company", "topic"])
    ranked = ordered.sort_values(["company", "articles"], ascending=[True, False], kind="stable")
    return ranked.reset_index(drop=True)[["company", "topic", "articles"]]


def topics_from_daily(daily: pd.DataFrame, frequency: Frequency = "month") -> pd.DataFrame:
    """topics_over_time from articles per day, precision, company and topic
    (Store.daily_topics): the same columns and the same placeable articles."""
    columns = ["period", "company", "topic", "articles"]
    placed = daily[daily["date_precision"].isin(PLACEABLE[frequency])]
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


# How many of its articles one outlet adds to a term's count at most: one feed's long
# series (or one long article copied) cannot make a term rise alone.
OUTLET_CAP = 3
# ... or this share of the period's articles, when more: a period read from a few outlets
# (one blog's archive) keeps its rises.
OUTLET_CAP_SHARE = 0.2
# A single common word (a dictionary word, mostly written in lower case: "easy", "answer")
# is no emerging term: names and phrases say what happened; "Echo" or "Panic", mostly
# written with a capital, are names and stay.
# A phrase's score is multiplied by this per word past the first: "levée de fonds" says
# more than "levée" and "fonds".
PHRASE_PREFERENCE = 0.25
_POSSESSIVE = re.compile(r"(?<=\w)'s\b")
# A word of one or two letters standing alone (not "l'" of "l'équipe"), and what stands
# for it where it is a stop word (and for a clause's end): a character no text holds,
# where the text is cut into runs of words.
_SHORT_WORD = re.compile(r"(?<![\w'’-])[^\W\d_]{1,2}(?![\w'’-])")
_PARTED = "\x00"
# A Roman numeral of three letters or more ("III", "XIV": the number of a sequel, a
# king, an act) is a number, and numbers are no terms; I, V and X only, so that no word
# ("mix", "civil") reads as one.
_ROMAN_NUMERAL = re.compile(r"(?=[ivx]{3,}$)x{0,3}(?:ix|iv|v?i{0,3})")
# A word of a term: letters only, three or more (numbers and codes are no terms), with
# its inner apostrophes and hyphens ("aujourd'hui", "week-end").
_TERM_TOKEN = re.compile(r"\b[^\W\d_]{3,}(?:['’-][^\W\d_]+)*\b")
# Where a phrase ends: a line's end, a stop, a comma or a colon before a space, brackets,
# quotes, a dash between spaces ("U.S." and "Node.js" stay whole).
_CLAUSE_BREAK = re.compile(r"[.,;:!?…]+(?=\s|$)|[\n()\[\]{}\"“”«»|•]|\s[-–—]\s")
# The short words that link the parts of a compound noun or a name ("levée de fonds",
# "Bank of America", "Banca di Roma"): they join a phrase, not part it.
COMPOUND_LINKS = frozenset({"of", "de", "di", "da", "do"})
# A link between a word in lower case and a name is no compound ("users of Facebook",
# "candidato do PSL": a noun and its complement): it parts the phrase there.
_MIXED_LINK = re.compile(
    rf"\b([a-zà-ÿ][\w'’-]*)\s+(?:{'|'.join(sorted(COMPOUND_LINKS))})\s+(?=[A-ZÀ-Ý])"
)


def _parts_phrases(word: str, stop: frozenset[str]) -> bool:
    """Whether a short word is a stop word that parts a phrase (not a compound's link)."""
    lowered = word.lower()
    return lowered in stop and lowered not in COMPOUND_LINKS


# URLs, e-mail addresses and bare host names ("hodlhodl.com"): page furniture, not words.
_ADDRESSES = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:[a-z]{2,6})\b(?:/\S*)?",
    re.IGNORECASE,
)


def emerging_terms(
    current: pd.Series,
    previous: pd.Series,
    top: int = 20,
    *,
    current_outlets: pd.Series | None = None,
    previous_outlets: pd.Series | None = None,
    authors: Iterable[str] = (),
    min_articles: int | None = None,
    background: pd.DataFrame | None = None,
    current_languages: pd.Series | None = None,
    previous_languages: pd.Series | None = None,
    with_articles: bool = False,
) -> pd.DataFrame:
    """Words and phrases of two or three words that rose most from ``previous`` texts to
    ``current``, counted in articles (not occurrences).

    Weighted log-odds with an informative Dirichlet prior (Monroe et al., 2008) over how
    many articles hold each term (scikit-learn's CountVectorizer, binary), each outlet
    adding at most OUTLET_CAP articles (or OUTLET_CAP_SHARE of the period's) to a term
    (``*_outlets``: the outlet of each text, aligned). Left out: the stop words of every
    language an archive meets (stopwords-iso) and month and day names (Babel), URLs, hosts
    and e-mail addresses, numbers, possessive "'s", the outlets' own names, page furniture
    ("Lire aussi" lines, credits), single common words (not names), three-word passages
    of one outlet only, and people who write or host rather than make the news: the
    ``authors`` of the articles, names in credit positions ("Jane Roe, reporting for the
    Times:", "par Jean Dupont", "(via Tim Roe)"), the outlets they write for, and a first
    name standing alone. A term needs two articles (three from a single outlet); a phrase
    is preferred to the words it holds, and terms found in exactly the same articles count
    once; newsroom words (roles, "people familiar", "blog post") are no news. Under
    ``min_articles`` (MIN_PERIOD_ARTICLES) texts in ``current`` there is no term: a
    handful of texts makes noise, not news. The stop words of each language the texts are
    in (stopwords-iso) are left out too, and so are markup and "key = value" data lines.
    ``*_languages`` (aligned with the texts) are their stored languages (lingua's): a text
    without one is told by its stop words. In a language that capitalises every noun
    (German), a capital is no sign of a name: its common nouns are common words.

    ``background`` (columns text, outlet, month: other articles of the archive) says what
    is ordinary: a term no more frequent now than BACKGROUND_RISE times its share of the
    background is common, not emerging; a term an outlet prints in most of its months is
    that outlet's furniture ("Image Credits") where most of its articles come from there.
    Columns: term, current, previous (articles), z (how surely it rose); with
    ``with_articles``, also articles: the positions in ``current`` of the texts holding
    the term (as many as its ``current`` count), so the number opens its articles."""
    from sklearn.feature_extraction.text import CountVectorizer

    columns = [
        "term",
        "written",
        "current",
        "previous",
        "z",
        *(["articles"] if with_articles else []),
    ]
    now = _terms_input(current, current_outlets, current_languages)
    before = _terms_input(previous, previous_outlets, previous_languages)
    least = MIN_PERIOD_ARTICLES if min_articles is None else min_articles
    if len(now) < max(least, 2):
        return pd.DataFrame(columns=columns)
    outlet_words = {w for o in pd.concat([now["outlet"], before["outlet"]]) for w in _words(str(o))}
    people = credited_people(now["text"]) | {
        name for author in authors for name in _author_names(author)
    }
    outlets_cited = cited_outlets(now["text"])
    skip = (
        stop_words_all()
        | outlet_words
        | _stop_words_of(pd.concat([now["language"], before["language"]]))
    )

    def analyser(text: str) -> list[str]:
        # A phrase neither starts nor ends with a stop word, and no word of it is one; a
        # stop word too short to be a token still parts the words around it ("Apple to
        # create" is no phrase "apple create"), but for the links of compound nouns
        # ("levée de fonds", "Bank of America").
        # A possessive parts a phrase too ("Nimbus's biggest investor" is no "nimbus
        # biggest", and "Nimbus's" is "Nimbus"), and so do the ends of lines, sentences and
        # clauses ("... for readers. Quillpen said" is no "readers quillpen").
        parted = _SHORT_WORD.sub(
            lambda m: _PARTED if _parts_phrases(m.group(), skip) else m.group(),
            _MIXED_LINK.sub(
                rf"\1 {_PARTED} ", _CLAUSE_BREAK.sub(_PARTED, _POSSESSIVE.sub(_PARTED, text))
            ),
        )
        terms: list[str] = []
        # Runs of words between partings (and stop words): phrases of one to three words
        # are taken inside a run only.
        for piece in parted.lower().split(_PARTED):
            run: list[str] = []
            for token in [*_TERM_TOKEN.findall(piece), ""]:
                if token and token not in skip:
                    run.append(token)
                    continue
                for size in (1, 2, 3):
                    terms.extend(" ".join(run[i : i + size]) for i in range(len(run) - size + 1))
                run = []
        return terms

    vectorizer = CountVectorizer(analyzer=analyser, binary=True, min_df=2)
    try:
        matrix = vectorizer.fit_transform(list(now["text"]) + list(before["text"]))
    except ValueError:  # no term left (every word a stop word, or too few texts)
        return pd.DataFrame(columns=columns)
    if matrix.shape[1] < 2:
        # A term's log-odds are against every other term: with one term there is none.
        return pd.DataFrame(columns=columns)
    split = len(now)
    cap = max(OUTLET_CAP, math.ceil(OUTLET_CAP_SHARE * len(now)))
    count_now, outlets_now, home_share = _capped_counts(matrix[:split], now["outlet"], cap)
    count_before, _, _ = _capped_counts(
        matrix[split:], before["outlet"], max(OUTLET_CAP, math.ceil(OUTLET_CAP_SHARE * len(before)))
    )
    prior = count_now + count_before + 0.01
    total_now, total_before, total_prior = count_now.sum(), count_before.sum(), prior.sum()
    log_odds_now = np.log((count_now + prior) / (total_now + total_prior - count_now - prior))
    log_odds_before = np.log(
        (count_before + prior) / (total_before + total_prior - count_before - prior)
    )
    variance = 1.0 / (count_now + prior) + 1.0 / (count_before + prior)
    z = (log_odds_now - log_odds_before) / np.sqrt(variance)
    terms = vectorizer.get_feature_names_out()
    lengths = np.array([len(t.split()) for t in terms])
    in_articles_now = np.asarray((matrix[:split] > 0).sum(axis=0)).ravel()
    frame = pd.DataFrame(
        {
            "term": terms,
            "current": in_articles_now.astype(int),
            "previous": np.asarray((matrix[split:] > 0).sum(axis=0)).ravel().astype(int),
            "z": z,
            "score": z * (1 + PHRASE_PREFERENCE * (lengths - 1)),
            "outlets": outlets_now.astype(int),
        }
    )
    # Two articles; a term of one outlet only is that outlet's (its series, its name, one
    # long article copied) unless the period is mostly that outlet's (a blog's archive),
    # and then it needs three articles.
    keep = (in_articles_now >= 2) & (frame["z"] > 0)
    # ... or a story one outlet follows in OUTLET_STORY_ARTICLES articles, if it names
    # someone or something (checked below): an outlet's own beat is news to a comms team.
    outlet_story = (outlets_now == 1) & (in_articles_now >= OUTLET_STORY_ARTICLES)
    home = (in_articles_now >= 3) & (home_share >= HOME_SHARE)
    keep &= (outlets_now >= 2) | home | outlet_story
    frame["outlet_story"] = outlet_story & ~home & (outlets_now < 2)
    if now["outlet"].nunique() > 1:
        # A passage of three words repeated by one outlet only is its own blurb (a
        # sponsor's line, a show's credits), not news.
        keep &= (outlets_now >= 2) | (lengths < 3)
    keep &= ~_period_furniture(matrix[:split], now["outlet"], matrix[split:], before["outlet"])
    if background is not None and not background.empty:
        keep &= ~_ordinary_terms(
            vectorizer, background, in_articles_now / len(now), matrix[:split], now["outlet"]
        )
    frame = frame[keep].sort_values(["score", "term"], ascending=[False, True])
    # Among the best, single common words are left out (judged on the current texts).
    shortlist = frame.head(top * 10)
    articles_now = dict(zip(shortlist["term"], shortlist["current"], strict=True))
    one_outlet = set(shortlist.loc[shortlist["outlet_story"], "term"])
    # The texts are read once: each check then reads only the lines holding its term.
    evidence = _TermEvidence(now["text"], now["language"].isin(NOUN_CAPITALISING_LANGUAGES))
    outlets_of = dict(zip(shortlist["term"], shortlist["outlets"], strict=True))
    index = {term: i for i, term in enumerate(terms)}
    columns_now = matrix[:split].tocsc()
    languages_now = now["language"].to_numpy()

    def language_of(term: str) -> str | None:
        # The language most of the term's articles now are in.
        held = Counter(
            languages_now[r] for r in columns_now[:, index[term]].nonzero()[0] if languages_now[r]
        )
        return held.most_common(1)[0][0] if held else None

    common = [
        (
            (" " not in t or articles_now[t] < COMMON_PHRASE_ARTICLES)
            and _is_common_word(t, evidence)
        )
        or t in NEWSROOM_WORDS
        or t in demonyms()
        or _is_common_acronym(t, evidence)
        or bool(_ROMAN_NUMERAL.fullmatch(t))
        or _starts_with_a_person_demonym(t, language_of(t), evidence)
        or any(w in SPOKESPERSON_WORDS for w in t.split())
        or _is_general_language(
            t, language_of(t), (outlets_of[t], articles_now[t], len(now)), evidence
        )
        or _is_credited(t, people, outlets_cited)
        or _is_first_name_alone(t, evidence)
        or _ends_in_a_first_name(t, evidence)
        or _is_name_fragment(t, evidence, skip)
        or _is_part_of_names(t, evidence, skip)
        or _is_a_label(t, evidence)
        or (t in one_outlet and not _is_written_as_name(t, evidence))
        for t in shortlist["term"]
    ]
    frame = shortlist[~np.array(common, dtype=bool)]
    chosen: list[str] = []
    counts = dict(zip(frame["term"], frame["current"], strict=True))
    seen_sets: set[bytes] = set()
    shown_lemmas: dict[str, str] = {}
    holding: dict[str, np.ndarray] = {}
    for term in frame["term"]:
        # Terms found in exactly the same articles are one passage (a repeated blurb, a
        # table's cells): the best of them stands for all.
        holding[term] = columns_now[:, index[term]].nonzero()[0]
        rows = holding[term].tobytes()
        if rows in seen_sets:
            continue
        # The forms of one word ("Democrat", "Democrats"; "élection", "élections") are one
        # term: the best form shown stands for the others.
        lemmas = term_lemmas(term, language_of(term))
        if lemmas in shown_lemmas.values():
            continue
        seen_sets.add(rows)
        # A word or phrase inside a chosen longer phrase, found in about the same
        # articles, says nothing more; a phrase holding a chosen term replaces it then.
        if any(f" {term} " in f" {c} " and counts[c] >= 0.6 * counts[term] for c in chosen):
            continue
        chosen = [
            c for c in chosen if not (f" {c} " in f" {term} " and counts[term] >= 0.6 * counts[c])
        ]
        chosen.append(term)
        # Only a form still shown stands for the others: one a longer phrase replaced
        # does not.
        shown_lemmas = {c: shown_lemmas.get(c, lemmas) for c in chosen}
        if len(chosen) >= top:
            break
    ordered = frame.set_index("term").loc[chosen].reset_index()
    ordered["written"] = [_written_form(t, evidence) for t in chosen]
    if with_articles:
        positions = now["position"].to_numpy()
        ordered["articles"] = [tuple(int(p) for p in positions[holding[t]]) for t in chosen]
    return ordered[columns].reset_index(drop=True)


# An HTML tag left in a text ("<a href=... rel=nofollow>"): its attributes are no words.
_MARKUP = re.compile(r"</?[a-zA-Z][\w-]*(?:\s[^<>]*)?/?>")
# A line of machine data ("created_by = iD 2.30", "imagery_used = ..."): a changelog's or
# a feed's fields, printed in every item, not prose.
_DATA_LINE = re.compile(r"(?m)^[ \t]*[a-z][\w.-]*[ \t]*=[ \t]*\S.*$")
# A line of source code in a developer's post ("override func viewDidLoad() {", "}",
# "let x = f(y);"): identifiers, not words of the news.
_CODE_LINE = re.compile(r"(?m)^(?:[ \t]*[}\]].*|.*[{}][ \t]*|.*[(=].*;[ \t]*)$")
# An item of "key = value" fields (RECORD_FIELDS at least) with hardly any prose (at most
# RECORD_PROSE_LINES lines of RECORD_PROSE_WORDS words or more besides its fields: its
# title, a comment) is a record of a machine feed (a map edit, a build), not an article:
# its title and text are no news, even in the feed's first month, when no earlier month
# shows its words as furniture. A developer's post with code in it has paragraphs.
RECORD_FIELDS = 2
RECORD_PROSE_LINES = 2
RECORD_PROSE_WORDS = 8
# An image's credit, on its line or run into the text: "Image Credits: Jane Roe",
# "Crédit photo : AFP" (strip_furniture takes "Photo: ..." lines, not these).
# Only the keyword ignores case: a name credited is capitalised, and "Image credits: the
# regulator fined..." run into the text keeps its words.
_IMAGE_CREDIT = re.compile(
    r"(?m)\b(?i:(?:image|photo|picture|illustration|featured image)\s+credits?"
    r"|crédits?\s+(?:photos?|images?))\s*:[ \t]*(?:[^\n]{0,60}$|(?:[A-ZÀ-Ý][\w'’.&-]*\s?){0,3})"
)
# An outlet with at least FURNITURE_ARTICLES articles in the period that prints a term in
# PERIOD_FURNITURE_SHARE of them prints it on every page ("[link] [comments]", a show's
# hosts): its furniture...
FURNITURE_ARTICLES = 5
PERIOD_FURNITURE_SHARE = 0.8
# ... and that it already printed in at least this share of its articles of the previous
# period (of at least FURNITURE_PREVIOUS_ARTICLES): furniture stays, a story is new.
FURNITURE_PERSISTS = 0.5
FURNITURE_PREVIOUS_ARTICLES = 2
# A term now must hold at least this many times its share of the background's articles:
# "customers" or "week", in a tenth of any month's articles, never emerge (3 and 1.5
# tried on the seen month pairs: 3 dropped Siri and the MacBook Pro of their months).
BACKGROUND_RISE = 2.0
# ... and appear in at least this many of the background's articles.
BACKGROUND_MIN_ARTICLES = 2
# A term an outlet prints in at least this share of its months (with at least
# FURNITURE_MONTHS months in the background) is its furniture ("Image Credits", "Link
# comments").
FURNITURE_SHARE = 0.5
FURNITURE_MONTHS = 3
# A text is in the stopwords-iso language whose stop words it holds most, when they are
# at least this share of its words; a language needs this many texts for its list to join.
LANGUAGE_STOP_SHARE = 0.2
LANGUAGE_TEXTS = 2
# A single word that follows one same capitalised stop word in this share of its
# occurrences is part of a name ("York" of "New York", "Monde" of "Le Monde").
FRAGMENT_SHARE = 0.8


# How many articles of the archive before the compared periods emerging terms read as
# background.
BACKGROUND_SAMPLE = 1000


def background_sample(
    articles: pd.DataFrame, until: Any, size: int = BACKGROUND_SAMPLE
) -> pd.DataFrame:
    """The archive's articles (id, published, outlet) published before ``until`` (the
    previous period's start), at most ``size`` spread evenly over time, with their month
    (YYYY-MM): emerging terms' background."""
    columns = ["id", "published", "outlet", "month"]
    # Only the past: a story that stayed in the news after the period still emerged in
    # it, and a past period's terms do not change as the archive grows.
    outside = articles[articles["published"] < until]
    outside = outside.sort_values(["published", "id"]).reset_index(drop=True)
    if outside.empty:
        return pd.DataFrame(columns=columns)
    if len(outside) > size:
        picks = np.unique(np.linspace(0, len(outside) - 1, size).round().astype(int))
        outside = outside.iloc[picks].reset_index(drop=True)
    months = pd.to_datetime(outside["published"], utc=True).dt.strftime("%Y-%m")
    sampled: pd.DataFrame = outside.assign(month=months)[columns]
    return sampled


@lru_cache(maxsize=1)
def _iso_stop_words() -> dict[str, frozenset[str]]:
    import stopwordsiso

    return {
        code: frozenset(w.lower() for w in stopwordsiso.stopwords(code))
        for code in sorted(stopwordsiso.langs())
    }


# Stored language codes (ISO 639-1) that stopwords-iso files under another code.
_STOP_LIST_CODES = {"nb": "no", "nn": "no"}
# Languages that write every noun with a capital: there a capital is no sign of a name.
NOUN_CAPITALISING_LANGUAGES = frozenset({"de", "lb"})


def text_languages(
    texts: Iterable[str], stored: Iterable[str | None] | None = None
) -> list[str | None]:
    """Each text's language: its stored one (lingua's or the feed's, ``stored`` aligned
    with ``texts``) where stopwords-iso has a list for it; else the language whose stop
    words it holds most, when they are at least LANGUAGE_STOP_SHARE of its words."""
    lists = _iso_stop_words()
    texts = list(texts)
    known = list(stored) if stored is not None else [None] * len(texts)
    found: list[str | None] = []
    for text, language in zip(texts, known, strict=True):
        code = _STOP_LIST_CODES.get(language, language) if isinstance(language, str) else None
        if code in lists:
            found.append(code)
            continue
        words = Counter(_words(text) + re.findall(r"\b[^\W\d_]{1,2}\b", text.lower()))
        if not words:
            found.append(None)
            continue
        hits = {
            code: sum(n for w, n in words.items() if w in stops) for code, stops in lists.items()
        }
        best = max(hits, key=lambda code: hits[code])
        found.append(best if hits[best] >= LANGUAGE_STOP_SHARE * words.total() else None)
    return found


def detected_stop_words(
    texts: Iterable[str], stored: Iterable[str | None] | None = None
) -> frozenset[str]:
    """The stop words (stopwords-iso) of every language that at least LANGUAGE_TEXTS of
    the texts are written in (text_languages: the stored language, else a stop-word count)."""
    return _stop_words_of(text_languages(texts, stored))


def _stop_words_of(languages: Iterable[str | None]) -> frozenset[str]:
    """The stop words of every language at least LANGUAGE_TEXTS texts are in."""
    lists = _iso_stop_words()
    seen = Counter(code for code in languages if code is not None)
    found: set[str] = set()
    for code, count in seen.items():
        if count >= LANGUAGE_TEXTS:
            found |= lists[code]
    return frozenset(found)


def _ordinary_terms(
    vectorizer: Any,
    background: pd.DataFrame,
    share_now: np.ndarray[Any, Any],
    matrix_now: Any,
    outlets_now: pd.Series,
) -> np.ndarray[Any, Any]:
    """Per term of the vectorizer, whether the background shows it ordinary: common in the
    archive (in BACKGROUND_MIN_ARTICLES of its articles at least, and under
    BACKGROUND_RISE times its share now) or an outlet's furniture."""
    kept = _terms_input(background["text"], background["outlet"], detect=False)
    months = (
        background.loc[
            background["text"].map(lambda t: isinstance(t, str) and bool(t.strip())), "month"
        ]
        .astype(str)
        .reset_index(drop=True)
    )
    if kept.empty:
        return np.zeros(len(share_now), dtype=bool)
    held = vectorizer.transform(list(kept["text"])) > 0
    in_background = np.asarray(held.sum(axis=0)).ravel()
    share_background = (in_background + 0.5) / (len(kept) + 1)
    # The smoothing alone must not make a term common: in a small background (a young
    # archive) it would outweigh a term the background never holds.
    common = (in_background >= BACKGROUND_MIN_ARTICLES) & (
        share_now < BACKGROUND_RISE * share_background
    )
    # Each outlet's months in the background, and in how many of them each term appears.
    furniture_articles = np.zeros(len(share_now))
    held = held.tocsr()
    codes = kept["outlet"].reset_index(drop=True)
    now_codes = outlets_now.reset_index(drop=True)
    for outlet in codes.unique():
        rows = np.flatnonzero((codes == outlet).to_numpy())
        outlet_months = months.iloc[rows]
        if outlet_months.nunique() < FURNITURE_MONTHS:
            continue
        months_with = np.zeros(len(share_now))
        for month in outlet_months.unique():
            month_rows = rows[(outlet_months == month).to_numpy()]
            months_with += np.asarray(held[month_rows].sum(axis=0)).ravel() > 0
        furniture = months_with >= FURNITURE_SHARE * outlet_months.nunique()
        now_rows = np.flatnonzero((now_codes == outlet).to_numpy())
        if furniture.any() and len(now_rows):
            per_term = np.asarray((matrix_now[now_rows] > 0).sum(axis=0)).ravel()
            furniture_articles += np.where(furniture, per_term, 0)
    in_now = np.asarray((matrix_now > 0).sum(axis=0)).ravel()
    ordinary: np.ndarray[Any, Any] = common | (furniture_articles >= 0.5 * np.maximum(in_now, 1))
    return ordinary


def _period_furniture(
    matrix_now: Any, outlets_now: pd.Series, matrix_before: Any, outlets_before: pd.Series
) -> np.ndarray[Any, Any]:
    """Per term, whether most of its articles now come from outlets that print it on
    nearly every page of the period (PERIOD_FURNITURE_SHARE of at least
    FURNITURE_ARTICLES articles) and already did in the previous period (in at least
    FURNITURE_PERSISTS of its articles there)."""
    held = matrix_now > 0
    held_before = matrix_before > 0
    furniture_articles = np.zeros(held.shape[1])
    codes = outlets_now.reset_index(drop=True)
    codes_before = outlets_before.reset_index(drop=True)
    for outlet in codes.unique():
        rows = np.flatnonzero((codes == outlet).to_numpy())
        if len(rows) < FURNITURE_ARTICLES:
            continue
        # An outlet following a story all period prints its name on most pages too:
        # only a term that was already on its pages before is its furniture (one new
        # this period is left to the background's check over months).
        rows_before = np.flatnonzero((codes_before == outlet).to_numpy())
        if len(rows_before) < FURNITURE_PREVIOUS_ARTICLES:
            continue
        per_term = np.asarray(held[rows].sum(axis=0)).ravel()
        per_term_before = np.asarray(held_before[rows_before].sum(axis=0)).ravel()
        persists = per_term_before >= FURNITURE_PERSISTS * len(rows_before)
        every_page = (per_term >= PERIOD_FURNITURE_SHARE * len(rows)) & persists
        furniture_articles += np.where(every_page, per_term, 0)
    in_now = np.asarray(held.sum(axis=0)).ravel()
    furniture: np.ndarray[Any, Any] = furniture_articles >= 0.5 * np.maximum(in_now, 1)
    return furniture


# A common word capitalised, in at least this share of its capitalised occurrences, only
# beside another capitalised word is part of names ("Loudoun County", "City Hall"), not one.
PART_OF_NAMES_SHARE = 0.8


class _TermEvidence:
    """The current texts read once for the name checks of every shortlisted term: their
    lines, whether each is in Title Case and whether its text's language capitalises every
    noun, and which texts and lines hold each word (in lower case)."""

    def __init__(self, texts: pd.Series, nouns_capitalised: pd.Series) -> None:
        self.texts: list[str] = list(texts)
        self.lines: list[tuple[str, bool, bool]] = []  # line, in Title Case, nouns capitalised
        self._lines_of: dict[str, list[int]] = {}
        self._texts_of: dict[str, list[int]] = {}
        for number, (text, flag) in enumerate(zip(self.texts, nouns_capitalised, strict=True)):
            in_text: set[str] = set()
            for line in text.splitlines():
                words = set(_INDEX_WORD.findall(line.lower()))
                for word in words:
                    self._lines_of.setdefault(word, []).append(len(self.lines))
                in_text |= words
                self.lines.append((line, _is_title_case(line), bool(flag)))
            for word in in_text:
                self._texts_of.setdefault(word, []).append(number)

    def _holding(self, term: str, where: dict[str, list[int]]) -> list[int]:
        # A match of the term between word boundaries holds each of its word runs whole.
        found: set[int] | None = None
        for part in _INDEX_WORD.findall(term.lower()):
            rows = set(where.get(part, ()))
            found = rows if found is None else found & rows
        return sorted(found or ())

    def lines_holding(self, term: str) -> list[tuple[str, bool, bool]]:
        """The lines (line, in Title Case, nouns capitalised) that may hold the term."""
        return [self.lines[n] for n in self._holding(term, self._lines_of)]

    def texts_holding(self, term: str) -> list[str]:
        """The texts that may hold the term."""
        return [self.texts[n] for n in self._holding(term, self._texts_of)]


_INDEX_WORD = re.compile(r"\w+")


def _is_part_of_names(term: str, evidence: _TermEvidence, stop: frozenset[str]) -> bool:
    """Whether a single dictionary word is written with a capital only inside longer
    names ("County" of "Harbour County", "Transport" of "Transport Department" and of
    "Department of Transport")."""
    if " " in term or not is_word(term):
        return False
    capital = r"[A-ZÀ-Ý][\w'’-]*"
    # A compound's link may stand between ("Department of Transport", "Cour de Cassation"),
    # unless the word is a name of its own ("Nice" of "Mairie de Nice"). Before a link, the
    # word heads a longer name even when it is one of the dictionaries' names ("University
    # of Harbourton").
    link = "|".join(sorted(COMPOUND_LINKS))
    link_before = link if not is_proper_noun(term) else "(?!)"
    pattern = re.compile(
        rf"(?:({capital})\s+(?:(?:{link_before})\s+)?)?\b((?i:{re.escape(term)}))\b"
        rf"(?:\s+(?:(?:{link})\s+)?({capital}))?"
    )
    capitalised = 0
    inside = 0
    for line, title_case, flag in evidence.lines_holding(term):
        if title_case:
            continue
        for match in pattern.finditer(line):
            if not _capital_names(match.group(2), flag):
                continue
            capitalised += 1
            beside = [w for w in (match.group(1), match.group(3)) if w]
            inside += any(w.lower() not in stop for w in beside)
    return capitalised > 0 and inside >= PART_OF_NAMES_SHARE * capitalised


# A word standing alone on its line in at least this share of the lines holding it is a
# label (a link's: "Permalink"; a heading's), not news.
LABEL_SHARE = 0.5


def _is_a_label(term: str, evidence: _TermEvidence) -> bool:
    """Whether a single word mostly stands alone on its line: a link's or a heading's
    label ("Permalink", "FAQ"), not a word of prose."""
    if " " in term:
        return False
    lines = evidence.lines_holding(term)
    alone = sum(1 for line, _, _ in lines if _INDEX_WORD.findall(line.lower()) == [term])
    return bool(lines) and alone >= LABEL_SHARE * len(lines)


@lru_cache(maxsize=1)
def common_acronyms() -> frozenset[str]:
    """The acronyms (lower case) that stand for common nouns, from the shipped list
    ("api", "gpu", "pdg"): a kind of thing, a role or a measure, not one organisation."""
    from importlib.resources import files

    text = files(nlp).joinpath("data/common_acronyms.txt").read_text(encoding="utf-8")
    return frozenset(
        line.split()[0].lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def _is_common_acronym(term: str, evidence: _TermEvidence) -> bool:
    """Whether a single word is an acronym of a common noun ("API", "GPUs", "PDG"), as
    the texts write it: a kind of thing is no news, as a single common word is none. A
    word they mostly write as a name ("Ram", "Pin") is that name."""
    if " " in term:
        return False
    listed = common_acronyms()
    if term not in listed and not (term.endswith("s") and term[:-1] in listed):
        return False
    pattern = re.compile(rf"\b{re.escape(term)}\b", re.IGNORECASE)
    found = [
        m.group() for line, _, _ in evidence.lines_holding(term) for m in pattern.finditer(line)
    ]
    as_names = sum(1 for f in found if f[:1].isupper() and f[1:].islower())
    return as_names < NAME_SHARE * max(len(found), 1)


def _starts_with_a_person_demonym(term: str, language: str | None, evidence: _TermEvidence) -> bool:
    """Whether a French phrase opens with a demonym before a person's name ("le Français
    Paul Vireau", "l'Américaine Jane Roe", "le joueur français Paul Vireau"): it says whose
    the name is, the name alone is the term. A demonym before a dictionary word ("Canadien
    National", a company) or that is also a country's name ("Suisse romande") stays."""
    words = term.split()
    if len(words) < 2 or language != "fr" or words[0] not in demonyms_of("fr"):
        return False
    # A name follows, not a dictionary word ("Canadien National", a company, stays); a
    # first name is a name even when a dictionary holds it ("Paul").
    if is_word(words[1]) and words[1] not in first_names():
        return False
    if words[0] in {str(n).lower() for n in Locale("fr").territories.values()}:
        return False
    rest = r"\s+".join(re.escape(w) for w in words[1:])
    pattern = re.compile(rf"(?i:\b{re.escape(words[0])})\s+((?i:{rest}))\b")
    found = [
        m.group(1) for line, _, _ in evidence.lines_holding(term) for m in pattern.finditer(line)
    ]
    named = sum(1 for f in found if f[:1].isupper())
    return bool(found) and named >= NAME_SHARE * len(found)


# What stands between the words of a term as the texts write it: spaces and signs that
# end no clause ("&", "/", "–"), and the numbers and words too short to be terms that the
# term skips, elided ones too ("Bank of America", "Mistral 7B Instruct", "Côte d'Ivoire",
# "ministère de l'Intérieur"); never a line's end. Every check that looks for a term in
# the texts spells it with this gap, as the term was cut from them.
_TERM_SEPARATOR = r"[^\w\n.,;:!?…()\[\]{}\"“”«»|•'’]+"
_TERM_GAP = rf"{_TERM_SEPARATOR}(?:(?:[^\W\d_]{{1,2}}|\d\w*)(?:{_TERM_SEPARATOR}|['’]))*"


# The occurrences in prose a term's written form is read from at most: the most frequent
# form of a frequent term is plain long before its last line.
WRITTEN_SAMPLE = 200


def _written_form(term: str, evidence: _TermEvidence) -> str:
    """How the texts write a term most often ("FBI", "iPhone", "ProMotion", "Bank of
    America", "levée de fonds"): the term as a reader knows it. Lines in Title Case count
    only when no other line holds it; the term itself when no line does."""
    spelled = _TERM_GAP.join(re.escape(w) for w in term.split())
    # Whole words: after an elision ("l'iPhone", "d'Orbiter") and before a possessive
    # ("Vireo's") too, not inside a longer word.
    pattern = re.compile(rf"(?<![\w-])(?i:{spelled})(?![\w]|-\w|['’](?!s\b)\w)")
    forms: Counter[str] = Counter()
    in_titles: Counter[str] = Counter()
    for line, title_case, _ in evidence.lines_holding(term):
        found = in_titles if title_case else forms
        found.update(" ".join(m.group().split()) for m in pattern.finditer(line))
        if forms.total() >= WRITTEN_SAMPLE:
            break
    best = (forms or in_titles).most_common(1)
    return best[0][0] if best else term


def _is_name_fragment(term: str, evidence: _TermEvidence, stop: frozenset[str]) -> bool:
    """Whether a single word mostly follows one same capitalised stop word, or mostly
    precedes one same day's name inside sentences: the rest of a name whose first or last
    word was left out ("York" of "New York", "Cyber" of "Cyber Monday")."""
    if " " in term:
        return False
    pattern = re.compile(rf"(?:\b([A-ZÀ-Ý][\w'’]*)\s+)?\b{re.escape(term)}\b", re.IGNORECASE)
    before = [m.group(1) for text in evidence.texts_holding(term) for m in pattern.finditer(text)]
    if not before:
        return False
    leading = [w for w in before if w and w[:1].isupper() and w.lower() in stop]
    if leading and max(leading.count(w) for w in set(leading)) >= FRAGMENT_SHARE * len(before):
        return True
    # After the word, a day's name in full only, on the same line and not in a headline
    # (every word capitalised there): stop-word lists also hold nouns that end names of
    # their own ("Echo Show"), and month names and abbreviations are words too ("Mars",
    # "May", "Sun").
    pattern = re.compile(rf"\b{re.escape(term)}\b(?:[^\S\n]+([A-ZÀ-Ý][\w'’]*)\b)?", re.IGNORECASE)
    after = [
        m.group(1)
        for line, title_case, _ in evidence.lines_holding(term)
        if not title_case
        for m in pattern.finditer(line)
    ]
    trailing = [w for w in after if w and w[:1].isupper() and w.lower() in day_names()]
    return bool(trailing) and max(trailing.count(w) for w in set(trailing)) >= FRAGMENT_SHARE * len(
        after
    )


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]{3,}", text.lower())


def _is_record(text: str) -> bool:
    """Whether a text is a machine feed's record: RECORD_FIELDS "key = value" fields or
    more and at most RECORD_PROSE_LINES lines of prose."""
    if len(_DATA_LINE.findall(text)) < RECORD_FIELDS:
        return False
    prose = _DATA_LINE.sub("", text).splitlines()
    return sum(len(line.split()) >= RECORD_PROSE_WORDS for line in prose) <= RECORD_PROSE_LINES


# The wire agencies whose credit opens a dateline ("(AP)", "(Reuters)", "(AFP)"): a
# closed set, so that no bracket after a word before a dash ("Amazon, Google et Meta
# (GAFAM) - ") reads as a credit.
WIRE_AGENCIES = (
    "AP", "AFP", "Reuters", "dpa", "DPA", "ANSA", "EFE", "CP", "PA", "Belga", "ATS",
    "APA", "UPI", "AAP", "Xinhua", "Kyodo", "Lusa", "KNA", "Bloomberg", "Yonhap",
)  # fmt: skip
# A wire story's dateline: a place of up to four capitalised words, maybe a date, the
# agency in brackets, then a dash ("WASHINGTON (AP) — ", "PARIS, 5 janvier (Reuters) - ", "Lyon,
# 6 janvier 2025 (AFP) - "). Where the story was filed is no news, and the agency is a
# source cited. Spaces may be no-break ones; a dateline never runs over a line's end.
_DATELINE = re.compile(
    r"(?m)^[^\S\n]*[A-ZÀ-Ý][\w'’.-]*(?:[^\S\n]+[A-ZÀ-Ý][\w'’.-]*){0,3}"
    r"(?:,[^\S\n]+[^\n()—–]{1,40}?)?[^\S\n]*"
    rf"(\((?:{'|'.join(WIRE_AGENCIES)})\))[^\S\n]*[-–—](?:[^\S\n]|$)"
)


def _undated_wire(text: str) -> str:
    """A text without its wire datelines: the agency's credit stays on a line of its own
    ("(AP)"), where cited_outlets finds it; the place goes."""
    return _DATELINE.sub(lambda m: f"{m.group(1)}\n", text)


def _terms_input(
    texts: pd.Series,
    outlets: pd.Series | None,
    languages: pd.Series | None = None,
    *,
    detect: bool = True,
) -> pd.DataFrame:
    """The texts worth reading (furniture and addresses out) beside their outlets, their
    position among ``texts`` and, with ``detect``, languages (text_languages: the stored
    one, else a stop-word count)."""
    outlet_values = (
        outlets.reset_index(drop=True).astype(object)
        if outlets is not None
        else pd.Series([None] * len(texts), dtype=object)
    )
    stored = (
        languages.reset_index(drop=True).astype(object)
        if languages is not None
        else pd.Series([None] * len(texts), dtype=object)
    )
    rows = []
    for position, (text, outlet, language) in enumerate(
        zip(texts.reset_index(drop=True), outlet_values, stored, strict=True)
    ):
        if not isinstance(text, str) or not text.strip():
            continue
        if _MARKUP.search(text):
            text = html_to_text(text)
        text = _CODE_LINE.sub("", text)
        if _is_record(text):
            continue
        text = _IMAGE_CREDIT.sub(" ", _DATA_LINE.sub("", _undated_wire(text)))
        cleaned = _ADDRESSES.sub(" ", strip_furniture(text)[0]).replace("’", "'")
        rows.append(
            {
                "text": cleaned,
                "outlet": outlet if isinstance(outlet, str) else "",
                "stored": language if isinstance(language, str) else None,
                "position": position,
            }
        )
    frame = pd.DataFrame(rows, columns=["text", "outlet", "stored", "position"])
    found = text_languages(frame["text"], frame["stored"]) if detect else frame["stored"]
    frame["language"] = pd.Series(list(found), index=frame.index, dtype=object)
    return frame.drop(columns="stored")


# The share of a period's articles an outlet needs for a term of its own to count...
HOME_SHARE = 0.5
# ... else the articles one outlet needs for a name of its own to count: a story it
# follows (a trade paper's series on a company), not a phrase of its house style.
OUTLET_STORY_ARTICLES = 3
# A dictionary word written with a capital at least this often (mid-sentence) is a name.
NAME_SHARE = 0.8


def _capital_names(word: str, nouns_capitalised: bool) -> bool:
    """Whether a word's capital is a sign of a name: it has one, and the text's language
    does not capitalise the common noun it is ("Regierung" in German)."""
    return word[:1].isupper() and not (nouns_capitalised and is_german_common_noun(word))


def _is_common_word(term: str, evidence: _TermEvidence) -> bool:
    """Whether a term is dictionary words (one or a phrase) mostly written in lower case
    in the texts: "wide range", not "Apple Pay". In a text whose language capitalises
    every noun (German), a common noun's capital does not count."""
    words = term.split()
    if not all(is_word(w) or is_german_common_noun(w) for w in words):
        return False
    # Only where a word (in Latin letters, accented too: "à Paris") or a comma stands before
    # it, and not in a line in Title Case ("Why the iPad Is Capable Of More"): a sentence's
    # first word and a title's words are capitalised whatever they are.
    spelled = _TERM_GAP.join(re.escape(w) for w in words)
    pattern = re.compile(rf"(?<=[a-zß-ÿĀ-ſ,] ){spelled}\b", re.IGNORECASE)
    lines = evidence.lines_holding(term)
    found = [
        (m.group(), flag)
        for line, title_case, flag in lines
        if not title_case
        for m in pattern.finditer(line)
    ]
    if not found:  # seen in titles only: they are all the evidence there is
        found = [(m.group(), flag) for line, _, flag in lines for m in pattern.finditer(line)]
    capitalised = sum(1 for f, flag in found if any(_capital_names(w, flag) for w in f.split()))
    return capitalised < NAME_SHARE * max(len(found), 1)


def _is_written_as_name(term: str, evidence: _TermEvidence, least: int = 1) -> bool:
    """Whether a term is written as a name inside sentences: with a capital in NAME_SHARE
    of its occurrences after a lower-case word ("fined by Jane Roe"), at least ``least``
    times, and not a first name alone (a host's). A heading's word ("Outro:"), a hashtag,
    a list's item or a phrase of the outlet's house style ("monthly fee applies") is not."""
    words = term.split()
    if len(words) == 1 and term in first_names():
        return False
    # The words of a phrase may stand around a compound's link ("Cour de Cassation").
    spelled = _TERM_GAP.join(re.escape(w) for w in words)
    # After a word in lower case or an acronym ("CEO Jane Roe") only: the items of a list
    # ("Patio, Balcony, Garage") and the words of a heading ("Three Room Flat") are
    # capitalised whatever they are.
    pattern = re.compile(rf"\b([^\W\d_][\w'’-]*)\s+((?i:{spelled}))\b")
    found = [
        (m.group(2), flag)
        for line, title_case, flag in evidence.lines_holding(term)
        if not title_case
        for m in pattern.finditer(line)
        if m.group(1).islower() or m.group(1).isupper()
    ]
    capitalised = sum(1 for f, flag in found if any(_capital_names(w, flag) for w in f.split()))
    return bool(found) and capitalised >= max(NAME_SHARE * len(found), least)


# A phrase of common words mostly written in lower case ("stumbling block", "wide range")
# needs this many articles: two sharing an idiom is chance; "law enforcement" in ten is news.
COMMON_PHRASE_ARTICLES = 3

# A line is in Title Case when at least this share of its words of four letters or more
# start with a capital.
TITLE_CASE_SHARE = 0.7


def _is_title_case(line: str) -> bool:
    """Whether a line is a title in Title Case ("Why the iPad Is Capable Of More")."""
    words = re.findall(r"[^\W\d_]{4,}", line)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= TITLE_CASE_SHARE * len(words)


# A part of a person's name: a capitalised word (with a particle: "de", "van").
_NAME = r"[A-ZÀ-Ý][\w'’.-]+(?:\s(?:de|van|von|da|du|le|la)?\s?[A-ZÀ-Ý][\w'’-]+){1,2}"
# An outlet's name: up to four capitalised words, with their links ("Courrier du Port").
_OUTLET = r"[A-ZÀ-Ý][\w'’&.-]*(?:\s(?:(?:du|de|des|of|di|del|da)\s)?[A-ZÀ-Ý][\w'’&.-]*){0,3}"
# Where a text names who wrote, reported, hosted or passed on a piece rather than who
# made the news: "Jane Roe, reporting for the Times:", "Jane Roe and John Doe, writing
# in ...", "Jane Roe writes:", a line "Jane Roe:" before a quote, "By Jane Roe", "par
# Jean Dupont", "(via Tim Roe)", "with special guest Jane Roe", "animé par Jean Dupont".
# Each with whether the name must start with a known first name (where a company or an
# outlet could stand in the same place: "Pew Research Center:" before a quote).
_CREDITS = [
    (
        re.compile(
            rf"({_NAME})(?:,?\s(?:and|et|&)\s({_NAME}))?,\s(?:reporting|writing|writes|"
            r"reports|wrote)\s(?:for|in|at|on)\b"
        ),
        False,
    ),
    (
        re.compile(rf"({_NAME})(?:\s(?:and|et|&)\s({_NAME}))?\s(?:writes|wrote|reports|écrit):"),
        False,
    ),
    # A link blog's citation: "Jane Roe, The Ledger, “Headline”".
    (re.compile(rf"({_NAME}),\s(?:the\s|The\s)?{_OUTLET},\s[“\"«]"), True),
    (
        re.compile(
            rf"(?m)(?:^|:\s)({_NAME})(?:\s(?:and|et|&)\s({_NAME}))?(?:,[^\n:]{{0,60}})?:\s*$"
        ),
        True,
    ),
    (
        re.compile(
            rf"(?m)^\s*(?:[Bb]y|[Pp]ar|[Ww]ritten by|[Pp]osted by|[ÉéEe]crit par"
            rf"|[Pp]ropos recueillis par)\s({_NAME})"
        ),
        True,
    ),
    (
        re.compile(
            rf"\b(?i:via|(?:special\s)?guests?|hosts?|hosted\sby|présenté\spar|animé\spar"
            rf"|avec\snotre\sinvitée?)\s({_NAME})(?:\s(?:and|et|&)\s({_NAME}))?"
        ),
        True,
    ),
]
# A first name (from Faker's lists of English and French first names) standing alone is
# a host's or a guest's ("David and Katie", "Tim Wood"); "Alexa", "Sierra" or "Claude"
# are first names too but stand alone as products: a first name is left out when at
# least this share of its occurrences run on into a surname or another name.
NAME_RUN_SHARE = 0.5
# The fewest articles a period needs for its emerging terms (the Topics page says so
# under it): with fewer, two articles sharing a phrase is chance.
MIN_PERIOD_ARTICLES = 20
# Words of how news is told, not of what happened: roles without their holder, sourcing
# and publishing formulas. A term that is exactly one of them is left out.
NEWSROOM_WORDS = frozenset(
    {"ceo", "chief executive", "president", "founder", "spokesperson", "spokesman"}
    | {"spokeswoman", "people familiar", "sources familiar", "press release", "blog post"}
    | {"statement", "main reason", "pdg", "président", "fondateur", "porte-parole"}
    | {"directeur général", "communiqué", "proches dossier", "billet blog"}
    | {"editor note", "editors note", "note rédaction"}
)


# A spokesperson's title is how a statement is sourced, not what happened: a term holding
# one ("company spokesperson", "spokeswoman said", "porte-parole") is furniture.
SPOKESPERSON_WORDS = frozenset(
    {"spokesperson", "spokespersons", "spokespeople", "spokesman", "spokesmen"}
    | {"spokeswoman", "spokeswomen", "porte-parole", "porte-paroles"}
)
# A single word at least this frequent in its articles' language (wordfreq's Zipf scale:
# 4 is once in 10,000 words; "annonce", "update", "vote") is general language, not an
# emerging term...
GENERAL_ZIPF = 4.0
# ... unless written as a name: a common noun of the dictionaries (no proper noun there)
# needs this many capitals inside sentences for that.
NAME_EVIDENCE = 3
# ... unless at least NEWS_WORD_OUTLETS outlets carry it in at least NEWS_WORD_ARTICLES
# articles (or NEWS_WORD_SHARE of the period's, when more): a word everyone suddenly uses
# is the period's news.
NEWS_WORD_OUTLETS = 3
NEWS_WORD_ARTICLES = 5
NEWS_WORD_SHARE = 0.05
# The languages whose demonyms and nation adjectives are left out (Babel's language names
# and the shipped list): "French", "allemande", "Americans" say whose, not what.
DEMONYM_LANGUAGES = ("en", "fr")


def _french_forms(word: str) -> set[str]:
    """A French masculine adjective with its feminine and plurals ("européen": "européenne",
    "européens", "européennes")."""
    if word.endswith("e"):
        return {word, f"{word}s"}
    if word.endswith(("s", "x")):
        return {word, f"{word}e", f"{word}es"}
    if word.endswith(("en", "on")):
        return {word, f"{word}s", f"{word}ne", f"{word}nes"}
    return {word, f"{word}e", f"{word}s", f"{word}es"}


def _english_forms(word: str) -> set[str]:
    """An English demonym with its plural ("Israeli", "Israelis"); "Swiss" and "Chinese"
    stay as they are."""
    return {word} if word.endswith(("s", "sh", "ch", "ese")) else {word, f"{word}s"}


@lru_cache(maxsize=1)
def demonyms() -> frozenset[str]:
    """Demonyms and nation adjectives (lower case) of DEMONYM_LANGUAGES: Babel's (CLDR's)
    one-word language names ("french", "allemand") and the shipped list of the others
    ("american", "israélien"), with their plurals and French feminines."""
    return frozenset(form for code in DEMONYM_LANGUAGES for form in demonyms_of(code))


@lru_cache(maxsize=len(DEMONYM_LANGUAGES))
def demonyms_of(language: str) -> frozenset[str]:
    """The demonyms and nation adjectives (lower case) of one of DEMONYM_LANGUAGES, with
    their inflected forms; none for another language."""
    from importlib.resources import files

    if language not in DEMONYM_LANGUAGES:
        return frozenset()
    locale = Locale(language)
    # A language named as its land ("nauru", French "corse") is a place: places stay.
    places = {str(name).lower() for name in locale.territories.values()}
    listed = {
        str(n).lower()
        for k, n in locale.languages.items()
        if len(k) == 2 and " " not in str(n) and str(n).lower() not in places
    }
    section = ""
    text = files(nlp).joinpath("data/demonyms.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        word = line.strip()
        if not word or word.startswith("#"):
            continue
        if word.startswith("["):
            section = word.strip("[]")
        elif section == language:
            listed.add(word)
    forms = {"fr": _french_forms, "en": _english_forms}[language]
    return frozenset(form for word in listed for form in forms(word))


# wordfreq lists these languages but needs a segmenter that is not installed (MeCab for
# Japanese and Korean, jieba for Chinese) to look a word up: no general-language rule there.
SEGMENTED_LANGUAGES = frozenset({"ja", "ko", "zh"})


@lru_cache(maxsize=1)
def _wordfreq_languages() -> frozenset[str]:
    from wordfreq import available_languages  # its word lists load on first use

    return frozenset(available_languages("small")) - SEGMENTED_LANGUAGES


def general_frequency(word: str, language: str | None) -> float:
    """How common a word is in a language (wordfreq's Zipf scale: 0 for unknown words or
    languages wordfreq has no list for)."""
    if language is None or language not in _wordfreq_languages():
        return 0.0
    from wordfreq import zipf_frequency

    # The small lists: the same Zipf values above GENERAL_ZIPF as the large ones, for a
    # tenth of their memory in a long-running dashboard that keeps one per language.
    try:
        return float(zipf_frequency(word, language, wordlist="small"))
    except ImportError:
        # A language whose lookup needs an optional segmenter: a term is never lost to it.
        return 0.0


def _is_general_language(
    term: str,
    language: str | None,
    carried: tuple[int, int, int],
    evidence: _TermEvidence,
) -> bool:
    """Whether a word, or a phrase of such words, is general language in its articles'
    language (GENERAL_ZIPF and more: "community", "good weather"), not written as a name
    ("Google", "Senate", "iPhone", "Justice Department": frequent words, but names) and
    not the period's news: ``carried`` is (outlets, articles, the period's articles), and
    NEWS_WORD_OUTLETS outlets in NEWS_WORD_ARTICLES articles (or NEWS_WORD_SHARE of the
    period's; a phrase, COMMON_PHRASE_ARTICLES) make it news. In a language that
    capitalises every noun (German), a capital is no sign of a name: the dictionaries
    decide."""
    outlets, articles, period_articles = carried
    news = max(NEWS_WORD_ARTICLES, math.ceil(NEWS_WORD_SHARE * period_articles))
    if " " in term:
        news = COMMON_PHRASE_ARTICLES
    if outlets >= NEWS_WORD_OUTLETS and articles >= news:
        return False
    words = term.split()
    if any(general_frequency(w, language) < GENERAL_ZIPF for w in words):
        return False
    if any(_is_inner_capitalised(w, evidence) for w in words):
        return False
    if language in NOUN_CAPITALISING_LANGUAGES:
        # The dictionaries say it then: a name ("Stuttgart") or no lower-case word at all
        # ("Köln") stays, "Kosten" goes.
        return all(is_word(w) and not is_proper_noun(w) for w in words)
    # A common noun the dictionaries never write as a name ("team", "forecast", "terre")
    # needs NAME_EVIDENCE capitals inside sentences to be one: once or twice is a
    # heading's word or a name it is part of ("the Finance Manager").
    single_common = len(words) == 1 and is_word(term) and not is_proper_noun(term)
    if single_common and _is_titled_common_noun(term, language, evidence):
        return True
    return not _is_written_as_name(term, evidence, NAME_EVIDENCE if single_common else 1)


# The definite articles of the languages whose common nouns are capitalised as titles
# ("the Government", "la Terre", "o Governo"): a name rarely takes one.
DEFINITE_ARTICLES = {
    "en": frozenset({"the"}),
    "fr": frozenset({"le", "la", "les", "l"}),
    "es": frozenset({"el", "la", "los", "las"}),
    "it": frozenset({"il", "lo", "la", "i", "gli", "le", "l"}),
    "pt": frozenset({"o", "a", "os", "as"}),
    "nl": frozenset({"de", "het"}),
}
# A common noun whose capitals inside sentences follow a definite article at least this
# often is a title of an institution or a thing ("the Bank", "the Union"), not a name.
TITLED_SHARE = 0.5


def _is_titled_common_noun(term: str, language: str | None, evidence: _TermEvidence) -> bool:
    """Whether a common noun's capitals inside sentences mostly follow a definite article
    of its articles' language ("the Government", "o Governo"): a common noun written as a
    title, not a name ("Forecast said", "by Google")."""
    articles = DEFINITE_ARTICLES.get(language or "")
    if not articles:
        return False
    pattern = re.compile(rf"\b([^\W\d_][\w-]*)(?:\s+|['’])({re.escape(term)})\b", re.IGNORECASE)
    before = [
        m.group(1).lower()
        for line, title_case, flag in evidence.lines_holding(term)
        if not title_case
        for m in pattern.finditer(line)
        if m.group(2)[:1].isupper() and not m.group(1)[:1].isupper()
    ]
    titled = sum(1 for word in before if word in articles)
    return bool(before) and titled >= TITLED_SHARE * len(before)


def _is_inner_capitalised(term: str, evidence: _TermEvidence) -> bool:
    """Whether a word is mostly written with a capital past its first letter ("iPhone",
    "FBI", "GitHub"): a name or an acronym wherever it stands."""
    pattern = re.compile(rf"\b{re.escape(term)}\b", re.IGNORECASE)
    found = pattern.findall("\n".join(line for line, _, _ in evidence.lines_holding(term)))
    inner = sum(1 for word in found if any(c.isupper() for c in word[1:]))
    return bool(found) and inner >= NAME_SHARE * len(found)


# An outlet a text cites as the one a journalist writes for: "reporting for the NYT",
# "writing in The Verge", "Jane Roe, at BuzzFeed:", "écrit dans Le Monde", "Jane Roe,
# The Ledger, “Headline”".
_WRITES_FOR = [
    re.compile(
        r"\b(?:reporting|writing|writes|reports|wrote|reported|column|piece|op-ed)\s(?:for|in|at)"
        r"\s(?:the\s|The\s)?"
        rf"({_OUTLET})"
    ),
    re.compile(rf"(?m){_NAME},\s(?:at|for|in)\s(?:the\s|The\s)?({_OUTLET}):\s*$"),
    # A link blog's citation: "Jane Roe, The Ledger, “Headline”".
    re.compile(rf"{_NAME},\s(?:the\s|The\s)?({_OUTLET}),\s[“\"«]"),
    re.compile(
        rf"\b(?:écrit|écrivait|rapporte)\s(?:dans|pour)\s((?:Le\s|La\s|Les\s|L')?{_OUTLET})"
    ),
    # A wire agency's credit, left on its own line where a dateline was ("(Reuters)").
    re.compile(rf"(?m)^\(({'|'.join(WIRE_AGENCIES)})\)$"),
]


def cited_outlets(texts: Iterable[str]) -> set[str]:
    """Outlets (lower case, "the" left out) that texts name as the one a journalist writes
    for ("reporting for the NYT", "Jane Roe, at BuzzFeed:", "écrit dans Le Monde")."""
    found: set[str] = set()
    for text in texts:
        for pattern in _WRITES_FOR:
            for match in pattern.finditer(text):
                words = [w for w in _words(match.group(1)) if w not in {"the", "les"}]
                if words:
                    found.add(" ".join(words))
    return found


def credited_people(texts: Iterable[str]) -> set[str]:
    """Names (lower case) that texts give in credit positions: who wrote, reported, hosted
    or passed on a piece ("Jane Roe, reporting for the Times:", "par Jean Dupont")."""
    found: set[str] = set()
    for text in texts:
        for pattern, needs_first_name in _CREDITS:
            for match in pattern.finditer(text):
                names = (" ".join(_words(n)) for n in match.groups() if n)
                found.update(
                    n for n in names if not needs_first_name or n.split(" ")[0] in first_names()
                )
    return {name for name in found if " " in name}


def _author_names(author: str) -> set[str]:
    """The person's names in an author field ("jane@x.org (Jane Roe)", "Jane Roe, John
    Doe"): whole names in lower case."""
    cleaned = re.sub(r"\S+@\S+", " ", author)
    parts = re.split(r"[,;()/&]|\band\b|\bet\b", cleaned)
    return {" ".join(_words(p)) for p in parts if len(_words(p)) >= 2}


def _is_credited(term: str, people: set[str], outlets: set[str]) -> bool:
    """Whether a term is a credited person's name or an outlet's, part of one, or holds
    one; or holds a credited person's surname ("holt reporting")."""
    padded = f" {term} "
    return any(padded in f" {name} " or f" {name} " in padded for name in people | outlets) or any(
        f" {name.rsplit(' ', 1)[-1]} " in padded for name in people
    )


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """First names (lower case) of the languages an archive meets most (COMMON_WORD_LANGUAGES:
    English, French, German, Spanish, Italian, Dutch, Portuguese), from Faker's providers."""
    from faker.providers.person.de_DE import Provider as German
    from faker.providers.person.en_GB import Provider as British
    from faker.providers.person.en_US import Provider as American
    from faker.providers.person.es_ES import Provider as Spanish
    from faker.providers.person.fr_FR import Provider as French
    from faker.providers.person.it_IT import Provider as Italian
    from faker.providers.person.nl_NL import Provider as Dutch
    from faker.providers.person.pt_PT import Provider as Portuguese

    providers = (American, British, French, German, Spanish, Italian, Dutch, Portuguese)
    return frozenset(name.lower() for provider in providers for name in provider.first_names)


def _is_first_name_alone(term: str, evidence: _TermEvidence) -> bool:
    """Whether a term is one first name that mostly runs on into a surname or another
    name ("Tim Wood", "David and Katie"): a host or a guest, not news."""
    if " " in term or term not in first_names():
        return False
    # The name in any case; what follows it with a capital (case matters there).
    pattern = re.compile(rf"\b(?i:{re.escape(term)})\b(\s+(?:(?:and|et|&)\s+)?[A-ZÀ-Ý][\w'’-]+)?")
    found = [
        m
        for text in evidence.texts_holding(term)
        for m in pattern.finditer(text)
        if m.group()[:1].isupper()
    ]
    running = sum(1 for m in found if m.group(1))
    return bool(found) and running >= NAME_RUN_SHARE * len(found)


def _ends_in_a_first_name(term: str, evidence: _TermEvidence) -> bool:
    """Whether a phrase ends with a first name that mostly runs on into a surname, after
    words that are no name (a role, a word in lower case): a piece cut from a longer name
    ("CEO Jane" of "CEO Jane Roe", "readers Maria"). "Prince Albert County" keeps "Prince
    Albert": the words before the first name are a name's own."""
    words = term.split()
    if len(words) < 2 or words[-1] not in first_names():
        return False
    spelled = _TERM_GAP.join(re.escape(w) for w in words)
    pattern = re.compile(rf"\b((?i:{spelled}))\b(\s+[A-ZÀ-Ý][\w'’-]+)?")
    found = [m for text in evidence.texts_holding(term) for m in pattern.finditer(text)]
    running = sum(
        1
        for m in found
        if m.group(2)
        and not any(w[:1].isupper() and not w.isupper() for w in m.group(1).split()[:-1])
    )
    return bool(found) and running >= NAME_RUN_SHARE * len(found)


def term_lemmas(term: str, language: str | None) -> str:
    """A term's words as lemmas (simplemma's, in its articles' language; lower case): the
    forms of one word or phrase share them ("democrats" and "democrat", "ipad pros" and
    "ipad pro"). A word of a language simplemma has no dictionary for stays as it is."""
    if language is None:
        return term
    try:
        return " ".join(lemmatize(w, language).lower() for w in term.split())
    except ValueError:  # a language simplemma has no dictionary for
        return term


def _capped_counts(
    matrix: Any, outlets: pd.Series, cap: int
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Per term: articles holding it, each outlet adding at most ``cap``; how many outlets
    have it; and the largest share of the period's articles among those outlets."""
    counts = np.zeros(matrix.shape[1])
    seen = np.zeros(matrix.shape[1])
    share = np.zeros(matrix.shape[1])
    codes = outlets.reset_index(drop=True)
    for outlet in codes.unique():
        rows = np.flatnonzero((codes == outlet).to_numpy())
        per_term = np.asarray((matrix[rows] > 0).sum(axis=0)).ravel()
        counts += np.minimum(per_term, cap)
        seen += per_term > 0
        share = np.where(per_term > 0, np.maximum(share, len(rows) / max(len(codes), 1)), share)
    return counts, seen, share


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


@lru_cache(maxsize=1)
def stop_words_all() -> frozenset[str]:
    """The stop words of the languages an archive meets (stopwords-iso's lists for
    COMMON_WORD_LANGUAGES) and presswatch's own French and English ones."""
    import stopwordsiso  # its lists are read from disk on first use: only the Topics page

    words = set(stop_words()) | calendar_words()
    for code in COMMON_WORD_LANGUAGES:
        words |= {w.lower() for w in stopwordsiso.stopwords(code)}
    return frozenset(words)


@lru_cache(maxsize=1)
def calendar_words() -> frozenset[str]:
    """Month and day names (lower case, wide and abbreviated, days also in the plural) of
    COMMON_WORD_LANGUAGES, from Babel's CLDR: they rise with the calendar, not with the
    news, so emerging terms leave them out."""
    words = set(day_names())
    for code in COMMON_WORD_LANGUAGES:
        words |= {str(n).lower() for n in get_month_names("wide", locale=code).values()}
        for names in (
            get_month_names("abbreviated", locale=code),
            get_day_names("abbreviated", locale=code),
        ):
            words |= {str(n).lower().rstrip(".") for n in names.values()}
        # ... and days in the plural: "open Thursdays", "le marché des jeudis".
        words |= {f"{str(n).lower()}s" for n in get_day_names("wide", locale=code).values()}
    return frozenset(words)


@lru_cache(maxsize=1)
def day_names() -> frozenset[str]:
    """Day names in full (lower case) of COMMON_WORD_LANGUAGES, from Babel's CLDR:
    "monday", "lundi"."""
    return frozenset(
        str(n).lower()
        for code in COMMON_WORD_LANGUAGES
        for n in get_day_names("wide", locale=code).values()
    )


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


def prominence_from_counts(counts: pd.Series) -> pd.DataFrame:
    """prominence from mentions counted per (company, prominence) (the store's figures)."""
    if counts.empty:
        return pd.DataFrame(columns=["company", "title", "lead", "body"])
    table = counts.unstack("prominence", fill_value=0)
    for place in ("title", "lead", "body"):
        if place not in table.columns:
            table[place] = 0
    return table[["title", "lead", "body"]].reset_index()


def timeline_from_daily(daily: pd.DataFrame, frequency: Frequency = "day") -> pd.DataFrame:
    """mentions_over_time from daily counts per date precision (Store.daily_counts):
    the same columns (period, company, mentions, articles), the same placeable articles."""
    columns = ["period", "company", "mentions", "articles"]
    placed = daily[daily["date_precision"].isin(PLACEABLE[frequency])]
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
    (Store.daily_tones): the same columns, the same placeable articles."""
    placed = daily_tones[daily_tones["date_precision"].isin(PLACEABLE[frequency])]
    if placed.empty:
        return pd.DataFrame(columns=TONE_TABLE_COLUMNS)
    period = placed["day"].dt.to_period(_PANDAS_PERIOD[frequency]).dt.start_time
    return tone_table(
        placed.assign(period=period).groupby(["period", "company", "tone"])["articles"].sum()
    )


def fill_periods(
    timeline: pd.DataFrame,
    frequency: Frequency,
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """A timeline (period, company, mentions, articles) with every period of its span for
    every company, a period without coverage at zero: a chart then draws the gap as 0
    instead of a line across it. The span runs from the first period with coverage (or the
    one holding ``start``, if earlier) to the last (or the one holding ``end``, if later).
    Same columns, counts as integers."""
    columns = ["period", "company", "mentions", "articles"]
    if timeline.empty:
        return pd.DataFrame(columns=columns)
    unit = _PANDAS_PERIOD[frequency]
    first, last = timeline["period"].min(), timeline["period"].max()
    if start is not None:
        first = min(first, pd.Timestamp(start).to_period(unit).start_time)
    if end is not None:
        last = max(last, pd.Timestamp(end).to_period(unit).start_time)
    periods = pd.period_range(first, last, freq=unit).start_time
    companies = sorted(timeline["company"].unique())
    full = pd.MultiIndex.from_product([periods, companies], names=["period", "company"])
    filled = (
        timeline.set_index(["period", "company"])[["mentions", "articles"]]
        .reindex(full, fill_value=0)
        .astype("int64")
        .reset_index()
    )
    return filled[columns]


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


def detect_spikes(
    daily: pd.DataFrame, window: int = 14, threshold: float = 3.5, minimum: int = 3
) -> pd.DataFrame:
    """The spike days of a filled daily series (fill_days), as ``spikes`` finds them,
    without the articles behind them. Columns: company, day, mentions, baseline, z."""
    columns = ["company", "day", "mentions", "baseline", "z"]
    if daily.empty:
        return pd.DataFrame(columns=columns)
    found = []
    # Positions within each company's days, with numpy: a pandas Series per company and a
    # lookup per spike day cost more than the rolling medians themselves.
    for company, series in daily.groupby("company"):
        days = series["day"]
        values = series["mentions"].to_numpy(dtype=np.float64)
        centre, spread = _rolling_median_mad(values, window, window // 2)
        scale = np.clip(1.4826 * spread, 1.0, None)
        z = (values - centre) / scale
        for at in np.flatnonzero((z >= threshold) & (values >= minimum)):
            found.append((company, days.iloc[at], int(values[at]), float(centre[at]), float(z[at])))
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

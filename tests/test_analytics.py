"""Analytics on small frames built here: timelines, unplaced dates, share of voice."""

from __future__ import annotations

import random
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from presswatch import analytics
from presswatch.analytics import _rolling_median_mad
from tests import oracle


def frames(
    rows: list[tuple[str, str | None, str | None, list[str]]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(article id, ISO date or None, precision or None, companies mentioned) -> frames."""
    articles = pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "published": pd.to_datetime([r[1] for r in rows], utc=True),
            "date_precision": [r[2] for r in rows],
        }
    )
    mention_rows = []
    for article_id, _, _, companies in rows:
        for position, company in enumerate(companies):
            mention_rows.append(
                {
                    "id": len(mention_rows) + 1,
                    "article_id": article_id,
                    "company": company,
                    "prominence": "body",
                    "start": position,
                    "sentence": f"{company} ...",
                }
            )
    mentions = pd.DataFrame(
        mention_rows, columns=["id", "article_id", "company", "prominence", "start", "sentence"]
    )
    return articles, mentions


def test_daily_timeline_counts_mentions_and_articles() -> None:
    articles, mentions = frames(
        [
            ("a", "2024-06-10T08:00:00Z", "datetime", ["Mistral AI", "Mistral AI", "OpenAI"]),
            ("b", "2024-06-10T20:00:00Z", "datetime", ["Mistral AI"]),
            ("c", "2024-06-12T00:00:00Z", "day", ["OpenAI"]),
            ("d", "2024-06-01T00:00:00Z", "month", ["Mistral AI"]),
            ("e", None, None, ["Mistral AI"]),
            ("f", "2024-06-10T09:00:00Z", "datetime", []),
        ]
    )
    timeline = oracle.mentions_over_time(articles, mentions, "day")
    rows = {
        (str(r.period.date()), r.company): (r.mentions, r.articles) for r in timeline.itertuples()
    }
    assert rows == {
        ("2024-06-10", "Mistral AI"): (3, 2),
        ("2024-06-10", "OpenAI"): (1, 1),
        ("2024-06-12", "OpenAI"): (1, 1),
    }
    unplaced = oracle.unplaced_articles(articles, mentions, "day")
    assert dict(zip(unplaced["reason"], unplaced["articles"], strict=True)) == {
        "known to the month": 1,
        "undated": 1,
    }
    monthly = oracle.mentions_over_time(articles, mentions, "month")
    june = monthly[monthly["company"] == "Mistral AI"].iloc[0]
    assert (june["mentions"], june["articles"]) == (4, 3)  # the month-precision one joins
    monthly_unplaced = oracle.unplaced_articles(articles, mentions, "month")
    assert monthly_unplaced.to_dict("records") == [{"reason": "undated", "articles": 1}]


def test_share_of_voice() -> None:
    articles, mentions = frames(
        [
            ("a", "2024-06-10T08:00:00Z", "datetime", ["Mistral AI"] * 3 + ["OpenAI"]),
            ("b", None, None, ["OpenAI"]),
        ]
    )
    share = oracle.share_of_voice(articles, mentions).set_index("company")
    assert share.loc["Mistral AI", "mentions"] == 3 and share.loc["OpenAI", "articles"] == 2
    assert share.loc["Mistral AI", "share_mentions"] == 60.0
    assert round(share.loc["Mistral AI", "share_articles"], 4) == round(100 / 3, 4)


def test_empty_frames_give_empty_results() -> None:
    articles, mentions = frames([])
    assert oracle.share_of_voice(articles, mentions).empty
    assert oracle.mentions_over_time(articles, mentions).empty


company_lists = st.lists(st.sampled_from(["A", "B", "C"]), max_size=5)
article_rows = st.lists(
    st.tuples(
        st.integers(0, 60), st.sampled_from(["datetime", "day", "month", None]), company_lists
    ),
    max_size=30,
)


@settings(max_examples=100, deadline=None)
@given(article_rows)
def test_shares_sum_to_100_and_days_sum_to_the_total(
    rows: list[tuple[int, str | None, list[str]]],
) -> None:
    built = [
        (
            f"a{i}",
            None
            if p is None
            else (pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(days=d)).isoformat(),
            p,
            c,
        )
        for i, (d, p, c) in enumerate(rows)
    ]
    articles, mentions = frames(built)
    share = oracle.share_of_voice(articles, mentions)
    if not mentions.empty:
        assert abs(share["share_mentions"].sum() - 100) < 1e-9
        assert abs(share["share_articles"].sum() - 100) < 1e-9
    daily = oracle.mentions_over_time(articles, mentions, "day")
    placeable = articles[articles["date_precision"].isin(["datetime", "day"])]["id"]
    assert daily["mentions"].sum() == mentions["article_id"].isin(placeable).sum()
    unplaced = oracle.unplaced_articles(articles, mentions, "day")["articles"].sum()
    relevant = mentions["article_id"].nunique()
    assert (
        unplaced + mentions[mentions["article_id"].isin(placeable)]["article_id"].nunique()
        == relevant
    )


@pytest.mark.slow  # among the longest in-process tests
def test_emerging_terms_rise_against_the_period_before() -> None:
    now = pd.Series(
        [
            "Mistral AI annonce un partenariat avec Nvidia pour ses puces.",
            "Le partenariat avec Nvidia renforce Mistral AI en Europe.",
            "Nvidia et Mistral AI signent un partenariat stratégique.",
            "Mistral AI recrute des ingénieurs à Paris.",
        ]
    )
    before = pd.Series(
        [
            "Mistral AI recrute des ingénieurs à Paris.",
            "Mistral AI lève des fonds à Paris.",
            "Mistral AI recrute à Paris et à Londres.",
        ]
    )
    terms = analytics.emerging_terms(now, before, min_articles=2)
    top = terms["term"].tolist()
    # A name rose; a single common word ("partenariat") is no emerging term on its own.
    assert top[0] == "nvidia"
    assert "paris" not in top and "mistral" not in top  # did not rise
    assert not {"le", "avec", "des", "the"} & set(top)  # function words left out
    assert (terms["z"] > 0).all()
    assert analytics.emerging_terms(pd.Series(["seul"]), before, min_articles=1).empty
    # One term in every text: nothing to rise against (and no division by zero).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert analytics.emerging_terms(
            pd.Series(["Titre", "Titre"]), pd.Series(["Titre"]), min_articles=2
        ).empty


def test_topic_counts_and_over_time() -> None:
    articles, mentions = frames(
        [
            ("a", "2024-06-10T08:00:00Z", "datetime", ["Mistral AI"]),
            ("b", "2024-07-02T08:00:00Z", "datetime", ["Mistral AI", "OpenAI"]),
            ("c", None, None, ["OpenAI"]),
        ]
    )
    # Themes are per company: article b's funding is Mistral AI's, not OpenAI's.
    topics = pd.DataFrame(
        {
            "article_id": ["a", "a", "b", "c"],
            "company": ["Mistral AI", "Mistral AI", "Mistral AI", "OpenAI"],
            "topic": ["funding", "funding", "funding", "talent"],
            "sentence": ["s1", "s2", "s3", "s4"],
        }
    )
    counts = oracle.topic_counts(articles, mentions, topics)
    as_dict = {(r.company, r.topic): r.articles for r in counts.itertuples()}
    assert as_dict == {("Mistral AI", "funding"): 2, ("OpenAI", "talent"): 1}
    monthly = oracle.topics_over_time(articles, mentions, topics, "month")
    assert len(monthly) == 2  # June and July for Mistral AI; the undated article apart
    assert monthly["articles"].sum() == 2


def test_spikes_stand_above_a_rolling_baseline() -> None:
    rows = []
    for day in range(30):
        count = 1 if day % 3 else 2
        if day == 25:
            count = 9  # the day of a funding round
        for index in range(count):
            rows.append(
                (f"d{day}-{index}", f"2024-06-{day + 1:02d}T09:00:00Z", "datetime", ["Mistral AI"])
            )
    rows.append(("quiet", "2024-06-26T09:00:00Z", "datetime", ["OpenAI"]))
    articles, mentions = frames(rows)
    found = oracle.spikes(articles, mentions)
    assert found["company"].tolist() == ["Mistral AI"]
    spike = found.iloc[0]
    assert spike["day"] == pd.Timestamp("2024-06-26") and spike["mentions"] == 9
    assert sorted(spike["article_ids"]) == sorted(f"d25-{i}" for i in range(9))
    assert spike["baseline"] <= 2 and spike["z"] >= 3.5


def test_coverage_gaps_from_source_history() -> None:
    at = pd.to_datetime(
        [
            "2024-06-01T08:00Z",
            "2024-06-01T08:30Z",
            "2024-06-01T09:00Z",
            "2024-06-01T09:30Z",
            "2024-06-01T08:00Z",
            "2024-06-01T08:30Z",
        ],
        utc=True,
    )
    events = pd.DataFrame(
        {
            "source": ["A", "A", "A", "A", "B", "B"],
            "at": at,
            "ok": [True, False, False, True, True, False],
            "error": [None, "500", "timeout", None, None, "404"],
        }
    )
    gaps = analytics.coverage_gaps(events)
    assert gaps[["source", "failures", "error"]].values.tolist() == [
        ["A", 2, "timeout"],
        ["B", 1, "404"],
    ]
    assert gaps.iloc[0]["start"] == at[1] and gaps.iloc[0]["end"] == at[3]
    assert pd.isna(gaps.iloc[1]["end"])  # still failing
    assert analytics.coverage_gaps(events, start=pd.Timestamp("2024-06-02", tz="UTC"))[
        "source"
    ].tolist() == ["B"]


def test_change_against_the_previous_period() -> None:
    now = pd.DataFrame({"company": ["A", "B"], "articles": [6, 2], "mentions": [10, 2]})
    before = pd.DataFrame({"company": ["A", "C"], "articles": [3, 1], "mentions": [5, 1]})
    change = analytics.period_change(now, before).set_index("company")
    assert change.loc["A", "change_articles"] == 100.0 and change.loc["A", "previous_mentions"] == 5
    assert pd.isna(change.loc["B", "change_articles"])  # nothing before: no percentage
    assert change.loc["C", "change_articles"] == -100.0


def test_top_outlets_and_prominence() -> None:
    articles, mentions = frames(
        [
            ("a", "2024-06-10T08:00:00Z", "datetime", ["Mistral AI"]),
            ("b", "2024-06-11T08:00:00Z", "datetime", ["Mistral AI"]),
            ("c", "2024-06-12T08:00:00Z", "datetime", ["Mistral AI", "OpenAI"]),
        ]
    )
    articles["outlet"] = ["Le Monde", "Le Monde", None]
    articles["author"] = ["Zoé", None, None]
    outlets = oracle.top_outlets(articles, mentions)
    assert outlets.values.tolist() == [
        ["Mistral AI", "Le Monde", 2, 2],
        ["Mistral AI", "(unknown)", 1, 1],
        ["OpenAI", "(unknown)", 1, 1],
    ]
    assert oracle.top_outlets(articles, mentions, by="author").iloc[0]["author"] == "(unknown)"
    mentions.loc[0, "prominence"] = "title"
    places = oracle.prominence(mentions).set_index("company")
    assert places.loc["Mistral AI"].tolist() == [1, 0, 2]


def test_rolling_baseline_matches_pandas_rolling_median_and_mad() -> None:
    rng = np.random.default_rng(3)
    counts = rng.poisson(4, 120).astype(float)
    counts[[30, 31, 90]] = [40, 25, 60]
    history = pd.Series(counts).shift(1).rolling(14, min_periods=7)
    expected_median = history.median().to_numpy()
    # The reference skips the missing days before the first one, as the median does
    # (np.median would make the first two weeks' spread NaN: no spike could be found there).
    expected_mad = history.apply(
        lambda v: float(np.nanmedian(np.abs(v - np.nanmedian(v)))), raw=True
    ).to_numpy()
    median, spread = _rolling_median_mad(counts, 14, 7)
    np.testing.assert_allclose(median, expected_median, equal_nan=True)
    np.testing.assert_allclose(spread, expected_mad, equal_nan=True)


def test_isin_agrees_with_pandas_on_arrow_and_python_strings() -> None:
    """The arrow fast path and the index path give Series.isin's answer, nulls included."""
    rng = random.Random(3)
    raw = [rng.choice([f"a{n}" for n in range(50)] + [None]) for _ in range(500)]
    wanted = [rng.choice([f"a{n}" for n in range(80)]) for _ in range(60)]
    for dtype in ("str", object):
        values = pd.Series(raw, dtype=dtype)
        among = pd.Series(wanted, dtype=dtype)
        expected = values.isin(wanted).to_numpy()
        assert (oracle.isin(values, among) == expected).all(), dtype
        assert (oracle.isin(values, set(wanted)) == expected).all(), dtype


def test_emerging_terms_say_which_articles_hold_each_term() -> None:
    """with_articles: each term's texts, as positions in ``current`` (an empty text read as
    none still counts its place), as many as its count."""
    now = pd.Series(
        [
            "",
            "Mistral AI annonce un partenariat avec Nvidia pour ses puces.",
            "Mistral AI recrute des ingénieurs à Paris.",
            "Le partenariat avec Nvidia renforce Mistral AI en Europe.",
            "Nvidia et Mistral AI signent un partenariat stratégique.",
        ]
    )
    before = pd.Series(["Mistral AI recrute des ingénieurs à Paris.", "Mistral AI lève des fonds."])
    terms = analytics.emerging_terms(now, before, min_articles=2, with_articles=True)
    held = dict(zip(terms["term"], terms["articles"], strict=True))
    assert held["nvidia"] == (1, 3, 4)
    assert all(len(a) == c for a, c in zip(terms["articles"], terms["current"], strict=True))
    assert "articles" not in analytics.emerging_terms(now, before, min_articles=2).columns


def test_emerging_terms_count_articles_cap_outlets_and_drop_junk() -> None:
    """One outlet's long article, addresses, numbers, outlet names, furniture and German
    function words make no term; a phrase is preferred to its words."""
    long_one = " ".join(["Le portefeuille hodl rapporte, hodl encore, hodl toujours."] * 40)
    now = pd.Series(
        [
            "Mistral AI annonce une levée de fonds auprès de General Catalyst.",
            "La levée de fonds de Mistral AI atteint 600 millions d'euros en 2024.",
            "Une levée de fonds record pour Mistral AI, selon Les Échos.",
            long_one + " Voir www.hodlhodl.com et https://hodlhodl.com/offres 2024.",
            "Le Cryptographe : hodl, hodl, hodl.\nLire aussi : hodl et la levée de fonds",
            "Le Cryptographe : hodl, der, die, und das sind die Neuigkeiten.",
            "Der Markt und die Preise: hodl ist das Wort der Woche.",
            "Mistral AI recrute des chercheurs à Londres, selon La Croix.",
            "Mistral AI publie un rapport annuel, rapporte Le Parisien.",
            "Un rapport de Mistral AI sur la consommation d'énergie paraît.",
        ]
    )
    outlets = pd.Series(
        ["Le Monde", "Les Échos", "Le Figaro"]
        + ["Le Cryptographe"] * 4
        + ["La Croix", "Le Parisien", "Le Point"],
        dtype=object,
    )
    before = pd.Series(["Mistral AI recrute à Paris.", "Mistral AI ouvre un bureau à Londres."])
    terms = analytics.emerging_terms(
        now,
        before,
        current_outlets=outlets,
        previous_outlets=pd.Series(["Le Monde"] * 2),
        min_articles=2,
    )
    top = terms["term"].tolist()
    assert top and top[0] == "levée fonds"  # a phrase, before its words
    assert "levée" not in top and "fonds" not in top
    # Found in one outlet only (however long or repeated): not a rising term.
    assert not {"hodl", "hodlhodl", "com", "https", "www", "portefeuille"} & set(top)
    assert not {"der", "die", "und", "das", "cryptographe", "échos"} & set(top)
    assert not any(any(ch.isdigit() for ch in t) for t in top)
    assert terms.loc[0, "current"] == 3  # articles, not occurrences; furniture left out


def _period(stories: list[tuple[int, str]], outlets: int = 10) -> tuple[pd.Series, pd.Series]:
    """Texts (each story repeated n times, numbered so no two texts are equal) and their
    outlets spread over ``outlets`` names."""
    texts = [f"{story}\n{n}." for count, story in stories for n in range(count)]
    names = [f"Outlet {chr(65 + i % outlets)}" for i in range(len(texts))]
    return pd.Series(texts, dtype=object), pd.Series(names, dtype=object)


QUIET = [(10, "Markets were calm and the weather was mild across the region.")]


def test_emerging_terms_leave_out_who_writes_hosts_or_publishes() -> None:
    """Journalists in credit positions, the outlets they write for, the articles' authors
    and a host's lone first name are no news; a first name standing alone as a product is."""
    now, outlets = _period(
        [
            (
                6,
                "Katie Holt, reporting for the Daily Ledger:\nThe Justice Department opened "
                "an antitrust probe.",
            ),
            (5, "On this week's show, Tim and Dana discuss the Nimbus headset."),
            (5, "Alexa now speaks."),
            (
                4,
                "Regulators in Europe joined the antitrust probe of the Nimbus headset, and Alexa.",
            ),
            (3, "Jordan Blake"),
        ]
    )
    before, before_outlets = _period(QUIET)
    kwargs = {"current_outlets": outlets, "previous_outlets": before_outlets}
    terms = analytics.emerging_terms(now, before, **kwargs)["term"].tolist()
    assert {"antitrust probe", "nimbus headset"} <= set(terms)
    assert any("justice department" in t for t in terms)
    assert "alexa" in terms  # mostly alone: a product, not a host
    assert not {"katie holt", "katie", "holt", "daily ledger", "ledger"} & set(terms)
    assert not {"tim", "dana"} & set(terms)
    # The author field's names: left out only when given.
    assert "jordan blake" in terms
    authored = analytics.emerging_terms(now, before, **kwargs, authors=["Jordan Blake"])
    assert not {"jordan blake", "jordan", "blake"} & set(authored["term"])


def test_emerging_terms_leave_out_french_credits_and_newsroom_words() -> None:
    now, outlets = _period(
        [
            (
                6,
                "Par Jean Dupont\nLa CNIL ouvre une enquête sur la messagerie Hublot, "
                "selon une porte-parole.",
            ),
            (5, "Avec notre invitée Claire Martin, la messagerie Hublot en débat."),
            (5, "Comme l'écrit dans Le Quotidien du Port Claire Martin, Hublot inquiète."),
            (4, "La porte-parole de Hublot se tait, selon des proches du dossier."),
        ]
    )
    before, before_outlets = _period(
        [(10, "Le marché est resté calme et le temps doux dans toute la région.")]
    )
    terms = analytics.emerging_terms(
        now, before, current_outlets=outlets, previous_outlets=before_outlets
    )["term"].tolist()
    assert "hublot" in terms and any("cnil" in t for t in terms)
    assert not {"jean dupont", "dupont", "claire martin", "martin"} & set(terms)
    assert not {"quotidien", "quotidien port"} & set(terms)
    assert not {"porte-parole", "proches dossier"} & set(terms)


def test_emerging_terms_need_enough_articles_and_read_titles_as_titles() -> None:
    """Under MIN_PERIOD_ARTICLES texts a period has no term; a word capitalised only in
    Title Case headlines is still a common word."""
    title = "Why The Nimbus Headset Is Capable Of More"
    now, outlets = _period(
        [
            (analytics.MIN_PERIOD_ARTICLES - 3, f"{title}\nReviewers like the Nimbus headset."),
            (2, f"{title}\nThe Nimbus headset is capable of more, reviewers say."),
        ]
    )
    before, before_outlets = _period(QUIET)
    kwargs = {"current_outlets": outlets, "previous_outlets": before_outlets}
    assert analytics.emerging_terms(now, before, **kwargs).empty
    terms = analytics.emerging_terms(now, before, **kwargs, min_articles=2)["term"].tolist()
    assert any("nimbus headset" in t for t in terms) and "capable" not in terms

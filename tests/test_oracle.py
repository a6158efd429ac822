"""Filters: period semantics with date precision, and filters that commute."""

from __future__ import annotations

import itertools
from datetime import date

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from presswatch.models import Filters
from tests.oracle import Frames, apply_filters, filter_steps

COMPANIES = ["Mistral AI", "OpenAI", "Anthropic"]
OUTLETS = ["Le Monde", "Les Échos", None]


def build(rows: list[tuple[str | None, str | None, str | None, str, list[str], str]]) -> Frames:
    """(published, precision, outlet, language, companies, tone) per article."""
    articles = pd.DataFrame(
        {
            "id": [f"a{i}" for i in range(len(rows))],
            "published": pd.to_datetime([r[0] for r in rows], utc=True),
            "date_precision": [r[1] for r in rows],
            "outlet": [r[2] for r in rows],
            "language": [r[3] for r in rows],
            "story_id": [f"a{i}" for i in range(len(rows))],
        }
    )
    mentions, tones, topics = [], [], []
    for index, row in enumerate(rows):
        for company in row[4]:
            mentions.append(
                {
                    "id": len(mentions),
                    "article_id": f"a{index}",
                    "company": company,
                    "prominence": "body",
                    "start": 0,
                    "sentence": "s",
                }
            )
            tones.append(
                {
                    "article_id": f"a{index}",
                    "company": company,
                    "score": 0.0,
                    "label": row[5],
                    "evidence": "s",
                }
            )
        topics.append(
            {
                "article_id": f"a{index}",
                "topic": "funding" if index % 2 else "talent",
                "keyword": "k",
                "sentence": "s",
                # A theme is about one company: the article's first, when it names one.
                "company": row[4][0] if row[4] else "",
            }
        )
    return Frames(
        articles=articles,
        mentions=pd.DataFrame(
            mentions, columns=["id", "article_id", "company", "prominence", "start", "sentence"]
        ),
        tones=pd.DataFrame(tones, columns=["article_id", "company", "score", "label", "evidence"]),
        topics=pd.DataFrame(
            topics, columns=["article_id", "topic", "keyword", "sentence", "company"]
        ),
    )


def ids(frames: Frames) -> list[str]:
    return sorted(frames.articles["id"])


def test_a_period_keeps_month_precision_articles_whose_month_overlaps() -> None:
    frames = build(
        [
            ("2024-03-15T10:00:00Z", "datetime", "Le Monde", "fr", ["Mistral AI"], "positive"),
            ("2024-03-01T00:00:00Z", "month", "Les Échos", "fr", ["Mistral AI"], "neutral"),
            ("2024-01-01T00:00:00Z", "year", None, "fr", ["OpenAI"], "neutral"),
            (None, None, None, "fr", ["Mistral AI"], "neutral"),
            ("2024-04-02T00:00:00Z", "day", "Le Monde", "en", ["OpenAI"], "negative"),
        ]
    )
    assert ids(apply_filters(Filters(start=date(2024, 3, 20), end=date(2024, 3, 31)), frames)) == [
        "a1",
        "a2",
    ]
    assert ids(apply_filters(Filters(start=date(2024, 3, 15), end=date(2024, 3, 15)), frames)) == [
        "a0",
        "a1",
        "a2",
    ]
    assert ids(apply_filters(Filters(start=date(2024, 4, 2)), frames)) == ["a2", "a4"]
    assert ids(apply_filters(Filters(), frames)) == ["a0", "a1", "a2", "a3", "a4"]  # undated kept


def test_an_article_dated_to_the_second_is_in_one_period_only() -> None:
    """Late in the evening before a period, or in its last second: in one period, never in
    both a period and the one before (the previous-period changes would count it twice)."""
    frames = build(
        [
            ("2024-03-19T23:30:00Z", "datetime", "Le Monde", "fr", ["Mistral AI"], "neutral"),
            ("2024-03-20T00:00:00Z", "datetime", "Le Monde", "fr", ["Mistral AI"], "neutral"),
            ("2024-03-31T23:59:59Z", "datetime", "Le Monde", "fr", ["Mistral AI"], "neutral"),
        ]
    )
    period = Filters(start=date(2024, 3, 20), end=date(2024, 3, 31))
    before = period.previous()
    assert before is not None
    assert ids(apply_filters(period, frames)) == ["a1", "a2"]
    assert ids(apply_filters(before, frames)) == ["a0"]


def test_company_and_tone_filters_work_on_the_pair() -> None:
    frames = build(
        [
            (
                "2024-03-15T10:00:00Z",
                "datetime",
                "Le Monde",
                "fr",
                ["Mistral AI", "OpenAI"],
                "negative",
            ),
        ]
    )
    only = apply_filters(Filters(companies=("OpenAI",)), frames)
    assert set(only.mentions["company"]) == {"OpenAI"} and ids(only) == ["a0"]
    assert ids(apply_filters(Filters(tones=("positive",)), frames)) == []
    assert ids(
        apply_filters(
            Filters(tones=("negative",), outlets=("Le Monde",), languages=("fr",)), frames
        )
    ) == ["a0"]


def test_previous_period_has_the_same_length() -> None:
    previous = Filters(start=date(2024, 3, 8), end=date(2024, 3, 14), companies=("X",)).previous()
    assert previous == Filters(start=date(2024, 3, 1), end=date(2024, 3, 7), companies=("X",))
    assert Filters().previous() is None


rows = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, 90)),
        st.sampled_from(["datetime", "day", "month", "year"]),
        st.sampled_from(OUTLETS),
        st.sampled_from(["fr", "en"]),
        st.lists(st.sampled_from(COMPANIES), max_size=3),
        st.sampled_from(["positive", "neutral", "negative"]),
    ),
    max_size=25,
)
filters = st.builds(
    Filters,
    start=st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2024, 3, 1))),
    end=st.one_of(st.none(), st.dates(date(2024, 2, 1), date(2024, 4, 30))),
    companies=st.lists(st.sampled_from(COMPANIES), max_size=2).map(tuple),
    outlets=st.lists(st.sampled_from(["Le Monde", "Les Échos"]), max_size=1).map(tuple),
    languages=st.lists(st.sampled_from(["fr", "en"]), max_size=1).map(tuple),
    tones=st.lists(st.sampled_from(["positive", "negative"]), max_size=1).map(tuple),
    topics=st.lists(st.sampled_from(["funding", "talent"]), max_size=1).map(tuple),
)


@settings(max_examples=60, deadline=None)
@given(rows, filters)
def test_filters_commute(data: list, chosen: Filters) -> None:  # type: ignore[type-arg]
    frames = build(
        [
            (
                None
                if d is None
                else (pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(days=d)).isoformat(),
                None if d is None else p,
                o,
                lang,
                c,
                t,
            )
            for d, p, o, lang, c, t in data
        ]
    )
    steps = filter_steps(chosen)
    results = set()
    for order in itertools.islice(itertools.permutations(steps), 6):
        current = frames
        for step in order:
            current = step(current)
        pairs = tuple(
            sorted(zip(current.mentions["article_id"], current.mentions["company"], strict=True))
        )
        results.add((tuple(ids(current)), pairs))
    assert len(results) == 1

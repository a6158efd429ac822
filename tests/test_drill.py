"""A clicked number lists exactly the articles it counts (presswatch.drill)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pandas as pd
import pytest

from presswatch import analytics
from presswatch.drill import PROMINENCES, UNDATED, Drill, period_end
from presswatch.models import Filters
from presswatch.search import parse_search
from presswatch.store import Store
from tests import oracle
from tests.test_store_aggregates import FILTERS

LIMIT = 1000


def _drilled(store: Store, filters: Filters, drill: Drill) -> int:
    """How many articles a drill says there are, checked against the ones it lists."""
    listing, total = store.drilled_articles(filters, drill, LIMIT)
    assert len(listing) == total == listing["id"].nunique()
    return total


@pytest.fixture
def filled(generated: Store) -> Store:
    store = generated
    store.add_correction("a2", "positive", "Camille", company="Mistral AI")
    return store


def test_a_timeline_period_lists_the_articles_it_counts(filled: Store) -> None:
    """Each bar of the timeline, at every grain, for every kind of filter (periods cut by
    the view, month-precision articles on monthly charts, undated ones never)."""
    checked = 0
    for number, filters in enumerate(FILTERS):
        daily = filled.daily_counts(filters)
        # Days for every filter; the longer grains for a few (they cover the same rows).
        for unit in ("day", "week", "month", "year") if number < 3 else ("day",):
            placed = analytics.timeline_from_daily(daily, unit)
            timeline = analytics.fill_periods(placed, unit, filters.start, filters.end)
            # Every period with coverage, and a few without.
            shown = pd.concat([timeline[timeline["articles"] > 0], timeline.head(3)])
            for row in shown.itertuples():
                drill = Drill(company=str(row.company), period=row.period.date(), unit=unit)
                assert _drilled(filled, filters, drill) == row.articles, (filters, unit, row)
                checked += int(row.articles > 0)
    assert checked > 100


def test_tones_outlets_authors_and_themes_list_the_articles_they_count(filled: Store) -> None:
    for filters in FILTERS:
        name = str(filters.as_dict())
        for row in filled.tone_counts(filters).itertuples():
            drill = Drill(company=str(row.company), tones=(str(row.tone),))
            assert _drilled(filled, filters, drill) == row.articles, name
        tones = analytics.tone_from_daily(filled.daily_tones(filters), "week")
        for row in tones.itertuples():
            for kind in ("positive", "negative"):
                drill = Drill(
                    company=str(row.company),
                    tones=(kind,),
                    period=row.period.date(),
                    unit="week",
                )
                assert _drilled(filled, filters, drill) == getattr(row, kind), name
            toned = Drill(
                company=str(row.company),
                tones=("positive", "neutral", "negative"),
                period=row.period.date(),
                unit="week",
            )
            assert _drilled(filled, filters, toned) == row.total, name
        for by in ("outlet", "author"):
            counts = filled.outlet_counts(filters, top=50, by=by)
            for record in counts.to_dict("records"):
                drill = Drill(company=record["company"], **{by: record[by]})
                assert _drilled(filled, filters, drill) == record["articles"], (name, by)
        for record in filled.topic_counts(filters).to_dict("records"):
            drill = Drill(company=record["company"], topic=record["topic"])
            assert _drilled(filled, filters, drill) == record["articles"], name
        themes = analytics.topics_from_daily(filled.daily_topics(filters), "month")
        for record in themes.to_dict("records"):
            drill = Drill(
                company=record["company"],
                topic=record["topic"],
                period=record["period"].date(),
                unit="month",
            )
            assert _drilled(filled, filters, drill) == record["articles"], name
        for record in filled.company_counts(filters).to_dict("records"):
            drill = Drill(company=record["company"])
            assert _drilled(filled, filters, drill) == record["articles"], name


def test_places_stories_searches_and_company_sets_list_the_articles_they_count(
    filled: Store,
) -> None:
    """The Prominence table's counts (mentions: the list gives the articles that carry
    them), a republished story's pickups (with a search too), the articles per date
    precision (what the timeline cannot place) and the tracked companies' articles, for
    every kind of filter, against the store's and the pandas figures (tests/oracle.py)."""
    everything = oracle.Frames.from_store(filled)
    search = "Titre 1*"  # some copies of a story, not all (a9 to a11: a10 and a11)
    stories_checked = searched_checked = 0
    for filters in FILTERS:
        name = str(filters.as_dict())
        view = oracle.apply_filters(filters, everything)
        for record in filled.prominence_counts(filters).to_dict("records"):
            mine = view.mentions[view.mentions["company"] == record["company"]]
            for place in PROMINENCES:
                placed = mine[mine["prominence"] == place]
                assert len(placed) == record[place], name
                drill = Drill(company=record["company"], prominence=place)
                assert _drilled(filled, filters, drill) == placed["article_id"].nunique(), name
        stories, _ = filled.republished_stories(filters, LIMIT)
        found, _ = filled.republished_stories(filters, LIMIT, parse_search(search))
        stories_checked += len(stories)
        searched_checked += len(found)
        for record in stories.to_dict("records"):
            drill = Drill(story=record["story_id"])
            assert _drilled(filled, filters, drill) == record["pickups"], name
        for record in found.to_dict("records"):
            drill = Drill(story=record["story_id"], search=search)
            assert _drilled(filled, filters, drill) == record["pickups"], name
        for record in filled.article_counts(filters).to_dict("records"):
            known = record["date_precision"]
            precision = known if isinstance(known, str) else UNDATED
            drill = Drill(precision=precision)
            assert _drilled(filled, filters, drill) == record["articles"], (name, precision)
        pair = ("Mistral AI", "OpenAI")
        both = view.mentions[view.mentions["company"].isin(pair)]
        kept = [c for c in pair if not filters.companies or c in filters.companies]
        expected = both[both["company"].isin(kept)]["article_id"].nunique()
        assert _drilled(filled, filters, Drill(companies=pair)) == expected, name
    assert stories_checked > 10 and searched_checked > 0


def test_a_list_cut_at_its_limit_still_counts_every_article(filled: Store) -> None:
    """A drill listing fewer articles than there are (the limit) counts them all apart
    (the count query, not the list's length) and lists the newest."""
    cut = 0
    for filters in FILTERS:
        for record in filled.company_counts(filters).to_dict("records"):
            drill = Drill(company=record["company"])
            everything, _ = filled.drilled_articles(filters, drill, LIMIT)
            for limit in (0, 2):
                listing, total = filled.drilled_articles(filters, drill, limit)
                assert total == record["articles"], (filters, record)
                assert list(listing["id"]) == list(everything["id"][:limit])
                cut += int(total > limit)
    assert cut > 20


def test_the_unknown_outlet_lists_the_articles_without_one(filled: Store) -> None:
    counts = filled.outlet_counts(Filters(), top=50)
    unknown = counts[counts["outlet"] == "(unknown)"]
    assert not unknown.empty
    row = unknown.iloc[0]
    listing, total = filled.drilled_articles(
        Filters(), Drill(company=row["company"], outlet=row["outlet"]), LIMIT
    )
    assert total == row["articles"] > 0
    assert listing["outlet"].isna().all()


def test_a_drill_survives_its_trip_through_a_chart() -> None:
    drill = Drill(company="L’Usine <b>", tones=("negative",), period=date(2026, 2, 1), unit="month")
    assert Drill.from_key(drill.key()) == drill
    assert "<" not in drill.key() and "&" not in Drill(outlet="A & B").key()
    # A trace's key completed by its point's period (dashboard.charts.clicked_drill): the
    # period as a date, a pandas Timestamp or plotly's ISO text.
    shared = json.loads(Drill(company="L’Usine <b>", tones=("negative",), unit="month").key())
    for period in (date(2026, 2, 1), pd.Timestamp("2026-02-01"), "2026-02-01T00:00:00.000000"):
        assert Drill.from_values({**shared, "period": period}) == drill
    assert Drill.from_values({**shared, "period": "2026-02-31"}) is None
    assert Drill.from_values(["company"]) is None
    for broken in (None, "", "[]", "{", '{"period": "2026-13-01", "unit": "month"}', 4):
        assert Drill.from_key(broken) is None
    assert Drill.from_key('{"period": "2026-02-01", "unit": "fortnight"}') is None
    # Every field of a drill travels in its key (key() names them one by one).
    full = Drill(
        company="A",
        outlet="B",
        author="C",
        topic="D",
        tones=("positive", "neutral"),
        period=date(2026, 2, 2),
        unit="week",
        companies=("E", "F"),
        prominence="lead",
        message="G",
        story="H",
        search='"levée de fonds" -OpenAI',
        precision="month",
    )
    assert {f.name for f in dataclasses.fields(Drill)} == set(json.loads(full.key()))
    assert Drill.from_key(full.key()) == full


def test_a_period_ends_on_its_last_day() -> None:
    assert period_end(date(2024, 2, 1), "month") == date(2024, 2, 29)
    assert period_end(date(2026, 12, 1), "month") == date(2026, 12, 31)
    assert period_end(date(2026, 1, 1), "year") == date(2026, 12, 31)
    assert period_end(date(2026, 3, 3), "week") == date(2026, 3, 9)
    with pytest.raises(ValueError, match="fortnight"):
        period_end(date(2026, 3, 3), "fortnight")


def test_a_period_is_cut_by_the_view() -> None:
    view = Filters(start=date(2026, 10, 20), end=date(2026, 10, 31), companies=("A", "B"))
    narrowed = Drill(company="B", period=date(2026, 10, 1), unit="month").filters(view)
    assert (narrowed.start, narrowed.end, narrowed.companies) == (
        date(2026, 10, 20),
        date(2026, 10, 31),
        ("B",),
    )
    assert pd.Series(Drill(period=date(2026, 10, 1), unit="day").precisions()).tolist() == [
        "datetime",
        "day",
    ]


def test_a_listing_frame_has_the_types_pandas_infers_from_its_records() -> None:
    """The drill list's frame is built with its columns' types given (for speed): they are
    the types pandas infers from the same records, with dates, empty and missing texts."""
    from datetime import UTC, datetime

    from presswatch.store.listings import _listing_frame

    def entry(number: int, title: str | None, story: str | None) -> dict[str, object]:
        return {
            "id": f"a{number}",
            "published": datetime(2026, 3, number, tzinfo=UTC) if number % 2 else None,
            "date_precision": "day" if number % 2 else None,
            "outlet": "Le Monde",
            "title": title,
            "language": "fr",
            "story_id": story,
            "companies": ["Mistral AI", "OpenAI"][: number % 2 + 1],
            "tones": ["positive", ""][: number % 2 + 1],
            "topics": "",
            "mentions": number,
            "pickups": 0,
        }

    listed = {
        f"a{n}": entry(n, t, s) for n, t, s in [(1, "Levée", None), (2, None, "s1"), (3, "", None)]
    }
    frame = _listing_frame(listed)
    records = [dict(e) for e in listed.values()]
    for record in records:
        record["companies"] = ", ".join(record["companies"])  # type: ignore[arg-type]
        record["tones"] = ", ".join(record["tones"])  # type: ignore[arg-type]
    inferred = pd.DataFrame(records, columns=analytics.LISTING_COLUMNS)
    inferred["published"] = pd.to_datetime(inferred["published"], utc=True)
    assert frame.dtypes.to_dict() == inferred.dtypes.to_dict()
    pd.testing.assert_frame_equal(frame, inferred)
    # A column of None only is left to pandas, as it builds it.
    none_only = {k: {**v, "story_id": None} for k, v in listed.items()}
    assert _listing_frame(none_only)["story_id"].dtype == object

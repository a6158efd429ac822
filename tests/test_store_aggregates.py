"""Figures grouped by the database agree with the same figures computed in pandas."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa

from dashboard.view import load_since
from presswatch import analytics
from presswatch.models import Filters
from presswatch.store import (
    Store,
)
from tests import oracle
from tests.generated import generated_articles, generated_companies
from tests.oracle import Frames, apply_filters

FILTERS = [
    Filters(),
    Filters(start=date(2026, 10, 20), end=date(2026, 10, 31)),
    Filters(start=date(2026, 10, 8), end=date(2026, 10, 19)),  # the previous one
    Filters(start=date(2026, 10, 20), end=None, companies=("OpenAI",)),
    Filters(start=None, end=date(2026, 10, 19), outlets=("Les Échos", "L’Usine Nouvelle")),
    Filters(languages=("fr",), tones=("negative", "positive")),
    Filters(start=date(2026, 10, 1), end=date(2026, 11, 30), topics=("Funding",)),
    # From the beginning: unique stories and articles of two companies from the rollups.
    Filters(start=None, end=date(2026, 10, 25), companies=("OpenAI", "Aleph Alpha")),
    Filters(languages=("en",)),
    Filters(start=date(2026, 10, 20), end=None, tones=("neutral",), companies=("OpenAI",)),
]


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys).reset_index(drop=True)


def test_figures_grouped_by_the_database_equal_the_pandas_figures(store: Store) -> None:
    """Every overview figure from the coverage table (Store's figures) equals the one
    analytics.py computes from the filtered frames, for every kind of filter. The articles
    are saved here, not taken from the `generated` archive: this test and the next keep
    the saving of them linked to the oracle's checks for testmon (docs/testing.md)."""
    store.save_articles(generated_articles())
    store.add_correction("a1", "negative", "Camille", company=generated_companies("a1")[0])
    assert_figures_equal_the_oracle(store)


def assert_figures_equal_the_oracle(store: Store) -> None:
    """Every overview figure of the store equals the oracle's, for every filter of FILTERS."""
    everything = Frames.from_store(store)
    for filters in FILTERS:
        view = apply_filters(filters, everything)
        relevant = view.articles[oracle.isin(view.articles["id"], view.mentions["article_id"])]
        assert not relevant.empty, filters
        name = str(filters.as_dict())

        share = analytics.share_from_counts(store.company_counts(filters))
        expected_share = oracle.share_of_voice(view.articles, view.mentions)
        pd.testing.assert_frame_equal(share, expected_share, check_dtype=False, obj=name)

        daily = store.daily_counts(filters)
        for frequency in ("day", "week", "month"):
            pd.testing.assert_frame_equal(
                analytics.timeline_from_daily(daily, frequency),
                oracle.mentions_over_time(view.articles, view.mentions, frequency),
                check_dtype=False,
                obj=f"{name} {frequency}",
            )
        assert analytics.frequency_from_daily(daily) == oracle.choose_frequency(relevant)
        daily_tones = store.daily_tones(filters)
        for frequency in ("day", "week", "month"):
            pd.testing.assert_frame_equal(
                analytics.tone_from_daily(daily_tones, frequency),
                oracle.tone_over_time(view.articles, view.tones, frequency, view.corrections),
                check_dtype=False,
                obj=f"{name} tone over time by {frequency}",
            )
        found = analytics.detect_spikes(
            analytics.fill_days(analytics.timeline_from_daily(daily, "day"))
        )
        expected_spikes = oracle.spikes(view.articles, view.mentions)
        assert found[["company", "day"]].values.tolist() == (
            expected_spikes[["company", "day"]].values.tolist()
        )
        behind = store.articles_of_days(filters, zip(found["company"], found["day"], strict=True))
        for row in expected_spikes.itertuples():
            got = behind[(behind["company"] == row.company) & (behind["day"] == row.day)]
            assert sorted(got["article_id"]) == sorted(row.article_ids)

        toned = analytics.company_tones(view.tones, view.corrections)
        expected_tones = toned.groupby(["company", "tone"]).size().to_dict()
        tones = store.tone_counts(filters)
        assert tones.set_index(["company", "tone"])["articles"].to_dict() == expected_tones

        pd.testing.assert_frame_equal(
            store.outlet_counts(filters, top=2),
            oracle.top_outlets(view.articles, view.mentions, top=2),
            check_dtype=False,
            obj=name,
        )
        pd.testing.assert_frame_equal(
            store.outlet_counts(filters, top=2, by="author"),
            oracle.top_outlets(view.articles, view.mentions, by="author", top=2),
            check_dtype=False,
            obj=f"{name} authors",
        )
        pd.testing.assert_frame_equal(
            store.topic_counts(filters),
            oracle.topic_counts(view.articles, view.mentions, view.topics),
            check_dtype=False,
            obj=f"{name} topics",
        )
        for frequency in ("day", "month"):
            pd.testing.assert_frame_equal(
                analytics.topics_from_daily(store.daily_topics(filters), frequency),
                oracle.topics_over_time(view.articles, view.mentions, view.topics, frequency),
                check_dtype=False,
                obj=f"{name} topics per {frequency}",
            )
        pd.testing.assert_frame_equal(
            store.prominence_counts(filters),
            oracle.prominence(view.mentions),
            check_dtype=False,
            obj=f"{name} prominence",
        )

        counts = store.article_counts(filters)
        assert counts["articles"].sum() == len(relevant), name
        by_precision = relevant["date_precision"].value_counts(dropna=False).to_dict()
        assert {
            (None if pd.isna(k) else k): v
            for k, v in zip(counts["date_precision"], counts["articles"], strict=True)
        } == {(None if pd.isna(k) else k): v for k, v in by_precision.items()}


def test_the_coverage_lists_from_the_database_equal_the_pandas_lists(store: Store) -> None:
    """The Coverage page's lists of a large view (the newest articles, the undated ones,
    the republished stories) are the first rows of the lists pandas makes of the view:
    the same articles, in the same order, with the same cells."""
    store.save_articles(generated_articles())
    corrected = generated_companies("a1")[0]
    store.add_correction("a1", "negative", "Camille", company=corrected)
    assert_lists_equal_the_oracle(store)
    # A person's tone wins in the list; an article lists each company's tone in order.
    first = store.coverage_listing(Filters(), 10_000).set_index("id").loc["a1"]
    tone_of = dict(zip(first["companies"].split(", "), first["tones"].split(", "), strict=True))
    assert tone_of[corrected] == "negative"


def assert_lists_equal_the_oracle(store: Store) -> None:
    """The Coverage page's lists of the store are the oracle's, for every filter of FILTERS."""
    everything = Frames.from_store(store)
    seen_republished = 0
    for filters in FILTERS:
        view = apply_filters(filters, everything)
        name = str(filters.as_dict())
        tones = analytics.company_tones(view.tones, view.corrections)
        expected = oracle.coverage_listing(view.articles, view.mentions, tones, view.topics)
        assert expected["topics"].str.contains("Modèles").any(), name
        # Articles published at the same moment (the burst of 27 October) are ordered by id.
        assert expected["published"].duplicated().sum() > 5, name
        for limit in (7, 10_000):
            got = store.coverage_listing(filters, limit)
            pd.testing.assert_frame_equal(
                got, expected.head(limit), check_dtype=False, obj=f"{name} first {limit}"
            )
        assert len(expected) == store.article_counts(filters)["articles"].sum()

        unbounded = apply_filters(dataclasses.replace(filters, start=None, end=None), everything)
        expected_undated = oracle.undated_listing(unbounded.articles, unbounded.mentions)
        assert len(expected_undated) == store.undated_articles(filters), name
        for limit in (2, 10_000):
            pd.testing.assert_frame_equal(
                store.undated_listing(filters, limit),
                expected_undated.head(limit),
                check_dtype=False,
                obj=f"{name} undated {limit}",
            )

        stories = oracle.stories(view.articles, view.mentions)
        republished = stories[stories["pickups"] > 1].reset_index(drop=True)
        seen_republished += len(republished)
        for limit in (3, 10_000):
            got_stories, total = store.republished_stories(filters, limit)
            assert total == len(republished), name
            pd.testing.assert_frame_equal(
                got_stories,
                republished.head(limit),
                check_dtype=False,
                obj=f"{name} republished {limit}",
            )
    assert seen_republished > 50


def test_coverage_follows_corrections_stories_updates_and_migration(store: Store) -> None:
    """The coverage table is rewritten when an article changes, a person corrects a tone
    or a reanalysis moves a story; a database of schema 7 gets it filled by migrate."""

    from presswatch.store.schema import coverage_table

    articles = generated_articles(12)
    store.save_articles(articles)

    def rows() -> dict[tuple[str, str], tuple[Any, ...]]:
        frame = store.read_frame(sa.select(coverage_table))
        return {
            (r.article_id, r.company): (r.mentions, r.tone, r.story_id, r.outlet)
            for r in frame.itertuples()
        }

    before = rows()
    assert len(before) == sum(len({m.company for m in a.mentions}) for a in articles)
    company = articles[2].mentions[0].company
    store.add_correction(articles[2].id, "positive", "Camille", company=company)
    store.add_correction(articles[2].id, "negative", "Lou", company=company)
    assert rows()[(articles[2].id, company)][1] == "negative"  # the latest wins
    edited = dataclasses.replace(
        articles[3], text="Édité.", outlet="Libération", mentions=articles[3].mentions[:1]
    )
    store.save_articles([edited])
    mine = {k: v for k, v in rows().items() if k[0] == edited.id}
    assert list(mine) == [(edited.id, edited.mentions[0].company)]
    assert next(iter(mine.values()))[3] == "Libération"
    store.replace_analysis(dataclasses.replace(articles[4], story_id="a0"))
    assert {v[2] for k, v in rows().items() if k[0] == articles[4].id} == {"a0"}

    current = rows()
    before = _rollups(store)
    with store.engine.begin() as conn:  # back to schema 7: no coverage table, no rollups
        for table in ("coverage", "daily_coverage", "daily_articles", "daily_outlets"):
            conn.execute(sa.text(f"DROP TABLE {table}"))
        conn.execute(sa.text("UPDATE meta SET value = '7' WHERE key = 'schema_version'"))
    assert store.migrate() == [
        "migrated schema 7 -> 8",
        "migrated schema 8 -> 9",
        "migrated schema 9 -> 10",
        "migrated schema 10 -> 11",
        "migrated schema 11 -> 12",
        "migrated schema 12 -> 13",
        "migrated schema 13 -> 14",
        "migrated schema 14 -> 15",
    ]
    assert rows() == current
    assert _rollups(store) == before


def test_a_windowed_load_gives_the_same_view_as_a_full_load(store: Store) -> None:
    """Reading only what a bounded view needs (dashboard.view.load_since) changes nothing
    in it, nor in its previous period; older day-dated articles are left in the database."""

    from presswatch.models import Filters
    from tests.oracle import Frames, apply_filters

    articles = generated_articles()
    # One article known only to the month, long before the window: placed by overlap.
    articles.append(
        dataclasses.replace(
            articles[1],
            id="month",
            entry_key="month",
            published=datetime(2026, 10, 1, tzinfo=UTC),
            date_precision="month",
        )
    )
    store.save_articles(articles)
    full = Frames.from_store(store)
    for start, end in [
        (datetime(2026, 11, 3).date(), datetime(2026, 11, 5).date()),
        (datetime(2026, 11, 6).date(), datetime(2026, 11, 6).date()),
    ]:
        window = Frames.from_store(store, load_since(start, end))
        assert len(window.articles) < len(full.articles)
        assert "month" in set(window.articles["id"])
        assert window.articles["published"].isna().sum() == full.articles["published"].isna().sum()
        filters = Filters(start=start, end=end, companies=("OpenAI",))
        for chosen in (filters, filters.previous()):
            assert chosen is not None
            expected, got = apply_filters(chosen, full), apply_filters(chosen, window)
            for name in ("articles", "mentions", "tones"):
                left = getattr(expected, name).sort_values(
                    list(getattr(expected, name).columns[:2])
                )
                right = getattr(got, name).sort_values(list(getattr(got, name).columns[:2]))
                pd.testing.assert_frame_equal(
                    left.reset_index(drop=True), right.reset_index(drop=True), obj=name
                )


def test_bulk_frames_read_through_copy_equal_the_row_by_row_frames(postgres_url: str) -> None:
    """PostgreSQL's large frames come through COPY as CSV: every awkward value survives."""

    awkward = [
        'Guillemets "doubles", virgule, point-virgule ; fin',
        "Deux lignes\nici",
        "\\N",  # the text of COPY's NULL marker, as text
        "",
        "2024",
        "L’apostrophe typographique, « les guillemets » et l'autre",
    ]
    articles = generated_articles(40)
    for index, text in enumerate(awkward):
        article = articles[index]
        articles[index] = dataclasses.replace(
            article,
            title=text,
            outlet=text or None,
            mentions=tuple(dataclasses.replace(m, sentence=text or "x") for m in article.mentions),
        )
    with Store(postgres_url) as store:
        store.save_articles(articles)
        from presswatch.store.schema import articles_table, mentions_table, tones_table

        for query in (
            sa.select(mentions_table),
            sa.select(tones_table),
            sa.select(articles_table.c.id, articles_table.c.title, articles_table.c.outlet),
        ):
            copied = store.read_frame(query, bulk=True)
            rows = store.read_frame(query)
            assert list(copied.columns) == list(rows.columns)
            left = copied.astype(object).where(copied.notna(), None)
            right = rows.astype(object).where(rows.notna(), None)
            key = list(copied.columns[:2])
            left = left.sort_values(key).reset_index(drop=True)
            right = right.sort_values(key).reset_index(drop=True)
            assert left.to_dict("records") == right.to_dict("records")
        titles = set(store.read_frame(sa.select(articles_table.c.title), bulk=True)["title"])
        assert {"\\N", "2024", "Deux lignes\nici"} <= titles


def test_frames_of_the_articles_first_collected_lately(store: Store) -> None:

    from presswatch.store.schema import articles_table

    store.save_articles(generated_articles(30))
    long_ago = datetime.now(UTC) - timedelta(days=90)
    with store.engine.begin() as conn:  # the first ten were collected three months ago
        conn.execute(
            sa.update(articles_table)
            .where(articles_table.c.id.in_([f"a{n}" for n in range(10)]))
            .values(first_seen=long_ago)
        )
    since = datetime.now(UTC) - timedelta(days=21)
    articles = store.articles_frame(seen_since=since)
    assert sorted(articles["id"]) == sorted(f"a{n}" for n in range(10, 30))
    assert articles["source_count"].tolist() == [1] * 20
    mentions = store.mentions_frame(seen_since=since)
    assert set(mentions["article_id"]) == set(articles["id"])
    assert set(store.tones_frame(seen_since=since)["article_id"]) == set(articles["id"])


def _rollups(store: Store) -> dict[str, Any]:
    """The rollups without their zero rows, and the first-of-story flags."""
    from presswatch.store.schema import (
        coverage_table,
        daily_articles_table,
        daily_coverage_table,
        daily_outlets_table,
    )

    daily = store.read_frame(sa.select(daily_coverage_table))
    daily = daily[(daily[["articles", "mentions", "stories"]] != 0).any(axis=1)]
    sets = store.read_frame(sa.select(daily_articles_table))
    sets = sets[sets["articles"] != 0]
    outlets = store.read_frame(sa.select(daily_outlets_table))
    outlets = outlets[(outlets[["articles", "stories"]] != 0).any(axis=1)]
    c = coverage_table.c
    flags = store.read_frame(sa.select(c.article_id, c.company).where(c.story_first))
    outlet_flags = store.read_frame(sa.select(c.article_id, c.company).where(c.outlet_first))
    return {
        "daily": sorted(map(tuple, daily.astype(str).values.tolist())),
        "sets": sorted(map(tuple, sets.astype(str).values.tolist())),
        "outlets": sorted(map(tuple, outlets.astype(str).values.tolist())),
        "firsts": sorted(map(tuple, flags.values.tolist())),
        "outlet firsts": sorted(map(tuple, outlet_flags.values.tolist())),
    }


def test_rollups_kept_by_every_change_equal_a_rebuild(store: Store) -> None:
    """The daily rollups and first-of-story flags, updated change by change (copies saved
    out of order, an edit that moves an article to another day and company, corrections,
    a reanalysis that moves a story), equal those of a rebuild from scratch."""

    articles = [
        dataclasses.replace(a, story_id=f"s{n % 10}")  # six copies per story
        for n, a in enumerate(generated_articles(60))
    ]
    store.save_articles(articles[30:])
    store.save_articles(articles[:30])  # older copies: their stories' first rows move
    first = articles[0]
    moved = dataclasses.replace(
        first,
        text="Édité.",
        published=datetime(2026, 9, 1, 8, tzinfo=UTC),
        date_precision="datetime",
        language="fr",
        outlet="Libération",
        mentions=first.mentions[:1],
    )
    store.save_articles([moved])
    for article in articles[5:8]:
        company = article.mentions[-1].company
        store.add_correction(article.id, "negative", "Camille", company=company)
    store.replace_analysis(dataclasses.replace(articles[12], story_id="s3"))
    store.replace_analysis(dataclasses.replace(articles[40], story_id=articles[40].id))
    kept = _rollups(store)
    firsts = {(a, c) for a, c in kept["firsts"]}
    pairs = store.read_frame(sa.text("SELECT DISTINCT story_id, company FROM coverage"))
    assert len(firsts) == len(pairs)  # one first row per story and company
    at_outlets = store.read_frame(
        sa.text("SELECT DISTINCT story_id, company, coalesce(outlet, '') FROM coverage")
    )
    assert len(kept["outlet firsts"]) == len(at_outlets)  # and per story, company and outlet
    store.rebuild_coverage()
    assert _rollups(store) == kept


def test_rollups_kept_under_figure_languages_equal_a_rebuild(store: Store) -> None:
    """The save path's statements are built once per process and the figure languages
    bound at each run: saves under one set of languages, then under another, keep the
    rollups a rebuild under the last set gives, and count no article of a language left
    out."""
    articles = [
        dataclasses.replace(a, story_id=f"s{n % 8}") for n, a in enumerate(generated_articles(48))
    ]
    store.set_figure_languages(["en", "fr"])
    store.save_articles(articles[24:])
    store.set_figure_languages(["fr"])
    store.save_articles(articles[:24])
    # Edits that take articles out of the figures and put others in.
    edited = [
        dataclasses.replace(a, text="Édité.", language=("en", "fr")[n % 2])
        for n, a in enumerate(articles[30:36])
    ]
    store.save_articles(edited)
    kept = _rollups(store)
    counted = store.read_frame(sa.text("SELECT DISTINCT article_id FROM coverage"))
    languages = {a.id: a.language for a in [*articles[:30], *edited, *articles[36:]]}
    expected = {i for i, language in languages.items() if language in ("fr", None)}
    assert set(counted["article_id"]) == expected
    assert any(language is None for language in languages.values())
    assert len(expected) < len(languages)  # some articles are in no figure language
    store.rebuild_coverage()
    assert _rollups(store) == kept

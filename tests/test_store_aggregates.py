"""Figures grouped by the database agree with the same figures computed in pandas."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pandas as pd
import sqlalchemy as sa

from presswatch import analytics
from presswatch.models import Article, CompanyTone, Mention
from presswatch.store import Store

COMPANIES = ["Mistral AI", "OpenAI", "Aleph Alpha"]


def generated_articles(count: int = 300) -> list[Article]:
    rng = random.Random(7)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    articles = []
    for n in range(count):
        companies = rng.sample(COMPANIES, rng.randint(1, 3))
        mentions = tuple(
            Mention(
                company=c,
                alias=c,
                matched=c,
                field="body",
                start=10 * k,
                end=10 * k + len(c),
                sentence=f"{c} est cité.",
                prominence="body",
            )
            for c in companies
            for k in range(rng.randint(1, 3))
        )
        articles.append(
            Article(
                id=f"a{n}",
                source="Feed",
                entry_key=str(n),
                text="…",
                outlet=rng.choice(["Le Monde", "Les Échos", None, "L’Usine Nouvelle"]),
                # Some undated: they count in shares of voice, never on a day.
                published=None if n % 17 == 0 else start + timedelta(hours=rng.randint(0, 900)),
                date_precision=None if n % 17 == 0 else "datetime",
                story_id=f"s{n // 3}",
                mentions=mentions,
                company_tones=tuple(
                    CompanyTone(c, 0.0, rng.choice(["positive", "neutral", "negative"]), "…")
                    for c in companies
                ),
            )
        )
    return articles


def test_sql_aggregates_match_pandas(store: Store) -> None:
    store.save_articles(generated_articles())
    articles = store.articles_frame()
    mentions = store.mentions_frame()
    tones = store.tones_frame()
    start, end = datetime(2026, 10, 5, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)

    dated = articles[articles["published"].notna()]
    joined = mentions.merge(dated, left_on="article_id", right_on="id")
    joined = joined[(joined["published"] >= start) & (joined["published"] < end)]
    expected = (
        joined.assign(day=joined["published"].dt.tz_localize(None).dt.normalize())
        .groupby(["day", "company"])
        .agg(mentions=("article_id", "size"), articles=("article_id", "nunique"))
        .reset_index()
    )
    daily = store.daily_mentions(start, end)
    pd.testing.assert_frame_equal(daily, expected, check_dtype=False)

    voice = store.share_of_voice_counts().set_index("company").sort_index()
    reference = analytics.share_of_voice(articles, mentions).set_index("company").sort_index()
    for column in ("articles", "stories", "mentions"):
        assert voice[column].tolist() == reference[column].tolist(), column

    tone = store.tone_counts(start, end).set_index(["company", "label"])["articles"]
    in_period = tones.merge(dated, left_on="article_id", right_on="id")
    in_period = in_period[(in_period["published"] >= start) & (in_period["published"] < end)]
    assert tone.to_dict() == in_period.groupby(["company", "label"]).size().to_dict()

    outlets = store.outlet_counts(top=2)
    assert outlets.groupby("company").size().max() == 2
    full = tones.merge(articles, left_on="article_id", right_on="id")
    full["outlet"] = full["outlet"].fillna("(unknown)")
    for company, group in outlets.groupby("company"):
        counts = full[full["company"] == company]["outlet"].value_counts()
        assert group["articles"].tolist() == counts.sort_values(ascending=False).head(2).tolist()


def test_a_windowed_load_gives_the_same_view_as_a_full_load(store: Store) -> None:
    """Reading only what a bounded view needs (dashboard.view.load_since) changes nothing
    in it, nor in its previous period; older day-dated articles are left in the database."""
    import dataclasses

    from dashboard.view import load_since
    from presswatch.frames import Filters, Frames

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
            expected, got = chosen.apply(full), chosen.apply(window)
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
    import dataclasses

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
        from presswatch.store import articles_table, mentions_table, tones_table

        for query in (
            sa.select(mentions_table),
            sa.select(tones_table),
            sa.select(articles_table.c.id, articles_table.c.title, articles_table.c.outlet),
        ):
            copied = store._read_frame(query, bulk=True)
            rows = store._read_frame(query)
            assert list(copied.columns) == list(rows.columns)
            left = copied.astype(object).where(copied.notna(), None)
            right = rows.astype(object).where(rows.notna(), None)
            key = list(copied.columns[:2])
            left = left.sort_values(key).reset_index(drop=True)
            right = right.sort_values(key).reset_index(drop=True)
            assert left.to_dict("records") == right.to_dict("records")
        titles = set(store._read_frame(sa.select(articles_table.c.title), bulk=True)["title"])
        assert {"\\N", "2024", "Deux lignes\nici"} <= titles


def test_frames_of_the_articles_first_collected_lately(store: Store) -> None:
    from datetime import timedelta

    from presswatch.store import articles_table

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

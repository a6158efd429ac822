"""Mention reviews: a wrong mark leaves every figure, marks survive reanalysis, the latest
verdict wins, and the precision estimate with its Wilson interval."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime

import pandas as pd
import pytest
import sqlalchemy as sa

from presswatch import analytics
from presswatch.analysis.analyzer import Analyzer, reanalyze
from presswatch.config import Config
from presswatch.errors import StoreError
from presswatch.models import Article, Filters, MentionKey
from presswatch.review import clean_text, marked_excerpt
from presswatch.store import Store
from tests import oracle
from tests.generated import generated_articles
from tests.oracle import Frames, apply_filters
from tests.test_store_aggregates import (
    _rollups,
    assert_figures_equal_the_oracle,
    assert_lists_equal_the_oracle,
)


def keys_of(article: Article, company: str) -> list[MentionKey]:
    """The keys of an article's mentions of one company."""
    return [MentionKey.of(article.id, m) for m in article.mentions if m.company == company]


def mark_some(store: Store, articles: list[Article]) -> tuple[list[MentionKey], tuple[str, str]]:
    """Marks of every kind on the generated archive: a pair whose mentions are all wrong, a
    pair with one wrong mention of several, right ones, and a wrong mark changed to right.
    Returns the mentions left marked wrong and the pair that should vanish."""
    wrong: list[MentionKey] = []
    several = next(a for a in articles if len(keys_of(a, a.mentions[0].company)) > 1)
    whole = next(
        a
        for a in articles
        if a.id != several.id
        and a.published is not None
        and len({m.company for m in a.mentions}) > 1
    )
    gone = (whole.id, whole.mentions[0].company)
    for key in keys_of(whole, gone[1]):
        store.mark_mention(key, "wrong", "Camille")
        wrong.append(key)
    one = keys_of(several, several.mentions[0].company)
    store.mark_mention(one[0], "wrong", "Léa")
    wrong.append(one[0])
    store.mark_mention(one[1], "right", "Léa")
    changed = MentionKey.of(articles[7].id, articles[7].mentions[0])
    store.mark_mention(changed, "wrong", "Camille")
    store.mark_mention(changed, "right", "Zoé")  # the latest wins
    return wrong, gone


def test_a_wrong_mark_leaves_every_figure_and_the_oracle_agrees(generated: Store) -> None:
    store, articles = generated, generated_articles()
    before = store.company_counts(Filters()).set_index("company")
    wrong, gone = mark_some(store, articles)
    after = store.company_counts(Filters()).set_index("company")
    lost = pd.Series([k.company for k in wrong]).value_counts()
    for company in before.index:
        assert after.loc[company, "mentions"] == before.loc[company, "mentions"] - lost.get(
            company, 0
        )
    assert after.loc[gone[1], "articles"] == before.loc[gone[1], "articles"] - 1
    listed = store.coverage_listing(Filters(), 10_000).set_index("id")
    assert gone[1] not in listed.loc[gone[0], "companies"].split(", ")
    # The oracle drops the same mentions: every figure and list agrees with it.
    frames = Frames.from_store(store)
    assert len(frames.mentions) == sum(len(a.mentions) for a in articles) - len(wrong)
    assert_figures_equal_the_oracle(store)
    assert_lists_equal_the_oracle(store)
    daily = store.daily_counts(Filters())
    view = apply_filters(Filters(), frames)
    pd.testing.assert_frame_equal(
        analytics.timeline_from_daily(daily, "day"),
        oracle.mentions_over_time(view.articles, view.mentions, "day"),
        check_dtype=False,
    )


def test_marks_kept_change_by_change_equal_a_rebuild(store: Store) -> None:
    articles = [
        dataclasses.replace(a, story_id=f"s{n % 10}") for n, a in enumerate(generated_articles(60))
    ]
    store.save_articles(articles)
    wrong, _ = mark_some(store, articles)
    store.unmark_mention(wrong[-1])  # a mark removed: its mention counts again
    kept = _rollups(store)
    store.rebuild_coverage()
    assert _rollups(store) == kept


def test_the_latest_mark_wins_and_a_mark_can_be_removed(store: Store) -> None:
    articles = generated_articles(5)
    store.save_articles(articles)
    key = MentionKey.of(articles[0].id, articles[0].mentions[0])
    counted = store.company_counts(Filters()).set_index("company")["mentions"]
    store.mark_mention(key, "wrong", "Camille", at=datetime(2026, 11, 1, tzinfo=UTC))
    store.mark_mention(key, "right", "Léa", at=datetime(2026, 11, 2, tzinfo=UTC))
    (row,) = store.mention_reviews_frame().to_dict("records")
    assert (row["verdict"], row["reviewer"]) == ("right", "Léa")
    assert store.company_counts(Filters()).set_index("company")["mentions"].equals(counted)
    store.mark_mention(key, "wrong", "Léa")
    lower = store.company_counts(Filters()).set_index("company")["mentions"]
    assert lower[key.company] == counted[key.company] - 1
    assert store.unmark_mention(key) and not store.unmark_mention(key)
    assert store.mention_reviews_frame().empty
    assert store.company_counts(Filters()).set_index("company")["mentions"].equals(counted)
    with pytest.raises(StoreError, match="not right or wrong"):
        store.mark_mention(key, "maybe", "Léa")
    with pytest.raises(StoreError, match="reviewer's name"):
        store.mark_mention(key, "right", "  ")
    with pytest.raises(StoreError, match="no mention of"):
        store.mark_mention(dataclasses.replace(key, start=9999), "right", "Léa")


WIND = "Le mistral souffle à 90 km/h sur Marseille. Mistral AI présente son modèle."
WIND_EN = "The mistral wind closed the port. Mistral AI shipped a new model."


def test_marks_survive_reanalyze(write_config: Callable[..., Config], store: Store) -> None:
    config = write_config(
        companies=[{"name": "Mistral AI", "role": "tracked", "aliases": ["Mistral"]}]
    )
    analyzer = Analyzer(config)
    articles = [
        analyzer.analyse(
            Article(
                id=f"w{n}",
                source="Feed",
                entry_key=f"w{n}",
                text=text,
                language=language,
                published=datetime(2026, 11, n + 1, tzinfo=UTC),
                date_precision="day",
            )
        )
        for n, (text, language) in enumerate(((WIND, "fr"), (WIND_EN, "en")))
    ]
    store.save_articles(articles)
    winds = [
        MentionKey.of(a.id, next(m for m in a.mentions if m.matched.islower())) for a in articles
    ]
    for key in winds:
        store.mark_mention(key, "wrong", "Camille")
    assert len(store.mentions_frame()) == 4
    assert store.company_counts(Filters())["mentions"].tolist() == [2]
    reanalyze(store, analyzer)  # every mention deleted and written again
    assert len(store.mentions_frame()) == 4
    assert store.company_counts(Filters())["mentions"].tolist() == [2]
    estimate = store.precision_estimates().set_index("company").loc["Mistral AI"]
    assert (estimate["reviewed"], estimate["right"]) == (2, 0)
    # An edited text: the mark no longer names a mention, and the estimate leaves it out.
    edited = dataclasses.replace(articles[0], text="Mistral AI présente son modèle.")
    store.save_articles([analyzer.analyse(edited)])
    assert store.precision_estimates().set_index("company").loc["Mistral AI", "reviewed"] == 1


# The reference values are scipy's (binomtest(...).proportion_ci(method="wilson")), read
# once: presswatch does not depend on scipy.
@pytest.mark.parametrize(
    ("right", "reviewed", "expected"),
    [
        (0, 0, None),
        (10, 10, (0.722467, 1.0)),
        (45, 50, (0.786398, 0.956524)),
        (8, 10, (0.490162, 0.943318)),
        (0, 10, (0.0, 0.277533)),
        (1, 2, (0.094531, 0.905469)),
    ],
)
def test_wilson_interval_of_known_inputs(
    right: int, reviewed: int, expected: tuple[float, float] | None
) -> None:
    found = analytics.wilson_interval(right, reviewed)
    if expected is None:
        assert found is None
    else:
        assert found == pytest.approx(expected, abs=1e-6)


def test_precision_estimates_per_company_in_one_query(store: Store) -> None:
    articles = generated_articles(40)
    store.save_articles(articles)
    openai = [MentionKey.of(a.id, m) for a in articles for m in a.mentions if m.company == "OpenAI"]
    for n, key in enumerate(openai[:10]):
        store.mark_mention(
            key, "wrong" if n < 2 else "right", "Léa", at=datetime(2026, 11, 1 + n, tzinfo=UTC)
        )
    estimates = store.precision_estimates()
    assert list(estimates.columns) == analytics.PRECISION_COLUMNS
    (row,) = estimates.to_dict("records")
    assert (row["company"], row["reviewed"], row["right"]) == ("OpenAI", 10, 8)
    assert row["precision"] == pytest.approx(0.8)
    low, high = analytics.wilson_interval(8, 10) or (0, 0)
    assert (row["low"], row["high"]) == pytest.approx((low, high))
    assert row["last_review"] == datetime(2026, 11, 10, tzinfo=UTC)


def test_a_sample_is_uniform_over_the_unreviewed_and_reproducible(store: Store) -> None:
    articles = generated_articles(60)
    store.save_articles(articles)
    first = store.review_sample("OpenAI", 5, seed=3)
    assert len(first) == 5 and set(first["company"]) == {"OpenAI"}
    again = store.review_sample("OpenAI", 5, seed=3)
    pd.testing.assert_frame_equal(first, again)
    assert set(first["field_text"]) <= {"…"} | {a.title for a in articles}
    for row in first.itertuples():
        store.mark_mention(
            MentionKey(row.article_id, row.company, row.field, row.start, row.matched),
            "right",
            "Léa",
        )
    everything = store.review_sample("OpenAI", 10_000, seed=1)
    total = sum(1 for a in articles for m in a.mentions if m.company == "OpenAI")
    assert len(everything) == total - 5
    reviewed = set(zip(first["article_id"], first["field"], first["start"], strict=True))
    left = set(zip(everything["article_id"], everything["field"], everything["start"], strict=True))
    assert not reviewed & left
    assert store.review_sample("Nobody", 5).empty


def test_an_archive_of_schema_11_gets_the_table_of_marks(db_url: str) -> None:
    with Store(db_url) as store:
        store.save_articles(generated_articles(5))
        with store.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE mention_reviews"))
            conn.execute(sa.text("UPDATE meta SET value = '11' WHERE key = 'schema_version'"))
        assert store.migrate() == [
            "migrated schema 11 -> 12",
            "migrated schema 12 -> 13",
            "migrated schema 13 -> 14",
            "migrated schema 14 -> 15",
        ]
        assert store.precision_estimates().empty


def test_untrusted_text_is_printed_plain() -> None:
    hostile = "Titre\x1b]8;;http://x.invalid\x07lien\x1b]8;;\x07 \u202eenil\u202c\nsuite\x9b2J"
    cleaned = clean_text(hostile)
    assert cleaned == "Titre]8;;http://x.invalidlien]8;; enil suite2J"
    assert all(ord(c) >= 32 and not 0x7F <= ord(c) <= 0x9F for c in cleaned)


def test_the_matched_words_are_marked_in_their_sentence() -> None:
    text = "Le mistral souffle. Mistral AI lève des fonds ; Mistral AI recrute."
    start = text.index("Mistral AI recrute")
    sentence = "Mistral AI lève des fonds ; Mistral AI recrute."
    # The second "Mistral AI" of the sentence, by its offsets, not the first one found.
    assert marked_excerpt(sentence, text, start, start + 10, "Mistral AI") == (
        "Mistral AI lève des fonds ; [[Mistral AI]] recrute."
    )
    # Without the field's text (or a text changed since): the first place it stands.
    assert marked_excerpt(sentence, None, 0, 0, "Mistral AI") == (
        "[[Mistral AI]] lève des fonds ; Mistral AI recrute."
    )
    assert (
        marked_excerpt("", text, 3, 10, "mistral")
        == "Le [[mistral]] souffle. Mistral AI lève des fonds ; Mistral AI recrute."
    )


def test_a_wrong_mark_rereads_the_company_tone_from_the_mentions_left(
    write_config: Callable[..., Config], store: Store
) -> None:
    from presswatch.analysis.nlp.sentiment import VaderBackend

    vader = VaderBackend()
    analyzer = Analyzer(write_config(), tone=vader)
    good = "Mistral AI remporte un immense succès et un excellent contrat."
    bad = "Orange mécanique : Mistral AI, un terrible échec, une catastrophe."
    article = analyzer.analyse(
        Article(
            id="r1", source="Feed", entry_key="r1", title=None, text=f"{good} {bad}",
            language="fr",
        )
    )  # fmt: skip
    store.save_articles([article])
    before = store.tones_frame().set_index("company").loc["Mistral AI"]
    wrong = next(
        MentionKey.of(article.id, m) for m in article.mentions if m.sentence.startswith("Orange")
    )
    store.mark_mention(wrong, "wrong", "Léa", label_of=vader.label)
    after = store.tones_frame().set_index("company").loc["Mistral AI"]
    (kept,) = [m.tone_score for m in article.mentions if m.sentence == good]
    assert after["score"] == pytest.approx(kept) and after["score"] > before["score"]
    assert after["label"] == "positive" and after["evidence"] == good
    # The article's tone is its companies' mean: Mistral AI's alone here.
    stored = store.articles_frame().set_index("id").loc[article.id]
    assert stored["tone_score"] == pytest.approx(after["score"])
    # The mark taken back, the tone is read from both sentences again.
    store.unmark_mention(wrong, label_of=vader.label)
    again = store.tones_frame().set_index("company").loc["Mistral AI"]
    assert again["score"] == pytest.approx(before["score"])

"""Syndication: republished copies grouped into one story, counted once."""

from __future__ import annotations

import dataclasses
import gc
import weakref
from collections.abc import Callable

import sqlalchemy as sa
from datasketch import MinHashLSH

from presswatch.analysis.analyzer import Analyzer, analyse, reanalyze
from presswatch.analysis.matching import Matcher
from presswatch.analysis.stories import NUM_PERM, THRESHOLD, StoryIndex, signature
from presswatch.config import Config
from presswatch.models import Article, make_article_id
from presswatch.store import Store
from tests import oracle
from tests.conftest import COMPANIES

WIRE = (
    "PARIS (AFP) - La start-up française Mistral AI a annoncé mardi une levée de fonds de "
    "600 millions d’euros auprès d’investisseurs américains et européens, portant sa "
    "valorisation à près de six milliards d’euros. L’entreprise, fondée en avril 2023 par "
    "Arthur Mensch, Guillaume Lample et Timothée Lacroix, entend accélérer le développement "
    "de ses modèles d’intelligence artificielle générative et ouvrir des bureaux aux "
    "États-Unis. Ce tour de table est l’un des plus importants jamais réalisés en Europe "
    "dans le secteur, selon plusieurs analystes interrogés par l’AFP."
)
# The same dispatch as a regional paper prints it: its own headline, a trimmed last
# sentence and a typographic difference.
PICKUP = (
    WIRE.replace("PARIS (AFP) - ", "")
    .replace(", selon plusieurs analystes interrogés par l’AFP.", ".")
    .replace("d’euros", "d'euros")
)
OTHER = (
    "OpenAI a présenté lundi une nouvelle version de ChatGPT capable de raisonner plus "
    "longuement avant de répondre, une évolution que l’entreprise californienne juge "
    "décisive pour les usages professionnels. Le modèle sera d’abord réservé aux abonnés "
    "payants, avant une ouverture plus large prévue dans les prochains mois, a précisé "
    "la société dirigée par Sam Altman lors d’une conférence à San Francisco."
)


def test_copies_share_a_story_and_other_articles_do_not() -> None:
    index = StoryIndex()
    first = index.assign("wire", signature(WIRE))
    second = index.assign("pickup", signature(PICKUP))
    third = index.assign("other", signature(OTHER))
    assert first == second == "wire"
    assert third == "other"


def test_short_texts_stay_their_own_story() -> None:
    assert signature("Mistral AI lève 600 millions d’euros.") is None
    index = StoryIndex()
    assert index.assign("a", None) == "a"
    assert index.assign("b", None) == "b"


def article(key: str, outlet: str, title: str, text: str) -> Article:
    return Article(
        id=make_article_id(f"https://{outlet}.example.com/{key}", outlet, key),
        source=outlet,
        entry_key=key,
        text=text,
        title=title,
        url=f"https://{outlet}.example.com/{key}",
        outlet=outlet,
    )


def test_counts_per_article_and_per_unique_story(
    write_config: Callable[..., Config], store: Store
) -> None:
    config = write_config()
    matcher = Matcher(config.companies)
    index = StoryIndex()
    articles = [
        article("1", "agence", "Mistral AI lève 600 millions", WIRE),
        article("2", "regional", "Levée record pour Mistral AI", PICKUP),
        article("3", "tech", "ChatGPT raisonne", OTHER),
    ]
    store.save_articles(analyse(a, matcher, index) for a in articles)
    frame = store.articles_frame()
    share = oracle.share_of_voice(frame, store.mentions_frame()).set_index("company")
    assert share.loc["Mistral AI", "articles"] == 2
    assert share.loc["Mistral AI", "stories"] == 1
    assert share.loc["OpenAI", "stories"] == 1
    assert share["share_stories"].sum() == 100.0
    table = oracle.stories(frame, store.mentions_frame())
    top = table.iloc[0]
    assert top["pickups"] == 2 and top["outlets"] == "agence, regional"
    assert "Mistral AI" in top["companies"]


def test_migration_from_schema_1_keeps_articles_and_gives_each_a_story(db_url: str) -> None:
    url = db_url
    saved = article("1", "agence", "Mistral AI lève 600 millions", WIRE)
    with Store(url) as store:
        store.save_articles([saved])
        with store.engine.begin() as conn:  # turn it back into a version 1 database
            for table in (
                "files",
                "coverage",
                "tones",
                "topics",
                "corrections",
                "source_events",
                "alerts",
                "mention_reviews",
            ):
                conn.execute(sa.text(f"DROP TABLE {table}"))
            for table in ("mentions", "articles"):
                conn.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN tone_score"))
                conn.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN tone_label"))
            conn.execute(sa.text("DROP INDEX ix_articles_story"))
            conn.execute(sa.text("ALTER TABLE articles DROP COLUMN story_id"))
            conn.execute(sa.text("ALTER TABLE articles DROP COLUMN signature"))
            conn.execute(sa.text("ALTER TABLE sources DROP COLUMN lease_owner"))
            conn.execute(sa.text("ALTER TABLE sources DROP COLUMN lease_until"))
            conn.execute(sa.text("UPDATE meta SET value = '1' WHERE key = 'schema_version'"))
    with Store(url) as store:
        assert store.migrations_done == [
            "migrated schema 1 -> 2",
            "migrated schema 2 -> 3",
            "migrated schema 3 -> 4",
            "migrated schema 4 -> 5",
            "migrated schema 5 -> 6",
            "migrated schema 6 -> 7",
            "migrated schema 7 -> 8",
            "migrated schema 8 -> 9",
            "migrated schema 9 -> 10",
            "migrated schema 10 -> 11",
            "migrated schema 11 -> 12",
            "migrated schema 12 -> 13",
            "migrated schema 13 -> 14",
        ]
        frame = store.articles_frame()
        assert frame["story_id"].tolist() == [saved.id]


def test_reanalyze_regroups_stories(write_config: Callable[..., Config], store: Store) -> None:
    config = write_config()
    copies = [
        article("1", "agence", "Mistral AI lève 600 millions", WIRE),
        article("2", "regional", "Levée record pour Mistral AI", PICKUP),
    ]
    store.save_articles(copies)  # stored without analysis: each its own story
    assert store.articles_frame()["story_id"].nunique() == 2
    changes = reanalyze(store, Analyzer(config))
    assert changes["Mistral AI"].added >= 2
    assert any("Mistral AI" in s for s in changes["Mistral AI"].added_sentences)
    assert store.articles_frame()["story_id"].nunique() == 1
    assert dataclasses.replace(copies[0]).id in set(store.articles_frame()["story_id"])


def test_only_articles_naming_a_company_are_fingerprinted(
    write_config: Callable[..., Config], store: Store
) -> None:
    """An article that names no company is in no figure: no MinHash for it, until a new
    alias makes it relevant, when reanalysis fingerprints it."""
    unrelated = (
        WIRE.replace("Mistral AI", "la jeune pousse")
        .replace("Arthur Mensch", "X")
        .replace("Timothée Lacroix", "Y")
    )
    analyzer = Analyzer(write_config())
    plain = analyzer.analyse(article("1", "agence", "Une levée record", unrelated), StoryIndex())
    assert plain.mentions == () and plain.signature is None and plain.story_id == plain.id
    store.save_articles([plain])

    companies = [*COMPANIES, {"name": "Pousse", "aliases": ["la jeune pousse"]}]
    changed = Analyzer(write_config(companies=companies))
    reanalyze(store, changed)
    stored = store.get_article(plain.id)
    assert stored is not None and stored.mentions and stored.signature is not None


def test_the_story_index_reads_the_store_only_when_an_article_needs_it() -> None:
    calls: list[int] = []

    def known() -> list[tuple[str, str, bytes | None]]:
        calls.append(1)
        return [("old", "old", signature(WIRE))]

    index = StoryIndex(known=known)
    assert calls == []
    assert index.assign("pickup", signature(PICKUP)) == "old"
    index.assign("other", signature(OTHER))
    assert calls == [1]


def test_the_index_keeps_the_bands_datasketch_chooses_for_the_threshold() -> None:
    chosen = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    for _ in range(2):  # the second index reuses the first one's bands
        lsh = StoryIndex()._lsh
        assert (lsh.b, lsh.r) == (chosen.b, chosen.r)


def test_an_index_is_freed_when_dropped_without_the_cyclic_collector() -> None:
    """A run's story index (a set per band and article) is freed when the run ends, not
    left for a full garbage collection during the next run."""
    index = StoryIndex()
    first = index.assign("a1", signature("Mistral AI lève 600 millions d’euros " * 5))
    assert index.assign("a2", signature("Mistral AI lève 600 millions d’euros " * 5)) == first
    lsh = weakref.ref(index._lsh)
    gc.disable()
    try:
        del index
        assert lsh() is None
    finally:
        gc.enable()


def test_a_flood_of_near_identical_entries_is_one_story_with_few_representatives() -> None:
    from bench.bench_stories import templated
    from presswatch.analysis.stories import MAX_REPRESENTATIVES, StoryIndex, signature

    index = StoryIndex()
    stories = {index.assign(f"e{i}", signature(templated(i))) for i in range(300)}
    assert len(stories) == 1
    # Each new entry is compared with a bounded number of the story's articles, not with
    # every earlier one: grouping stays linear (bench/bench_stories.py times it).
    assert len(index._hashes) <= MAX_REPRESENTATIVES

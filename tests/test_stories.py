"""Syndication: republished copies grouped into one story, counted once."""

from __future__ import annotations

import dataclasses
import gc
import random
import subprocess
import sys
import weakref
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import sqlalchemy as sa
from datasketch import MinHash, MinHashLSH

from bench.bench_stories import subquery_per_row_mark_firsts
from presswatch.analysis.analyzer import Analyzer, analyse, analyse_pending, reanalyze
from presswatch.analysis.matching import Matcher
from presswatch.analysis.stories import (
    CONTAINMENT_LSH_THRESHOLD,
    NUM_PERM,
    PINNED_BANDS,
    STORY_WINDOW,
    THRESHOLD,
    StoryIndex,
    StoryRow,
    _Period,
    shingles,
    signature,
)
from presswatch.config import Config
from presswatch.models import Article, make_article_id
from presswatch.store import Store
from presswatch.store.schema import articles_table
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
            "migrated schema 14 -> 15",
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
    asked: list[tuple[datetime, datetime]] = []
    day = datetime(2026, 3, 2, tzinfo=UTC)

    def known(since: datetime, until: datetime) -> list[StoryRow]:
        asked.append((since, until))
        data = signature(WIRE)
        return [("old", "old", data, day, len(data or b""))] if since <= day < until else []

    index = StoryIndex(known=known)
    assert asked == []
    assert index.assign("pickup", signature(PICKUP), day + timedelta(days=1)) == "old"
    read = len(asked)
    assert read > 0 and any(since <= day < until for since, until in asked)
    index.assign("other", signature(OTHER), day + timedelta(days=2))
    assert len(asked) == read  # the same periods are not read twice


def test_the_index_keeps_the_bands_datasketch_chooses_for_the_threshold() -> None:
    chosen = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    for _ in range(2):  # the second index reuses the first one's bands
        lsh = _Period().similar
        assert (lsh.b, lsh.r) == (chosen.b, chosen.r)
    # Both thresholds' bands are pinned (no integration at run time): datasketch's choice.
    assert set(PINNED_BANDS) == {THRESHOLD, CONTAINMENT_LSH_THRESHOLD}
    for threshold, pinned in PINNED_BANDS.items():
        chosen = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        assert pinned == (chosen.b, chosen.r), threshold
    windows = _Period().windows
    assert (windows.b, windows.r) == PINNED_BANDS[CONTAINMENT_LSH_THRESHOLD]


# In a fresh interpreter: the story index's module, then datasketch's integration and
# scipy.integrate used as other code would.
IMPORT_STORIES = """
import sys
import presswatch.analysis.stories
loaded = "scipy.integrate" in sys.modules
import datasketch.lsh
area = datasketch.lsh.integrate(lambda x: x, 0.0, 1.0)[0]
from scipy.integrate import solve_ivp
import scipy.integrate
print(loaded, round(area, 6), callable(solve_ivp), scipy.integrate.__name__)
"""


# The same checks where scipy.integrate or datasketch was imported before the index.
IMPORTED_FIRST = """
import sys
import {first}
import presswatch.analysis.stories
import datasketch.lsh
import scipy.integrate
area = datasketch.lsh.integrate(lambda x: x, 0.0, 1.0)[0]
from scipy.integrate import solve_ivp
print(type(sys.modules["scipy.integrate"]).__name__, round(area, 6), callable(solve_ivp))
"""


def _python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_story_index_loads_without_scipy_integrate_which_still_works() -> None:
    """A collector imports the index's module without scipy.integrate (datasketch imports
    it for a choice of bands we pin); datasketch's integration and scipy.integrate itself
    work as before, loaded when used."""
    assert _python(IMPORT_STORIES).split() == ["False", "0.5", "True", "scipy.integrate"]


@pytest.mark.parametrize("first", ["scipy.integrate", "datasketch"])
def test_the_index_works_whatever_was_imported_first(first: str) -> None:
    assert _python(IMPORTED_FIRST.format(first=first)).split() == ["module", "0.5", "True"]


def test_an_index_is_freed_when_dropped_without_the_cyclic_collector() -> None:
    """A run's story index (a set per band and article) is freed when the run ends, not
    left for a full garbage collection during the next run."""
    index = StoryIndex()
    first = index.assign("a1", signature("Mistral AI lève 600 millions d’euros " * 5))
    assert index.assign("a2", signature("Mistral AI lève 600 millions d’euros " * 5)) == first
    lsh = weakref.ref(index._periods[None].similar)
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
    assert len(index._indexed) <= MAX_REPRESENTATIVES


def _scrambled_flags(store: Store, seed: int) -> None:
    """Every coverage row's flags set at random (what the marking must correct)."""
    from presswatch.store.schema import coverage_table

    c = coverage_table.c
    picker = random.Random(seed)
    with store.engine.begin() as conn:
        keys = conn.execute(
            sa.select(c.article_id, c.company).order_by(c.article_id, c.company)
        ).all()
        for article_id, company in keys:
            conn.execute(
                sa.update(coverage_table)
                .where(c.article_id == article_id, c.company == company)
                .values(story_first=picker.random() < 0.5, outlet_first=picker.random() < 0.5)
            )


def _flags(store: Store) -> list[tuple[str, str, bool, bool]]:
    from presswatch.store.schema import coverage_table

    c = coverage_table.c
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(c.article_id, c.company, c.story_first, c.outlet_first).order_by(
                c.article_id, c.company
            )
        ).all()
    return [(a, b, bool(s), bool(o)) for a, b, s, o in rows]


def test_set_based_first_flags_equal_the_subquery_per_story(store: Store) -> None:
    """On a seeded archive (copies with equal dates, undated copies, unknown outlets, a
    story per three articles), the one-statement marking sets the same flags as the old
    subquery per story, on the stories asked for and on no other."""
    from presswatch.store.coverage import _mark_firsts
    from tests.generated import generated_articles

    store.save_articles(generated_articles(240))
    with store.engine.connect() as conn:
        stories = sorted(conn.execute(sa.text("SELECT DISTINCT story_id FROM coverage")).scalars())
    asked = stories[::2]  # half of the stories: the others keep their flags as they are
    for seed in (1, 2):
        _scrambled_flags(store, seed)
        scrambled = _flags(store)
        with store.engine.begin() as conn:
            subquery_per_row_mark_firsts(conn, asked)
        expected = _flags(store)
        _scrambled_flags(store, seed)
        assert _flags(store) == scrambled
        with store.engine.begin() as conn:
            _mark_firsts(conn, asked)
        assert _flags(store) == expected
    assert expected != scrambled  # the marking did change flags


# A long article written for the tests: 48 sentences of 12 to 14 words, each one distinct.
PLACES = ["Paris", "Lyon", "Munich", "Londres", "Montréal", "Bordeaux"]
SUBJECTS = [
    "le calcul",
    "les données",
    "les recrutements",
    "la sécurité",
    "les clients",
    "l’énergie",
    "les licences",
    "la recherche",
]


TEMPLATES = {
    "alpha": "Le volet {n} du plan porte sur {subject} à {place}, avec {people} personnes et "
    "un budget revu chaque trimestre.",
    "beta": "À {place}, l’équipe chargée de {subject} comptera {people} salariés d’ici "
    "la fin de l’année prochaine, indique la direction.",
}


def long_article(plan: str) -> str:
    """About 620 words of distinct sentences about one company's plan (alpha or beta)."""
    pairs = [(subject, place) for subject in SUBJECTS for place in PLACES]
    return " ".join(
        TEMPLATES[plan].format(n=n + 1, subject=subject, place=place, people=10 * (n + 3))
        for n, (subject, place) in enumerate(pairs)
    )


FULL_TITLE = "Mistral AI détaille son plan d’expansion"


def teaser_of(text: str, start: int, length: int) -> str:
    return " ".join(text.split()[start : start + length])


def test_a_teaser_joins_its_full_text_whichever_comes_first() -> None:
    """A feed's summary (the first 60 words) or a passage further in (70 words from the
    300th) joins the story of the full text that contains it, arriving before or after."""
    full = long_article("alpha")
    for start, length in ((0, 60), (300, 70)):
        teaser = teaser_of(full, start, length)
        index = StoryIndex()
        assert index.assign("full", signature(full, FULL_TITLE)) == "full"
        assert index.assign("teaser", signature(teaser, FULL_TITLE)) == "full"
        reverse = StoryIndex()
        assert reverse.assign("teaser", signature(teaser, "Le plan de Mistral AI")) == "teaser"
        assert reverse.assign("full", signature(full, FULL_TITLE)) == "teaser"
        # A copy of the full text found later still finds the story.
        assert reverse.assign("copy", signature(full, "Plan d’expansion")) == "teaser"


def test_a_teaser_joins_no_other_article() -> None:
    """A teaser of one plan stays out of another plan's story (the two share the sentence
    pattern, not the text), and a text quoting one sentence of the teaser stays apart."""
    index = StoryIndex()
    index.assign("alpha", signature(long_article("alpha"), FULL_TITLE))
    beta_teaser = teaser_of(long_article("beta"), 0, 60)
    assert index.assign("beta-teaser", signature(beta_teaser, FULL_TITLE)) == "beta-teaser"
    quoting = (
        "Un analyste de Bordeaux a lu le plan avec attention et le commente longuement pour "
        "ses lecteurs, qui attendent des chiffres précis sur les effectifs et les coûts. "
        + teaser_of(long_article("alpha"), 0, 14)
        + " Il doute que la société tienne ce calendrier, faute de locaux disponibles."
    )
    assert index.assign("quoting", signature(quoting, "Un avis")) == "quoting"


def test_a_short_generic_text_swallows_no_story() -> None:
    """A headline of 10 words is in no story but its own, and a boilerplate paragraph
    (40 words, "about the company") found in two distinct articles does not merge them."""
    assert signature("Mistral AI lève des fonds", "Mistral AI lève des fonds") is None
    boilerplate = (
        "À propos de la société : fondée à Paris, elle conçoit des modèles de langage "
        "ouverts et des outils pour les entreprises, emploie des chercheurs sur trois "
        "continents et publie ses travaux sous licence libre depuis sa création voici "
        "plusieurs années déjà."
    )
    index = StoryIndex()
    assert index.assign("about", signature(boilerplate, "À propos")) == "about"
    first = index.assign("alpha", signature(long_article("alpha") + " " + boilerplate, "A"))
    second = index.assign("beta", signature(long_article("beta") + " " + boilerplate, "B"))
    assert first == "about"  # the teaser's story takes its first full text ...
    assert second == "beta"  # ... and no second, distinct one


DAY = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_copies_a_year_apart_are_two_stories_whichever_comes_first() -> None:
    """An announcement repeated for next year's edition is a story of its own; a copy
    republished days later joins, also when it is collected before the original
    (a backfilled archive arrives out of order)."""
    index = StoryIndex()
    assert index.assign("2026", signature(WIRE), DAY) == "2026"
    assert index.assign("2027", signature(PICKUP), DAY + timedelta(days=365)) == "2027"
    assert index.assign("2025", signature(PICKUP), DAY - timedelta(days=365)) == "2025"
    # Days before and after: one story, in either order.
    assert index.assign("before", signature(PICKUP), DAY - timedelta(days=3)) == "2026"
    assert index.assign("after", signature(WIRE), DAY + timedelta(days=5)) == "2026"
    # A teaser is held to the same window.
    full = long_article("alpha")
    index.assign("plan", signature(full, FULL_TITLE), DAY)
    late = index.assign("late", signature(teaser_of(full, 0, 60), FULL_TITLE), DAY.replace(2027))
    assert late == "late"


def test_a_story_never_spans_more_than_the_window() -> None:
    """Copies 20 days apart chain no further than STORY_WINDOW from the story's first."""
    index = StoryIndex()
    stories = [
        index.assign(f"c{n}", signature(WIRE), DAY + timedelta(days=20 * n)) for n in range(3)
    ]
    assert stories[0] == stories[1] and stories[2] != stories[0]
    assert (DAY + timedelta(days=40)) - DAY > STORY_WINDOW


def test_stored_copies_are_grouped_by_their_dates_not_their_collection(
    write_config: Callable[..., Config], store: Store
) -> None:
    """A dispatch collected a year ago and next year's repeat are two stories; a copy of
    last year's dispatch collected now (a backfilled archive) joins last year's, found by
    its date, not among the articles collected lately."""
    analyzer = Analyzer(write_config())
    year_ago = DAY - timedelta(days=365)
    original = dataclasses.replace(
        article("1", "agence", "Mistral AI lève 600 millions", WIRE),
        published=year_ago,
        date_precision="datetime",
    )
    store.save_articles([original], queue=True)
    analyse_pending(store, analyzer)
    with store.engine.begin() as conn:  # collected a year ago, as it was published
        conn.execute(
            sa.update(articles_table)
            .where(articles_table.c.id == original.id)
            .values(first_seen=year_ago)
        )
    repeat = dataclasses.replace(
        article("2", "regional", "Levée record pour Mistral AI", PICKUP),
        published=DAY,
        date_precision="datetime",
    )
    backfilled = dataclasses.replace(
        article("3", "archives", "Mistral AI lève 600 millions", PICKUP),
        published=year_ago + timedelta(days=2),
        date_precision="datetime",
    )
    store.save_articles([repeat, backfilled], queue=True)
    analyse_pending(store, analyzer)
    stories = store.articles_frame().set_index("id")["story_id"]
    assert stories[backfilled.id] == stories[original.id] == original.id
    assert stories[repeat.id] == repeat.id
    # A reanalysis groups them the same way.
    reanalyze(store, analyzer)
    assert store.articles_frame().set_index("id")["story_id"].to_dict() == stories.to_dict()


def test_a_signature_stored_before_windows_still_finds_its_copies() -> None:
    """The whole article's MinHash leads the signature, as it was stored alone before: an
    old signature and a new one of the same dispatch are one story."""
    from presswatch.analysis.stories import _permutations, is_legacy

    minhash = MinHash(num_perm=NUM_PERM, scheme="affine32", permutations=_permutations())
    minhash.update_batch(list(shingles(f"Titre\n{WIRE}")))
    legacy = bytes(minhash.hashvalues.astype(np.uint32).tobytes())
    data = signature(WIRE, "Titre")
    assert data is not None and data[: len(legacy)] == legacy and not is_legacy(data)
    assert is_legacy(legacy)
    index = StoryIndex()
    index.add_known([("old", "old", legacy, DAY, len(legacy))])
    assert index.assign("new", signature(PICKUP, "Titre"), DAY) == "old"


def test_reanalysis_signs_again_what_was_signed_before_windows(
    write_config: Callable[..., Config], store: Store
) -> None:
    """An archive signed before teasers were compared gets windows at its reanalysis, so
    its full texts and teasers are grouped then."""
    from presswatch.analysis.stories import is_legacy

    analyzer = Analyzer(write_config())
    full_text = long_article("alpha")
    pieces = [
        article("full", "agence", FULL_TITLE, full_text),
        article("teaser", "flux", FULL_TITLE, teaser_of(full_text, 0, 60)),
    ]
    store.save_articles([analyzer.analyse(a, StoryIndex()) for a in pieces])
    with store.engine.begin() as conn:  # as session 12 stored them: the whole MinHash only
        for piece in pieces:
            stored = store.get_article(piece.id)
            assert stored is not None and stored.signature is not None
            conn.execute(
                sa.update(articles_table)
                .where(articles_table.c.id == piece.id)
                .values(signature=stored.signature[: NUM_PERM * 4])
            )
    assert store.articles_frame()["story_id"].nunique() == 2
    reanalyze(store, analyzer)
    assert store.articles_frame()["story_id"].nunique() == 1
    for piece in pieces:
        stored = store.get_article(piece.id)
        assert stored is not None and stored.signature and not is_legacy(stored.signature)


def test_a_damaged_stored_signature_stops_nothing() -> None:
    """A stored signature of the wrong length is skipped (its article compared with
    nothing) and the others still group; read directly, it is refused with the fix."""
    from presswatch.analysis.stories import Signature

    index = StoryIndex()
    index.add_known(
        [
            ("broken", "broken", b"\x00" * 700, DAY, 700),
            ("old", "old", signature(WIRE), DAY, None),
        ]
    )
    assert index.assign("new", signature(PICKUP), DAY) == "old"
    with pytest.raises(ValueError, match="presswatch reanalyze"):
        Signature.parse(b"\x00" * 700)


def test_the_stored_stories_give_one_signature_per_story(store: Store) -> None:
    """Read for a story index: every article with its date and its signature's length,
    the signature itself only for each story's first signed article in the range."""
    first, copy, unsigned = (
        dataclasses.replace(
            article(key, "agence", "Mistral AI", WIRE),
            published=DAY + timedelta(days=n),
            date_precision="datetime",
            story_id="story",
            signature=data,
        )
        for n, (key, data) in enumerate(
            [("1", signature(WIRE)), ("2", signature(PICKUP)), ("3", None)]
        )
    )
    store.save_articles([copy, unsigned, first])
    rows = store.story_rows(DAY - timedelta(days=1), DAY + timedelta(days=30))
    assert [(r[0], r[1], r[3]) for r in rows] == [
        (first.id, "story", DAY),
        (copy.id, "story", DAY + timedelta(days=1)),
        (unsigned.id, "story", DAY + timedelta(days=2)),
    ]
    assert [r[2] for r in rows] == [first.signature, None, None]
    assert [r[4] for r in rows] == [len(first.signature or b""), len(copy.signature or b""), None]
    assert store.story_rows(DAY + timedelta(days=1), DAY + timedelta(days=2))[0][2] is not None

"""Full-text search of the stored articles, on SQLite and PostgreSQL: words and phrases
in any case, accents and punctuation, an index that follows every change, and archives of
an older schema indexed by the migration."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from presswatch.models import Article, Filters, Mention
from presswatch.search import Search, SearchError, hits, parse_search, words
from presswatch.store import Store, listings
from presswatch.store.search import drop_index, matching_ids
from tests import oracle
from tests.generated import generated_articles
from tests.oracle import Frames, apply_filters
from tests.test_store_aggregates import FILTERS


def _article(number: int, title: str, text: str) -> Article:
    mention = Mention(
        company="Mistral AI",
        alias="Mistral AI",
        matched="Mistral AI",
        field="body",
        start=0,
        end=10,
        sentence=text[:60],
        prominence="body",
    )
    return Article(
        id=f"s{number}",
        source="Feed",
        entry_key=str(number),
        title=title,
        text=text,
        outlet="Le Monde",
        language="fr",
        published=datetime(2026, 11, 1, tzinfo=UTC) + timedelta(days=number),
        date_precision="datetime",
        story_id=f"s{number}",
        mentions=(mention,),
    )


ARTICLES = [
    _article(
        1,
        "Mistral AI lève 600 millions d’euros",
        "La levée de fonds de la start-up française conforte l’IA générative. Site : mistral.ai",
    ),
    _article(2, "OpenAI annonce GPT-5", "OpenAI and Mistral AI compete. The startup raised funds."),
    _article(
        3,
        "Élan pour l'IA en Europe",
        # French typography: no-break spaces inside guillemets and before ! ? : ;
        "ÉTÉ CHAUD POUR LES MODÈLES OUVERTS. «\u00a0Souveraineté\u00a0», dit le "
        "gouvernement\u202f! Coût\u00a0: 3\u00a0M€… UNE ŒUVRE.",
    ),
]


def _found(store: Store, text: str) -> list[str]:
    search = parse_search(text)
    assert search is not None, text
    listed = store.coverage_listing(Filters(), 100, search)["id"].tolist()
    assert store.search_count(Filters(), search) == len(listed), text
    return listed


def test_words_and_phrases_match_whatever_the_case_accents_and_punctuation(
    store: Store,
) -> None:
    store.save_articles(ARTICLES)
    expected = {
        "levee": ["s1"],
        "LEVÉE": ["s1"],
        '"levée de fonds"': ["s1"],
        '"fonds de levée"': [],  # a phrase keeps its order
        "fonds levée": ["s1"],  # words do not
        "l'ia": ["s3", "s1"],  # typographic or straight apostrophe
        "“l’IA générative”": ["s1"],
        "«start up»": ["s1"],
        "start-up": ["s1"],
        "startup": ["s2"],
        "mistral.ai": ["s2", "s1"],  # a phrase of its words: "Mistral AI" too
        "site mistral.ai": ["s1"],
        "Mistral": ["s2", "s1"],  # newest first
        "mistral -openai": ["s1"],
        'mistral -"start up"': ["s2"],
        "été modeles": ["s3"],
        "gpt-5": ["s2"],
        "600": ["s1"],
        "ouvert": [],  # whole words
        "ouvert*": ["s3"],  # or a prefix
        "gener*": ["s1"],
        '"l ia gen"*': [],  # a quoted phrase is exact
        "absent": [],
        "souverainete": ["s3"],
        "gouvernement": ["s3"],
        '"cout 3 m"': ["s3"],
        "œuvre": ["s3"],  # a capital that no decomposition lowers
    }
    found = {text: _found(store, text) for text in expected}
    assert found == expected
    # The search narrows the filters' view; it does not widen it.
    only_s3 = Filters(start=date_of(ARTICLES[2]), end=date_of(ARTICLES[2]))
    search = parse_search("l'IA")
    assert search is not None
    assert store.coverage_listing(only_s3, 100, search)["id"].tolist() == ["s3"]
    # More matches than the view's articles: SQLite checks the view's rows one by one.
    assert store.search_count(only_s3, search) == 1


def date_of(article: Article) -> date:
    assert article.published is not None
    return article.published.date()


def test_a_search_narrows_the_undated_articles_a_period_leaves_out(store: Store) -> None:
    undated = [
        dataclasses.replace(_article(n, title, text), published=None, date_precision=None)
        for n, title, text in [
            (7, "Sans date", "La levée de fonds de Mistral AI."),
            (8, "Sans date non plus", "Mistral AI recrute."),
        ]
    ]
    store.save_articles([*ARTICLES, *undated])
    november = Filters(start=date(2026, 11, 1), end=date(2026, 11, 30))
    for text, expected in [("levée", ["s7"]), ("mistral", ["s8", "s7"]), ("absent", [])]:
        search = parse_search(text)
        listed = store.undated_listing(november, 10, search)["id"].tolist()
        assert sorted(listed) == sorted(expected), text
        assert store.undated_articles(november, search) == len(expected), text
    assert store.undated_articles(november) == 2


def test_a_search_keeps_the_stories_republished_among_its_matches(store: Store) -> None:
    copy = dataclasses.replace(
        ARTICLES[0], id="s9", entry_key="9", outlet="Ouest-France", text=ARTICLES[0].text[:40]
    )
    store.save_articles([*ARTICLES, copy])
    for text, expected in [("levée", 1), ("conforte", 0), (None, 1)]:
        search = None if text is None else parse_search(text)
        stories, total = store.republished_stories(Filters(), 10, search)
        assert total == len(stories) == expected, text
    stories, _ = store.republished_stories(Filters(), 10, parse_search("mistral"))
    assert stories["pickups"].tolist() == [2]


def test_the_index_follows_changed_articles(store: Store) -> None:
    store.save_articles(ARTICLES)
    edited = dataclasses.replace(ARTICLES[2], text="Une rentrée chargée pour les modèles.")
    counts = store.save_articles([edited])
    assert counts.updated == 1
    assert _found(store, "chaud") == []
    assert _found(store, "rentree") == ["s3"]
    assert _found(store, "Europe") == ["s3"]  # the title, unchanged, is still found
    retitled = dataclasses.replace(edited, title="Un titre neuf")
    store.save_articles([retitled])
    assert _found(store, "Europe") == [] and _found(store, "neuf") == ["s3"]


def test_an_article_is_indexed_once_it_mentions_a_company(store: Store) -> None:
    """Articles that mention no company are in no list and are not indexed; one that
    comes to mention a company (a reanalysis) is found from then on."""
    store.save_articles(ARTICLES)
    unrelated = dataclasses.replace(
        _article(5, "Un article sans entreprise", "La marée haute à Saint-Malo."), mentions=()
    )
    store.save_articles([unrelated])
    maree = parse_search("maree")
    assert maree is not None

    def indexed() -> list[str]:
        with store.engine.connect() as conn:
            return [row[0] for row in conn.execute(matching_ids(store.backend, maree))]

    assert indexed() == [] and _found(store, "maree") == []
    store.replace_analysis(
        _article(5, "Un article sans entreprise", "La marée haute à Saint-Malo.")
    )
    assert indexed() == ["s5"] and _found(store, "maree") == ["s5"]
    assert _found(store, "saint malo") == ["s5"]


def test_an_archive_of_schema_10_is_indexed_by_the_migration(store: Store) -> None:
    store.save_articles(ARTICLES)
    with store.engine.begin() as conn:
        drop_index(conn)
        conn.execute(sa.text("UPDATE meta SET value = '10' WHERE key = 'schema_version'"))
    assert store.migrate() == [
        "migrated schema 10 -> 11",
        "migrated schema 11 -> 12",
        "migrated schema 12 -> 13",
        "migrated schema 13 -> 14",
        "migrated schema 14 -> 15",
    ]
    assert _found(store, "levee") == ["s1"]
    store.save_articles([_article(4, "Nouvelle levée", "Une levée encore.")])
    assert _found(store, "levee") == ["s4", "s1"]


def test_a_search_is_parsed_into_words_phrases_and_exclusions() -> None:
    search = parse_search('Levée  "l’IA générative" -OpenAI «start-up» mistral.ai')
    assert search is not None
    assert search.required == (
        ("levee",),
        ("l", "ia", "generative"),
        ("start", "up"),
        ("mistral", "ai"),
    )
    assert search.excluded == (("openai",),)
    prefixed = parse_search("Entrepris* l'I*")
    assert prefixed is not None and prefixed.required == (("entrepris*",), ("l", "i*"))
    assert parse_search("   ") is None and parse_search(' " - ! ') is None
    with pytest.raises(SearchError, match="add a word to find"):
        parse_search("-OpenAI")
    assert words("Œuvre ÉTÉ") == ("œuvre", "ete")


def test_hits_are_the_words_the_index_matched() -> None:
    text = "La levée de fonds de l’IA générative : LEVEE record, l'IA aussi. Lever."
    search = parse_search('levee "l ia" lev*')
    assert search is not None
    found = [text[start:end] for start, end in hits(text, search)]
    assert found == ["levée", "l’IA", "LEVEE", "l'IA", "Lever"]
    assert hits("Mistral AI", parse_search("openai") or Search(())) == []


def test_postgresql_cuts_and_folds_words_as_python_does(postgres_url: str) -> None:
    """The words PostgreSQL indexes are the words a search is made of, in a C-locale
    database (where its parser reads any character beyond ASCII as a letter)."""
    from presswatch.store.search import _pg_document

    samples = [
        "Élan LEVÉE l’IA «\u00a0ŒUVRE\u00a0» ÇA gouvernement\u00a0: start-up",
        "mistral.ai 3\u00a0M€… ﬁn d’année — Zoë, Ångström, Æsir; « Bien\u202f! »",
    ]
    with Store(postgres_url) as store, store.engine.connect() as conn:
        for sample in samples:
            lexemes = conn.execute(
                sa.text(
                    "SELECT array_agg(lexeme ORDER BY position) FROM (SELECT lexeme, "
                    "unnest(positions) AS position FROM unnest("
                    f"(SELECT {_pg_document()} FROM (SELECT :title AS title, '' AS text) x)"
                    ")) words"
                ),
                {"title": sample},
            ).scalar_one()
            assert tuple(lexemes) == words(sample), sample


@pytest.mark.parametrize("few", [listings.FEW_MATCHES, 0])
def test_rare_and_common_searches_list_the_same_articles_either_way(
    generated: Store, few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite starts from the matches or from the view's rows depending on how many
    match, PostgreSQL names the matches when they are few (search_condition): either way
    the list is the pandas list's matching rows."""
    monkeypatch.setattr(listings, "FEW_MATCHES", few)

    store = generated
    titles = {a.id: a.title or "" for a in generated_articles()}
    everything = Frames.from_store(store)
    for text in ('"titre 7"', "titre", "titre -7", '"titre 1"*'):
        search = parse_search(text)
        assert search is not None
        for filters in FILTERS[:4]:
            view = apply_filters(filters, everything)
            listing = oracle.coverage_listing(view.articles, view.mentions)
            expected = [i for i in listing["id"] if hits(titles[i], search)]
            expected = [
                i
                for i in expected
                if not any(hits(titles[i], Search((phrase,))) for phrase in search.excluded)
            ]
            got = store.coverage_listing(filters, 10_000, search)["id"].tolist()
            assert got == expected, (text, filters)
            assert store.search_count(filters, search) == len(expected)

"""Themes per (article, company): sentences naming the company, lemmas, weights, evidence.

Every text here is written for the tests (no publisher text)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from presswatch.analysis.analyzer import Analyzer
from presswatch.analysis.matching import Matcher
from presswatch.analysis.nlp.sentiment import VaderBackend
from presswatch.analysis.nlp.topics import TopicMatcher, keyword_languages
from presswatch.config import Config, load_config
from presswatch.export import COLUMNS, export_rows
from presswatch.models import Article, Filters, Topic
from presswatch.store import Store
from tests.conftest import COMPANIES

PROJECT_CONFIG = Path(__file__).resolve().parents[1] / "config.yaml"
TAXONOMY = {
    "funding": ["levée de fonds", "tour de table", "valorisation", "funding round", "raised"],
    "partnerships": ["partenariat", "accord de partenariat", "partnership", "partner"],
    "regulation and policy": ["AI Act", "CNIL", "régulation", "regulation", "policy"],
    "international expansion": ["bureaux", "implantation", "offices", "expansion"],
    "products and models": ["nouveau modèle", "lancement", "launch", "model"],
}


def themes(config: Config, title: str, text: str, language: str = "fr") -> dict[str, list[Topic]]:
    """Each company's themes (in rank order) in a written article."""
    mentions = Matcher(config.companies).find(title, text)
    found = TopicMatcher(TAXONOMY).themes(title, text, language, mentions)
    out: dict[str, list[Topic]] = {}
    for topic in found:
        out.setdefault(topic.company, []).append(topic)
    return out


def names(found: dict[str, list[Topic]], company: str) -> list[str]:
    return [t.topic for t in found.get(company, [])]


def test_a_theme_rests_on_a_sentence_naming_its_company(
    write_config: Callable[..., Config],
) -> None:
    config = write_config()
    found = themes(
        config,
        "Mistral AI boucle une levée de fonds de 600 millions d'euros",
        "La start-up parisienne Mistral AI a finalisé son tour de table mardi.\n\n"
        "Le marché reste dominé par OpenAI, dont ChatGPT compte des centaines de millions "
        "d'utilisateurs.\n"
        "Plusieurs fonds américains ont signé un partenariat avec la banque publique.",
    )
    assert names(found, "Mistral AI") == ["funding"]
    (funding,) = found["Mistral AI"]
    assert "Mistral AI" in funding.sentence and funding.rank == 1
    # OpenAI is named in the body only; the partnership sentence names no company.
    assert "OpenAI" not in found


def test_a_passing_word_makes_no_theme(write_config: Callable[..., Config]) -> None:
    config = write_config()
    body = (
        "The company showed its assistant to developers on Tuesday.\n\n"
        "Google DeepMind, which has offices in London and Paris, declined to comment."
    )
    assert (
        names(themes(config, "A busy week for AI assistants", body, "en"), "Google DeepMind") == []
    )
    twice = body + "\nGoogle DeepMind also plans a European expansion next year."
    assert names(
        themes(config, "A busy week for AI assistants", twice, "en"), "Google DeepMind"
    ) == ["international expansion"]


def test_lemmas_match_whole_words_not_stems(write_config: Callable[..., Config]) -> None:
    config = write_config()
    # "Officer" shares the stem of "offices"; "partnering" is not the noun "partner"ship.
    english = themes(
        config,
        "OpenAI names a new chief legal officer",
        "OpenAI said on Monday its chief legal officer will start in March.\n"
        "OpenAI's officers declined to comment on the appointment.",
        "en",
    )
    assert "international expansion" not in names(english, "OpenAI")
    # Inflected forms are the keyword: "levées de fonds", "bureaux".
    french = themes(
        config,
        "Mistral AI multiplie les levées de fonds",
        "Mistral AI ouvre de nouveaux bureaux à Londres et à Singapour.",
    )
    assert names(french, "Mistral AI") == ["funding", "international expansion"]
    # "fond" (the bottom of something) is not "fonds" (money).
    assert (
        names(
            themes(config, "Mistral AI va au fond des choses", "Mistral AI explique sa méthode."),
            "Mistral AI",
        )
        == []
    )


def test_a_keyword_counts_only_in_its_own_language(write_config: Callable[..., Config]) -> None:
    config = write_config()
    assert keyword_languages("launch", ("fr", "en")) == ["en"]
    assert keyword_languages("CNIL", ("fr", "en")) == ["fr", "en"]
    # "Launch" is the name of a programme in French prose, not a product launch.
    found = themes(
        config,
        "Mistral AI rejoint le programme Launch de Station F",
        "Mistral AI accompagnera les jeunes pousses du programme Launch pendant six mois.",
    )
    assert "products and models" not in names(found, "Mistral AI")
    english = themes(
        config,
        "Mistral AI will launch a new model",
        "Mistral AI plans to launch the model in Europe first.",
        "en",
    )
    assert names(english, "Mistral AI") == ["products and models"]
    # An article in a language outside the taxonomy's gets no theme.
    mentions = Matcher(config.companies).find("Mistral AI: neue Partnerschaft", "Mistral AI.")
    assert TopicMatcher(TAXONOMY).themes("t", "Mistral AI.", "de", mentions) == []


def test_furniture_in_the_lead_weighs_nothing(write_config: Callable[..., Config]) -> None:
    config = write_config()
    title = "Meta opens its Llama weights to researchers"
    body = "See our ethics and disclosure policy.\n\nMeta said the new policy covers every release."
    assert "regulation and policy" not in names(themes(config, title, body, "en"), "Meta AI")
    # The same words in prose of the lead count.
    prose = "Meta changed its policy in Brussels.\n\nMeta said the new policy covers every release."
    assert "regulation and policy" in names(themes(config, title, prose, "en"), "Meta AI")


def test_themes_are_ranked_by_weight_with_the_main_one_first(
    write_config: Callable[..., Config],
) -> None:
    config = write_config()
    found = themes(
        config,
        "Mistral AI signe un accord de partenariat avec un groupe de télécoms",
        "Mistral AI et l'opérateur ont signé un accord de partenariat de cinq ans.\n\n"
        "Mistral AI prévoit aussi une implantation à Munich.\n"
        "Selon Arthur Mensch, Mistral AI ouvrira des bureaux en Allemagne cette année.",
    )
    ranked = found["Mistral AI"]
    assert [t.topic for t in ranked] == ["partnerships", "international expansion"]
    assert [t.rank for t in ranked] == [1, 2]
    assert ranked[0].weight > ranked[1].weight
    assert all("Mistral AI" in t.sentence for t in ranked)


def test_figures_count_a_theme_for_its_company_only(
    write_config: Callable[..., Config], store: Store
) -> None:
    config = write_config(topics=TAXONOMY)
    analyzer = Analyzer(config, tone=VaderBackend())
    article = Article(
        id="a1",
        source="Tests",
        entry_key="1",
        title="Mistral AI lève 600 millions d'euros",
        text="Mistral AI a finalisé une levée de fonds record mardi.\n\n"
        "OpenAI, son concurrent américain, n'a pas réagi.",
        language="fr",
    )
    store.save_articles([analyzer.analyse(article)])
    counts = store.topic_counts(Filters())
    assert counts[["company", "topic"]].values.tolist() == [["Mistral AI", "funding"]]
    assert store.topic_counts(Filters(companies=("OpenAI",))).empty
    (stored,) = store.topics_frame().to_dict("records")
    assert (stored["company"], stored["theme_rank"]) == ("Mistral AI", 1)
    assert "Mistral AI" in stored["sentence"]
    listed = store.topic_counts(Filters(topics=("funding",), companies=("OpenAI",)))
    assert listed.empty
    # The export's rows are (article, company): each shows that company's themes.
    header = COLUMNS["articles"]
    rows = [dict(zip(header, r, strict=True)) for r in export_rows(store, Filters(), config)]
    assert {r["company"]: r["topics"] for r in rows} == {"Mistral AI": "funding", "OpenAI": ""}


def test_migration_keeps_old_themes_for_each_company_of_their_article(store: Store) -> None:
    from tests.generated import generated_articles

    store.save_articles(generated_articles()[:12])
    with store.engine.begin() as conn:  # back to schema 13: a theme per article
        conn.execute(sa.text("DROP INDEX ix_topics_article_company"))
        for column in ("company", "weight", "theme_rank"):
            conn.execute(sa.text(f"ALTER TABLE topics DROP COLUMN {column}"))
        conn.execute(sa.text("DELETE FROM topics"))
        conn.execute(
            sa.text(
                "INSERT INTO topics (article_id, topic, keyword, sentence)"
                " VALUES ('a0', 'Funding', 'levée', 'une phrase')"
            )
        )
        conn.execute(sa.text("UPDATE meta SET value = '13' WHERE key = 'schema_version'"))
    assert store.migrate() == ["migrated schema 13 -> 14", "migrated schema 14 -> 15"]
    rows = store.topics_frame()
    mentions = store.mentions_frame()
    named = set(mentions.loc[mentions["article_id"] == "a0", "company"])
    assert len(named) >= 1
    assert sorted(rows["company"]) == sorted(named) and set(rows["topic"]) == {"Funding"}
    counts = store.topic_counts(Filters())
    assert set(counts["company"]) == named


def test_a_list_or_a_likeness_is_not_about_the_company(
    write_config: Callable[..., Config],
) -> None:
    config = write_config()
    # A podcast's rundown: the partnership belongs to another item of the list.
    rundown = (
        "This week we talk about the new Meta headset, the weather in Lyon, a partnership "
        "between two small studios, and our listeners' questions."
    )
    assert names(themes(config, "Episode 42", rundown, "en"), "Meta AI") == []
    # "OpenAI-like" valuations are other companies' valuations.
    likeness = (
        "Small labs now raise funding at OpenAI-like valuations without any revenue.\n"
        "OpenAI-style chatbots are everywhere, investors say."
    )
    assert names(themes(config, "The AI bubble", likeness, "en"), "OpenAI") == []
    same = "OpenAI's valuation doubled as investors raised funding for the lab."
    assert names(themes(config, "The AI bubble", same, "en"), "OpenAI") == ["funding"]


MESSAGES = {
    "European sovereignty": ["souveraineté européenne", "European sovereignty"],
    "open-weight models": ["modèles ouverts", "open-weight models", "open weights"],
}


def test_key_messages_carried_per_company_with_their_share(
    write_config: Callable[..., Config], store: Store
) -> None:
    config = write_config(topics=TAXONOMY, messages=MESSAGES)
    analyzer = Analyzer(config, tone=VaderBackend())
    articles = [
        Article(
            id="fr1",
            source="Tests",
            entry_key="1",
            title="Mistral AI, un enjeu de souveraineté européenne",
            text="Pour Arthur Mensch, Mistral AI défend la souveraineté européenne face "
            "aux géants américains.\n\nOpenAI n'a pas commenté.",
            language="fr",
        ),
        Article(
            id="en1",
            source="Tests",
            entry_key="2",
            title="Mistral AI ships open-weight models again",
            text="Mistral AI released two open-weight models on Tuesday.",
            language="en",
        ),
        Article(
            id="en2",
            source="Tests",
            entry_key="3",
            title="Mistral AI hires in London",
            # A passing phrase about someone else: the message is not Mistral AI's here.
            text="Mistral AI opened an office in London. Across town, a rival lab talked "
            "about European sovereignty at length.",
            language="en",
        ),
    ]
    store.save_articles([analyzer.analyse(a) for a in articles])
    shares = store.message_shares(Filters()).set_index(["company", "message"])
    assert shares.loc[("Mistral AI", "European sovereignty"), "articles"] == 1
    assert shares.loc[("Mistral AI", "open-weight models"), "articles"] == 1
    assert shares.loc[("Mistral AI", "European sovereignty"), "of"] == 3
    assert round(shares.loc[("Mistral AI", "European sovereignty"), "share"]) == 33
    assert "Mistral AI" in shares.loc[("Mistral AI", "European sovereignty"), "sentence"]
    assert "OpenAI" not in shares.index.get_level_values("company")


def project_themes(config: Config, title: str, text: str, language: str) -> dict[str, list[str]]:
    """Each company's theme names with the project's own taxonomy (config.yaml)."""
    taxonomy = load_config(PROJECT_CONFIG).topics
    mentions = Matcher(config.companies).find(title, text)
    out: dict[str, list[str]] = {}
    for topic in TopicMatcher(taxonomy).themes(title, text, language, mentions):
        out.setdefault(topic.company, []).append(topic.topic)
    return out


def test_the_news_source_is_not_the_subject(write_config: Callable[..., Config]) -> None:
    press = [
        *COMPANIES,
        {"name": "Reuters", "role": "competitor", "aliases": ["Reuters"]},
        {"name": "Le Monde", "role": "competitor", "aliases": ["Le Monde"]},
    ]
    config = write_config(companies=press)
    english = project_themes(
        config,
        "Reuters: regulators open an antitrust probe into Mistral AI's cloud deal",
        "The European Commission is looking at the deal, according to Reuters, and "
        "lawmakers want answers.\n\nMistral AI said it would cooperate with the probe.",
        "en",
    )
    assert "Reuters" not in english
    assert english["Mistral AI"] == ["regulation and policy"]
    french = project_themes(
        config,
        "Mistral AI : la CNIL ouvre une enquête",
        "Selon Le Monde, la CNIL a ouvert une enquête préliminaire visant Mistral AI.\n\n"
        "« Nous répondrons à la justice », a indiqué la start-up.",
        "fr",
    )
    # A French title's "Mistral AI :" names the subject, the source is "selon Le Monde".
    assert "Le Monde" not in french
    assert french["Mistral AI"] == ["regulation and policy"]


def test_the_project_taxonomy_finds_legal_and_product_news_in_both_languages(
    write_config: Callable[..., Config],
) -> None:
    config = write_config()
    lawsuit = project_themes(
        config,
        "The Justice Department sued Meta over its ad targeting",
        "Meta was sued on Tuesday; a federal judge will hear the lawsuit in June.",
        "en",
    )
    assert lawsuit["Meta AI"] == ["regulation and policy"]
    perquisition = project_themes(
        config,
        "Perquisition chez Aleph Alpha",
        "Les enquêteurs ont mené une perquisition dans les locaux d'Aleph Alpha lundi, "
        "dans le cadre d'une enquête préliminaire.",
        "fr",
    )
    assert perquisition["Aleph Alpha"] == ["regulation and policy"]
    features = project_themes(
        config,
        "Google brings new features to its Gemini app",
        "Google unveiled three new features for Gemini on Monday.",
        "en",
    )
    assert features["Google DeepMind"] == ["products and models"]
    layoffs = project_themes(
        config,
        "Aleph Alpha annonce un plan social",
        "Aleph Alpha prévoit des suppressions de postes dans son équipe de Heidelberg.",
        "fr",
    )
    assert layoffs["Aleph Alpha"] == ["talent and hiring"]


def test_journalism_and_leaked_code_are_no_theme(write_config: Callable[..., Config]) -> None:
    config = write_config()
    # A newsroom's "enquête" is journalism, not a judicial inquiry.
    inquiry = project_themes(
        config,
        "Notre enquête : une semaine dans les bureaux parisiens de Mistral AI",
        "Pendant une semaine, notre enquête a suivi les équipes de Mistral AI à Paris.",
        "fr",
    )
    assert "regulation and policy" not in inquiry.get("Mistral AI", [])
    # Source code that leaked is not open source.
    leak = project_themes(
        config,
        "OpenAI's source code leaked by a contractor",
        "A contractor copied OpenAI's source code to a personal drive, the company said.",
        "en",
    )
    assert "open source" not in leak.get("OpenAI", [])

"""Mentions a comms team can trust: furniture, accents that make another word, common words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from presswatch.analysis.analyzer import Analyzer
from presswatch.analysis.matching import Matcher, ambiguity_warnings
from presswatch.analysis.nlp.furniture import furniture_around
from presswatch.analysis.nlp.html import html_to_text
from presswatch.cli import main
from presswatch.config import CompanyConfig, Config
from presswatch.models import Article

MATCHER = Matcher(
    [
        CompanyConfig(name="Telegram"),
        CompanyConfig(name="Twitter"),
        CompanyConfig(name="Amazon"),
        CompanyConfig(name="Apple"),
        CompanyConfig(name="Reuters"),
        CompanyConfig(name="Uber"),
        CompanyConfig(name="Libération"),
        CompanyConfig(name="Société Générale"),
        CompanyConfig(name="Mistral AI", role="tracked"),
    ]
)


def found(text: str) -> list[str]:
    return [m.company for m in MATCHER.find(None, text)]


@pytest.mark.parametrize(
    "text",
    [
        "Partager sur Facebook\nPartager sur Twitter",
        "Follow them on GitHub or Twitter.",
        "Schreibt uns per Mail oder Telegram.",
        "Seguici su Telegram per non perdere nulla.",
        "Suivez-nous sur Twitter et sur Telegram",
        "Buy on Amazon",
        "© 2024 Thomson Reuters. All rights reserved.",
        ".share-link .twitter { color: #1da1f2; }",
        "defaults write com.apple.dock autohide -bool true",
        "Les bandes-annonces sont sur trailers.apple.com depuis hier.",
        "Écrivez à presse@apple.com pour une accréditation.",
        "go get github.com/amazon/ion-go/ion",
        "Facebook | Twitter | LinkedIn | Instagram",
        "Telegram: https://t.me/presswatch",
        "Lien : https://www.reuters.com/technology/une-page",
    ],
)
def test_page_furniture_is_no_mention(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("Microsoft will buy a stake in Mistral AI, Reuters reported.", "Reuters"),
        ("Apple a présenté hier un nouvel iPhone à Cupertino.", "Apple"),
        ("Un article de reuters.com affirme le contraire.", "Reuters"),  # a domain in prose
        ("Le rachat a été annoncé.Apple, de son côté, se tait.", "Apple"),  # glued sentences
        ("Les grévistes ont bloqué les bureaux d’Amazon à Lyon.", "Amazon"),
        ("Partager un modèle ouvert : Mistral AI publie ses poids.", "Mistral AI"),
    ],
)
def test_prose_around_a_name_stays_a_mention(text: str, company: str) -> None:
    assert company in found(text)


def test_furniture_names_its_reason() -> None:
    text = "Suivez-nous sur Telegram"
    start = text.index("Telegram")
    assert furniture_around(text, start, start + len("Telegram")) == "call to action"
    assert furniture_around("Apple vend.", 0, 5) is None


def test_table_cells_are_words_apart() -> None:
    html = "<table><tr><th>Newegg Price</th><th>Amazon Price</th></tr></table>"
    assert html_to_text(html) == "Newegg Price Amazon Price"
    assert found(html_to_text(html)) == ["Amazon"]


def test_an_accented_word_of_another_language_is_not_the_name() -> None:
    german = "Wir sprechen über die neue Regierung und über das Wetter."
    assert found(german) == []
    assert found("Uber lance un service de livraison à Paris.") == ["Uber"]
    english = "The liberation of Paris was celebrated by the Allies."
    assert found(english) == []
    assert found("Selon Libération, le projet est abandonné.") == ["Libération"]
    assert found("LIBERATION : le projet est abandonné") == ["Libération"]  # capitals


def test_a_phrase_is_matched_without_its_accents() -> None:
    assert found("Societe Generale a publié ses résultats.") == ["Société Générale"]


def test_accents_exact_and_fold_are_the_users_choice() -> None:
    exact = Matcher(
        [CompanyConfig(name="Hermès", aliases=[{"alias": "Hermès", "accents": "exact"}])]
    )
    assert [m.company for m in exact.find(None, "Hermès ouvre une boutique.")] == ["Hermès"]
    assert exact.find(None, "Hermes ouvre une boutique.") == []
    folded = Matcher([CompanyConfig(name="Uber", aliases=[{"alias": "Uber", "accents": "fold"}])])
    assert [m.company for m in folded.find(None, "Über alles")] == ["Uber"]


GERMAN_QUOTE = (
    "Die Aktie von Meta ist heute stark gefallen, nachdem der Konzern seine Prognose für "
    "das laufende Geschäftsjahr deutlich gesenkt und weitere Entlassungen angekündigt hat."
)
FRENCH_PARAGRAPH = (
    "Le groupe Meta a annoncé mardi une nouvelle version de son modèle de langage, "
    "présentée comme une réponse directe aux annonces de ses concurrents européens."
)
ENGLISH_PARAGRAPH = (
    "Meta said on Tuesday that it would release a new version of its language model, "
    "presented as a direct answer to the announcements of its European rivals."
)


def test_a_short_alias_in_a_passage_of_another_language_is_no_mention() -> None:
    companies = [CompanyConfig(name="Meta"), CompanyConfig(name="Mistral AI")]
    matcher = Matcher(companies, ["fr", "en"])
    page = f"{FRENCH_PARAGRAPH}\n{GERMAN_QUOTE}"
    starts = [m.start for m in matcher.find(None, page)]
    assert starts == [page.index("Meta")]  # the French one; the German quote's is dropped
    assert [m.company for m in matcher.find(None, ENGLISH_PARAGRAPH)] == ["Meta"]
    # A long name is not a word of another language: it counts in any passage.
    quoted = GERMAN_QUOTE.replace("Meta", "Mistral AI")
    assert [m.company for m in matcher.find(None, quoted)] == ["Mistral AI"]
    # Configured for German too, the quote counts; without languages, every passage does.
    assert len(Matcher(companies, ["fr", "en", "de"]).find(None, page)) == 2
    assert len(Matcher(companies).find(None, page)) == 2


def test_common_words_are_warned_one_line_per_alias() -> None:
    companies = [
        CompanyConfig(name="Orange", aliases=["Total"]),
        CompanyConfig(name="Apple", aliases=[{"alias": "Apple", "case_sensitive": True}]),
        CompanyConfig(
            name="Free Mobile",
            aliases=[{"alias": "Free", "case_sensitive": True, "context": ["opérateur"]}],
        ),
        CompanyConfig(name="Mistral AI", aliases=["Mixtral"]),
    ]
    lines = ambiguity_warnings(companies, ("fr", "en"))
    assert len(lines) == 4
    orange, total, apple, free_mobile = lines
    assert orange.startswith(
        'warning: Orange: "Orange" is also a common word in French and English'
    )
    assert "case_sensitive: true, context:" in orange
    assert total.startswith('warning: Orange: "Total"')
    # case_sensitive alone still counts "Total War" and a title's first word: context asked.
    assert apple.startswith('warning: Apple: "Apple"') and "case_sensitive" not in apple
    assert free_mobile.startswith('warning: Free Mobile: "Free Mobile"')
    assert not any("Mixtral" in line or '"Free"' in line for line in lines)


def test_check_config_prints_the_warnings(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        "companies:\n  - name: Orange\n  - name: Mistral AI\n    role: tracked\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["check-config", "--config", str(config)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert warnings == [
        'warning: Orange: "Orange" is also a common word in French and English; give it rules:'
        " - {alias: Orange, case_sensitive: true, context: [words that stand near the company]}"
    ]


def test_an_article_in_another_language_keeps_its_short_aliases_to_be_listed(
    write_config: Callable[..., Config],
) -> None:
    config = write_config(
        companies=[
            {"name": "Meta", "role": "competitor"},
            {"name": "Mistral AI", "role": "tracked"},
        ],
        tone={"backend": "vader"},
    )
    analyzer = Analyzer(config)
    german = f"{GERMAN_QUOTE} {GERMAN_QUOTE.replace('heute', 'gestern')}"
    whole = analyzer.analyse(
        Article(id="de", source="Feed", entry_key="de", title=None, text=german)
    )
    assert whole.language == "de" and [m.company for m in whole.mentions] == ["Meta", "Meta"]
    assert whole.company_tones == ()  # listed, in no figure, scored by no model
    mixed = analyzer.analyse(
        Article(
            id="fr", source="Feed", entry_key="fr", title=None, language="fr",
            text=f"{FRENCH_PARAGRAPH}\n{GERMAN_QUOTE}",
        )
    )  # fmt: skip
    # A French article (its feed says so): the German quote's "Meta" is dropped.
    assert mixed.language == "fr" and len(mixed.mentions) == 1

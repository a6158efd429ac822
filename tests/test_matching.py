"""Alias matching: accents, case, apostrophes, word boundaries, offsets, sentences."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from presswatch.config import CompanyConfig
from presswatch.matching import Matcher
from presswatch.nlp.text import fold, sentence_spans

COMPANIES = [
    CompanyConfig(
        name="Mistral AI",
        role="tracked",
        aliases=["Le Chat", "Mistral Large"],
        people=["Timothée Lacroix"],
    ),
    CompanyConfig(name="OpenAI", aliases=["ChatGPT"]),
    CompanyConfig(name="Meta AI", aliases=["Meta"]),
    CompanyConfig(name="Cœur Labs"),
]
MATCHER = Matcher(COMPANIES)


def companies_in(text: str, title: str | None = None) -> list[str]:
    return [m.company for m in MATCHER.find(title, text)]


def test_case_and_accents_are_ignored() -> None:
    assert companies_in("MISTRAL AI lève des fonds. mistral ai recrute.") == ["Mistral AI"] * 2
    people = MATCHER.find(None, "Selon Timothee LACROIX, cofondateur.")
    assert [(m.company, m.kind, m.alias) for m in people] == [
        ("Mistral AI", "person", "Timothée Lacroix")
    ]


def test_typographic_and_straight_apostrophes_and_elision() -> None:
    assert companies_in("Le succès d’OpenAI inquiète.") == ["OpenAI"]
    assert companies_in("Le succès d'OpenAI inquiète.") == ["OpenAI"]
    assert companies_in("Bien qu’OpenAI domine, l'offre de ChatGPT évolue.") == ["OpenAI"] * 2
    assert companies_in("OpenAI’s new model") == ["OpenAI"]


def test_word_boundaries() -> None:
    assert companies_in("Metadata and metaverse are not Meta.") == ["Meta AI"]
    assert companies_in("OpenAIs, ChatGPTeam, XMistral AI") == []


def test_line_breaks_hyphens_and_spaces_inside_an_alias() -> None:
    assert companies_in("la start-up Mistral\nAI a levé") == ["Mistral AI"]
    assert companies_in("Mistral-AI et Mistral\u00a0AI") == ["Mistral AI", "Mistral AI"]


def test_ligatures_match_their_spelled_out_form() -> None:
    assert companies_in("Coeur Labs et CŒUR LABS") == ["Cœur Labs", "Cœur Labs"]


def test_longest_alias_wins() -> None:
    mentions = MATCHER.find(None, "Mistral Large rivalise avec GPT-4.")
    assert [(m.company, m.alias) for m in mentions] == [("Mistral AI", "Mistral Large")]


def test_offsets_sentence_and_prominence() -> None:
    title = "Le Chat de Mistral AI"
    text = "Mistral AI lance Le Chat. C’est un rival de ChatGPT.\nDans le corps, Meta répond. Fin."
    mentions = MATCHER.find(title, text)
    for mention in mentions:
        source = title if mention.field == "title" else text
        assert source[mention.start : mention.end] == mention.matched
        assert mention.matched in mention.sentence
    by_place = [(m.company, m.prominence, m.sentence) for m in mentions]
    assert by_place == [
        ("Mistral AI", "title", title),
        ("Mistral AI", "title", title),
        ("Mistral AI", "lead", "Mistral AI lance Le Chat."),
        ("Mistral AI", "lead", "Mistral AI lance Le Chat."),
        ("OpenAI", "lead", "C’est un rival de ChatGPT."),
        ("Meta AI", "body", "Dans le corps, Meta répond."),
    ]


def test_sentences_respect_abbreviations_and_quotes() -> None:
    text = "M. Mensch l’a dit. « C’est un succès », ajoute-t-il. Fin du texte"
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert sentences == [
        "M. Mensch l’a dit.",
        "« C’est un succès », ajoute-t-il.",
        "Fin du texte",
    ]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fold_keeps_length(text: str) -> None:
    assert len(fold(text)) == len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(["Mistral AI", "d’OpenAI", "Meta", "ChatGPT", "Œ"]))
def test_matching_never_raises_and_offsets_hold(noise: str, planted: str) -> None:
    text = f"{noise} {planted} {noise}"
    for mention in MATCHER.find(noise or None, text):
        source = text if mention.field == "text" else noise
        assert source[mention.start : mention.end] == mention.matched
    assert ("Mistral AI" in companies_in(text)) >= (planted == "Mistral AI")

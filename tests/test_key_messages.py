"""Key messages matched on lemmas: inflections carry a message, a negation denies it, and
a phrasing's words scattered over sentences are no phrasing. Sentences written for the
tests, in French and English."""

from __future__ import annotations

import pytest

from presswatch.analysis.matching import Matcher
from presswatch.analysis.nlp.topics import TopicMatcher, is_negated
from presswatch.config import CompanyConfig

MESSAGES = {
    "European sovereignty": [
        "souveraineté européenne",
        "champion européen",
        "European sovereignty",
        "European champion",
    ],
    "open-weight models": ["modèles ouverts", "open-weight models", "open-source models"],
}
COMPANIES = [CompanyConfig(name="Mistral AI", aliases=["Mistral"])]


def carried(text: str, language: str) -> set[str]:
    """The messages Mistral AI carries in a text (its title left empty)."""
    matcher = TopicMatcher(MESSAGES, ("fr", "en"), min_weight=1.0, skip_negated=True)
    mentions = Matcher(COMPANIES).find("", text)
    return {
        t.topic for t in matcher.themes("", text, language, mentions) if t.company == "Mistral AI"
    }


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Mistral AI publie un nouveau modèle ouvert pour les développeurs.", "fr"),
        ("Les modèles ouverts de Mistral AI séduisent les banques.", "fr"),
        ("Mistral AI released an open-source model for coders.", "en"),
        ("Mistral AI keeps shipping open-weight models to researchers.", "en"),
    ],
)
def test_an_inflected_phrasing_carries_the_message(text: str, language: str) -> None:
    assert carried(text, language) == {"open-weight models"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Les investisseurs voient Mistral AI comme des champions européens.", "fr"),
        ("Analysts call Mistral AI one of the European champions of software.", "en"),
    ],
)
def test_a_plural_phrasing_carries_the_message(text: str, language: str) -> None:
    assert carried(text, language) == {"European sovereignty"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Mistral AI n'est pas un champion européen, estime l'analyste.", "fr"),
        ("Pour ce fonds, Mistral AI n'est plus le champion européen du secteur.", "fr"),
        ("Mistral AI ne défend jamais la souveraineté européenne dans ses contrats.", "fr"),
        ("Mistral AI is not a European champion yet, the analyst said.", "en"),
        ("Mistral AI isn't building open-weight models any more.", "en"),
        ("Mistral AI is far from a European champion today.", "en"),
    ],
)
def test_a_negated_phrasing_denies_the_message(text: str, language: str) -> None:
    assert carried(text, language) == set()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "Mistral AI, qui n'a jamais caché ses ambitions, défend la souveraineté européenne.",
            "fr",
        ),
        ("Mistral AI never hid its goals, but it defends European sovereignty.", "en"),
    ],
)
def test_a_negation_in_another_clause_leaves_the_message(text: str, language: str) -> None:
    assert carried(text, language) == {"European sovereignty"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "Mistral AI parle de souveraineté face aux régulateurs. La réponse européenne tarde.",
            "fr",
        ),
        ("Mistral AI shipped open-source tools. Its models run on laptops.", "en"),
        ("Mistral AI talks about Europe. Sovereignty is a word it avoids.", "en"),
    ],
)
def test_a_phrasing_scattered_over_sentences_is_none(text: str, language: str) -> None:
    assert carried(text, language) == set()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Mistral AI n'est pas cotée et défend la souveraineté européenne.", "fr"),
        ("Mistral AI does not publish its data and defends European sovereignty.", "en"),
        ("Mistral AI is not only a European champion but a global one.", "en"),
        ("Mistral AI n'est pas seulement un champion européen.", "fr"),
        ("Mistral AI est non seulement un champion européen, mais mondial.", "fr"),
        ("Mistral AI has never been more of a European champion.", "en"),
        ("Mistral AI ne s'est jamais autant affiché en champion européen.", "fr"),
        ("Mistral AI n'a jamais été plus champion européen qu'aujourd'hui.", "fr"),
        ("Mistral AI isn't just a European champion to its investors.", "en"),
        ("Mistral AI ne lève pas de fonds, tandis qu'il défend la souveraineté européenne.", "fr"),
        ("Mistral AI is not listed, while it defends European sovereignty.", "en"),
        ("Mistral AI, which is not listed, is a European champion.", "en"),
    ],
)
def test_an_affirmative_phrasing_with_a_negative_word_carries_the_message(
    text: str, language: str
) -> None:
    """ "and" ends a negation's reach; "not only", "pas seulement", "never more" and
    "jamais autant" affirm."""
    assert carried(text, language) == {"European sovereignty"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Mistral AI n'est pas et ne sera jamais un champion européen.", "fr"),
        ("Mistral AI is not and never was a European champion.", "en"),
        ("Mistral AI ne sera jamais plus un champion européen.", "fr"),
    ],
)
def test_a_negation_after_and_still_denies(text: str, language: str) -> None:
    """A negation repeated after "and", or "jamais plus" (never again), still denies."""
    assert carried(text, language) == set()


def test_negation_is_read_in_the_clause_before_the_phrasing() -> None:
    sentence = "Mistral AI n'est pas cotée, mais défend la souveraineté européenne."
    assert not is_negated(sentence, sentence.index("souveraineté"))
    sentence = "Mistral AI n'est pas un champion européen."
    assert is_negated(sentence, sentence.index("champion"))

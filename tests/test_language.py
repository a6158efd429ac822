"""Language detection: French and English, short texts undecided, restricted languages."""

from __future__ import annotations

from presswatch.analysis.nlp.language import detect_language, primary_language


def test_french_and_english() -> None:
    assert detect_language("La start-up française a levé des fonds auprès d’investisseurs.") == "fr"
    assert detect_language("The French start-up raised money from American investors.") == "en"
    assert detect_language("Mistral AI lève 600 millions d’euros") == "fr"


def test_too_short_to_tell() -> None:
    assert detect_language("Mistral AI") is None
    assert detect_language("") is None


def test_another_language_is_named_when_the_text_is_long_enough() -> None:
    german = (
        "Das Unternehmen hat neue Investoren gefunden und wächst schnell. Die Gründer wollen "
        "im nächsten Jahr in weitere Länder expandieren und neue Mitarbeiter einstellen."
    )
    italian = (
        "Il presidente ha detto che l'azienda crescerà ancora nei prossimi anni, grazie ai "
        "nuovi investimenti annunciati oggi a Milano e a Roma dalla società."
    )
    assert detect_language(german) == "de"
    assert detect_language(italian) == "it"
    english = (
        "The company found new investors and is growing fast. Its founders want to expand "
        "into more countries next year and to hire many new engineers in Paris."
    )
    assert detect_language(english, ("fr",)) == "en"  # English is out of a French config
    # A short text is too unsure to leave the configured languages.
    short = "Das Unternehmen wächst schnell."
    assert detect_language(short, ("fr", "en")) in ("fr", "en", None)


def test_primary_subtags() -> None:
    assert primary_language("fr-FR") == "fr"
    assert primary_language("en_GB") == "en"
    assert primary_language("DE") == "de"
    assert primary_language("") is None and primary_language(None) is None


def test_restricted_to_the_configured_languages() -> None:
    assert detect_language("Une phrase en français, sans aucun doute.", ("fr",)) == "fr"
    assert detect_language("Une phrase en français, sans aucun doute.", ()) is None

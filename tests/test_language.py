"""Language detection: French and English, short texts undecided, restricted languages."""

from __future__ import annotations

from presswatch.analysis.nlp.language import detect_language


def test_french_and_english() -> None:
    assert detect_language("La start-up française a levé des fonds auprès d’investisseurs.") == "fr"
    assert detect_language("The French start-up raised money from American investors.") == "en"
    assert detect_language("Mistral AI lève 600 millions d’euros") == "fr"


def test_too_short_to_tell() -> None:
    assert detect_language("Mistral AI") is None
    assert detect_language("") is None


def test_restricted_to_the_configured_languages() -> None:
    german = "Das Unternehmen hat neue Investoren gefunden und wächst schnell."
    assert detect_language(german, ("fr", "en")) in ("fr", "en", None)
    assert detect_language("Une phrase en français, sans aucun doute.", ("fr",)) == "fr"
    assert detect_language("Une phrase en français, sans aucun doute.", ()) is None

"""Emerging terms leave out general language (wordfreq's frequent words, unless many
outlets carry them: then they are the period's news), demonyms and nation adjectives, and
spokespeople's titles. Sentences written for the tests, in English and French."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from presswatch import analytics

QUIET = {
    "en": "Markets were calm and the weather was mild across the region.",
    "fr": "Le marché est resté calme et le temps doux dans toute la région.",
    "de": "Die Märkte blieben ruhig und das Wetter war mild in der ganzen Region.",
}
# Headlines in Title Case: a capital there says nothing, so only the word's frequency in
# the language tells a general word ("Community") from a rare name ("Vireo").
HEADLINES = {
    "en": [
        "What the {w} Said About the Harbour Plan",
        "Letters From the {w} on Tuesday's Council Meeting",
        "Inside the {w} That Runs the Night Market",
        "Why the {w} Keeps Asking Questions",
        "How the {w} Changed Over Twenty Years",
        "Photos: the {w} Gathers for the Autumn Fair",
    ],
    "fr": [
        "Ce Que la {w} Pense du Nouveau Port",
        "Lettres de la {w} Après la Réunion du Conseil",
        "Dans la {w} Qui Anime le Marché Nocturne",
        "Pourquoi la {w} Continue de Poser des Questions",
        "Comment la {w} a Changé en Vingt Ans",
        "Photos : la {w} Réunie Pour la Foire d'Automne",
    ],
}
BODIES = {
    "en": "Residents met in the hall on Thursday evening to talk about the plans.",
    "fr": "Les habitants se sont réunis jeudi soir dans la salle pour parler des projets.",
}
RARE = {"en": "Vireo", "fr": "Vireo"}


def _texts(rows: list[tuple[str, str]]) -> tuple[pd.Series, pd.Series]:
    """Texts (numbered so no two are equal) and their outlets."""
    texts = [f"{text}\n{n}." for n, (text, _) in enumerate(rows)]
    return pd.Series(texts, dtype=object), pd.Series([o for _, o in rows], dtype=object)


def _period(language: str, word: str, outlets: list[str], filler: int = 20) -> list[str]:
    """The period's terms: ``word`` in the headlines of one article per outlet given (each
    headline different), then ``filler`` quiet articles of other outlets."""
    rows = [
        (f"{HEADLINES[language][n].format(w=word)}\n{BODIES[language]}", outlet)
        for n, outlet in enumerate(outlets)
    ]
    return _against_a_quiet_period(rows, language, filler)


def _against_a_quiet_period(rows: list[tuple[str, str]], language: str, filler: int) -> list[str]:
    """The emerging terms of a period of ``rows`` (text, outlet) and ``filler`` quiet
    articles of five other outlets, against a period of ten quiet articles."""
    rows = [*rows, *((QUIET[language], f"Outlet {n % 5}") for n in range(filler))]
    now = _texts(rows)
    before = _texts([(QUIET[language], f"Outlet {n % 5}") for n in range(10)])
    found = analytics.emerging_terms(
        now[0], before[0], current_outlets=now[1], previous_outlets=before[1], min_articles=2
    )
    return list(found["term"])


GENERAL_TERMS = [
    ("en", "Community"),
    ("fr", "Communauté"),
    ("en", "Community Garden"),
    ("fr", "Communauté Locale"),
]


@pytest.mark.parametrize(("language", "general"), GENERAL_TERMS)
def test_a_general_word_in_a_few_articles_is_no_emerging_term(language: str, general: str) -> None:
    """A frequent word of the language (or a phrase of such words) in the headlines of four
    articles of two outlets is general language; a rare word in the same headlines
    emerges."""
    two_outlets = ["Gazette", "Herald", "Gazette", "Herald"]
    words = general.lower().split()
    assert all(analytics.general_frequency(w, language) >= 4 for w in words)
    assert analytics.general_frequency(RARE[language].lower(), language) < 4
    terms = _period(language, general, two_outlets)
    assert not any(w in term.split() for term in terms for w in words)
    assert RARE[language].lower() in _period(language, RARE[language], two_outlets)


@pytest.mark.parametrize(("language", "general"), GENERAL_TERMS)
def test_a_general_word_many_outlets_carry_in_many_articles_is_news(
    language: str, general: str
) -> None:
    """The same word or phrase in six articles of four outlets is the period's news. A
    word needs five articles and 5% of the period's; a phrase, three articles (as a phrase
    of lower-case common words does): both need three outlets."""
    four_outlets = ["Gazette", "Herald", "Courier", "Ledger", "Gazette", "Herald"]
    assert general.lower() in _period(language, general, four_outlets)
    three_outlets = ["Gazette", "Herald", "Courier"]
    if " " in general:
        assert general.lower() in _period(language, general, three_outlets)
    else:
        assert general.lower() not in _period(language, general, three_outlets)
        # In five articles of four outlets, against a period of 120: under 5%.
        fewer = four_outlets[:5]
        assert general.lower() not in _period(language, general, fewer, filler=115)


@pytest.mark.parametrize(
    ("language", "stories", "demonym", "news"),
    [
        (
            "en",
            [
                "Regulators said the Americans had sold the Vireo turbines without a licence.",
                "A court heard that the Americans ran the Vireo plant for a year.",
                "Officials told the Americans to stop the Vireo project by June.",
            ],
            "americans",
            "vireo",
        ),
        (
            "en",
            [
                "The contract went to French engineers at the Vireo yard.",
                "Workers said French investors paid for the Vireo yard.",
                "Lawyers for French shipbuilders visited the Vireo yard.",
            ],
            "french",
            "vireo",
        ),
        (
            "fr",
            [
                "Selon le ministère, les Américains ont vendu les turbines Vireo sans licence.",
                "Le tribunal a appris que les Américains exploitaient la centrale Vireo.",
                "Les autorités ont demandé aux Américains d'arrêter le projet Vireo en juin.",
            ],
            "américains",
            "vireo",
        ),
    ],
)
def test_demonyms_are_no_terms(language: str, stories: list[str], demonym: str, news: str) -> None:
    """A demonym written as a name inside sentences ("the Americans", "les Américains",
    "French investors") says whose, not what: left out, the name beside it stays."""
    rows = [(story, f"Outlet {n}") for n, story in enumerate(stories)]
    terms = _against_a_quiet_period(rows, language, 20)
    assert demonym in analytics.demonyms()
    assert not any(demonym in term.split() for term in terms)
    assert any(news in term.split() for term in terms)


@pytest.mark.parametrize(
    ("language", "stories", "furniture", "news"),
    [
        (
            "en",
            [
                "Quillpen spokesperson Dana Whit said the Larkspur tablet would ship in May.",
                "The Larkspur tablet is late, a Quillpen spokesperson told reporters.",
                "Quillpen spokesperson Dana Whit declined to comment on Larkspur sales.",
            ],
            "spokesperson",
            "larkspur",
        ),
        (
            "fr",
            [
                "Le porte-parole de Quillpen a confirmé que la tablette Larkspur sortira en mai.",
                "Selon le porte-parole de Quillpen, la tablette Larkspur a pris du retard.",
                "Le porte-parole de Quillpen n'a pas commenté les ventes de la Larkspur.",
            ],
            "porte-parole",
            "larkspur",
        ),
    ],
)
def test_a_spokespersons_phrase_is_furniture(
    language: str, stories: list[str], furniture: str, news: str
) -> None:
    """A spokesperson's title ("Quillpen spokesperson", "porte-parole de Quillpen") says
    who spoke, not what happened: no term holds it; the product stays."""
    rows = [(story, f"Outlet {n}") for n, story in enumerate(stories)]
    terms = _against_a_quiet_period(rows, language, 20)
    assert not any(furniture in term.split() for term in terms)
    assert any(news in term.split() for term in terms)


def test_demonyms_hold_plurals_and_french_feminines() -> None:
    """Babel's language names and the shipped list, with their inflected forms; a
    country's name is a place, not a demonym."""
    found = analytics.demonyms()
    assert {"german", "germans", "israeli", "israelis", "swiss", "chinese"} <= found
    assert {"allemande", "allemands", "européenne", "européennes", "suisses"} <= found
    assert not {"france", "germany", "allemagne", "israel", "vireo", "nauru"} & found


def test_a_language_wordfreq_cannot_segment_loses_no_term() -> None:
    """Korean, Japanese or Chinese articles (wordfreq needs a segmenter it does not have
    here to look their words up) get no general-language rule and break nothing."""
    assert analytics.general_frequency("삼성전자", "ko") == 0.0
    assert analytics.general_frequency("ソニー", "ja") == 0.0
    korean = "삼성전자가 새로운 반도체 공장을 발표했다. 투자 규모는 크다."
    rows = [(f"{korean}\n{BODIES['en']}", outlet) for outlet in ["Gazette", "Herald"] * 2]
    found = _against_a_quiet_period(rows, "en", 20)
    assert any("삼성전자가" in term or "반도체" in term for term in found)


@pytest.mark.parametrize(("word", "language"), [("iPhone", "en"), ("Google", "en")])
def test_a_frequent_word_written_as_a_name_stays(word: str, language: str) -> None:
    """Frequent words written as names inside sentences ("iPhone", "Google": a capital
    after a lower-case word, or inside the word) are no general words."""
    stories = [
        f"Regulators said the new {word} would face an inquiry over the Vireo deal.",
        f"Analysts expect the {word} numbers to drop after the Vireo ruling.",
        f"Shoppers lined up for the {word} launch despite the Vireo dispute.",
    ]
    rows = [(story, f"Outlet {n}") for n, story in enumerate(stories)]
    terms = _against_a_quiet_period(rows, language, 20)
    assert analytics.general_frequency(word.lower(), language) >= 4
    assert word.lower() in terms


# One more article on Vireo: the terms tested are not in exactly the same articles as
# Vireo (terms of the same articles are one passage, the best standing for all).
VIREO = {
    "en": "Vireo shares rose on Friday after the annual meeting.",
    "fr": "L'action Vireo a progressé vendredi après l'assemblée générale.",
}


def _terms_of(stories: list[str], language: str) -> list[str]:
    """The emerging terms of ``stories`` and one more article on Vireo (four outlets in
    turn) among quiet articles, against a quiet period."""
    rows = [(story, f"Outlet {n % 4}") for n, story in enumerate([*stories, VIREO[language]])]
    return _against_a_quiet_period(rows, language, 20)


CAPITALISED_COMMON_NOUNS = [
    (
        "en",
        "forecast",
        [
            "Residents checked Forecast before the Vireo regatta on Sunday.",
            "Sailors said the Vireo regatta went ahead whatever Forecast promised.",
            "Forecast aside, a record crowd came down to the harbour.",
        ],
        "Organisers thanked Forecast for its warning about the Vireo regatta.",
    ),
    (
        "fr",
        "météo",
        [
            "Les plaisanciers ont consulté Météo avant la régate Vireo de dimanche.",
            "La régate Vireo aura bien lieu malgré le vent, selon Météo.",
            "Météo ou pas, une foule record est venue sur le port.",
        ],
        "Les organisateurs ont remercié Météo pour son alerte avant la régate Vireo.",
    ),
]


@pytest.mark.parametrize(("language", "word", "stories", "third"), CAPITALISED_COMMON_NOUNS)
def test_a_common_noun_capitalised_twice_is_no_name(
    language: str, word: str, stories: list[str], third: str
) -> None:
    """A frequent common noun the dictionaries never write as a name ("forecast",
    "météo") with a capital twice inside sentences is general language; with a capital
    three times (NAME_EVIDENCE) it is written as a name and stays."""
    assert analytics.general_frequency(word, language) >= analytics.GENERAL_ZIPF
    assert analytics.is_word(word) and not analytics.is_proper_noun(word)
    twice = _terms_of(stories, language)
    assert word not in twice
    assert any("vireo" in term.split() for term in twice)
    assert word in _terms_of([*stories, third], language)


TITLED_COMMON_NOUNS = [
    (
        "en",
        "government",
        [
            "Lobbyists wrote to the Government about the Vireo pipeline on Monday.",
            "The Vireo pipeline needs a permit the Government has not granted.",
            "Critics say the Government ignored the harbour board's advice.",
            "Engineers briefed the Government on the Vireo pipeline last week.",
        ],
        [
            "Lobbyists wrote to Government Street traders about the Vireo pipeline.",
            "The Vireo pipeline crosses Government Street before the harbour.",
            "Critics say traders on Government Street were never asked.",
            "Engineers closed Government Street for the Vireo pipeline last week.",
        ],
    ),
    (
        "fr",
        "banque",
        [
            "Les élus ont interrogé la Banque sur le financement du parc Vireo.",
            "Le parc Vireo attend encore le prêt que la Banque a promis.",
            "Selon les syndicats, la Banque a ignoré l'avis du port.",
            "Les ingénieurs ont présenté le parc Vireo à la Banque mardi.",
        ],
        [
            "Les élus ont interrogé Banque Vireo sur le financement du parc.",
            "Le parc Vireo attend encore le prêt que Banque Vireo a promis.",
            "Selon les syndicats, Banque Vireo a ignoré l'avis du port.",
            "Les ingénieurs ont présenté le parc à Banque Vireo mardi.",
        ],
    ),
]


@pytest.mark.parametrize(("language", "word", "titled", "named"), TITLED_COMMON_NOUNS)
def test_a_common_noun_capitalised_after_the_article_is_a_title(
    language: str, word: str, titled: list[str], named: list[str]
) -> None:
    """A frequent common noun capitalised inside sentences, mostly after a definite
    article ("the Government", "la Banque"), is a title, not a name: general language. The
    same noun capitalised without the article ("Government Street", "Banque Vireo") is
    part of a name and its phrase stays."""
    assert analytics.general_frequency(word, language) >= analytics.GENERAL_ZIPF
    assert analytics.is_word(word) and not analytics.is_proper_noun(word)
    found = _terms_of(titled, language)
    assert word not in found
    assert any("vireo" in term.split() for term in found)
    kept = _terms_of(named, language)
    assert any(word in term.split() for term in kept)


@pytest.mark.parametrize(
    ("word", "stories"),
    [
        (
            "stadt",
            [
                "Die Stadt plant einen neuen Hafen mit Vireo.",
                "Laut der Stadt beginnt der Bau im Juni, sagt Vireo.",
                "Die Stadt hat am Dienstag unterschrieben, bestätigt Vireo.",
            ],
        ),
    ],
)
def test_a_german_noun_with_an_umlaut_plural_is_general_language(
    word: str, stories: list[str]
) -> None:
    """A frequent German noun whose plural changes its vowel ("Stadt", "Städte") is a
    common noun, though German writes it with a capital; a German name stays."""
    from presswatch.analysis.nlp.lexicon import is_german_common_noun

    assert is_german_common_noun(word.capitalize())
    assert is_german_common_noun("Städte") and is_german_common_noun("Materialien")
    # The dictionary's lemma keeps the old spelling ("Prozeß"): the word as written inflects.
    assert is_german_common_noun("Prozess")
    assert not any(is_german_common_noun(name) for name in ("Stuttgart", "Köln", "Merkel"))
    rows = [(story, f"Outlet {n}") for n, story in enumerate(stories)]
    found = _against_a_quiet_period(rows, "de", 20)
    assert word not in found
    assert any("vireo" in term.split() for term in found)


@pytest.mark.parametrize(
    ("language", "word", "stories"),
    [
        (
            "en",
            "senate",
            [
                "Lobbyists met the Senate staff about the Vireo pipeline on Monday.",
                "The Vireo pipeline vote reached the Senate floor late on Tuesday.",
                "Senate aides expect a vote on the bill before the recess.",
            ],
        ),
        (
            "fr",
            "bretagne",
            [
                "Le projet Vireo inquiète les pêcheurs de Bretagne depuis des mois.",
                "Les élus ont défendu le parc éolien Vireo au large de la Bretagne.",
                "Bretagne : le raccordement du parc au réseau est prévu en juin.",
            ],
        ),
    ],
)
def test_a_name_of_the_dictionaries_capitalised_twice_stays(
    language: str, word: str, stories: list[str]
) -> None:
    """A frequent word the dictionaries hold as a name ("Senate") or not at all
    ("Bretagne") needs no more than its capitals, even twice, to be written as a name."""
    assert analytics.general_frequency(word, language) >= analytics.GENERAL_ZIPF
    assert analytics.is_proper_noun(word) or not analytics.is_word(word)
    assert word in _terms_of(stories, language)


@pytest.mark.parametrize(
    ("language", "singular", "plural", "other", "template"),
    [
        (
            "en",
            "pension reform",
            "pension reforms",
            "pension fund",
            [
                "Unions marched against the {t} in Lisbon on Monday.",
                "Ministers defended the {t} before the vote.",
                "Economists doubt the {t} will save money.",
                "Employers welcomed the {t} announced last week.",
            ],
        ),
        (
            "fr",
            "caisse de retraite",
            "caisses de retraite",
            "fonds de pension",
            [
                "Les syndicats ont manifesté lundi devant la {t} à Lyon.",
                "Le ministre a défendu la {t} avant le vote.",
                "Les économistes doutent que la {t} fasse des économies.",
                "Le patronat a salué la {t} annoncée la semaine dernière.",
            ],
        ),
    ],
)
def test_the_forms_of_one_term_are_one_term(
    language: str, singular: str, plural: str, other: str, template: list[str]
) -> None:
    """A term's singular and plural in different articles ("pension reform", "pension
    reforms"; "caisse de retraite", "caisses de retraite") share their lemmas (simplemma):
    one of them stands for both. Another phrase of a shared word ("pension fund") stays."""
    stories = [line.format(t=t) for t in (singular, plural, other) for line in template]
    # A term's words are of three letters or more: "caisse de retraite" is "caisse retraite".
    singular, plural, other = (" ".join(_words_of_terms(t)) for t in (singular, plural, other))
    assert analytics.term_lemmas(singular, language) == analytics.term_lemmas(plural, language)
    terms = _terms_of(stories, language)
    assert (singular in terms) != (plural in terms)
    assert other in terms


def _words_of_terms(text: str) -> list[str]:
    """The words of a text a term may hold (three letters or more)."""
    return [w for w in text.split() if len(w) > 2]


@pytest.mark.parametrize(
    ("language", "word", "stories", "kept"),
    [
        (
            "en",
            "university",
            [
                "Students at the University of Harbourton protested on Monday.",
                "A report by the University of Lisford questions the Vireo plan.",
                "Vireo funds a chair at the University of Kelmoor, critics say.",
            ],
            "vireo",
        ),
        (
            "fr",
            "université",
            [
                "Les étudiants de l'Université de Kerbrat ont manifesté lundi.",
                "Un rapport de l'Université de Lisford met en doute le projet Vireo.",
                "Vireo finance une chaire à l'Université de Kelmoor, selon les critiques.",
            ],
            "vireo",
        ),
    ],
)
def test_a_word_heading_a_longer_name_is_part_of_it(
    language: str, word: str, stories: list[str], kept: str
) -> None:
    """A word mostly capitalised before a compound's link and a name ("University of
    Harbourton", "University of Lisford") heads those names, even when the dictionaries
    hold it as a name of its own: alone, it is no term."""
    found = _terms_of(stories, language)
    assert word not in found
    assert any(kept in term.split() for term in found)


LABELS = {
    "en": [
        "Vireo opened a second depot in the harbour on Monday.\nZorbak",
        "Dockers said the Vireo depot would add forty jobs.\nZorbak",
        "The council approved the Vireo depot after a short debate.\nZorbak",
    ],
    "fr": [
        "Vireo a ouvert un second dépôt sur le port lundi.\nZorbak",
        "Les dockers affirment que le dépôt Vireo créera quarante emplois.\nZorbak",
        "Le conseil a approuvé le dépôt Vireo après un court débat.\nZorbak",
    ],
}
IN_PROSE = {
    "en": [
        "Vireo opened a second depot in the harbour with Zorbak on Monday.",
        "Dockers said the depot Zorbak runs for Vireo would add forty jobs.",
        "The council approved the depot after Zorbak and Vireo signed.",
    ],
    "fr": [
        "Vireo a ouvert un second dépôt sur le port avec Zorbak lundi.",
        "Les dockers affirment que le dépôt géré par Zorbak créera quarante emplois.",
        "Le conseil a approuvé le dépôt après la signature de Zorbak et Vireo.",
    ],
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_word_alone_on_its_lines_is_a_label(language: str) -> None:
    """A word standing alone on its line in its articles (a link's label, "Permalink") is
    no news; the same word inside sentences is."""
    assert "zorbak" not in _terms_of(LABELS[language], language)
    assert "zorbak" in _terms_of(IN_PROSE[language], language)


@pytest.mark.parametrize(
    ("language", "mixed", "mixed_phrase", "named", "named_phrase"),
    [
        (
            "en",
            [
                "Thousands of users of Vireo lost access to their files on Monday.",
                "Angry users of Vireo flooded the helpline after the outage.",
                "The outage left users of Vireo without mail for a day.",
            ],
            "users vireo",
            [
                "Thousands of clients of the Bank of Harbourton lost access on Monday.",
                "Angry savers flooded the Bank of Harbourton helpline after the outage.",
                "The outage left the Bank of Harbourton without cash machines for a day.",
            ],
            "bank harbourton",
        ),
        (
            "fr",
            [
                "Des milliers de clients de Vireo ont perdu l'accès à leurs fichiers lundi.",
                "Les clients de Vireo en colère ont saturé la hotline après la panne.",
                "La panne a privé les clients de Vireo de messagerie pendant un jour.",
            ],
            "clients vireo",
            [
                "Des milliers d'épargnants de la Banque de Kerbrat ont perdu l'accès lundi.",
                "Les épargnants en colère ont saturé la hotline de la Banque de Kerbrat.",
                "La panne a privé la Banque de Kerbrat de distributeurs pendant un jour.",
            ],
            "banque kerbrat",
        ),
    ],
)
def test_a_link_between_a_lower_case_word_and_a_name_parts_the_phrase(
    language: str, mixed: list[str], mixed_phrase: str, named: list[str], named_phrase: str
) -> None:
    """A compound's link between a word in lower case and a name ("users of Vireo",
    "clients de Vireo") joins a noun and its complement, no phrase; between two capitalised
    words ("Bank of Harbourton", "Banque de Kerbrat") it joins a name."""
    found = _terms_of(mixed, language)
    assert mixed_phrase not in found
    assert "vireo" in found
    assert named_phrase in _terms_of(named, language)


ACRONYM_STORIES = {
    "en": [
        ("Vireo opened its API to outside developers on Monday.", "api"),
        ("Developers said the Vireo API was easy to use and cheap.", "api"),
        ("Vireo will rent out GPUs to start-ups, the company said.", "gpus"),
        ("The start-ups renting Vireo GPUs must pay in advance.", "gpus"),
    ],
    "fr": [
        ("Le PDG de Vireo a annoncé une levée de fonds lundi.", "pdg"),
        ("Selon son PDG, Vireo recrutera cent ingénieurs à Lyon.", "pdg"),
        ("Vireo vise d'abord les PME de la région lyonnaise.", "pme"),
        ("Les PME clientes de Vireo paieront moins cher la première année.", "pme"),
    ],
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_acronym_of_a_common_noun_is_no_term(language: str) -> None:
    """An acronym that stands for a kind of thing or a role ("API", "GPUs", "PDG", "PME")
    is a common noun, no news, as the shipped list says; the company beside it stays."""
    stories = ACRONYM_STORIES[language]
    found = _terms_of([s for s, _ in stories], language)
    assert {a.removesuffix("s") for _, a in stories} <= analytics.common_acronyms()
    assert not {a for _, a in stories} & set(found)
    assert "vireo" in found


def test_a_listed_acronym_written_as_a_name_is_that_name() -> None:
    """A listed acronym the texts write as a name ("Ram", the pickup maker; RAM is memory)
    is the name: it stays."""
    assert "ram" in analytics.common_acronyms()
    stories = [
        "Dealers said Ram sold more pickups than Vireo in the spring.",
        "The strike at Vireo helped Ram win back its truck buyers.",
        "Analysts expect Ram to outsell Vireo again this year.",
    ]
    assert "ram" in _terms_of(stories, "en")
    memory = [s.replace("Ram", "RAM") for s in stories]
    assert "ram" not in _terms_of(memory, "en")


@pytest.mark.parametrize(
    "stories",
    [
        [
            "Le Français Paul Vireau s'est qualifié pour les quarts de finale à Melbourne.",
            "Victoire du Français Paul Vireau, tombeur de la tête de série numéro trois.",
            "Le Français Paul Vireau affrontera l'Espagnol Pablo Ruiz jeudi.",
        ],
        [
            "L'Ukrainien Volodymyr Vireau a rencontré les dirigeants de Zorbak à Kiev.",
            "Selon l'Ukrainien Volodymyr Vireau, Zorbak livrera les turbines en mai.",
            "L'Ukrainien Volodymyr Vireau signera le contrat avec Zorbak jeudi.",
        ],
        [
            "Le joueur français Paul Vireau s'est qualifié pour les quarts à Melbourne.",
            "Nouvelle victoire pour le tennisman français Paul Vireau, jeudi.",
            "Le jeune français Paul Vireau affrontera Pablo Ruiz en quart.",
        ],
    ],
)
def test_a_french_demonym_before_a_name_is_no_part_of_it(stories: list[str]) -> None:
    """ "le Français Paul Vireau", "le joueur français Paul Vireau" or "l'Ukrainien
    Volodymyr Vireau" (a first name no list holds) says whose the name is: the term is the
    name ("paul vireau"), not "français paul vireau"."""
    found = _terms_of(stories, "fr")
    assert any(term.endswith(" vireau") for term in found), found
    assert not any(term.split()[0] in analytics.demonyms_of("fr") for term in found), found


def test_a_country_named_like_its_demonym_keeps_its_phrase() -> None:
    """ "Suisse" is a demonym and a country: "Suisse romande" is a place, and stays."""
    assert "suisse" in analytics.demonyms_of("fr")
    stories = [
        "Les hôpitaux de Suisse Romande manquent d'infirmiers, selon Vireo.",
        "En Suisse Romande, Vireo ouvrira trois cliniques cette année.",
        "La Suisse Romande attend les cliniques promises par Vireo.",
    ]
    assert "suisse romande" in _terms_of(stories, "fr")


def _written_forms(stories: list[str], language: str) -> dict[str, str]:
    """Each emerging term of ``stories`` (three outlets in turn, among quiet articles)
    with its written form."""
    rows = [(story, f"Outlet {n % 3}") for n, story in enumerate(stories)]
    rows += [(QUIET[language], f"Outlet {n % 5}") for n in range(20)]
    now = _texts(rows)
    before = _texts([(QUIET[language], f"Outlet {n % 5}") for n in range(10)])
    found = analytics.emerging_terms(
        now[0], before[0], current_outlets=now[1], previous_outlets=before[1], min_articles=2
    )
    return dict(zip(found["term"], found["written"], strict=True))


WRITTEN_STORIES = {
    "en": [
        "The FBI asked the Bank of Harbourton for the records of its clients.",
        "Lawyers for the Bank of Harbourton said the FBI had no warrant for the data.",
        "A judge will hear the FBI on the iCloud case in May.",
        "Owners of an iCloud account can now pay at the Bank of Harbourton.",
        "The iCloud app of the Bank of Harbourton was down for a day.",
        "FBI Asks Bank Of Harbourton For Icloud Records",
    ],
    "fr": [
        "Vireo annonce une levée de fonds de dix millions d'euros auprès de la BPI.",
        "Cette levée de fonds doit financer l'ouverture de trois bureaux, selon Vireo.",
        "La levée de fonds est la plus grosse de l'année à Lyon.",
        "Vireo ouvrira un bureau à Lyon en mars.",
        "Vireo vise aussi la Côte d'Ivoire, où la BPI l'accompagne.",
        "En Côte d'Ivoire, la levée de fonds servira à ouvrir deux agences.",
        "Vireo : Une Levée De Fonds Record",
    ],
}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", {"fbi": "FBI", "icloud": "iCloud", "bank harbourton": "Bank of Harbourton"}),
        ("fr", {"levée fonds": "levée de fonds", "vireo": "Vireo", "côte ivoire": "Côte d'Ivoire"}),
    ],
)
def test_a_term_is_shown_as_the_texts_write_it(language: str, expected: dict[str, str]) -> None:
    """Each term comes with its most frequent spelling in the period's prose ("FBI",
    "iCloud", "Bank of Harbourton", "levée de fonds"), a headline's capitals aside: a
    reader knows it at once."""
    written = _written_forms(WRITTEN_STORIES[language], language)
    assert {t: written.get(t) for t in expected} == expected


@pytest.mark.parametrize(
    ("language", "stories"),
    [
        (
            "en",
            [
                "Reviewers tested Vireo III on three graphics cards this week.",
                "The benchmark runs in Act III, in the market of the city.",
                "Zorbak III, the sequel, sold a million copies in its first week.",
                "Players said Act III of Zorbak III was the slowest.",
            ],
        ),
        (
            "fr",
            [
                "Les critiques ont testé Vireo III sur trois cartes graphiques.",
                "Le test se déroule dans l'acte III, au marché de la ville.",
                "Zorbak III, la suite, s'est vendu à un million d'exemplaires.",
                "Les joueurs trouvent l'acte III de Zorbak III le plus lent.",
            ],
        ),
    ],
)
def test_a_roman_numeral_is_no_term(language: str, stories: list[str]) -> None:
    """ "III" after several names ("Vireo III", "Act III", "l'acte III", "Zorbak III") is
    a number: numbers are no terms, whatever follows them."""
    found = _terms_of(stories, language)
    assert "iii" not in found
    assert "zorbak" in " ".join(found)


DATELINED = {
    "en": [
        "HARBOURTON (AP) — Vireo agreed to pay a fine over its depot.",
        "HARBOURTON (AP) — Regulators said Vireo had ignored three warnings.",
        "HARBOURTON, Jan. 5 (Reuters) - Vireo shares fell after the fine.",
        "HARBOURTON (Reuters) — Vireo will appeal, its lawyers said.",
        "Vireo told Reuters the fine was unfair.",
        "A spokesman said on Monday that Vireo would talk to Reuters again.",
    ],
    "fr": [
        "KERBRAT, 5 janvier (Reuters) - Vireo a accepté de payer une amende.",
        "KERBRAT (AFP) - Les régulateurs reprochent à Vireo trois avertissements ignorés.",
        "Kerbrat, 6 janvier 2025 (AFP) - Les actions de Vireo ont chuté après l'amende.",
        "Kerbrat (AFP) - Vireo fera appel, selon ses avocats.",
        "Vireo a confirmé l'amende à Reuters lundi soir.",
        "Interrogé par Reuters, un porte-parole de Vireo a refusé de commenter.",
    ],
}


@pytest.mark.parametrize(
    ("language", "place", "lead"),
    [
        ("en", "harbourton", "Officials in Harbourton said that"),
        ("fr", "kerbrat", "On a appris à Kerbrat que"),
    ],
)
def test_a_wire_dateline_is_no_news(language: str, place: str, lead: str) -> None:
    """A wire story's dateline ("HARBOURTON (AP) — ", "KERBRAT, 5 janvier (Reuters) - ")
    says where it was filed and by which agency: neither the place nor the agency is a
    term, though the agency is named in sentences too; the company is. The place named
    in the same stories' sentences is a term."""
    rows = [(story, f"Outlet {n}") for n, story in enumerate(DATELINED[language])]
    found = _against_a_quiet_period(rows, language, 20)
    assert "vireo" in found
    assert not {place, "reuters", "afp"} & set(found)
    told = [
        (f"{lead} {re.split(r' [-—] ', story, maxsplit=1)[-1]}", outlet)
        for story, outlet in rows[:3]
    ]
    # ... and in one story more without Vireo: the place's articles are not the company's.
    told.append((f"{lead} {QUIET[language]}", "Outlet 3"))
    assert place in _against_a_quiet_period(told, language, 20)


@pytest.mark.parametrize(
    ("language", "stories"),
    [
        (
            "en",
            [
                "NASA - The agency said the Vireo probe would launch in May.",
                "NASA - Engineers found a flaw in the Vireo probe.",
                "Scientists at NASA said the launch of Vireo was delayed.",
            ],
        ),
        (
            "fr",
            [
                "NASA, SpaceX et Vireo - un partenariat pour la sonde.",
                "NASA, ESA et Vireo - la sonde partira en mai.",
                "Selon la NASA, la sonde de Vireo a pris du retard.",
            ],
        ),
    ],
)
def test_a_line_that_is_no_dateline_keeps_its_words(language: str, stories: list[str]) -> None:
    """A line that opens with a name before a dash but credits no wire agency ("NASA - ",
    "NASA, SpaceX et Vireo - ") is no dateline: its names stay terms."""
    assert "nasa" in _terms_of(stories, language)


def test_a_dateline_alone_on_its_line_is_one() -> None:
    """A dateline whose dash ends its line ("KERBRAT (AFP) -", the story on the next
    line) is a dateline too, whatever the line ends (LF or CRLF)."""
    for end in ("\n", "\r\n"):
        stories = [
            f"KERBRAT (AFP) -{end}Vireo a accepté de payer une amende.",
            f"KERBRAT (AFP) -{end}Les régulateurs reprochent à Vireo trois avertissements.",
            f"KERBRAT (AFP) -{end}Les actions de Vireo ont chuté après l'amende.",
        ]
        found = _terms_of(stories, "fr")
        assert "vireo" in found
        assert not {"kerbrat", "afp"} & set(found), end


def test_an_acronym_that_names_an_organisation_stays() -> None:
    """ "ICO" (the UK data regulator) is an acronym of an organisation, not of a common
    noun: it is on no list and stays a term."""
    assert "ico" not in analytics.common_acronyms()
    stories = [
        "The ICO fined Vireo for losing the data of its clients.",
        "Vireo will appeal against the ICO decision, its lawyers said.",
        "The ICO said Vireo had ignored three warnings.",
    ]
    assert "ico" in _terms_of(stories, "en")


@pytest.mark.parametrize(
    ("stories", "name"),
    [
        (
            [
                "Vireo ouvrira son siège à Paris au printemps, selon ses dirigeants.",
                "Les ingénieurs de Zorbak travailleront à Paris dès le mois de mai.",
                "Le salon où Vireo présente sa tablette se tient à Paris cette année.",
            ],
            "paris",
        ),
        (
            [
                "Le Canadien National a confié à Vireo la maintenance de ses wagons.",
                "Selon le Canadien National, Vireo livrera les premiers wagons en mai.",
                "Le contrat entre Vireo et le Canadien National court sur cinq ans.",
            ],
            "canadien national",
        ),
    ],
)
def test_a_french_name_stays(stories: list[str], name: str) -> None:
    """ "à Paris": the word before the capital is French ("à", "où"), and "Paris" is a
    name there, though "paris" (bets) is a dictionary word too. "le Canadien National"
    names a company (no first name follows the demonym): the phrase stays."""
    assert name in _terms_of(stories, "fr")


def test_a_day_starting_the_next_line_makes_no_fragment() -> None:
    """A line ending with a name, then a line opening with a date ("... at Zorbak" /
    "Monday, 4 March: ..."): the name is no piece of "Zorbak Monday"."""
    stories = [
        "Dockers stopped work at Zorbak\nMonday, 4 March: the Vireo depot closed.",
        "Talks failed at Zorbak\nMonday, 11 March: the Vireo depot stays shut.",
        "Unions met Zorbak\nMonday, 18 March: a deal reopens the Vireo depot.",
        "Police were called to Zorbak\nMonday, 25 March: calm returned to the Vireo depot.",
        "Dockers said Zorbak would pay the overtime.",
    ]
    assert "zorbak" in _terms_of(stories, "en")


@pytest.mark.parametrize(
    ("language", "stories", "term", "written"),
    [
        (
            "en",
            [
                "Zorbak Unveils The Kestrel Orbiter In Lyon",
                "Kestrel Orbiter Sales Top A Million For Zorbak",
                "Why The Kestrel Orbiter Matters To Zorbak",
                "Buyers queued for the Kestrel orbiter on Monday.",
                "Shops ran out of the Kestrel orbiter by noon.",
            ],
            "kestrel orbiter",
            "Kestrel orbiter",
        ),
        (
            "fr",
            [
                "Vireo a présenté l'iPhone de Zorbak à ses clients.",
                "Selon Vireo, l'iPhone de Zorbak se vend bien à Lyon.",
                "Les clients de Zorbak attendent l'iPhone depuis mai.",
            ],
            "iphone",
            "iPhone",
        ),
    ],
)
def test_the_written_form_comes_from_prose(
    language: str, stories: list[str], term: str, written: str
) -> None:
    """The form shown is the one sentences write ("Kestrel orbiter"), not the headlines'
    capitals, even when headlines hold it more often; after an elision ("l'iPhone") the
    word is found whole."""
    shown = _written_forms(stories, language)
    assert shown.get(term) == written, shown


def test_a_word_before_a_month_name_is_no_fragment() -> None:
    """Month names are words too ("Mars", the planet; "May"): a word mostly before one
    ("Perseverance Mars rover") stays; only a day's name makes a fragment."""
    stories = [
        "The Perseverance Mars rover sent new pictures to Vireo engineers.",
        "Vireo built the arm of the Perseverance Mars rover.",
        "The Perseverance Mars rover drilled its tenth sample.",
        "Engineers at Vireo fixed a wheel of the Perseverance Mars rover.",
        "Scientists said Perseverance found traces of an ancient lake.",
    ]
    assert "perseverance" in " ".join(_terms_of(stories, "en"))

"""Emerging terms of session 17: a story one outlet follows, phrases parted where sentences,
clauses and possessives end, pieces cut from names, link-blog citations, and the furniture
of podcast notes and feed teasers. Sentences written for the tests, in English and French."""

from __future__ import annotations

import pandas as pd
import pytest

from presswatch import analytics
from presswatch.analysis.nlp.furniture import strip_furniture


def _period(stories: list[tuple[int, str, str]]) -> tuple[pd.Series, pd.Series]:
    """Texts (each story repeated n times, numbered so no two texts are equal) and their
    outlets: a story's own outlet, or "*" for outlets spread over ten names."""
    texts: list[str] = []
    outlets: list[str] = []
    for count, story, outlet in stories:
        for _n in range(count):
            texts.append(f"{story}\n{len(texts)}.")
            outlets.append(f"Outlet {chr(65 + len(texts) % 10)}" if outlet == "*" else outlet)
    return pd.Series(texts, dtype=object), pd.Series(outlets, dtype=object)


def _terms(now: tuple[pd.Series, pd.Series], before: tuple[pd.Series, pd.Series]) -> list[str]:
    found = analytics.emerging_terms(
        now[0], before[0], current_outlets=now[1], previous_outlets=before[1], min_articles=2
    )
    return list(found["term"])


QUIET_EN = [(10, "Markets were calm and the weather was mild across the region.", "*")]
QUIET_FR = [(10, "Le marché est resté calme et le temps doux dans toute la région.", "*")]
FILLER_EN = [
    (2, "The council approved the school budget after a long debate.", "*"),
    (2, "Rain is expected over the weekend in the north.", "*"),
    (2, "The museum reopened its east wing to visitors.", "*"),
    (2, "Ticket prices for the ferry rise in spring.", "*"),
    (2, "A new bakery opened near the station.", "*"),
    (2, "The library extends its opening hours.", "*"),
    (2, "Cyclists asked for safer lanes downtown.", "*"),
    (2, "The harbour festival drew large crowds.", "*"),
]
FILLER_FR = [
    (2, "Le conseil a voté le budget des écoles après un long débat.", "*"),
    (2, "De la pluie est attendue ce week-end dans le nord.", "*"),
    (2, "Le musée rouvre son aile est aux visiteurs.", "*"),
    (2, "Le prix du bac augmente au printemps.", "*"),
    (2, "Une boulangerie a ouvert près de la gare.", "*"),
    (2, "La médiathèque élargit ses horaires.", "*"),
    (2, "Les cyclistes réclament des pistes plus sûres en ville.", "*"),
    (2, "La fête du port a attiré beaucoup de monde.", "*"),
]


@pytest.mark.parametrize(
    ("story", "names", "not_terms", "filler", "quiet"),
    [
        (
            # One trade paper follows a fine in three articles; its pages also carry a
            # listing's features, a heading and its host's first name.
            "Regulators fined Nimbus Robotics again over its drones.\nThe fine was "
            "announced by minister Alma Verdi.\nOutro:\nStudio, Patio, Balcony, Garage\n"
            "A monthly fee applies, said host Robin.",
            {"nimbus robotics", "alma verdi"},
            {"balcony", "patio", "garage", "monthly fee", "outro", "robin"},
            FILLER_EN,
            QUIET_EN,
        ),
        (
            "Le régulateur a de nouveau sanctionné Nimbus Robotique pour ses drones."
            "\nL'amende a été annoncée par la ministre Alma Verdi.\nGénérique :\n"
            "Studio, Terrasse, Parquet, Garage\nUn forfait mensuel est demandé, rappelle "
            "l'animatrice Camille.",
            {"nimbus robotique", "alma verdi"},
            {"parquet", "terrasse", "garage", "forfait mensuel", "générique", "camille"},
            FILLER_FR,
            QUIET_FR,
        ),
    ],
)
def test_a_story_one_outlet_follows_names_someone_its_house_style_does_not(
    story: str,
    names: set[str],
    not_terms: set[str],
    filler: list[tuple[int, str, str]],
    quiet: list[tuple[int, str, str]],
) -> None:
    """Three articles of one outlet (of 19) naming someone or something make a term; that
    outlet's words in lower case, a list's capitalised items, a heading's word and a host's
    first name do not."""
    first, second = story.split("\n", 1)
    now = _period([(3, first, "Trade Weekly"), (3, second, "Trade Weekly"), *filler])
    before = _period(quiet)
    terms = _terms(now, before)
    assert names <= set(terms)
    assert not not_terms & set(terms)
    # Two articles of one outlet are not yet a story.
    now_two = _period([(2, first, "Trade Weekly"), (2, second, "Trade Weekly"), *filler])
    assert not names & set(_terms(now_two, before))


def _each(*texts: str) -> list[tuple[int, str, str]]:
    return [(1, text, "*") for text in texts]


@pytest.mark.parametrize(
    ("stories", "glued", "kept"),
    [
        (
            _each(
                "Rates rose for readers. Quillpen shrugged.",
                "Fees fell for readers. Quillpen agreed.",
                "Prices doubled for readers. Quillpen apologised.",
                "Lag grew for readers. Quillpen waited.",
                "Nimbus's biggest rival cut prices.",
                "Nimbus's biggest client left.",
                "Nimbus's biggest plant closed.",
                "Nimbus's biggest fan wrote in.",
                "Three directors left the board, Kestrel said.",
                "Two more quit the board, Kestrel said.",
                "A clerk joined the board, Kestrel said.",
                "Nobody watched the board, Kestrel said.",
            ),
            {"readers quillpen", "nimbus biggest", "board kestrel"},
            {"kestrel"},
        ),
        (
            _each(
                "Les tarifs montent pour les lecteurs. Quillpen se tait.",
                "Les frais baissent pour les lecteurs. Quillpen approuve.",
                "Les prix doublent pour les lecteurs. Quillpen s'excuse.",
                "Le délai s'allonge pour les lecteurs. Quillpen attend.",
                "Trois administrateurs ont quitté le conseil, Kestrel confirme.",
                "Deux autres quittent le conseil, Kestrel confirme.",
                "Un juriste rejoint le conseil, Kestrel confirme.",
                "Personne ne surveillait le conseil, Kestrel confirme.",
            ),
            {"lecteurs quillpen", "conseil kestrel"},
            {"kestrel confirme"},
        ),
    ],
)
def test_phrases_end_where_sentences_clauses_and_possessives_end(
    stories: list[tuple[int, str, str]], glued: set[str], kept: set[str]
) -> None:
    """A stop, a comma or a possessive parts the words around it: no phrase spans them."""
    terms = _terms(_period(stories), _period(QUIET_EN + QUIET_FR))
    assert kept <= set(terms)
    assert not glued & set(terms)


@pytest.mark.parametrize(
    ("stories", "cut", "filler"),
    [
        (
            [
                (3, "Investors pushed out CEO Maria Keller after the audit.", "Trade Weekly"),
                (3, "The board thanked Prince Albert County for the land.", "Trade Weekly"),
            ],
            "ceo maria",
            FILLER_EN,
        ),
        (
            [
                (
                    3,
                    "Les actionnaires ont écarté la dirigeante Maria Keller après l'audit.",
                    "Trade Weekly",
                ),
                (3, "Le préfet remercie Prince Albert County pour le terrain.", "Trade Weekly"),
            ],
            "dirigeante maria",
            FILLER_FR,
        ),
    ],
)
def test_a_phrase_ending_in_a_first_name_cut_from_a_name_is_no_term(
    stories: list[tuple[int, str, str]], cut: str, filler: list[tuple[int, str, str]]
) -> None:
    """Of one outlet's three-word "CEO Maria Keller" (its own passage, no term), "CEO
    Maria" is a piece of a name; "Prince Albert" of "Prince Albert County" is a name's
    own words."""
    terms = _terms(_period([*stories, *filler]), _period(QUIET_EN + QUIET_FR))
    assert {"maria keller", "prince albert"} <= set(terms)
    assert cut not in terms


@pytest.mark.parametrize(
    ("stories", "words"),
    [
        (
            [
                (4, "The Department of Transport sued Nimbus over the drones.", "*"),
                (3, "Nimbus will fight the Transport Department in court.", "*"),
                (2, "Nimbus grounded its drones for a week.", "*"),
            ],
            {"transport", "department"},
        ),
        (
            [
                (4, "La Cour de Cassation a rejeté le pourvoi de Nimbus.", "*"),
                (3, "Nimbus saisit la Chambre de Cassation une seconde fois.", "*"),
                (2, "Nimbus cloue ses drones au sol pour une semaine.", "*"),
            ],
            {"cassation", "cour", "chambre"},
        ),
    ],
)
def test_a_word_capitalised_only_inside_names_joined_by_de_or_of_is_no_name(
    stories: list[tuple[int, str, str]], words: set[str]
) -> None:
    """The word "Transport" of "Department of Transport" and "Cassation" of "Cour de
    Cassation" are parts of names, not names."""
    terms = _terms(_period(stories), _period(QUIET_EN + QUIET_FR))
    assert "nimbus" in terms
    assert not words & set(terms)


@pytest.mark.parametrize(
    ("writer", "headlines", "left_out"),
    [
        (
            "Dana Whitfield, The Harbour Ledger",
            ["Nimbus Drones Grounded", "Inside the Nimbus Audit", "What Nimbus Knew", "Rivals"],
            {"dana whitfield", "harbour ledger", "whitfield", "ledger"},
        ),
        (
            "Claire Fontaine, Le Courrier du Port",
            [
                "Les drones Nimbus au sol",
                "Dans l'audit de Nimbus",
                "Ce que savait Nimbus",
                "Rivaux",
            ],
            {"claire fontaine", "courrier port", "fontaine", "courrier"},
        ),
    ],
)
def test_a_link_blogs_citation_credits_its_writer_and_outlet(
    writer: str, headlines: list[str], left_out: set[str]
) -> None:
    """A citation "Jane Roe, The Ledger, “Headline”" names who wrote it and where: no news."""
    quotes = ("« ", " »") if "Le " in writer else ("“", "”")
    cited = [f"{writer}, {quotes[0]}{h}{quotes[1]}\nNimbus, again." for h in headlines]
    now = _period([*_each(*cited), (3, "Nimbus grounds its drones.", "*"), (2, "Rain.", "*")])
    terms = _terms(now, _period(QUIET_EN + QUIET_FR))
    assert "nimbus" in terms
    assert not left_out & set(terms)


@pytest.mark.parametrize(
    ("notes", "kept", "gone"),
    [
        (
            "Follow-up: the battery recall widens.\nNimbus grounds its drones after the "
            "audit.\nA listener asks about backups.\nThe hosts compare two phones and "
            "argue about keyboards.\nWhy the new tablet still has no calculator app.\n"
            "Sponsored by:\nHarbourBox: Backups for your files. Get 20% off your first "
            "year with code SHOW20.\nQuillpen: Write better notes. Start a free trial.",
            ["Nimbus grounds its drones", "battery recall"],
            ["HarbourBox", "Quillpen", "SHOW20"],
        ),
        (
            "Suivi : le rappel des batteries s'étend.\nNimbus cloue ses drones au sol après "
            "l'audit.\nUn auditeur pose une question sur les sauvegardes.\nLes animateurs "
            "comparent deux téléphones.\nSponsorisé par :\nHarbourBox : vos fichiers à "
            "l'abri. 20 % de remise avec le code promo EMISSION20.\nQuillpen : de "
            "meilleures notes.",
            ["Nimbus cloue ses drones", "rappel des batteries"],
            ["HarbourBox", "Quillpen", "EMISSION20"],
        ),
    ],
)
def test_a_podcasts_sponsors_are_furniture(notes: str, kept: list[str], gone: list[str]) -> None:
    """From a "Sponsored by" heading in the notes' second half, the rest is sponsors."""
    cleaned, removed = strip_furniture(notes)
    assert all(k in cleaned for k in kept)
    assert not any(g in cleaned for g in gone)
    assert any("HarbourBox" in line for line in removed)


@pytest.mark.parametrize(
    ("text", "kept", "gone"),
    [
        (
            "Nimbus grounds its drones after the audit.\nGet $50 off any drone with code "
            "FLY50.\nThe code of conduct for pilots changes in May.\nContinue reading...",
            ["Nimbus grounds", "code of conduct"],
            ["FLY50", "Continue reading"],
        ),
        (
            "Nimbus cloue ses drones au sol après l'audit.\nProfitez du code promo VOL50 "
            "sur tous les drones.\nLe code de conduite des pilotes change en mai.\n"
            "Lire la suite",
            ["Nimbus cloue", "code de conduite"],
            ["VOL50", "Lire la suite"],
        ),
    ],
)
def test_promo_codes_and_teaser_links_are_furniture(
    text: str, kept: list[str], gone: list[str]
) -> None:
    """A line offering a discount code, and a teaser's "Continue reading" link, are no
    prose; a sentence about a code of conduct is."""
    cleaned, _removed = strip_furniture(text)
    assert all(k in cleaned for k in kept)
    assert not any(g in cleaned for g in gone)


@pytest.mark.parametrize(
    ("stories", "place"),
    [
        (
            [
                (3, "The Town of Orange fined Nimbus for its drones.", "*"),
                (3, "Nimbus left the Port of Orange after the audit.", "*"),
                (2, "Nimbus grounded its drones for a week.", "*"),
            ],
            "orange",
        ),
        (
            [
                (3, "La Mairie de Nice inflige une amende à Nimbus.", "*"),
                (3, "Nimbus quitte le Port de Nice après l'audit.", "*"),
                (2, "Nimbus cloue ses drones au sol pour une semaine.", "*"),
            ],
            "nice",
        ),
    ],
)
def test_a_place_named_inside_longer_names_stays_a_name(
    stories: list[tuple[int, str, str]], place: str
) -> None:
    """A dictionary's proper noun ("Nice", "Orange") is a name of its own, even when it
    mostly stands after "de" or "of" in longer names ("Mairie de Nice")."""
    terms = _terms(_period(stories), _period(QUIET_EN + QUIET_FR))
    assert place in terms


@pytest.mark.parametrize(
    ("story", "name"),
    [
        ("Reviewers tested the new Nimbus 7 9800X Orbiter against older chips.", "nimbus orbiter"),
        (
            "Les testeurs ont comparé le nouveau Nimbus 7 9800X Orbiter aux anciennes puces.",
            "nimbus orbiter",
        ),
    ],
)
def test_a_name_around_a_model_number_is_written_as_a_name(story: str, name: str) -> None:
    """A product's name around its model number ("Nimbus 7 9800X Orbiter": the term skips
    the number) is read as written, number and all: a story one outlet follows in three
    articles names it."""
    now = _period([(3, story, "Trade Weekly"), *FILLER_EN])
    assert name in _terms(now, _period(QUIET_EN))

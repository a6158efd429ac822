"""Tone toward each company: its clause, its side in a comparison, the shipped press model."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from presswatch.analysis.analyzer import Analyzer
from presswatch.analysis.nlp.sentiment import PRESS_MODEL, PressBackend, get_backend
from presswatch.analysis.nlp.targets import (
    Target,
    around_mention,
    comparison_role,
    target_clause,
    windowed,
)
from presswatch.config import Config
from presswatch.models import Article


def target(sentence: str, company: str, *others: str) -> Target:
    """The target of ``company`` in ``sentence``, the other names given."""

    def spans(name: str) -> tuple[tuple[int, int], ...]:
        start = sentence.index(name)
        return ((start, start + len(name)),)

    return Target(sentence, spans(company), tuple(s for o in others for s in spans(o)))


def test_the_clause_stops_at_the_clauses_of_other_companies() -> None:
    sentence = "Qonto lève 100 millions d'euros, tandis que Shine licencie un tiers de ses salariés"
    assert target_clause(target(sentence, "Qonto", "Shine")) == "Qonto lève 100 millions d'euros,"
    assert "licencie" in target_clause(target(sentence, "Shine", "Qonto"))
    assert "lève" not in target_clause(target(sentence, "Shine", "Qonto"))
    # Alone in its sentence, a company's clause is the whole sentence.
    alone = "L'exemple d'Aleph Alpha, contrainte de revoir ses ambitions à la baisse"
    assert target_clause(target(alone, "Aleph Alpha")) == alone


def test_the_close_up_is_the_name_and_six_words_either_side() -> None:
    sentence = (
        "Selon plusieurs analystes interrogés cette semaine à Paris, la start-up Mistral AI "
        "a nettement distancé ses concurrents européens sur le marché des modèles ouverts"
    )
    close_up = around_mention(target(sentence, "Mistral AI"))
    assert close_up == (
        "cette semaine à Paris, la start-up Mistral AI a nettement distancé ses concurrents "
        "européens"
    )
    # Two companies in one short sentence: each gets the words next to its own name.
    pair = "Anthropic signe un accord record pendant que Stability AI réduit encore ses effectifs"
    assert around_mention(target(pair, "Anthropic", "Stability AI")).startswith("Anthropic signe")
    assert around_mention(target(pair, "Stability AI", "Anthropic")).endswith(
        "encore ses effectifs"
    )
    # Never across a contrast into another company's news.
    contrast = "Mistral AI won a record contract, while OpenAI was fined by the regulator."
    assert around_mention(target(contrast, "OpenAI", "Mistral AI")) == (
        "OpenAI was fined by the regulator"
    )
    assert around_mention(target(contrast, "Mistral AI", "OpenAI")) == (
        "Mistral AI won a record contract,"
    )
    assert around_mention(Target("Aucune entreprise nommée ici")) == "Aucune entreprise nommée ici"


@pytest.mark.parametrize(
    ("sentence", "winner", "loser"),
    [
        ("Mistral AI a créé un modèle de référence, meilleur que son équivalent chez Meta",
         "Mistral AI", "Meta"),
        ("Doctolib dépasse désormais Qonto en nombre de clients", "Doctolib", "Qonto"),
        ("Anthropic overtook OpenAI in enterprise sales this quarter", "Anthropic", "OpenAI"),
        ("Samsung still lags behind Apple in the premium segment", "Apple", "Samsung"),
    ],
)  # fmt: skip
def test_a_comparison_has_a_winner_and_a_loser(sentence: str, winner: str, loser: str) -> None:
    assert comparison_role(target(sentence, winner, loser)) == "winner"
    assert comparison_role(target(sentence, loser, winner)) == "loser"


@pytest.mark.parametrize(
    ("sentence", "winner", "loser"),
    [
        ("Le classement place Vélonova en milieu de tableau, loin derrière Kerlann Logistique",
         "Kerlann Logistique", "Vélonova"),
        ("Au troisième trimestre, Foxglove Pay passe devant Qonto en nombre de comptes ouverts",
         "Foxglove Pay", "Qonto"),
        ("Dans notre comparatif, l'aspirateur de Halvorsen Robotics surclasse celui de Vélonova",
         "Halvorsen Robotics", "Vélonova"),
        ("Foxglove Pay has pulled ahead of Revolut in card payments among students",
         "Foxglove Pay", "Revolut"),
        ("In the latest survey Halvorsen Robotics falls far behind Kerlann Logistique on delivery",
         "Kerlann Logistique", "Halvorsen Robotics"),
        ("In our tests the new Vélonova bike outclasses the one from Foxglove Pay",
         "Vélonova", "Foxglove Pay"),
    ],
)  # fmt: skip
def test_distance_words_give_a_winner_and_a_loser(sentence: str, winner: str, loser: str) -> None:
    # "far behind", "loin derrière", "passe devant" and "outclasses" side the companies;
    # plain "behind" and "ahead of" still do not (see the test below).
    assert comparison_role(target(sentence, winner, loser)) == "winner"
    assert comparison_role(target(sentence, loser, winner)) == "loser"


def test_two_clauses_are_no_comparison() -> None:
    sentence = "OpenAI overtakes Google in search, while Anthropic signs a deal with Amazon"
    assert comparison_role(target(sentence, "Anthropic", "OpenAI", "Google")) is None


@pytest.mark.parametrize(
    ("language", "text", "good", "bad"),
    [
        ("fr", "Mistral AI a présenté un modèle meilleur que son équivalent chez Meta.",
         "Mistral AI", "Meta AI"),
        ("fr", "Mistral AI lève 600 millions d'euros, tandis qu'Aleph Alpha licencie la moitié "
         "de ses équipes.", "Mistral AI", "Aleph Alpha"),
        ("en", "OpenAI beat Anthropic in the latest benchmark of coding assistants.",
         "OpenAI", "Anthropic"),
        ("en", "Mistral AI won a record contract, while OpenAI was fined by the regulator.",
         "Mistral AI", "OpenAI"),
        ("fr", "Au classement des assistants de code, Anthropic passe devant OpenAI ce mois-ci.",
         "Anthropic", "OpenAI"),
        ("en", "In the new ranking of coding assistants, Aleph Alpha sits far behind Anthropic.",
         "Anthropic", "Aleph Alpha"),
    ],
)  # fmt: skip
def test_two_companies_of_one_sentence_get_opposite_tones(
    write_config: Callable[..., Config], language: str, text: str, good: str, bad: str
) -> None:
    companies = [
        {"name": "Mistral AI", "role": "tracked"},
        {"name": "Meta AI", "aliases": ["Meta"]},
        *({"name": name} for name in ("OpenAI", "Anthropic", "Aleph Alpha")),
    ]
    # The default backend: the shipped press model.
    analyzer = Analyzer(write_config(companies=companies))
    assert analyzer.tone.name == "press"
    article = Article(
        id="a", source="Feed", entry_key="a", title=None, text=text, language=language
    )
    tones = {t.company: t.label for t in analyzer.analyse(article).company_tones}
    assert tones[good] == "positive"
    assert tones[bad] == "negative"
    mentions = {m.company: m.tone_label for m in analyzer.analyse(article).mentions}
    assert mentions == tones  # one mention each: the mention's label is its company's


def test_the_press_model_ships_as_plain_arrays() -> None:
    with np.load(PRESS_MODEL, allow_pickle=False) as data:
        assert data["coef"].shape == (3, 768)  # clause and close-up: two 384-wide E5 embeddings
        assert list(data["classes"]) == ["negative", "neutral", "positive"]
    backend = get_backend()
    assert isinstance(backend, PressBackend)
    assert backend.model.cutoffs.negative < 0 < backend.model.cutoffs.positive


def test_the_press_model_reads_french_and_english_press() -> None:
    backend = PressBackend()
    cases = [
        ("fr", "Mistral AI lève 600 millions d'euros auprès de grands investisseurs", "positive"),
        ("fr", "Le parquet ouvre une enquête visant Qonto pour pratiques commerciales trompeuses",
         "negative"),
        ("en", "Shares of Nokia plunged after the company cut its outlook and announced layoffs",
         "negative"),
        ("en", "Spotify won praise from critics for its redesigned app", "positive"),
    ]  # fmt: skip
    for language, sentence, expected in cases:
        name = next(n for n in ("Mistral AI", "Qonto", "Nokia", "Spotify") if n in sentence)
        ((_, label),) = backend.classify_targets([target(sentence, name)], language)
        assert label == expected, sentence


def test_a_run_on_sentence_is_read_in_a_window_around_the_company() -> None:
    before = " ".join(f"avant{i}" for i in range(100))
    after = " ".join(f"après{i}" for i in range(100))
    sentence = f"{before} Mistral AI lève des fonds avec Qonto {after}"
    cut = windowed(target(sentence, "Mistral AI", "Qonto"), max_words=20)
    assert len(cut.sentence.split()) == 20
    (start, end), (other_start, other_end) = cut.spans[0], cut.others[0]
    assert (
        cut.sentence[start:end] == "Mistral AI" and cut.sentence[other_start:other_end] == "Qonto"
    )
    short = target("Mistral AI lève des fonds", "Mistral AI")
    assert windowed(short, max_words=20) is short


@pytest.mark.parametrize(
    ("sentence", "company", "other"),
    [
        ("Google invested more than $2bn in Anthropic last year", "Anthropic", "Google"),
        ("Apple shares rose ahead of Microsoft's earnings on Thursday", "Microsoft", "Apple"),
        ("Orange est plus endetté que Bouygues Telecom, selon l'agence", "Orange", "Bouygues Telecom"),
    ],
)  # fmt: skip
def test_words_whose_side_depends_on_the_sentence_are_no_comparison(
    sentence: str, company: str, other: str
) -> None:
    assert comparison_role(target(sentence, company, other)) is None


def test_a_comparison_reads_french_elision_and_only_neighbours() -> None:
    sentence = "Le modèle de Mistral AI est meilleur qu’OpenAI sur ce test"
    assert comparison_role(target(sentence, "Mistral AI", "OpenAI")) == "winner"
    # A third company between them: no comparison across it.
    across = "Qonto dépasse Shine, et Revolut recrute"
    assert comparison_role(target(across, "Revolut", "Qonto", "Shine")) is None

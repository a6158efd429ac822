"""Tone per mention, company and article, with evidence; topics on lemmas; corrections."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from presswatch.analysis.analyzer import Analyzer
from presswatch.analysis.nlp.sentiment import (
    VaderBackend,
    _english_analyzer,
    _french_analyzer,
    shared_english_analyzer,
    shared_french_analyzer,
)
from presswatch.collect import collect
from presswatch.config import Config, load_config
from presswatch.errors import StoreError
from presswatch.models import Article
from presswatch.store import Store

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = load_config(ROOT / "config.yaml")
VADER = VaderBackend()


def tone(sentence: str, language: str = "fr") -> str:
    (score,) = VADER.score([sentence], language)
    return VADER.label(score, language)


def test_plus_is_a_superlative_unless_ne_stands_before_it() -> None:
    seed = (
        "Mistral AI a su lever des fonds colossaux et fédérer autour d’elle les plus grands espoirs"
    )
    assert tone(seed) == "positive"
    assert tone("les plus grands espoirs") == tone("de grands espoirs") == "positive"
    assert tone("Ce n'est plus un bon produit") == "negative"
    assert tone("Ce n’est plus un bon produit") == "negative"  # typographic apostrophe


def test_french_and_english_sentences() -> None:
    assert (
        tone(
            "L'exemple de la start-up allemande Aleph Alpha, contrainte de revoir ses ambitions "
            "à la baisse, rappelle la difficulté de rester dans la course"
        )
        == "negative"
    )
    assert tone("Un succès remarquable et une équipe brillante") == "positive"
    assert tone("La société publie ses comptes mardi") == "neutral"
    assert tone("The company reported a strong increase in profit", "en") == "positive"
    assert tone("The company warned of heavy losses and layoffs", "en") == "negative"
    assert tone("The company will publish its accounts on Tuesday", "en") == "neutral"


@pytest.fixture
def seeded(write_config: Callable[..., Config], seeds_dir: Path, store: Store) -> Store:
    config = write_config(
        sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}],
        topics={k: list(v) for k, v in SHIPPED.topics.items()},
    )
    collect(config, store)
    return store


def test_seed_tones_per_company_with_evidence(seeded: Store) -> None:
    tones = seeded.tones_frame()
    articles = seeded.articles_frame().set_index("id")
    profile = articles[articles["outlet"].isna()].index[0]
    by_company = tones[tones["article_id"] == profile].set_index("company")
    assert by_company.loc["Aleph Alpha", "label"] == "negative"
    assert (
        "Aleph Alpha, contrainte de revoir ses ambitions"
        in by_company.loc["Aleph Alpha", "evidence"]
    )
    mentions = seeded.mentions_frame()
    hopes = mentions[mentions["sentence"].str.contains("les plus grands espoirs")]
    assert set(hopes["tone_label"]) == {"positive"} and set(hopes["company"]) == {"Mistral AI"}
    assert articles["tone_label"].notna().all()


def test_seed_topics(seeded: Store) -> None:
    topics = seeded.topics_frame()
    articles = seeded.articles_frame().set_index("id")
    profile = articles[articles["outlet"].isna()].index[0]
    tribune = articles[articles["outlet"] == "La Tribune"].index[0]
    mistral = topics[topics["company"] == "Mistral AI"]
    found = mistral.groupby("article_id")["topic"].agg(list)
    # Themes per company, the main one first, each resting on a sentence naming it.
    assert found[profile][0] == "funding" and "open source" in found[profile]
    assert all("Mistral" in s or "Le Chat" in s for s in mistral["sentence"])
    # The La Tribune profile no longer gets most of the taxonomy at once.
    assert len(found[tribune]) <= 3 and "international expansion" not in found[tribune]
    funding = mistral[(mistral["article_id"] == profile) & (mistral["topic"] == "funding")]
    assert any("lever des fonds colossaux" in s for s in funding["sentence"])


def test_corrections_are_kept_with_who_and_when(seeded: Store) -> None:
    article_id = seeded.articles_frame()["id"].iloc[0]
    seeded.add_correction(
        article_id, "negative", "claire@comms", company="Mistral AI", note="ironic"
    )
    (row,) = seeded.corrections_frame().to_dict("records")
    assert (row["label"], row["author"], row["company"]) == (
        "negative",
        "claire@comms",
        "Mistral AI",
    )
    assert row["created_at"] is not None
    with pytest.raises(StoreError, match="not positive, neutral or negative"):
        seeded.add_correction(article_id, "bad", "x")
    with pytest.raises(StoreError, match="no article with id"):
        seeded.add_correction("nope", "positive", "x")


def test_analyzer_fingerprint_changes_with_topics(write_config: Callable[..., Config]) -> None:
    first = Analyzer(write_config(topics={"a": ["x"]}))
    second = Analyzer(write_config(topics={"a": ["y"]}))
    assert first.fingerprint != second.fingerprint


def test_analyzer_fingerprint_changes_with_the_comparison_rules(
    write_config: Callable[..., Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new comparison word changes stored tones: the next run must re-analyse."""
    import presswatch.analysis.analyzer as analyzer_module

    config = write_config()
    before = Analyzer(config, VaderBackend()).fingerprint
    monkeypatch.setattr(analyzer_module, "TARGET_RULES", analyzer_module.TARGET_RULES + "|distance")
    assert Analyzer(config, VaderBackend()).fingerprint != before


class CountingVader(VaderBackend):
    """VADER that counts the sentences it scores."""

    def __init__(self) -> None:
        super().__init__()
        self.scored: list[str] = []

    def score(self, sentences: Sequence[str], language: str | None) -> list[float]:
        self.scored.extend(sentences)
        return super().score(sentences, language)


def test_each_company_is_scored_once_per_sentence_and_the_article_is_their_mean(
    write_config: Callable[..., Config],
) -> None:
    backend = CountingVader()
    analyzer = Analyzer(write_config(), tone=backend)
    title = "Mistral AI lève des fonds"
    sentences = [
        "Mistral AI a réussi une excellente levée de fonds.",
        "Le marché reste difficile.",
        "OpenAI a subi un terrible échec.",
        "Le marché reste difficile.",
    ]
    article = Article(
        id="a1",
        source="Feed",
        entry_key="1",
        title=title,
        text=" ".join(sentences),
        outlet="Le Monde",
        language="fr",
    )
    analysed = analyzer.analyse(article)
    assert {t.company for t in analysed.company_tones} == {"Mistral AI", "OpenAI"}
    # Only the sentences naming a company are read (the clause of each company in them).
    assert sorted(backend.scored) == sorted([title, sentences[0], sentences[2]])
    by_company = {t.company: t for t in analysed.company_tones}
    assert by_company["Mistral AI"].label == "positive"
    assert by_company["OpenAI"].label == "negative"
    mistral = by_company["Mistral AI"].score
    assert mistral == pytest.approx(sum(VADER.score([title, sentences[0]], "fr")) / 2)
    assert analysed.tone_score == pytest.approx((mistral + by_company["OpenAI"].score) / 2)
    # One rule: a mention's label is its score's, by the same cut-offs as the company's.
    for mention in analysed.mentions:
        assert mention.tone_label == VADER.label(mention.tone_score or 0.0, "fr")


def test_one_vader_analyser_per_language_serves_every_backend_with_the_same_scores() -> None:
    """The analysers are built once per process and shared: they keep nothing of a call,
    so a backend scores as one built for it alone, whatever was scored before."""
    first, second = VaderBackend(), VaderBackend()
    assert first._french is second._french is shared_french_analyzer()
    assert first._english is second._english is shared_english_analyzer()
    assert first._french is not first._english

    french = [
        "Ce n'est plus un bon produit",
        "Un succès remarquable et une équipe brillante",
        "La société publie ses comptes mardi",
        "Une très mauvaise nouvelle, pas du tout rassurante 😡",
        "MAGNIFIQUE résultat mais des pertes inquiétantes",
    ]
    english = [
        "The company reported a strong increase in profit",
        "The company warned of heavy losses and layoffs",
        "Not bad at all, though hardly GREAT",
        "The board said little :(",
    ]
    shared = {"fr": shared_french_analyzer(), "en": shared_english_analyzer()}
    before = {language: dict(vars(a)) for language, a in shared.items()}
    sizes = {language: len(a.lexicon) for language, a in shared.items()}
    forward = first.score(french, "fr") + first.score(english, "en")
    backward = second.score(french[::-1], "fr")[::-1] + second.score(english[::-1], "en")[::-1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alone = [score_alone("fr", s) for s in french] + [score_alone("en", s) for s in english]
    assert forward == backward == alone
    assert len(set(forward)) > 3  # the sentences do move the scores
    for language, analyser in shared.items():
        assert vars(analyser).keys() == before[language].keys()
        assert all(v is before[language][k] for k, v in vars(analyser).items())
        assert len(analyser.lexicon) == sizes[language]


def score_alone(language: str, sentence: str) -> float:
    """The score of a sentence by a backend whose analyser is built for it alone."""
    analyser = _english_analyzer() if language == "en" else _french_analyzer()

    class Alone(VaderBackend):
        def _analyzer(self, language: str | None) -> Any:
            return analyser

    (score,) = Alone().score([sentence], language)
    return score


def test_vader_reads_only_the_words_its_checks_need_with_the_same_scores() -> None:
    """The idiom and negation checks get a window of the sentence instead of lowering all
    of it for every sentiment word: every score stays the library's."""
    # The stock analysers, beside presswatch's own, for this comparison only.
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, SPECIAL_CASES
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer as StockEnglish
    from vaderSentiment_fr.vaderSentiment import SPECIAL_CASES as SPECIAL_CASES_FR
    from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer as StockFrench

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        french = _french_analyzer()

    class FrenchBefore(type(french)):  # type: ignore[misc]
        _special_idioms_check = staticmethod(StockFrench._special_idioms_check)

    filler = [
        "the",
        "market",
        "was",
        "quiet",
        "and",
        "the",
        "board",
        "said",
        "little",
        "about",
        "it",
        "today",
    ]
    english_words = [*SPECIAL_CASES, *list(BOOSTER_DICT)[:20], "never so good", "not bad"]
    french_words = [*SPECIAL_CASES_FR, "pas mal", "ne plus jamais bon", "très bien"]
    cases = []
    for n, phrase in enumerate([*english_words, *french_words]):
        # Each idiom at the start, the middle and the end of a long sentence.
        cases += [
            f"{phrase} great {' '.join(filler)}",
            f"{' '.join(filler[: n % 9])} good {phrase} wonderful {' '.join(filler)}",
            f"{' '.join(filler)} bad {phrase}",
        ]
    english, stock = _english_analyzer(), StockEnglish()
    before = FrenchBefore()
    assert [english.polarity_scores(c) for c in cases] == [stock.polarity_scores(c) for c in cases]
    assert [french.polarity_scores(c) for c in cases] == [before.polarity_scores(c) for c in cases]
    # Idioms move some of these scores: the checks did run.
    assert english.polarity_scores("the shit") != english.polarity_scores("the thing")

"""Key messages found by meaning: real E5 on press-style sentences in French and English.

Every sentence here was written for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from presswatch.analysis.analyzer import Analyzer
from presswatch.analysis.nlp.messages import MESSAGE_THRESHOLD, is_denied
from presswatch.analysis.nlp.sentiment import PressBackend, VaderBackend
from presswatch.config import Config, load_config, parse_config
from presswatch.errors import ConfigError
from presswatch.models import Article, Filters, Topic
from presswatch.report import how_found
from presswatch.store import SCHEMA_VERSION, Store

PROJECT_CONFIG = Path(__file__).resolve().parents[1] / "config.yaml"
# The project's own messages, as config.yaml ships them.
MESSAGES = load_config(PROJECT_CONFIG).messages

SOVEREIGNTY_FR = "Mistral AI estime que l'Europe doit garder la maîtrise de ses technologies."
WEIGHTS_EN = "Mistral AI put the weights of its new model online for anyone to download and adapt."
WEIGHTS_FR = (
    "Mistral AI met en ligne les poids de son nouveau modèle, que chacun peut télécharger "
    "et adapter."
)


def config(similarity: bool | float = True, messages: dict[str, list[str]] | None = None) -> Config:
    """Two companies, the project's messages, and the similarity setting."""
    return parse_config(
        {
            "companies": [
                {"name": "Mistral AI", "role": "tracked"},
                {"name": "Aleph Alpha"},
            ],
            "messages": MESSAGES if messages is None else messages,
            "message_similarity": similarity,
        }
    )


@pytest.fixture(scope="module")
def press() -> PressBackend:
    """One press backend (its E5 cache) for the module's analyses."""
    return PressBackend()


def carried(analyzer: Analyzer, text: str, language: str) -> dict[tuple[str, str], Topic]:
    """(company, message) -> the key message found in a one-sentence article."""
    article = Article(id="a", source="Tests", entry_key="a", text=text, language=language)
    return {(m.company, m.topic): m for m in analyzer.analyse(article).messages}


def test_paraphrases_carry_the_message_by_similarity(press: PressBackend) -> None:
    analyzer = Analyzer(config(), tone=press)
    cases = [
        (SOVEREIGNTY_FR, "fr", "European sovereignty"),
        (WEIGHTS_EN, "en", "open-weight models"),
        (WEIGHTS_FR, "fr", "open-weight models"),
    ]
    for text, language, message in cases:
        found = carried(analyzer, text, language)
        assert set(found) == {("Mistral AI", message)}, text
        topic = found[("Mistral AI", message)]
        # No phrasing stands in the sentence: found by meaning, with its score and the
        # nearest phrasing, and the sentence shown is the one naming the company.
        assert topic.similarity is not None and topic.similarity >= MESSAGE_THRESHOLD
        assert topic.keyword in MESSAGES[message]
        assert topic.sentence == text


def test_hard_negatives_carry_nothing(press: PressBackend) -> None:
    analyzer = Analyzer(config(), tone=press)
    negatives = [
        # Same company, other news.
        (
            "Mistral AI a ouvert un bureau à Singapour et recrute une vingtaine de commerciaux.",
            "fr",
        ),
        ("Mistral AI opened an office in Singapore and is hiring twenty salespeople.", "en"),
        # Same topic, not the message: a paid API is no open weights.
        (
            "Mistral AI launched a paid API for its new model, reserved for business customers.",
            "en",
        ),
        # The paraphrase denied.
        (
            "Mistral AI ne met pas en ligne les poids de son nouveau modèle, que personne ne "
            "peut télécharger.",
            "fr",
        ),
        (
            "Mistral AI does not put the weights of its new model online for anyone to download.",
            "en",
        ),
    ]
    for text, language in negatives:
        assert carried(analyzer, text, language) == {}, text


def test_the_message_is_the_company_s_whose_clause_says_it(press: PressBackend) -> None:
    analyzer = Analyzer(config(), tone=press)
    text = (
        "Aleph Alpha keeps its models closed, while Mistral AI lets anyone download and "
        "modify its model weights."
    )
    found = carried(analyzer, text, "en")
    assert ("Mistral AI", "open-weight models") in found
    assert not any(company == "Aleph Alpha" for company, _ in found)


def test_a_phrasing_found_by_its_lemmas_is_not_scored(press: PressBackend) -> None:
    analyzer = Analyzer(config(), tone=press)
    found = carried(analyzer, "Mistral AI released two open-weight models on Tuesday.", "en")
    assert found[("Mistral AI", "open-weight models")].similarity is None


def test_the_threshold_key_is_respected(press: PressBackend) -> None:
    assert carried(Analyzer(config(False), tone=press), WEIGHTS_EN, "en") == {}
    score = carried(Analyzer(config(), tone=press), WEIGHTS_EN, "en")[
        ("Mistral AI", "open-weight models")
    ].similarity
    assert score is not None
    assert carried(Analyzer(config(score + 0.01), tone=press), WEIGHTS_EN, "en") == {}
    assert ("Mistral AI", "open-weight models") in carried(
        Analyzer(config(score - 0.01), tone=press), WEIGHTS_EN, "en"
    )
    # A tone backend that embeds no clause finds messages by their lemmas only.
    assert Analyzer(config(), tone=VaderBackend()).similarity is None


def test_similarity_is_off_by_default_and_0_or_1_are_refused(press: PressBackend) -> None:
    plain = parse_config(
        {"companies": [{"name": "Mistral AI", "role": "tracked"}], "messages": MESSAGES}
    )
    assert plain.message_similarity is False
    assert Analyzer(plain, tone=press).similarity is None
    for ambiguous in (0, 1):
        with pytest.raises(ConfigError, match=r"message_similarity.*decimal point"):
            config(ambiguous)
    assert config(0.5).message_similarity == 0.5


def test_the_fingerprint_follows_the_threshold_and_the_phrasings(press: PressBackend) -> None:
    prints = {
        Analyzer(config(), tone=press).fingerprint,
        Analyzer(config(0.6), tone=press).fingerprint,
        Analyzer(config(False), tone=press).fingerprint,
        Analyzer(
            config(messages={**MESSAGES, "open-weight models": ["open weights"]}), tone=press
        ).fingerprint,
    }
    assert len(prints) == 4
    assert Analyzer(config(), tone=press).fingerprint == Analyzer(config(), tone=press).fingerprint


def test_no_text_is_embedded_twice_only_the_phrasings_once() -> None:
    articles = [
        Article(id=str(i), source="Tests", entry_key=str(i), text=text, language=language)
        for i, (text, language) in enumerate(
            [(SOVEREIGNTY_FR, "fr"), (WEIGHTS_EN, "en"), (WEIGHTS_FR, "fr")]
        )
    ]
    counts = []
    for setting in (False, True):
        tone = PressBackend()
        analyzer = Analyzer(config(setting), tone=tone)
        analyzer.analyse_many(articles)
        analyzer.analyse_many(articles)
        counts.append(tone.embeddings.misses)
        if analyzer.similarity is not None:
            phrasings = sum(len(v) for v in MESSAGES.values())
            assert analyzer.similarity.embedded == phrasings
    assert counts[0] == counts[1] > 0


def test_negations_deny_the_whole_clause() -> None:
    assert is_denied("Mistral AI ne publie pas les poids de son modèle")
    assert is_denied("Mistral AI has never released its weights")
    assert not is_denied("Mistral AI publie non seulement ses poids mais aussi ses données")
    assert not is_denied("Mistral AI releases its weights under Apache 2.0")


def test_the_shown_sentence_says_how_it_was_found(store: Store, press: PressBackend) -> None:
    analyzer = Analyzer(config(), tone=press)
    texts = [
        (WEIGHTS_EN, "en"),  # by similarity
        ("Mistral AI released two open-weight models on Tuesday.", "en"),  # by its phrasing
        (SOVEREIGNTY_FR, "fr"),  # by similarity only
    ]
    store.save_articles(
        [
            analyzer.analyse(
                Article(id=str(i), source="T", entry_key=str(i), text=t, language=lang)
            )
            for i, (t, lang) in enumerate(texts)
        ]
    )
    shares = store.message_shares(Filters()).set_index(["company", "message"])
    weights = shares.loc[("Mistral AI", "open-weight models")]
    assert weights["articles"] == 2
    # The sentence holding a phrasing is shown before a similar one.
    assert weights["sentence"] == texts[1][0] and weights["phrasing"] == "open-weight models"
    assert how_found(weights["phrasing"], weights["similarity"], "en") == (
        "phrasing “open-weight models”"
    )
    sovereignty = shares.loc[("Mistral AI", "European sovereignty")]
    assert sovereignty["sentence"] == SOVEREIGNTY_FR
    assert sovereignty["similarity"] >= MESSAGE_THRESHOLD
    shown = how_found(sovereignty["phrasing"], sovereignty["similarity"], "fr")
    assert shown.startswith("similarité 0,") and "« " in shown


def test_an_archive_at_schema_14_gains_the_similarity_column(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    Store(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE messages DROP COLUMN similarity"))
        conn.execute(sa.text("UPDATE meta SET value = '14' WHERE key = 'schema_version'"))
    engine.dispose()
    store = Store(url)
    try:
        assert store.schema_version() == SCHEMA_VERSION
        columns = {c["name"] for c in sa.inspect(store.engine).get_columns("messages")}
        assert "similarity" in columns
    finally:
        store.close()

"""Themes of an article from the config's taxonomy, matched on lemmas and stems.

"lever", "levée", "levées" and "levé" all count for the keyword "levée de fonds": words are
lemmatised with simplemma in the article's language, then stemmed (Snowball), and small
function words (de, des, the...) are skipped on both sides.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

import simplemma
import snowballstemmer

from presswatch.analysis.nlp.text import SentenceIndex, fold
from presswatch.models import Topic

_TOKEN = re.compile(r"\w+(?:-\w+)*")
# Function words skipped on both sides: "levée de fonds" matches "lever des fonds".
_SKIP = frozenset(
    [
        "de",
        "des",
        "du",
        "d",
        "la",
        "le",
        "les",
        "l",
        "un",
        "une",
        "au",
        "aux",
        "a",
        "à",
        "en",
        "et",
        "of",
        "the",
        "an",
        "and",
        "to",
        "in",
        "on",
        "for",
        "s",
    ]
)
_STEMMERS = {"fr": "french", "en": "english"}


TopicHit = Topic


@lru_cache(maxsize=4)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(_STEMMERS.get(language, "french"))


@lru_cache(maxsize=200_000)
def _unit(token: str, language: str) -> str:
    """The matching unit of a token: the stem of its lemma, accents folded."""
    lemma = simplemma.lemmatize(token.lower(), lang=language)
    return fold(_stemmer(language).stemWord(lemma.lower()))


def _units(text: str, language: str) -> list[tuple[str, int]]:
    out = []
    for match in _TOKEN.finditer(text.replace("’", "'")):
        token = match.group().lower()
        if token in _SKIP:
            continue
        out.append((_unit(token, language), match.start()))
    return out


class TopicMatcher:
    """Finds the taxonomy's topics in articles."""

    def __init__(
        self, topics: Mapping[str, Sequence[str]], languages: Sequence[str] = ("fr", "en")
    ):
        self.languages = tuple(languages) or ("fr",)
        # first unit -> [(units, topic, keyword)], keywords lemmatised in every language
        # since a French article may use an English term ("open source") and the reverse.
        self._index: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        for topic, keywords in topics.items():
            for keyword in keywords:
                variants = {tuple(u for u, _ in _units(keyword, lang)) for lang in self.languages}
                for units in variants:
                    if units:
                        self._index.setdefault(units[0], []).append((units, topic, keyword))
        for entries in self._index.values():
            entries.sort(key=lambda e: -len(e[0]))

    def find(self, title: str | None, text: str, language: str | None) -> list[TopicHit]:
        """Each (topic, sentence) found once, in reading order."""
        if not self._index:
            return []
        lang = language if language in self.languages else self.languages[0]
        hits: list[TopicHit] = []
        seen: set[tuple[str, str]] = set()
        for content in (title or "", text):
            if not content:
                continue
            units = _units(content, lang)
            sentences: SentenceIndex | None = None
            for position, (unit, offset) in enumerate(units):
                for keyword_units, topic, keyword in self._index.get(unit, ()):
                    end = position + len(keyword_units)
                    if tuple(u for u, _ in units[position:end]) != keyword_units:
                        continue
                    sentences = sentences or SentenceIndex(content)
                    sentence = sentences.sentence_at(offset)
                    if (topic, sentence) not in seen:
                        seen.add((topic, sentence))
                        hits.append(TopicHit(topic, keyword, sentence))
                    break
        return hits

"""Language detection for French and English press text, offline and dependency-free."""

from __future__ import annotations

import re
from collections.abc import Sequence

# The most frequent function words of each language: a few hundred characters of press text
# name their language reliably, and these lists need no model file.
_STOP_WORDS: dict[str, frozenset[str]] = {
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "un",
            "une",
            "des",
            "du",
            "de",
            "et",
            "est",
            "sont",
            "dans",
            "pour",
            "par",
            "sur",
            "avec",
            "que",
            "qui",
            "ne",
            "pas",
            "plus",
            "au",
            "aux",
            "ce",
            "cette",
            "ces",
            "son",
            "sa",
            "ses",
            "leur",
            "leurs",
            "nous",
            "vous",
            "ils",
            "elle",
            "elles",
            "été",
            "être",
            "a",
            "ont",
            "mais",
            "ou",
            "où",
            "donc",
            "comme",
            "d",
            "l",
            "qu",
            "c",
            "s",
            "n",
            "j",
            "aussi",
            "très",
            "entre",
            "depuis",
            "sans",
            "sous",
            "chez",
        ]
    ),
    "en": frozenset(
        [
            "the",
            "a",
            "an",
            "of",
            "and",
            "is",
            "are",
            "was",
            "were",
            "in",
            "on",
            "for",
            "with",
            "that",
            "which",
            "who",
            "not",
            "it",
            "its",
            "this",
            "these",
            "those",
            "by",
            "from",
            "at",
            "as",
            "be",
            "been",
            "has",
            "have",
            "had",
            "but",
            "or",
            "their",
            "they",
            "we",
            "you",
            "he",
            "she",
            "will",
            "would",
            "can",
            "could",
            "than",
            "more",
            "also",
            "into",
            "about",
            "after",
            "over",
        ]
    ),
}
_WORD = re.compile(r"[a-zàâäçéèêëîïôöùûüÿœæ]+", re.IGNORECASE)


def detect_language(text: str, allowed: Sequence[str] = ("fr", "en")) -> str | None:
    """The likeliest of ``allowed`` languages for ``text``, or None when it is too short."""
    # A few thousand characters name the language as well as the whole text.
    words = _WORD.findall(text[:4000].lower())
    if len(words) < 5 or not allowed:
        return None
    counts = {
        language: sum(1 for w in words if w in _STOP_WORDS.get(language, ()))
        for language in allowed
    }
    best = max(counts, key=lambda lang: counts[lang])
    return best if counts[best] >= 2 else None

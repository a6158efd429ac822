"""Is a name also a common word? simplemma's dictionaries, which keep the case of names.

simplemma ships a lemma dictionary per language (word form -> lemma) in which common words
are written in lower case and proper nouns with their capital: "orange" is there in
French and English, "Lyon" only with its capital. A company name whose lower-case form is
a dictionary word ("Orange", "Total", "Free", "Apple", the verb "google") is ambiguous in
running text; one whose accented or unaccented spelling is a word ("über" for "Uber",
"liberation" for "Libération") collides with that word once accents are folded.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marisa_trie import BytesTrie
from platformdirs import user_cache_dir

if TYPE_CHECKING:
    from simplemma import Lemmatizer
    from simplemma.strategies.dictionaries.dictionary_factory import DictionaryFactory

# The languages whose words a French and English press archive meets most, including
# in quotes, names and the foreign-language items of aggregated feeds.
COMMON_WORD_LANGUAGES: tuple[str, ...] = ("fr", "en", "de", "es", "it", "pt", "nl")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


# Languages whose dictionaries a process keeps open (tries: small beside decoded dicts).
_OPEN_DICTIONARIES = 16


def dictionary_cache_dir() -> Path:
    """Where simplemma's dictionaries are kept as tries, built once per machine and
    version: the user's cache folder (platformdirs)."""
    from simplemma.__metadata__ import __version__

    return Path(user_cache_dir("presswatch")) / "simplemma" / __version__


def dictionary_factory(cache_dir: Path | None = None) -> DictionaryFactory:
    """simplemma's dictionaries as MARISA tries kept in ``cache_dir`` (the user's cache by
    default), or as simplemma's in-memory dicts where that folder cannot be found or
    written.

    Every process reading words (collector, analysis, dashboard) decoded each language's
    dictionary into a dict at first use: seconds of CPU and hundreds of MB for the seven
    languages of COMMON_WORD_LANGUAGES. A trie built once and saved loads in milliseconds,
    holds far less memory, and gives the same words and lemmas (tests/test_lexicon_cache.py)."""
    # Imported here: the dashboard's first page imports this module (through analytics)
    # and never asks it a word.
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory
    from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES
    from simplemma.strategies.dictionaries.trie_dictionary_factory import (
        TrieDictionaryFactory,
        TrieWrapDict,
    )

    try:
        # platformdirs raises RuntimeError without a home folder (a service user, a bare
        # container).
        folder = cache_dir or dictionary_cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except (OSError, RuntimeError):
        return DefaultDictionaryFactory(cache_max_size=_OPEN_DICTIONARIES)
    _remove_stale_partials(folder)

    class SavedTries(TrieDictionaryFactory):
        """simplemma's trie factory, each trie written whole before it is seen (processes
        building the same language at once, the collector and the dashboard or test
        workers, never load a half-written file) and readable by every user of the folder;
        a file that cannot be read is replaced, never deleted first, and a trie that cannot
        be saved is still used."""

        def _get_dictionary_uncached(self, lang: str) -> Mapping[str, str]:
            # The code is checked before it names a file: an article's language is data.
            if lang not in SUPPORTED_LANGUAGES:
                raise ValueError(f"Unsupported language: {lang}")
            path = self._cache_dir / f"{lang}.dic"
            if path.exists():
                try:
                    return TrieWrapDict(BytesTrie().load(str(path)))
                except Exception:  # noqa: S110 - marisa's errors: a truncated or foreign file
                    pass
            trie = self._build_trie(lang)  # a ValueError for a language it has none of
            # A full disk or a folder turned read-only: the trie still serves.
            with contextlib.suppress(OSError):
                self._write_trie_to_disk(lang, trie)
            return TrieWrapDict(trie)

        def _write_trie_to_disk(self, lang: str, trie: Any) -> None:
            handle, partial = tempfile.mkstemp(dir=self._cache_dir, suffix=PARTIAL)
            try:
                os.fchmod(handle, 0o644)  # mkstemp's 0600 would hide it from other users
                os.close(handle)
                trie.save(partial)
                os.replace(partial, self._cache_dir / f"{lang}.dic")
            finally:
                Path(partial).unlink(missing_ok=True)

    return SavedTries(cache_max_size=_OPEN_DICTIONARIES, disk_cache_dir=str(folder))


# A trie being written; one left by a process killed meanwhile is removed after a while.
PARTIAL = ".partial"
_STALE_PARTIAL_SECONDS = 600


def _remove_stale_partials(folder: Path) -> None:
    """Remove the half-written tries that processes killed while saving left behind."""
    now = time.time()
    for leftover in folder.glob(f"*{PARTIAL}"):
        try:
            if now - leftover.stat().st_mtime > _STALE_PARTIAL_SECONDS:
                leftover.unlink()
        except OSError:
            pass  # another process removed it, or it is not ours to remove


@lru_cache(maxsize=1)
def _factory() -> DictionaryFactory:
    # One factory per process keeps each language's dictionary once loaded.
    return dictionary_factory()


@lru_cache(maxsize=1)
def _lemmatizer() -> Lemmatizer:
    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy

    return Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=_factory()))


def lemmatize(token: str, language: str) -> str:
    """simplemma's lemma of ``token`` in ``language`` (as ``simplemma.lemmatize``), read
    from the dictionaries this module keeps: a ValueError for a language it has none of."""
    return str(_lemmatizer().lemmatize(token, language))


def word_languages(word: str, languages: Sequence[str] = COMMON_WORD_LANGUAGES) -> list[str]:
    """The languages in which ``word`` written in lower case is a dictionary word."""
    lowered = word.lower()
    return [code for code in languages if lowered in _factory().get_dictionary(code)]


def is_word(word: str, languages: Sequence[str] = COMMON_WORD_LANGUAGES) -> bool:
    """Whether ``word`` in lower case is a dictionary word of any of these languages (the
    dictionaries are loaded one at a time, only as far as needed)."""
    lowered = word.lower()
    return any(lowered in _factory().get_dictionary(code) for code in languages)


def is_proper_noun(
    word: str, languages: Sequence[str] = ("fr", "en", "es", "it", "pt", "nl")
) -> bool:
    """Whether ``word`` with its first letter capitalised is a name in one of these
    languages' dictionaries ("Nice", "Orange"); German is left out by default: it writes
    every noun with a capital."""
    capitalised = word[:1].upper() + word[1:].lower()
    return any(capitalised in _factory().get_dictionary(code) for code in languages)


def phrase_languages(phrase: str, languages: Sequence[str] = COMMON_WORD_LANGUAGES) -> list[str]:
    """The languages in which every word of ``phrase``, in lower case, is a dictionary word.

    "Le Chat" and "Free Mobile" are phrases of common words; "Google DeepMind" is not, nor
    is "Mistral AI" (a word in capitals is an acronym, not the word "ai"), "Mistral 7B" (a
    token that is no word) or a longer name ("The New York Times": three words and more
    read as a title).
    """
    words = phrase.split()
    if not words or len(words) > 2 or not all(_WORD.fullmatch(w) for w in words):
        return []
    if any(len(w) > 2 and w.isupper() for w in words) or (
        len(words) > 1 and any(len(w) > 1 and w.isupper() for w in words)
    ):
        return []
    found = set(word_languages(words[0], languages))
    for word in words[1:]:
        found &= set(word_languages(word, languages))
        if not found:
            return []
    return [code for code in languages if code in found]


# German endings of a noun's plural and cases ("Regierungen", "Abende", "Jahres"); a
# genitive "-s" is left out: names take it too ("Merkels").
_GERMAN_NOUN_ENDINGS = ("e", "en", "n", "er", "ern", "es", "ns", "nen", "ien")
# A plural may also change the stem's last vowel ("Stadt", "Städte"; "Haus", "Häuser").
_UMLAUTS = {"au": "äu", "a": "ä", "o": "ö", "u": "ü"}
_LAST_VOWEL = re.compile(r"(au|a|o|u)(?=[^aeiouäöü]*$)")


def _umlauted(stem: str) -> str:
    """A stem with its last vowel umlauted ("Stadt": "Städt"), or as it is."""
    return _LAST_VOWEL.sub(lambda m: _UMLAUTS[m.group(1)], stem, count=1)


def is_german_common_noun(word: str) -> bool:
    """Whether ``word`` is a German common noun: the German dictionary holds its lemma
    with inflected forms (plural, genitive: "Regierungen", "Jahres", "Städte",
    "Materialien"). German writes every noun with a capital, and its dictionary holds
    names too, but names do not inflect."""
    dictionary = _factory().get_dictionary("de")
    capitalised = word[:1].upper() + word[1:].lower()
    lemma = dictionary.get(capitalised)
    if lemma is None or not lemma[:1].isupper():
        return False
    # "Thema" and "Museum" inflect from a shorter stem ("Themen", "Museen").
    stems = (lemma, lemma[:-1], lemma[:-2]) if lemma.endswith(("a", "um", "us")) else (lemma,)
    # The word as written inflects too where its lemma is in the old spelling ("Prozess",
    # "Prozesse" of "Prozeß").
    stems = (*stems, _umlauted(lemma), capitalised)
    return any(
        dictionary.get(stem + ending) == lemma for stem in stems for ending in _GERMAN_NOUN_ENDINGS
    )

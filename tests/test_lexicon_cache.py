"""simplemma's dictionaries kept as tries in a cache folder (lexicon.dictionary_factory):
the same words and lemmas as simplemma's in-memory dicts, written whole, loaded by the
next process without being built again, and in-memory dicts where the folder cannot be
written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries import DefaultDictionaryFactory

from presswatch.analysis.nlp import lexicon

# Common words, names, inflected forms, accents and apostrophes of the press in the
# languages the lexicon reads; some are in no dictionary.
WORDS = [
    "orange", "Orange", "Lyon", "lyon", "free", "total", "banques", "levée", "licencie",
    "aujourd'hui", "Regierungen", "Städte", "Zeitung", "Datenschutz", "empresas", "società",
    "investimentos", "overheid", "raised", "layoffs", "running", "Mistral", "kestrel",
    "über", "Libération", "liberation", "zxqv", "ChatGPT", "démissionné", "acquisitions",
]  # fmt: skip
# The press's two languages and the largest dictionary (German: a million forms).
LANGUAGES = ("fr", "en", "de")


def test_the_tries_give_the_words_and_lemmas_of_the_in_memory_dictionaries(
    tmp_path: Path,
) -> None:
    tries = lexicon.dictionary_factory(tmp_path)
    assert type(tries).__name__ == "SavedTries"
    plain = DefaultDictionaryFactory()
    for language in LANGUAGES:
        saved, decoded = tries.get_dictionary(language), plain.get_dictionary(language)
        assert len(saved) == len(decoded), language
        for word in WORDS:
            for form in (word, word.lower(), word.capitalize()):
                assert saved.get(form) == decoded.get(form), (language, form)
    in_memory = Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=plain))
    for language in LANGUAGES:
        for word in WORDS:
            assert lexicon.lemmatize(word, language) == in_memory.lemmatize(word, language)
    assert lexicon.lemmatize("banques", "fr") == "banque"
    with pytest.raises(ValueError):
        lexicon.lemmatize("word", "xx")


def test_each_trie_is_written_whole_and_the_next_process_loads_it(tmp_path: Path) -> None:
    tries = lexicon.dictionary_factory(tmp_path)
    assert tries.get_dictionary("fr").get("banques") == "banque"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fr.dic"]  # no partial file left
    saved = (tmp_path / "fr.dic").stat()
    # Another process finds the trie and loads it as it is (not built and written again).
    script = (
        "import sys; from pathlib import Path; from presswatch.analysis.nlp import lexicon; "
        "d = lexicon.dictionary_factory(Path(sys.argv[1])).get_dictionary('fr'); "
        "print(d.get('banques'), len(d))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert done.stdout.split() == ["banque", str(len(tries.get_dictionary("fr")))]
    again = (tmp_path / "fr.dic").stat()
    assert (again.st_ino, again.st_mtime_ns) == (saved.st_ino, saved.st_mtime_ns)


def test_a_folder_that_cannot_be_written_falls_back_to_in_memory_dictionaries(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    factory = lexicon.dictionary_factory(blocker / "cache")
    assert isinstance(factory, DefaultDictionaryFactory)
    assert factory.get_dictionary("en").get("layoffs") == "layoff"


def test_the_cache_folder_is_the_users_and_names_the_simplemma_version() -> None:
    from simplemma.__metadata__ import __version__

    folder = lexicon.dictionary_cache_dir()
    assert folder.name == __version__
    assert "presswatch" in folder.parts

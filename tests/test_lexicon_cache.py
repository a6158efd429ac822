"""simplemma's dictionaries kept as tries in a cache folder (lexicon.dictionary_factory):
the same words and lemmas as simplemma's in-memory dicts, written whole, loaded by the
next process without being built again, and in-memory dicts where the folder cannot be
written."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from marisa_trie import BytesTrie
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


def test_the_process_wide_dictionaries_are_the_saved_tries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    lexicon._factory.cache_clear()
    lexicon._lemmatizer.cache_clear()
    try:
        assert type(lexicon._factory()).__name__ == "SavedTries"
        assert lexicon.lemmatize("banques", "fr") == "banque"
        saved = tmp_path / "presswatch" / "simplemma"
        assert [p.name for p in saved.glob("*/fr.dic")] == ["fr.dic"]
    finally:
        lexicon._factory.cache_clear()
        lexicon._lemmatizer.cache_clear()


def test_a_trie_appears_only_whole_and_readable_by_every_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace
    seen: list[str] = []

    def replace(source: Any, target: Any) -> None:
        # At the rename the trie is complete in its temporary file and absent under its name.
        assert not Path(target).exists()
        assert len(BytesTrie().load(str(source))) > 100_000
        seen.append(Path(target).name)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    tries = lexicon.dictionary_factory(tmp_path)
    assert tries.get_dictionary("en").get("layoffs") == "layoff"
    assert seen == ["en.dic"]
    mode = stat.S_IMODE((tmp_path / "en.dic").stat().st_mode)
    assert mode & 0o044 == 0o044, oct(mode)


def test_a_trie_that_cannot_be_saved_still_serves_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(source: Any, target: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    tries = lexicon.dictionary_factory(tmp_path)
    assert tries.get_dictionary("en").get("layoffs") == "layoff"
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_trie_is_replaced_and_old_partial_files_removed(tmp_path: Path) -> None:
    (tmp_path / "en.dic").write_bytes(b"not a trie")
    old, fresh = tmp_path / "old.partial", tmp_path / "fresh.partial"
    old.write_bytes(b"half")
    fresh.write_bytes(b"being written")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    tries = lexicon.dictionary_factory(tmp_path)
    assert not old.exists() and fresh.exists()  # a fresh one may be another process's
    assert tries.get_dictionary("en").get("layoffs") == "layoff"
    assert len(BytesTrie().load(str(tmp_path / "en.dic"))) > 100_000


def test_without_a_home_folder_the_dictionaries_are_decoded_in_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_home(*args: Any, **kwargs: Any) -> str:
        # What platformdirs raises for a user without a home folder.
        raise RuntimeError("could not determine the home directory for '~/.cache'")

    monkeypatch.setattr(lexicon, "user_cache_dir", no_home)
    factory = lexicon.dictionary_factory()
    assert isinstance(factory, DefaultDictionaryFactory)
    assert factory.get_dictionary("en").get("layoffs") == "layoff"


def test_a_language_code_never_names_a_file_outside_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    tries = lexicon.dictionary_factory(cache)
    tries.get_dictionary("en")
    # A valid trie one folder up: "../outside" must not load it.
    (tmp_path / "outside.dic").write_bytes((cache / "en.dic").read_bytes())
    with pytest.raises(ValueError, match="Unsupported language"):
        tries.get_dictionary("../outside")

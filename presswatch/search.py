"""Full-text search of the stored articles, in French and English.

A search is words, which must all appear, "exact phrases" (straight, curly or French
quotes), -words left out and prefix* words. Case and accents never matter ("levee" finds
"levée"), nor does punctuation inside a phrase ("l'IA" finds "l’IA", "start up" finds
"start-up").

The database keeps the index up to date itself, with triggers: on SQLite an FTS5 table,
on PostgreSQL a tsvector column with a GIN index, over the title and text of the articles
that mention a company, folded the way this module folds a search (presswatch/store/
search.py holds the index and its queries; this module parses what a person types).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from presswatch.analysis.nlp.text import fold_for_index
from presswatch.errors import QueryError

# Quotes a person may type around a phrase, French ones included.
_QUOTES = str.maketrans({q: '"' for q in "«»“”„‟"})
# Inside a word: letters and digits (the underscore is punctuation, as for FTS5).
_WORD = re.compile(r"[^\W_]+")


class SearchError(QueryError):
    """A search that cannot be run, in words a person understands."""


def words(text: str) -> tuple[str, ...]:
    """The folded words of a text, as the index cuts them (see fold_for_index)."""
    return tuple(_WORD.findall(fold_for_index(text)))


# Marks a phrase's last word as a prefix (a folded word never holds it).
PREFIX = "*"


@dataclass(frozen=True)
class Search:
    """A parsed search: phrases (tuples of folded words, the last one ending with PREFIX
    when it is a prefix) that must appear, and ones that must not."""

    required: tuple[tuple[str, ...], ...]
    excluded: tuple[tuple[str, ...], ...] = ()


def parse_search(text: str) -> Search | None:
    """The search a person typed, or None when there is nothing to search for.

    Raises SearchError when it only leaves words out.
    """
    required: list[tuple[str, ...]] = []
    excluded: list[tuple[str, ...]] = []
    # Phrases in quotes, then single words; a leading "-" leaves either out.
    for sign, phrase, word in re.findall(r'(-?)(?:"([^"]*)"?|(\S+))', text.translate(_QUOTES)):
        # An unquoted word with inner punctuation ("mistral.ai") is a phrase of its parts;
        # one ending with * is a prefix ("entrepris*" finds "entreprises").
        found = words(phrase or word)
        if found and word.endswith("*"):
            found = (*found[:-1], found[-1] + PREFIX)
        if found:
            (excluded if sign else required).append(found)
    if not required and not excluded:
        return None
    if not required:
        raise SearchError(
            f"the search '{text.strip()}' only leaves words out: add a word to find "
            "(for example: Mistral -OpenAI)"
        )
    return Search(tuple(dict.fromkeys(required)), tuple(dict.fromkeys(excluded)))


def hits(text: str, search: Search) -> list[tuple[int, int]]:
    """Where a search's required phrases stand in a text, as (start, end) offsets: the
    words the index matched, to highlight them."""
    found: list[tuple[str, int, int]] = []
    for token in _WORD.finditer(text):
        # A token folds to one word, rarely more ("ﬁn" is "fin", "½" is "1", "2").
        found.extend((word, token.start(), token.end()) for word in words(token.group()))
    spans = []
    for phrase in search.required:
        size = len(phrase)
        for first in range(len(found) - size + 1):
            if all(
                _word_matches(found[first + k][0], phrase[k], last=k == size - 1)
                for k in range(size)
            ):
                spans.append((found[first][1], found[first + size - 1][2]))
    return sorted(set(spans))


def _word_matches(word: str, wanted: str, *, last: bool) -> bool:
    if last and wanted.endswith(PREFIX):
        return word.startswith(wanted.removesuffix(PREFIX))
    return word == wanted


def _fts5_phrase(phrase: tuple[str, ...]) -> str:
    # Folded words hold letters and digits only: nothing to escape inside the quotes.
    text = " ".join(phrase)
    if text.endswith(PREFIX):
        return '"' + text.removesuffix(PREFIX) + '"' + PREFIX
    return '"' + text + '"'


def fts5_query(search: Search) -> str:
    """The search in SQLite FTS5's query language."""
    query = " AND ".join(_fts5_phrase(p) for p in search.required)
    for phrase in search.excluded:
        query += f" NOT {_fts5_phrase(phrase)}"
    return query


def _ts_phrase(phrase: tuple[str, ...]) -> str:
    lexemes = [
        f"'{word.removesuffix(PREFIX)}':*" if word.endswith(PREFIX) else f"'{word}'"
        for word in phrase
    ]
    return "(" + " <-> ".join(lexemes) + ")"


def tsquery(search: Search) -> str:
    """The search in PostgreSQL's tsquery language."""
    parts = [_ts_phrase(p) for p in search.required]
    parts += [f"!{_ts_phrase(p)}" for p in search.excluded]
    return " & ".join(parts)

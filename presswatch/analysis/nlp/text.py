"""Text helpers shared by matching, search and tone: folding for comparison, sentences,
paragraphs."""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache

# Characters folded to one ASCII-ish character, so that folding keeps every offset: a match
# in the folded text is at the same place in the original.
_SPECIAL_FOLDS = {
    "\u2019": "'",  # right single quotation mark: the French typographic apostrophe
    "\u2018": "'",
    "\u02bc": "'",
    "\u2032": "'",
    "\u00b4": "'",
    "`": "'",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u00a0": " ",  # no-break space, common before French punctuation
    "\u202f": " ",  # narrow no-break space
    "\u2009": " ",
    "\u00ab": '"',
    "\u00bb": '"',
    "\u201c": '"',
    "\u201d": '"',
    "\u0152": "\u0153",  # Œ -> œ; "oe" in a pattern matches both spellings
    "\u00c6": "\u00e6",
    "\u0130": "i",
}


def _without_marks(text: str) -> str:
    """The text in compatibility form (NFKD), its combining marks (accents) dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fold_char(ch: str) -> str:
    special = _SPECIAL_FOLDS.get(ch)
    if special is not None:
        return special
    base = _without_marks(ch) or ch
    lowered = base.lower()
    if len(lowered) == 1:
        return lowered
    single = ch.lower()
    return single if len(single) == 1 else ch


_TABLE_SIZE = 0x3000


@lru_cache(maxsize=1)
def _fold_table() -> str:
    # A string indexed by code point is str.translate's fastest table (2.4x a dict here);
    # characters past its end are left as they are.
    chars = [chr(code) for code in range(_TABLE_SIZE)]
    for code in range(0x80, _TABLE_SIZE):
        chars[code] = _fold_char(chars[code])
    for code in range(ord("A"), ord("Z") + 1):
        chars[code] = chr(code).lower()
    chars[ord("`")] = "'"
    return "".join(chars)


def fold(text: str) -> str:
    """Text as aliases, queries, stories and furniture compare it, one character for one.

    Contract: case is lowered (``str.lower`` per character: "İ" gives "i", "ß" stays "ß");
    accents and other combining marks are dropped ("É" gives "e"); typographic
    apostrophes and single quotes (’ ‘ ʼ ′ ´ `) become "'", dashes (‐ ‑ ‒ – — −) "-", the
    no-break and thin spaces " ", guillemets and curly double quotes (« » “ ”) '"'; "Œ"
    and "Æ" become "œ" and "æ" (a pattern's "oe" matches both spellings). A character whose
    folded form would be longer than one character (a ligature such as "ﬁ") is only
    lowered, and characters from U+3000 on (CJK, full-width forms) are left as they are.
    So the result always has the length of the input, and an offset found in it (a
    mention, a query term) holds in the original text.
    """
    if text.isascii():
        return text.lower().replace("`", "'")
    return text.translate(_fold_table())


def fold_for_index(text: str) -> str:
    """Text as the database's full-text search index compares words; the length may change.

    Contract: compatibility forms are decomposed (NFKD: "ﬁ" gives "fi", "½" gives "1⁄2",
    the no-break spaces become spaces), accents and other combining marks are dropped
    ("levée" gives "levee"), and case is folded with ``str.casefold`` ("ß" gives "ss").
    Apostrophes, quotes and dashes are left as they are: the search cuts words at them.
    This is what SQLite's FTS5 (remove_diacritics 2) and PostgreSQL's normalize(NFKD) do
    to the indexed text (presswatch.search), which is why it is not ``fold``: that one
    keeps every offset, at the cost of leaving ligatures whole.
    """
    return _without_marks(text).casefold()


# A sentence ends at . ! ? or … (and any closing quotes), before a space and a capital,
# a digit or an opening quote; a line break always ends one.
_SENTENCE_END = re.compile(r"""[.!?…]+["'»”)\]]*(?=\s+(?:[«"“'(\[]\s*)?[\dA-ZÀ-ÖØ-Þ])""")
_ABBREVIATIONS = frozenset(
    {
        "m",
        "mm",
        "mme",
        "mmes",
        "mr",
        "mrs",
        "ms",
        "dr",
        "pr",
        "st",
        "ste",
        "vs",
        "etc",
        "inc",
        "cf",
        "p",
        "no",
        "n°",
        "av",
        "bd",
        "jr",
        "sr",
        "co",
        "ltd",
        "corp",
        "gen",
        "gov",
        "sen",
    }
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace trimmed; lines never share a sentence."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for end_match in _SENTENCE_END.finditer(line.group()):
            cut = line.start() + end_match.end()
            word = re.search(r"(\w+)\W*$", text[start : line.start() + end_match.start()])
            if word and word.group(1).lower() in _ABBREVIATIONS:
                continue
            if word and len(word.group(1)) == 1 and word.group(1).isupper():
                continue  # an initial, as in "Arthur R. Mensch"
            spans.append((start, cut))
            start = cut
        spans.append((start, line.end()))
    trimmed: list[tuple[int, int]] = []
    for start, end in spans:
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            trimmed.append((start + lead, start + lead + len(stripped)))
    return trimmed


class SentenceIndex:
    """Find the sentence around an offset quickly, for many offsets in one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = sentence_spans(text)
        self._starts = [s for s, _ in self.spans]

    def span_at(self, offset: int) -> tuple[int, int]:
        """The sentence span holding ``offset`` (or the nearest one before it)."""
        if not self.spans:
            return (0, len(self.text))
        index = max(bisect.bisect_right(self._starts, offset) - 1, 0)
        return self.spans[index]

    def sentence_at(self, offset: int) -> str:
        """The sentence holding ``offset``."""
        start, end = self.span_at(offset)
        return self.text[start:end]


def first_paragraph_end(text: str) -> int:
    """Where the lead (the first non-empty paragraph) ends."""
    match = re.search(r"\S", text)
    if not match:
        return 0
    newline = text.find("\n", match.start())
    return len(text) if newline == -1 else newline

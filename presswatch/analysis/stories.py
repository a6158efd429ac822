"""Syndication: republished copies of one story (wire copy, one piece under two URLs) grouped.

Near-duplicates are found with MinHash signatures of word shingles and an LSH index
(datasketch): two articles sharing about half of their 4-word shingles or more are one story.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import lru_cache
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH

from presswatch.analysis.nlp.text import fold

NUM_PERM = 128
# Republished copies appear within days of each other: earlier articles are not compared.
STORY_WINDOW = timedelta(days=30)
# Stored signatures are only comparable under the same hashing scheme: name it explicitly.
SCHEME = "affine32"
SHINGLE_WORDS = 4
# Estimated Jaccard similarity of shingles above which two articles are one story. Wire
# copy reprinted with a new headline and a trimmed last paragraph stays well above it.
THRESHOLD = 0.5
# A copy at least this similar to the story member it joined adds nothing the index does
# not already hold: it is not indexed, so that a flood of near-identical entries (a
# templated feed) keeps one representative to compare with, not thousands (grouping stays
# linear in articles). A copy that drifts further is indexed, so the story can be found
# from either end.
REPRESENTATIVE_SIMILARITY = 0.9
# ... and a story is indexed by at most this many of its articles, whatever their drift:
# a query meets a bounded number of each story's articles.
MAX_REPRESENTATIVES = 8
# Texts shorter than this many words (a feed's one-line summary) are too short to compare
# reliably: each stays its own story.
MIN_WORDS = 25

_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[bytes]:
    """The set of 4-word shingles of a text, folded (case, accents, apostrophes ignored)."""
    words = _WORD.findall(fold(text))
    if len(words) < MIN_WORDS:
        return set()
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


@lru_cache(maxsize=1)
def _permutations() -> Any:
    # Drawing the permutations is most of a MinHash's cost: draw them once (same seed).
    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def signature(text: str) -> bytes | None:
    """The MinHash signature of a text as bytes, or None when the text is too short."""
    found = shingles(text)
    if not found:
        return None
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME, permutations=_permutations())
    minhash.update_batch(list(found))
    return bytes(minhash.hashvalues.astype(np.uint32).tobytes())


def _minhash(data: bytes) -> MinHash:
    values = np.frombuffer(data, dtype=np.uint32)
    return MinHash(
        num_perm=NUM_PERM, hashvalues=values, scheme=SCHEME, permutations=_permutations()
    )


class _AcyclicLSH(MinHashLSH):  # type: ignore[misc]
    """datasketch's MinHashLSH without its reference cycle, freed as soon as a run ends.

    MinHashLSH keeps a bound method of itself (``self._H``): every run's index, a set per
    band and article, stayed in memory until the cyclic collector's next full pass (after
    a first collection of 240 feeds, 38,421 unreachable objects; 741 without the cycle).
    The same method, looked up on the class instead.
    """

    # datasketch's own method, as a method of the class rather than of the instance.
    _H = MinHashLSH._byteswap

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        if self.hashfunc is None:  # with a hash function, _H is another method: kept
            del self._H


@lru_cache(maxsize=1)
def _lsh_bands() -> tuple[int, int]:
    """The LSH's bands and rows for THRESHOLD: datasketch integrates its error curves to
    choose them (11 to 24 ms), at every collection run of the watcher without this."""
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


class StoryIndex:
    """Assigns each new article the story of its nearest earlier copy, or a story of its own."""

    def __init__(
        self, known: Callable[[], Iterable[tuple[str, str, bytes | None]]] | None = None
    ) -> None:
        self._lsh = _AcyclicLSH(threshold=THRESHOLD, num_perm=NUM_PERM, params=_lsh_bands())
        self._stories: dict[str, str] = {}
        self._hashes: dict[str, MinHash] = {}
        self._indexed: dict[str, int] = {}  # story -> how many of its articles are indexed
        # Stored stories to load on first use (add_known), so that a run with nothing new
        # never reads them.
        self._pending = known

    def add_known(self, rows: Iterable[tuple[str, str, bytes | None]]) -> None:
        """Load stored (article id, story id, signature) rows: each story is indexed by its
        first signed article, its later copies are remembered but not compared with."""
        represented = set(self._stories.values())
        for article_id, story_id, data in rows:
            self._stories[article_id] = story_id
            if data and article_id not in self._hashes and story_id not in represented:
                represented.add(story_id)
                self._indexed[story_id] = 1
                minhash = _minhash(data)
                self._hashes[article_id] = minhash
                self._lsh.insert(article_id, minhash)

    def assign(self, article_id: str, data: bytes | None) -> str:
        """The story id for an article (and remember it for the next ones)."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.add_known(pending())
        if data is None:
            self._stories[article_id] = self._stories.get(article_id, article_id)
            return self._stories[article_id]
        minhash = _minhash(data)
        best: tuple[float, str] | None = None
        for candidate in self._lsh.query(minhash):
            if candidate == article_id:
                continue
            similarity = minhash.jaccard(self._hashes[candidate])
            if similarity >= THRESHOLD and (best is None or similarity > best[0]):
                best = (similarity, candidate)
        story = self._stories[best[1]] if best else article_id
        if article_id in self._hashes:
            self._lsh.remove(article_id)
            del self._hashes[article_id]
        if best is None or (
            best[0] < REPRESENTATIVE_SIMILARITY
            and self._indexed.get(story, 0) < MAX_REPRESENTATIVES
        ):
            self._hashes[article_id] = minhash
            self._lsh.insert(article_id, minhash)
            self._indexed[story] = self._indexed.get(story, 0) + 1
        self._stories[article_id] = story
        return story

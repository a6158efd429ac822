"""Syndication: republished copies of one story (wire copy, one piece under two URLs) grouped.

Near-duplicates are found with MinHash signatures of word shingles and an LSH index
(datasketch): two articles sharing about half of their 4-word shingles or more are one story.
A teaser (a feed's summary, an article's first paragraph) joins the story of the full text
that contains it, whichever comes first: a text's first 500 words and its last 150 are
also signed in overlapping windows, each long enough to hold a whole teaser, and a teaser
is compared with those windows by containment (the share of its shingles found in one).
Copies are grouped only within STORY_WINDOW of each other, whichever is collected first.
"""

from __future__ import annotations

import importlib
import logging
import re
import sys
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import numpy as np


class _IntegrateOnDemand(types.ModuleType):
    """Stands in for scipy.integrate while datasketch is imported.

    datasketch's LSH module imports scipy.integrate's ``quad`` at its top (to choose an
    index's bands and rows), and that import costs more CPU than the rest of an article's
    analysis modules: every collector process paid it, though the index's bands for our
    thresholds are pinned below and never integrated. datasketch gets a ``quad`` that loads
    scipy's when it is called; any other name loads scipy.integrate itself.
    """

    def __init__(self) -> None:
        super().__init__("scipy.integrate")
        self.quad = self._quad

    @staticmethod
    def _real() -> types.ModuleType:
        """scipy.integrate itself, the stand-in first taken out of the modules if left."""
        _take_the_stand_in_out()
        return importlib.import_module("scipy.integrate")

    @classmethod
    def _quad(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._real().quad(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system's questions (__path__): not scipy's
            raise AttributeError(name)
        return getattr(self._real(), name)


def _stand_in_for_integrate() -> None:
    """Put the stand-in in place of scipy.integrate unless scipy's is already loaded."""
    sys.modules.setdefault("scipy.integrate", _IntegrateOnDemand())


def _take_the_stand_in_out() -> None:
    """Leave scipy.integrate to scipy again, once datasketch holds its ``quad``."""
    module = sys.modules.pop("scipy.integrate", None)
    if module is not None and not isinstance(module, _IntegrateOnDemand):
        sys.modules["scipy.integrate"] = module  # scipy's own: put back


# datasketch is a dependency: if its import failed, so would this module's and the
# command's (a try/finally here would hide the import from the architecture tests).
_stand_in_for_integrate()
from datasketch import MinHash, MinHashLSH  # noqa: E402 (after the stand-in, on purpose)

_take_the_stand_in_out()

from presswatch.analysis.nlp.text import fold  # noqa: E402

log = logging.getLogger(__name__)

NUM_PERM = 128
# A wire story is republished within days: two articles whose dates lie further apart (an
# announcement repeated for next year's edition) are never one story, whichever of them
# is collected first. Every story's articles lie within this span of each other.
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
# A teaser: a text (title not counted) of MIN_TEASER_WORDS to TEASER_WORDS words. Fewer
# words are too generic to say which story contains them ("Mistral AI lève des fonds":
# a headline found in many stories), so they join by similarity only.
MIN_TEASER_WORDS = 30
TEASER_WORDS = 100
# A text's first CONTAINED_WORDS words are signed in windows of WINDOW_WORDS words, one
# every WINDOW_STEP words, and its last WINDOW_WORDS words in one more: any passage of
# TEASER_WORDS words or fewer there lies whole in one window (a window is a teaser's
# length plus a step).
WINDOW_STEP = 50
WINDOW_WORDS = TEASER_WORDS + WINDOW_STEP
CONTAINED_WORDS = 500
# Estimated share of a teaser's shingles found in a window above which the window's text
# contains the teaser (a teaser edited by a word or two stays above it; a text sharing a
# sentence with it stays far below).
CONTAINMENT = 0.6
# The LSH threshold at which windows and teasers are proposed to each other: a teaser of
# MIN_TEASER_WORDS in a full window shares a Jaccard similarity of about 0.18 with it.
CONTAINMENT_LSH_THRESHOLD = 0.1

_WORD = re.compile(r"\w+")
_SIGNATURE_BYTES = NUM_PERM * 4


def shingles(text: str) -> set[bytes]:
    """The set of 4-word shingles of a text, folded (case, accents, apostrophes ignored)."""
    words = _WORD.findall(fold(text))
    if len(words) < MIN_WORDS:
        return set()
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


def _window_blocks(blocks: int) -> list[int]:
    """The first block of each window of a text of this many WINDOW_STEP-word blocks: one
    window for a text that fits in one; else one a block over its first CONTAINED_WORDS
    words, and one over its last words (some feeds end their content with the summary)."""
    span = WINDOW_WORDS // WINDOW_STEP
    last = blocks - span
    if last <= 0:
        return [0]
    firsts = list(range(0, min(last, CONTAINED_WORDS // WINDOW_STEP - span) + 1))
    if firsts[-1] != last:
        firsts.append(last)
    return firsts


@lru_cache(maxsize=1)
def _permutations() -> Any:
    # Drawing the permutations is most of a MinHash's cost: draw them once (same seed).
    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def signature(text: str, title: str | None = None) -> bytes | None:
    """The signature of an article as bytes, or None when it is too short: the MinHash of
    the shingles of its title and text (to find copies), then the shingle count and the
    MinHash of each window of its text's first words (to find teasers; without the title,
    which stands apart from the passage a teaser repeats). ``Signature.parse`` reads it."""
    words = _WORD.findall(fold(f"{title or ''}\n{text}"))
    if len(words) < MIN_WORDS:
        return None
    body = _WORD.findall(fold(text))
    offset = len(words) - len(body)  # the title's words come first
    # Each shingle is hashed once, in the block of WINDOW_STEP words where it starts: a
    # window's MinHash is the minimum of its blocks', the whole article's the minimum of
    # every block's and of the shingles starting in the title.
    shingled = [
        " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
    ]
    heading = set(shingled[:offset])
    in_body = shingled[offset:]
    blocks = [set(in_body[at : at + WINDOW_STEP]) for at in range(0, len(in_body), WINDOW_STEP)]
    blocks = blocks or [set()]
    hashes = [_hashvalues(block) for block in blocks]
    span = WINDOW_WORDS // WINDOW_STEP
    windows = [slice(first, first + span) for first in _window_blocks(len(blocks))]
    sizes = np.array([len(set().union(*blocks[window])) for window in windows], np.uint32)
    whole = np.minimum.reduce([_hashvalues(heading), *hashes])
    # The whole article's MinHash first: a signature stored before windows existed (that
    # MinHash alone) reads as one without windows.
    return (
        _as_bytes(whole)
        + sizes.tobytes()
        + b"".join(_as_bytes(np.minimum.reduce(hashes[window])) for window in windows)
    )


def _hashvalues(found: set[str]) -> Any:
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME, permutations=_permutations())
    minhash.update_batch([shingle.encode("utf-8") for shingle in found])
    return minhash.hashvalues


def _as_bytes(hashvalues: Any) -> bytes:
    return bytes(hashvalues.astype(np.uint32).tobytes())


def _minhash(data: bytes) -> MinHash:
    values = np.frombuffer(data, dtype=np.uint32)
    return MinHash(
        num_perm=NUM_PERM, hashvalues=values, scheme=SCHEME, permutations=_permutations()
    )


@dataclass(frozen=True, slots=True)
class Signature:
    """A stored signature read back: the whole article's MinHash, and its text's windows
    (MinHash and shingle count; none in a signature stored before windows)."""

    whole: MinHash
    windows: tuple[tuple[MinHash, int], ...]

    @classmethod
    def parse(cls, data: bytes) -> Signature:
        """Read a signature from its bytes (either format); ValueError when they are
        neither."""
        if not is_signature(data):
            raise ValueError(
                f"not a story signature ({len(data)} bytes): reanalyse the archive "
                "(presswatch reanalyze) to sign its articles again"
            )
        count = (len(data) - _SIGNATURE_BYTES) // (_SIGNATURE_BYTES + 4)
        begin = _SIGNATURE_BYTES + 4 * count
        sizes = np.frombuffer(data[_SIGNATURE_BYTES:begin], np.uint32)
        windows = tuple(
            (
                _minhash(data[begin + n * _SIGNATURE_BYTES : begin + (n + 1) * _SIGNATURE_BYTES]),
                int(sizes[n]),
            )
            for n in range(count)
        )
        return cls(_minhash(data[:_SIGNATURE_BYTES]), windows)

    @property
    def teaser(self) -> bool:
        """Whether the text is long enough and short enough to be contained in another
        (its one window is then the whole text)."""
        return len(self.windows) == 1 and _teaser_size(self.windows[0][1])

    @property
    def full(self) -> bool:
        """Whether the text is a full one: longer than one window (WINDOW_WORDS), or of
        a signature that does not say. A full text makes its story no teaser's any more."""
        return len(self.windows) != 1


def _words_of(shingle_count: int) -> int:
    """About how many words gave this many shingles."""
    return shingle_count + SHINGLE_WORDS - 1


def _teaser_size(shingle_count: int) -> bool:
    return MIN_TEASER_WORDS <= _words_of(shingle_count) <= TEASER_WORDS


def _full_length(length: int) -> bool:
    """Whether a signature of this many bytes is a full text's: more than one window (or
    a signature from before windows, whose text is not known to be short)."""
    return length != 2 * _SIGNATURE_BYTES + 4


def is_signature(data: bytes) -> bool:
    """Whether these bytes have the length of a signature of either format."""
    windows = len(data) - _SIGNATURE_BYTES
    return windows >= 0 and windows % (_SIGNATURE_BYTES + 4) == 0


def is_legacy(data: bytes) -> bool:
    """Whether a stored signature predates windows (its text is to be signed again)."""
    return len(data) == _SIGNATURE_BYTES


def containment(teaser: MinHash, teaser_size: int, window: MinHash, window_size: int) -> float:
    """The estimated share of a teaser's shingles found in a window, from their MinHash
    Jaccard similarity and their sizes: |T ∩ W| = J (|T| + |W|) / (1 + J)."""
    similarity = float(teaser.jaccard(window))
    shared = similarity * (teaser_size + window_size) / (1 + similarity)
    return min(1.0, shared / max(teaser_size, 1))


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


# The bands and rows datasketch chooses for our two thresholds (at NUM_PERM, equal weights
# of false positives and negatives): choosing them integrates its error curves with scipy,
# whose import a collector process would pay for two constants.
# tests/test_stories.py holds them equal to datasketch's choice.
PINNED_BANDS = {THRESHOLD: (25, 5), CONTAINMENT_LSH_THRESHOLD: (64, 2)}


@lru_cache(maxsize=2)
def _lsh_bands(threshold: float = THRESHOLD) -> tuple[int, int]:
    """The LSH's bands and rows for a threshold: pinned for ours, else datasketch's choice
    (it integrates its error curves, at every collection run of the watcher without this
    cache)."""
    if threshold in PINNED_BANDS:
        return PINNED_BANDS[threshold]
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def _lsh(threshold: float) -> _AcyclicLSH:
    return _AcyclicLSH(threshold=threshold, num_perm=NUM_PERM, params=_lsh_bands(threshold))


# (article id, story id, signature, date: published, else first seen, and the signature's
# length) of a stored article. The signature may be left out (None) of all but a story's
# first signed article: its length tells whether the article is a full text.
StoryRow = tuple[str, str, bytes | None, datetime | None, int | None]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _utc(when: datetime | None) -> datetime | None:
    if when is None or when.tzinfo is not None:
        return when
    return when.replace(tzinfo=UTC)


def _period(when: datetime | None) -> int | None:
    """The STORY_WINDOW-long period a date falls in (None: undated)."""
    return None if when is None else (when - _EPOCH) // STORY_WINDOW


@dataclass
class _Period:
    """The indexes of the representatives dated in one period: copies are looked for in
    a date's own period and its two neighbours only, so that an index of years of
    articles answers as fast as one of a month."""

    similar: _AcyclicLSH = field(default_factory=lambda: _lsh(THRESHOLD))
    windows: _AcyclicLSH = field(default_factory=lambda: _lsh(CONTAINMENT_LSH_THRESHOLD))


@dataclass(frozen=True, slots=True)
class _Representative:
    """An indexed article: its story, its signature and where it is indexed."""

    story: str
    signature: Signature
    period: int | None


class StoryIndex:
    """Assigns each new article the story of its nearest copy, or of the full text that
    contains it (or that it contains), within STORY_WINDOW; else a story of its own."""

    def __init__(self, known: Callable[[datetime, datetime], Iterable[StoryRow]] | None = None):
        self._periods: dict[int | None, _Period] = {}
        self._stories: dict[str, str] = {}
        self._indexed: dict[str, _Representative] = {}
        self._count: dict[str, int] = {}  # story -> how many of its articles are indexed
        self._spans: dict[str, tuple[datetime, datetime]] = {}  # story -> first, last date
        self._full: set[str] = set()  # stories holding a text longer than a teaser
        # Stored stories, read a period at a time on first use (so that a run with nothing
        # new never reads them, and a backfilled old article finds its own period's).
        self._known = known
        self._loaded: set[int] = set()

    def add_known(self, rows: Iterable[StoryRow]) -> None:
        """Load stored (article id, story id, signature, date) rows: each story is indexed
        by its first signed article, its later copies are remembered but not compared with."""
        for article_id, story_id, data, when, length in rows:
            when = _utc(when)
            self._stories[article_id] = story_id
            self._widen(story_id, when)
            if length is not None and _full_length(length):
                self._full.add(story_id)
            if not data:
                continue
            if not is_signature(data):  # damaged: that article is compared with nothing
                log.warning("article %s: stored story signature unreadable, skipped", article_id)
                continue
            if article_id not in self._indexed and not self._count.get(story_id):
                self._index(article_id, story_id, Signature.parse(data), _period(when))

    def assign(self, article_id: str, data: bytes | None, when: datetime | None = None) -> str:
        """The story id for an article dated ``when`` (published, else first seen; None:
        undated, compared with undated articles only), remembered for the next ones."""
        when = _utc(when)
        period = _period(when)
        self._load_around(period)
        if data is None:
            story = self._stories.get(article_id, article_id)
        else:
            parsed = Signature.parse(data)
            found = self._nearest(article_id, parsed, when, period)
            story = found[1] if found else article_id
            if article_id in self._indexed:
                self._unindex(article_id)
            if found is None or (
                found[0] < REPRESENTATIVE_SIMILARITY
                and self._count.get(story, 0) < MAX_REPRESENTATIVES
            ):
                self._index(article_id, story, parsed, period)
            if parsed.full:
                self._full.add(story)
        self._widen(story, when)
        self._stories[article_id] = story
        return story

    def _nearest(
        self, article_id: str, parsed: Signature, when: datetime | None, period: int | None
    ) -> tuple[float, str] | None:
        """(score, story) of the most similar copy in the window, else of the best text
        containing this one or contained in it; None when there is none."""
        periods = [self._periods[p] for p in _neighbours(period) if p in self._periods]
        best: tuple[float, str] | None = None
        for indexes in periods:
            for candidate in indexes.similar.query(parsed.whole):
                if candidate == article_id:
                    continue
                known = self._indexed[candidate]
                similarity = parsed.whole.jaccard(known.signature.whole)
                if similarity >= THRESHOLD:
                    best = self._better(best, similarity, known.story, when)
        if best is not None:
            return best
        # No copy: a text containing this teaser, or a teaser this text contains (of a
        # story without its full text yet: a teaser in two distinct full texts, such as a
        # boilerplate paragraph, must not merge them). Windows are proposed to each
        # other: a teaser's one window is its whole text.
        contained: tuple[float, str] | None = None
        for window, size in parsed.windows:
            for indexes in periods:
                for candidate, part in indexes.windows.query(window):
                    if candidate == article_id:
                        continue
                    known = self._indexed[candidate]
                    theirs, their_size = known.signature.windows[part]
                    share = 0.0
                    if parsed.teaser:
                        share = containment(window, size, theirs, their_size)
                    if known.signature.teaser and known.story not in self._full:
                        share = max(share, containment(theirs, their_size, window, size))
                    if share >= CONTAINMENT:
                        contained = self._better(contained, share, known.story, when)
        # A containment is no near-copy: the text is indexed (as far as the story allows).
        return None if contained is None else (0.0, contained[1])

    def _better(
        self, best: tuple[float, str] | None, score: float, story: str, when: datetime | None
    ) -> tuple[float, str] | None:
        """(score, story) if it beats the best so far and the story admits the date."""
        if (best is None or score > best[0]) and self._fits(story, when):
            return score, story
        return best

    def _fits(self, story: str, when: datetime | None) -> bool:
        """Whether an article dated ``when`` keeps the story within STORY_WINDOW."""
        span = self._spans.get(story)
        if when is None or span is None:
            return True
        return max(span[1], when) - min(span[0], when) <= STORY_WINDOW

    def _widen(self, story: str, when: datetime | None) -> None:
        if when is None:
            return
        span = self._spans.get(story)
        self._spans[story] = (min(span[0], when), max(span[1], when)) if span else (when, when)

    def _index(self, article_id: str, story: str, parsed: Signature, period: int | None) -> None:
        indexes = self._periods.get(period)
        if indexes is None:
            indexes = self._periods[period] = _Period()
        indexes.similar.insert(article_id, parsed.whole)
        for part, (window, _size) in enumerate(parsed.windows):
            indexes.windows.insert((article_id, part), window)
        self._indexed[article_id] = _Representative(story, parsed, period)
        self._count[story] = self._count.get(story, 0) + 1

    def _unindex(self, article_id: str) -> None:
        known = self._indexed.pop(article_id)
        indexes = self._periods[known.period]
        indexes.similar.remove(article_id)
        for part in range(len(known.signature.windows)):
            indexes.windows.remove((article_id, part))
        self._count[known.story] -= 1

    def _load_around(self, period: int | None) -> None:
        """Read the stored articles dated in the periods around this one, once each: the
        neighbours' stories to compare with, and theirs again to know their spans."""
        if self._known is None or period is None:
            return
        for wanted in range(period - 2, period + 3):
            if wanted not in self._loaded:
                self._loaded.add(wanted)
                start = _EPOCH + wanted * STORY_WINDOW
                self.add_known(self._known(start, start + STORY_WINDOW))


def _neighbours(period: int | None) -> list[int | None]:
    """The periods whose articles may lie within STORY_WINDOW of a date in this one."""
    return [None] if period is None else [period - 1, period, period + 1]
